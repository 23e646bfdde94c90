//! The gateway benchmark (`--bin gateway`): the access gateway (`tributary-gateway`) served from
//! one core to concurrent clients on loopback, then the cost of anchoring and settling the
//! receipts it wrote. See the crate docs for what each number means.
//!
//! This module holds the parts the binary composes: the generated dataset ([`write_dataset`]),
//! the on-chain set-up ([`set_up`]), the client workloads ([`Phase`], [`run_phase`]), latency
//! percentiles ([`Summary`]), the pipeline run ([`anchor_and_settle`]) and the printed table
//! ([`table`]).

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    io,
    path::Path,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use alloy::{
    primitives::{B256, U256},
    providers::Provider,
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};
use serde::Serialize;
use tributary::{
    contracts::Contract,
    contracts_abi::{
        attribution_registry::IAttributionRegistry, license_offers::ILicenseOffers,
        usage_anchor::IUsageAnchor, usage_escrow::IUsageEscrow,
    },
    world::{eth_terms, World},
};
use tributary_gateway::{
    client::{Client, ClientError},
    pipeline::{
        period_of,
        status::{self, BatchStatus},
        Pipeline, PipelineConfig, Progress, RpcChain,
    },
};

use crate::BenchError;

/// Big shards of the generated dataset (`train/part-{i}.jsonl`).
pub const BIG_SHARDS: usize = 4;
/// Bytes per record: every line of the generated shards is exactly this long, newline included,
/// so an aligned range of this many bytes serves (and meters) exactly one record.
pub const RECORD_BYTES: u64 = 128;
/// Records per big shard: 8,192 × 128 B = 1 MiB.
pub const RECORDS_PER_SHARD: u64 = 8_192;
/// Records of the small shard (`small.jsonl`, 128,000 bytes) the receipts phase reads from.
pub const SMALL_RECORDS: u64 = 1_000;
/// The small shard's path.
pub const SMALL_SHARD: &str = "small.jsonl";
/// Scope of the offer, the licenses and every key: TRAIN.
pub const SCOPE: u64 = 1;
/// Usage rate of the offer: 10^10 wei per sample (the gas benchmark's and the case study's).
pub const RATE_WEI: u64 = 10_000_000_000;
/// Price of a license: 0.01 ETH.
pub const LICENSE_PRICE_WEI: u128 = 10_000_000_000_000_000;
/// Escrow each license is funded with: 1 ETH (10^8 samples at the rate).
pub const ESCROW_WEI: u128 = 1_000_000_000_000_000_000;
/// Batching period of the pipeline: an hour, the gateway's default.
pub const PERIOD_SECS: u64 = 3_600;
/// Dev accounts the clients sign in with (the others: 0 deploys, 1 registers the dataset and
/// offers the license, 2 arbitrates its terms, 4 attests): each client gets a license of its
/// own, minted to `CLIENT_ACCOUNTS[client % len]`.
pub const CLIENT_ACCOUNTS: [usize; 7] = [3, 5, 6, 7, 8, 9, 10];
/// The attestor (signs receipts and batches, sends `anchorBatch` and `settle`).
pub const ATTESTOR_ACCOUNT: usize = 4;

/// One line of record `index`: `{"id":…,"shard":…,"text":"…"}` padded to [`RECORD_BYTES`].
fn record(shard: &str, index: u64) -> String {
    let head = format!("{{\"id\":{index},\"shard\":\"{shard}\",\"text\":\"");
    let tail = "\"}\n";
    let pad = usize::try_from(RECORD_BYTES)
        .unwrap_or(128)
        .saturating_sub(head.len() + tail.len());
    let letters = b"abcdefghijklmnopqrstuvwxyz ";
    let text: String = (0..pad)
        .map(|i| char::from(letters[(i + usize::try_from(index % 27).unwrap_or(0)) % 27]))
        .collect();
    format!("{head}{text}{tail}")
}

