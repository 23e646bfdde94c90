//! ERC-4907 rentals: only where terms allow, expiry, and the user cleared on transfer.

use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use openzeppelin_stylus::token::erc721::{ERC721InsufficientApproval, ERC721NonexistentToken};
use tributary_abi::scope::TRAIN;

use super::*;
use crate::{
    errors::{Error, RentalNotAllowed},
    events::UpdateUser,
};

fn train() -> U256 {
    U256::from(TRAIN)
}

#[motsu::test]
fn owner_rents_out_until_expiry(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
    renter: Address,
) {
    let (_, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    let now = now(&nft);
    nft.sender(buyer)
        .set_user(token, renter, now)
        .motsu_unwrap();
    nft.assert_emitted(&UpdateUser {
        tokenId: token,
        user: renter,
        expires: now,
    });
    // Still the user at second `expires` (EIP-4907 reference semantics) …
    assert_eq!(nft.sender(buyer).user_of(token), renter);
    assert_eq!(nft.sender(buyer).user_expires(token), now);
    assert!(nft
        .sender(buyer)
        .is_licensed(renter, token, DATASET, train()));
    assert!(
        nft.sender(buyer)
            .is_licensed(buyer, token, DATASET, train()),
        "owner keeps access"
    );

    // … and gone one second later.
    nft.sender(buyer)
        .set_user(token, renter, now - 1)
        .motsu_unwrap();
    assert_eq!(nft.sender(buyer).user_of(token), Address::ZERO);
    assert_eq!(nft.sender(buyer).user_expires(token), now - 1);
    assert!(!nft
        .sender(buyer)
        .is_licensed(renter, token, DATASET, train()));

    // The renter's access also ends with the license.
    nft.sender(buyer)
        .set_user(token, renter, u64::MAX)
        .motsu_unwrap();
    set_expiry(&nft, token, now);
    assert!(!nft
        .sender(buyer)
        .is_licensed(renter, token, DATASET, train()));
}

#[motsu::test]
fn approved_accounts_may_set_the_user(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
    operator: Address,
    renter: Address,
) {
    let (_, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    let err = nft
        .sender(operator)
        .set_user(token, renter, u64::MAX)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::InsufficientApproval(ERC721InsufficientApproval { operator: o, token_id }) if o == operator && token_id == token
    ));
    nft.sender(buyer).approve(operator, token).motsu_unwrap();
    nft.sender(operator)
        .set_user(token, renter, u64::MAX)
        .motsu_unwrap();
    assert_eq!(nft.sender(buyer).user_of(token), renter);

    let err = nft
        .sender(buyer)
        .set_user(U256::from(999), renter, 1)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::NonexistentToken(ERC721NonexistentToken { .. })
    ));
}

#[motsu::test]
fn transfer_clears_the_user(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
    renter: Address,
    bob: Address,
) {
    let (_, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    nft.sender(buyer)
        .set_user(token, renter, u64::MAX)
        .motsu_unwrap();
    nft.sender(buyer)
        .transfer_from(buyer, bob, token)
        .motsu_unwrap();
    nft.assert_emitted(&UpdateUser {
        tokenId: token,
        user: Address::ZERO,
        expires: 0,
    });
    assert_eq!(nft.sender(bob).user_of(token), Address::ZERO);
    assert_eq!(nft.sender(bob).user_expires(token), 0);
    assert!(!nft.sender(bob).is_licensed(renter, token, DATASET, train()));
    assert!(nft.sender(bob).is_licensed(bob, token, DATASET, train()));
    assert!(!nft.sender(bob).is_licensed(buyer, token, DATASET, train()));
}

#[motsu::test]
fn rentals_only_where_terms_allow(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
    renter: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let id = offer(&offers, owner, terms_with(arbiter, |t| t.rentable = false));
    let token = buy(&offers, id, buyer, PRICE);
    let err = nft
        .sender(buyer)
        .set_user(token, renter, u64::MAX)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::RentalNotAllowed(RentalNotAllowed { tokenId }) if tokenId == token)
    );
    assert_eq!(nft.sender(buyer).user_of(token), Address::ZERO);
}
