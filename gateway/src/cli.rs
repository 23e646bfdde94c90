//! Command-line entry points: `tributary gateway serve | keys list | keys revoke | jobs | batches`
//! and `tributary fetch` (the `tributary` CLI calls these in-process; the standalone
//! `tributary-gateway` binary runs them too).

use std::{
    io::Write as _,
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

use alloy::{
    primitives::{B256, U256},
    signers::local::PrivateKeySigner,
};
use clap::{Args, Subcommand};
use tributary_kit::{contracts::Contract, deploy::Deployment};

use crate::{
    chain::Chain,
    client::{Client, Progress},
    content::Dataset,
    pipeline::{Pipeline, PipelineConfig, RpcChain},
    server::{self, Config},
    siwe::format_rfc3339,
    store::Store,
};

/// Environment variable holding the attestor's private key (hex) for `serve`.
pub const ATTESTOR_KEY_ENV: &str = "TRIBUTARY_ATTESTOR_KEY";
/// Environment variable holding the wallet's private key (hex) for `fetch`.
pub const WALLET_KEY_ENV: &str = "TRIBUTARY_KEY";

/// `tributary gateway …`.
#[derive(Debug, Subcommand)]
pub enum GatewayCommand {
    /// Serve a registered dataset to license holders (refuses to start unless the directory's
    /// content hash is the registered one).
    Serve(ServeArgs),
    /// API keys issued (hashes only).
    Keys {
        /// What to do.
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Jobs and their meters.
    Jobs(DbArgs),
    /// Receipts and batches: what is pending, anchored, settled.
    Batches(DbArgs),
}

/// `tributary gateway keys …`.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List keys.
    List(DbArgs),
    /// Revoke keys by id (a hash prefix of at least 8 hex digits) or every key of a license.
    Revoke(RevokeArgs),
}

/// The database.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// The gateway's `SQLite` database.
    #[arg(long, default_value = "gateway.db")]
    pub db: PathBuf,
}

/// `keys revoke`.
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The gateway's `SQLite` database.
    #[arg(long, default_value = "gateway.db")]
    pub db: PathBuf,
    /// Key id (hash prefix, at least 8 hex digits) as `keys list` shows it.
    #[arg(required_unless_present = "license")]
    pub key: Option<String>,
    /// Revoke every key of this license instead.
    #[arg(long)]
    pub license: Option<U256>,
}

/// `gateway serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The dataset directory.
    #[arg(long)]
    pub dataset: PathBuf,
    /// Its id in the attribution registry.
    #[arg(long)]
    pub dataset_id: U256,
    /// `deployments/<chainId>.json`.
    #[arg(long)]
    pub deployment: PathBuf,
    /// JSON-RPC endpoint of the chain.
    #[arg(long)]
    pub rpc_url: String,
    /// The `SQLite` database (created if missing).
    #[arg(long, default_value = "gateway.db")]
    pub db: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8547")]
    pub bind: SocketAddr,
    /// SIWE domain clients sign for (the public `host[:port]`; defaults to --bind).
    #[arg(long)]
    pub domain: Option<String>,
    /// File holding the attestor's private key (hex); otherwise `$TRIBUTARY_ATTESTOR_KEY`.
    #[arg(long)]
    pub keystore: Option<PathBuf>,
    /// API key lifetime in seconds (capped by the license's expiry).
    #[arg(long, default_value_t = 3600)]
    pub key_ttl: u64,
    /// Seconds between on-chain re-checks of active keys.
    #[arg(long, default_value_t = 5)]
    pub revalidate_every: u64,
    /// Requests per second per key.
    #[arg(long, default_value_t = 500.0)]
    pub rate: f64,
    /// Burst of requests per key.
    #[arg(long, default_value_t = 1000.0)]
    pub burst: f64,
    /// Seconds after which an open job is closed and billed.
    #[arg(long, default_value_t = 86_400)]
    pub job_timeout: u64,
    /// Length of a batching period in seconds: the receipts of a period are signed into one
    /// batch once it has closed (plus `--close-grace`).
    #[arg(long, default_value_t = 3600)]
    pub period: u64,
    /// Seconds to wait after a period ends before batching it.
    #[arg(long, default_value_t = 60)]
    pub close_grace: u64,
    /// Seconds between pipeline ticks (cut closed periods, anchor, settle).
    #[arg(long, default_value_t = 15)]
    pub pipeline_every: u64,
    /// Serve and meter only: do not batch, anchor or settle (another process runs the
    /// pipeline on this database).
    #[arg(long)]
    pub no_pipeline: bool,
}

