//! The ERC-2981 forwarder: its hand-written bytecode and CREATE2 address, and native payouts to
//! a forwarder. Motsu cannot execute contract creation (its `create2` is a stub) nor EVM code, so
//! deploying and forwarding are exercised on the devnode; here the bytes, their control flow, a
//! plain transfer through the native path (on a small interpreter of the opcodes it uses) and
//! the address derivation are checked, and payouts to a recorded forwarder use a stand-in
//! contract at the recorded address.

use alloc::{vec, vec::Vec};

use alloy_primitives::{keccak256, Address, U256};
use motsu::prelude::*;
use tributary_abi::receiver::{
    forwarder_address, forwarder_init_code, forwarder_runtime, forwarder_salt, INIT_CODE_LEN,
    RUNTIME_LEN,
};
use tributary_testkit::erc20::TestToken;

use super::{
    create, init,
    mocks::{RejectingWallet, Wallet},
    u, NATIVE,
};
use crate::{accounting::MIN_DEPOSIT_CAPACITY, errors::*, events::*, RoyaltySplitter};

const JUMPDEST: u8 = 0x5b;

fn selector(signature: &str) -> [u8; 4] {
    keccak256(signature.as_bytes())[..4].try_into().unwrap()
}

/// Walks the code as the EVM does (skipping PUSH immediates) and returns `(offset, opcode)`.
fn instructions(code: &[u8]) -> Vec<(usize, u8)> {
    let mut out = Vec::new();
    let mut pc = 0;
    while pc < code.len() {
        let op = code[pc];
        out.push((pc, op));
        pc += 1 + if (0x60..=0x7f).contains(&op) {
            usize::from(op - 0x5f)
        } else {
            0
        };
    }
    assert_eq!(pc, code.len(), "a PUSH immediate runs past the end");
    out
}

#[test]
fn init_code_returns_the_runtime() {
    let splitter = Address::repeat_byte(0xaa);
    let id = U256::from(0x1234);
    let init = forwarder_init_code(splitter, id);
    let runtime = forwarder_runtime(splitter, id);
    assert_eq!(init.len(), INIT_CODE_LEN);
    // PUSH2 len, DUP1, PUSH1 10, PUSH0, CODECOPY, PUSH0, RETURN.
    let len = u16::try_from(RUNTIME_LEN).unwrap().to_be_bytes();
    assert_eq!(
        init[..10],
        [0x61, len[0], len[1], 0x80, 0x60, 0x0a, 0x5f, 0x39, 0x5f, 0xf3]
    );
    assert_eq!(&init[10..], &runtime[..]);
}

#[test]
fn runtime_embeds_splitter_id_and_selectors() {
    let splitter = Address::repeat_byte(0xaa);
    let id = U256::from_be_bytes([0x11; 32]);
    let code = forwarder_runtime(splitter, id);
    let ops = instructions(&code);
    let pushes = |width: usize| -> Vec<&[u8]> {
        ops.iter()
            .filter(|(_, op)| usize::from(*op) == 0x5f + width)
            .map(|(pc, _)| &code[pc + 1..=pc + width])
            .collect()
    };
    let id_bytes = id.to_be_bytes::<32>();
    assert_eq!(pushes(32), [&id_bytes[..], &id_bytes[..]]);
    assert_eq!(pushes(20), [splitter.as_slice(); 3]);
    let selectors: Vec<[u8; 4]> = pushes(4)
        .into_iter()
        .map(|s| s.try_into().unwrap())
        .collect();
    assert_eq!(
        selectors,
        [
            selector("deposit(uint256)"),
            selector("balanceOf(address)"),
            selector("approve(address,uint256)"),
            selector("depositToken(uint256,address,uint256)"),
        ]
    );
}

