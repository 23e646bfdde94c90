//! Tributary license offers: the offer book and the sale of license tokens.
//!
//! The license system is two contracts (split for the 24 KiB code limit):
//! - `LicenseOffers` (this crate): dataset owners (as recorded in the attribution registry) publish
//!   offers with machine-readable terms ([`tributary_abi::terms::LicenseTerms`]), pause, update and
//!   retire them; anyone buys a license with `mint`, the whole price goes to the dataset's split in
//!   the royalty splitter, and the token is issued on `LicenseNft`.
//! - `LicenseNft` (crate `license-nft`): the ERC-721 tokens, their stamps, ERC-2981 and ERC-4907,
//!   the validity checks other contracts ask, revocation and the debt flag.
//!
//! `createOffer` registers the offer's license terms with `LicenseNft.registerOffer` once;
//! `mint` calls `LicenseNft.issue` (both only accept this contract). The terms URI is registered
//! with the terms and stored there only (it is every license's `tokenURI`).
//!
//! Deploy order: `RoyaltySplitter(owner)` → `AttributionRegistry(owner, splitter)` →
//! `LicenseNft(owner)` → `LicenseOffers(licenseNft, registry, splitter)` →
//! `licenseNft.setLicenseOffers(offers)` (owner, once) → `UsageAnchor(owner, licenseNft, ...)`
//! → `registry.setLicenseNft(licenseNft)`, `licenseNft.setUsageAnchor(escrow)`. This contract
//! has no admin functions and so no owner: its three addresses are fixed at construction.
//!
//! Modules: [`offers`] (the offer book), [`minting`] (sale and price routing), [`errors`],
//! [`events`], [`tributary_abi::abi_words`] (the shared error, event and calldata encoder). This
//! file is the router: every external function, each delegating.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]` generates an undocumented `pub fn user_entrypoint` (and `print_from_args` with
// export-abi); host builds still check that everything written by hand is documented.
#![cfg_attr(
    any(target_arch = "wasm32", feature = "export-abi"),
    allow(missing_docs)
)]
extern crate alloc;

pub mod errors;
pub mod events;
pub mod minting;
pub mod offers;
pub mod store;

#[cfg(test)]
mod tests;

use alloy_primitives::{Address, U256};
use openzeppelin_stylus::token::erc20::utils::safe_erc20::SafeErc20;
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageU64},
};
use tributary_abi::terms::LicenseTerms;

use crate::{
    errors::{Error, ZeroAddress},
    offers::OfferSummary,
};

/// The contract's storage.
#[entrypoint]
#[storage]
pub struct LicenseOffers {
    /// `SafeERC20` calls for ERC-20 prices.
    pub(crate) safe_erc20: SafeErc20,
    /// The license token contract (`LicenseNft`).
    pub(crate) license_nft: StorageAddress,
    /// The attribution registry (dataset owners and splits).
    pub(crate) registry: StorageAddress,
    /// The royalty splitter (receives every price).
    pub(crate) splitter: StorageAddress,
    /// Offers created so far; offer ids are `1..=offer_count`.
    pub(crate) offer_count: StorageU64,
    /// The revenue router (receives the price of a model's license, and deploys a model's
    /// ERC-2981 receiver).
    pub(crate) router: StorageAddress,
}

#[public]
impl LicenseOffers {
    /// Sets the license token contract, the attribution registry, the royalty splitter and the
    /// revenue router.
    ///
    /// # Errors
    /// [`Error::ZeroAddress`] if any is zero.
    #[constructor]
    pub fn constructor(
        &mut self,
        license_nft: Address,
        registry: Address,
        splitter: Address,
        router: Address,
    ) -> Result<(), Error> {
        if license_nft.is_zero() || registry.is_zero() || splitter.is_zero() || router.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        self.license_nft.set(license_nft);
        self.registry.set(registry);
        self.splitter.set(splitter);
        self.router.set(router);
        Ok(())
    }

    /// The revenue router.
    pub fn router(&self) -> Address {
        self.router.get()
    }

    /// The license token contract.
    pub fn license_nft(&self) -> Address {
        self.license_nft.get()
    }

    /// The attribution registry.
    pub fn registry(&self) -> Address {
        self.registry.get()
    }

    /// The royalty splitter.
    pub fn splitter(&self) -> Address {
        self.splitter.get()
    }

