//! The ERC-721 surface (`OpenZeppelin` underneath, routed through the license contract),
//! Metadata, ERC-165 and ERC-2981.

use alloy_primitives::{aliases::B32, fixed_bytes, uint, Address, U256};
use motsu::prelude::*;
use openzeppelin_stylus::{
    token::erc721::{
        ApprovalForAll, ERC721IncorrectOwner, ERC721InsufficientApproval, ERC721InvalidApprover,
        ERC721InvalidOperator, ERC721InvalidOwner, ERC721InvalidReceiver, ERC721NonexistentToken,
        Erc721, IErc721, InvalidReceiverWithReason, Transfer,
    },
    utils::introspection::erc165::IErc165,
};

use super::*;
use crate::{errors::Error, NAME, SYMBOL};

const MISSING: U256 = uint!(999_U256);

#[motsu::test]
fn name_symbol_and_token_uri(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    let (_, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    assert_eq!(nft.sender(buyer).name(), NAME);
    assert_eq!(nft.sender(buyer).symbol(), SYMBOL);
    assert_eq!(
        nft.sender(buyer).token_uri(token).motsu_unwrap().as_slice(),
        TERMS_URI.as_bytes()
    );
    let err = nft.sender(buyer).token_uri(MISSING).motsu_unwrap_err();
    assert!(
        matches!(err, Error::NonexistentToken(ERC721NonexistentToken { token_id }) if token_id == MISSING)
    );
}

#[motsu::test]
fn supports_exactly_the_standard_interfaces(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    for id in ["01ffc9a7", "80ac58cd", "5b5e139f", "2a55205a", "ad092b5c"] {
        let id = B32::from_slice(&alloy_primitives::hex::decode(id).unwrap());
        assert!(nft.sender(admin).supports_interface(id), "{id}");
    }
    assert!(!nft
        .sender(admin)
        .supports_interface(fixed_bytes!("ffffffff")));
    assert!(!nft
        .sender(admin)
        .supports_interface(fixed_bytes!("00000000")));
    // The constants agree with OpenZeppelin's computed ids.
    assert!(nft
        .sender(admin)
        .supports_interface(<Erc721 as IErc721>::interface_id()));
    assert!(nft
        .sender(admin)
        .supports_interface(<Erc721 as IErc165>::interface_id()));
}

#[motsu::test]
fn balance_and_owner(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    let (offer_id, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    assert_eq!(nft.sender(buyer).owner_of(token).motsu_unwrap(), buyer);
    assert_eq!(
        nft.sender(buyer).balance_of(buyer).motsu_unwrap(),
        U256::from(1)
    );
    buy(&offers, offer_id, buyer, PRICE);
    assert_eq!(
        nft.sender(buyer).balance_of(buyer).motsu_unwrap(),
        U256::from(2)
    );
    assert_eq!(
        nft.sender(buyer).balance_of(admin).motsu_unwrap(),
        U256::ZERO
    );

    let err = nft
        .sender(buyer)
        .balance_of(Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidOwner(ERC721InvalidOwner {
            owner: Address::ZERO
        })
    ));
    let err = nft.sender(buyer).owner_of(MISSING).motsu_unwrap_err();
    assert!(matches!(err, Error::NonexistentToken(_)));
}

#[motsu::test]
fn owner_transfers(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
    bob: Address,
) {
    let (_, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    nft.sender(buyer)
        .transfer_from(buyer, bob, token)
        .motsu_unwrap();
    assert_eq!(nft.sender(bob).owner_of(token).motsu_unwrap(), bob);
    assert_eq!(nft.sender(bob).balance_of(buyer).motsu_unwrap(), U256::ZERO);
    nft.assert_emitted(&Transfer {
        from: buyer,
        to: bob,
        token_id: token,
    });
}

#[motsu::test]
fn transfer_errors(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
    bob: Address,
) {
    let (_, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    let err = nft
        .sender(bob)
        .transfer_from(buyer, bob, token)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::InsufficientApproval(ERC721InsufficientApproval { operator, token_id })
            if operator == bob && token_id == token
    ));
    let err = nft
        .sender(buyer)
        .transfer_from(bob, admin, token)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::IncorrectOwner(ERC721IncorrectOwner { sender, owner, .. })
            if sender == bob && owner == buyer
    ));
    let err = nft
        .sender(buyer)
        .transfer_from(buyer, Address::ZERO, token)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidReceiver(ERC721InvalidReceiver {
            receiver: Address::ZERO
        })
    ));
    let err = nft
        .sender(buyer)
        .transfer_from(buyer, bob, MISSING)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NonexistentToken(_)));
    assert_eq!(nft.sender(buyer).owner_of(token).motsu_unwrap(), buyer);
}

#[motsu::test]
fn approved_account_transfers_once(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
    bob: Address,
) {
    let (_, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    nft.sender(buyer).approve(bob, token).motsu_unwrap();
    assert_eq!(nft.sender(bob).get_approved(token).motsu_unwrap(), bob);
    nft.sender(bob)
        .transfer_from(buyer, bob, token)
        .motsu_unwrap();
    // The approval is cleared by the transfer.
    assert_eq!(
        nft.sender(bob).get_approved(token).motsu_unwrap(),
        Address::ZERO
    );

    let err = nft.sender(buyer).approve(buyer, token).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidApprover(ERC721InvalidApprover { approver }) if approver == buyer)
    );
    let err = nft.sender(bob).get_approved(MISSING).motsu_unwrap_err();
    assert!(matches!(err, Error::NonexistentToken(_)));
    let err = nft.sender(bob).approve(buyer, MISSING).motsu_unwrap_err();
    assert!(matches!(err, Error::NonexistentToken(_)));
}

