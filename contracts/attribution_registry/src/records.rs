//! Storage records of datasets and models.
//!
//! Ids start at 1; a record exists exactly when its owner is non-zero (a registrant is never the
//! zero address and ownership only moves to an account that accepts it). Small fields are packed:
//! a dataset link's id and weight share a slot, a model link fits one slot, and four ancestor
//! ids share a slot. URIs are not stored: they are in the registration and version events, and
//! the stored hashes bind them (storage is the expensive part, code size the scarce one).

use stylus_sdk::{
    prelude::*,
    storage::{
        StorageAddress, StorageB256, StorageMap, StorageU16, StorageU256, StorageU64, StorageU8,
        StorageVec,
    },
};

/// A registered dataset.
#[storage]
pub struct Dataset {
    /// Owner: publishes versions, changes contributors, transfers ownership.
    pub owner: StorageAddress,
    /// Account offered ownership, zero if none.
    pub pending_owner: StorageAddress,
    /// The contributors' split in the splitter (the registry is its controller).
    pub split: StorageU256,
    /// Content hashes of the versions in publication order (version `n` at index `n - 1`);
    /// their URIs are in the `DatasetRegistered` / `VersionPublished` events.
    pub versions: StorageVec<StorageB256>,
}

/// A registered model.
#[storage]
pub struct Model {
    /// Owner: changes contributors, transfers ownership.
    pub owner: StorageAddress,
    /// Account offered ownership, zero if none.
    pub pending_owner: StorageAddress,
    /// The model contributors' split in the splitter (the registry is its controller).
    pub split: StorageU256,
    /// Hash of the model weights (unique across models).
    pub model_hash: StorageB256,
    /// 1 for a model without parent models, else 1 + the deepest parent model's depth.
    pub depth: StorageU8,
    /// Parent datasets with their weights and the licenses the registrant held.
    pub datasets: StorageVec<DatasetLink>,
    /// Parent models with their shares.
    pub models: StorageVec<ModelLink>,
    /// Every distinct ancestor model, highest id first (a topological order: parents are
    /// always registered before their children).
    pub ancestors: StorageVec<StorageU64>,
    /// Cumulative revenue per asset (the zero address = native currency), including what
    /// descendant models passed up.
    pub revenue: StorageMap<stylus_sdk::alloy_primitives::Address, StorageU256>,
}

/// A model's parent dataset.
#[storage]
pub struct DatasetLink {
    /// Dataset id.
    pub dataset: StorageU64,
    /// Relative weight in basis points (a model's dataset weights sum to 10,000).
    pub weight: StorageU16,
    /// License token the registrant held for the dataset; its royalty tiers apply.
    pub license: StorageU256,
}

/// A model's parent model.
#[storage]
pub struct ModelLink {
    /// Model id.
    pub model: StorageU64,
    /// Basis points of the post-dataset remainder owed to the parent.
    pub bps: StorageU16,
}
