//! The in-process chain: accounts, blocks, transactions, receipts, logs and snapshots.

use std::{collections::BTreeMap, sync::Arc};

use alloy::{
    consensus::{Transaction as _, TxEnvelope},
    eips::eip2718::Decodable2718,
};
use alloy_sol_types::SolCall;
use revm::{
    db::{AccountState, DbAccount},
    primitives::{
        keccak256, AccountInfo, Address, Bytecode, Bytes, EVMError, EvmState, ExecutionResult,
        InvalidTransaction, Log, Output, SpecId, TxKind, B256, U256,
    },
    Evm,
};

pub use crate::history::{
    BlockRecord, BlockState, ChainLog, History, Receipt, TxRecord, BASE_FEE, HEADER_GAS_LIMIT,
    SEQUENCER_COINBASE,
};
use crate::{
    anatomy::{GasAnatomy, Recorder},
    arbwasm::{self, ArbWasm},
    context::{Db, StylusExt},
    error::DevnodeError,
    exec::Executor,
    history::Mark,
    program::Runtime,
    trace::{CallFrame, CallTracer, CallTracerConfig},
    wasm,
};

/// Chain id of Arbitrum's dev chain (nitro-devnode).
pub const DEV_CHAIN_ID: u64 = 412_346;
/// Per-transaction gas limit this devnode accepts (Arbitrum's 32 M).
pub const TX_GAS_LIMIT: u64 = 32_000_000;
/// Gas limit of a [`TxRequest`] that does not set one.
pub const DEFAULT_GAS_LIMIT: u64 = 30_000_000;
/// Timestamp of the genesis block.
pub const GENESIS_TIMESTAMP: u64 = 1_700_000_000;
/// Selector of `stylus_constructor()` (docs/nitro.md §6.3).
pub const STYLUS_CONSTRUCTOR: [u8; 4] = [0x55, 0x85, 0x25, 0x8d];

/// An EIP-2930 access list: accounts with the storage slots warm from the start.
pub type AccessListEntries = Vec<(Address, Vec<B256>)>;

/// A transaction to execute.
#[derive(Debug, Clone, Default)]
pub struct TxRequest {
    /// Sender (not signed: the in-process API trusts the caller).
    pub from: Address,
    /// Recipient; `None` creates a contract from `data`.
    pub to: Option<Address>,
    /// Wei sent.
    pub value: U256,
    /// Calldata or initcode.
    pub data: Bytes,
    /// Gas limit; `None` means 30,000,000.
    pub gas_limit: Option<u64>,
    /// Nonce; `None` uses the account's current nonce.
    pub nonce: Option<u64>,
    /// Gas price; `None` means the base fee.
    pub gas_price: Option<U256>,
    /// EIP-2930 access list: addresses and slots warm from the start.
    pub access_list: AccessListEntries,
    /// Hash to record the transaction under (the signed transaction's hash when it came over
    /// JSON-RPC); `None` derives a pseudo hash from sender, nonce and block number.
    pub hash: Option<B256>,
}

impl TxRequest {
    /// A call of `to` with `data`.
    pub fn call(from: Address, to: Address, data: impl Into<Bytes>) -> Self {
        Self {
            from,
            to: Some(to),
            data: data.into(),
            ..Self::default()
        }
    }

    /// A contract creation from `initcode`.
    pub fn create(from: Address, initcode: impl Into<Bytes>) -> Self {
        Self {
            from,
            data: initcode.into(),
            ..Self::default()
        }
    }

    /// Sets the value.
    #[must_use]
    pub fn value(mut self, value: U256) -> Self {
        self.value = value;
        self
    }

    /// Sets the gas limit.
    #[must_use]
    pub fn gas(mut self, gas: u64) -> Self {
        self.gas_limit = Some(gas);
        self
    }

    /// Sets the nonce.
    #[must_use]
    pub fn nonce(mut self, nonce: u64) -> Self {
        self.nonce = Some(nonce);
        self
    }
}

/// One account of a [`StateDump`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDump {
    /// The account.
    pub address: Address,
    /// Balance in wei.
    pub balance: U256,
    /// Nonce.
    pub nonce: u64,
    /// Code (EVM bytecode or Stylus prefix + brotli).
    pub code: Bytes,
    /// Non-default storage slots, sorted by slot.
    pub storage: Vec<(U256, U256)>,
}

/// A chain's whole state: what [`Devnode::dump_state`] exports and [`Devnode::load_state`]
/// restores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateDump {
    /// Chain id.
    pub chain_id: u64,
    /// Number of the last mined block.
    pub number: u64,
    /// Timestamp of the last mined block.
    pub timestamp: u64,
    /// Clock offset from time travel.
    pub time_offset: u64,
    /// Accounts, sorted by address.
    pub accounts: Vec<AccountDump>,
}

/// The result of a read-only call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallResult {
    /// `true` on success.
    pub success: bool,
    /// Return or revert data.
    pub output: Bytes,
    /// Gas used.
    pub gas_used: u64,
    /// Logs the call would emit.
    pub logs: Vec<Log>,
    /// Halt reason, if it halted.
    pub halt: Option<String>,
}

#[derive(Clone)]
struct Snapshot {
    db: Db,
    number: u64,
    timestamp: u64,
    history: Mark,
    time_offset: u64,
    dirty: bool,
}

/// Precompiles a transaction may call without listing them in its access list: Cancun's
/// (`0x01`–`0x0a`) and Nitro's ArbWasm and ArbWasmCache.
fn is_precompile(address: Address) -> bool {
    let bytes = address.as_slice();
    bytes[..19].iter().all(|b| *b == 0) && matches!(bytes[19], 0x01..=0x0a | 0x71 | 0x72)
}

