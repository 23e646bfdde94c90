//! `gateway`: the access gateway served from one core to concurrent clients on loopback, and the
//! cost of anchoring its receipts (see the crate docs of `tributary_bench`).

// The argument docs are `--help` text, where backticks would show.
#![allow(clippy::doc_markdown)]

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::Duration,
};

use alloy::primitives::{Address, U256};
use clap::Parser;
use serde::Serialize;
use tributary::{
    contracts::Contract,
    deploy::UsageParameters,
    world::{self, World},
};
use tributary_bench::{
    chain,
    gateway::{self as bench, Anchoring, BenchClient, Limit, Phase, PhaseResult},
    BenchError, CHALLENGE_WINDOW,
};
use tributary_gateway::{
    chain::Chain,
    client::Client,
    content::Dataset,
    server::{self, Config},
    store::Store,
};

/// Drives concurrent clients against an in-process access gateway that runs on one core
/// (a current-thread Tokio runtime pinned to one CPU), over loopback, with the contracts on an
/// in-process devnode; then batches, anchors and settles the receipts it wrote.
#[derive(Debug, Parser)]
#[command(name = "gateway")]
struct Args {
    /// Concurrent clients (each its own connection, license and keys).
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=1024))]
    clients: u64,
    /// Wall-time bound of each phase, seconds (the receipts phase may take four times this).
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Operation bound of each phase, over every client.
    #[arg(long, default_value_t = 200_000)]
    requests: u64,
    /// Jobs the receipts phase opens, reads from and closes (one receipt each).
    #[arg(long, default_value_t = 1_000)]
    receipts: u64,
    /// Directory for the dataset and the gateway's SQLite database (a temporary directory is
    /// made inside it and removed afterwards; default: the system's temporary directory).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Do not pin the gateway to one CPU and the rest of the process to the others.
    #[arg(long)]
    no_pin: bool,
    /// Also write the results to FILE as JSON.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Build the contracts first (`tributary build`) instead of using the WASM it left in
    /// target/stylus.
    #[arg(long)]
    build: bool,
}

fn main() {
    if let Err(e) = run(&Args::parse()) {
        eprintln!("gateway: {e}");
        std::process::exit(1);
    }
}

fn log(line: &str) {
    eprintln!("gateway: {line}");
}

/// The per-key token bucket during the benchmark: out of the way (the default, 500 requests/s
/// per key, would cap a single client's rate and measure the limiter, not the gateway).
const RATE_PER_SEC: f64 = 1e9;

