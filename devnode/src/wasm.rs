//! Stylus code handling: the on-chain prefix, brotli decoding, Nitro's activation validation
//! (docs/nitro.md §1.3) and the ink-metering instrumentation that mirrors Nitro's `meter.rs`
//! and `heap.rs` (§4.1).
//!
//! Instrumentation adds three globals, exported as `stylus_ink_left` (i64),
//! `stylus_ink_status` (i32) and `stylus_scratch` (i32), then prefixes every basic block with
//! a charge of (Σ operator ink + 2,450) that traps with status 1 when ink runs out, charges
//! `memory.copy` / `memory.fill` 100 ink per byte before they run, and calls
//! `vm_hooks.pay_for_memory_grow` before every `memory.grow`. Then [`crate::depth`] adds the
//! stack-depth checks (a fourth global, `stylus_stack_left`).

use std::{collections::HashSet, io::Read};

use wasm_encoder::{
    reencode::{self, Reencode},
    ConstExpr, Instruction, ValType as EncValType,
};
use wasmparser::{
    ExternalKind, FuncType, Operator, Parser, Payload, TypeRef, ValType, Validator, WasmFeatures,
};

use crate::{
    error::{rule, ProgramError},
    instrument::{added_globals_hooks, AddedGlobals, Signatures},
    pricing::{self, ModuleStats, MAX_WASM_SIZE, PAGE_LIMIT},
};

/// First three bytes of a classic Stylus program.
pub const STYLUS_DISCRIMINANT: [u8; 3] = [0xEF, 0xF0, 0x00];
/// The prefix cargo-stylus writes: discriminant and dictionary byte 0 (no dictionary).
pub const STYLUS_PREFIX: [u8; 4] = [0xEF, 0xF0, 0x00, 0x00];

/// Export name of the ink counter the instrumentation adds.
pub const INK_GLOBAL: &str = "stylus_ink_left";
/// Export name of the ink status flag (1 = exhausted).
pub const STATUS_GLOBAL: &str = "stylus_ink_status";

const MAX_IMPORTS: usize = 513;
const MAX_EXPORTS: usize = 1024;
const MAX_NAME_LEN: usize = 512;
const MAX_SEGMENTS: u32 = 128;
const MAX_FUNCTIONS: u32 = 4096;
const MAX_GLOBALS: u32 = 32_768;
const MAX_LOCALS: u32 = 348;
const MAX_OPS_PER_FUNCTION: usize = 65_536;
const MAX_TABLE_ENTRIES: u64 = 4096;
/// Nitro limits the element segments' encoded bytes (its "element entries" limit counts
/// `range.len()`).
const MAX_ELEMENT_BYTES: u64 = 4096;

/// Whether `code` is a deployable (classic) Stylus program: `EF F0 00` and at least one more
/// byte. Fragmented programs (ArbOS 60) are not modelled.
pub fn is_stylus(code: &[u8]) -> bool {
    code.len() > STYLUS_DISCRIMINANT.len() && code.starts_with(&STYLUS_DISCRIMINANT)
}

/// Prefixes a brotli stream into deployable code.
pub fn stylus_code(compressed: &[u8]) -> Vec<u8> {
    let mut code = STYLUS_PREFIX.to_vec();
    code.extend_from_slice(compressed);
    code
}

/// Brotli-compresses `wasm` with Nitro's parameters (quality 11, window 22) and prefixes it.
pub fn compress_to_code(wasm: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    // Writing from a slice into a Vec: neither side can fail.
    if brotli::BrotliCompress(&mut std::io::Cursor::new(wasm), &mut out, &params).is_err() {
        out.clear();
    }
    stylus_code(&out)
}

/// Extracts the WASM from on-chain Stylus code.
pub fn decode_code(code: &[u8]) -> Result<Vec<u8>, ProgramError> {
    if !is_stylus(code) {
        return Err(ProgramError::NotStylus);
    }
    match code[3] {
        0 => {}
        1 => return Err(ProgramError::UnsupportedDictionary(1)),
        other => return Err(ProgramError::UnsupportedDictionary(other)),
    }
    let limit = MAX_WASM_SIZE as u64 + 1;
    let mut out = Vec::new();
    brotli::Decompressor::new(&code[4..], 4096)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|e| ProgramError::BadCompression(e.to_string()))?;
    if out.len() > MAX_WASM_SIZE {
        return Err(ProgramError::TooLarge {
            limit: MAX_WASM_SIZE,
        });
    }
    Ok(out)
}

