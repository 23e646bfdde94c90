//! Typed calls to the registry (lineage views), the license contract (royalty tiers), the
//! splitter (deposits) and ERC-20 tokens (balance).
//!
//! A reverted call becomes [`errors::ExternalCallFailed`] carrying the callee's revert data.
#![allow(deprecated)] // `stylus_sdk::call::Call` is the context type `sol_interface!` expects in 0.9.

use alloc::vec::Vec;

use stylus_sdk::{
    alloy_primitives::{Address, U256},
    call::{self, Call},
    prelude::*,
};
use tributary_abi::interfaces::{
    IAttributionLineage, IAttributionRegistry, ILicenseNft, IRoyaltySplitter,
};

use crate::{
    errors::{self, Error},
    routing::Tier,
    RevenueRouter,
};

sol_interface! {
    /// The one ERC-20 view the router needs: the balance delta of a pull.
    interface IErc20Balance {
        function balanceOf(address account) external view returns (uint256);
    }
}

/// A model's parents as the registry returns them: `(datasets, datasetWeights, licenses,
/// models, modelWeights)`.
pub(crate) type Parents = (Vec<U256>, Vec<U256>, Vec<U256>, Vec<U256>, Vec<U256>);

/// Wraps a failed call to `target`.
fn failed(target: Address, err: call::Error) -> Error {
    let reason = match err {
        call::Error::Revert(data) => data,
        call::Error::AbiDecodingFailed(_) => Vec::new(),
    };
    errors::ExternalCallFailed {
        target,
        reason: reason.into(),
    }
    .into()
}

impl RevenueRouter {
    /// The split of a model; [`errors::UnknownModel`] if the registry does not know it.
    pub(crate) fn model_split(&mut self, model_id: U256) -> Result<U256, Error> {
        let registry = self.registry.get();
        IAttributionLineage::new(registry)
            .model(&*self, model_id)
            .map(|(_, split, _, _)| split)
            .map_err(|_| errors::UnknownModel { modelId: model_id }.into())
    }

    /// A model's ancestors, highest id first.
    pub(crate) fn ancestry(&mut self, model_id: U256) -> Result<Vec<U256>, Error> {
        let registry = self.registry.get();
        IAttributionLineage::new(registry)
            .ancestry(&*self, model_id)
            .map_err(|e| failed(registry, e))
    }

    /// A model's parents.
    pub(crate) fn parents(&mut self, model_id: U256) -> Result<Parents, Error> {
        let registry = self.registry.get();
        IAttributionLineage::new(registry)
            .parents(&*self, model_id)
            .map_err(|e| failed(registry, e))
    }

    /// A dataset's split.
    pub(crate) fn dataset_split(&mut self, dataset_id: U256) -> Result<U256, Error> {
        let registry = self.registry.get();
        IAttributionRegistry::new(registry)
            .dataset_split(&*self, dataset_id)
            .map_err(|e| failed(registry, e))
    }

    /// The derivative royalty tiers of a license token.
    pub(crate) fn royalty_tiers(&mut self, license_id: U256) -> Result<Vec<Tier>, Error> {
        let license = self.license_nft.get();
        let (thresholds, bps) = ILicenseNft::new(license)
            .royalty_tiers(&*self, license_id)
            .map_err(|e| failed(license, e))?;
        Ok(thresholds
            .into_iter()
            .zip(bps)
            .map(|(threshold, bps)| Tier { threshold, bps })
            .collect())
    }

    /// Deposits `amount` of native currency into a split.
    pub(crate) fn deposit(&mut self, split_id: U256, amount: U256) -> Result<(), Error> {
        let splitter = self.splitter.get();
        IRoyaltySplitter::new(splitter)
            .deposit(Call::new_in(self).value(amount), split_id)
            .map_err(|e| failed(splitter, e))
    }

    /// Deposits `amount` of `token` into a split (the splitter pulls it; approved beforehand).
    pub(crate) fn deposit_token(
        &mut self,
        split_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<(), Error> {
        let splitter = self.splitter.get();
        IRoyaltySplitter::new(splitter)
            .deposit_token(Call::new_in(self), split_id, token, amount)
            .map_err(|e| failed(splitter, e))
    }

    /// The router's balance of `token`.
    pub(crate) fn token_balance(&mut self, token: Address) -> Result<U256, Error> {
        let this = self.vm().contract_address();
        IErc20Balance::new(token)
            .balance_of(&*self, this)
            .map_err(|e| failed(token, e))
    }
}
