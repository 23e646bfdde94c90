//! The chain's history, kept in one place for the in-process API and the JSON-RPC server
//! alike: sealed blocks (with header hashes), mined transactions with their receipts and
//! positions, the pending block's transactions, and optionally the world state at the end of
//! recent blocks (for reads at a past block).

use std::collections::{HashMap, VecDeque};

use alloy::primitives::{keccak256, Address, Bloom, Bytes, Log, B256, U256};
use serde::{Deserialize, Serialize};

use crate::context::Db;

/// Coinbase of sequencer blocks on Arbitrum.
pub const SEQUENCER_COINBASE: Address =
    alloy::primitives::address!("A4b000000000000000000073657175656e636572");
/// Arbitrum's minimum (and dev) base fee: 0.1 gwei.
pub const BASE_FEE: u64 = 100_000_000;
/// Block header gas limit on Arbitrum (2^50).
pub const HEADER_GAS_LIMIT: u64 = 1 << 50;

/// A log with its position on the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLog {
    /// The log.
    pub log: Log,
    /// Block it was emitted in.
    pub block_number: u64,
    /// Hash of the transaction.
    pub tx_hash: B256,
}

/// What a transaction did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// The signed transaction's hash when it came signed (JSON-RPC); otherwise a pseudo hash:
    /// keccak256(from ‖ nonce ‖ block number).
    pub tx_hash: B256,
    /// Block the transaction was mined in.
    pub block_number: u64,
    /// Sender.
    pub from: Address,
    /// Recipient (`None` for creations).
    pub to: Option<Address>,
    /// `true` on success.
    pub status: bool,
    /// Gas used after refunds.
    pub gas_used: u64,
    /// Logs emitted (empty unless successful).
    pub logs: Vec<Log>,
    /// Address of the created contract, if any.
    pub contract_address: Option<Address>,
    /// Return data on success, revert data on revert.
    pub output: Bytes,
    /// Halt reason (out of gas, program not activated, activation error…) when not a revert.
    pub halt: Option<String>,
}

impl Receipt {
    /// Whether the transaction reverted (as opposed to halting or succeeding).
    pub fn reverted(&self) -> bool {
        !self.status && self.halt.is_none()
    }
}

/// A sealed block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockRecord {
    /// Block number.
    pub number: u64,
    /// Block hash (keccak256 of the RLP header).
    pub hash: B256,
    /// Parent hash.
    pub parent_hash: B256,
    /// Timestamp.
    pub timestamp: u64,
    /// Transaction hashes in order.
    pub transactions: Vec<B256>,
    /// Gas used by all transactions.
    pub gas_used: u64,
    /// Bloom over every log of the block.
    pub logs_bloom: Bloom,
    /// Transactions root over the transaction hashes.
    pub transactions_root: B256,
}

impl BlockRecord {
    /// The block `number` sealed at `timestamp` on `parent_hash` with `transactions`.
    pub fn seal(number: u64, timestamp: u64, parent_hash: B256, transactions: &[TxRecord]) -> Self {
        let hashes: Vec<B256> = transactions.iter().map(|t| t.receipt.tx_hash).collect();
        let gas_used = transactions.last().map_or(0, |t| t.cumulative_gas_used);
        let mut logs_bloom = Bloom::ZERO;
        for log in transactions.iter().flat_map(|t| &t.receipt.logs) {
            logs_bloom.accrue_log(log);
        }
        let transactions_root = keccak256(hashes.iter().flat_map(|h| h.0).collect::<Vec<u8>>());
        let mut block = Self {
            number,
            hash: B256::ZERO,
            parent_hash,
            timestamp,
            transactions: hashes,
            gas_used,
            logs_bloom,
            transactions_root,
        };
        block.hash = block.header().hash_slow();
        block
    }

