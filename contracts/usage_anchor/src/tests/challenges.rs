//! Challenges: bonds, the window, the arbiter's ruling, slashing and pull payments.

use alloy_primitives::{Address, B256, U256};
use motsu::prelude::*;

use super::*;
use crate::{
    batches::{STATUS_CHALLENGED, STATUS_CLEARED, STATUS_VOIDED},
    errors::{
        BatchAlreadyChallenged, BatchUnderChallenge, BatchVoided, BondUnderChallenge,
        ChallengeWindowClosed, Error, NoOpenChallenge, NotChallengeArbiter, NothingToWithdraw,
        UnknownBatch, WrongChallengeBond,
    },
    events::{BatchChallenged, ChallengeResolved, CreditWithdrawn, Credited},
};

const EVIDENCE: B256 = B256::repeat_byte(0xee);

#[motsu::test]
fn upheld_challenge_voids_batch_and_pays_challenger(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    wallet: Contract<Wallet>,
    owner: Address,
    attestor: Account,
) {
    let challenger = wallet.address();
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let receipts = receipts(2, attestor.address());
    let (batch, tree) = anchor_receipts(&anchor, &attestor, 1, &receipts);
    challenger.fund(CHALLENGE_BOND);
    anchor
        .sender_and_value(challenger, CHALLENGE_BOND)
        .challenge(batch.batchId, EVIDENCE)
        .motsu_unwrap();
    anchor.assert_emitted(&BatchChallenged {
        batchId: batch.batchId,
        challenger,
        evidence: EVIDENCE,
    });
    assert_eq!(
        anchor.sender(owner).batch_info(batch.batchId).7,
        STATUS_CHALLENGED
    );
    assert_eq!(anchor.sender(owner).attestor_info(attestor.address()).3, 1);

    // Under challenge: not settleable, bond not withdrawable, no second challenge.
    crate::clock::advance(WINDOW);
    let err = settle_all(&anchor, owner, &batch, &tree, &receipts).motsu_expect_err("challenged");
    assert!(matches!(
        err,
        Error::BatchUnderChallenge(BatchUnderChallenge { .. })
    ));
    anchor
        .sender(attestor.address())
        .request_attestor_exit()
        .motsu_unwrap();
    crate::clock::advance(EXIT_DELAY);
    let err = anchor
        .sender(attestor.address())
        .withdraw_attestor_bond()
        .motsu_expect_err("at stake");
    assert!(matches!(
        err,
        Error::BondUnderChallenge(BondUnderChallenge {
            openChallenges: 1,
            ..
        })
    ));

    anchor
        .sender(owner)
        .resolve_challenge(batch.batchId, true)
        .motsu_unwrap();
    anchor.assert_emitted(&ChallengeResolved {
        batchId: batch.batchId,
        upheld: true,
        slashed: MIN_BOND,
    });
    let payout = CHALLENGE_BOND + MIN_BOND;
    anchor.assert_emitted(&Credited {
        account: challenger,
        amount: payout,
    });
    assert_eq!(
        anchor.sender(owner).batch_info(batch.batchId).7,
        STATUS_VOIDED
    );
    assert_eq!(anchor.sender(owner).attestor_info(challenger).5, payout);
    assert_eq!(
        anchor.sender(owner).attestor_info(attestor.address()).1,
        U256::ZERO
    );

    // Void forever.
    let err = settle_all(&anchor, owner, &batch, &tree, &receipts).motsu_expect_err("void");
    assert!(matches!(err, Error::BatchVoided(BatchVoided { .. })));

    // Pull payment.
    let before = balance(challenger);
    anchor.sender(challenger).withdraw_credit().motsu_unwrap();
    assert_eq!(balance(challenger), before + payout);
    anchor.assert_emitted(&CreditWithdrawn {
        account: challenger,
        amount: payout,
    });
    let err = anchor
        .sender(challenger)
        .withdraw_credit()
        .motsu_expect_err("paid out");
    assert!(matches!(
        err,
        Error::NothingToWithdraw(NothingToWithdraw { .. })
    ));
}