/// `tributary fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// The gateway's URL (`http://host:port`).
    #[arg(long)]
    pub gateway: String,
    /// License token id.
    #[arg(long)]
    pub license: U256,
    /// Scope bits (or names, `TRAIN|COMMERCIAL`).
    #[arg(long, default_value = "1")]
    pub scope: String,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
    /// Hash of the model the data is for.
    #[arg(long)]
    pub model_hash: Option<B256>,
}

type CliResult = Result<(), Box<dyn std::error::Error>>;

/// The signer in `env_var`, or in the file `keystore` (hex private key, whitespace trimmed).
///
/// # Errors
/// Neither given, or not a private key.
pub fn load_signer(keystore: Option<&Path>, env_var: &str) -> Result<PrivateKeySigner, String> {
    let text = match keystore {
        Some(path) => {
            std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => {
            std::env::var(env_var).map_err(|_| format!("set ${env_var} (a hex private key)"))?
        }
    };
    text.trim()
        .parse()
        .map_err(|_| "not a hex private key".to_owned())
}

fn parse_scope(s: &str) -> Result<U256, String> {
    let s = s.trim();
    if s.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        let mut bits = 0_u64;
        for name in s.split('|') {
            let (_, bit) = tributary_kit::attest::types::scope::NAMES
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
                .ok_or_else(|| format!("unknown scope `{name}`"))?;
            bits |= bit;
        }
        return Ok(U256::from(bits));
    }
    s.parse().map_err(|_| format!("bad scope `{s}`"))
}

/// Runs `tributary gateway …`.
///
/// # Errors
/// Whatever the command fails with.
pub fn run(command: GatewayCommand) -> CliResult {
    match command {
        GatewayCommand::Serve(args) => {
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(serve(args))
        }
        GatewayCommand::Keys {
            command: KeysCommand::List(args),
        } => {
            let store = Store::open(&args.db)?;
            println!("key id            license  wallet                                      scope  expires               status");
            let now = server::now();
            for k in store.keys()? {
                let status = match (&k.revoked_reason, k.revoked_at) {
                    (_, Some(_)) => format!(
                        "revoked ({})",
                        k.revoked_reason.as_deref().unwrap_or("operator")
                    ),
                    _ if k.expires_at <= now => "expired".to_owned(),
                    _ => "active".to_owned(),
                };
                println!(
                    "{}  {:>7}  {}  {:>5}  {}  {status}",
                    alloy::primitives::hex::encode(&k.key_hash[..8]),
                    k.license,
                    k.wallet,
                    k.scope,
                    format_rfc3339(k.expires_at)
                );
            }
            Ok(())
        }
        GatewayCommand::Keys {
            command: KeysCommand::Revoke(args),
        } => {
            let store = Store::open(&args.db)?;
            let n = store.revoke(args.key.as_deref(), args.license, server::now(), "operator")?;
            println!("revoked {n} key(s)");
            if n == 0 {
                return Err("no active key matches".into());
            }
            Ok(())
        }
        GatewayCommand::Batches(args) => {
            let store = Store::open(&args.db)?;
            let report = store.with_conn(|c| crate::pipeline::status::report(c))?;
            print!("{report}");
            Ok(())
        }
        GatewayCommand::Jobs(args) => {
            let store = Store::open(&args.db)?;
            println!("job id                                                              license  unit  units      bytes  status");
            for j in store.jobs()? {
                println!(
                    "{}  {:>7}  {:>4}  {:>5}  {:>9}  {}",
                    j.job_id, j.license, j.unit, j.units_metered, j.bytes_served, j.status
                );
            }
            Ok(())
        }
    }
}

