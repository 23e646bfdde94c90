//! Deployment and administration: the constructor (it reads the anchor's window), the
//! two-step owner and the arbiter.

use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use openzeppelin_stylus::access::ownable::OwnableUnauthorizedAccount;

use super::*;
use crate::{
    errors::{Error, InvalidConfiguration},
    events::ArbiterChanged,
};

#[motsu::test]
fn constructor_rejects_zero_configuration() {
    let world = World::before_disputes();
    let (owner, anchor, escrow) = (
        world.owner(),
        world.anchor.address(),
        world.escrow.address(),
    );
    for (o, a, e, bond) in [
        (Address::ZERO, anchor, escrow, BOND),
        (owner, Address::ZERO, escrow, BOND),
        (owner, anchor, Address::ZERO, BOND),
        (owner, anchor, escrow, U256::ZERO),
    ] {
        let err = world
            .disputes
            .sender(owner)
            .constructor(o, a, e, bond)
            .motsu_expect_err("zero configuration");
        assert!(
            matches!(err, Error::InvalidConfiguration(InvalidConfiguration {})),
            "{err:?}"
        );
    }
}

#[motsu::test]
fn constructor_reads_the_window_and_appoints_the_owner() {
    let world = World::before_disputes();
    let owner = world.owner();
    world
        .disputes
        .sender(owner)
        .constructor(owner, world.anchor.address(), world.escrow.address(), BOND)
        .motsu_unwrap();
    world.disputes.assert_emitted(&ArbiterChanged {
        previousArbiter: Address::ZERO,
        newArbiter: owner,
    });
    assert_eq!(
        world.disputes.sender(owner).config(),
        (
            world.anchor.address(),
            world.escrow.address(),
            owner,
            BOND,
            WINDOW
        )
    );
    assert_eq!(world.disputes.sender(owner).owner(), owner);
    // Wired the documented way, the anchor and the escrow know it.
    let world = World::new();
    assert_eq!(
        world.anchor.sender(owner).config().2,
        world.disputes.address()
    );
    let escrow = world.escrow.sender(world.owner()).config();
    assert_eq!(
        (escrow.2, escrow.3, escrow.4),
        (world.anchor.address(), world.disputes.address(), WINDOW)
    );
}

#[motsu::test]
fn only_the_owner_appoints_the_arbiter(stranger: Address, heir: Address) {
    let world = World::new();
    let (disputes, owner) = (&world.disputes, world.owner());
    assert_eq!(disputes.sender(owner).config().2, world.arbiter);
    disputes.assert_emitted(&ArbiterChanged {
        previousArbiter: owner,
        newArbiter: world.arbiter,
    });
    for caller in [stranger, world.arbiter] {
        let err = disputes
            .sender(caller)
            .set_arbiter(caller)
            .motsu_expect_err("not the owner");
        assert!(
            matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == caller)
        );
    }
    // Ownership moves in two steps; the new owner appoints.
    disputes
        .sender(owner)
        .transfer_ownership(heir)
        .motsu_unwrap();
    assert_eq!(disputes.sender(owner).pending_owner(), heir);
    let err = disputes
        .sender(stranger)
        .accept_ownership()
        .motsu_expect_err("not pending");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == stranger)
    );
    disputes.sender(heir).accept_ownership().motsu_unwrap();
    assert_eq!(disputes.sender(heir).owner(), heir);
    let err = disputes
        .sender(owner)
        .set_arbiter(owner)
        .motsu_expect_err("old owner");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == owner)
    );
    disputes.sender(heir).set_arbiter(stranger).motsu_unwrap();
    disputes.assert_emitted(&ArbiterChanged {
        previousArbiter: world.arbiter,
        newArbiter: stranger,
    });
    assert_eq!(disputes.sender(heir).config().2, stranger);
}
