//! The challenge game: exact bonds, the window, rounds any number of challengers join, the
//! arbiter's ruling, bonds and slashes, and why a second address of the attestor gains nothing.

use alloy_primitives::{Address, U256};
use motsu::prelude::*;

use super::*;
use crate::{
    anchor::{STATUS_ANCHORED, STATUS_CHALLENGED, STATUS_CLEARED, STATUS_VOIDED},
    errors::{
        AlreadyChallenging, BatchUnderChallenge, BatchVoided, ChallengeWindowClosed, Error,
        NoChallengeBond, NoOpenChallenge, NotChallengeArbiter, NothingToWithdraw, UnknownBatch,
        WrongChallengeBond,
    },
    events::{BatchChallenged, ChallengeBondClaimed, ChallengeResolved, CreditWithdrawn, Credited},
};

/// An anchored batch of four leaves of the world's attestor.
fn anchored(world: &World, id: u8) -> Signed {
    let signed = Signed::new(id, world.attestor(), leaves(4));
    world.anchor(&signed);
    signed
}

/// Whether `err` is `AlreadyChallenging` of `batch` by `challenger`.
fn already(err: &Error, batch: &Batch, challenger: Address) -> bool {
    matches!(err, Error::AlreadyChallenging(AlreadyChallenging { attestor, batchId, challenger: c })
        if *attestor == batch.attestor && *batchId == batch.batchId && *c == challenger)
}

/// Whether `err` is `NoOpenChallenge` of `batch`.
fn no_open(err: &Error, batch: &Batch) -> bool {
    matches!(err, Error::NoOpenChallenge(NoOpenChallenge { attestor, batchId })
        if *attestor == batch.attestor && *batchId == batch.batchId)
}

/// Whether `err` is `NoChallengeBond` of `batch` for `challenger`.
fn no_bond(err: &Error, batch: &Batch, challenger: Address) -> bool {
    matches!(err, Error::NoChallengeBond(NoChallengeBond { attestor, batchId, challenger: c })
        if *attestor == batch.attestor && *batchId == batch.batchId && *c == challenger)
}

#[motsu::test]
fn a_challenge_carries_exactly_the_bond(challenger: Address) {
    let world = World::new();
    let signed = anchored(&world, 1);
    for value in [
        U256::ZERO,
        BOND - U256::from(1),
        BOND + U256::from(1),
        MIN_BOND,
    ] {
        let err = world
            .challenge_with(challenger, &signed.batch, value)
            .motsu_expect_err("wrong bond");
        assert!(
            matches!(err, Error::WrongChallengeBond(WrongChallengeBond { sent, required })
                if sent == value && required == BOND),
            "{value}: {err:?}"
        );
    }
    assert_eq!(world.status(&signed.batch), (STATUS_ANCHORED, 0));
    assert_eq!(world.disputes.balance(), U256::ZERO);
    world.challenge(challenger, &signed.batch).motsu_unwrap();
    assert_eq!(world.disputes.balance(), BOND);
}

#[motsu::test]
fn error_when_batch_is_unknown(challenger: Address) {
    let world = World::new();
    let unknown = Signed::new(9, world.attestor(), leaves(2));
    let is_unknown = |err: &Error| {
        matches!(err, Error::UnknownBatch(UnknownBatch { attestor, batchId })
            if *attestor == unknown.batch.attestor && *batchId == unknown.batch.batchId)
    };
    let err = world
        .challenge(challenger, &unknown.batch)
        .motsu_expect_err("unknown");
    assert!(is_unknown(&err), "{err:?}");
    let err = world
        .resolve(&unknown.batch, true)
        .motsu_expect_err("unknown");
    assert!(is_unknown(&err), "{err:?}");
    let err = world
        .claim(&unknown.batch, challenger)
        .motsu_expect_err("unknown");
    assert!(is_unknown(&err), "{err:?}");
    // The same id anchored by the attestor is not another attestor's batch.
    let signed = anchored(&world, 9);
    let other = signed.clone().with(|b| b.attestor = challenger);
    let err = world
        .challenge(Address::repeat_byte(7), &other.batch)
        .motsu_expect_err("other attestor");
    assert!(
        matches!(err, Error::UnknownBatch(UnknownBatch { attestor, batchId })
            if attestor == challenger && batchId == signed.batch.batchId)
    );
}

