//! The Stylus program cache: `tributary deploy --cache-bid WEI` bids for each deployed program in
//! Arbitrum's CacheManager (`placeBid(address)`, as `cargo stylus cache bid` does), and
//! `tributary deploy --cache` caches each one directly with `ArbWasmCache.cacheProgram(address)`
//! (only a chain owner or a registered cache manager may; on the devnode the dev account is a
//! chain owner). A cached program's calls skip its `initGas` (docs/nitro.md §4.3); see
//! docs/caching.md for what that costs and saves.
//!
//! Every transaction is simulated first (`eth_call`), so a refusal is reported as the decoded
//! custom error (CacheManager's `BidTooSmall`, `BidsArePaused`, `AsmTooLarge`, …, or ArbWasm's
//! `ProgramNotActivated`, …) with what to do about it, and nothing is sent. It is then sent
//! through [`super::send`] (the estimate plus [`super::GAS_LIMIT_MARGIN_PERCENT`]), and
//! `ArbWasmCache.codehashIsCached(codehash)` must be true afterwards.
//!
//! A program whose codehash is already cached is skipped with a message, as `cargo stylus cache
//! bid` would refuse it (CacheManager reverts `AlreadyCached`): caching is per codehash, so a
//! second deployment of the same code is cached by the first one's bid.
//!
//! Which CacheManager: `--cache-manager ADDRESS`, or else the last entry of
//! `ArbWasmCache.allCacheManagers()`, which is how cargo-stylus finds it (no address is built
//! in: the devnode's is `0x…cac4e0`, Arbitrum One's `0x51dedbd2…`, Sepolia's `0x0c9043d0…`).

// Nitro's names (ArbWasmCache, CacheManager, ArbOS) are proper nouns in these docs, not code.
#![allow(clippy::doc_markdown)]

use alloy::{
    network::TransactionBuilder,
    primitives::{keccak256, Address, B256, U256},
    providers::Provider,
    rpc::types::TransactionRequest,
    sol,
    sol_types::{SolCall, SolEvent, SolInterface},
};
pub use tributary_devnode::arbwasm::{ArbWasm, ArbWasmCache, ARBWASM_CACHE};

use super::{send, DeployError, Deployment};
use crate::{contracts::Contract, world::revert_data};

sol! {
    /// Arbitrum's CacheManager (nitro-contracts `src/chain/CacheManager.sol`, vendored in
    /// devnode/predeploys/cache_manager): what `tributary deploy --cache-bid` uses of it.
    #[derive(Debug)]
    interface ICacheManager {
        function placeBid(address program) external payable;
        function getMinBid(address program) external view returns (uint192 min);
        function cacheSize() external view returns (uint64);
        function queueSize() external view returns (uint64);
        function decay() external view returns (uint64);
        function isPaused() external view returns (bool);

        error NotChainOwner(address sender);
        error AsmTooLarge(uint256 asm, uint256 queueSize, uint256 cacheSize);
        error AlreadyCached(bytes32 codehash);
        error BidTooLarge(uint256 bid);
        error BidTooSmall(uint192 bid, uint192 min);
        error BidsArePaused();
        error MakeSpaceTooLarge(uint64 size, uint64 limit);

        event InsertBid(bytes32 indexed codehash, address program, uint192 bid, uint64 size);
        event DeleteBid(bytes32 indexed codehash, uint192 bid, uint64 size);
    }
}

/// How `tributary deploy` caches the programs it deploys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheMode {
    /// `CacheManager.placeBid(program)` with this many wei, for each program.
    Bid {
        /// The bid, in wei, sent as `msg.value` of each `placeBid`.
        wei: U256,
        /// The CacheManager bid in.
        manager: Address,
    },
    /// `ArbWasmCache.cacheProgram(program)` (a chain owner or cache manager only).
    Direct,
}

/// What caching one program did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheOutcome {
    /// It was already cached; nothing was sent.
    AlreadyCached {
        /// The program.
        contract: Contract,
        /// Its codehash.
        codehash: B256,
    },
    /// The transaction was mined and `codehashIsCached` is now true.
    Cached {
        /// The program.
        contract: Contract,
        /// Its codehash.
        codehash: B256,
        /// The transaction (`placeBid` or `cacheProgram`).
        step: super::Step,
        /// What CacheManager's `InsertBid` event recorded (`bid` includes the decay term
        /// `block.timestamp × decay`; `size` is the program's asm size in bytes), for a bid.
        insert: Option<(U256, u64)>,
    },
}

