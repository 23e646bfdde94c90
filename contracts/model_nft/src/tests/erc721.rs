//! Construction, minting by the registry only, and the ERC-721 views and approvals
//! (`OpenZeppelin` underneath, routed through the model token contract).

use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use openzeppelin_stylus::token::erc721::{Approval, ApprovalForAll, Transfer};

use super::*;
use crate::errors::{
    ERC2981InvalidDefaultRoyalty, ERC721InvalidApprover, ERC721InvalidOperator, ERC721InvalidOwner,
    ERC721InvalidReceiver, ERC721InvalidSender, ERC721NonexistentToken, Error, NotRegistry,
    ZeroAddress,
};

#[motsu::test]
fn constructor_stores_its_arguments(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
) {
    deploy(&nft, &registry, router);
    let call = nft.sender(alice);
    assert_eq!(call.registry(), registry.address());
    assert_eq!(call.router(), router);
    assert_eq!(call.resale_royalty_bps(), U256::from(BPS));
}

#[motsu::test]
fn constructor_refuses_zero_addresses(
    nft: Contract<ModelNft>,
    registry: Address,
    router: Address,
    deployer: Address,
) {
    for (registry, router) in [
        (Address::ZERO, router),
        (registry, Address::ZERO),
        (Address::ZERO, Address::ZERO),
    ] {
        let err = nft
            .sender(deployer)
            .constructor(registry, router, U256::from(BPS))
            .motsu_unwrap_err();
        assert!(matches!(err, Error::ZeroAddress(ZeroAddress {})), "{err:?}");
    }
}

#[motsu::test]
fn constructor_refuses_a_royalty_above_100_percent(
    nft: Contract<ModelNft>,
    registry: Address,
    router: Address,
    deployer: Address,
) {
    for bps in [U256::from(10_001), U256::MAX] {
        let err = nft
            .sender(deployer)
            .constructor(registry, router, bps)
            .motsu_unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidDefaultRoyalty(ERC2981InvalidDefaultRoyalty { numerator, denominator })
                    if numerator == bps && denominator == U256::from(10_000)
            ),
            "{err:?}"
        );
    }
}

#[motsu::test]
fn constructor_accepts_0_and_10_000_bps(
    zero: Contract<ModelNft>,
    full: Contract<ModelNft>,
    registry: Address,
    router: Address,
    deployer: Address,
) {
    for (nft, bps) in [(&zero, 0u64), (&full, 10_000)] {
        nft.sender(deployer)
            .constructor(registry, router, U256::from(bps))
            .motsu_unwrap();
        assert_eq!(nft.sender(deployer).resale_royalty_bps(), U256::from(bps));
    }
}

#[motsu::test]
fn the_registry_mints_without_being_called_back(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
) {
    deploy(&nft, &registry, router);
    assert!(!nft.sender(alice).exists(MODEL));
    nft.sender(registry.address())
        .mint(alice, MODEL)
        .motsu_unwrap();
    nft.assert_emitted(&Transfer {
        from: Address::ZERO,
        to: alice,
        token_id: MODEL,
    });
    assert!(nft.sender(alice).exists(MODEL));
    assert_eq!(nft.sender(alice).owner_of(MODEL).motsu_unwrap(), alice);
    assert_eq!(
        nft.sender(alice).balance_of(alice).motsu_unwrap(),
        U256::from(1)
    );
    assert!(moves(&registry).is_empty(), "a mint is not a move");
}

#[motsu::test]
fn only_the_registry_mints(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
) {
    deploy(&nft, &registry, router);
    for sender in [alice, router, Address::ZERO] {
        let err = nft.sender(sender).mint(alice, MODEL).motsu_unwrap_err();
        assert!(
            matches!(err, Error::NotRegistry(NotRegistry { account }) if account == sender),
            "{err:?}"
        );
    }
    assert!(!nft.sender(alice).exists(MODEL));
}

#[motsu::test]
fn a_model_is_minted_once_and_never_to_zero(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
    bob: Address,
) {
    minted(&nft, &registry, router, alice);
    let err = nft
        .sender(registry.address())
        .mint(bob, MODEL)
        .motsu_unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidSender(ERC721InvalidSender {
                sender: Address::ZERO
            })
        ),
        "{err:?}"
    );
    assert_eq!(nft.sender(alice).owner_of(MODEL).motsu_unwrap(), alice);
    let err = nft
        .sender(registry.address())
        .mint(Address::ZERO, MISSING)
        .motsu_unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidReceiver(ERC721InvalidReceiver {
                receiver: Address::ZERO
            })
        ),
        "{err:?}"
    );
    assert!(!nft.sender(alice).exists(MISSING));
}

#[motsu::test]
fn balance_and_owner_views(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
    bob: Address,
) {
    minted(&nft, &registry, router, alice);
    nft.sender(registry.address())
        .mint(alice, MODEL + U256::from(1))
        .motsu_unwrap();
    assert_eq!(
        nft.sender(bob).balance_of(alice).motsu_unwrap(),
        U256::from(2)
    );
    assert_eq!(nft.sender(bob).balance_of(bob).motsu_unwrap(), U256::ZERO);
    let err = nft.sender(bob).balance_of(Address::ZERO).motsu_unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidOwner(ERC721InvalidOwner {
                owner: Address::ZERO
            })
        ),
        "{err:?}"
    );
    let err = nft.sender(bob).owner_of(MISSING).motsu_unwrap_err();
    assert!(
        matches!(err, Error::NonexistentToken(ERC721NonexistentToken { token_id }) if token_id == MISSING),
        "{err:?}"
    );
}

#[motsu::test]
fn approvals(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
    bob: Address,
    operator: Address,
) {
    minted(&nft, &registry, router, alice);
    nft.sender(alice).approve(bob, MODEL).motsu_unwrap();
    nft.assert_emitted(&Approval {
        owner: alice,
        approved: bob,
        token_id: MODEL,
    });
    assert_eq!(nft.sender(bob).get_approved(MODEL).motsu_unwrap(), bob);

    // Only the holder or its operator approves; a token approval is not enough.
    let err = nft.sender(bob).approve(bob, MODEL).motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidApprover(ERC721InvalidApprover { approver }) if approver == bob),
        "{err:?}"
    );
    let err = nft.sender(alice).approve(bob, MISSING).motsu_unwrap_err();
    assert!(
        matches!(err, Error::NonexistentToken(ERC721NonexistentToken { token_id }) if token_id == MISSING),
        "{err:?}"
    );
    let err = nft.sender(bob).get_approved(MISSING).motsu_unwrap_err();
    assert!(
        matches!(err, Error::NonexistentToken(ERC721NonexistentToken { token_id }) if token_id == MISSING),
        "{err:?}"
    );

    nft.sender(alice)
        .set_approval_for_all(operator, true)
        .motsu_unwrap();
    nft.assert_emitted(&ApprovalForAll {
        owner: alice,
        operator,
        approved: true,
    });
    assert!(nft.sender(bob).is_approved_for_all(alice, operator));
    nft.sender(operator).approve(operator, MODEL).motsu_unwrap();
    assert_eq!(nft.sender(bob).get_approved(MODEL).motsu_unwrap(), operator);
    nft.sender(alice)
        .set_approval_for_all(operator, false)
        .motsu_unwrap();
    assert!(!nft.sender(bob).is_approved_for_all(alice, operator));
    let err = nft
        .sender(alice)
        .set_approval_for_all(Address::ZERO, true)
        .motsu_unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidOperator(ERC721InvalidOperator {
                operator: Address::ZERO
            })
        ),
        "{err:?}"
    );
}
