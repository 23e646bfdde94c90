//! Datasets: registration, versions, two-step ownership and contributor changes.

use alloc::{string::String, vec::Vec};

use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    prelude::*,
};

use crate::{
    errors::{self, Error},
    events::{
        ContributorsUpdated, DatasetOwnershipTransferStarted, DatasetOwnershipTransferred,
        DatasetRegistered, VersionPublished,
    },
    AttributionRegistry,
};

impl AttributionRegistry {
    /// See [`AttributionRegistry::register_dataset`].
    pub(crate) fn register_dataset_internal(
        &mut self,
        content_hash: B256,
        uri: String,
        contributors: Vec<Address>,
        weights: Vec<U256>,
    ) -> Result<U256, Error> {
        self.check_new_dataset_hash(content_hash)?;
        check_lengths(contributors.len(), weights.len())?;

        // Cannot overflow: one id per transaction.
        let dataset_id = self.dataset_count.get() + U256::from(1);
        self.dataset_count.set(dataset_id);
        let owner = self.vm().msg_sender();
        let mut dataset = self.datasets.setter(dataset_id);
        dataset.owner.set(owner);
        dataset.versions.push(content_hash);
        self.dataset_by_hash.setter(content_hash).set(dataset_id);

        // The split id is only known after the call; the registry is not reentrant.
        let split_id = self.create_split(contributors, weights)?;
        self.datasets.setter(dataset_id).split.set(split_id);
        log(
            self.vm(),
            DatasetRegistered {
                datasetId: dataset_id,
                owner,
                contentHash: content_hash,
                splitId: split_id,
                uri,
            },
        );
        Ok(dataset_id)
    }

    /// See [`AttributionRegistry::publish_version`].
    pub(crate) fn publish_version_internal(
        &mut self,
        dataset_id: U256,
        content_hash: B256,
        uri: String,
    ) -> Result<U256, Error> {
        self.only_dataset_owner(dataset_id)?;
        self.check_new_dataset_hash(content_hash)?;
        let mut dataset = self.datasets.setter(dataset_id);
        dataset.versions.push(content_hash);
        let number = U256::from(dataset.versions.len());
        self.dataset_by_hash.setter(content_hash).set(dataset_id);
        log(
            self.vm(),
            VersionPublished {
                datasetId: dataset_id,
                version: number,
                contentHash: content_hash,
                uri,
            },
        );
        Ok(number)
    }

    /// See [`AttributionRegistry::transfer_dataset_ownership`].
    pub(crate) fn transfer_dataset_ownership_internal(
        &mut self,
        dataset_id: U256,
        new_owner: Address,
    ) -> Result<(), Error> {
        let owner = self.only_dataset_owner(dataset_id)?;
        self.datasets
            .setter(dataset_id)
            .pending_owner
            .set(new_owner);
        log(
            self.vm(),
            DatasetOwnershipTransferStarted {
                datasetId: dataset_id,
                previousOwner: owner,
                newOwner: new_owner,
            },
        );
        Ok(())
    }

    /// See [`AttributionRegistry::accept_dataset_ownership`].
    pub(crate) fn accept_dataset_ownership_internal(
        &mut self,
        dataset_id: U256,
    ) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        let mut dataset = self.datasets.setter(dataset_id);
        let previous = dataset.owner.get();
        if previous.is_zero() {
            return Err(errors::UnknownDataset {
                datasetId: dataset_id,
            }
            .into());
        }
        if dataset.pending_owner.get() != sender {
            return Err(errors::NotPendingOwner {
                id: dataset_id,
                account: sender,
            }
            .into());
        }
        dataset.owner.set(sender);
        dataset.pending_owner.set(Address::ZERO);
        log(
            self.vm(),
            DatasetOwnershipTransferred {
                datasetId: dataset_id,
                previousOwner: previous,
                newOwner: sender,
            },
        );
        Ok(())
    }

    /// See [`AttributionRegistry::update_contributors`].
    pub(crate) fn update_contributors_internal(
        &mut self,
        dataset_id: U256,
        recipients: Vec<Address>,
        shares: Vec<U256>,
    ) -> Result<(), Error> {
        self.only_dataset_owner(dataset_id)?;
        check_lengths(recipients.len(), shares.len())?;
        let split_id = self.datasets.getter(dataset_id).split.get();
        log(
            self.vm(),
            ContributorsUpdated {
                datasetId: dataset_id,
                splitId: split_id,
            },
        );
        self.update_split(split_id, recipients, shares)
    }

    /// See [`AttributionRegistry::dataset`].
    pub(crate) fn dataset_view(
        &self,
        dataset_id: U256,
    ) -> Result<(Address, Address, U256, B256, U256), Error> {
        let dataset = self.datasets.getter(dataset_id);
        let owner = dataset.owner.get();
        if owner.is_zero() {
            return Err(errors::UnknownDataset {
                datasetId: dataset_id,
            }
            .into());
        }
        let count = dataset.versions.len();
        // A registered dataset has at least its first version.
        let hash = dataset.versions.get(count - 1).unwrap_or_default();
        Ok((
            owner,
            dataset.pending_owner.get(),
            dataset.split.get(),
            hash,
            U256::from(count),
        ))
    }

    /// See [`AttributionRegistry::dataset_version`].
    pub(crate) fn dataset_version_view(
        &self,
        dataset_id: U256,
        version: U256,
    ) -> Result<B256, Error> {
        let dataset = self.datasets.getter(dataset_id);
        if dataset.owner.get().is_zero() {
            return Err(errors::UnknownDataset {
                datasetId: dataset_id,
            }
            .into());
        }
        // Version n lives at index n - 1; 0 and out-of-range numbers are unknown.
        let index = usize::try_from(version).ok().and_then(|n| n.checked_sub(1));
        index.and_then(|i| dataset.versions.get(i)).ok_or_else(|| {
            errors::UnknownVersion {
                datasetId: dataset_id,
                version,
            }
            .into()
        })
    }

    /// The dataset's owner, if the caller is it.
    fn only_dataset_owner(&self, dataset_id: U256) -> Result<Address, Error> {
        let owner = self.datasets.getter(dataset_id).owner.get();
        if owner.is_zero() {
            return Err(errors::UnknownDataset {
                datasetId: dataset_id,
            }
            .into());
        }
        let sender = self.vm().msg_sender();
        if owner != sender {
            return Err(errors::NotDatasetOwner {
                datasetId: dataset_id,
                account: sender,
            }
            .into());
        }
        Ok(owner)
    }

    /// A content hash must be non-zero and new to the registry.
    fn check_new_dataset_hash(&self, content_hash: B256) -> Result<(), Error> {
        if content_hash.is_zero() {
            return Err(errors::ZeroHash {}.into());
        }
        let existing = self.dataset_by_hash.get(content_hash);
        if !existing.is_zero() {
            return Err(errors::DuplicateHash {
                hash: content_hash,
                existingId: existing,
            }
            .into());
        }
        Ok(())
    }
}

/// Two arrays that must be aligned.
pub(crate) fn check_lengths(expected: usize, actual: usize) -> Result<(), Error> {
    if expected != actual {
        return Err(errors::LengthMismatch {
            expected: U256::from(expected),
            actual: U256::from(actual),
        }
        .into());
    }
    Ok(())
}
