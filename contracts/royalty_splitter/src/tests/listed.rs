//! Listed splits: creation, validation, native deposits, withdrawals, updates, controllers.

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use motsu::prelude::*;

use super::{
    create, init,
    mocks::{RejectingWallet, Wallet},
    sorted, u, NATIVE,
};
use crate::{
    accounting::{MAX_TOTAL_SHARES, MIN_DEPOSIT_CAPACITY},
    errors::*,
    events::*,
    RoyaltySplitter, MAX_RECIPIENTS,
};

/// The case study split: creator 60 / annotators 30 / platform 10.
fn case_study(
    splitter: &Contract<RoyaltySplitter>,
    owner: Address,
    creator: &Contract<Wallet>,
    annotators: &Contract<Wallet>,
    platform: &Contract<Wallet>,
    controller: Address,
) -> U256 {
    init(splitter, owner);
    create(
        splitter,
        owner,
        vec![
            (creator.address(), 60),
            (annotators.address(), 30),
            (platform.address(), 10),
        ],
        controller,
    )
}

#[motsu::test]
fn create_split_assigns_ids_and_emits(
    splitter: Contract<RoyaltySplitter>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    init(&splitter, alice);
    let (recipients, shares) = sorted(vec![(bob, 3), (carol, 1)]);
    let id = splitter
        .sender(alice)
        .create_split(recipients.clone(), shares.clone(), alice)
        .motsu_unwrap();
    assert_eq!(id, u(1));
    splitter.assert_emitted(&SplitCreated {
        split_id: id,
        creator: alice,
        controller: alice,
    });
    splitter.assert_emitted(&SplitRecipientsSet {
        split_id: id,
        version: 0,
        recipients,
        shares,
    });
    let second = create(&splitter, bob, vec![(carol, 1)], Address::ZERO);
    assert_eq!(second, u(2));
    assert_eq!(splitter.sender(alice).split_count(), u(2));
    assert_eq!(
        splitter.sender(alice).split_info(id),
        (alice, 0, Address::ZERO)
    );
    assert_eq!(
        splitter.sender(alice).split_info(second),
        (Address::ZERO, 0, Address::ZERO)
    );
    let (root, total, registered, count) = splitter.sender(alice).version_info(id, 0);
    assert!(root.is_zero());
    assert_eq!((total, registered, count), (u(4), U256::ZERO, 2));
    assert_eq!(splitter.sender(alice).shares_of(id, 0, bob), u(3));
    assert_eq!(splitter.sender(alice).shares_of(id, 0, alice), U256::ZERO);
}

#[motsu::test]
fn create_split_validates_input(splitter: Contract<RoyaltySplitter>, alice: Address) {
    init(&splitter, alice);
    let a = Address::repeat_byte(1);
    let b = Address::repeat_byte(2);
    let try_create = |recipients: Vec<Address>, shares: Vec<U256>| {
        splitter
            .sender(alice)
            .create_split(recipients, shares, alice)
            .motsu_unwrap_err()
    };

    let err = try_create(vec![a, b], vec![u(1)]);
    assert!(
        matches!(err, Error::LengthMismatch(SplitLengthMismatch { recipients, shares }) if recipients == u(2) && shares == u(1))
    );
    assert!(matches!(try_create(vec![], vec![]), Error::NoRecipients(_)));
    let err = try_create(vec![Address::ZERO, a], vec![u(1), u(1)]);
    assert!(
        matches!(err, Error::InvalidRecipient(SplitInvalidRecipient { recipient }) if recipient.is_zero())
    );
    let err = try_create(vec![a, a], vec![u(1), u(1)]);
    assert!(
        matches!(err, Error::DuplicateRecipient(SplitDuplicateRecipient { recipient }) if recipient == a)
    );
    let err = try_create(vec![b, a], vec![u(1), u(1)]);
    assert!(
        matches!(err, Error::RecipientsNotSorted(SplitRecipientsNotSorted { index }) if index == u(1))
    );
    let err = try_create(vec![a, b], vec![u(1), U256::ZERO]);
    assert!(matches!(err, Error::ZeroShares(SplitZeroShares { index }) if index == u(1)));
    let err = try_create(vec![a, b], vec![MAX_TOTAL_SHARES, u(1)]);
    assert!(
        matches!(err, Error::TotalSharesTooLarge(SplitTotalSharesTooLarge { max }) if max == MAX_TOTAL_SHARES)
    );
    let err = try_create(vec![a], vec![U256::MAX]);
    assert!(matches!(err, Error::TotalSharesTooLarge(_)));

    // The cap is inclusive: 256 recipients work, 257 do not.
    let many: Vec<Address> = (1..=MAX_RECIPIENTS + 1)
        .map(|i| Address::left_padding_from(&(i as u64).to_be_bytes()))
        .collect();
    let err = try_create(many.clone(), vec![u(1); MAX_RECIPIENTS + 1]);
    assert!(
        matches!(err, Error::TooManyRecipients(SplitTooManyRecipients { count, max }) if count == u(257) && max == u(256))
    );
    let id = splitter
        .sender(alice)
        .create_split(
            many[..MAX_RECIPIENTS].to_vec(),
            vec![u(1); MAX_RECIPIENTS],
            alice,
        )
        .motsu_unwrap();
    assert_eq!(splitter.sender(alice).version_info(id, 0).3, 256);
    // Max total shares are accepted.
    splitter
        .sender(alice)
        .create_split(vec![a], vec![MAX_TOTAL_SHARES], alice)
        .motsu_unwrap();
}