/// A shard as the clients address it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardInfo {
    /// Path relative to the dataset directory.
    pub path: String,
    /// Bytes.
    pub size: u64,
}

/// Writes the dataset: [`BIG_SHARDS`] JSON Lines shards of 1 MiB and the small shard, every
/// record [`RECORD_BYTES`] long. Returns the big shards in the order the clients use them.
pub fn write_dataset(dir: &Path) -> io::Result<Vec<ShardInfo>> {
    std::fs::create_dir_all(dir.join("train"))?;
    let mut big = Vec::new();
    for i in 0..BIG_SHARDS {
        let path = format!("train/part-{i}.jsonl");
        let body: String = (0..RECORDS_PER_SHARD).map(|r| record(&path, r)).collect();
        std::fs::write(dir.join(&path), body.as_bytes())?;
        big.push(ShardInfo {
            path,
            size: body.len() as u64,
        });
    }
    let small: String = (0..SMALL_RECORDS).map(|r| record(SMALL_SHARD, r)).collect();
    std::fs::write(dir.join(SMALL_SHARD), small)?;
    Ok(big)
}

/// What the set-up put on chain.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The registered dataset.
    pub dataset_id: U256,
    /// The offer the licenses were minted from.
    pub offer: U256,
    /// One funded license per client, with the wallet that holds it.
    pub licenses: Vec<(U256, PrivateKeySigner)>,
    /// The allow-listed, bonded attestor.
    pub attestor: PrivateKeySigner,
}

/// Registers the dataset (content hash `content_hash`, creator 60 / platform 40), offers a
/// perpetual TRAIN license at [`RATE_WEI`] per sample, mints `clients` licenses (each funded
/// with [`ESCROW_WEI`]) to the [`CLIENT_ACCOUNTS`] round robin, and allow-lists and bonds the
/// attestor.
pub async fn set_up<P: Provider>(
    world: &World<P>,
    signers: &[PrivateKeySigner],
    content_hash: B256,
    clients: usize,
    log: &mut impl FnMut(&str),
) -> Result<Fixture, BenchError> {
    let account = |i: usize| {
        signers
            .get(i)
            .cloned()
            .ok_or_else(|| BenchError(format!("need at least {} dev accounts", i + 1)))
    };
    let (deployer, creator, platform) = (
        account(0)?.address(),
        account(1)?.address(),
        account(2)?.address(),
    );
    let attestor = account(ATTESTOR_ACCOUNT)?;
    let mut weights = [(creator, 60_u64), (platform, 40)];
    weights.sort_by_key(|(a, _)| *a);
    let register = IAttributionRegistry::registerDatasetCall {
        content_hash,
        uri: "ipfs://gateway-bench".into(),
        contributors: weights.iter().map(|(a, _)| *a).collect(),
        weights: weights.iter().map(|(_, w)| U256::from(*w)).collect(),
    };
    let registry = world.at(Contract::AttributionRegistry);
    let (dataset, _) = world
        .returning("registerDataset", creator, registry, &register, U256::ZERO)
        .await?;
    let dataset_id = dataset._0;
    let price = U256::from(LICENSE_PRICE_WEI);
    let terms = ILicenseOffers::LicenseTerms {
        scope: U256::from(SCOPE),
        price,
        usageUnit: 0,
        usageRate: U256::from(RATE_WEI),
        ..eth_terms(
            dataset_id,
            platform,
            "gateway bench terms",
            "ipfs://gateway-bench-terms",
        )
    };
    let create = ILicenseOffers::createOfferCall { terms };
    let offers = world.at(Contract::LicenseOffers);
    let (offer, _) = world
        .returning("createOffer", creator, offers, &create, U256::ZERO)
        .await?;
    let offer = offer._0;
    log(&format!(
        "dataset {dataset_id} registered, offer {offer}; minting and funding {clients} licenses"
    ));
    let escrow = world.at(Contract::UsageEscrow);
    let mut licenses = Vec::with_capacity(clients);
    for i in 0..clients {
        let holder = account(CLIENT_ACCOUNTS[i % CLIENT_ACCOUNTS.len()])?;
        let (license, _) = world.mint("mint", offer, holder.address(), price).await?;
        let fund = IUsageEscrow::fundEscrowCall {
            license_id: license,
        };
        world
            .send(
                "fundEscrow",
                holder.address(),
                escrow,
                fund.abi_encode(),
                U256::from(ESCROW_WEI),
            )
            .await?;
        licenses.push((license, holder));
    }
    let anchor = world.at(Contract::UsageAnchor);
    let allow = IUsageAnchor::setAttestorCall {
        attestor: attestor.address(),
        allowed: true,
    };
    world
        .send(
            "setAttestor",
            deployer,
            anchor,
            allow.abi_encode(),
            U256::ZERO,
        )
        .await?;
    let bond = world.deployment.parameters.min_attestor_bond;
    let data = IUsageAnchor::bondAttestorCall {}.abi_encode();
    world
        .send("bondAttestor", attestor.address(), anchor, data, bond)
        .await?;
    Ok(Fixture {
        dataset_id,
        offer,
        licenses,
        attestor,
    })
}

