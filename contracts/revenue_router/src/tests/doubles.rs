//! The router's own test double: a registry that serves any lineage, including ones the real
//! registry refuses to store. (The splitter, license and token doubles are
//! `tributary_testkit`'s.)
#![allow(missing_docs, unreachable_pub)]

use alloc::vec::Vec;

use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    prelude::*,
    storage::{StorageMap, StorageU256, StorageVec},
};
use tributary_abi::returns::{Lineage, RouteSnapshot};

/// One model of the registry double: its split, ancestry and parents as the views return them.
#[storage]
pub struct ModelRecord {
    /// The model's split id (0 = unknown model).
    pub split: StorageU256,
    /// Ancestors, as `ancestry` returns them.
    pub ancestry: StorageVec<StorageU256>,
    /// Parent datasets.
    pub datasets: StorageVec<StorageU256>,
    /// Dataset weights (bps).
    pub dataset_weights: StorageVec<StorageU256>,
    /// Licenses of the parent datasets.
    pub licenses: StorageVec<StorageU256>,
    /// Parent models.
    pub models: StorageVec<StorageU256>,
    /// Model shares (bps).
    pub model_weights: StorageVec<StorageU256>,
}

/// Registry double: the four views the router reads, answering whatever a test stored.
#[storage]
pub struct RegistryDouble {
    /// Models by id.
    pub models: StorageMap<U256, ModelRecord>,
    /// Dataset splits by dataset id.
    pub dataset_splits: StorageMap<U256, StorageU256>,
}

unsafe impl TopLevelStorage for RegistryDouble {}

fn store(vec: &mut StorageVec<StorageU256>, values: Vec<U256>) {
    for value in values {
        vec.push(value);
    }
}

fn load(vec: &StorageVec<StorageU256>) -> Vec<U256> {
    (0..vec.len()).filter_map(|i| vec.get(i)).collect()
}

#[public]
impl RegistryDouble {
    /// Test setup: a dataset's split.
    pub fn set_dataset_split(&mut self, dataset_id: U256, split: U256) {
        self.dataset_splits.setter(dataset_id).set(split);
    }

    /// Test setup: a model with split `split` and the given ancestry (no parents yet).
    pub fn set_model(&mut self, model_id: U256, split: U256, ancestry: Vec<U256>) {
        let mut record = self.models.setter(model_id);
        record.split.set(split);
        store(&mut record.ancestry, ancestry);
    }

    /// Test setup: a model's parent datasets with their weights and licenses.
    pub fn set_dataset_parents(
        &mut self,
        model_id: U256,
        datasets: Vec<U256>,
        weights: Vec<U256>,
        licenses: Vec<U256>,
    ) {
        let mut record = self.models.setter(model_id);
        store(&mut record.datasets, datasets);
        store(&mut record.dataset_weights, weights);
        store(&mut record.licenses, licenses);
    }

    /// Test setup: a model's parent models with their shares.
    pub fn set_model_parents(&mut self, model_id: U256, models: Vec<U256>, weights: Vec<U256>) {
        let mut record = self.models.setter(model_id);
        store(&mut record.models, models);
        store(&mut record.model_weights, weights);
    }

    /// `model(uint256)`: (owner, split, hash, kind); the router reads the split.
    pub fn model(&self, model_id: U256) -> (Address, U256, B256, u8) {
        (
            Address::ZERO,
            self.models.getter(model_id).split.get(),
            B256::ZERO,
            0,
        )
    }

    pub fn parents(&self, model_id: U256) -> Lineage {
        let record = self.models.getter(model_id);
        Lineage {
            datasets: load(&record.datasets),
            datasetWeights: load(&record.dataset_weights),
            licenses: load(&record.licenses),
            models: load(&record.models),
            modelWeights: load(&record.model_weights),
        }
    }

    pub fn ancestry(&self, model_id: U256) -> Vec<U256> {
        load(&self.models.getter(model_id).ancestry)
    }

    pub fn dataset_split(&self, dataset_id: U256) -> U256 {
        self.dataset_splits.get(dataset_id)
    }

    /// `routeSnapshot(uint256)`: the stored records of the model and its stored ancestry, as
    /// the real registry assembles them (and whatever malformed links a test stored).
    pub fn route_snapshot(&self, model_id: U256) -> RouteSnapshot {
        let mut models = alloc::vec![model_id];
        models.extend(load(&self.models.getter(model_id).ancestry));
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
        for (node, id) in models.iter().enumerate() {
            let record = self.models.getter(*id);
            let node = U256::from(node);
            out.splits.push(record.split.get());
            let datasets = load(&record.datasets);
            out.datasetSplits
                .extend(datasets.iter().map(|d| self.dataset_splits.get(*d)));
            out.datasetNodes.extend(datasets.iter().map(|_| node));
            out.datasetIds.extend(datasets);
            out.datasetWeights.extend(load(&record.dataset_weights));
            out.datasetLicenses.extend(load(&record.licenses));
            let parents = load(&record.models);
            out.modelNodes.extend(parents.iter().map(|_| node));
            out.modelParents.extend(parents);
            out.modelBps.extend(load(&record.model_weights));
        }
        out.models = models;
        out
    }
}
