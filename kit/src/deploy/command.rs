//! `tributary deploy --rpc-url URL [--private-key KEY]`.

use std::path::PathBuf;

use alloy::{
    network::EthereumWallet, providers::ProviderBuilder, signers::local::PrivateKeySigner,
};
use clap::Args;

use super::{constructor_values, deploy_all, is_current, Deployment, Programs, UsageParameters};
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
        let path = args.out.join(format!("{chain_id}.json"));
        if path.exists() {
            let existing = Deployment::load(&path)?;
            if is_current(&provider, &existing, &programs).await? {
                println!(
                    "already deployed and activated on chain {chain_id} (see {}); nothing to do",
                    path.display()
                );
                return Ok(());
            }
            println!(
                "{} is stale for this build or chain; deploying a new set",
                path.display()
            );
        }
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
        Ok::<(), Box<dyn std::error::Error>>(())
    })
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
