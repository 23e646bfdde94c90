//! The gas anatomy of a transaction (`debug_traceTransaction` with `{"tracer": "gasAnatomy"}`):
//! where each unit of the receipt's `gasUsed` went, recorded where the devnode charges it.
//!
//! - **intrinsic** and **calldata**: the transaction's intrinsic gas (21,000, or 53,000 and the
//!   init-code words for a create, plus the access list) and its calldata (4 per zero byte, 16 per
//!   other byte), as revm charged them before the first frame: the gas limit less the first frame's
//!   limit;
//! - **programEntries**: every time the transaction enters a Stylus program, the entry cost the
//!   Stylus runtime charged (memory pages, cached gas, init gas unless ArbWasmCache cached the
//!   program; docs/nitro.md §4.3);
//! - **storageReads**: Stylus `storage_load_bytes32` (the EVM gas of the state loads, count = loads
//!   that reached the state, and the storage-cache surcharge of every load) and EVM `SLOAD`s;
//! - **storageWrites**: Stylus `storage_cache_bytes32` surcharges and `storage_flush_cache` (count
//!   = slots written to the state) and EVM `SSTORE`s;
//! - **events**: Stylus `emit_log` and EVM `LOG0`..`LOG4`;
//! - **calls**: every call or create a frame makes (Stylus `call_contract`,
//!   `delegate_call_contract`, `static_call_contract`, `create1`, `create2`; EVM `CALL`,
//!   `CALLCODE`, `DELEGATECALL`, `STATICCALL`, `CREATE`, `CREATE2`), charged for the call itself:
//!   what the caller paid less the gas limit the callee received (access, value transfer, new
//!   account, memory, less the stipend), never the callee's own work, which is counted in its own
//!   frame;
//! - **execution**: the rest of each frame's gas: WASM ink (opcodes and host-function ink) and the
//!   EVM opcodes not listed above, precompiles' own gas included;
//! - **refund**: the EIP-3529 refund the transaction got back (negative).
//!
//! The parts add up to `gasUsed` exactly: each frame's own gas (its gas used less what its
//! callees used) is split into the parts its charging sites recorded, and execution is what
//! remains of it; the frames' own gas, the intrinsic and calldata gas and the refund are the
//! receipt's gas as revm accounts it (`devnode/tests/anatomy.rs` checks the sum on Stylus and EVM
//! transactions). The EVM parts are recorded by wrapping the instructions that charge them
//! (`instruction_table`), the Stylus parts by the host functions and the entry code.

use revm::interpreter::InterpreterResult;
use serde::{Deserialize, Serialize};

/// A count and the gas it cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// How many (program entries, state loads, slots written, events, calls).
    pub count: u64,
    /// The gas charged for them.
    pub gas: i64,
}

impl Part {
    fn add(&mut self, other: Self) {
        self.count += other.count;
        self.gas += other.gas;
    }
}

/// Where a transaction's gas went. Every field is gas except the parts' counts; the parts
/// (everything but `gasUsed`) add up to `gasUsed`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GasAnatomy {
    /// The receipt's `gasUsed`.
    pub gas_used: u64,
    /// Intrinsic gas without the calldata: 21,000 (53,000 and init-code words for a create),
    /// plus the access list.
    pub intrinsic: u64,
    /// Calldata gas: 4 per zero byte, 16 per other byte.
    pub calldata: u64,
    /// Stylus program entries and their entry cost.
    pub program_entries: Part,
    /// Storage reads (Stylus state loads, EVM `SLOAD`s).
    pub storage_reads: Part,
    /// Storage writes (Stylus slots flushed, EVM `SSTORE`s).
    pub storage_writes: Part,
    /// Events (Stylus `emit_log`, EVM `LOG*`).
    pub events: Part,
    /// Calls and creates, charged for the call itself (not the callee's work).
    pub calls: Part,
    /// Everything else the frames spent: WASM ink, other EVM opcodes, precompiles.
    pub execution: i64,
    /// The refund (EIP-3529), zero or negative.
    pub refund: i64,
}

impl GasAnatomy {
    /// The sum of the parts (equal to `gas_used`).
    pub fn sum(&self) -> i64 {
        let fixed = i64::try_from(self.intrinsic + self.calldata).unwrap_or(i64::MAX);
        fixed
            + self.program_entries.gas
            + self.storage_reads.gas
            + self.storage_writes.gas
            + self.events.gas
            + self.calls.gas
            + self.execution
            + self.refund
    }
}

