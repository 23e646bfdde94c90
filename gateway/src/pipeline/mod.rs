//! Receipts to money: the gateway's closed jobs become receipts ([`enqueue_receipt`]), the
//! receipts of each closed period one signed batch ([`Pipeline::cut_batch`], the attestor kit's
//! [`build_batch`]), the batch is anchored ([`Pipeline::anchor`]) and, once its challenge window
//! has passed, its usage leaves are settled ([`Pipeline::settle`]); [`Pipeline::run`] does the
//! three every tick. [`status`] answers `tributary gateway batches`.
//!
//! # State and crashes
//!
//! Everything lives in two `SQLite` tables (created by [`schema`]):
//! - `receipts`: one row per closed job, `pending` until a batch takes it (`batched`, with the
//!   batch id), or `rejected` with the reason when it can never be batched by this key (another
//!   attestor, an empty scope, more units than a batch may sign);
//! - `batches`: one row per batch, its batch file (the kit's JSON), its status `built → anchor_sent
//!   → anchored → settle_sent → settled` (or `failed` with the reason: voided by an upheld
//!   challenge, or its anchoring deadline passed), the transaction hashes, gas and times, the last
//!   error and how many attempts failed.
//!
//! A batch and the receipts it takes are written in one transaction; the batch id is the kit's
//! deterministic one (chain, anchor, attestor, root, period), so a crash before the commit just
//! builds the same batch again. The pipeline signs its own transactions and records the signed
//! transaction (hash and bytes) and the new status (`anchor_sent` / `settle_sent`) *before* it
//! broadcasts it. Before sending anything it asks the chain, which is the source of truth:
//! - a batch the anchor already knows (`batchInfo(attestor, batchId).status != 0`) is anchored,
//!   whoever sent it: it is never sent twice;
//! - a recorded transaction still pending is waited for; one the node has never seen is
//!   re-broadcast byte for byte (same nonce and hash, so it can only be mined once); only a
//!   mined-and-reverted one, or one whose nonce another transaction took, is replaced;
//! - settlement sends only the leaves `isUsageSettled` says are not settled, in one multiproof; a
//!   refusal with `UsageAlreadySettled` makes it ask `isUsageSettled` again, never assume.
//!
//! So a `kill -9` at any point, followed by a restart on the same database, bills every
//! receipt exactly once. Failed attempts are retried with exponential backoff (kept in memory: a
//! restart retries at once).

pub mod chain;
pub mod status;

#[cfg(test)]
mod tests;

use std::{
    collections::HashMap,
    future::Future,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use alloy::{
    network::{eip2718::Encodable2718, EthereumWallet, TransactionBuilder},
    primitives::{Address, Bytes, B256, U256},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
};
pub use chain::{BatchInfo, Broadcast, Chain, ChainError, Mined, RpcChain, SignedTx, TxLookup};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
pub use status::{BatchRow, BatchStatus, PendingLicense, RejectedReceipt};
use tributary_kit::{
    attest::{
        build_batch,
        json::{BatchJson, ReceiptJson},
        prove,
        types::MAX_BATCH_UNITS,
        AttestError, BatchFile, BatchOptions, Receipt, Selection,
    },
    contracts::Contract,
    deploy::Deployment,
};

/// SQL that creates the pipeline's tables (run by `Store::open` and [`Pipeline::open`],
/// idempotent).
pub fn schema() -> &'static str {
    "CREATE TABLE IF NOT EXISTS receipts(
        job_id BLOB PRIMARY KEY,
        license_id TEXT NOT NULL,
        units TEXT NOT NULL,
        timestamp INTEGER NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'batched', 'rejected')),
        batch_id BLOB,
        error TEXT,
        enqueued_at INTEGER NOT NULL DEFAULT (unixepoch())
    );
    CREATE INDEX IF NOT EXISTS receipts_by_status ON receipts(status, timestamp, job_id);
    CREATE INDEX IF NOT EXISTS receipts_by_batch ON receipts(batch_id);
    CREATE TABLE IF NOT EXISTS batches(
        batch_id BLOB PRIMARY KEY,
        attestor BLOB NOT NULL,
        period_start INTEGER NOT NULL,
        period_end INTEGER NOT NULL,
        deadline INTEGER NOT NULL,
        leaf_count INTEGER NOT NULL,
        receipt_count INTEGER NOT NULL,
        total_units TEXT NOT NULL,
        file TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN
            ('built', 'anchor_sent', 'anchored', 'settle_sent', 'settled', 'failed')),
        anchor_tx BLOB,
        anchor_gas INTEGER,
        anchored_at INTEGER,
        settle_tx BLOB,
        settle_gas INTEGER NOT NULL DEFAULT 0,
        settled_units TEXT,
        settled_at INTEGER,
        sent_tx BLOB,
        sent_raw BLOB,
        sent_data BLOB,
        sent_nonce INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS batches_by_status ON batches(status);"
}

/// Inserts a closed job's receipt as pending, inside the transaction that closes the job.
///
/// A job id is enqueued once: a second receipt for the same job id is an error (the primary
/// key), which rolls back the caller's transaction instead of billing the job twice.
pub fn enqueue_receipt(
    tx: &rusqlite::Transaction<'_>,
    receipt: &tributary_kit::attest::types::Receipt,
) -> rusqlite::Result<()> {
    let body = serde_json::to_string(&ReceiptJson::from(receipt))
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    tx.execute(
        "INSERT INTO receipts(job_id, license_id, units, timestamp, body) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            receipt.jobId.as_slice(),
            receipt.licenseId.to_string(),
            receipt.units.to_string(),
            sql_int(receipt.timestamp)?,
            body
        ],
    )?;
    Ok(())
}

