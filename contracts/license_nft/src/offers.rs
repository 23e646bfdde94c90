//! The offer book: terms a dataset owner sells licenses under.
//!
//! Invariants:
//! - An offer's terms never change after `createOffer`; only the mint-time parameters (price, max
//!   supply, paused, retired) do. A license reads its rights from its offer, so existing licenses
//!   keep exactly the terms they were sold under.
//! - Only the dataset's current owner, as the attribution registry reports it, may create or manage
//!   offers for it (checked live on every call, so a dataset transfer moves control).
//! - Every stored term is enforced where it matters: price, payment token, duration and max supply
//!   at mint; scope and dataset in `isValid`/`isLicensed`; tiers in `royaltyBps`; transferable and
//!   rentable on transfer and `setUser`; resale bps and receiver in `royaltyInfo`; arbiter in
//!   `revoke`; unit and rate in `licenseUsage` (the usage anchor bills with them); the terms URI is
//!   the token URI and the hash binds it.

use alloc::vec::Vec;

use alloy_primitives::{
    aliases::{U16, U32, U64, U8},
    Address, B256, U256,
};
use stylus_sdk::{
    prelude::*,
    storage::{
        StorageAddress, StorageArray, StorageB256, StorageBool, StorageString, StorageU16,
        StorageU256, StorageU32, StorageU64, StorageU8,
    },
};
use tributary_abi::{
    interfaces::{IAttributionRegistry, IRoyaltySplitter},
    scope::{KNOWN_SCOPES, MAX_UNIT},
    terms::{LicenseTerms, BPS_DENOMINATOR, MAX_ROYALTY_TIERS},
};

use crate::{
    errors::{
        call_failed, overflow, EmptyTermsUri, Error, InvalidArbiter, InvalidBps, InvalidMaxSupply,
        InvalidScope, InvalidTermsHash, InvalidTierCount, InvalidTierThreshold, InvalidUsageUnit,
        NotDatasetOwner, OfferIsRetired, UnknownDataset, UnknownOffer, ZeroAddress,
    },
    events::{OfferCreated, OfferPaused, OfferRetired, OfferUpdated},
    LicenseNft,
};

/// One offer. Storage layout (Solidity packing, fields in declaration order):
///
/// | slot | contents                                                                    |
/// |------|-----------------------------------------------------------------------------|
/// | 0    | `dataset_id`                                                                |
/// | 1    | `split_id`                                                                  |
/// | 2    | `scope`                                                                     |
/// | 3    | `price`                                                                     |
/// | 4    | `usage_rate`                                                                |
/// | 5    | `payment_token` (20) · `duration` (8) · `max_supply` (4)                    |
/// | 6    | `royalty_receiver` (20) · `minted` (4) · `resale_royalty_bps` (2) · `usage_unit` (1) · `transferable` · `rentable` · `paused` · `retired` · `tier_count` (1 each) |
/// | 7    | `arbiter` (20) · `tier_bps` (8: tier `i` in bits `16i..16i+16`)             |
/// | 8–10 | `tier_thresholds` of tiers 1..=3 (tier 0 always starts at 0)                |
/// | 11   | `terms_hash`                                                                |
/// | 12   | `terms_uri`                                                                 |
///
/// A mint reads slots 1, 3, 5 and 6 and writes slot 6.
#[storage]
pub struct Offer {
    /// Dataset (`attribution_registry` id) the licenses cover.
    pub(crate) dataset_id: StorageU256,
    /// The dataset's split in `royalty_splitter`: receives prices (and, through the receiver,
    /// resale royalties).
    pub(crate) split_id: StorageU256,
    /// Granted rights (`scope::*` bits).
    pub(crate) scope: StorageU256,
    /// Price of one license, in `payment_token` units.
    pub(crate) price: StorageU256,
    /// Per-use fee per usage unit.
    pub(crate) usage_rate: StorageU256,
    /// Payment token; zero = native currency.
    pub(crate) payment_token: StorageAddress,
    /// Seconds a license lasts from its mint; 0 = perpetual.
    pub(crate) duration: StorageU64,
    /// Most licenses; 0 = unlimited.
    pub(crate) max_supply: StorageU32,
    /// ERC-2981 receiver of the dataset's split (the splitter's per-split address).
    pub(crate) royalty_receiver: StorageAddress,
    /// Licenses minted so far.
    pub(crate) minted: StorageU32,
    /// ERC-2981 resale royalty in basis points.
    pub(crate) resale_royalty_bps: StorageU16,
    /// Usage unit (`scope::UNIT_*`).
    pub(crate) usage_unit: StorageU8,
    /// Whether licenses may change hands.
    pub(crate) transferable: StorageBool,
    /// Whether holders may set an ERC-4907 user.
    pub(crate) rentable: StorageBool,
    /// No new mints while set.
    pub(crate) paused: StorageBool,
    /// No new mints, ever.
    pub(crate) retired: StorageBool,
    /// Number of derivative royalty tiers (0..=`MAX_ROYALTY_TIERS`).
    pub(crate) tier_count: StorageU8,
    /// Who may revoke a license for breach.
    pub(crate) arbiter: StorageAddress,
    /// Tier royalties in basis points, 16 bits each, tier 0 in the low bits.
    pub(crate) tier_bps: StorageU64,
    /// Cumulative revenue at which tiers 1.. start.
    pub(crate) tier_thresholds: StorageArray<StorageU256, { MAX_ROYALTY_TIERS - 1 }>,
    /// keccak256 of the terms document.
    pub(crate) terms_hash: StorageB256,
    /// Where the terms document lives; the token URI of every license of the offer.
    pub(crate) terms_uri: StorageString,
}