/// Everything the JSON output holds.
#[derive(Debug, Serialize)]
struct Output<'a> {
    clients: u64,
    seconds_per_phase: u64,
    requests_per_phase: u64,
    receipts: u64,
    cpus: usize,
    placement: &'a str,
    rate_limit_per_key: f64,
    sign_in_rpc_calls: u32,
    phases: &'a [PhaseResult],
    anchoring: &'a Anchoring,
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let programs = tributary::deploy::command::programs(!args.build).map_err(|e| {
        format!("the Tributary contracts are not built ({e}); run `cargo run -p tributary -- build` first, or pass --build")
    })?;
    // Pin before any other thread exists: every thread made from here on inherits the set.
    let placement = affinity::place(!args.no_pin);
    log(&placement.describe());
    let tmp = match &args.dir {
        Some(dir) => tempfile::tempdir_in(dir)?,
        None => tempfile::tempdir()?,
    };
    let dataset_dir = tmp.path().join("dataset");
    let shards = bench::write_dataset(&dataset_dir)?;
    let dataset = Dataset::scan(&dataset_dir)?;
    let db = tmp.path().join("gateway.db");
    log(&format!(
        "dataset {} ({} shards, content hash {}), database {}",
        dataset_dir.display(),
        dataset.shards.len(),
        dataset.content_hash,
        db.display()
    ));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let (phases, anchoring) = runtime.block_on(async {
        let node = chain::devnode().await?;
        log(&format!("devnode listening on {}", node.url()));
        let result = measure(
            args,
            &node.url(),
            &programs,
            dataset,
            shards,
            &db,
            &placement,
        )
        .await;
        node.stop().await;
        result
    })?;
    print!("{}", bench::table(&phases, Some(&anchoring)));
    println!(
        "\nserver: the gateway ran on one core: a current-thread Tokio runtime {}; the {} clients \
         and the devnode ran on the other core(s) of this {}-CPU machine, so keys/s also pays \
         for the devnode's eth_calls (5 JSON-RPC calls per sign-in: licenseUsage, isValid, \
         userOf, ownerOf, eth_getBlockByNumber). server CPU = CPU time of the gateway's threads \
         / wall time. The per-key rate limit was raised to {RATE_PER_SEC:e}/s so it never \
         refused. Metered requests commit one SQLite transaction (WAL, synchronous=FULL: one \
         fsync) before their bytes are sent; the database was under {}.",
        placement.server_note(),
        args.clients,
        placement.cpus,
        tmp.path().display(),
    );
    println!(
        "anchoring: receipt gasUsed of the pipeline's anchorBatch and settle transactions \
         (21,000 intrinsic included, no L1 data fee on the devnode), at the devnode's gas price."
    );
    if let Some(path) = &args.json {
        let output = Output {
            clients: args.clients,
            seconds_per_phase: args.seconds,
            requests_per_phase: args.requests,
            receipts: args.receipts,
            cpus: placement.cpus,
            placement: &placement.describe(),
            rate_limit_per_key: RATE_PER_SEC,
            sign_in_rpc_calls: 5,
            phases: &phases,
            anchoring: &anchoring,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let text = serde_json::to_string_pretty(&output)?;
        std::fs::write(path, text + "\n")
            .map_err(|e| BenchError(format!("{}: {e}", path.display())))?;
        log(&format!("wrote {}", path.display()));
    }
    let failed: Vec<String> = phases
        .iter()
        .filter(|p| p.error_count() > 0)
        .map(|p| format!("{}: {:?}", p.label, p.errors))
        .collect();
    if !failed.is_empty() {
        return Err(format!("requests failed: {}", failed.join("; ")).into());
    }
    Ok(())
}

/// The gateway on its own thread and runtime.
struct ServerThread {
    addr: std::net::SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<Result<(), String>>,
    threads: Arc<Mutex<Vec<i32>>>,
}

impl ServerThread {
    /// CPU seconds the gateway's threads (the runtime's and its blocking pool's) have used.
    fn cpu_seconds(&self) -> Option<f64> {
        let tids = self
            .threads
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        affinity::cpu_seconds(&tids)
    }

    async fn stop(self) -> Result<(), BenchError> {
        let _ = self.stop.send(());
        let joined = tokio::task::spawn_blocking(move || self.thread.join())
            .await
            .map_err(|e| BenchError(format!("joining the gateway thread: {e}")))?;
        match joined {
            Ok(result) => result.map_err(BenchError),
            Err(_) => Err(BenchError("the gateway thread panicked".into())),
        }
    }
}

