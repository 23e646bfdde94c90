//! What the pipeline asks of the chain, as a trait ([`Chain`]) so the crash and retry logic can
//! be tested against a scripted chain, and its JSON-RPC implementation ([`RpcChain`]).
//!
//! The pipeline signs its transactions itself (with the attestor key) and only asks the node to
//! broadcast the signed bytes: the hash of a transaction is known, and recorded, before the
//! node ever sees it, and re-broadcasting the same bytes after a crash can never make a second
//! transaction (same nonce, same hash).

use std::future::Future;

use alloy::{
    primitives::{Address, Bytes, B256, U256},
    providers::Provider,
    rpc::types::{BlockNumberOrTag, TransactionRequest},
    sol_types::SolCall,
    transports::TransportError,
};
use tributary_kit::{
    contracts_abi::usage_anchor::IUsageAnchor,
    world::{error_name, revert_data},
};

/// A batch's record in the usage anchor (`IUsageAnchor.batchInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchInfo {
    /// `0` none, `1` anchored, `2` challenged, `3` voided, `4` cleared ([`status`]).
    pub status: u8,
    /// When it was anchored (unix seconds).
    pub anchored_at: u64,
    /// Its challenge round.
    pub round: u16,
    /// Receipts settled so far (billed or skipped).
    pub settled_receipts: u32,
    /// Units settled so far (billed or skipped).
    pub settled_units: U256,
}

/// The anchor's batch statuses (`contracts/usage_anchor/src/batches.rs`).
pub mod status {
    /// No batch under this key.
    pub const NONE: u8 = 0;
    /// Anchored, never challenged.
    pub const ANCHORED: u8 = 1;
    /// Challenged, waiting for the arbiter.
    pub const CHALLENGED: u8 = 2;
    /// Voided by an upheld challenge.
    pub const VOIDED: u8 = 3;
    /// The last challenge round was rejected; settleable after its window.
    pub const CLEARED: u8 = 4;
}

/// Why a chain request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// No usable answer: the node is unreachable or answered with an error that is not a
    /// revert.
    Rpc(String),
    /// The call would revert with this custom error (its name, as
    /// [`tributary_kit::world::error_name`] gives it).
    Refused(String),
}

impl std::fmt::Display for ChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Rpc(e) => write!(f, "rpc: {e}"),
            Self::Refused(e) => write!(f, "refused with {e}"),
        }
    }
}

impl std::error::Error for ChainError {}

/// A transaction the pipeline signed: what it broadcasts, and what it records before it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTx {
    /// Transaction hash.
    pub hash: B256,
    /// The EIP-2718 encoding (what `eth_sendRawTransaction` takes).
    pub raw: Bytes,
    /// Sender.
    pub from: Address,
    /// Recipient (the usage anchor).
    pub to: Address,
    /// Nonce.
    pub nonce: u64,
    /// Calldata.
    pub data: Bytes,
}

/// What the node did with a broadcast transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Broadcast {
    /// Accepted (pending or mined).
    Accepted,
    /// The node already has it (pending or mined).
    AlreadyKnown,
    /// Its nonce was taken by another transaction: it can never be mined.
    NonceUsed,
}

/// A mined transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mined {
    /// Whether it succeeded (did not revert).
    pub success: bool,
    /// Gas it used.
    pub gas_used: u64,
    /// Block it was mined in.
    pub block: u64,
}

/// What the node knows of a transaction hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxLookup {
    /// Mined.
    Mined(Mined),
    /// Known and waiting to be mined.
    Pending,
    /// Never seen (never received, or dropped).
    Unknown,
}

/// Fee caps for an EIP-1559 transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fees {
    /// `maxFeePerGas`.
    pub max_fee_per_gas: u128,
    /// `maxPriorityFeePerGas`.
    pub max_priority_fee_per_gas: u128,
}

/// The chain requests of the pipeline.
pub trait Chain: Send + Sync {
    /// The chain id.
    fn chain_id(&self) -> impl Future<Output = Result<u64, ChainError>> + Send;
    /// Timestamp of the head block.
    fn now(&self) -> impl Future<Output = Result<u64, ChainError>> + Send;
    /// `batchInfo(attestor, batchId)` of the anchor.
    fn batch_info(
        &self,
        anchor: Address,
        attestor: Address,
        batch_id: B256,
    ) -> impl Future<Output = Result<BatchInfo, ChainError>> + Send;
    /// The anchor's challenge window in seconds (`config()`).
    fn challenge_window(
        &self,
        anchor: Address,
    ) -> impl Future<Output = Result<u64, ChainError>> + Send;
    /// `isUsageSettled(attestor, batchId, index)` of the anchor.
    fn is_usage_settled(
        &self,
        anchor: Address,
        attestor: Address,
        batch_id: B256,
        index: u32,
    ) -> impl Future<Output = Result<bool, ChainError>> + Send;
    /// Gas that `data` from `from` to `to` would use; [`ChainError::Refused`] if it would
    /// revert.
    fn estimate_gas(
        &self,
        from: Address,
        to: Address,
        data: &Bytes,
    ) -> impl Future<Output = Result<u64, ChainError>> + Send;
    /// The next nonce of `from`, counting its pending transactions.
    fn next_nonce(&self, from: Address) -> impl Future<Output = Result<u64, ChainError>> + Send;
    /// Fee caps for a transaction sent now.
    fn fees(&self) -> impl Future<Output = Result<Fees, ChainError>> + Send;
    /// Broadcasts a signed transaction.
    fn broadcast(
        &self,
        tx: &SignedTx,
    ) -> impl Future<Output = Result<Broadcast, ChainError>> + Send;
    /// What the node knows of `hash`.
    fn lookup(&self, hash: B256) -> impl Future<Output = Result<TxLookup, ChainError>> + Send;
}