/// An in-process Arbitrum Stylus chain (see the crate docs).
pub struct Devnode {
    evm: Evm<'static, StylusExt, Db>,
    runtime: Arc<Runtime>,
    number: u64,
    timestamp: u64,
    time_offset: u64,
    next_override: Option<u64>,
    /// The pending block's timestamp, fixed when its first transaction ran (so the block is
    /// sealed with the time its transactions saw); `None` while it holds no transaction.
    pending_timestamp: Option<u64>,
    wall_clock: bool,
    history: History,
    snapshots: BTreeMap<u64, Snapshot>,
    next_snapshot: u64,
    /// The state was changed outside transactions (test controls, overrides, a revert) since
    /// the last state the history can rebuild: the sealed block's, or the one after the last
    /// transaction. The next transaction then records the state it starts from, so that it
    /// can be re-executed exactly (`debug_traceTransaction`).
    dirty: bool,
}

impl std::fmt::Debug for Devnode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Devnode")
            .field("number", &self.number)
            .field("timestamp", &self.timestamp)
            .finish_non_exhaustive()
    }
}

impl Default for Devnode {
    fn default() -> Self {
        Self::new()
    }
}

impl Devnode {
    /// A fresh chain at block 0 with the precompile accounts installed.
    pub fn new() -> Self {
        Self::with_runtime(Arc::new(Runtime::new()))
    }

    /// A fresh chain sharing a WASM runtime (and its compiled-module cache) with others.
    pub fn with_runtime(runtime: Arc<Runtime>) -> Self {
        let mut db = Db::default();
        // Nitro's precompile accounts carry code 0xFE so they are never "empty" (EIP-161) and
        // pass Solidity's extcodesize checks.
        for precompile in [arbwasm::ARBWASM, arbwasm::ARBWASM_CACHE] {
            db.insert_account_info(
                precompile,
                AccountInfo {
                    code: Some(Bytecode::new_raw(Bytes::from_static(&[0xFE]))),
                    ..AccountInfo::default()
                },
            );
        }
        let executor = Executor::new(Arc::clone(&runtime));
        let evm = Evm::builder()
            .with_db(db)
            .with_external_context(StylusExt::default())
            .with_spec_id(SpecId::CANCUN)
            .append_handler_register_box(executor.handler_register())
            .modify_cfg_env(|cfg| {
                cfg.chain_id = DEV_CHAIN_ID;
            })
            .modify_block_env(|block| {
                block.coinbase = SEQUENCER_COINBASE;
                block.basefee = U256::from(BASE_FEE);
                block.gas_limit = U256::from(HEADER_GAS_LIMIT);
                block.difficulty = U256::from(1);
                block.prevrandao = Some(B256::with_last_byte(1));
            })
            .build();
        let mut node = Self {
            evm,
            runtime,
            number: 0,
            timestamp: GENESIS_TIMESTAMP,
            time_offset: 0,
            next_override: None,
            pending_timestamp: None,
            wall_clock: false,
            history: History::starting_at(0, GENESIS_TIMESTAMP),
            snapshots: BTreeMap::new(),
            next_snapshot: 1,
            dirty: false,
        };
        node.sync_block_env();
        node
    }

    /// The shared WASM runtime.
    pub fn runtime(&self) -> &Arc<Runtime> {
        &self.runtime
    }

    // ---- blocks and time ----

    /// Number of the last mined block.
    pub fn block_number(&self) -> u64 {
        self.number
    }

    /// Timestamp of the last mined block.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// Timestamp the next block will have.
    ///
    /// By default the chain keeps its own deterministic clock (each block one second after the
    /// previous); with [`Self::use_wall_clock`] it follows the system clock instead, never going
    /// backwards. [`Self::advance_time`] and [`Self::set_next_timestamp`] apply in both modes.
    pub fn next_timestamp(&self) -> u64 {
        if let Some(timestamp) = self.next_override {
            return timestamp;
        }
        if self.wall_clock {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            now.saturating_add(self.time_offset).max(self.timestamp)
        } else {
            self.timestamp + 1 + self.time_offset
        }
    }

    /// Makes block timestamps follow the system clock (plus any [`Self::advance_time`] offset),
    /// as a JSON-RPC chain does; blocks mined within one second share a timestamp.
    pub fn use_wall_clock(&mut self) {
        self.wall_clock = true;
        self.time_offset = 0;
        self.sync_block_env();
    }

    /// Moves the clock forward: the next block is `seconds` later than it would have been (on
    /// the wall clock, every later block too). Returns the total offset now applied.
    pub fn advance_time(&mut self, seconds: u64) -> u64 {
        self.time_offset = self.time_offset.saturating_add(seconds);
        self.sync_block_env();
        self.time_offset
    }

    /// Sets the next block's timestamp exactly. It may not be earlier than the last block's.
    pub fn set_next_timestamp(&mut self, timestamp: u64) -> Result<(), DevnodeError> {
        if timestamp < self.timestamp {
            return Err(DevnodeError::TimestampInPast {
                timestamp,
                last: self.timestamp,
            });
        }
        self.next_override = Some(timestamp);
        self.sync_block_env();
        Ok(())
    }

    /// Mines an empty block (or seals the pending block after [`Self::execute`]).
    pub fn mine(&mut self) {
        self.seal_block();
    }

    fn seal_block(&mut self) {
        self.number += 1;
        self.timestamp = match self.pending_timestamp.take() {
            Some(timestamp) => timestamp,
            None => self.take_next_timestamp(),
        };
        let db = self.evm.db();
        self.history
            .seal(self.number, self.timestamp, || db.clone());
        // The sealed state is recorded (when states are kept): what follows starts from it.
        self.dirty = false;
        self.sync_block_env();
    }

    /// Chain id the node runs with.
    pub fn chain_id(&self) -> u64 {
        self.evm.context.evm.env.cfg.chain_id
    }

