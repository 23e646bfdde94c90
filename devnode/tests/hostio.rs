//! Each `vm_hooks` host function against the semantics in docs/nitro.md §3, through
//! `tests/programs/hostio.wat`.

mod common;

use common::*;
use tributary_devnode::{
    node::{BASE_FEE, DEV_CHAIN_ID, HEADER_GAS_LIMIT, SEQUENCER_COINBASE},
    revm::primitives::{keccak256, Address, B256, U256},
    Receipt, TxRequest,
};

fn setup() -> (tributary_devnode::Devnode, Address) {
    let mut node = node();
    let program = deploy(&mut node, "hostio");
    (node, program)
}

// The exact cost of a transaction to hostio.wat, from Nitro's prices (docs/nitro.md §3, §4):
//   gas_used = 21,000 + calldata (16 per non-zero byte, 4 per zero byte) + ENTRY_GAS
//            + EVM gas bought inside (storage, memory pages) + ⌈ink spent / 10,000⌉
// (the frame's gas is converted to ink at 10,000 ink per gas and what is left is converted back
// rounding down, so the gas limit never shows in gas_used). The ink spent is pricing_v1 ink:
// every basic block (ended by end, else, return, loop, br, br_if, br_table, if, call,
// call_indirect) is charged its operators plus a 2,450 header when it starts, and each hostio
// adds its own ink. The pieces used below:
//   - entrypoint up to the first op test: [local.get 75, global.set 575, i32.const 1, call 3,800]
//     6,901; read_args 8,400 + write 5,040 (+30 per byte over 32); [call $op] 6,250; $op's body
//     [i32.const, i32.load8_u 670, end] 3,122: 24,673 + write.
//   - op test k: [local.get, i32.const, i32.eq 170, if 765] 3,461 each, the first one also carrying
//     `local.set $op` (210); reaching op k's branch costs 210 + 3,461 k.
//   - a call whose argument is one i32.const: 6,251; a call with no arguments: 6,250; `$arg` 2,597
//     ([i32.const, local.get, i32.add 70, end]); `$rest` 2,821 ([global.get 225, local.get,
//     i32.sub, end]); `(return (i32.const x))` 2,452.
//   - hostios: base 8,400, +5,040 per pointer written, +59,673 through the EVM API; write_result
//     8,400 + 2 × (16,381 + 55 per byte over 32).

/// Intrinsic gas of a call transaction.
const INTRINSIC_GAS: u64 = 21_000;
/// The program's entry cost: 1,000 to open its third page (two are free; the exponential table
/// adds T[3] − T[0] = 0) and `programInitGas` 9,764 (`MinInitGas` 8,832 + init cost 552, plus
/// `MinCachedInitGas` 352 + cached cost 28); checked against `ArbWasm` in
/// `entry_gas_is_memory_and_program_init_gas`.
const ENTRY_GAS: u64 = 1_000 + 9_764;

/// Gas of `data` as calldata.
fn calldata_gas(data: &[u8]) -> u64 {
    data.iter().map(|&b| if b == 0 { 4 } else { 16 }).sum()
}

/// Ink from the start of `user_entrypoint` until the branch of op `k` is entered, with `n`
/// bytes of calldata (see above).
fn dispatch_ink(n: u64, k: u64) -> u64 {
    24_673 + 5_040 + 30 * n.saturating_sub(32) + 210 + 3_461 * k
}

/// `gas_used` of a transaction with calldata `data` that spends `ink` and buys `evm_gas`.
fn tx_gas(data: &[u8], evm_gas: u64, ink: u64) -> u64 {
    INTRINSIC_GAS + calldata_gas(data) + ENTRY_GAS + evm_gas + ink.div_ceil(10_000)
}

