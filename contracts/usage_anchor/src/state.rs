//! Storage layout of attestors, credits, batches and the settled-receipt bitmap.
//!
//! Every keyed datum is one 32-byte storage word at `slot = keccak256(field ‖ key)`, where
//! `field` is a [`Field`] discriminant (as a word) and `key` the ABI word of the owner (an
//! address, a batch id, a bitmap bucket). One host keccak and one `SLOAD`/`SSTORE` per word:
//! no `StorageMap` (whose key hashing would link a software keccak into the WASM) and no
//! per-struct slot arithmetic. Preimages are 64 bytes starting with a field number (1..=9), so
//! they collide neither with each other nor with the contract-wide words at the small slots
//! `0..=10` ([`Global`]).
//!
//! ```text
//! field           key          value
//! AttestorBond    attestor     bond (wei)
//! AttestorState   attestor     lockedUntil [0..8] | exitRequestedAt [8..16] |
//!                              openChallenges [16..20] | allowed [31]
//! Credit          account      pull-payment balance (wei)
//! BatchHead       batchId      attestor [0..20] | receiptCount [20..24] | anchoredAt [24..32]
//! BatchPeriod     batchId      periodStart [0..8] | periodEnd [8..16]
//! BatchStatus     batchId      challenger [0..20] | status [31]
//! BatchRoot       batchId      Merkle root
//! BatchUnits      batchId      totalUnits
//! Settled         leaf >> 8    bit (leaf & 0xff) set once the receipt with that leaf settled
//! ```
//! Integers inside packed words are big-endian.

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;

use crate::UsageAnchor;

/// A contract-wide word, stored at slot `Global as u8` (the contract has no `#[storage]`
/// fields, so the small slots are free; keyed words are keccak-addressed far away).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Global {
    /// The owner (address).
    Owner = 0,
    /// The owner-elect of a two-step transfer (address).
    PendingOwner = 1,
    /// Resolves challenges (address).
    Arbiter = 2,
    /// The license contract (address).
    LicenseNft = 3,
    /// The usage escrow (address).
    Escrow = 4,
    /// Seconds a batch can be challenged after anchoring.
    ChallengeWindow = 5,
    /// Attestor exit delay (seconds).
    ExitDelay = 6,
    /// Bond needed to anchor; also the slash of an upheld challenge (wei).
    MinAttestorBond = 7,
    /// Bond a challenger posts (wei).
    ChallengeBond = 8,
    /// Unresolved challenges over all batches.
    OpenChallenges = 9,
    /// When a challenge was last rejected (unix seconds).
    LastChallengeClearedAt = 10,
}

/// What a storage word holds (see the module docs for its key and layout).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Field {
    /// `(attestor)`: bond.
    AttestorBond = 1,
    /// `(attestor)`: packed [`AttestorState`].
    AttestorState = 2,
    /// `(account)`: credited balance.
    Credit = 3,
    /// `(batchId)`: attestor, receipt count, anchoring time.
    BatchHead = 4,
    /// `(batchId)`: metering period.
    BatchPeriod = 5,
    /// `(batchId)`: challenger and status.
    BatchStatus = 6,
    /// `(batchId)`: Merkle root.
    BatchRoot = 7,
    /// `(batchId)`: total units.
    BatchUnits = 8,
    /// `(leaf >> 8)`: 256 settled flags.
    Settled = 9,
}

/// The packed per-attestor word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AttestorState {
    /// Latest `anchoredAt + challengeWindow` over the attestor's batches.
    pub locked_until: u64,
    /// When the attestor asked to exit; 0 = not exiting.
    pub exit_requested_at: u64,
    /// Batches of this attestor with an unresolved challenge.
    pub open_challenges: u32,
    /// Whether the owner allow-listed the attestor.
    pub allowed: bool,
}

/// An anchored batch (all zero for an unknown id). The signed fields are kept so that anyone
/// can read what was attested; the receipts themselves stay off-chain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchRecord {
    /// The attestor that signed it.
    pub attestor: Address,
    /// Number of receipts in the tree (as signed; informational).
    pub receipt_count: u32,
    /// When it was anchored (unix seconds).
    pub anchored_at: u64,
    /// Start of the metering period.
    pub period_start: u64,
    /// End of the metering period.
    pub period_end: u64,
    /// Life-cycle state (`batches::STATUS_*`).
    pub status: u8,
    /// Who challenged it, if anyone.
    pub challenger: Address,
    /// Merkle root of the receipts' leaves.
    pub root: B256,
    /// Sum of units over the receipts (as signed; informational).
    pub total_units: U256,
}

/// Reads the big-endian `u64` at `bytes[at..at + 8]`.
fn get_u64(word: &B256, at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&word[at..at + 8]);
    u64::from_be_bytes(bytes)
}

