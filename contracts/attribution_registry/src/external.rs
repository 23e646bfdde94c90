//! Typed calls to the splitter, the license contract and ERC-20 tokens.
//!
//! A reverted call becomes [`errors::ExternalCallFailed`] carrying the callee's revert data, so
//! the splitter's or license contract's own error stays decodable.
#![allow(deprecated)] // `stylus_sdk::call::Call` is the context type `sol_interface!` expects in 0.9.

use alloc::vec::Vec;

use stylus_sdk::{
    alloy_primitives::{Address, U256},
    call::{self, Call},
    prelude::*,
};
use tributary_abi::interfaces::{ILicenseNft, IRoyaltySplitter};

use crate::{
    errors::{self, Error},
    routing::Tier,
    AttributionRegistry,
};

sol_interface! {
    /// The one ERC-20 view the registry needs: the balance delta of a pull.
    interface IErc20Balance {
        function balanceOf(address account) external view returns (uint256);
    }
}

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

impl AttributionRegistry {
    /// Creates a split controlled by the registry; returns its id.
    pub(crate) fn create_split(
        &mut self,
        recipients: Vec<Address>,
        shares: Vec<U256>,
    ) -> Result<U256, Error> {
        let splitter = self.splitter.get();
        let controller = self.vm().contract_address();
        IRoyaltySplitter::new(splitter)
            .create_split(Call::new_in(self), recipients, shares, controller)
            .map_err(|e| failed(splitter, e))
    }

    /// Replaces a registry-controlled split's recipients.
    pub(crate) fn update_split(
        &mut self,
        split_id: U256,
        recipients: Vec<Address>,
        shares: Vec<U256>,
    ) -> Result<(), Error> {
        let splitter = self.splitter.get();
        IRoyaltySplitter::new(splitter)
            .update_split(Call::new_in(self), split_id, recipients, shares)
            .map_err(|e| failed(splitter, e))
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

    /// The license contract, which must be set.
    fn license_contract(&self) -> Result<Address, Error> {
        let license = self.license_nft.get();
        if license.is_zero() {
            return Err(errors::LicenseNftNotSet {}.into());
        }
        Ok(license)
    }

    /// Whether `holder` may use `dataset_id` for `requested` under `license_id`.
    pub(crate) fn is_licensed(
        &mut self,
        holder: Address,
        license_id: U256,
        dataset_id: U256,
        requested: U256,
    ) -> Result<bool, Error> {
        let license = self.license_contract()?;
        ILicenseNft::new(license)
            .is_licensed(&*self, holder, license_id, dataset_id, requested)
            .map_err(|e| failed(license, e))
    }

    /// The derivative royalty tiers of a license token.
    pub(crate) fn royalty_tiers(&mut self, license_id: U256) -> Result<Vec<Tier>, Error> {
        let license = self.license_contract()?;
        let (thresholds, bps) = ILicenseNft::new(license)
            .royalty_tiers(&*self, license_id)
            .map_err(|e| failed(license, e))?;
        Ok(thresholds
            .into_iter()
            .zip(bps)
            .map(|(threshold, bps)| Tier { threshold, bps })
            .collect())
    }

    /// The registry's balance of `token`.
    pub(crate) fn token_balance(&mut self, token: Address) -> Result<U256, Error> {
        let this = self.vm().contract_address();
        IErc20Balance::new(token)
            .balance_of(&*self, this)
            .map_err(|e| failed(token, e))
    }
}
