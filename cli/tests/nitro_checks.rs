//! The WASM build's Nitro checks: what passes, and that a bad or oversized module fails the
//! build naming the contract and the reason.

use std::fmt::Write as _;

use tributary::{
    build::{prepare_contract, BuildError},
    contracts::ContractCrate,
    nitro_wasm::{self, WasmError, MAX_CODE_SIZE, STYLUS_PREFIX},
};

const CONTRACT: ContractCrate = ContractCrate {
    package: "test-contract",
    dir: "test_contract",
    interface: "ITestContract",
};

/// The smallest program Nitro activates: a fixed memory and an entrypoint.
const MINIMAL: &str = r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32)
    i32.const 0
    call $read_args
    i32.const 0))"#;

/// rustc's shape: `call_indirect` whose table index is a 5-byte LEB (0x80 0x80 0x80 0x80 0x00),
/// which is only legal with reference-types. Bytes written by hand.
const OVERLONG_CALL_INDIRECT: &str = "0061736d0100000001060160017f017f03020100040401700001050401010101071c02066d656d6f727902000f757365725f656e747279706f696e7400000a0f010d0020002000110080808080000b";

fn module(wat: &str) -> Vec<u8> {
    wat::parse_str(wat).expect("test module is valid WAT")
}

fn out_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tributary-nitro-checks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn minimal_program_is_prepared_with_the_stylus_prefix() {
    let program = nitro_wasm::prepare(&module(MINIMAL)).expect("valid program");
    let code = program.code();
    assert_eq!(code[..4], STYLUS_PREFIX);
    assert_eq!(
        nitro_wasm::decompress(&code[4..]).expect("decodes"),
        program.wasm
    );
}

#[test]
fn round_trip_fixes_the_overlong_call_indirect_that_nitro_rejects() {
    let raw = hex::decode(OVERLONG_CALL_INDIRECT).expect("hex");
    let err = nitro_wasm::check_activation(&raw).expect_err("raw rustc encoding is rejected");
    assert!(
        matches!(&err, WasmError::Invalid(msg) if msg.contains("zero byte expected")),
        "{err}"
    );
    let fixed = nitro_wasm::round_trip(&raw).expect("round trip");
    nitro_wasm::check_activation(&fixed).expect("canonical encoding is accepted");
}

#[test]
fn build_fails_naming_the_contract_for_a_foreign_import() {
    let wasm = module(
        r#"(module
          (import "env" "abort" (func))
          (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    );
    let err = prepare_contract(CONTRACT, &wasm, &out_dir()).expect_err("must fail");
    let msg = err.to_string();
    assert!(matches!(
        err,
        BuildError::Contract {
            contract: "test_contract",
            ..
        }
    ));
    assert!(
        msg.contains("test_contract") && msg.contains("env.abort"),
        "{msg}"
    );
}

#[test]
fn build_fails_naming_the_contract_when_over_the_size_limit() {
    // 40 KB of pseudo-random bytes does not compress below 24 KB.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut noise = String::new();
    for _ in 0..40_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        write!(noise, "\\{:02x}", state & 0xff).expect("writing to a String cannot fail");
    }
    let wasm = module(&format!(
        r#"(module
          (memory (export "memory") 1 1)
          (data (i32.const 0) "{noise}")
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
    ));
    let err = prepare_contract(CONTRACT, &wasm, &out_dir()).expect_err("must fail");
    let BuildError::Contract {
        contract,
        error: WasmError::OverLimit { code_size },
    } = &err
    else {
        panic!("expected OverLimit, got {err}");
    };
    assert_eq!(*contract, "test_contract");
    assert!(*code_size > MAX_CODE_SIZE);
    assert!(
        err.to_string().contains("over the 24576-byte limit"),
        "{err}"
    );
}

#[test]
fn missing_entrypoint_is_rejected() {
    let err = nitro_wasm::prepare(&module(r#"(module (memory (export "memory") 1 1))"#))
        .expect_err("must fail");
    assert_eq!(
        err,
        WasmError::Rule("does not export user_entrypoint".into())
    );
}

#[test]
fn missing_memory_export_is_rejected() {
    let err = nitro_wasm::prepare(&module(
        r#"(module (memory 1 1)
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    ))
    .expect_err("must fail");
    assert_eq!(
        err,
        WasmError::Rule("does not export its memory as \"memory\"".into())
    );
}

#[test]
fn growable_memory_requires_pay_for_memory_grow() {
    let err = nitro_wasm::prepare(&module(
        r#"(module (memory (export "memory") 1)
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    ))
    .expect_err("must fail");
    assert!(
        matches!(err, WasmError::Rule(ref m) if m.contains("pay_for_memory_grow")),
        "{err}"
    );
}

#[test]
fn wrong_host_signature_is_rejected() {
    let err = nitro_wasm::prepare(&module(
        r#"(module
          (import "vm_hooks" "msg_sender" (func (param i64)))
          (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    ))
    .expect_err("must fail");
    assert_eq!(
        err,
        WasmError::Rule("vm_hooks.msg_sender is imported with the wrong signature".into())
    );
}

#[test]
fn float_arithmetic_is_rejected() {
    let err = nitro_wasm::prepare(&module(
        r#"(module
          (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32) (result i32)
            f32.const 1 f32.const 2 f32.add i32.trunc_f32_s))"#,
    ))
    .expect_err("must fail");
    assert!(
        matches!(err, WasmError::Rule(ref m) if m.contains("F32Add")),
        "{err}"
    );
}

#[test]
fn start_function_is_rejected() {
    let err = nitro_wasm::prepare(&module(
        r#"(module
          (memory (export "memory") 1 1)
          (func $s)
          (start $s)
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    ))
    .expect_err("must fail");
    assert_eq!(err, WasmError::Rule("has a start function".into()));
}

#[test]
fn reference_types_are_rejected() {
    let err = nitro_wasm::prepare(&module(
        r#"(module
          (memory (export "memory") 1 1)
          (table 1 funcref)
          (func $f)
          (elem declare func $f)
          (func (export "user_entrypoint") (param i32) (result i32)
            ref.func $f drop i32.const 0))"#,
    ))
    .expect_err("must fail");
    assert!(matches!(err, WasmError::Invalid(_)), "{err}");
}

#[test]
fn an_operand_stack_deeper_than_nitro_allows_fails_the_check() {
    let body = |n: usize| format!("{} {}", "(i32.const 1) ".repeat(n), "drop ".repeat(n));
    let program = |n: usize| {
        module(&format!(
            r#"(module
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param i32) (result i32) {} (i32.const 0)))"#,
            body(n)
        ))
    };
    nitro_wasm::check_activation(&program(4_000)).expect("4,000 words fit");
    let err = nitro_wasm::check_activation(&program(4_100)).expect_err("4,100 words do not");
    assert!(
        matches!(&err, WasmError::Rule(msg) if msg.contains("operand stack")),
        "{err}"
    );
}
