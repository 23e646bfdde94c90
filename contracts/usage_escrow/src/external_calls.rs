//! Calls out of the escrow through one raw-call helper: the license contract, the royalty
//! splitter, the usage anchor, ERC-20 tokens and native transfers.
//!
//! Calldata is built from 32-byte words ([`call_data`]) and results are read as words, instead
//! of one typed `sol_interface!` stub per function (smaller WASM). Callers update their own
//! state before the mutating calls here (checks-effects-interactions); the license contract,
//! the splitter and the anchor are the deployment's own contracts.

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use openzeppelin_stylus::token::erc20::utils::safe_erc20::ISafeErc20;
use stylus_sdk::{keccak_const::Keccak256, prelude::*, stylus_core::calls::context::Call};

use crate::{
    abi_words::{selector_and_words as call_data, Word},
    errors::{call_failed, Error, NativeTransferFailed, UsageAnchorNotSet},
    events::{emit, FeesDeposited},
    UsageEscrow,
};

/// The first four bytes of `keccak256(signature)`.
pub const fn selector(signature: &[u8]) -> [u8; 4] {
    let hash = Keccak256::new().update(signature).finalize();
    [hash[0], hash[1], hash[2], hash[3]]
}

const LICENSE_USAGE: [u8; 4] = selector(b"licenseUsage(uint256)");
const OWNER_OF: [u8; 4] = selector(b"ownerOf(uint256)");
const SET_DEBT: [u8; 4] = selector(b"setDebt(uint256,bool)");
const DEPOSIT: [u8; 4] = selector(b"deposit(uint256)");
const DEPOSIT_TOKEN: [u8; 4] = selector(b"depositToken(uint256,address,uint256)");
const BALANCE_OF: [u8; 4] = selector(b"balanceOf(address)");
const SETTLEMENT_HOLD: [u8; 4] = selector(b"settlementHold()");

/// What the escrow needs to know about a license (`ILicenseNft.licenseUsage`).
pub(crate) struct LicenseTerms {
    /// The dataset's split, where fees go.
    pub split_id: U256,
    /// Fee currency; zero = native.
    pub payment_token: Address,
}

/// What the anchor reports for the withdrawal rule (`IUsageAnchor.settlementHold`).
pub(crate) struct SettlementHold {
    /// The anchor's challenge window (seconds).
    pub challenge_window: u64,
    /// Unresolved challenges over all batches.
    pub open_challenges: u32,
    /// When a challenge was last rejected (its batch became settleable then).
    pub last_cleared_at: u64,
}

/// Word `index` of `out`, if present.
fn word(out: &[u8], index: usize) -> Option<U256> {
    out.get(32 * index..32 * index + 32)
        .map(U256::from_be_slice)
}

/// The low 64 bits of word `index` of `out`, if present.
fn small(out: &[u8], index: usize) -> Option<u64> {
    word(out, index).map(|w| w.as_limbs()[0])
}

impl UsageEscrow {
    /// Calls `target` with `data` (a static call when `value` is `None`), returning its output.
    fn call_raw(
        &self,
        target: Address,
        value: Option<U256>,
        data: &[u8],
    ) -> Result<Vec<u8>, Error> {
        let result = match value {
            None => self.vm().static_call(&Call::new(), target, data),
            Some(value) => self.vm().call(&Call::new().value(value), target, data),
        };
        result.map_err(|_| call_failed(target))
    }

    /// A license's split and payment token.
    pub(crate) fn license_terms(&self, license_id: U256) -> Result<LicenseTerms, Error> {
        let nft = self.license_nft.get();
        let out = self.call_raw(nft, None, &call_data(LICENSE_USAGE, &[license_id.word()]))?;
        match (word(&out, 1), word(&out, 6)) {
            (Some(split_id), Some(token)) => Ok(LicenseTerms {
                split_id,
                payment_token: Address::from_word(token.into()),
            }),
            _ => Err(call_failed(nft)),
        }
    }

    /// The current owner of a license token.
    pub(crate) fn license_owner(&self, license_id: U256) -> Result<Address, Error> {
        let nft = self.license_nft.get();
        let out = self.call_raw(nft, None, &call_data(OWNER_OF, &[license_id.word()]))?;
        word(&out, 0)
            .map(|w| Address::from_word(w.into()))
            .ok_or_else(|| call_failed(nft))
    }

    /// Flags or clears unpaid usage on a license (the license contract treats a flagged
    /// license as invalid). This escrow is the license contract's configured usage anchor.
    pub(crate) fn set_license_debt(
        &mut self,
        license_id: U256,
        in_debt: bool,
    ) -> Result<(), Error> {
        let nft = self.license_nft.get();
        let data = call_data(SET_DEBT, &[license_id.word(), in_debt.word()]);
        self.call_raw(nft, Some(U256::ZERO), &data).map(drop)
    }

    /// The anchor's view of pending settlement, for the withdrawal rule.
    pub(crate) fn settlement_hold(&self) -> Result<SettlementHold, Error> {
        let anchor = self.usage_anchor.get();
        if anchor.is_zero() {
            return Err(Error::UsageAnchorNotSet(UsageAnchorNotSet {}));
        }
        let out = self.call_raw(anchor, None, &call_data(SETTLEMENT_HOLD, &[]))?;
        match (small(&out, 0), small(&out, 1), small(&out, 2)) {
            (Some(challenge_window), Some(open), Some(last_cleared_at)) => Ok(SettlementHold {
                challenge_window,
                open_challenges: u32::try_from(open).map_err(|_| call_failed(anchor))?,
                last_cleared_at,
            }),
            _ => Err(call_failed(anchor)),
        }
    }

    /// Deposits `amount` of fees (native when `token` is zero) into split `split_id`.
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
        let splitter = self.splitter.get();
        emit(
            self.vm(),
            &FeesDeposited {
                splitId: split_id,
                token,
                amount,
            },
        );
        if token.is_zero() {
            self.call_raw(
                splitter,
                Some(amount),
                &call_data(DEPOSIT, &[split_id.word()]),
            )
            .map(drop)
        } else {
            // The splitter pulls with `transferFrom` and credits what it received.
            self.safe_erc20.force_approve(token, splitter, amount)?;
            let data = call_data(
                DEPOSIT_TOKEN,
                &[split_id.word(), token.word(), amount.word()],
            );
            self.call_raw(splitter, Some(U256::ZERO), &data).map(drop)
        }
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
        let before = self.token_balance(token, this)?;
        self.safe_erc20
            .safe_transfer_from(token, from, this, amount)?;
        let after = self.token_balance(token, this)?;
        Ok(after.saturating_sub(before))
    }

    fn token_balance(&self, token: Address, account: Address) -> Result<U256, Error> {
        let out = self.call_raw(token, None, &call_data(BALANCE_OF, &[account.word()]))?;
        word(&out, 0).ok_or_else(|| call_failed(token))
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
