//! Tributary attribution registry: datasets, contributors, model lineage and upstream royalties.
//!
//! - A **dataset** is a content hash + URI with an owner, numbered versions and a contributors'
//!   split in the royalty splitter (created here; the registry is the split's controller, the
//!   dataset owner changes contributors through [`AttributionRegistry::update_contributors`]).
//! - A **model** is a model hash + URI with an owner, its own contributors' split, and parents:
//!   datasets (relative weights summing to 10,000, each with a license valid for TRAIN and
//!   DERIVATIVES held by the registrant) and earlier models (basis points, Σ ≤ 10,000). Parents
//!   must exist first, so the lineage is a DAG by construction. Caps: [`MAX_PARENTS`] parents,
//!   depth [`MAX_DEPTH`], [`MAX_ANCESTORS`] distinct ancestor models.
//! - **Revenue** declared on a model is routed up the lineage by the separate `RevenueRouter`
//!   contract (`contracts/revenue_router`), which reads the lineage through this registry's views
//!   ([`AttributionRegistry::model`], [`AttributionRegistry::parents`],
//!   [`AttributionRegistry::ancestry`], [`AttributionRegistry::dataset_split`]). The two were one
//!   contract until the code outgrew the 24 KiB limit.
//!
//! Only the splitter and the license contract are called. The registry holds no funds and is not
//! reentrant (Stylus default). Size techniques: the shared word encoder
//! (`tributary_abi::abi_words`) for errors, events and calls, and keccak-addressed storage words
//! ([`state`]).
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
pub mod state;

mod datasets;
mod external;
mod models;

#[cfg(test)]
mod tests;

use alloc::{string::String, vec::Vec};

use alloy_sol_types::SolEvent;
use openzeppelin_stylus::access::ownable::{OwnableInvalidOwner, OwnershipTransferred};
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    prelude::*,
    storage::{StorageAddress, StorageU256},
};
use tributary_abi::{
    abi_words::{emit_log, Word},
    returns::{Lineage, RouteSnapshot},
};

pub use crate::errors::Error;
use crate::{events::LicenseNftSet, external::Members, models::ModelRegistration};

/// Most parents (datasets plus models) one model may have.
pub const MAX_PARENTS: usize = 8;
/// Deepest model in a lineage: a model without parent models has depth 1, a model's depth is
/// 1 + its deepest parent model's depth.
pub const MAX_DEPTH: u8 = 4;
/// Most distinct ancestor models one model may have (bounds the work of a revenue report).
pub const MAX_ANCESTORS: usize = 16;

/// The contract's storage.
#[entrypoint]
#[storage]
pub struct AttributionRegistry {
    /// The registry owner. Its only power is the one-time [`Self::set_license_nft`], so there
    /// is nothing to hand over afterwards and no transfer functions are exposed. Kept by hand
    /// with `OpenZeppelin`'s `Ownable` errors and event (its component's generic event encoding
    /// cost 500 bytes of the code budget).
    owner: StorageAddress,
    /// The royalty splitter every split lives in.
    splitter: StorageAddress,
    /// The license contract (set once by the owner after deployment).
    license_nft: StorageAddress,
    /// Number of datasets registered; ids run from 1 to this.
    dataset_count: StorageU256,
    /// Number of models registered; ids run from 1 to this.
    model_count: StorageU256,
    /// The model token contract (set once by the owner after deployment): every model is a
    /// token there, and its holder controls the model.
    model_nft: StorageAddress,
    // Datasets and models live in keccak-addressed words: see `state`.
}

#[public]
impl AttributionRegistry {
    /// Sets the registry owner and the royalty splitter.
    ///
    /// # Errors
    /// [`Error::InvalidOwner`] if `owner` is zero, [`Error::ZeroAddress`] if `splitter` is zero.
    #[constructor]
    pub fn constructor(&mut self, owner: Address, splitter: Address) -> Result<(), Error> {
        if owner.is_zero() {
            return Err(Error::InvalidOwner(OwnableInvalidOwner {
                owner: Address::ZERO,
            }));
        }
        self.owner.set(owner);
        emit_log(
            self.vm(),
            &[
                OwnershipTransferred::SIGNATURE_HASH.0,
                (Address::ZERO).word(),
                owner.word(),
            ],
            &[],
            &[],
        );
        if splitter.is_zero() {
            return Err(errors::ZeroAddress {}.into());
        }
        self.splitter.set(splitter);
        Ok(())
    }

    // ----- admin -----