/// Reads the big-endian `u32` at `bytes[at..at + 4]`.
fn get_u32(word: &B256, at: usize) -> u32 {
    let mut bytes = [0u8; 4];
    bytes.copy_from_slice(&word[at..at + 4]);
    u32::from_be_bytes(bytes)
}

/// Reads the address at `bytes[0..20]`.
fn get_address(word: &B256) -> Address {
    Address::from_slice(&word[..20])
}

impl AttestorState {
    /// Unpacks the word.
    fn from_word(word: &B256) -> Self {
        Self {
            locked_until: get_u64(word, 0),
            exit_requested_at: get_u64(word, 8),
            open_challenges: get_u32(word, 16),
            allowed: word[31] != 0,
        }
    }

    /// Packs the word.
    fn to_word(self) -> B256 {
        let mut word = B256::ZERO;
        word[..8].copy_from_slice(&self.locked_until.to_be_bytes());
        word[8..16].copy_from_slice(&self.exit_requested_at.to_be_bytes());
        word[16..20].copy_from_slice(&self.open_challenges.to_be_bytes());
        word[31] = u8::from(self.allowed);
        word
    }
}

/// The `BatchStatus` word.
fn status_word(challenger: Address, status: u8) -> B256 {
    let mut word = B256::ZERO;
    word[..20].copy_from_slice(challenger.as_slice());
    word[31] = status;
    word
}

/// The bucket key and bit mask of `leaf` in the settled bitmap (like `OpenZeppelin`'s `BitMap`:
/// bucket `leaf >> 8`, bit `leaf & 0xff`).
fn settled_position(leaf: &B256) -> (B256, usize, u8) {
    let mut bucket = B256::ZERO;
    bucket[1..].copy_from_slice(&leaf[..31]);
    let bit = leaf[31];
    (bucket, 31 - usize::from(bit / 8), 1 << (bit % 8))
}

impl UsageAnchor {
    /// The slot of `field` for `key`: `keccak256(field ‖ key)` (host keccak).
    fn slot(&self, field: Field, key: &B256) -> U256 {
        let mut preimage = [0u8; 64];
        preimage[31] = field as u8;
        preimage[32..].copy_from_slice(key.as_slice());
        self.vm().native_keccak256(&preimage).into()
    }

    /// Reads a word.
    pub(crate) fn read_word(&self, field: Field, key: &B256) -> B256 {
        self.vm().storage_load_bytes32(self.slot(field, key))
    }

    /// Writes a word (through the host's storage cache, flushed at the end of the call and
    /// before every external call).
    pub(crate) fn write_word(&mut self, field: Field, key: &B256, value: B256) {
        let slot = self.slot(field, key);
        // SAFETY: the slot is a keccak256 output of a namespaced preimage (see the module docs);
        // no `#[storage]` field of this contract lives there, so no typed accessor aliases it.
        unsafe { self.vm().storage_cache_bytes32(slot, value) };
    }

    /// Reads a contract-wide word.
    pub(crate) fn global(&self, global: Global) -> B256 {
        self.vm().storage_load_bytes32(U256::from(global as u8))
    }

    /// Reads a contract-wide address.
    pub(crate) fn global_address(&self, global: Global) -> Address {
        Address::from_word(self.global(global))
    }

    /// Reads a contract-wide amount.
    pub(crate) fn global_uint(&self, global: Global) -> U256 {
        self.global(global).into()
    }

    /// Reads a contract-wide `u64` (stored in the low 8 bytes).
    pub(crate) fn global_u64(&self, global: Global) -> u64 {
        get_u64(&self.global(global), 24)
    }

    /// Writes a contract-wide word.
    pub(crate) fn set_global(&mut self, global: Global, value: B256) {
        // SAFETY: the contract has no `#[storage]` fields; the slots `0..=10` belong to
        // [`Global`] alone (keyed words live at keccak256 outputs).
        unsafe {
            self.vm()
                .storage_cache_bytes32(U256::from(global as u8), value);
        }
    }

    /// Writes a contract-wide `u64`.
    pub(crate) fn set_global_u64(&mut self, global: Global, value: u64) {
        self.set_global(global, B256::from(crate::abi_words::small_word(value)));
    }

    /// Unresolved challenges over all batches.
    pub(crate) fn open_challenge_count(&self) -> u32 {
        // Only ever written from a `u32`.
        #[allow(clippy::cast_possible_truncation)]
        let count = self.global_u64(Global::OpenChallenges) as u32;
        count
    }

    /// An attestor's bond.
    pub(crate) fn bond_of(&self, attestor: Address) -> U256 {
        self.read_word(Field::AttestorBond, &attestor.into_word())
            .into()
    }

    /// Sets an attestor's bond.
    pub(crate) fn set_bond(&mut self, attestor: Address, bond: U256) {
        self.write_word(Field::AttestorBond, &attestor.into_word(), bond.into());
    }

