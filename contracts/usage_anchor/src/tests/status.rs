//! A batch's challenge status: changed only by the disputes contract, along the allowed
//! transitions; an upheld challenge voids the batch and slashes the attestor for the owner (the
//! treasury); settlement follows the status.

use alloy_primitives::{Address, U256};
use motsu::prelude::*;

use super::*;
use crate::{
    batches::{STATUS_ANCHORED, STATUS_CHALLENGED, STATUS_CLEARED, STATUS_NONE, STATUS_VOIDED},
    errors::{
        BatchUnderChallenge, BatchVoided, ChallengeWindowOpen, Error, InvalidStatusChange,
        NotDisputes, NothingToWithdraw, UnknownBatch,
    },
    events::{BatchStatusChanged, CreditWithdrawn, Credited},
};

/// Whether `err` is `InvalidStatusChange` of `batch` to `status`.
fn refused(err: &Error, batch: &Batch, status: u8) -> bool {
    matches!(err, Error::InvalidStatusChange(InvalidStatusChange { attestor, batchId, status: s })
        if *attestor == batch.attestor && *batchId == batch.batchId && *s == status)
}

#[motsu::test]
fn only_the_disputes_contract_changes_a_status(stranger: Address) {
    let world = World::new();
    let signed = Signed::new(1, world.attestor.address(), leaves(2));
    world.anchor(&signed);
    for caller in [
        world.owner(),
        world.attestor.address(),
        stranger,
        world.escrow.address(),
    ] {
        let err = world
            .anchor
            .sender(caller)
            .set_batch_status(
                signed.batch.attestor,
                signed.batch.batchId,
                STATUS_CHALLENGED,
            )
            .motsu_expect_err("not the disputes contract");
        assert!(
            matches!(err, Error::NotDisputes(NotDisputes { account }) if account == caller),
            "{caller}: {err:?}"
        );
    }
    assert_eq!(world.info(&signed.batch).2, STATUS_ANCHORED);
    // The disputes contract, for a batch that does not exist.
    let unknown = Signed::new(2, world.attestor.address(), leaves(2));
    let err = world
        .set_status(&unknown.batch, STATUS_CHALLENGED)
        .motsu_expect_err("unknown");
    assert!(
        matches!(err, Error::UnknownBatch(UnknownBatch { attestor, batchId })
            if attestor == unknown.batch.attestor && batchId == unknown.batch.batchId)
    );
}

#[motsu::test]
fn status_changes_follow_the_allowed_transitions() {
    let world = World::new();
    let signed = Signed::new(1, world.attestor.address(), leaves(2));
    let batch = &signed.batch;
    world.anchor(&signed);
    let attestor_challenges = || {
        world
            .anchor
            .sender(world.owner())
            .attestor_info(batch.attestor)
            .3
    };
    // From ANCHORED only to CHALLENGED.
    for status in [
        STATUS_NONE,
        STATUS_ANCHORED,
        STATUS_VOIDED,
        STATUS_CLEARED,
        5,
        255,
    ] {
        let err = world
            .set_status(batch, status)
            .motsu_expect_err("from anchored");
        assert!(refused(&err, batch, status), "{status}: {err:?}");
    }
    assert_eq!(world.set_status(batch, STATUS_CHALLENGED).motsu_unwrap(), 1);
    world.anchor.assert_emitted(&BatchStatusChanged {
        attestor: batch.attestor,
        batchId: batch.batchId,
        status: STATUS_CHALLENGED,
        round: 1,
        slashed: U256::ZERO,
    });
    assert_eq!(attestor_challenges(), 1);
    // From CHALLENGED only to VOIDED or CLEARED.
    for status in [STATUS_NONE, STATUS_ANCHORED, STATUS_CHALLENGED, 5] {
        let err = world
            .set_status(batch, status)
            .motsu_expect_err("from challenged");
        assert!(refused(&err, batch, status), "{status}: {err:?}");
    }
    assert_eq!(world.set_status(batch, STATUS_CLEARED).motsu_unwrap(), 1);
    world.anchor.assert_emitted(&BatchStatusChanged {
        attestor: batch.attestor,
        batchId: batch.batchId,
        status: STATUS_CLEARED,
        round: 1,
        slashed: U256::ZERO,
    });
    assert_eq!(attestor_challenges(), 0);
    // From CLEARED only to CHALLENGED again: a new round.
    for status in [STATUS_NONE, STATUS_ANCHORED, STATUS_VOIDED, STATUS_CLEARED] {
        let err = world
            .set_status(batch, status)
            .motsu_expect_err("from cleared");
        assert!(refused(&err, batch, status), "{status}: {err:?}");
    }
    assert_eq!(world.set_status(batch, STATUS_CHALLENGED).motsu_unwrap(), 2);
    assert_eq!(world.info(batch).3, 2);
    assert_eq!(attestor_challenges(), 1);
    assert_eq!(world.set_status(batch, STATUS_VOIDED).motsu_unwrap(), 2);
    assert_eq!(attestor_challenges(), 0);
    // VOIDED is final.
    for status in [
        STATUS_NONE,
        STATUS_ANCHORED,
        STATUS_CHALLENGED,
        STATUS_VOIDED,
        STATUS_CLEARED,
    ] {
        let err = world.set_status(batch, status).motsu_expect_err("voided");
        assert!(refused(&err, batch, status), "{status}: {err:?}");
    }
    let info = world.info(batch);
    assert_eq!((info.1, info.2, info.3), (NOW, STATUS_VOIDED, 2));
}

