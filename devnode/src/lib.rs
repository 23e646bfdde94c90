//! Tributary's devnode core: an in-process Arbitrum chain that runs EVM bytecode through revm
//! and Stylus WASM through wasmi with Nitro's semantics and gas (see `docs/nitro.md`).
//!
//! ```no_run
//! use revm::primitives::{address, U256};
//! use tributary_devnode::{Devnode, TxRequest};
//!
//! let mut node = Devnode::new();
//! let alice = address!("00000000000000000000000000000000000a11ce");
//! node.set_balance(alice, U256::from(10u64).pow(U256::from(20u64)));
//! # let wasm: Vec<u8> = Vec::new();
//! let program = node.deploy_stylus(alice, &wasm).unwrap();
//! let receipt = node
//!     .send(TxRequest::call(alice, program, vec![1, 2, 3]))
//!     .unwrap();
//! assert!(receipt.status);
//! ```
//!
//! Modules, bottom to top (each uses only modules above it in this list):
//! [`error`] and [`pricing`] (Nitro's price schedule); [`wasm`] with [`depth`] (prefix, brotli,
//! activation validation, ink and depth instrumentation); [`trace`] (geth's callTracer frames)
//! and [`anatomy`] (where a transaction's gas went, `{"tracer": "gasAnatomy"}`);
//! `context` (the revm context types every layer shares, the tracer riding in them); `host`
//! (the `vm_hooks`, calling back into the EVM through the small `EvmApi` trait); [`program`]
//! (engine, linker, compiled-module cache); [`arbwasm`] (the 0x71/0x72 precompiles and the
//! program records); `stylus` (one Stylus frame); `exec` (revm handler wiring, where every frame
//! opens and closes; implements `EvmApi`); `history` (blocks, transactions, receipts, recent
//! states: the one record of the chain's past); [`node`] (the chain API); [`rpc`] (JSON-RPC).

// Nitro's names (ArbWasm, ArbOS, StylusDeployer, …) are proper nouns in these docs, not code.
#![allow(clippy::doc_markdown)]

pub mod anatomy;
pub mod arbwasm;
mod context;
pub mod depth;
pub mod error;
mod exec;
mod history;
mod host;
mod instrument;
pub mod node;
pub mod pricing;
pub mod program;
pub mod rpc;
mod stylus;
pub mod trace;
pub mod wasm;

pub use error::{DevnodeError, ProgramError};
pub use node::{
    AccountDump, BlockRecord, BlockState, CallResult, ChainLog, Devnode, History, Receipt,
    StateDump, TxRecord, TxRequest,
};
pub use revm;
