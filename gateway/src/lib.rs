//! The Tributary access gateway (`docs/gateway.md`): serves a registered dataset only to
//! license holders, who sign in with their wallet (EIP-4361), get a short-lived scoped API
//! key, open a job and download shards; every unit served is metered into the job, and a
//! closed job becomes a receipt for the settlement pipeline ([`pipeline`]).
//!
//! - [`content`]: the dataset directory, its content hash and the record index.
//! - [`siwe`]: EIP-4361 messages.
//! - [`store`]: the `SQLite` database (nonces, keys, jobs).
//! - [`chain`]: the on-chain checks (content hash, license holder, ERC-1271).
//! - [`server`]: the HTTP API and the key revalidation task.
//! - [`client`]: the Rust client the tests, the demo and `tributary fetch` use.
//! - [`cli`]: `tributary gateway …` and `tributary fetch`.

pub mod chain;
pub mod cli;
pub mod client;
pub mod content;
pub mod pipeline;
pub mod server;
pub mod siwe;
pub mod store;

/// `N` random bytes from the operating system.
///
/// # Panics
/// If the operating system has no randomness to give (nothing safe can be issued then).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0_u8; N];
    getrandom::getrandom(&mut out).expect("the operating system provides randomness");
    out
}

/// `N` random bytes, hex.
pub fn random_hex<const N: usize>() -> String {
    alloy::primitives::hex::encode(random_bytes::<N>())
}
