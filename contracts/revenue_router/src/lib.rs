//! Tributary revenue router: declared derivative revenue of a model, routed up its lineage.
//!
//! `reportRevenue(modelId)` (native, payable) and `reportRevenueToken(modelId, token, amount)`
//! (ERC-20, pulled from the caller, fee-on-transfer safe) take a model's declared revenue and
//! route it by [`routing`]: each parent dataset is owed its royalty tier (read from the license
//! contract for the license the registrant held) at the model's cumulative revenue in that
//! asset, split at tier thresholds and weighted by the dataset's weight; parent models receive
//! their basis points of the rest and route it on the same way, to the registry's depth cap; the
//! model's own split keeps the remainder and all rounding dust. Every wei is deposited into a
//! split in the royalty splitter; the router keeps no funds between transactions.
//!
//! The lineage (model splits, parents, ancestry, dataset splits) is read from the
//! `AttributionRegistry` through its views (`model`, `parents`, `ancestry`, `datasetSplit`:
//! `IAttributionRegistry` in `tributary-abi`'s `interfaces`), the royalty tiers from the license
//! contract (`ILicenseNft.royaltyTiers`); the router stores only the cumulative revenue per
//! model and asset. It was split out of the registry to keep both under the 24 KiB code limit.
//!
//! Only the registry, the license contract and the splitter (views and deposits), and for
//! ERC-20 revenue the token, are called: no arbitrary external code runs during propagation.
//! No admin: the three addresses are fixed at construction.
//!
//! # Deployment
//! `RoyaltySplitter(owner)` → `AttributionRegistry(owner, splitter)` → `LicenseNft(owner)` →
//! `LicenseOffers(..)` → `RevenueRouter(registry, licenseNft, splitter)` →
//! `UsageEscrow(..)` → `UsageAnchor(..)`, then the owner's one-time wiring
//! (`kit/src/deploy/mod.rs`); the router itself needs none, but models can only be registered
//! once `registry.setLicenseNft(licenseNft)` is done. Revenue is
//! reported to the router (`reportRevenue`, `reportRevenueToken` with an ERC-20 approval to the
//! router); model registration stays on the registry.
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
pub mod routing;

mod external;
mod receiver;
mod revenue;

#[cfg(test)]
mod tests;

use stylus_sdk::{
    alloy_primitives::{Address, U256},
    prelude::*,
    storage::{StorageAddress, StorageMap, StorageU256},
};
use tributary_abi::returns::RoyaltyQuote;

pub use crate::errors::Error;

/// The contract's storage.
#[entrypoint]
#[storage]
pub struct RevenueRouter {
    /// The attribution registry the lineage is read from.
    registry: StorageAddress,
    /// The license contract the royalty tiers are read from.
    license_nft: StorageAddress,
    /// The royalty splitter every split lives in.
    splitter: StorageAddress,
    /// Cumulative revenue per model and asset (the zero address = native currency), including
    /// what descendant models passed up.
    revenue: StorageMap<U256, StorageMap<Address, StorageU256>>,
}

#[public]
impl RevenueRouter {
    /// Fixes the registry, the license contract and the splitter.
    ///
    /// # Errors
    /// [`Error::ZeroAddress`] if any of them is zero.
    #[constructor]
    pub fn constructor(
        &mut self,
        registry: Address,
        license_nft: Address,
        splitter: Address,
    ) -> Result<(), Error> {
        if registry.is_zero() || license_nft.is_zero() || splitter.is_zero() {
            return Err(errors::ZeroAddress {}.into());
        }
        self.registry.set(registry);
        self.license_nft.set(license_nft);
        self.splitter.set(splitter);
        Ok(())
    }

    /// The router's wiring: `(registry, licenseNft, splitter)`.
    pub fn config(&self) -> (Address, Address, Address) {
        (
            self.registry.get(),
            self.license_nft.get(),
            self.splitter.get(),
        )
    }

    /// Declares `msg.value` of native revenue of a model and routes it up the lineage (anyone
    /// may pay a model's revenue in).
    ///
    /// # Errors
    /// [`Error::ZeroRevenue`], [`Error::UnknownModel`], [`Error::RevenueOverflow`],
    /// [`Error::InvalidLineage`], [`Error::ExternalCallFailed`].
    ///
    /// # Events
    /// [`events::RevenueReported`], [`events::RoyaltyRouted`] per parent edge,
    /// [`events::RevenueRetained`] per model reached.
    #[payable]
    pub fn report_revenue(&mut self, model_id: U256) -> Result<(), Error> {
        self.report_native(model_id)
    }

