//! Polling filters, kept as geth keeps them: `eth_newFilter` (logs), `eth_newBlockFilter`,
//! `eth_newPendingTransactionFilter` install one and answer its id; `eth_getFilterChanges`
//! answers what arrived since the previous poll (or since the filter was installed) and moves
//! its cursor; `eth_getFilterLogs` answers every log the criteria match; `eth_uninstallFilter`
//! removes it. A filter not polled with `eth_getFilterChanges` for [`FILTER_TIMEOUT`] (geth's
//! five minutes; `ServerConfig::filter_timeout`) expires, and its id is then unknown
//! (`filter not found`), as on geth.
//!
//! This module keeps the filters and their cursors; the chain ([`super::chain`]) turns a cursor
//! into blocks, logs and transaction hashes.

use std::{
    collections::HashMap,
    hash::{BuildHasher, Hasher},
    time::{Duration, Instant},
};

use alloy::rpc::types::Filter;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::error::RpcError;

/// How long a filter lives without being polled (geth's `--rpc.filtertimeout` default).
pub const FILTER_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// A filter id: 128 bits, as geth's (`0x` and up to 32 hex digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FilterId(pub u128);

impl Serialize for FilterId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{:#x}", self.0))
    }
}

impl<'de> Deserialize<'de> for FilterId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let parsed = match &value {
            Value::String(s) => s
                .strip_prefix("0x")
                .and_then(|hex| u128::from_str_radix(hex, 16).ok()),
            Value::Number(n) => n.as_u64().map(u128::from),
            _ => None,
        };
        parsed
            .map(FilterId)
            .ok_or_else(|| de::Error::custom(format!("expected a filter id, got {value}")))
    }
}

/// What a filter reports.
#[derive(Debug, Clone)]
pub enum FilterKind {
    /// Logs matching the criteria (`eth_newFilter`).
    Logs(Box<Filter>),
    /// Hashes of new blocks (`eth_newBlockFilter`).
    Blocks,
    /// Hashes of transactions the node accepted (`eth_newPendingTransactionFilter`).
    PendingTransactions,
}

/// Where a filter's next `eth_getFilterChanges` starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// First block not reported yet.
    pub next_block: u64,
    /// Number of transactions (mined, then pending) already reported.
    pub next_transaction: usize,
}

#[derive(Debug)]
struct Installed {
    kind: FilterKind,
    cursor: Cursor,
    last_poll: Instant,
}

/// The installed filters.
#[derive(Debug)]
pub struct Filters {
    installed: HashMap<FilterId, Installed>,
    /// Random high bits of this server's ids, so that an id from before a restart is unknown
    /// rather than someone else's filter.
    prefix: u64,
    next: u64,
    timeout: Duration,
}

impl Default for Filters {
    fn default() -> Self {
        Self::new(FILTER_TIMEOUT)
    }
}

impl Filters {
    /// No filters; unpolled ones expire after `timeout`.
    pub fn new(timeout: Duration) -> Self {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        Self {
            installed: HashMap::new(),
            prefix: hasher.finish() | 1,
            next: 1,
            timeout,
        }
    }

    /// Changes how long unpolled filters live.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Installs a filter that reports what comes after `cursor`; returns its id.
    pub fn install(&mut self, kind: FilterKind, cursor: Cursor) -> FilterId {
        self.expire();
        let id = FilterId((u128::from(self.prefix) << 64) | u128::from(self.next));
        self.next += 1;
        self.installed.insert(
            id,
            Installed {
                kind,
                cursor,
                last_poll: Instant::now(),
            },
        );
        id
    }

    /// Removes filter `id`; `false` if there was none.
    pub fn uninstall(&mut self, id: FilterId) -> bool {
        self.expire();
        self.installed.remove(&id).is_some()
    }

    /// For `eth_getFilterChanges`: the filter and where its changes start; its cursor moves to
    /// `now` and its expiry is pushed back.
    pub fn poll(&mut self, id: FilterId, now: Cursor) -> Result<(FilterKind, Cursor), RpcError> {
        self.expire();
        let filter = self.installed.get_mut(&id).ok_or_else(not_found)?;
        filter.last_poll = Instant::now();
        let from = filter.cursor;
        filter.cursor = now;
        Ok((filter.kind.clone(), from))
    }

    /// For `eth_getFilterLogs`: the criteria of log filter `id` (its expiry is not pushed back,
    /// as on geth).
    pub fn criteria(&mut self, id: FilterId) -> Result<Filter, RpcError> {
        self.expire();
        match self.installed.get(&id).map(|f| &f.kind) {
            Some(FilterKind::Logs(filter)) => Ok((**filter).clone()),
            _ => Err(not_found()),
        }
    }

    fn expire(&mut self) {
        let timeout = self.timeout;
        self.installed
            .retain(|_, filter| filter.last_poll.elapsed() < timeout);
    }
}

/// geth's answer for an unknown, expired or uninstalled filter.
fn not_found() -> RpcError {
    RpcError::server("filter not found")
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: Cursor = Cursor {
        next_block: 1,
        next_transaction: 0,
    };

    #[test]
    fn polls_move_the_cursor_and_unpolled_filters_expire() {
        let mut filters = Filters::new(Duration::from_millis(50));
        let id = filters.install(FilterKind::Blocks, START);
        let now = Cursor {
            next_block: 3,
            next_transaction: 2,
        };
        let (_, from) = filters.poll(id, now).expect("installed");
        assert_eq!(from, START);
        let (_, from) = filters.poll(id, now).expect("still installed");
        assert_eq!(from, now);
        std::thread::sleep(Duration::from_millis(80));
        let expired = filters.poll(id, now).expect_err("expired");
        assert_eq!(expired.message, "filter not found");
        assert!(!filters.uninstall(id));
    }

    #[test]
    fn ids_round_trip_and_block_filters_have_no_criteria() {
        let mut filters = Filters::default();
        let id = filters.install(FilterKind::Blocks, START);
        let json = serde_json::to_value(id).expect("json");
        let back: FilterId = serde_json::from_value(json).expect("parses");
        assert_eq!(back, id);
        assert!(filters.criteria(id).is_err());
        assert!(filters.uninstall(id));
        assert!(!filters.uninstall(id));
    }
}