/// The chain a module is activated on, as far as activation's rules differ between chains
/// (docs/nitro.md §1.3): the rest of the rules are the same everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainRules {
    /// Stylus version: multi-value is part of the WASM feature set only below version 3 (N;
    /// Nm gates it on ArbOS 60 instead).
    pub stylus_version: u16,
    /// `AllowDebugPrecompiles`: only debug chains (nitro-devnode's `--dev` chain) link the
    /// `console` imports.
    pub debug: bool,
}

impl ChainRules {
    /// This devnode: Stylus version 2 on a debug chain, as nitro-devnode runs (docs/nitro.md §7).
    pub const DEVNODE: Self = Self {
        stylus_version: pricing::STYLUS_VERSION,
        debug: true,
    };
    /// A production chain at the newest Stylus version (3): no `console` imports, no
    /// multi-value. A module that passes activates on every production chain from Stylus 2 up,
    /// so this is what `tributary build` checks.
    pub const PRODUCTION: Self = Self {
        stylus_version: 3,
        debug: false,
    };

    /// WASM features Nitro's validator enables (everything not listed is off).
    fn features(self) -> WasmFeatures {
        let features = WasmFeatures::MUTABLE_GLOBAL
            | WasmFeatures::SATURATING_FLOAT_TO_INT
            | WasmFeatures::SIGN_EXTENSION
            | WasmFeatures::BULK_MEMORY
            | WasmFeatures::FLOATS
            | WasmFeatures::GC_TYPES;
        if self.stylus_version < 3 {
            features | WasmFeatures::MULTI_VALUE
        } else {
            features
        }
    }
}

/// The `(params, results)` of each `vm_hooks` import (`forward/lib.rs`); `None` otherwise.
pub fn vm_hook_signature(name: &str) -> Option<(&'static [ValType], &'static [ValType])> {
    use ValType::{I32, I64};
    const P1: &[ValType] = &[I32];
    const P2: &[ValType] = &[I32, I32];
    const P3: &[ValType] = &[I32, I32, I32];
    const P4: &[ValType] = &[I32, I32, I32, I32];
    const NONE: &[ValType] = &[];
    const R32: &[ValType] = &[I32];
    const R64: &[ValType] = &[I64];
    Some(match name {
        "read_args"
        | "exit_early"
        | "storage_flush_cache"
        | "block_basefee"
        | "block_coinbase"
        | "contract_address"
        | "msg_sender"
        | "msg_value"
        | "tx_gas_price"
        | "tx_origin"
        | "pay_for_memory_grow" => (P1, NONE),
        "write_result"
        | "storage_load_bytes32"
        | "storage_cache_bytes32"
        | "transient_load_bytes32"
        | "transient_store_bytes32"
        | "account_balance"
        | "account_codehash"
        | "math_div"
        | "math_mod"
        | "math_pow" => (P2, NONE),
        "emit_log" | "native_keccak256" | "math_add_mod" | "math_mul_mod" => (P3, NONE),
        "call_contract" => (&[I32, I32, I32, I32, I64, I32], R32),
        "delegate_call_contract" | "static_call_contract" => (&[I32, I32, I32, I64, I32], R32),
        "create1" => (&[I32, I32, I32, I32, I32], NONE),
        "create2" => (&[I32, I32, I32, I32, I32, I32], NONE),
        "read_return_data" => (P3, R32),
        "account_code" => (P4, R32),
        "account_code_size" => (P1, R32),
        "return_data_size" | "msg_reentrant" | "tx_ink_price" => (NONE, R32),
        "evm_gas_left" | "evm_ink_left" | "chainid" | "block_gas_limit" | "block_number"
        | "block_timestamp" => (NONE, R64),
        _ => return None,
    })
}

