//! Turns a cargo-built contract into WASM that an Arbitrum Nitro node accepts, checks it the way
//! Nitro's activation does, and compresses it into deployable Stylus code.
//!
//! Raw rustc output uses an overlong (5-byte) table index in `call_indirect`, which is only
//! legal with the reference-types proposal that Nitro disables ("zero byte expected"). A round
//! trip through the text format re-encodes it canonically, as cargo-stylus does before deploy.

use std::{collections::HashSet, fmt, io::Cursor};

use wasmparser::{
    ExternalKind, FuncType, Operator, Parser, Payload, TypeRef, ValType, Validator, WasmFeatures,
};

/// The EVM code-size limit that Nitro applies to the stored Stylus code (prefix + brotli).
pub const MAX_CODE_SIZE: usize = 24_576;
/// Bytes in front of the brotli stream: `EF F0 00` and the dictionary byte (0 = none).
pub const STYLUS_PREFIX: [u8; 4] = [0xEF, 0xF0, 0x00, 0x00];
/// Largest decompressed WASM Nitro activates (`MaxWasmSize`, 128 KiB before `ArbOS` 60).
pub const MAX_WASM_SIZE: usize = 128 * 1024;
/// Brotli quality Nitro compresses with (`LEVEL_WELL`).
pub const BROTLI_QUALITY: i32 = 11;
/// Brotli window Nitro compresses with (`WINDOW_SIZE`).
pub const BROTLI_WINDOW: i32 = 22;

/// Nitro's activation limits on module structure (`crates/prover/src/binary.rs`).
const MAX_DATA_SEGMENTS: u32 = 128;
const MAX_ELEMENT_SEGMENTS: u32 = 128;
const MAX_FUNCTIONS: u32 = 4096;
const MAX_LOCALS: u32 = 348;
const MAX_IMPORTS: u32 = 513;
const MAX_EXPORTS: u32 = 1024;
const MAX_INITIAL_PAGES: u64 = 128;

/// Why a module would not be activated by Nitro, or would not fit on chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WasmError {
    /// The text-format round trip failed.
    RoundTrip(String),
    /// `wasmparser` rejected the module under Nitro's feature set.
    Invalid(String),
    /// A structural rule of Nitro's activation is broken.
    Rule(String),
    /// The decompressed module exceeds `MaxWasmSize`.
    TooLarge {
        /// Decompressed size in bytes.
        size: usize,
    },
    /// Prefix + compressed module exceed the code-size limit.
    OverLimit {
        /// Code size (prefix + brotli) in bytes.
        code_size: usize,
    },
}

impl fmt::Display for WasmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RoundTrip(e) => write!(f, "wasm -> wat -> wasm round trip failed: {e}"),
            Self::Invalid(e) => write!(f, "invalid under Nitro's WASM features: {e}"),
            Self::Rule(e) => write!(f, "Nitro would refuse to activate it: {e}"),
            Self::TooLarge { size } => write!(
                f,
                "decompressed WASM is {size} bytes, over Nitro's MaxWasmSize of {MAX_WASM_SIZE}"
            ),
            Self::OverLimit { code_size } => write!(
                f,
                "code is {code_size} bytes (prefix + brotli), over the {MAX_CODE_SIZE}-byte limit \
                 by {}",
                code_size - MAX_CODE_SIZE
            ),
        }
    }
}

impl std::error::Error for WasmError {}

/// A contract ready to deploy.
#[derive(Debug, Clone)]
pub struct StylusProgram {
    /// The canonical WASM after the round trip.
    pub wasm: Vec<u8>,
    /// Brotli stream of `wasm` (quality 11, window 22).
    pub compressed: Vec<u8>,
}

impl StylusProgram {
    /// The on-chain code: [`STYLUS_PREFIX`] followed by the brotli stream.
    pub fn code(&self) -> Vec<u8> {
        let mut code = Vec::with_capacity(STYLUS_PREFIX.len() + self.compressed.len());
        code.extend_from_slice(&STYLUS_PREFIX);
        code.extend_from_slice(&self.compressed);
        code
    }

    /// Size of [`Self::code`] in bytes.
    pub fn code_size(&self) -> usize {
        STYLUS_PREFIX.len() + self.compressed.len()
    }
}

/// The WASM features Nitro's validator enables (reference-types, multi-value, SIMD and every
/// later proposal off).
pub fn nitro_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS
        | WasmFeatures::GC_TYPES
}

/// Re-encodes `wasm` through the text format.
pub fn round_trip(wasm: &[u8]) -> Result<Vec<u8>, WasmError> {
    let text = wasmprinter::print_bytes(wasm).map_err(|e| WasmError::RoundTrip(e.to_string()))?;
    wat::parse_str(&text).map_err(|e| WasmError::RoundTrip(e.to_string()))
}

