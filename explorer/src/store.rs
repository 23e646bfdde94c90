//! The explorer's embedded `SQLite` database (`docs/explorer.md` §1): `meta`, `blocks` and
//! `events`, plus `event_accounts`, the account index (every address among an event's
//! arguments, array elements included, so "everything that touched 0x…" is one index lookup).
//!
//! Durability: WAL journal with `synchronous=FULL`, one transaction per indexed range that also
//! moves the cursor ([`Store::insert_range`]), so a `kill -9` loses at most the range in flight
//! and a restart re-reads it; `(block, log_index)` is the primary key, so nothing is stored
//! twice. Writes go through one connection; reads ([`Store::events`], [`Store::status`],
//! [`Store::with_conn`]) through a small pool of read-only connections that WAL lets run next to
//! a write.
//!
//! Argument filters use expression indexes on `json_extract(args, '$.<name>')` (partial: only
//! events that have the argument are in them). SQL that wants them must spell the expression
//! exactly as [`arg`] does, e.g. `json_extract(args, '$.splitId') = ?`.

use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex, MutexGuard,
    },
    time::Duration,
};

use alloy::primitives::{hex, Address, Bytes, B256, U256};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use serde_json::{Map, Value};
use tributary_kit::{contracts::Contract, deploy::Deployment};

/// Version of the schema below, in `meta.schema_version`.
pub const SCHEMA_VERSION: u32 = 1;

/// Arguments with an expression index (`json_extract(args, '$.<name>')`, partial).
pub const INDEXED_ARGS: [&str; 9] = [
    "split_id",
    "splitId",
    "datasetId",
    "modelId",
    "licenseId",
    "tokenId",
    "_tokenId",
    "offerId",
    "contributionId",
];

/// The tables and indexes.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocks(
  number INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  timestamp INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events(
  block INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  tx_index INTEGER NOT NULL,
  address TEXT NOT NULL,
  contract TEXT NOT NULL,
  event TEXT,
  topic0 TEXT NOT NULL,
  topics TEXT NOT NULL,
  data TEXT NOT NULL,
  args TEXT NOT NULL,
  PRIMARY KEY (block, log_index)
);
CREATE INDEX IF NOT EXISTS events_contract_event ON events(contract, event, block, log_index);
CREATE INDEX IF NOT EXISTS events_event ON events(event, block, log_index);
CREATE INDEX IF NOT EXISTS events_batch
  ON events(json_extract(args, '$.attestor'), json_extract(args, '$.batchId'))
  WHERE json_extract(args, '$.batchId') IS NOT NULL;
CREATE TABLE IF NOT EXISTS event_accounts(
  account TEXT NOT NULL,
  block INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  arg TEXT NOT NULL,
  PRIMARY KEY (account, block, log_index, arg)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_accounts_block ON event_accounts(block);
";

/// `json_extract(args, '$.<name>')`: the expression the argument indexes are built on.
pub fn arg(name: &str) -> String {
    format!("json_extract(args, '$.{name}')")
}

fn arg_indexes() -> String {
    use std::fmt::Write as _;
    let mut sql = String::new();
    for name in INDEXED_ARGS {
        let e = arg(name);
        let _ = writeln!(
            sql,
            "CREATE INDEX IF NOT EXISTS events_arg_{name} ON events({e}, block, log_index) \
             WHERE {e} IS NOT NULL;"
        );
    }
    sql
}

/// Why a store operation failed.
#[derive(Debug)]
pub enum StoreError {
    /// `SQLite` failed.
    Db(rusqlite::Error),
    /// The database belongs to another chain or deployment, or was written by another schema.
    Mismatch(String),
    /// A range does not continue from the cursor (it would leave a gap or store blocks twice).
    NotContiguous {
        /// The first block the store expects next.
        expected: u64,
        /// The first block of the range.
        got: u64,
    },
    /// The store has not been initialised with a deployment ([`Store::init`]).
    NotInitialised,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Db(e) => write!(f, "database: {e}"),
            Self::Mismatch(e) => f.write_str(e),
            Self::NotContiguous { expected, got } => write!(
                f,
                "range starts at block {got}, the store continues at block {expected}"
            ),
            Self::NotInitialised => f.write_str("the database indexes no deployment yet"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Db(e)
    }
}

/// A block as stored: number, hash, timestamp (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BlockRef {
    /// Number.
    pub number: u64,
    /// Hash.
    pub hash: B256,
    /// Unix seconds.
    pub timestamp: u64,
}

