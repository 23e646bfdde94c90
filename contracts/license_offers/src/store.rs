//! Storage of offers as keccak-addressed words.
//!
//! Every datum is one 32-byte word at `slot = keccak256(field ‖ offer id)` (a 33-byte preimage,
//! so it collides neither with another datum nor with `StorageMap` slots, which hash 64 bytes).
//! One host keccak and one `SLOAD`/`SSTORE` per datum, without the slot arithmetic a
//! `#[storage]` struct in a map generates (kilobytes of WASM under the 24 KiB limit). The terms
//! URI is not stored here: `LicenseNft` stores it with the license terms.
//!
//! ```text
//! field      word (limb 0 = low 64 bits)
//! Dataset    dataset id
//! Price      price
//! Payment    payment token (bits 0..160) · limb 3 duration (seconds, 0 = perpetual)
//! Supply     limb 0 max supply (0 = unlimited) · limb 1 minted · limb 2 split id (never 0:
//!            a zero word is no offer; below 2^64, see `tributary_abi::packed::OfferIds`) ·
//!            limb 3 flags (paused 1, retired 2)
//! TermsHash  keccak256 of the terms document
//! ```

use alloy_primitives::U256;
use stylus_sdk::prelude::*;

use crate::LicenseOffers;

/// What a storage word holds (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Field {
    /// Dataset id.
    Dataset = 1,
    // 2 held the split id before it moved into `Supply`; not reused.
    /// Price.
    Price = 3,
    /// Payment token and duration.
    Payment = 4,
    /// Max supply, minted, flags.
    Supply = 5,
    /// Terms hash.
    TermsHash = 6,
}

/// `Supply` flag: paused.
pub const PAUSED: u64 = 1;
/// `Supply` flag: retired.
pub const RETIRED: u64 = 2;

impl LicenseOffers {
    /// The slot of `field` for `offer_id`: `keccak256(field ‖ offer_id)` (host keccak).
    #[inline(never)]
    fn slot(&self, field: Field, offer_id: U256) -> U256 {
        let mut preimage = [0u8; 33];
        preimage[0] = field as u8;
        preimage[1..].copy_from_slice(&offer_id.to_be_bytes::<32>());
        self.vm().native_keccak256(&preimage).into()
    }

    /// Reads the word at `slot`.
    #[inline(never)]
    fn load(&self, slot: U256) -> U256 {
        self.vm().storage_load_bytes32(slot).into()
    }

    /// Writes the word at `slot` (through the SDK's storage cache, flushed at the end of the
    /// call and before every external call the contract makes).
    #[inline(never)]
    fn store(&mut self, slot: U256, value: U256) {
        // SAFETY: `slot` is a keccak256 output of a 33-byte namespaced preimage (see the module
        // docs); no `#[storage]` field lives there.
        unsafe { self.vm().storage_cache_bytes32(slot, value.into()) };
    }

    /// Reads a word.
    #[inline(never)]
    pub(crate) fn read(&self, field: Field, offer_id: U256) -> U256 {
        self.load(self.slot(field, offer_id))
    }

    /// Writes a word.
    #[inline(never)]
    pub(crate) fn write(&mut self, field: Field, offer_id: U256, value: U256) {
        let slot = self.slot(field, offer_id);
        self.store(slot, value);
    }
}