    /// Declares `amount` of revenue of a model in ERC-20 `token`, pulled from the caller (who
    /// approved the router), and routes what arrived up the lineage.
    ///
    /// # Errors
    /// [`Error::ZeroAddress`], [`Error::ZeroRevenue`], [`Error::UnknownModel`],
    /// [`Error::RevenueOverflow`], [`Error::InvalidLineage`],
    /// [`Error::SafeErc20FailedOperation`], [`Error::ExternalCallFailed`].
    ///
    /// # Events
    /// As [`Self::report_revenue`].
    pub fn report_revenue_token(
        &mut self,
        model_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<(), Error> {
        self.report_token(model_id, token, amount)
    }

    /// Cumulative revenue of a model in `token` (the zero address = native currency), including
    /// what descendant models passed up; the tier thresholds apply to it.
    pub fn cumulative_revenue(&self, model_id: U256, token: Address) -> U256 {
        self.revenue.getter(model_id).get(token)
    }

    /// What each party would receive of `amount` of native revenue of a model reported now
    /// (at the current cumulative revenues, so tier switches count): a `RoyaltyQuote` struct
    /// `(assetIds, amounts)`,
    /// the model itself first as `2^63 + modelId` with what its holder's split keeps, then each
    /// parent dataset (its id) and each ancestor model (`2^63 + id`, what its split keeps) in
    /// routing order. The amounts sum to `amount`, to the wei.
    ///
    /// # Errors
    /// As [`Self::report_revenue`] (nothing is written).
    pub fn quote_royalties(&self, model_id: U256, amount: U256) -> Result<RoyaltyQuote, Error> {
        self.quote(model_id, Address::ZERO, amount)
    }

    /// [`Self::quote_royalties`] for revenue in ERC-20 `token` (tiers count the cumulative
    /// revenue per asset).
    ///
    /// # Errors
    /// As [`Self::report_revenue`].
    pub fn quote_royalties_token(
        &self,
        model_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<RoyaltyQuote, Error> {
        self.quote(model_id, token, amount)
    }

    /// A model's ERC-2981 royalty receiver, deployed on the first call (CREATE2, salt = model
    /// id, so `ModelNft.royaltyInfo` predicts it before it exists): a forwarder that reports
    /// whatever native currency it holds as the model's revenue when called with empty calldata
    /// (a marketplace's plain transfer), and `abi.encode(token)` reports its ERC-20 balance
    /// (`tributary_abi::receiver`). Value sent to the address before the deployment is swept by
    /// the first such call after it. Anyone may deploy it.
    ///
    /// # Errors
    /// [`Error::UnknownModel`], [`Error::ReceiverDeploymentFailed`].
    ///
    /// # Events
    /// [`events::ModelReceiverCreated`] when it deploys.
    pub fn royalty_receiver(&mut self, model_id: U256) -> Result<Address, Error> {
        self.royalty_receiver_of(model_id)
    }

    /// Pays `recipient` everything the splitter owes it in each `(splitIds[i], versions[i],
    /// tokens[i])`: one call collects an account's balances across splits, versions and tokens
    /// (the explorer's `withdraw_all`). For each entry it asks the splitter's `claimable` and,
    /// if something is owed, calls its `withdraw`, which pays `recipient` directly (the router
    /// holds nothing; anyone may call it, the money only goes to `recipient`). Returns how many
    /// payouts were made.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] (the arrays are not aligned), [`Error::NothingToWithdraw`]
    /// (nothing owed in any entry), [`Error::ExternalCallFailed`] (the splitter refused an
    /// entry: an unknown split or version, or the recipient rejected a payment).
    ///
    /// # Events
    /// The splitter's `SplitWithdrawn` per payout.
    pub fn withdraw_all(
        &mut self,
        split_ids: Vec<U256>,
        versions: Vec<u32>,
        recipient: Address,
        tokens: Vec<Address>,
    ) -> Result<U256, Error> {
        self.withdraw_entries(&split_ids, &versions, recipient, &tokens)
    }
}
