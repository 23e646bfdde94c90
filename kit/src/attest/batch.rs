//! Grouping receipts into usage leaves, building and verifying signed batch files.

use std::collections::{BTreeMap, HashSet};

use alloy::{
    primitives::{Address, Bytes, B256, U256},
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};

use super::{
    error::{AttestError, Mismatch},
    json::{BatchFile, BatchJson, UsageLeafJson},
    merkle::MerkleTree,
    signing::{sign_batch, verify_batch_signature},
    types::{
        anchorBatchCall, anchor_domain, batch_digest, derive_batch_id, receipt_leaf, usage_leaf,
        Batch, GroupKey, Receipt, UsageLeaf, DEFAULT_DEADLINE_DELAY, MAX_BATCH_UNITS,
    },
};

/// Where and how a batch is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchOptions {
    /// Chain id of the EIP-712 domain.
    pub chain_id: u64,
    /// The usage anchor's address.
    pub verifying_contract: Address,
    /// Batch id; [`derive_batch_id`] when `None`.
    pub batch_id: Option<B256>,
    /// Start of the period; the earliest receipt timestamp when `None`.
    pub period_start: Option<u64>,
    /// End of the period; the latest receipt timestamp when `None`.
    pub period_end: Option<u64>,
    /// Last second at which the batch may be anchored; `periodEnd +`
    /// [`DEFAULT_DEADLINE_DELAY`] (7 days, saturating) when `None`.
    pub deadline: Option<u64>,
}

/// Receipts grouped into usage leaves (see [`group_receipts`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouping {
    /// The usage leaves, in index order.
    pub leaves: Vec<UsageLeaf>,
    /// `receipt_leaves[i]`: the receipt leaves of `leaves[i]`, in `(timestamp, jobId)` order.
    pub receipt_leaves: Vec<Vec<B256>>,
    /// Number of receipts.
    pub receipt_count: u32,
    /// Sum of the receipts' units (at most [`MAX_BATCH_UNITS`]).
    pub total_units: U256,
}

/// Groups receipts into usage leaves, the kit's grouping rule (`docs/settlement.md`):
/// receipts are grouped by `(licenseId, assetId, scope, unit)`; groups are ordered by that key
/// (numerically, in this field order), receipts inside a group by `(timestamp, jobId)`; group
/// `i` becomes the leaf with `index = i`, its units and receipt count the group's sums, `firstAt`
/// / `lastAt` its earliest and latest timestamps and `receiptsRoot` the Merkle root of its
/// receipt leaves. The result does not depend on the order of `receipts`.
///
/// # Errors
///
/// [`AttestError::NoReceipts`], [`AttestError::TooManyReceipts`],
/// [`AttestError::DuplicateJobId`], [`AttestError::EmptyScope`] or
/// [`AttestError::UnitsOverflow`].
pub fn group_receipts(receipts: &[Receipt]) -> Result<Grouping, AttestError> {
    if receipts.is_empty() {
        return Err(AttestError::NoReceipts);
    }
    let receipt_count =
        u32::try_from(receipts.len()).map_err(|_| AttestError::TooManyReceipts(receipts.len()))?;
    let mut job_ids = HashSet::with_capacity(receipts.len());
    let mut total_units = U256::ZERO;
    let mut groups: BTreeMap<GroupKey, Vec<&Receipt>> = BTreeMap::new();
    for r in receipts {
        if !job_ids.insert(r.jobId) {
            return Err(AttestError::DuplicateJobId(r.jobId));
        }
        if r.scope.is_zero() {
            return Err(AttestError::EmptyScope(r.jobId));
        }
        total_units = add_units(total_units, r.units)?;
        groups.entry(r.group_key()).or_default().push(r);
    }

    let mut leaves = Vec::with_capacity(groups.len());
    let mut receipt_leaves = Vec::with_capacity(groups.len());
    for (index, ((license_id, asset_id, scope, unit), mut members)) in
        (0_u32..).zip(groups.into_iter())
    {
        members.sort_unstable_by_key(|r| (r.timestamp, r.jobId));
        let hashes: Vec<B256> = members.iter().map(|r| receipt_leaf(r)).collect();
        // Each group holds at least one receipt and at most `receipt_count` (a u32), and its
        // units are bounded by the total checked above.
        let units = members.iter().fold(U256::ZERO, |sum, r| sum + r.units);
        leaves.push(UsageLeaf {
            index,
            licenseId: license_id,
            assetId: asset_id,
            scope,
            unit,
            units,
            receiptCount: u32::try_from(members.len()).unwrap_or(u32::MAX),
            firstAt: members.first().map_or(0, |r| r.timestamp),
            lastAt: members.last().map_or(0, |r| r.timestamp),
            receiptsRoot: MerkleTree::new(&hashes)?.root(),
        });
        receipt_leaves.push(hashes);
    }
    Ok(Grouping {
        leaves,
        receipt_leaves,
        receipt_count,
        total_units,
    })
}

