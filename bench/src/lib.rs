//! Gas benchmark: Tributary's Stylus contracts against a plain Solidity reference
//! (`bench/solidity/UsageReference.sol`), both on one in-process devnode.
//!
//! `cargo run --profile fast -p tributary-bench --bin gas [-- --json FILE] [--build]`
//!
//! What a run does ([`run`]):
//! 1. starts an in-process devnode and deploys the Tributary contracts with `tributary::world` from
//!    the WASM `tributary build` left in `target/stylus` (run `cargo run -p tributary -- build`
//!    first, or pass `--build` to build them in the run);
//! 2. compiles the reference with the pinned npm solc ([`solc`]) and deploys it on the same
//!    devnode;
//! 3. sets both up with the same licenses and escrow ([`workload`]) and takes a snapshot;
//! 4. runs the Tributary scenario ([`tributary_side`]) with the programs uncached, reverts to the
//!    snapshot, caches every Tributary program with `ArbWasmCache.cacheProgram` from the chain
//!    owner ([`chain::cache_programs`]; cached calls skip the programs' init gas) and runs the same
//!    scenario again, from the same state, then reverts once more and runs the reference scenario
//!    ([`reference`]);
//! 5. prints one row per operation ([`rows`]): gas is the transaction receipt's `gasUsed`, the
//!    21,000 intrinsic included (the devnode charges no L1 data fee), the ratio is Tributary ÷
//!    reference; `--json FILE` writes the rows as `[{"operation", "tributary", "tributary_cached",
//!    "reference"}]`.
//!
//! Between runs the settlement rows move by a few dozen gas: the batches' timestamps follow the
//! devnode's wall clock, and calldata costs 4 gas per zero byte and 16 per other byte. Within a
//! run, the uncached and cached Tributary scenarios send identical transactions (both start from
//! the same snapshot, head timestamp included).

// Nitro's names (ArbWasmCache, ArbOS, StylusDeployer) are proper nouns in these docs, not code.
#![allow(clippy::doc_markdown)]

pub mod chain;
pub mod reference;
pub mod rows;
pub mod solc;
pub mod tributary_side;
pub mod workload;

use alloy::signers::local::PrivateKeySigner;
use tributary::{
    deploy::{Programs, UsageParameters},
    world::{self, World},
};

use crate::{
    chain::Accounts,
    reference::ReferenceSide,
    rows::{Measurements, Row},
    tributary_side::TributarySide,
};

/// A benchmark failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchError(pub String);

impl std::fmt::Display for BenchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BenchError {}

/// The challenge window Tributary is deployed with: an hour, so the scenario can travel past it.
pub const CHALLENGE_WINDOW: u64 = 3600;

/// What a run measured.
#[derive(Debug, Clone)]
pub struct Report {
    /// The rows, in table order.
    pub rows: Vec<Row>,
    /// The reference's measurements, including operations Tributary has no row for yet.
    pub reference: Measurements,
    /// Gas of each `cacheProgram` transaction (what caching every program cost).
    pub caching: Vec<(String, u64)>,
}

/// Runs the benchmark on the devnode at `url` (a fresh chain whose first dev account is the
/// chain owner) with the Tributary `programs` and the compiled `reference`.
pub async fn run(
    url: &str,
    signers: &[PrivateKeySigner],
    programs: &Programs,
    reference: solc::Artifact,
    log: &mut impl FnMut(&str),
) -> Result<Report, BenchError> {
    let accounts = Accounts::from_signers(signers)?;
    let chain = world::connect(url, signers)?;
    let parameters = UsageParameters {
        challenge_window: CHALLENGE_WINDOW,
        ..UsageParameters::default()
    };
    log("deploying the Tributary contracts");
    let world = World::deploy(chain, accounts.deployer, programs, parameters, |_| {}).await?;
    let tributary = TributarySide::set_up(&world, &accounts).await?;
    log("deploying the Solidity reference");
    let reference = ReferenceSide::deploy(&world, reference, &accounts).await?;

    let start = chain::snapshot(&world.chain).await?;
    log("Tributary, programs uncached");
    let mut uncached = Measurements::default();
    tributary.measure(&world, &mut uncached).await?;
    chain::revert(&world.chain, start).await?;

    let start = chain::snapshot(&world.chain).await?;
    log("Tributary, programs cached");
    let steps = chain::cache_programs(&world, accounts.deployer).await?;
    let caching = steps.into_iter().map(|s| (s.label, s.gas_used)).collect();
    let mut cached = Measurements::default();
    tributary.measure(&world, &mut cached).await?;
    chain::revert(&world.chain, start).await?;

    log("Solidity reference");
    let mut measured = Measurements::default();
    reference.measure(&world, &mut measured).await?;

    let rows = rows::rows(&uncached, &cached, &measured).map_err(|e| BenchError(e.to_string()))?;
    Ok(Report {
        rows,
        reference: measured,
        caching,
    })
}
