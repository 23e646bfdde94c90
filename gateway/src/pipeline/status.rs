//! What `tributary gateway batches` shows: receipts waiting for a batch (per license), rejected
//! receipts, and the batches with their on-chain progress. Read-only queries on any connection
//! to the gateway's database.

use alloy::primitives::{Address, B256, U256};
use rusqlite::{params, Connection};

/// A batch's status in the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BatchStatus {
    /// Built and signed, not sent.
    Built,
    /// `anchorBatch` recorded and broadcast, not yet seen mined.
    AnchorSent,
    /// Anchored on chain (some leaves may be settled).
    Anchored,
    /// A `settle` recorded and broadcast, not yet seen mined.
    SettleSent,
    /// Every leaf settled (billed or skipped by the anchor).
    Settled,
    /// Can never be anchored or settled (`last_error` says why).
    Failed,
}

impl BatchStatus {
    /// Every status, in life-cycle order.
    pub const ALL: [Self; 6] = [
        Self::Built,
        Self::AnchorSent,
        Self::Anchored,
        Self::SettleSent,
        Self::Settled,
        Self::Failed,
    ];

    /// The name stored in the database (`built`, `anchor_sent`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Built => "built",
            Self::AnchorSent => "anchor_sent",
            Self::Anchored => "anchored",
            Self::SettleSent => "settle_sent",
            Self::Settled => "settled",
            Self::Failed => "failed",
        }
    }

    /// The status named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl std::fmt::Display for BatchStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Pending receipts of one license.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLicense {
    /// The license.
    pub license_id: U256,
    /// Receipts waiting for a batch.
    pub receipts: u64,
    /// Their units.
    pub units: U256,
    /// Earliest receipt timestamp.
    pub first_at: u64,
    /// Latest receipt timestamp.
    pub last_at: u64,
}

/// A receipt that will never be batched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedReceipt {
    /// Its job.
    pub job_id: B256,
    /// Its license.
    pub license_id: U256,
    /// Its units.
    pub units: U256,
    /// Why.
    pub reason: String,
}

/// One batch, as `tributary gateway batches` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    /// Batch id.
    pub batch_id: B256,
    /// Its attestor.
    pub attestor: Address,
    /// Status.
    pub status: BatchStatus,
    /// Period start.
    pub period_start: u64,
    /// Period end.
    pub period_end: u64,
    /// Last second it may be anchored.
    pub deadline: u64,
    /// Usage leaves.
    pub leaves: u32,
    /// Receipts.
    pub receipts: u32,
    /// Units.
    pub units: U256,
    /// Our `anchorBatch` transaction, once mined (`None` if another sender anchored it).
    pub anchor_tx: Option<B256>,
    /// Its gas.
    pub anchor_gas: Option<u64>,
    /// When it was anchored (chain time).
    pub anchored_at: Option<u64>,
    /// Our last successful `settle` transaction.
    pub settle_tx: Option<B256>,
    /// Gas of our successful `settle` transactions.
    pub settle_gas: u64,
    /// Units settled (billed or skipped), once settled.
    pub settled_units: Option<U256>,
    /// When it was found settled (wall clock).
    pub settled_at: Option<u64>,
    /// The transaction in flight (`anchor_sent` / `settle_sent`).
    pub sent_tx: Option<B256>,
    /// Failed attempts.
    pub attempts: u32,
    /// The last error (or why it failed).
    pub last_error: Option<String>,
    /// Built at (wall clock).
    pub created_at: u64,
    /// Last change (wall clock).
    pub updated_at: u64,
}

fn u256(text: &str) -> rusqlite::Result<U256> {
    U256::from_str_radix(text, 10).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn hash(bytes: &[u8]) -> rusqlite::Result<B256> {
    B256::try_from(bytes).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Blob, Box::new(e))
    })
}

fn unsigned(v: i64) -> u64 {
    u64::try_from(v).unwrap_or_default()
}

/// Pending receipts per license, by license id.
pub fn pending_receipts(conn: &Connection) -> rusqlite::Result<Vec<PendingLicense>> {
    let mut stmt = conn.prepare(
        "SELECT license_id, units, timestamp FROM receipts WHERE status = 'pending' \
         ORDER BY timestamp, job_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    let mut out: Vec<PendingLicense> = Vec::new();
    for row in rows {
        let (license, units, at) = row?;
        let (license, units, at) = (u256(&license)?, u256(&units)?, unsigned(at));
        match out.iter_mut().find(|p| p.license_id == license) {
            Some(p) => {
                p.receipts += 1;
                p.units = p.units.saturating_add(units);
                p.first_at = p.first_at.min(at);
                p.last_at = p.last_at.max(at);
            }
            None => out.push(PendingLicense {
                license_id: license,
                receipts: 1,
                units,
                first_at: at,
                last_at: at,
            }),
        }
    }
    out.sort_by_key(|p| p.license_id);
    Ok(out)
}

/// Rejected receipts, oldest first.
pub fn rejected_receipts(conn: &Connection) -> rusqlite::Result<Vec<RejectedReceipt>> {
    let mut stmt = conn.prepare(
        "SELECT job_id, license_id, units, COALESCE(error, '') FROM receipts \
         WHERE status = 'rejected' ORDER BY timestamp, job_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(RejectedReceipt {
            job_id: hash(&r.get::<_, Vec<u8>>(0)?)?,
            license_id: u256(&r.get::<_, String>(1)?)?,
            units: u256(&r.get::<_, String>(2)?)?,
            reason: r.get(3)?,
        })
    })?;
    rows.collect()
}