#[test]
fn every_jump_lands_on_a_jumpdest_and_paths_end_cleanly() {
    let code = forwarder_runtime(Address::repeat_byte(1), U256::from(7));
    let ops = instructions(&code);
    let dests: Vec<usize> = ops
        .iter()
        .filter(|(_, op)| *op == JUMPDEST)
        .map(|(pc, _)| *pc)
        .collect();
    // DONE (the native path's zero-balance exit), FAIL, TOKEN_PATH.
    assert_eq!(dests, [0x56, 0x58, 0x60]);
    let mut jumps = 0;
    for pair in ops.windows(2) {
        let ((pc, op), (_, next)) = (pair[0], pair[1]);
        if next == 0x56 || next == 0x57 {
            assert_eq!(op, 0x60, "jump target is pushed by PUSH1");
            assert!(dests.contains(&usize::from(code[pc + 1])));
            jumps += 1;
        }
    }
    assert_eq!(jumps, 7);
    // The native path first checks the balance: SELFBALANCE, ISZERO, PUSH1 DONE, JUMPI.
    assert_eq!(&code[0x04..0x09], &[0x47, 0x15, 0x60, 0x56, 0x57]);
    // Both success paths stop (DONE falls through to the native STOP), the failure path reverts
    // with the callee's data.
    let stops: Vec<usize> = ops
        .iter()
        .filter(|(_, op)| *op == 0x00)
        .map(|(pc, _)| *pc)
        .collect();
    assert_eq!(stops, [0x57, RUNTIME_LEN - 1]);
    assert_eq!(&code[0x56..0x58], &[JUMPDEST, 0x00]);
    assert_eq!(
        &code[0x58..0x60],
        &[0x5b, 0x3d, 0x5f, 0x5f, 0x3e, 0x3d, 0x5f, 0xfd]
    );
    // Calls: CALL (native deposit), STATICCALL (balanceOf), CALL (approve), CALL (depositToken).
    let calls: Vec<u8> = ops
        .iter()
        .map(|(_, op)| *op)
        .filter(|op| *op == 0xf1 || *op == 0xfa)
        .collect();
    assert_eq!(calls, [0xf1, 0xfa, 0xf1, 0xf1]);
}

/// How a run of the forwarder ended.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Stop,
    Revert(Vec<u8>),
}

/// A call the forwarder made: `(to, value, calldata)`.
type Made = (Address, U256, Vec<u8>);

/// Runs the forwarder's runtime with empty calldata (a plain transfer) as the EVM would, for the
/// opcodes of its dispatch and native path, holding `balance`. Every `CALL` answers `call_ok`
/// with `returned` as its return data. Panics on any other opcode, on a stack underflow and on a
/// jump to anything but a `JUMPDEST`.
fn run_plain_transfer(
    code: &[u8],
    balance: U256,
    call_ok: bool,
    returned: &[u8],
) -> (Outcome, Vec<Made>) {
    fn pop(stack: &mut Vec<U256>) -> U256 {
        stack.pop().expect("stack underflow")
    }
    fn index(stack: &mut Vec<U256>) -> usize {
        pop(stack).to::<usize>()
    }
    let mut stack: Vec<U256> = Vec::new();
    let mut memory = vec![0u8; 0x100];
    let mut returndata: Vec<u8> = Vec::new();
    let mut calls = Vec::new();
    let mut pc = 0;
    loop {
        let op = code[pc];
        pc += 1;
        match op {
            0x00 => return (Outcome::Stop, calls),
            0x15 => {
                let a = pop(&mut stack);
                stack.push(U256::from(u8::from(a.is_zero())));
            }
            // CALLDATASIZE (a plain transfer has no calldata), PUSH0.
            0x36 | 0x5f => stack.push(U256::ZERO),
            0x3d => stack.push(U256::from(returndata.len())),
            0x3e => {
                let (dest, from, len) = (index(&mut stack), index(&mut stack), index(&mut stack));
                memory[dest..dest + len].copy_from_slice(&returndata[from..from + len]);
            }
            0x47 => stack.push(balance),
            0x52 => {
                let at = index(&mut stack);
                let value = pop(&mut stack);
                memory[at..at + 32].copy_from_slice(&value.to_be_bytes::<32>());
            }
            0x57 => {
                let dest = index(&mut stack);
                if !pop(&mut stack).is_zero() {
                    assert_eq!(code[dest], JUMPDEST, "jump to {dest:#x}");
                    pc = dest;
                }
            }
            0x5a => stack.push(U256::from(1_000_000)),
            0x5b => {}
            0x60..=0x7f => {
                let n = usize::from(op - 0x5f);
                stack.push(U256::from_be_slice(&code[pc..pc + n]));
                pc += n;
            }
            0xf1 => {
                let _gas = pop(&mut stack);
                let to = Address::from_slice(&pop(&mut stack).to_be_bytes::<32>()[12..]);
                let value = pop(&mut stack);
                let (args, args_len) = (index(&mut stack), index(&mut stack));
                let (_ret, ret_len) = (index(&mut stack), index(&mut stack));
                assert_eq!(ret_len, 0, "the native path copies no return data");
                calls.push((to, value, memory[args..args + args_len].to_vec()));
                returndata = returned.to_vec();
                stack.push(U256::from(u8::from(call_ok)));
            }
            0xfd => {
                let (at, len) = (index(&mut stack), index(&mut stack));
                return (Outcome::Revert(memory[at..at + len].to_vec()), calls);
            }
            _ => panic!("opcode {op:#x} at {:#x} is not on the native path", pc - 1),
        }
    }
}

