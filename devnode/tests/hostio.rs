//! Each vm_hooks host function against NITRO-FACTS semantics, through `tests/programs/hostio.wat`.

mod common;

use common::*;
use tributary_devnode::{
    revm::primitives::{keccak256, Address, U256},
    TxRequest,
};

#[test]
fn read_args_and_write_result_echo_calldata() {
    let mut node = node();
    let program = deploy(&mut node, "hostio");
    let receipt = send(&mut node, program, cat(&[&[1], b"hello stylus"]));
    assert!(receipt.status, "{receipt:?}");
    assert_eq!(&receipt.output[..], b"hello stylus");
}

#[test]
fn storage_round_trip_with_flush() {
    let mut node = node();
    let program = deploy(&mut node, "hostio");
    let receipt = send(&mut node, program, cat(&[&[2], &word(7), &word(42)]));
    assert!(receipt.status, "{receipt:?}");
    assert_eq!(node.storage(program, U256::from(7)), U256::from(42));
    let result = node.call(TxRequest::call(ALICE, program, cat(&[&[3], &word(7)]))).unwrap();
    assert_eq!(&result.output[..], &word(42));
}

#[test]
fn keccak_matches() {
    let mut node = node();
    let program = deploy(&mut node, "hostio");
    let result = node.call(TxRequest::call(ALICE, program, cat(&[&[8], b"abc"]))).unwrap();
    assert_eq!(&result.output[..], keccak256(b"abc").as_slice());
    let _ = Address::ZERO;
}