/// What `offer` returns: (datasetId, splitId, price, paymentToken, minted, maxSupply, paused,
/// retired, termsHash).
pub type OfferSummary = (U256, U256, U256, Address, u32, u32, bool, bool, B256);

/// Checks terms for `createOffer`: everything that can be checked without the registry.
///
/// # Errors
/// [`InvalidScope`], [`InvalidUsageUnit`], [`InvalidTierCount`], [`InvalidTierThreshold`],
/// [`InvalidBps`], [`InvalidArbiter`], [`InvalidTermsHash`], [`EmptyTermsUri`].
pub fn validate_terms(terms: &LicenseTerms) -> Result<(), Error> {
    // Unknown bits are refused: a right defined later must not be granted by an old offer.
    if terms.scope.is_zero() || terms.scope & !U256::from(KNOWN_SCOPES) != U256::ZERO {
        return Err(InvalidScope { scope: terms.scope }.into());
    }
    if terms.usageUnit > MAX_UNIT {
        return Err(InvalidUsageUnit {
            unit: terms.usageUnit,
        }
        .into());
    }
    let tiers = terms.tierThresholds.len();
    if tiers != terms.tierBps.len() || tiers > MAX_ROYALTY_TIERS {
        return Err(InvalidTierCount {
            thresholds: U256::from(tiers),
            bps: U256::from(terms.tierBps.len()),
        }
        .into());
    }
    let mut previous = U256::ZERO;
    for (index, (&threshold, &bps)) in terms.tierThresholds.iter().zip(&terms.tierBps).enumerate() {
        let ascending = if index == 0 {
            threshold.is_zero()
        } else {
            threshold > previous
        };
        if !ascending {
            return Err(InvalidTierThreshold {
                index: U256::from(index),
                threshold,
            }
            .into());
        }
        check_bps(bps)?;
        previous = threshold;
    }
    check_bps(terms.resaleRoyaltyBps)?;
    if terms.arbiter.is_zero() {
        return Err(InvalidArbiter {
            arbiter: terms.arbiter,
        }
        .into());
    }
    if terms.termsHash.is_zero() {
        return Err(InvalidTermsHash {
            termsHash: terms.termsHash,
        }
        .into());
    }
    if terms.termsUri.is_empty() {
        return Err(EmptyTermsUri {}.into());
    }
    Ok(())
}

fn check_bps(bps: u16) -> Result<(), Error> {
    if bps > BPS_DENOMINATOR {
        return Err(InvalidBps {
            bps: U256::from(bps),
        }
        .into());
    }
    Ok(())
}

/// The derivative royalty of `cumulative_revenue`: the rate of the last tier whose threshold
/// it has reached (thresholds are ascending, the first is 0); 0 without tiers.
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

impl Offer {
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
    /// Creates an offer for `terms.datasetId` on behalf of its registry owner.
    ///
    /// The registry and splitter calls come first: they are the trusted contracts configured at
    /// deployment, `royaltyReceiver` is idempotent, and the contract is not reentrant.
    pub(crate) fn create_offer_for(&mut self, terms: LicenseTerms) -> Result<U256, Error> {
        validate_terms(&terms)?;
        let creator = self.vm().msg_sender();
        self.require_dataset_owner(terms.datasetId, creator)?;

        let registry = self.registry.get();
        let split_id = IAttributionRegistry::new(registry)
            .dataset_split(&*self, terms.datasetId)
            .map_err(|e| call_failed(registry, e))?;
        let splitter = self.splitter.get();
        let receiver = IRoyaltySplitter::new(splitter)
            .royalty_receiver(&mut *self, split_id)
            .map_err(|e| call_failed(splitter, e))?;
        if receiver.is_zero() {
            return Err(ZeroAddress {}.into());
        }

        let offer_id = self
            .offer_count
            .get()
            .checked_add(U64::from(1))
            .ok_or_else(overflow)?;
        self.offer_count.set(offer_id);
        let offer_id = U256::from(offer_id);

        let mut packed_bps = 0u64;
        for (index, &bps) in terms.tierBps.iter().enumerate() {
            packed_bps |= u64::from(bps) << (16 * index);
        }
        let mut offer = self.offers.setter(offer_id);
        offer.dataset_id.set(terms.datasetId);
        offer.split_id.set(split_id);
        offer.scope.set(terms.scope);
        offer.price.set(terms.price);
        offer.usage_rate.set(terms.usageRate);
        offer.payment_token.set(terms.paymentToken);
        offer.duration.set(U64::from(terms.duration));
        offer.max_supply.set(U32::from(terms.maxSupply));
        offer.royalty_receiver.set(receiver);
        offer
            .resale_royalty_bps
            .set(U16::from(terms.resaleRoyaltyBps));
        offer.usage_unit.set(U8::from(terms.usageUnit));
        offer.transferable.set(terms.transferable);
        offer.rentable.set(terms.rentable);
        // `validate_terms` bounds the count by MAX_ROYALTY_TIERS.
        offer.tier_count.set(U8::from(terms.tierThresholds.len()));
        offer.arbiter.set(terms.arbiter);
        offer.tier_bps.set(U64::from(packed_bps));
        for (index, &threshold) in terms.tierThresholds.iter().enumerate().skip(1) {
            if let Some(mut slot) = offer.tier_thresholds.setter(index - 1) {
                slot.set(threshold);
            }
        }
        offer.terms_hash.set(terms.termsHash);
        offer.terms_uri.set_str(&terms.termsUri);

        log(
            self.vm(),
            OfferCreated {
                offerId: offer_id,
                datasetId: terms.datasetId,
                creator,
                splitId: split_id,
                royaltyReceiver: receiver,
                termsHash: terms.termsHash,
            },
        );
        Ok(offer_id)
    }

