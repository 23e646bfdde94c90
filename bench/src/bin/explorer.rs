//! `explorer`: how fast the explorer's indexer catches up with a deployment that has emitted
//! 100,000 events (see the crate docs of `tributary_bench`).
//!
//! `cargo run --profile fast -p tributary-bench --bin explorer [-- --events 100000]
//! [--per-tx 100] [--gap 19] [--range 2000] [--dir DIR] [--build]`
//!
//! 1. starts an in-process devnode, deploys the contracts from `target/stylus` and registers a
//!    dataset (creator 60 / platform 40);
//! 2. deploys `bench/solidity/ExplorerLoad.sol` (compiled with the pinned npm solc) and sends
//!    `depositMany` transactions, each making `--per-tx` deposits of 1 wei into the dataset's split
//!    (one `SplitDeposited` event each) until `--events` events exist, mining `--gap` empty blocks
//!    after each (so the events spread over many blocks and the catch-up takes many `eth_getLogs`
//!    ranges, as on a live chain);
//! 3. indexes everything from the deployment block into a fresh database with the explorer's
//!    indexer (`--range` blocks per `eth_getLogs`, default as `tributary explorer`), printing a
//!    line per range, then checks the database holds every event and prints the catch-up time,
//!    events per second and the database size (after a WAL checkpoint).

// The argument docs are `--help` text, where backticks would show.
#![allow(clippy::doc_markdown)]

use std::{path::PathBuf, time::Instant};

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, Bytes, U256},
    providers::Provider,
    rpc::{client::BatchRequest, types::TransactionRequest},
    sol,
    sol_types::SolCall,
};
use clap::Parser;
use tributary::{
    contracts::Contract,
    deploy::{self, UsageParameters},
    world::{self, World},
};
use tributary_bench::{chain, solc, BenchError, CHALLENGE_WINDOW};
use tributary_explorer::{
    indexer::{Config, Indexer, Step},
    store::Store,
};

sol! {
    /// bench/solidity/ExplorerLoad.sol.
    interface IExplorerLoad {
        function depositMany(address splitter, uint256 splitId, uint256 count) external payable;
    }
}

/// Gas allowed per deposit of a `depositMany` transaction (one costs about 36,000).
const GAS_PER_DEPOSIT: u64 = 60_000;

/// The load generator's source, relative to the workspace root.
const LOAD_SOURCE: &str = "bench/solidity/ExplorerLoad.sol";

/// Fills an in-process devnode with events and times the explorer's catch-up.
#[derive(Debug, Parser)]
#[command(name = "explorer")]
struct Args {
    /// Events to generate (SplitDeposited), besides the deployment's own.
    #[arg(long, default_value_t = 100_000)]
    events: u64,
    /// Deposits (events) per transaction.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    per_tx: u64,
    /// Empty blocks mined after each transaction.
    #[arg(long, default_value_t = 19)]
    gap: u64,
    /// Blocks per eth_getLogs request of the indexer.
    #[arg(long, default_value_t = 2_000)]
    range: u64,
    /// Directory for the database (a temporary directory is made inside it and removed
    /// afterwards; default: the system's temporary directory).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Build the contracts first (`tributary build`) instead of using the WASM it left in
    /// target/stylus.
    #[arg(long)]
    build: bool,
}

fn main() {
    if let Err(e) = run(&Args::parse()) {
        eprintln!("explorer: {e}");
        std::process::exit(1);
    }
}

fn log(line: &str) {
    eprintln!("explorer: {line}");
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let root = tributary::build::workspace_root()?;
    let programs = tributary::deploy::command::programs(!args.build).map_err(|e| {
        format!("the Tributary contracts are not built ({e}); run `cargo run -p tributary -- build` first, or pass --build")
    })?;
    let load = solc::compile(&root, LOAD_SOURCE, "ExplorerLoad")?;
    let tmp = match &args.dir {
        Some(dir) => tempfile::tempdir_in(dir)?,
        None => tempfile::tempdir()?,
    };
    let db = tmp.path().join("explorer.db");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let node = chain::devnode().await?;
        log(&format!("devnode listening on {}", node.url()));
        let result = measure(args, &node.url(), &programs, &load.bytecode, &db).await;
        node.stop().await;
        result
    })
}

async fn measure(
    args: &Args,
    url: &str,
    programs: &deploy::Programs,
    load_code: &Bytes,
    db: &std::path::Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let signers = chain::signers();
    let accounts: Vec<Address> = signers
        .iter()
        .map(alloy::signers::local::PrivateKeySigner::address)
        .collect();
    let (deployer, creator, platform, payer) = (accounts[0], accounts[1], accounts[2], accounts[5]);
    let chain = world::connect(url, &signers)?;
    let parameters = UsageParameters {
        challenge_window: CHALLENGE_WINDOW,
        ..UsageParameters::default()
    };
    log("deploying the Tributary contracts");
    let world = World::deploy(chain, deployer, programs, parameters, |_| {}).await?;
    let (dataset, _) = world
        .register_dataset(
            creator,
            "explorer bench",
            "ipfs://explorer-bench",
            &[(creator, 60), (platform, 40)],
        )
        .await?;
    let create = TransactionRequest::default()
        .with_from(deployer)
        .with_deploy_code(load_code.clone());
    let (receipt, _) = deploy::send(&world.chain, "deploy ExplorerLoad", create).await?;
    let load = receipt
        .contract_address
        .ok_or_else(|| BenchError("ExplorerLoad: no contract created".into()))?;

    let head = generate(args, &world, load, payer, dataset.split).await?;
    index(args, url, &world, head, db).await
}