/// Starts the gateway in a thread of its own (pinned to the server CPU) with a current-thread
/// runtime: the server and its revalidation task live there, and so does its blocking pool
/// (file reads), whose threads inherit the pin. Returns once it listens.
async fn start_server(
    config: Config,
    rpc_url: String,
    contracts: (Address, Address),
    dataset: Dataset,
    db: PathBuf,
    server_cpu: Option<usize>,
) -> Result<ServerThread, BenchError> {
    let (addr_tx, addr_rx) = tokio::sync::oneshot::channel();
    let (stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let threads = Arc::new(Mutex::new(Vec::new()));
    let registered = threads.clone();
    let thread = std::thread::Builder::new()
        .name("gateway-server".into())
        .spawn(move || -> Result<(), String> {
            if let Some(cpu) = server_cpu {
                affinity::pin_current(&[cpu])?;
            }
            affinity::register_current(&registered);
            let pool = registered.clone();
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                // Keep blocking threads alive so their CPU time is still readable at the end.
                .thread_keep_alive(Duration::from_secs(3_600))
                .on_thread_start(move || affinity::register_current(&pool))
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async move {
                let started = async {
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                        .await
                        .map_err(|e| e.to_string())?;
                    let addr = listener.local_addr().map_err(|e| e.to_string())?;
                    let chain = Chain::connect(&rpc_url, contracts.0, contracts.1)?;
                    let store = Store::open(&db).map_err(|e| format!("{}: {e}", db.display()))?;
                    let config = Config {
                        domain: addr.to_string(),
                        ..config
                    };
                    server::start(config, store, dataset, chain, listener)
                        .await
                        .map_err(|e| e.to_string())
                };
                match started.await {
                    Ok(running) => {
                        let _ = addr_tx.send(Ok(running.addr));
                        let _ = stop_rx.await;
                        running.stop().await;
                        Ok(())
                    }
                    Err(e) => {
                        let _ = addr_tx.send(Err(e.clone()));
                        Err(e)
                    }
                }
            })
        })
        .map_err(|e| BenchError(format!("spawning the gateway thread: {e}")))?;
    let addr = addr_rx
        .await
        .map_err(|_| BenchError("the gateway thread ended before it started".into()))?
        .map_err(|e| BenchError(format!("the gateway did not start: {e}")))?;
    Ok(ServerThread {
        addr,
        stop,
        thread,
        threads,
    })
}

#[allow(clippy::too_many_lines)] // the benchmark's steps in order
async fn measure(
    args: &Args,
    url: &str,
    programs: &tributary::deploy::Programs,
    dataset: Dataset,
    shards: Vec<bench::ShardInfo>,
    db: &Path,
    placement: &affinity::Placement,
) -> Result<(Vec<PhaseResult>, Anchoring), BenchError> {
    let signers = chain::signers();
    let provider = world::connect(url, &signers)?;
    let parameters = UsageParameters {
        challenge_window: CHALLENGE_WINDOW,
        ..UsageParameters::default()
    };
    log("deploying the Tributary contracts");
    let deployer = signers
        .first()
        .ok_or_else(|| BenchError("the devnode has no dev accounts".into()))?
        .address();
    let w = World::deploy(provider, deployer, programs, parameters, |_| {}).await?;
    let clients = usize::try_from(args.clients).unwrap_or(usize::MAX);
    let fixture =
        bench::set_up(&w, &signers, dataset.content_hash, clients, &mut |l| log(l)).await?;

    let chain_id = w.deployment.chain_id;
    let mut config = Config::new(
        String::new(),
        chain_id,
        fixture.dataset_id,
        fixture.attestor.address(),
    );
    config.rate_per_sec = RATE_PER_SEC;
    config.rate_burst = RATE_PER_SEC;
    let server = start_server(
        config,
        url.to_owned(),
        (
            w.at(Contract::LicenseNft),
            w.at(Contract::AttributionRegistry),
        ),
        dataset,
        db.to_path_buf(),
        placement.server_cpu,
    )
    .await?;
    let base = format!("http://{}", server.addr);
    log(&format!("gateway listening on {base}"));

    let shards = Arc::new(shards);
    let mut bench_clients = Vec::with_capacity(clients);
    for (i, (license, signer)) in fixture.licenses.iter().enumerate() {
        bench_clients.push(BenchClient {
            index: i as u64,
            client: Client::new(&base).map_err(|e| BenchError(e.to_string()))?,
            signer: signer.clone(),
            license: *license,
            job: None,
            shards: shards.clone(),
        });
    }
    let limit = Limit {
        time: Duration::from_secs(args.seconds),
        count: args.requests,
    };
    let mut results = Vec::new();
    for phase in [
        Phase::Keys,
        Phase::Range,
        Phase::JobStatus,
        Phase::Bulk,
        Phase::Receipt,
    ] {
        if phase == Phase::Range {
            // Every client holds a key (from the keys phase) and one open job for the next
            // three phases; neither is timed. The jobs stay open: the batch holds exactly the
            // receipts phase's receipts.
            for c in &mut bench_clients {
                if c.client.key().is_none() {
                    c.step(Phase::Keys, 0)
                        .await
                        .map_err(|e| BenchError(format!("sign-in: {e}")))?;
                }
                c.job = Some(
                    c.client
                        .open_job(None, None)
                        .await
                        .map_err(|e| BenchError(format!("open job: {e}")))?,
                );
            }
        }
        let limit = if phase == Phase::Receipt {
            Limit {
                time: limit.time * 4,
                count: args.receipts,
            }
        } else {
            limit
        };
        log(&format!(
            "{}: {} clients, up to {} s or {} {}",
            phase.label(),
            clients,
            limit.time.as_secs(),
            limit.count,
            phase.unit()
        ));
        let (server_before, process_before) =
            (server.cpu_seconds(), affinity::process_cpu_seconds());
        let (back, mut result) = bench::run_phase(bench_clients, phase, limit).await?;
        bench_clients = back;
        result.server_cpu_seconds = server_before.zip(server.cpu_seconds()).map(|(a, b)| b - a);
        result.others_cpu_seconds = process_before
            .zip(affinity::process_cpu_seconds())
            .zip(result.server_cpu_seconds)
            .map(|((a, b), server)| (b - a - server).max(0.0));
        log(&format!(
            "{}: {} ok, {} failed, {:.0}/s, p50 {} ms, p99 {} ms",
            result.label,
            result.ok,
            result.error_count(),
            result.per_second,
            result.latency.map_or(0.0, |l| l.p50_ms),
            result.latency.map_or(0.0, |l| l.p99_ms),
        ));
        results.push(result);
    }
    server.stop().await?;
    log("gateway stopped; batching, anchoring and settling its receipts");
    let anchoring =
        bench::anchor_and_settle(&w, url, db, &fixture.attestor, &mut |l| log(l)).await?;
    if anchoring.settled_units != U256::from(anchoring.receipts).to_string() {
        return Err(BenchError(format!(
            "{} receipts of one sample each, but {} units settled",
            anchoring.receipts, anchoring.settled_units
        )));
    }
    Ok((results, anchoring))
}

