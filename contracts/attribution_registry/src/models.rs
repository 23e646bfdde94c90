//! Models: registration with lineage checks, two-step ownership, contributor changes, views.
//!
//! Registration checks, in order: not paused, hash, array lengths, parent count, each parent
//! dataset (exists, no duplicate), dataset weights (Σ = 10,000 when there are any), each parent
//! model (exists, no duplicate), model shares (Σ ≤ 10,000), depth, ancestor count, and last the
//! licenses (one view call to the license contract per parent dataset).

use alloc::{string::String, vec::Vec};

use stylus_sdk::{
    alloy_primitives::{Address, B256, U16, U256, U64, U8},
    prelude::*,
};
use tributary_abi::scope;

use crate::{
    datasets::check_lengths,
    errors::{self, Error},
    events::{ModelContributorsUpdated, ModelRegistered},
    routing::BPS,
    AttributionRegistry, MAX_ANCESTORS, MAX_DEPTH, MAX_PARENTS,
};

/// The arguments of [`AttributionRegistry::register_model`].
pub(crate) struct ModelRegistration {
    pub(crate) model_hash: B256,
    pub(crate) uri: String,
    pub(crate) parent_datasets: Vec<U256>,
    pub(crate) dataset_weights: Vec<U256>,
    pub(crate) parent_licenses: Vec<U256>,
    pub(crate) parent_models: Vec<U256>,
    pub(crate) model_weights: Vec<U256>,
    pub(crate) contributors: Vec<Address>,
    pub(crate) shares: Vec<U256>,
}

/// `Σ values`, saturating at `U256::MAX` (any sum that large is rejected anyway).
fn weight_sum(values: &[U256]) -> U256 {
    values
        .iter()
        .fold(U256::ZERO, |sum, v| sum.saturating_add(*v))
}

/// Rejects a repeated id (lists are at most [`MAX_PARENTS`] long).
fn check_unique(ids: &[U256]) -> Result<(), Error> {
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(errors::DuplicateParent { parentId: *id }.into());
        }
    }
    Ok(())
}

/// The low 64 bits of an id known to exist (ids are counters, far below 2^64).
fn id64(id: U256) -> U64 {
    U64::from(id.wrapping_to::<u64>())
}

impl AttributionRegistry {
    /// See [`AttributionRegistry::register_model`].
    pub(crate) fn register_model_internal(&mut self, r: ModelRegistration) -> Result<U256, Error> {
        if r.model_hash.is_zero() {
            return Err(errors::ZeroHash {}.into());
        }
        let existing = self.model_by_hash.get(r.model_hash);
        if !existing.is_zero() {
            return Err(errors::DuplicateHash {
                hash: r.model_hash,
                existingId: existing,
            }
            .into());
        }
        check_lengths(r.parent_datasets.len(), r.dataset_weights.len())?;
        check_lengths(r.parent_datasets.len(), r.parent_licenses.len())?;
        check_lengths(r.parent_models.len(), r.model_weights.len())?;
        check_lengths(r.contributors.len(), r.shares.len())?;
        let parent_count = r.parent_datasets.len() + r.parent_models.len();
        if parent_count > MAX_PARENTS {
            return Err(errors::TooManyParents {
                count: U256::from(parent_count),
                max: U256::from(MAX_PARENTS),
            }
            .into());
        }

        let (depth, ancestors) = self.check_lineage(&r)?;

        let owner = self.vm().msg_sender();
        if !r.parent_datasets.is_empty() {
            let requested = U256::from(scope::TRAIN | scope::DERIVATIVES);
            for (&dataset_id, &license_id) in r.parent_datasets.iter().zip(&r.parent_licenses) {
                if !self.is_licensed(owner, license_id, dataset_id, requested)? {
                    return Err(errors::MissingLicense {
                        datasetId: dataset_id,
                        licenseId: license_id,
                    }
                    .into());
                }
            }
        }

        // Cannot overflow: one id per transaction.
        let model_id = self.model_count.get() + U256::from(1);
        self.model_count.set(model_id);
        self.model_by_hash.setter(r.model_hash).set(model_id);
        let mut model = self.models.setter(model_id);
        model.owner.set(owner);
        model.model_hash.set(r.model_hash);
        model.depth.set(U8::from(depth));
        for ((&dataset_id, &weight), &license_id) in r
            .parent_datasets
            .iter()
            .zip(&r.dataset_weights)
            .zip(&r.parent_licenses)
        {
            let mut link = model.datasets.grow();
            link.dataset.set(id64(dataset_id));
            // Each weight is at most the checked sum of 10,000.
            link.weight.set(U16::from(weight.wrapping_to::<u16>()));
            link.license.set(license_id);
        }
        for (&parent_id, &weight) in r.parent_models.iter().zip(&r.model_weights) {
            let mut link = model.models.grow();
            link.model.set(id64(parent_id));
            // Each share is at most the checked sum of 10,000.
            link.bps.set(U16::from(weight.wrapping_to::<u16>()));
        }
        for &id in &ancestors {
            model.ancestors.push(id64(id));
        }

        // The split id is only known after the call; the registry is not reentrant.
        let split_id = self.create_split(r.contributors, r.shares)?;
        self.models.setter(model_id).split.set(split_id);
        log(
            self.vm(),
            ModelRegistered {
                modelId: model_id,
                owner,
                modelHash: r.model_hash,
                splitId: split_id,
                depth,
                uri: r.uri,
            },
        );
        Ok(model_id)
    }

