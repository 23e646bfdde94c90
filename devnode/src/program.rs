//! Compiled Stylus programs and the shared WASM runtime (engine, linker, module cache).
//!
//! Each program is validated, instrumented and compiled by wasmi once, at activation, and
//! cached by code hash; every call instantiates the cached module.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use revm::primitives::B256;
use wasmi::{CompilationMode, Config, Engine, Linker, Module};

use crate::{
    error::ProgramError,
    host::{self, HostState},
    pricing::ModuleStats,
    wasm,
};

/// wasmi's own call-depth bound, above what Nitro's word-counted limit allows (every frame is
/// at least 4 words, so at most `MaxStackDepth / 4` = 65,536 calls nest): the depth checker
/// ([`crate::depth`]) always trips first.
const MAX_RECURSION_DEPTH: usize = 65_537;
/// wasmi's value-stack bound in cells, well above `MaxStackDepth` words.
const MAX_STACK_HEIGHT: usize = 4 * 1024 * 1024;

/// A program compiled for execution.
#[derive(Debug)]
pub struct Program {
    /// The instrumented module.
    pub module: Module,
    /// Statistics for Nitro's cost formulas.
    pub stats: ModuleStats,
}

/// Engine, linker and the compiled-module cache shared by every node clone.
#[derive(Debug)]
pub struct Runtime {
    /// wasmi engine.
    pub(crate) engine: Engine,
    /// Linker with all `vm_hooks` and `console` functions.
    pub(crate) linker: Linker<HostState>,
    cache: Mutex<HashMap<B256, Arc<Program>>>,
}

impl Runtime {
    /// Builds the engine and links every host function.
    pub fn new() -> Self {
        let mut config = Config::default();
        config
            .wasm_multi_value(true)
            .wasm_bulk_memory(true)
            .wasm_reference_types(false)
            .wasm_tail_call(false)
            .wasm_multi_memory(false)
            .wasm_extended_const(false)
            .floats(true)
            .consume_fuel(false)
            .set_max_recursion_depth(MAX_RECURSION_DEPTH)
            .set_max_stack_height(MAX_STACK_HEIGHT)
            .compilation_mode(CompilationMode::Eager);
        let engine = Engine::new(&config);
        let mut linker = Linker::new(&engine);
        host::link(&mut linker);
        Self {
            engine,
            linker,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Validates, instruments and compiles `code` (Stylus-prefixed), without caching it.
    pub fn compile(&self, code: &[u8]) -> Result<Program, ProgramError> {
        let raw = wasm::decode_code(code)?;
        let analysis = wasm::analyze(&raw)?;
        let instrumented = wasm::instrument(&raw, &analysis)?;
        let module = Module::new(&self.engine, &instrumented[..])
            .map_err(|e| ProgramError::InvalidWasm(e.to_string()))?;
        Ok(Program {
            module,
            stats: analysis.stats,
        })
    }

    /// The cached program for `codehash`, compiling `code` on a miss.
    pub fn program(&self, codehash: B256, code: &[u8]) -> Result<Arc<Program>, ProgramError> {
        if let Some(program) = self.cached(codehash) {
            return Ok(program);
        }
        let program = Arc::new(self.compile(code)?);
        self.insert(codehash, Arc::clone(&program));
        Ok(program)
    }

    /// The cached program for `codehash`, if compiled.
    pub fn cached(&self, codehash: B256) -> Option<Arc<Program>> {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&codehash)
            .cloned()
    }

    /// Caches a compiled program.
    pub fn insert(&self, codehash: B256, program: Arc<Program>) {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(codehash, program);
    }

    /// Number of compiled programs (for tests: compile-once checks).
    pub fn compiled_count(&self) -> usize {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

impl Default for Runtime {
    fn default() -> Self {
        Self::new()
    }
}