#[test]
fn entry_gas_is_memory_and_program_init_gas() {
    use alloy_sol_types::SolCall;
    use tributary_devnode::arbwasm::{ArbWasm, ARBWASM};
    let (mut node, program) = setup();
    let out = node
        .call(TxRequest::call(
            ALICE,
            ARBWASM,
            ArbWasm::programInitGasCall { program }.abi_encode(),
        ))
        .unwrap();
    let init = ArbWasm::programInitGasCall::abi_decode_returns(&out.output, true).unwrap();
    assert_eq!(
        (init.gas, init.gasWhenCached),
        (8_832 + 552 + 352 + 28, 352 + 28)
    );
    assert_eq!(ENTRY_GAS, 1_000 + init.gas);
}

#[test]
fn read_args_and_write_result_echo_calldata() {
    let (mut node, program) = setup();
    let receipt = send(&mut node, program, cat(&[&[1], b"hello stylus"]));
    assert!(receipt.status, "{receipt:?}");
    assert_eq!(&receipt.output[..], b"hello stylus");
}

#[test]
fn storage_round_trip_with_flush() {
    let (mut node, program) = setup();
    let receipt = send(&mut node, program, cat(&[&[2], &word(7), &word(42)]));
    assert!(receipt.status, "{receipt:?}");
    assert_eq!(node.storage(program, U256::from(7)), U256::from(42));
    let result = node
        .call(TxRequest::call(ALICE, program, cat(&[&[3], &word(7)])))
        .unwrap();
    assert_eq!(&result.output[..], &word(42));
}

#[test]
fn storage_cache_is_not_written_without_flush() {
    let (mut node, program) = setup();
    let receipt = send(&mut node, program, cat(&[&[18], &word(7), &word(42)]));
    assert!(receipt.status);
    assert_eq!(node.storage(program, U256::from(7)), U256::ZERO);
}

#[test]
fn storage_gas_follows_eip_2929_and_2200() {
    let (mut node, program) = setup();
    // Op 2 with 65 bytes of calldata: dispatch 24,673 + 6,030 + 210 + 2 × 3,461; then
    // [i32.const, call $arg] + $arg twice (2 × 8,848), [call cache] 6,250,
    // storage_cache_bytes32 8,400 + 2 × 5,040, [i32.const, call flush] 6,251,
    // storage_flush_cache 8,400 + 59,673, return 2,452: 157,037 ink, 16 gas.
    let ink = dispatch_ink(65, 2) + 2 * (6_251 + 2_597) + 6_250 + 18_480 + 6_251 + 68_073 + 2_452;
    assert_eq!(ink, 157_037);
    // Cold zero -> non-zero: 2,100 + 20,000 at flush; the second write of the same value is
    // cold again in a new tx: 2,100 + 100.
    let data = cat(&[&[2], &word(1), &word(5)]);
    let first = send(&mut node, program, data.clone());
    assert_eq!(first.gas_used, tx_gas(&data, 2_100 + 20_000, ink));
    assert_eq!(first.gas_used, 21_000 + 296 + 10_764 + 22_100 + 16);
    let same = send(&mut node, program, data.clone());
    assert_eq!(same.gas_used, tx_gas(&data, 2_100 + 100, ink));
    assert_eq!(first.gas_used - same.gas_used, 19_900, "set vs no-op");
    // Clearing (5 -> 0, cold) costs 2,100 + 2,900 and earns the 4,800 refund, under the cap of
    // gas_used / 5 = 37,064 / 5; the value's zero byte makes the calldata 12 gas cheaper.
    let data = cat(&[&[2], &word(1), &word(0)]);
    let clear = send(&mut node, program, data.clone());
    assert_eq!(clear.gas_used, tx_gas(&data, 2_100 + 2_900, ink) - 4_800);
    assert_eq!(clear.gas_used, 37_064 - 4_800);
    let data = cat(&[&[2], &word(2), &word(9)]);
    let reset = send(&mut node, program, data.clone());
    assert_eq!(reset.gas_used, tx_gas(&data, 2_100 + 20_000, ink));
    assert_eq!(reset.gas_used - clear.gas_used, 12 + 20_000 - 2_900 + 4_800);
}

