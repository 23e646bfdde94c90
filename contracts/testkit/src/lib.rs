//! Contract doubles and fixtures shared by the Tributary contracts' motsu unit tests.
//!
//! Dev-only: the contracts list this crate under `[dev-dependencies]`, so it is never part of
//! their normal dependency graph nor of the wasm32 build. Each double is a `pub` `#[storage]` +
//! `#[public]` type that motsu's `Contract<T>` deploys like any contract.
//!
//! - [`erc20`]: [`erc20::TestToken`], an ERC-20 with an optional fee on transfer and a blacklist.
//! - [`erc721`]: ERC-721 receiver doubles that answer wrongly, revert or are no receiver.
//! - [`attribution`]: the splitter and license doubles of the attribution registry's and the
//!   revenue router's tests, and their fixtures ([`registry_fixtures!`] for the two that need the
//!   registry type).
//! - [`licensing`]: the registry and splitter doubles of the two license contracts' tests, the
//!   case-study terms, and [`license_fixtures!`] for the deploy / offer / buy fixtures.
//! - [`models`]: [`models::ModelRegistryDouble`], the registry double of the model token contract's
//!   tests: it records the `moveModel` calls and can be told to revert.
//! - [`wallets`]: [`wallets::Wallet`] and [`wallets::RejectingWallet`], contract accounts that
//!   accept or refuse native currency (motsu pays only contracts).
//! - [`proptest_cases`]: the case count of every property test.
extern crate alloc;

pub mod attribution;
pub mod erc20;
pub mod erc721;
pub mod licensing;
pub mod models;
pub mod wallets;

/// How many cases each property test runs: `PROPTEST_CASES` when set (the long run sets
/// 100,000), else 1,000.
#[must_use]
pub fn proptest_cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000)
}

/// What the fixture macros expand to refer to, so callers need no particular imports.
#[doc(hidden)]
pub mod __private {
    pub use motsu::{self, prelude::Contract};
    pub use stylus_sdk::{
        self,
        alloy_primitives::{Address, U256},
    };
    pub use tributary_abi::terms::LicenseTerms;
}
