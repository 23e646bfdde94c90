//! Calls to the registry, the splitter and stake tokens (all through
//! `tributary_abi::calls`; a reverted call is `ExternalCallFailed` with the callee's revert
//! data).

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use stylus_sdk::prelude::*;
use tributary_abi::{
    abi_words::{call_data, Word},
    calls::{
        call, deposit_into_split, force_approve, malformed, safe_transfer, safe_transfer_from,
        token_balance,
    },
    interfaces::{IAttributionRegistry, IRoyaltySplitter},
};

use crate::{
    errors::{Error, NativeTransferFailed, NotDatasetOwner, UnknownDataset},
    Datanets,
};

/// What the contract needs to know of a dataset.
pub(crate) struct DatasetInfo {
    /// Its owner.
    pub owner: Address,
    /// Its split.
    pub split_id: U256,
    /// Its number of versions.
    pub versions: U256,
}

impl Datanets {
    /// `registry.splitter()`.
    pub(crate) fn registry_splitter(&self) -> Result<Address, Error> {
        let registry = self.registry.get();
        let data = call_data(IAttributionRegistry::splitterCall::SELECTOR, &[]);
        call(self.vm(), registry, None, &data)?
            .address(0)
            .ok_or_else(|| malformed(registry).into())
    }

    /// The dataset's owner, split and version count.
    ///
    /// # Errors
    /// `UnknownDataset`, `ExternalCallFailed`.
    pub(crate) fn dataset(&self, dataset_id: U256) -> Result<DatasetInfo, Error> {
        let registry = self.registry.get();
        let data = call_data(
            IAttributionRegistry::datasetListingCall::SELECTOR,
            &[dataset_id.word()],
        );
        let out = call(self.vm(), registry, None, &data)?;
        let (Some(owner), Some(split_id)) = (out.address(0), out.word(1)) else {
            return Err(malformed(registry).into());
        };
        if owner.is_zero() {
            return Err(Error::UnknownDataset(UnknownDataset {
                datasetId: dataset_id,
            }));
        }
        Ok(DatasetInfo {
            owner,
            split_id,
            versions: U256::ZERO,
        })
    }

    /// The dataset's owner, split and version count (one more call than [`Self::dataset`]).
    pub(crate) fn dataset_with_versions(&self, dataset_id: U256) -> Result<DatasetInfo, Error> {
        let registry = self.registry.get();
        let data = call_data(
            IAttributionRegistry::datasetCall::SELECTOR,
            &[dataset_id.word()],
        );
        // `dataset` reverts with `UnknownDataset` for an unknown id: only open Datanets ask.
        let out = call(self.vm(), registry, None, &data)?;
        let (Some(owner), Some(split_id), Some(versions)) =
            (out.address(0), out.word(2), out.word(4))
        else {
            return Err(malformed(registry).into());
        };
        Ok(DatasetInfo {
            owner,
            split_id,
            versions,
        })
    }

    /// The dataset's info if the caller owns it.
    ///
    /// # Errors
    /// `UnknownDataset`, `NotDatasetOwner`, `ExternalCallFailed`.
    pub(crate) fn only_owner(&self, dataset_id: U256) -> Result<DatasetInfo, Error> {
        let info = self.dataset(dataset_id)?;
        let sender = self.vm().msg_sender();
        if info.owner != sender {
            return Err(Error::NotDatasetOwner(NotDatasetOwner {
                datasetId: dataset_id,
                account: sender,
            }));
        }
        Ok(info)
    }

    /// A split's controller and current version.
    pub(crate) fn split_info(&self, split_id: U256) -> Result<(Address, u32), Error> {
        let splitter = self.splitter.get();
        let data = call_data(
            IRoyaltySplitter::splitInfoCall::SELECTOR,
            &[split_id.word()],
        );
        let out = call(self.vm(), splitter, None, &data)?;
        match (out.address(0), out.low(1)) {
            (Some(controller), Some(version)) => {
                let version = u32::try_from(version).map_err(|_| malformed(splitter))?;
                Ok((controller, version))
            }
            _ => Err(malformed(splitter).into()),
        }
    }

    /// Opens the split's next version with a Merkle root (this contract controls the split).
    pub(crate) fn update_merkle_split(
        &mut self,
        split_id: U256,
        root: alloy_primitives::B256,
        total: u64,
    ) -> Result<(), Error> {
        let data = call_data(
            IRoyaltySplitter::updateMerkleSplitCall::SELECTOR,
            &[split_id.word(), root.0, total.word()],
        );
        call(self.vm(), self.splitter.get(), Some(U256::ZERO), &data)?;
        Ok(())
    }

    /// Hands a split this contract controls to `controller`.
    pub(crate) fn hand_split(&mut self, split_id: U256, controller: Address) -> Result<(), Error> {
        let data = call_data(
            IRoyaltySplitter::setSplitControllerCall::SELECTOR,
            &[split_id.word(), controller.word()],
        );
        call(self.vm(), self.splitter.get(), Some(U256::ZERO), &data)?;
        Ok(())
    }

    /// Pays `amount` of `token` (zero = native) into split `split_id`.
    pub(crate) fn pay_split(
        &mut self,
        split_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<(), Error> {
        let splitter = self.splitter.get();
        if !token.is_zero() {
            force_approve(self.vm(), token, splitter, amount)?;
        }
        deposit_into_split(self.vm(), splitter, split_id, token, amount)?;
        Ok(())
    }

    /// Pulls `amount` of `token` from `from` and returns what actually arrived (balance delta,
    /// so a fee-on-transfer token's stake is recorded as what the contract holds).
    pub(crate) fn pull_stake(
        &mut self,
        token: Address,
        from: Address,
        amount: U256,
    ) -> Result<U256, Error> {
        let this = self.vm().contract_address();
        let before = token_balance(self.vm(), token, this)?;
        safe_transfer_from(self.vm(), token, from, this, amount)?;
        let after = token_balance(self.vm(), token, this)?;
        Ok(after.saturating_sub(before))
    }

    /// Sends `amount` of `token` (native when zero) to `to`.
    pub(crate) fn send(&mut self, token: Address, to: Address, amount: U256) -> Result<(), Error> {
        if token.is_zero() {
            return self
                .vm()
                .transfer_eth(to, amount)
                .map_err(|_| Error::NativeTransferFailed(NativeTransferFailed { to, amount }));
        }
        Ok(safe_transfer(self.vm(), token, to, amount)?)
    }
}
