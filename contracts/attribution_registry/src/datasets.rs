//! Datasets: registration, versions, two-step ownership and contributor changes.

use alloy_sol_types::SolEvent;
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    prelude::*,
};
use tributary_abi::abi_words::{emit_log, Tail, Word};

use crate::{
    errors::{self, Error},
    events::{
        ContributorsUpdated, DatasetOwnershipTransferStarted, DatasetOwnershipTransferred,
        DatasetRegistered, VersionPublished,
    },
    external::Members,
    state::Field,
    AttributionRegistry,
};

/// A hash as a storage key.
pub(crate) fn key(hash: B256) -> U256 {
    U256::from_be_bytes(hash.0)
}

impl AttributionRegistry {
    /// See [`AttributionRegistry::register_dataset`] and
    /// [`AttributionRegistry::register_merkle_dataset`].
    pub(crate) fn register_dataset_internal(
        &mut self,
        content_hash: B256,
        uri: &str,
        members: Members<'_>,
    ) -> Result<U256, Error> {
        self.check_new_hash(Field::DatasetByHash, content_hash)?;
        members.check_lengths()?;

        // Cannot overflow: one id per transaction.
        let dataset_id = self.dataset_count.get() + U256::from(1);
        self.dataset_count.set(dataset_id);
        let owner = self.vm().msg_sender();
        self.write_dataset_owner(dataset_id, owner, U256::ZERO);
        self.add_version(dataset_id, content_hash);

        // The split id is only known after the call (the owner word, written before it, then
        // gets it); the registry is not reentrant.
        let split_id = self.create_split(members)?;
        self.write_dataset_owner(dataset_id, owner, split_id);
        emit_log(
            self.vm(),
            &[
                DatasetRegistered::SIGNATURE_HASH.0,
                dataset_id.word(),
                owner.word(),
                content_hash.0,
            ],
            &[split_id.word(), [0; 32]],
            &[Tail::bytes(1, uri.as_bytes())],
        );
        Ok(dataset_id)
    }

    /// Appends a version; returns its number.
    fn add_version(&mut self, dataset_id: U256, content_hash: B256) -> U256 {
        // Cannot overflow: one version per transaction.
        let number = self.read_uint(Field::VersionCount, &[dataset_id]) + U256::from(1);
        self.write_uint(Field::VersionCount, &[dataset_id], number);
        self.write(Field::Version, &[dataset_id, number], content_hash);
        self.write_uint(Field::DatasetByHash, &[key(content_hash)], dataset_id);
        number
    }

    /// See [`AttributionRegistry::publish_version`].
    pub(crate) fn publish_version_internal(
        &mut self,
        dataset_id: U256,
        content_hash: B256,
        uri: &str,
    ) -> Result<U256, Error> {
        self.only_dataset_owner(dataset_id)?;
        self.check_new_hash(Field::DatasetByHash, content_hash)?;
        let number = self.add_version(dataset_id, content_hash);
        emit_log(
            self.vm(),
            &[
                VersionPublished::SIGNATURE_HASH.0,
                dataset_id.word(),
                number.word(),
                content_hash.0,
            ],
            &[[0; 32]],
            &[Tail::bytes(0, uri.as_bytes())],
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
        self.write_address(Field::DatasetPending, &[dataset_id], new_owner);
        self.emit_ownership(
            DatasetOwnershipTransferStarted::SIGNATURE_HASH,
            dataset_id,
            owner,
            new_owner,
        );
        Ok(())
    }

    /// See [`AttributionRegistry::accept_dataset_ownership`].
    pub(crate) fn accept_dataset_ownership_internal(
        &mut self,
        dataset_id: U256,
    ) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        let previous = self.existing_dataset_owner(dataset_id)?;
        if self.read_address(Field::DatasetPending, &[dataset_id]) != sender {
            return Err(errors::NotPendingOwner {
                id: dataset_id,
                account: sender,
            }
            .into());
        }
        let split_id = self.dataset_split_of(dataset_id);
        self.write_dataset_owner(dataset_id, sender, split_id);
        self.write_address(Field::DatasetPending, &[dataset_id], Address::ZERO);
        self.emit_ownership(
            DatasetOwnershipTransferred::SIGNATURE_HASH,
            dataset_id,
            previous,
            sender,
        );
        Ok(())
    }

