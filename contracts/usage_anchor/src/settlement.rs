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
//! Fee = `units × usageRate` (checked), summed per license. After every receipt is checked and
//! marked, the anchor calls the usage escrow once: `charge(licenseIds, fees)`. The escrow takes
//! what each license's escrow covers into the dataset's split, records the rest as debt (which
//! makes the license invalid until paid through `fundEscrow`) and returns what each license
//! paid; `ReceiptSettled` then reports each receipt's fee and the part of it paid, the license's
//! payment covering its receipts in order.

use alloc::vec::Vec;

use alloy_primitives::{B256, U256};
use stylus_sdk::prelude::*;
use tributary_abi::{
    calls::LicenseUsage,
    scope::{self, TRAIN},
};

use crate::{
    calldata::{ReceiptArg, SettleArgs},
    errors::{
        overflow, EmptySettlement, Error, InvalidProof, LicenseNotActive, LicenseRevoked,
        ReceiptAlreadySettled, ReceiptAttestorMismatch, ReceiptOutsidePeriod, ScopeNotLicensed,
        WrongDataset, WrongUsageUnit,
    },
    events::{emit, ReceiptSettled},
    merkle, UsageAnchor,
};

/// Scope every receipt needs from its license.
pub const REQUIRED_SCOPE: u64 = TRAIN;

/// A license touched by one `settle` call.
struct LicenseTally {
    id: U256,
    usage: LicenseUsage,
    /// Fees of this call's receipts on the license.
    fee: U256,
}

/// A verified receipt waiting for its `ReceiptSettled` event.
struct SettledReceipt {
    leaf: B256,
    /// Index of its license in the tallies.
    tally: usize,
    fee: U256,
}

impl UsageAnchor {
    /// Settles the decoded `settle` call: its receipts of batch `batchId` with a multiproof.
    #[inline(never)]
    pub(crate) fn settle_receipts(&mut self, call: SettleArgs) -> Result<(), Error> {
        let SettleArgs {
            batch_id,
            receipts,
            proof,
            flags,
        } = call;
        let batch = self.settleable_batch(batch_id)?;
        if receipts.is_empty() {
            return Err(Error::EmptySettlement(EmptySettlement {
                batchId: batch_id,
            }));
        }
        let mut leaves = Vec::with_capacity(receipts.len());
        for receipt in &receipts {
            leaves.push(receipt.leaf.0);
        }
        if !merkle::verify_leaves(batch.root, &leaves, &proof, &flags) {
            return Err(Error::InvalidProof(InvalidProof { batchId: batch_id }));
        }

        let mut tallies: Vec<LicenseTally> = Vec::new();
        let mut settled: Vec<SettledReceipt> = Vec::with_capacity(receipts.len());
        for receipt in &receipts {
            let leaf = receipt.leaf;
            if receipt.attestor != batch.attestor {
                return Err(Error::ReceiptAttestorMismatch(ReceiptAttestorMismatch {
                    leaf,
                    attestor: receipt.attestor,
                }));
            }
            if receipt.timestamp < batch.period_start || receipt.timestamp > batch.period_end {
                return Err(Error::ReceiptOutsidePeriod(ReceiptOutsidePeriod {
                    leaf,
                    timestamp: receipt.timestamp,
                }));
            }
            if !self.mark_settled(&leaf) {
                return Err(Error::ReceiptAlreadySettled(ReceiptAlreadySettled { leaf }));
            }

            let index = if let Some(index) = tallies.iter().position(|t| t.id == receipt.license_id)
            {
                index
            } else {
                tallies.push(LicenseTally {
                    id: receipt.license_id,
                    usage: self.license_usage(receipt.license_id)?,
                    fee: U256::ZERO,
                });
                tallies.len() - 1
            };
            let tally = &mut tallies[index];
            check_license(receipt, &tally.usage)?;
            let fee = receipt
                .units
                .checked_mul(tally.usage.usage_rate)
                .ok_or_else(overflow)?;
            tally.fee = tally.fee.checked_add(fee).ok_or_else(overflow)?;
            settled.push(SettledReceipt {
                leaf,
                tally: index,
                fee,
            });
        }

        // Interaction: one charge for all licenses (the bitmap is already written).
        let mut ids = Vec::with_capacity(tallies.len());
        let mut fees = Vec::with_capacity(tallies.len());
        for tally in &tallies {
            ids.push(tally.id);
            fees.push(tally.fee);
        }
        let mut unallocated = self.charge_escrow(&ids, &fees)?;
        // Each license's payment covers its receipts in order, as escrow would have.
        for receipt in settled {
            let left = &mut unallocated[receipt.tally];
            let paid = receipt.fee.min(*left);
            *left -= paid;
            emit(
                self.vm(),
                &ReceiptSettled {
                    batchId: batch_id,
                    leaf: receipt.leaf,
                    licenseId: tallies[receipt.tally].id,
                    fee: receipt.fee,
                    paid,
                },
            );
        }
        Ok(())
    }
}

/// Whether `receipt` is a use its license covers.
#[inline(never)]
fn check_license(receipt: &ReceiptArg, usage: &LicenseUsage) -> Result<(), Error> {
    let license_id = receipt.license_id;
    if receipt.dataset_id != usage.dataset_id {
        return Err(Error::WrongDataset(WrongDataset {
            licenseId: license_id,
            datasetId: receipt.dataset_id,
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
