//! `tributary deploy --rpc-url URL [--private-key KEY] [--cache-bid WEI | --cache]`.

use std::path::PathBuf;

use alloy::{
    network::EthereumWallet,
    primitives::{Address, U256},
    providers::ProviderBuilder,
    signers::local::PrivateKeySigner,
};
use clap::Args;

use super::{
    cache::{self, CacheMode, CacheOutcome},
    constructor_values, deploy_all, is_current, Deployment, Programs, UsageParameters,
};
use crate::{build, contracts::Contract, nitro_wasm};

/// Arguments of `tributary deploy`.
#[derive(Debug, Args)]
pub struct DeployArgs {
    /// JSON-RPC endpoint (nitro-devnode / tributary-devnode: http://127.0.0.1:8547; Arbitrum
    /// Sepolia: chain 421614; Arbitrum One: chain 42161).
    #[arg(long, env = "RPC_URL")]
    pub rpc_url: String,
    /// Deployer key (hex); also read from PRIVATE_KEY. It becomes the contracts' owner.
    #[arg(long, env = "PRIVATE_KEY", hide_env_values = true)]
    pub private_key: String,
    /// Directory of deployment files.
    #[arg(long, default_value = "deployments")]
    pub out: PathBuf,
    /// Use the artifacts in target/stylus instead of building first.
    #[arg(long)]
    pub no_build: bool,
    /// Challenge window of anchored batches, in seconds.
    #[arg(long, default_value_t = UsageParameters::default().challenge_window)]
    pub challenge_window: u64,
    /// Then bid WEI for each program in Arbitrum's CacheManager (`placeBid`, as `cargo stylus
    /// cache bid`), so its calls skip the init gas (docs/caching.md). Programs already cached
    /// are skipped.
    #[arg(long, value_name = "WEI", conflicts_with = "cache")]
    pub cache_bid: Option<U256>,
    /// Then cache each program directly with `ArbWasmCache.cacheProgram` (the deploying
    /// account must be a chain owner, as the devnode's dev account is).
    #[arg(long)]
    pub cache: bool,
    /// The CacheManager `--cache-bid` bids in [default: the last of
    /// `ArbWasmCache.allCacheManagers()`, as cargo-stylus finds it].
    #[arg(long, value_name = "ADDRESS", requires = "cache_bid")]
    pub cache_manager: Option<Address>,
}

/// Builds the programs (which writes `target/stylus`), or with `no_build` loads them from there.
pub fn programs(no_build: bool) -> Result<Programs, Box<dyn std::error::Error>> {
    let root = build::workspace_root()?;
    if no_build {
        let stylus = root.join("target/stylus");
        let programs = Programs::try_from_fn(|contract| {
            let path = stylus.join(format!("{contract}.wasm"));
            let wasm = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            nitro_wasm::prepare(&wasm).map_err(|e| format!("{contract}: {e}"))
        })?;
        return Ok(programs);
    }
    let mut built = build::build_all(&root)?;
    let programs = Programs::try_from_fn(|contract| {
        let index = built
            .iter()
            .position(|b| b.contract == contract.krate())
            .ok_or_else(|| format!("the build made no {contract}"))?;
        Ok::<_, String>(built.swap_remove(index).program)
    })?;
    Ok(programs)
}

/// Runs `tributary deploy`.
pub fn run(args: &DeployArgs) -> Result<(), Box<dyn std::error::Error>> {
    let programs = programs(args.no_build)?;
    let signer: PrivateKeySigner = args
        .private_key
        .trim()
        .parse()
        .map_err(|e| format!("invalid private key: {e}"))?;
    let from = signer.address();
    let url = args
        .rpc_url
        .parse()
        .map_err(|e| format!("invalid RPC URL: {e}"))?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let provider = ProviderBuilder::new()
            .wallet(EthereumWallet::from(signer))
            .on_http(url);
        let chain_id = alloy::providers::Provider::get_chain_id(&provider).await?;
        // Found before deploying, so a missing CacheManager costs no deployment.
        let mode = match (args.cache_bid, args.cache) {
            (Some(wei), _) => Some(CacheMode::Bid {
                wei,
                manager: cache::resolve_cache_manager(&provider, args.cache_manager).await?,
            }),
            (None, true) => Some(CacheMode::Direct),
            (None, false) => None,
        };
        let path = args.out.join(format!("{chain_id}.json"));
        let mut current = None;
        if path.exists() {
            let existing = Deployment::load(&path)?;
            if is_current(&provider, &existing, &programs).await? {
                let then = if mode.is_some() {
                    "; caching it"
                } else {
                    "; nothing to do"
                };
                println!(
                    "already deployed and activated on chain {chain_id} (see {}){then}",
                    path.display()
                );
                current = Some(existing);
            } else {
                println!(
                    "{} is stale for this build or chain; deploying a new set",
                    path.display()
                );
            }
        }
        let deployment = if let Some(existing) = current {
            existing
        } else {
            let parameters = UsageParameters {
                challenge_window: args.challenge_window,
                ..UsageParameters::default()
            };
            let deployment = deploy_all(&provider, from, &programs, parameters, |step| {
                println!("{:<32} tx {} gas {}", step.label, step.tx, step.gas_used);
            })
            .await?;
            deployment.save(&path)?;
            println!("deployed to chain {chain_id}; wrote {}", path.display());
            for (contract, deployed) in deployment.contracts.iter() {
                println!("  {:<22} {}", contract.dir(), deployed.address);
            }
            deployment
        };
        if let Some(mode) = mode {
            cache_all(&provider, from, mode, &deployment).await?;
        }
        Ok::<(), Box<dyn std::error::Error>>(())
    })
}

