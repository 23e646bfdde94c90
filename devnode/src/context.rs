//! The revm context every layer above shares: the in-memory database, the Stylus extension
//! that rides in revm's external context, and the gas helpers that build frame results.
//!
//! This module depends on revm only; the host, the Stylus runtime, the precompiles and the
//! executor all build on it.

use std::{collections::HashMap, convert::Infallible};

use revm::{
    db::{CacheDB, EmptyDB},
    interpreter::{Gas, InstructionResult, InterpreterResult},
    primitives::{Address, Bytes, EVMError, B256},
    Context, EvmContext,
};

use crate::{anatomy::Recorder, trace::CallTracer};

/// The node's database: accounts, code and storage in memory.
pub(crate) type Db = CacheDB<EmptyDB>;
/// revm context with the Stylus extension.
pub(crate) type Ctx = Context<StylusExt, Db>;
/// Errors from the EVM (the in-memory database cannot fail).
pub(crate) type EvmError = EVMError<Infallible>;

/// Per-transaction Stylus state that lives in revm's external context.
#[derive(Debug, Default)]
pub(crate) struct StylusExt {
    /// Frames currently running per acting address (`msg_reentrant`, docs/nitro.md §5.1).
    pub(crate) entered: HashMap<Address, u32>,
    /// One entry per open frame: the address whose counter it raised, if any.
    pub(crate) frame_stack: Vec<Option<Address>>,
    /// WASM pages held open by running Stylus frames in this transaction.
    pub(crate) open_pages: u32,
    /// Most pages ever open in this transaction.
    pub(crate) ever_pages: u32,
    /// Why the last Stylus frame failed before running (e.g. `ProgramNotActivated`).
    pub(crate) last_failure: Option<String>,
    /// Output of the debug-chain `console` imports.
    pub(crate) console: Vec<String>,
    /// geth's callTracer, while a traced transaction or call runs (`debug_trace*`).
    pub(crate) tracer: Option<CallTracer>,
    /// The gas-anatomy recorder, while a transaction is traced with `gasAnatomy`.
    pub(crate) anatomy: Option<Recorder>,
}

impl StylusExt {
    /// Clears per-transaction counters.
    pub(crate) fn begin_transaction(&mut self) {
        self.entered.clear();
        self.frame_stack.clear();
        self.open_pages = 0;
        self.ever_pages = 0;
        self.last_failure = None;
    }

    /// Records an opened frame; `counted` is the address whose `msg_reentrant` counter it
    /// raises (none for delegate calls, which act for their caller).
    pub(crate) fn push_frame(&mut self, counted: Option<Address>) {
        if let Some(address) = counted {
            *self.entered.entry(address).or_insert(0) += 1;
        }
        self.frame_stack.push(counted);
    }

    /// Tells the tracers, if any is attached, that a frame opens with `gas_limit`: the gas
    /// anatomy here, the call tracer where the frame's inputs are known.
    pub(crate) fn anatomy_enter(&mut self, gas_limit: u64) {
        if let Some(anatomy) = self.anatomy.as_mut() {
            anatomy.enter(gas_limit);
        }
    }

    /// Tells the tracers, if any is attached, that the innermost frame exited with `result`.
    pub(crate) fn trace_exit(&mut self, result: &InterpreterResult) {
        if let Some(anatomy) = self.anatomy.as_mut() {
            anatomy.exit(result);
        }
        if let Some(tracer) = self.tracer.as_mut() {
            tracer.exit(
                result.result,
                &result.output,
                result.gas.remaining(),
                self.last_failure.as_deref(),
            );
        }
    }

    /// Records a closed frame.
    pub(crate) fn pop_frame(&mut self) {
        if let Some(Some(address)) = self.frame_stack.pop() {
            if let Some(n) = self.entered.get_mut(&address) {
                *n = n.saturating_sub(1);
            }
        }
    }
}

/// An empty context to leave behind while the real one is lent to a WASM store.
pub(crate) fn placeholder() -> Ctx {
    Context::new(EvmContext::new(Db::default()), StylusExt::default())
}

/// Gas object with `remaining` left of `limit`.
pub(crate) fn gas_with_remaining(limit: u64, remaining: u64) -> Gas {
    let mut gas = Gas::new(limit);
    let _ = gas.record_cost(limit.saturating_sub(remaining));
    gas
}

/// An interpreter result that consumed all gas.
pub(crate) fn halt(result: InstructionResult, limit: u64) -> InterpreterResult {
    InterpreterResult {
        result,
        output: Bytes::new(),
        gas: Gas::new_spent(limit),
    }
}

/// keccak256 of code (used when revm did not supply a code hash).
pub(crate) fn code_hash(code: &[u8]) -> B256 {
    revm::primitives::keccak256(code)
}
