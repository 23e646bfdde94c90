//! The chain behind the JSON-RPC server: a [`Devnode`] (which keeps the history: blocks with
//! hashes, signed transactions, receipts with log positions, recent states), the unlocked dev
//! accounts, and the JSON-RPC methods themselves: typed requests ([`super::request`]) in,
//! alloy's RPC types out (`Block`, `Transaction`, `TransactionReceipt`, `Log`, `FeeHistory`,
//! with Arbitrum's `l1BlockNumber` and `gasUsedForL1` as `WithOtherFields`).
//!
//! State reads (`eth_getBalance`, `eth_getTransactionCount`, `eth_getCode`,
//! `eth_getStorageAt`, `eth_call`, `eth_estimateGas`) take any block tag, number or hash:
//! `latest`, `pending`, `safe` and `finalized` read the current state; an older block reads the
//! state recorded when it was sealed, for the last [`STATE_HISTORY`] blocks (as a geth full
//! node keeps 128 recent states). An older block than that, or one that does not exist, is
//! refused with a clear error rather than answered from the wrong state.

use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};

use alloy::{
    consensus::{
        Receipt, ReceiptEnvelope, ReceiptWithBloom, SignableTransaction, Transaction as _,
        TxEip1559, TxEnvelope, TxType,
    },
    eips::{
        eip2718::{Decodable2718, Encodable2718},
        eip2930::{AccessList, AccessListItem, AccessListResult},
        BlockId, BlockNumberOrTag,
    },
    network::TxSignerSync,
    primitives::{Address, Bloom, Bytes, PrimitiveSignature, TxKind, B256, U256, U64},
    rpc::types::{
        state::StateOverride, Block, BlockTransactions, FeeHistory, Filter, FilterBlockOption,
        Header, Log, SyncStatus, Transaction, TransactionReceipt, TransactionRequest,
    },
    serde::{OtherFields, WithOtherFields},
    signers::{local::PrivateKeySigner, SignerSync},
};
use alloy_dyn_abi::TypedData;
use serde::Serialize;
use serde_json::Value;

use super::{
    error::{RpcError, INVALID_PARAMS, METHOD_NOT_SUPPORTED},
    filters::{Cursor, FilterId, FilterKind, Filters},
    params::quantity,
    request::{ControlRequest, EthRequest, Quantity, Request, TraceOptions},
};
use crate::{
    anatomy::GasAnatomy,
    node::{BlockState, BASE_FEE, TX_GAS_LIMIT},
    trace::{CallFrame, CallTracerConfig},
    BlockRecord, Devnode, DevnodeError, History, TxRecord, TxRequest,
};

/// Name and version reported by `web3_clientVersion`.
pub const CLIENT_VERSION: &str = concat!("tributary-devnode/v", env!("CARGO_PKG_VERSION"));

/// The devnode as a JSON-RPC chain.
#[derive(Debug)]
pub struct RpcChain {
    /// The node, which also keeps the history (blocks, transactions, recent states).
    node: Devnode,
    signers: HashMap<Address, PrivateKeySigner>,
    accounts: Vec<Address>,
    automine: bool,
    filters: Filters,
    /// Accounts `eth_sendTransaction` may send from without a key (`anvil_impersonateAccount`).
    impersonated: HashSet<Address>,
    /// Every account is impersonated (`anvil_autoImpersonateAccount`).
    auto_impersonate: bool,
}

/// How many sealed blocks' states are kept for reads at a past block.
pub const STATE_HISTORY: usize = 128;

/// What a state-changing call did, for the server's log and the state file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Nothing changed.
    None,
    /// State changed and at least one block was sealed.
    Mined,
    /// State changed without sealing a block (pending block, time travel, balances…).
    Changed,
}

impl RpcChain {
    /// A chain around `node` (genesis is the node's current state) with unlocked `signers`;
    /// the node keeps the states of the last [`STATE_HISTORY`] blocks from now on.
    pub fn new(mut node: Devnode, signers: Vec<PrivateKeySigner>) -> Self {
        let accounts: Vec<Address> = signers.iter().map(PrivateKeySigner::address).collect();
        node.keep_block_states(STATE_HISTORY);
        Self {
            node,
            signers: signers.into_iter().map(|s| (s.address(), s)).collect(),
            accounts,
            automine: true,
            filters: Filters::default(),
            impersonated: HashSet::new(),
            auto_impersonate: false,
        }
    }

    /// How long a filter lives without `eth_getFilterChanges` (five minutes by default, as on
    /// geth).
    pub fn set_filter_timeout(&mut self, timeout: Duration) {
        self.filters.set_timeout(timeout);
    }

    /// Rebuilds a chain from saved history (see the state file).
    pub fn restore(
        mut node: Devnode,
        signers: Vec<PrivateKeySigner>,
        blocks: Vec<BlockRecord>,
        transactions: Vec<TxRecord>,
    ) -> Self {
        node.restore_history(blocks, transactions);
        Self::new(node, signers)
    }

    /// The underlying node.
    pub fn node(&self) -> &Devnode {
        &self.node
    }

    /// Mutable access to the underlying node (genesis setup).
    pub fn node_mut(&mut self) -> &mut Devnode {
        &mut self.node
    }

    fn history(&self) -> &History {
        self.node.history()
    }

    /// Turns automine off (transactions wait for [`Self::mine`], e.g. interval mining) or on.
    pub fn set_automine(&mut self, on: bool) {
        self.automine = on;
    }

    fn head(&self) -> &BlockRecord {
        self.history().head()
    }

