//! Escrow holds: while a batch is challenged anyone proves that one of its leaves bills a
//! license, which holds that license's escrow (and no other) until the hold is released after
//! the ruling; a cleared batch's release restarts the settlement grace.

use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use usage_escrow::{
    errors::{EscrowHeld, EscrowWithdrawalLocked},
    events::{EscrowHoldsChanged, EscrowWithdrawn},
};

use super::*;
use crate::{
    anchor::{STATUS_CHALLENGED, STATUS_CLEARED},
    errors::{
        BatchMismatch, BatchUnderChallenge, Error, EscrowAlreadyHeld, InvalidProof,
        InvalidUsageLeaf, NoEscrowHold, NoOpenChallenge, UnknownBatch,
    },
    events::{EscrowHoldPlaced, EscrowHoldReleased},
};

/// An anchored batch of four leaves: positions (and indices) 0 and 2 bill [`LICENSE`], 1 and 3
/// [`OTHER_LICENSE`].
fn anchored(world: &World, id: u8) -> Signed {
    let signed = Signed::new(id, world.attestor(), leaves(4));
    world.anchor(&signed);
    signed
}

/// Whether `err` is `NoOpenChallenge` of `batch`.
fn no_open(err: &Error, batch: &Batch) -> bool {
    matches!(err, Error::NoOpenChallenge(NoOpenChallenge { attestor, batchId })
        if *attestor == batch.attestor && *batchId == batch.batchId)
}

/// Whether `err` is the escrow's `EscrowHeld` of `license_id` by `count` holds.
fn held(err: &EscrowError, license_id: U256, count: u32) -> bool {
    matches!(err, EscrowError::EscrowHeld(EscrowHeld { licenseId, holds })
        if *licenseId == license_id && *holds == count)
}

/// Whether `err` is the escrow's `EscrowWithdrawalLocked` of `license_id` until `ready_at`.
fn locked(err: &EscrowError, license_id: U256, ready_at: u64) -> bool {
    matches!(err, EscrowError::EscrowWithdrawalLocked(EscrowWithdrawalLocked { licenseId, readyAt })
        if *licenseId == license_id && *readyAt == ready_at)
}

#[motsu::test]
fn error_when_the_batch_is_not_under_challenge() {
    let world = World::new();
    let signed = anchored(&world, 1);
    let batch = &signed.batch;
    let err = world.hold(&signed, 0).motsu_expect_err("not challenged");
    assert!(no_open(&err, batch), "{err:?}");
    // Rejected: no longer challenged.
    world
        .challenge(Address::repeat_byte(0xc1), batch)
        .motsu_unwrap();
    world.resolve(batch, false).motsu_unwrap();
    let err = world.hold(&signed, 0).motsu_expect_err("cleared");
    assert!(no_open(&err, batch), "{err:?}");
    // Never anchored.
    let unknown = Signed::new(2, world.attestor(), leaves(4));
    let err = world.hold(&unknown, 0).motsu_expect_err("unknown");
    assert!(
        matches!(err, Error::UnknownBatch(UnknownBatch { attestor, batchId })
            if attestor == unknown.batch.attestor && batchId == unknown.batch.batchId)
    );
    // Anchored, but not this batch: any signed field changed.
    world
        .challenge(Address::repeat_byte(0xc2), batch)
        .motsu_unwrap();
    for tampered in [
        signed.clone().with(|b| b.totalUnits += U256::from(1)),
        signed.clone().with(|b| b.leafCount += 1),
        signed.clone().with(|b| b.deadline -= 1),
    ] {
        let err = world.hold(&tampered, 0).motsu_expect_err("mismatch");
        assert!(
            matches!(err, Error::BatchMismatch(BatchMismatch { attestor, batchId })
                if attestor == batch.attestor && batchId == batch.batchId),
            "{err:?}"
        );
    }
    assert_eq!(world.escrow_info(LICENSE).4, 0);
}

#[motsu::test]
fn error_when_the_leaf_is_not_proven() {
    let world = World::new();
    let signed = anchored(&world, 1);
    let batch = &signed.batch;
    world
        .challenge(Address::repeat_byte(0xc1), batch)
        .motsu_unwrap();
    let hold = |leaf: &UsageLeaf, proof: Vec<B256>| {
        world
            .disputes
            .sender(Address::repeat_byte(0x4b))
            .hold_escrow(tuple(batch), leaf_tuple(leaf), proof)
    };
    let mut inflated = signed.leaves[0].clone();
    inflated.units += U256::from(1);
    let mut other_license = signed.leaves[0].clone();
    other_license.licenseId = U256::from(77);
    let cases = [
        (
            "another leaf's path",
            signed.leaves[0].clone(),
            tree::path(&signed.tree, 1),
        ),
        ("no path", signed.leaves[0].clone(), vec![]),
        ("inflated leaf", inflated, tree::path(&signed.tree, 0)),
        (
            "another license",
            other_license,
            tree::path(&signed.tree, 0),
        ),
    ];
    for (name, leaf, proof) in cases {
        let err = hold(&leaf, proof).motsu_expect_err(name);
        assert!(
            matches!(err, Error::InvalidProof(InvalidProof { attestor, batchId })
                if attestor == batch.attestor && batchId == batch.batchId),
            "{name}: {err:?}"
        );
    }
    assert_eq!(world.escrow_info(LICENSE).4, 0);
}

