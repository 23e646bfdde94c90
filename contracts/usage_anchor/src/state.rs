//! Storage layout of attestors, credits, batches and settled usage leaves.
//!
//! Every keyed datum is one 32-byte storage word at `slot = keccak256(field ‖ key [‖ key2])`,
//! where `field` is a [`Field`] discriminant (as a word) and the keys are ABI words (an address,
//! a batch key, a bitmap bucket, a leaf index). One host keccak and one `SLOAD`/`SSTORE` per
//! word: no `StorageMap` (whose key hashing would link a software keccak into the WASM) and no
//! per-struct slot arithmetic. Preimages are 64 or 96 bytes starting with a field number
//! (1..=6), so they collide neither with each other nor with the contract-wide words at the
//! small slots `0..=7` ([`Global`]).
//!
//! A batch is keyed by `batchKey = keccak256(abi.encode(attestor, batchId))`
//! ([`tributary_abi::usage::batch_key`]): ids are scoped to their attestor.
//!
//! ```text
//! field           key                   value
//! AttestorBond    attestor              bond (wei)
//! AttestorState   attestor              lockedUntil [0..8] | exitRequestedAt [8..16] |
//!                                       openChallenges [16..20] | allowed [31]
//! Credit          account               pull-payment balance (wei)
//! BatchHash       batchKey              EIP-712 hashStruct(batch): settle and the other calls
//!                                       take the batch in calldata and must match it
//! BatchState      batchKey              anchoredAt [0..8] | status [8] | round [9..11] |
//!                                       settledReceipts [11..15] | settledUnits [15..27]
//! Settled         batchKey, index >> 8  bit (index & 0xff) set once usage leaf `index` settled
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
    /// The owner (address); also the treasury credited with slashed bonds.
    Owner = 0,
    /// The owner-elect of a two-step transfer (address).
    PendingOwner = 1,
    /// The disputes contract: the only account that changes a batch's challenge status.
    Disputes = 2,
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
    /// `(batchKey)`: the batch's EIP-712 struct hash.
    BatchHash = 4,
    /// `(batchKey)`: packed [`BatchState`].
    BatchState = 5,
    /// `(batchKey, index >> 8)`: 256 settled flags.
    Settled = 6,
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

/// The mutable record of an anchored batch (all zero for an unknown one). The signed fields
/// are not stored: calls take the batch in calldata and match its hash ([`Field::BatchHash`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchState {
    /// When it was anchored (unix seconds).
    pub anchored_at: u64,
    /// Life-cycle state (`batches::STATUS_*`).
    pub status: u8,
    /// Challenge rounds opened so far (a round ends with the arbiter's ruling).
    pub round: u16,
    /// Receipts of the usage leaves settled (or skipped) so far.
    pub settled_receipts: u32,
    /// Units of the usage leaves settled (or skipped) so far (below 2^96).
    pub settled_units: u128,
}

/// Reads the big-endian integer in `word[at..at + N]`.
fn get<const N: usize>(word: &B256, at: usize) -> [u8; N] {
    let mut bytes = [0u8; N];
    bytes.copy_from_slice(&word[at..at + N]);
    bytes
}

