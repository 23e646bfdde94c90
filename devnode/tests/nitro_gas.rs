//! Gas rules checked line by line against Nitro v3.9.5 (docs/nitro.md §0, "N9"), each pinned to
//! the exact gas Nitro charges for a small hand-written program: the cached entry cost of a
//! module with data and element segments (§4.3), a value-bearing call made by a Stylus program
//! (§3.1), a write of the value already known (§4.5), activation of a module with known operator
//! and segment counts (§2.3), and `ArbWasm`'s views (§2.1).

// Cost formulas are written out term by term, zero terms included, as docs/nitro.md gives them.
#![allow(clippy::identity_op)]

mod common;

use alloy_sol_types::SolCall;
use common::*;
use tributary_devnode::{
    arbwasm::{ArbWasm, ARBWASM},
    revm::primitives::{address, keccak256, Address, U256},
    wasm, TxRequest,
};

/// Intrinsic gas of a transaction.
const INTRINSIC: u64 = 21_000;

/// Gas of `data` as calldata.
fn calldata_gas(data: &[u8]) -> u64 {
    data.iter().map(|&b| if b == 0 { 4 } else { 16 }).sum()
}

/// Two data segments and one element segment, all with flags 0 (active, memory/table 0):
/// - `(elem (i32.const 0) $f $f $f)`: `00 | 41 00 0b | 03 | 00 00 00`, 8 bytes;
/// - `(data (i32.const 16) "hello")`: `00 | 41 10 0b | 05 | "hello"`, 10 bytes;
/// - `(data (i32.const 1024) "abc")`: `00 | 41 80 08 0b | 03 | "abc"`, 9 bytes.
///
/// Two local functions (types `() -> i32` and `(i32) -> i32`: type length 3), no globals of
/// its own, one page. Each body is `i32.const; end`: 2 operators, one ending a basic block, no
/// `return`: 2 + 12 + 12 + 1 + 4 = 31 once instrumented.
const SEGMENTS: &str = r#"(module
  (memory (export "memory") 1 1)
  (table 4 funcref)
  (elem (i32.const 0) $f $f $f)
  (data (i32.const 16) "hello")
  (data (i32.const 1024) "abc")
  (func $f (result i32) (i32.const 7))
  (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#;

/// Encoded bytes of [`SEGMENTS`]' data and element segments.
const SEGMENT_BYTES: u64 = 8 + 10 + 9;
/// Their data payload bytes.
const DATA_PAYLOAD: u64 = 5 + 3;
/// The element segment's encoded bytes.
const ELEM_BYTES: u64 = 8;

/// `cachedCost` of [`SEGMENTS`] (docs/nitro.md §4.3), each term floored.
fn segments_cached_cost(wasm_len: u64) -> u64 {
    2 * 13_420 / 100_000
        + 3 * 89 / 100_000
        + wasm_len * 122 / 100_000
        + 4 * 1_628 / 1_000 // 0 globals + the 4 the instrumentation adds
        + SEGMENT_BYTES * 75_244 / 100_000
        + 5 // one page
}

fn activate_segments(node: &mut tributary_devnode::Devnode) -> (Address, Vec<u8>) {
    let wasm = wat::parse_str(SEGMENTS).expect("valid WAT");
    let program = address!("00000000000000000000000000000000005e6e57");
    node.set_code(program, wasm::compress_to_code(&wasm))
        .expect("code set");
    (program, wasm)
}

#[test]
fn cached_entry_counts_the_encoded_bytes_of_data_and_element_segments() {
    let mut node = node();
    let (program, wasm) = activate_segments(&mut node);
    let fee = node.activation_fee(ALICE, program).expect("priced");
    let data = ArbWasm::activateProgramCall { program }.abi_encode();
    let receipt = node
        .send(TxRequest::call(ALICE, ARBWASM, data).value(fee))
        .expect("included");
    assert!(receipt.status, "{receipt:?}");
    let out = node
        .call(TxRequest::call(
            ALICE,
            ARBWASM,
            ArbWasm::programInitGasCall { program }.abi_encode(),
        ))
        .expect("view");
    let init = ArbWasm::programInitGasCall::abi_decode_returns(&out.output, true).expect("abi");
    let cached_cost = segments_cached_cost(wasm.len() as u64);
    // 6 for the globals, 20 for the 27 segment bytes (the payloads alone, 8 bytes, would give
    // 6), 5 for the page.
    assert_eq!(cached_cost, 6 + 20 + 5);
    assert_eq!(init.gasWhenCached, 352 + cached_cost);
}

#[test]
fn activation_charges_compile_gas_of_the_instrumented_module_and_arbos_storage() {
    let mut node = node();
    let (program, wasm) = activate_segments(&mut node);
    let fee = node.activation_fee(ALICE, program).expect("priced");
    let data = ArbWasm::activateProgramCall { program }.abi_encode();
    let receipt = node
        .send(TxRequest::call(ALICE, ARBWASM, data.clone()).value(fee))
        .expect("included");
    assert!(receipt.status, "{receipt:?}");
    let wasm_len = wasm.len() as u64;
    // Compile gas, 28 per µs unit, each term floored (docs/nitro.md §2.3): the element
    // segment counts its 8 encoded bytes, the data its 8 payload bytes, and the operators are
    // the 2 × 31 of the instrumented bodies.
    let micros = wasm_len * 31_733 / 100_000
        + 2 * 17_263 / 100_000
        + DATA_PAYLOAD * 17_376 / 100_000
        + ELEM_BYTES * 17_376 / 100_000
        + 2_217
        + 62 * 535 / 1_000;
    let compile = 28 * micros;
    // Open ArbOS 800, arguments 3, parameters 100, program record 800, module hash 20,000, data
    // pricer 44,000, program record 20,000, network fee account 800, ProgramActivated 2,149,
    // result 6.
    let arbos = 800 + 3 + 100 + 800 + 20_000 + 44_000 + 20_000 + 800 + 2_149 + 6;
    assert_eq!(arbos, 88_658);
    assert_eq!(
        receipt.gas_used,
        INTRINSIC + calldata_gas(&data) + 1_659_168 + compile + arbos
    );

    // Again: up to date. Open 800, arguments 3, fixed 1,659,168, parameters 100, record 800,
    // then `ProgramUpToDate()` pays 3 for its one word of data and keeps the rest.
    let again = node
        .send(TxRequest::call(ALICE, ARBWASM, data.clone()).value(fee))
        .expect("included");
    assert!(again.reverted());
    assert_eq!(
        again.gas_used,
        INTRINSIC + calldata_gas(&data) + 800 + 3 + 1_659_168 + 100 + 800 + 3
    );
}

#[test]
fn arbwasm_views_pay_the_state_the_parameters_and_their_words() {
    let mut node = node();
    let view = |node: &mut tributary_devnode::Devnode, data: Vec<u8>| {
        let receipt = node
            .send(TxRequest::call(ALICE, ARBWASM, data.clone()))
            .expect("included");
        (
            receipt.status,
            receipt.gas_used - INTRINSIC - calldata_gas(&data),
        )
    };
    // Open 800, no arguments, parameters 100, one result word 3.
    let version = ArbWasm::stylusVersionCall {}.abi_encode();
    assert_eq!(view(&mut node, version), (true, 903));
    // Open 800, one argument word 3, parameters 100, program record 800, then one word either
    // way: the answer, or `ProgramNotActivated()`'s 4 bytes.
    let unknown = ArbWasm::codehashVersionCall {
        codehash: [7; 32].into(),
    }
    .abi_encode();
    assert_eq!(view(&mut node, unknown), (false, 1_706));
    let program = deploy(&mut node, "counter");
    let codehash = keccak256(node.code(program));
    let known = ArbWasm::codehashVersionCall { codehash }.abi_encode();
    assert_eq!(view(&mut node, known), (true, 1_706));
    // The `program*` views read the code hash (2,600) first; two result words.
    let init = ArbWasm::programInitGasCall { program }.abi_encode();
    assert_eq!(
        view(&mut node, init),
        (true, 800 + 3 + 100 + 2_600 + 800 + 6)
    );
    // Nitro v3.9.5 has no `activationGas()`: an unknown selector burns the gas.
    let selector = keccak256("activationGas()")[..4].to_vec();
    let receipt = node
        .send(TxRequest::call(ALICE, ARBWASM, selector).gas(100_000))
        .expect("included");
    assert_eq!((receipt.status, receipt.gas_used), (false, 100_000));
}

#[test]
fn a_value_call_from_a_stylus_program_pays_for_the_stipend() {
    let mut node = node();
    let program = deploy(&mut node, "hostio");
    node.send(TxRequest::call(ALICE, program, vec![1]).value(U256::from(1_000)))
        .expect("funded");
    // Two calls to fresh (cold, empty) accounts from the same code path: 250 wei, and none.
    let (with, without) = (
        address!("0000000000000000000000000000000000000ca7"),
        address!("0000000000000000000000000000000000000ca8"),
    );
    let paid = send(&mut node, program, op_call(0, with, 250, u64::MAX, &[]));
    let free = send(&mut node, program, op_call(0, without, 0, u64::MAX, &[]));
    assert_eq!(call_outcome(&paid.output).0, 0);
    assert_eq!(call_outcome(&free.output).0, 0);
    assert_eq!(node.balance(with), U256::from(250));
    // The same ink; the calldata differs in one byte (0xfa against 0x00: 12 gas). The callee
    // has no code and hands all its gas back, stipend included. Nitro charges base +
    // (gas + stipend − returned) = base, so value adds 9,000 and 25,000 (a new account) to the
    // base. The EVM would give the unused 2,300 of stipend to the caller: 2,300 less.
    assert_eq!(paid.gas_used - free.gas_used, 9_000 + 25_000 + 12);
}

/// Loads slot 0, writes the 32 bytes of calldata to it and flushes.
const LOAD_THEN_WRITE: &str = r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 64))
    (call $load (i32.const 0) (i32.const 32))
    (call $cache (i32.const 0) (i32.const 64))
    (call $flush (i32.const 0))
    (i32.const 0)))"#;

