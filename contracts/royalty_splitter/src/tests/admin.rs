//! Ownership and pausing: the owner can pause new business, never withdrawals.

use alloc::vec;

use alloy_primitives::{Address, B256, U256};
use motsu::prelude::*;
use openzeppelin_stylus::{
    access::ownable::{OwnableInvalidOwner, OwnableUnauthorizedAccount, OwnershipTransferred},
    utils::pausable::{Paused, Unpaused},
};
use tributary_testkit::erc20::TestToken;

use super::{create, init, mocks::Wallet, sorted, u, NATIVE};
use crate::{errors::*, RoyaltySplitter};

#[motsu::test]
fn constructor_rejects_zero_owner(splitter: Contract<RoyaltySplitter>, alice: Address) {
    let err = splitter
        .sender(alice)
        .constructor(Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidOwner(OwnableInvalidOwner { owner }) if owner.is_zero()));
    splitter.sender(alice).constructor(alice).motsu_unwrap();
    assert_eq!(splitter.sender(alice).owner(), alice);
    splitter.assert_emitted(&OwnershipTransferred {
        previous_owner: Address::ZERO,
        new_owner: alice,
    });
}

#[motsu::test]
fn two_step_ownership(splitter: Contract<RoyaltySplitter>, alice: Address, bob: Address) {
    init(&splitter, alice);
    let err = splitter
        .sender(bob)
        .transfer_ownership(bob)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == bob)
    );
    splitter
        .sender(alice)
        .transfer_ownership(bob)
        .motsu_unwrap();
    assert_eq!(splitter.sender(alice).pending_owner(), bob);
    assert_eq!(splitter.sender(alice).owner(), alice);
    let err = splitter.sender(alice).accept_ownership().motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    splitter.sender(bob).accept_ownership().motsu_unwrap();
    assert_eq!(splitter.sender(alice).owner(), bob);
    let err = splitter
        .sender(alice)
        .renounce_ownership()
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    splitter.sender(bob).renounce_ownership().motsu_unwrap();
    assert_eq!(splitter.sender(alice).owner(), Address::ZERO);
    // Without an owner nobody can pause any more.
    let err = splitter.sender(bob).pause().motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
}

#[motsu::test]
fn pause_stops_new_business_not_withdrawals(
    splitter: Contract<RoyaltySplitter>,
    token: Contract<TestToken>,
    bob: Contract<Wallet>,
    alice: Address,
    mallory: Address,
) {
    init(&splitter, alice);
    let id = create(&splitter, alice, vec![(bob.address(), 1)], alice);
    alice.fund(u(100));
    splitter
        .sender_and_value(alice, u(40))
        .deposit(id)
        .motsu_unwrap();

    let err = splitter.sender(mallory).pause().motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    let err = splitter.sender(alice).unpause().motsu_unwrap_err();
    assert!(matches!(err, Error::ExpectedPause(_)));
    splitter.sender(alice).pause().motsu_unwrap();
    splitter.assert_emitted(&Paused { account: alice });
    assert!(splitter.sender(alice).paused());
    let err = splitter.sender(alice).pause().motsu_unwrap_err();
    assert!(matches!(err, Error::EnforcedPause(_)));

    let (r, s) = sorted(vec![(bob.address(), 1)]);
    assert!(matches!(
        splitter
            .sender(alice)
            .create_split(r.clone(), s.clone(), alice)
            .motsu_unwrap_err(),
        Error::EnforcedPause(_)
    ));
    assert!(matches!(
        splitter
            .sender(alice)
            .create_merkle_split(B256::repeat_byte(1), u(1), alice)
            .motsu_unwrap_err(),
        Error::EnforcedPause(_)
    ));
    assert!(matches!(
        splitter
            .sender_and_value(alice, u(1))
            .deposit(id)
            .motsu_unwrap_err(),
        Error::EnforcedPause(_)
    ));
    assert!(matches!(
        splitter
            .sender(alice)
            .deposit_token(id, token.address(), u(1))
            .motsu_unwrap_err(),
        Error::EnforcedPause(_)
    ));
    // Owed funds can always be withdrawn, and controllers can still update.
    splitter
        .sender(alice)
        .withdraw(id, 0, bob.address(), NATIVE)
        .motsu_unwrap();
    assert_eq!(bob.balance(), u(40));
    splitter.sender(alice).update_split(id, r, s).motsu_unwrap();

    let err = splitter.sender(mallory).unpause().motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    splitter.sender(alice).unpause().motsu_unwrap();
    splitter.assert_emitted(&Unpaused { account: alice });
    assert!(!splitter.sender(alice).paused());
    splitter
        .sender_and_value(alice, u(1))
        .deposit(id)
        .motsu_unwrap();
    assert_eq!(splitter.sender(alice).split_balance(id, NATIVE).0, u(41));
    let _ = U256::ZERO;
}
