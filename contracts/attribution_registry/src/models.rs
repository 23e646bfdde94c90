//! Models: registration with lineage checks, two-step ownership, contributor changes, views.
//!
//! Registration checks, in order: hash, array lengths, parent count, each parent
//! dataset (exists, no duplicate), dataset weights (Σ = 10,000 when there are any), each parent
//! model (exists, no duplicate), model shares (Σ ≤ 10,000), depth, ancestor count, and last the
//! licenses (one view call to the license contract per parent dataset).

use alloc::{string::String, vec, vec::Vec};

use alloy_sol_types::SolEvent;
use openzeppelin_stylus::access::ownable::OwnableUnauthorizedAccount;
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    prelude::*,
};
use tributary_abi::{
    abi_words::{emit_log, Tail, Word},
    asset::model_asset,
    returns::RouteSnapshot,
    scope,
};

use crate::{
    datasets::{check_lengths, key},
    errors::{self, Error},
    events::{
        ModelContributorsUpdated, ModelHolderChanged, ModelRegistered, ModelVersionPublished,
    },
    external::Members,
    state::{ancestor_at, link, link_license, link_licensed, unlink, Field, Shape},
    AttributionRegistry, MAX_ANCESTORS, MAX_DEPTH, MAX_PARENTS,
};

/// Basis points in 100 %.
const BPS: u64 = 10_000;

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

impl AttributionRegistry {
    /// See [`AttributionRegistry::register_model`].
    pub(crate) fn register_model_internal(&mut self, r: ModelRegistration) -> Result<U256, Error> {
        self.check_new_hash(Field::ModelByHash, r.model_hash)?;
        check_lengths(r.parent_datasets.len(), r.dataset_weights.len())?;
        // One license per parent dataset, then one per parent model.
        check_lengths(
            r.parent_datasets.len() + r.parent_models.len(),
            r.parent_licenses.len(),
        )?;
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

        let models = self.model_nft.get();
        if models.is_zero() {
            return Err(errors::ModelNftNotSet {}.into());
        }
        let (depth, ancestors) = self.check_lineage(&r)?;

        let owner = self.vm().msg_sender();
        let model_licenses = self.check_licenses(&r, owner)?;

        // Cannot overflow: one id per transaction.
        let model_id = self.model_count.get() + U256::from(1);
        self.model_count.set(model_id);
        self.write_uint(Field::ModelByHash, &[key(r.model_hash)], model_id);
        self.write_address(Field::ModelOwner, &[model_id], owner);
        self.write(Field::ModelHash, &[model_id], r.model_hash);
        // The counts are capped by MAX_PARENTS and MAX_ANCESTORS, far below 256.
        #[allow(clippy::cast_possible_truncation)]
        let shape = Shape {
            depth,
            datasets: r.parent_datasets.len() as u8,
            models: r.parent_models.len() as u8,
            ancestors: ancestors.len() as u8,
        };
        self.write(Field::ModelShape, &[model_id], shape.word());
        for (i, ((&dataset_id, &weight), &license_id)) in r
            .parent_datasets
            .iter()
            .zip(&r.dataset_weights)
            .zip(&r.parent_licenses)
            .enumerate()
        {
            let index = U256::from(i);
            // Each weight is at most the checked sum of 10,000; ids are counters below 2^64.
            self.write(
                Field::DatasetLink,
                &[model_id, index],
                link(dataset_id, weight),
            );
            self.write_uint(Field::DatasetLicense, &[model_id, index], license_id);
        }
        for (j, ((&parent_id, &weight), &license_id)) in r
            .parent_models
            .iter()
            .zip(&r.model_weights)
            .zip(model_licenses)
            .enumerate()
        {
            // The license shares the link's word (bytes 0..22): license ids are below 2^96
            // (`offerId · 2^32 + serial`, checked by the license contract), or 0.
            self.write(
                Field::ModelLink,
                &[model_id, U256::from(j)],
                link_licensed(parent_id, weight, license_id),
            );
        }
        for (k, chunk) in ancestors.chunks(4).enumerate() {
            let mut word = B256::ZERO;
            for (slot, id) in chunk.iter().enumerate() {
                word[8 * slot..8 * slot + 8]
                    .copy_from_slice(&id.wrapping_to::<u64>().to_be_bytes());
            }
            self.write(Field::Ancestors, &[model_id, U256::from(k)], word);
        }

        // The split id is only known after the call; the registry is not reentrant.
        let split_id = self.create_split(Members::Listed(&r.contributors, &r.shares))?;
        self.write_uint(Field::ModelSplit, &[model_id], split_id);
        // The model's token, to the registrant (the token contract does not call back on a
        // mint).
        self.mint_model(models, owner, model_id)?;
        emit_log(
            self.vm(),
            &[
                ModelRegistered::SIGNATURE_HASH.0,
                model_id.word(),
                owner.word(),
                r.model_hash.0,
            ],
            &[split_id.word(), depth.word(), [0; 32]],
            &[Tail::bytes(2, r.uri.as_bytes())],
        );
        Ok(model_id)
    }