#[motsu::test]
fn an_upheld_challenge_slashes_the_attestor_for_the_treasury(stranger: Address) {
    let world = World::new();
    let owner = world.owner();
    let attestor = world.attestor.address();
    // A bond of 1.5 × the minimum: the first void slashes the minimum, the second the rest.
    let half = MIN_BOND / U256::from(2);
    attestor.fund(half);
    world
        .anchor
        .sender_and_value(attestor, half)
        .bond_attestor()
        .motsu_unwrap();
    let first = Signed::new(1, attestor, leaves(2));
    let second = Signed::new(2, attestor, leaves(3));
    let third = Signed::new(3, attestor, leaves(2));
    for signed in [&first, &second, &third] {
        world.anchor(signed);
    }
    assert_eq!(world.anchor.balance(), MIN_BOND + half);

    // Each void slashes min(bond, minimum): the minimum, then the rest, then nothing.
    for (signed, slash, bond_left) in [
        (&first, MIN_BOND, half),
        (&second, half, U256::ZERO),
        (&third, U256::ZERO, U256::ZERO),
    ] {
        let credit_before = world.anchor.sender(owner).attestor_info(owner).5;
        world
            .set_status(&signed.batch, STATUS_CHALLENGED)
            .motsu_unwrap();
        world
            .set_status(&signed.batch, STATUS_VOIDED)
            .motsu_unwrap();
        world.anchor.assert_emitted(&BatchStatusChanged {
            attestor,
            batchId: signed.batch.batchId,
            status: STATUS_VOIDED,
            round: 1,
            slashed: slash,
        });
        assert_eq!(
            world.anchor.emitted(&Credited {
                account: owner,
                amount: slash,
            }),
            !slash.is_zero()
        );
        let info = world.anchor.sender(owner).attestor_info(attestor);
        assert_eq!((info.1, info.3, info.5), (bond_left, 0, U256::ZERO));
        assert_eq!(
            world.anchor.sender(owner).attestor_info(owner).5,
            credit_before + slash
        );
    }
    let total = MIN_BOND + half;

    // The treasury pulls its credit; nobody else has any.
    let err = world
        .anchor
        .sender(stranger)
        .withdraw_credit()
        .motsu_expect_err("no credit");
    assert!(
        matches!(err, Error::NothingToWithdraw(NothingToWithdraw { account }) if account == stranger)
    );
    let err = world
        .anchor
        .sender(attestor)
        .withdraw_credit()
        .motsu_expect_err("no credit for the attestor");
    assert!(
        matches!(err, Error::NothingToWithdraw(NothingToWithdraw { account }) if account == attestor)
    );
    world.anchor.sender(owner).withdraw_credit().motsu_unwrap();
    world.anchor.assert_emitted(&CreditWithdrawn {
        account: owner,
        amount: total,
    });
    assert_eq!(world.owner.sender(owner).received(), total);
    assert_eq!(world.anchor.balance(), U256::ZERO);
    let err = world
        .anchor
        .sender(owner)
        .withdraw_credit()
        .motsu_expect_err("pulled");
    assert!(
        matches!(err, Error::NothingToWithdraw(NothingToWithdraw { account }) if account == owner)
    );
}

#[motsu::test]
fn settlement_follows_the_status() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    let challenged = Signed::new(1, world.attestor.address(), leaves(2));
    let voided = Signed::new(2, world.attestor.address(), leaves(2));
    let cleared = Signed::new(3, world.attestor.address(), leaves(2));
    for signed in [&challenged, &voided, &cleared] {
        world.anchor(signed);
        world
            .set_status(&signed.batch, STATUS_CHALLENGED)
            .motsu_unwrap();
    }
    world
        .set_status(&voided.batch, STATUS_VOIDED)
        .motsu_unwrap();
    world
        .set_status(&cleared.batch, STATUS_CLEARED)
        .motsu_unwrap();
    // Cleared inside its window: settleable only once the window has passed.
    let err = world.settle(&cleared, &[0]).motsu_expect_err("window");
    assert!(
        matches!(err, Error::ChallengeWindowOpen(ChallengeWindowOpen { attestor, batchId, settleableAt })
            if attestor == cleared.batch.attestor && batchId == cleared.batch.batchId && settleableAt == NOW + WINDOW)
    );
    advance(WINDOW);
    let err = world
        .settle(&challenged, &[0])
        .motsu_expect_err("challenged");
    assert!(
        matches!(err, Error::BatchUnderChallenge(BatchUnderChallenge { attestor, batchId })
            if attestor == challenged.batch.attestor && batchId == challenged.batch.batchId)
    );
    let err = world.settle(&voided, &[0]).motsu_expect_err("voided");
    assert!(
        matches!(err, Error::BatchVoided(BatchVoided { attestor, batchId })
            if attestor == voided.batch.attestor && batchId == voided.batch.batchId)
    );
    world.settle(&cleared, &[0, 1]).motsu_unwrap();
    // The challenged batch settles once cleared, even long after its window.
    advance(30 * 86_400);
    world
        .set_status(&challenged.batch, STATUS_CLEARED)
        .motsu_unwrap();
    world.settle(&challenged, &[1]).motsu_unwrap();
    let err = world
        .settle(&voided, &[1])
        .motsu_expect_err("voided for ever");
    assert!(
        matches!(err, Error::BatchVoided(BatchVoided { attestor, batchId })
            if attestor == voided.batch.attestor && batchId == voided.batch.batchId)
    );
}