impl std::fmt::Display for CacheOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::AlreadyCached { contract, codehash } => write!(
                f,
                "{:<32} already cached (codehash {codehash}); skipped",
                format!("cache {contract}")
            ),
            Self::Cached { step, insert, .. } => {
                write!(f, "{:<32} tx {} gas {}", step.label, step.tx, step.gas_used)?;
                if let Some((bid, size)) = insert {
                    write!(f, " (InsertBid: bid {bid}, asm size {size} B)")?;
                }
                Ok(())
            }
        }
    }
}

/// Why caching failed: the message names the decoded error and says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheError(pub String);

impl std::fmt::Display for CacheError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CacheError {}

impl From<DeployError> for CacheError {
    fn from(e: DeployError) -> Self {
        Self(e.to_string())
    }
}

fn rpc(e: impl std::fmt::Display) -> CacheError {
    CacheError(format!("RPC: {e}"))
}

async fn view<P: Provider, C: SolCall>(
    provider: &P,
    to: Address,
    call: &C,
) -> Result<C::Return, CacheError> {
    let request = TransactionRequest::default()
        .with_to(to)
        .with_input(call.abi_encode());
    let out = provider
        .call(&request)
        .await
        .map_err(|e| rpc(format!("{} at {to}: {e}", C::SIGNATURE)))?;
    C::abi_decode_returns(&out, true)
        .map_err(|e| rpc(format!("{} at {to} returned {out}: {e}", C::SIGNATURE)))
}

/// The CacheManager to bid in: `chosen` if given, else the last of
/// `ArbWasmCache.allCacheManagers()` (as cargo-stylus picks it). Either way it must have code.
///
/// # Errors
/// No cache manager registered and none given, or no contract at the address.
pub async fn resolve_cache_manager<P: Provider>(
    provider: &P,
    chosen: Option<Address>,
) -> Result<Address, CacheError> {
    let manager = match chosen {
        Some(manager) => manager,
        None => view(
            provider,
            ARBWASM_CACHE,
            &ArbWasmCache::allCacheManagersCall {},
        )
        .await?
        .managers
        .pop()
        .ok_or_else(|| {
            CacheError(
                "no CacheManager is registered with ArbWasmCache on this chain \
                     (allCacheManagers() is empty): pass --cache-manager ADDRESS, or use \
                     --cache if the deploying account is a chain owner"
                    .into(),
            )
        })?,
    };
    if provider.get_code_at(manager).await.map_err(rpc)?.is_empty() {
        return Err(CacheError(format!(
            "no contract at {manager}: no CacheManager is deployed there on this chain; pass \
             the chain's CacheManager with --cache-manager ADDRESS (or leave it out to use the \
             one ArbWasmCache.allCacheManagers() lists)"
        )));
    }
    Ok(manager)
}

/// Whether `codehash` is cached (`ArbWasmCache.codehashIsCached`).
pub async fn is_cached<P: Provider>(provider: &P, codehash: B256) -> Result<bool, CacheError> {
    Ok(view(
        provider,
        ARBWASM_CACHE,
        &ArbWasmCache::codehashIsCachedCall { codehash },
    )
    .await?
    ._0)
}

/// The custom error's name and fields in `revert`, from CacheManager's and ArbWasm's errors.
fn decode(revert: &[u8]) -> Option<DecodedError> {
    if let Ok(e) = ICacheManager::ICacheManagerErrors::abi_decode(revert, true) {
        return Some(DecodedError::Manager(e));
    }
    ArbWasm::ArbWasmErrors::abi_decode(revert, true)
        .ok()
        .map(DecodedError::ArbWasm)
}

enum DecodedError {
    Manager(ICacheManager::ICacheManagerErrors),
    ArbWasm(ArbWasm::ArbWasmErrors),
}