/// What one client of a phase does, again and again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Sign in with SIWE (nonce, sign, verify): one new key.
    Keys,
    /// `GET /v1/shards/{path}` with `Range` of one 128-byte record in the client's open job:
    /// authenticated, metered (one committed SQLite transaction), 206.
    Range,
    /// `GET /v1/jobs/{id}`: authenticated, reads the meters, writes nothing.
    JobStatus,
    /// A whole 1 MiB shard in the client's open job (metered once, streamed).
    Bulk,
    /// Open a job, read one record, close the job: one receipt.
    Receipt,
}

impl Phase {
    /// The row label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Keys => "keys: SIWE sign-in",
            Self::Range => "small: 128 B range, metered",
            Self::JobStatus => "small: job status, read-only",
            Self::Bulk => "bulk: whole 1 MiB shard",
            Self::Receipt => "receipts: open+read+close",
        }
    }

    /// What one operation of the phase is.
    pub fn unit(self) -> &'static str {
        match self {
            Self::Keys => "keys",
            Self::Range | Self::JobStatus => "requests",
            Self::Bulk => "shards",
            Self::Receipt => "jobs",
        }
    }
}

/// A benchmark client: its own HTTP connection pool, wallet, license and (after sign-in) key.
#[derive(Debug)]
pub struct BenchClient {
    /// Position among the clients.
    pub index: u64,
    /// The gateway client.
    pub client: Client,
    /// Holder of `license`.
    pub signer: PrivateKeySigner,
    /// The client's license.
    pub license: U256,
    /// The job of the range, status and bulk phases.
    pub job: Option<B256>,
    /// The big shards.
    pub shards: Arc<Vec<ShardInfo>>,
}

/// A failed operation, as counted.
fn failure(e: &ClientError) -> String {
    match e {
        ClientError::Api { status, code, .. } => format!("{status} {code}"),
        other => other.to_string(),
    }
}

impl BenchClient {
    fn job(&self) -> Result<B256, ClientError> {
        self.job
            .ok_or_else(|| ClientError::Http("the client has no open job".into()))
    }

    /// Big shard `i` (modulo their number).
    fn shard(&self, i: u64) -> Result<&ShardInfo, ClientError> {
        let n = self.shards.len() as u64;
        usize::try_from(i.checked_rem(n).unwrap_or(0))
            .ok()
            .and_then(|i| self.shards.get(i))
            .ok_or_else(|| ClientError::Http("the dataset has no big shard".into()))
    }

