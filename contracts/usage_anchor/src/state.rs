//! Storage layout of attestors, credits, batches and settled usage leaves.
//!
//! Every keyed datum is one 32-byte storage word at `slot = keccak256(field ‖ key [‖ key2])`,
//! where `field` is a [`Field`] discriminant (as a word) and the keys are ABI words (an address,
//! a batch key, a bitmap bucket). One host keccak and one `SLOAD`/`SSTORE` per
//! word: no `StorageMap` (whose key hashing would link a software keccak into the WASM) and no
//! per-struct slot arithmetic. Preimages are 64 or 96 bytes starting with a field number
//! (1..=5), so they collide neither with each other nor with the contract-wide words at the
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
//! Batch           batchKey              hashPrefix [0..21] | anchoredAt [21..29] | status [29] |
//!                                       round [30..32]
//! Settled         batchKey, bucket      bucket 0: settledReceipts [0..4] | settledUnits [4..16] |
//!                                       flags of leaves 0..128 [16..32];
//!                                       bucket b > 0: flags of leaves 128 + 256 (b - 1) ..
//! ```
//!
//! One word per anchored batch, so anchoring writes one fresh storage word (20,000 gas, not
//! 40,000 or more). `hashPrefix` is the first 21 bytes (168 bits) of the batch's EIP-712
//! `hashStruct`: calls take the batch in calldata and must match it, and presenting another
//! batch with the same prefix is a second-preimage search of 2^168 (a collision, 2^84, would
//! only let the attestor confuse two batches it signed itself). The settled totals share the
//! first bitmap word, which settlement writes anyway: a one-leaf settlement writes one word.
//! Leaf flags are bits, least significant first (like `OpenZeppelin`'s `BitMap`). Integers
//! inside packed words are big-endian.

use alloc::vec::Vec;

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
    /// `(batchKey)`: packed [`BatchState`].
    Batch = 4,
    /// `(batchKey, bucket)`: settled flags (and, in bucket 0, the settled totals).
    Settled = 5,
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

/// Bytes of a batch's struct hash kept on chain.
pub use tributary_abi::usage::BATCH_HASH_PREFIX as HASH_PREFIX;

/// The record of an anchored batch (all zero for an unknown one). The signed fields are not
/// stored: calls take the batch in calldata and match its hash prefix.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchState {
    /// The first [`HASH_PREFIX`] bytes of the batch's EIP-712 `hashStruct`.
    pub hash_prefix: [u8; HASH_PREFIX],
    /// When it was anchored (unix seconds).
    pub anchored_at: u64,
    /// Life-cycle state (`batches::STATUS_*`).
    pub status: u8,
    /// Challenge rounds opened so far (a round ends with the arbiter's ruling).
    pub round: u16,
}

/// What the leaves settled (or skipped) so far used of a batch's signed totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settled {
    /// Receipts of the settled leaves.
    pub receipts: u32,
    /// Units of the settled leaves (below 2^96).
    pub units: u128,
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
        Self {
            hash_prefix: get(word, 0),
            anchored_at: u64::from_be_bytes(get(word, 21)),
            status: word[29],
            round: u16::from_be_bytes(get(word, 30)),
        }
    }

    /// Packs the word.
    fn to_word(self) -> B256 {
        let mut word = B256::ZERO;
        word[..21].copy_from_slice(&self.hash_prefix);
        word[21..29].copy_from_slice(&self.anchored_at.to_be_bytes());
        word[29] = self.status;
        word[30..].copy_from_slice(&self.round.to_be_bytes());
        word
    }

    /// Whether `hash` is the struct hash this batch was anchored with.
    pub fn matches(&self, hash: &B256) -> bool {
        hash[..HASH_PREFIX] == self.hash_prefix
    }
}

impl Settled {
    /// The totals in bitmap word 0.
    fn from_word(word: &B256) -> Self {
        let mut units = [0u8; 16];
        units[4..].copy_from_slice(&word[4..16]);
        Self {
            receipts: u32::from_be_bytes(get(word, 0)),
            units: u128::from_be_bytes(units),
        }
    }

    /// Writes the totals into bitmap word 0 (`units` below 2^96).
    fn write_into(self, word: &mut B256) {
        word[..4].copy_from_slice(&self.receipts.to_be_bytes());
        word[4..16].copy_from_slice(&self.units.to_be_bytes()[4..]);
    }
}

/// Leaves whose flags share bitmap word 0 with the settled totals.
const FIRST_BUCKET_LEAVES: u32 = 128;