#[motsu::test]
fn deposit_and_withdraw_native(
    splitter: Contract<RoyaltySplitter>,
    creator: Contract<Wallet>,
    annotators: Contract<Wallet>,
    platform: Contract<Wallet>,
    alice: Address,
    payer: Address,
    keeper: Account,
) {
    let id = case_study(
        &splitter,
        alice,
        &creator,
        &annotators,
        &platform,
        Address::ZERO,
    );
    let price = U256::from(50_000_000_000_000_000u64); // 0.05 ETH
    payer.fund(price);
    splitter
        .sender_and_value(payer, price)
        .deposit(id)
        .motsu_unwrap();
    splitter.assert_emitted(&SplitDeposited {
        split_id: id,
        token: NATIVE,
        from: payer,
        amount: price,
    });
    assert_eq!(splitter.balance(), price);

    let claim = |w: &Contract<Wallet>| {
        splitter
            .sender(keeper)
            .claimable(id, 0, w.address(), NATIVE)
    };
    assert_eq!(claim(&creator), price * u(60) / u(100));
    assert_eq!(claim(&annotators), price * u(30) / u(100));
    assert_eq!(claim(&platform), price * u(10) / u(100));

    // Anyone may trigger a withdrawal to a recipient; the money goes to the recipient.
    let paid = splitter
        .sender(keeper)
        .withdraw(id, 0, creator.address(), NATIVE)
        .motsu_unwrap();
    assert_eq!(paid, price * u(60) / u(100));
    assert_eq!(creator.balance(), paid);
    assert_eq!(keeper.balance(), U256::ZERO);
    splitter.assert_emitted(&SplitWithdrawn {
        split_id: id,
        recipient: creator.address(),
        token: NATIVE,
        version: 0,
        amount: paid,
    });
    assert_eq!(claim(&creator), U256::ZERO);
    assert_eq!(
        splitter.sender(keeper).split_balance(id, NATIVE),
        (price, U256::ZERO)
    );
    assert_eq!(
        splitter.balance(),
        price - paid,
        "the rest stays owed in the splitter"
    );

    // A second withdrawal of the same amount is rejected.
    let err = splitter
        .sender(keeper)
        .withdraw(id, 0, creator.address(), NATIVE)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NothingToWithdraw(SplitNothingToWithdraw { split_id, recipient, token }) if split_id == id && recipient == creator.address() && token == NATIVE)
    );

    for w in [&annotators, &platform] {
        splitter
            .sender(keeper)
            .withdraw(id, 0, w.address(), NATIVE)
            .motsu_unwrap();
    }
    assert_eq!(splitter.balance(), U256::ZERO);
    assert_eq!(
        creator.balance() + annotators.balance() + platform.balance(),
        price
    );
}

