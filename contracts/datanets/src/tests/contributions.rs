//! Contributions: submission with exactly the stake (native or ERC-20), the curator's review
//! inside the window, and the stake's return (after the lock, at once, or after an unreviewed
//! deadline) or slash into the dataset's split.

use alloy_primitives::{Address, B256, U256};
use motsu::prelude::*;
use tributary_abi::attribution::{status, verdict};

use super::*;
use crate::{
    errors::{
        ContributionNotPending, DatanetNotOpen, Error, InvalidVerdict, NativeTransferFailed,
        NotCurator, NothingToWithdraw, ReviewWindowClosed, SafeErc20FailedOperation, StakeLocked,
        UnknownContribution, WrongStake, ZeroContentHash,
    },
    events::{ContributionReviewed, ContributionSubmitted, StakeReturned, StakeSlashed},
};

/// Whether `err` is `NothingToWithdraw` for `account`.
fn nothing_for(err: &Error, who: Address) -> bool {
    matches!(err, Error::NothingToWithdraw(NothingToWithdraw { account }) if *account == who)
}

#[motsu::test]
fn a_native_contribution_holds_exactly_the_stake(alice: Contract<Wallet>) {
    let world = World::native();
    let id = world.contribute(alice.address());
    assert_eq!(id, U256::from(1));
    let deadline = NOW + u64::from(REVIEW_WINDOW);
    world.datanets.assert_emitted(&ContributionSubmitted {
        contributionId: id,
        datasetId: world.dataset,
        contributor: alice.address(),
        contentHash: CONTENT,
        stake: STAKE,
        reviewDeadline: deadline,
        uri: URI.into(),
    });
    assert_eq!(
        world.contribution(id),
        (
            world.dataset,
            alice.address(),
            status::PENDING,
            STAKE,
            deadline
        )
    );
    assert_eq!(world.datanets.balance(), STAKE);
    assert_eq!(alice.balance(), U256::ZERO);
    assert_eq!(world.datanets.sender(STRANGER).contribution_count(), id);
    assert_eq!(world.contribute(alice.address()), U256::from(2));
}

#[motsu::test]
fn an_erc20_contribution_pulls_exactly_the_stake(alice: Address) {
    let world = World::erc20();
    let id = world.contribute(alice);
    assert_eq!(
        world.contribution(id),
        (
            world.dataset,
            alice,
            status::PENDING,
            STAKE,
            NOW + u64::from(REVIEW_WINDOW)
        )
    );
    let token = world.token.sender(STRANGER);
    assert_eq!(token.balance_of(world.datanets.address()), STAKE);
    assert_eq!(token.balance_of(alice), U256::ZERO);
    assert_eq!(token.allowance(alice, world.datanets.address()), U256::ZERO);
}

#[motsu::test]
fn a_contribution_with_the_wrong_value_is_wrong_stake(alice: Address) {
    let world = World::native();
    let one = U256::from(1);
    for sent in [U256::ZERO, STAKE - one, STAKE + one] {
        alice.fund(sent);
        let err = world
            .datanets
            .sender_and_value(alice, sent)
            .contribute(world.dataset, CONTENT, URI.into())
            .motsu_unwrap_err();
        assert!(
            matches!(err, Error::WrongStake(WrongStake { sent: s, required }) if s == sent && required == STAKE),
            "{sent}: {err:?}"
        );
    }
    assert_eq!(world.datanets.balance(), U256::ZERO);
    assert_eq!(
        world.datanets.sender(STRANGER).contribution_count(),
        U256::ZERO
    );

    // An ERC-20 stake takes no value.
    let world = World::erc20();
    world.token.sender(alice).mint(alice, STAKE);
    world
        .token
        .sender(alice)
        .approve(world.datanets.address(), STAKE);
    alice.fund(STAKE);
    let err = world
        .datanets
        .sender_and_value(alice, STAKE)
        .contribute(world.dataset, CONTENT, URI.into())
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::WrongStake(WrongStake { sent, required }) if sent == STAKE && required.is_zero()),
        "{err:?}"
    );
    // Without an allowance the pull fails.
    world
        .token
        .sender(alice)
        .approve(world.datanets.address(), U256::ZERO);
    let err = world
        .datanets
        .sender(alice)
        .contribute(world.dataset, CONTENT, URI.into())
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::SafeErc20FailedOperation(SafeErc20FailedOperation { token }) if token == world.token.address()),
        "{err:?}"
    );
    assert_eq!(world.token.sender(STRANGER).balance_of(alice), STAKE);
    assert_eq!(
        world.datanets.sender(STRANGER).contribution_count(),
        U256::ZERO
    );
}

