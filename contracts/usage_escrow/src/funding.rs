//! Funding a license's escrow, which first pays down its debt.
//!
//! Anyone may fund a license's escrow (`fundEscrow` in native currency, `fundEscrowToken` when
//! the license's offer is paid in an ERC-20). Funding first pays down the license's debt (into
//! the dataset's split; when the debt reaches zero the license contract is told with
//! `setDebt(id, false)`), the rest is escrow.

use alloy_primitives::U256;
use stylus_sdk::prelude::*;

use crate::{
    errors::{overflow, Error, WrongPaymentToken, ZeroAmount},
    events::{emit, DebtChanged, EscrowFunded},
    narrow, wide, UsageEscrow,
};

impl UsageEscrow {
    /// Funds a license's escrow with `amount`: native currency already received with the call
    /// (`native`), or an ERC-20 amount pulled here from the caller. The kind must match the
    /// license's payment token.
    pub(crate) fn deposit_escrow(
        &mut self,
        license_id: U256,
        native: bool,
        amount: U256,
    ) -> Result<(), Error> {
        let token = self.license_payment_token(license_id)?;
        if token.is_zero() != native {
            return Err(Error::WrongPaymentToken(WrongPaymentToken {
                licenseId: license_id,
                token,
            }));
        }
        if amount.is_zero() {
            return Err(Error::ZeroAmount(ZeroAmount {}));
        }
        let funder = self.vm().msg_sender();
        let amount = if native {
            amount
        } else {
            self.pull_tokens(token, funder, amount)?
        };

        let mut escrow = self.escrows.setter(license_id);
        let debt = wide(escrow.debt.get());
        let to_debt = debt.min(amount);
        let balance = wide(escrow.balance.get())
            .checked_add(amount - to_debt)
            .ok_or_else(overflow)?;
        escrow.balance.set(narrow(balance)?);
        escrow.debt.set(narrow(debt - to_debt)?);
        emit(
            self.vm(),
            &EscrowFunded {
                licenseId: license_id,
                funder,
                amount,
                toDebt: to_debt,
            },
        );
        if to_debt.is_zero() {
            return Ok(());
        }
        emit(
            self.vm(),
            &DebtChanged {
                licenseId: license_id,
                debt: debt - to_debt,
            },
        );
        if to_debt == debt {
            self.set_license_debt(license_id, false)?;
        }
        // Only a funding that pays debt needs the license's split: read it here, off the
        // common path.
        let split_id = self.license_split(license_id)?;
        self.deposit_fees(split_id, token, to_debt)
    }
}
