//! Each `vm_hooks` host function against NITRO-FACTS semantics, through
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
    // Cold zero -> non-zero: 2,100 + 20,000 at flush; the second write of the same value is
    // cold again in a new tx: 2,100 + 100.
    let first = send(&mut node, program, cat(&[&[2], &word(1), &word(5)]));
    let same = send(&mut node, program, cat(&[&[2], &word(1), &word(5)]));
    let diff = first.gas_used - same.gas_used;
    assert!(
        (19_800..=20_100).contains(&diff),
        "set vs no-op differ by {diff}"
    );
    // Clearing earns the 4,800 refund (capped at gas_used / 5).
    let clear = send(&mut node, program, cat(&[&[2], &word(1), &word(0)]));
    let reset = send(&mut node, program, cat(&[&[2], &word(2), &word(9)]));
    assert!(
        clear.gas_used < reset.gas_used,
        "{} vs {}",
        clear.gas_used,
        reset.gas_used
    );
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
        .send(TxRequest::call(ALICE, program, vec![5]).value(U256::from(1234)))
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
    assert!(
        gas > 0 && ink / 10_000 <= gas && gas - ink / 10_000 < 10,
        "gas {gas} ink {ink}"
    );
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
    assert!(
        receipt.gas_used < 200_000,
        "revert returns gas: used {}",
        receipt.gas_used
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
    assert!(receipt.gas_used < 200_000);
}

#[test]
fn out_of_ink_is_out_of_gas_and_consumes_everything() {
    let (mut node, program) = setup();
    let receipt = node
        .send(TxRequest::call(ALICE, program, vec![15]).gas(500_000))
        .unwrap();
    assert!(!receipt.status);
    assert!(
        receipt
            .halt
            .as_deref()
            .unwrap_or_default()
            .contains("OutOfGas"),
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
    assert!(
        grow.gas_used > grow_zero.gas_used + 4_000,
        "{} vs {}",
        grow.gas_used,
        grow_zero.gas_used
    );
    // Beyond the 128-page limit: out of ink.
    let huge = node
        .send(TxRequest::call(ALICE, program, vec![17, 200]).gas(2_000_000))
        .unwrap();
    assert!(!huge.status && huge.halt.is_some(), "{huge:?}");
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
    let receipt = send(&mut node, program, vec![20]);
    assert!(receipt.status);
}
