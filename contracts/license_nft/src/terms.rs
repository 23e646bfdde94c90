//! The terms a license token is judged by, one copy per offer.
//!
//! `LicenseOffers` owns the offer book (validation, price, supply, pause, retire, terms URI)
//! and, when an offer is created, registers here the immutable terms that licenses are checked
//! against: dataset, split, scope, payment token, usage unit and rate, derivative royalty tiers,
//! transferable, rentable, resale royalty bps and receiver, arbiter. Storing them once per offer
//! (rather than per token at mint, or reading them from `LicenseOffers` on every check) keeps a
//! mint at one stamp slot and makes `isValid`/`isLicensed`/`licenseUsage`/`royaltyBps` local
//! reads with no cross-contract call. The terms never change after registration, so existing
//! licenses keep exactly the terms they were sold under.
//!
//! The offers contract validated the terms (scope bits, unit, ascending tiers starting at 0,
//! bps ≤ 10,000, at most `MAX_ROYALTY_TIERS` tiers, non-zero arbiter); this contract trusts
//! the one offers contract its owner configured and registers each offer id once.

use alloc::vec::Vec;

use alloy_primitives::{
    aliases::{U16, U64, U8},
    Address, U256,
};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageArray, StorageBool, StorageU16, StorageU256, StorageU64, StorageU8},
};
use tributary_abi::terms::{BPS_DENOMINATOR, MAX_ROYALTY_TIERS};

use crate::{
    errors::{Error, OfferAlreadyRegistered, UnknownOffer},
    events::{emit, OfferTermsRegistered},
    LicenseNft,
};

/// The license terms of one offer. Storage layout (Solidity packing, declaration order):
///
/// | slot | contents                                                                      |
/// |------|-------------------------------------------------------------------------------|
/// | 0    | `dataset_id`                                                                  |
/// | 1    | `split_id`                                                                    |
/// | 2    | `scope`                                                                       |
/// | 3    | `usage_rate`                                                                  |
/// | 4    | `payment_token` (20) · `usage_unit` · `transferable` · `rentable` · `registered` · `tier_count` (1 each) · `resale_royalty_bps` (2) |
/// | 5    | `royalty_receiver` (20) · `tier_bps` (8: tier `i` in bits `16i..16i+16`)       |
/// | 6    | `arbiter`                                                                     |
/// | 7–9  | `tier_thresholds` of tiers 1..=3 (tier 0 always starts at 0)                  |
#[storage]
pub struct OfferTerms {
    /// Dataset (`attribution_registry` id) the licenses cover.
    pub(crate) dataset_id: StorageU256,
    /// The dataset's split in `royalty_splitter`.
    pub(crate) split_id: StorageU256,
    /// Granted rights (`scope::*` bits).
    pub(crate) scope: StorageU256,
    /// Per-use fee per usage unit.
    pub(crate) usage_rate: StorageU256,
    /// Payment token of price and per-use fees; zero = native currency.
    pub(crate) payment_token: StorageAddress,
    /// Usage unit (`scope::UNIT_*`).
    pub(crate) usage_unit: StorageU8,
    /// Whether licenses may change hands.
    pub(crate) transferable: StorageBool,
    /// Whether holders may set an ERC-4907 user.
    pub(crate) rentable: StorageBool,
    /// Set once the offers contract registered the offer.
    pub(crate) registered: StorageBool,
    /// Number of derivative royalty tiers (0..=`MAX_ROYALTY_TIERS`).
    pub(crate) tier_count: StorageU8,
    /// ERC-2981 resale royalty in basis points.
    pub(crate) resale_royalty_bps: StorageU16,
    /// ERC-2981 receiver of the dataset's split (the splitter's per-split address).
    pub(crate) royalty_receiver: StorageAddress,
    /// Tier royalties in basis points, 16 bits each, tier 0 in the low bits.
    pub(crate) tier_bps: StorageU64,
    /// Who may revoke a license for breach.
    pub(crate) arbiter: StorageAddress,
    /// Cumulative revenue at which tiers 1.. start.
    pub(crate) tier_thresholds: StorageArray<StorageU256, { MAX_ROYALTY_TIERS - 1 }>,
}

/// The arguments of `registerOffer` after the offer id, in order.
#[allow(missing_docs)]
pub struct NewTerms {
    pub dataset_id: U256,
    pub split_id: U256,
    pub scope: U256,
    pub payment_token: Address,
    pub usage_unit: u8,
    pub usage_rate: U256,
    pub tier_thresholds: Vec<U256>,
    pub tier_bps: Vec<u16>,
    pub transferable: bool,
    pub rentable: bool,
    pub resale_royalty_bps: u16,
    pub royalty_receiver: Address,
    pub arbiter: Address,
}

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

