//! Benchmarks on an in-process devnode: `gas`, Tributary's Stylus contracts against plain
//! Solidity references (`bench/solidity/`), `gateway`, the access gateway's
//! throughput on one core and the cost of anchoring its receipts (see [the gateway
//! benchmark](#the-gateway-benchmark) below), and `explorer`, the explorer's catch-up speed
//! ([the explorer benchmark](#the-explorer-benchmark)).
//!
//! # The gas benchmark
//!
//! `cargo run --profile fast -p tributary-bench --bin gas [-- --json FILE] [--build]`
//!
//! What a run does ([`run`]):
//! 1. starts an in-process devnode and deploys the Tributary contracts with `tributary::world` from
//!    the WASM `tributary build` left in `target/stylus` (run `cargo run -p tributary -- build`
//!    first, or pass `--build` to build them in the run);
//! 2. compiles the references with the pinned npm solc ([`solc`]) and deploys them on the same
//!    devnode: `UsageReference.sol` (per-receipt usage settlement, escrow), `SplitReference.sol` (a
//!    pull-based pro-rata splitter), `LicenseReference.sol` (an offer book selling ERC-721 licenses
//!    whose price is paid into a `SplitReference` split), `MerkleSplitReference.sol`
//!    (`SplitReference` with Merkle splits and OpenZeppelin-style proofs) and
//!    `DatanetReference.sol` (EIP-712 attribution reports that become the next version of a
//!    `MerkleSplitReference` split); each file says which Tributary job it mirrors and what it
//!    leaves out;
//! 3. sets both up with the same licenses and escrow ([`workload`]) and takes a snapshot;
//! 4. runs the Tributary scenario ([`tributary_side`]) with the programs uncached, reverts to the
//!    snapshot, caches every Tributary program with `ArbWasmCache.cacheProgram` from the chain
//!    owner ([`chain::cache_programs`]; cached calls skip the programs' init gas) and runs the same
//!    scenario again, from the same state, then reverts once more and runs the reference scenario
//!    ([`reference`]);
//! 5. prints one row per operation ([`rows`]): gas is the transaction receipt's `gasUsed`, the
//!    21,000 intrinsic included (the devnode charges no L1 data fee), the ratio is Tributary ÷
//!    reference. The rows: `anchorBatch`, `settle 1 usage leaf`, `settle 1 inference leaf (model)`
//!    (a usage leaf of a model's inference license, whose fee the router routes up a one-dataset
//!    lineage; compared with the reference's one settled receipt), `billed receipt`, `fundEscrow`,
//!    `split deposit` (the second native deposit into a listed split of three recipients), `split
//!    withdraw` (paying a recipient that is a fresh account), `license mint` (the second mint of an
//!    offer, paid into the dataset's split), `createOffer` (no reference: its offer book checks no
//!    registry), `createSplit per recipient` ((12 recipients − 2) ÷ 10) and `model token transfer`
//!    (`ModelNft.transferFrom`, which opens a new version of the model's split; reference: the
//!    minimal ERC-721 `transferFrom` of `LicenseReference.sol`), and the Datanet rows (issue 18, on
//!    a dataset registered with `registerMerkleDataset` over a weight tree of 100,000 contributors,
//!    [`workload::datanet`]): `Datanet: deposit into 100,000-contributor dataset` (the run fails
//!    unless it costs what a deposit into a 3-contributor listed dataset with the same total shares
//!    costs, apart from calldata), `Datanet: claimMerkle, 17-hash proof (first claim)`, `Datanet:
//!    postReport` (an epoch-1 attribution report signed with the attestor kit) and `Datanet:
//!    activateReport` (after the veto window). Notes under the table say what a row's comparison
//!    leaves out, and a line per Tributary run reports the deposit check;
//! 6. prints a second table, the **anatomy** of every row on each side ([`anatomy`]): the devnode's
//!    `debug_traceTransaction` with `{"tracer": "gasAnatomy"}` of the row's transactions, split
//!    into intrinsic, calldata, Stylus program entries, storage reads and writes, events, calls,
//!    execution and refund, which add up to the row's gas. `--json FILE` writes the rows as
//!    `[{"operation", "tributary", "tributary_cached", "reference", "tributary_anatomy",
//!    "tributary_cached_anatomy", "reference_anatomy", "note"}]` (an anatomy: `{"gas_used",
//!    "intrinsic", "calldata", "program_entries": {"count", "gas"}, "storage_reads",
//!    "storage_writes", "events", "calls", "execution", "refund", "transactions", "divisor"}`;
//!    `null` where a side has no row).
//!
//! Between runs the settlement rows move by a few dozen gas: the batches' timestamps follow the
//! devnode's wall clock, and calldata costs 4 gas per zero byte and 16 per other byte. Within a
//! run, the uncached and cached Tributary scenarios send identical transactions (both start from
//! the same snapshot, head timestamp included).
//!
//! # The gateway benchmark
//!
//! `cargo run --profile fast -p tributary-bench --bin gateway [-- --clients 32] [--seconds 5]
//! [--requests 200000] [--receipts 1000] [--json FILE] [--dir DIR] [--no-pin] [--build]`
//!
//! A benchmark program, not a timed test ([`gateway`]; `docs/gateway.md` § Benchmark has the
//! numbers measured on a 2-core machine). What a run does:
//! 1. writes a dataset into a temporary directory (under `--dir`, else the system's): four JSON
//!    Lines shards of 1 MiB and one of 128,000 bytes, every record exactly 128 bytes;
//! 2. starts an in-process devnode, deploys the contracts as `gas` does, registers the dataset with
//!    its content hash, offers a perpetual TRAIN license (samples, 10^10 wei each), mints one
//!    license per client to seven dev wallets round robin (several clients share a wallet; each has
//!    its own license and keys), funds each escrow with 1 ETH, allow-lists and bonds the attestor;
//! 3. starts the gateway (`tributary_gateway::server::start`) in a thread of its own with a
//!    current-thread Tokio runtime, pinned to one CPU (Linux, `--no-pin` to skip); the revalidation
//!    task and the blocking pool (file reads) live there too. Everything else (the clients on a
//!    multi-thread runtime, the devnode) is pinned to the other CPUs. The per-key rate limit is
//!    raised out of the way (it never refuses: the default 500/s would cap a single client);
//! 4. runs five phases, each on every client at once, each stopping after `--seconds` or
//!    `--requests` operations over all clients, whichever comes first (in-flight operations
//!    complete):
//!    - **keys**: SIWE sign-in again and again (nonce, sign, verify): keys issued per second. A
//!      sign-in costs the gateway three SQLite commits and five JSON-RPC calls to the devnode
//!      (`licenseUsage`, `isValid`, `userOf`, `ownerOf`, the head block);
//!    - **small, metered**: in its open job, each client reads one 128-byte record (`Range`) of a
//!      big shard, scattered: authenticated, metered (one committed SQLite transaction, one fsync)
//!      before the 206 is sent. This is the headline "authenticated small request";
//!    - **small, read-only**: `GET /v1/jobs/{id}`: authenticated, writes nothing;
//!    - **bulk**: whole 1 MiB shards: MB/s served (10^6 bytes);
//!    - **receipts**: open a job, read one record, close it: `--receipts` jobs, one receipt of one
//!      sample each (bounded by 4 × `--seconds`). The jobs of the two small phases and the bulk
//!      phase stay open, so the batch holds exactly these receipts;
//!
//!    and prints, per phase: operations that succeeded and failed (any non-2xx answer, transport
//!    error or wrong content is a failure, and the run exits non-zero if there was one), wall
//!    time, operations per second, MB/s, p50/p99 latency (nearest rank over every successful
//!    operation; with a closed loop of N clients, latency ≈ N ÷ throughput), and the CPU time of
//!    the gateway's threads and of the rest of the process per second of wall time (from
//!    `/proc`; the gateway thread is busy when it computes *or* waits in fsync, since SQLite runs
//!    on it, so its CPU stays under 100% when fsync bounds it);
//! 5. stops the gateway and runs its pipeline on the same database: cuts the receipts into batches
//!    of the hourly period once it has closed on the chain's clock (`World::travel`), anchors them,
//!    travels past the challenge window and settles; prints the receipt `gasUsed` of `anchorBatch`
//!    and `settle` and what they cost at the devnode's gas price, per 1,000 receipts (summed over
//!    batches and settle transactions if there are several). Programs are not cached (Arbitrum's
//!    default). Receipts of one license in a batch share one usage leaf, so the settle cost follows
//!    the licenses (32 leaves by default), not the receipts.
//!
//! The whole run takes about 30 s with the defaults. `--json FILE` writes the settings, the
//! CPU placement, every phase and the anchoring cost.
//!
//! # The explorer benchmark
//!
//! `cargo run --profile fast -p tributary-bench --bin explorer [-- --events 100000]
//! [--per-tx 100] [--gap 19] [--range 2000]`
//!
//! Fills an in-process devnode with `--events` `SplitDeposited` events cheaply
//! (`bench/solidity/ExplorerLoad.sol` deposits 1 wei into a dataset's split `--per-tx` times per
//! transaction, with `--gap` empty blocks mined after each transaction), then times the
//! explorer's indexer (`tributary_explorer::indexer`) catching up from the deployment block into
//! a fresh database: a progress line per `eth_getLogs` range, then events per second and the
//! database size. It checks the database holds exactly the chain's events.

