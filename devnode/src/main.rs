//! `tributary-devnode`: a local Arbitrum Stylus chain over HTTP JSON-RPC.
//!
//! ```text
//! tributary-devnode [--host 127.0.0.1] [--port 8547] [--chain-id 412346] [--state FILE]
//!                   [--block-time SECONDS]
//! ```

use std::{net::IpAddr, path::PathBuf, process::ExitCode, time::Duration};

use clap::Parser;
use tributary_devnode::rpc::{self, genesis, ServerConfig};

/// A local Arbitrum Stylus chain: runs the contracts' real WASM, speaks Ethereum JSON-RPC.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = rpc::server::DEFAULT_PORT)]
    port: u16,
    /// Chain id of a fresh chain (a loaded state keeps its own).
    #[arg(long, default_value_t = tributary_devnode::node::DEV_CHAIN_ID)]
    chain_id: u64,
    /// Load state from FILE if it exists; save it after every block and on shutdown.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Mine a block every SECONDS instead of one block per transaction.
    #[arg(long, value_name = "SECONDS")]
    block_time: Option<u64>,
    /// Do not print each transaction.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    let config = ServerConfig {
        addr: (args.host, args.port).into(),
        chain_id: args.chain_id,
        state: args.state,
        block_time: args.block_time.filter(|s| *s > 0).map(Duration::from_secs),
        log_transactions: !args.quiet,
        ..ServerConfig::default()
    };
    let server = match rpc::start(config.clone()).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "devnode: listening on {} (chain id {})",
        server.url(),
        config.chain_id
    );
    eprintln!("devnode: dev accounts (10,000 ETH each):");
    for signer in genesis::dev_signers() {
        eprintln!("  {}", signer.address());
    }
    eprintln!(
        "devnode: nitro-devnode key {}; StylusDeployer {}",
        genesis::NITRO_DEV_KEY,
        genesis::STYLUS_DEPLOYER
    );
    wait_for_shutdown().await;
    eprintln!("devnode: shutting down");
    server.stop().await;
    ExitCode::SUCCESS
}

async fn wait_for_shutdown() {
    #[cfg(unix)]
    {
        let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