#[motsu::test]
fn rounding_remainder_is_carried_into_next_deposit(
    splitter: Contract<RoyaltySplitter>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
    c: Contract<Wallet>,
    alice: Address,
) {
    init(&splitter, alice);
    let id = create(
        &splitter,
        alice,
        vec![(a.address(), 1), (b.address(), 1), (c.address(), 1)],
        Address::ZERO,
    );
    alice.fund(u(30));
    // 10 wei over three equal shares leaves a third of a wei each time, carried forward.
    for round in 1..=3u128 {
        splitter
            .sender_and_value(alice, u(10))
            .deposit(id)
            .motsu_unwrap();
        let expected = u(10 * round / 3);
        for w in [&a, &b, &c] {
            assert_eq!(
                splitter.sender(alice).claimable(id, 0, w.address(), NATIVE),
                expected
            );
        }
    }
    // After 30 wei every recipient has exactly 10: nothing was dropped.
    let (deposited, remainder) = splitter.sender(alice).split_balance(id, NATIVE);
    assert_eq!((deposited, remainder), (u(30), U256::ZERO));
}

#[motsu::test]
fn deposit_errors(splitter: Contract<RoyaltySplitter>, bob: Contract<Wallet>, alice: Account) {
    init(&splitter, alice.address());
    alice.fund(u(10));
    for id in [U256::ZERO, u(1)] {
        let err = splitter
            .sender_and_value(alice, u(1))
            .deposit(id)
            .motsu_unwrap_err();
        assert!(matches!(err, Error::UnknownSplit(SplitUnknown { split_id }) if split_id == id));
    }
    let id = create(
        &splitter,
        alice.address(),
        vec![(bob.address(), 1)],
        Address::ZERO,
    );
    let err = splitter.sender(alice).deposit(id).motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAmount(_)));
    assert_eq!(alice.balance(), u(10));
}

#[motsu::test]
fn deposit_overflow_is_rejected(
    splitter: Contract<RoyaltySplitter>,
    bob: Contract<Wallet>,
    alice: Address,
) {
    init(&splitter, alice);
    let id = create(&splitter, alice, vec![(bob.address(), 1)], Address::ZERO);
    alice.fund(MIN_DEPOSIT_CAPACITY + u(1));
    splitter
        .sender_and_value(alice, MIN_DEPOSIT_CAPACITY)
        .deposit(id)
        .motsu_unwrap();
    let err = splitter
        .sender_and_value(alice, u(1))
        .deposit(id)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::DepositOverflow(SplitDepositOverflow { split_id, token }) if split_id == id && token == NATIVE)
    );
    assert_eq!(
        splitter
            .sender(alice)
            .claimable(id, 0, bob.address(), NATIVE),
        MIN_DEPOSIT_CAPACITY
    );
    splitter
        .sender(alice)
        .withdraw(id, 0, bob.address(), NATIVE)
        .motsu_unwrap();
    assert_eq!(bob.balance(), MIN_DEPOSIT_CAPACITY);
}

#[motsu::test]
fn withdraw_errors(splitter: Contract<RoyaltySplitter>, bob: Contract<Wallet>, alice: Address) {
    init(&splitter, alice);
    let err = splitter
        .sender(alice)
        .withdraw(u(1), 0, bob.address(), NATIVE)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownSplit(_)));
    let id = create(&splitter, alice, vec![(bob.address(), 1)], Address::ZERO);
    let err = splitter
        .sender(alice)
        .withdraw(id, 1, bob.address(), NATIVE)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::UnknownVersion(SplitUnknownVersion { split_id, version: 1 }) if split_id == id)
    );
    let err = splitter
        .sender(alice)
        .withdraw(id, 0, bob.address(), NATIVE)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToWithdraw(_)));
    alice.fund(u(5));
    splitter
        .sender_and_value(alice, u(5))
        .deposit(id)
        .motsu_unwrap();
    // Not a member: nothing to withdraw.
    let err = splitter
        .sender(alice)
        .withdraw(id, 0, alice, NATIVE)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToWithdraw(_)));
}

