//! Paying into a split: native currency and ERC-20 tokens, O(1) whatever the recipient count.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolEvent;
use openzeppelin_stylus::token::erc20::utils::safe_erc20::ISafeErc20;
use stylus_sdk::{prelude::*, stylus_core::calls::context::Call};
use tributary_abi::{
    abi_words::{emit_log, Word},
    calls::has_code,
};

use crate::{
    accounting::{accrue, pack, unpack},
    errors::{Error, SplitDepositOverflow, SplitZeroAmount, TransferFailed},
    events::SplitDeposited,
    state::{of_version_account, word, Field},
    RoyaltySplitter,
};

impl RoyaltySplitter {
    /// Deposits the call's value into `split_id` (native currency).
    pub(crate) fn deposit_native(&mut self, split_id: U256) -> Result<(), Error> {
        self.pausable.when_not_paused()?;
        let amount = self.vm().msg_value();
        let from = self.vm().msg_sender();
        self.credit(split_id, Address::ZERO, amount, from)
    }

    /// Pulls `amount` of `token` from the caller and credits what actually arrived.
    ///
    /// The credit is the change of this contract's token balance across `transferFrom`, so a
    /// fee-on-transfer token credits what it delivered, not what was asked. The balance is read
    /// around the transfer, so the credit comes after an external call; that is safe because
    /// Stylus programs built without the `reentrant` feature (this one) revert any call that
    /// re-enters them, so nothing can deposit in between.
    pub(crate) fn pull_token(
        &mut self,
        split_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<(), Error> {
        self.pausable.when_not_paused()?;
        self.require_split(split_id)?;
        if amount.is_zero() {
            return Err(Error::ZeroAmount(SplitZeroAmount {}));
        }
        let this = self.vm().contract_address();
        let from = self.vm().msg_sender();
        let failed = || {
            Error::TransferFailed(TransferFailed {
                token,
                to: this,
                amount,
            })
        };
        if !has_code(self.vm().code_hash(token)) {
            return Err(failed());
        }
        let before = self.token_balance(token, this).ok_or_else(failed)?;
        self.safe_erc20
            .safe_transfer_from(token, from, this, amount)
            .map_err(|_| failed())?;
        let after = self.token_balance(token, this).ok_or_else(failed)?;
        let credited = after.checked_sub(before).unwrap_or_default();
        self.credit(split_id, token, credited, from)
    }

    /// `token.balanceOf(account)`, `None` if the call fails or returns less than a word.
    fn token_balance(&self, token: Address, account: Address) -> Option<U256> {
        let mut calldata = [0u8; 36];
        calldata[..4].copy_from_slice(&BALANCE_OF);
        calldata[4..].copy_from_slice(word(account).as_slice());
        let out = self.vm().static_call(&Call::new(), token, &calldata).ok()?;
        out.get(..32).map(U256::from_be_slice)
    }

    /// Credits `amount` of `token` to the current version of `split_id`, paid by `from` (the
    /// `from` of the `SplitDeposited` event): one header read and one accumulator word read and
    /// written. Also used by withdrawals to pay a split's own
    /// forwarder internally (see [`crate::withdrawals`]).
    pub(crate) fn credit(
        &mut self,
        split_id: U256,
        token: Address,
        amount: U256,
        from: Address,
    ) -> Result<(), Error> {
        let header = self.require_split(split_id)?;
        if amount.is_zero() {
            return Err(Error::ZeroAmount(SplitZeroAmount {}));
        }
        let overflow = || Error::DepositOverflow(SplitDepositOverflow { split_id, token });
        let key = of_version_account(split_id, header.version, token);
        let (acc, remainder) = unpack(self.read_uint(Field::Accumulator, &key));
        let accrual =
            accrue(acc, remainder, amount, U256::from(header.total)).ok_or_else(overflow)?;
        self.write_uint(
            Field::Accumulator,
            &key,
            pack(accrual.acc, accrual.remainder),
        );
        emit_log(
            self.vm(),
            &[
                SplitDeposited::SIGNATURE_HASH.0,
                split_id.word(),
                token.word(),
                from.word(),
            ],
            &[amount.word()],
            &[],
        );
        Ok(())
    }
}

/// Selector of `balanceOf(address)`.
const BALANCE_OF: [u8; 4] = [0x70, 0xa0, 0x82, 0x31];