    /// One operation of `phase` (the `k`-th of the phase over every client); returns the bytes
    /// of content it received.
    pub async fn step(&mut self, phase: Phase, k: u64) -> Result<u64, ClientError> {
        match phase {
            Phase::Keys => {
                self.client
                    .sign_in(&self.signer, self.license, U256::from(SCOPE))
                    .await?;
                Ok(0)
            }
            Phase::Range => {
                // Scattered reads, as a data loader's: record r of the big shards.
                let total = RECORDS_PER_SHARD * self.shards.len() as u64;
                let r = (self.index * 7_919 + k * 104_729) % total.max(1);
                let shard = self.shard(r / RECORDS_PER_SHARD)?;
                let start = (r % RECORDS_PER_SHARD) * RECORD_BYTES;
                let range = format!("bytes={start}-{}", start + RECORD_BYTES - 1);
                let bytes = self
                    .client
                    .shard(self.job()?, &shard.path, Some(&range))
                    .await?;
                expect_len(&shard.path, bytes.len(), RECORD_BYTES)?;
                Ok(RECORD_BYTES)
            }
            Phase::JobStatus => {
                let job = self.client.job(self.job()?).await?;
                if job.get("status").and_then(|s| s.as_str()) != Some("open") {
                    return Err(ClientError::Mismatch(format!(
                        "unexpected job answer {job}"
                    )));
                }
                Ok(0)
            }
            Phase::Bulk => {
                let shard = self.shard(self.index + k)?;
                let bytes = self.client.shard(self.job()?, &shard.path, None).await?;
                expect_len(&shard.path, bytes.len(), shard.size)?;
                Ok(shard.size)
            }
            Phase::Receipt => {
                let job = self.client.open_job(None, None).await?;
                let start = (k % SMALL_RECORDS) * RECORD_BYTES;
                let range = format!("bytes={start}-{}", start + RECORD_BYTES - 1);
                let bytes = self.client.shard(job, SMALL_SHARD, Some(&range)).await?;
                expect_len(SMALL_SHARD, bytes.len(), RECORD_BYTES)?;
                let receipt = self.client.close_job(job).await?;
                if receipt.units != U256::from(1) {
                    return Err(ClientError::Mismatch(format!(
                        "job {job} closed with {} units, expected 1",
                        receipt.units
                    )));
                }
                Ok(RECORD_BYTES)
            }
        }
    }
}

fn expect_len(path: &str, got: usize, want: u64) -> Result<(), ClientError> {
    if got as u64 == want {
        Ok(())
    } else {
        Err(ClientError::Mismatch(format!(
            "{path}: received {got} bytes, expected {want}"
        )))
    }
}

/// How long and how many: a phase stops at whichever comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Wall time from the start of the phase (operations in flight then still complete).
    pub time: Duration,
    /// Operations over every client.
    pub count: u64,
}

/// Latency percentiles of a phase's successful operations.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// Median, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile, milliseconds.
    pub p99_ms: f64,
    /// Slowest, milliseconds.
    pub max_ms: f64,
}

impl Summary {
    /// Nearest-rank percentiles of `micros` (sorted here).
    pub fn of(micros: &mut [u64]) -> Option<Self> {
        if micros.is_empty() {
            return None;
        }
        micros.sort_unstable();
        let rank = |p: u64| {
            // Nearest rank: the smallest value with at least p% of the samples at or below it.
            let n = micros.len() as u64;
            let i = (p * n).div_ceil(100).clamp(1, n) - 1;
            ms(micros[usize::try_from(i).unwrap_or(0)])
        };
        Some(Self {
            p50_ms: rank(50),
            p99_ms: rank(99),
            max_ms: ms(micros[micros.len() - 1]),
        })
    }
}

#[allow(clippy::cast_precision_loss)] // microseconds of one request: far below 2^52
fn ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

