//! Storage layout: datasets and models live in keccak-addressed words.
//!
//! Every datum is one 32-byte word at `slot = keccak256(field ++ key words)`, where `field` (a
//! [`Field`] discriminant, as a word) says what the word holds and the keys (ids, an index, a
//! hash) say whose it is. Reading or writing a datum is one native hash and one `SLOAD`/`SSTORE`,
//! with no nested mapping hashes and no per-struct slot arithmetic in the WASM. Preimages start
//! with a field number (1..=15) and are 64 or 96 bytes long, so they cannot collide with each
//! other nor with the small fixed slots of the contract's `#[storage]` fields.
//!
//! ```text
//! field           key             value
//! DatasetOwner    (dataset)       owner (bits 0..160; zero = no such dataset) · the
//!                                 contributors' split id (limb 3), so `datasetListing` is one
//!                                 read and a registration one fresh word
//! DatasetPending  (dataset)       account offered ownership, zero if none
//! VersionCount    (dataset)       number of versions (≥ 1)
//! Version         (dataset, n)    content hash of version n (from 1)
//! DatasetByHash   (hash)          dataset id of a content hash (any version)
//! ModelByHash     (hash)          model id of a model hash
//! ModelOwner      (model)         owner = the holder of the model's token (kept by
//!                                 `moveModel`); zero = no such model
//! ModelSplit      (model)         the model contributors' split id
//! ModelHash       (model)         the model hash
//! ModelShape      (model)         packed: depth, #datasets, #models, #ancestors (bytes 31..28)
//! DatasetLink     (model, i)      packed: dataset id (u64, bytes 24..32), weight (u16, 22..24)
//! DatasetLicense  (model, i)      license token held for parent dataset i
//! ModelLink       (model, j)      packed: parent model id (u64), bps (u16), as DatasetLink,
//!                                 and the license held for it (bytes 0..22; 0 = own model)
//! Ancestors       (model, k)      ancestor ids 4k..4k+3, highest first, u64 each (bytes 8i..)
//! ```
//!
//! URIs are not stored: they are in the registration and version events, and the stored hashes
//! bind them (storage is the expensive part, code size the scarce one).

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;
use tributary_abi::packed::{address_word, limb, word_address};

use crate::AttributionRegistry;

/// What a storage word holds (see the module docs for each field's key).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Field {
    /// `(dataset)`: owner and split id.
    DatasetOwner = 1,
    /// `(dataset)`: pending owner.
    DatasetPending = 2,
    // 3 held the dataset's split id before it joined `DatasetOwner`; not reused.
    /// `(dataset)`: number of versions.
    VersionCount = 4,
    /// `(dataset, n)`: content hash of version n.
    Version = 5,
    /// `(hash)`: dataset id.
    DatasetByHash = 6,
    /// `(hash)`: model id.
    ModelByHash = 7,
    /// `(model)`: owner.
    ModelOwner = 8,
    /// `(model)`: split id.
    ModelSplit = 9,
    /// `(model)`: model hash.
    ModelHash = 10,
    /// `(model)`: packed depth and counts.
    ModelShape = 11,
    /// `(model, i)`: packed parent dataset id and weight.
    DatasetLink = 12,
    /// `(model, i)`: license of parent dataset i.
    DatasetLicense = 13,
    /// `(model, j)`: packed parent model id and bps.
    ModelLink = 14,
    /// `(model, k)`: four ancestor ids.
    Ancestors = 15,
}

/// The shape of a model: its depth and how many links of each kind it stores.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// 1 for a model without parent models, else 1 + the deepest parent model's depth.
    pub depth: u8,
    /// Number of parent datasets.
    pub datasets: u8,
    /// Number of parent models.
    pub models: u8,
    /// Number of distinct ancestor models.
    pub ancestors: u8,
}

impl Shape {
    /// The packed word.
    pub fn word(self) -> B256 {
        let mut word = B256::ZERO;
        word[31] = self.depth;
        word[30] = self.datasets;
        word[29] = self.models;
        word[28] = self.ancestors;
        word
    }

    /// Unpacks a word.
    pub fn from_word(word: B256) -> Self {
        Self {
            depth: word[31],
            datasets: word[30],
            models: word[29],
            ancestors: word[28],
        }
    }
}

/// A packed `(id, weight)` link word: the id's low 64 bits and a 16-bit weight.
pub fn link(id: U256, weight: U256) -> B256 {
    let mut word = B256::ZERO;
    word[24..].copy_from_slice(&id.wrapping_to::<u64>().to_be_bytes());
    word[22..24].copy_from_slice(&weight.wrapping_to::<u16>().to_be_bytes());
    word
}