#[motsu::test]
fn rejected_challenge_pays_attestor_and_batch_settles(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    challenger: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    fund(&escrow, owner, U256::from(10).pow(U256::from(18)));
    let receipts = receipts(2, attestor.address());
    let (batch, tree) = anchor_receipts(&anchor, &attestor, 1, &receipts);
    challenger.fund(CHALLENGE_BOND);
    anchor
        .sender_and_value(challenger, CHALLENGE_BOND)
        .challenge(batch.batchId, EVIDENCE)
        .motsu_unwrap();
    anchor
        .sender(owner)
        .resolve_challenge(batch.batchId, false)
        .motsu_unwrap();
    anchor.assert_emitted(&ChallengeResolved {
        batchId: batch.batchId,
        upheld: false,
        slashed: U256::ZERO,
    });
    assert_eq!(
        anchor.sender(owner).batch_info(batch.batchId).7,
        STATUS_CLEARED
    );
    assert_eq!(
        anchor.sender(owner).attestor_info(attestor.address()).5,
        CHALLENGE_BOND
    );
    assert_eq!(
        anchor.sender(owner).attestor_info(attestor.address()).1,
        MIN_BOND
    );

    // Cannot be challenged again, and settles once its window has passed.
    challenger.fund(CHALLENGE_BOND);
    let err = anchor
        .sender_and_value(challenger, CHALLENGE_BOND)
        .challenge(batch.batchId, EVIDENCE)
        .motsu_expect_err("challenged once");
    assert!(matches!(
        err,
        Error::BatchAlreadyChallenged(BatchAlreadyChallenged { .. })
    ));
    crate::clock::advance(WINDOW);
    settle_all(&anchor, owner, &batch, &tree, &receipts).motsu_unwrap();
}

#[motsu::test]
fn error_when_challenge_is_late_unknown_or_underfunded(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    challenger: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let (batch, _) = anchor_receipts(&anchor, &attestor, 1, &receipts(2, attestor.address()));
    challenger.fund(CHALLENGE_BOND * U256::from(4));
    let half = CHALLENGE_BOND / U256::from(2);
    let err = anchor
        .sender_and_value(challenger, half)
        .challenge(batch.batchId, EVIDENCE)
        .motsu_expect_err("wrong bond");
    assert!(
        matches!(err, Error::WrongChallengeBond(WrongChallengeBond { sent, required }) if sent == half && required == CHALLENGE_BOND)
    );
    let err = anchor
        .sender_and_value(challenger, CHALLENGE_BOND)
        .challenge(B256::repeat_byte(9), EVIDENCE)
        .motsu_expect_err("unknown");
    assert!(matches!(err, Error::UnknownBatch(UnknownBatch { .. })));
    crate::clock::advance(WINDOW);
    let err = anchor
        .sender_and_value(challenger, CHALLENGE_BOND)
        .challenge(batch.batchId, EVIDENCE)
        .motsu_expect_err("window closed");
    assert!(
        matches!(err, Error::ChallengeWindowClosed(ChallengeWindowClosed { closedAt, .. }) if closedAt == NOW + WINDOW)
    );
}

#[motsu::test]
fn only_the_arbiter_resolves(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    challenger: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let (batch, _) = anchor_receipts(&anchor, &attestor, 1, &receipts(2, attestor.address()));
    let err = anchor
        .sender(owner)
        .resolve_challenge(batch.batchId, true)
        .motsu_expect_err("none open");
    assert!(matches!(
        err,
        Error::NoOpenChallenge(NoOpenChallenge { .. })
    ));
    challenger.fund(CHALLENGE_BOND);
    anchor
        .sender_and_value(challenger, CHALLENGE_BOND)
        .challenge(batch.batchId, EVIDENCE)
        .motsu_unwrap();
    let err = anchor
        .sender(challenger)
        .resolve_challenge(batch.batchId, true)
        .motsu_expect_err("not the arbiter");
    assert!(
        matches!(err, Error::NotChallengeArbiter(NotChallengeArbiter { account }) if account == challenger)
    );
}