/// Signatures of the debug-chain `console` imports (nitro-devnode is a debug chain).
fn console_signature(name: &str) -> Option<(&'static [ValType], &'static [ValType])> {
    use ValType::{F32, F64, I32, I64};
    Some(match name {
        "log_txt" => (&[I32, I32], &[]),
        "log_i32" => (&[I32], &[]),
        "log_i64" => (&[I64], &[]),
        "log_f32" => (&[F32], &[]),
        "log_f64" => (&[F64], &[]),
        "tee_i32" => (&[I32], &[I32]),
        "tee_i64" => (&[I64], &[I64]),
        "tee_f32" => (&[F32], &[F32]),
        "tee_f64" => (&[F64], &[F64]),
        _ => return None,
    })
}

/// Result of validating a module: its cost statistics and what instrumentation needs.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Numbers for Nitro's cost formulas.
    pub stats: ModuleStats,
    /// Function types, for the meter's call prices and the depth checker's stack heights.
    signatures: Signatures,
    /// Defined + imported globals.
    global_count: u32,
    /// Function index of `vm_hooks.pay_for_memory_grow` when memory can grow (maximum ≠
    /// initial) and it is imported: Nitro's heap bound charges `memory.grow` only then
    /// (docs/nitro.md §2.3, instrumentation).
    pay_for_memory_grow: Option<u32>,
}

fn invalid(e: &wasmparser::BinaryReaderError) -> ProgramError {
    ProgramError::InvalidWasm(e.to_string())
}

/// Validates `wasm` the way Nitro's activation on this devnode does ([`ChainRules::DEVNODE`])
/// and gathers its statistics.
pub fn analyze(wasm: &[u8]) -> Result<Analysis, ProgramError> {
    analyze_for(wasm, ChainRules::DEVNODE)
}

