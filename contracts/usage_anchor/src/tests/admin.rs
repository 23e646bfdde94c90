//! Administration: the constructor, the two-step owner, the attestor allow-list and the
//! one-time wiring of the disputes contract.

use alloy_primitives::{Address, B256, U256};
use motsu::prelude::*;

use super::*;
use crate::{
    errors::{DisputesAlreadySet, Error, InvalidConfiguration, OwnableUnauthorizedAccount},
    events::{AttestorAllowed, DisputesSet, OwnershipTransferStarted, OwnershipTransferred},
};

#[motsu::test]
fn constructor_rejects_zero_configuration() {
    let world = World::undeployed();
    let (owner, nft, escrow) = (
        world.owner(),
        world.license.address(),
        world.escrow.address(),
    );
    let cases = [
        (Address::ZERO, nft, escrow, WINDOW, MIN_BOND),
        (owner, Address::ZERO, escrow, WINDOW, MIN_BOND),
        (owner, nft, Address::ZERO, WINDOW, MIN_BOND),
        (owner, nft, escrow, 0, MIN_BOND),
        (owner, nft, escrow, WINDOW, U256::ZERO),
    ];
    for (i, (o, n, e, window, bond)) in cases.into_iter().enumerate() {
        let err = world
            .anchor
            .sender(owner)
            .constructor(o, n, e, window, bond, EXIT_DELAY)
            .motsu_expect_err("zero configuration");
        assert!(
            matches!(err, Error::InvalidConfiguration(InvalidConfiguration {})),
            "case {i}: {err:?}"
        );
    }
    // A zero exit delay is allowed.
    world
        .anchor
        .sender(owner)
        .constructor(owner, nft, escrow, WINDOW, MIN_BOND, 0)
        .motsu_unwrap();
}

#[motsu::test]
fn constructor_sets_owner_and_config() {
    let world = World::new();
    let owner = world.owner();
    world.anchor.assert_emitted(&OwnershipTransferred {
        previousOwner: Address::ZERO,
        newOwner: owner,
    });
    world.anchor.assert_emitted(&DisputesSet {
        disputes: world.disputes,
    });
    assert_eq!(world.anchor.sender(owner).owner(), owner);
    assert_eq!(world.anchor.sender(owner).pending_owner(), Address::ZERO);
    assert_eq!(
        world.anchor.sender(owner).config(),
        (
            world.license.address(),
            world.escrow.address(),
            world.disputes,
            WINDOW,
            MIN_BOND,
            EXIT_DELAY,
            crate::signing::domain_separator(&HOST, CHAIN_ID, world.anchor.address()),
        )
    );
    // The escrow read the disputes contract and the window from the anchor's config.
    let config = world.escrow.sender(owner).config();
    assert_eq!(config.2, world.anchor.address());
    assert_eq!(config.3, world.disputes);
    assert_eq!(config.4, WINDOW);
    assert_eq!(config.5, GRACE);
}

