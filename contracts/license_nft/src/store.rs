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
//! Ids         offer   limb 0 dataset id · limb 1 split id · limb 2 scope bits
//!                     (`tributary_abi::packed::OfferIds`)
//! Rate        offer   usage rate
//! Payment     offer   payment token (bits 0..160) · limb 3: `PackedTerms` (usageUnit 8 | flags 8:
//!                     transferable 1, rentable 2, registered 4 | tierCount 8 | resaleBps 16)
//! Receiver    offer   ERC-2981 receiver (bits 0..160) · limb 3: tier bps, 16 bits per tier
//!
//! The offer words are the ones `registerOffer` receives, laid out once in
//! `tributary_abi::packed`.
//! Arbiter     offer   arbiter (bits 0..160)
//! Threshold1+ offer   cumulative revenue at which tier 1, 2, 3 starts (tier 0 starts at 0)
//! Stamp       token   limb 0 offer id (0 = no token) · limb 1 startsAt · limb 2 expiresAt ·
//!                     limb 3: flags (bits 0..8: revoked 1, inDebt 2) · revokedAt (bits 8..64)
//! Rental      token   ERC-4907 user (bits 0..160) · limb 3 expires (inclusive)
//! Uri         offer   byte length of the terms URI; its bytes fill the words at slot + 1 …,
//!                     left-aligned
//! ```

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
    /// `(offer)`: usage rate.
    Rate = 4,
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
    /// `(token)`: the license stamp.
    Stamp = 11,
    /// `(token)`: the ERC-4907 rental.
    Rental = 12,
    /// `(offer)`: byte length of the terms URI; its bytes fill the next words.
    Uri = 13,
}

/// `Stamp` flag: revoked.
pub const REVOKED: u64 = 1;
/// `Stamp` flag: in debt.
pub const IN_DEBT: u64 = 2;
/// Bit position of the revocation time (unix seconds) in the stamp's limb 3.
pub const REVOKED_AT_SHIFT: u32 = 8;

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
        // after the URI's (see the module docs); no `#[storage]` field of this contract lives
        // there, so no typed accessor aliases it.
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

    /// Stores the terms URI of `offer_id`: its length, then its bytes in the next words.
    pub(crate) fn write_uri(&mut self, offer_id: U256, uri: &[u8]) {
        let mut slot = self.slot(Field::Uri, offer_id);
        self.store(slot, U256::from(uri.len()));
        for chunk in uri.chunks(32) {
            let mut word = [0u8; 32];
            word[..chunk.len()].copy_from_slice(chunk);
            slot += U256::from(1);
            self.store(slot, U256::from_be_bytes(word));
        }
    }

    /// The terms URI of `offer_id`.
    pub(crate) fn read_uri(&self, offer_id: U256) -> Vec<u8> {
        let mut slot = self.slot(Field::Uri, offer_id);
        let len = usize::try_from(limb(self.load(slot), 0)).unwrap_or_default();
        let mut uri = Vec::with_capacity(len + 32);
        while uri.len() < len {
            slot += U256::from(1);
            uri.extend_from_slice(&self.load(slot).to_be_bytes::<32>());
        }
        uri.truncate(len);
        uri
    }
}
