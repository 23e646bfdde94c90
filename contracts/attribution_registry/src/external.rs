//! Calls to the splitter and the license contract, through one raw call helper.
//!
//! The calldata is built by [`crate::abi::encode`] (one encoder instead of a generated stub per
//! function). A reverted call becomes [`errors::ExternalCallFailed`] carrying the callee's revert
//! data, so the splitter's or license contract's own error stays decodable; a call that returns
//! less than one word fails the same way with empty data.

use alloc::vec::Vec;

use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    prelude::*,
    stylus_core::calls::{context::Call, errors::Error as CallError},
};

use crate::{
    abi::{self, selector, Arg},
    errors::{self, Error},
    AttributionRegistry,
};

/// `createSplit(address[],uint256[],address)`.
const CREATE_SPLIT: [u8; 4] = selector("createSplit(address[],uint256[],address)");
/// `updateSplit(uint256,address[],uint256[])`.
const UPDATE_SPLIT: [u8; 4] = selector("updateSplit(uint256,address[],uint256[])");
/// `isLicensed(address,uint256,uint256,uint256)`.
const IS_LICENSED: [u8; 4] = selector("isLicensed(address,uint256,uint256,uint256)");

/// ABI words of an address list.
fn address_words(accounts: &[Address]) -> Vec<B256> {
    accounts.iter().map(|a| abi::address(*a)).collect()
}

/// ABI words of a uint list.
fn uint_words(values: &[U256]) -> Vec<B256> {
    values.iter().map(|v| abi::uint(*v)).collect()
}

impl AttributionRegistry {
    /// Calls `target` with `calldata` (a state-changing call when `mutating`, else a static
    /// call) and returns the first return word (zero when `returns` is false: a function
    /// without return values).
    fn call_word(
        &mut self,
        target: Address,
        calldata: &[u8],
        mutating: bool,
        returns: bool,
    ) -> Result<B256, Error> {
        let result = if mutating {
            self.vm().call(&Call::new(), target, calldata)
        } else {
            self.vm().static_call(&Call::new(), target, calldata)
        };
        let reason = match result {
            Ok(out) if out.len() >= 32 => return Ok(B256::from_slice(&out[..32])),
            Ok(_) if !returns => return Ok(B256::ZERO),
            Ok(_) | Err(CallError::AbiDecodingFailed(_)) => Vec::new(),
            Err(CallError::Revert(data)) => data,
        };
        Err(errors::ExternalCallFailed {
            target,
            reason: reason.into(),
        }
        .into())
    }

    /// Creates a split controlled by the registry; returns its id.
    pub(crate) fn create_split(
        &mut self,
        recipients: &[Address],
        shares: &[U256],
    ) -> Result<U256, Error> {
        let controller = self.vm().contract_address();
        let calldata = abi::encode(
            &CREATE_SPLIT,
            &[
                Arg::Words(&address_words(recipients)),
                Arg::Words(&uint_words(shares)),
                Arg::Word(abi::address(controller)),
            ],
        );
        let splitter = self.splitter.get();
        Ok(self.call_word(splitter, &calldata, true, true)?.into())
    }

    /// Replaces a registry-controlled split's recipients.
    pub(crate) fn update_split(
        &mut self,
        split_id: U256,
        recipients: &[Address],
        shares: &[U256],
    ) -> Result<(), Error> {
        let calldata = abi::encode(
            &UPDATE_SPLIT,
            &[
                Arg::Word(abi::uint(split_id)),
                Arg::Words(&address_words(recipients)),
                Arg::Words(&uint_words(shares)),
            ],
        );
        let splitter = self.splitter.get();
        self.call_word(splitter, &calldata, true, false).map(drop)
    }

    /// Whether `holder` may use `dataset_id` for `requested` under `license_id`.
    pub(crate) fn is_licensed(
        &mut self,
        holder: Address,
        license_id: U256,
        dataset_id: U256,
        requested: U256,
    ) -> Result<bool, Error> {
        let license = self.license_nft.get();
        if license.is_zero() {
            return Err(errors::LicenseNftNotSet {}.into());
        }
        let calldata = abi::encode(
            &IS_LICENSED,
            &[
                Arg::Word(abi::address(holder)),
                Arg::Word(abi::uint(license_id)),
                Arg::Word(abi::uint(dataset_id)),
                Arg::Word(abi::uint(requested)),
            ],
        );
        Ok(!self.call_word(license, &calldata, false, true)?.is_zero())
    }
}