/// Round-trips, validates and compresses a cargo-built contract.
pub fn prepare(raw: &[u8]) -> Result<StylusProgram, WasmError> {
    let wasm = round_trip(raw)?;
    check_activation(&wasm)?;
    if wasm.len() > MAX_WASM_SIZE {
        return Err(WasmError::TooLarge { size: wasm.len() });
    }
    let program = StylusProgram {
        compressed: compress(&wasm),
        wasm,
    };
    if program.code_size() > MAX_CODE_SIZE {
        return Err(WasmError::OverLimit {
            code_size: program.code_size(),
        });
    }
    Ok(program)
}

/// Brotli-compresses with Nitro's parameters and no dictionary.
///
/// # Panics
/// Never: compressing from a slice into a `Vec` performs no I/O that can fail.
pub fn compress(wasm: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW,
        ..Default::default()
    };
    let mut out = Vec::new();
    // Writing into a Vec from a byte slice cannot fail: both ends are in memory.
    brotli::BrotliCompress(&mut Cursor::new(wasm), &mut out, &params)
        .expect("in-memory brotli compression cannot fail");
    out
}

/// Decompresses a brotli stream, refusing output above [`MAX_WASM_SIZE`].
pub fn decompress(compressed: &[u8]) -> Result<Vec<u8>, WasmError> {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut Cursor::new(compressed), &mut out)
        .map_err(|e| WasmError::Rule(format!("brotli stream does not decode: {e}")))?;
    if out.len() > MAX_WASM_SIZE {
        return Err(WasmError::TooLarge { size: out.len() });
    }
    Ok(out)
}

/// The signature, as (params, results), of each of the 42 `vm_hooks` functions Nitro links
/// (`crates/wasm-libraries/forward/lib.rs`); `None` for any other name. One table serves the
/// build's checks and the devnode's linker.
pub use tributary_devnode::wasm::vm_hook_signature;

/// What the activation rules need to know about a module, gathered in one pass.
#[derive(Default)]
struct ModuleFacts {
    types: Vec<FuncType>,
    func_types: Vec<u32>,
    imported: HashSet<String>,
    imports: u32,
    exports: u32,
    memory_exported: bool,
    entrypoint: Option<u32>,
    memories: Vec<wasmparser::MemoryType>,
}

fn invalid(e: wasmparser::BinaryReaderError) -> WasmError {
    WasmError::Invalid(e.to_string())
}

fn rule<T>(msg: String) -> Result<T, WasmError> {
    Err(WasmError::Rule(msg))
}

/// Checks the rules Nitro's activation applies beyond plain validation: imports, exports,
/// memory, start function, floating point, structural counts and stack frames.
pub fn check_activation(wasm: &[u8]) -> Result<(), WasmError> {
    let mut validator = Validator::new_with_features(nitro_features());
    validator.validate_all(wasm).map_err(invalid)?;
    let mut facts = ModuleFacts::default();
    for payload in Parser::new(0).parse_all(wasm) {
        facts.visit(payload.map_err(invalid)?)?;
    }
    facts.check()?;
    // Stack frames (NITRO-FACTS §1.3) are measured on the ink-metered code: run the devnode's
    // activation pipeline (validation, metering, depth checks) as deploying would.
    let activation = |e: tributary_devnode::ProgramError| WasmError::Rule(e.to_string());
    let analysis = tributary_devnode::wasm::analyze(wasm).map_err(activation)?;
    tributary_devnode::wasm::instrument(wasm, &analysis).map_err(activation)?;
    Ok(())
}

impl ModuleFacts {
    fn visit(&mut self, payload: Payload<'_>) -> Result<(), WasmError> {
        match payload {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    self.types.push(ty.map_err(invalid)?);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader {
                    self.import(&import.map_err(invalid)?)?;
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    self.func_types.push(ty.map_err(invalid)?);
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    self.memories.push(memory.map_err(invalid)?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    self.export(&export.map_err(invalid)?)?;
                }
            }
            Payload::StartSection { .. } => return rule("has a start function".into()),
            Payload::DataSection(reader) if reader.count() > MAX_DATA_SEGMENTS => {
                return rule(format!(
                    "has {} data segments (max {MAX_DATA_SEGMENTS})",
                    reader.count()
                ));
            }
            Payload::ElementSection(reader) if reader.count() > MAX_ELEMENT_SEGMENTS => {
                return rule(format!(
                    "has {} element segments (max {MAX_ELEMENT_SEGMENTS})",
                    reader.count()
                ));
            }
            Payload::CodeSectionStart { count, .. } if count > MAX_FUNCTIONS => {
                return rule(format!("has {count} functions (max {MAX_FUNCTIONS})"));
            }
            Payload::CodeSectionEntry(body) => check_body(&body)?,
            _ => {}
        }
        Ok(())
    }

