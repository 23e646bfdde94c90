//! Storage layout of splits, their versions and per-token books.
//!
//! Every datum of a split is one 32-byte storage word at
//! `slot = keccak256(field ++ key words)`, where `field` (a [`Field`] discriminant, as a word)
//! says what the word holds and the key words say whose it is (each key word is an ABI word: a
//! `uint256`, a `uint32` version or a left-padded address). Reading or writing a datum is one
//! hash and one `SLOAD`/`SSTORE`, with no nested mapping hashes and no per-struct slot
//! arithmetic in the WASM, which is what keeps this contract under the 24 KiB code limit.
//! Preimages start with a field number (1..=14; 2, 11, 12 and 13 are retired) and are 64 to 160
//! bytes long, so they can neither collide with each other nor with the small fixed slots of the
//! contract's `#[storage]` fields (owner, pending owner, pause flag, split count at slots 0..=3).
//!
//! ```text
//! field             key                                  value
//! Split             (split)                              header: controller, current version,
//!                                                        its total shares (see `Header`)
//! Receiver          (split)                              ERC-2981 forwarder, 0 until created
//! TotalShares       (split, version)                     sum of shares (Merkle: as committed)
//! RegisteredShares  (split, version)                     Merkle: shares of proven members
//! RecipientCount    (split, version)                     listed: number of recipients
//! Root              (split, version)                     Merkle root; 0 for a listed version
//! Shares            (split, version, member)             shares (low 64 bits; listed at creation,
//!                                                        Merkle at first proof) · native currency
//!                                                        paid (high 192 bits)
//! Accumulator       (split, version, token)              per-share accumulator (2^-64 wei/share)
//!                                                        << 64 | carried remainder (2^-64 wei)
//! Paid              (split, version, token, member)      ERC-20 entitlement already paid out
//! SplitOfReceiver   (receiver)                           the split whose forwarder it is, 0 if none
//! ```
//!
//! A deposit reads the pause flag, the split's header and one accumulator word, and writes that
//! word back: everything it needs is in two keccak-addressed words. What a split has received is
//! not stored: each version's accumulator word determines it exactly
//! (`total * acc + remainder == deposited * 2^64`, see `crate::accounting`), so
//! `splitBalance` sums it over the versions. What a split has paid out is not stored either: a
//! withdrawal rewrites the member's `Shares` word (native currency) or writes its `Paid` word
//! (an ERC-20) and nothing else (the `SplitWithdrawn` events carry the amounts).
//!
//! A version never changes once superseded: updating a split opens version `v + 1` and new
//! deposits accrue there, so what was accrued under the old shares stays claimable from the old
//! version, in O(1), whatever the number of tokens or recipients. A superseded version's carried
//! remainder (less than one wei) stays with it.

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;
use tributary_abi::abi_words::Word;

use crate::RoyaltySplitter;

/// A storage word (or key word): the ABI word of a number or an address.
pub(crate) fn word<T: Word>(value: T) -> B256 {
    B256::new(value.word())
}

/// What a storage word holds (see the module docs for each field's key). Numbers 2, 11, 12 and
/// 13 held the version, deposited total, remainder and withdrawn total before they moved into
/// `Split` and `Accumulator` or were dropped; they are not reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Field {
    /// `(split)`: the header ([`Header`]).
    Split = 1,
    /// `(split)`: the ERC-2981 receiver.
    Receiver = 3,
    /// `(split, version)`: total shares.
    TotalShares = 4,
    /// `(split, version)`: registered Merkle shares.
    RegisteredShares = 5,
    /// `(split, version)`: listed recipient count.
    RecipientCount = 6,
    /// `(split, version)`: Merkle root.
    Root = 7,
    /// `(split, version, member)`: shares and native currency paid
    /// (`crate::accounting::member_word`).
    Shares = 8,
    /// `(split, version, token)`: per-share accumulator and carried remainder
    /// (`crate::accounting::pack`).
    Accumulator = 9,
    /// `(split, version, token, member)`: ERC-20 paid out (native currency: in `Shares`).
    Paid = 10,
    /// `(receiver)`: the split whose ERC-2981 forwarder `receiver` is (the reverse of
    /// `Receiver`), written when the forwarder is deployed.
    SplitOfReceiver = 14,
}

