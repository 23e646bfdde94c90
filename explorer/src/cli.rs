//! Command-line entry points: `tributary explorer serve | index | status` (the `tributary` CLI
//! calls these in-process; the standalone `tributary-explorer` binary runs them too).

use std::{io::Write as _, net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Args, Subcommand};
use tributary_kit::deploy::Deployment;

use crate::{
    indexer::{Config, IndexError, Indexer, Step},
    server,
    store::Store,
};

/// `tributary explorer …`.
#[derive(Debug, Subcommand)]
pub enum ExplorerCommand {
    /// Index the deployment's events in the background (catch up, then follow the head) and
    /// serve the API and the web page.
    Serve(ServeArgs),
    /// Index without serving: follow the head, or catch up and exit with `--until-head`.
    Index(IndexArgs),
    /// What the database holds.
    Status(StatusArgs),
}

/// What the indexer reads and where it writes.
#[derive(Debug, Args)]
pub struct IndexerArgs {
    /// `deployments/<chainId>.json`.
    #[arg(long)]
    pub deployment: PathBuf,
    /// JSON-RPC endpoint of the chain.
    #[arg(long)]
    pub rpc_url: String,
    /// The `SQLite` database (created if missing).
    #[arg(long, default_value = "explorer.db")]
    pub db: PathBuf,
    /// Blocks per `eth_getLogs` request.
    #[arg(long, default_value_t = 2_000)]
    pub range: u64,
    /// Stored blocks compared at a time when the chain reorganised.
    #[arg(long, default_value_t = 64)]
    pub reorg_depth: u64,
    /// Milliseconds between polls once at the head.
    #[arg(long, default_value_t = 1_000)]
    pub poll_ms: u64,
}

impl IndexerArgs {
    fn config(&self) -> Config {
        Config {
            range: self.range.max(1),
            reorg_depth: self.reorg_depth.max(1),
            poll: Duration::from_millis(self.poll_ms.max(1)),
        }
    }
}

/// `explorer serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The indexer's settings.
    #[command(flatten)]
    pub indexer: IndexerArgs,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8550")]
    pub listen: SocketAddr,
}

/// `explorer index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// The indexer's settings.
    #[command(flatten)]
    pub indexer: IndexerArgs,
    /// Catch up to the head and exit instead of following it.
    #[arg(long)]
    pub until_head: bool,
}

/// `explorer status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The `SQLite` database.
    #[arg(long, default_value = "explorer.db")]
    pub db: PathBuf,
}

type CliResult = Result<(), Box<dyn std::error::Error>>;

/// Runs `tributary explorer …`.
///
/// # Errors
/// Whatever the command fails with.
pub fn run(command: ExplorerCommand) -> CliResult {
    match command {
        ExplorerCommand::Serve(args) => tokio::runtime::Runtime::new()?.block_on(serve(args)),
        ExplorerCommand::Index(args) => tokio::runtime::Runtime::new()?.block_on(index(args)),
        ExplorerCommand::Status(args) => {
            let status = Store::open(&args.db)?.status()?;
            println!("{}", serde_json::to_string_pretty(&status)?);
            Ok(())
        }
    }
}

async fn connect(args: &IndexerArgs) -> Result<Indexer, Box<dyn std::error::Error>> {
    let deployment = Deployment::load(&args.deployment)?;
    let store = Store::open(&args.db)?;
    let indexer = Indexer::connect(&args.rpc_url, &deployment, store, args.config()).await?;
    eprintln!(
        "explorer: chain {}, deployment block {}, database {}",
        deployment.chain_id,
        indexer.start(),
        args.db.display()
    );
    Ok(indexer)
}

/// Prints a step on stderr: one line per range, reorganisation or retry.
pub fn log_step(step: &Step) {
    match step {
        Step::Indexed(p) => eprintln!("explorer: {p}"),
        Step::Rewound { from, to } => eprintln!(
            "explorer: chain reorganised: cursor {} -> {} (events above deleted)",
            from.map_or_else(|| "-".to_owned(), |b| b.to_string()),
            to.map_or_else(|| "deployment block".to_owned(), |b| b.to_string())
        ),
        Step::Retry => eprintln!("explorer: the chain moved during a range; reading it again"),
        Step::Idle { .. } => {}
    }
}

fn log_error(e: &IndexError) {
    eprintln!("explorer: {e} (retrying)");
}

async fn index(args: IndexArgs) -> CliResult {
    let mut indexer = connect(&args.indexer).await?;
    if args.until_head {
        let cursor = indexer.catch_up(log_step).await?;
        let status = indexer.store().status()?;
        println!(
            "indexed to block {cursor}: {} event(s) ({} unknown)",
            status.event_count, status.unknown_count
        );
        return Ok(());
    }
    indexer.follow(log_step, log_error, shutdown_signal()).await;
    Ok(())
}

async fn serve(args: ServeArgs) -> CliResult {
    let mut indexer = connect(&args.indexer).await?;
    let store = indexer.store().clone();
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    eprintln!("explorer: serving on http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let wait = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let server = tokio::spawn(server::serve(listener, store, wait(stopped.clone())));
    let follow = indexer.follow(log_step, log_error, wait(stopped));
    let signal = async {
        shutdown_signal().await;
        eprintln!("explorer: stopping");
        let _ = stop.send(true);
    };
    tokio::join!(follow, signal);
    server.await??;
    let _ = std::io::stderr().flush();
    Ok(())
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM.
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