    /// Changes the chain id (before any transaction is signed for it).
    pub fn set_chain_id(&mut self, chain_id: u64) {
        self.evm.context.evm.env.cfg.chain_id = chain_id;
    }

    /// [`Self::next_timestamp`], consuming what set it: an exact override, and (off the wall
    /// clock) the offset added by [`Self::advance_time`].
    fn take_next_timestamp(&mut self) -> u64 {
        let timestamp = self.next_timestamp();
        self.next_override = None;
        if !self.wall_clock {
            self.time_offset = 0;
        }
        timestamp
    }

    /// Fixes the pending block's timestamp at its first transaction: on the wall clock the
    /// time moves between blocks, and a block must carry the time its transactions saw.
    fn fix_pending_timestamp(&mut self) {
        if self.pending_timestamp.is_none() {
            let timestamp = self.take_next_timestamp();
            self.pending_timestamp = Some(timestamp);
            self.evm.context.evm.env.block.timestamp = U256::from(timestamp);
        }
    }

    /// Points a call at the pending block's time: its fixed time once it holds a transaction,
    /// else the time it would get now.
    fn refresh_call_timestamp(&mut self) {
        let timestamp = self
            .pending_timestamp
            .unwrap_or_else(|| self.next_timestamp());
        self.evm.context.evm.env.block.timestamp = U256::from(timestamp);
    }

    fn sync_block_env(&mut self) {
        let timestamp = self.next_timestamp();
        let block = &mut self.evm.context.evm.env.block;
        block.number = U256::from(self.number + 1);
        block.timestamp = U256::from(timestamp);
    }

    // ---- state ----

    fn account(&self, address: Address) -> Option<&DbAccount> {
        self.evm.db().accounts.get(&address)
    }

    /// Balance of `address`.
    pub fn balance(&self, address: Address) -> U256 {
        self.account(address).map_or(U256::ZERO, |a| a.info.balance)
    }

    /// Nonce of `address`.
    pub fn nonce(&self, address: Address) -> u64 {
        self.account(address).map_or(0, |a| a.info.nonce)
    }

    /// Code of `address` (original bytes).
    pub fn code(&self, address: Address) -> Bytes {
        let Some(account) = self.account(address) else {
            return Bytes::new();
        };
        if let Some(code) = &account.info.code {
            return code.original_bytes();
        }
        self.evm
            .db()
            .contracts
            .get(&account.info.code_hash)
            .map(Bytecode::original_bytes)
            .unwrap_or_default()
    }

    /// Storage slot `slot` of `address`.
    pub fn storage(&self, address: Address, slot: U256) -> U256 {
        self.account(address)
            .and_then(|a| a.storage.get(&slot).copied())
            .unwrap_or_default()
    }

    fn account_mut(&mut self, address: Address) -> &mut DbAccount {
        self.dirty = true;
        let db = self.evm.db_mut();
        let account = db.accounts.entry(address).or_default();
        if matches!(account.account_state, AccountState::NotExisting) {
            account.account_state = AccountState::Touched;
        }
        account
    }

    /// Sets the balance of `address`.
    pub fn set_balance(&mut self, address: Address, balance: U256) {
        self.account_mut(address).info.balance = balance;
    }

    /// Sets the nonce of `address`.
    pub fn set_nonce(&mut self, address: Address, nonce: u64) {
        self.account_mut(address).info.nonce = nonce;
    }

    /// Sets storage slot `slot` of `address`.
    pub fn set_storage(&mut self, address: Address, slot: U256, value: U256) {
        self.account_mut(address).storage.insert(slot, value);
    }

    /// Clears every storage slot of `address` (state overrides that replace all storage).
    pub fn clear_storage(&mut self, address: Address) {
        self.account_mut(address).storage.clear();
    }

    /// Installs `code` at `address` directly (no constructor). Stylus code still needs
    /// activation.
    pub fn set_code(
        &mut self,
        address: Address,
        code: impl Into<Bytes>,
    ) -> Result<(), DevnodeError> {
        let code: Bytes = code.into();
        if code.len() > crate::pricing::MAX_CODE_SIZE {
            return Err(DevnodeError::CodeTooLarge { size: code.len() });
        }
        let bytecode = revm::interpreter::analysis::to_analysed(Bytecode::new_raw(code));
        let hash = bytecode.hash_slow();
        self.dirty = true;
        let db = self.evm.db_mut();
        db.contracts.insert(hash, bytecode.clone());
        let account = db.accounts.entry(address).or_default();
        account.info.code_hash = hash;
        account.info.code = Some(bytecode);
        if matches!(account.account_state, AccountState::NotExisting) {
            account.account_state = AccountState::Touched;
        }
        Ok(())
    }

    // ---- whole-state export and import (the JSON-RPC server's state file) ----

    /// Every account with its balance, nonce, code and storage, and the chain head; sorted so
    /// the same state always dumps the same way.
    pub fn dump_state(&self) -> StateDump {
        let mut accounts: Vec<AccountDump> = self
            .evm
            .db()
            .accounts
            .iter()
            .filter(|(_, a)| !matches!(a.account_state, AccountState::NotExisting))
            .map(|(address, account)| {
                let mut storage: Vec<(U256, U256)> =
                    account.storage.iter().map(|(k, v)| (*k, *v)).collect();
                storage.sort_unstable();
                AccountDump {
                    address: *address,
                    balance: account.info.balance,
                    nonce: account.info.nonce,
                    code: self.code(*address),
                    storage,
                }
            })
            .collect();
        accounts.sort_unstable_by_key(|a| a.address);
        StateDump {
            chain_id: self.chain_id(),
            number: self.number,
            timestamp: self.timestamp,
            time_offset: self.time_offset,
            accounts,
        }
    }