/// Why `placeBid` / `cacheProgram` of `contract` would revert, as a message with advice.
async fn refusal<P: Provider>(
    provider: &P,
    from: Address,
    mode: CacheMode,
    contract: Contract,
    program: Address,
    revert: &[u8],
) -> CacheError {
    use ArbWasm::ArbWasmErrors as W;
    use ICacheManager::ICacheManagerErrors as M;
    let what = match mode {
        CacheMode::Bid { wei, manager } => {
            format!("CacheManager {manager} refused placeBid({contract} at {program}) of {wei} wei")
        }
        CacheMode::Direct => format!("ArbWasmCache refused cacheProgram({contract} at {program})"),
    };
    let activate = "the program must be activated at the chain's current Stylus version: run \
                    tributary deploy again (or cargo stylus activate)";
    let message = match decode(revert) {
        Some(DecodedError::Manager(M::BidTooSmall(e))) => {
            let min = match mode {
                CacheMode::Bid { manager, .. } => {
                    view(provider, manager, &ICacheManager::getMinBidCall { program })
                        .await
                        .map_or_else(|e| format!("unknown ({e})"), |r| format!("{} wei", r.min))
                }
                CacheMode::Direct => "unknown".into(),
            };
            format!(
                "{what}: BidTooSmall(bid {}, min {}) (both include the decay term \
                 block.timestamp × decay): the cache is full and this bid does not outbid the \
                 lowest entry it would evict. getMinBid({program}) is {min} now; bid more \
                 with --cache-bid WEI",
                e.bid, e.min
            )
        }
        Some(DecodedError::Manager(M::BidsArePaused(_))) => format!(
            "{what}: BidsArePaused: the chain owner has paused bidding in this CacheManager; \
             try again once it is unpaused (or use --cache if you are a chain owner)"
        ),
        Some(DecodedError::Manager(M::AlreadyCached(e))) => format!(
            "{what}: AlreadyCached({}): the program is already cached; nothing to do",
            e.codehash
        ),
        Some(DecodedError::Manager(M::AsmTooLarge(e))) => format!(
            "{what}: AsmTooLarge(asm {}, queueSize {}, cacheSize {}): the program's compiled size \
             does not fit this CacheManager's cache; it cannot be cached by bidding",
            e.asm, e.queueSize, e.cacheSize
        ),
        Some(DecodedError::Manager(M::BidTooLarge(e))) => format!(
            "{what}: BidTooLarge({}): the bid plus the decay term overflows uint192; bid less",
            e.bid
        ),
        Some(DecodedError::Manager(M::NotChainOwner(e))) => format!(
            "{what}: NotChainOwner({}): only a chain owner may do this",
            e.sender
        ),
        Some(DecodedError::Manager(M::MakeSpaceTooLarge(e))) => format!(
            "{what}: MakeSpaceTooLarge(size {}, limit {})",
            e.size, e.limit
        ),
        Some(DecodedError::ArbWasm(W::ProgramNotActivated(_))) => {
            format!("{what}: ProgramNotActivated: {activate}")
        }
        Some(DecodedError::ArbWasm(W::ProgramNeedsUpgrade(e))) => format!(
            "{what}: ProgramNeedsUpgrade(version {}, stylusVersion {}): {activate}",
            e.version, e.stylusVersion
        ),
        Some(DecodedError::ArbWasm(W::ProgramExpired(e))) => format!(
            "{what}: ProgramExpired(ageInSeconds {}): {activate}",
            e.ageInSeconds
        ),
        Some(DecodedError::ArbWasm(other)) => format!("{what}: ArbWasm error {other:?}"),
        None if revert.is_empty() => no_data(provider, from, mode, &what).await,
        None => format!(
            "{what}: reverted with unknown data 0x{}",
            alloy::primitives::hex::encode(revert)
        ),
    };
    CacheError(message)
}

/// Why a refusal carried no revert data, as far as it can be told.
async fn no_data<P: Provider>(provider: &P, from: Address, mode: CacheMode, what: &str) -> String {
    match mode {
        CacheMode::Direct => format!(
            "{what}: it reverted without data, which is what ArbWasmCache does when the \
                 caller is neither a chain owner nor a cache manager: {from} is not one on this \
                 chain. Use --cache-bid WEI to bid in the CacheManager instead"
        ),
        CacheMode::Bid { manager, .. } => {
            let registered = view(
                provider,
                ARBWASM_CACHE,
                &ArbWasmCache::isCacheManagerCall { manager },
            )
            .await
            .map(|r| r._0);
            match registered {
                Ok(false) => format!(
                    "{what}: it reverted without data: {manager} is not registered with \
                         ArbWasmCache (isCacheManager is false), so it may not cache programs; \
                         pass the chain's CacheManager with --cache-manager ADDRESS"
                ),
                _ => format!(
                    "{what}: it reverted without data; is {manager} a CacheManager? Check \
                         --cache-manager and your balance"
                ),
            }
        }
    }
}