#[motsu::test]
fn error_when_the_window_closed(challenger: Address) {
    let world = World::new();
    advance(1_000);
    let signed = anchored(&world, 1);
    let closed_at = NOW + 1_000 + WINDOW;
    advance(WINDOW - 1);
    // The last second of the window is inside it.
    world.challenge(challenger, &signed.batch).motsu_unwrap();
    world.resolve(&signed.batch, false).motsu_unwrap();
    advance(1);
    let late = Address::repeat_byte(0x1a);
    let err = world
        .challenge(late, &signed.batch)
        .motsu_expect_err("window closed");
    assert!(
        matches!(err, Error::ChallengeWindowClosed(ChallengeWindowClosed { attestor, batchId, closedAt })
            if attestor == signed.batch.attestor && batchId == signed.batch.batchId && closedAt == closed_at)
    );
    // A fresh batch: same rule without any earlier round.
    let fresh = anchored(&world, 2);
    advance(WINDOW);
    let err = world
        .challenge(late, &fresh.batch)
        .motsu_expect_err("window closed");
    assert!(
        matches!(err, Error::ChallengeWindowClosed(ChallengeWindowClosed { closedAt, batchId, attestor })
            if closedAt == now() && batchId == fresh.batch.batchId && attestor == fresh.batch.attestor)
    );
}

#[motsu::test]
fn many_challengers_join_one_round() {
    let world = World::new();
    let signed = anchored(&world, 1);
    let batch = &signed.batch;
    let crowd = challengers(3);
    for c in &crowd {
        world.challenge(c.address(), batch).motsu_unwrap();
        world.disputes.assert_emitted(&BatchChallenged {
            attestor: batch.attestor,
            batchId: batch.batchId,
            challenger: c.address(),
            round: 1,
            evidence: EVIDENCE,
        });
        assert_eq!(
            world.disputes.sender(world.owner()).challenger_info(
                batch.attestor,
                batch.batchId,
                c.address()
            ),
            (1, BOND)
        );
    }
    // One round, one open challenge at the anchor, however many challengers.
    assert_eq!(world.status(batch), (STATUS_CHALLENGED, 1));
    assert_eq!(
        world
            .anchor
            .sender(world.owner())
            .attestor_info(world.attestor())
            .3,
        1
    );
    assert_eq!(world.disputes.balance(), BOND * U256::from(3));
    // But each challenger once.
    let err = world
        .challenge(crowd[1].address(), batch)
        .motsu_expect_err("twice");
    assert!(already(&err, batch, crowd[1].address()), "{err:?}");
    // The attestor itself may join (and gains nothing by it, see below).
    world.challenge(world.attestor(), batch).motsu_unwrap();
}