/// A shared chain is a chain (so [`crate::pipeline::Pipeline::run`] can borrow one).
impl<C: Chain> Chain for &C {
    fn chain_id(&self) -> impl Future<Output = Result<u64, ChainError>> + Send {
        (**self).chain_id()
    }
    fn now(&self) -> impl Future<Output = Result<u64, ChainError>> + Send {
        (**self).now()
    }
    fn batch_info(
        &self,
        anchor: Address,
        attestor: Address,
        batch_id: B256,
    ) -> impl Future<Output = Result<BatchInfo, ChainError>> + Send {
        (**self).batch_info(anchor, attestor, batch_id)
    }
    fn challenge_window(
        &self,
        anchor: Address,
    ) -> impl Future<Output = Result<u64, ChainError>> + Send {
        (**self).challenge_window(anchor)
    }
    fn is_usage_settled(
        &self,
        anchor: Address,
        attestor: Address,
        batch_id: B256,
        index: u32,
    ) -> impl Future<Output = Result<bool, ChainError>> + Send {
        (**self).is_usage_settled(anchor, attestor, batch_id, index)
    }
    fn estimate_gas(
        &self,
        from: Address,
        to: Address,
        data: &Bytes,
    ) -> impl Future<Output = Result<u64, ChainError>> + Send {
        (**self).estimate_gas(from, to, data)
    }
    fn next_nonce(&self, from: Address) -> impl Future<Output = Result<u64, ChainError>> + Send {
        (**self).next_nonce(from)
    }
    fn fees(&self) -> impl Future<Output = Result<Fees, ChainError>> + Send {
        (**self).fees()
    }
    fn broadcast(
        &self,
        tx: &SignedTx,
    ) -> impl Future<Output = Result<Broadcast, ChainError>> + Send {
        (**self).broadcast(tx)
    }
    fn lookup(&self, hash: B256) -> impl Future<Output = Result<TxLookup, ChainError>> + Send {
        (**self).lookup(hash)
    }
}

/// [`Chain`] over a JSON-RPC provider (any alloy [`Provider`]; its wallet, if any, is not
/// used: the pipeline signs).
#[derive(Debug, Clone)]
pub struct RpcChain<P> {
    provider: P,
}

impl<P: Provider> RpcChain<P> {
    /// Wraps `provider`.
    pub fn new(provider: P) -> Self {
        Self { provider }
    }

    /// The provider.
    pub fn provider(&self) -> &P {
        &self.provider
    }

    /// Whether `attestor` may anchor on `anchor` now: allow-listed, bonded at least the
    /// anchor's minimum, and not exiting. `Err(ChainError::Refused(why))` says which is missing.
    ///
    /// # Errors
    /// The node failed, or one of the three conditions does not hold.
    pub async fn check_attestor(
        &self,
        anchor: Address,
        attestor: Address,
    ) -> Result<(), ChainError> {
        let config = self.view(anchor, &IUsageAnchor::configCall {}).await?;
        let info = self
            .view(
                anchor,
                &IUsageAnchor::attestorInfoCall { account: attestor },
            )
            .await?;
        let (allowed, bond, exiting) = (info._0, info._1, info._4);
        if !allowed {
            return Err(ChainError::Refused(format!(
                "attestor {attestor} is not allow-listed on the usage anchor (the owner calls setAttestor)"
            )));
        }
        if bond < config._4 {
            return Err(ChainError::Refused(format!(
                "attestor {attestor} has bonded {bond} wei, the anchor requires {} (bondAttestor)",
                config._4
            )));
        }
        if exiting != 0 {
            return Err(ChainError::Refused(format!(
                "attestor {attestor} has requested exit at {exiting}"
            )));
        }
        Ok(())
    }

