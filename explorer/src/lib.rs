//! The Tributary explorer (`docs/explorer.md`): follows a deployment's events into an embedded
//! `SQLite` database and serves a JSON API (and a web page) from the same binary.
//!
//! - [`catalogue`]: every event of every contract, decoded generically into named arguments.
//! - [`store`]: the database (`meta`, `blocks`, `events`) and the read helpers the API uses.
//! - [`indexer`]: `eth_getLogs` in ranges from the deployment block, reorganisation handling,
//!   following the head.
//! - [`server`]: the HTTP server.
//! - [`cli`]: `tributary explorer serve | index | status`.

pub mod accounting;
pub mod api;
pub mod catalogue;
pub mod cli;
pub mod indexer;
pub mod queries;
pub mod server;
pub mod store;