    /// Seals the pending block (empty if nothing is pending).
    pub fn mine(&mut self) {
        self.node.mine();
    }

    // ---- transactions ----

    /// Decodes, checks and executes a signed transaction; returns its hash.
    pub fn send_raw(&mut self, raw: &[u8]) -> Result<B256, RpcError> {
        let mut buf = raw;
        let envelope = TxEnvelope::decode_2718(&mut buf)
            .map_err(|e| RpcError::invalid_params(format!("invalid transaction: {e}")))?;
        if !buf.is_empty() {
            return Err(RpcError::invalid_params(
                "invalid transaction: trailing bytes",
            ));
        }
        match envelope {
            TxEnvelope::Legacy(_) | TxEnvelope::Eip2930(_) | TxEnvelope::Eip1559(_) => {}
            _ => {
                return Err(RpcError::server(format!(
                    "transaction type {} not supported (legacy, EIP-2930 and EIP-1559 are)",
                    u8::from(envelope.tx_type())
                )))
            }
        }
        if let Some(chain_id) = envelope.chain_id() {
            if chain_id != self.node.chain_id() {
                return Err(RpcError::server(format!(
                    "invalid chain id: transaction is for chain {chain_id}, this chain is {}",
                    self.node.chain_id()
                )));
            }
        }
        let from = envelope
            .recover_signer()
            .map_err(|e| RpcError::invalid_params(format!("invalid signature: {e}")))?;
        self.submit(&envelope, from, Bytes::copy_from_slice(raw), false)
    }

