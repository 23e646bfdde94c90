//! Activation through `ArbWasm` (0x71), Nitro's validation rules, and the chain API's errors.

mod common;

use alloy_sol_types::{sol, SolCall, SolError, SolEvent};
use common::*;
use tributary_devnode::{
    arbwasm::{ArbWasm, ArbWasmCache, ARBWASM, ARBWASM_CACHE},
    revm::primitives::{address, keccak256, Address, U256},
    wasm, Devnode, DevnodeError, ProgramError, TxRequest,
};

fn compile_err(node: &Devnode, wat_text: &str) -> ProgramError {
    let wasm = wat::parse_str(wat_text).expect("valid WAT");
    node.runtime()
        .compile(&wasm::compress_to_code(&wasm))
        .expect_err("activation must refuse it")
}

const OK_MODULE: &str = r#"(module
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#;

#[test]
fn a_minimal_module_activates() {
    let node = node();
    let wasm = wat::parse_str(OK_MODULE).unwrap();
    assert!(node
        .runtime()
        .compile(&wasm::compress_to_code(&wasm))
        .is_ok());
}

#[test]
fn validation_follows_nitro() {
    let node = node();
    let cases = [
        (
            r#"(module (memory (export "memory") 1 1))"#,
            "user_entrypoint",
        ),
        (
            r#"(module (memory 1 1) (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
            "memory",
        ),
        (
            r#"(module (memory (export "memory") 1)
            (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
            "pay_for_memory_grow",
        ),
        (
            r#"(module (import "env" "foo" (func)) (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
            "unknown host function",
        ),
        (
            r#"(module (import "vm_hooks" "read_args" (func (param i64))) (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
            "wrong signature",
        ),
        (
            r#"(module (memory (export "memory") 1 1) (func $s) (start $s)
            (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
            "start function",
        ),
        (
            r#"(module (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32)
              (drop (f32.add (f32.const 1) (f32.const 2))) (i32.const 0)))"#,
            "floating-point",
        ),
        (
            r#"(module (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i64) (result i32) (i32.const 0)))"#,
            "(i32) -> i32",
        ),
        (
            r#"(module (memory (export "memory") 129 129)
            (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
            "pages",
        ),
        (
            r#"(module (memory (export "memory") 1 1) (global (export "stylus_x") i32 (i32.const 0))
            (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
            "reserved",
        ),
    ];
    for (text, expected) in cases {
        let err = compile_err(&node, text);
        assert!(
            err.to_string().contains(expected),
            "expected {expected:?}, got {err}"
        );
    }
}

#[test]
fn bad_code_is_refused_with_clear_errors() {
    let runtime = tributary_devnode::program::Runtime::new();
    assert_eq!(
        runtime.compile(&[0x60, 0x00, 0x60, 0x00]).unwrap_err(),
        ProgramError::NotStylus
    );
    assert_eq!(
        runtime.compile(&[0xEF, 0xF0, 0x00]).unwrap_err(),
        ProgramError::NotStylus
    );
    assert!(matches!(
        runtime.compile(&[0xEF, 0xF0, 0x00, 0x00, 0xff, 0xff]),
        Err(ProgramError::BadCompression(_))
    ));
    assert!(matches!(
        runtime.compile(&[0xEF, 0xF0, 0x00, 0x07, 0x00]),
        Err(ProgramError::UnsupportedDictionary(7))
    ));
    // Garbage that decompresses fine but is not WASM.
    let code = wasm::compress_to_code(b"definitely not wasm");
    assert!(matches!(
        runtime.compile(&code),
        Err(ProgramError::InvalidWasm(_))
    ));
    // Oversized: a 130 KiB data segment decompresses past MaxWasmSize (128 KiB).
    let big = format!(
        r#"(module (memory (export "memory") 3 3) (data (i32.const 0) "{}")
           (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
        "a".repeat(130 * 1024)
    );
    let code = wasm::compress_to_code(&wat::parse_str(big).unwrap());
    assert!(matches!(
        runtime.compile(&code),
        Err(ProgramError::TooLarge { .. })
    ));
    // deploy_stylus refuses before sending anything.
    let mut node = node();
    let nonce = node.nonce(ALICE);
    assert!(matches!(
        node.deploy_stylus(ALICE, b"not wasm"),
        Err(DevnodeError::Program(_))
    ));
    assert_eq!(node.nonce(ALICE), nonce);
}

#[test]
fn unactivated_programs_fail_and_burn_gas() {
    let mut node = node();
    let program = address!("00000000000000000000000000000000000c0de1");
    node.set_code(program, wasm::compress_to_code(&wat("counter")))
        .unwrap();
    let receipt = node
        .send(TxRequest::call(ALICE, program, vec![]).gas(300_000))
        .unwrap();
    assert!(!receipt.status);
    assert_eq!(
        receipt.halt.as_deref(),
        Some("ProgramNotActivated() (NotActivated)"),
        "{receipt:?}"
    );
    assert_eq!(receipt.gas_used, 300_000);
    // codehashVersion reverts with ProgramNotActivated().
    let codehash = keccak256(node.code(program));
    let data = ArbWasm::codehashVersionCall { codehash }.abi_encode();
    let result = node.call(TxRequest::call(ALICE, ARBWASM, data)).unwrap();
    assert!(!result.success);
    assert_eq!(
        &result.output[..],
        &ArbWasm::ProgramNotActivated {}.abi_encode()[..]
    );

    // Activate directly: version 2, event, fee charged, then it runs.
    let balance = node.balance(ALICE);
    let receipt = node.activate(ALICE, program).unwrap();
    let (version, fee) = {
        let r = ArbWasm::activateProgramCall::abi_decode_returns(&receipt.output, true).unwrap();
        (r.version, r.dataFee)
    };
    assert_eq!(version, 2);
    assert!(fee > U256::ZERO);
    let gas_cost = U256::from(receipt.gas_used) * U256::from(tributary_devnode::node::BASE_FEE);
    assert_eq!(
        node.balance(ALICE),
        balance - fee - gas_cost,
        "excess value refunded"
    );
    assert_eq!(receipt.logs[0].address, ARBWASM);
    assert_eq!(receipt.logs[0].topics()[1], codehash);
    let receipt = send(&mut node, program, vec![]);
    assert!(receipt.status);
    assert_eq!(&receipt.output[..], &word(1));

    // Views.
    let version = node
        .call(TxRequest::call(
            ALICE,
            ARBWASM,
            ArbWasm::codehashVersionCall { codehash }.abi_encode(),
        ))
        .unwrap();
    assert_eq!(&version.output[..], &word(2));
    assert_eq!(node.program_version(program), Some(2));
    let gas = node
        .call(TxRequest::call(
            ALICE,
            ARBWASM,
            ArbWasm::programInitGasCall { program }.abi_encode(),
        ))
        .unwrap();
    let gas = ArbWasm::programInitGasCall::abi_decode_returns(&gas.output, true).unwrap();
    // counter.wat: MinInitGas 8,832 + its initCost 50, plus MinCachedInitGas 352 + its
    // cachedCost 11 (scalars 100 %).
    assert_eq!(
        (gas.gas, gas.gasWhenCached),
        (8_832 + 50 + 352 + 11, 352 + 11)
    );
    let min = node
        .call(TxRequest::call(
            ALICE,
            ARBWASM,
            ArbWasm::minInitGasCall {}.abi_encode(),
        ))
        .unwrap();
    let min = ArbWasm::minInitGasCall::abi_decode_returns(&min.output, true).unwrap();
    assert_eq!((min.gas, min.cached), (8_832, 352));
    let sv = node
        .call(TxRequest::call(
            ALICE,
            ARBWASM,
            ArbWasm::stylusVersionCall {}.abi_encode(),
        ))
        .unwrap();
    assert_eq!(&sv.output[..], &word(2));

    // Activating again: ProgramUpToDate().
    let data = ArbWasm::activateProgramCall { program }.abi_encode();
    let receipt = node
        .send(TxRequest::call(ALICE, ARBWASM, data).value(fee))
        .unwrap();
    assert!(receipt.reverted());
    assert_eq!(
        &receipt.output[..],
        &ArbWasm::ProgramUpToDate {}.abi_encode()[..]
    );
}

#[test]
fn activation_needs_the_data_fee_and_a_stylus_program() {
    let mut node = node();
    let program = address!("00000000000000000000000000000000000c0de2");
    node.set_code(program, wasm::compress_to_code(&wat("counter")))
        .unwrap();
    let fee = node.activation_fee(ALICE, program).unwrap();
    let data = ArbWasm::activateProgramCall { program }.abi_encode();
    let receipt = node
        .send(TxRequest::call(ALICE, ARBWASM, data.clone()).value(fee - U256::from(1)))
        .unwrap();
    assert!(receipt.reverted());
    let expected = ArbWasm::ProgramInsufficientValue {
        have: fee - U256::from(1),
        want: fee,
    }
    .abi_encode();
    assert_eq!(&receipt.output[..], &expected[..]);
    // EVM code is not a Stylus program.
    let evm = node.deploy_evm(ALICE, evm_initcode(&[0x00])).unwrap();
    let data = ArbWasm::activateProgramCall { program: evm }.abi_encode();
    let receipt = node
        .send(TxRequest::call(ALICE, ARBWASM, data).value(fee))
        .unwrap();
    assert!(!receipt.status);
    assert!(
        receipt
            .halt
            .as_deref()
            .unwrap_or_default()
            .contains("not a Stylus program"),
        "{receipt:?}"
    );
    // Invalid WASM behind a valid prefix: activation fails and burns the gas.
    let bad = address!("00000000000000000000000000000000000c0de3");
    node.set_code(bad, wasm::compress_to_code(b"\0asm\x01\0\0\0"))
        .unwrap();
    let data = ArbWasm::activateProgramCall { program: bad }.abi_encode();
    let receipt = node
        .send(
            TxRequest::call(ALICE, ARBWASM, data)
                .value(fee)
                .gas(3_000_000),
        )
        .unwrap();
    assert!(!receipt.status);
    assert_eq!(receipt.gas_used, 3_000_000);
    assert!(
        receipt
            .halt
            .as_deref()
            .unwrap_or_default()
            .contains("program activation failed"),
        "{receipt:?}"
    );
}

#[test]
fn programs_compile_once() {
    let mut node = node();
    let a = deploy(&mut node, "counter");
    let b = deploy(&mut node, "counter");
    for _ in 0..5 {
        send(&mut node, a, vec![]);
        send(&mut node, b, vec![]);
    }
    assert_eq!(node.runtime().compiled_count(), 1);
    assert_eq!(node.storage(a, U256::ZERO), U256::from(5));
}

// ---- chain API ----

#[test]
fn transaction_errors() {
    let mut node = node();
    let program = deploy(&mut node, "counter");
    let nonce = node.nonce(ALICE);
    assert!(matches!(
        node.send(TxRequest::call(ALICE, program, vec![]).nonce(nonce - 1)),
        Err(DevnodeError::NonceTooLow { .. })
    ));
    assert!(matches!(
        node.send(TxRequest::call(ALICE, program, vec![]).nonce(nonce + 1)),
        Err(DevnodeError::NonceTooHigh { .. })
    ));
    let poor = address!("00000000000000000000000000000000000000aa");
    assert!(matches!(
        node.send(TxRequest::call(poor, program, vec![]).value(U256::from(1))),
        Err(DevnodeError::InsufficientFunds { .. })
    ));
    assert!(matches!(
        node.send(TxRequest::call(ALICE, program, vec![]).gas(20_000)),
        Err(DevnodeError::IntrinsicGasTooLow { .. })
    ));
    assert!(matches!(
        node.send(TxRequest::call(ALICE, program, vec![]).gas(100_000_000)),
        Err(DevnodeError::GasLimitTooHigh { .. })
    ));
    // A gas limit that covers intrinsic gas but not the program's entry cost: out of gas.
    let receipt = node
        .send(TxRequest::call(ALICE, program, vec![]).gas(25_000))
        .unwrap();
    assert!(!receipt.status && receipt.halt.is_some());
    assert_eq!(node.nonce(ALICE), nonce + 1);
}

#[test]
fn unknown_selector_is_the_contracts_revert() {
    let mut node = node();
    let program = deploy(&mut node, "hostio");
    let receipt = send(&mut node, program, vec![0xde, 0xad, 0xbe, 0xef]);
    assert!(receipt.reverted());
}

#[test]
fn snapshots_time_and_balances() {
    let mut node = node();
    let program = deploy(&mut node, "counter");
    send(&mut node, program, vec![]);
    let snap = node.snapshot();
    let (number, time) = (node.block_number(), node.timestamp());
    send(&mut node, program, vec![]);
    node.set_balance(BOB, U256::from(5));
    node.advance_time(86_400);
    node.mine();
    assert_eq!(node.storage(program, U256::ZERO), U256::from(2));
    assert!(node.timestamp() >= time + 86_400);
    node.revert_to(snap).unwrap();
    assert_eq!(node.storage(program, U256::ZERO), U256::from(1));
    assert_eq!(node.balance(BOB), ether(1_000));
    assert_eq!((node.block_number(), node.timestamp()), (number, time));
    assert!(matches!(
        node.revert_to(snap),
        Err(DevnodeError::UnknownSnapshot(_))
    ));
    // Blocks advance per transaction; receipts and logs are recorded.
    let receipt = send(&mut node, program, vec![]);
    assert_eq!(receipt.block_number, number + 1);
    assert_eq!(node.receipt(receipt.tx_hash), Some(&receipt));
}

#[test]
fn contract_creation_receipt() {
    let mut node = node();
    let nonce = node.nonce(ALICE);
    let receipt = node
        .send(TxRequest::create(ALICE, evm_initcode(&[0x00])))
        .unwrap();
    assert_eq!(receipt.contract_address, Some(ALICE.create(nonce)));
    // Plain EVM code starting with 0xEF is still refused (EIP-3541).
    let receipt = node
        .send(TxRequest::create(ALICE, evm_initcode(&[0xEF, 0x00])))
        .unwrap();
    assert!(!receipt.status);
    let _ = Address::ZERO;
}

sol! {
    function owner() external view returns (address);
    function transferOwnership(address newOwner) external;
    function pendingOwner() external view returns (address);
    error OwnableUnauthorizedAccount(address account);
}

/// The real `royalty_splitter` contract built by `cargo run -p tributary -- build`.
#[test]
fn royalty_splitter_runs_on_the_devnode() {
    let path = format!(
        "{}/../target/stylus/royalty_splitter.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    let Ok(wasm) = std::fs::read(&path) else {
        eprintln!("SKIPPED: {path} is absent; run `cargo run -p tributary -- build` first");
        return;
    };
    let mut node = node();
    let args = U256::from_be_slice(ALICE.as_slice()).to_be_bytes::<32>();
    let splitter = node
        .deploy_stylus_with_constructor(ALICE, &wasm, &args, U256::ZERO)
        .expect("deploys with its constructor");
    let out = node
        .call(TxRequest::call(BOB, splitter, ownerCall {}.abi_encode()))
        .unwrap();
    assert!(out.success, "{out:?}");
    assert_eq!(
        ownerCall::abi_decode_returns(&out.output, true).unwrap()._0,
        ALICE
    );
    // The constructor guard: a second call reverts.
    let mut again = tributary_devnode::node::STYLUS_CONSTRUCTOR.to_vec();
    again.extend_from_slice(&args);
    assert!(send(&mut node, splitter, again).reverted());
    // Unknown selector: the router reverts.
    assert!(send(&mut node, splitter, vec![1, 2, 3, 4]).reverted());
    // Owner-only function from someone else: the OpenZeppelin error.
    let data = transferOwnershipCall { newOwner: BOB }.abi_encode();
    let receipt = node
        .send(TxRequest::call(BOB, splitter, data.clone()))
        .unwrap();
    assert!(receipt.reverted());
    assert_eq!(
        &receipt.output[..],
        &OwnableUnauthorizedAccount { account: BOB }.abi_encode()[..]
    );
    let receipt = send(&mut node, splitter, data);
    assert!(receipt.status, "{receipt:?}");
    assert!(!receipt.logs.is_empty(), "OwnershipTransferStarted emitted");
    let out = node
        .call(TxRequest::call(
            BOB,
            splitter,
            pendingOwnerCall {}.abi_encode(),
        ))
        .unwrap();
    assert_eq!(
        pendingOwnerCall::abi_decode_returns(&out.output, true)
            .unwrap()
            ._0,
        BOB
    );
    eprintln!(
        "royalty_splitter: {} bytes of WASM, transferOwnership used {} gas",
        wasm.len(),
        receipt.gas_used
    );
}

/// `user_entrypoint(len)` calls `$rec(len)` — recursion `len` deep — `$times` times in a row.
fn recursion_program(times: u32) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
  (memory (export "memory") 1 1)
  (func $rec (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (call $rec (i32.sub (local.get 0) (i32.const 1))))))
  (func (export "user_entrypoint") (param i32) (result i32) (local $i i32)
    (loop $again
      (drop (call $rec (local.get 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const {times}))))
    (i32.const 0)))"#
    ))
    .expect("valid WAT")
}

