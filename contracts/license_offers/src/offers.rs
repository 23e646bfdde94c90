//! The offer book: terms a dataset owner sells licenses under.
//!
//! Invariants:
//! - An offer's terms never change after `createOffer`; only the mint-time parameters (price, max
//!   supply, paused, retired) do. The license terms are registered once with `LicenseNft`, which
//!   judges every license by them, so existing licenses keep exactly the terms they were sold
//!   under.
//! - Only the dataset's current owner, as the attribution registry reports it, may create or manage
//!   offers for it (checked live on every call, so a dataset transfer moves control).
//! - Every term is enforced where it matters: price, payment token, duration and max supply at mint
//!   (here); scope, dataset, tiers, transferable, rentable, resale royalty, arbiter, unit and rate
//!   in `LicenseNft`; the terms URI (stored by `LicenseNft` only) is every license's `tokenURI` and
//!   the hash binds it.

use alloy_primitives::{aliases::U64, Address, B256, U256};
use alloy_sol_types::SolCall;
use stylus_sdk::prelude::*;
use tributary_abi::{
    abi_words::{call_data, encode, Tail, Word},
    asset::{model_asset, model_of},
    calls::{call, has_code, malformed},
    interfaces::{IAttributionRegistry, ILicenseNft, IRevenueRouter, IRoyaltySplitter},
    packed::{
        above_address, address_and, limb, offer_terms, word_address, OfferIds, MAX_U96,
        MAX_USAGE_RATE,
    },
    receiver::{create2_preimage, forwarder_init_code, route_forwarder_init_code},
    scope::{KNOWN_SCOPES, MAX_UNIT, MODEL_SCOPES},
    terms::{LicenseTerms, BPS_DENOMINATOR, MAX_DURATION, MAX_ROYALTY_TIERS},
};

use crate::{
    errors::{
        overflow, EmptyTermsUri, Error, InvalidArbiter, InvalidBps, InvalidDuration,
        InvalidMaxSupply, InvalidPrice, InvalidScope, InvalidTermsHash, InvalidTierCount,
        InvalidTierThreshold, InvalidUsageRate, InvalidUsageUnit, NotDatasetOwner, NotModelOwner,
        OfferIsRetired, UnknownDataset, UnknownModel, UnknownOffer, ZeroAddress,
    },
    events::{emit, OfferCreated, OfferPaused, OfferRetired, OfferUpdated},
    store::{max_supply, minted, with_counts, Field, DURATION_SHIFT, PAUSED, RETIRED},
    LicenseOffers,
};

/// The highest price an offer may ask (2^96 − 1 of the payment token's smallest unit, about
/// 7.9·10^28): it shares a word with the payment token.
pub const MAX_PRICE: U256 = MAX_U96;

/// What `offer` returns: (datasetId, splitId, price, paymentToken, minted, maxSupply, paused,
/// retired, termsHash).
pub type OfferSummary = (U256, U256, U256, Address, u32, u32, bool, bool, B256);