    /// The block's header: the one its hash is computed over and the one JSON-RPC serves, so
    /// `keccak256(rlp(header))` of a served block is its served hash. The devnode keeps no
    /// state or receipt trie, so those roots are zero.
    pub fn header(&self) -> alloy::consensus::Header {
        alloy::consensus::Header {
            parent_hash: self.parent_hash,
            ommers_hash: alloy::consensus::EMPTY_OMMER_ROOT_HASH,
            beneficiary: SEQUENCER_COINBASE,
            state_root: B256::ZERO,
            transactions_root: self.transactions_root,
            receipts_root: B256::ZERO,
            logs_bloom: self.logs_bloom,
            difficulty: U256::from(1),
            number: self.number,
            gas_limit: HEADER_GAS_LIMIT,
            gas_used: self.gas_used,
            timestamp: self.timestamp,
            extra_data: alloy::primitives::Bytes::new(),
            mix_hash: B256::with_last_byte(1),
            nonce: alloy::primitives::B64::ZERO,
            base_fee_per_gas: Some(BASE_FEE),
            withdrawals_root: None,
            blob_gas_used: None,
            excess_blob_gas: None,
            parent_beacon_block_root: None,
            requests_hash: None,
        }
    }
}

/// A transaction in a block (sealed or pending) with its receipt and position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TxRecord {
    /// What it did.
    pub receipt: Receipt,
    /// The signed transaction, EIP-2718 encoded (empty for in-process transactions).
    pub raw: Bytes,
    /// Position in the block.
    pub index: u64,
    /// Gas used by the block up to and including this transaction.
    pub cumulative_gas_used: u64,
    /// Index of the first log in the block.
    pub first_log_index: u64,
    /// Price paid per gas.
    pub effective_gas_price: u128,
}

/// The world state at the end of a sealed block, kept so that reads can be answered at that
/// block later (see [`crate::Devnode::at_block_state`]).
#[derive(Clone)]
pub struct BlockState {
    pub(crate) db: Db,
    pub(crate) number: u64,
    pub(crate) timestamp: u64,
}

impl std::fmt::Debug for BlockState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockState")
            .field("number", &self.number)
            .field("timestamp", &self.timestamp)
            .finish_non_exhaustive()
    }
}

impl BlockState {
    /// The block this state ends.
    pub fn number(&self) -> u64 {
        self.number
    }
}

/// Lengths to truncate the history back to (a snapshot's view of it).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    blocks: usize,
    mined: usize,
    pending: usize,
}

/// Blocks, transactions and recent states.
#[derive(Debug, Clone)]
pub struct History {
    /// Sealed blocks, oldest first; never empty (the first is the block the chain started at).
    blocks: Vec<BlockRecord>,
    /// Mined transactions in order.
    mined: Vec<TxRecord>,
    /// Position in `mined` by hash.
    by_hash: HashMap<B256, usize>,
    /// Transactions executed into the pending block, not yet sealed.
    pending: Vec<TxRecord>,
    /// The state at the end of each of the last `keep_states` sealed blocks, oldest first.
    states: VecDeque<BlockState>,
    keep_states: usize,
    /// The state just before a transaction that followed changes made outside transactions
    /// (test controls), as (block, index in the block, state), in order: with the kept block
    /// states, what re-executing any kept transaction starts from.
    pre_states: VecDeque<(u64, u64, Db)>,
}

impl History {
    /// A history starting at block `number`, sealed at `timestamp`, with no transactions.
    pub(crate) fn starting_at(number: u64, timestamp: u64) -> Self {
        Self {
            blocks: vec![BlockRecord::seal(number, timestamp, B256::ZERO, &[])],
            mined: Vec::new(),
            by_hash: HashMap::new(),
            pending: Vec::new(),
            states: VecDeque::new(),
            keep_states: 0,
            pre_states: VecDeque::new(),
        }
    }

    /// Replaces the blocks and transactions with saved ones (the state file); an empty block
    /// list keeps the current start block.
    pub(crate) fn restore(&mut self, blocks: Vec<BlockRecord>, mined: Vec<TxRecord>) {
        if !blocks.is_empty() {
            self.blocks = blocks;
        }
        self.by_hash = mined
            .iter()
            .enumerate()
            .map(|(i, t)| (t.receipt.tx_hash, i))
            .collect();
        self.mined = mined;
        self.pending.clear();
        self.states.clear();
        self.pre_states.clear();
    }

    /// The newest sealed block.
    pub fn head(&self) -> &BlockRecord {
        // `blocks` is never empty: every constructor starts it with one block, `restore` only
        // replaces it with a non-empty list and `truncate` keeps at least a snapshot's blocks.
        let last = self.blocks.len() - 1;
        &self.blocks[last]
    }

    /// Sealed blocks, oldest first.
    pub fn blocks(&self) -> &[BlockRecord] {
        &self.blocks
    }