/// What a phase measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseResult {
    /// Which phase.
    pub phase: Phase,
    /// Row label.
    pub label: &'static str,
    /// Clients that ran it concurrently.
    pub clients: usize,
    /// Successful operations.
    pub ok: u64,
    /// Failed operations (non-2xx answers, transport errors, wrong content), by cause.
    pub errors: BTreeMap<String, u64>,
    /// Wall time from the start until the last client finished, seconds.
    pub seconds: f64,
    /// Successful operations per second.
    pub per_second: f64,
    /// Content bytes received.
    pub bytes: u64,
    /// Content megabytes (10^6 bytes) per second.
    pub mb_per_second: f64,
    /// Latency of the successful operations.
    pub latency: Option<Summary>,
    /// CPU the gateway's threads used during the phase, seconds (`None` if not measured).
    pub server_cpu_seconds: Option<f64>,
    /// CPU the rest of the process (clients and devnode) used during the phase, seconds.
    pub others_cpu_seconds: Option<f64>,
}

impl PhaseResult {
    /// Failed operations in all.
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// Server CPU per second of wall time (1.0 = its core was busy the whole phase).
    pub fn server_utilisation(&self) -> Option<f64> {
        self.server_cpu_seconds
            .map(|cpu| cpu / self.seconds.max(1e-9))
    }

    /// CPU of the clients and the devnode per second of wall time.
    pub fn others_utilisation(&self) -> Option<f64> {
        self.others_cpu_seconds
            .map(|cpu| cpu / self.seconds.max(1e-9))
    }
}

/// Runs `phase` on every client at once until `limit`; returns the clients (for the next
/// phase) and what was measured.
pub async fn run_phase(
    clients: Vec<BenchClient>,
    phase: Phase,
    limit: Limit,
) -> Result<(Vec<BenchClient>, PhaseResult), BenchError> {
    let n = clients.len();
    let issued = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + limit.time;
    let mut tasks = tokio::task::JoinSet::new();
    for mut client in clients {
        let issued = issued.clone();
        tasks.spawn(async move {
            let mut micros = Vec::new();
            let mut errors: BTreeMap<String, u64> = BTreeMap::new();
            let mut bytes = 0_u64;
            while Instant::now() < deadline {
                let k = issued.fetch_add(1, Ordering::Relaxed);
                if k >= limit.count {
                    break;
                }
                let t = Instant::now();
                match client.step(phase, k).await {
                    Ok(b) => {
                        micros.push(u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX));
                        bytes += b;
                    }
                    Err(e) => *errors.entry(failure(&e)).or_default() += 1,
                }
            }
            (client, micros, errors, bytes)
        });
    }
    let mut clients = Vec::with_capacity(n);
    let mut micros = Vec::new();
    let mut errors: BTreeMap<String, u64> = BTreeMap::new();
    let mut bytes = 0;
    while let Some(done) = tasks.join_next().await {
        let (client, m, e, b) =
            done.map_err(|e| BenchError(format!("a client task failed: {e}")))?;
        clients.push(client);
        micros.extend(m);
        for (cause, count) in e {
            *errors.entry(cause).or_default() += count;
        }
        bytes += b;
    }
    let seconds = start.elapsed().as_secs_f64();
    clients.sort_by_key(|c| c.index);
    let ok = micros.len() as u64;
    #[allow(clippy::cast_precision_loss)] // counts and bytes of a few seconds: far below 2^52
    let (per_second, mb_per_second) = (ok as f64 / seconds, bytes as f64 / 1e6 / seconds);
    Ok((
        clients,
        PhaseResult {
            phase,
            label: phase.label(),
            clients: n,
            ok,
            errors,
            seconds,
            per_second,
            bytes,
            mb_per_second,
            latency: Summary::of(&mut micros),
            server_cpu_seconds: None,
            others_cpu_seconds: None,
        },
    ))
}