#[motsu::test]
fn rejecting_recipient_only_fails_itself(
    splitter: Contract<RoyaltySplitter>,
    good: Contract<Wallet>,
    bad: Contract<RejectingWallet>,
    alice: Address,
) {
    init(&splitter, alice);
    let id = create(
        &splitter,
        alice,
        vec![(good.address(), 1), (bad.address(), 1)],
        Address::ZERO,
    );
    alice.fund(u(100));
    splitter
        .sender_and_value(alice, u(100))
        .deposit(id)
        .motsu_unwrap();

    let err = splitter
        .sender(alice)
        .withdraw(id, 0, bad.address(), NATIVE)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::TransferFailed(TransferFailed { token, to, amount }) if token == NATIVE && to == bad.address() && amount == u(50))
    );
    // The failed withdrawal changed nothing: still owed, still held.
    assert_eq!(
        splitter
            .sender(alice)
            .claimable(id, 0, bad.address(), NATIVE),
        u(50)
    );
    assert_eq!(splitter.balance(), u(100));
    // The other recipient is not blocked.
    splitter
        .sender(alice)
        .withdraw(id, 0, good.address(), NATIVE)
        .motsu_unwrap();
    assert_eq!(good.balance(), u(50));
    assert_eq!(splitter.sender(alice).split_balance(id, NATIVE).0, u(100));
    assert_eq!(splitter.balance(), u(50), "50 paid out, 50 still owed");
}

#[motsu::test]
fn update_keeps_accrued_under_old_shares(
    splitter: Contract<RoyaltySplitter>,
    creator: Contract<Wallet>,
    annotators: Contract<Wallet>,
    platform: Contract<Wallet>,
    newcomer: Contract<Wallet>,
    alice: Address,
    registry: Address,
) {
    let id = case_study(&splitter, alice, &creator, &annotators, &platform, registry);
    alice.fund(u(2_000));
    splitter
        .sender_and_value(alice, u(1_000))
        .deposit(id)
        .motsu_unwrap();

    // The registry (controller) replaces the set: platform leaves, a newcomer joins.
    let (recipients, shares) = sorted(vec![
        (creator.address(), 50),
        (annotators.address(), 25),
        (newcomer.address(), 25),
    ]);
    splitter
        .sender(registry)
        .update_split(id, recipients.clone(), shares.clone())
        .motsu_unwrap();
    splitter.assert_emitted(&SplitRecipientsSet {
        split_id: id,
        version: 1,
        recipients,
        shares,
    });
    assert_eq!(
        splitter.sender(alice).split_info(id),
        (registry, 1, Address::ZERO)
    );

    splitter
        .sender_and_value(alice, u(1_000))
        .deposit(id)
        .motsu_unwrap();
    let claim =
        |v: u32, w: &Contract<Wallet>| splitter.sender(alice).claimable(id, v, w.address(), NATIVE);
    // Accrued before the update: owed under the old shares, in version 0.
    assert_eq!(
        (
            claim(0, &creator),
            claim(0, &annotators),
            claim(0, &platform),
            claim(0, &newcomer)
        ),
        (u(600), u(300), u(100), u(0))
    );
    // Accrued after: under the new shares, in version 1.
    assert_eq!(
        (
            claim(1, &creator),
            claim(1, &annotators),
            claim(1, &platform),
            claim(1, &newcomer)
        ),
        (u(500), u(250), u(0), u(250))
    );

    // The removed recipient still withdraws what it earned.
    splitter
        .sender(alice)
        .withdraw(id, 0, platform.address(), NATIVE)
        .motsu_unwrap();
    assert_eq!(platform.balance(), u(100));
    for v in [0, 1] {
        splitter
            .sender(alice)
            .withdraw(id, v, creator.address(), NATIVE)
            .motsu_unwrap();
    }
    assert_eq!(creator.balance(), u(1_100));
}

