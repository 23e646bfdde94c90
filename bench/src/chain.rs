//! The chain the benchmark runs on: an in-process devnode (as `tributary demo` and the
//! end-to-end tests start one), snapshots to replay the Tributary scenario from the same state,
//! and ArbWasmCache to cache every Tributary program between the two replays.

use alloy::{
    primitives::{Address, U256, U64},
    providers::Provider,
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};
use tributary::{
    contracts::Contract,
    deploy::Step,
    world::{World, WorldError},
};
use tributary_devnode::{
    arbwasm::{ArbWasmCache, ARBWASM_CACHE},
    rpc::{self, genesis, RunningServer, ServerConfig},
};

use crate::BenchError;

/// A fresh in-process devnode on a free port, not logging transactions.
pub async fn devnode() -> Result<RunningServer, BenchError> {
    let config = ServerConfig {
        addr: ([127, 0, 0, 1], 0).into(),
        log_transactions: false,
        ..ServerConfig::default()
    };
    Ok(rpc::start(config).await?)
}

/// The devnode's funded accounts, nitro-devnode's key first: it deploys the contracts and is
/// the chain owner (it may cache programs).
pub fn signers() -> Vec<PrivateKeySigner> {
    genesis::dev_signers()
}

/// Who does what in the benchmark (dev accounts).
#[derive(Debug, Clone)]
pub struct Accounts {
    /// Deploys and owns every contract; chain owner.
    pub deployer: Address,
    /// Registers the dataset and offers the license (Tributary); the split's payee (reference).
    pub creator: Address,
    /// Second contributor of the dataset (Tributary); arbiter of the license terms.
    pub platform: Address,
    /// Holds the licenses and funds their escrow.
    pub lab: Address,
    /// Signs the batches.
    pub attestor: PrivateKeySigner,
    /// Submits batches and settlements (anyone may).
    pub relayer: Address,
    /// Registers a model derived from the dataset (Tributary) and holds its token; holds the
    /// one license token the reference's transfer row moves.
    pub developer: Address,
    /// Buys the model token (Tributary) and the reference's license token: holds none before.
    pub buyer: Address,
}

impl Accounts {
    /// Takes the accounts from the dev `signers` (at least eight).
    pub fn from_signers(signers: &[PrivateKeySigner]) -> Result<Self, BenchError> {
        let get = |i: usize| {
            signers
                .get(i)
                .ok_or_else(|| BenchError(format!("need at least {} dev accounts", i + 1)))
        };
        Ok(Self {
            deployer: get(0)?.address(),
            creator: get(1)?.address(),
            platform: get(2)?.address(),
            lab: get(3)?.address(),
            attestor: get(4)?.clone(),
            relayer: get(5)?.address(),
            developer: get(6)?.address(),
            buyer: get(7)?.address(),
        })
    }
}

/// `evm_snapshot`: an id to [`revert`] to.
pub async fn snapshot(chain: &impl Provider) -> Result<U64, BenchError> {
    chain
        .raw_request("evm_snapshot".into(), ())
        .await
        .map_err(|e| BenchError(format!("evm_snapshot: {e}")))
}

/// `evm_revert` to `id` (which the devnode then forgets, with every later snapshot).
pub async fn revert(chain: &impl Provider, id: U64) -> Result<(), BenchError> {
    let reverted: bool = chain
        .raw_request("evm_revert".into(), (id,))
        .await
        .map_err(|e| BenchError(format!("evm_revert: {e}")))?;
    if reverted {
        Ok(())
    } else {
        Err(BenchError(format!("evm_revert: no snapshot {id}")))
    }
}

/// Caches every Tributary program with `ArbWasmCache.cacheProgram` from `owner` (a chain owner
/// or cache manager), then checks with `codehashIsCached` that each one is. Returns the
/// caching transactions.
pub async fn cache_programs<P: Provider>(
    world: &World<P>,
    owner: Address,
) -> Result<Vec<Step>, BenchError> {
    let mut steps = Vec::new();
    for contract in Contract::DEPLOY_ORDER {
        let call = ArbWasmCache::cacheProgramCall {
            addr: world.at(contract),
        };
        let label = format!("cacheProgram({contract})");
        let (_, step) = world
            .send(&label, owner, ARBWASM_CACHE, call.abi_encode(), U256::ZERO)
            .await?;
        steps.push(step);
    }
    for (contract, deployed) in world.deployment.contracts.iter() {
        let call = ArbWasmCache::codehashIsCachedCall {
            codehash: deployed.codehash,
        };
        if !world.view(ARBWASM_CACHE, &call).await?._0 {
            return Err(BenchError(format!(
                "{contract}: cacheProgram succeeded but codehashIsCached({}) is false",
                deployed.codehash
            )));
        }
    }
    Ok(steps)
}

/// Checks that `account` does not exist yet: no balance, no nonce, no code.
pub async fn check_fresh<P: Provider>(
    world: &World<P>,
    account: Address,
) -> Result<(), BenchError> {
    let chain = &world.chain;
    let failed = |e: alloy::transports::TransportError| BenchError(format!("{account}: {e}"));
    let balance = chain.get_balance(account).await.map_err(failed)?;
    let nonce = chain.get_transaction_count(account).await.map_err(failed)?;
    let code = chain.get_code_at(account).await.map_err(failed)?;
    if balance.is_zero() && nonce == 0 && code.is_empty() {
        Ok(())
    } else {
        Err(BenchError(format!(
            "{account} should be a fresh account, it has {balance} wei, nonce {nonce} and {} bytes of code",
            code.len()
        )))
    }
}

/// Checks that `account` was paid something.
pub async fn check_paid<P: Provider>(world: &World<P>, account: Address) -> Result<(), BenchError> {
    let balance = world
        .chain
        .get_balance(account)
        .await
        .map_err(|e| BenchError(format!("{account}: {e}")))?;
    if balance.is_zero() {
        return Err(BenchError(format!("withdraw paid {account} nothing")));
    }
    Ok(())
}

impl From<WorldError> for BenchError {
    fn from(e: WorldError) -> Self {
        Self(e.to_string())
    }
}

impl From<rpc::ServerError> for BenchError {
    fn from(e: rpc::ServerError) -> Self {
        Self(format!("devnode: {e}"))
    }
}