#[motsu::test]
fn an_upheld_round_voids_the_batch_slashes_for_the_treasury_and_returns_the_bonds() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    let signed = anchored(&world, 1);
    let batch = &signed.batch;
    let crowd = challengers(2);
    for c in &crowd {
        world.challenge(c.address(), batch).motsu_unwrap();
    }
    // The ruling: while open, no bond can be claimed.
    let err = world
        .claim(batch, crowd[0].address())
        .motsu_expect_err("round open");
    assert!(
        matches!(err, Error::BatchUnderChallenge(BatchUnderChallenge { attestor, batchId })
            if attestor == batch.attestor && batchId == batch.batchId)
    );
    world.resolve(batch, true).motsu_unwrap();
    world.disputes.assert_emitted(&ChallengeResolved {
        attestor: batch.attestor,
        batchId: batch.batchId,
        round: 1,
        upheld: true,
    });
    assert_eq!(world.status(batch), (STATUS_VOIDED, 1));
    // The slash went to the treasury (the anchor's owner), not to a challenger.
    assert_eq!(world.treasury_credit(), MIN_BOND);
    assert_eq!(world.attestor_bond(), U256::ZERO);
    for c in &crowd {
        assert_eq!(world.credit(c.address()), U256::ZERO);
        world.claim(batch, c.address()).motsu_unwrap();
        world.disputes.assert_emitted(&ChallengeBondClaimed {
            attestor: batch.attestor,
            batchId: batch.batchId,
            challenger: c.address(),
            to: c.address(),
            amount: BOND,
        });
        world.disputes.assert_emitted(&Credited {
            account: c.address(),
            amount: BOND,
        });
        assert_eq!(world.credit(c.address()), BOND);
        let err = world.claim(batch, c.address()).motsu_expect_err("claimed");
        assert!(no_bond(&err, batch, c.address()), "{err:?}");
        // Pulled by the challenger.
        world
            .disputes
            .sender(c.address())
            .withdraw_credit()
            .motsu_unwrap();
        world.disputes.assert_emitted(&CreditWithdrawn {
            account: c.address(),
            amount: BOND,
        });
        assert_eq!(c.sender(c.address()).received(), BOND);
        let err = world
            .disputes
            .sender(c.address())
            .withdraw_credit()
            .motsu_expect_err("pulled");
        assert!(
            matches!(err, Error::NothingToWithdraw(NothingToWithdraw { account }) if account == c.address())
        );
    }
    assert_eq!(world.disputes.balance(), U256::ZERO);
    // Void for ever: no new challenge, no ruling, no settlement.
    advance(WINDOW);
    let err = world
        .challenge(Address::repeat_byte(7), batch)
        .motsu_expect_err("voided");
    assert!(
        matches!(err, Error::BatchVoided(BatchVoided { attestor, batchId })
            if attestor == batch.attestor && batchId == batch.batchId)
    );
    let err = world.resolve(batch, false).motsu_expect_err("voided");
    assert!(no_open(&err, batch), "{err:?}");
    let err = world.settle(&signed, &[0]).motsu_expect_err("voided");
    assert!(
        matches!(err, AnchorError::BatchVoided(BatchVoided { attestor, batchId })
            if attestor == batch.attestor && batchId == batch.batchId)
    );
    // The treasury pulls the slash from the anchor.
    world
        .anchor
        .sender(world.owner())
        .withdraw_credit()
        .motsu_unwrap();
    assert_eq!(world.owner.sender(world.owner()).received(), MIN_BOND);
}

#[motsu::test]
fn a_second_address_of_the_attestor_recovers_only_its_own_bond() {
    let world = World::new();
    let signed = anchored(&world, 1);
    let batch = &signed.batch;
    // The attestor's puppet challenges first, hoping to squat the batch's challenge; an honest
    // challenger joins the same round anyway.
    let (puppet, honest) = (challenger(), challenger());
    world.challenge(puppet.address(), batch).motsu_unwrap();
    world.challenge(honest.address(), batch).motsu_unwrap();
    assert_eq!(world.status(batch), (STATUS_CHALLENGED, 1));
    world.resolve(batch, true).motsu_unwrap();
    for c in [&puppet, &honest] {
        world.claim(batch, c.address()).motsu_unwrap();
    }
    // Each challenger has its bond back, nothing more; the slash is the treasury's.
    assert_eq!(world.credit(puppet.address()), BOND);
    assert_eq!(world.credit(honest.address()), BOND);
    assert_eq!(world.credit(world.attestor()), U256::ZERO);
    assert_eq!(world.treasury_credit(), MIN_BOND);
    let anchor_info = world
        .anchor
        .sender(world.owner())
        .attestor_info(world.attestor());
    assert_eq!((anchor_info.1, anchor_info.5), (U256::ZERO, U256::ZERO));
    assert_eq!(
        world
            .anchor
            .sender(world.owner())
            .attestor_info(puppet.address())
            .5,
        U256::ZERO
    );
    // Attestor and puppet together: MIN_BOND + BOND in, BOND out.
    world
        .disputes
        .sender(puppet.address())
        .withdraw_credit()
        .motsu_unwrap();
    assert_eq!(puppet.sender(puppet.address()).received(), BOND);
}