#[test]
fn writing_back_the_loaded_value_is_not_flushed() {
    let mut node = node();
    let wasm = wat::parse_str(LOAD_THEN_WRITE).expect("valid WAT");
    let program = node.deploy_stylus(ALICE, &wasm).expect("activates");
    let first = send(&mut node, program, word(5));
    assert!(first.status, "{first:?}");
    assert_eq!(node.storage(program, U256::ZERO), U256::from(5));
    // Same code path and same calldata gas (one non-zero byte): 5 again is known from the load
    // and never flushed; 6 is a warm SSTORE of a clean non-zero slot, 2,900. (Flushing every
    // write would make the first a no-op SSTORE of 100, a difference of 2,800.)
    let same = send(&mut node, program, word(5));
    let changed = send(&mut node, program, word(6));
    assert!(same.status && changed.status);
    assert_eq!(changed.gas_used - same.gas_used, 2_900);
    assert_eq!(node.storage(program, U256::ZERO), U256::from(6));
}

#[test]
fn a_flush_that_cannot_be_paid_reverts_and_hands_back_the_gas() {
    let mut node = node();
    let program = deploy(&mut node, "hostio");
    // Op 2 of hostio.wat stores a word and flushes. On a cold zero slot the flush costs
    // 2,100 + 20,000.
    let stored = send(&mut node, program, cat(&[&[2], &word(1), &word(5)]));
    assert!(stored.status);
    // The same on another cold zero slot (the same calldata gas), with 12,100 gas too little:
    // the flush fails. Before ArbOS 50 that ends the program as a failure, which reverts and
    // hands back the gas left before the flush; the ink spent rounds to the same gas (the
    // return block after the flush is never reached: 154,585 ink against 157,037, both 16 gas).
    let data = cat(&[&[2], &word(2), &word(5)]);
    let receipt = node
        .send(TxRequest::call(ALICE, program, data).gas(stored.gas_used - 12_100))
        .expect("included");
    assert!(!receipt.status);
    assert!(receipt.output.is_empty());
    assert_eq!(receipt.gas_used, stored.gas_used - 22_100);
    assert_eq!(node.storage(program, U256::from(2)), U256::ZERO);
}