    /// Pauses or unpauses minting of a live offer.
    pub(crate) fn pause_offer(&mut self, offer_id: U256, paused: bool) -> Result<(), Error> {
        self.require_offer_manager(offer_id)?;
        self.offers.setter(offer_id).paused.set(paused);
        log(
            self.vm(),
            OfferPaused {
                offerId: offer_id,
                paused,
            },
        );
        Ok(())
    }

    /// Retires an offer for good.
    pub(crate) fn retire(&mut self, offer_id: U256) -> Result<(), Error> {
        self.require_offer_manager(offer_id)?;
        self.offers.setter(offer_id).retired.set(true);
        log(self.vm(), OfferRetired { offerId: offer_id });
        Ok(())
    }

    /// Changes the price and max supply of future mints.
    pub(crate) fn update(
        &mut self,
        offer_id: U256,
        price: U256,
        max_supply: u32,
    ) -> Result<(), Error> {
        self.require_offer_manager(offer_id)?;
        let mut offer = self.offers.setter(offer_id);
        let minted = offer.minted.get().to::<u32>();
        if max_supply != 0 && max_supply < minted {
            return Err(InvalidMaxSupply {
                maxSupply: max_supply,
                minted,
            }
            .into());
        }
        offer.price.set(price);
        offer.max_supply.set(U32::from(max_supply));
        log(
            self.vm(),
            OfferUpdated {
                offerId: offer_id,
                price,
                maxSupply: max_supply,
            },
        );
        Ok(())
    }

    /// Errors unless `offer_id` exists.
    pub(crate) fn require_offer(&self, offer_id: U256) -> Result<(), Error> {
        if offer_id.is_zero() || offer_id > U256::from(self.offer_count.get()) {
            return Err(UnknownOffer { offerId: offer_id }.into());
        }
        Ok(())
    }

    /// Errors unless `offer_id` exists, is not retired and the caller owns its dataset.
    fn require_offer_manager(&mut self, offer_id: U256) -> Result<(), Error> {
        self.require_offer(offer_id)?;
        let offer = self.offers.getter(offer_id);
        if offer.retired.get() {
            return Err(OfferIsRetired { offerId: offer_id }.into());
        }
        let dataset_id = offer.dataset_id.get();
        let sender = self.vm().msg_sender();
        self.require_dataset_owner(dataset_id, sender)
    }

    /// Errors unless the attribution registry reports `account` as the owner of `dataset_id`.
    fn require_dataset_owner(&self, dataset_id: U256, account: Address) -> Result<(), Error> {
        let registry = self.registry.get();
        let owner = IAttributionRegistry::new(registry)
            .dataset_owner(self, dataset_id)
            .map_err(|e| call_failed(registry, e))?;
        if owner.is_zero() {
            return Err(UnknownDataset {
                datasetId: dataset_id,
            }
            .into());
        }
        if owner != account {
            return Err(NotDatasetOwner {
                account,
                datasetId: dataset_id,
            }
            .into());
        }
        Ok(())
    }

    /// The state of an offer for buyers and indexers.
    pub(crate) fn offer_summary(&self, offer_id: U256) -> Result<OfferSummary, Error> {
        self.require_offer(offer_id)?;
        let offer = self.offers.getter(offer_id);
        Ok((
            offer.dataset_id.get(),
            offer.split_id.get(),
            offer.price.get(),
            offer.payment_token.get(),
            offer.minted.get().to(),
            offer.max_supply.get().to(),
            offer.paused.get(),
            offer.retired.get(),
            offer.terms_hash.get(),
        ))
    }
}