#[motsu::test]
fn a_zero_content_hash_is_zero_content_hash(alice: Address) {
    for world in [World::native(), World::erc20()] {
        let err = world.try_contribute(alice, B256::ZERO).motsu_unwrap_err();
        assert!(
            matches!(err, Error::ZeroContentHash(ZeroContentHash {})),
            "{err:?}"
        );
        assert_eq!(
            world.datanets.sender(STRANGER).contribution_count(),
            U256::ZERO
        );
    }
}

#[motsu::test]
fn contributions_need_an_open_datanet(alice: Address) {
    // Registered and handed over, but never configured.
    let world = World::handed_over();
    let err = world
        .datanets
        .sender(alice)
        .contribute(world.dataset, CONTENT, URI.into())
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::DatanetNotOpen(DatanetNotOpen { datasetId }) if datasetId == world.dataset),
        "{err:?}"
    );
    // An unknown dataset has no Datanet either.
    let err = world
        .datanets
        .sender(alice)
        .contribute(U256::from(99), CONTENT, URI.into())
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::DatanetNotOpen(DatanetNotOpen { datasetId }) if datasetId == U256::from(99)),
        "{err:?}"
    );
    // Closed.
    let world = World::native();
    world
        .datanets
        .sender(OWNER)
        .close_datanet(world.dataset, world.registry.address())
        .motsu_unwrap();
    let err = world.try_contribute(alice, CONTENT).motsu_unwrap_err();
    assert!(
        matches!(err, Error::DatanetNotOpen(DatanetNotOpen { datasetId }) if datasetId == world.dataset),
        "{err:?}"
    );
}

/// Accept, then the lock: `StakeLocked` until the unlock second, the whole stake from then.
fn accepted_stake_is_returned_after_the_lock(world: &World, alice: Address) {
    // A second dataset version: the contribution joins version 3.
    world
        .registry
        .sender(OWNER)
        .publish_version(world.dataset, B256::repeat_byte(0x02), "ipfs://v2".into())
        .motsu_unwrap();
    let id = world.contribute(alice);
    advance(DAY);
    world.review(id, verdict::ACCEPT).motsu_unwrap();
    let unlock = NOW + DAY + u64::from(STAKE_LOCK);
    world.datanets.assert_emitted(&ContributionReviewed {
        contributionId: id,
        datasetId: world.dataset,
        curator: CURATOR,
        verdict: verdict::ACCEPT,
        reasonHash: REASON,
        joinsVersion: U256::from(3),
        unlockAt: unlock,
    });
    assert_eq!(
        world.contribution(id),
        (world.dataset, alice, status::ACCEPTED, STAKE, unlock)
    );
    let err = world.withdraw(id).motsu_unwrap_err();
    assert!(
        matches!(err, Error::StakeLocked(StakeLocked { contributionId, unlockAt }) if contributionId == id && unlockAt == unlock),
        "{err:?}"
    );
    advance(u64::from(STAKE_LOCK) - 1);
    let err = world.withdraw(id).motsu_unwrap_err();
    assert!(matches!(err, Error::StakeLocked(StakeLocked { unlockAt, .. }) if unlockAt == unlock));
    assert_eq!(world.stake_balance(alice), U256::ZERO);
    advance(1);
    assert_eq!(world.withdraw(id).motsu_unwrap(), STAKE);
    world.datanets.assert_emitted(&StakeReturned {
        contributionId: id,
        contributor: alice,
        amount: STAKE,
        expired: false,
    });
    assert_eq!(world.stake_balance(alice), STAKE);
    assert_eq!(world.stake_balance(world.datanets.address()), U256::ZERO);
    assert_eq!(
        world.contribution(id),
        (world.dataset, alice, status::ACCEPTED, U256::ZERO, unlock)
    );
    let err = world.withdraw(id).motsu_unwrap_err();
    assert!(nothing_for(&err, alice), "{err:?}");
}