/// Caches every program of `deployment` and prints each outcome and the final check.
async fn cache_all<P: alloy::providers::Provider>(
    provider: &P,
    from: Address,
    mode: CacheMode,
    deployment: &Deployment,
) -> Result<(), cache::CacheError> {
    match mode {
        CacheMode::Bid { wei, manager } => {
            println!("bidding {wei} wei per program in CacheManager {manager}");
        }
        CacheMode::Direct => println!("caching each program with ArbWasmCache.cacheProgram"),
    }
    let outcomes = cache::cache_deployment(provider, from, mode, deployment, |outcome| {
        println!("{outcome}");
    })
    .await?;
    // Every program was checked right after its own transaction; check them all again now
    // that the last one is mined (a bid can evict an earlier entry when the cache is full).
    let mut evicted = Vec::new();
    for (contract, deployed) in deployment.contracts.iter() {
        if !cache::is_cached(provider, deployed.codehash).await? {
            evicted.push(contract.dir());
        }
    }
    if !evicted.is_empty() {
        return Err(cache::CacheError(format!(
            "codehashIsCached is false for {} after caching: a later bid evicted it (the cache \
             is full); bid more with --cache-bid WEI",
            evicted.join(", ")
        )));
    }
    let (sent, gas) = outcomes.iter().fold((0, 0), |(n, g), o| match o {
        CacheOutcome::Cached { step, .. } => (n + 1, g + step.gas_used),
        CacheOutcome::AlreadyCached { .. } => (n, g),
    });
    println!(
        "codehashIsCached is true for all {} programs ({sent} cached now for {gas} gas, {} \
         already cached)",
        outcomes.len(),
        outcomes.len() - sent
    );
    Ok(())
}

/// Arguments of `tributary constructor-args`.
#[derive(Debug, Args)]
pub struct ConstructorArgsArgs {
    /// The contract (directory name, e.g. `usage_anchor`).
    pub contract: String,
    /// The deployer, which `tributary deploy` makes the owner.
    #[arg(long)]
    pub owner: alloy::primitives::Address,
    /// Address of a contract deployed before it, `DIR=ADDRESS` (repeatable).
    #[arg(long = "at", value_name = "DIR=ADDRESS")]
    pub at: Vec<String>,
    /// Challenge window of anchored batches, in seconds (as `tributary deploy`).
    #[arg(long, default_value_t = UsageParameters::default().challenge_window)]
    pub challenge_window: u64,
}

/// Prints the constructor arguments `tributary deploy` gives `args.contract`, space-separated,
/// as `cargo stylus deploy --constructor-args` takes them.
///
/// # Errors
/// An unknown contract, a malformed `--at`, or a dependency without an address.
pub fn constructor_args(args: &ConstructorArgsArgs) -> Result<(), Box<dyn std::error::Error>> {
    let contract =
        Contract::from_dir(&args.contract).map_err(|e| format!("unknown contract {:?}", e.0))?;
    let mut at = std::collections::BTreeMap::new();
    for entry in &args.at {
        let (dir, address) = entry
            .split_once('=')
            .ok_or_else(|| format!("--at {entry}: expected DIR=ADDRESS"))?;
        let dependency =
            Contract::from_dir(dir).map_err(|e| format!("--at: unknown contract {:?}", e.0))?;
        let address: alloy::primitives::Address =
            address.parse().map_err(|e| format!("--at {entry}: {e}"))?;
        at.insert(dependency, address);
    }
    let parameters = UsageParameters {
        challenge_window: args.challenge_window,
        ..UsageParameters::default()
    };
    let values = constructor_values(contract, args.owner, &parameters, |c| at.get(&c).copied())?;
    let printed: Vec<String> = values.iter().map(ToString::to_string).collect();
    println!("{}", printed.join(" "));
    Ok(())
}