#[test]
fn plain_transfer_of_nothing_stops_without_calling_the_splitter() {
    let splitter = Address::repeat_byte(0xaa);
    let id = U256::from(42);
    let code = forwarder_runtime(splitter, id);
    // A 0 royalty (and nothing held): success, no call, so `deposit` cannot revert
    // `SplitZeroAmount` and take the marketplace's sale down with it.
    assert_eq!(
        run_plain_transfer(&code, U256::ZERO, true, &[]),
        (Outcome::Stop, vec![])
    );
    // Anything held is deposited, all of it, with `deposit(id)`.
    let mut calldata = selector("deposit(uint256)").to_vec();
    calldata.extend_from_slice(&id.to_be_bytes::<32>());
    let held = U256::from(123_456_789u64);
    assert_eq!(
        run_plain_transfer(&code, held, true, &[]),
        (Outcome::Stop, vec![(splitter, held, calldata.clone())])
    );
    // A failed deposit reverts with the splitter's revert data.
    let paused = selector("EnforcedPause()").to_vec();
    assert_eq!(
        run_plain_transfer(&code, held, false, &paused),
        (Outcome::Revert(paused), vec![(splitter, held, calldata)])
    );
}

#[test]
fn create2_address_matches_alloy() {
    let splitter = Address::repeat_byte(0x42);
    for id in [U256::from(1), U256::from(99), U256::MAX] {
        let init = forwarder_init_code(splitter, id);
        let expected = splitter.create2(forwarder_salt(id), keccak256(init));
        assert_eq!(
            forwarder_address(splitter, id, |d: &[u8]| keccak256(d)),
            expected
        );
    }
    // Different splits get different receivers.
    let a = forwarder_address(splitter, U256::from(1), |d: &[u8]| keccak256(d));
    let b = forwarder_address(splitter, U256::from(2), |d: &[u8]| keccak256(d));
    assert_ne!(a, b);
}

#[motsu::test]
fn royalty_receiver_of_unknown_split_fails(splitter: Contract<RoyaltySplitter>, alice: Address) {
    init(&splitter, alice);
    let err = splitter
        .sender(alice)
        .royalty_receiver(U256::from(1))
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::UnknownSplit(SplitUnknown { split_id }) if split_id == U256::from(1))
    );
}

/// Records `forwarder` as the royalty receiver of `split_id`, as `royaltyReceiver` does after
/// deploying it (motsu cannot run CREATE2; the devnode tests deploy the real forwarder).
fn record_forwarder(splitter: &Contract<RoyaltySplitter>, split_id: U256, forwarder: Address) {
    splitter
        .sender(Address::ZERO)
        .record_receiver(split_id, forwarder);
}

// The stand-in forwarders below are `RejectingWallet`s: like the real forwarder paid by the
// splitter (whose `deposit` call back into the splitter is refused as re-entrancy), they make
// any native transfer into them fail, so these tests pass only if no transfer is attempted.