    /// Checks the parents and weights; returns the new model's depth and its ancestors, highest
    /// id first.
    fn check_lineage(&self, r: &ModelRegistration) -> Result<(u8, Vec<U256>), Error> {
        for &dataset_id in &r.parent_datasets {
            if self.datasets.getter(dataset_id).owner.get().is_zero() {
                return Err(errors::UnknownDataset {
                    datasetId: dataset_id,
                }
                .into());
            }
        }
        check_unique(&r.parent_datasets)?;
        let bps = U256::from(BPS);
        let sum = weight_sum(&r.dataset_weights);
        if !r.parent_datasets.is_empty() && sum != bps {
            return Err(errors::DatasetWeightSum { sum }.into());
        }

        let mut depth: u8 = 1;
        let mut ancestors: Vec<U256> = Vec::new();
        for &parent_id in &r.parent_models {
            let parent = self.models.getter(parent_id);
            if parent.owner.get().is_zero() {
                return Err(errors::UnknownModel { modelId: parent_id }.into());
            }
            // Cannot overflow: stored depths are at most MAX_DEPTH.
            depth = depth.max(parent.depth.get().to::<u8>() + 1);
            let inherited = (0..parent.ancestors.len())
                .filter_map(|i| parent.ancestors.get(i))
                .map(|a| U256::from(a.to::<u64>()));
            // Kept sorted, highest id first: a topological order, children before parents.
            for id in core::iter::once(parent_id).chain(inherited) {
                if !ancestors.contains(&id) {
                    let at = ancestors
                        .iter()
                        .position(|a| *a < id)
                        .unwrap_or(ancestors.len());
                    ancestors.insert(at, id);
                }
            }
        }
        check_unique(&r.parent_models)?;
        let sum = weight_sum(&r.model_weights);
        if sum > bps {
            return Err(errors::ModelWeightSum { sum }.into());
        }
        if depth > MAX_DEPTH {
            return Err(errors::TooDeep {
                depth: U256::from(depth),
                max: U256::from(MAX_DEPTH),
            }
            .into());
        }
        if ancestors.len() > MAX_ANCESTORS {
            return Err(errors::TooManyAncestors {
                count: U256::from(ancestors.len()),
                max: U256::from(MAX_ANCESTORS),
            }
            .into());
        }

        Ok((depth, ancestors))
    }

    /// See [`AttributionRegistry::update_model_contributors`].
    pub(crate) fn update_model_contributors_internal(
        &mut self,
        model_id: U256,
        recipients: Vec<Address>,
        shares: Vec<U256>,
    ) -> Result<(), Error> {
        self.only_model_owner(model_id)?;
        check_lengths(recipients.len(), shares.len())?;
        let split_id = self.models.getter(model_id).split.get();
        log(
            self.vm(),
            ModelContributorsUpdated {
                modelId: model_id,
                splitId: split_id,
            },
        );
        self.update_split(split_id, recipients, shares)
    }

    /// See [`AttributionRegistry::model`].
    pub(crate) fn model_view(&self, model_id: U256) -> Result<(Address, U256, B256, u8), Error> {
        let model = self.models.getter(model_id);
        let owner = model.owner.get();
        if owner.is_zero() {
            return Err(errors::UnknownModel { modelId: model_id }.into());
        }
        Ok((
            owner,
            model.split.get(),
            model.model_hash.get(),
            model.depth.get().to(),
        ))
    }

    /// See [`AttributionRegistry::parents`].
    #[allow(clippy::type_complexity)]
    pub(crate) fn parents_view(
        &self,
        model_id: U256,
    ) -> Result<(Vec<U256>, Vec<U256>, Vec<U256>, Vec<U256>, Vec<U256>), Error> {
        let model = self.models.getter(model_id);
        if model.owner.get().is_zero() {
            return Err(errors::UnknownModel { modelId: model_id }.into());
        }
        let (mut datasets, mut weights, mut licenses) = (Vec::new(), Vec::new(), Vec::new());
        for link in (0..model.datasets.len()).filter_map(|i| model.datasets.getter(i)) {
            datasets.push(U256::from(link.dataset.get()));
            weights.push(U256::from(link.weight.get()));
            licenses.push(link.license.get());
        }
        let (mut models, mut bps) = (Vec::new(), Vec::new());
        for link in (0..model.models.len()).filter_map(|i| model.models.getter(i)) {
            models.push(U256::from(link.model.get()));
            bps.push(U256::from(link.bps.get()));
        }
        Ok((datasets, weights, licenses, models, bps))
    }

    /// See [`AttributionRegistry::ancestry`].
    pub(crate) fn ancestry_view(&self, model_id: U256) -> Result<Vec<U256>, Error> {
        let model = self.models.getter(model_id);
        if model.owner.get().is_zero() {
            return Err(errors::UnknownModel { modelId: model_id }.into());
        }
        Ok((0..model.ancestors.len())
            .filter_map(|i| model.ancestors.get(i))
            .map(|a| U256::from(a))
            .collect())
    }

    /// The model's owner, if the caller is it.
    fn only_model_owner(&self, model_id: U256) -> Result<Address, Error> {
        let owner = self.models.getter(model_id).owner.get();
        if owner.is_zero() {
            return Err(errors::UnknownModel { modelId: model_id }.into());
        }
        let sender = self.vm().msg_sender();
        if owner != sender {
            return Err(errors::NotModelOwner {
                modelId: model_id,
                account: sender,
            }
            .into());
        }
        Ok(owner)
    }
}