/// An event to store (what the indexer decoded from one log).
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// Block number.
    pub block: u64,
    /// Log index within the block.
    pub log_index: u64,
    /// Transaction hash.
    pub tx_hash: B256,
    /// Transaction index within the block.
    pub tx_index: u64,
    /// Emitting contract's address.
    pub address: Address,
    /// Emitting contract.
    pub contract: Contract,
    /// Event name (`None`: unknown to the catalogue).
    pub event: Option<String>,
    /// Topics, topic0 first.
    pub topics: Vec<B256>,
    /// Data.
    pub data: Bytes,
    /// Decoded arguments (empty when `event` is `None`).
    pub args: Map<String, Value>,
    /// Address arguments (array elements included) with the argument's name: the account
    /// index. The zero address is left out.
    pub accounts: Vec<(Address, String)>,
}

/// One committed range: blocks `from..=cursor.number`, their events, the blocks holding them
/// and the new cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedRange {
    /// First block of the range (the store checks it continues from its cursor).
    pub from: u64,
    /// The last block of the range, the new cursor.
    pub cursor: BlockRef,
    /// Every block holding one of `events` (the cursor block may be among them).
    pub blocks: Vec<BlockRef>,
    /// The events, in (block, log index) order.
    pub events: Vec<NewEvent>,
    /// The chain's head when the range was read (kept for `/api/status`).
    pub head: Option<u64>,
}

/// An event as stored, with its block's timestamp.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRow {
    /// Block number.
    pub block: u64,
    /// Log index within the block.
    pub log_index: u64,
    /// Transaction hash.
    pub tx_hash: B256,
    /// Transaction index within the block.
    pub tx_index: u64,
    /// Block timestamp (Unix seconds).
    pub timestamp: u64,
    /// Emitting contract's address.
    pub address: Address,
    /// Emitting contract's directory name (`royalty_splitter`, …).
    pub contract: String,
    /// Event name (`None`: unknown to the catalogue).
    pub event: Option<String>,
    /// Topics, topic0 first.
    pub topics: Vec<B256>,
    /// Data.
    pub data: Bytes,
    /// Decoded arguments: a JSON object, argument name → value.
    pub args: Value,
}

impl EventRow {
    /// The event's position, for paging.
    pub fn position(&self) -> EventCursor {
        EventCursor {
            block: self.block,
            log_index: self.log_index,
        }
    }

    /// Argument `name` as a string (numbers, addresses and hashes are strings in `args`).
    pub fn arg_str(&self, name: &str) -> Option<&str> {
        self.args.get(name).and_then(Value::as_str)
    }

    /// Argument `name` as an integer.
    pub fn arg_u256(&self, name: &str) -> Option<U256> {
        self.arg_str(name).and_then(|s| s.parse().ok())
    }

    /// Argument `name` as an address.
    pub fn arg_address(&self, name: &str) -> Option<Address> {
        self.arg_str(name).and_then(|s| s.parse().ok())
    }
}

/// A position in the event order: `(block, log_index)`. Pages continue strictly after (or, newest
/// first, strictly before) it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventCursor {
    /// Block number.
    pub block: u64,
    /// Log index.
    pub log_index: u64,
}

impl std::fmt::Display for EventCursor {
    /// `<block>.<log_index>`, what [`std::str::FromStr`] reads back.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.block, self.log_index)
    }
}

impl std::str::FromStr for EventCursor {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (block, log_index) = s.split_once('.').ok_or("expected <block>.<log_index>")?;
        Ok(Self {
            block: block.parse().map_err(|_| "bad block")?,
            log_index: log_index.parse().map_err(|_| "bad log index")?,
        })
    }
}

/// Event order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Oldest first.
    #[default]
    Ascending,
    /// Newest first.
    Descending,
}

/// Which events [`Store::events`] returns; every field given must match (empty: all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Contract directory name (`royalty_splitter`, …).
    pub contract: Option<String>,
    /// Event name.
    pub event: Option<String>,
    /// Any address argument (array elements included) is this account.
    pub account: Option<Address>,
    /// `split_id` (splitter) or `splitId` (everywhere else) is this split.
    pub split: Option<U256>,
    /// `datasetId` is this dataset (note: offers on a model carry `2^63 + modelId` there).
    pub dataset: Option<U256>,
    /// `modelId` is this model, or a `model_nft` event's `tokenId` / `_tokenId` is.
    pub model: Option<U256>,
    /// `licenseId` is this license, or a `license_nft` / `license_offers` event's `tokenId` is.
    pub license: Option<U256>,
    /// `attestor` is this address.
    pub attestor: Option<Address>,
    /// `batchId` is this batch.
    pub batch: Option<B256>,
    /// From this block on (inclusive).
    pub from_block: Option<u64>,
    /// Up to this block (inclusive).
    pub to_block: Option<u64>,
}