#[test]
fn keccak_matches() {
    let (mut node, program) = setup();
    let result = node
        .call(TxRequest::call(ALICE, program, cat(&[&[8], b"abc"])))
        .unwrap();
    assert_eq!(&result.output[..], keccak256(b"abc").as_slice());
}

fn log_receipt(
    node: &mut tributary_devnode::Devnode,
    program: Address,
    topics: u8,
    data: &[u8],
) -> Receipt {
    send(node, program, cat(&[&[4, topics], data]))
}

#[test]
fn logs_with_zero_to_four_topics() {
    let (mut node, program) = setup();
    for n in 0..=4u8 {
        let mut payload = Vec::new();
        for t in 0..n {
            payload.extend_from_slice(&word(100 + u64::from(t)));
        }
        payload.extend_from_slice(b"body");
        let receipt = log_receipt(&mut node, program, n, &payload);
        assert!(receipt.status, "{n} topics: {receipt:?}");
        let [log] = receipt.logs.as_slice() else {
            panic!("one log")
        };
        assert_eq!(log.address, program);
        assert_eq!(log.topics().len(), usize::from(n));
        for (i, topic) in log.topics().iter().enumerate() {
            assert_eq!(*topic, B256::from(word(100 + i as u64)));
        }
        assert_eq!(&log.data.data[..], b"body");
    }
    assert_eq!(node.logs_of(program).len(), 5);
}

#[test]
fn five_topics_or_short_data_is_a_failure() {
    let (mut node, program) = setup();
    let receipt = log_receipt(&mut node, program, 5, &[0u8; 200]);
    assert!(
        !receipt.status && receipt.reverted() && receipt.output.is_empty(),
        "{receipt:?}"
    );
    let receipt = log_receipt(&mut node, program, 2, &[0u8; 63]);
    assert!(receipt.reverted() && receipt.output.is_empty() && receipt.logs.is_empty());
}

#[test]
fn environment_hostios() {
    let (mut node, program) = setup();
    node.advance_time(1_000);
    let expected_timestamp = node.next_timestamp();
    let receipt = node
        .send(
            TxRequest::call(ALICE, program, vec![5])
                .value(U256::from(1234))
                .gas(30_000_000),
        )
        .unwrap();
    assert!(receipt.status, "{receipt:?}");
    let out = &receipt.output;
    assert_eq!(out.len(), 236);
    assert_eq!(&out[0..20], ALICE.as_slice(), "msg_sender");
    assert_eq!(&out[20..40], program.as_slice(), "contract_address");
    assert_eq!(&out[40..72], &word(1234), "msg_value");
    assert_eq!(&out[72..92], ALICE.as_slice(), "tx_origin");
    assert_eq!(
        &out[92..112],
        SEQUENCER_COINBASE.as_slice(),
        "block_coinbase"
    );
    assert_eq!(&out[112..144], &word(BASE_FEE), "block_basefee");
    assert_eq!(&out[144..176], &word(BASE_FEE), "tx_gas_price");
    let u64_at = |i: usize| u64::from_le_bytes(out[i..i + 8].try_into().unwrap());
    let u32_at = |i: usize| u32::from_le_bytes(out[i..i + 4].try_into().unwrap());
    assert_eq!(u64_at(176), DEV_CHAIN_ID);
    assert_eq!(u64_at(184), receipt.block_number);
    assert_eq!(u64_at(192), expected_timestamp);
    assert_eq!(u64_at(200), HEADER_GAS_LIMIT);
    assert_eq!(u32_at(208), 10_000, "tx_ink_price");
    assert_eq!(u32_at(212), 0, "msg_reentrant");
    let (gas, ink) = (u64_at(216), u64_at(224));
    // The frame starts with (30,000,000 − 21,016 − ENTRY_GAS) × 10,000 ink. Until evm_ink_left
    // reads it: dispatch to op 5 (1 byte of calldata) 47,228, [call $env] 6,250, then in $env
    // seven pointer hostios ([i32.const, call] 6,251 + 8,400 + 5,040 each), chainid
    // (6,251 + 8,400), block_number, block_timestamp, block_gas_limit and tx_ink_price (each
    // [i64.store 950, i32.const, call] 7,201 + 8,400), msg_reentrant and evm_gas_left (each
    // [i32.store 825, i32.const, call] 7,076 + 8,400), evm_ink_left (7,201 + 8,400).
    let start = (30_000_000 - 21_016 - ENTRY_GAS) * 10_000;
    let to_ink_read = dispatch_ink(1, 5)
        + 6_250
        + 7 * (6_251 + 13_440)
        + (6_251 + 8_400)
        + 4 * (7_201 + 8_400)
        + 2 * (7_076 + 8_400)
        + (7_201 + 8_400);
    assert_eq!(to_ink_read, 314_923);
    assert_eq!(ink, start - to_ink_read);
    assert_eq!(ink, 299_681_885_077);
    // evm_gas_left read the ink before evm_ink_left's block and hostio (15,601), rounded down.
    assert_eq!(gas, (start - to_ink_read + 15_601) / 10_000);
    assert_eq!(gas, 29_968_190);
    // Then return_data_size (7,201 + 8,400), [i32.store, i32.const ×2, call] 7,077,
    // write_result of 236 bytes 8,400 + 2 × (16,381 + 55 × 204), $env's end 2,452 and the
    // entrypoint's return 2,451: 406,106 ink, 41 gas.
    let ink_spent = to_ink_read + 15_601 + 7_077 + 63_602 + 2_452 + 2_451;
    assert_eq!(receipt.gas_used, tx_gas(&[5], 0, ink_spent));
    assert_eq!(receipt.gas_used, 21_016 + 10_764 + 41);
    assert_eq!(u32_at(232), 0, "return_data_size starts at 0");
    assert_eq!(node.balance(program), U256::from(1234));
}

