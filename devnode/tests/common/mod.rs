//! Shared helpers for the devnode integration tests.
#![allow(dead_code, unreachable_pub)]

use tributary_devnode::{
    revm::primitives::{address, Address, Bytes, U256},
    Devnode, Receipt, TxRequest,
};

pub const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
pub const BOB: Address = address!("0000000000000000000000000000000000000b0b");

pub fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18u64))
}

/// Compiles `tests/programs/<name>.wat`.
pub fn wat(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/programs/{name}.wat", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("test program exists");
    wat::parse_str(text).expect("test program is valid WAT")
}

/// A node with ALICE and BOB funded.
pub fn node() -> Devnode {
    let mut node = Devnode::new();
    node.set_balance(ALICE, ether(1_000));
    node.set_balance(BOB, ether(1_000));
    node
}

/// Deploys `tests/programs/<name>.wat` through the Nitro protocol.
pub fn deploy(node: &mut Devnode, name: &str) -> Address {
    node.deploy_stylus(ALICE, &wat(name))
        .expect("program deploys and activates")
}

pub fn send(node: &mut Devnode, to: Address, data: impl Into<Bytes>) -> Receipt {
    node.send(TxRequest::call(ALICE, to, data))
        .expect("transaction is included")
}

pub fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

pub fn word(n: u64) -> [u8; 32] {
    U256::from(n).to_be_bytes()
}

/// The `call_at` layout of hostio.wat: [kind][addr 20][value 32][gas u64 LE][data].
pub fn call_args(kind: u8, to: Address, value: u64, gas: u64, data: &[u8]) -> Vec<u8> {
    cat(&[
        &[kind],
        to.as_slice(),
        &word(value),
        &gas.to_le_bytes(),
        data,
    ])
}

/// Op 6 of hostio.wat: a call whose outcome comes back as [status][ret_len][n][data].
pub fn op_call(kind: u8, to: Address, value: u64, gas: u64, data: &[u8]) -> Vec<u8> {
    cat(&[&[6], &call_args(kind, to, value, gas, data)])
}

/// Parses op 6's output.
pub fn call_outcome(output: &[u8]) -> (u8, u32, Vec<u8>) {
    let status = output[0];
    let ret_len = u32::from_le_bytes(output[1..5].try_into().unwrap());
    let n = u32::from_le_bytes(output[5..9].try_into().unwrap()) as usize;
    (status, ret_len, output[9..9 + n].to_vec())
}

/// Compiled bytecode of `tests/solidity/<name>.bin`.
pub fn solidity(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/solidity/{name}.bin", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("compiled contract exists");
    let text = text.trim();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// EVM initcode whose runtime code is `runtime`.
pub fn evm_initcode(runtime: &[u8]) -> Vec<u8> {
    let len = u8::try_from(runtime.len()).expect("short runtime");
    // PUSH1 len DUP1 PUSH1 12 PUSH1 0 CODECOPY PUSH1 0 RETURN
    let mut init = vec![
        0x60, len, 0x80, 0x60, 12, 0x60, 0, 0x39, 0x60, 0, 0xf3, 0x00,
    ];
    init.extend_from_slice(runtime);
    init
}
