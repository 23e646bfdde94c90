//! Settlement: proving receipts against an anchored root and moving their fees from escrow
//! into the datasets' splits.
//!
//! Each settled receipt must: be in the batch's tree (one multiproof for all receipts), name
//! the batch's attestor, fall inside the batch's period, not have been settled before (a
//! bitmap keyed by the leaf, across all batches: a receipt is billed once even if two batches
//! contain it), and be covered by its license: same dataset and usage unit, not revoked, valid
//! at the receipt's timestamp (`startsAt ≤ t` and `expiresAt == 0 || t < expiresAt`), and the
//! license grants [`REQUIRED_SCOPE`].
//!
//! Scope decision: a receipt has no scope field; receipts meter training compute, so every
//! receipt requires the license's `TRAIN` bit. (A future receipt version can add a scope field
//! and this constant becomes the default.)
//!
//! Fee = `units × usageRate` (checked). It is taken from the license's escrow; what escrow
//! cannot cover becomes debt on the license and the license contract is told
//! (`setDebt(id, true)`), which makes the license invalid until the debt is paid through
//! `fundEscrow`. Paid fees are summed per (split, token) and deposited once per pair.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;
use tributary_abi::{
    scope::{self, TRAIN},
    usage::{receipt_leaf, Receipt},
};

use crate::{
    errors::{
        overflow, EmptySettlement, Error, InvalidProof, LicenseNotActive, LicenseRevoked,
        ReceiptAlreadySettled, ReceiptAttestorMismatch, ReceiptOutsidePeriod, ScopeNotLicensed,
        WrongDataset, WrongUsageUnit,
    },
    events::{emit, DebtChanged, ReceiptSettled},
    external_calls::LicenseUsage,
    merkle, UsageAnchor,
};

/// Scope every receipt needs from its license.
pub const REQUIRED_SCOPE: u64 = TRAIN;

/// A license touched by one `settle` call, with its escrow in memory.
struct LicenseTally {
    id: U256,
    usage: LicenseUsage,
    balance: U256,
    debt: U256,
    debt_before: U256,
}

/// Fees owed to one split in one token within one `settle` call.
struct SplitDeposit {
    split_id: U256,
    token: Address,
    amount: U256,
}

impl UsageAnchor {
    /// Settles `receipts` of batch `batch_id` with a multiproof (`proof`, `flags`).
    pub(crate) fn settle_receipts(
        &mut self,
        batch_id: B256,
        receipts: Vec<Receipt>,
        proof: &[B256],
        flags: &[bool],
    ) -> Result<(), Error> {
        self.require_settleable(batch_id)?;
        if receipts.is_empty() {
            return Err(Error::EmptySettlement(EmptySettlement {
                batchId: batch_id,
            }));
        }
        let (attestor, root, period_start, period_end) = {
            let batch = self.batches.getter(batch_id);
            (
                batch.attestor.get(),
                batch.root.get(),
                batch.period_start.get().to::<u64>(),
                batch.period_end.get().to::<u64>(),
            )
        };
        let leaves: Vec<B256> = receipts.iter().map(receipt_leaf).collect();
        if !merkle::verify_leaves(root, &leaves, proof, flags) {
            return Err(Error::InvalidProof(InvalidProof { batchId: batch_id }));
        }

        let mut tallies: Vec<LicenseTally> = Vec::new();
        for (receipt, leaf) in receipts.iter().zip(leaves) {
            if receipt.attestor != attestor {
                return Err(Error::ReceiptAttestorMismatch(ReceiptAttestorMismatch {
                    leaf,
                    attestor: receipt.attestor,
                }));
            }
            if receipt.timestamp < period_start || receipt.timestamp > period_end {
                return Err(Error::ReceiptOutsidePeriod(ReceiptOutsidePeriod {
                    leaf,
                    timestamp: receipt.timestamp,
                }));
            }
            let key = U256::from_be_bytes(leaf.0);
            if self.settled.get(key) {
                return Err(Error::ReceiptAlreadySettled(ReceiptAlreadySettled { leaf }));
            }
            self.settled.set(key);

            let index = if let Some(index) = tallies.iter().position(|t| t.id == receipt.licenseId)
            {
                index
            } else {
                tallies.push(self.open_tally(receipt.licenseId)?);
                tallies.len() - 1
            };
            let tally = &mut tallies[index];
            check_license(receipt, &tally.usage)?;
            let fee = receipt
                .units
                .checked_mul(tally.usage.usage_rate)
                .ok_or_else(overflow)?;
            let paid = fee.min(tally.balance);
            tally.balance -= paid;
            tally.debt = tally.debt.checked_add(fee - paid).ok_or_else(overflow)?;
            emit(
                self.vm(),
                &ReceiptSettled {
                    batchId: batch_id,
                    leaf,
                    licenseId: receipt.licenseId,
                    fee,
                    paid,
                },
            );
        }

        // Effects: escrow and debt of every touched license.
        let mut deposits: Vec<SplitDeposit> = Vec::new();
        let mut newly_in_debt: Vec<U256> = Vec::new();
        for tally in &tallies {
            let mut escrow = self.escrows.setter(tally.id);
            let paid = escrow.balance.get() - tally.balance;
            escrow.balance.set(tally.balance);
            if tally.debt != tally.debt_before {
                escrow.debt.set(tally.debt);
                emit(
                    self.vm(),
                    &DebtChanged {
                        licenseId: tally.id,
                        debt: tally.debt,
                    },
                );
                if tally.debt_before.is_zero() {
                    newly_in_debt.push(tally.id);
                }
            }
            add_deposit(
                &mut deposits,
                tally.usage.split_id,
                tally.usage.payment_token,
                paid,
            )?;
        }

        // Interactions.
        for license_id in newly_in_debt {
            self.set_license_debt(license_id, true)?;
        }
        for deposit in deposits {
            self.deposit_fees(deposit.split_id, deposit.token, deposit.amount)?;
        }
        Ok(())
    }

    /// Loads a license's terms and escrow into memory.
    fn open_tally(&self, license_id: U256) -> Result<LicenseTally, Error> {
        let usage = self.license_usage(license_id)?;
        let escrow = self.escrows.getter(license_id);
        let debt = escrow.debt.get();
        Ok(LicenseTally {
            id: license_id,
            usage,
            balance: escrow.balance.get(),
            debt,
            debt_before: debt,
        })
    }
}

/// Whether `receipt` is a use its license covers.
fn check_license(receipt: &Receipt, usage: &LicenseUsage) -> Result<(), Error> {
    let license_id = receipt.licenseId;
    if receipt.datasetId != usage.dataset_id {
        return Err(Error::WrongDataset(WrongDataset {
            licenseId: license_id,
            datasetId: receipt.datasetId,
        }));
    }
    if receipt.unit != usage.usage_unit {
        return Err(Error::WrongUsageUnit(WrongUsageUnit {
            licenseId: license_id,
            unit: receipt.unit,
        }));
    }
    if usage.revoked {
        return Err(Error::LicenseRevoked(LicenseRevoked {
            licenseId: license_id,
        }));
    }
    let timestamp = receipt.timestamp;
    if timestamp < usage.starts_at || (usage.expires_at != 0 && timestamp >= usage.expires_at) {
        return Err(Error::LicenseNotActive(LicenseNotActive {
            licenseId: license_id,
            timestamp,
        }));
    }
    let required = U256::from(REQUIRED_SCOPE);
    if !scope::includes(usage.scope, required) {
        return Err(Error::ScopeNotLicensed(ScopeNotLicensed {
            licenseId: license_id,
            scope: required,
        }));
    }
    Ok(())
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