    /// Replaces this node's state with `dump` (accounts, head and chain id). Receipts and logs
    /// of the in-process API start empty; programs recompile on first call.
    pub fn load_state(&mut self, dump: &StateDump) -> Result<(), DevnodeError> {
        *self.evm.db_mut() = Db::default();
        for account in &dump.accounts {
            self.set_balance(account.address, account.balance);
            self.set_nonce(account.address, account.nonce);
            if !account.code.is_empty() {
                self.set_code(account.address, account.code.clone())?;
            }
            for (slot, value) in &account.storage {
                self.set_storage(account.address, *slot, *value);
            }
        }
        self.set_chain_id(dump.chain_id);
        self.number = dump.number;
        self.timestamp = dump.timestamp;
        self.time_offset = dump.time_offset;
        self.next_override = None;
        self.pending_timestamp = None;
        self.history = History::starting_at(dump.number, dump.timestamp);
        self.snapshots.clear();
        self.dirty = true;
        self.sync_block_env();
        Ok(())
    }

    // ---- transactions ----

    /// Executes `tx` in a new block and returns its receipt. A revert or halt is a receipt
    /// with `status == false`; only transactions that cannot be included are errors.
    pub fn send(&mut self, tx: TxRequest) -> Result<Receipt, DevnodeError> {
        let receipt = self.execute(tx)?;
        self.seal_block();
        Ok(receipt)
    }

    /// Executes `tx` in the pending block (number [`Self::block_number`] + 1) without sealing
    /// it, so several transactions can share a block; [`Self::mine`] seals it.
    pub fn execute(&mut self, tx: TxRequest) -> Result<Receipt, DevnodeError> {
        self.execute_signed(tx, Bytes::new())
    }

    /// [`Self::execute`] for a transaction that came signed: `raw` (its EIP-2718 encoding) is
    /// kept in the history with the receipt.
    pub fn execute_signed(&mut self, tx: TxRequest, raw: Bytes) -> Result<Receipt, DevnodeError> {
        self.execute_with(tx, raw, false)
    }

    /// [`Self::execute_signed`] for a transaction whose sender did not sign it (an impersonated
    /// account, `anvil_impersonateAccount`): the sender may be a contract (EIP-3607 is not
    /// applied), as on anvil.
    pub fn execute_impersonated(
        &mut self,
        tx: TxRequest,
        raw: Bytes,
    ) -> Result<Receipt, DevnodeError> {
        self.execute_with(tx, raw, true)
    }

    fn execute_with(
        &mut self,
        tx: TxRequest,
        raw: Bytes,
        sender_may_have_code: bool,
    ) -> Result<Receipt, DevnodeError> {
        let nonce = tx.nonce.unwrap_or_else(|| self.nonce(tx.from));
        self.prepare(&tx, Some(nonce))?;
        if self.dirty && self.history.states_kept() > 0 {
            let index = self.history.pending().len() as u64;
            self.history
                .record_pre_state(self.number + 1, index, self.evm.db().clone());
        }
        let clock = (self.pending_timestamp, self.next_override, self.time_offset);
        self.fix_pending_timestamp();
        self.evm.context.evm.env.cfg.disable_eip3607 = sender_may_have_code;
        let result = self.evm.transact_commit();
        self.evm.context.evm.env.cfg.disable_eip3607 = false;
        let result = match result {
            Ok(result) => result,
            Err(e) => {
                // Not included: the pending block's clock is as it was.
                (self.pending_timestamp, self.next_override, self.time_offset) = clock;
                return Err(map_error(e, &tx));
            }
        };
        let halt_note = self.evm.context.external.last_failure.take();
        let block_number = self.number + 1;
        let tx_hash = tx.hash.unwrap_or_else(|| {
            let mut hash_input = tx.from.to_vec();
            hash_input.extend_from_slice(&nonce.to_be_bytes());
            hash_input.extend_from_slice(&block_number.to_be_bytes());
            keccak256(hash_input)
        });
        let receipt = receipt(result, &tx, tx_hash, block_number, halt_note);
        let gas_price = tx.gas_price.unwrap_or(U256::from(BASE_FEE)).saturating_to();
        self.history.push_pending(receipt.clone(), raw, gas_price);
        // The state after a transaction is rebuilt by re-executing it.
        self.dirty = false;
        Ok(receipt)
    }

    /// Runs `tx` against the pending block without committing anything (`eth_call`). Nonce
    /// is not checked, gas is free and the sender may be a contract, as geth's `eth_call`.
    pub fn call(&mut self, tx: TxRequest) -> Result<CallResult, DevnodeError> {
        self.call_with(tx, None).map(|(result, _, _)| result)
    }

    /// [`Self::call`] with geth's callTracer attached: the result and the top call frame.
    pub fn trace_call(
        &mut self,
        tx: TxRequest,
        config: CallTracerConfig,
    ) -> Result<(CallResult, CallFrame), DevnodeError> {
        let (result, _, frame) = self.call_with(tx, Some(CallTracer::new(config)))?;
        let frame = frame.ok_or_else(|| {
            DevnodeError::InvalidTransaction("the call opened no frame to trace".into())
        })?;
        Ok((result, frame))
    }