    async fn view<C: SolCall>(&self, to: Address, call: &C) -> Result<C::Return, ChainError> {
        let request = TransactionRequest {
            to: Some(to.into()),
            input: call.abi_encode().into(),
            ..TransactionRequest::default()
        };
        let out = self
            .provider
            .call(&request)
            .await
            .map_err(|e| failure(C::SIGNATURE, &e))?;
        C::abi_decode_returns(&out, true)
            .map_err(|e| ChainError::Rpc(format!("{}: {e}", C::SIGNATURE)))
    }
}

/// A failed request: [`ChainError::Refused`] when the node answered with revert data.
fn failure(label: &str, error: &TransportError) -> ChainError {
    match revert_data(error) {
        Some(revert) if error.as_error_resp().is_some() => ChainError::Refused(error_name(&revert)),
        _ => ChainError::Rpc(format!("{label}: {error}")),
    }
}

fn rpc(label: &str, error: &TransportError) -> ChainError {
    ChainError::Rpc(format!("{label}: {error}"))
}

impl<P: Provider> Chain for RpcChain<P> {
    async fn chain_id(&self) -> Result<u64, ChainError> {
        self.provider
            .get_chain_id()
            .await
            .map_err(|e| rpc("eth_chainId", &e))
    }

    async fn now(&self) -> Result<u64, ChainError> {
        let block = self
            .provider
            .get_block_by_number(BlockNumberOrTag::Latest, false.into())
            .await
            .map_err(|e| rpc("eth_getBlockByNumber", &e))?
            .ok_or_else(|| ChainError::Rpc("the chain has no head block".into()))?;
        Ok(block.header.timestamp)
    }

    async fn batch_info(
        &self,
        anchor: Address,
        attestor: Address,
        batch_id: B256,
    ) -> Result<BatchInfo, ChainError> {
        let call = IUsageAnchor::batchInfoCall { attestor, batch_id };
        let r = self.view(anchor, &call).await?;
        Ok(BatchInfo {
            anchored_at: r._1,
            status: r._2,
            round: r._3,
            settled_receipts: r._4,
            settled_units: r._5,
        })
    }

    async fn challenge_window(&self, anchor: Address) -> Result<u64, ChainError> {
        Ok(self.view(anchor, &IUsageAnchor::configCall {}).await?._3)
    }

    async fn is_usage_settled(
        &self,
        anchor: Address,
        attestor: Address,
        batch_id: B256,
        index: u32,
    ) -> Result<bool, ChainError> {
        let call = IUsageAnchor::isUsageSettledCall {
            attestor,
            batch_id,
            index,
        };
        Ok(self.view(anchor, &call).await?._0)
    }

    async fn estimate_gas(
        &self,
        from: Address,
        to: Address,
        data: &Bytes,
    ) -> Result<u64, ChainError> {
        let request = TransactionRequest {
            from: Some(from),
            to: Some(to.into()),
            input: data.clone().into(),
            ..TransactionRequest::default()
        };
        self.provider
            .estimate_gas(&request)
            .await
            .map_err(|e| failure("eth_estimateGas", &e))
    }

    async fn next_nonce(&self, from: Address) -> Result<u64, ChainError> {
        self.provider
            .get_transaction_count(from)
            .pending()
            .await
            .map_err(|e| rpc("eth_getTransactionCount", &e))
    }

    async fn fees(&self) -> Result<Fees, ChainError> {
        let fees = self
            .provider
            .estimate_eip1559_fees(None)
            .await
            .map_err(|e| rpc("eth_feeHistory", &e))?;
        Ok(Fees {
            max_fee_per_gas: fees.max_fee_per_gas,
            max_priority_fee_per_gas: fees.max_priority_fee_per_gas,
        })
    }

    async fn broadcast(&self, tx: &SignedTx) -> Result<Broadcast, ChainError> {
        match self.provider.send_raw_transaction(&tx.raw).await {
            Ok(_) => Ok(Broadcast::Accepted),
            Err(e) => {
                let message = e.to_string().to_ascii_lowercase();
                if message.contains("already known") || message.contains("known transaction") {
                    Ok(Broadcast::AlreadyKnown)
                } else if message.contains("nonce too low") {
                    Ok(Broadcast::NonceUsed)
                } else {
                    Err(rpc("eth_sendRawTransaction", &e))
                }
            }
        }
    }

    async fn lookup(&self, hash: B256) -> Result<TxLookup, ChainError> {
        let receipt = self
            .provider
            .get_transaction_receipt(hash)
            .await
            .map_err(|e| rpc("eth_getTransactionReceipt", &e))?;
        if let Some(r) = receipt {
            return Ok(TxLookup::Mined(Mined {
                success: r.status(),
                gas_used: r.gas_used,
                block: r.block_number.unwrap_or_default(),
            }));
        }
        let known = self
            .provider
            .get_transaction_by_hash(hash)
            .await
            .map_err(|e| rpc("eth_getTransactionByHash", &e))?;
        Ok(if known.is_some() {
            TxLookup::Pending
        } else {
            TxLookup::Unknown
        })
    }
}