#[motsu::test]
fn an_accepted_native_stake_is_returned_after_the_lock(alice: Contract<Wallet>) {
    accepted_stake_is_returned_after_the_lock(&World::native(), alice.address());
}

#[motsu::test]
fn an_accepted_erc20_stake_is_returned_after_the_lock(alice: Address) {
    accepted_stake_is_returned_after_the_lock(&World::erc20(), alice);
}

/// Reject: the stake can be withdrawn at once, once.
fn rejected_stake_is_returned_at_once(world: &World, alice: Address) {
    let id = world.contribute(alice);
    world.review(id, verdict::REJECT).motsu_unwrap();
    world.datanets.assert_emitted(&ContributionReviewed {
        contributionId: id,
        datasetId: world.dataset,
        curator: CURATOR,
        verdict: verdict::REJECT,
        reasonHash: REASON,
        joinsVersion: U256::ZERO,
        unlockAt: NOW,
    });
    assert_eq!(world.contribution(id).2, status::REJECTED);
    assert_eq!(world.withdraw(id).motsu_unwrap(), STAKE);
    assert_eq!(world.stake_balance(alice), STAKE);
    assert_eq!(world.stake_balance(world.datanets.address()), U256::ZERO);
    let err = world.withdraw(id).motsu_unwrap_err();
    assert!(nothing_for(&err, alice), "{err:?}");
}

#[motsu::test]
fn a_rejected_native_stake_is_returned_at_once(alice: Contract<Wallet>) {
    rejected_stake_is_returned_at_once(&World::native(), alice.address());
}

#[motsu::test]
fn a_rejected_erc20_stake_is_returned_at_once(alice: Address) {
    rejected_stake_is_returned_at_once(&World::erc20(), alice);
}

#[motsu::test]
fn a_flagged_native_stake_is_paid_into_the_split(alice: Contract<Wallet>) {
    let world = World::native();
    let id = world.contribute(alice.address());
    let splitter_before = world.splitter.balance();
    world.review(id, verdict::FLAG).motsu_unwrap();
    world.datanets.assert_emitted(&ContributionReviewed {
        contributionId: id,
        datasetId: world.dataset,
        curator: CURATOR,
        verdict: verdict::FLAG,
        reasonHash: REASON,
        joinsVersion: U256::ZERO,
        unlockAt: NOW,
    });
    world.datanets.assert_emitted(&StakeSlashed {
        contributionId: id,
        datasetId: world.dataset,
        splitId: world.split,
        amount: STAKE,
    });
    assert_eq!(
        world.contribution(id),
        (
            world.dataset,
            alice.address(),
            status::FLAGGED,
            U256::ZERO,
            NOW
        )
    );
    assert_eq!(world.split_balance(world.split, NATIVE).0, STAKE);
    assert_eq!(world.splitter.balance(), splitter_before + STAKE);
    assert_eq!(world.datanets.balance(), U256::ZERO);
    // The split's two members (one share each) can claim half each.
    let half = STAKE / U256::from(2);
    for member in [world.a.address(), world.b.address()] {
        assert_eq!(world.claimable(world.split, 0, member, NATIVE), half);
    }
    let err = world.withdraw(id).motsu_unwrap_err();
    assert!(nothing_for(&err, alice.address()), "{err:?}");
    assert_eq!(alice.balance(), U256::ZERO);
    world
        .splitter
        .sender(STRANGER)
        .withdraw(world.split, 0, world.a.address(), NATIVE)
        .motsu_unwrap();
    assert_eq!(world.a.balance(), half);
}