#[test]
fn stack_depth_is_counted_in_words_like_nitro() {
    let mut node = node();
    let once = node.deploy_stylus(ALICE, &recursion_program(1)).unwrap();
    let repeated = node.deploy_stylus(ALICE, &recursion_program(100)).unwrap();

    // 1,000 nested calls fit in MaxStackDepth (262,144 words).
    let receipt = node
        .send(TxRequest::call(ALICE, once, vec![1u8; 1_000]).gas(30_000_000))
        .unwrap();
    assert!(receipt.status, "{receipt:?}");
    // Returning gives the frames back: 100 × 1,000 nested calls in a row also fit.
    let receipt = node
        .send(TxRequest::call(ALICE, repeated, vec![1u8; 1_000]).gas(30_000_000))
        .unwrap();
    assert!(receipt.status, "{receipt:?}");

    // 60,000 nested frames of at least 5 words each exceed 262,144 words, while wasmi's own
    // call-depth bound (65,537) is not reached: the depth checker stops it, as OutOfStack,
    // consuming all gas.
    let receipt = node
        .send(TxRequest::call(ALICE, once, vec![1u8; 60_000]).gas(30_000_000))
        .unwrap();
    assert!(!receipt.status);
    assert_eq!(
        receipt.halt.as_deref(),
        Some("StackOverflow"),
        "{receipt:?}"
    );
    assert_eq!(receipt.gas_used, 30_000_000);
    assert!(receipt.output.is_empty());
}