/// Checks terms for `createOffer`: everything that can be checked without the registry.
///
/// # Errors
/// [`InvalidScope`], [`InvalidUsageUnit`], [`InvalidPrice`], [`InvalidUsageRate`],
/// [`InvalidTierCount`], [`InvalidTierThreshold`], [`InvalidBps`], [`InvalidDuration`],
/// [`InvalidArbiter`], [`InvalidTermsHash`], [`EmptyTermsUri`].
pub fn validate_terms(terms: &LicenseTerms) -> Result<(), Error> {
    // Unknown bits are refused: a right defined later must not be granted by an old offer. A
    // model grants only the rights that make sense for a model (`scope::MODEL_SCOPES`).
    let known = if model_of(terms.datasetId).is_some() {
        MODEL_SCOPES
    } else {
        KNOWN_SCOPES
    };
    if terms.scope.is_zero() || terms.scope & !U256::from(known) != U256::ZERO {
        return Err(InvalidScope { scope: terms.scope }.into());
    }
    if terms.usageUnit > MAX_UNIT {
        return Err(InvalidUsageUnit {
            unit: terms.usageUnit,
        }
        .into());
    }
    if terms.price > MAX_PRICE {
        return Err(InvalidPrice { price: terms.price }.into());
    }
    if terms.usageRate > MAX_USAGE_RATE {
        return Err(InvalidUsageRate {
            rate: terms.usageRate,
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
    if terms.duration > MAX_DURATION {
        return Err(InvalidDuration {
            duration: terms.duration,
        }
        .into());
    }
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

impl LicenseOffers {
    /// Creates an offer for asset `terms.datasetId` (a dataset, or `2^63 + modelId` for a
    /// model: `tributary_abi::asset`) on behalf of its registry owner and registers its license
    /// terms with `LicenseNft`. A dataset offer pays the dataset's split; a model offer pays the
    /// model's revenue route (destination `2^63 + modelId`, paid through the revenue router).
    ///
    /// The registry, splitter and license token calls are to the trusted contracts configured
    /// at deployment; `royaltyReceiver` is idempotent, and the contracts are not reentrant.
    pub(crate) fn create_offer_for(&mut self, terms: LicenseTerms) -> Result<U256, Error> {
        validate_terms(&terms)?;
        let creator = self.vm().msg_sender();
        let split_id = self.require_asset_owner(terms.datasetId, creator)?;
        let receiver = self.royalty_receiver(split_id)?;

        let offer_id = self
            .offer_count
            .get()
            .checked_add(U64::from(1))
            .ok_or_else(overflow)?;
        self.offer_count.set(offer_id);
        let offer_id = U256::from(offer_id);

        // Dataset and split ids are counted from 1 and never reach 2^64 in practice, and the
        // scope bits were validated; checked anyway, since they are packed into 64-bit limbs
        // here (the supply word) and in the license contract (see `tributary_abi::packed`).
        let ids = OfferIds::new(terms.datasetId, split_id, terms.scope, terms.usageRate)
            .ok_or_else(overflow)?;
        self.write(
            Field::Payment,
            offer_id,
            address_and(terms.paymentToken, terms.price),
        );
        // The duration is at most MAX_DURATION (validated), so it fits above the flag bits.
        self.write(
            Field::Supply,
            offer_id,
            U256::from_limbs([
                u64::from(terms.maxSupply),
                ids.dataset_id,
                ids.split_id,
                terms.duration << DURATION_SHIFT,
            ]),
        );
        self.write(Field::TermsHash, offer_id, terms.termsHash.into());
        emit(
            self.vm(),
            &OfferCreated {
                offerId: offer_id,
                datasetId: terms.datasetId,
                creator,
                splitId: split_id,
                royaltyReceiver: receiver,
                termsHash: terms.termsHash,
            },
        );

        let nft = self.license_nft.get();
        let data = encode(
            &ILicenseNft::registerOfferCall::SELECTOR,
            &[offer_id.word(), [0; 32]],
            &[Tail::bytes(1, &offer_terms(&terms, ids, receiver))],
        );
        call(self.vm(), nft, Some(U256::ZERO), &data)?;
        Ok(offer_id)
    }

    /// Pauses or unpauses minting of a live offer.
    pub(crate) fn pause_offer(&mut self, offer_id: U256, paused: bool) -> Result<(), Error> {
        let supply = self.require_offer_manager(offer_id)?;
        self.write(Field::Supply, offer_id, with_flag(supply, PAUSED, paused));
        emit(
            self.vm(),
            &OfferPaused {
                offerId: offer_id,
                paused,
            },
        );
        Ok(())
    }

    /// Retires an offer for good.
    pub(crate) fn retire(&mut self, offer_id: U256) -> Result<(), Error> {
        let supply = self.require_offer_manager(offer_id)?;
        self.write(Field::Supply, offer_id, with_flag(supply, RETIRED, true));
        emit(self.vm(), &OfferRetired { offerId: offer_id });
        Ok(())
    }

    /// Changes the price and max supply of future mints.
    pub(crate) fn update(
        &mut self,
        offer_id: U256,
        price: U256,
        max_supply: u32,
    ) -> Result<(), Error> {
        if price > MAX_PRICE {
            return Err(InvalidPrice { price }.into());
        }
        let supply = self.require_offer_manager(offer_id)?;
        let minted = minted(supply);
        if max_supply != 0 && max_supply < minted {
            return Err(InvalidMaxSupply {
                maxSupply: max_supply,
                minted,
            }
            .into());
        }
        let token = word_address(self.read(Field::Payment, offer_id));
        self.write(Field::Payment, offer_id, address_and(token, price));
        self.write(
            Field::Supply,
            offer_id,
            with_counts(supply, max_supply, minted),
        );
        emit(
            self.vm(),
            &OfferUpdated {
                offerId: offer_id,
                price,
                maxSupply: max_supply,
            },
        );
        Ok(())
    }

    /// The supply word of `offer_id`, or `UnknownOffer`. Every offer's supply word holds its
    /// split id (limb 2, never 0), so a zero word is an offer that was never created.
    pub(crate) fn supply_of(&self, offer_id: U256) -> Result<U256, Error> {
        let supply = self.read(Field::Supply, offer_id);
        if supply.is_zero() {
            return Err(UnknownOffer { offerId: offer_id }.into());
        }
        Ok(supply)
    }

    /// The supply word of `offer_id` if it exists, is not retired and the caller owns its
    /// dataset; errors otherwise.
    fn require_offer_manager(&mut self, offer_id: U256) -> Result<U256, Error> {
        let supply = self.supply_of(offer_id)?;
        if limb(supply, 3) & RETIRED != 0 {
            return Err(OfferIsRetired { offerId: offer_id }.into());
        }
        let asset_id = U256::from(limb(supply, 1));
        let sender = self.vm().msg_sender();
        self.require_asset_owner(asset_id, sender)?;
        Ok(supply)
    }

    /// Where revenue of asset `asset_id` goes if `account` owns it: a dataset's split, or a
    /// model's revenue route `2^63 + modelId` if `account` holds the model's token (one
    /// `datasetListing` or `model` call); errors otherwise.
    fn require_asset_owner(&self, asset_id: U256, account: Address) -> Result<U256, Error> {
        let Some(model_id) = model_of(asset_id) else {
            return self.require_dataset_owner(asset_id, account);
        };
        let registry = self.registry.get();
        let data = call_data(
            IAttributionRegistry::modelCall::SELECTOR,
            &[model_id.word()],
        );
        // The registry reverts `UnknownModel` for a model it does not know.
        let holder = call(self.vm(), registry, None, &data)
            .map_err(|_| Error::from(UnknownModel { modelId: model_id }))?
            .address(0)
            .ok_or_else(|| malformed(registry))?;
        if holder != account {
            return Err(NotModelOwner {
                modelId: model_id,
                account,
            }
            .into());
        }
        Ok(model_asset(model_id))
    }

    /// The ERC-2981 receiver of revenue destination `destination`: for a split, the splitter's
    /// CREATE2 forwarder; for a model's route (`2^63 + modelId`), the revenue router's. Code at
    /// the predicted address can only be that forwarder (the address commits to the deployer,
    /// the salt and the init code), so once it is deployed this contract uses it without
    /// entering the deployer; before, `royaltyReceiver` deploys it (idempotent, trusted).
    fn royalty_receiver(&mut self, destination: U256) -> Result<Address, Error> {
        let (deployer, id, init_code, selector) = if let Some(model_id) = model_of(destination) {
            let router = self.router.get();
            (
                router,
                model_id,
                route_forwarder_init_code(router, model_id),
                IRevenueRouter::royaltyReceiverCall::SELECTOR,
            )
        } else {
            let splitter = self.splitter.get();
            (
                splitter,
                destination,
                forwarder_init_code(splitter, destination),
                IRoyaltySplitter::royaltyReceiverCall::SELECTOR,
            )
        };
        let vm = self.vm();
        // `forwarder_address`, with the host's keccak.
        let init_hash = vm.native_keccak256(&init_code);
        let preimage = create2_preimage(deployer, id, init_hash);
        let predicted = Address::from_slice(&vm.native_keccak256(&preimage)[12..]);
        if has_code(vm.code_hash(predicted)) {
            return Ok(predicted);
        }
        let receiver = call(
            self.vm(),
            deployer,
            Some(U256::ZERO),
            &call_data(selector, &[id.word()]),
        )?
        .address(0)
        .ok_or_else(|| malformed(deployer))?;
        if receiver.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        Ok(receiver)
    }

    /// The split of `dataset_id`, if the attribution registry reports `account` as its owner
    /// (one `datasetListing` call); errors otherwise.
    fn require_dataset_owner(&self, dataset_id: U256, account: Address) -> Result<U256, Error> {
        let registry = self.registry.get();
        let listing = call(
            self.vm(),
            registry,
            None,
            &call_data(
                IAttributionRegistry::datasetListingCall::SELECTOR,
                &[dataset_id.word()],
            ),
        )?;
        let (owner, split_id) = listing
            .address(0)
            .zip(listing.word(1))
            .ok_or_else(|| malformed(registry))?;
        if owner.is_zero() {
            return Err(UnknownDataset {
                datasetId: dataset_id,
            }
            .into());
        }
        if owner != account {
            return Err(NotDatasetOwner {
                datasetId: dataset_id,
                account,
            }
            .into());
        }
        Ok(split_id)
    }

    /// The state of an offer for buyers and indexers.
    pub(crate) fn offer_summary(&self, offer_id: U256) -> Result<OfferSummary, Error> {
        let supply = self.supply_of(offer_id)?;
        let flags = limb(supply, 3);
        let payment = self.read(Field::Payment, offer_id);
        Ok((
            U256::from(limb(supply, 1)),
            U256::from(limb(supply, 2)),
            above_address(payment),
            word_address(payment),
            minted(supply),
            max_supply(supply),
            flags & PAUSED != 0,
            flags & RETIRED != 0,
            self.read(Field::TermsHash, offer_id).into(),
        ))
    }
}

/// `word` with `flag` of limb 3 set to `on`.
pub(crate) fn with_flag(word: U256, flag: u64, on: bool) -> U256 {
    let mut limbs = word.into_limbs();
    if on {
        limbs[3] |= flag;
    } else {
        limbs[3] &= !flag;
    }
    U256::from_limbs(limbs)
}