#[test]
fn revert_keeps_data_and_gas() {
    let (mut node, program) = setup();
    let receipt = node
        .send(TxRequest::call(ALICE, program, cat(&[&[11], b"oops"])).gas(1_000_000))
        .unwrap();
    assert!(receipt.reverted());
    assert_eq!(&receipt.output[..], b"oops");
    // Dispatch to op 11 (5 bytes) 67,994; [i32.const, call $arg] + $arg 8,848,
    // [i32.const, call $rest] + $rest 9,072, [call write_result] 6,250, write_result of 4 bytes
    // 8,400 + 2 × 16,381, return 2,452: 135,778 ink, 14 gas. Everything else comes back.
    let ink = dispatch_ink(5, 11) + 8_848 + 9_072 + 6_250 + 41_162 + 2_452;
    assert_eq!(ink, 135_778);
    assert_eq!(receipt.gas_used, tx_gas(&cat(&[&[11], b"oops"]), 0, ink));
    assert_eq!(receipt.gas_used, 21_080 + 10_764 + 14);
    let doubled = node
        .send(TxRequest::call(ALICE, program, cat(&[&[11], b"oops"])).gas(2_000_000))
        .unwrap();
    assert!(doubled.reverted());
    assert_eq!(
        doubled.gas_used, receipt.gas_used,
        "the limit does not matter"
    );
}

#[test]
fn exit_early_success_and_revert() {
    let (mut node, program) = setup();
    let ok = send(&mut node, program, cat(&[&[12, 0], b"early"]));
    assert!(ok.status);
    assert_eq!(&ok.output[..], b"early");
    let bad = send(&mut node, program, cat(&[&[12, 3], b"nope"]));
    assert!(bad.reverted());
    assert_eq!(&bad.output[..], b"nope");
}

