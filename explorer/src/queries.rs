//! The API's own reads of the `events` table (`docs/explorer.md` §1), beside
//! [`Store::events`]: every event of a few names at once, narrowed by argument values (on the
//! expression indexes, spelled as [`arg`] spells them) or by the account index.

use std::fmt::Write as _;

use alloy::primitives::Address;
use rusqlite::types::Value as Sql;

use crate::store::{arg, row_to_event, EventRow, Store, EVENT_COLUMNS};

/// Which events to read: of `contract` (any when `None`), named one of `events` (any when
/// empty), whose arguments equal the given values (strings as `args` holds them: decimal
/// integers, checksummed addresses, lowercase hashes). Oldest first.
#[derive(Debug, Clone, Default)]
pub struct Select<'a> {
    /// Contract directory name.
    pub contract: Option<&'a str>,
    /// Event names.
    pub events: &'a [&'a str],
    /// `(argument, value)` pairs that must all match.
    pub args: Vec<(&'a str, String)>,
    /// `(argument, values)`: the argument is one of the values (no match when empty).
    pub any_of: Option<(&'a str, Vec<String>)>,
    /// An address argument (array elements included) is this account; with the argument's name
    /// when given.
    pub account: Option<(Address, Option<&'a str>)>,
}

impl<'a> Select<'a> {
    /// Events of `contract` named one of `events`.
    pub fn of(contract: &'a str, events: &'a [&'a str]) -> Self {
        Self {
            contract: Some(contract),
            events,
            ..Self::default()
        }
    }

    /// Also: argument `name` equals `value`.
    #[must_use]
    pub fn with(mut self, name: &'a str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    /// Also: argument `name` is one of `values`.
    #[must_use]
    pub fn with_any(mut self, name: &'a str, values: impl IntoIterator<Item = String>) -> Self {
        self.any_of = Some((name, values.into_iter().collect()));
        self
    }

    /// Also: `account` is among the address arguments (argument `name` when given).
    #[must_use]
    pub fn touching(mut self, account: Address, name: Option<&'a str>) -> Self {
        self.account = Some((account, name));
        self
    }

    /// Reads the matching events, oldest first.
    ///
    /// # Errors
    /// The database failed.
    pub fn run(&self, store: &Store) -> rusqlite::Result<Vec<EventRow>> {
        if matches!(&self.any_of, Some((_, v)) if v.is_empty()) {
            return Ok(Vec::new());
        }
        let mut sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e JOIN blocks b ON b.number = e.block WHERE 1"
        );
        let mut values: Vec<Sql> = Vec::new();
        let mut bind = |v: Sql| {
            values.push(v);
            format!("?{}", values.len())
        };
        if let Some(c) = self.contract {
            let _ = write!(sql, " AND e.contract = {}", bind(Sql::Text(c.to_owned())));
        }
        if !self.events.is_empty() {
            let names: Vec<String> = self
                .events
                .iter()
                .map(|n| bind(Sql::Text((*n).to_owned())))
                .collect();
            let _ = write!(sql, " AND e.event IN ({})", names.join(", "));
        }
        for (name, value) in &self.args {
            let _ = write!(
                sql,
                " AND {} = {}",
                arg(name),
                bind(Sql::Text(value.clone()))
            );
        }
        if let Some((name, list)) = &self.any_of {
            let list: Vec<String> = list.iter().map(|v| bind(Sql::Text(v.clone()))).collect();
            let _ = write!(sql, " AND {} IN ({})", arg(name), list.join(", "));
        }
        if let Some((account, name)) = self.account {
            let a = bind(Sql::Text(account.to_checksum(None)));
            let _ = write!(
                sql,
                " AND EXISTS (SELECT 1 FROM event_accounts x WHERE x.account = {a} \
                 AND x.block = e.block AND x.log_index = e.log_index"
            );
            if let Some(name) = name {
                let _ = write!(sql, " AND x.arg = {}", bind(Sql::Text(name.to_owned())));
            }
            sql += ")";
        }
        sql += " ORDER BY e.block, e.log_index";
        store.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(values), row_to_event)?;
            rows.collect()
        })
    }
}