/// What a charging site records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Charge {
    /// A Stylus program entry.
    Entry,
    /// A storage read.
    Read,
    /// A storage write (or a Stylus storage-cache surcharge, `count` 0).
    Write,
    /// An event.
    Event,
    /// A call or create: the gas the caller was charged *including* the callee's gas limit
    /// (subtracted when the callee's frame opens).
    Call,
}

/// One open frame.
#[derive(Debug, Default)]
struct Frame {
    limit: u64,
    /// Gas used by the frames this one opened (as this frame was charged for them).
    children_used: u64,
    /// Gas limits the frames this one opened received.
    children_limit: u64,
    entries: Part,
    reads: Part,
    writes: Part,
    events: Part,
    /// Calls: the gross charge (callee's limit included).
    calls: Part,
}

fn signed(gas: u64) -> i64 {
    i64::try_from(gas).unwrap_or(i64::MAX)
}

/// Records a transaction's anatomy while it runs (it rides in the Stylus extension of revm's
/// context, as the call tracer does).
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    frames: Vec<Frame>,
    total: GasAnatomy,
    /// The first frame's gas limit, gas used and refund (once it closed).
    top: Option<(u64, u64, i64)>,
}

impl Recorder {
    /// A frame opens with `limit` gas.
    pub(crate) fn enter(&mut self, limit: u64) {
        if let Some(parent) = self.frames.last_mut() {
            parent.children_limit = parent.children_limit.saturating_add(limit);
        }
        self.frames.push(Frame {
            limit,
            ..Frame::default()
        });
    }

    /// The innermost frame is charged `gas` for `count` of `what`.
    pub(crate) fn charge(&mut self, what: Charge, count: u64, gas: u64) {
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        let part = match what {
            Charge::Entry => &mut frame.entries,
            Charge::Read => &mut frame.reads,
            Charge::Write => &mut frame.writes,
            Charge::Event => &mut frame.events,
            Charge::Call => &mut frame.calls,
        };
        part.add(Part {
            count,
            gas: signed(gas),
        });
    }

    /// The innermost frame closes with `result`.
    pub(crate) fn exit(&mut self, result: &InterpreterResult) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        // What the frame's caller is charged for it: all its gas, less what comes back (only
        // on success or revert; revm's `insert_call_outcome` and the host's calls alike).
        let returned = if result.result.is_ok() || result.result.is_revert() {
            result.gas.remaining()
        } else {
            0
        };
        let used = frame.limit.saturating_sub(returned);
        let own = signed(used) - signed(frame.children_used);
        let calls = Part {
            count: frame.calls.count,
            gas: frame.calls.gas - signed(frame.children_limit),
        };
        let listed =
            frame.entries.gas + frame.reads.gas + frame.writes.gas + frame.events.gas + calls.gas;
        let total = &mut self.total;
        total.program_entries.add(frame.entries);
        total.storage_reads.add(frame.reads);
        total.storage_writes.add(frame.writes);
        total.events.add(frame.events);
        total.calls.add(calls);
        total.execution += own - listed;
        if let Some(parent) = self.frames.last_mut() {
            parent.children_used = parent.children_used.saturating_add(used);
        } else {
            let refund = if result.result.is_ok() {
                result.gas.refunded()
            } else {
                0
            };
            self.top = Some((frame.limit, used, refund));
        }
    }

    /// The anatomy of the transaction that ran with `gas_limit` and `input`, whose receipt says
    /// `gas_used`. `None` if no frame opened (the transaction failed validation).
    pub(crate) fn finish(self, gas_limit: u64, input: &[u8], gas_used: u64) -> Option<GasAnatomy> {
        let (limit, used, refunded) = self.top?;
        let mut anatomy = self.total;
        let charged_first = gas_limit.saturating_sub(limit);
        let calldata: u64 = input
            .iter()
            .map(|b| if *b == 0 { 4 } else { 16 })
            .sum::<u64>()
            .min(charged_first);
        anatomy.intrinsic = charged_first - calldata;
        anatomy.calldata = calldata;
        // EIP-3529: at most a fifth of the gas spent comes back.
        let spent = charged_first + used;
        let refund = u64::try_from(refunded.max(0)).unwrap_or(0).min(spent / 5);
        anatomy.refund = -signed(refund);
        anatomy.gas_used = gas_used;
        Some(anatomy)
    }
}