/// CPU placement: the gateway's thread on one CPU, everything else on the others.
mod affinity {
    use std::sync::Mutex;

    /// Where the threads run.
    #[derive(Debug, Clone)]
    pub(crate) struct Placement {
        /// CPUs the process may use.
        pub(crate) cpus: usize,
        /// The gateway's CPU, when pinned.
        pub(crate) server_cpu: Option<usize>,
        /// The CPUs of everything else, when pinned.
        pub(crate) others: Vec<usize>,
        /// Why it is not pinned.
        pub(crate) unpinned: Option<String>,
    }

    impl Placement {
        pub(crate) fn describe(&self) -> String {
            match (self.server_cpu, &self.unpinned) {
                (Some(cpu), _) => format!(
                    "{} CPUs: the gateway pinned to CPU {cpu}, clients and devnode to CPU(s) {:?}",
                    self.cpus, self.others
                ),
                (None, why) => format!(
                    "{} CPUs, not pinned ({}); the gateway still runs on one thread",
                    self.cpus,
                    why.as_deref().unwrap_or("?")
                ),
            }
        }

        pub(crate) fn server_note(&self) -> String {
            match self.server_cpu {
                Some(cpu) => format!("pinned, with its blocking pool, to CPU {cpu}"),
                None => "on one thread, not pinned".to_owned(),
            }
        }
    }

    #[cfg(target_os = "linux")]
    mod os {
        use rustix::thread::{sched_getaffinity, sched_setaffinity, CpuSet};

        pub(super) fn allowed() -> Result<Vec<usize>, String> {
            let set = sched_getaffinity(None).map_err(|e| format!("sched_getaffinity: {e}"))?;
            Ok((0..CpuSet::MAX_CPU).filter(|&c| set.is_set(c)).collect())
        }