/// Sends the `depositMany` transactions (and mines the gaps); returns the head block.
async fn generate<P: Provider>(
    args: &Args,
    world: &World<P>,
    load: Address,
    payer: Address,
    split: U256,
) -> Result<u64, Box<dyn std::error::Error>> {
    let transactions = args.events.div_ceil(args.per_tx);
    log(&format!(
        "generating {} events: {transactions} transactions of {} deposits, {} empty blocks after each",
        args.events, args.per_tx, args.gap
    ));
    let started = Instant::now();
    let mut generated = 0;
    let mut gas = 0;
    let mut reported = 0;
    while generated < args.events {
        let count = args.per_tx.min(args.events - generated);
        let call = IExplorerLoad::depositManyCall {
            splitter: world.at(Contract::RoyaltySplitter),
            splitId: split,
            count: U256::from(count),
        };
        // The gas limit is given (a deposit costs about 36,000 gas) so that the deposits run
        // once, not a second time in eth_estimateGas.
        let request = world::request(payer, load, call.abi_encode(), U256::from(count))
            .with_gas_limit(100_000 + count * GAS_PER_DEPOSIT);
        let (receipt, _) = deploy::send(&world.chain, "depositMany", request).await?;
        gas += receipt.gas_used;
        generated += count;
        mine(&world.chain, args.gap).await?;
        let tenths = generated * 10 / args.events;
        if tenths > reported {
            reported = tenths;
            log(&format!(
                "  {:>3}% generated ({generated} events, {:.0} s)",
                tenths * 10,
                started.elapsed().as_secs_f64()
            ));
        }
    }
    let head = world.chain.get_block_number().await?;
    log(&format!(
        "generated {generated} events in {:.1} s ({} gas per deposit); head block {head}",
        started.elapsed().as_secs_f64(),
        gas / generated.max(1)
    ));

    Ok(head)
}

/// Indexes from the deployment block into a fresh database at `db` and prints the figures.
async fn index<P: Provider>(
    args: &Args,
    url: &str,
    world: &World<P>,
    head: u64,
    db: &std::path::Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let store = Store::open(db)?;
    let config = Config {
        range: args.range,
        ..Config::default()
    };
    log(&format!(
        "indexing from the deployment block, {} blocks per eth_getLogs, into {}",
        args.range,
        db.display()
    ));
    let started = Instant::now();
    let mut indexer = Indexer::connect(url, &world.deployment, store.clone(), config).await?;
    indexer
        .catch_up(|step| {
            if let Step::Indexed(p) = step {
                log(&format!(
                    "  {:>5.1}%  blocks {:>6}..={:<6} {:>6} events  {:>8} total  {:>8.0} events/s",
                    p.fraction() * 100.0,
                    p.from,
                    p.to,
                    p.events,
                    p.total_events,
                    p.events_per_sec()
                ));
            }
        })
        .await?;
    let elapsed = started.elapsed();
    store.checkpoint()?;
    let status = store.status()?;
    let expected = expected_events(world, head).await?;
    if status.event_count != expected || status.unknown_count != 0 {
        return Err(BenchError(format!(
            "the database holds {} events ({} unknown), the chain {expected}",
            status.event_count, status.unknown_count
        ))
        .into());
    }
    let size = file_size(db) + file_size(&db.with_extension("db-wal"));
    #[allow(clippy::cast_precision_loss)] // figures for display
    let (rate, mb, per_event) = (
        status.event_count as f64 / elapsed.as_secs_f64(),
        size as f64 / 1e6,
        size as f64 / status.event_count.max(1) as f64,
    );
    println!(
        "explorer catch-up: {} events in {} blocks ({} to {head}) indexed in {:.2} s: {rate:.0} \
         events/s; database {mb:.1} MB ({per_event:.0} bytes per event)",
        status.event_count,
        head - indexer.start() + 1,
        indexer.start(),
        elapsed.as_secs_f64(),
    );
    println!(
        "(in-process devnode over HTTP on loopback, {} blocks per eth_getLogs, block headers in \
         JSON-RPC batches; SQLite WAL with synchronous=FULL, one transaction per range; the \
         time includes finding the deployment block and every fsync)",
        args.range
    );
    Ok(())
}

/// Mines `blocks` empty blocks (one JSON-RPC batch).
async fn mine(chain: &impl Provider, blocks: u64) -> Result<(), BenchError> {
    if blocks == 0 {
        return Ok(());
    }
    let mut batch = BatchRequest::new(chain.client());
    let mut waiters = Vec::new();
    for _ in 0..blocks {
        let waiter = batch
            .add_call::<_, serde_json::Value>("evm_mine", &())
            .map_err(|e| BenchError(format!("evm_mine: {e}")))?;
        waiters.push(waiter);
    }
    batch
        .send()
        .await
        .map_err(|e| BenchError(format!("evm_mine: {e}")))?;
    for waiter in waiters {
        waiter
            .await
            .map_err(|e| BenchError(format!("evm_mine: {e}")))?;
    }
    Ok(())
}

/// Logs of the ten contracts on the chain, up to `head` (counted in ranges).
async fn expected_events<P: Provider>(world: &World<P>, head: u64) -> Result<u64, BenchError> {
    let addresses: Vec<Address> = Contract::DEPLOY_ORDER
        .iter()
        .map(|&c| world.at(c))
        .collect();
    let mut total = 0;
    let mut from = 0;
    while from <= head {
        let to = head.min(from + 9_999);
        let filter = alloy::rpc::types::Filter::new()
            .address(addresses.clone())
            .from_block(from)
            .to_block(to);
        let logs = world
            .chain
            .get_logs(&filter)
            .await
            .map_err(|e| BenchError(format!("eth_getLogs: {e}")))?;
        total += logs.len() as u64;
        from = to + 1;
    }
    Ok(total)
}

fn file_size(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}
