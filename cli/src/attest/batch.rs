//! Building and verifying signed batch files.

use std::collections::HashSet;

use alloy::{
    primitives::{Address, Bytes, B256, U256},
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};

use super::{
    error::AttestError,
    json::{BatchFile, BatchJson},
    merkle::MerkleTree,
    signing::{sign_batch, verify_batch_signature},
    types::{
        anchorBatchCall, anchor_domain, batch_digest, derive_batch_id, receipt_leaf, Batch, Receipt,
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
}

/// Checks the receipts, builds their tree and signs the batch with `signer`.
///
/// Receipts must be non-empty, have unique job ids, all name the signer as attestor and lie
/// inside the period.
///
/// # Errors
///
/// [`AttestError::NoReceipts`], [`AttestError::TooManyReceipts`],
/// [`AttestError::DuplicateJobId`], [`AttestError::ForeignAttestor`],
/// [`AttestError::InvalidPeriod`], [`AttestError::OutsidePeriod`],
/// [`AttestError::UnitsOverflow`] or a signing error.
pub fn build_batch(
    receipts: &[Receipt],
    signer: &PrivateKeySigner,
    options: &BatchOptions,
) -> Result<BatchFile, AttestError> {
    let attestor = signer.address();
    let summary = summarize(receipts, attestor, options.period_start, options.period_end)?;
    let tree = MerkleTree::new(&summary.leaves)?;
    let root = tree.root();
    let batch_id = options.batch_id.unwrap_or_else(|| {
        derive_batch_id(
            options.chain_id,
            options.verifying_contract,
            attestor,
            root,
            summary.period_start,
            summary.period_end,
        )
    });
    let batch = Batch {
        batchId: batch_id,
        attestor,
        root,
        receiptCount: summary.count,
        totalUnits: summary.total_units,
        periodStart: summary.period_start,
        periodEnd: summary.period_end,
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
        leaves: summary.leaves,
    })
}

/// Checks a batch file: its leaves give its root and count, its digest is the batch's EIP-712
/// digest, and its signature is the attestor's (low `s`, `v ∈ {27, 28}`). With `receipts`, also
/// checks that they are exactly the batch's receipts (any order) and match its total units and
/// period.
///
/// # Errors
///
/// [`AttestError::Mismatch`] naming the first inconsistency, or a signature error.
pub fn verify_batch_file(
    file: &BatchFile,
    receipts: Option<&[Receipt]>,
) -> Result<(), AttestError> {
    let batch = Batch::from(&file.batch);
    if batch.periodStart > batch.periodEnd {
        return Err(AttestError::InvalidPeriod {
            start: batch.periodStart,
            end: batch.periodEnd,
        });
    }
    if u32::try_from(file.leaves.len()).ok() != Some(batch.receiptCount) {
        return Err(AttestError::Mismatch(format!(
            "the batch counts {} receipts but lists {} leaves",
            batch.receiptCount,
            file.leaves.len()
        )));
    }
    let mut seen = HashSet::with_capacity(file.leaves.len());
    if let Some(dup) = file.leaves.iter().find(|l| !seen.insert(**l)) {
        return Err(AttestError::Mismatch(format!(
            "leaf {dup} appears more than once"
        )));
    }
    let root = MerkleTree::new(&file.leaves)?.root();
    if root != batch.root {
        return Err(AttestError::Mismatch(format!(
            "the leaves give root {root}, the batch says {}",
            batch.root
        )));
    }
    let domain = anchor_domain(file.chain_id, file.verifying_contract);
    let digest = batch_digest(&batch, &domain);
    if digest != file.batch_digest {
        return Err(AttestError::Mismatch(format!(
            "the batch's EIP-712 digest is {digest}, the file says {}",
            file.batch_digest
        )));
    }
    verify_batch_signature(&batch, &domain, &file.signature)?;
    if file.anchor_calldata != anchor_calldata(&batch, &file.signature) {
        return Err(AttestError::Mismatch(
            "anchorCalldata is not anchorBatch(batch, signature)".into(),
        ));
    }

    if let Some(receipts) = receipts {
        let summary = summarize(
            receipts,
            batch.attestor,
            Some(batch.periodStart),
            Some(batch.periodEnd),
        )?;
        let mut given = summary.leaves;
        let mut listed = file.leaves.clone();
        given.sort_unstable();
        listed.sort_unstable();
        if given != listed {
            return Err(AttestError::Mismatch(
                "the receipts are not the batch's receipts (their leaves differ)".into(),
            ));
        }
        if summary.total_units != batch.totalUnits {
            return Err(AttestError::Mismatch(format!(
                "the receipts sum to {} units, the batch says {}",
                summary.total_units, batch.totalUnits
            )));
        }
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

/// What a list of receipts amounts to, once checked.
struct Summary {
    leaves: Vec<B256>,
    count: u32,
    total_units: U256,
    period_start: u64,
    period_end: u64,
}

fn summarize(
    receipts: &[Receipt],
    attestor: Address,
    period_start: Option<u64>,
    period_end: Option<u64>,
) -> Result<Summary, AttestError> {
    if receipts.is_empty() {
        return Err(AttestError::NoReceipts);
    }
    let count =
        u32::try_from(receipts.len()).map_err(|_| AttestError::TooManyReceipts(receipts.len()))?;
    let mut job_ids = HashSet::with_capacity(receipts.len());
    let mut total_units = U256::ZERO;
    for r in receipts {
        if !job_ids.insert(r.jobId) {
            return Err(AttestError::DuplicateJobId(r.jobId));
        }
        if r.attestor != attestor {
            return Err(AttestError::ForeignAttestor {
                job_id: r.jobId,
                attestor: r.attestor,
                expected: attestor,
            });
        }
        total_units = total_units
            .checked_add(r.units)
            .ok_or(AttestError::UnitsOverflow)?;
    }
    // Non-empty, checked above.
    let earliest = receipts
        .iter()
        .map(|r| r.timestamp)
        .min()
        .unwrap_or_default();
    let latest = receipts
        .iter()
        .map(|r| r.timestamp)
        .max()
        .unwrap_or_default();
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
    Ok(Summary {
        leaves: receipts.iter().map(receipt_leaf).collect(),
        count,
        total_units,
        period_start,
        period_end,
    })
}