impl OfferTerms {
    /// The derivative royalty tiers: (thresholds, bps), tier 0 starting at 0.
    pub(crate) fn tiers(&self) -> (Vec<U256>, Vec<u16>) {
        let count = usize::from(self.tier_count.get().to::<u8>());
        let packed = self.tier_bps.get().to::<u64>();
        let mut thresholds = Vec::with_capacity(count);
        let mut bps = Vec::with_capacity(count);
        for index in 0..count {
            let threshold = match index.checked_sub(1) {
                Some(stored) => self.tier_thresholds.get(stored).unwrap_or_default(),
                None => U256::ZERO,
            };
            thresholds.push(threshold);
            // Truncation keeps exactly the 16 bits of the tier.
            #[allow(clippy::cast_possible_truncation)]
            bps.push((packed >> (16 * index)) as u16);
        }
        (thresholds, bps)
    }

    /// The offer's derivative royalty at `cumulative_revenue` (see [`tier_royalty`]).
    pub(crate) fn royalty_bps(&self, cumulative_revenue: U256) -> u16 {
        let mut thresholds = [U256::ZERO; MAX_ROYALTY_TIERS - 1];
        let count = self.tier_count.get().to::<u8>();
        for (index, slot) in thresholds.iter_mut().enumerate().take(usize::from(count)) {
            *slot = self.tier_thresholds.get(index).unwrap_or_default();
        }
        tier_royalty(
            count,
            self.tier_bps.get().to::<u64>(),
            &thresholds,
            cumulative_revenue,
        )
    }
}

impl LicenseNft {
    /// Stores the terms of offer `offer_id` (offers contract only, checked by the router).
    pub(crate) fn register_terms(&mut self, offer_id: U256, terms: NewTerms) -> Result<(), Error> {
        self.require_offers_contract()?;
        if self.offers.getter(offer_id).registered.get() {
            return Err(OfferAlreadyRegistered { offerId: offer_id }.into());
        }
        let tiers = terms.tier_thresholds.len().min(terms.tier_bps.len()).min(MAX_ROYALTY_TIERS);
        let mut packed_bps = 0u64;
        for (index, &bps) in terms.tier_bps.iter().take(tiers).enumerate() {
            packed_bps |= u64::from(bps) << (16 * index);
        }
        let mut offer = self.offers.setter(offer_id);
        offer.dataset_id.set(terms.dataset_id);
        offer.split_id.set(terms.split_id);
        offer.scope.set(terms.scope);
        offer.usage_rate.set(terms.usage_rate);
        offer.payment_token.set(terms.payment_token);
        offer.usage_unit.set(U8::from(terms.usage_unit));
        offer.transferable.set(terms.transferable);
        offer.rentable.set(terms.rentable);
        offer.registered.set(true);
        offer.tier_count.set(U8::from(tiers));
        offer
            .resale_royalty_bps
            .set(U16::from(terms.resale_royalty_bps));
        offer.royalty_receiver.set(terms.royalty_receiver);
        offer.tier_bps.set(U64::from(packed_bps));
        offer.arbiter.set(terms.arbiter);
        for (index, &threshold) in terms.tier_thresholds.iter().enumerate().take(tiers).skip(1) {
            if let Some(mut slot) = offer.tier_thresholds.setter(index - 1) {
                slot.set(threshold);
            }
        }
        emit(
            self.vm(),
            &OfferTermsRegistered {
                offerId: offer_id,
                datasetId: terms.dataset_id,
            },
        );
        Ok(())
    }

    /// Errors unless the offers contract registered `offer_id`.
    pub(crate) fn require_registered(&self, offer_id: U256) -> Result<(), Error> {
        if !self.offers.getter(offer_id).registered.get() {
            return Err(UnknownOffer { offerId: offer_id }.into());
        }
        Ok(())
    }
}

/// `floor(amount × bps / 10,000)` for `bps ≤ 10,000`, without overflow and without a 256-bit
/// division routine in the WASM: `amount = q × 10,000 + r` by shift-subtract long division, then
/// `q × bps + r × bps / 10,000` (`r × bps < 10^8` fits a `u64`).
pub fn bps_share(amount: U256, bps: u16) -> U256 {
    const DENOMINATOR: u64 = BPS_DENOMINATOR as u64;
    let limbs = amount.as_limbs();
    let mut quotient = [0u64; 4];
    let mut rem = 0u64;
    for bit in (0..256).rev() {
        // `rem < 10,000`, so `rem << 1 | 1` fits.
        rem = (rem << 1) | ((limbs[bit / 64] >> (bit % 64)) & 1);
        if rem >= DENOMINATOR {
            rem -= DENOMINATOR;
            quotient[bit / 64] |= 1 << (bit % 64);
        }
    }
    let bps = u64::from(bps.min(BPS_DENOMINATOR));
    // `quotient ≤ 2^256 / 10,000` and `bps ≤ 10,000`: the product fits.
    U256::from_limbs(quotient).wrapping_mul(U256::from(bps)) + U256::from(rem * bps / DENOMINATOR)
}