#[test]
fn activation_refuses_an_operand_stack_deeper_than_4096_words() {
    let node = node();
    let pushes = "(i32.const 1) ".repeat(4_100);
    let drops = "drop ".repeat(4_100);
    let err = compile_err(
        &node,
        &format!(
            r#"(module (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) {pushes} {drops} (i32.const 0)))"#
        ),
    );
    assert!(err.to_string().contains("operand stack"), "{err}");
    // 4,000 fit.
    let pushes = "(i32.const 1) ".repeat(4_000);
    let drops = "drop ".repeat(4_000);
    let wasm = wat::parse_str(format!(
        r#"(module (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32) {pushes} {drops} (i32.const 0)))"#
    ))
    .unwrap();
    assert!(node
        .runtime()
        .compile(&wasm::compress_to_code(&wasm))
        .is_ok());
}

#[test]
#[allow(clippy::too_many_lines)] // one scenario: cache, price, evict, refusals
fn arbwasm_cache_lets_managers_cache_programs_that_then_skip_init_gas() {
    let mut node = node();
    let program = deploy(&mut node, "counter");
    let codehash = keccak256(node.code(program));
    let view = |node: &mut Devnode, to: Address, data: Vec<u8>| {
        let result = node.call(TxRequest::call(ALICE, to, data)).unwrap();
        assert!(result.success, "{result:?}");
        result.output
    };
    let out = view(
        &mut node,
        ARBWASM,
        ArbWasm::programInitGasCall { program }.abi_encode(),
    );
    let init = ArbWasm::programInitGasCall::abi_decode_returns(&out, true).unwrap();
    let init_gas = init.gas - init.gasWhenCached;
    assert_eq!(init_gas, 8_832 + 50, "MinInitGas + counter.wat's initCost");
    let is_cached = |node: &mut Devnode| {
        let out = view(
            node,
            ARBWASM_CACHE,
            ArbWasmCache::codehashIsCachedCall { codehash }.abi_encode(),
        );
        ArbWasmCache::codehashIsCachedCall::abi_decode_returns(&out, true)
            .unwrap()
            ._0
    };
    assert!(!is_cached(&mut node));

    // Slot 0 goes 0 -> 1 first; every later call writes non-zero over non-zero at one price.
    send(&mut node, program, vec![]);
    let uncached = send(&mut node, program, vec![]).gas_used;

    // Neither a cache manager nor a chain owner: all gas burned, nothing cached.
    let cache = ArbWasmCache::cacheProgramCall { addr: program }.abi_encode();
    let receipt = node
        .send(TxRequest::call(BOB, ARBWASM_CACHE, cache.clone()).gas(300_000))
        .unwrap();
    assert!(!receipt.status);
    assert_eq!(receipt.gas_used, 300_000);
    assert!(!is_cached(&mut node));

    // A cache manager caches it: one event, the flag, and calls without initGas.
    node.add_wasm_cache_manager(BOB);
    // ArbWasmCache is not payable: value burns all gas.
    let receipt = node
        .send(
            TxRequest::call(BOB, ARBWASM_CACHE, cache.clone())
                .value(U256::from(1))
                .gas(300_000),
        )
        .unwrap();
    assert!(!receipt.status);
    assert_eq!(receipt.gas_used, 300_000);
    let result = node
        .call(TxRequest::call(BOB, ARBWASM_CACHE, cache.clone()))
        .unwrap();
    // An eth_call may simulate caching; it leaves no trace.
    assert!(result.success, "{result:?}");
    assert!(!is_cached(&mut node));
    let out = view(
        &mut node,
        ARBWASM_CACHE,
        ArbWasmCache::allCacheManagersCall {}.abi_encode(),
    );
    let managers = ArbWasmCache::allCacheManagersCall::abi_decode_returns(&out, true).unwrap();
    assert_eq!(managers.managers, vec![BOB]);
    let receipt = node
        .send(TxRequest::call(BOB, ARBWASM_CACHE, cache.clone()))
        .unwrap();
    assert!(receipt.status, "{receipt:?}");
    assert_eq!(receipt.logs.len(), 1);
    assert_eq!(receipt.logs[0].address, ARBWASM_CACHE);
    let event =
        ArbWasmCache::UpdateProgramCache::decode_log_data(&receipt.logs[0].data, true).unwrap();
    assert_eq!(
        (event.manager, event.codehash, event.cached),
        (BOB, codehash, true)
    );
    assert!(is_cached(&mut node));
    let cached = send(&mut node, program, vec![]).gas_used;
    assert_eq!(
        uncached - cached,
        init_gas,
        "a cached program skips exactly initGas"
    );
    // Caching again changes nothing and logs nothing.
    let receipt = node
        .send(TxRequest::call(BOB, ARBWASM_CACHE, cache))
        .unwrap();
    assert!(receipt.status && receipt.logs.is_empty());

    // The chain owner evicts it: the event, and initGas is paid again.
    node.add_chain_owner(ALICE);
    let evict = ArbWasmCache::evictCodehashCall { codehash }.abi_encode();
    let receipt = node
        .send(TxRequest::call(ALICE, ARBWASM_CACHE, evict))
        .unwrap();
    assert!(receipt.status, "{receipt:?}");
    let event =
        ArbWasmCache::UpdateProgramCache::decode_log_data(&receipt.logs[0].data, true).unwrap();
    assert_eq!((event.manager, event.cached), (ALICE, false));
    assert!(!is_cached(&mut node));
    assert_eq!(send(&mut node, program, vec![]).gas_used, uncached);

    // An unactivated program cannot be cached: ArbWasm's error, remaining gas kept.
    let receipt = node
        .send(TxRequest::call(
            ALICE,
            ARBWASM_CACHE,
            ArbWasmCache::cacheProgramCall { addr: BOB }.abi_encode(),
        ))
        .unwrap();
    assert!(receipt.reverted());
    assert_eq!(
        &receipt.output[..],
        &ArbWasm::ProgramNotActivated {}.abi_encode()[..]
    );
}