#[motsu::test]
fn a_puppet_alone_cannot_clear_a_batch_for_good() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    let signed = anchored(&world, 1);
    let batch = &signed.batch;
    // The puppet's round is rejected: its bond goes to the attestor (a wash for them) ...
    let puppet = challenger();
    world.challenge(puppet.address(), batch).motsu_unwrap();
    world.resolve(batch, false).motsu_unwrap();
    world.claim(batch, puppet.address()).motsu_unwrap();
    world.disputes.assert_emitted(&ChallengeBondClaimed {
        attestor: batch.attestor,
        batchId: batch.batchId,
        challenger: puppet.address(),
        to: batch.attestor,
        amount: BOND,
    });
    assert_eq!(world.credit(world.attestor()), BOND);
    assert_eq!(world.credit(puppet.address()), U256::ZERO);
    // ... and the batch stays challengeable while its window lasts: an honest challenger opens
    // round 2, which is upheld.
    let honest = challenger();
    world.challenge(honest.address(), batch).motsu_unwrap();
    world.disputes.assert_emitted(&BatchChallenged {
        attestor: batch.attestor,
        batchId: batch.batchId,
        challenger: honest.address(),
        round: 2,
        evidence: EVIDENCE,
    });
    assert_eq!(world.status(batch), (STATUS_CHALLENGED, 2));
    world.resolve(batch, true).motsu_unwrap();
    world.claim(batch, honest.address()).motsu_unwrap();
    assert_eq!(world.credit(honest.address()), BOND);
    assert_eq!(world.treasury_credit(), MIN_BOND);
    assert_eq!(world.status(batch), (STATUS_VOIDED, 2));
}

#[motsu::test]
fn a_rejected_round_pays_the_attestor_and_the_batch_can_be_challenged_again() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    world.fund(OTHER_LICENSE, MIN_BOND);
    let signed = anchored(&world, 1);
    let batch = &signed.batch;
    let (first, second, third) = (challenger(), challenger(), challenger());
    world.challenge(first.address(), batch).motsu_unwrap();
    world.challenge(second.address(), batch).motsu_unwrap();
    advance(1_000);
    world.resolve(batch, false).motsu_unwrap();
    world.disputes.assert_emitted(&ChallengeResolved {
        attestor: batch.attestor,
        batchId: batch.batchId,
        round: 1,
        upheld: false,
    });
    assert_eq!(world.status(batch), (STATUS_CLEARED, 1));
    assert_eq!(
        world
            .anchor
            .sender(world.owner())
            .attestor_info(world.attestor())
            .3,
        0
    );
    // The first challenger's bond is claimed for the attestor.
    world.claim(batch, first.address()).motsu_unwrap();
    world.disputes.assert_emitted(&ChallengeBondClaimed {
        attestor: batch.attestor,
        batchId: batch.batchId,
        challenger: first.address(),
        to: batch.attestor,
        amount: BOND,
    });
    assert_eq!(world.credit(world.attestor()), BOND);
    assert_eq!(world.attestor_bond(), MIN_BOND);
    // Round 2 inside the window: the second challenger (whose round-1 bond is still
    // unclaimed: it goes to the attestor on the way) and a third one.
    world.challenge(second.address(), batch).motsu_unwrap();
    world.disputes.assert_emitted(&ChallengeBondClaimed {
        attestor: batch.attestor,
        batchId: batch.batchId,
        challenger: second.address(),
        to: batch.attestor,
        amount: BOND,
    });
    world.disputes.assert_emitted(&BatchChallenged {
        attestor: batch.attestor,
        batchId: batch.batchId,
        challenger: second.address(),
        round: 2,
        evidence: EVIDENCE,
    });
    assert_eq!(world.credit(world.attestor()), BOND * U256::from(2));
    assert_eq!(
        world.disputes.sender(world.owner()).challenger_info(
            batch.attestor,
            batch.batchId,
            second.address()
        ),
        (2, BOND)
    );
    let err = world
        .challenge(second.address(), batch)
        .motsu_expect_err("already in round 2");
    assert!(already(&err, batch, second.address()), "{err:?}");
    world.challenge(third.address(), batch).motsu_unwrap();
    // The first challenger may challenge again too (its old bond was claimed already).
    world.challenge(first.address(), batch).motsu_unwrap();
    assert_eq!(world.status(batch), (STATUS_CHALLENGED, 2));
    // Not settleable while challenged, even after the window.
    advance(WINDOW);
    let err = world.settle(&signed, &[0]).motsu_expect_err("challenged");
    assert!(
        matches!(err, AnchorError::BatchUnderChallenge(BatchUnderChallenge { attestor, batchId })
            if attestor == batch.attestor && batchId == batch.batchId)
    );
    // Rejected again: every round-2 bond is the attestor's, and the batch settles.
    world.resolve(batch, false).motsu_unwrap();
    for c in [&first, &second, &third] {
        world.claim(batch, c.address()).motsu_unwrap();
    }
    assert_eq!(world.credit(world.attestor()), BOND * U256::from(5));
    assert_eq!(world.disputes.balance(), BOND * U256::from(5));
    // The window is over: no round 3.
    let err = world
        .challenge(Address::repeat_byte(7), batch)
        .motsu_expect_err("window closed");
    assert!(
        matches!(err, Error::ChallengeWindowClosed(ChallengeWindowClosed { attestor, batchId, closedAt })
            if attestor == batch.attestor && batchId == batch.batchId && closedAt == NOW + WINDOW)
    );
    world.settle(&signed, &[0, 1, 2, 3]).motsu_unwrap();
    assert_eq!(world.treasury_credit(), U256::ZERO);
}