/// Caches the program at `program` (whose code hashes to `codehash`) from `from` as `mode`
/// says: skipped if already cached, else simulated, sent and checked with `codehashIsCached`.
///
/// # Errors
/// The simulation reverts (the message decodes why and says what to do), the transaction
/// reverts, or afterwards the program is still not cached.
pub async fn cache_program<P: Provider>(
    provider: &P,
    from: Address,
    mode: CacheMode,
    contract: Contract,
    program: Address,
    codehash: B256,
) -> Result<CacheOutcome, CacheError> {
    if is_cached(provider, codehash).await? {
        return Ok(CacheOutcome::AlreadyCached { contract, codehash });
    }
    let (label, to, value, input) = match mode {
        CacheMode::Bid { wei, manager } => (
            format!("placeBid({contract}) {wei} wei"),
            manager,
            wei,
            ICacheManager::placeBidCall { program }.abi_encode(),
        ),
        CacheMode::Direct => (
            format!("cacheProgram({contract})"),
            ARBWASM_CACHE,
            U256::ZERO,
            ArbWasmCache::cacheProgramCall { addr: program }.abi_encode(),
        ),
    };
    let request = TransactionRequest::default()
        .with_from(from)
        .with_to(to)
        .with_value(value)
        .with_input(input);
    if let Err(e) = provider.call(&request).await {
        if e.as_error_resp().is_none() {
            return Err(rpc(format!("{label}: {e}")));
        }
        let revert = revert_data(&e).unwrap_or_default();
        if let Some(DecodedError::Manager(ICacheManager::ICacheManagerErrors::AlreadyCached(_))) =
            decode(&revert)
        {
            return Ok(CacheOutcome::AlreadyCached { contract, codehash });
        }
        return Err(refusal(provider, from, mode, contract, program, &revert).await);
    }
    let (receipt, step) = send(provider, &label, request).await?;
    let insert = receipt
        .inner
        .logs()
        .iter()
        .filter(|l| l.address() == to)
        .find_map(|l| ICacheManager::InsertBid::decode_log_data(l.data(), true).ok())
        .map(|e| (U256::from(e.bid), e.size));
    if !is_cached(provider, codehash).await? {
        return Err(CacheError(format!(
            "{label} (tx {}) succeeded but codehashIsCached({codehash}) is false",
            step.tx
        )));
    }
    Ok(CacheOutcome::Cached {
        contract,
        codehash,
        step,
        insert,
    })
}

/// Caches every program of `deployment` in deploy order; `report` sees each outcome as it
/// happens. Stops at the first refusal. Afterwards every program's codehash is cached.
///
/// # Errors
/// As [`cache_program`], or a codehash in the file that is not the code on chain.
pub async fn cache_deployment<P: Provider>(
    provider: &P,
    from: Address,
    mode: CacheMode,
    deployment: &Deployment,
    mut report: impl FnMut(&CacheOutcome),
) -> Result<Vec<CacheOutcome>, CacheError> {
    let mut outcomes = Vec::new();
    for contract in Contract::DEPLOY_ORDER {
        let deployed = deployment.contracts.get(contract);
        let code = provider.get_code_at(deployed.address).await.map_err(rpc)?;
        let codehash = keccak256(&code);
        if codehash != deployed.codehash {
            return Err(CacheError(format!(
                "{contract} at {}: the code on chain (codehash {codehash}) is not the deployed \
                 program ({}); deploy again first",
                deployed.address, deployed.codehash
            )));
        }
        let outcome =
            cache_program(provider, from, mode, contract, deployed.address, codehash).await?;
        report(&outcome);
        outcomes.push(outcome);
    }
    Ok(outcomes)
}
