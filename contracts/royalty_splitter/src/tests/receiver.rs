//! The ERC-2981 forwarder: its hand-written bytecode and CREATE2 address. Motsu cannot execute
//! contract creation (its `create2` is a stub), so deploying and forwarding are exercised on the
//! devnode; here the bytes, their control flow and the address derivation are checked.

use alloc::vec::Vec;

use alloy_primitives::{keccak256, Address, U256};
use motsu::prelude::*;

use super::init;
use crate::{
    errors::*,
    receiver::{
        forwarder_address, forwarder_init_code, forwarder_runtime, forwarder_salt, INIT_CODE_LEN,
        RUNTIME_LEN,
    },
    RoyaltySplitter,
};

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
    assert_eq!(dests, [0x52, 0x5a]);
    let mut jumps = 0;
    for pair in ops.windows(2) {
        let ((pc, op), (_, next)) = (pair[0], pair[1]);
        if next == 0x56 || next == 0x57 {
            assert_eq!(op, 0x60, "jump target is pushed by PUSH1");
            assert!(dests.contains(&usize::from(code[pc + 1])));
            jumps += 1;
        }
    }
    assert_eq!(jumps, 6);
    // Both success paths stop, the failure path reverts with the callee's data.
    let stops: Vec<usize> = ops
        .iter()
        .filter(|(_, op)| *op == 0x00)
        .map(|(pc, _)| *pc)
        .collect();
    assert_eq!(stops, [0x51, RUNTIME_LEN - 1]);
    assert_eq!(
        &code[0x52..0x5a],
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

#[test]
fn create2_address_matches_alloy() {
    let splitter = Address::repeat_byte(0x42);
    for id in [U256::from(1), U256::from(99), U256::MAX] {
        let init = forwarder_init_code(splitter, id);
        let expected = splitter.create2(forwarder_salt(id), keccak256(&init));
        assert_eq!(forwarder_address(splitter, id, &init), expected);
    }
    // Different splits get different receivers.
    let a = forwarder_address(
        splitter,
        U256::from(1),
        &forwarder_init_code(splitter, U256::from(1)),
    );
    let b = forwarder_address(
        splitter,
        U256::from(2),
        &forwarder_init_code(splitter, U256::from(2)),
    );
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