#[motsu::test]
fn error_when_the_leaf_is_invalid() {
    let world = World::new();
    // Signed with leafCount 2 over leaves indexed 0, 1, 2, and one billing license 0.
    let mut list = leaves(3);
    list.push(leaf(1, U256::ZERO, 10, 1));
    let signed = Signed::new(1, world.attestor(), list).with(|b| b.leafCount = 2);
    world.anchor(&signed);
    world
        .challenge(Address::repeat_byte(0xc1), &signed.batch)
        .motsu_unwrap();
    for (position, index) in [(2, 2), (3, 1)] {
        let err = world
            .hold(&signed, position)
            .motsu_expect_err("invalid leaf");
        assert!(
            matches!(err, Error::InvalidUsageLeaf(InvalidUsageLeaf { attestor, batchId, index: i })
                if attestor == signed.batch.attestor && batchId == signed.batch.batchId && i == index),
            "position {position}: {err:?}"
        );
    }
    world.hold(&signed, 1).motsu_unwrap();
}

#[motsu::test]
fn a_hold_blocks_only_the_escrow_its_leaf_bills() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    world.fund(OTHER_LICENSE, MIN_BOND);
    world.request_withdrawal(LICENSE, MIN_BOND);
    world.request_withdrawal(OTHER_LICENSE, MIN_BOND);
    let signed = anchored(&world, 1);
    let batch = &signed.batch;
    world
        .challenge(Address::repeat_byte(0xc1), batch)
        .motsu_unwrap();
    world.hold(&signed, 0).motsu_unwrap();
    world.disputes.assert_emitted(&EscrowHoldPlaced {
        attestor: batch.attestor,
        batchId: batch.batchId,
        licenseId: LICENSE,
        index: 0,
    });
    world.escrow.assert_emitted(&EscrowHoldsChanged {
        licenseId: LICENSE,
        holds: 1,
        releasedAt: 0,
    });
    assert_eq!(
        world
            .disputes
            .sender(world.owner())
            .escrow_hold(batch.attestor, batch.batchId, 0),
        LICENSE
    );
    let err = world.hold(&signed, 0).motsu_expect_err("held already");
    assert!(
        matches!(err, Error::EscrowAlreadyHeld(EscrowAlreadyHeld { attestor, batchId, index })
            if attestor == batch.attestor && batchId == batch.batchId && index == 0)
    );
    // Another leaf of the same license: a second hold.
    world.hold(&signed, 2).motsu_unwrap();
    assert_eq!(world.escrow_info(LICENSE).4, 2);
    assert_eq!(world.escrow_info(OTHER_LICENSE).4, 0);
    // Once both withdrawals are due: the license nobody proved the batch bills is free.
    advance(WINDOW + GRACE);
    world.withdraw(OTHER_LICENSE).motsu_unwrap();
    world.escrow.assert_emitted(&EscrowWithdrawn {
        licenseId: OTHER_LICENSE,
        to: world.licensee.address(),
        amount: MIN_BOND,
    });
    let err = world.withdraw(LICENSE).motsu_expect_err("held");
    assert!(held(&err, LICENSE, 2), "{err:?}");
}