/// Validates `wasm` the way Nitro's activation on a chain with `rules` does (§1.3) and gathers
/// its statistics.
#[allow(clippy::too_many_lines)]
pub fn analyze_for(wasm: &[u8], rules: ChainRules) -> Result<Analysis, ProgramError> {
    if wasm.len() > MAX_WASM_SIZE {
        return Err(ProgramError::TooLarge {
            limit: MAX_WASM_SIZE,
        });
    }
    Validator::new_with_features(rules.features())
        .validate_all(wasm)
        .map_err(|e| invalid(&e))?;

    let mut types: Vec<FuncType> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut imported_funcs = 0u32;
    let mut imports: HashSet<(String, String)> = HashSet::new();
    let mut import_count = 0usize;
    let mut pay_for_memory_grow = None;
    let mut export_names: HashSet<String> = HashSet::new();
    let mut memory_exported = false;
    let mut entrypoint = None;
    let mut memories = Vec::new();
    let mut stats = ModuleStats {
        wasm_len: wasm.len() as u64,
        ..ModuleStats::default()
    };
    let mut globals = 0u32;
    let mut table_entries = 0u64;
    let mut data_segment_bytes = 0u64;

    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| invalid(&e))? {
            Payload::Version { num, .. } if num != 1 => return Err(rule("wasm version must be 1")),
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    types.push(ty.map_err(|e| invalid(&e))?);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader {
                    let import = import.map_err(|e| invalid(&e))?;
                    import_count += 1;
                    let TypeRef::Func(ty) = import.ty else {
                        return Err(rule(format!(
                            "imports {}.{}, which is not a function",
                            import.module, import.name
                        )));
                    };
                    if import.module.len() > MAX_NAME_LEN || import.name.len() > MAX_NAME_LEN {
                        return Err(rule("import name too long"));
                    }
                    if import.name.starts_with("stylus") {
                        return Err(rule(format!("import name {} is reserved", import.name)));
                    }
                    let expected = match import.module {
                        "vm_hooks" => vm_hook_signature(import.name),
                        "console" if !rules.debug => {
                            return Err(rule(format!(
                                "imports console.{}: only debug chains link console",
                                import.name
                            )));
                        }
                        "console" => console_signature(import.name),
                        _ => None,
                    };
                    let Some((params, results)) = expected else {
                        return Err(rule(format!(
                            "imports unknown host function {}.{}",
                            import.module, import.name
                        )));
                    };
                    let actual = types.get(ty as usize);
                    if actual.is_none_or(|t| t.params() != params || t.results() != results) {
                        return Err(rule(format!(
                            "{}.{} is imported with the wrong signature",
                            import.module, import.name
                        )));
                    }
                    if !imports.insert((import.module.to_owned(), import.name.to_owned())) {
                        return Err(rule(format!(
                            "{}.{} imported twice",
                            import.module, import.name
                        )));
                    }
                    if import.module == "vm_hooks" && import.name == "pay_for_memory_grow" {
                        pay_for_memory_grow = Some(imported_funcs);
                    }
                    imported_funcs += 1;
                    func_types.push(ty);
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    let ty = ty.map_err(|e| invalid(&e))?;
                    if let Some(t) = types.get(ty as usize) {
                        stats.type_len += (t.params().len() + t.results().len()) as u64;
                    }
                    func_types.push(ty);
                    stats.funcs += 1;
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table.map_err(|e| invalid(&e))?;
                    table_entries = table_entries.saturating_add(table.ty.initial);
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    memories.push(memory.map_err(|e| invalid(&e))?);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global.map_err(|e| invalid(&e))?;
                    let mut ops = global.init_expr.get_operators_reader();
                    let mut n = 0;
                    while !ops.eof() {
                        ops.read().map_err(|e| invalid(&e))?;
                        n += 1;
                    }
                    if n != 2 {
                        return Err(rule("global initializer must be a single constant"));
                    }
                    globals += 1;
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(|e| invalid(&e))?;
                    if export.name.starts_with("stylus") {
                        return Err(rule(format!("export name {} is reserved", export.name)));
                    }
                    if export.name.len() > MAX_NAME_LEN {
                        return Err(rule("export name too long"));
                    }
                    match (export.name, export.kind) {
                        ("memory", ExternalKind::Memory) if export.index != 0 => {
                            return Err(rule("exports a memory other than index 0 as memory"));
                        }
                        ("memory", ExternalKind::Memory) => memory_exported = true,
                        ("user_entrypoint", ExternalKind::Func) => entrypoint = Some(export.index),
                        _ => {}
                    }
                    export_names.insert(export.name.to_owned());
                }
            }
            Payload::StartSection { .. } => {
                return Err(rule("has a start function"));
            }
            Payload::ElementSection(reader) => {
                if reader.count() > MAX_SEGMENTS {
                    return Err(rule(format!(
                        "has {} element segments (max 128)",
                        reader.count()
                    )));
                }
                for element in reader {
                    let element = element.map_err(|e| invalid(&e))?;
                    // The segment's encoded bytes, flags to last item (Nitro's `range`).
                    stats.elem_bytes += element.range.len() as u64;
                }
            }
            Payload::DataSection(reader) => {
                if reader.count() > MAX_SEGMENTS {
                    return Err(rule(format!(
                        "has {} data segments (max 128)",
                        reader.count()
                    )));
                }
                for data in reader {
                    let data = data.map_err(|e| invalid(&e))?;
                    stats.data_bytes += data.data.len() as u64;
                    data_segment_bytes += data.range.len() as u64;
                }
            }
            Payload::CodeSectionStart { count, .. } if count > MAX_FUNCTIONS => {
                return Err(rule(format!("has {count} functions (max {MAX_FUNCTIONS})")));
            }
            Payload::CodeSectionEntry(body) => {
                // The memory section precedes the code section.
                let growable = memories
                    .first()
                    .is_some_and(|m| m.maximum != Some(m.initial));
                stats.ops += check_body(&body, growable)?;
            }
            Payload::CustomSection(_)
            | Payload::End(_)
            | Payload::CodeSectionStart { .. }
            | Payload::DataCountSection { .. }
            | Payload::Version { .. } => {}
            other => {
                if let Some((id, _)) = other.as_section() {
                    if id == 13 {
                        return Err(rule("uses the exceptions proposal"));
                    }
                }
            }
        }
    }
    if import_count > MAX_IMPORTS {
        return Err(rule(format!(
            "has {import_count} imports (max {MAX_IMPORTS})"
        )));
    }
    if export_names.len() > MAX_EXPORTS {
        return Err(rule(format!(
            "has {} exports (max {MAX_EXPORTS})",
            export_names.len()
        )));
    }
    for (_, name) in &imports {
        if export_names.contains(name) {
            return Err(rule(format!("export {name} reuses an import's name")));
        }
    }
    if globals > MAX_GLOBALS {
        return Err(rule("too many globals"));
    }
    if table_entries > MAX_TABLE_ENTRIES {
        return Err(rule("too many table entries"));
    }
    if stats.elem_bytes > MAX_ELEMENT_BYTES {
        return Err(rule(format!(
            "has {} bytes of element segments (max {MAX_ELEMENT_BYTES})",
            stats.elem_bytes
        )));
    }
    if !memory_exported {
        return Err(rule("does not export its memory as \"memory\""));
    }
    let Some(entry) = entrypoint else {
        return Err(rule("missing entrypoint: does not export user_entrypoint"));
    };
    let entry_ty = func_types
        .get(entry as usize)
        .and_then(|t| types.get(*t as usize));
    if entry_ty.is_none_or(|t| t.params() != [ValType::I32] || t.results() != [ValType::I32]) {
        return Err(rule("user_entrypoint is not (i32) -> i32"));
    }
    let [memory] = memories.as_slice() else {
        return Err(rule(format!(
            "has {} memories; exactly one is required",
            memories.len()
        )));
    };
    if memory.initial > u64::from(PAGE_LIMIT) {
        return Err(rule(format!(
            "starts with {} memory pages (max {PAGE_LIMIT})",
            memory.initial
        )));
    }
    if memory.maximum.is_some_and(|max| max < memory.initial) {
        return Err(rule("memory maximum below its minimum"));
    }
    if memory.maximum != Some(memory.initial) && pay_for_memory_grow.is_none() {
        return Err(rule(
            "missing entrypoint: growable memory needs vm_hooks.pay_for_memory_grow",
        ));
    }
    // SAFETY of the cast: checked ≤ 128 just above.
    stats.footprint = u16::try_from(memory.initial).unwrap_or(PAGE_LIMIT);
    stats.globals = u64::from(globals) + 4;
    stats.data_and_elem = data_segment_bytes + stats.elem_bytes;
    // Nitro stores both costs as u16 and fails activation when one does not fit.
    if stats.cached_cost().is_none() {
        return Err(rule("cached cost too high"));
    }
    if stats.init_cost().is_none() {
        return Err(rule("init cost too high"));
    }
    Ok(Analysis {
        stats,
        signatures: Signatures {
            types,
            funcs: func_types,
        },
        global_count: globals,
        pay_for_memory_grow: pay_for_memory_grow.filter(|_| memory.maximum != Some(memory.initial)),
    })
}

