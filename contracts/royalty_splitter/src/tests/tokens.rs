//! ERC-20 deposits and withdrawals against real (test) token contracts: a plain token, a
//! fee-on-transfer token and a blacklisting token.

use alloc::vec;

use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use tributary_testkit::erc20::TestToken;

use super::{create, init, u};
use crate::{errors::*, events::*, RoyaltySplitter};

/// Mints `amount` to `payer` and approves the splitter for it.
fn fund_and_approve(
    token: &Contract<TestToken>,
    splitter: &Contract<RoyaltySplitter>,
    payer: Address,
    amount: U256,
) {
    token.sender(payer).mint(payer, amount);
    token.sender(payer).approve(splitter.address(), amount);
}

#[motsu::test]
fn deposit_token_and_withdraw(
    splitter: Contract<RoyaltySplitter>,
    token: Contract<TestToken>,
    alice: Address,
    bob: Address,
    carol: Address,
    payer: Address,
) {
    init(&splitter, alice);
    let id = create(&splitter, alice, vec![(bob, 3), (carol, 1)], Address::ZERO);
    fund_and_approve(&token, &splitter, payer, u(1_000));
    splitter
        .sender(payer)
        .deposit_token(id, token.address(), u(1_000))
        .motsu_unwrap();
    splitter.assert_emitted(&SplitDeposited {
        split_id: id,
        token: token.address(),
        from: payer,
        amount: u(1_000),
    });
    assert_eq!(token.sender(alice).balance_of(splitter.address()), u(1_000));
    assert_eq!(token.sender(alice).balance_of(payer), U256::ZERO);

    assert_eq!(
        splitter
            .sender(alice)
            .claimable(id, 0, bob, token.address()),
        u(750)
    );
    assert_eq!(
        splitter
            .sender(alice)
            .withdraw(id, 0, bob, token.address())
            .motsu_unwrap(),
        u(750)
    );
    splitter.assert_emitted(&SplitWithdrawn {
        split_id: id,
        recipient: bob,
        token: token.address(),
        version: 0,
        amount: u(750),
    });
    splitter
        .sender(alice)
        .withdraw(id, 0, carol, token.address())
        .motsu_unwrap();
    assert_eq!(token.sender(alice).balance_of(bob), u(750));
    assert_eq!(token.sender(alice).balance_of(carol), u(250));
    assert_eq!(
        token.sender(alice).balance_of(splitter.address()),
        U256::ZERO
    );
    // Native and token books are separate.
    assert_eq!(
        splitter.sender(alice).claimable(id, 0, bob, Address::ZERO),
        U256::ZERO
    );
}

#[motsu::test]
fn fee_on_transfer_token_credits_what_arrived(
    splitter: Contract<RoyaltySplitter>,
    token: Contract<TestToken>,
    alice: Address,
    bob: Address,
    carol: Address,
    payer: Address,
) {
    init(&splitter, alice);
    token.sender(alice).set_fee_bps(u(100)); // 1 % burnt per transfer
    let id = create(&splitter, alice, vec![(bob, 1), (carol, 1)], Address::ZERO);
    fund_and_approve(&token, &splitter, payer, u(10_000));
    splitter
        .sender(payer)
        .deposit_token(id, token.address(), u(10_000))
        .motsu_unwrap();
    // 100 were burnt on the way in: only 9,900 are credited.
    splitter.assert_emitted(&SplitDeposited {
        split_id: id,
        token: token.address(),
        from: payer,
        amount: u(9_900),
    });
    assert_eq!(
        splitter.sender(alice).split_balance(id, token.address()).0,
        u(9_900)
    );
    assert_eq!(
        splitter
            .sender(alice)
            .claimable(id, 0, bob, token.address()),
        u(4_950)
    );
    // Both can withdraw in full: the contract never owes more than it holds.
    splitter
        .sender(alice)
        .withdraw(id, 0, bob, token.address())
        .motsu_unwrap();
    splitter
        .sender(alice)
        .withdraw(id, 0, carol, token.address())
        .motsu_unwrap();
    assert_eq!(
        token.sender(alice).balance_of(splitter.address()),
        U256::ZERO
    );
    // The fee on the way out is the recipient's: 1 % of 4,950 is 49.
    assert_eq!(token.sender(alice).balance_of(bob), u(4_950 - 49));
}

#[motsu::test]
fn blacklisted_recipient_only_fails_itself(
    splitter: Contract<RoyaltySplitter>,
    token: Contract<TestToken>,
    alice: Address,
    bob: Address,
    carol: Address,
    payer: Address,
) {
    init(&splitter, alice);
    let id = create(&splitter, alice, vec![(bob, 1), (carol, 1)], Address::ZERO);
    fund_and_approve(&token, &splitter, payer, u(100));
    splitter
        .sender(payer)
        .deposit_token(id, token.address(), u(100))
        .motsu_unwrap();
    token.sender(alice).set_blacklisted(bob, true);

    let err = splitter
        .sender(alice)
        .withdraw(id, 0, bob, token.address())
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::TransferFailed(TransferFailed { token: t, to, amount }) if t == token.address() && to == bob && amount == u(50))
    );
    assert_eq!(
        splitter
            .sender(alice)
            .claimable(id, 0, bob, token.address()),
        u(50)
    );
    splitter
        .sender(alice)
        .withdraw(id, 0, carol, token.address())
        .motsu_unwrap();
    assert_eq!(token.sender(alice).balance_of(carol), u(50));

    // Once unblocked, the owed amount is still there.
    token.sender(alice).set_blacklisted(bob, false);
    splitter
        .sender(alice)
        .withdraw(id, 0, bob, token.address())
        .motsu_unwrap();
    assert_eq!(token.sender(alice).balance_of(bob), u(50));
}

#[motsu::test]
fn deposit_token_errors(
    splitter: Contract<RoyaltySplitter>,
    token: Contract<TestToken>,
    alice: Address,
    bob: Address,
    payer: Address,
    not_a_token: Address,
) {
    init(&splitter, alice);
    let err = splitter
        .sender(payer)
        .deposit_token(u(1), token.address(), u(1))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownSplit(_)));
    let id = create(&splitter, alice, vec![(bob, 1)], Address::ZERO);

    let err = splitter
        .sender(payer)
        .deposit_token(id, token.address(), U256::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAmount(_)));

    // No allowance: the pull fails.
    token.sender(payer).mint(payer, u(10));
    let err = splitter
        .sender(payer)
        .deposit_token(id, token.address(), u(10))
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::TransferFailed(TransferFailed { token: t, to, amount }) if t == token.address() && to == splitter.address() && amount == u(10))
    );

    // Not a contract at all.
    let err = splitter
        .sender(payer)
        .deposit_token(id, not_a_token, u(10))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::TransferFailed(_)));

    // A token that delivers nothing credits nothing.
    token.sender(alice).set_fee_bps(u(10_000));
    token.sender(payer).approve(splitter.address(), u(10));
    let err = splitter
        .sender(payer)
        .deposit_token(id, token.address(), u(10))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAmount(_)));
    assert_eq!(token.sender(alice).balance_of(payer), u(10));
}