/// A parent-model link word: [`link`] with the license held for the parent in bytes 0..22
/// (license ids are below 2^96; 0 = the registrant held the parent model).
pub fn link_licensed(id: U256, weight: U256, license_id: U256) -> B256 {
    let mut word = link(id, weight);
    word[..22].copy_from_slice(&license_id.to_be_bytes::<32>()[10..]);
    word
}

/// The license of a parent-model link word (see [`link_licensed`]).
pub fn link_license(word: B256) -> U256 {
    let mut bytes = [0u8; 32];
    bytes[10..].copy_from_slice(&word[..22]);
    U256::from_be_bytes(bytes)
}

/// Unpacks a link word into `(id, weight)`.
pub fn unlink(word: B256) -> (U256, U256) {
    let mut id = [0u8; 8];
    id.copy_from_slice(&word[24..]);
    (
        U256::from(u64::from_be_bytes(id)),
        U256::from(u16::from_be_bytes([word[22], word[23]])),
    )
}

/// The `slot`-th u64 of an ancestors word.
pub fn ancestor_at(word: B256, slot: usize) -> U256 {
    let mut id = [0u8; 8];
    id.copy_from_slice(&word[8 * slot..8 * slot + 8]);
    U256::from(u64::from_be_bytes(id))
}

impl AttributionRegistry {
    /// The slot of `field` for `key`: `keccak256(field ++ key)` (native keccak).
    fn slot(&self, field: Field, key: &[U256]) -> U256 {
        let mut preimage = [0u8; 96];
        preimage[31] = field as u8;
        let len = 32 * (1 + key.len().min(2));
        for (chunk, word) in preimage[32..len].chunks_exact_mut(32).zip(key) {
            chunk.copy_from_slice(&word.to_be_bytes::<32>());
        }
        self.vm().native_keccak256(&preimage[..len]).into()
    }

    /// Reads a word.
    pub(crate) fn read(&self, field: Field, key: &[U256]) -> B256 {
        self.vm().storage_load_bytes32(self.slot(field, key))
    }

    /// Reads a word as an unsigned integer.
    pub(crate) fn read_uint(&self, field: Field, key: &[U256]) -> U256 {
        self.read(field, key).into()
    }

    /// Reads a word as an address.
    pub(crate) fn read_address(&self, field: Field, key: &[U256]) -> Address {
        Address::from_word(self.read(field, key))
    }

    /// Writes a word (through the SDK's storage cache, flushed at the end of the call and
    /// before every external call).
    pub(crate) fn write(&mut self, field: Field, key: &[U256], value: B256) {
        let slot = self.slot(field, key);
        // SAFETY: the slot is a keccak256 output of a namespaced preimage (see the module docs);
        // no `#[storage]` field of this contract lives there, so no typed accessor aliases it.
        unsafe { self.vm().storage_cache_bytes32(slot, value) };
    }

    /// Writes an unsigned integer.
    pub(crate) fn write_uint(&mut self, field: Field, key: &[U256], value: U256) {
        self.write(field, key, B256::from(value));
    }

    /// Writes an address.
    pub(crate) fn write_address(&mut self, field: Field, key: &[U256], value: Address) {
        self.write(field, key, value.into_word());
    }

    /// A dataset's owner and split (zeros for an unknown dataset), from its owner word.
    pub(crate) fn dataset_listing_of(&self, dataset_id: U256) -> (Address, U256) {
        let word = self.read_uint(Field::DatasetOwner, &[dataset_id]);
        (word_address(word), U256::from(limb(word, 3)))
    }

    /// The split of a dataset (zero for an unknown dataset).
    pub(crate) fn dataset_split_of(&self, dataset_id: U256) -> U256 {
        self.dataset_listing_of(dataset_id).1
    }

    /// Writes a dataset's owner word: `owner` and split `split_id`. The splitter counts split
    /// ids from 1, one per `createSplit` transaction, so they never reach 2^64 and limb 0 is
    /// the whole id.
    pub(crate) fn write_dataset_owner(&mut self, dataset_id: U256, owner: Address, split_id: U256) {
        let word = address_word(owner, limb(split_id, 0));
        self.write_uint(Field::DatasetOwner, &[dataset_id], word);
    }

    /// The shape of a model (all zero for an unknown model).
    pub(crate) fn shape(&self, model_id: U256) -> Shape {
        Shape::from_word(self.read(Field::ModelShape, &[model_id]))
    }
}