#[motsu::test]
fn native_payout_to_a_forwarder_is_credited_to_its_split(
    splitter: Contract<RoyaltySplitter>,
    forwarder: Contract<RejectingWallet>,
    carol: Contract<Wallet>,
    dave: Contract<Wallet>,
    alice: Address,
    keeper: Address,
) {
    init(&splitter, alice);
    let target = create(&splitter, alice, vec![(dave.address(), 1)], Address::ZERO);
    let source = create(
        &splitter,
        alice,
        vec![(forwarder.address(), 1), (carol.address(), 3)],
        Address::ZERO,
    );
    alice.fund(u(1_000));
    splitter
        .sender_and_value(alice, u(1_000))
        .deposit(source)
        .motsu_unwrap();
    // An address the splitter did not record is paid by transfer, which fails here.
    let err = splitter
        .sender(keeper)
        .withdraw(source, 0, forwarder.address(), NATIVE)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::TransferFailed(TransferFailed { token, to, amount }) if token == NATIVE && to == forwarder.address() && amount == u(250))
    );

    record_forwarder(&splitter, target, forwarder.address());
    assert_eq!(
        splitter.sender(keeper).split_info(target).2,
        forwarder.address()
    );
    let paid = splitter
        .sender(keeper)
        .withdraw(source, 0, forwarder.address(), NATIVE)
        .motsu_unwrap();
    assert_eq!(paid, u(250));
    splitter.assert_emitted(&SplitWithdrawn {
        split_id: source,
        recipient: forwarder.address(),
        token: NATIVE,
        version: 0,
        amount: u(250),
    });
    // The event a deposit through the forwarder emits: `from` is the forwarder.
    splitter.assert_emitted(&SplitDeposited {
        split_id: target,
        token: NATIVE,
        from: forwarder.address(),
        amount: u(250),
    });
    // Nothing moved: the splitter holds everything, now owed partly by the target split.
    assert_eq!(splitter.balance(), u(1_000));
    assert_eq!(forwarder.balance(), U256::ZERO);
    assert_eq!(
        splitter.sender(keeper).split_balance(source, NATIVE),
        (u(1_000), U256::ZERO)
    );
    assert_eq!(
        splitter.sender(keeper).split_balance(target, NATIVE),
        (u(250), U256::ZERO)
    );
    assert_eq!(
        splitter
            .sender(keeper)
            .claimable(source, 0, forwarder.address(), NATIVE),
        U256::ZERO
    );
    assert_eq!(
        splitter
            .sender(keeper)
            .claimable(target, 0, dave.address(), NATIVE),
        u(250)
    );
    // Everyone is paid out for real, to the wei.
    for (split, w) in [(target, &dave), (source, &carol)] {
        splitter
            .sender(keeper)
            .withdraw(split, 0, w.address(), NATIVE)
            .motsu_unwrap();
    }
    assert_eq!(dave.balance(), u(250));
    assert_eq!(carol.balance(), u(750));
    assert_eq!(splitter.balance(), U256::ZERO);
}

#[motsu::test]
fn forwarder_credit_ignores_the_pause_and_accrues_to_the_current_version(
    splitter: Contract<RoyaltySplitter>,
    forwarder: Contract<RejectingWallet>,
    dave: Contract<Wallet>,
    erin: Contract<Wallet>,
    alice: Address,
) {
    init(&splitter, alice);
    let target = create(&splitter, alice, vec![(dave.address(), 1)], alice);
    let source = create(
        &splitter,
        alice,
        vec![(forwarder.address(), 1)],
        Address::ZERO,
    );
    record_forwarder(&splitter, target, forwarder.address());
    alice.fund(u(90));
    splitter
        .sender_and_value(alice, u(90))
        .deposit(source)
        .motsu_unwrap();
    let (recipients, shares) = super::sorted(vec![(dave.address(), 1), (erin.address(), 2)]);
    splitter
        .sender(alice)
        .update_split(target, recipients, shares)
        .motsu_unwrap();
    splitter.sender(alice).pause().motsu_unwrap();
    // Withdrawals are never paused, so neither is a withdrawal that pays a forwarder.
    splitter
        .sender(alice)
        .withdraw(source, 0, forwarder.address(), NATIVE)
        .motsu_unwrap();
    assert_eq!(
        splitter
            .sender(alice)
            .claimable(target, 1, erin.address(), NATIVE),
        u(60)
    );
    assert_eq!(
        splitter
            .sender(alice)
            .claimable(target, 1, dave.address(), NATIVE),
        u(30)
    );
    assert_eq!(
        splitter
            .sender(alice)
            .claimable(target, 0, dave.address(), NATIVE),
        U256::ZERO
    );
    assert_eq!(splitter.balance(), u(90));
}