/// How many batches have each status (every status, zero counts included, in life-cycle
/// order).
pub fn batch_counts(conn: &Connection) -> rusqlite::Result<Vec<(BatchStatus, u64)>> {
    let mut stmt = conn.prepare("SELECT COUNT(*) FROM batches WHERE status = ?1")?;
    BatchStatus::ALL
        .into_iter()
        .map(|s| {
            let n: i64 = stmt.query_row([s.as_str()], |r| r.get(0))?;
            Ok((s, unsigned(n)))
        })
        .collect()
}

/// The batches with `status` (all of them for `None`), oldest period first.
pub fn batches(conn: &Connection, status: Option<BatchStatus>) -> rusqlite::Result<Vec<BatchRow>> {
    let mut stmt = conn.prepare(
        "SELECT batch_id, attestor, status, period_start, period_end, deadline, leaf_count, \
         receipt_count, total_units, anchor_tx, anchor_gas, anchored_at, settle_tx, settle_gas, \
         settled_units, settled_at, sent_tx, attempts, last_error, created_at, updated_at \
         FROM batches WHERE ?1 IS NULL OR status = ?1 \
         ORDER BY period_start, created_at, batch_id",
    )?;
    let rows = stmt.query_map(params![status.map(BatchStatus::as_str)], |r| {
        let status: String = r.get(2)?;
        Ok(BatchRow {
            batch_id: hash(&r.get::<_, Vec<u8>>(0)?)?,
            attestor: Address::try_from(r.get::<_, Vec<u8>>(1)?.as_slice()).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    1,
                    rusqlite::types::Type::Blob,
                    Box::new(e),
                )
            })?,
            status: BatchStatus::parse(&status).ok_or_else(|| {
                rusqlite::Error::InvalidColumnType(2, status.clone(), rusqlite::types::Type::Text)
            })?,
            period_start: unsigned(r.get(3)?),
            period_end: unsigned(r.get(4)?),
            deadline: unsigned(r.get(5)?),
            leaves: r.get(6)?,
            receipts: r.get(7)?,
            units: u256(&r.get::<_, String>(8)?)?,
            anchor_tx: r
                .get::<_, Option<Vec<u8>>>(9)?
                .as_deref()
                .map(hash)
                .transpose()?,
            anchor_gas: r.get::<_, Option<i64>>(10)?.map(unsigned),
            anchored_at: r.get::<_, Option<i64>>(11)?.map(unsigned),
            settle_tx: r
                .get::<_, Option<Vec<u8>>>(12)?
                .as_deref()
                .map(hash)
                .transpose()?,
            settle_gas: unsigned(r.get(13)?),
            settled_units: r
                .get::<_, Option<String>>(14)?
                .as_deref()
                .map(u256)
                .transpose()?,
            settled_at: r.get::<_, Option<i64>>(15)?.map(unsigned),
            sent_tx: r
                .get::<_, Option<Vec<u8>>>(16)?
                .as_deref()
                .map(hash)
                .transpose()?,
            attempts: r.get(17)?,
            last_error: r.get(18)?,
            created_at: unsigned(r.get(19)?),
            updated_at: unsigned(r.get(20)?),
        })
    })?;
    rows.collect()
}

/// The text `tributary gateway batches` prints: pending receipts per license, rejected
/// receipts, the count of batches per status, then one line per batch (oldest period first).
pub fn report(conn: &Connection) -> rusqlite::Result<String> {
    use std::fmt::Write as _;

    let mut out = String::new();
    let pending = pending_receipts(conn)?;
    let (count, units) = pending.iter().fold((0, U256::ZERO), |(n, u), p| {
        (n + p.receipts, u.saturating_add(p.units))
    });
    let _ = writeln!(out, "pending receipts: {count} ({units} units)");
    for p in &pending {
        let _ = writeln!(
            out,
            "  license {}: {} receipts, {} units, {}..={}",
            p.license_id, p.receipts, p.units, p.first_at, p.last_at
        );
    }
    let rejected = rejected_receipts(conn)?;
    if !rejected.is_empty() {
        let _ = writeln!(out, "rejected receipts: {}", rejected.len());
        for r in &rejected {
            let _ = writeln!(
                out,
                "  job {} (license {}, {} units): {}",
                r.job_id, r.license_id, r.units, r.reason
            );
        }
    }
    let counts = batch_counts(conn)?
        .iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(out, "batches: {counts}");
    for b in batches(conn, None)? {
        let _ = write!(
            out,
            "  {} {}: period {}..={}, {} leaves, {} receipts, {} units",
            b.batch_id, b.status, b.period_start, b.period_end, b.leaves, b.receipts, b.units
        );
        if let Some(at) = b.anchored_at {
            let _ = write!(out, "; anchored at {at}");
            if let (Some(tx), Some(gas)) = (b.anchor_tx, b.anchor_gas) {
                let _ = write!(out, " (tx {tx}, gas {gas})");
            }
        }
        if let Some(units) = b.settled_units {
            let _ = write!(out, "; settled {units} units");
            if let Some(tx) = b.settle_tx {
                let _ = write!(out, " (tx {tx}, gas {})", b.settle_gas);
            }
        }
        if let Some(tx) = b.sent_tx {
            let _ = write!(out, "; in flight: tx {tx}");
        }
        if let Some(error) = &b.last_error {
            let _ = write!(
                out,
                "; last error ({} failed attempts): {error}",
                b.attempts
            );
        }
        out.push('\n');
    }
    Ok(out)
}