async fn serve(args: ServeArgs) -> CliResult {
    let attestor = load_signer(args.keystore.as_deref(), ATTESTOR_KEY_ENV)?;
    let deployment = Deployment::load(&args.deployment)?;
    let chain = Chain::connect(
        &args.rpc_url,
        deployment.address(Contract::LicenseNft),
        deployment.address(Contract::AttributionRegistry),
    )?;
    let chain_id = chain.chain_id().await?;
    if chain_id != deployment.chain_id {
        return Err(format!(
            "the RPC serves chain {chain_id}, the deployment is for {}",
            deployment.chain_id
        )
        .into());
    }
    eprintln!("gateway: hashing {}", args.dataset.display());
    let dataset = Dataset::scan(&args.dataset)?;
    eprintln!(
        "gateway: {} shard(s), content hash {}",
        dataset.shards.len(),
        dataset.content_hash
    );
    let store = Store::open(&args.db)?;
    let mut config = Config::new(
        args.domain.unwrap_or_else(|| args.bind.to_string()),
        chain_id,
        args.dataset_id,
        attestor.address(),
    );
    config.key_ttl = args.key_ttl;
    config.revalidate_every = Duration::from_secs(args.revalidate_every.max(1));
    config.rate_per_sec = args.rate;
    config.rate_burst = args.burst;
    config.job_timeout = Duration::from_secs(args.job_timeout);
    let pipeline = if args.no_pipeline {
        None
    } else {
        let rpc = RpcChain::new(chain.provider().clone());
        let anchor = deployment.address(Contract::UsageAnchor);
        rpc.check_attestor(anchor, attestor.address())
            .await
            .map_err(|e| format!("cannot anchor receipts: {e} (or run with --no-pipeline)"))?;
        let config = PipelineConfig {
            period_secs: args.period.max(1),
            close_grace_secs: args.close_grace,
            ..PipelineConfig::new(&deployment)
        };
        Some((Pipeline::open(&args.db, attestor.clone(), config)?, rpc))
    };
    let listener = tokio::net::TcpListener::bind(args.bind).await?;
    let running = server::start(config, store, dataset, chain, listener).await?;
    eprintln!(
        "gateway: serving dataset {} on http://{} (attestor {})",
        args.dataset_id,
        running.addr,
        attestor.address()
    );
    // The pipeline runs on this task (its SQLite connection is not `Sync`), next to the signal
    // handler; the HTTP server runs on the runtime's workers.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let pipeline = async {
        let Some((pipeline, rpc)) = pipeline else {
            return;
        };
        let every = Duration::from_secs(args.pipeline_every.max(1));
        eprintln!(
            "gateway: pipeline every {} s, {} s periods, anchor {}",
            every.as_secs(),
            pipeline.config().period_secs,
            pipeline.config().anchor
        );
        let mut stopped = stopped.clone();
        pipeline
            .run(rpc, every, async move {
                let _ = stopped.wait_for(|s| *s).await;
            })
            .await;
    };
    let signal = async {
        shutdown_signal().await;
        eprintln!("gateway: stopping");
        let _ = stop.send(true);
    };
    tokio::join!(pipeline, signal);
    running.stop().await;
    Ok(())
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM (what service managers send).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Runs `tributary fetch`.
///
/// # Errors
/// Whatever the download fails with.
pub fn fetch(args: FetchArgs) -> CliResult {
    let signer = load_signer(None, WALLET_KEY_ENV)?;
    let scope = parse_scope(&args.scope)?;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let mut client = Client::new(&args.gateway)?;
        let grant = client.sign_in(&signer, args.license, scope).await?;
        eprintln!(
            "signed in as {} (key expires {})",
            signer.address(),
            format_rfc3339(grant.expires_at)
        );
        let fetched = client
            .fetch_dataset(&args.out, args.model_hash, progress_bar)
            .await?;
        eprintln!();
        println!(
            "fetched {} shard(s) into {}; job {} billed {} unit(s) (unit {})",
            fetched.manifest.shards.len(),
            args.out.display(),
            fetched.job_id,
            fetched.receipt.units,
            fetched.receipt.unit
        );
        Ok(())
    })
}

/// Draws a one-line progress bar on stderr.
pub fn progress_bar(p: Progress) {
    const WIDTH: u64 = 30;
    let filled = (p.bytes * WIDTH)
        .checked_div(p.total_bytes)
        .unwrap_or(WIDTH);
    let bar: String = (0..WIDTH)
        .map(|i| if i < filled { '#' } else { '.' })
        .collect();
    let mut err = std::io::stderr();
    let _ = write!(
        err,
        "\r[{bar}] {}/{} shards {:.1}/{:.1} MB",
        p.shards,
        p.total_shards,
        mb(p.bytes),
        mb(p.total_bytes)
    );
    let _ = err.flush();
}

#[allow(clippy::cast_precision_loss)] // a progress display
fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_as_numbers_or_names() {
        assert_eq!(parse_scope("1").unwrap(), U256::from(1));
        assert_eq!(parse_scope("TRAIN|commercial").unwrap(), U256::from(5));
        assert!(parse_scope("FLY").is_err());
    }
}