/// Per-function rules; returns the operator count after Nitro's instrumentation
/// ([`pricing::instrumented_ops`]), which is what Nitro's compile gas and its 65,536-operator
/// limit count. `growable`: the module's memory may grow.
fn check_body(body: &wasmparser::FunctionBody<'_>, growable: bool) -> Result<u64, ProgramError> {
    let mut locals = 0u32;
    for local in body.get_locals_reader().map_err(|e| invalid(&e))? {
        locals = locals.saturating_add(local.map_err(|e| invalid(&e))?.0);
    }
    if locals > MAX_LOCALS {
        return Err(rule(format!(
            "a function declares {locals} locals (max {MAX_LOCALS})"
        )));
    }
    let mut ops = body.get_operators_reader().map_err(|e| invalid(&e))?;
    let (mut count, mut blocks, mut copies, mut returns, mut grows) = (0u64, 0, 0, 0, 0);
    while !ops.eof() {
        let op = ops.read().map_err(|e| invalid(&e))?;
        count += 1;
        if let Some(reason) = forbidden(&op) {
            return Err(rule(format!("uses {reason} ({op:?})")));
        }
        blocks += u64::from(pricing::ends_basic_block(&op));
        match op {
            Operator::MemoryCopy { .. } | Operator::MemoryFill { .. } => copies += 1,
            Operator::Return => returns += 1,
            Operator::MemoryGrow { .. } => grows += 1,
            _ => {}
        }
    }
    let instrumented = pricing::instrumented_ops(count, blocks, copies, returns, grows, growable);
    if instrumented > MAX_OPS_PER_FUNCTION as u64 {
        return Err(rule(format!(
            "a function has {instrumented} operators once instrumented (max 65,536)"
        )));
    }
    Ok(instrumented)
}