#[motsu::test]
fn ownership_moves_in_two_steps(heir: Address, stranger: Address) {
    let world = World::new();
    let (anchor, owner) = (&world.anchor, world.owner());
    let err = anchor
        .sender(stranger)
        .transfer_ownership(stranger)
        .motsu_expect_err("not the owner");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == stranger)
    );
    anchor.sender(owner).transfer_ownership(heir).motsu_unwrap();
    anchor.assert_emitted(&OwnershipTransferStarted {
        previousOwner: owner,
        newOwner: heir,
    });
    assert_eq!(anchor.sender(owner).pending_owner(), heir);
    // Still the old owner until accepted; only the pending owner can accept.
    assert_eq!(anchor.sender(owner).owner(), owner);
    let err = anchor
        .sender(stranger)
        .accept_ownership()
        .motsu_expect_err("not pending");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == stranger)
    );
    anchor.sender(heir).accept_ownership().motsu_unwrap();
    anchor.assert_emitted(&OwnershipTransferred {
        previousOwner: owner,
        newOwner: heir,
    });
    assert_eq!(anchor.sender(heir).owner(), heir);
    assert_eq!(anchor.sender(heir).pending_owner(), Address::ZERO);
    // The old owner lost its powers, the new one has them.
    let err = anchor
        .sender(owner)
        .set_attestor(stranger, true)
        .motsu_expect_err("old owner");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == owner)
    );
    anchor
        .sender(heir)
        .set_attestor(stranger, true)
        .motsu_unwrap();
    // Nobody accepts twice; a zero pending owner cancels (and the zero address cannot accept).
    let err = anchor
        .sender(heir)
        .accept_ownership()
        .motsu_expect_err("nothing pending");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == heir)
    );
    anchor.sender(heir).transfer_ownership(owner).motsu_unwrap();
    anchor
        .sender(heir)
        .transfer_ownership(Address::ZERO)
        .motsu_unwrap();
    let err = anchor
        .sender(owner)
        .accept_ownership()
        .motsu_expect_err("cancelled");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == owner)
    );
    let err = anchor
        .sender(Address::ZERO)
        .accept_ownership()
        .motsu_expect_err("zero never accepts");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == Address::ZERO)
    );
}

#[motsu::test]
fn only_the_owner_lists_attestors(stranger: Address, attestor: Address) {
    let world = World::new();
    let (anchor, owner) = (&world.anchor, world.owner());
    let err = anchor
        .sender(stranger)
        .set_attestor(attestor, true)
        .motsu_expect_err("not the owner");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == stranger)
    );
    assert!(!anchor.sender(owner).attestor_info(attestor).0);
    world.enroll(attestor);
    anchor.assert_emitted(&AttestorAllowed {
        attestor,
        allowed: true,
    });
    assert_eq!(
        anchor.sender(owner).attestor_info(attestor),
        (true, MIN_BOND, 0, 0, 0, U256::ZERO)
    );
    // Delisting keeps the bond and the rest of the attestor's state.
    anchor
        .sender(owner)
        .set_attestor(attestor, false)
        .motsu_unwrap();
    anchor.assert_emitted(&AttestorAllowed {
        attestor,
        allowed: false,
    });
    assert_eq!(
        anchor.sender(owner).attestor_info(attestor),
        (false, MIN_BOND, 0, 0, 0, U256::ZERO)
    );
}

#[motsu::test]
fn disputes_contract_is_wired_once_by_the_owner(stranger: Address) {
    let world = World::undeployed();
    let owner = world.owner();
    world
        .anchor
        .sender(owner)
        .constructor(
            owner,
            world.license.address(),
            world.escrow.address(),
            WINDOW,
            MIN_BOND,
            EXIT_DELAY,
        )
        .motsu_unwrap();
    let anchor = &world.anchor;
    let err = anchor
        .sender(stranger)
        .set_disputes(stranger)
        .motsu_expect_err("not the owner");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == stranger)
    );
    let err = anchor
        .sender(owner)
        .set_disputes(Address::ZERO)
        .motsu_expect_err("zero");
    assert!(matches!(
        err,
        Error::InvalidConfiguration(InvalidConfiguration {})
    ));
    assert_eq!(anchor.sender(owner).config().2, Address::ZERO);
    anchor
        .sender(owner)
        .set_disputes(world.disputes)
        .motsu_unwrap();
    anchor.assert_emitted(&DisputesSet {
        disputes: world.disputes,
    });
    assert_eq!(anchor.sender(owner).config().2, world.disputes);
    let err = anchor
        .sender(owner)
        .set_disputes(stranger)
        .motsu_expect_err("once");
    assert!(
        matches!(err, Error::DisputesAlreadySet(DisputesAlreadySet { disputes }) if disputes == world.disputes)
    );
    // Not even through the status call: before wiring nobody, after it only the wired one.
    let err = anchor
        .sender(stranger)
        .set_batch_status(stranger, B256::ZERO, 2)
        .motsu_expect_err("not the disputes contract");
    assert!(
        matches!(err, Error::NotDisputes(crate::errors::NotDisputes { account }) if account == stranger)
    );
}