/// What anchoring and settling the receipts cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anchoring {
    /// Receipts batched.
    pub receipts: u64,
    /// Batches they were cut into.
    pub batches: u64,
    /// Usage leaves (one per license with receipts in a batch).
    pub leaves: u64,
    /// Units settled (billed or skipped) over every batch.
    pub settled_units: String,
    /// Gas of every `anchorBatch` (receipt `gasUsed`, 21,000 intrinsic included).
    pub anchor_gas: u64,
    /// Gas of every `settle`.
    pub settle_gas: u64,
    /// Effective gas price of the anchoring transactions, wei.
    pub gas_price_wei: u128,
    /// What the transactions cost at that price, wei.
    pub cost_wei: u128,
    /// Anchor gas per 1,000 receipts.
    pub anchor_gas_per_1000: u64,
    /// Settle gas per 1,000 receipts.
    pub settle_gas_per_1000: u64,
    /// Both per 1,000 receipts.
    pub total_gas_per_1000: u64,
    /// Wei per 1,000 receipts.
    pub wei_per_1000: u128,
}

/// `value × 1000 / receipts`, rounded to nearest.
pub fn per_1000(value: u128, receipts: u64) -> u128 {
    let receipts = u128::from(receipts.max(1));
    (value * 1000 + receipts / 2) / receipts
}

/// Runs the gateway's pipeline on its database `db` (the server stopped): cuts the pending
/// receipts once their period has closed on the chain's clock (travelling to its end), anchors
/// every batch, travels past the challenge window, settles, and reads the gas of the
/// transactions from the batch rows and their receipts.
pub async fn anchor_and_settle<P: Provider>(
    world: &World<P>,
    url: &str,
    db: &Path,
    attestor: &PrivateKeySigner,
    log: &mut impl FnMut(&str),
) -> Result<Anchoring, BenchError> {
    let config = PipelineConfig {
        period_secs: PERIOD_SECS,
        close_grace_secs: 0,
        ..PipelineConfig::new(&world.deployment)
    };
    let mut pipeline = Pipeline::open(db, attestor.clone(), config)
        .map_err(|e| BenchError(format!("pipeline: {e}")))?;
    let provider = tributary::world::connect(url, std::slice::from_ref(attestor))?;
    let chain = RpcChain::new(provider);
    let anchor = world.at(Contract::UsageAnchor);
    chain
        .check_attestor(anchor, attestor.address())
        .await
        .map_err(|e| BenchError(format!("attestor: {e}")))?;
    let (pending, last): (u64, Option<i64>) = pipeline
        .connection()
        .query_row(
            "SELECT COUNT(*), MAX(timestamp) FROM receipts WHERE status = 'pending'",
            [],
            |r| Ok((u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0), r.get(1)?)),
        )
        .map_err(|e| BenchError(format!("receipts: {e}")))?;
    let last = last
        .and_then(|t| u64::try_from(t).ok())
        .ok_or_else(|| BenchError("the gateway wrote no receipts".into()))?;
    let (_, end) = period_of(last, PERIOD_SECS);
    let mut now = world.now().await?;
    if now <= end {
        now = world.travel(end + 1 - now).await?;
    }
    log(&format!(
        "{pending} receipts pending; the chain's clock is past their period's end ({end})"
    ));
    cut_every_batch(&mut pipeline, now, log)?;
    let progress = pipeline
        .anchor(&chain)
        .await
        .map_err(|e| BenchError(format!("anchor: {e}")))?;
    expect_all(&progress, "anchoring", log, |p| {
        matches!(p, Progress::Anchored { .. })
    })?;
    world
        .travel(world.deployment.parameters.challenge_window + 1)
        .await?;
    let progress = pipeline
        .settle(&chain)
        .await
        .map_err(|e| BenchError(format!("settle: {e}")))?;
    expect_all(&progress, "settling", log, |p| {
        matches!(p, Progress::Settled { .. })
    })?;
    let rows = status::batches(pipeline.connection(), None)
        .map_err(|e| BenchError(format!("batches: {e}")))?;
    costs(world, &rows).await
}

/// Cuts batches until no closed period has pending receipts left.
fn cut_every_batch(
    pipeline: &mut Pipeline,
    now: u64,
    log: &mut impl FnMut(&str),
) -> Result<(), BenchError> {
    loop {
        let progress = pipeline
            .cut_batch(now)
            .map_err(|e| BenchError(format!("cut: {e}")))?;
        if progress.is_empty() {
            return Ok(());
        }
        expect_all(&progress, "cutting", log, |p| matches!(p, Progress::Cut(_)))?;
    }
}