/// One page of events.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventPage {
    /// The events, in the requested order.
    pub events: Vec<EventRow>,
    /// Where the next page starts (`None` on the last page).
    pub next: Option<EventCursor>,
}

/// What the store holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Chain id (`None` before [`Store::init`]).
    pub chain_id: Option<u64>,
    /// The deployment indexed.
    pub deployment: Option<Deployment>,
    /// First block indexed (the deployment block).
    pub from_block: Option<u64>,
    /// Last block indexed (the cursor).
    pub indexed_block: Option<u64>,
    /// Its hash.
    pub indexed_hash: Option<B256>,
    /// The chain's head when the last range was read.
    pub head_block: Option<u64>,
    /// Events stored.
    pub event_count: u64,
    /// Of which the catalogue did not know (`event` NULL).
    pub unknown_count: u64,
    /// Schema version.
    pub schema_version: u32,
}

/// The current cursor: the last block indexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// Block number.
    pub block: u64,
    /// Its hash.
    pub hash: B256,
}

/// How many read connections the pool keeps.
const READERS: usize = 4;

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
}

/// The database: cheap to clone (clones share the connections).
#[derive(Debug, Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

fn i(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn u(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock leaves the connection usable: every write is one SQLite
    // transaction, rolled back when its guard drops.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn connection(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(30))?;
    Ok(conn)
}

impl Store {
    /// Opens (creating if needed) the database at `path`: WAL, `synchronous=FULL`, the schema.
    ///
    /// # Errors
    /// The database cannot be opened or migrated, or was written by another schema version.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let writer = connection(path)?;
        writer.pragma_update(None, "journal_mode", "WAL")?;
        writer.pragma_update(None, "synchronous", "FULL")?;
        writer.execute_batch(SCHEMA)?;
        writer.execute_batch(&arg_indexes())?;
        let version: Option<String> = writer
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        match version {
            None => {
                writer.execute(
                    "INSERT INTO meta(key, value) VALUES ('schema_version', ?1)",
                    [SCHEMA_VERSION.to_string()],
                )?;
            }
            Some(v) if v == SCHEMA_VERSION.to_string() => {}
            Some(v) => {
                return Err(StoreError::Mismatch(format!(
                    "{}: schema version {v}, this explorer writes {SCHEMA_VERSION} (delete the \
                     file to re-index)",
                    path.display()
                )))
            }
        }
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let reader = connection(path)?;
            reader.pragma_update(None, "query_only", true)?;
            readers.push(Mutex::new(reader));
        }
        Ok(Self {
            inner: Arc::new(Inner {
                path: path.to_owned(),
                writer: Mutex::new(writer),
                readers,
                next_reader: AtomicUsize::new(0),
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    fn reader(&self) -> MutexGuard<'_, Connection> {
        for r in &self.inner.readers {
            if let Ok(guard) = r.try_lock() {
                return guard;
            }
        }
        let n = self.inner.next_reader.fetch_add(1, Ordering::Relaxed) % self.inner.readers.len();
        lock(&self.inner.readers[n])
    }

    /// Runs `f` on a read-only connection (for the API's own queries; see [`arg`] for the
    /// indexed argument expressions).
    ///
    /// # Errors
    /// Whatever `f` returns.
    pub fn with_conn<T>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        f(&self.reader())
    }

    /// Records the deployment on first use (`chain_id`, `deployment`, `from_block`), or checks
    /// that the database indexes this one.
    ///
    /// # Errors
    /// [`StoreError::Mismatch`] if it indexes another chain or deployment.
    pub fn init(
        &self,
        chain_id: u64,
        deployment: &Deployment,
        from_block: u64,
    ) -> Result<(), StoreError> {
        let mut conn = lock(&self.inner.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let get = |key: &str| -> rusqlite::Result<Option<String>> {
            tx.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()
        };
        if let Some(stored) = get("chain_id")? {
            if stored != chain_id.to_string() {
                return Err(StoreError::Mismatch(format!(
                    "the database indexes chain {stored}, not {chain_id}"
                )));
            }
            let stored: Option<Deployment> =
                get("deployment")?.and_then(|d| serde_json::from_str(&d).ok());
            let same = stored.is_some_and(|d| {
                Contract::DEPLOY_ORDER
                    .iter()
                    .all(|&c| d.address(c) == deployment.address(c))
            });
            if !same {
                return Err(StoreError::Mismatch(
                    "the database indexes another deployment of the contracts".into(),
                ));
            }
            return Ok(());
        }
        let json = serde_json::to_string(deployment)
            .map_err(|e| StoreError::Mismatch(format!("deployment: {e}")))?;
        for (key, value) in [
            ("chain_id", chain_id.to_string()),
            ("deployment", json),
            ("from_block", from_block.to_string()),
        ] {
            tx.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
                params![key, value],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// `meta.<key>`.
    fn meta_value(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
    }

    fn cursor_of(conn: &Connection) -> rusqlite::Result<Option<Cursor>> {
        let block = Self::meta_value(conn, "cursor_block")?.and_then(|s| s.parse().ok());
        let hash = Self::meta_value(conn, "cursor_hash")?.and_then(|s| s.parse().ok());
        Ok(block.zip(hash).map(|(block, hash)| Cursor { block, hash }))
    }

    /// The first block indexed (the deployment block), once [`Self::init`] has run.
    ///
    /// # Errors
    /// The database failed.
    pub fn from_block(&self) -> Result<Option<u64>, StoreError> {
        let conn = lock(&self.inner.writer);
        Ok(Self::meta_value(&conn, "from_block")?.and_then(|s| s.parse().ok()))
    }

    /// The last block indexed (`None`: nothing yet).
    ///
    /// # Errors
    /// The database failed.
    pub fn cursor(&self) -> Result<Option<Cursor>, StoreError> {
        let conn = lock(&self.inner.writer);
        Ok(Self::cursor_of(&conn)?)
    }

    /// The first block the next range must start at.
    ///
    /// # Errors
    /// [`StoreError::NotInitialised`] before [`Self::init`].
    pub fn next_block(&self) -> Result<u64, StoreError> {
        let conn = lock(&self.inner.writer);
        Self::next_block_of(&conn)
    }

    fn next_block_of(conn: &Connection) -> Result<u64, StoreError> {
        if let Some(cursor) = Self::cursor_of(conn)? {
            return Ok(cursor.block + 1);
        }
        Self::meta_value(conn, "from_block")?
            .and_then(|s| s.parse().ok())
            .ok_or(StoreError::NotInitialised)
    }

    /// Stores one range in one transaction: its blocks, its events (and their account index)
    /// and the new cursor. If anything fails nothing is stored and the cursor stays where it
    /// was. The block row of the previous cursor is dropped unless it holds events (`blocks`
    /// keeps the blocks with events and the cursor block).
    ///
    /// # Errors
    /// [`StoreError::NotContiguous`] unless `range.from` is the block after the cursor (or the
    /// deployment block when nothing is indexed yet); the database failed.
    pub fn insert_range(&self, range: &IndexedRange) -> Result<(), StoreError> {
        let mut conn = lock(&self.inner.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let expected = Self::next_block_of(&tx)?;
        if range.from != expected || range.cursor.number < range.from {
            return Err(StoreError::NotContiguous {
                expected,
                got: range.from,
            });
        }
        if let Some(previous) = Self::cursor_of(&tx)? {
            tx.execute(
                "DELETE FROM blocks WHERE number = ?1 AND NOT EXISTS \
                 (SELECT 1 FROM events WHERE block = ?1)",
                [i(previous.block)],
            )?;
        }
        {
            let mut block = tx.prepare_cached(
                "INSERT OR REPLACE INTO blocks(number, hash, timestamp) VALUES (?1, ?2, ?3)",
            )?;
            for b in range.blocks.iter().chain(std::iter::once(&range.cursor)) {
                block.execute(params![i(b.number), b.hash.to_string(), i(b.timestamp)])?;
            }
            let mut event = tx.prepare_cached(
                "INSERT INTO events(block, log_index, tx_hash, tx_index, address, contract, \
                 event, topic0, topics, data, args) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            let mut account = tx.prepare_cached(
                "INSERT OR IGNORE INTO event_accounts(account, block, log_index, arg) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for e in &range.events {
                let topic_list: Vec<String> = e.topics.iter().map(ToString::to_string).collect();
                let first_topic = topic_list.first().cloned().unwrap_or_default();
                event.execute(params![
                    i(e.block),
                    i(e.log_index),
                    e.tx_hash.to_string(),
                    i(e.tx_index),
                    e.address.to_checksum(None),
                    e.contract.dir(),
                    e.event,
                    first_topic,
                    Value::from(topic_list).to_string(),
                    hex::encode_prefixed(&e.data),
                    Value::Object(e.args.clone()).to_string(),
                ])?;
                for (a, name) in &e.accounts {
                    if !a.is_zero() {
                        account.execute(params![
                            a.to_checksum(None),
                            i(e.block),
                            i(e.log_index),
                            name
                        ])?;
                    }
                }
            }
            let mut meta =
                tx.prepare_cached("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)")?;
            meta.execute(params!["cursor_block", range.cursor.number.to_string()])?;
            meta.execute(params!["cursor_hash", range.cursor.hash.to_string()])?;
            if let Some(head) = range.head {
                meta.execute(params!["head_block", head.to_string()])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Records the chain's head (for `/api/status`) without indexing anything; writes only
    /// when it changed.
    ///
    /// # Errors
    /// The database failed.
    pub fn set_head_if_changed(&self, head: u64) -> Result<(), StoreError> {
        let conn = lock(&self.inner.writer);
        let value = head.to_string();
        if Self::meta_value(&conn, "head_block")?.as_deref() != Some(value.as_str()) {
            conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('head_block', ?1)",
                [value],
            )?;
        }
        Ok(())
    }

    /// Moves the WAL's committed pages into the database file and truncates the WAL (after a
    /// catch-up, so the file size is the database's).
    ///
    /// # Errors
    /// The database failed.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        let conn = lock(&self.inner.writer);
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The stored blocks (those with events, and the cursor block), highest first, at most
    /// `limit` of them, at or below `below`.
    ///
    /// # Errors
    /// The database failed.
    pub fn blocks_desc(&self, below: u64, limit: usize) -> Result<Vec<BlockRef>, StoreError> {
        let conn = lock(&self.inner.writer);
        let mut stmt = conn.prepare_cached(
            "SELECT number, hash, timestamp FROM blocks WHERE number <= ?1 \
             ORDER BY number DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(
            params![i(below), i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| {
                Ok(BlockRef {
                    number: u(r.get(0)?),
                    hash: r.get::<_, String>(1)?.parse().unwrap_or_default(),
                    timestamp: u(r.get(2)?),
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes every event and block above `block` in one transaction and moves the cursor to
    /// the highest stored block at or below it (the blocks in between hold no events, so
    /// nothing is lost: they are read again). With no stored block left, the store starts over
    /// from the deployment block. Returns the new cursor.
    ///
    /// # Errors
    /// The database failed.
    pub fn rewind_to(&self, block: u64) -> Result<Option<Cursor>, StoreError> {
        let mut conn = lock(&self.inner.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM events WHERE block > ?1", [i(block)])?;
        tx.execute("DELETE FROM event_accounts WHERE block > ?1", [i(block)])?;
        tx.execute("DELETE FROM blocks WHERE number > ?1", [i(block)])?;
        let cursor: Option<(i64, String)> = tx
            .query_row(
                "SELECT number, hash FROM blocks ORDER BY number DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let cursor = cursor.map(|(n, h)| Cursor {
            block: u(n),
            hash: h.parse().unwrap_or_default(),
        });
        match cursor {
            Some(c) => {
                tx.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('cursor_block', ?1)",
                    [c.block.to_string()],
                )?;
                tx.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('cursor_hash', ?1)",
                    [c.hash.to_string()],
                )?;
            }
            None => {
                tx.execute(
                    "DELETE FROM meta WHERE key IN ('cursor_block', 'cursor_hash')",
                    [],
                )?;
            }
        }
        tx.commit()?;
        Ok(cursor)
    }

    /// Events matching `filter`, in `order`, strictly after `cursor` (strictly before it when
    /// newest first), at most `limit` (0 is taken as 1); `next` is set when more follow.
    ///
    /// # Errors
    /// The database failed.
    pub fn events(
        &self,
        filter: &EventFilter,
        cursor: Option<EventCursor>,
        limit: usize,
        order: Order,
    ) -> Result<EventPage, StoreError> {
        let limit = limit.max(1);
        let mut values: Vec<rusqlite::types::Value> = Vec::new();
        let mut bind = |v: rusqlite::types::Value| {
            values.push(v);
            format!("?{}", values.len())
        };
        let text = |s: String| rusqlite::types::Value::Text(s);
        let mut clauses: Vec<String> = vec!["1".to_owned()];
        if let Some(c) = &filter.contract {
            clauses.push(format!("e.contract = {}", bind(text(c.clone()))));
        }
        if let Some(ev) = &filter.event {
            clauses.push(format!("e.event = {}", bind(text(ev.clone()))));
        }
        if let Some(a) = filter.account {
            let p = bind(text(a.to_checksum(None)));
            clauses.push(format!(
                "(e.block, e.log_index) IN \
                 (SELECT block, log_index FROM event_accounts WHERE account = {p})"
            ));
        }
        if let Some(s) = filter.split {
            let p = bind(text(s.to_string()));
            clauses.push(format!(
                "({} = {p} OR {} = {p})",
                arg("split_id"),
                arg("splitId")
            ));
        }
        if let Some(d) = filter.dataset {
            let p = bind(text(d.to_string()));
            clauses.push(format!("{} = {p}", arg("datasetId")));
        }
        if let Some(m) = filter.model {
            let p = bind(text(m.to_string()));
            clauses.push(format!(
                "({} = {p} OR (e.contract = 'model_nft' AND ({} = {p} OR {} = {p})))",
                arg("modelId"),
                arg("tokenId"),
                arg("_tokenId")
            ));
        }
        if let Some(l) = filter.license {
            let p = bind(text(l.to_string()));
            clauses.push(format!(
                "({} = {p} OR (e.contract IN ('license_nft', 'license_offers') AND {} = {p}))",
                arg("licenseId"),
                arg("tokenId")
            ));
        }
        if let Some(a) = filter.attestor {
            let p = bind(text(a.to_checksum(None)));
            clauses.push(format!("{} = {p}", arg("attestor")));
        }
        if let Some(b) = filter.batch {
            let p = bind(text(b.to_string()));
            clauses.push(format!("{} = {p}", arg("batchId")));
        }
        if let Some(from) = filter.from_block {
            clauses.push(format!("e.block >= {}", bind(i(from).into())));
        }
        if let Some(to) = filter.to_block {
            clauses.push(format!("e.block <= {}", bind(i(to).into())));
        }
        let (cmp, dir) = match order {
            Order::Ascending => (">", "ASC"),
            Order::Descending => ("<", "DESC"),
        };
        if let Some(c) = cursor {
            let (b, l) = (bind(i(c.block).into()), bind(i(c.log_index).into()));
            clauses.push(format!("(e.block, e.log_index) {cmp} ({b}, {l})"));
        }
        let fetch = i64::try_from(limit).unwrap_or(i64::MAX - 1) + 1;
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e JOIN blocks b ON b.number = e.block \
             WHERE {} ORDER BY e.block {dir}, e.log_index {dir} LIMIT {}",
            clauses.join(" AND "),
            bind(fetch.into())
        );
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(values), row_to_event)?;
        let mut events = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        let next = if events.len() > limit {
            events.truncate(limit);
            events.last().map(EventRow::position)
        } else {
            None
        };
        Ok(EventPage { events, next })
    }

    /// What the store holds.
    ///
    /// # Errors
    /// The database failed.
    pub fn status(&self) -> Result<Status, StoreError> {
        let conn = self.reader();
        let num = |key: &str| -> rusqlite::Result<Option<u64>> {
            Ok(Self::meta_value(&conn, key)?.and_then(|s| s.parse().ok()))
        };
        let cursor = Self::cursor_of(&conn)?;
        let (event_count, unknown_count): (i64, i64) = conn.query_row(
            "SELECT count(*), count(*) - count(event) FROM events",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Status {
            chain_id: num("chain_id")?,
            deployment: Self::meta_value(&conn, "deployment")?
                .and_then(|d| serde_json::from_str(&d).ok()),
            from_block: num("from_block")?,
            indexed_block: cursor.map(|c| c.block),
            indexed_hash: cursor.map(|c| c.hash),
            head_block: num("head_block")?,
            event_count: u(event_count),
            unknown_count: u(unknown_count),
            schema_version: num("schema_version")?
                .and_then(|v| u32::try_from(v).ok())
                .unwrap_or(SCHEMA_VERSION),
        })
    }

    /// The timestamp of stored block `number` (blocks with events and the cursor block).
    ///
    /// # Errors
    /// The database failed.
    pub fn block_timestamp(&self, number: u64) -> Result<Option<u64>, StoreError> {
        let conn = self.reader();
        let ts: Option<i64> = conn
            .query_row(
                "SELECT timestamp FROM blocks WHERE number = ?1",
                [i(number)],
                |r| r.get(0),
            )
            .optional()?;
        Ok(ts.map(u))
    }
}

/// An [`EventRow`] from the columns `block, log_index, tx_hash, tx_index, timestamp, address,
/// contract, event, topics, data, args` (in that order), for the API's own queries.
///
/// # Errors
/// A column is missing or of another type.
pub fn row_to_event(r: &rusqlite::Row<'_>) -> rusqlite::Result<EventRow> {
    let topics: String = r.get(8)?;
    let args: String = r.get(10)?;
    Ok(EventRow {
        block: u(r.get(0)?),
        log_index: u(r.get(1)?),
        tx_hash: r.get::<_, String>(2)?.parse().unwrap_or_default(),
        tx_index: u(r.get(3)?),
        timestamp: u(r.get(4)?),
        address: r.get::<_, String>(5)?.parse().unwrap_or_default(),
        contract: r.get(6)?,
        event: r.get(7)?,
        topics: serde_json::from_str(&topics).unwrap_or_default(),
        data: r.get::<_, String>(9)?.parse().unwrap_or_default(),
        args: serde_json::from_str(&args).unwrap_or(Value::Object(Map::new())),
    })
}

/// The columns [`row_to_event`] reads, from `events e JOIN blocks b ON b.number = e.block`.
pub const EVENT_COLUMNS: &str = "e.block, e.log_index, e.tx_hash, e.tx_index, b.timestamp, \
     e.address, e.contract, e.event, e.topics, e.data, e.args";

#[cfg(test)]
mod tests {
    use alloy::primitives::address;
    use tributary_kit::{
        contracts::Contracts,
        deploy::{Deployed, UsageParameters},
    };

    use super::*;

    const SPLITTER: Address = address!("00000000000000000000000000000000000000a1");
    const ALICE: Address = address!("52908400098527886E0F7030069857D2E4169EE7");

    fn deployment() -> Deployment {
        let contracts = Contracts::try_from_fn(|c| {
            Ok::<_, ()>(Deployed {
                address: if c == Contract::RoyaltySplitter {
                    SPLITTER
                } else {
                    Address::with_last_byte(c as u8 + 1)
                },
                codehash: B256::ZERO,
                transaction: B256::ZERO,
                gas_used: 0,
            })
        })
        .unwrap();
        Deployment {
            chain_id: 412_346,
            deployer: ALICE,
            contracts,
            parameters: UsageParameters::default(),
            wiring: vec![],
        }
    }

    fn block(number: u64) -> BlockRef {
        BlockRef {
            number,
            hash: B256::with_last_byte(u8::try_from(number % 251).unwrap()),
            timestamp: 1_000 + number,
        }
    }

    fn deposit(block: u64, log_index: u64, split: u64) -> NewEvent {
        let mut args = Map::new();
        args.insert("split_id".into(), Value::String(split.to_string()));
        args.insert(
            "token".into(),
            Value::String(Address::ZERO.to_checksum(None)),
        );
        args.insert("from".into(), Value::String(ALICE.to_checksum(None)));
        args.insert("amount".into(), Value::String("5".into()));
        NewEvent {
            block,
            log_index,
            tx_hash: B256::with_last_byte(7),
            tx_index: 0,
            address: SPLITTER,
            contract: Contract::RoyaltySplitter,
            event: Some("SplitDeposited".into()),
            topics: vec![B256::with_last_byte(1)],
            data: Bytes::from(vec![0, 5]),
            args,
            accounts: vec![(Address::ZERO, "token".into()), (ALICE, "from".into())],
        }
    }

    fn range(from: u64, to: u64, events: Vec<NewEvent>) -> IndexedRange {
        let mut blocks: Vec<BlockRef> = events.iter().map(|e| block(e.block)).collect();
        blocks.dedup();
        IndexedRange {
            from,
            cursor: block(to),
            blocks,
            events,
            head: Some(to + 10),
        }
    }

    fn open() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("explorer.db")).unwrap();
        store.init(412_346, &deployment(), 10).unwrap();
        (dir, store)
    }

    fn all(store: &Store, filter: &EventFilter) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let mut cursor = None;
        loop {
            let page = store.events(filter, cursor, 2, Order::Ascending).unwrap();
            out.extend(page.events.iter().map(|e| (e.block, e.log_index)));
            match page.next {
                Some(next) => cursor = Some(next),
                None => return out,
            }
        }
    }

    #[test]
    fn ranges_page_filter_and_report_status() {
        let (_dir, store) = open();
        assert_eq!(store.next_block().unwrap(), 10);
        store
            .insert_range(&range(10, 19, vec![deposit(12, 0, 1), deposit(12, 1, 2)]))
            .unwrap();
        store
            .insert_range(&range(20, 29, vec![deposit(25, 3, 1), deposit(29, 0, 1)]))
            .unwrap();
        assert_eq!(store.next_block().unwrap(), 30);
        let everything = all(&store, &EventFilter::default());
        assert_eq!(everything, vec![(12, 0), (12, 1), (25, 3), (29, 0)]);
        let split = EventFilter {
            split: Some(U256::from(1)),
            ..EventFilter::default()
        };
        assert_eq!(all(&store, &split), vec![(12, 0), (25, 3), (29, 0)]);
        let alice = EventFilter {
            account: Some(ALICE),
            from_block: Some(13),
            ..EventFilter::default()
        };
        assert_eq!(all(&store, &alice), vec![(25, 3), (29, 0)]);
        let nobody = EventFilter {
            account: Some(Address::ZERO),
            ..EventFilter::default()
        };
        assert_eq!(
            all(&store, &nobody),
            vec![],
            "the zero address is not indexed"
        );
        let newest = store
            .events(&EventFilter::default(), None, 3, Order::Descending)
            .unwrap();
        let positions: Vec<String> = newest
            .events
            .iter()
            .map(|e| e.position().to_string())
            .collect();
        assert_eq!(positions, ["29.0", "25.3", "12.1"]);
        assert_eq!(newest.next, Some("12.1".parse().unwrap()));
        let row = &newest.events[0];
        assert_eq!(row.timestamp, 1_029);
        assert_eq!(row.arg_u256("split_id"), Some(U256::from(1)));
        assert_eq!(row.arg_address("from"), Some(ALICE));
        assert_eq!(row.data, Bytes::from(vec![0, 5]));
        let status = store.status().unwrap();
        assert_eq!(status.chain_id, Some(412_346));
        assert_eq!(status.from_block, Some(10));
        assert_eq!(status.indexed_block, Some(29));
        assert_eq!(status.head_block, Some(39));
        assert_eq!(status.event_count, 4);
        assert_eq!(status.unknown_count, 0);
        // blocks: those with events, and the cursor (block 19 was dropped when the cursor moved).
        let stored: Vec<u64> = store
            .blocks_desc(u64::MAX, 10)
            .unwrap()
            .iter()
            .map(|b| b.number)
            .collect();
        assert_eq!(stored, vec![29, 25, 12]);
    }

    #[test]
    fn a_failed_range_leaves_the_previous_cursor_and_nothing_else() {
        let (_dir, store) = open();
        store
            .insert_range(&range(10, 19, vec![deposit(12, 0, 1)]))
            .unwrap();
        let before = store.status().unwrap();
        // Two events at the same position: the primary key refuses the second after the block
        // rows and the first event were written, inside the range's transaction.
        let failed = store.insert_range(&range(20, 29, vec![deposit(25, 0, 1), deposit(25, 0, 2)]));
        assert!(matches!(failed, Err(StoreError::Db(_))), "{failed:?}");
        assert_eq!(store.status().unwrap(), before);
        assert_eq!(store.block_timestamp(25).unwrap(), None);
        assert_eq!(store.cursor().unwrap().map(|c| c.block), Some(19));
        // A gap or an overlap is refused before anything is written.
        assert!(matches!(
            store.insert_range(&range(21, 29, vec![])),
            Err(StoreError::NotContiguous {
                expected: 20,
                got: 21
            })
        ));
        assert!(matches!(
            store.insert_range(&range(15, 29, vec![])),
            Err(StoreError::NotContiguous {
                expected: 20,
                got: 15
            })
        ));
        store
            .insert_range(&range(20, 29, vec![deposit(25, 0, 1)]))
            .unwrap();
        assert_eq!(store.status().unwrap().event_count, 2);
    }

    #[test]
    fn rewinding_deletes_everything_above_and_moves_the_cursor_down() {
        let (dir, store) = open();
        store
            .insert_range(&range(10, 19, vec![deposit(12, 0, 1)]))
            .unwrap();
        store
            .insert_range(&range(20, 29, vec![deposit(25, 0, 1), deposit(27, 0, 1)]))
            .unwrap();
        let cursor = store.rewind_to(26).unwrap();
        assert_eq!(
            cursor,
            Some(Cursor {
                block: 25,
                hash: block(25).hash
            })
        );
        assert_eq!(all(&store, &EventFilter::default()), vec![(12, 0), (25, 0)]);
        let alice = EventFilter {
            account: Some(ALICE),
            ..EventFilter::default()
        };
        assert_eq!(all(&store, &alice), vec![(12, 0), (25, 0)]);
        assert_eq!(store.next_block().unwrap(), 26);
        // Below every stored block: start over from the deployment block.
        assert_eq!(store.rewind_to(9).unwrap(), None);
        assert_eq!(store.next_block().unwrap(), 10);
        assert_eq!(store.status().unwrap().event_count, 0);
        // Reopening finds the same state, and another deployment is refused.
        drop(store);
        let store = Store::open(&dir.path().join("explorer.db")).unwrap();
        assert_eq!(store.next_block().unwrap(), 10);
        store.init(412_346, &deployment(), 10).unwrap();
        let mut other = deployment();
        other.contracts.datanets.address = ALICE;
        assert!(matches!(
            store.init(412_346, &other, 10),
            Err(StoreError::Mismatch(_))
        ));
        assert!(matches!(
            store.init(1, &deployment(), 10),
            Err(StoreError::Mismatch(_))
        ));
    }
}