/// A split's header word: `controller << 96 | version << 64 | total`, where `total` is the
/// total shares of the current version (below `2^64`, also stored per version in
/// `TotalShares`). A split exists iff its header is not zero: every version has at least one
/// share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// Who may update the split; zero = immutable.
    pub controller: Address,
    /// The current version: deposits accrue to it.
    pub version: u32,
    /// The current version's total shares.
    pub total: u64,
}

impl Header {
    /// The header stored in `word` (`None`: no such split).
    pub fn decode(word: B256) -> Option<Self> {
        if word.is_zero() {
            return None;
        }
        let mut controller = [0u8; 20];
        controller.copy_from_slice(&word[..20]);
        let mut version = [0u8; 4];
        version.copy_from_slice(&word[20..24]);
        let mut total = [0u8; 8];
        total.copy_from_slice(&word[24..]);
        Some(Self {
            controller: Address::new(controller),
            version: u32::from_be_bytes(version),
            total: u64::from_be_bytes(total),
        })
    }

    /// The storage word of this header.
    pub fn encode(self) -> B256 {
        let mut word = [0u8; 32];
        word[..20].copy_from_slice(self.controller.as_slice());
        word[20..24].copy_from_slice(&self.version.to_be_bytes());
        word[24..].copy_from_slice(&self.total.to_be_bytes());
        B256::new(word)
    }
}

/// Key words of a split.
pub fn of_split(split_id: U256) -> [B256; 1] {
    [word(split_id)]
}

/// Key words of a royalty receiver (forwarder) address.
pub fn of_receiver(receiver: Address) -> [B256; 1] {
    [word(receiver)]
}

/// Key words of a split version.
pub fn of_version(split_id: U256, version: u32) -> [B256; 2] {
    [word(split_id), word(version)]
}

/// Key words of an account (member or token) in a split version.
pub fn of_version_account(split_id: U256, version: u32, account: Address) -> [B256; 3] {
    [word(split_id), word(version), word(account)]
}

/// Key words of a member's payouts of a token in a split version.
pub fn of_paid(split_id: U256, version: u32, token: Address, member: Address) -> [B256; 4] {
    [word(split_id), word(version), word(token), word(member)]
}

impl RoyaltySplitter {
    /// The slot of `field` for `key`: `keccak256(field ++ key)` (native keccak).
    fn slot(&self, field: Field, key: &[B256]) -> U256 {
        let mut preimage = [0u8; 160];
        preimage[31] = field as u8;
        let len = 32 * (1 + key.len().min(4));
        for (chunk, word) in preimage[32..len].chunks_exact_mut(32).zip(key) {
            chunk.copy_from_slice(word.as_slice());
        }
        self.vm().native_keccak256(&preimage[..len]).into()
    }

    /// Reads a word.
    pub(crate) fn read(&self, field: Field, key: &[B256]) -> B256 {
        self.vm().storage_load_bytes32(self.slot(field, key))
    }

    /// Reads a word as an unsigned integer.
    pub(crate) fn read_uint(&self, field: Field, key: &[B256]) -> U256 {
        self.read(field, key).into()
    }

    /// Reads a word as an address.
    pub(crate) fn read_address(&self, field: Field, key: &[B256]) -> Address {
        Address::from_word(self.read(field, key))
    }

    /// Reads a word as a small count (`u32`; larger values are never stored).
    pub(crate) fn read_small(&self, field: Field, key: &[B256]) -> u32 {
        let word = self.read(field, key);
        u32::from_be_bytes([word[28], word[29], word[30], word[31]])
    }

    /// A split's header (`None`: no such split).
    pub(crate) fn header(&self, split_id: U256) -> Option<Header> {
        Header::decode(self.read(Field::Split, &of_split(split_id)))
    }

    /// Writes a split's header.
    pub(crate) fn write_header(&mut self, split_id: U256, header: Header) {
        self.write(Field::Split, &of_split(split_id), header.encode());
    }

    /// Writes a word (through the SDK's storage cache, flushed at the end of the call and
    /// before every external call the contract makes).
    pub(crate) fn write(&mut self, field: Field, key: &[B256], value: B256) {
        let slot = self.slot(field, key);
        // SAFETY: the slot is a keccak256 output of a namespaced preimage (see the module
        // docs); no `#[storage]` field of this contract lives there, so no typed accessor
        // aliases it.
        unsafe { self.vm().storage_cache_bytes32(slot, value) };
    }

    /// Writes an unsigned integer.
    pub(crate) fn write_uint(&mut self, field: Field, key: &[B256], value: U256) {
        self.write(field, key, word(value));
    }
}
