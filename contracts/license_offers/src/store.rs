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
//! Payment    payment token (bits 0..160) · price (bits 160..256, below 2^96)
//! Supply     limb 0: max supply (bits 0..32, 0 = unlimited) and minted (bits 32..64) ·
//!            limb 1 dataset id · limb 2 split id (never 0: a zero word is no offer) ·
//!            limb 3: flags (bits 0..8: paused 1, retired 2) and the license duration
//!            (bits 8..64, seconds, 0 = perpetual); the ids are below 2^64, see
//!            `tributary_abi::packed::OfferIds`
//! TermsHash  keccak256 of the terms document
//! ```

use alloy_primitives::U256;
use stylus_sdk::prelude::*;
use tributary_abi::packed::limb;

use crate::LicenseOffers;

/// What a storage word holds (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Field {
    // 1 and 2 held the dataset and split ids before they moved into `Supply`, 3 the price
    // before it joined `Payment`; not reused.
    /// Payment token and price.
    Payment = 4,
    /// Max supply, minted, ids, flags and duration.
    Supply = 5,
    /// Terms hash.
    TermsHash = 6,
}

/// `Supply` flag: paused.
pub const PAUSED: u64 = 1;
/// `Supply` flag: retired.
pub const RETIRED: u64 = 2;

/// Bit position of the license duration in limb 3 of the supply word.
pub(crate) const DURATION_SHIFT: u32 = 8;

/// The license duration of a supply word (seconds, 0 = perpetual).
pub(crate) fn duration(supply: U256) -> u64 {
    limb(supply, 3) >> DURATION_SHIFT
}

/// The max supply of a supply word (0 = unlimited).
pub(crate) fn max_supply(supply: U256) -> u32 {
    // Bits 0..32 of limb 0.
    #[allow(clippy::cast_possible_truncation)]
    let max = limb(supply, 0) as u32;
    max
}

/// How many licenses of an offer were minted (its supply word's bits 32..64).
pub(crate) fn minted(supply: U256) -> u32 {
    #[allow(clippy::cast_possible_truncation)]
    let minted = (limb(supply, 0) >> 32) as u32;
    minted
}

/// `supply` with the counts `max_supply` and `minted`.
pub(crate) fn with_counts(supply: U256, max_supply: u32, minted: u32) -> U256 {
    let mut limbs = supply.into_limbs();
    limbs[0] = u64::from(max_supply) | (u64::from(minted) << 32);
    U256::from_limbs(limbs)
}

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