/// Checks the receipts, groups them into usage leaves, builds the batch tree over the leaves
/// and signs the batch with `signer`.
///
/// Receipts must be non-empty, have unique job ids and non-empty scopes, all name the signer as
/// attestor, lie inside the period and sum to at most [`MAX_BATCH_UNITS`]; the deadline must not
/// be before the period's end.
///
/// # Errors
///
/// Any [`group_receipts`] error, [`AttestError::ForeignAttestor`],
/// [`AttestError::InvalidPeriod`], [`AttestError::OutsidePeriod`],
/// [`AttestError::InvalidDeadline`] or a signing error.
pub fn build_batch(
    receipts: &[Receipt],
    signer: &PrivateKeySigner,
    options: &BatchOptions,
) -> Result<BatchFile, AttestError> {
    let attestor = signer.address();
    let checked = check_receipts(
        receipts,
        attestor,
        options.period_start,
        options.period_end,
        options.deadline,
    )?;
    let grouping = checked.grouping;
    let leaf_hashes: Vec<B256> = grouping.leaves.iter().map(usage_leaf).collect();
    let root = MerkleTree::new(&leaf_hashes)?.root();
    let batch_id = options.batch_id.unwrap_or_else(|| {
        derive_batch_id(
            options.chain_id,
            options.verifying_contract,
            attestor,
            root,
            checked.period_start,
            checked.period_end,
        )
    });
    let batch = Batch {
        batchId: batch_id,
        attestor,
        root,
        // At most one leaf per receipt, and the receipts' count fits a u32.
        leafCount: u32::try_from(grouping.leaves.len()).unwrap_or(u32::MAX),
        receiptCount: grouping.receipt_count,
        totalUnits: grouping.total_units,
        periodStart: checked.period_start,
        periodEnd: checked.period_end,
        deadline: checked.deadline,
    };
    let domain = anchor_domain(options.chain_id, options.verifying_contract);
    let signature = Bytes::copy_from_slice(&sign_batch(signer, &batch, &domain)?);
    Ok(BatchFile {
        chain_id: options.chain_id,
        verifying_contract: options.verifying_contract,
        batch: BatchJson::from(&batch),
        batch_digest: batch_digest(&batch, &domain),
        anchor_calldata: anchor_calldata(&batch, &signature),
        signature,
        leaves: grouping.leaves.iter().map(UsageLeafJson::from).collect(),
        leaf_hashes,
        receipt_leaves: grouping.receipt_leaves,
    })
}