/// Logs `progress`; an error listing it unless it is not empty and every item is `ok`.
fn expect_all(
    progress: &[Progress],
    what: &str,
    log: &mut impl FnMut(&str),
    ok: impl Fn(&Progress) -> bool,
) -> Result<(), BenchError> {
    if !progress.is_empty() && progress.iter().all(ok) {
        for p in progress {
            log(&p.to_string());
        }
        return Ok(());
    }
    let lines: Vec<String> = progress.iter().map(ToString::to_string).collect();
    Err(BenchError(format!("{what}: {}", lines.join("; "))))
}

/// Sums the gas and cost of the settled batches `rows` and scales them to 1,000 receipts.
async fn costs<P: Provider>(
    world: &World<P>,
    rows: &[status::BatchRow],
) -> Result<Anchoring, BenchError> {
    let mut a = Anchoring {
        receipts: 0,
        batches: rows.len() as u64,
        leaves: 0,
        settled_units: String::new(),
        anchor_gas: 0,
        settle_gas: 0,
        gas_price_wei: 0,
        cost_wei: 0,
        anchor_gas_per_1000: 0,
        settle_gas_per_1000: 0,
        total_gas_per_1000: 0,
        wei_per_1000: 0,
    };
    let mut units = U256::ZERO;
    for row in rows {
        if row.status != BatchStatus::Settled {
            return Err(BenchError(format!(
                "batch {} is {:?}, not settled",
                row.batch_id, row.status
            )));
        }
        let (Some(anchor_tx), Some(anchor_gas), Some(settle_tx)) =
            (row.anchor_tx, row.anchor_gas, row.settle_tx)
        else {
            return Err(BenchError(format!(
                "batch {} lacks its anchor or settle transaction",
                row.batch_id
            )));
        };
        a.receipts += u64::from(row.receipts);
        a.leaves += u64::from(row.leaves);
        units += row.settled_units.unwrap_or_default();
        a.anchor_gas += anchor_gas;
        a.settle_gas += row.settle_gas;
        let anchor_price = gas_price(world, anchor_tx).await?;
        let settle_price = gas_price(world, settle_tx).await?;
        a.gas_price_wei = a.gas_price_wei.max(anchor_price).max(settle_price);
        a.cost_wei +=
            u128::from(anchor_gas) * anchor_price + u128::from(row.settle_gas) * settle_price;
    }
    a.settled_units = units.to_string();
    let per = |gas: u64| u64::try_from(per_1000(u128::from(gas), a.receipts)).unwrap_or(u64::MAX);
    a.anchor_gas_per_1000 = per(a.anchor_gas);
    a.settle_gas_per_1000 = per(a.settle_gas);
    a.total_gas_per_1000 = per(a.anchor_gas + a.settle_gas);
    a.wei_per_1000 = per_1000(a.cost_wei, a.receipts);
    Ok(a)
}

async fn gas_price<P: Provider>(world: &World<P>, tx: B256) -> Result<u128, BenchError> {
    let receipt = world
        .chain
        .get_transaction_receipt(tx)
        .await
        .map_err(|e| BenchError(format!("receipt of {tx}: {e}")))?
        .ok_or_else(|| BenchError(format!("transaction {tx} is not mined")))?;
    Ok(receipt.effective_gas_price)
}