#[test]
fn trap_is_failure_with_empty_data_and_gas_returned() {
    let (mut node, program) = setup();
    let receipt = node
        .send(TxRequest::call(ALICE, program, vec![14]).gas(1_000_000))
        .unwrap();
    assert!(
        receipt.reverted() && receipt.output.is_empty(),
        "{receipt:?}"
    );
    // Dispatch to op 14 (1 byte) 78,377 and the block [unreachable, end] 2,452: 80,829 ink,
    // 9 gas. A trap keeps the rest of the gas, whatever the limit.
    let ink = dispatch_ink(1, 14) + 2_452;
    assert_eq!(ink, 80_829);
    assert_eq!(receipt.gas_used, tx_gas(&[14], 0, ink));
    assert_eq!(receipt.gas_used, 21_016 + 10_764 + 9);
    let doubled = node
        .send(TxRequest::call(ALICE, program, vec![14]).gas(2_000_000))
        .unwrap();
    assert!(doubled.reverted() && doubled.output.is_empty());
    assert_eq!(doubled.gas_used, receipt.gas_used);
}

#[test]
fn out_of_ink_is_out_of_gas_and_consumes_everything() {
    let (mut node, program) = setup();
    let receipt = node
        .send(TxRequest::call(ALICE, program, vec![15]).gas(500_000))
        .unwrap();
    assert!(!receipt.status);
    assert_eq!(
        receipt.halt.as_deref(),
        Some("OutOfGas(Basic)"),
        "{receipt:?}"
    );
    assert_eq!(receipt.gas_used, 500_000);
}

#[test]
fn math_hostios() {
    let (mut node, program) = setup();
    let mut math = |op: u8, a: U256, b: U256, c: U256| -> U256 {
        let data = cat(&[
            &[9, op],
            &a.to_be_bytes::<32>(),
            &b.to_be_bytes::<32>(),
            &c.to_be_bytes::<32>(),
        ]);
        let result = node.call(TxRequest::call(ALICE, program, data)).unwrap();
        assert!(result.success);
        U256::from_be_slice(&result.output)
    };
    let (a, b, m) = (U256::from(100), U256::from(7), U256::from(9));
    assert_eq!(math(0, a, b, m), U256::from(14));
    assert_eq!(math(0, a, U256::ZERO, m), U256::ZERO, "div by zero is 0");
    assert_eq!(math(1, a, b, m), U256::from(2));
    assert_eq!(math(1, a, U256::ZERO, m), U256::ZERO, "mod by zero is 0");
    assert_eq!(math(2, U256::from(3), U256::from(5), m), U256::from(243));
    assert_eq!(
        math(2, U256::from(2), U256::from(256), m),
        U256::ZERO,
        "pow wraps"
    );
    assert_eq!(
        math(3, U256::MAX, U256::from(2), U256::from(10)),
        (U256::MAX % U256::from(10) + U256::from(2)) % U256::from(10)
    );
    assert_eq!(math(4, a, b, m), U256::from(700 % 9));
    assert_eq!(math(4, a, b, U256::ZERO), U256::ZERO);
}

#[test]
fn transient_storage_lives_for_one_transaction() {
    let (mut node, program) = setup();
    let receipt = send(&mut node, program, cat(&[&[13], &word(1), &word(77)]));
    assert_eq!(&receipt.output[..], &word(77));
    let later = send(&mut node, program, cat(&[&[16], &word(1)]));
    assert_eq!(&later.output[..], &word(0));
}

