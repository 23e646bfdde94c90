//! The chain behind the JSON-RPC server: a [`Devnode`] (which keeps the history: blocks with
//! hashes, signed transactions, receipts with log positions, recent states), the unlocked dev
//! accounts, and the JSON-RPC methods themselves.
//!
//! State reads (`eth_getBalance`, `eth_getTransactionCount`, `eth_getCode`,
//! `eth_getStorageAt`, `eth_call`, `eth_estimateGas`) take any block tag, number or hash:
//! `latest`, `pending`, `safe` and `finalized` read the current state; an older block reads the
//! state recorded when it was sealed, for the last [`STATE_HISTORY`] blocks (as a geth full
//! node keeps 128 recent states). An older block than that, or one that does not exist, is
//! refused with a clear error rather than answered from the wrong state.

use std::collections::HashMap;

use alloy::{
    consensus::{SignableTransaction, Transaction as _, TxEip1559, TxEnvelope},
    eips::{
        eip2718::{Decodable2718, Encodable2718},
        BlockId, BlockNumberOrTag,
    },
    network::TxSignerSync,
    primitives::{Address, Bloom, Bytes, TxKind, B256, U256},
    rpc::types::{state::StateOverride, Filter, FilterBlockOption, TransactionRequest},
    signers::local::PrivateKeySigner,
};
use serde_json::{json, Value};