    /// Block `number`, if sealed and kept.
    pub fn block(&self, number: u64) -> Option<&BlockRecord> {
        let first = self.blocks.first()?.number;
        let index = usize::try_from(number.checked_sub(first)?).ok()?;
        self.blocks.get(index)
    }

    /// The block with `hash`.
    pub fn block_by_hash(&self, hash: B256) -> Option<&BlockRecord> {
        self.blocks.iter().find(|b| b.hash == hash)
    }

    /// Mined transactions in order.
    pub fn transactions(&self) -> &[TxRecord] {
        &self.mined
    }

    /// Mined transaction `hash`.
    pub fn transaction(&self, hash: &B256) -> Option<&TxRecord> {
        self.by_hash.get(hash).map(|&i| &self.mined[i])
    }

    /// Transactions of the pending block.
    pub fn pending(&self) -> &[TxRecord] {
        &self.pending
    }

    /// Whether `hash` is mined or pending.
    pub fn knows(&self, hash: &B256) -> bool {
        self.by_hash.contains_key(hash) || self.pending.iter().any(|t| t.receipt.tx_hash == *hash)
    }

    /// Adds an executed transaction to the pending block.
    pub(crate) fn push_pending(&mut self, receipt: Receipt, raw: Bytes, gas_price: u128) {
        let (cumulative, first_log_index) = self.pending.last().map_or((0, 0), |t| {
            (
                t.cumulative_gas_used,
                t.first_log_index + t.receipt.logs.len() as u64,
            )
        });
        self.pending.push(TxRecord {
            index: self.pending.len() as u64,
            cumulative_gas_used: cumulative + receipt.gas_used,
            first_log_index,
            effective_gas_price: gas_price,
            raw,
            receipt,
        });
    }

    /// Seals the pending block as block `number` at `timestamp`; `state` is called for the
    /// state at its end when states are kept.
    pub(crate) fn seal(&mut self, number: u64, timestamp: u64, state: impl FnOnce() -> Db) {
        let pending = std::mem::take(&mut self.pending);
        let block = BlockRecord::seal(number, timestamp, self.head().hash, &pending);
        for record in pending {
            self.by_hash
                .insert(record.receipt.tx_hash, self.mined.len());
            self.mined.push(record);
        }
        self.blocks.push(block);
        if self.keep_states > 0 {
            self.record_state(BlockState {
                db: state(),
                number,
                timestamp,
            });
        }
    }

    /// Keeps the states of the last `count` sealed blocks from now on, starting with `head`
    /// (the current state, as the state at the end of the head block).
    pub(crate) fn keep_states(&mut self, count: usize, head: BlockState) {
        self.keep_states = count;
        self.states.retain(|s| s.number != head.number);
        self.record_state(head);
    }

    fn record_state(&mut self, state: BlockState) {
        self.states.push_back(state);
        while self.states.len() > self.keep_states {
            self.states.pop_front();
        }
        // Only blocks after the oldest kept state can be re-executed.
        let oldest = self.states.front().map_or(0, |s| s.number);
        while self
            .pre_states
            .front()
            .is_some_and(|(n, _, _)| *n <= oldest)
        {
            self.pre_states.pop_front();
        }
    }

    /// Records `db` as the state transaction `index` of the pending block `block` starts from.
    pub(crate) fn record_pre_state(&mut self, block: u64, index: u64, db: Db) {
        self.pre_states
            .retain(|(n, i, _)| *n < block || (*n == block && *i < index));
        self.pre_states.push_back((block, index, db));
    }

    /// Where re-executing transaction `index` of block `block` starts: the index of the first
    /// transaction to run and the state before it (the latest recorded state at or before the
    /// transaction in its block, else the kept state at the end of the block before).
    pub(crate) fn replay_base(&self, block: u64, index: u64) -> Option<(u64, &Db)> {
        let recorded = self
            .pre_states
            .iter()
            .rev()
            .find(|(n, i, _)| *n == block && *i <= index);
        if let Some((_, i, db)) = recorded {
            return Some((*i, db));
        }
        let parent = self.state(block.checked_sub(1)?)?;
        Some((0, &parent.db))
    }

    /// How many sealed blocks' states are kept.
    pub fn states_kept(&self) -> usize {
        self.keep_states
    }

