//! Settlement: proving usage leaves against an anchored root and moving their fees from escrow
//! into the datasets' splits (the rules: `docs/settlement.md` §3).
//!
//! A `settle` call proves its leaves with one multiproof, then, per leaf:
//! - structural checks that revert the call: `index < leafCount` and license id non-zero
//!   (`InvalidUsageLeaf`), not settled before nor twice in the call (`UsageAlreadySettled`), the
//!   batch's running totals stay within its signed `receiptCount` and `totalUnits`
//!   (`BatchTotalsExceeded`);
//! - billability checks that *skip* the leaf (`UsageSkipped` with a reason from
//!   [`tributary_abi::usage::skip`]) without sinking the others: the license exists, the asset,
//!   unit and scope are the license's, `[firstAt, lastAt]` is inside the batch's period and the
//!   license is valid over all of it (started, not expired, not yet revoked: usage before a
//!   revocation stays billable).
//!
//! Skipped leaves are final: their bit is set and their units count against the totals.
//! Billed leaves cost `units × usageRate`, summed per license; the anchor then calls the escrow
//! once, `charge(licenseIds, fees, splitIds, tokens)`, with the split and token it read from the
//! license contract (one `licenseUsage` read per license per call).

use alloc::vec::Vec;

use alloy_primitives::U256;
use alloy_sol_types::SolError;
use openzeppelin_stylus::token::erc721::ERC721NonexistentToken;
use stylus_sdk::prelude::*;
use tributary_abi::{calls::LicenseUsage, scope, usage::skip};

use crate::{
    calldata::{BatchArg, LeafArg, SettleArgs},
    errors::{
        overflow, BatchTotalsExceeded, EmptySettlement, Error, InvalidProof, InvalidUsageLeaf,
        UsageAlreadySettled,
    },
    events::{emit, UsageSettled, UsageSkipped},
    merkle, UsageAnchor,
};

/// A license touched by one `settle` call: its terms (or why it has none) and its fees.
struct LicenseTally {
    id: U256,
    /// `None`: the license contract does not know the license.
    usage: Option<LicenseUsage>,
    fee: U256,
}