#[test]
fn memory_grow_pays_and_returns_old_size() {
    let (mut node, program) = setup();
    let grow_zero = send(&mut node, program, vec![17, 0]);
    let grow = send(&mut node, program, vec![17, 4]);
    assert!(grow.status);
    assert_eq!(u32::from_le_bytes(grow.output[..4].try_into().unwrap()), 3);
    // Dispatch to op 17 (2 bytes) 88,760; [i32.const ×2, call $arg] 6,252 + $arg 2,597;
    // [i32.load8_u, memory.grow 8,050, i32.store 825, i32.const ×2, call write_result] 15,797;
    // write_result of 4 bytes 41,162; return 2,452. Growing by 0 pages adds the hostio's
    // 8,400 ink; growing 3 -> 7 pages buys 1,000 × 4 + T[7] − T[3] = 4,001 gas instead.
    let ink = dispatch_ink(2, 17) + 6_252 + 2_597 + 15_797 + 41_162 + 2_452;
    assert_eq!(ink, 157_020);
    assert_eq!(grow_zero.gas_used, tx_gas(&[17, 0], 0, ink + 8_400));
    assert_eq!(grow_zero.gas_used, 21_020 + 10_764 + 17);
    assert_eq!(grow.gas_used, tx_gas(&[17, 4], 4_001, ink));
    assert_eq!(grow.gas_used, 21_032 + 10_764 + 4_001 + 16);
    // 4,001 for the pages + 12 for the non-zero calldata byte − 1 for the 8,400 ink not spent.
    assert_eq!(grow.gas_used - grow_zero.gas_used, 4_001 + 12 - 1);
    // Beyond the 128-page limit: out of ink, which consumes all the gas.
    let huge = node
        .send(TxRequest::call(ALICE, program, vec![17, 200]).gas(2_000_000))
        .unwrap();
    assert!(!huge.status, "{huge:?}");
    assert_eq!(huge.halt.as_deref(), Some("OutOfGas(Basic)"), "{huge:?}");
    assert_eq!(huge.gas_used, 2_000_000);
}

#[test]
fn account_hostios() {
    let (mut node, program) = setup();
    let target = node
        .deploy_evm(ALICE, evm_initcode(&[0x60, 0x01, 0x60, 0x00, 0x52, 0x00]))
        .unwrap();
    let code = node.code(target);
    let data = cat(&[
        &[10],
        target.as_slice(),
        &1u32.to_le_bytes(),
        &100u32.to_le_bytes(),
    ]);
    let out = node
        .call(TxRequest::call(ALICE, program, data))
        .unwrap()
        .output;
    assert_eq!(&out[0..32], &word(0));
    assert_eq!(&out[32..64], keccak256(&code).as_slice());
    assert_eq!(
        u32::from_le_bytes(out[64..68].try_into().unwrap()) as usize,
        code.len()
    );
    let n = u32::from_le_bytes(out[68..72].try_into().unwrap()) as usize;
    assert_eq!(n, code.len() - 1, "account_code clamps, never pads");
    assert_eq!(&out[72..], &code[1..]);
    // An EOA with balance.
    let data = cat(&[
        &[10],
        BOB.as_slice(),
        &0u32.to_le_bytes(),
        &10u32.to_le_bytes(),
    ]);
    let out = node
        .call(TxRequest::call(ALICE, program, data))
        .unwrap()
        .output;
    assert_eq!(U256::from_be_slice(&out[0..32]), ether(1_000));
    assert_eq!(&out[32..64], keccak256([]).as_slice());
    assert_eq!(&out[64..72], &[0u8; 8]);
}

#[test]
fn pay_for_memory_grow_zero_costs_hostio_ink() {
    let (mut node, program) = setup();
    let receipt = node
        .send(TxRequest::call(ALICE, program, vec![20]).gas(30_000_000))
        .unwrap();
    assert!(receipt.status);
    // Dispatch to op 20 (1 byte) 99,143; [i32.const, call pay_for_memory_grow] 6,251 and its
    // 8,400 ink for 0 pages; [i32.const, call evm_ink_left] 6,251 and its 8,400 ink.
    let to_ink_read = dispatch_ink(1, 20) + 6_251 + 8_400 + 6_251 + 8_400;
    assert_eq!(to_ink_read, 128_445);
    let start = (30_000_000 - 21_016 - ENTRY_GAS) * 10_000;
    let ink = u64::from_le_bytes(receipt.output[..8].try_into().unwrap());
    assert_eq!(ink, start - to_ink_read);
    assert_eq!(ink, 299_682_071_555);
    // Then [i64.store, i32.const ×2, call write_result] 7,202, write_result of 8 bytes 41,162,
    // return 2,452: 179,261 ink, 18 gas.
    let spent = to_ink_read + 7_202 + 41_162 + 2_452;
    assert_eq!(receipt.gas_used, tx_gas(&[20], 0, spent));
    assert_eq!(receipt.gas_used, 21_016 + 10_764 + 18);
}