/// Operators Nitro refuses at activation.
fn forbidden(op: &Operator<'_>) -> Option<&'static str> {
    use Operator as O;
    match op {
        O::MemoryInit { .. }
        | O::DataDrop { .. }
        | O::ElemDrop { .. }
        | O::TableInit { .. }
        | O::TableCopy { .. }
        | O::TableGet { .. }
        | O::TableSet { .. }
        | O::TableGrow { .. }
        | O::TableSize { .. }
        | O::TableFill { .. } => {
            Some("a bulk-memory or table operation other than memory.copy/fill")
        }
        O::F32Load { .. }
        | O::F64Load { .. }
        | O::F32Store { .. }
        | O::F64Store { .. }
        | O::F32Const { .. }
        | O::F64Const { .. }
        | O::I32ReinterpretF32
        | O::I64ReinterpretF64
        | O::F32ReinterpretI32
        | O::F64ReinterpretI64 => None,
        _ => {
            let name = format!("{op:?}");
            let name = name.split([' ', '{', '(']).next().unwrap_or_default();
            if name.contains("F32") || name.contains("F64") {
                Some("a floating-point operation")
            } else {
                None
            }
        }
    }
}

/// Rewrites a validated module with ink metering and stack-depth checks (see module docs).
///
/// # Errors
/// [`ProgramError::Activation`] when a function's stack frame is larger than Nitro allows.
pub fn instrument(wasm: &[u8], analysis: &Analysis) -> Result<Vec<u8>, ProgramError> {
    let mut added = AddedGlobals::new(analysis.global_count);
    let ink = added.add(EncValType::I64, ConstExpr::i64_const(0), Some(INK_GLOBAL));
    let status = added.add(
        EncValType::I32,
        ConstExpr::i32_const(0),
        Some(STATUS_GLOBAL),
    );
    let scratch = added.add(EncValType::I32, ConstExpr::i32_const(0), None);
    let mut meter = Meter {
        ink,
        status,
        scratch,
        pay: analysis.pay_for_memory_grow,
        signatures: &analysis.signatures,
        added,
    };
    let mut module = wasm_encoder::Module::new();
    meter
        .parse_core_module(&mut module, Parser::new(0), wasm)
        .map_err(|e| ProgramError::InvalidWasm(format!("instrumentation failed: {e}")))?;
    // Nitro's depth checker follows its meter (which adds no functions or types).
    crate::depth::add_depth_checks(
        &module.finish(),
        &analysis.signatures,
        meter.added.end(),
        pricing::MAX_STACK_DEPTH,
    )
}

struct Meter<'a> {
    ink: u32,
    status: u32,
    scratch: u32,
    pay: Option<u32>,
    signatures: &'a Signatures,
    added: AddedGlobals,
}

impl Meter<'_> {
    /// The charge Nitro puts at the start of a basic block.
    fn charge(&self, ink: u64, out: &mut Vec<Instruction<'static>>) {
        // Reinterpreting u64::MAX as -1 keeps the unsigned comparison saturating.
        #[allow(clippy::cast_possible_wrap)]
        let ink = ink as i64;
        out.extend([
            Instruction::GlobalGet(self.ink),
            Instruction::I64Const(ink),
            Instruction::I64LtU,
            Instruction::If(wasm_encoder::BlockType::Empty),
            Instruction::I32Const(1),
            Instruction::GlobalSet(self.status),
            Instruction::Unreachable,
            Instruction::End,
            Instruction::GlobalGet(self.ink),
            Instruction::I64Const(ink),
            Instruction::I64Sub,
            Instruction::GlobalSet(self.ink),
        ]);
    }

    /// Dynamic per-byte charge for memory.copy / memory.fill: the byte count is on the stack.
    fn dynamic_charge(&self, out: &mut Vec<Instruction<'static>>) {
        #[allow(clippy::cast_possible_wrap)]
        let per_byte = pricing::MEMORY_COPY_INK_PER_BYTE as i64;
        let cost = [
            Instruction::GlobalGet(self.scratch),
            Instruction::I64ExtendI32U,
            Instruction::I64Const(per_byte),
            Instruction::I64Mul,
        ];
        out.push(Instruction::GlobalSet(self.scratch));
        out.push(Instruction::GlobalGet(self.ink));
        out.extend(cost.iter().cloned());
        out.extend([
            Instruction::I64LtU,
            Instruction::If(wasm_encoder::BlockType::Empty),
            Instruction::I32Const(1),
            Instruction::GlobalSet(self.status),
            Instruction::Unreachable,
            Instruction::End,
            Instruction::GlobalGet(self.ink),
        ]);
        out.extend(cost.iter().cloned());
        out.extend([
            Instruction::I64Sub,
            Instruction::GlobalSet(self.ink),
            Instruction::GlobalGet(self.scratch),
        ]);
    }
}