/// The bitmap bucket of leaf `index`, and the byte and mask of its flag in the bucket's word.
fn settled_position(index: u32) -> (u32, usize, u8) {
    let (bucket, bit) = if index < FIRST_BUCKET_LEAVES {
        (0, index)
    } else {
        let rest = index - FIRST_BUCKET_LEAVES;
        ((rest >> 8) + 1, rest & 0xff)
    };
    // `bit < 256`.
    #[allow(clippy::cast_possible_truncation)]
    let bit = bit as u8;
    (bucket, 31 - usize::from(bit / 8), 1 << (bit % 8))
}

/// The key word of bitmap bucket `bucket`.
fn bucket_key(bucket: u32) -> B256 {
    B256::from(U256::from(bucket))
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

    /// A batch's record (all zero when unknown).
    pub(crate) fn batch_state(&self, key: &B256) -> BatchState {
        BatchState::from_word(&self.read_word(Field::Batch, &[key]))
    }

    /// Sets a batch's record.
    pub(crate) fn set_batch_state(&mut self, key: &B256, state: BatchState) {
        self.write_word(Field::Batch, &[key], state.to_word());
    }

    /// What the settled leaves of a batch used of its signed totals.
    pub(crate) fn settled_totals(&self, key: &B256) -> Settled {
        Settled::from_word(&self.read_word(Field::Settled, &[key, &bucket_key(0)]))
    }

    /// Records what the settled leaves of a batch used of its signed totals (bitmap word 0).
    pub(crate) fn set_settled_totals(&mut self, key: &B256, totals: Settled) {
        let mut word = self.read_word(Field::Settled, &[key, &bucket_key(0)]);
        totals.write_into(&mut word);
        self.write_word(Field::Settled, &[key, &bucket_key(0)], word);
    }

    /// Whether usage leaf `index` of a batch was settled.
    pub(crate) fn is_settled(&self, key: &B256, index: u32) -> bool {
        let (bucket, byte, mask) = settled_position(index);
        self.read_word(Field::Settled, &[key, &bucket_key(bucket)])[byte] & mask != 0
    }

    /// Marks usage leaves settled, one read and one write per bitmap word touched;
    /// `Err(index)` for the first leaf that already was (also when `indices` repeats one), with
    /// nothing written. Word 0 (which holds the totals) is always written, with `totals`.
    #[allow(clippy::single_match_else)]
    pub(crate) fn mark_settled(
        &mut self,
        key: &B256,
        indices: &[u32],
        totals: Settled,
    ) -> Result<(), u32> {
        let mut first = self.read_word(Field::Settled, &[key, &bucket_key(0)]);
        let mut others: Vec<(u32, B256)> = Vec::new();
        for &index in indices {
            let (bucket, byte, mask) = settled_position(index);
            let word = if bucket == 0 {
                &mut first
            } else {
                let at = match others.iter().position(|(b, _)| *b == bucket) {
                    Some(at) => at,
                    None => {
                        let word = self.read_word(Field::Settled, &[key, &bucket_key(bucket)]);
                        others.push((bucket, word));
                        others.len() - 1
                    }
                };
                &mut others[at].1
            };
            if word[byte] & mask != 0 {
                return Err(index);
            }
            word[byte] |= mask;
        }
        totals.write_into(&mut first);
        self.write_word(Field::Settled, &[key, &bucket_key(0)], first);
        for (bucket, word) in others {
            self.write_word(Field::Settled, &[key, &bucket_key(bucket)], word);
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
            hash_prefix: [0xab; HASH_PREFIX],
            anchored_at: u64::MAX,
            status: 4,
            round: u16::MAX,
        };
        assert_eq!(BatchState::from_word(&batch.to_word()), batch);
        let totals = Settled {
            receipts: u32::MAX,
            units: (1 << 96) - 1,
        };
        let mut word = B256::repeat_byte(0xff);
        word[..16].fill(0);
        totals.write_into(&mut word);
        assert_eq!(Settled::from_word(&word), totals);
        assert_eq!(&word[16..], &[0xff; 16], "the flags are untouched");
    }

    #[test]
    fn settled_positions_share_word_zero_with_the_totals() {
        // Leaves 0..128: bucket 0, bit = index (LSB first) in bytes 16..32.
        assert_eq!(settled_position(0), (0, 31, 1));
        assert_eq!(settled_position(9), (0, 30, 0b10));
        assert_eq!(settled_position(127), (0, 16, 0x80));
        // Then 256 per bucket.
        assert_eq!(settled_position(128), (1, 31, 1));
        assert_eq!(settled_position(383), (1, 0, 0x80));
        assert_eq!(settled_position(384), (2, 31, 1));
        assert_eq!(settled_position(u32::MAX).0, ((u32::MAX - 128) >> 8) + 1);
    }
}