use super::{
    error::RpcError,
    params::quantity,
    request::{ControlRequest, EthRequest, Quantity, Request},
};
use crate::{
    node::{BlockState, BASE_FEE, HEADER_GAS_LIMIT, SEQUENCER_COINBASE, TX_GAS_LIMIT},
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
        }
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
        self.node
            .execute_signed(request, Bytes::copy_from_slice(raw))?;
        if self.automine {
            self.mine();
        }
        Ok(hash)
    }

    /// Signs `request` with the unlocked account it names and sends it.
    pub fn send_transaction(&mut self, request: TransactionRequest) -> Result<B256, RpcError> {
        let from = request
            .from
            .ok_or_else(|| RpcError::invalid_params("missing from"))?;
        let signer = self
            .signers
            .get(&from)
            .cloned()
            .ok_or_else(|| RpcError::server(format!("unknown account {from}: not unlocked")))?;
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
        let signature = signer
            .sign_transaction_sync(&mut tx)
            .map_err(|e| RpcError::server(format!("signing failed: {e}")))?;
        let envelope = TxEnvelope::Eip1559(tx.into_signed(signature));
        self.send_raw(&envelope.encoded_2718())
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

    fn block_json(&self, block: &BlockRecord, full: bool) -> Value {
        let transactions: Vec<Value> = block
            .transactions
            .iter()
            .map(|h| {
                if full {
                    self.history()
                        .transaction(h)
                        .map_or(Value::Null, |r| self.tx_json(h, r))
                } else {
                    json!(h)
                }
            })
            .collect();
        json!({
            "number": quantity(block.number),
            "hash": block.hash,
            "parentHash": block.parent_hash,
            "nonce": "0x0000000000000000",
            "sha3Uncles": alloy::consensus::EMPTY_OMMER_ROOT_HASH,
            "logsBloom": block.logs_bloom,
            "transactionsRoot": block.transactions_root,
            "stateRoot": B256::ZERO,
            "receiptsRoot": B256::ZERO,
            "miner": SEQUENCER_COINBASE,
            "difficulty": "0x1",
            "totalDifficulty": quantity(block.number + 1),
            "extraData": "0x",
            "size": quantity(1000 + 200 * block.transactions.len() as u64),
            "gasLimit": quantity(HEADER_GAS_LIMIT),
            "gasUsed": quantity(block.gas_used),
            "timestamp": quantity(block.timestamp),
            "transactions": transactions,
            "uncles": [],
            "baseFeePerGas": quantity(BASE_FEE),
            "mixHash": B256::with_last_byte(1),
            "l1BlockNumber": quantity(block.number),
        })
    }

    fn tx_json(&self, hash: &B256, record: &TxRecord) -> Value {
        let Ok(envelope) = TxEnvelope::decode_2718(&mut record.raw.as_ref()) else {
            return Value::Null;
        };
        let block_hash = self
            .block_by_number(BlockNumberOrTag::Number(record.receipt.block_number))
            .map(|b| b.hash);
        let tx = alloy::rpc::types::Transaction {
            inner: envelope,
            block_hash,
            block_number: Some(record.receipt.block_number),
            transaction_index: Some(record.index),
            effective_gas_price: Some(record.effective_gas_price),
            from: record.receipt.from,
        };
        let mut value = serde_json::to_value(&tx).unwrap_or(Value::Null);
        if let Some(object) = value.as_object_mut() {
            object.insert("hash".into(), json!(hash));
        }
        value
    }

    fn log_json(&self, hash: &B256, record: &TxRecord, index: usize) -> Value {
        let log = &record.receipt.logs[index];
        let block_hash = self
            .block_by_number(BlockNumberOrTag::Number(record.receipt.block_number))
            .map(|b| b.hash);
        json!({
            "address": log.address,
            "topics": log.data.topics(),
            "data": log.data.data,
            "blockNumber": quantity(record.receipt.block_number),
            "blockHash": block_hash,
            "transactionHash": hash,
            "transactionIndex": quantity(record.index),
            "logIndex": quantity(record.first_log_index + index as u64),
            "removed": false,
        })
    }

    fn receipt_json(&self, hash: &B256, record: &TxRecord) -> Value {
        let envelope = TxEnvelope::decode_2718(&mut record.raw.as_ref()).ok();
        let block_hash = self
            .block_by_number(BlockNumberOrTag::Number(record.receipt.block_number))
            .map(|b| b.hash);
        let mut bloom = Bloom::ZERO;
        for log in &record.receipt.logs {
            bloom.accrue_log(log);
        }
        let logs: Vec<Value> = (0..record.receipt.logs.len())
            .map(|i| self.log_json(hash, record, i))
            .collect();
        json!({
            "transactionHash": hash,
            "transactionIndex": quantity(record.index),
            "blockHash": block_hash,
            "blockNumber": quantity(record.receipt.block_number),
            "from": record.receipt.from,
            "to": envelope.as_ref().and_then(alloy::consensus::Transaction::to),
            "cumulativeGasUsed": quantity(record.cumulative_gas_used),
            "gasUsed": quantity(record.receipt.gas_used),
            "effectiveGasPrice": format!("0x{:x}", record.effective_gas_price),
            "contractAddress": record.receipt.contract_address,
            "logs": logs,
            "logsBloom": bloom,
            "type": quantity(envelope.map_or(0, |e| u64::from(u8::from(e.tx_type())))),
            "status": if record.receipt.status { "0x1" } else { "0x0" },
            "gasUsedForL1": "0x0",
            "l1BlockNumber": quantity(record.receipt.block_number),
        })
    }

    fn logs(&self, filter: &Filter) -> Result<Vec<Value>, RpcError> {
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
                        out.push(self.log_json(hash, record, i));
                    }
                }
            }
        }
        Ok(out)
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
        let read = |v: Value| Ok((v, Effect::None));
        match request {
            EthRequest::Web3ClientVersion() => read(json!(CLIENT_VERSION)),
            EthRequest::NetVersion() => read(json!(self.node.chain_id().to_string())),
            EthRequest::NetListening() => read(json!(true)),
            EthRequest::ChainId() => read(json!(quantity(self.node.chain_id()))),
            EthRequest::BlockNumber() => read(json!(quantity(self.head().number))),
            EthRequest::Syncing() => read(json!(false)),
            EthRequest::Accounts() => read(json!(self.accounts)),
            EthRequest::GasPrice() => read(json!(quantity(BASE_FEE))),
            EthRequest::MaxPriorityFeePerGas() => read(json!("0x0")),
            EthRequest::FeeHistory(Quantity(count), newest, percentiles) => {
                read(self.fee_history(count, newest, &percentiles.unwrap_or_default()))
            }
            EthRequest::GetBalance(address, block) => {
                let balance = self.read_at(block, |node| Ok(node.balance(address)))?;
                read(json!(balance))
            }
            EthRequest::GetTransactionCount(address, block) => {
                let nonce = self.read_at(block, |node| Ok(node.nonce(address)))?;
                read(json!(quantity(nonce)))
            }
            EthRequest::GetCode(address, block) => {
                let code = self.read_at(block, |node| Ok(node.code(address)))?;
                read(json!(code))
            }
            EthRequest::GetStorageAt(address, slot, block) => {
                let value = self.read_at(block, |node| Ok(node.storage(address, slot)))?;
                read(json!(B256::from(value)))
            }
            EthRequest::Call(request, block, overrides) => {
                let output = self.read_at(block, |node| {
                    Self::call_on(node, &request, overrides.as_ref())
                })?;
                read(json!(output))
            }
            EthRequest::EstimateGas(request, block, overrides) => {
                let gas = self.read_at(block, |node| {
                    Self::estimate_on(node, &request, overrides.as_ref())
                })?;
                read(json!(quantity(gas)))
            }
            EthRequest::SendRawTransaction(raw) => {
                let hash = self.send_raw(&raw)?;
                Ok((json!(hash), self.mined_or_changed()))
            }
            EthRequest::SendTransaction(request) => {
                let hash = self.send_transaction(*request)?;
                Ok((json!(hash), self.mined_or_changed()))
            }
            EthRequest::GetTransactionByHash(hash) => read(
                self.history()
                    .transaction(&hash)
                    .map_or(Value::Null, |r| self.tx_json(&hash, r)),
            ),
            EthRequest::GetTransactionReceipt(hash) => read(
                self.history()
                    .transaction(&hash)
                    .map_or(Value::Null, |r| self.receipt_json(&hash, r)),
            ),
            EthRequest::GetBlockByNumber(tag, full) => read(
                self.block_by_number(tag)
                    .map_or(Value::Null, |b| self.block_json(b, full.unwrap_or(false))),
            ),
            EthRequest::GetBlockByHash(hash, full) => read(
                self.history()
                    .block_by_hash(hash)
                    .map_or(Value::Null, |b| self.block_json(b, full.unwrap_or(false))),
            ),
            EthRequest::GetLogs(filter) => read(json!(self.logs(&filter)?)),
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
                Ok((json!("0x0"), Effect::Mined))
            }
            ControlRequest::IncreaseTime(Quantity(seconds)) => {
                let total = self.node.advance_time(seconds);
                Ok((json!(quantity(total)), Effect::Changed))
            }
            ControlRequest::SetNextBlockTimestamp(Quantity(timestamp)) => {
                self.node.set_next_timestamp(timestamp)?;
                Ok((Value::Null, Effect::Changed))
            }
            ControlRequest::SetAutomine(on) => {
                self.automine = on;
                Ok((Value::Null, Effect::None))
            }
            ControlRequest::Snapshot() => {
                // The node's snapshot covers its history (blocks, transactions) too.
                let id = self.node.snapshot();
                Ok((json!(quantity(id)), Effect::None))
            }
            ControlRequest::Revert(Quantity(id)) => match self.node.revert_to(id) {
                Ok(()) => Ok((json!(true), Effect::Changed)),
                Err(DevnodeError::UnknownSnapshot(_)) => Ok((json!(false), Effect::None)),
                Err(e) => Err(e.into()),
            },
            ControlRequest::SetBalance(address, balance) => {
                self.node.set_balance(address, balance);
                Ok((Value::Null, Effect::Changed))
            }
            ControlRequest::SetNonce(address, Quantity(nonce)) => {
                self.node.set_nonce(address, nonce);
                Ok((Value::Null, Effect::Changed))
            }
            ControlRequest::SetCode(address, code) => {
                self.node.set_code(address, code)?;
                Ok((Value::Null, Effect::Changed))
            }
            ControlRequest::SetStorageAt(address, slot, value) => {
                self.node.set_storage(address, slot, value.into());
                Ok((json!(true), Effect::Changed))
            }
        }
    }

    fn fee_history(&self, count: u64, newest: BlockNumberOrTag, percentiles: &[f64]) -> Value {
        let count = count.clamp(1, 1024);
        let head = self.head().number;
        let newest = match newest {
            BlockNumberOrTag::Number(n) => n.min(head),
            _ => head,
        };
        let first = self.history().blocks().first().map_or(0, |b| b.number);
        let oldest = newest.saturating_sub(count - 1).max(first);
        let blocks = newest - oldest + 1;
        let base_fees: Vec<String> = (0..=blocks).map(|_| quantity(BASE_FEE)).collect();
        let ratios: Vec<f64> = (oldest..=newest)
            .map(|n| {
                self.block_by_number(BlockNumberOrTag::Number(n))
                    .map_or(0.0, |b| gas_ratio(b.gas_used))
            })
            .collect();
        let mut history = json!({
            "oldestBlock": quantity(oldest),
            "baseFeePerGas": base_fees,
            "gasUsedRatio": ratios,
        });
        if !percentiles.is_empty() {
            let rewards: Vec<Vec<&str>> = (0..blocks)
                .map(|_| percentiles.iter().map(|_| "0x0").collect())
                .collect();
            history["reward"] = json!(rewards);
        }
        history
    }
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
