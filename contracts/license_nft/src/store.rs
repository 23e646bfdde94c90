//! Storage of offer terms, license stamps and rentals as keccak-addressed words.
//!
//! Every datum is one 32-byte word at `slot = keccak256(field ‖ key)`: `field` is one byte (a
//! [`Field`] discriminant) and `key` the 32-byte offer or token id, so a preimage is 33 bytes
//! and can collide neither with another datum nor with the `StorageMap` slots of the
//! `#[storage]` fields (`OpenZeppelin`'s ERC-721 maps hash 64-byte preimages). Reading or writing
//! a datum is one host keccak and one `SLOAD`/`SSTORE`, without the per-struct slot arithmetic
//! `#[storage]` structs in maps generate, which is what keeps this contract under the 24 KiB
//! code limit. Small values share a word; its 64-bit limbs are the units of packing:
//!
//! ```text
//! field       key     word (limb 0 = low 64 bits)
//! Ids         offer   limb 0 dataset id · limb 1 split id · bits 128..160 scope bits ·
//!                     bits 160..256 usage rate (`tributary_abi::packed::OfferIds`)
//! Payment     offer   payment token (bits 0..160) · limb 3: `PackedTerms` (usageUnit 8 | flags 8:
//!                     transferable 1, rentable 2, registered 4 | tierCount 8 | resaleBps 16)
//! Receiver    offer   ERC-2981 receiver (bits 0..160) · bits 160..192: the terms URI's byte
//!                     length · limb 3: tier bps, 16 bits per tier
//!
//! The offer words are the ones `registerOffer` receives, laid out once in
//! `tributary_abi::packed`.
//! Arbiter     offer   arbiter (bits 0..160)
//! Threshold1+ offer   cumulative revenue at which tier 1, 2, 3 starts (tier 0 starts at 0)
//! Revoked     token   the revocation time (written only when the license is revoked)
//! Rental      token   ERC-4907 user (bits 0..160) · limb 3 expires (inclusive)
//! Uri         offer   the terms URI's bytes, filling the words at slot, slot + 1, …
//!                     left-aligned (its length is in the receiver word)
//! ```
//!
//! # The stamp: one word per license, shared with the ERC-721 owner
//!
//! A license's stamp lives in the high 96 bits of `OpenZeppelin`'s ERC-721 owner slot of the
//! token, `keccak256(tokenId ‖ 0)` (`erc721` is the contract's first storage field, at slot 0,
//! and `owners` the first field of `Erc721`). Minting a license therefore writes one fresh word,
//! not two:
//!
//! ```text
//! bits      holds
//! 0..160    the holder (OpenZeppelin's `StorageAddress`; zero = no such token)
//! 160..200  startsAt (unix seconds)
//! 200..240  expiresAt (unix seconds, 0 = perpetual)
//! 240..248  flags: revoked 1, inDebt 2
//! ```
//!
//! This relies on two facts of stylus-sdk 0.9, checked by the unit tests (`stamp_survives_
//! transfers`): a `StorageMap` value of type `StorageAddress` occupies bytes 12..32 of its slot
//! (`CHILD_OFFSET = 32 − 20`, Solidity's layout), and `StorageAddress::set` rewrites only those
//! bytes (it loads the word and patches them), so `OpenZeppelin`'s transfers keep the stamp and
//! [`LicenseNft::write_stamp`], which always writes back a word read from the slot with only its
//! high bits changed, keeps the holder. Both go through the host's storage cache, so neither
//! sees a stale copy. The offer of a license is not stored: its token id names it
//! (`tributary_abi::packed::token_offer`).

use alloc::vec::Vec;

use alloy_primitives::U256;
use stylus_sdk::prelude::*;
pub use tributary_abi::packed::{
    address_word, limb, word_address, REGISTERED, RENTABLE, TRANSFERABLE,
};

use crate::LicenseNft;

/// What a storage word holds (see the module docs for its key and packing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Field {
    /// `(offer)`: dataset id, split id and scope bits (`OfferIds`). Numbers 2 and 3 held the
    /// split id and the scope before they joined this word; they are not reused.
    Ids = 1,
    // 4 held the usage rate before it joined the ids word; not reused.
    /// `(offer)`: payment token, unit, flags, tier count, resale bps.
    Payment = 5,
    /// `(offer)`: royalty receiver and tier bps.
    Receiver = 6,
    /// `(offer)`: arbiter.
    Arbiter = 7,
    /// `(offer)`: threshold of tier 1.
    Threshold1 = 8,
    /// `(offer)`: threshold of tier 2.
    Threshold2 = 9,
    /// `(offer)`: threshold of tier 3.
    Threshold3 = 10,
    // 11 held the license stamp before it moved into the ERC-721 owner slot; not reused.
    /// `(token)`: the ERC-4907 rental.
    Rental = 12,
    /// `(offer)`: the terms URI's bytes; they fill the next words too.
    Uri = 13,
    /// `(token)`: when the license was revoked.
    Revoked = 14,
}

/// Stamp flag: revoked.
pub const REVOKED: u64 = 1;
/// Stamp flag: in debt.
pub const IN_DEBT: u64 = 2;
/// Bit position of the flags in the stamp (limb 3, bit 48).
const FLAGS_SHIFT: u32 = 48;
/// The largest time a stamp holds (40 bits, the year 36812); offers refuse durations that would
/// pass it (`tributary_abi::terms::MAX_DURATION`).
pub const MAX_TIME: u64 = (1 << 40) - 1;