#[motsu::test]
fn a_cleared_batch_is_released_with_a_grace_to_settle_it_first() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    world.request_withdrawal(LICENSE, MIN_BOND);
    let ready_at = NOW + WINDOW + GRACE;
    let signed = anchored(&world, 1);
    let batch = &signed.batch;
    world
        .challenge(Address::repeat_byte(0xc1), batch)
        .motsu_unwrap();
    world.hold(&signed, 0).motsu_unwrap();
    world.hold(&signed, 2).motsu_unwrap();
    // Not while the round is open; not a leaf that holds nothing.
    let err = world.release(batch, 0).motsu_expect_err("open");
    assert!(
        matches!(err, Error::BatchUnderChallenge(BatchUnderChallenge { attestor, batchId })
            if attestor == batch.attestor && batchId == batch.batchId)
    );
    let err = world.release(batch, 1).motsu_expect_err("not held");
    assert!(
        matches!(err, Error::NoEscrowHold(NoEscrowHold { attestor, batchId, index })
            if attestor == batch.attestor && batchId == batch.batchId && index == 1)
    );
    // The arbiter takes its time: the withdrawal is due, but held.
    advance(WINDOW + GRACE + 100);
    let err = world.withdraw(LICENSE).motsu_expect_err("held");
    assert!(held(&err, LICENSE, 2), "{err:?}");
    world.resolve(batch, false).motsu_unwrap();
    assert_eq!(world.status(batch), (STATUS_CLEARED, 1));
    world.release(batch, 0).motsu_unwrap();
    world.disputes.assert_emitted(&EscrowHoldReleased {
        attestor: batch.attestor,
        batchId: batch.batchId,
        licenseId: LICENSE,
        index: 0,
    });
    let err = world.withdraw(LICENSE).motsu_expect_err("one hold left");
    assert!(held(&err, LICENSE, 1), "{err:?}");
    advance(10);
    let released_at = now();
    world.release(batch, 2).motsu_unwrap();
    world.escrow.assert_emitted(&EscrowHoldsChanged {
        licenseId: LICENSE,
        holds: 0,
        releasedAt: released_at,
    });
    assert!(released_at + GRACE > ready_at);
    // The grace after the release: the cleared batch can be settled against the full escrow.
    let err = world.withdraw(LICENSE).motsu_expect_err("grace");
    assert!(locked(&err, LICENSE, released_at + GRACE), "{err:?}");
    world.settle(&signed, &[0, 1, 2, 3]).motsu_unwrap();
    let fees = (signed.leaves[0].units + signed.leaves[2].units) * RATE;
    assert_eq!(world.escrow_info(LICENSE).0, MIN_BOND - fees);
    advance(GRACE - 1);
    let err = world.withdraw(LICENSE).motsu_expect_err("grace");
    assert!(locked(&err, LICENSE, released_at + GRACE), "{err:?}");
    advance(1);
    world.withdraw(LICENSE).motsu_unwrap();
    assert_eq!(
        world.licensee.sender(world.owner()).received(),
        MIN_BOND - fees
    );
    // Released once.
    let err = world.release(batch, 0).motsu_expect_err("released");
    assert!(
        matches!(err, Error::NoEscrowHold(NoEscrowHold { attestor, batchId, index })
            if attestor == batch.attestor && batchId == batch.batchId && index == 0)
    );
}

#[motsu::test]
fn a_voided_batch_is_released_without_a_grace() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    world.request_withdrawal(LICENSE, MIN_BOND);
    let signed = anchored(&world, 1);
    let batch = &signed.batch;
    world
        .challenge(Address::repeat_byte(0xc1), batch)
        .motsu_unwrap();
    world.hold(&signed, 0).motsu_unwrap();
    advance(WINDOW + GRACE + 100);
    world.resolve(batch, true).motsu_unwrap();
    world.release(batch, 0).motsu_unwrap();
    world.escrow.assert_emitted(&EscrowHoldsChanged {
        licenseId: LICENSE,
        holds: 0,
        releasedAt: 0,
    });
    // Nothing of the void batch will ever be settled: the withdrawal executes at once.
    world.withdraw(LICENSE).motsu_unwrap();
    assert_eq!(world.licensee.sender(world.owner()).received(), MIN_BOND);
}

#[motsu::test]
fn a_hold_lasts_until_released_across_rounds() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    let signed = anchored(&world, 1);
    let batch = &signed.batch;
    world
        .challenge(Address::repeat_byte(0xc1), batch)
        .motsu_unwrap();
    world.hold(&signed, 0).motsu_unwrap();
    world.resolve(batch, false).motsu_unwrap();
    // Nobody released it before round 2 opened: it holds through round 2.
    world
        .challenge(Address::repeat_byte(0xc2), batch)
        .motsu_unwrap();
    assert_eq!(world.status(batch), (STATUS_CHALLENGED, 2));
    let err = world.release(batch, 0).motsu_expect_err("round 2 open");
    assert!(
        matches!(err, Error::BatchUnderChallenge(BatchUnderChallenge { attestor, batchId })
            if attestor == batch.attestor && batchId == batch.batchId)
    );
    let err = world.hold(&signed, 0).motsu_expect_err("held already");
    assert!(
        matches!(err, Error::EscrowAlreadyHeld(EscrowAlreadyHeld { attestor, batchId, index })
            if attestor == batch.attestor && batchId == batch.batchId && index == 0)
    );
    assert_eq!(world.escrow_info(LICENSE).4, 1);
    world.resolve(batch, false).motsu_unwrap();
    world.release(batch, 0).motsu_unwrap();
    assert_eq!(world.escrow_info(LICENSE).4, 0);
}