#[motsu::test]
fn update_errors(
    splitter: Contract<RoyaltySplitter>,
    bob: Contract<Wallet>,
    alice: Address,
    mallory: Address,
) {
    init(&splitter, alice);
    let (r, s) = sorted(vec![(bob.address(), 1)]);
    let err = splitter
        .sender(alice)
        .update_split(u(1), r.clone(), s.clone())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownSplit(_)));

    let mutable = create(&splitter, alice, vec![(bob.address(), 1)], alice);
    let err = splitter
        .sender(mallory)
        .update_split(mutable, r.clone(), s.clone())
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NotController(SplitNotController { split_id, account }) if split_id == mutable && account == mallory)
    );
    let err = splitter
        .sender(alice)
        .update_split(mutable, vec![], vec![])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NoRecipients(_)));

    // Zero controller: immutable, even for its creator.
    let fixed = create(&splitter, alice, vec![(bob.address(), 1)], Address::ZERO);
    let err = splitter
        .sender(alice)
        .update_split(fixed, r, s)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotController(_)));
}

#[motsu::test]
fn controller_can_hand_over_and_renounce(
    splitter: Contract<RoyaltySplitter>,
    bob: Contract<Wallet>,
    alice: Address,
    carol: Address,
) {
    init(&splitter, alice);
    let id = create(&splitter, alice, vec![(bob.address(), 1)], alice);
    let err = splitter
        .sender(carol)
        .set_split_controller(id, carol)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotController(_)));
    let err = splitter
        .sender(carol)
        .set_split_controller(u(9), carol)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownSplit(_)));

    splitter
        .sender(alice)
        .set_split_controller(id, carol)
        .motsu_unwrap();
    splitter.assert_emitted(&SplitControllerChanged {
        split_id: id,
        previous: alice,
        controller: carol,
    });
    assert_eq!(splitter.sender(alice).split_info(id).0, carol);
    let (r, s) = sorted(vec![(bob.address(), 2)]);
    let err = splitter
        .sender(alice)
        .update_split(id, r.clone(), s.clone())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotController(_)));
    splitter
        .sender(carol)
        .update_split(id, r.clone(), s.clone())
        .motsu_unwrap();

    splitter
        .sender(carol)
        .set_split_controller(id, Address::ZERO)
        .motsu_unwrap();
    let err = splitter
        .sender(carol)
        .update_split(id, r, s)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotController(_)));
}

#[motsu::test]
fn views_of_unknown_things_are_zero(splitter: Contract<RoyaltySplitter>, alice: Address) {
    init(&splitter, alice);
    assert_eq!(
        splitter.sender(alice).claimable(u(7), 3, alice, NATIVE),
        U256::ZERO
    );
    assert_eq!(
        splitter.sender(alice).accrued(u(7), 3, u(5), NATIVE),
        U256::ZERO
    );
    assert_eq!(
        splitter.sender(alice).split_balance(u(7), NATIVE),
        (U256::ZERO, U256::ZERO)
    );
}

/// Native currency paid shares the member's word with its shares: withdrawing leaves the
/// shares as they were, and later deposits are owed from what was paid on.
#[motsu::test]
fn native_withdrawals_keep_the_members_shares(
    splitter: Contract<RoyaltySplitter>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
    alice: Address,
) {
    init(&splitter, alice);
    let (first, second) = (a.address(), b.address());
    let id = create(
        &splitter,
        alice,
        vec![(first, 60), (second, 40)],
        Address::ZERO,
    );
    alice.fund(u(300));
    for _ in 0..2 {
        splitter
            .sender_and_value(alice, u(100))
            .deposit(id)
            .motsu_unwrap();
        let paid = splitter
            .sender(alice)
            .withdraw(id, 0, first, NATIVE)
            .motsu_unwrap();
        assert_eq!(paid, u(60));
        assert_eq!(splitter.sender(alice).shares_of(id, 0, first), u(60));
        assert_eq!(
            splitter.sender(alice).claimable(id, 0, first, NATIVE),
            U256::ZERO
        );
    }
    assert_eq!(
        splitter.sender(alice).claimable(id, 0, second, NATIVE),
        u(80)
    );
    assert_eq!(splitter.sender(alice).shares_of(id, 0, second), u(40));
    let err = splitter
        .sender(alice)
        .withdraw(id, 0, first, NATIVE)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToWithdraw(_)));
}