        pub(super) fn pin(cpus: &[usize]) -> Result<(), String> {
            let mut set = CpuSet::new();
            for &c in cpus {
                set.set(c);
            }
            sched_setaffinity(None, &set).map_err(|e| format!("sched_setaffinity: {e}"))
        }

        pub(super) fn tid() -> i32 {
            rustix::thread::gettid().as_raw_nonzero().get()
        }

        /// User + system clock ticks in a `/proc/…/stat` file.
        fn ticks(path: &str) -> Option<u64> {
            let stat = std::fs::read_to_string(path).ok()?;
            // Fields after the command name (which may hold spaces): state is the first,
            // utime and stime the 12th and 13th.
            let rest = stat.rsplit_once(')')?.1;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let utime: u64 = fields.get(11)?.parse().ok()?;
            let stime: u64 = fields.get(12)?.parse().ok()?;
            Some(utime + stime)
        }

        #[allow(clippy::cast_precision_loss)] // clock ticks of a run: far below 2^52
        fn seconds(ticks: u64) -> f64 {
            ticks as f64 / rustix::param::clock_ticks_per_second().max(1) as f64
        }

        pub(super) fn cpu_seconds(tids: &[i32]) -> Option<f64> {
            let mut total = 0_u64;
            for tid in tids {
                total += ticks(&format!("/proc/self/task/{tid}/stat"))?;
            }
            Some(seconds(total))
        }

        pub(super) fn process_cpu_seconds() -> Option<f64> {
            ticks("/proc/self/stat").map(seconds)
        }
    }

    #[cfg(not(target_os = "linux"))]
    mod os {
        pub(super) fn allowed() -> Result<Vec<usize>, String> {
            Err("CPU pinning is implemented for Linux only".into())
        }
        pub(super) fn pin(_: &[usize]) -> Result<(), String> {
            Err("CPU pinning is implemented for Linux only".into())
        }
        pub(super) fn tid() -> i32 {
            0
        }
        pub(super) fn cpu_seconds(_: &[i32]) -> Option<f64> {
            None
        }
        pub(super) fn process_cpu_seconds() -> Option<f64> {
            None
        }
    }

    /// Pins the calling thread (and so every thread it makes later) to every allowed CPU but
    /// the last, which it reserves for the gateway; nothing when `pin` is false or only one CPU
    /// is allowed.
    pub(crate) fn place(pin: bool) -> Placement {
        let parallelism = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let unpinned = |cpus: usize, why: String| Placement {
            cpus,
            server_cpu: None,
            others: Vec::new(),
            unpinned: Some(why),
        };
        if !pin {
            return unpinned(parallelism, "--no-pin".into());
        }
        let allowed = match os::allowed() {
            Ok(a) => a,
            Err(e) => return unpinned(parallelism, e),
        };
        let [others @ .., server] = allowed.as_slice() else {
            return unpinned(parallelism, "no CPU allowed".into());
        };
        if others.is_empty() {
            return unpinned(allowed.len(), "only one CPU".into());
        }
        if let Err(e) = os::pin(others) {
            return unpinned(allowed.len(), e);
        }
        Placement {
            cpus: allowed.len(),
            server_cpu: Some(*server),
            others: others.to_vec(),
            unpinned: None,
        }
    }

    /// Pins the calling thread to `cpus`.
    pub(crate) fn pin_current(cpus: &[usize]) -> Result<(), String> {
        os::pin(cpus)
    }

    /// Adds the calling thread's id to `threads`.
    pub(crate) fn register_current(threads: &Mutex<Vec<i32>>) {
        threads
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(os::tid());
    }

    /// CPU seconds (user + system) the threads `tids` of this process have used.
    pub(crate) fn cpu_seconds(tids: &[i32]) -> Option<f64> {
        os::cpu_seconds(tids)
    }

    /// CPU seconds (user + system) the whole process has used.
    pub(crate) fn process_cpu_seconds() -> Option<f64> {
        os::process_cpu_seconds()
    }
}