#[motsu::test]
fn a_flagged_erc20_stake_is_paid_into_the_split(alice: Address) {
    let world = World::erc20();
    let token = world.token.address();
    let id = world.contribute(alice);
    world.review(id, verdict::FLAG).motsu_unwrap();
    world.datanets.assert_emitted(&StakeSlashed {
        contributionId: id,
        datasetId: world.dataset,
        splitId: world.split,
        amount: STAKE,
    });
    assert_eq!(world.split_balance(world.split, token).0, STAKE);
    let erc20 = world.token.sender(STRANGER);
    assert_eq!(erc20.balance_of(world.splitter.address()), STAKE);
    assert_eq!(erc20.balance_of(world.datanets.address()), U256::ZERO);
    assert_eq!(
        erc20.allowance(world.datanets.address(), world.splitter.address()),
        U256::ZERO
    );
    let half = STAKE / U256::from(2);
    for member in [world.a.address(), world.b.address()] {
        assert_eq!(world.claimable(world.split, 0, member, token), half);
    }
    let err = world.withdraw(id).motsu_unwrap_err();
    assert!(nothing_for(&err, alice), "{err:?}");
}

#[motsu::test]
fn only_the_curator_or_the_owner_reviews(alice: Contract<Wallet>) {
    let world = World::native();
    let first = world.contribute(alice.address());
    let second = world.contribute(alice.address());
    let err = world
        .datanets
        .sender(STRANGER)
        .review_contribution(first, verdict::ACCEPT, REASON)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NotCurator(NotCurator { datasetId, account }) if datasetId == world.dataset && account == STRANGER),
        "{err:?}"
    );
    assert_eq!(world.contribution(first).2, status::PENDING);
    // The owner reviews too.
    world
        .datanets
        .sender(OWNER)
        .review_contribution(first, verdict::ACCEPT, REASON)
        .motsu_unwrap();
    world.datanets.assert_emitted(&ContributionReviewed {
        contributionId: first,
        datasetId: world.dataset,
        curator: OWNER,
        verdict: verdict::ACCEPT,
        reasonHash: REASON,
        joinsVersion: U256::from(2),
        unlockAt: NOW + u64::from(STAKE_LOCK),
    });
    world.review(second, verdict::REJECT).motsu_unwrap();
    assert_eq!(world.contribution(second).2, status::REJECTED);

    // With no curator the owner reviews alone: the former curator and the zero address are
    // strangers.
    world
        .datanets
        .sender(OWNER)
        .configure_datanet(
            world.dataset,
            Address::ZERO,
            NATIVE,
            STAKE,
            REVIEW_WINDOW,
            STAKE_LOCK,
            VETO_WINDOW,
        )
        .motsu_unwrap();
    let third = world.contribute(alice.address());
    for who in [CURATOR, Address::ZERO] {
        let err = world
            .datanets
            .sender(who)
            .review_contribution(third, verdict::FLAG, REASON)
            .motsu_unwrap_err();
        assert!(
            matches!(err, Error::NotCurator(NotCurator { datasetId, account }) if datasetId == world.dataset && account == who),
            "{err:?}"
        );
    }
    world
        .datanets
        .sender(OWNER)
        .review_contribution(third, verdict::FLAG, REASON)
        .motsu_unwrap();
}

#[motsu::test]
fn a_contribution_is_reviewed_once(alice: Contract<Wallet>) {
    let world = World::native();
    for (ruling, state) in [
        (verdict::ACCEPT, status::ACCEPTED),
        (verdict::REJECT, status::REJECTED),
        (verdict::FLAG, status::FLAGGED),
    ] {
        let id = world.contribute(alice.address());
        world.review(id, ruling).motsu_unwrap();
        for again in [verdict::ACCEPT, verdict::REJECT, verdict::FLAG] {
            let err = world.review(id, again).motsu_unwrap_err();
            assert!(
                matches!(err, Error::ContributionNotPending(ContributionNotPending { contributionId, status: s })
                    if contributionId == id && s == state),
                "{ruling} then {again}: {err:?}"
            );
        }
    }
    // Only one stake was slashed.
    assert_eq!(world.split_balance(world.split, NATIVE).0, STAKE);
}