    /// The kept state at the end of block `number`.
    pub fn state(&self, number: u64) -> Option<&BlockState> {
        self.states.iter().find(|s| s.number == number)
    }

    pub(crate) fn mark(&self) -> Mark {
        Mark {
            blocks: self.blocks.len(),
            mined: self.mined.len(),
            pending: self.pending.len(),
        }
    }

    /// Goes back to `mark` (a snapshot's revert).
    pub(crate) fn truncate(&mut self, mark: Mark) {
        self.blocks.truncate(mark.blocks.max(1));
        for record in self.mined.drain(mark.mined..) {
            self.by_hash.remove(&record.receipt.tx_hash);
        }
        self.pending.truncate(mark.pending);
        let head = self.head().number;
        self.states.retain(|s| s.number <= head);
        let pending = mark.pending as u64;
        self.pre_states
            .retain(|(n, i, _)| *n <= head || (*n == head + 1 && *i < pending));
    }

    /// Every receipt, mined then pending.
    pub fn receipts(&self) -> impl Iterator<Item = &Receipt> {
        self.mined.iter().chain(&self.pending).map(|t| &t.receipt)
    }
}

#[cfg(test)]
mod tests {
    use alloy::primitives::{address, LogData};

    use super::*;

    fn receipt(n: u8, logs: usize, gas_used: u64) -> Receipt {
        let log = Log {
            address: address!("00000000000000000000000000000000000a11ce"),
            data: LogData::new_unchecked(Vec::new(), Bytes::new()),
        };
        Receipt {
            tx_hash: B256::with_last_byte(n),
            block_number: 1,
            from: Address::ZERO,
            to: None,
            status: true,
            gas_used,
            logs: vec![log; logs],
            contract_address: None,
            output: Bytes::new(),
            halt: None,
        }
    }

    #[test]
    fn a_replay_starts_from_the_latest_state_recorded_before_the_transaction() {
        let mut history = History::starting_at(0, 1_700_000_000);
        let head = BlockState {
            db: Db::default(),
            number: 0,
            timestamp: 1_700_000_000,
        };
        history.keep_states(2, head);
        // Block 1: transactions 0 and 1, a state recorded before transaction 1.
        let mark = history.mark();
        history.push_pending(receipt(1, 0, 21_000), Bytes::new(), 7);
        history.record_pre_state(1, 1, Db::default());
        history.push_pending(receipt(2, 0, 21_000), Bytes::new(), 7);
        history.seal(1, 1_700_000_001, Db::default);
        assert_eq!(history.replay_base(1, 0).map(|(i, _)| i), Some(0));
        assert_eq!(history.replay_base(1, 1).map(|(i, _)| i), Some(1));
        // Two more blocks: block 1's parent state is no longer kept.
        history.seal(2, 1_700_000_002, Db::default);
        history.seal(3, 1_700_000_003, Db::default);
        assert!(history.replay_base(1, 0).is_none());
        assert!(
            history.replay_base(1, 1).is_none(),
            "its pre-state went with it"
        );
        assert!(history.replay_base(3, 0).is_some());
        history.truncate(mark);
        assert!(history.replay_base(1, 1).is_none());
    }

    #[test]
    fn pending_transactions_get_positions_and_a_truncate_forgets_them() {
        let mut history = History::starting_at(0, 1_700_000_000);
        let genesis = history.head().hash;
        let before = history.mark();
        history.push_pending(receipt(1, 2, 21_000), Bytes::new(), 7);
        history.push_pending(receipt(2, 1, 30_000), Bytes::new(), 7);
        assert!(history.knows(&B256::with_last_byte(2)));
        assert_eq!(history.transaction(&B256::with_last_byte(2)), None);
        history.seal(1, 1_700_000_001, Db::default);

        let second = history.transaction(&B256::with_last_byte(2)).cloned();
        let second = second.map(|t| (t.index, t.cumulative_gas_used, t.first_log_index));
        assert_eq!(second, Some((1, 51_000, 2)));
        let head = history.head();
        assert_eq!(
            (head.number, head.parent_hash, head.gas_used),
            (1, genesis, 51_000)
        );
        assert_eq!(history.block(1).map(|b| b.transactions.len()), Some(2));

        history.truncate(before);
        assert_eq!(history.head().hash, genesis);
        assert!(!history.knows(&B256::with_last_byte(1)));
        assert_eq!(history.receipts().count(), 0);
    }
}