    /// Checks and executes a decoded transaction from `from` (its signer, or an impersonated
    /// account whose transaction carries no real signature); returns its hash.
    fn submit(
        &mut self,
        envelope: &TxEnvelope,
        from: Address,
        raw: Bytes,
        impersonated: bool,
    ) -> Result<B256, RpcError> {
        let fee_cap = envelope.max_fee_per_gas();
        if fee_cap < u128::from(BASE_FEE) {
            return Err(RpcError::server(format!(
                "max fee per gas less than block base fee: maxFeePerGas {fee_cap}, baseFee {BASE_FEE}"
            )));
        }
        let hash = *envelope.tx_hash();
        if self.history().knows(&hash) {
            return Err(RpcError::server(format!("already known: {hash}")));
        }
        let state_nonce = self.node.nonce(from);
        if envelope.nonce() > state_nonce {
            return Err(RpcError::server(format!(
                "nonce too high: next nonce {state_nonce}, tx nonce {}",
                envelope.nonce()
            )));
        }
        let request = TxRequest {
            from,
            to: match envelope.kind() {
                TxKind::Call(to) => Some(to),
                TxKind::Create => None,
            },
            value: envelope.value(),
            data: envelope.input().clone(),
            gas_limit: Some(envelope.gas_limit()),
            nonce: Some(envelope.nonce()),
            gas_price: Some(U256::from(BASE_FEE)),
            access_list: envelope
                .access_list()
                .map(|list| {
                    list.iter()
                        .map(|item| (item.address, item.storage_keys.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            hash: Some(hash),
        };
        if impersonated {
            self.node.execute_impersonated(request, raw)?;
        } else {
            self.node.execute_signed(request, raw)?;
        }
        if self.automine {
            self.mine();
        }
        Ok(hash)
    }

    /// Signs `request` with the unlocked account it names and sends it; from an impersonated
    /// account it is sent unsigned (anvil's "impersonated signature", r = s = 1) and executed
    /// as that account.
    pub fn send_transaction(&mut self, request: TransactionRequest) -> Result<B256, RpcError> {
        let from = request
            .from
            .ok_or_else(|| RpcError::invalid_params("missing from"))?;
        let signer = self.signers.get(&from).cloned();
        if signer.is_none() && !self.is_impersonated(from) {
            return Err(RpcError::server(format!(
                "unknown account {from}: not unlocked (anvil_impersonateAccount sends from any \
                 address)"
            )));
        }
        let gas_limit = match request.gas {
            Some(gas) => gas,
            None => Self::estimate_on(&mut self.node, &request, None)?,
        };
        let mut tx = TxEip1559 {
            chain_id: self.node.chain_id(),
            nonce: request.nonce.unwrap_or_else(|| self.node.nonce(from)),
            gas_limit,
            max_fee_per_gas: request
                .max_fee_per_gas
                .or(request.gas_price)
                .unwrap_or(2 * u128::from(BASE_FEE)),
            max_priority_fee_per_gas: request.max_priority_fee_per_gas.unwrap_or(0),
            to: request.to.unwrap_or(TxKind::Create),
            value: request.value.unwrap_or_default(),
            access_list: request.access_list.clone().unwrap_or_default(),
            input: request.input.input().cloned().unwrap_or_default(),
        };
        let Some(signer) = signer else {
            let signature = PrimitiveSignature::new(U256::from(1), U256::from(1), false);
            let envelope = TxEnvelope::Eip1559(tx.into_signed(signature));
            let raw = Bytes::from(envelope.encoded_2718());
            return self.submit(&envelope, from, raw, true);
        };
        let signature = signer
            .sign_transaction_sync(&mut tx)
            .map_err(|e| RpcError::server(format!("signing failed: {e}")))?;
        let envelope = TxEnvelope::Eip1559(tx.into_signed(signature));
        self.send_raw(&envelope.encoded_2718())
    }

    fn is_impersonated(&self, address: Address) -> bool {
        self.auto_impersonate || self.impersonated.contains(&address)
    }

    /// The key of unlocked dev account `address` (impersonated accounts have none).
    fn signer(&self, address: Address) -> Result<&PrivateKeySigner, RpcError> {
        self.signers.get(&address).ok_or_else(|| {
            let why = if self.is_impersonated(address) {
                "impersonated accounts have no key to sign with"
            } else {
                "not one of the unlocked dev accounts (eth_accounts)"
            };
            RpcError::server(format!("cannot sign for {address}: {why}"))
        })
    }

    fn call_request(request: &TransactionRequest) -> TxRequest {
        TxRequest {
            from: request.from.unwrap_or_default(),
            to: match request.to {
                Some(TxKind::Call(to)) => Some(to),
                _ => None,
            },
            value: request.value.unwrap_or_default(),
            data: request.input.input().cloned().unwrap_or_default(),
            gas_limit: Some(request.gas.unwrap_or(TX_GAS_LIMIT).min(TX_GAS_LIMIT)),
            nonce: None,
            gas_price: None,
            access_list: request
                .access_list
                .as_ref()
                .map(|list| {
                    list.iter()
                        .map(|item| (item.address, item.storage_keys.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            hash: None,
        }
    }

    /// Runs `f` on `node` with `overrides` applied, then restores the state.
    fn with_overrides<T>(
        node: &mut Devnode,
        overrides: Option<&StateOverride>,
        f: impl FnOnce(&mut Devnode) -> Result<T, RpcError>,
    ) -> Result<T, RpcError> {
        let Some(overrides) = overrides.filter(|o| !o.is_empty()) else {
            return f(node);
        };
        let snapshot = node.snapshot();
        let result = apply_overrides(node, overrides).and_then(|()| f(node));
        node.revert_to(snapshot)?;
        result
    }

    /// `eth_call` on `node`: the return data, or a revert error carrying the revert data.
    fn call_on(
        node: &mut Devnode,
        request: &TransactionRequest,
        overrides: Option<&StateOverride>,
    ) -> Result<Bytes, RpcError> {
        let tx = Self::call_request(request);
        let result = Self::with_overrides(node, overrides, |node| Ok(node.call(tx)?))?;
        if result.success {
            Ok(result.output)
        } else if let Some(halt) = result.halt {
            Err(RpcError::server(halt))
        } else {
            Err(RpcError::reverted(&result.output))
        }
    }

    /// `eth_estimateGas` on `node`: the smallest gas limit with which the call succeeds.
    fn estimate_on(
        node: &mut Devnode,
        request: &TransactionRequest,
        overrides: Option<&StateOverride>,
    ) -> Result<u64, RpcError> {
        let mut tx = Self::call_request(request);
        let cap = tx.gas_limit.unwrap_or(TX_GAS_LIMIT);
        Self::with_overrides(node, overrides, |node| {
            tx.gas_limit = Some(cap);
            let first = node.call(tx.clone())?;
            if !first.success {
                return Err(match first.halt {
                    Some(halt) => RpcError::server(format!(
                        "gas required exceeds allowance or execution halted: {halt}"
                    )),
                    None => RpcError::reverted(&first.output),
                });
            }
            // Binary search between what the call used and the cap: the 63/64 rule and
            // refunds mean the gas used is not always a sufficient limit.
            let (mut low, mut high) = (first.gas_used.saturating_sub(1), cap);
            while low + 1 < high {
                let mid = low + (high - low) / 2;
                tx.gas_limit = Some(mid);
                match node.call(tx.clone()) {
                    Ok(result) if result.success => high = mid,
                    _ => low = mid,
                }
            }
            Ok(high)
        })
    }

    // ---- reads ----

    /// Which state a read at `block` uses: `None` for the current state (the head and the
    /// tags that mean it), or the recorded state of an older block.
    fn state_for(&self, block: Option<BlockId>) -> Result<Option<BlockState>, RpcError> {
        let head = self.head().number;
        let number = match block {
            None
            | Some(BlockId::Number(
                BlockNumberOrTag::Latest
                | BlockNumberOrTag::Pending
                | BlockNumberOrTag::Safe
                | BlockNumberOrTag::Finalized,
            )) => return Ok(None),
            Some(BlockId::Number(BlockNumberOrTag::Number(n))) => n,
            Some(BlockId::Number(BlockNumberOrTag::Earliest)) => {
                self.history().blocks().first().map_or(head, |b| b.number)
            }
            Some(BlockId::Hash(hash)) => self
                .history()
                .block_by_hash(hash.block_hash)
                .map(|b| b.number)
                .ok_or_else(|| RpcError::server(format!("unknown block {}", hash.block_hash)))?,
        };
        if number == head {
            return Ok(None);
        }
        if number > head {
            return Err(RpcError::server(format!(
                "block {number} is not mined yet (head is {head})"
            )));
        }
        self.history()
            .state(number)
            .cloned()
            .map(Some)
            .ok_or_else(|| {
                RpcError::server(format!(
                    "the state of block {number} is no longer kept: the devnode keeps the last \
                     {STATE_HISTORY} blocks (head is {head})"
                ))
            })
    }

    /// Runs a read on the node holding the state at `block` (see [`Self::state_for`]).
    fn read_at<T>(
        &mut self,
        block: Option<BlockId>,
        f: impl FnOnce(&mut Devnode) -> Result<T, RpcError>,
    ) -> Result<T, RpcError> {
        match self.state_for(block)? {
            None => f(&mut self.node),
            Some(state) => self.node.at_block_state(state, f),
        }
    }

    fn block_by_number(&self, tag: BlockNumberOrTag) -> Option<&BlockRecord> {
        let history = self.history();
        match tag {
            BlockNumberOrTag::Number(n) => history.block(n),
            BlockNumberOrTag::Earliest => history.blocks().first(),
            _ => Some(history.head()),
        }
    }

    fn block_hash(&self, record: &TxRecord) -> Option<B256> {
        self.history()
            .block(record.receipt.block_number)
            .map(|b| b.hash)
    }

    /// A block as `eth_getBlockBy*` answers it, with Arbitrum's `l1BlockNumber`. Full
    /// transactions that cannot be shown (in-process ones, without a signed encoding) are
    /// `null`.
    fn rpc_block(&self, block: &BlockRecord, full: bool) -> RpcBlock {
        let transactions = if full {
            BlockTransactions::Full(
                block
                    .transactions
                    .iter()
                    .map(|h| {
                        self.history()
                            .transaction(h)
                            .and_then(|r| self.rpc_transaction(r))
                    })
                    .collect(),
            )
        } else {
            BlockTransactions::Hashes(block.transactions.clone())
        };
        let header = block.header();
        let size = 1000 + 200 * block.transactions.len() as u64;
        WithOtherFields {
            inner: Block {
                header: Header {
                    hash: block.hash,
                    inner: header,
                    total_difficulty: Some(U256::from(block.number + 1)),
                    size: Some(U256::from(size)),
                },
                uncles: Vec::new(),
                transactions,
                withdrawals: None,
            },
            other: arbitrum_fields(block.number, None),
        }
    }

    /// A mined transaction as `eth_getTransactionByHash` answers it (`None` for in-process
    /// transactions, which have no signed encoding).
    fn rpc_transaction(&self, record: &TxRecord) -> Option<Transaction> {
        let envelope = TxEnvelope::decode_2718(&mut record.raw.as_ref()).ok()?;
        Some(Transaction {
            inner: envelope,
            block_hash: self.block_hash(record),
            block_number: Some(record.receipt.block_number),
            transaction_index: Some(record.index),
            effective_gas_price: Some(record.effective_gas_price),
            from: record.receipt.from,
        })
    }

    /// Log `index` of a mined transaction, with its position on the chain.
    fn rpc_log(&self, record: &TxRecord, index: usize) -> Log {
        Log {
            inner: record.receipt.logs[index].clone(),
            block_hash: self.block_hash(record),
            block_number: Some(record.receipt.block_number),
            block_timestamp: None,
            transaction_hash: Some(record.receipt.tx_hash),
            transaction_index: Some(record.index),
            log_index: Some(record.first_log_index + index as u64),
            removed: false,
        }
    }

    /// A receipt as `eth_getTransactionReceipt` answers it, with Arbitrum's `gasUsedForL1`
    /// (always 0: the devnode has no L1) and `l1BlockNumber`.
    fn rpc_receipt(&self, record: &TxRecord) -> RpcReceipt {
        let envelope = TxEnvelope::decode_2718(&mut record.raw.as_ref()).ok();
        let mut bloom = Bloom::ZERO;
        for log in &record.receipt.logs {
            bloom.accrue_log(log);
        }
        let receipt = ReceiptWithBloom::new(
            Receipt {
                status: record.receipt.status.into(),
                cumulative_gas_used: record.cumulative_gas_used,
                logs: (0..record.receipt.logs.len())
                    .map(|i| self.rpc_log(record, i))
                    .collect(),
            },
            bloom,
        );
        let inner = match envelope.as_ref().map(TxEnvelope::tx_type) {
            None | Some(TxType::Legacy) => ReceiptEnvelope::Legacy(receipt),
            Some(TxType::Eip2930) => ReceiptEnvelope::Eip2930(receipt),
            Some(TxType::Eip1559) => ReceiptEnvelope::Eip1559(receipt),
            Some(TxType::Eip4844) => ReceiptEnvelope::Eip4844(receipt),
            Some(TxType::Eip7702) => ReceiptEnvelope::Eip7702(receipt),
        };
        WithOtherFields {
            inner: TransactionReceipt {
                inner,
                transaction_hash: record.receipt.tx_hash,
                transaction_index: Some(record.index),
                block_hash: self.block_hash(record),
                block_number: Some(record.receipt.block_number),
                gas_used: record.receipt.gas_used,
                effective_gas_price: record.effective_gas_price,
                blob_gas_used: None,
                blob_gas_price: None,
                from: record.receipt.from,
                to: envelope
                    .as_ref()
                    .and_then(alloy::consensus::Transaction::to),
                contract_address: record.receipt.contract_address,
            },
            other: arbitrum_fields(record.receipt.block_number, Some(0)),
        }
    }

    fn logs(&self, filter: &Filter) -> Result<Vec<Log>, RpcError> {
        let head = self.head().number;
        let resolve = |tag: Option<BlockNumberOrTag>| match tag {
            Some(BlockNumberOrTag::Number(n)) => n,
            Some(BlockNumberOrTag::Earliest) => 0,
            _ => head,
        };
        let blocks: Vec<&BlockRecord> = match filter.block_option {
            FilterBlockOption::AtBlockHash(hash) => {
                let block = self.history().block_by_hash(hash);
                vec![block.ok_or_else(|| RpcError::server(format!("unknown block {hash}")))?]
            }
            FilterBlockOption::Range {
                from_block,
                to_block,
            } => {
                let (from, to) = (resolve(from_block), resolve(to_block));
                if from > to {
                    return Err(RpcError::invalid_params(format!(
                        "invalid block range: fromBlock {from} is after toBlock {to}"
                    )));
                }
                self.history()
                    .blocks()
                    .iter()
                    .filter(|b| b.number >= from && b.number <= to)
                    .collect()
            }
        };
        Ok(self.matching_logs(filter, blocks))
    }

    /// The logs of `blocks` that match `filter`'s addresses and topics.
    fn matching_logs<'a>(
        &'a self,
        filter: &Filter,
        blocks: impl IntoIterator<Item = &'a BlockRecord>,
    ) -> Vec<Log> {
        let mut out = Vec::new();
        for block in blocks {
            for hash in &block.transactions {
                let Some(record) = self.history().transaction(hash) else {
                    continue;
                };
                for (i, log) in record.receipt.logs.iter().enumerate() {
                    let topics = log.data.topics();
                    let topics_match = filter.topics.iter().enumerate().all(|(t, set)| {
                        set.is_empty() || topics.get(t).is_some_and(|topic| set.matches(topic))
                    });
                    if filter.address.matches(&log.address) && topics_match {
                        out.push(self.rpc_log(record, i));
                    }
                }
            }
        }
        out
    }

    // ---- filters ----

    /// Where a new filter starts, and where a polled one moves to: after the head block and
    /// after every transaction accepted so far.
    fn cursor(&self) -> Cursor {
        Cursor {
            next_block: self.head().number + 1,
            next_transaction: self.history().transactions().len() + self.history().pending().len(),
        }
    }

    /// Installs a filter that reports what comes after now.
    fn install_filter(&mut self, kind: FilterKind) -> Result<FilterId, RpcError> {
        if let FilterKind::Logs(filter) = &kind {
            if matches!(filter.block_option, FilterBlockOption::AtBlockHash(_)) {
                return Err(RpcError::invalid_params(
                    "a filter follows new blocks: blockHash is for eth_getLogs",
                ));
            }
        }
        let cursor = self.cursor();
        Ok(self.filters.install(kind, cursor))
    }

    /// `eth_accounts`, as anvil answers it: the dev accounts, then the impersonated ones.
    fn accounts(&self) -> Vec<Address> {
        let mut accounts = self.accounts.clone();
        let mut extra: Vec<Address> = self
            .impersonated
            .iter()
            .filter(|a| !accounts.contains(a))
            .copied()
            .collect();
        extra.sort_unstable();
        accounts.extend(extra);
        accounts
    }

    /// `eth_getFilterChanges`: block hashes, logs or transaction hashes since the last poll.
    fn filter_changes(&mut self, id: FilterId) -> Result<Value, RpcError> {
        let now = self.cursor();
        let (kind, from) = self.filters.poll(id, now)?;
        // A snapshot revert can put the head before a cursor: report from the head on.
        let first = from.next_block.min(now.next_block);
        let blocks = self
            .history()
            .blocks()
            .iter()
            .filter(|b| b.number >= first && b.number < now.next_block);
        match kind {
            FilterKind::Blocks => {
                let hashes: Vec<B256> = blocks.map(|b| b.hash).collect();
                encode(&hashes)
            }
            FilterKind::Logs(filter) => {
                // Numbered bounds of the criteria hold; tags (`latest`, `pending`) do not bound
                // a live filter, as on geth.
                let bound = |tag: Option<BlockNumberOrTag>, default: u64| match tag {
                    Some(BlockNumberOrTag::Number(n)) => n,
                    Some(BlockNumberOrTag::Earliest) => 0,
                    _ => default,
                };
                let (low, high) = match filter.block_option {
                    FilterBlockOption::Range {
                        from_block,
                        to_block,
                    } => (bound(from_block, 0), bound(to_block, u64::MAX)),
                    FilterBlockOption::AtBlockHash(_) => (u64::MAX, 0),
                };
                let blocks = blocks.filter(|b| b.number >= low && b.number <= high);
                encode(self.matching_logs(&filter, blocks))
            }
            FilterKind::PendingTransactions => {
                let history = self.history();
                let first = from.next_transaction.min(now.next_transaction);
                let hashes: Vec<B256> = history
                    .transactions()
                    .iter()
                    .chain(history.pending())
                    .skip(first)
                    .map(|t| t.receipt.tx_hash)
                    .collect();
                encode(&hashes)
            }
        }
    }

    /// `eth_getBlockReceipts`: every receipt of a block, in order (`null` for an unknown block).
    fn block_receipts(&self, block: BlockId) -> Option<Vec<RpcReceipt>> {
        let record = match block {
            BlockId::Number(tag) => self.block_by_number(tag)?,
            BlockId::Hash(hash) => self.history().block_by_hash(hash.block_hash)?,
        };
        Some(
            record
                .transactions
                .iter()
                .filter_map(|hash| self.history().transaction(hash))
                .map(|r| self.rpc_receipt(r))
                .collect(),
        )
    }

    // ---- access lists, signing, tracing ----

    /// `eth_createAccessList` on `node`: runs the call, lists what it touched, and runs it
    /// again with that list until the list no longer grows (as geth does); `gasUsed` is the gas
    /// of the last run, with the list. A failing call still answers, with `error` set.
    fn access_list_on(
        node: &mut Devnode,
        request: &TransactionRequest,
    ) -> Result<AccessListResult, RpcError> {
        let mut tx = Self::call_request(request);
        for _ in 0..16 {
            let (result, touched) = node.call_access_list(tx.clone())?;
            if touched == tx.access_list {
                let error = (!result.success).then(|| {
                    result
                        .halt
                        .clone()
                        .unwrap_or_else(|| RpcError::reverted(&result.output).message)
                });
                let access_list = AccessList(
                    touched
                        .into_iter()
                        .map(|(address, storage_keys)| AccessListItem {
                            address,
                            storage_keys,
                        })
                        .collect(),
                );
                return Ok(AccessListResult {
                    access_list,
                    gas_used: U256::from(result.gas_used),
                    error,
                });
            }
            tx.access_list = touched;
        }
        Err(RpcError::server(
            "the access list did not settle after 16 runs (the call touches different state \
             each time)",
        ))
    }

    /// EIP-191 `personal_sign` of `message` by dev account `address`: the 65-byte signature.
    fn sign_message(&self, address: Address, message: &[u8]) -> Result<Bytes, RpcError> {
        let signature = self
            .signer(address)?
            .sign_message_sync(message)
            .map_err(|e| RpcError::server(format!("signing failed: {e}")))?;
        Ok(Bytes::from(signature.as_bytes().to_vec()))
    }

    /// EIP-712 signature of `data` by dev account `address`.
    fn sign_typed_data(&self, address: Address, data: &TypedData) -> Result<Bytes, RpcError> {
        let hash = data
            .eip712_signing_hash()
            .map_err(|e| RpcError::invalid_params(format!("invalid typed data: {e}")))?;
        let signature = self
            .signer(address)?
            .sign_hash_sync(&hash)
            .map_err(|e| RpcError::server(format!("signing failed: {e}")))?;
        Ok(Bytes::from(signature.as_bytes().to_vec()))
    }

    /// `debug_traceTransaction`: the mined transaction re-executed on the state it ran on.
    fn trace_transaction(
        &mut self,
        hash: B256,
        options: Option<TraceOptions>,
    ) -> Result<CallFrame, RpcError> {
        let config = tracer_config(options.as_ref())?;
        match self.node.trace_transaction(hash, config) {
            Ok((_, frame)) => Ok(frame),
            Err(DevnodeError::Unavailable(why)) => Err(RpcError::server(why)),
            Err(e) => Err(e.into()),
        }
    }

    /// `debug_traceTransaction` with `{"tracer": "gasAnatomy"}`: where the mined transaction's
    /// gas went (see [`crate::anatomy`]).
    fn trace_anatomy(&mut self, hash: B256) -> Result<GasAnatomy, RpcError> {
        match self.node.trace_transaction_anatomy(hash) {
            Ok((_, anatomy)) => Ok(anatomy),
            Err(DevnodeError::Unavailable(why)) => Err(RpcError::server(why)),
            Err(e) => Err(e.into()),
        }
    }

    /// `debug_traceCall`: the call as `eth_call` runs it, traced.
    fn trace_call(
        &mut self,
        request: &TransactionRequest,
        block: Option<BlockId>,
        options: Option<TraceOptions>,
    ) -> Result<CallFrame, RpcError> {
        let config = tracer_config(options.as_ref())?;
        let overrides = options.and_then(|o| o.state_overrides);
        let tx = Self::call_request(request);
        self.read_at(block, |node| {
            Self::with_overrides(node, overrides.as_ref(), |node| {
                Ok(node.trace_call(tx, config)?.1)
            })
        })
    }

    // ---- the method table ----

    /// Runs one request. Returns the result and whether the chain's state changed.
    pub fn dispatch(&mut self, request: Request) -> Result<(Value, Effect), RpcError> {
        match request {
            Request::Eth(request) => self.dispatch_eth(request),
            Request::Control(request) => self.dispatch_control(request),
        }
    }

    fn dispatch_eth(&mut self, request: EthRequest) -> Result<(Value, Effect), RpcError> {
        match request {
            EthRequest::Web3ClientVersion() => read(CLIENT_VERSION),
            EthRequest::NetVersion() => read(self.node.chain_id().to_string()),
            EthRequest::NetListening() => read(true),
            EthRequest::ChainId() => read(U64::from(self.node.chain_id())),
            EthRequest::BlockNumber() => read(U64::from(self.head().number)),
            EthRequest::Syncing() => read(SyncStatus::None),
            EthRequest::Accounts() => read(self.accounts()),
            EthRequest::GasPrice() => read(U64::from(BASE_FEE)),
            EthRequest::MaxPriorityFeePerGas() => read(U64::ZERO),
            EthRequest::FeeHistory(Quantity(count), newest, percentiles) => {
                read(self.fee_history(count, newest, &percentiles.unwrap_or_default()))
            }
            EthRequest::GetBalance(address, block) => {
                read(self.read_at(block, |node| Ok(node.balance(address)))?)
            }
            EthRequest::GetTransactionCount(address, block) => {
                let nonce = self.read_at(block, |node| Ok(node.nonce(address)))?;
                read(U64::from(nonce))
            }
            EthRequest::GetCode(address, block) => {
                read(self.read_at(block, |node| Ok(node.code(address)))?)
            }
            EthRequest::GetStorageAt(address, slot, block) => {
                let value = self.read_at(block, |node| Ok(node.storage(address, slot)))?;
                read(B256::from(value))
            }
            EthRequest::Call(request, block, overrides) => read(self.read_at(block, |node| {
                Self::call_on(node, &request, overrides.as_ref())
            })?),
            EthRequest::EstimateGas(request, block, overrides) => {
                let gas = self.read_at(block, |node| {
                    Self::estimate_on(node, &request, overrides.as_ref())
                })?;
                read(U64::from(gas))
            }
            EthRequest::SendRawTransaction(raw) => {
                let hash = self.send_raw(&raw)?;
                reply(hash, self.mined_or_changed())
            }
            EthRequest::SendTransaction(request) => {
                let hash = self.send_transaction(*request)?;
                reply(hash, self.mined_or_changed())
            }
            EthRequest::GetTransactionByHash(hash) => read(
                self.history()
                    .transaction(&hash)
                    .and_then(|r| self.rpc_transaction(r)),
            ),
            EthRequest::GetTransactionReceipt(hash) => read(
                self.history()
                    .transaction(&hash)
                    .map(|r| self.rpc_receipt(r)),
            ),
            EthRequest::GetBlockByNumber(tag, full) => read(
                self.block_by_number(tag)
                    .map(|b| self.rpc_block(b, full.unwrap_or(false))),
            ),
            EthRequest::GetBlockByHash(hash, full) => read(
                self.history()
                    .block_by_hash(hash)
                    .map(|b| self.rpc_block(b, full.unwrap_or(false))),
            ),
            EthRequest::GetLogs(filter) => read(self.logs(&filter)?),
            EthRequest::GetBlockReceipts(block) => read(self.block_receipts(block)),
            EthRequest::NewFilter(filter) => read(self.install_filter(FilterKind::Logs(filter))?),
            EthRequest::NewBlockFilter() => read(self.install_filter(FilterKind::Blocks)?),
            EthRequest::NewPendingTransactionFilter() => {
                read(self.install_filter(FilterKind::PendingTransactions)?)
            }
            EthRequest::GetFilterChanges(id) => Ok((self.filter_changes(id)?, Effect::None)),
            EthRequest::GetFilterLogs(id) => {
                let filter = self.filters.criteria(id)?;
                read(self.logs(&filter)?)
            }
            EthRequest::UninstallFilter(id) => read(self.filters.uninstall(id)),
            EthRequest::CreateAccessList(request, block) => {
                read(self.read_at(block, |node| Self::access_list_on(node, &request))?)
            }
            EthRequest::Sign(address, message) | EthRequest::PersonalSign(message, address) => {
                read(self.sign_message(address, &message.0)?)
            }
            EthRequest::SignTypedData(address, data) => {
                read(self.sign_typed_data(address, &data.0)?)
            }
            EthRequest::GetProof(..) => Err(get_proof_unsupported()),
            EthRequest::TraceTransaction(hash, options)
                if options.as_ref().and_then(|o| o.tracer.as_deref()) == Some(GAS_ANATOMY) =>
            {
                read(self.trace_anatomy(hash)?)
            }
            EthRequest::TraceTransaction(hash, options) => {
                read(self.trace_transaction(hash, options)?)
            }
            EthRequest::TraceCall(request, block, options) => {
                read(self.trace_call(&request, block, options)?)
            }
        }
    }

    fn mined_or_changed(&self) -> Effect {
        if self.automine {
            Effect::Mined
        } else {
            Effect::Changed
        }
    }

    /// Test controls (anvil / hardhat names; `devnode_*` aliases).
    fn dispatch_control(&mut self, request: ControlRequest) -> Result<(Value, Effect), RpcError> {
        match request {
            ControlRequest::Mine(timestamp) => {
                if let Some(Quantity(timestamp)) = timestamp {
                    self.node.set_next_timestamp(timestamp)?;
                }
                self.mine();
                reply("0x0", Effect::Mined)
            }
            ControlRequest::IncreaseTime(Quantity(seconds)) => {
                let total = self.node.advance_time(seconds);
                reply(U64::from(total), Effect::Changed)
            }
            ControlRequest::SetNextBlockTimestamp(Quantity(timestamp)) => {
                self.node.set_next_timestamp(timestamp)?;
                reply((), Effect::Changed)
            }
            ControlRequest::SetAutomine(on) => {
                self.automine = on;
                reply((), Effect::None)
            }
            ControlRequest::Snapshot() => {
                // The node's snapshot covers its history (blocks, transactions) too.
                let id = self.node.snapshot();
                reply(U64::from(id), Effect::None)
            }
            ControlRequest::Revert(Quantity(id)) => match self.node.revert_to(id) {
                Ok(()) => reply(true, Effect::Changed),
                Err(DevnodeError::UnknownSnapshot(_)) => reply(false, Effect::None),
                Err(e) => Err(e.into()),
            },
            ControlRequest::SetBalance(address, balance) => {
                self.node.set_balance(address, balance);
                reply((), Effect::Changed)
            }
            ControlRequest::SetNonce(address, Quantity(nonce)) => {
                self.node.set_nonce(address, nonce);
                reply((), Effect::Changed)
            }
            ControlRequest::SetCode(address, code) => {
                self.node.set_code(address, code)?;
                reply((), Effect::Changed)
            }
            ControlRequest::SetStorageAt(address, slot, value) => {
                self.node.set_storage(address, slot, value.into());
                reply(true, Effect::Changed)
            }
            ControlRequest::ImpersonateAccount(address) => {
                self.impersonated.insert(address);
                reply((), Effect::None)
            }
            ControlRequest::StopImpersonatingAccount(address) => {
                self.impersonated.remove(&address);
                reply((), Effect::None)
            }
            ControlRequest::AutoImpersonateAccount(on) => {
                self.auto_impersonate = on;
                reply((), Effect::None)
            }
        }
    }

    fn fee_history(&self, count: u64, newest: BlockNumberOrTag, percentiles: &[f64]) -> FeeHistory {
        let count = count.clamp(1, 1024);
        let head = self.head().number;
        let newest = match newest {
            BlockNumberOrTag::Number(n) => n.min(head),
            _ => head,
        };
        let first = self.history().blocks().first().map_or(0, |b| b.number);
        let oldest = newest.saturating_sub(count - 1).max(first);
        let blocks = usize::try_from(newest - oldest + 1).unwrap_or(0);
        FeeHistory {
            base_fee_per_gas: vec![u128::from(BASE_FEE); blocks + 1],
            gas_used_ratio: (oldest..=newest)
                .map(|n| {
                    self.block_by_number(BlockNumberOrTag::Number(n))
                        .map_or(0.0, |b| gas_ratio(b.gas_used))
                })
                .collect(),
            base_fee_per_blob_gas: Vec::new(),
            blob_gas_used_ratio: Vec::new(),
            oldest_block: oldest,
            reward: (!percentiles.is_empty()).then(|| vec![vec![0; percentiles.len()]; blocks]),
        }
    }
}

/// A block as the devnode answers it: alloy's RPC block with Arbitrum's extra fields.
type RpcBlock = WithOtherFields<Block<Option<Transaction>>>;
/// A receipt as the devnode answers it: alloy's RPC receipt with Arbitrum's extra fields.
type RpcReceipt = WithOtherFields<TransactionReceipt<ReceiptEnvelope<Log>>>;

/// Arbitrum's fields on blocks (`l1BlockNumber`) and receipts (also `gasUsedForL1`): the
/// devnode has no L1, so the L1 block is the block's own number and L1 gas is 0.
fn arbitrum_fields(block_number: u64, gas_used_for_l1: Option<u64>) -> OtherFields {
    let mut fields = vec![("l1BlockNumber", Value::String(quantity(block_number)))];
    if let Some(gas) = gas_used_for_l1 {
        fields.push(("gasUsedForL1", Value::String(quantity(gas))));
    }
    fields.into_iter().collect()
}

/// A read's answer: `value` serialised, nothing changed.
fn read(value: impl Serialize) -> Result<(Value, Effect), RpcError> {
    reply(value, Effect::None)
}

/// `eth_getProof`'s answer: the devnode's state has no trie to prove against.
fn get_proof_unsupported() -> RpcError {
    RpcError::new(
        METHOD_NOT_SUPPORTED,
        "eth_getProof is not supported: the devnode keeps accounts and storage in flat maps, not \
         in a Merkle-Patricia trie (its blocks carry a zero stateRoot), so there is no proof to \
         give",
    )
}

fn encode(value: impl Serialize) -> Result<Value, RpcError> {
    serde_json::to_value(value)
        .map_err(|e| RpcError::server(format!("cannot encode the answer: {e}")))
}

/// The tracer of `debug_traceTransaction` that answers the transaction's gas anatomy.
pub const GAS_ANATOMY: &str = "gasAnatomy";

/// The callTracer configuration `options` ask for; other tracers are refused.
fn tracer_config(options: Option<&TraceOptions>) -> Result<CallTracerConfig, RpcError> {
    let tracer = options.and_then(|o| o.tracer.as_deref());
    if tracer != Some("callTracer") {
        return Err(RpcError::new(
            INVALID_PARAMS,
            format!(
                "tracer {} is not supported: the devnode serves geth's callTracer (pass \
                 {{\"tracer\": \"callTracer\"}}) and, for debug_traceTransaction only, \
                 {{\"tracer\": \"gasAnatomy\"}}",
                tracer.map_or_else(
                    || "(default struct logger)".to_owned(),
                    |t| format!("{t:?}")
                )
            ),
        ));
    }
    let config = options.and_then(|o| o.tracer_config).unwrap_or_default();
    if config.with_log {
        return Err(RpcError::invalid_params(
            "callTracer's withLog is not supported by the devnode",
        ));
    }
    Ok(CallTracerConfig {
        only_top_call: config.only_top_call,
    })
}

/// A method's answer: `value` serialised, with what the method did.
fn reply(value: impl Serialize, effect: Effect) -> Result<(Value, Effect), RpcError> {
    serde_json::to_value(value)
        .map(|value| (value, effect))
        .map_err(|e| RpcError::server(format!("cannot encode the answer: {e}")))
}

fn apply_overrides(node: &mut Devnode, overrides: &StateOverride) -> Result<(), RpcError> {
    for (address, account) in overrides {
        if account.state.is_some() && account.state_diff.is_some() {
            return Err(RpcError::invalid_params(format!(
                "account {address} has both state and stateDiff overrides"
            )));
        }
        if let Some(balance) = account.balance {
            node.set_balance(*address, balance);
        }
        if let Some(nonce) = account.nonce {
            node.set_nonce(*address, nonce);
        }
        if let Some(code) = &account.code {
            node.set_code(*address, code.clone())?;
        }
        if let Some(state) = &account.state {
            node.clear_storage(*address);
            for (slot, value) in state {
                node.set_storage(*address, (*slot).into(), (*value).into());
            }
        }
        if let Some(diff) = &account.state_diff {
            for (slot, value) in diff {
                node.set_storage(*address, (*slot).into(), (*value).into());
            }
        }
    }
    Ok(())
}

/// Decodes a signed transaction's sender, for the server log.
pub fn sender_of(raw: &[u8]) -> Option<Address> {
    TxEnvelope::decode_2718(&mut &raw[..])
        .ok()?
        .recover_signer()
        .ok()
}

/// Share of the per-transaction gas limit a block used (for `eth_feeHistory`).
fn gas_ratio(gas_used: u64) -> f64 {
    // Block gas is far below 2^52, so the conversions are exact.
    #[allow(clippy::cast_precision_loss)]
    let ratio = gas_used as f64 / TX_GAS_LIMIT as f64;
    ratio
}