    /// An attestor's packed state.
    pub(crate) fn attestor_state(&self, attestor: Address) -> AttestorState {
        AttestorState::from_word(&self.read_word(Field::AttestorState, &attestor.into_word()))
    }

    /// Sets an attestor's packed state.
    pub(crate) fn set_attestor_state(&mut self, attestor: Address, state: AttestorState) {
        self.write_word(Field::AttestorState, &attestor.into_word(), state.to_word());
    }

    /// `account`'s credited balance.
    pub(crate) fn credit_of_account(&self, account: Address) -> U256 {
        self.read_word(Field::Credit, &account.into_word()).into()
    }

    /// Sets `account`'s credited balance.
    pub(crate) fn set_credit(&mut self, account: Address, amount: U256) {
        self.write_word(Field::Credit, &account.into_word(), amount.into());
    }

    /// A batch's record (all zero when unknown).
    #[inline(never)]
    pub(crate) fn batch(&self, batch_id: B256) -> BatchRecord {
        let head = self.read_word(Field::BatchHead, &batch_id);
        let period = self.read_word(Field::BatchPeriod, &batch_id);
        let status = self.read_word(Field::BatchStatus, &batch_id);
        BatchRecord {
            attestor: get_address(&head),
            receipt_count: get_u32(&head, 20),
            anchored_at: get_u64(&head, 24),
            period_start: get_u64(&period, 0),
            period_end: get_u64(&period, 8),
            status: status[31],
            challenger: get_address(&status),
            root: self.read_word(Field::BatchRoot, &batch_id),
            total_units: self.read_word(Field::BatchUnits, &batch_id).into(),
        }
    }

    /// A batch's `status` (`batches::STATUS_*`).
    pub(crate) fn batch_status(&self, batch_id: B256) -> u8 {
        self.read_word(Field::BatchStatus, &batch_id)[31]
    }

    /// Records a new batch.
    pub(crate) fn store_batch(&mut self, batch_id: B256, batch: &BatchRecord) {
        let mut head = B256::ZERO;
        head[..20].copy_from_slice(batch.attestor.as_slice());
        head[20..24].copy_from_slice(&batch.receipt_count.to_be_bytes());
        head[24..].copy_from_slice(&batch.anchored_at.to_be_bytes());
        let mut period = B256::ZERO;
        period[..8].copy_from_slice(&batch.period_start.to_be_bytes());
        period[8..16].copy_from_slice(&batch.period_end.to_be_bytes());
        self.write_word(Field::BatchHead, &batch_id, head);
        self.write_word(Field::BatchPeriod, &batch_id, period);
        self.set_batch_status(batch_id, batch.challenger, batch.status);
        self.write_word(Field::BatchRoot, &batch_id, batch.root);
        self.write_word(Field::BatchUnits, &batch_id, batch.total_units.into());
    }

    /// Sets a batch's challenger and status.
    pub(crate) fn set_batch_status(&mut self, batch_id: B256, challenger: Address, status: u8) {
        self.write_word(
            Field::BatchStatus,
            &batch_id,
            status_word(challenger, status),
        );
    }

    /// Whether the receipt with `leaf` was settled.
    pub(crate) fn is_settled(&self, leaf: &B256) -> bool {
        let (bucket, byte, mask) = settled_position(leaf);
        self.read_word(Field::Settled, &bucket)[byte] & mask != 0
    }

    /// Marks the receipt with `leaf` settled; `false` if it already was.
    pub(crate) fn mark_settled(&mut self, leaf: &B256) -> bool {
        let (bucket, byte, mask) = settled_position(leaf);
        let mut word = self.read_word(Field::Settled, &bucket);
        if word[byte] & mask != 0 {
            return false;
        }
        word[byte] |= mask;
        self.write_word(Field::Settled, &bucket, word);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attestor_state_round_trips() {
        let state = AttestorState {
            locked_until: u64::MAX - 1,
            exit_requested_at: 0x0102_0304_0506_0708,
            open_challenges: u32::MAX,
            allowed: true,
        };
        assert_eq!(AttestorState::from_word(&state.to_word()), state);
        assert_eq!(
            AttestorState::from_word(&B256::ZERO),
            AttestorState::default()
        );
    }

    #[test]
    fn settled_positions_follow_openzeppelin_bitmap() {
        // index = leaf as uint256; bucket = index >> 8; bit = index & 0xff (LSB first).
        let mut leaf = B256::repeat_byte(0xab);
        leaf[31] = 9;
        let (bucket, byte, mask) = settled_position(&leaf);
        let index = U256::from_be_bytes(leaf.0);
        assert_eq!(U256::from_be_bytes(bucket.0), index >> 8);
        assert_eq!((byte, mask), (30, 0b10));
        leaf[31] = 255;
        assert_eq!(settled_position(&leaf).1, 0);
        assert_eq!(settled_position(&leaf).2, 0x80);
    }
}
