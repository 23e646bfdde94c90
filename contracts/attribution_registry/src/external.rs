//! Calls to the splitter and the license contract, through one raw call helper.
//!
//! The calldata is built by [`tributary_abi::abi_words::encode`] (one encoder instead of a
//! generated stub per function). A reverted call becomes [`errors::ExternalCallFailed`] carrying
//! the callee's revert data, so the splitter's or license contract's own error stays decodable; a
//! call that returns less than one word fails the same way with empty data.

use alloc::vec::Vec;

use alloy_sol_types::SolCall;
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    prelude::*,
};
use tributary_abi::{
    abi_words::{call_data, encode, Tail, Word},
    calls::{call, malformed},
    interfaces::{ILicenseNft, IModelNft, IRoyaltySplitter},
};

use crate::{
    errors::{self, Error},
    AttributionRegistry,
};

/// ABI words of a list of addresses or uints.
fn words<T: Word>(values: &[T]) -> Vec<[u8; 32]> {
    values.iter().map(Word::word).collect()
}

/// The members of a split the registry creates or updates; the splitter validates them.
#[derive(Clone, Copy)]
pub(crate) enum Members<'a> {
    /// A listed split: recipients (sorted ascending, unique) and their aligned shares.
    Listed(&'a [Address], &'a [U256]),
    /// A Merkle split: the root of its `(recipient, shares)` leaves and their total shares.
    Merkle(B256, U256),
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
        let out = call(self.vm(), target, mutating.then_some(U256::ZERO), calldata)?;
        match out.word(0) {
            Some(word) => Ok(word.into()),
            None if !returns => Ok(B256::ZERO),
            None => Err(malformed(target).into()),
        }
    }

    /// Creates a split of `members` controlled by the registry; returns its id.
    pub(crate) fn create_split(&mut self, members: Members<'_>) -> Result<U256, Error> {
        let controller = self.vm().contract_address();
        let calldata = match members {
            Members::Listed(recipients, shares) => {
                let (recipients, shares) = (words(recipients), words(shares));
                encode(
                    &IRoyaltySplitter::createSplitCall::SELECTOR,
                    &[[0; 32], [0; 32], controller.word()],
                    &[Tail::words(0, &recipients), Tail::words(1, &shares)],
                )
            }
            Members::Merkle(root, total) => call_data(
                IRoyaltySplitter::createMerkleSplitCall::SELECTOR,
                &[root.0, total.word(), controller.word()],
            ),
        };
        let splitter = self.splitter.get();
        Ok(self.call_word(splitter, &calldata, true, true)?.into())
    }

    /// Replaces a registry-controlled split's recipients (the splitter opens its next version).
    pub(crate) fn update_split(
        &mut self,
        split_id: U256,
        recipients: &[Address],
        shares: &[U256],
    ) -> Result<(), Error> {
        let (recipients, shares) = (words(recipients), words(shares));
        let calldata = encode(
            &IRoyaltySplitter::updateSplitCall::SELECTOR,
            &[split_id.word(), [0; 32], [0; 32]],
            &[Tail::words(1, &recipients), Tail::words(2, &shares)],
        );
        let splitter = self.splitter.get();
        self.call_word(splitter, &calldata, true, false).map(drop)
    }

    /// Hands a registry-controlled split to `controller`.
    pub(crate) fn set_split_controller(
        &mut self,
        split_id: U256,
        controller: Address,
    ) -> Result<(), Error> {
        let calldata = call_data(
            IRoyaltySplitter::setSplitControllerCall::SELECTOR,
            &[split_id.word(), controller.word()],
        );
        let splitter = self.splitter.get();
        self.call_word(splitter, &calldata, true, false).map(drop)
    }

    /// Mints model `model_id`'s token to `to` on the model token contract `models`.
    pub(crate) fn mint_model(
        &mut self,
        models: Address,
        to: Address,
        model_id: U256,
    ) -> Result<(), Error> {
        let calldata = call_data(IModelNft::mintCall::SELECTOR, &[to.word(), model_id.word()]);
        self.call_word(models, &calldata, true, false).map(drop)
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
        let calldata = call_data(
            ILicenseNft::isLicensedCall::SELECTOR,
            &[
                holder.word(),
                license_id.word(),
                dataset_id.word(),
                requested.word(),
            ],
        );
        Ok(!self.call_word(license, &calldata, false, true)?.is_zero())
    }
}
