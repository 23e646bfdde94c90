//! The gateway's embedded `SQLite` database: sign-in nonces, API keys (their hashes only) and
//! jobs with their meters. The pipeline (`crate::pipeline`) keeps its receipts and batches in
//! the same file; closing a job inserts its receipt in the transaction that closes it.
//!
//! Durability: WAL journal with `synchronous=FULL`. WAL alone already survives `kill -9` of
//! the gateway (a committed transaction is in the WAL file before `COMMIT` returns); FULL also
//! fsyncs the WAL at every commit, so a meter or a receipt that was committed before bytes
//! left the gateway survives a power loss or kernel crash too. Meters are money: we pay one
//! fsync per metered request for that.

use std::{path::Path, sync::Mutex};

use alloy::primitives::{keccak256, Address, B256, U256};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use tributary_kit::attest::types::{scope, Receipt};

/// Bytes of served content per token in the kilo-token meter (`docs/gateway.md`).
pub const BYTES_PER_TOKEN: u64 = 4;

/// The gateway's own tables (the pipeline adds its own through `pipeline::schema()`).
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS nonces(
  nonce TEXT PRIMARY KEY,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE TABLE IF NOT EXISTS keys(
  key_hash BLOB PRIMARY KEY,
  license TEXT NOT NULL,
  wallet TEXT NOT NULL,
  scope TEXT NOT NULL,
  endpoints TEXT NOT NULL,
  unit INTEGER NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoked_reason TEXT
);
CREATE TABLE IF NOT EXISTS jobs(
  job_id BLOB PRIMARY KEY,
  key_hash BLOB NOT NULL,
  license TEXT NOT NULL,
  wallet TEXT NOT NULL,
  dataset TEXT NOT NULL,
  scope TEXT NOT NULL,
  model_hash BLOB NOT NULL,
  unit INTEGER NOT NULL,
  bytes_served INTEGER NOT NULL DEFAULT 0,
  records_served INTEGER NOT NULL DEFAULT 0,
  units_metered INTEGER NOT NULL DEFAULT 0,
  opened_at_ms INTEGER NOT NULL,
  closed_at_ms INTEGER,
  status TEXT NOT NULL DEFAULT 'open'
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status);
";

/// An API key as stored (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyRow {
    /// `keccak256` of the key's 32 bytes.
    pub key_hash: B256,
    /// License token id.
    pub license: U256,
    /// Wallet that signed in.
    pub wallet: Address,
    /// Scope bits granted.
    pub scope: U256,
    /// Endpoints the key may call (`manifest`, `jobs`, `shards`).
    pub endpoints: Vec<String>,
    /// The license's usage unit.
    pub unit: u8,
    /// Unix seconds.
    pub issued_at: u64,
    /// Unix seconds; the key is dead from then on.
    pub expires_at: u64,
    /// Unix seconds, when revoked.
    pub revoked_at: Option<u64>,
    /// Why it was revoked (a stable code).
    pub revoked_reason: Option<String>,
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobRow {
    /// Job id (the receipt's `jobId`).
    pub job_id: B256,
    /// Key that opened it.
    pub key_hash: B256,
    /// License billed.
    pub license: U256,
    /// Wallet that opened it.
    pub wallet: Address,
    /// Dataset served (the receipt's `assetId`).
    pub dataset: U256,
    /// Scope the key was granted (the receipt's `scope`).
    pub scope: U256,
    /// Model hash (zero if none given).
    pub model_hash: B256,
    /// The license's usage unit.
    pub unit: u8,
    /// Bytes served.
    pub bytes_served: u64,
    /// Records served.
    pub records_served: u64,
    /// Units metered so far (final once closed).
    pub units_metered: u64,
    /// Unix milliseconds.
    pub opened_at_ms: u64,
    /// Unix milliseconds.
    pub closed_at_ms: Option<u64>,
    /// `open` or `closed`.
    pub status: String,
}

/// Why a nonce was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceError {
    /// Never issued by this gateway.
    Unknown,
    /// Already used by a sign-in.
    Used,
    /// Past its expiry.
    Expired,
}