/// Checks a batch file offline, as the anchor and a settler would rely on it:
/// - the period is ordered and the deadline not before its end;
/// - `leafCount` leaves, indexed `0..leafCount` in grouping order, each with as many receipt leaves
///   as its `receiptCount` (> 0), `[firstAt, lastAt]` inside the period, `receiptsRoot` the root of
///   its receipt leaves and its listed hash `usage_leaf(leaf)`; no receipt leaf twice;
/// - the leaves' receipt counts and units sum to the signed ones (units at most
///   [`MAX_BATCH_UNITS`]), their hashes give the signed root;
/// - `batchDigest` is the EIP-712 digest, the signature the attestor's (low `s`, `v ∈ {27, 28}`),
///   `anchorCalldata` is `anchorBatch(batch, signature)`.
///
/// With `receipts`, also checks that they are exactly the batch's receipts (in any order): they
/// pass [`build_batch`]'s checks for this attestor and period, and group into the same leaves
/// and receipt leaves.
///
/// # Errors
///
/// [`AttestError::Mismatch`] naming the first inconsistency, [`AttestError::InvalidPeriod`],
/// [`AttestError::InvalidDeadline`], [`AttestError::UnitsOverflow`], a signature error, or (for
/// `receipts`) any [`build_batch`] error.
pub fn verify_batch_file(
    file: &BatchFile,
    receipts: Option<&[Receipt]>,
) -> Result<(), AttestError> {
    let batch = file.batch();
    if batch.periodStart > batch.periodEnd {
        return Err(AttestError::InvalidPeriod {
            start: batch.periodStart,
            end: batch.periodEnd,
        });
    }
    if batch.deadline < batch.periodEnd {
        return Err(AttestError::InvalidDeadline {
            period_end: batch.periodEnd,
            deadline: batch.deadline,
        });
    }
    check_leaves(file, &batch)?;

    let domain = anchor_domain(file.chain_id, file.verifying_contract);
    let digest = batch_digest(&batch, &domain);
    if digest != file.batch_digest {
        return Err(Mismatch::Digest {
            computed: digest,
            file: file.batch_digest,
        }
        .into());
    }
    verify_batch_signature(&batch, &domain, &file.signature)?;
    if file.anchor_calldata != anchor_calldata(&batch, &file.signature) {
        return Err(Mismatch::AnchorCalldata.into());
    }

    if let Some(receipts) = receipts {
        let checked = check_receipts(
            receipts,
            batch.attestor,
            Some(batch.periodStart),
            Some(batch.periodEnd),
            Some(batch.deadline),
        )?;
        if checked.grouping.leaves != file.usage_leaves()
            || checked.grouping.receipt_leaves != file.receipt_leaves
        {
            return Err(Mismatch::Receipts.into());
        }
    }
    Ok(())
}

/// The leaf-level checks of [`verify_batch_file`]: leaves, their receipt trees and hashes, the
/// sums and the root.
fn check_leaves(file: &BatchFile, batch: &Batch) -> Result<(), AttestError> {
    if file.leaves.is_empty() || u32::try_from(file.leaves.len()).ok() != Some(batch.leafCount) {
        return Err(Mismatch::LeafCount {
            signed: batch.leafCount,
            listed: file.leaves.len(),
        }
        .into());
    }
    if file.leaf_hashes.len() != file.leaves.len() || file.receipt_leaves.len() != file.leaves.len()
    {
        return Err(Mismatch::ListLengths.into());
    }

    let mut seen = HashSet::new();
    let mut receipt_count = 0_u64;
    let mut total_units = U256::ZERO;
    let mut previous: Option<GroupKey> = None;
    for (position, ((json, &hash), receipt_leaves)) in file
        .leaves
        .iter()
        .zip(&file.leaf_hashes)
        .zip(&file.receipt_leaves)
        .enumerate()
    {
        let leaf = UsageLeaf::from(json);
        let index = leaf.index;
        if usize::try_from(index).ok() != Some(position) {
            return Err(Mismatch::LeafIndex { position, index }.into());
        }
        let key = leaf.group_key();
        if previous.is_some_and(|p| p >= key) {
            return Err(Mismatch::LeafOrder { index }.into());
        }
        previous = Some(key);
        if leaf.receiptCount == 0
            || usize::try_from(leaf.receiptCount).ok() != Some(receipt_leaves.len())
        {
            return Err(Mismatch::LeafReceiptCount { index }.into());
        }
        if leaf.firstAt > leaf.lastAt
            || leaf.firstAt < batch.periodStart
            || leaf.lastAt > batch.periodEnd
        {
            return Err(Mismatch::LeafPeriod { index }.into());
        }
        if MerkleTree::new(receipt_leaves)?.root() != leaf.receiptsRoot {
            return Err(Mismatch::ReceiptsRoot { index }.into());
        }
        if hash != usage_leaf(&leaf) {
            return Err(Mismatch::LeafHash { index }.into());
        }
        if let Some(dup) = receipt_leaves.iter().find(|l| !seen.insert(**l)) {
            return Err(Mismatch::DuplicateReceiptLeaf(*dup).into());
        }
        receipt_count += u64::from(leaf.receiptCount);
        total_units = add_units(total_units, leaf.units)?;
    }
    if receipt_count != u64::from(batch.receiptCount) {
        return Err(Mismatch::ReceiptCount {
            signed: batch.receiptCount,
            summed: receipt_count,
        }
        .into());
    }
    if total_units != batch.totalUnits {
        return Err(Mismatch::TotalUnits {
            signed: batch.totalUnits,
            summed: total_units,
        }
        .into());
    }
    let root = MerkleTree::new(&file.leaf_hashes)?.root();
    if root != batch.root {
        return Err(Mismatch::Root {
            computed: root,
            signed: batch.root,
        }
        .into());
    }
    Ok(())
}