    /// Sets the license contract, once (owner only).
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`], [`Error::ZeroAddress`], [`Error::LicenseNftAlreadySet`].
    ///
    /// # Events
    /// [`LicenseNftSet`].
    pub fn set_license_nft(&mut self, license: Address) -> Result<(), Error> {
        let current = self.license_nft.get();
        self.check_wiring(license)?;
        if !current.is_zero() {
            return Err(errors::LicenseNftAlreadySet { current }.into());
        }
        self.license_nft.set(license);
        emit_log(
            self.vm(),
            &[LicenseNftSet::SIGNATURE_HASH.0, license.word()],
            &[],
            &[],
        );
        Ok(())
    }

    /// Sets the model token contract, once (owner only). Models can be registered from then on:
    /// each is minted there as a token to its registrant.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`], [`Error::ZeroAddress`], [`Error::ModelNftAlreadySet`].
    ///
    /// # Events
    /// [`events::ModelNftSet`].
    pub fn set_model_nft(&mut self, models: Address) -> Result<(), Error> {
        let current = self.model_nft.get();
        self.check_wiring(models)?;
        if !current.is_zero() {
            return Err(errors::ModelNftAlreadySet { current }.into());
        }
        self.model_nft.set(models);
        emit_log(
            self.vm(),
            &[events::ModelNftSet::SIGNATURE_HASH.0, models.word()],
            &[],
            &[],
        );
        Ok(())
    }

    /// The model token contract (zero until set).
    pub fn model_nft(&self) -> Address {
        self.model_nft.get()
    }

    /// The royalty splitter.
    pub fn splitter(&self) -> Address {
        self.splitter.get()
    }

    /// The license contract (zero until set).
    pub fn license_nft(&self) -> Address {
        self.license_nft.get()
    }

    /// The registry owner.
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    // ----- datasets -----

    /// Registers a dataset: the caller becomes its owner, `content_hash`/`uri` its version 1,
    /// and a split of `contributors` (sorted ascending, unique) with `weights` is created with
    /// the registry as controller. Returns the dataset id (from 1).
    ///
    /// # Errors
    /// [`Error::ZeroHash`], [`Error::DuplicateHash`],
    /// [`Error::LengthMismatch`], [`Error::ExternalCallFailed`] (the splitter refused the split).
    ///
    /// # Events
    /// [`events::DatasetRegistered`].
    pub fn register_dataset(
        &mut self,
        content_hash: B256,
        uri: String,
        contributors: Vec<Address>,
        weights: Vec<U256>,
    ) -> Result<U256, Error> {
        self.register_dataset_internal(content_hash, &uri, Members::Listed(&contributors, &weights))
    }

    /// Registers a dataset whose contributors are a Merkle split: `root` commits to
    /// `(contributor, shares)` leaves summing to `total_shares` (any number of contributors,
    /// registered and paid at the cost of three). Otherwise as [`Self::register_dataset`].
    ///
    /// # Errors
    /// [`Error::ZeroHash`], [`Error::DuplicateHash`], [`Error::ExternalCallFailed`] (the
    /// splitter refused the root or total: `SplitZeroRoot`, `SplitZeroShares`,
    /// `SplitTotalSharesTooLarge`).
    ///
    /// # Events
    /// [`events::DatasetRegistered`].
    pub fn register_merkle_dataset(
        &mut self,
        content_hash: B256,
        uri: String,
        root: B256,
        total_shares: U256,
    ) -> Result<U256, Error> {
        self.register_dataset_internal(content_hash, &uri, Members::Merkle(root, total_shares))
    }

    /// Publishes a new version of a dataset (dataset owner only). Returns its number.
    ///
    /// # Errors
    /// [`Error::UnknownDataset`], [`Error::NotDatasetOwner`], [`Error::ZeroHash`],
    /// [`Error::DuplicateHash`].
    ///
    /// # Events
    /// [`events::VersionPublished`].
    pub fn publish_version(
        &mut self,
        dataset_id: U256,
        content_hash: B256,
        uri: String,
    ) -> Result<U256, Error> {
        self.publish_version_internal(dataset_id, content_hash, &uri)
    }

    /// Offers dataset ownership to `new_owner` (dataset owner only; zero cancels an offer).
    ///
    /// # Errors
    /// [`Error::UnknownDataset`], [`Error::NotDatasetOwner`].
    ///
    /// # Events
    /// [`events::DatasetOwnershipTransferStarted`].
    pub fn transfer_dataset_ownership(
        &mut self,
        dataset_id: U256,
        new_owner: Address,
    ) -> Result<(), Error> {
        self.transfer_dataset_ownership_internal(dataset_id, new_owner)
    }

    /// Accepts the ownership of a dataset offered to the caller.
    ///
    /// # Errors
    /// [`Error::UnknownDataset`], [`Error::NotPendingOwner`].
    ///
    /// # Events
    /// [`events::DatasetOwnershipTransferred`].
    pub fn accept_dataset_ownership(&mut self, dataset_id: U256) -> Result<(), Error> {
        self.accept_dataset_ownership_internal(dataset_id)
    }

    /// Replaces the contributors of a dataset's split (dataset owner only) by opening its next
    /// version; what was accrued before stays claimable from the previous version. Fails with
    /// the splitter's `SplitNotController` once the split was handed over
    /// ([`Self::hand_over_split`]).
    ///
    /// # Errors
    /// [`Error::UnknownDataset`], [`Error::NotDatasetOwner`], [`Error::LengthMismatch`],
    /// [`Error::ExternalCallFailed`].
    ///
    /// # Events
    /// [`events::ContributorsUpdated`].
    pub fn update_contributors(
        &mut self,
        dataset_id: U256,
        recipients: Vec<Address>,
        shares: Vec<U256>,
    ) -> Result<(), Error> {
        self.update_contributors_internal(dataset_id, &recipients, &shares)
    }

    /// Hands control of the dataset's split to `controller` (dataset owner only): from then on
    /// only `controller` replaces the dataset's contributors, on the splitter — e.g. the
    /// Datanets contract, which installs evaluated weights after a veto window. Only the new
    /// controller can hand it on or back (zero makes the contributors permanent).
    ///
    /// # Errors
    /// [`Error::UnknownDataset`], [`Error::NotDatasetOwner`], [`Error::ExternalCallFailed`]
    /// (`SplitNotController`: the registry no longer controls the split).
    ///
    /// # Events
    /// The splitter's `SplitControllerChanged`.
    pub fn hand_over_split(&mut self, dataset_id: U256, controller: Address) -> Result<(), Error> {
        self.hand_over_split_internal(dataset_id, controller)
    }

    /// Owner of a dataset; zero if unknown.
    pub fn dataset_owner(&self, dataset_id: U256) -> Address {
        self.read_address(state::Field::DatasetOwner, &[dataset_id])
    }

    /// Split of a dataset; zero if unknown.
    pub fn dataset_split(&self, dataset_id: U256) -> U256 {
        self.dataset_split_of(dataset_id)
    }

    /// Owner and split of a dataset (`datasetOwner` and `datasetSplit` in one call); zeros if
    /// unknown.
    pub fn dataset_listing(&self, dataset_id: U256) -> (Address, U256) {
        self.dataset_listing_of(dataset_id)
    }

    /// A dataset: `(owner, pendingOwner, splitId, latestContentHash, versionCount)` (URIs are
    /// in the `DatasetRegistered` and `VersionPublished` events).
    ///
    /// # Errors
    /// [`Error::UnknownDataset`].
    pub fn dataset(&self, dataset_id: U256) -> Result<(Address, Address, U256, B256, U256), Error> {
        self.dataset_view(dataset_id)
    }

    /// Content hash of version `version` (from 1) of a dataset.
    ///
    /// # Errors
    /// [`Error::UnknownDataset`], [`Error::UnknownVersion`].
    pub fn dataset_version(&self, dataset_id: U256, version: U256) -> Result<B256, Error> {
        self.dataset_version_view(dataset_id, version)
    }

    // ----- models -----

    /// Registers a model trained on `parent_datasets` (with `dataset_weights` summing to
    /// 10,000) and derived from `parent_models` (with `model_weights` in basis points,
    /// Σ ≤ 10,000). `parent_licenses` holds the license the caller holds for each parent dataset
    /// (valid for TRAIN and DERIVATIVES), then for each parent model (valid for `FINE_TUNE` and
    /// DERIVATIVES on the model's asset id `2^63 + modelId`; 0 when the caller holds the parent
    /// model's token). Creates the model's split of `contributors`/`shares` and mints the
    /// model's token to the caller on the model token contract. Returns the model id (from 1).
    ///
    /// # Errors
    /// [`Error::ZeroHash`], [`Error::DuplicateHash`],
    /// [`Error::LengthMismatch`], [`Error::TooManyParents`], [`Error::ModelNftNotSet`],
    /// [`Error::UnknownDataset`], [`Error::UnknownModel`], [`Error::DuplicateParent`],
    /// [`Error::DatasetWeightSum`], [`Error::ModelWeightSum`], [`Error::TooDeep`],
    /// [`Error::TooManyAncestors`], [`Error::LicenseNftNotSet`], [`Error::MissingLicense`],
    /// [`Error::MissingModelLicense`], [`Error::ExternalCallFailed`].
    ///
    /// # Events
    /// [`events::ModelRegistered`].
    #[allow(clippy::too_many_arguments)]
    pub fn register_model(
        &mut self,
        model_hash: B256,
        uri: String,
        parent_datasets: Vec<U256>,
        dataset_weights: Vec<U256>,
        parent_licenses: Vec<U256>,
        parent_models: Vec<U256>,
        model_weights: Vec<U256>,
        contributors: Vec<Address>,
        shares: Vec<U256>,
    ) -> Result<U256, Error> {
        self.register_model_internal(ModelRegistration {
            model_hash,
            uri,
            parent_datasets,
            dataset_weights,
            parent_licenses,
            parent_models,
            model_weights,
            contributors,
            shares,
        })
    }

    /// Replaces the contributors of a model's split (the model token's holder only).
    ///
    /// # Errors
    /// [`Error::UnknownModel`], [`Error::NotModelOwner`], [`Error::LengthMismatch`],
    /// [`Error::ExternalCallFailed`].
    ///
    /// # Events
    /// [`events::ModelContributorsUpdated`].
    pub fn update_model_contributors(
        &mut self,
        model_id: U256,
        recipients: Vec<Address>,
        shares: Vec<U256>,
    ) -> Result<(), Error> {
        self.update_model_contributors_internal(model_id, &recipients, &shares)
    }

    /// Records that model `modelId`'s token moved to `to` (the model token contract only, on
    /// every transfer): `to` becomes the model's owner and a new version of the model's split
    /// pays `to` alone, so revenue from now on goes to the new holder while what accrued under
    /// earlier versions stays claimable by the earlier recipients.
    ///
    /// # Errors
    /// [`Error::NotModelNft`], [`Error::UnknownModel`], [`Error::ExternalCallFailed`].
    ///
    /// # Events
    /// [`events::ModelHolderChanged`].
    pub fn move_model(&mut self, model_id: U256, to: Address) -> Result<(), Error> {
        self.move_model_internal(model_id, to)
    }

    /// Publishes a new version of a model (the model token's holder only); returns its number
    /// (the registered hash is version 1). Each version's hash is unique among models.
    ///
    /// # Errors
    /// [`Error::UnknownModel`], [`Error::NotModelOwner`], [`Error::ZeroHash`],
    /// [`Error::DuplicateHash`].
    ///
    /// # Events
    /// [`events::ModelVersionPublished`].
    pub fn publish_model_version(
        &mut self,
        model_id: U256,
        model_hash: B256,
        uri: String,
    ) -> Result<U256, Error> {
        self.publish_model_version_internal(model_id, model_hash, &uri)
    }

    /// The hash of version `version` (from 1) of a model.
    ///
    /// # Errors
    /// [`Error::UnknownModel`], [`Error::UnknownVersion`] (with the model's asset id).
    pub fn model_version(&self, model_id: U256, version: U256) -> Result<B256, Error> {
        self.model_version_view(model_id, version)
    }

    /// A model: `(owner, splitId, modelHash, depth)`; the owner is the holder of the model's
    /// token and `modelHash` its latest version's (the URIs are in `ModelRegistered` and
    /// `ModelVersionPublished`).
    ///
    /// # Errors
    /// [`Error::UnknownModel`].
    pub fn model(&self, model_id: U256) -> Result<(Address, U256, B256, u8), Error> {
        self.model_view(model_id)
    }

    /// A model's parents: `(datasets, datasetWeights, licenses, models, modelWeights)`;
    /// `licenses` has one entry per parent dataset, then one per parent model (0 where the
    /// registrant held the parent model).
    ///
    /// # Errors
    /// [`Error::UnknownModel`].
    #[allow(clippy::type_complexity)]
    pub fn parents(&self, model_id: U256) -> Result<Lineage, Error> {
        let (datasets, dataset_weights, licenses, models, model_weights) =
            self.parents_view(model_id)?;
        Ok(Lineage {
            datasets,
            datasetWeights: dataset_weights,
            licenses,
            models,
            modelWeights: model_weights,
        })
    }

    /// Everything a revenue report of a model reads, in one call (the revenue router's): the
    /// model and its ancestors with their splits and all their parent links, each parent
    /// dataset's split included (`RouteSnapshot`).
    ///
    /// # Errors
    /// [`Error::UnknownModel`].
    pub fn route_snapshot(&self, model_id: U256) -> Result<RouteSnapshot, Error> {
        self.route_snapshot_view(model_id)
    }

    /// Every distinct ancestor model of a model, highest id first (at most [`MAX_ANCESTORS`]).
    ///
    /// # Errors
    /// [`Error::UnknownModel`].
    pub fn ancestry(&self, model_id: U256) -> Result<Vec<U256>, Error> {
        self.ancestry_view(model_id)
    }
}