/// What the pipeline is configured with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineConfig {
    /// Chain id (of the batches' EIP-712 domain).
    pub chain_id: u64,
    /// The usage anchor.
    pub anchor: Address,
    /// Length of a batching period in seconds: periods are `[k·p, k·p + p − 1]`, and the
    /// receipts of a period (by timestamp) are batched once it has closed.
    pub period_secs: u64,
    /// Seconds to wait after a period ends before batching it (jobs closing at the boundary).
    pub close_grace_secs: u64,
    /// At most this many receipts in one batch (the rest of the period goes into the next).
    pub max_receipts_per_batch: usize,
    /// At most this many usage leaves in one `settle` transaction.
    pub max_leaves_per_settle: usize,
    /// How long a call waits for a sent transaction to be mined before it leaves it to the next
    /// tick.
    pub mined_timeout: Duration,
    /// First retry delay after a failure; doubles per failure up to [`Self::backoff_max`].
    pub backoff_base: Duration,
    /// Longest retry delay.
    pub backoff_max: Duration,
}

impl PipelineConfig {
    /// The defaults (hourly periods) for `deployment`'s chain and anchor.
    pub fn new(deployment: &Deployment) -> Self {
        Self::for_anchor(
            deployment.chain_id,
            deployment.address(Contract::UsageAnchor),
        )
    }

    /// The defaults for the anchor at `anchor` on chain `chain_id`.
    pub fn for_anchor(chain_id: u64, anchor: Address) -> Self {
        Self {
            chain_id,
            anchor,
            period_secs: 3600,
            close_grace_secs: 60,
            max_receipts_per_batch: 10_000,
            max_leaves_per_settle: 256,
            mined_timeout: Duration::from_secs(60),
            backoff_base: Duration::from_secs(5),
            backoff_max: Duration::from_secs(600),
        }
    }
}

/// Why a pipeline step failed.
#[derive(Debug)]
pub enum PipelineError {
    /// The database.
    Db(rusqlite::Error),
    /// The attestor kit (building or proving a batch).
    Attest(AttestError),
    /// The chain.
    Chain(ChainError),
    /// Signing a transaction.
    Sign(String),
    /// A transaction was mined but did not do what it was sent for.
    Reverted(B256),
    /// A stored row that does not parse.
    Corrupt(String),
}

impl std::fmt::Display for PipelineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Db(e) => write!(f, "database: {e}"),
            Self::Attest(e) => write!(f, "attestor kit: {e}"),
            Self::Chain(e) => write!(f, "chain: {e}"),
            Self::Sign(e) => write!(f, "signing: {e}"),
            Self::Reverted(tx) => write!(f, "transaction {tx} reverted"),
            Self::Corrupt(e) => write!(f, "corrupt row: {e}"),
        }
    }
}

impl std::error::Error for PipelineError {}

impl From<rusqlite::Error> for PipelineError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Db(e)
    }
}

impl From<AttestError> for PipelineError {
    fn from(e: AttestError) -> Self {
        Self::Attest(e)
    }
}

impl From<ChainError> for PipelineError {
    fn from(e: ChainError) -> Self {
        Self::Chain(e)
    }
}

/// Size of a batch, as the log reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSummary {
    /// Batch id.
    pub batch_id: B256,
    /// Usage leaves.
    pub leaves: u32,
    /// Receipts.
    pub receipts: u32,
    /// Units (sum over the receipts).
    pub units: U256,
    /// Period start.
    pub period_start: u64,
    /// Period end.
    pub period_end: u64,
}

/// One thing the pipeline did (or waits for); [`std::fmt::Display`] is its log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// A batch was built from a closed period's receipts.
    Cut(BatchSummary),
    /// A receipt can never be batched by this attestor.
    Rejected {
        /// Its job id.
        job_id: B256,
        /// Why.
        reason: String,
    },
    /// A transaction was recorded and broadcast.
    Sent {
        /// The batch.
        batch_id: B256,
        /// `anchorBatch` or `settle`.
        what: &'static str,
        /// Its hash.
        tx: B256,
    },
    /// A batch is anchored on chain.
    Anchored {
        /// The batch.
        batch: BatchSummary,
        /// Gas of our `anchorBatch` (`None` when another transaction anchored it).
        gas: Option<u64>,
        /// Our `anchorBatch` transaction (`None` when another one anchored it).
        tx: Option<B256>,
        /// When it was anchored (chain time).
        anchored_at: u64,
    },
    /// Every usage leaf of a batch is settled.
    Settled {
        /// The batch.
        batch_id: B256,
        /// Leaves settled by this call's transactions.
        leaves: u32,
        /// Units the anchor counts as settled for the batch (billed or skipped).
        units: U256,
        /// Gas of all our `settle` transactions of the batch.
        gas: u64,
        /// Our last `settle` transaction (`None` if others settled every leaf).
        tx: Option<B256>,
    },
    /// A batch can never be anchored or settled.
    Failed {
        /// The batch.
        batch_id: B256,
        /// Why.
        reason: String,
    },
    /// A batch waits for the chain (a pending transaction, the challenge window, a challenge).
    Waiting {
        /// The batch.
        batch_id: B256,
        /// What for.
        reason: String,
    },
    /// A step failed and will be retried.
    Retry {
        /// The batch.
        batch_id: B256,
        /// The error.
        error: String,
        /// Seconds until the next attempt.
        after_secs: u64,
    },
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Cut(b) => write!(
                f,
                "batch {} built: period {}..={}, {} leaves, {} receipts, {} units",
                b.batch_id, b.period_start, b.period_end, b.leaves, b.receipts, b.units
            ),
            Self::Rejected { job_id, reason } => write!(f, "receipt {job_id} rejected: {reason}"),
            Self::Sent { batch_id, what, tx } => write!(f, "batch {batch_id}: {what} sent, tx {tx}"),
            Self::Anchored {
                batch,
                gas,
                tx,
                anchored_at,
            } => write!(
                f,
                "anchored batch {}: {} leaves, {} receipts, {} units, gas {}, tx {}, at {anchored_at}",
                batch.batch_id,
                batch.leaves,
                batch.receipts,
                batch.units,
                gas.map_or_else(|| "-".to_owned(), |g| g.to_string()),
                tx.map_or_else(|| "- (anchored by another sender)".to_owned(), |t| t.to_string()),
            ),
            Self::Settled {
                batch_id,
                leaves,
                units,
                gas,
                tx,
            } => write!(
                f,
                "settled batch {batch_id}: {leaves} leaves settled now, {units} units settled, gas {gas}, tx {}",
                tx.map_or_else(|| "-".to_owned(), |t| t.to_string())
            ),
            Self::Failed { batch_id, reason } => write!(f, "batch {batch_id} failed: {reason}"),
            Self::Waiting { batch_id, reason } => write!(f, "batch {batch_id} waits: {reason}"),
            Self::Retry {
                batch_id,
                error,
                after_secs,
            } => write!(f, "batch {batch_id}: {error}; retry in {after_secs} s"),
        }
    }
}