/// ABI-encoded `anchorBatch(batch, signature)`.
pub fn anchor_calldata(batch: &Batch, signature: &Bytes) -> Bytes {
    anchorBatchCall {
        batch: batch.clone(),
        signature: signature.clone(),
    }
    .abi_encode()
    .into()
}

/// Adds units, refusing a sum above [`MAX_BATCH_UNITS`].
fn add_units(sum: U256, units: U256) -> Result<U256, AttestError> {
    sum.checked_add(units)
        .filter(|total| *total <= U256::from(MAX_BATCH_UNITS))
        .ok_or(AttestError::UnitsOverflow)
}

/// Receipts that passed every check, grouped, with the period and deadline resolved.
struct Checked {
    grouping: Grouping,
    period_start: u64,
    period_end: u64,
    deadline: u64,
}

fn check_receipts(
    receipts: &[Receipt],
    attestor: Address,
    period_start: Option<u64>,
    period_end: Option<u64>,
    deadline: Option<u64>,
) -> Result<Checked, AttestError> {
    let grouping = group_receipts(receipts)?;
    if let Some(r) = receipts.iter().find(|r| r.attestor != attestor) {
        return Err(AttestError::ForeignAttestor {
            job_id: r.jobId,
            attestor: r.attestor,
            expected: attestor,
        });
    }
    // Non-empty: `group_receipts` refuses an empty list.
    let earliest = receipts.iter().map(|r| r.timestamp).min().unwrap_or(0);
    let latest = receipts.iter().map(|r| r.timestamp).max().unwrap_or(0);
    let period_start = period_start.unwrap_or(earliest);
    let period_end = period_end.unwrap_or(latest);
    if period_start > period_end {
        return Err(AttestError::InvalidPeriod {
            start: period_start,
            end: period_end,
        });
    }
    if let Some(r) = receipts
        .iter()
        .find(|r| r.timestamp < period_start || r.timestamp > period_end)
    {
        return Err(AttestError::OutsidePeriod {
            job_id: r.jobId,
            timestamp: r.timestamp,
        });
    }
    let deadline = deadline.unwrap_or_else(|| period_end.saturating_add(DEFAULT_DEADLINE_DELAY));
    if deadline < period_end {
        return Err(AttestError::InvalidDeadline {
            period_end,
            deadline,
        });
    }
    Ok(Checked {
        grouping,
        period_start,
        period_end,
        deadline,
    })
}