    /// [`Self::call`], also returning the access list geth's `eth_createAccessList` builds: every
    /// account the call loaded with the storage slots it read or wrote, sorted by address and
    /// slot. As geth's tracer does, it leaves out the sender, the recipient (or created
    /// contract) and contracts created by the call unless their storage was touched, and the
    /// precompiles. ArbWasm's program records are ArbOS state on Nitro, not storage a tracer
    /// sees, so the precompiles are left out with their slots; so is the sequencer's coinbase,
    /// which revm loads to pay the fee (geth lists it only when the code reads it).
    pub fn call_access_list(
        &mut self,
        tx: TxRequest,
    ) -> Result<(CallResult, AccessListEntries), DevnodeError> {
        let from = tx.from;
        let to = tx.to.unwrap_or_else(|| from.create(self.nonce(from)));
        let (result, state, _) = self.call_with(tx, None)?;
        let mut list: AccessListEntries = state
            .into_iter()
            .filter(|(address, _)| !is_precompile(*address) && *address != SEQUENCER_COINBASE)
            .filter_map(|(address, account)| {
                let mut slots: Vec<B256> = account.storage.keys().map(|k| B256::from(*k)).collect();
                slots.sort_unstable();
                let excluded = address == from || address == to || account.is_created();
                (!excluded || !slots.is_empty()).then_some((address, slots))
            })
            .collect();
        list.sort_unstable_by_key(|(address, _)| *address);
        Ok((result, list))
    }

    fn call_with(
        &mut self,
        tx: TxRequest,
        tracer: Option<CallTracer>,
    ) -> Result<(CallResult, EvmState, Option<CallFrame>), DevnodeError> {
        let mut tx = tx;
        tx.gas_price = Some(U256::ZERO);
        self.prepare(&tx, None)?;
        self.refresh_call_timestamp();
        let gas_limit = self.evm.context.evm.env.tx.gas_limit;
        let basefee = std::mem::replace(&mut self.evm.context.evm.env.block.basefee, U256::ZERO);
        self.evm.context.evm.env.cfg.disable_eip3607 = true;
        self.evm.context.external.tracer = tracer;
        let result = self.evm.transact();
        self.evm.context.evm.env.cfg.disable_eip3607 = false;
        self.evm.context.evm.env.block.basefee = basefee;
        let tracer = self.evm.context.external.tracer.take();
        let outcome = result.map_err(|e| map_error(e, &tx))?;
        let halt_note = self.evm.context.external.last_failure.take();
        let receipt = receipt(outcome.result, &tx, B256::ZERO, self.number + 1, halt_note);
        let frame = tracer.and_then(|t| t.finish(gas_limit, receipt.gas_used));
        let result = CallResult {
            success: receipt.status,
            output: receipt.output,
            gas_used: receipt.gas_used,
            logs: receipt.logs,
            halt: receipt.halt,
        };
        Ok((result, outcome.state, frame))
    }

    // ---- re-execution (debug_traceTransaction) ----

    /// Re-executes the mined transaction `hash` with geth's callTracer attached, on the state it
    /// ran on: the kept state at the end of the block before (or the state recorded before it
    /// when test controls changed the state in between), then the block's earlier
    /// transactions, all in its block's number and timestamp. Nothing is committed. Returns
    /// the receipt of the re-execution (the same as the recorded one: execution is
    /// deterministic) and the top call frame.
    pub fn trace_transaction(
        &mut self,
        hash: B256,
        config: CallTracerConfig,
    ) -> Result<(Receipt, CallFrame), DevnodeError> {
        self.replay_mined(hash, |node, target| {
            let gas_limit = target.gas_limit.unwrap_or(DEFAULT_GAS_LIMIT);
            let (receipt, tracer) = node.replay(target, Some(CallTracer::new(config)))?;
            let frame = tracer
                .and_then(|t| t.finish(gas_limit, receipt.gas_used))
                .ok_or_else(|| {
                    DevnodeError::InvalidTransaction("the transaction opened no frame".into())
                })?;
            Ok((receipt, frame))
        })
    }

    /// Re-executes the mined transaction `hash` as [`Self::trace_transaction`] does, recording
    /// where its gas went (`debug_traceTransaction` with `{"tracer": "gasAnatomy"}`, see
    /// [`crate::anatomy`]). Returns the receipt of the re-execution and the anatomy, whose parts
    /// add up to the receipt's `gasUsed`.
    pub fn trace_transaction_anatomy(
        &mut self,
        hash: B256,
    ) -> Result<(Receipt, GasAnatomy), DevnodeError> {
        self.replay_mined(hash, |node, target| {
            let gas_limit = target.gas_limit.unwrap_or(DEFAULT_GAS_LIMIT);
            let input = target.data.clone();
            node.evm.context.external.anatomy = Some(Recorder::default());
            let replayed = node.replay(target, None);
            let recorder = node.evm.context.external.anatomy.take();
            let (receipt, _) = replayed?;
            let anatomy = recorder
                .and_then(|r| r.finish(gas_limit, &input, receipt.gas_used))
                .ok_or_else(|| {
                    DevnodeError::InvalidTransaction("the transaction opened no frame".into())
                })?;
            Ok((receipt, anatomy))
        })
    }