/// A batch row as the pipeline works on it.
struct Record {
    file: BatchFile,
    status: BatchStatus,
    settle_tx: Option<B256>,
    settle_gas: u64,
    sent: Option<SignedTx>,
}

impl Record {
    fn summary(&self) -> BatchSummary {
        BatchSummary::from(&self.file.batch)
    }
}

impl From<&BatchJson> for BatchSummary {
    fn from(b: &BatchJson) -> Self {
        Self {
            batch_id: b.batch_id,
            leaves: b.leaf_count,
            receipts: b.receipt_count,
            units: b.total_units,
            period_start: b.period_start,
            period_end: b.period_end,
        }
    }
}

/// The batching, anchoring and settling pipeline over the gateway's database.
pub struct Pipeline {
    conn: Connection,
    signer: PrivateKeySigner,
    wallet: EthereumWallet,
    config: PipelineConfig,
    challenge_window: Option<u64>,
    backoff: HashMap<B256, (u32, Instant)>,
    clock: fn() -> u64,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("attestor", &self.signer.address())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Unix seconds now (wall clock).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `[start, end]` of the period of `period_secs` seconds holding `timestamp`.
pub fn period_of(timestamp: u64, period_secs: u64) -> (u64, u64) {
    let p = period_secs.max(1);
    let start = timestamp - timestamp % p;
    (start, start.saturating_add(p - 1))
}

/// The stored receipt `body` if this attestor can batch it, else why not.
fn check_receipt(body: &str, attestor: Address) -> Result<Receipt, String> {
    let r = serde_json::from_str::<ReceiptJson>(body)
        .map(|j| j.to_receipt(attestor))
        .map_err(|e| format!("unreadable receipt: {e}"))?;
    if r.attestor != attestor {
        Err(format!(
            "metered by attestor {}, not {attestor}",
            r.attestor
        ))
    } else if r.scope.is_zero() {
        Err("empty scope".to_owned())
    } else if r.units > U256::from(MAX_BATCH_UNITS) {
        Err(format!("{} units, more than a batch may sign", r.units))
    } else {
        Ok(r)
    }
}

/// Stores a built batch and marks its receipts batched (inside the caller's transaction).
fn insert_batch(
    tx: &rusqlite::Transaction<'_>,
    file: &BatchFile,
    receipts: &[Receipt],
) -> Result<(), PipelineError> {
    let b = &file.batch;
    let text = serde_json::to_string(file)
        .map_err(|e| PipelineError::Corrupt(format!("batch file: {e}")))?;
    tx.execute(
        "INSERT INTO batches(batch_id, attestor, period_start, period_end, deadline, \
         leaf_count, receipt_count, total_units, file, status, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'built', ?10, ?10)",
        params![
            b.batch_id.as_slice(),
            b.attestor.as_slice(),
            sql_int(b.period_start)?,
            sql_int(b.period_end)?,
            sql_int(b.deadline)?,
            b.leaf_count,
            b.receipt_count,
            b.total_units.to_string(),
            text,
            sql_int(unix_now())?
        ],
    )?;
    for r in receipts {
        tx.execute(
            "UPDATE receipts SET status = 'batched', batch_id = ?2 WHERE job_id = ?1",
            params![r.jobId.as_slice(), b.batch_id.as_slice()],
        )?;
    }
    Ok(())
}

fn sql_int(v: u64) -> rusqlite::Result<i64> {
    i64::try_from(v).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

fn from_sql_int(v: i64) -> u64 {
    u64::try_from(v).unwrap_or_default()
}

fn b256(bytes: &[u8]) -> Result<B256, PipelineError> {
    B256::try_from(bytes)
        .map_err(|_| PipelineError::Corrupt(format!("{} bytes for a hash", bytes.len())))
}

impl Pipeline {
    /// Opens the database at `path` (creating the tables if needed, WAL mode) for the attestor
    /// `signer`, which signs the batches and sends (and pays for) the transactions.
    pub fn open(
        path: &std::path::Path,
        signer: PrivateKeySigner,
        config: PipelineConfig,
    ) -> Result<Self, PipelineError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(schema())?;
        Ok(Self {
            conn,
            wallet: EthereumWallet::from(signer.clone()),
            signer,
            config,
            challenge_window: None,
            backoff: HashMap::new(),
            clock: unix_now,
        })
    }

    /// Replaces the clock (unix seconds; [`unix_now`] by default) that [`Self::run`] cuts
    /// periods by and that bounds the chain's time from below when checking a challenge
    /// window.
    #[must_use]
    pub fn with_clock(mut self, clock: fn() -> u64) -> Self {
        self.clock = clock;
        self
    }

    /// The attestor.
    pub fn attestor(&self) -> Address {
        self.signer.address()
    }

    /// The configuration.
    pub fn config(&self) -> &PipelineConfig {
        &self.config
    }

    /// The database connection (for [`status`] queries).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Builds at most one batch: the pending receipts (up to
    /// [`PipelineConfig::max_receipts_per_batch`]) of the earliest period that has closed by
    /// `now` (unix seconds), signed by the attestor, with the kit's deterministic batch id;
    /// the batch is stored `built` and its receipts marked `batched`, in one `SQLite` transaction.
    /// Receipts this attestor cannot batch are marked `rejected` on the way.
    pub fn cut_batch(&mut self, now: u64) -> Result<Vec<Progress>, PipelineError> {
        let attestor = self.signer.address();
        let (period_secs, grace, max) = (
            self.config.period_secs,
            self.config.close_grace_secs,
            self.config.max_receipts_per_batch.max(1),
        );
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut progress = Vec::new();
        loop {
            let first: Option<i64> = tx
                .query_row(
                    "SELECT timestamp FROM receipts WHERE status = 'pending' \
                     ORDER BY timestamp, job_id LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(first) = first else { break };
            let (start, end) = period_of(from_sql_int(first), period_secs);
            if now <= end.saturating_add(grace) {
                break;
            }
            let rows: Vec<(Vec<u8>, String)> = {
                let mut stmt = tx.prepare(
                    "SELECT job_id, body FROM receipts WHERE status = 'pending' \
                     AND timestamp BETWEEN ?1 AND ?2 ORDER BY timestamp, job_id LIMIT ?3",
                )?;
                let rows = stmt
                    .query_map(
                        params![
                            sql_int(start)?,
                            sql_int(end)?,
                            i64::try_from(max).unwrap_or(i64::MAX)
                        ],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )?
                    .collect::<Result<_, _>>()?;
                rows
            };
            let mut receipts: Vec<Receipt> = Vec::with_capacity(rows.len());
            let mut units = U256::ZERO;
            for (job_id, body) in rows {
                match check_receipt(&body, attestor) {
                    Ok(r) => {
                        let sum = units + r.units;
                        if sum > U256::from(MAX_BATCH_UNITS) {
                            break; // the rest goes into the next batch
                        }
                        units = sum;
                        receipts.push(r);
                    }
                    Err(reason) => {
                        tx.execute(
                            "UPDATE receipts SET status = 'rejected', error = ?2 WHERE job_id = ?1",
                            params![job_id, reason],
                        )?;
                        progress.push(Progress::Rejected {
                            job_id: B256::try_from(job_id.as_slice()).unwrap_or_default(),
                            reason,
                        });
                    }
                }
            }
            if receipts.is_empty() {
                continue; // everything rejected: look again
            }
            let options = BatchOptions {
                chain_id: self.config.chain_id,
                verifying_contract: self.config.anchor,
                batch_id: None,
                period_start: Some(start),
                period_end: Some(end),
                deadline: None,
            };
            let file = build_batch(&receipts, &self.signer, &options)?;
            insert_batch(&tx, &file, &receipts)?;
            progress.push(Progress::Cut(BatchSummary::from(&file.batch)));
            break;
        }
        tx.commit()?;
        Ok(progress)
    }

    /// Anchors every `built` or `anchor_sent` batch whose retry is due (see the module docs for
    /// how it reconciles with the chain first).
    pub async fn anchor<C: Chain>(&mut self, chain: &C) -> Result<Vec<Progress>, PipelineError> {
        let ids = self.ids_with(&[BatchStatus::Built, BatchStatus::AnchorSent])?;
        let mut progress = Vec::new();
        for id in ids {
            if !self.due(id) {
                continue;
            }
            let result = self.anchor_one(chain, id).await;
            progress.push(self.outcome(id, result)?);
        }
        Ok(progress)
    }

    /// Settles every `anchored` or `settle_sent` batch whose challenge window has passed and
    /// whose retry is due: all its not yet settled leaves, in one multiproof per
    /// [`PipelineConfig::max_leaves_per_settle`] leaves.
    pub async fn settle<C: Chain>(&mut self, chain: &C) -> Result<Vec<Progress>, PipelineError> {
        let ids = self.ids_with(&[BatchStatus::Anchored, BatchStatus::SettleSent])?;
        let mut progress = Vec::new();
        for id in ids {
            if !self.due(id) {
                continue;
            }
            let result = self.settle_one(chain, id).await;
            progress.push(self.outcome(id, result)?);
        }
        Ok(progress)
    }

    /// One tick: cuts every closed period (unix time `now`), anchors, settles.
    pub async fn tick<C: Chain>(
        &mut self,
        chain: &C,
        now: u64,
    ) -> Result<Vec<Progress>, PipelineError> {
        let mut progress = Vec::new();
        loop {
            let cut = self.cut_batch(now)?;
            let more = cut.iter().any(|p| matches!(p, Progress::Cut(_)));
            progress.extend(cut);
            if !more {
                break;
            }
        }
        progress.extend(self.anchor(chain).await?);
        progress.extend(self.settle(chain).await?);
        Ok(progress)
    }

    /// Runs [`Self::tick`] every `every` until `shutdown` completes, logging each progress
    /// line (and errors) to standard error with the prefix `pipeline: `.
    pub async fn run<C: Chain>(
        self,
        chain: C,
        every: Duration,
        shutdown: impl Future<Output = ()> + Send,
    ) {
        self.run_with(
            chain,
            every,
            shutdown,
            |p| eprintln!("pipeline: {p}"),
            |e| {
                eprintln!("pipeline: {e}");
            },
        )
        .await;
    }

    /// [`Self::run`] with its own sinks for progress and errors.
    pub async fn run_with<C: Chain>(
        mut self,
        chain: C,
        every: Duration,
        shutdown: impl Future<Output = ()> + Send,
        mut on_progress: impl FnMut(&Progress) + Send,
        mut on_error: impl FnMut(&PipelineError) + Send,
    ) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => return,
                _ = ticks.tick() => {}
            }
            let step = self.tick(&chain, (self.clock)());
            tokio::select! {
                () = &mut shutdown => return,
                result = step => match result {
                    Ok(progress) => progress
                        .iter()
                        .filter(|p| !matches!(p, Progress::Waiting { .. }))
                        .for_each(&mut on_progress),
                    Err(e) => on_error(&e),
                },
            }
        }
    }

    // ---- anchoring ----

    async fn anchor_one<C: Chain>(
        &mut self,
        chain: &C,
        id: B256,
    ) -> Result<Progress, PipelineError> {
        let record = self.load(id)?;
        let anchor = self.config.anchor;
        let attestor = record.file.batch.attestor;
        let info = chain.batch_info(anchor, attestor, id).await?;
        if info.status != chain::status::NONE {
            return self.mark_anchored(chain, &record, &info).await;
        }
        if let (BatchStatus::AnchorSent, Some(sent)) = (record.status, &record.sent) {
            match chain.lookup(sent.hash).await? {
                TxLookup::Pending => {
                    return Ok(Progress::Waiting {
                        batch_id: id,
                        reason: format!("anchorBatch {} pending", sent.hash),
                    })
                }
                TxLookup::Mined(_) => {
                    // Read again: it may have been mined since the first read.
                    let info = chain.batch_info(anchor, attestor, id).await?;
                    if info.status != chain::status::NONE {
                        return self.mark_anchored(chain, &record, &info).await;
                    }
                    self.note_error(id, &format!("anchorBatch {} reverted", sent.hash))?;
                }
                TxLookup::Unknown => match chain.broadcast(sent).await? {
                    Broadcast::Accepted | Broadcast::AlreadyKnown => {
                        return self.await_anchor(chain, &record, sent).await;
                    }
                    Broadcast::NonceUsed => {
                        self.note_error(
                            id,
                            &format!("anchorBatch {} replaced (nonce used)", sent.hash),
                        )?;
                    }
                },
            }
        }
        let now = chain.now().await?;
        let batch = &record.file.batch;
        // The head block's time is at most the next block's: past the deadline, nothing can
        // anchor the batch. (A period that has not ended on the chain's clock is refused by the
        // simulation, `InvalidBatch`, and retried.)
        if now > batch.deadline {
            return self.mark_failed(
                id,
                &format!("its anchoring deadline {} has passed", batch.deadline),
            );
        }
        let sent = match self
            .sign(chain, anchor, record.file.anchor_calldata.clone())
            .await
        {
            Ok(sent) => sent,
            Err(PipelineError::Chain(ChainError::Refused(name)))
                if name == "BatchAlreadyAnchored" =>
            {
                let info = chain.batch_info(anchor, attestor, id).await?;
                if info.status != chain::status::NONE {
                    return self.mark_anchored(chain, &record, &info).await;
                }
                return Err(PipelineError::Chain(ChainError::Refused(name)));
            }
            Err(PipelineError::Chain(ChainError::Refused(name))) if name == "BatchExpired" => {
                return self.mark_failed(
                    id,
                    &format!("its anchoring deadline {} has passed", batch.deadline),
                );
            }
            Err(e) => return Err(e),
        };
        self.record_sent(id, BatchStatus::AnchorSent, &sent)?;
        if chain.broadcast(&sent).await? == Broadcast::NonceUsed {
            return Err(PipelineError::Chain(ChainError::Rpc(format!(
                "nonce {} of {} was taken by another transaction",
                sent.nonce, sent.from
            ))));
        }
        self.await_anchor(chain, &record, &sent).await
    }

    async fn await_anchor<C: Chain>(
        &mut self,
        chain: &C,
        record: &Record,
        sent: &SignedTx,
    ) -> Result<Progress, PipelineError> {
        let id = record.file.batch.batch_id;
        let Some(_) = self.await_mined(chain, sent.hash).await? else {
            return Ok(Progress::Waiting {
                batch_id: id,
                reason: format!("anchorBatch {} not mined yet", sent.hash),
            });
        };
        let info = chain
            .batch_info(self.config.anchor, record.file.batch.attestor, id)
            .await?;
        if info.status == chain::status::NONE {
            return Err(PipelineError::Reverted(sent.hash));
        }
        let record = Record {
            status: BatchStatus::AnchorSent,
            sent: Some(sent.clone()),
            ..self.load(id)?
        };
        self.mark_anchored(chain, &record, &info).await
    }

    /// Records the batch as anchored; our transaction and its gas if it is the one that
    /// anchored it.
    async fn mark_anchored<C: Chain>(
        &mut self,
        chain: &C,
        record: &Record,
        info: &BatchInfo,
    ) -> Result<Progress, PipelineError> {
        let id = record.file.batch.batch_id;
        let ours = match (&record.sent, record.status) {
            (Some(sent), BatchStatus::AnchorSent) => match chain.lookup(sent.hash).await? {
                TxLookup::Mined(m) if m.success => Some((sent.hash, m.gas_used)),
                _ => None,
            },
            _ => None,
        };
        self.conn.execute(
            "UPDATE batches SET status = 'anchored', anchor_tx = ?2, anchor_gas = ?3, \
             anchored_at = ?4, sent_tx = NULL, sent_raw = NULL, sent_data = NULL, sent_nonce = NULL, \
             attempts = 0, last_error = NULL, updated_at = ?5 WHERE batch_id = ?1",
            params![
                id.as_slice(),
                ours.map(|(tx, _)| tx.to_vec()),
                ours.map(|(_, gas)| sql_int(gas)).transpose()?,
                sql_int(info.anchored_at)?,
                sql_int(unix_now())?
            ],
        )?;
        Ok(Progress::Anchored {
            batch: record.summary(),
            gas: ours.map(|(_, gas)| gas),
            tx: ours.map(|(tx, _)| tx),
            anchored_at: info.anchored_at,
        })
    }

    // ---- settling ----

    async fn settle_one<C: Chain>(
        &mut self,
        chain: &C,
        id: B256,
    ) -> Result<Progress, PipelineError> {
        let anchor = self.config.anchor;
        let mut settled_now = 0_u32;
        // Each round sends at most one transaction; a batch needs ⌈leaves / max⌉ of them, plus
        // one round to observe the last, one to recover a recorded transaction and one for a
        // refusal that makes it look again.
        let leaves = usize::try_from(self.load(id)?.file.batch.leaf_count).unwrap_or(usize::MAX);
        let rounds = leaves.div_ceil(self.config.max_leaves_per_settle.max(1)) + 3;
        for _ in 0..rounds {
            let record = self.load(id)?;
            let attestor = record.file.batch.attestor;
            let info = chain.batch_info(anchor, attestor, id).await?;
            if let Some(stop) = self.settleable(id, &info)? {
                return Ok(stop);
            }
            if let (BatchStatus::SettleSent, Some(sent)) = (record.status, &record.sent) {
                if let Some(waiting) = self.settle_in_flight(chain, id, sent).await? {
                    return Ok(waiting);
                }
                continue;
            }
            let window = self.challenge_window(chain).await?;
            // The head block may be old (a quiet chain); the next block is at least the clock.
            // If this runs ahead, the simulation says `ChallengeWindowOpen` and it waits.
            let now = chain.now().await?.max((self.clock)());
            let opens = info.anchored_at.saturating_add(window);
            if now < opens {
                return Ok(Progress::Waiting {
                    batch_id: id,
                    reason: format!("challenge window open until {opens}"),
                });
            }
            let unsettled = self.unsettled(chain, &record).await?;
            if unsettled.is_empty() {
                let info = chain.batch_info(anchor, attestor, id).await?;
                return self.mark_settled(&record, &info, settled_now);
            }
            let take = unsettled
                .len()
                .min(self.config.max_leaves_per_settle.max(1));
            let selection = Selection::Indices(unsettled[..take].to_vec());
            let proof = prove(&record.file, &selection)?;
            let sent = match self.sign(chain, anchor, proof.settle_calldata).await {
                Ok(sent) => sent,
                // Someone settled some of these leaves since we asked: ask again.
                Err(PipelineError::Chain(ChainError::Refused(name)))
                    if name == "UsageAlreadySettled" =>
                {
                    self.note_error(
                        id,
                        "settle refused with UsageAlreadySettled: checking again",
                    )?;
                    continue;
                }
                Err(PipelineError::Chain(ChainError::Refused(name)))
                    if name == "ChallengeWindowOpen" || name == "BatchUnderChallenge" =>
                {
                    return Ok(Progress::Waiting {
                        batch_id: id,
                        reason: format!("settle refused with {name}"),
                    });
                }
                Err(e) => return Err(e),
            };
            self.record_sent(id, BatchStatus::SettleSent, &sent)?;
            if chain.broadcast(&sent).await? == Broadcast::NonceUsed {
                self.settle_dropped(id, sent.hash)?;
                continue;
            }
            match self.await_mined(chain, sent.hash).await? {
                Some(m) => {
                    if m.success {
                        settled_now += u32::try_from(take).unwrap_or(u32::MAX);
                    }
                    self.settle_mined(id, &sent, m)?;
                }
                None => {
                    return Ok(Progress::Waiting {
                        batch_id: id,
                        reason: format!("settle {} not mined yet", sent.hash),
                    })
                }
            }
        }
        Err(PipelineError::Chain(ChainError::Rpc(
            "leaves still unsettled after every settle attempt of this tick".into(),
        )))
    }

    /// What the anchor's status of a batch means for settling it: `Some` to stop (the chain
    /// forgot it, it is voided, or challenged), `None` to go on.
    fn settleable(
        &mut self,
        id: B256,
        info: &BatchInfo,
    ) -> Result<Option<Progress>, PipelineError> {
        match info.status {
            chain::status::NONE => {
                // The chain does not know the batch (a reset chain): anchor it again.
                self.conn.execute(
                    "UPDATE batches SET status = 'built', anchored_at = NULL, anchor_tx = NULL, \
                     anchor_gas = NULL, sent_tx = NULL, sent_raw = NULL, sent_data = NULL, sent_nonce = NULL, \
                     updated_at = ?2 WHERE batch_id = ?1",
                    params![id.as_slice(), sql_int(unix_now())?],
                )?;
                return Ok(Some(Progress::Waiting {
                    batch_id: id,
                    reason: "the anchor does not know it: anchoring again".into(),
                }));
            }
            chain::status::VOIDED => {
                return self
                    .mark_failed(
                        id,
                        &format!("voided by an upheld challenge (round {})", info.round),
                    )
                    .map(Some);
            }
            chain::status::CHALLENGED => {
                return Ok(Some(Progress::Waiting {
                    batch_id: id,
                    reason: format!("under challenge (round {})", info.round),
                }));
            }
            _ => {}
        }
        Ok(None)
    }

    /// Follows a recorded `settle` transaction: waits while it is pending, re-broadcasts it if
    /// the node never saw it, and once it is mined (or can never be) puts the batch back to
    /// `anchored` so that its leaves are checked on chain again. `Some` when it must wait.
    async fn settle_in_flight<C: Chain>(
        &mut self,
        chain: &C,
        id: B256,
        sent: &SignedTx,
    ) -> Result<Option<Progress>, PipelineError> {
        let waiting = |what: &str| {
            Some(Progress::Waiting {
                batch_id: id,
                reason: format!("settle {} {what}", sent.hash),
            })
        };
        match chain.lookup(sent.hash).await? {
            TxLookup::Pending => return Ok(waiting("pending")),
            TxLookup::Mined(m) => self.settle_mined(id, sent, m)?,
            TxLookup::Unknown => match chain.broadcast(sent).await? {
                Broadcast::Accepted | Broadcast::AlreadyKnown => {
                    match self.await_mined(chain, sent.hash).await? {
                        Some(m) => self.settle_mined(id, sent, m)?,
                        None => return Ok(waiting("not mined yet")),
                    }
                }
                Broadcast::NonceUsed => self.settle_dropped(id, sent.hash)?,
            },
        }
        Ok(None)
    }

    /// A recorded settle transaction was mined: back to `anchored` (the leaves are checked
    /// again on chain), its gas counted if it succeeded.
    fn settle_mined(
        &mut self,
        id: B256,
        sent: &SignedTx,
        mined: Mined,
    ) -> Result<(), PipelineError> {
        let gas = if mined.success { mined.gas_used } else { 0 };
        self.conn.execute(
            "UPDATE batches SET status = 'anchored', settle_gas = settle_gas + ?2, \
             settle_tx = CASE WHEN ?3 THEN ?4 ELSE settle_tx END, sent_tx = NULL, sent_raw = NULL, \
             sent_data = NULL, sent_nonce = NULL, updated_at = ?5 WHERE batch_id = ?1",
            params![
                id.as_slice(),
                sql_int(gas)?,
                mined.success,
                sent.hash.as_slice(),
                sql_int(unix_now())?
            ],
        )?;
        if !mined.success {
            self.note_error(id, &format!("settle {} reverted", sent.hash))?;
        }
        Ok(())
    }

    /// A recorded settle transaction can never be mined: back to `anchored`.
    fn settle_dropped(&mut self, id: B256, hash: B256) -> Result<(), PipelineError> {
        self.conn.execute(
            "UPDATE batches SET status = 'anchored', sent_tx = NULL, sent_raw = NULL, sent_data = NULL, \
             sent_nonce = NULL, updated_at = ?2 WHERE batch_id = ?1",
            params![id.as_slice(), sql_int(unix_now())?],
        )?;
        self.note_error(id, &format!("settle {hash} replaced (nonce used)"))
    }

    fn mark_settled(
        &mut self,
        record: &Record,
        info: &BatchInfo,
        settled_now: u32,
    ) -> Result<Progress, PipelineError> {
        let id = record.file.batch.batch_id;
        self.conn.execute(
            "UPDATE batches SET status = 'settled', settled_units = ?2, settled_at = ?3, \
             attempts = 0, last_error = NULL, updated_at = ?3 WHERE batch_id = ?1",
            params![
                id.as_slice(),
                info.settled_units.to_string(),
                sql_int(unix_now())?
            ],
        )?;
        Ok(Progress::Settled {
            batch_id: id,
            leaves: settled_now,
            units: info.settled_units,
            gas: record.settle_gas,
            tx: record.settle_tx,
        })
    }

    /// Indices of the batch's leaves that the anchor does not count as settled.
    async fn unsettled<C: Chain>(
        &self,
        chain: &C,
        record: &Record,
    ) -> Result<Vec<u32>, PipelineError> {
        let b = &record.file.batch;
        let mut out = Vec::new();
        for index in 0..b.leaf_count {
            if !chain
                .is_usage_settled(self.config.anchor, b.attestor, b.batch_id, index)
                .await?
            {
                out.push(index);
            }
        }
        Ok(out)
    }

    async fn challenge_window<C: Chain>(&mut self, chain: &C) -> Result<u64, PipelineError> {
        if let Some(w) = self.challenge_window {
            return Ok(w);
        }
        let w = chain.challenge_window(self.config.anchor).await?;
        self.challenge_window = Some(w);
        Ok(w)
    }

    // ---- transactions ----

    /// Simulates `data` to `to` from the attestor and signs it (nothing is sent).
    async fn sign<C: Chain>(
        &self,
        chain: &C,
        to: Address,
        data: Bytes,
    ) -> Result<SignedTx, PipelineError> {
        let from = self.signer.address();
        let gas = chain.estimate_gas(from, to, &data).await?;
        let nonce = chain.next_nonce(from).await?;
        let fees = chain.fees().await?;
        let chain_id = chain.chain_id().await?;
        let request = TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_input(data.clone())
            .with_nonce(nonce)
            .with_chain_id(chain_id)
            .with_gas_limit(tributary_kit::deploy::gas_limit_with_margin(gas))
            .with_max_fee_per_gas(fees.max_fee_per_gas)
            .with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas);
        let envelope = request
            .build(&self.wallet)
            .await
            .map_err(|e| PipelineError::Sign(e.to_string()))?;
        Ok(SignedTx {
            hash: *envelope.tx_hash(),
            raw: envelope.encoded_2718().into(),
            from,
            to,
            nonce,
            data,
        })
    }

    /// Polls until `hash` is mined or [`PipelineConfig::mined_timeout`] passes (`None`).
    async fn await_mined<C: Chain>(
        &self,
        chain: &C,
        hash: B256,
    ) -> Result<Option<Mined>, PipelineError> {
        let until = Instant::now() + self.config.mined_timeout;
        let mut pause = Duration::from_millis(20);
        loop {
            if let TxLookup::Mined(m) = chain.lookup(hash).await? {
                return Ok(Some(m));
            }
            if Instant::now() >= until {
                return Ok(None);
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }

    // ---- rows ----

    fn ids_with(&self, statuses: &[BatchStatus]) -> Result<Vec<B256>, PipelineError> {
        let mut stmt = self.conn.prepare(
            "SELECT batch_id FROM batches WHERE status = ?1 ORDER BY period_start, created_at, batch_id",
        )?;
        let mut ids = Vec::new();
        for s in statuses {
            let rows: Vec<Vec<u8>> = stmt
                .query_map([s.as_str()], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for r in rows {
                ids.push(b256(&r)?);
            }
        }
        Ok(ids)
    }

    fn load(&self, id: B256) -> Result<Record, PipelineError> {
        type Row = (
            String,
            String,
            Option<Vec<u8>>,
            i64,
            Option<Vec<u8>>,
            Option<Vec<u8>>,
            Option<Vec<u8>>,
            Option<i64>,
        );
        let columns: Row = self.conn.query_row(
            "SELECT file, status, settle_tx, settle_gas, sent_tx, sent_raw, sent_data, sent_nonce \
             FROM batches WHERE batch_id = ?1",
            [id.as_slice()],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            },
        )?;
        let (file, status, settle_tx, settle_gas, sent_tx, raw, data, nonce) = columns;
        let file: BatchFile = serde_json::from_str(&file)
            .map_err(|e| PipelineError::Corrupt(format!("batch {id}: {e}")))?;
        let status = BatchStatus::parse(&status)
            .ok_or_else(|| PipelineError::Corrupt(format!("batch {id}: status {status}")))?;
        let settle_tx = settle_tx.as_deref().map(b256).transpose()?;
        let in_flight = match status {
            BatchStatus::AnchorSent | BatchStatus::SettleSent => {
                sent_tx.as_deref().map(b256).transpose()?
            }
            _ => None,
        };
        let sent = match (in_flight, raw, data, nonce) {
            (Some(hash), Some(raw), Some(data), Some(nonce)) => Some(SignedTx {
                hash,
                raw: raw.into(),
                from: self.signer.address(),
                to: self.config.anchor,
                nonce: from_sql_int(nonce),
                data: data.into(),
            }),
            _ => None,
        };
        Ok(Record {
            file,
            status,
            settle_tx,
            settle_gas: from_sql_int(settle_gas),
            sent,
        })
    }

    /// Records a signed transaction and the batch's new status, before it is broadcast.
    fn record_sent(
        &mut self,
        id: B256,
        status: BatchStatus,
        sent: &SignedTx,
    ) -> Result<(), PipelineError> {
        self.conn.execute(
            "UPDATE batches SET status = ?2, sent_tx = ?3, sent_raw = ?4, sent_data = ?5, \
             sent_nonce = ?6, updated_at = ?7 WHERE batch_id = ?1",
            params![
                id.as_slice(),
                status.as_str(),
                sent.hash.as_slice(),
                sent.raw.as_ref(),
                sent.data.as_ref(),
                sql_int(sent.nonce)?,
                sql_int(unix_now())?
            ],
        )?;
        Ok(())
    }

    fn mark_failed(&mut self, id: B256, reason: &str) -> Result<Progress, PipelineError> {
        self.conn.execute(
            "UPDATE batches SET status = 'failed', last_error = ?2, sent_tx = NULL, sent_raw = NULL, \
             sent_data = NULL, sent_nonce = NULL, updated_at = ?3 WHERE batch_id = ?1",
            params![id.as_slice(), reason, sql_int(unix_now())?],
        )?;
        Ok(Progress::Failed {
            batch_id: id,
            reason: reason.to_owned(),
        })
    }

    fn note_error(&mut self, id: B256, error: &str) -> Result<(), PipelineError> {
        self.conn.execute(
            "UPDATE batches SET last_error = ?2, updated_at = ?3 WHERE batch_id = ?1",
            params![id.as_slice(), error, sql_int(unix_now())?],
        )?;
        Ok(())
    }

    // ---- retries ----

    fn due(&self, id: B256) -> bool {
        self.backoff
            .get(&id)
            .is_none_or(|(_, next)| Instant::now() >= *next)
    }

    /// Turns a step's result into progress: success clears the batch's backoff, a failure
    /// (other than the database's) is recorded and backs off.
    fn outcome(
        &mut self,
        id: B256,
        result: Result<Progress, PipelineError>,
    ) -> Result<Progress, PipelineError> {
        match result {
            Ok(progress) => {
                if !matches!(progress, Progress::Waiting { .. }) {
                    self.backoff.remove(&id);
                }
                Ok(progress)
            }
            Err(PipelineError::Db(e)) => Err(PipelineError::Db(e)),
            Err(e) => {
                let attempts = self.backoff.get(&id).map_or(0, |(n, _)| *n) + 1;
                let exponent = attempts.saturating_sub(1).min(20);
                let delay = self
                    .config
                    .backoff_base
                    .saturating_mul(1 << exponent)
                    .min(self.config.backoff_max);
                self.backoff.insert(id, (attempts, Instant::now() + delay));
                let error = e.to_string();
                self.conn.execute(
                    "UPDATE batches SET attempts = attempts + 1, last_error = ?2, updated_at = ?3 \
                     WHERE batch_id = ?1",
                    params![id.as_slice(), error, sql_int(unix_now())?],
                )?;
                Ok(Progress::Retry {
                    batch_id: id,
                    error,
                    after_secs: delay.as_secs(),
                })
            }
        }
    }
}