impl AttestorState {
    /// Unpacks the word.
    fn from_word(word: &B256) -> Self {
        Self {
            locked_until: u64::from_be_bytes(get(word, 0)),
            exit_requested_at: u64::from_be_bytes(get(word, 8)),
            open_challenges: u32::from_be_bytes(get(word, 16)),
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

impl BatchState {
    /// Unpacks the word.
    fn from_word(word: &B256) -> Self {
        let mut units = [0u8; 16];
        units[4..].copy_from_slice(&word[15..27]);
        Self {
            anchored_at: u64::from_be_bytes(get(word, 0)),
            status: word[8],
            round: u16::from_be_bytes(get(word, 9)),
            settled_receipts: u32::from_be_bytes(get(word, 11)),
            settled_units: u128::from_be_bytes(units),
        }
    }

    /// Packs the word; `settled_units` must be below 2^96 (settlement checks it against the
    /// signed total, which anchoring bounds).
    fn to_word(self) -> B256 {
        let mut word = B256::ZERO;
        word[..8].copy_from_slice(&self.anchored_at.to_be_bytes());
        word[8] = self.status;
        word[9..11].copy_from_slice(&self.round.to_be_bytes());
        word[11..15].copy_from_slice(&self.settled_receipts.to_be_bytes());
        word[15..27].copy_from_slice(&self.settled_units.to_be_bytes()[4..]);
        word
    }
}

/// The bitmap bucket and the byte and mask of leaf `index` in it (like `OpenZeppelin`'s
/// `BitMap`: bucket `index >> 8`, bit `index & 0xff`).
fn settled_position(index: u32) -> (B256, usize, u8) {
    let bucket = B256::from(U256::from(index >> 8));
    // `index & 0xff` fits a byte.
    #[allow(clippy::cast_possible_truncation)]
    let bit = (index & 0xff) as u8;
    (bucket, 31 - usize::from(bit / 8), 1 << (bit % 8))
}

impl UsageAnchor {
    /// The slot of `field` for `keys` (one or two words): `keccak256(field ‖ keys)` (host
    /// keccak).
    fn slot(&self, field: Field, keys: &[&B256]) -> U256 {
        let mut preimage = [0u8; 96];
        preimage[31] = field as u8;
        for (i, key) in keys.iter().enumerate() {
            preimage[32 * (i + 1)..32 * (i + 2)].copy_from_slice(key.as_slice());
        }
        self.vm()
            .native_keccak256(&preimage[..32 * (keys.len() + 1)])
            .into()
    }

    /// Reads a word.
    pub(crate) fn read_word(&self, field: Field, keys: &[&B256]) -> B256 {
        self.vm().storage_load_bytes32(self.slot(field, keys))
    }

    /// Writes a word (through the host's storage cache, flushed at the end of the call and
    /// before every external call).
    pub(crate) fn write_word(&mut self, field: Field, keys: &[&B256], value: B256) {
        let slot = self.slot(field, keys);
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
        u64::from_be_bytes(get(&self.global(global), 24))
    }

    /// Writes a contract-wide word.
    pub(crate) fn set_global(&mut self, global: Global, value: B256) {
        // SAFETY: the contract has no `#[storage]` fields; the slots `0..=7` belong to
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

    /// An attestor's bond.
    pub(crate) fn bond_of(&self, attestor: Address) -> U256 {
        self.read_word(Field::AttestorBond, &[&attestor.into_word()])
            .into()
    }

    /// Sets an attestor's bond.
    pub(crate) fn set_bond(&mut self, attestor: Address, bond: U256) {
        self.write_word(Field::AttestorBond, &[&attestor.into_word()], bond.into());
    }

    /// An attestor's packed state.
    pub(crate) fn attestor_state(&self, attestor: Address) -> AttestorState {
        AttestorState::from_word(&self.read_word(Field::AttestorState, &[&attestor.into_word()]))
    }

    /// Sets an attestor's packed state.
    pub(crate) fn set_attestor_state(&mut self, attestor: Address, state: AttestorState) {
        self.write_word(
            Field::AttestorState,
            &[&attestor.into_word()],
            state.to_word(),
        );
    }

    /// `account`'s credited balance.
    pub(crate) fn credit_of_account(&self, account: Address) -> U256 {
        self.read_word(Field::Credit, &[&account.into_word()])
            .into()
    }

    /// Sets `account`'s credited balance.
    pub(crate) fn set_credit(&mut self, account: Address, amount: U256) {
        self.write_word(Field::Credit, &[&account.into_word()], amount.into());
    }

    /// The struct hash a batch was anchored with (zero when unknown).
    pub(crate) fn batch_hash(&self, key: &B256) -> B256 {
        self.read_word(Field::BatchHash, &[key])
    }

    /// Records a new batch's struct hash.
    pub(crate) fn set_batch_hash(&mut self, key: &B256, hash: B256) {
        self.write_word(Field::BatchHash, &[key], hash);
    }

    /// A batch's mutable record (all zero when unknown).
    pub(crate) fn batch_state(&self, key: &B256) -> BatchState {
        BatchState::from_word(&self.read_word(Field::BatchState, &[key]))
    }

    /// Sets a batch's mutable record.
    pub(crate) fn set_batch_state(&mut self, key: &B256, state: BatchState) {
        self.write_word(Field::BatchState, &[key], state.to_word());
    }

    /// Whether usage leaf `index` of a batch was settled.
    pub(crate) fn is_settled(&self, key: &B256, index: u32) -> bool {
        let (bucket, byte, mask) = settled_position(index);
        self.read_word(Field::Settled, &[key, &bucket])[byte] & mask != 0
    }

    /// Marks usage leaves settled, one read and one write per bitmap word touched in a row;
    /// `Err(index)` for the first leaf that already was (also when `indices` repeats one).
    pub(crate) fn mark_settled(&mut self, key: &B256, indices: &[u32]) -> Result<(), u32> {
        let mut current: Option<(B256, B256)> = None;
        for &index in indices {
            let (bucket, byte, mask) = settled_position(index);
            let mut word = match current {
                Some((held, word)) if held == bucket => word,
                other => {
                    if let Some((held, word)) = other {
                        self.write_word(Field::Settled, &[key, &held], word);
                    }
                    self.read_word(Field::Settled, &[key, &bucket])
                }
            };
            if word[byte] & mask != 0 {
                return Err(index);
            }
            word[byte] |= mask;
            current = Some((bucket, word));
        }
        if let Some((bucket, word)) = current {
            self.write_word(Field::Settled, &[key, &bucket], word);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_words_round_trip() {
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
        let batch = BatchState {
            anchored_at: u64::MAX,
            status: 4,
            round: u16::MAX,
            settled_receipts: u32::MAX,
            settled_units: (1 << 96) - 1,
        };
        assert_eq!(BatchState::from_word(&batch.to_word()), batch);
    }

    #[test]
    fn settled_positions_follow_openzeppelin_bitmap() {
        // bucket = index >> 8; bit = index & 0xff (LSB first).
        let (bucket, byte, mask) = settled_position(0x1_09);
        assert_eq!(U256::from_be_bytes(bucket.0), U256::from(1));
        assert_eq!((byte, mask), (30, 0b10));
        assert_eq!(settled_position(255).1, 0);
        assert_eq!(settled_position(255).2, 0x80);
    }
}