/// The startsAt of a stamp: bits 160..200, the high half of limb 2 and the low byte of limb 3.
pub fn stamp_starts(stamp: U256) -> u64 {
    ((limb(stamp, 2) >> 32) | (limb(stamp, 3) << 32)) & MAX_TIME
}

/// The expiresAt of a stamp: bits 200..240, bits 8..48 of limb 3.
pub fn stamp_expires(stamp: U256) -> u64 {
    (limb(stamp, 3) >> 8) & MAX_TIME
}

/// `word` (a token's owner slot) stamped with `starts_at` and `expires_at`, both at most
/// [`MAX_TIME`].
pub fn stamped(word: U256, starts_at: u64, expires_at: u64) -> U256 {
    let mut limbs = word.into_limbs();
    limbs[2] |= starts_at << 32;
    limbs[3] |= (starts_at >> 32) | (expires_at << 8);
    U256::from_limbs(limbs)
}

/// The flags of a stamp.
pub fn stamp_flags(stamp: U256) -> u64 {
    limb(stamp, 3) >> FLAGS_SHIFT
}

/// `stamp` with `flag` set to `on`.
pub fn with_flag(stamp: U256, flag: u64, on: bool) -> U256 {
    let mut limbs = stamp.into_limbs();
    if on {
        limbs[3] |= flag << FLAGS_SHIFT;
    } else {
        limbs[3] &= !(flag << FLAGS_SHIFT);
    }
    U256::from_limbs(limbs)
}

impl LicenseNft {
    /// The slot of `field` for `key`: `keccak256(field ‖ key)` (host keccak).
    #[inline(never)]
    fn slot(&self, field: Field, key: U256) -> U256 {
        let mut preimage = [0u8; 33];
        preimage[0] = field as u8;
        preimage[1..].copy_from_slice(&key.to_be_bytes::<32>());
        self.vm().native_keccak256(&preimage).into()
    }

    /// Reads the word at `slot`.
    fn load(&self, slot: U256) -> U256 {
        self.vm().storage_load_bytes32(slot).into()
    }

    /// Writes the word at `slot` (through the SDK's storage cache, flushed at the end of the
    /// call and before every external call the contract makes).
    fn store(&mut self, slot: U256, value: U256) {
        // SAFETY: `slot` is the keccak256 of a 33-byte namespaced preimage, or one of the words
        // after a URI's slot (see the module docs), where no `#[storage]` field of this
        // contract lives; or a token's ERC-721 owner slot, which `write_stamp` shares with
        // `OpenZeppelin`'s owner accessor by design (the module docs say why neither clobbers
        // the other's bits).
        unsafe { self.vm().storage_cache_bytes32(slot, value.into()) };
    }

    /// Reads a word.
    #[inline(never)]
    pub(crate) fn read(&self, field: Field, key: U256) -> U256 {
        self.load(self.slot(field, key))
    }

    /// Writes a word.
    #[inline(never)]
    pub(crate) fn write(&mut self, field: Field, key: U256, value: U256) {
        let slot = self.slot(field, key);
        self.store(slot, value);
    }

    /// The stamp of `token_id` (see the module docs): its ERC-721 owner slot,
    /// `keccak256(tokenId ‖ 0)`.
    #[inline(never)]
    fn stamp_slot(&self, token_id: U256) -> U256 {
        let mut preimage = [0u8; 64];
        preimage[..32].copy_from_slice(&token_id.to_be_bytes::<32>());
        self.vm().native_keccak256(&preimage).into()
    }

    /// Reads the stamp of `token_id` (zero holder bits: no such token).
    pub(crate) fn read_stamp(&self, token_id: U256) -> U256 {
        self.load(self.stamp_slot(token_id))
    }

    /// Writes the stamp of `token_id`; `stamp` must be a word read from the slot with only its
    /// high 96 bits changed, so that the holder stays.
    pub(crate) fn write_stamp(&mut self, token_id: U256, stamp: U256) {
        let slot = self.stamp_slot(token_id);
        self.store(slot, stamp);
    }

    /// Stores the bytes of the terms URI of `offer_id` in consecutive words from its slot (its
    /// length is in the receiver word).
    pub(crate) fn write_uri(&mut self, offer_id: U256, uri: &[u8]) {
        let mut slot = self.slot(Field::Uri, offer_id);
        for chunk in uri.chunks(32) {
            let mut word = [0u8; 32];
            word[..chunk.len()].copy_from_slice(chunk);
            self.store(slot, U256::from_be_bytes(word));
            slot += U256::from(1);
        }
    }

    /// The terms URI of `offer_id`.
    pub(crate) fn read_uri(&self, offer_id: U256) -> Vec<u8> {
        let mut slot = self.slot(Field::Uri, offer_id);
        // Bits 160..192 of the receiver word (see the module docs).
        let len = (limb(self.read(Field::Receiver, offer_id), 2) >> 32) as usize;
        let mut uri = Vec::with_capacity(len + 32);
        while uri.len() < len {
            uri.extend_from_slice(&self.load(slot).to_be_bytes::<32>());
            slot += U256::from(1);
        }
        uri.truncate(len);
        uri
    }
}