#[motsu::test]
fn a_review_after_the_window_is_review_window_closed(alice: Contract<Wallet>) {
    let world = World::native();
    let first = world.contribute(alice.address());
    let second = world.contribute(alice.address());
    let deadline = NOW + u64::from(REVIEW_WINDOW);
    // The deadline itself is still inside the window.
    advance(u64::from(REVIEW_WINDOW));
    world.review(first, verdict::ACCEPT).motsu_unwrap();
    advance(1);
    for ruling in [verdict::ACCEPT, verdict::REJECT, verdict::FLAG] {
        let err = world.review(second, ruling).motsu_unwrap_err();
        assert!(
            matches!(err, Error::ReviewWindowClosed(ReviewWindowClosed { contributionId, deadline: d })
                if contributionId == second && d == deadline),
            "{err:?}"
        );
    }
    assert_eq!(world.contribution(second).2, status::PENDING);
}

/// Nobody reviews: the stake is locked through the deadline, then comes back (anyone may
/// trigger it) and the contribution expires.
fn unreviewed_stake_comes_back_after_the_deadline(world: &World, alice: Address) {
    let id = world.contribute(alice);
    let deadline = NOW + u64::from(REVIEW_WINDOW);
    let err = world.withdraw(id).motsu_unwrap_err();
    assert!(
        matches!(err, Error::StakeLocked(StakeLocked { contributionId, unlockAt }) if contributionId == id && unlockAt == deadline + 1),
        "{err:?}"
    );
    advance(u64::from(REVIEW_WINDOW));
    let err = world.withdraw(id).motsu_unwrap_err();
    assert!(
        matches!(err, Error::StakeLocked(StakeLocked { unlockAt, .. }) if unlockAt == deadline + 1),
        "{err:?}"
    );
    advance(1);
    assert_eq!(world.withdraw(id).motsu_unwrap(), STAKE);
    world.datanets.assert_emitted(&StakeReturned {
        contributionId: id,
        contributor: alice,
        amount: STAKE,
        expired: true,
    });
    assert_eq!(world.stake_balance(alice), STAKE);
    assert_eq!(world.stake_balance(world.datanets.address()), U256::ZERO);
    assert_eq!(
        world.contribution(id),
        (world.dataset, alice, status::EXPIRED, U256::ZERO, deadline)
    );
    let err = world.withdraw(id).motsu_unwrap_err();
    assert!(nothing_for(&err, alice), "{err:?}");
    let err = world.review(id, verdict::FLAG).motsu_unwrap_err();
    assert!(
        matches!(err, Error::ContributionNotPending(ContributionNotPending { contributionId, status: s })
            if contributionId == id && s == status::EXPIRED),
        "{err:?}"
    );
    assert_eq!(world.split_balance(world.split, NATIVE).0, U256::ZERO);
}

#[motsu::test]
fn an_unreviewed_native_stake_comes_back_after_the_deadline(alice: Contract<Wallet>) {
    unreviewed_stake_comes_back_after_the_deadline(&World::native(), alice.address());
}

#[motsu::test]
fn an_unreviewed_erc20_stake_comes_back_after_the_deadline(alice: Address) {
    unreviewed_stake_comes_back_after_the_deadline(&World::erc20(), alice);
}

#[motsu::test]
fn invalid_verdicts_and_unknown_contributions(alice: Contract<Wallet>) {
    let world = World::native();
    let id = world.contribute(alice.address());
    for ruling in [0, 4, u8::MAX] {
        let err = world.review(id, ruling).motsu_unwrap_err();
        assert!(
            matches!(err, Error::InvalidVerdict(InvalidVerdict { verdict: v }) if v == ruling),
            "{ruling}: {err:?}"
        );
    }
    assert_eq!(world.contribution(id).2, status::PENDING);
    for unknown in [U256::ZERO, U256::from(2), U256::MAX] {
        let err = world.review(unknown, verdict::ACCEPT).motsu_unwrap_err();
        assert!(
            matches!(err, Error::UnknownContribution(UnknownContribution { contributionId }) if contributionId == unknown),
            "{err:?}"
        );
        let err = world.withdraw(unknown).motsu_unwrap_err();
        assert!(
            matches!(err, Error::UnknownContribution(UnknownContribution { contributionId }) if contributionId == unknown),
            "{err:?}"
        );
    }
}