    /// Checks that `owner` holds a license for each parent (see `registerModel`); returns the
    /// parent models' licenses.
    fn check_licenses<'a>(
        &mut self,
        r: &'a ModelRegistration,
        owner: Address,
    ) -> Result<&'a [U256], Error> {
        let (dataset_licenses, model_licenses) =
            r.parent_licenses.split_at(r.parent_datasets.len());
        let requested = U256::from(scope::TRAIN | scope::DERIVATIVES);
        for (&dataset_id, &license_id) in r.parent_datasets.iter().zip(dataset_licenses) {
            if !self.is_licensed(owner, license_id, dataset_id, requested)? {
                return Err(errors::MissingLicense {
                    datasetId: dataset_id,
                    licenseId: license_id,
                }
                .into());
            }
        }
        // A fine-tune needs FINE_TUNE + DERIVATIVES on each parent model, unless the registrant
        // holds the parent's token (license 0: nobody licenses their own model).
        let requested = U256::from(scope::FINE_TUNE | scope::DERIVATIVES);
        for (&parent_id, &license_id) in r.parent_models.iter().zip(model_licenses) {
            let own = license_id.is_zero() && self.existing_model_owner(parent_id)? == owner;
            if !own && !self.is_licensed(owner, license_id, model_asset(parent_id), requested)? {
                return Err(errors::MissingModelLicense {
                    modelId: parent_id,
                    licenseId: license_id,
                }
                .into());
            }
        }

        Ok(model_licenses)
    }

    /// Checks the parents and weights; returns the new model's depth and its ancestors, highest
    /// id first.
    fn check_lineage(&self, r: &ModelRegistration) -> Result<(u8, Vec<U256>), Error> {
        for &dataset_id in &r.parent_datasets {
            self.existing_dataset_owner(dataset_id)?;
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
            self.existing_model_owner(parent_id)?;
            let shape = self.shape(parent_id);
            // Cannot overflow: stored depths are at most MAX_DEPTH.
            depth = depth.max(shape.depth + 1);
            let inherited = self.ancestors(parent_id, shape);
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

    /// The ancestors of a model, highest id first.
    fn ancestors(&self, model_id: U256, shape: Shape) -> Vec<U256> {
        (0..usize::from(shape.ancestors))
            .map(|i| {
                let word = self.read(Field::Ancestors, &[model_id, U256::from(i / 4)]);
                ancestor_at(word, i % 4)
            })
            .collect()
    }

    /// See [`AttributionRegistry::update_model_contributors`].
    pub(crate) fn update_model_contributors_internal(
        &mut self,
        model_id: U256,
        recipients: &[Address],
        shares: &[U256],
    ) -> Result<(), Error> {
        let owner = self.existing_model_owner(model_id)?;
        let sender = self.vm().msg_sender();
        if owner != sender {
            return Err(errors::NotModelOwner {
                modelId: model_id,
                account: sender,
            }
            .into());
        }
        check_lengths(recipients.len(), shares.len())?;
        let split_id = self.read_uint(Field::ModelSplit, &[model_id]);
        emit_log(
            self.vm(),
            &[
                ModelContributorsUpdated::SIGNATURE_HASH.0,
                model_id.word(),
                split_id.word(),
            ],
            &[],
            &[],
        );
        self.update_split(split_id, recipients, shares)
    }

    /// See [`AttributionRegistry::model`].
    pub(crate) fn model_view(&self, model_id: U256) -> Result<(Address, U256, B256, u8), Error> {
        let owner = self.existing_model_owner(model_id)?;
        let latest = self.model_version_count(model_id);
        Ok((
            owner,
            self.read_uint(Field::ModelSplit, &[model_id]),
            self.model_version_hash(model_id, latest),
            self.shape(model_id).depth,
        ))
    }

    /// How many versions a model has (1 until its holder publishes another). Versions after the
    /// first live in the dataset version fields under the model's asset id `2^63 + modelId`,
    /// which no dataset id reaches.
    fn model_version_count(&self, model_id: U256) -> U256 {
        self.read_uint(Field::VersionCount, &[model_asset(model_id)])
            .max(U256::from(1))
    }

    /// The hash of version `version` (1 ≤ version ≤ the count) of a model.
    fn model_version_hash(&self, model_id: U256, version: U256) -> B256 {
        if version == U256::from(1) {
            self.read(Field::ModelHash, &[model_id])
        } else {
            self.read(Field::Version, &[model_asset(model_id), version])
        }
    }

    /// See [`AttributionRegistry::publish_model_version`].
    pub(crate) fn publish_model_version_internal(
        &mut self,
        model_id: U256,
        model_hash: B256,
        uri: &str,
    ) -> Result<U256, Error> {
        let owner = self.existing_model_owner(model_id)?;
        let sender = self.vm().msg_sender();
        if owner != sender {
            return Err(errors::NotModelOwner {
                modelId: model_id,
                account: sender,
            }
            .into());
        }
        self.check_new_hash(Field::ModelByHash, model_hash)?;
        // Cannot overflow: one version per transaction.
        let number = self.model_version_count(model_id) + U256::from(1);
        let asset = model_asset(model_id);
        self.write_uint(Field::VersionCount, &[asset], number);
        self.write(Field::Version, &[asset, number], model_hash);
        self.write_uint(Field::ModelByHash, &[key(model_hash)], model_id);
        emit_log(
            self.vm(),
            &[
                ModelVersionPublished::SIGNATURE_HASH.0,
                model_id.word(),
                number.word(),
                model_hash.0,
            ],
            &[[0; 32]],
            &[Tail::bytes(0, uri.as_bytes())],
        );
        Ok(number)
    }

    /// See [`AttributionRegistry::model_version`].
    pub(crate) fn model_version_view(&self, model_id: U256, version: U256) -> Result<B256, Error> {
        self.existing_model_owner(model_id)?;
        if version.is_zero() || version > self.model_version_count(model_id) {
            return Err(errors::UnknownVersion {
                datasetId: model_asset(model_id),
                version,
            }
            .into());
        }
        Ok(self.model_version_hash(model_id, version))
    }

    /// See [`AttributionRegistry::parents`].
    #[allow(clippy::type_complexity)]
    pub(crate) fn parents_view(
        &self,
        model_id: U256,
    ) -> Result<(Vec<U256>, Vec<U256>, Vec<U256>, Vec<U256>, Vec<U256>), Error> {
        self.existing_model_owner(model_id)?;
        let shape = self.shape(model_id);
        let (mut datasets, mut weights, mut licenses) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..usize::from(shape.datasets) {
            let index = U256::from(i);
            let (id, weight) = unlink(self.read(Field::DatasetLink, &[model_id, index]));
            datasets.push(id);
            weights.push(weight);
            licenses.push(self.read_uint(Field::DatasetLicense, &[model_id, index]));
        }
        let (mut models, mut bps) = (Vec::new(), Vec::new());
        for j in 0..usize::from(shape.models) {
            let word = self.read(Field::ModelLink, &[model_id, U256::from(j)]);
            let (id, weight) = unlink(word);
            models.push(id);
            bps.push(weight);
            licenses.push(link_license(word));
        }
        Ok((datasets, weights, licenses, models, bps))
    }

    /// See [`AttributionRegistry::route_snapshot`].
    pub(crate) fn route_snapshot_view(&self, model_id: U256) -> Result<RouteSnapshot, Error> {
        self.existing_model_owner(model_id)?;
        let mut models = vec![model_id];
        models.extend(self.ancestors(model_id, self.shape(model_id)));
        let mut out = RouteSnapshot {
            models: Vec::new(),
            splits: Vec::new(),
            datasetNodes: Vec::new(),
            datasetIds: Vec::new(),
            datasetWeights: Vec::new(),
            datasetLicenses: Vec::new(),
            datasetSplits: Vec::new(),
            modelNodes: Vec::new(),
            modelParents: Vec::new(),
            modelBps: Vec::new(),
        };
        for (node, &id) in models.iter().enumerate() {
            let node = U256::from(node);
            out.splits.push(self.read_uint(Field::ModelSplit, &[id]));
            let shape = self.shape(id);
            for i in 0..usize::from(shape.datasets) {
                let index = U256::from(i);
                let (dataset_id, weight) = unlink(self.read(Field::DatasetLink, &[id, index]));
                out.datasetNodes.push(node);
                out.datasetIds.push(dataset_id);
                out.datasetWeights.push(weight);
                out.datasetLicenses
                    .push(self.read_uint(Field::DatasetLicense, &[id, index]));
                out.datasetSplits.push(self.dataset_split_of(dataset_id));
            }
            for j in 0..usize::from(shape.models) {
                let (parent, bps) = unlink(self.read(Field::ModelLink, &[id, U256::from(j)]));
                out.modelNodes.push(node);
                out.modelParents.push(parent);
                out.modelBps.push(bps);
            }
        }
        out.models = models;
        Ok(out)
    }

    /// See [`AttributionRegistry::ancestry`].
    pub(crate) fn ancestry_view(&self, model_id: U256) -> Result<Vec<U256>, Error> {
        self.existing_model_owner(model_id)?;
        Ok(self.ancestors(model_id, self.shape(model_id)))
    }

    /// See [`AttributionRegistry::move_model`].
    pub(crate) fn move_model_internal(&mut self, model_id: U256, to: Address) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        if sender != self.model_nft.get() {
            return Err(errors::NotModelNft { account: sender }.into());
        }
        let from = self.existing_model_owner(model_id)?;
        if from == to {
            // A token sent to its own holder moves no rights: no new split version.
            return Ok(());
        }
        self.write_address(Field::ModelOwner, &[model_id], to);
        let split_id = self.read_uint(Field::ModelSplit, &[model_id]);
        emit_log(
            self.vm(),
            &[
                ModelHolderChanged::SIGNATURE_HASH.0,
                model_id.word(),
                from.word(),
                to.word(),
            ],
            &[split_id.word()],
            &[],
        );
        self.update_split(split_id, &[to], &[U256::from(BPS)])
    }

    /// Checks a one-time wiring call: the caller is the registry owner and `value` is non-zero.
    pub(crate) fn check_wiring(&self, value: Address) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        if sender != self.owner.get() {
            return Err(Error::UnauthorizedAccount(OwnableUnauthorizedAccount {
                account: sender,
            }));
        }
        if value.is_zero() {
            return Err(errors::ZeroAddress {}.into());
        }
        Ok(())
    }

    /// The owner of a model that exists.
    fn existing_model_owner(&self, model_id: U256) -> Result<Address, Error> {
        let owner = self.read_address(Field::ModelOwner, &[model_id]);
        if owner.is_zero() {
            return Err(errors::UnknownModel { modelId: model_id }.into());
        }
        Ok(owner)
    }
}