    /// Publishes an offer for asset `terms.datasetId`: a dataset id (only the dataset's owner in
    /// the registry), or `2^63 + modelId` for a model (only the model token's holder; the scope
    /// must be within INFERENCE, `FINE_TUNE`, COMMERCIAL and DERIVATIVES). Stores the revenue
    /// destination with the offer (the dataset's split, or the model's route `2^63 + modelId`)
    /// and registers the license terms (with the destination's ERC-2981 receiver) on
    /// `LicenseNft`.
    ///
    /// # Errors
    /// Invalid terms: [`Error::InvalidScope`], [`Error::InvalidUsageUnit`],
    /// [`Error::InvalidPrice`] and [`Error::InvalidUsageRate`] above 2^96 − 1,
    /// [`Error::InvalidDuration`] above `MAX_DURATION`, [`Error::InvalidTierCount`],
    /// [`Error::InvalidTierThreshold`], [`Error::InvalidBps`], [`Error::InvalidArbiter`],
    /// [`Error::InvalidTermsHash`], [`Error::EmptyTermsUri`];
    /// [`Error::UnknownDataset`], [`Error::NotDatasetOwner`], [`Error::UnknownModel`],
    /// [`Error::NotModelOwner`], [`Error::ExternalCallFailed`],
    /// [`Error::ZeroAddress`] if the splitter reports no receiver.
    ///
    /// # Events
    /// `OfferCreated` (and `OfferTermsRegistered` on `LicenseNft`).
    pub fn create_offer(&mut self, terms: LicenseTerms) -> Result<U256, Error> {
        self.create_offer_for(terms)
    }

    /// Pauses (`paused = true`) or resumes minting of an offer; only the dataset's owner.
    ///
    /// # Errors
    /// [`Error::UnknownOffer`], [`Error::OfferIsRetired`], [`Error::NotDatasetOwner`].
    ///
    /// # Events
    /// `OfferPaused`.
    pub fn set_offer_paused(&mut self, offer_id: U256, paused: bool) -> Result<(), Error> {
        self.pause_offer(offer_id, paused)
    }

    /// Retires an offer for good; only the dataset's owner. Licenses keep their terms.
    ///
    /// # Errors
    /// [`Error::UnknownOffer`], [`Error::OfferIsRetired`], [`Error::NotDatasetOwner`].
    ///
    /// # Events
    /// `OfferRetired`.
    pub fn retire_offer(&mut self, offer_id: U256) -> Result<(), Error> {
        self.retire(offer_id)
    }

    /// Sets the price and max supply (0 = unlimited) of future mints; only the dataset's
    /// owner.
    ///
    /// # Errors
    /// [`Error::InvalidPrice`] above 2^96 − 1, [`Error::UnknownOffer`],
    /// [`Error::OfferIsRetired`], [`Error::NotDatasetOwner`], [`Error::InvalidMaxSupply`]
    /// below the licenses already minted.
    ///
    /// # Events
    /// `OfferUpdated`.
    pub fn update_offer(
        &mut self,
        offer_id: U256,
        price: U256,
        max_supply: u32,
    ) -> Result<(), Error> {
        self.update(offer_id, price, max_supply)
    }

    /// An offer's state: (datasetId, splitId, price, paymentToken, minted, maxSupply, paused,
    /// retired, termsHash).
    ///
    /// # Errors
    /// [`Error::UnknownOffer`].
    pub fn offer(&self, offer_id: U256) -> Result<OfferSummary, Error> {
        self.offer_summary(offer_id)
    }

    /// Number of offers created (offer ids are 1..=offerCount).
    pub fn offer_count(&self) -> u64 {
        self.offer_count.get().to()
    }

    /// Buys a license of `offer_id` for `to`, at the offer's price if it is at most
    /// `max_price`. Native offers take exactly the price as value, ERC-20 offers pull it from
    /// the caller (approve this contract first) and take no value; the whole price goes to the
    /// dataset's split. The token is issued on `LicenseNft`, stamped with its offer, start
    /// (now) and expiry (now + duration, 0 for perpetual offers); the receiver is not called.
    ///
    /// # Errors
    /// [`Error::UnknownOffer`], [`Error::OfferIsRetired`], [`Error::OfferIsPaused`],
    /// [`Error::PriceAboveMax`], [`Error::IncorrectPayment`], [`Error::OfferSoldOut`],
    /// [`Error::InvalidReceiver`] for the zero address, [`Error::ArithmeticOverflow`],
    /// [`Error::SafeErc20FailedOperation`], [`Error::ExternalCallFailed`].
    ///
    /// # Events
    /// `LicenseIssued` (and `Transfer` on `LicenseNft`).
    #[payable]
    pub fn mint(&mut self, offer_id: U256, to: Address, max_price: U256) -> Result<U256, Error> {
        self.mint_license(offer_id, to, max_price)
    }
}