#[motsu::test]
fn operator_manages_all(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
    operator: Address,
    bob: Address,
) {
    let (_, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    nft.sender(buyer)
        .set_approval_for_all(operator, true)
        .motsu_unwrap();
    nft.assert_emitted(&ApprovalForAll {
        owner: buyer,
        operator,
        approved: true,
    });
    assert!(nft.sender(buyer).is_approved_for_all(buyer, operator));
    // An operator may approve others and transfer.
    nft.sender(operator).approve(bob, token).motsu_unwrap();
    nft.sender(operator)
        .transfer_from(buyer, bob, token)
        .motsu_unwrap();
    assert_eq!(nft.sender(bob).owner_of(token).motsu_unwrap(), bob);

    nft.sender(buyer)
        .set_approval_for_all(operator, false)
        .motsu_unwrap();
    assert!(!nft.sender(buyer).is_approved_for_all(buyer, operator));
    let err = nft
        .sender(buyer)
        .set_approval_for_all(Address::ZERO, true)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidOperator(ERC721InvalidOperator {
            operator: Address::ZERO
        })
    ));
}

#[motsu::test]
fn safe_transfer_to_accepting_contract(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    receiver: Contract<AcceptingReceiver>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
    bob: Address,
) {
    let (offer_id, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    nft.sender(buyer)
        .safe_transfer_from(buyer, receiver.address(), token)
        .motsu_unwrap();
    assert_eq!(
        nft.sender(buyer).owner_of(token).motsu_unwrap(),
        receiver.address()
    );
    assert_eq!(receiver.sender(buyer).received(), token);

    // With data, and to an account without code (no check).
    let second = buy(&offers, offer_id, buyer, PRICE);
    nft.sender(buyer)
        .safe_transfer_from_with_data(buyer, receiver.address(), second, vec![1, 2, 3].into())
        .motsu_unwrap();
    assert_eq!(receiver.sender(buyer).received(), second);
    let third = buy(&offers, offer_id, buyer, PRICE);
    nft.sender(buyer)
        .safe_transfer_from(buyer, bob, third)
        .motsu_unwrap();
    assert_eq!(nft.sender(buyer).owner_of(third).motsu_unwrap(), bob);
}

#[motsu::test]
fn safe_transfer_to_rejecting_contract_fails(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    receiver: Contract<WrongMagicReceiver>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    let (_, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    let err = nft
        .sender(buyer)
        .safe_transfer_from(buyer, receiver.address(), token)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidReceiver(ERC721InvalidReceiver { receiver: r }) if r == receiver.address()
    ));
    assert_eq!(nft.sender(buyer).owner_of(token).motsu_unwrap(), buyer);
}

#[motsu::test]
fn safe_transfer_to_reverting_contract_fails(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    receiver: Contract<RevertingReceiver>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    let (_, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    let err = nft
        .sender(buyer)
        .safe_transfer_from_with_data(buyer, receiver.address(), token, vec![].into())
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidReceiverWithReason(InvalidReceiverWithReason { ref reason })
            if reason == RECEIVER_REVERT_REASON
    ));
    assert_eq!(nft.sender(buyer).owner_of(token).motsu_unwrap(), buyer);
}

#[motsu::test]
fn royalty_info_pays_the_split_receiver(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    let (_, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    let (receiver, amount) = nft
        .sender(buyer)
        .royalty_info(token, U256::from(1_000_000))
        .motsu_unwrap();
    assert_eq!(receiver, receiver_of(SPLIT));
    assert_eq!(amount, U256::from(50_000)); // 5 %
                                            // Rounds down, and cannot overflow at the largest price.
    let (_, amount) = nft
        .sender(buyer)
        .royalty_info(token, U256::from(19_999))
        .motsu_unwrap();
    assert_eq!(amount, U256::from(999));
    let (_, amount) = nft
        .sender(buyer)
        .royalty_info(token, U256::MAX)
        .motsu_unwrap();
    assert_eq!(amount, U256::MAX / U256::from(20));
    let err = nft
        .sender(buyer)
        .royalty_info(MISSING, U256::from(1))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NonexistentToken(_)));
}

/// The stamp shares the token's ERC-721 owner slot (`store`): `OpenZeppelin`'s transfers keep
/// the stamp's bits, and stamp writes keep the owner's.
#[motsu::test]
fn stamp_survives_transfers(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
    bob: Address,
    anchor: Address,
) {
    let (offer_id, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    set_expiry(&nft, token, (1 << 40) - 1);
    nft.sender(admin).set_usage_anchor(anchor).motsu_unwrap();
    nft.sender(anchor).set_debt(token, true).motsu_unwrap();
    let stamped = nft.sender(buyer).license(token).motsu_unwrap();
    assert_eq!(stamped, (offer_id, now(&nft), (1 << 40) - 1, false, true));
    assert_eq!(nft.sender(buyer).owner_of(token).motsu_unwrap(), buyer);

    nft.sender(buyer)
        .transfer_from(buyer, bob, token)
        .motsu_unwrap();
    assert_eq!(nft.sender(bob).owner_of(token).motsu_unwrap(), bob);
    assert_eq!(nft.sender(bob).license(token).motsu_unwrap(), stamped);
    assert_eq!(
        crate::store::word_address(nft.sender(bob).read_stamp(token)),
        bob,
        "the holder is the low 160 bits of the stamp"
    );

    nft.sender(anchor).set_debt(token, false).motsu_unwrap();
    assert_eq!(nft.sender(bob).owner_of(token).motsu_unwrap(), bob);
    assert_eq!(
        nft.sender(bob).license(token).motsu_unwrap(),
        (offer_id, now(&nft), (1 << 40) - 1, false, false)
    );
}
