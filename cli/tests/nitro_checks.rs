//! The WASM build's Nitro checks: what passes, and that a bad or oversized module fails the
//! build naming the contract and the reason. The rules are the devnode's activation rules for a
//! production chain (`ChainRules::PRODUCTION`), so each refusal is Nitro's message.

use std::fmt::Write as _;

use tributary::{
    build::{prepare_contract, BuildError},
    contracts::ContractCrate,
    nitro_wasm::{self, WasmError, MAX_CODE_SIZE, STYLUS_PREFIX},
};
use tributary_devnode::ProgramError;

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

/// A module with a fixed memory, an entrypoint returning 0 and `extra`.
fn program(extra: &str) -> Vec<u8> {
    module(&format!(
        r#"(module {extra}
          (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
    ))
}

/// What `prepare` refuses `wasm` with, which must be one of activation's rules.
fn refusal(wasm: &[u8]) -> ProgramError {
    match nitro_wasm::prepare(wasm) {
        Err(WasmError::Activation(e)) => e,
        Err(other) => panic!("expected an activation error, got {other}"),
        Ok(program) => panic!("accepted ({} bytes of code)", program.code.len()),
    }
}

fn rule(message: &str) -> ProgramError {
    ProgramError::Activation(message.into())
}

fn out_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tributary-nitro-checks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn minimal_program_is_prepared_with_the_stylus_prefix() {
    let program = nitro_wasm::prepare(&module(MINIMAL)).expect("valid program");
    let code = &program.code;
    assert_eq!(code[..4], STYLUS_PREFIX);
    assert_eq!(program.compressed(), &code[4..]);
    assert_eq!(
        nitro_wasm::decode_code(code).expect("decodes"),
        program.wasm
    );
}

#[test]
fn round_trip_fixes_the_overlong_call_indirect_that_nitro_rejects() {
    let raw = hex::decode(OVERLONG_CALL_INDIRECT).expect("hex");
    let err = nitro_wasm::check_activation(&raw).expect_err("raw rustc encoding is rejected");
    assert_eq!(
        err,
        WasmError::Activation(ProgramError::InvalidWasm(
            "zero byte expected (at offset 0x49)".into()
        ))
    );
    let fixed = nitro_wasm::round_trip(&raw).expect("round trip");
    nitro_wasm::check_activation(&fixed).expect("canonical encoding is accepted");
}

#[test]
fn build_fails_naming_the_contract_for_a_foreign_import() {
    let wasm = program(r#"(import "env" "abort" (func))"#);
    let err = prepare_contract(CONTRACT, &wasm, &out_dir()).expect_err("must fail");
    assert_eq!(
        err.to_string(),
        "contract test_contract: program activation failed: imports unknown host function \
         env.abort"
    );
    assert!(matches!(
        err,
        BuildError::Contract {
            contract: "test_contract",
            ..
        }
    ));
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
    assert_eq!(
        err.to_string(),
        format!(
            "contract test_contract: code is {code_size} bytes (prefix + brotli), over the \
             24576-byte limit by {}",
            code_size - MAX_CODE_SIZE
        )
    );
}

#[test]
fn a_module_over_max_wasm_size_is_rejected() {
    // 140,000 zero bytes of data: small once compressed, too large decompressed.
    let zeros = "\\00".repeat(140_000);
    let wasm = program(&format!(r#"(data (i32.const 0) "{zeros}")"#));
    assert_eq!(refusal(&wasm), ProgramError::TooLarge { limit: 131_072 });
}

#[test]
fn missing_entrypoint_is_rejected() {
    let wasm = module(r#"(module (memory (export "memory") 1 1))"#);
    assert_eq!(
        refusal(&wasm),
        rule("missing entrypoint: does not export user_entrypoint")
    );
}

#[test]
fn missing_memory_export_is_rejected() {
    let wasm = module(
        r#"(module (memory 1 1)
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    );
    assert_eq!(
        refusal(&wasm),
        rule("does not export its memory as \"memory\"")
    );
}

#[test]
fn growable_memory_requires_pay_for_memory_grow() {
    let wasm = module(
        r#"(module (memory (export "memory") 1)
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    );
    assert_eq!(
        refusal(&wasm),
        rule("missing entrypoint: growable memory needs vm_hooks.pay_for_memory_grow")
    );
}

#[test]
fn wrong_host_signature_is_rejected() {
    let wasm = program(r#"(import "vm_hooks" "msg_sender" (func (param i64)))"#);
    assert_eq!(
        refusal(&wasm),
        rule("vm_hooks.msg_sender is imported with the wrong signature")
    );
}

#[test]
fn console_imports_are_rejected_as_a_production_chain_would() {
    // The devnode, a debug chain like nitro-devnode, links them; Arbitrum One does not.
    let wasm = program(r#"(import "console" "log_txt" (func (param i32 i32)))"#);
    assert_eq!(
        refusal(&wasm),
        rule("imports console.log_txt: only debug chains link console")
    );
}

#[test]
fn multi_value_is_rejected_as_stylus_3_would() {
    let wasm = program("(func $pair (result i32 i32) i32.const 1 i32.const 2)");
    assert_eq!(
        refusal(&wasm),
        ProgramError::InvalidWasm(
            "func type returns multiple values but the multi-value feature is not enabled (at \
             offset 0xb)"
                .into()
        )
    );
}

#[test]
fn float_arithmetic_is_rejected() {
    let wasm = module(
        r#"(module
          (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32) (result i32)
            f32.const 1 f32.const 2 f32.add i32.trunc_f32_s))"#,
    );
    assert_eq!(
        refusal(&wasm),
        rule("uses a floating-point operation (F32Add)")
    );
}

#[test]
fn start_function_is_rejected() {
    let wasm = program("(func $s) (start $s)");
    assert_eq!(refusal(&wasm), rule("has a start function"));
}

#[test]
fn reference_types_are_rejected() {
    let wasm =
        program("(table 1 funcref) (func $f) (elem declare func $f) (func ref.func $f drop)");
    assert_eq!(
        refusal(&wasm),
        ProgramError::InvalidWasm("reference types support is not enabled (at offset 0x52)".into())
    );
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
    assert_eq!(
        err,
        WasmError::Activation(rule(
            "a function's operand stack reaches 4100 words (max 4096)"
        ))
    );
}
