//! `withdrawAll`: one call collects an account's balances across splits, versions and tokens
//! from the real splitter.

use alloc::vec;

use motsu::prelude::*;
use royalty_splitter::RoyaltySplitter;
use stylus_sdk::alloy_primitives::{Address, U256};
use tributary_abi::errors::{LengthMismatch, NothingToWithdraw};
use tributary_testkit::wallets::Wallet;

use crate::{Error, RevenueRouter};

const ETHER: u128 = 1_000_000_000_000_000_000;

fn eth(n: u128) -> U256 {
    U256::from(n * ETHER)
}

/// A router wired to the real `splitter` (the registry and license addresses are never called
/// by `withdrawAll`), and split 1 paying `a` and `b` half each in version 0 (1 ETH deposited)
/// and `a` alone in version 1 (2 ETH deposited).
fn two_versions(
    router: &Contract<RevenueRouter>,
    splitter: &Contract<RoyaltySplitter>,
    a: Address,
    b: Address,
    owner: Address,
) -> U256 {
    splitter.sender(owner).constructor(owner).motsu_unwrap();
    router
        .sender(owner)
        .constructor(owner, owner, splitter.address())
        .motsu_unwrap();
    let (first, second) = if a < b { (a, b) } else { (b, a) };
    let split = splitter
        .sender(owner)
        .create_split(
            vec![first, second],
            vec![U256::from(1), U256::from(1)],
            owner,
        )
        .motsu_unwrap();
    owner.fund(eth(3));
    splitter
        .sender_and_value(owner, eth(1))
        .deposit(split)
        .motsu_unwrap();
    splitter
        .sender(owner)
        .update_split(split, vec![a], vec![U256::from(1)])
        .motsu_unwrap();
    splitter
        .sender_and_value(owner, eth(2))
        .deposit(split)
        .motsu_unwrap();
    split
}

#[motsu::test]
fn one_call_pays_every_version_that_owes_something(
    router: Contract<RevenueRouter>,
    splitter: Contract<RoyaltySplitter>,
    a: Contract<Wallet>,
    b: Contract<Wallet>,
    owner: Address,
    stranger: Address,
) {
    let split = two_versions(&router, &splitter, a.address(), b.address(), owner);
    let before = a.balance();
    // Anyone may call it; `a` is paid 0.5 ETH from version 0 and 2 ETH from version 1.
    let paid = router
        .sender(stranger)
        .withdraw_all(
            vec![split, split],
            vec![0, 1],
            a.address(),
            vec![Address::ZERO; 2],
        )
        .motsu_unwrap();
    assert_eq!(paid, U256::from(2));
    assert_eq!(a.balance() - before, eth(5) / U256::from(2));
    assert_eq!(router.balance(), U256::ZERO, "the router keeps nothing");
    // `b` is owed only in version 0: the entry for version 1 is skipped.
    let paid = router
        .sender(stranger)
        .withdraw_all(
            vec![split, split],
            vec![1, 0],
            b.address(),
            vec![Address::ZERO; 2],
        )
        .motsu_unwrap();
    assert_eq!(paid, U256::from(1));
    assert_eq!(b.balance(), eth(1) / U256::from(2));
}

#[motsu::test]
fn nothing_owed_anywhere_is_nothing_to_withdraw(
    router: Contract<RevenueRouter>,
    splitter: Contract<RoyaltySplitter>,
    a: Contract<Wallet>,
    b: Address,
    owner: Address,
) {
    let a = a.address();
    let split = two_versions(&router, &splitter, a, b, owner);
    router
        .sender(a)
        .withdraw_all(vec![split, split], vec![0, 1], a, vec![Address::ZERO; 2])
        .motsu_unwrap();
    let err = router
        .sender(a)
        .withdraw_all(vec![split, split], vec![0, 1], a, vec![Address::ZERO; 2])
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NothingToWithdraw(NothingToWithdraw { account }) if account == a),
        "{err:?}"
    );
    let err = router
        .sender(a)
        .withdraw_all(vec![], vec![], a, vec![])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToWithdraw(_)), "{err:?}");
}

#[motsu::test]
fn misaligned_entries_are_length_mismatch(
    router: Contract<RevenueRouter>,
    splitter: Contract<RoyaltySplitter>,
    a: Address,
    b: Address,
    owner: Address,
) {
    let split = two_versions(&router, &splitter, a, b, owner);
    let err = router
        .sender(a)
        .withdraw_all(vec![split, split], vec![0], a, vec![Address::ZERO; 2])
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::LengthMismatch(LengthMismatch { expected, actual })
            if expected == U256::from(2) && actual == U256::from(1)),
        "{err:?}"
    );
    let err = router
        .sender(a)
        .withdraw_all(vec![split], vec![0], a, vec![Address::ZERO; 2])
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::LengthMismatch(LengthMismatch { expected, actual })
            if expected == U256::from(1) && actual == U256::from(2)),
        "{err:?}"
    );
}

#[motsu::test]
fn entries_that_owe_nothing_are_skipped(
    router: Contract<RevenueRouter>,
    splitter: Contract<RoyaltySplitter>,
    a: Contract<Wallet>,
    b: Address,
    owner: Address,
) {
    let split = two_versions(&router, &splitter, a.address(), b, owner);
    let before = a.balance();
    // Version 0 pays; an unknown split and an unknown version owe nothing (`claimable` answers
    // zero for them) and are skipped.
    let paid = router
        .sender(a.address())
        .withdraw_all(
            vec![split, split + U256::from(9), split],
            vec![0, 0, 7],
            a.address(),
            vec![Address::ZERO; 3],
        )
        .motsu_unwrap();
    assert_eq!(paid, U256::from(1));
    assert_eq!(a.balance() - before, eth(1) / U256::from(2));
}