    /// Emits an ownership event `(datasetId, previousOwner, newOwner)`, all indexed.
    fn emit_ownership(&self, topic0: B256, dataset_id: U256, previous: Address, new: Address) {
        emit_log(
            self.vm(),
            &[topic0.0, dataset_id.word(), previous.word(), new.word()],
            &[],
            &[],
        );
    }

    /// See [`AttributionRegistry::update_contributors`].
    pub(crate) fn update_contributors_internal(
        &mut self,
        dataset_id: U256,
        recipients: &[Address],
        shares: &[U256],
    ) -> Result<(), Error> {
        self.only_dataset_owner(dataset_id)?;
        check_lengths(recipients.len(), shares.len())?;
        let split_id = self.dataset_split_of(dataset_id);
        emit_log(
            self.vm(),
            &[
                ContributorsUpdated::SIGNATURE_HASH.0,
                dataset_id.word(),
                split_id.word(),
            ],
            &[],
            &[],
        );
        self.update_split(split_id, recipients, shares)
    }

    /// See [`AttributionRegistry::hand_over_split`].
    pub(crate) fn hand_over_split_internal(
        &mut self,
        dataset_id: U256,
        controller: Address,
    ) -> Result<(), Error> {
        self.only_dataset_owner(dataset_id)?;
        let split_id = self.dataset_split_of(dataset_id);
        self.set_split_controller(split_id, controller)
    }

    /// See [`AttributionRegistry::dataset`].
    pub(crate) fn dataset_view(
        &self,
        dataset_id: U256,
    ) -> Result<(Address, Address, U256, B256, U256), Error> {
        let owner = self.existing_dataset_owner(dataset_id)?;
        let count = self.read_uint(Field::VersionCount, &[dataset_id]);
        Ok((
            owner,
            self.read_address(Field::DatasetPending, &[dataset_id]),
            self.dataset_split_of(dataset_id),
            self.read(Field::Version, &[dataset_id, count]),
            count,
        ))
    }

    /// See [`AttributionRegistry::dataset_version`].
    pub(crate) fn dataset_version_view(
        &self,
        dataset_id: U256,
        version: U256,
    ) -> Result<B256, Error> {
        self.existing_dataset_owner(dataset_id)?;
        let count = self.read_uint(Field::VersionCount, &[dataset_id]);
        if version.is_zero() || version > count {
            return Err(errors::UnknownVersion {
                datasetId: dataset_id,
                version,
            }
            .into());
        }
        Ok(self.read(Field::Version, &[dataset_id, version]))
    }

    /// The owner of a dataset that exists.
    pub(crate) fn existing_dataset_owner(&self, dataset_id: U256) -> Result<Address, Error> {
        let owner = self.read_address(Field::DatasetOwner, &[dataset_id]);
        if owner.is_zero() {
            return Err(errors::UnknownDataset {
                datasetId: dataset_id,
            }
            .into());
        }
        Ok(owner)
    }

    /// The dataset's owner, if the caller is it.
    fn only_dataset_owner(&self, dataset_id: U256) -> Result<Address, Error> {
        let owner = self.existing_dataset_owner(dataset_id)?;
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

    /// A content or model hash must be non-zero and new (`index` is the hash → id field).
    pub(crate) fn check_new_hash(&self, index: Field, hash: B256) -> Result<(), Error> {
        if hash.is_zero() {
            return Err(errors::ZeroHash {}.into());
        }
        let existing = self.read_uint(index, &[key(hash)]);
        if !existing.is_zero() {
            return Err(errors::DuplicateHash {
                hash,
                existingId: existing,
            }
            .into());
        }
        Ok(())
    }
}

impl Members<'_> {
    /// A listed split's arrays must be aligned (the splitter checks everything else).
    fn check_lengths(self) -> Result<(), Error> {
        match self {
            Members::Listed(recipients, shares) => check_lengths(recipients.len(), shares.len()),
            Members::Merkle(..) => Ok(()),
        }
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