#[motsu::test]
fn a_rejecting_recipient_gets_native_transfer_failed_and_nothing_changes(
    rejecting: Contract<RejectingWallet>,
) {
    let world = World::native();
    let id = world.contribute(rejecting.address());
    world.review(id, verdict::REJECT).motsu_unwrap();
    let before = world.contribution(id);
    let err = world.withdraw(id).motsu_unwrap_err();
    assert!(
        matches!(err, Error::NativeTransferFailed(NativeTransferFailed { to, amount })
            if to == rejecting.address() && amount == STAKE),
        "{err:?}"
    );
    assert_eq!(world.contribution(id), before);
    assert_eq!(before.3, STAKE);
    assert_eq!(world.datanets.balance(), STAKE);
    assert_eq!(rejecting.balance(), U256::ZERO);
}

#[motsu::test]
fn a_refused_erc20_refund_is_safe_erc20_failed_operation_and_nothing_changes(alice: Address) {
    let world = World::erc20();
    let id = world.contribute(alice);
    world.review(id, verdict::REJECT).motsu_unwrap();
    world.token.sender(ADMIN).set_blacklisted(alice, true);
    let err = world.withdraw(id).motsu_unwrap_err();
    assert!(
        matches!(err, Error::SafeErc20FailedOperation(SafeErc20FailedOperation { token }) if token == world.token.address()),
        "{err:?}"
    );
    assert_eq!(world.contribution(id).3, STAKE);
    assert_eq!(
        world
            .token
            .sender(STRANGER)
            .balance_of(world.datanets.address()),
        STAKE
    );
    world.token.sender(ADMIN).set_blacklisted(alice, false);
    assert_eq!(world.withdraw(id).motsu_unwrap(), STAKE);
}

#[motsu::test]
fn a_new_stake_applies_to_new_contributions_only(alice: Contract<Wallet>) {
    let world = World::native();
    let old = world.contribute(alice.address());
    let doubled = STAKE * U256::from(2);
    world
        .configure(world.dataset, NATIVE, doubled)
        .motsu_unwrap();
    let new = world.contribute(alice.address());
    assert_eq!(world.contribution(old).3, STAKE);
    assert_eq!(world.contribution(new).3, doubled);
    world.review(old, verdict::REJECT).motsu_unwrap();
    assert_eq!(world.withdraw(old).motsu_unwrap(), STAKE);
    assert_eq!(world.datanets.balance(), doubled);
}

#[motsu::test]
fn a_fee_on_transfer_stake_records_and_refunds_what_arrived(alice: Address, bob: Address) {
    let world = World::erc20();
    // 1 % of every transfer is burnt: the contract holds 99 % of each stake.
    world.token.sender(STRANGER).set_fee_bps(U256::from(100));
    let arrived = STAKE - STAKE / U256::from(100);
    let first = world.contribute(alice);
    let second = world.contribute(bob);
    for id in [first, second] {
        assert_eq!(world.contribution(id).3, arrived);
    }
    let held = world
        .token
        .sender(STRANGER)
        .balance_of(world.datanets.address());
    assert_eq!(held, arrived + arrived);
    // Each refund pays back what the contribution brought: the second is not short.
    world.review(first, verdict::REJECT).motsu_unwrap();
    world.review(second, verdict::REJECT).motsu_unwrap();
    assert_eq!(world.withdraw(first).motsu_unwrap(), arrived);
    assert_eq!(world.withdraw(second).motsu_unwrap(), arrived);
    assert_eq!(
        world
            .token
            .sender(STRANGER)
            .balance_of(world.datanets.address()),
        U256::ZERO
    );
}
