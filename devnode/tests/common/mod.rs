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
    node.deploy_stylus(ALICE, &wat(name)).expect("program deploys and activates")
}

pub fn send(node: &mut Devnode, to: Address, data: impl Into<Bytes>) -> Receipt {
    node.send(TxRequest::call(ALICE, to, data)).expect("transaction is included")
}

pub fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

pub fn word(n: u64) -> [u8; 32] {
    U256::from(n).to_be_bytes()
}
