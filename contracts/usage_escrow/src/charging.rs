//! Charging settled usage: the one entry the usage anchor calls per `settle`.
//!
//! The anchor verifies usage leaves (proofs, license checks, the settled bitmap) and then calls
//! `charge(licenseIds, fees, splitIds, tokens)` once with the fees aggregated per license. For
//! each license the escrow pays what its balance covers and records the rest as debt (the first
//! time a license goes into debt the license contract is told with `setDebt(id, true)`, which
//! makes it invalid until the debt is paid through funding). Paid fees are summed per (split,
//! token) and deposited once per pair. Split and token are what the anchor read from the
//! license contract in the same call (`licenseUsage`), so the escrow does not enter the license
//! contract again; the anchor is the deployment's own contract, wired once.

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use stylus_sdk::prelude::*;

use crate::{
    errors::{overflow, Error, LengthMismatch, NotUsageAnchor},
    events::{emit, DebtChanged, EscrowCharged},
    narrow, wide, UsageEscrow,
};

/// Fees owed to one split in one token within one `charge` call.
struct SplitDeposit {
    split_id: U256,
    token: Address,
    amount: U256,
}

impl UsageEscrow {
    /// Charges `fees[i]` to license `license_ids[i]`, paying split `split_ids[i]` in
    /// `tokens[i]`.
    pub(crate) fn charge_fees(
        &mut self,
        license_ids: &[U256],
        fees: &[U256],
        split_ids: &[U256],
        tokens: &[Address],
    ) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        let anchor = self.usage_anchor.get();
        if anchor.is_zero() || caller != anchor {
            return Err(Error::NotUsageAnchor(NotUsageAnchor { account: caller }));
        }
        let n = license_ids.len();
        for actual in [fees.len(), split_ids.len(), tokens.len()] {
            if actual != n {
                return Err(Error::LengthMismatch(LengthMismatch {
                    expected: U256::from(n),
                    actual: U256::from(actual),
                }));
            }
        }
        let mut deposits: Vec<SplitDeposit> = Vec::new();
        let mut newly_in_debt: Vec<U256> = Vec::new();
        for (i, (&license_id, &fee)) in license_ids.iter().zip(fees).enumerate() {
            let mut escrow = self.escrows.setter(license_id);
            let balance = wide(escrow.balance.get());
            let debt_before = wide(escrow.debt.get());
            let paid = fee.min(balance);
            let debt = debt_before.checked_add(fee - paid).ok_or_else(overflow)?;
            escrow.balance.set(narrow(balance - paid)?);
            escrow.debt.set(narrow(debt)?);
            emit(
                self.vm(),
                &EscrowCharged {
                    licenseId: license_id,
                    fee,
                    paid,
                },
            );
            if debt != debt_before {
                emit(
                    self.vm(),
                    &DebtChanged {
                        licenseId: license_id,
                        debt,
                    },
                );
                if debt_before.is_zero() {
                    newly_in_debt.push(license_id);
                }
            }
            add_deposit(&mut deposits, split_ids[i], tokens[i], paid)?;
        }
        // Interactions, after every escrow was updated.
        for license_id in newly_in_debt {
            self.set_license_debt(license_id, true)?;
        }
        for deposit in deposits {
            self.deposit_fees(deposit.split_id, deposit.token, deposit.amount)?;
        }
        Ok(())
    }
}

/// Adds `amount` to the deposit for (`split_id`, `token`).
fn add_deposit(
    deposits: &mut Vec<SplitDeposit>,
    split_id: U256,
    token: Address,
    amount: U256,
) -> Result<(), Error> {
    if amount.is_zero() {
        return Ok(());
    }
    if let Some(deposit) = deposits
        .iter_mut()
        .find(|d| d.split_id == split_id && d.token == token)
    {
        deposit.amount = deposit.amount.checked_add(amount).ok_or_else(overflow)?;
    } else {
        deposits.push(SplitDeposit {
            split_id,
            token,
            amount,
        });
    }
    Ok(())
}
