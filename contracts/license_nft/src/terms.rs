//! The terms a license token is judged by, one copy per offer.
//!
//! `LicenseOffers` owns the offer book (validation, price, supply, pause, retire, terms URI)
//! and, when an offer is created, registers here the immutable terms that licenses are checked
//! against: dataset, split, scope, payment token, usage unit and rate, derivative royalty tiers,
//! transferable, rentable, resale royalty bps and receiver, arbiter, and the terms URI (every
//! license's `tokenURI`). Storing them once per offer
//! (rather than per token at mint, or reading them from `LicenseOffers` on every check) keeps a
//! mint at one stamp slot and makes `isValid`/`isLicensed`/`licenseUsage`/`royaltyBps` local
//! reads with no cross-contract call. The terms never change after registration, so existing
//! licenses keep exactly the terms they were sold under.
//!
//! The offers contract validated the terms (scope bits, unit, ascending tiers starting at 0,
//! bps ≤ 10,000, at most `MAX_ROYALTY_TIERS` tiers, non-zero arbiter); this contract trusts
//! the one offers contract its owner configured and registers each offer id once.

use alloc::vec::Vec;

use alloy_primitives::U256;
use stylus_sdk::prelude::*;
pub use tributary_abi::packed::TERMS_WORDS;
use tributary_abi::{packed::PackedTerms, terms::MAX_ROYALTY_TIERS};

use crate::{
    errors::{Error, OfferAlreadyRegistered, UnknownOffer},
    events::{emit, OfferTermsRegistered},
    store::{limb, Field, REGISTERED},
    LicenseNft,
};

/// The derivative royalty of `cumulative`: the rate of the last tier whose threshold it has
/// reached (thresholds are ascending, the first is 0); 0 without tiers.
pub fn tier_royalty(tier_count: u8, tier_bps: u64, thresholds: &[U256], cumulative: U256) -> u16 {
    if tier_count == 0 {
        return 0;
    }
    let mut tier = 0;
    for (index, &threshold) in thresholds
        .iter()
        .enumerate()
        .take(usize::from(tier_count) - 1)
    {
        if cumulative < threshold {
            break;
        }
        tier = index + 1;
    }
    // Truncation keeps exactly the 16 bits of the tier.
    #[allow(clippy::cast_possible_truncation)]
    let bps = (tier_bps >> (16 * tier)) as u16;
    bps
}

impl LicenseNft {
    /// Stores the terms of offer `offer_id` (offers contract only, once): word `i` of
    /// `terms` is the word of field `i + 1` (see [`crate::store`]). The offers contract packs
    /// them from validated `LicenseTerms`; this contract only adds the `REGISTERED` flag and
    /// the URI's length (bits 160..192 of the receiver word).
    pub(crate) fn register_terms(
        &mut self,
        offer_id: U256,
        terms: &[U256; TERMS_WORDS],
        uri: &[u8],
    ) -> Result<(), Error> {
        self.require_offers_contract()?;
        if self.packed_terms(offer_id).flags & REGISTERED != 0 {
            return Err(OfferAlreadyRegistered { offerId: offer_id }.into());
        }
        for (field, &word) in FIELDS.iter().zip(terms) {
            let mut limbs = word.into_limbs();
            if *field == Field::Payment {
                limbs[3] |= REGISTERED << 8;
            }
            if *field == Field::Receiver {
                // A transaction's calldata costs at least 4 gas a byte, so no URI comes near
                // 2^32 bytes: its length fits the 32 bits above the receiver's address.
                limbs[2] |= (uri.len() as u64) << 32;
            }
            let word = U256::from_limbs(limbs);
            // An unregistered offer's words are all zero (the REGISTERED check above), so a
            // zero word (an unused tier threshold) needs no write.
            if !word.is_zero() {
                self.write(*field, offer_id, word);
            }
        }
        self.write_uri(offer_id, uri);
        emit(
            self.vm(),
            &OfferTermsRegistered {
                offerId: offer_id,
                datasetId: U256::from(limb(terms[0], 0)),
            },
        );
        Ok(())
    }

    /// The small terms of `offer_id` (all zero for an unregistered offer).
    pub(crate) fn packed_terms(&self, offer_id: U256) -> PackedTerms {
        PackedTerms::from_limb(limb(self.read(Field::Payment, offer_id), 3))
    }

    /// Errors unless the offers contract registered `offer_id`.
    pub(crate) fn require_registered(&self, offer_id: U256) -> Result<(), Error> {
        if self.packed_terms(offer_id).flags & REGISTERED == 0 {
            return Err(UnknownOffer { offerId: offer_id }.into());
        }
        Ok(())
    }

    /// The derivative royalty tiers of `offer_id`: (thresholds, bps), tier 0 starting at 0.
    pub(crate) fn tiers(&self, offer_id: U256) -> (Vec<U256>, Vec<u16>) {
        let count = usize::from(self.packed_terms(offer_id).tier_count);
        let packed = limb(self.read(Field::Receiver, offer_id), 3);
        let mut thresholds = Vec::with_capacity(count);
        let mut bps = Vec::with_capacity(count);
        for index in 0..count {
            thresholds.push(if index == 0 {
                U256::ZERO
            } else {
                self.read(threshold_field(index), offer_id)
            });
            // Truncation keeps exactly the 16 bits of the tier.
            #[allow(clippy::cast_possible_truncation)]
            bps.push((packed >> (16 * index)) as u16);
        }
        (thresholds, bps)
    }

    /// The derivative royalty of `offer_id` at `cumulative_revenue` (see [`tier_royalty`]).
    pub(crate) fn offer_royalty_bps(&self, offer_id: U256, cumulative_revenue: U256) -> u16 {
        let count = self.packed_terms(offer_id).tier_count;
        let mut thresholds = [U256::ZERO; MAX_ROYALTY_TIERS - 1];
        for (index, slot) in thresholds.iter_mut().enumerate().take(usize::from(count)) {
            *slot = self.read(threshold_field(index + 1), offer_id);
        }
        tier_royalty(
            count,
            limb(self.read(Field::Receiver, offer_id), 3),
            &thresholds,
            cumulative_revenue,
        )
    }
}

/// The offer fields in `registerOffer` order.
const FIELDS: [Field; TERMS_WORDS] = [
    Field::Ids,
    Field::Payment,
    Field::Receiver,
    Field::Arbiter,
    Field::Threshold1,
    Field::Threshold2,
    Field::Threshold3,
];

/// The `Threshold` field of tier `index` (1..=3).
fn threshold_field(index: usize) -> Field {
    match index {
        1 => Field::Threshold1,
        2 => Field::Threshold2,
        _ => Field::Threshold3,
    }
}