/// Why a job operation failed.
#[derive(Debug)]
pub enum JobError {
    /// No such job.
    NotFound,
    /// The job is closed.
    Closed,
    /// A job with that id exists.
    Exists,
    /// The database failed.
    Db(rusqlite::Error),
}

impl From<rusqlite::Error> for JobError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Db(e)
    }
}

/// Units of a job in `unit` from its counters (`docs/gateway.md`): samples = records served,
/// kilo-tokens = `ceil(bytes / (1000 * BYTES_PER_TOKEN))`, compute seconds =
/// `ceil(elapsed ms / 1000)` from open to close (0 while open), requests = 1 per job (a job is
/// one request for the licensed asset, however many shards it downloads).
pub fn units_of(unit: u8, bytes: u64, records: u64, elapsed_ms: Option<u64>) -> u64 {
    match unit {
        scope::UNIT_SAMPLES => records,
        scope::UNIT_KILO_TOKENS => bytes.div_ceil(1000 * BYTES_PER_TOKEN),
        scope::UNIT_REQUESTS => 1,
        _ => elapsed_ms.map_or(0, |ms| ms.div_ceil(1000)),
    }
}

/// The database.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
}

fn u256_col(s: &str) -> U256 {
    s.parse().unwrap_or_default()
}

fn b256_col(b: &[u8]) -> B256 {
    if b.len() == 32 {
        B256::from_slice(b)
    } else {
        B256::ZERO
    }
}