    /// Runs `run` on the mined transaction `hash` (as a request to replay) in the state it ran
    /// on, after its block's earlier transactions; nothing is committed.
    fn replay_mined<T>(
        &mut self,
        hash: B256,
        run: impl FnOnce(&mut Self, TxRequest) -> Result<T, DevnodeError>,
    ) -> Result<T, DevnodeError> {
        let unavailable = DevnodeError::Unavailable;
        let record = self.history.transaction(&hash).ok_or_else(|| {
            unavailable(format!(
                "transaction {hash} not found (unknown or not mined yet)"
            ))
        })?;
        let (number, index) = (record.receipt.block_number, record.index);
        let block = self
            .history
            .block(number)
            .ok_or_else(|| unavailable(format!("block {number} is no longer kept")))?;
        let timestamp = block.timestamp;
        let (start, base) = self.history.replay_base(number, index).ok_or_else(|| {
            unavailable(format!(
                "the state before transaction {hash} (block {number}) is no longer kept: the \
                 devnode keeps the last {} blocks' states",
                self.history.states_kept()
            ))
        })?;
        let base = base.clone();
        let earlier = block.transactions[usize::try_from(start).unwrap_or(usize::MAX)..]
            .iter()
            .take(usize::try_from(index - start).unwrap_or(0))
            .map(|h| {
                self.history
                    .transaction(h)
                    .ok_or_else(|| {
                        unavailable(format!("transaction {h} of block {number} is missing"))
                    })
                    .and_then(replay_request)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let target = replay_request(record)?;
        self.in_state(base, number, timestamp, |node| {
            for tx in earlier {
                node.replay(tx, None)?;
            }
            run(node, target)
        })
    }

    /// Executes and commits `tx` (already accepted once: its sender may be a contract) in the
    /// current environment, without recording it in the history.
    fn replay(
        &mut self,
        tx: TxRequest,
        tracer: Option<CallTracer>,
    ) -> Result<(Receipt, Option<CallTracer>), DevnodeError> {
        self.prepare(&tx, tx.nonce)?;
        self.evm.context.evm.env.cfg.disable_eip3607 = true;
        self.evm.context.external.tracer = tracer;
        let result = self.evm.transact_commit();
        self.evm.context.evm.env.cfg.disable_eip3607 = false;
        let tracer = self.evm.context.external.tracer.take();
        let result = result.map_err(|e| map_error(e, &tx))?;
        let halt_note = self.evm.context.external.last_failure.take();
        let hash = tx.hash.unwrap_or_default();
        Ok((
            receipt(result, &tx, hash, self.number + 1, halt_note),
            tracer,
        ))
    }

    fn prepare(&mut self, tx: &TxRequest, nonce: Option<u64>) -> Result<(), DevnodeError> {
        let gas_limit = tx.gas_limit.unwrap_or(DEFAULT_GAS_LIMIT);
        if gas_limit > TX_GAS_LIMIT {
            return Err(DevnodeError::GasLimitTooHigh { gas_limit });
        }
        self.evm.context.external.begin_transaction();
        let chain_id = self.chain_id();
        let env = &mut self.evm.context.evm.env.tx;
        env.caller = tx.from;
        env.transact_to = tx.to.map_or(TxKind::Create, TxKind::Call);
        env.value = tx.value;
        env.data = tx.data.clone();
        env.gas_limit = gas_limit;
        env.gas_price = tx.gas_price.unwrap_or(U256::from(BASE_FEE));
        env.gas_priority_fee = None;
        env.nonce = nonce;
        env.chain_id = Some(chain_id);
        env.access_list = tx
            .access_list
            .iter()
            .map(|(address, keys)| revm::primitives::AccessListItem {
                address: *address,
                storage_keys: keys.clone(),
            })
            .collect();
        Ok(())
    }

    // ---- deployment ----

    /// Deploys EVM initcode; returns the created address.
    pub fn deploy_evm(
        &mut self,
        from: Address,
        initcode: impl Into<Bytes>,
    ) -> Result<Address, DevnodeError> {
        let receipt = self.send(TxRequest::create(from, initcode))?;
        created(&receipt)
    }

    /// Deploys a Stylus program the way cargo-stylus does: a CREATE transaction with the
    /// 43-byte prelude (§6.1) followed by the compressed code, then `activateProgram` with
    /// the data fee (+20 %, the excess refunded). Returns the program's address.
    pub fn deploy_stylus(
        &mut self,
        from: Address,
        wasm_bytes: &[u8],
    ) -> Result<Address, DevnodeError> {
        let code = wasm::compress_to_code(wasm_bytes);
        if code.len() > crate::pricing::MAX_CODE_SIZE {
            return Err(DevnodeError::CodeTooLarge { size: code.len() });
        }
        // Validate before spending gas, as `cargo stylus check` does.
        self.runtime.compile(&code)?;
        let address = self.deploy_evm(from, stylus_initcode(&code))?;
        // Activation is per code hash: identical code deployed before is already active.
        if self.program_version(address) != Some(crate::pricing::STYLUS_VERSION) {
            self.activate(from, address)?;
        }
        Ok(address)
    }

    /// Deploys a Stylus program and runs its SDK constructor (`stylus_constructor()` selector
    /// followed by ABI-encoded `args`) with `value`.
    pub fn deploy_stylus_with_constructor(
        &mut self,
        from: Address,
        wasm_bytes: &[u8],
        args: &[u8],
        value: U256,
    ) -> Result<Address, DevnodeError> {
        let address = self.deploy_stylus(from, wasm_bytes)?;
        let mut data = STYLUS_CONSTRUCTOR.to_vec();
        data.extend_from_slice(args);
        let receipt = self.send(TxRequest::call(from, address, data).value(value))?;
        if !receipt.status {
            return Err(DevnodeError::DeploymentFailed(describe_failure(&receipt)));
        }
        Ok(address)
    }

    /// `ArbWasm.programVersion(program)`: the Stylus version `program`'s code is active at,
    /// `None` if it is not an active program.
    pub fn program_version(&mut self, program: Address) -> Option<u16> {
        let data = ArbWasm::programVersionCall { program }.abi_encode();
        let result = self
            .call(TxRequest::call(Address::ZERO, arbwasm::ARBWASM, data))
            .ok()?;
        if !result.success {
            return None;
        }
        ArbWasm::programVersionCall::abi_decode_returns(&result.output, true)
            .ok()
            .map(|r| r.version)
    }

    /// The data fee `activateProgram(program)` would charge now.
    pub fn activation_fee(
        &mut self,
        from: Address,
        program: Address,
    ) -> Result<U256, DevnodeError> {
        let data = ArbWasm::activateProgramCall { program }.abi_encode();
        let probe = self
            .balance(from)
            .min(U256::from(10u64).pow(U256::from(18u64)));
        let result = self.call(TxRequest::call(from, arbwasm::ARBWASM, data).value(probe))?;
        if !result.success {
            return Err(DevnodeError::DeploymentFailed(result.halt.unwrap_or_else(
                || format!("activation reverted: 0x{}", hex(&result.output)),
            )));
        }
        ArbWasm::activateProgramCall::abi_decode_returns(&result.output, true)
            .map(|r| r.dataFee)
            .map_err(|e| DevnodeError::DeploymentFailed(e.to_string()))
    }

    /// Activates the Stylus program at `program`, paying the data fee (+20 %, excess refunded).
    pub fn activate(&mut self, from: Address, program: Address) -> Result<Receipt, DevnodeError> {
        let fee = self.activation_fee(from, program)?;
        let value = fee * U256::from(120) / U256::from(100);
        let data = ArbWasm::activateProgramCall { program }.abi_encode();
        let receipt = self.send(TxRequest::call(from, arbwasm::ARBWASM, data).value(value))?;
        if !receipt.status {
            return Err(DevnodeError::DeploymentFailed(describe_failure(&receipt)));
        }
        Ok(receipt)
    }

    // ---- history ----

    /// Blocks, transactions, receipts and recent states.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Replaces the blocks and transactions with saved ones (after [`Self::load_state`]).
    pub fn restore_history(&mut self, blocks: Vec<BlockRecord>, transactions: Vec<TxRecord>) {
        self.history.restore(blocks, transactions);
    }

    /// Every receipt in order, the pending block's included.
    pub fn receipts(&self) -> impl Iterator<Item = &Receipt> {
        self.history.receipts()
    }

    /// The receipt with `tx_hash` (mined or pending).
    pub fn receipt(&self, tx_hash: B256) -> Option<&Receipt> {
        self.receipts().find(|r| r.tx_hash == tx_hash)
    }

    /// Every log in order, the pending block's included.
    pub fn logs(&self) -> Vec<ChainLog> {
        self.receipts()
            .flat_map(|r| {
                r.logs.iter().map(|log| ChainLog {
                    log: log.clone(),
                    block_number: r.block_number,
                    tx_hash: r.tx_hash,
                })
            })
            .collect()
    }

    /// Logs emitted by `address`.
    pub fn logs_of(&self, address: Address) -> Vec<ChainLog> {
        let mut logs = self.logs();
        logs.retain(|l| l.log.address == address);
        logs
    }

    /// Text written through the debug `console` imports.
    pub fn console(&self) -> &[String] {
        &self.evm.context.external.console
    }

    // ---- ArbOS roles ----

    /// Makes `owner` a chain owner (ArbOS `chainOwners`; this devnode serves no ArbOwner
    /// precompile). Chain owners may cache and evict programs through ArbWasmCache.
    pub fn add_chain_owner(&mut self, owner: Address) {
        self.add_member(arbwasm::CHAIN_OWNERS, owner);
    }

    /// Makes `manager` an ArbWasmCache cache manager (what ArbOwner's `addWasmCacheManager`
    /// does on Nitro).
    pub fn add_wasm_cache_manager(&mut self, manager: Address) {
        self.add_member(arbwasm::CACHE_MANAGERS, manager);
    }

    fn add_member(&mut self, list: arbwasm::MemberList, member: Address) {
        let members = list
            .members(|slot| Ok::<_, std::convert::Infallible>(self.storage(arbwasm::ARBWASM, slot)))
            .unwrap_or_default();
        if members.contains(&member) {
            return;
        }
        let index = members.len() as u64;
        self.set_storage(
            arbwasm::ARBWASM,
            list.slot(index),
            member.into_word().into(),
        );
        self.set_storage(arbwasm::ARBWASM, list.count_slot(), U256::from(index + 1));
    }

    // ---- state at past blocks ----

    /// Keeps the world state at the end of each of the last `count` sealed blocks (for reads
    /// at a past block, [`History::state`]), starting with the current state as the head
    /// block's. Code is shared, not copied; accounts and storage are.
    pub fn keep_block_states(&mut self, count: usize) {
        let head = BlockState {
            db: self.evm.db().clone(),
            number: self.number,
            timestamp: self.timestamp,
        };
        self.history.keep_states(count, head);
        self.dirty = false;
    }

    /// Runs `f` on `state` in place of the current state, in an environment whose block number
    /// and timestamp are those of the recorded block (as geth answers a call at a past block),
    /// then puts the current state and clock back. Anything `f` writes is discarded with it.
    pub fn at_block_state<T>(&mut self, state: BlockState, f: impl FnOnce(&mut Self) -> T) -> T {
        self.in_state(state.db, state.number, state.timestamp, f)
    }

    /// Runs `f` on `db` in place of the current state, in block `number` at `timestamp`, then
    /// puts the current state, clock and history bookkeeping back.
    fn in_state<T>(
        &mut self,
        db: Db,
        number: u64,
        timestamp: u64,
        f: impl FnOnce(&mut Self) -> T,
    ) -> T {
        let current = std::mem::replace(self.evm.db_mut(), db);
        // Calls run in the block after `self.number` at `next_timestamp()`.
        let saved_number = std::mem::replace(&mut self.number, number.saturating_sub(1));
        let next_override = self.next_override.replace(timestamp);
        let pending_timestamp = self.pending_timestamp.take();
        let dirty = self.dirty;
        self.sync_block_env();
        let out = f(self);
        *self.evm.db_mut() = current;
        self.number = saved_number;
        self.next_override = next_override;
        self.pending_timestamp = pending_timestamp;
        self.dirty = dirty;
        self.sync_block_env();
        out
    }

    // ---- snapshots ----

    /// Records the current state; returns an id for [`Self::revert_to`].
    pub fn snapshot(&mut self) -> u64 {
        let id = self.next_snapshot;
        self.next_snapshot += 1;
        self.snapshots.insert(
            id,
            Snapshot {
                db: self.evm.db().clone(),
                number: self.number,
                timestamp: self.timestamp,
                history: self.history.mark(),
                time_offset: self.time_offset,
                dirty: self.dirty,
            },
        );
        id
    }

    /// Restores the state recorded by `id`; that snapshot and every later one are dropped.
    pub fn revert_to(&mut self, id: u64) -> Result<(), DevnodeError> {
        let Some(snapshot) = self.snapshots.get(&id).cloned() else {
            return Err(DevnodeError::UnknownSnapshot(id));
        };
        self.snapshots.retain(|k, _| *k < id);
        *self.evm.db_mut() = snapshot.db;
        self.number = snapshot.number;
        self.timestamp = snapshot.timestamp;
        self.time_offset = snapshot.time_offset;
        // The state is the snapshot's again, which the history could rebuild iff it could then.
        self.dirty = snapshot.dirty;
        self.next_override = None;
        self.pending_timestamp = None;
        self.history.truncate(snapshot.history);
        self.sync_block_env();
        Ok(())
    }
}

/// The request that re-executes a mined transaction: what its signed encoding says, from the
/// sender recorded in its receipt, at the price it paid.
fn replay_request(record: &TxRecord) -> Result<TxRequest, DevnodeError> {
    let hash = record.receipt.tx_hash;
    if record.raw.is_empty() {
        return Err(DevnodeError::Unavailable(format!(
            "transaction {hash} was executed in-process without a signed encoding: it cannot \
             be re-executed"
        )));
    }
    let envelope = TxEnvelope::decode_2718(&mut record.raw.as_ref())
        .map_err(|e| DevnodeError::Unavailable(format!("transaction {hash}: {e}")))?;
    Ok(TxRequest {
        from: record.receipt.from,
        to: envelope.to(),
        value: envelope.value(),
        data: envelope.input().clone(),
        gas_limit: Some(envelope.gas_limit()),
        nonce: Some(envelope.nonce()),
        gas_price: Some(U256::from(record.effective_gas_price)),
        access_list: envelope
            .access_list()
            .map(|list| {
                list.iter()
                    .map(|item| (item.address, item.storage_keys.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        hash: Some(hash),
    })
}

/// Initcode that deploys `code` (cargo-stylus's 43-byte prelude, docs/nitro.md §6.1).
pub fn stylus_initcode(code: &[u8]) -> Vec<u8> {
    let mut init = Vec::with_capacity(43 + code.len());
    init.push(0x7f);
    init.extend_from_slice(&U256::from(code.len()).to_be_bytes::<32>());
    init.extend_from_slice(&[0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
    init.extend_from_slice(code);
    init
}

fn created(receipt: &Receipt) -> Result<Address, DevnodeError> {
    match (receipt.status, receipt.contract_address) {
        (true, Some(address)) => Ok(address),
        _ => Err(DevnodeError::DeploymentFailed(describe_failure(receipt))),
    }
}

fn describe_failure(receipt: &Receipt) -> String {
    receipt
        .halt
        .clone()
        .unwrap_or_else(|| format!("reverted with 0x{}", hex(&receipt.output)))
}

/// Lower-case hex without prefix.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn receipt(
    result: ExecutionResult,
    tx: &TxRequest,
    tx_hash: B256,
    block_number: u64,
    halt_note: Option<String>,
) -> Receipt {
    let mut receipt = Receipt {
        tx_hash,
        block_number,
        from: tx.from,
        to: tx.to,
        status: false,
        gas_used: result.gas_used(),
        logs: Vec::new(),
        contract_address: None,
        output: Bytes::new(),
        halt: None,
    };
    match result {
        ExecutionResult::Success { logs, output, .. } => {
            receipt.status = true;
            receipt.logs = logs;
            match output {
                Output::Call(data) => receipt.output = data,
                Output::Create(data, address) => {
                    receipt.output = data;
                    receipt.contract_address = address;
                }
            }
        }
        ExecutionResult::Revert { output, .. } => {
            receipt.output = output;
            // A Stylus activation failure that reverted carries its reason as a note.
            if let Some(note) = halt_note {
                receipt.halt = Some(note);
            }
        }
        ExecutionResult::Halt { reason, .. } => {
            let reason = format!("{reason:?}");
            receipt.halt = Some(match halt_note {
                Some(note) => format!("{note} ({reason})"),
                None => reason,
            });
        }
    }
    receipt
}

fn map_error(error: EVMError<std::convert::Infallible>, tx: &TxRequest) -> DevnodeError {
    match error {
        EVMError::Transaction(InvalidTransaction::NonceTooLow { tx, state }) => {
            DevnodeError::NonceTooLow { tx, state }
        }
        EVMError::Transaction(InvalidTransaction::NonceTooHigh { tx, state }) => {
            DevnodeError::NonceTooHigh { tx, state }
        }
        EVMError::Transaction(InvalidTransaction::LackOfFundForMaxFee { fee, balance }) => {
            DevnodeError::InsufficientFunds {
                from: tx.from,
                have: *balance,
                want: *fee,
            }
        }
        EVMError::Transaction(
            InvalidTransaction::CallGasCostMoreThanGasLimit
            | InvalidTransaction::GasFloorMoreThanGasLimit,
        ) => DevnodeError::IntrinsicGasTooLow {
            gas_limit: tx.gas_limit.unwrap_or(DEFAULT_GAS_LIMIT),
        },
        EVMError::Transaction(e) => DevnodeError::InvalidTransaction(format!("{e:?}")),
        EVMError::Header(e) => DevnodeError::InvalidTransaction(format!("{e:?}")),
        EVMError::Database(e) => match e {},
        EVMError::Custom(e) | EVMError::Precompile(e) => DevnodeError::InvalidTransaction(e),
    }
}