    fn import(&mut self, import: &wasmparser::Import<'_>) -> Result<(), WasmError> {
        let (module, name) = (import.module, import.name);
        self.imports += 1;
        let TypeRef::Func(ty) = import.ty else {
            return rule(format!("imports {module}.{name}, which is not a function"));
        };
        if module != "vm_hooks" {
            return rule(format!("imports {module}.{name}: only vm_hooks is linked"));
        }
        let Some((params, results)) = vm_hook_signature(name) else {
            return rule(format!("imports unknown host function vm_hooks.{name}"));
        };
        let actual = self.types.get(ty as usize);
        if actual.is_none_or(|t| t.params() != params || t.results() != results) {
            return rule(format!(
                "vm_hooks.{name} is imported with the wrong signature"
            ));
        }
        self.imported.insert(name.to_owned());
        self.func_types.push(ty);
        Ok(())
    }

    fn export(&mut self, export: &wasmparser::Export<'_>) -> Result<(), WasmError> {
        self.exports += 1;
        if export.name.starts_with("stylus") {
            return rule(format!("export name {} is reserved", export.name));
        }
        match (export.name, export.kind) {
            ("memory", ExternalKind::Memory) if export.index != 0 => {
                return rule("exports a memory other than index 0 as memory".into());
            }
            ("memory", ExternalKind::Memory) => self.memory_exported = true,
            ("user_entrypoint", ExternalKind::Func) => self.entrypoint = Some(export.index),
            _ => {}
        }
        Ok(())
    }

    fn check(&self) -> Result<(), WasmError> {
        if self.imports > MAX_IMPORTS {
            return rule(format!("has {} imports (max {MAX_IMPORTS})", self.imports));
        }
        if self.exports > MAX_EXPORTS {
            return rule(format!("has {} exports (max {MAX_EXPORTS})", self.exports));
        }
        if !self.memory_exported {
            return rule("does not export its memory as \"memory\"".into());
        }
        let Some(entry) = self.entrypoint else {
            return rule("does not export user_entrypoint".into());
        };
        let entry_ty = self
            .func_types
            .get(entry as usize)
            .and_then(|t| self.types.get(*t as usize));
        if entry_ty.is_none_or(|t| t.params() != [ValType::I32] || t.results() != [ValType::I32]) {
            return rule("user_entrypoint is not (i32) -> i32".into());
        }
        let [memory] = self.memories.as_slice() else {
            return rule(format!(
                "has {} memories; exactly one is required",
                self.memories.len()
            ));
        };
        if memory.initial > MAX_INITIAL_PAGES {
            return rule(format!(
                "starts with {} memory pages (max {MAX_INITIAL_PAGES})",
                memory.initial
            ));
        }
        if memory.maximum != Some(memory.initial) && !self.imported.contains("pay_for_memory_grow")
        {
            return rule(
                "has growable memory but does not import vm_hooks.pay_for_memory_grow".into(),
            );
        }
        Ok(())
    }
}

/// Per-function rules: declared locals and no floating-point arithmetic (Nitro gives user
/// programs no soft-float; loads, stores, constants and reinterprets are parsed but unpriced).
fn check_body(body: &wasmparser::FunctionBody<'_>) -> Result<(), WasmError> {
    let mut locals = 0u32;
    for local in body.get_locals_reader().map_err(invalid)? {
        locals = locals.saturating_add(local.map_err(invalid)?.0);
    }
    if locals > MAX_LOCALS {
        return Err(WasmError::Rule(format!(
            "a function declares {locals} locals (max {MAX_LOCALS})"
        )));
    }
    let mut ops = body.get_operators_reader().map_err(invalid)?;
    while !ops.eof() {
        let op = ops.read().map_err(invalid)?;
        if is_float_arithmetic(&op) {
            return Err(WasmError::Rule(format!(
                "uses floating-point operation {op:?}"
            )));
        }
    }
    Ok(())
}

fn is_float_arithmetic(op: &Operator<'_>) -> bool {
    let name = format!("{op:?}");
    let name = name.split([' ', '{', '(']).next().unwrap_or_default();
    let mentions_float = name.contains("F32") || name.contains("F64");
    let allowed = matches!(
        op,
        Operator::F32Load { .. }
            | Operator::F64Load { .. }
            | Operator::F32Store { .. }
            | Operator::F64Store { .. }
            | Operator::F32Const { .. }
            | Operator::F64Const { .. }
            | Operator::I32ReinterpretF32
            | Operator::I64ReinterpretF64
            | Operator::F32ReinterpretI32
            | Operator::F64ReinterpretI64
    );
    mentions_float && !allowed
}