fn i(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn u(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl Store {
    /// Opens (creating if needed) the database at `path`: WAL, `synchronous=FULL`, the
    /// gateway's tables and the pipeline's.
    ///
    /// # Errors
    /// The database cannot be opened or migrated.
    pub fn open(path: &Path) -> rusqlite::Result<Self> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(crate::pipeline::schema())?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    /// Runs `f` on the connection (for the pipeline and tools).
    pub fn with_conn<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> T {
        let mut guard = self
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// Issues a fresh nonce valid for `ttl` seconds from `now`.
    ///
    /// # Errors
    /// Database errors.
    pub fn new_nonce(&self, now: u64, ttl: u64) -> rusqlite::Result<String> {
        let nonce = crate::random_hex::<16>();
        self.with_conn(|c| {
            // Forget nonces that expired a day ago: they can no longer be replayed anyway.
            c.execute(
                "DELETE FROM nonces WHERE expires_at < ?1",
                params![i(now.saturating_sub(86_400))],
            )?;
            c.execute(
                "INSERT INTO nonces(nonce, issued_at, expires_at) VALUES (?1, ?2, ?3)",
                params![nonce, i(now), i(now + ttl)],
            )
        })?;
        Ok(nonce)
    }

    /// Marks `nonce` used at `now`, once.
    ///
    /// # Errors
    /// `Ok(Err(_))` when the nonce is unknown, used or expired.
    pub fn consume_nonce(&self, nonce: &str, now: u64) -> rusqlite::Result<Result<(), NonceError>> {
        self.with_conn(|c| {
            let changed = c.execute(
                "UPDATE nonces SET used_at = ?2 WHERE nonce = ?1 AND used_at IS NULL AND expires_at > ?2",
                params![nonce, i(now)],
            )?;
            if changed == 1 {
                return Ok(Ok(()));
            }
            let row: Option<(Option<i64>, i64)> = c
                .query_row(
                    "SELECT used_at, expires_at FROM nonces WHERE nonce = ?1",
                    params![nonce],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            Ok(Err(match row {
                None => NonceError::Unknown,
                Some((Some(_), _)) => NonceError::Used,
                Some((None, _)) => NonceError::Expired,
            }))
        })
    }

    /// Stores a key.
    ///
    /// # Errors
    /// Database errors.
    pub fn insert_key(&self, key: &KeyRow) -> rusqlite::Result<()> {
        self.with_conn(|c| {
            c.execute(
                "INSERT INTO keys(key_hash, license, wallet, scope, endpoints, unit, issued_at, expires_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    key.key_hash.as_slice(),
                    key.license.to_string(),
                    key.wallet.to_checksum(None),
                    key.scope.to_string(),
                    key.endpoints.join(","),
                    key.unit,
                    i(key.issued_at),
                    i(key.expires_at)
                ],
            )
            .map(drop)
        })
    }

    fn key_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<KeyRow> {
        let hash: Vec<u8> = r.get(0)?;
        let endpoints: String = r.get(4)?;
        Ok(KeyRow {
            key_hash: b256_col(&hash),
            license: u256_col(&r.get::<_, String>(1)?),
            wallet: r.get::<_, String>(2)?.parse().unwrap_or_default(),
            scope: u256_col(&r.get::<_, String>(3)?),
            endpoints: endpoints
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            unit: r.get(5)?,
            issued_at: u(r.get(6)?),
            expires_at: u(r.get(7)?),
            revoked_at: r.get::<_, Option<i64>>(8)?.map(u),
            revoked_reason: r.get(9)?,
        })
    }

    const KEY_COLUMNS: &'static str =
        "key_hash, license, wallet, scope, endpoints, unit, issued_at, \
                                       expires_at, revoked_at, revoked_reason";

    /// The key whose hash is `key_hash`.
    ///
    /// # Errors
    /// Database errors.
    pub fn key(&self, key_hash: B256) -> rusqlite::Result<Option<KeyRow>> {
        self.with_conn(|c| {
            c.query_row(
                &format!("SELECT {} FROM keys WHERE key_hash = ?1", Self::KEY_COLUMNS),
                params![key_hash.as_slice()],
                Self::key_from_row,
            )
            .optional()
        })
    }

    /// Every key, newest first.
    ///
    /// # Errors
    /// Database errors.
    pub fn keys(&self) -> rusqlite::Result<Vec<KeyRow>> {
        self.with_conn(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {} FROM keys ORDER BY issued_at DESC, key_hash",
                Self::KEY_COLUMNS
            ))?;
            let rows = st.query_map([], Self::key_from_row)?.collect();
            rows
        })
    }

    /// Keys neither revoked nor expired at `now`.
    ///
    /// # Errors
    /// Database errors.
    pub fn active_keys(&self, now: u64) -> rusqlite::Result<Vec<KeyRow>> {
        self.with_conn(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {} FROM keys WHERE revoked_at IS NULL AND expires_at > ?1",
                Self::KEY_COLUMNS
            ))?;
            let rows = st.query_map(params![i(now)], Self::key_from_row)?.collect();
            rows
        })
    }

    /// Revokes the keys whose hash starts with `prefix` (hex, at least 8 digits; `0x`
    /// optional) or, with `license`, every key of that license. Returns how many.
    ///
    /// # Errors
    /// Database errors.
    pub fn revoke(
        &self,
        prefix: Option<&str>,
        license: Option<U256>,
        now: u64,
        reason: &str,
    ) -> rusqlite::Result<usize> {
        let keys = self.keys()?;
        let prefix = prefix.map(|p| p.trim_start_matches("0x").to_ascii_lowercase());
        let mut n = 0;
        for key in keys {
            if key.revoked_at.is_some() {
                continue;
            }
            let hex = alloy::primitives::hex::encode(key.key_hash);
            let hit = prefix
                .as_deref()
                .is_some_and(|p| p.len() >= 8 && hex.starts_with(p))
                || license.is_some_and(|l| l == key.license);
            if hit {
                n += self.revoke_key(key.key_hash, now, reason)?;
            }
        }
        Ok(n)
    }

    /// Revokes one key (no-op if it already is).
    ///
    /// # Errors
    /// Database errors.
    pub fn revoke_key(&self, key_hash: B256, now: u64, reason: &str) -> rusqlite::Result<usize> {
        self.with_conn(|c| {
            c.execute(
                "UPDATE keys SET revoked_at = ?2, revoked_reason = ?3 \
                 WHERE key_hash = ?1 AND revoked_at IS NULL",
                params![key_hash.as_slice(), i(now), reason],
            )
        })
    }

    /// Opens a job.
    ///
    /// # Errors
    /// [`JobError::Exists`] if the id is taken.
    pub fn open_job(&self, job: &JobRow) -> Result<(), JobError> {
        self.with_conn(|c| {
            let r = c.execute(
                "INSERT INTO jobs(job_id, key_hash, license, wallet, dataset, scope, model_hash, unit, opened_at_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    job.job_id.as_slice(),
                    job.key_hash.as_slice(),
                    job.license.to_string(),
                    job.wallet.to_checksum(None),
                    job.dataset.to_string(),
                    job.scope.to_string(),
                    job.model_hash.as_slice(),
                    job.unit,
                    i(job.opened_at_ms)
                ],
            );
            match r {
                Ok(_) => Ok(()),
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Err(JobError::Exists)
                }
                Err(e) => Err(JobError::Db(e)),
            }
        })
    }

    fn job_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<JobRow> {
        Ok(JobRow {
            job_id: b256_col(&r.get::<_, Vec<u8>>(0)?),
            key_hash: b256_col(&r.get::<_, Vec<u8>>(1)?),
            license: u256_col(&r.get::<_, String>(2)?),
            wallet: r.get::<_, String>(3)?.parse().unwrap_or_default(),
            dataset: u256_col(&r.get::<_, String>(4)?),
            scope: u256_col(&r.get::<_, String>(5)?),
            model_hash: b256_col(&r.get::<_, Vec<u8>>(6)?),
            unit: r.get(7)?,
            bytes_served: u(r.get(8)?),
            records_served: u(r.get(9)?),
            units_metered: u(r.get(10)?),
            opened_at_ms: u(r.get(11)?),
            closed_at_ms: r.get::<_, Option<i64>>(12)?.map(u),
            status: r.get(13)?,
        })
    }

    const JOB_COLUMNS: &'static str = "job_id, key_hash, license, wallet, dataset, scope, \
         model_hash, unit, bytes_served, records_served, units_metered, opened_at_ms, \
         closed_at_ms, status";

    /// A job.
    ///
    /// # Errors
    /// Database errors.
    pub fn job(&self, job_id: B256) -> rusqlite::Result<Option<JobRow>> {
        self.with_conn(|c| {
            c.query_row(
                &format!("SELECT {} FROM jobs WHERE job_id = ?1", Self::JOB_COLUMNS),
                params![job_id.as_slice()],
                Self::job_from_row,
            )
            .optional()
        })
    }

    /// Every job, newest first.
    ///
    /// # Errors
    /// Database errors.
    pub fn jobs(&self) -> rusqlite::Result<Vec<JobRow>> {
        self.with_conn(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {} FROM jobs ORDER BY opened_at_ms DESC, job_id",
                Self::JOB_COLUMNS
            ))?;
            let rows = st.query_map([], Self::job_from_row)?.collect();
            rows
        })
    }

    /// Adds `bytes` and `records` served to an open job and updates its meter, committed before
    /// the bytes are sent. Returns the job's units so far.
    ///
    /// # Errors
    /// [`JobError::NotFound`], [`JobError::Closed`].
    pub fn meter(&self, job_id: B256, bytes: u64, records: u64) -> Result<u64, JobError> {
        self.with_conn(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let row: Option<(u8, i64, i64, String)> = tx
                .query_row(
                    "SELECT unit, bytes_served, records_served, status FROM jobs WHERE job_id = ?1",
                    params![job_id.as_slice()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let Some((unit, b, rec, status)) = row else {
                return Err(JobError::NotFound);
            };
            if status != "open" {
                return Err(JobError::Closed);
            }
            let (b, rec) = (u(b).saturating_add(bytes), u(rec).saturating_add(records));
            let units = units_of(unit, b, rec, None);
            tx.execute(
                "UPDATE jobs SET bytes_served = ?2, records_served = ?3, units_metered = ?4 WHERE job_id = ?1",
                params![job_id.as_slice(), i(b), i(rec), i(units)],
            )?;
            tx.commit()?;
            Ok(units)
        })
    }

    /// Closes an open job at `now_ms`: fixes its units, builds its receipt (attested by
    /// `attestor`) and, if it metered anything, enqueues it for the pipeline, all in one
    /// transaction. Returns the receipt and whether it was enqueued.
    ///
    /// # Errors
    /// [`JobError::NotFound`], [`JobError::Closed`].
    pub fn close_job(
        &self,
        job_id: B256,
        now_ms: u64,
        attestor: Address,
    ) -> Result<(Receipt, bool), JobError> {
        self.with_conn(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let job = tx
                .query_row(
                    &format!("SELECT {} FROM jobs WHERE job_id = ?1", Self::JOB_COLUMNS),
                    params![job_id.as_slice()],
                    Self::job_from_row,
                )
                .optional()?
                .ok_or(JobError::NotFound)?;
            if job.status != "open" {
                return Err(JobError::Closed);
            }
            let now_ms = now_ms.max(job.opened_at_ms);
            let units = units_of(
                job.unit,
                job.bytes_served,
                job.records_served,
                Some(now_ms - job.opened_at_ms),
            );
            tx.execute(
                "UPDATE jobs SET status = 'closed', closed_at_ms = ?2, units_metered = ?3 WHERE job_id = ?1",
                params![job_id.as_slice(), i(now_ms), i(units)],
            )?;
            let receipt = receipt_of(&job, units, now_ms / 1000, attestor);
            let queued = units > 0;
            if queued {
                crate::pipeline::enqueue_receipt(&tx, &receipt)?;
            }
            tx.commit()?;
            Ok((receipt, queued))
        })
    }

    /// Open jobs of keys that are revoked or expired at `now` (unix seconds), or opened at or
    /// before `stale_before_ms` (timed out): the revalidation task closes them so what they
    /// served is billed.
    ///
    /// # Errors
    /// Database errors.
    pub fn orphaned_jobs(&self, now: u64, stale_before_ms: u64) -> rusqlite::Result<Vec<B256>> {
        self.with_conn(|c| {
            let mut st = c.prepare(
                "SELECT j.job_id FROM jobs j JOIN keys k ON k.key_hash = j.key_hash \
                 WHERE j.status = 'open' \
                 AND (k.revoked_at IS NOT NULL OR k.expires_at <= ?1 OR j.opened_at_ms <= ?2)",
            )?;
            let rows = st
                .query_map(params![i(now), i(stale_before_ms)], |r| {
                    r.get::<_, Vec<u8>>(0)
                })?
                .map(|r| r.map(|b| b256_col(&b)))
                .collect();
            rows
        })
    }
}