#[motsu::test]
fn only_the_arbiter_rules_on_an_open_round(stranger: Address) {
    let world = World::new();
    let signed = anchored(&world, 1);
    let batch = &signed.batch;
    // Nothing to rule on yet.
    let err = world
        .resolve(batch, true)
        .motsu_expect_err("not challenged");
    assert!(no_open(&err, batch), "{err:?}");
    world.challenge(stranger, batch).motsu_unwrap();
    for caller in [world.owner(), world.attestor(), stranger] {
        let err = world
            .disputes
            .sender(caller)
            .resolve_challenge(batch.attestor, batch.batchId, true)
            .motsu_expect_err("not the arbiter");
        assert!(
            matches!(err, Error::NotChallengeArbiter(NotChallengeArbiter { account }) if account == caller),
            "{caller}: {err:?}"
        );
    }
    // Nor can anyone but the disputes contract change the anchor's status directly.
    let err = world
        .anchor
        .sender(world.arbiter)
        .set_batch_status(batch.attestor, batch.batchId, STATUS_VOIDED)
        .motsu_expect_err("not the disputes contract");
    assert!(
        matches!(err, AnchorError::NotDisputes(usage_anchor::errors::NotDisputes { account }) if account == world.arbiter)
    );
    world.resolve(batch, false).motsu_unwrap();
    // Resolved: nothing open any more.
    let err = world.resolve(batch, true).motsu_expect_err("resolved");
    assert!(no_open(&err, batch), "{err:?}");
    assert_eq!(world.status(batch), (STATUS_CLEARED, 1));
}

#[motsu::test]
fn claim_rules(stranger: Address) {
    let world = World::new();
    let signed = anchored(&world, 1);
    let batch = &signed.batch;
    let err = world
        .claim(batch, stranger)
        .motsu_expect_err("never challenged");
    assert!(no_bond(&err, batch, stranger), "{err:?}");
    let (first, second) = (challenger(), challenger());
    world.challenge(first.address(), batch).motsu_unwrap();
    let err = world
        .claim(batch, first.address())
        .motsu_expect_err("round open");
    assert!(
        matches!(err, Error::BatchUnderChallenge(BatchUnderChallenge { attestor, batchId })
            if attestor == batch.attestor && batchId == batch.batchId)
    );
    world.resolve(batch, false).motsu_unwrap();
    // Round 2 opened by another challenger: the first one's round-1 bond is claimable while
    // round 2 is open (round 1 was rejected), the second one's is not.
    world.challenge(second.address(), batch).motsu_unwrap();
    let err = world
        .claim(batch, second.address())
        .motsu_expect_err("round 2 open");
    assert!(
        matches!(err, Error::BatchUnderChallenge(BatchUnderChallenge { attestor, batchId })
            if attestor == batch.attestor && batchId == batch.batchId)
    );
    world.claim(batch, first.address()).motsu_unwrap();
    assert_eq!(world.credit(world.attestor()), BOND);
    // Round 2 upheld: its challenger has its bond back; round 1's stays the attestor's.
    world.resolve(batch, true).motsu_unwrap();
    world.claim(batch, second.address()).motsu_unwrap();
    assert_eq!(world.credit(second.address()), BOND);
    assert_eq!(world.credit(first.address()), U256::ZERO);
    for c in [first.address(), second.address(), stranger] {
        let err = world.claim(batch, c).motsu_expect_err("nothing left");
        assert!(no_bond(&err, batch, c), "{err:?}");
    }
    let err = world
        .disputes
        .sender(stranger)
        .withdraw_credit()
        .motsu_expect_err("no credit");
    assert!(
        matches!(err, Error::NothingToWithdraw(NothingToWithdraw { account }) if account == stranger)
    );
}