#[motsu::test]
fn forwarder_credit_overflowing_its_split_reverts_and_changes_nothing(
    splitter: Contract<RoyaltySplitter>,
    forwarder: Contract<RejectingWallet>,
    dave: Contract<Wallet>,
    alice: Address,
) {
    init(&splitter, alice);
    let target = create(&splitter, alice, vec![(dave.address(), 1)], Address::ZERO);
    let source = create(
        &splitter,
        alice,
        vec![(forwarder.address(), 1)],
        Address::ZERO,
    );
    record_forwarder(&splitter, target, forwarder.address());
    alice.fund(MIN_DEPOSIT_CAPACITY + u(4));
    splitter
        .sender_and_value(alice, MIN_DEPOSIT_CAPACITY)
        .deposit(target)
        .motsu_unwrap();
    splitter
        .sender_and_value(alice, u(4))
        .deposit(source)
        .motsu_unwrap();
    let err = splitter
        .sender(alice)
        .withdraw(source, 0, forwarder.address(), NATIVE)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::DepositOverflow(SplitDepositOverflow { split_id, token }) if split_id == target && token == NATIVE)
    );
    assert_eq!(
        splitter
            .sender(alice)
            .claimable(source, 0, forwarder.address(), NATIVE),
        u(4)
    );
    assert_eq!(
        splitter.sender(alice).split_balance(source, NATIVE),
        (u(4), U256::ZERO)
    );
    assert_eq!(
        splitter.sender(alice).split_balance(target, NATIVE).0,
        MIN_DEPOSIT_CAPACITY
    );
}

#[motsu::test]
fn a_split_paying_its_own_forwarder_redistributes_the_share(
    splitter: Contract<RoyaltySplitter>,
    forwarder: Contract<RejectingWallet>,
    carol: Contract<Wallet>,
    alice: Address,
) {
    init(&splitter, alice);
    let id = create(
        &splitter,
        alice,
        vec![(forwarder.address(), 1), (carol.address(), 1)],
        Address::ZERO,
    );
    record_forwarder(&splitter, id, forwarder.address());
    alice.fund(u(100));
    splitter
        .sender_and_value(alice, u(100))
        .deposit(id)
        .motsu_unwrap();
    splitter
        .sender(alice)
        .withdraw(id, 0, forwarder.address(), NATIVE)
        .motsu_unwrap();
    // 50 withdrawn and deposited again: half of it to each recipient.
    assert_eq!(
        splitter.sender(alice).split_balance(id, NATIVE),
        (u(150), U256::ZERO)
    );
    assert_eq!(
        splitter
            .sender(alice)
            .claimable(id, 0, carol.address(), NATIVE),
        u(75)
    );
    assert_eq!(
        splitter
            .sender(alice)
            .claimable(id, 0, forwarder.address(), NATIVE),
        u(25)
    );
    assert_eq!(splitter.balance(), u(100));
}

#[motsu::test]
fn token_payout_to_a_forwarder_is_a_transfer(
    splitter: Contract<RoyaltySplitter>,
    token: Contract<TestToken>,
    forwarder: Contract<RejectingWallet>,
    dave: Contract<Wallet>,
    alice: Address,
) {
    init(&splitter, alice);
    let target = create(&splitter, alice, vec![(dave.address(), 1)], Address::ZERO);
    let source = create(
        &splitter,
        alice,
        vec![(forwarder.address(), 1)],
        Address::ZERO,
    );
    record_forwarder(&splitter, target, forwarder.address());
    token.sender(alice).mint(alice, u(100));
    token.sender(alice).approve(splitter.address(), u(100));
    splitter
        .sender(alice)
        .deposit_token(source, token.address(), u(100))
        .motsu_unwrap();
    splitter
        .sender(alice)
        .withdraw(source, 0, forwarder.address(), token.address())
        .motsu_unwrap();
    // An ERC-20 transfer makes no call into the forwarder, so it is paid like anyone; its
    // token path sweeps the tokens into the target split later.
    assert_eq!(token.sender(alice).balance_of(forwarder.address()), u(100));
    assert_eq!(
        splitter
            .sender(alice)
            .split_balance(target, token.address()),
        (U256::ZERO, U256::ZERO)
    );
}
