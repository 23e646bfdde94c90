//! Calls out of the escrow through one raw-call helper: the license contract, the royalty
//! splitter, the usage anchor, ERC-20 tokens and native transfers.
//!
//! Calldata is built from 32-byte words ([`call_data`]) and results are read as words, instead
//! of one typed `sol_interface!` stub per function (smaller WASM). Callers update their own
//! state before the mutating calls here (checks-effects-interactions); the license contract,
//! the splitter and the anchor are the deployment's own contracts.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use openzeppelin_stylus::token::erc20::utils::safe_erc20::ISafeErc20;
use stylus_sdk::prelude::*;
use tributary_abi::{
    asset::model_of,
    calls::{call, malformed, pay, payee, token_balance, LicenseUsage},
    interfaces::{ILicenseNft, IUsageAnchor},
};

use crate::{
    abi_words::{call_data, Word},
    errors::{Error, NativeTransferFailed},
    events::{emit, FeesDeposited},
    UsageEscrow,
};

impl UsageEscrow {
    /// The token a license is paid in (zero = native currency), from the license contract;
    /// `ERC721NonexistentToken` (as `ExternalCallFailed`) for a license that does not exist.
    pub(crate) fn license_payment_token(&self, license_id: U256) -> Result<Address, Error> {
        self.license_address(ILicenseNft::licensePaymentTokenCall::SELECTOR, license_id)
    }

    /// The split a license's usage fees are paid into (`licenseUsage`).
    pub(crate) fn license_split(&self, license_id: U256) -> Result<U256, Error> {
        Ok(LicenseUsage::read(self.vm(), self.license_nft.get(), license_id)?.split_id)
    }

    /// The current owner of a license token.
    pub(crate) fn license_owner(&self, license_id: U256) -> Result<Address, Error> {
        self.license_address(ILicenseNft::ownerOfCall::SELECTOR, license_id)
    }

    /// The address a one-argument view of the license contract (`selector(licenseId)`) returns.
    fn license_address(&self, selector: [u8; 4], license_id: U256) -> Result<Address, Error> {
        let nft = self.license_nft.get();
        let out = call(
            self.vm(),
            nft,
            None,
            &call_data(selector, &[license_id.word()]),
        )?;
        out.address(0).ok_or_else(|| malformed(nft).into())
    }

    /// Flags or clears unpaid usage on a license (the license contract treats a flagged
    /// license as invalid). This escrow is the license contract's configured usage anchor.
    pub(crate) fn set_license_debt(
        &mut self,
        license_id: U256,
        in_debt: bool,
    ) -> Result<(), Error> {
        let nft = self.license_nft.get();
        let data = call_data(
            ILicenseNft::setDebtCall::SELECTOR,
            &[license_id.word(), in_debt.word()],
        );
        call(self.vm(), nft, Some(U256::ZERO), &data)
            .map(drop)
            .map_err(Error::from)
    }

    /// What the escrow needs from the anchor it is wired to: `(disputes, challengeWindow)`,
    /// words 2 and 3 of its `config()`.
    pub(crate) fn anchor_wiring(&self, anchor: Address) -> Result<(Address, u64), Error> {
        let out = call(
            self.vm(),
            anchor,
            None,
            &call_data(IUsageAnchor::configCall::SELECTOR, &[]),
        )?;
        match (out.address(2), out.low(3)) {
            (Some(disputes), Some(window)) => Ok((disputes, window)),
            _ => Err(malformed(anchor).into()),
        }
    }

    /// Pays `amount` of fees (native when `token` is zero) to revenue destination `split_id`:
    /// a split, or a model's revenue route `2^63 + modelId`, reported to the revenue router so
    /// the model's lineage takes its royalties (`tributary_abi::calls::pay`).
    ///
    /// # Events
    /// [`FeesDeposited`].
    pub(crate) fn deposit_fees(
        &mut self,
        split_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<(), Error> {
        if amount.is_zero() {
            return Ok(());
        }
        // The router is read only for a model's route (a cold read costs 2,100 gas).
        let router = if model_of(split_id).is_some() {
            self.router.get()
        } else {
            Address::ZERO
        };
        let splitter = self.splitter.get();
        emit(
            self.vm(),
            &FeesDeposited {
                splitId: split_id,
                token,
                amount,
            },
        );
        if !token.is_zero() {
            // The splitter (or the router) pulls with `transferFrom` and credits what it
            // received.
            let spender = payee(splitter, router, split_id);
            self.safe_erc20.force_approve(token, spender, amount)?;
        }
        Ok(pay(self.vm(), splitter, router, split_id, token, amount)?)
    }

    /// Pulls up to `amount` of `token` from `from` and returns what actually arrived (balance
    /// delta, so fee-on-transfer tokens are credited correctly).
    pub(crate) fn pull_tokens(
        &mut self,
        token: Address,
        from: Address,
        amount: U256,
    ) -> Result<U256, Error> {
        let this = self.vm().contract_address();
        let before = token_balance(self.vm(), token, this)?;
        self.safe_erc20
            .safe_transfer_from(token, from, this, amount)?;
        let after = token_balance(self.vm(), token, this)?;
        Ok(after.saturating_sub(before))
    }

    /// Sends `amount` of `token` (native when zero) to `to`.
    pub(crate) fn send(&mut self, token: Address, to: Address, amount: U256) -> Result<(), Error> {
        if amount.is_zero() {
            return Ok(());
        }
        if token.is_zero() {
            self.vm()
                .transfer_eth(to, amount)
                .map_err(|_| Error::NativeTransferFailed(NativeTransferFailed { to, amount }))
        } else {
            Ok(self.safe_erc20.safe_transfer(token, to, amount)?)
        }
    }
}