/// `n` with thousands separators.
pub fn thousands(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Wei as ETH with nine decimals.
pub fn eth(wei: u128) -> String {
    let gwei = (wei + 500_000_000) / 1_000_000_000;
    format!("{}.{:09} ETH", gwei / 1_000_000_000, gwei % 1_000_000_000)
}

/// The printed table: one row per phase, then the anchoring cost.
pub fn table(phases: &[PhaseResult], anchoring: Option<&Anchoring>) -> String {
    let header = [
        "phase",
        "ok",
        "errors",
        "seconds",
        "per second",
        "MB/s",
        "p50 ms",
        "p99 ms",
        "server CPU",
        "clients+devnode CPU",
    ];
    let percent = |u: Option<f64>| u.map_or_else(|| "-".into(), |u| format!("{:.0}%", u * 100.0));
    let mut lines: Vec<[String; 10]> = vec![header.map(str::to_owned)];
    for p in phases {
        let (p50, p99) = p.latency.map_or(("-".into(), "-".into()), |l| {
            (format!("{:.2}", l.p50_ms), format!("{:.2}", l.p99_ms))
        });
        lines.push([
            p.label.to_owned(),
            thousands(u128::from(p.ok)),
            thousands(u128::from(p.error_count())),
            format!("{:.1}", p.seconds),
            format!("{:.0} {}/s", p.per_second, p.phase.unit()),
            if p.bytes > 0 && p.phase == Phase::Bulk {
                format!("{:.1}", p.mb_per_second)
            } else {
                "-".into()
            },
            p50,
            p99,
            percent(p.server_utilisation()),
            percent(p.others_utilisation()),
        ]);
    }
    let widths: Vec<usize> = (0..10)
        .map(|i| {
            lines
                .iter()
                .map(|l| l[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in &lines {
        for (i, cell) in line.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            if i == 0 {
                let _ = write!(out, "{cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(out, "  {}{cell}", " ".repeat(pad));
            }
        }
        out.push('\n');
    }
    if let Some(a) = anchoring {
        let _ = writeln!(
            out,
            "\nanchoring: {} receipts in {} batch(es), {} usage leaves, {} units settled",
            thousands(u128::from(a.receipts)),
            a.batches,
            a.leaves,
            a.settled_units
        );
        let _ = writeln!(
            out,
            "  measured:            anchorBatch {} gas, settle {} gas",
            thousands(u128::from(a.anchor_gas)),
            thousands(u128::from(a.settle_gas))
        );
        let _ = writeln!(
            out,
            "  per 1,000 receipts:  anchor {} gas + settle {} gas = {} gas = {} wei ({}) at {} gwei",
            thousands(u128::from(a.anchor_gas_per_1000)),
            thousands(u128::from(a.settle_gas_per_1000)),
            thousands(u128::from(a.total_gas_per_1000)),
            thousands(a.wei_per_1000),
            eth(a.wei_per_1000),
            gwei(a.gas_price_wei)
        );
    }
    out
}

#[allow(clippy::cast_precision_loss)] // a gas price: far below 2^52 gwei
fn gwei(wei: u128) -> String {
    format!("{:.3}", wei as f64 / 1e9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_exactly_one_aligned_range_each() {
        for (shard, i) in [
            ("train/part-0.jsonl", 0),
            (SMALL_SHARD, 8_191),
            ("x", 999_999),
        ] {
            let r = record(shard, i);
            assert_eq!(r.len() as u64, RECORD_BYTES, "{r}");
            assert_eq!(r.matches('\n').count(), 1);
            assert!(r.ends_with('\n'));
            serde_json::from_str::<serde_json::Value>(r.trim_end()).unwrap();
        }
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut v: Vec<u64> = (1..=100).rev().map(|i| i * 1000).collect();
        let s = Summary::of(&mut v).unwrap();
        assert_eq!((s.p50_ms, s.p99_ms, s.max_ms), (50.0, 99.0, 100.0));
        let s = Summary::of(&mut [7_000]).unwrap();
        assert_eq!((s.p50_ms, s.p99_ms), (7.0, 7.0));
        assert!(Summary::of(&mut []).is_none());
    }

    #[test]
    fn costs_scale_to_a_thousand_receipts() {
        assert_eq!(per_1000(500_000, 1_000), 500_000);
        assert_eq!(per_1000(1_000, 3), 333_333);
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(eth(1_500_000_000_000_000), "0.001500000 ETH");
    }
}
