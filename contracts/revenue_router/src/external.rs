//! Calls to the registry (lineage views), the license contract (royalty tiers), the splitter
//! (deposits) and ERC-20 tokens, through one raw call helper.
//!
//! Calldata is built by [`tributary_abi::abi_words::call_data`] and return data decoded word by
//! word (one small decoder instead of a generated stub and alloy decoder per function). A reverted
//! call becomes [`errors::ExternalCallFailed`] carrying the callee's revert data; return data too
//! short for the declared outputs fails the same way with empty data.

use alloc::vec::Vec;

use alloy_sol_types::SolCall;
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    prelude::*,
};
use tributary_abi::{
    abi_words::{call_data, Word},
    calls::{
        call, deposit_into_split, force_approve, malformed, safe_transfer_from, token_balance,
        Output,
    },
    interfaces::{IAttributionRegistry, ILicenseNft, IRoyaltySplitter},
};

use crate::{
    errors::{self, Error},
    routing::Tier,
    RevenueRouter,
};

impl RevenueRouter {
    /// Calls `target` with `calldata` (a state-changing call with `value` when `mutating`,
    /// else a static call).
    fn call_raw(
        &self,
        target: Address,
        calldata: &[u8],
        mutating: bool,
        value: U256,
    ) -> Result<Output, Error> {
        Ok(call(
            self.vm(),
            target,
            mutating.then_some(value),
            calldata,
        )?)
    }

    /// Pays `recipient` what the splitter owes it in each entry that owes something (the
    /// splitter pays it directly); returns how many payouts were made. See
    /// [`RevenueRouter::withdraw_all`].
    pub(crate) fn withdraw_entries(
        &mut self,
        split_ids: &[U256],
        versions: &[u32],
        recipient: Address,
        tokens: &[Address],
    ) -> Result<U256, Error> {
        for other in [versions.len(), tokens.len()] {
            if other != split_ids.len() {
                return Err(errors::LengthMismatch {
                    expected: U256::from(split_ids.len()),
                    actual: U256::from(other),
                }
                .into());
            }
        }
        let splitter = self.splitter.get();
        let mut paid = 0u32;
        for ((split_id, version), token) in split_ids.iter().zip(versions).zip(tokens) {
            let words = [
                split_id.word(),
                version.word(),
                recipient.word(),
                token.word(),
            ];
            let view = call_data(IRoyaltySplitter::claimableCall::SELECTOR, &words);
            let owed = self.call_raw(splitter, &view, false, U256::ZERO)?.word(0);
            if owed.unwrap_or_default().is_zero() {
                continue;
            }
            let withdraw = call_data(IRoyaltySplitter::withdrawCall::SELECTOR, &words);
            self.call_raw(splitter, &withdraw, true, U256::ZERO)?;
            // Cannot overflow: fewer entries than 2^32 fit in any calldata.
            paid += 1;
        }
        if paid == 0 {
            return Err(errors::NothingToWithdraw { account: recipient }.into());
        }
        Ok(U256::from(paid))
    }

    /// A view of the registry taking one id.
    fn registry_view(&self, sel: [u8; 4], id: U256) -> Result<Output, Error> {
        let registry = self.registry.get();
        let calldata = call_data(sel, &[id.word()]);
        self.call_raw(registry, &calldata, false, U256::ZERO)
    }

    /// The split of a model; [`errors::UnknownModel`] if the registry does not know it.
    pub(crate) fn model_split(&self, model_id: U256) -> Result<U256, Error> {
        self.registry_view(IAttributionRegistry::modelCall::SELECTOR, model_id)
            .ok()
            .and_then(|out| out.word(1))
            .ok_or_else(|| errors::UnknownModel { modelId: model_id }.into())
    }

    /// Everything a report of `model_id` reads from the registry, in one call
    /// (`routeSnapshot`: `tributary_abi::returns::RouteSnapshot`, ten arrays).
    pub(crate) fn route_snapshot(&self, model_id: U256) -> Result<[Vec<U256>; 10], Error> {
        // Like `model_split`: the registry reverts for a model it does not know.
        let out = self
            .registry_view(IAttributionRegistry::routeSnapshotCall::SELECTOR, model_id)
            .map_err(|_| Error::from(errors::UnknownModel { modelId: model_id }))?;
        let base = out.tuple_base();
        let mut arrays: [Vec<U256>; 10] = Default::default();
        for (head, array) in arrays.iter_mut().enumerate() {
            *array = out
                .uint_array(base, head)
                .ok_or_else(|| self.malformed_registry())?;
        }
        Ok(arrays)
    }

    /// The registry returned less than its views declare.
    fn malformed_registry(&self) -> Error {
        malformed(self.registry.get()).into()
    }

    /// The derivative royalty tiers of a license token.
    pub(crate) fn royalty_tiers(&self, license_id: U256) -> Result<Vec<Tier>, Error> {
        let license = self.license_nft.get();
        let calldata = call_data(
            ILicenseNft::royaltyTiersCall::SELECTOR,
            &[license_id.word()],
        );
        let out = self.call_raw(license, &calldata, false, U256::ZERO)?;
        let base = out.tuple_base();
        let (thresholds, bps) = out
            .uint_array(base, 0)
            .zip(out.uint_array(base, 1))
            .ok_or_else(|| malformed(license))?;
        Ok(thresholds
            .into_iter()
            .zip(bps)
            // `uint16` values: the low 16 bits are the whole value.
            .map(|(threshold, bps)| Tier {
                threshold,
                bps: bps.wrapping_to(),
            })
            .collect())
    }

    /// Deposits `amount` of `token` (native when zero) into a split; an ERC-20 amount is
    /// approved to the splitter beforehand.
    pub(crate) fn deposit(
        &mut self,
        split_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<(), Error> {
        let splitter = self.splitter.get();
        Ok(deposit_into_split(
            self.vm(),
            splitter,
            split_id,
            token,
            amount,
        )?)
    }

    /// The router's balance of `token`.
    pub(crate) fn token_balance(&mut self, token: Address) -> Result<U256, Error> {
        let this = self.vm().contract_address();
        Ok(token_balance(self.vm(), token, this)?)
    }

    /// Pulls `amount` of `token` from `from` to the router.
    pub(crate) fn pull_tokens(
        &mut self,
        token: Address,
        from: Address,
        amount: U256,
    ) -> Result<(), Error> {
        let this = self.vm().contract_address();
        Ok(safe_transfer_from(self.vm(), token, from, this, amount)?)
    }

    /// Sets `spender`'s allowance of `token` to `amount` (`OpenZeppelin`'s `forceApprove`).
    pub(crate) fn force_approve(
        &mut self,
        token: Address,
        spender: Address,
        amount: U256,
    ) -> Result<(), Error> {
        Ok(force_approve(self.vm(), token, spender, amount)?)
    }
}