// Nitro's names (ArbWasmCache, ArbOS, StylusDeployer) are proper nouns in these docs, not code.
#![allow(clippy::doc_markdown)]

pub mod anatomy;
pub mod chain;
pub mod gateway;
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
    /// The references' measurements, including operations Tributary has no row for yet.
    pub reference: Measurements,
    /// Gas of each `cacheProgram` transaction (what caching every program cost).
    pub caching: Vec<(String, u64)>,
    /// What the Tributary scenarios checked, to print under the table (the Datanet deposit
    /// check), each line prefixed with its run.
    pub checks: Vec<String>,
}

/// Runs the benchmark on the devnode at `url` (a fresh chain whose first dev account is the
/// chain owner) with the Tributary `programs` and the compiled `reference`.
pub async fn run(
    url: &str,
    signers: &[PrivateKeySigner],
    programs: &Programs,
    reference: reference::Artifacts,
    log: &mut impl FnMut(&str),
) -> Result<Report, BenchError> {
    let accounts = Accounts::from_signers(signers)?;
    log(&format!(
        "building the Datanet rows' weight trees ({} contributors)",
        workload::DATANET_CONTRIBUTORS
    ));
    let started = std::time::Instant::now();
    workload::datanet()?;
    log(&format!(
        "weight trees built in {:.1} s",
        started.elapsed().as_secs_f64()
    ));
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
    let checks = [("uncached", &uncached), ("cached", &cached)]
        .into_iter()
        .flat_map(|(run, m)| m.checks().iter().map(move |line| format!("{run}: {line}")))
        .collect();
    Ok(Report {
        rows,
        reference: measured,
        caching,
        checks,
    })
}