impl Store {
    /// The receipt body the pipeline holds for `job_id` (its `receipts` table), if any.
    ///
    /// # Errors
    /// Database errors.
    pub fn queued_receipt(&self, job_id: B256) -> rusqlite::Result<Option<String>> {
        self.with_conn(|c| {
            c.query_row(
                "SELECT body FROM receipts WHERE job_id = ?1",
                params![job_id.as_slice()],
                |r| r.get(0),
            )
            .optional()
        })
    }
}

/// The receipt of a job closed at `timestamp` with `units`.
pub fn receipt_of(job: &JobRow, units: u64, timestamp: u64, attestor: Address) -> Receipt {
    Receipt {
        jobId: job.job_id,
        licenseId: job.license,
        assetId: job.dataset,
        modelHash: job.model_hash,
        scope: job.scope,
        unit: job.unit,
        units: U256::from(units),
        timestamp,
        attestor,
    }
}

/// The stored hash of an API key: `keccak256` of its 32 bytes.
pub fn key_hash(key: &[u8; 32]) -> B256 {
    keccak256(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: u8, unit: u8) -> JobRow {
        JobRow {
            job_id: B256::repeat_byte(id),
            key_hash: B256::repeat_byte(9),
            license: U256::from(2),
            wallet: Address::repeat_byte(1),
            dataset: U256::from(1),
            scope: U256::from(1),
            model_hash: B256::ZERO,
            unit,
            bytes_served: 0,
            records_served: 0,
            units_metered: 0,
            opened_at_ms: 1_000,
            closed_at_ms: None,
            status: "open".into(),
        }
    }

    #[test]
    fn nonces_are_single_use_and_expire() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("g.db")).unwrap();
        let n = store.new_nonce(100, 60).unwrap();
        assert_eq!(store.consume_nonce(&n, 120).unwrap(), Ok(()));
        assert_eq!(store.consume_nonce(&n, 121).unwrap(), Err(NonceError::Used));
        assert_eq!(
            store.consume_nonce("nope12345", 121).unwrap(),
            Err(NonceError::Unknown)
        );
        let m = store.new_nonce(100, 60).unwrap();
        assert_eq!(
            store.consume_nonce(&m, 160).unwrap(),
            Err(NonceError::Expired)
        );
    }

    #[test]
    fn meters_close_into_one_receipt_that_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.db");
        let store = Store::open(&path).unwrap();
        store.open_job(&job(1, scope::UNIT_SAMPLES)).unwrap();
        assert!(matches!(store.open_job(&job(1, 0)), Err(JobError::Exists)));
        assert_eq!(store.meter(B256::repeat_byte(1), 100, 3).unwrap(), 3);
        assert_eq!(store.meter(B256::repeat_byte(1), 50, 2).unwrap(), 5);
        drop(store);
        let store = Store::open(&path).unwrap();
        let (receipt, queued) = store
            .close_job(B256::repeat_byte(1), 5_000, Address::repeat_byte(7))
            .unwrap();
        assert!(queued);
        assert_eq!(receipt.units, U256::from(5));
        assert_eq!(receipt.timestamp, 5);
        assert!(matches!(
            store.close_job(B256::repeat_byte(1), 6_000, Address::ZERO),
            Err(JobError::Closed)
        ));
        assert!(matches!(
            store.meter(B256::repeat_byte(1), 1, 1),
            Err(JobError::Closed)
        ));
        let receipts: i64 = store.with_conn(|c| {
            c.query_row("SELECT COUNT(*) FROM receipts", [], |r| r.get(0))
                .unwrap()
        });
        assert_eq!(receipts, 1);
    }

    #[test]
    fn units_follow_the_license_unit() {
        assert_eq!(units_of(scope::UNIT_SAMPLES, 10_000, 7, None), 7);
        assert_eq!(units_of(scope::UNIT_KILO_TOKENS, 4_000, 7, None), 1);
        assert_eq!(units_of(scope::UNIT_KILO_TOKENS, 4_001, 7, None), 2);
        assert_eq!(units_of(scope::UNIT_COMPUTE_SECONDS, 1, 1, None), 0);
        assert_eq!(units_of(scope::UNIT_COMPUTE_SECONDS, 1, 1, Some(1_001)), 2);
        assert_eq!(units_of(scope::UNIT_COMPUTE_SECONDS, 1, 1, Some(0)), 0);
        assert_eq!(units_of(scope::UNIT_REQUESTS, 5_000, 40, Some(9_000)), 1);
    }
}