impl UsageAnchor {
    /// Settles the decoded `settle` call.
    #[inline(never)]
    #[allow(clippy::too_many_lines, clippy::single_match_else)]
    pub(crate) fn settle_leaves(&mut self, call: SettleArgs<'_>) -> Result<(), Error> {
        let SettleArgs {
            batch,
            leaves,
            proof,
            flags,
        } = call;
        let (attestor, batch_id) = (batch.attestor, batch.batch_id);
        let (key, state) = self.anchored_batch(&batch)?;
        self.require_settleable(&batch, &state)?;
        if leaves.is_empty() {
            return Err(Error::EmptySettlement(EmptySettlement {
                attestor,
                batchId: batch_id,
            }));
        }
        let mut hashes = Vec::with_capacity(leaves.len());
        let mut indices = Vec::with_capacity(leaves.len());
        for leaf in &leaves {
            hashes.push(leaf.hash.0);
            indices.push(leaf.index);
        }
        if !merkle::verify_leaves(batch.root, &hashes, &proof, &flags) {
            return Err(Error::InvalidProof(InvalidProof {
                attestor,
                batchId: batch_id,
            }));
        }
        let invalid = |index| {
            Error::InvalidUsageLeaf(InvalidUsageLeaf {
                attestor,
                batchId: batch_id,
                index,
            })
        };
        let exceeded = || {
            Error::BatchTotalsExceeded(BatchTotalsExceeded {
                attestor,
                batchId: batch_id,
            })
        };
        for leaf in &leaves {
            if leaf.index >= batch.leaf_count || leaf.license_id.is_zero() {
                return Err(invalid(leaf.index));
            }
        }
        // Flags first, so that a replay is reported as one.
        let mut totals = self.settled_totals(&key);
        self.mark_settled(&key, &indices, totals).map_err(|index| {
            Error::UsageAlreadySettled(UsageAlreadySettled {
                attestor,
                batchId: batch_id,
                index,
            })
        })?;
        for leaf in &leaves {
            totals.receipts = totals
                .receipts
                .checked_add(leaf.receipt_count)
                .filter(|&n| n <= batch.receipt_count)
                .ok_or_else(exceeded)?;
            let units = U256::from(totals.units)
                .checked_add(leaf.units)
                .filter(|&n| n <= batch.total_units)
                .ok_or_else(exceeded)?;
            // `units <= totalUnits < 2^96` (checked when anchored).
            totals.units = units.to::<u128>();
        }
        // The same word as the flags of leaves 0..128: the storage cache flushes it once.
        self.set_settled_totals(&key, totals);

        let mut tallies: Vec<LicenseTally> = Vec::new();
        for leaf in &leaves {
            let index = match tallies.iter().position(|t| t.id == leaf.license_id) {
                Some(index) => index,
                None => {
                    tallies.push(LicenseTally {
                        id: leaf.license_id,
                        usage: self.license_usage_if_known(leaf.license_id)?,
                        fee: U256::ZERO,
                    });
                    tallies.len() - 1
                }
            };
            let tally = &mut tallies[index];
            let checked = match &tally.usage {
                None => Err(skip::UNKNOWN_LICENSE),
                Some(usage) => billable(&batch, leaf, usage),
            };
            match checked {
                Ok(rate) => {
                    let fee = leaf.units.checked_mul(rate).ok_or_else(overflow)?;
                    tally.fee = tally.fee.checked_add(fee).ok_or_else(overflow)?;
                    emit(
                        self.vm(),
                        &UsageSettled {
                            attestor,
                            batchId: batch_id,
                            licenseId: leaf.license_id,
                            index: leaf.index,
                            units: leaf.units,
                            receiptCount: leaf.receipt_count,
                            fee,
                        },
                    );
                }
                Err(reason) => emit(
                    self.vm(),
                    &UsageSkipped {
                        attestor,
                        batchId: batch_id,
                        licenseId: leaf.license_id,
                        index: leaf.index,
                        reason,
                    },
                ),
            }
        }

        // Interaction: one charge for all licenses (the bitmap and totals are already written).
        let mut ids = Vec::with_capacity(tallies.len());
        let mut fees = Vec::with_capacity(tallies.len());
        let mut splits = Vec::with_capacity(tallies.len());
        let mut tokens = Vec::with_capacity(tallies.len());
        for tally in &tallies {
            if let Some(usage) = &tally.usage {
                if !tally.fee.is_zero() {
                    ids.push(tally.id);
                    fees.push(tally.fee);
                    splits.push(usage.split_id);
                    tokens.push(usage.payment_token);
                }
            }
        }
        if ids.is_empty() {
            return Ok(());
        }
        self.charge_escrow(&ids, &fees, &splits, &tokens)
    }

    /// A license's terms, or `None` if the license contract answers `ERC721NonexistentToken`.
    /// Any other failure (out of gas included) reverts the call, so that nobody can make a
    /// billable leaf look unknown.
    fn license_usage_if_known(&self, license_id: U256) -> Result<Option<LicenseUsage>, Error> {
        match self.license_usage(license_id) {
            Ok(usage) => Ok(Some(usage)),
            Err(Error::ExternalCallFailed(failure))
                if failure.reason.get(..4) == Some(&ERC721NonexistentToken::SELECTOR[..]) =>
            {
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }
}

/// The license's rate if `leaf` is usage its license covers, else why not
/// ([`tributary_abi::usage::skip`]).
#[inline(never)]
fn billable(batch: &BatchArg<'_>, leaf: &LeafArg, usage: &LicenseUsage) -> Result<U256, u8> {
    if leaf.receipt_count == 0
        || leaf.first_at > leaf.last_at
        || leaf.first_at < batch.period_start
        || leaf.last_at > batch.period_end
    {
        return Err(skip::OUTSIDE_PERIOD);
    }
    if leaf.asset_id != usage.dataset_id {
        return Err(skip::WRONG_ASSET);
    }
    if leaf.unit != usage.usage_unit {
        return Err(skip::WRONG_UNIT);
    }
    if !scope::includes(usage.scope, leaf.scope) {
        return Err(skip::SCOPE_NOT_LICENSED);
    }
    // Valid over all of [firstAt, lastAt]: validity is one interval, so both ends suffice.
    let ends_before = |end: u64| end != 0 && leaf.last_at >= end;
    if leaf.first_at < usage.starts_at
        || ends_before(usage.expires_at)
        || ends_before(usage.revoked_at)
    {
        return Err(skip::LICENSE_NOT_ACTIVE);
    }
    Ok(usage.usage_rate)
}