impl Reencode for Meter<'_> {
    type Error = std::convert::Infallible;

    added_globals_hooks!();

    fn parse_function_body(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        let mut function = self.new_function_with_parsed_locals(&func)?;
        let mut reader = func.get_operators_reader()?;
        let mut block: Vec<Instruction<'_>> = Vec::new();
        let mut cost = 0u64;
        let mut out: Vec<Instruction<'_>> = Vec::new();
        let signatures = self.signatures;
        while !reader.eof() {
            let op = reader.read()?;
            cost = cost.saturating_add(pricing::op_ink(&op, |t| signatures.params(t)));
            let ends = pricing::ends_basic_block(&op);
            match op {
                Operator::MemoryGrow { .. } => {
                    if let Some(pay) = self.pay {
                        block.extend([
                            Instruction::GlobalSet(self.scratch),
                            Instruction::GlobalGet(self.scratch),
                            Instruction::GlobalGet(self.scratch),
                            Instruction::Call(pay),
                        ]);
                    }
                }
                Operator::MemoryCopy { .. } | Operator::MemoryFill { .. } => {
                    let mut dynamic = Vec::new();
                    self.dynamic_charge(&mut dynamic);
                    block.extend(dynamic);
                }
                _ => {}
            }
            block.push(self.instruction(op)?);
            if ends {
                let mut charge = Vec::new();
                self.charge(cost.saturating_add(pricing::BLOCK_HEADER_INK), &mut charge);
                out.extend(charge);
                out.append(&mut block);
                cost = 0;
            }
        }
        out.append(&mut block);
        for instruction in &out {
            function.instruction(instruction);
        }
        code.function(&function);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_wrong_prefix() {
        assert!(matches!(
            decode_code(&[0xEF, 0xF0, 0x00]),
            Err(ProgramError::NotStylus)
        ));
        assert!(matches!(
            decode_code(&[0x60, 0x00, 0x00, 0x00]),
            Err(ProgramError::NotStylus)
        ));
        assert!(matches!(
            decode_code(&[0xEF, 0xF0, 0x00, 0x02, 1]),
            Err(ProgramError::UnsupportedDictionary(2))
        ));
    }

    /// A minimal program with `extra` added: fixed memory and an entrypoint.
    fn program(extra: &str) -> Vec<u8> {
        wat::parse_str(format!(
            r#"(module {extra}
              (memory (export "memory") 1 1)
              (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
        ))
        .unwrap()
    }

    #[test]
    fn console_imports_pass_on_the_devnode_and_fail_on_a_production_chain() {
        let wasm = program(r#"(import "console" "log_i32" (func (param i32)))"#);
        assert!(analyze_for(&wasm, ChainRules::DEVNODE).is_ok());
        assert_eq!(
            analyze_for(&wasm, ChainRules::PRODUCTION).unwrap_err(),
            ProgramError::Activation(
                "imports console.log_i32: only debug chains link console".into()
            )
        );
    }

    #[test]
    fn multi_value_passes_below_stylus_3_and_fails_from_it() {
        let wasm = program("(func $pair (result i32 i32) i32.const 1 i32.const 2)");
        assert!(analyze_for(&wasm, ChainRules::DEVNODE).is_ok());
        assert_eq!(
            analyze_for(&wasm, ChainRules::PRODUCTION).unwrap_err(),
            ProgramError::InvalidWasm(
                "func type returns multiple values but the multi-value feature is not enabled \
                 (at offset 0xb)"
                    .into()
            )
        );
    }

    #[test]
    fn round_trips_compression() {
        let wasm = b"\0asm\x01\0\0\0".to_vec();
        assert_eq!(decode_code(&compress_to_code(&wasm)).unwrap(), wasm);
    }
}
