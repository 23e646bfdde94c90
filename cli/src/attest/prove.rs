//! Multiproofs for settling receipts of an anchored batch.

use std::collections::{HashMap, HashSet};

use alloy::{
    primitives::{Bytes, B256},
    sol_types::SolCall,
};

use super::{
    error::AttestError,
    json::{BatchFile, ProofFile, ReceiptJson},
    merkle::MerkleTree,
    types::{receipt_leaf, settleCall, Receipt},
};

/// Which receipts to prove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every receipt given.
    All,
    /// The receipts with these job ids.
    JobIds(Vec<B256>),
}

/// Builds the multiproof of the selected receipts against the batch's tree, with the receipts
/// reordered into proof order and the `settle` calldata.
///
/// The tree is rebuilt from the batch file's leaves, so `receipts` need only contain the
/// receipts to prove (and may contain others, which are ignored unless [`Selection::All`]).
///
/// # Errors
///
/// [`AttestError::Mismatch`] if the batch's leaves do not give its root,
/// [`AttestError::UnknownJobId`] for a selected job id that no receipt has,
/// [`AttestError::DuplicateJobId`] for a job id selected or given twice,
/// [`AttestError::ReceiptNotInBatch`] for a receipt whose leaf the batch lacks,
/// [`AttestError::NoReceipts`] for an empty selection.
pub fn prove(
    file: &BatchFile,
    receipts: &[Receipt],
    selection: &Selection,
) -> Result<ProofFile, AttestError> {
    let tree = MerkleTree::new(&file.leaves)?;
    if tree.root() != file.batch.root {
        return Err(AttestError::Mismatch(format!(
            "the batch's leaves give root {}, the batch says {}",
            tree.root(),
            file.batch.root
        )));
    }

    let mut by_job = HashMap::with_capacity(receipts.len());
    for r in receipts {
        if by_job.insert(r.jobId, r).is_some() {
            return Err(AttestError::DuplicateJobId(r.jobId));
        }
    }
    let selected: Vec<&Receipt> = match selection {
        Selection::All => receipts.iter().collect(),
        Selection::JobIds(ids) => {
            let mut seen = HashSet::with_capacity(ids.len());
            ids.iter()
                .map(|id| {
                    if !seen.insert(*id) {
                        return Err(AttestError::DuplicateJobId(*id));
                    }
                    by_job
                        .get(id)
                        .copied()
                        .ok_or(AttestError::UnknownJobId(*id))
                })
                .collect::<Result<_, _>>()?
        }
    };
    if selected.is_empty() {
        return Err(AttestError::NoReceipts);
    }

    let mut by_leaf = HashMap::with_capacity(selected.len());
    let mut indices = Vec::with_capacity(selected.len());
    for r in selected {
        let leaf = receipt_leaf(r);
        let index = tree
            .leaf_index(leaf)
            .ok_or(AttestError::ReceiptNotInBatch(r.jobId))?;
        indices.push(index);
        by_leaf.insert(leaf, r);
    }
    let multiproof = tree.multiproof(&indices)?;
    // Every proof leaf came from `by_leaf`.
    let ordered: Vec<Receipt> = multiproof
        .leaves
        .iter()
        .filter_map(|l| by_leaf.get(l).map(|r| (*r).clone()))
        .collect();

    let calldata = settleCall {
        batchId: file.batch.batch_id,
        receipts: ordered.clone(),
        proof: multiproof.proof.clone(),
        flags: multiproof.flags.clone(),
    }
    .abi_encode();

    Ok(ProofFile {
        batch_id: file.batch.batch_id,
        root: file.batch.root,
        receipts: ordered.iter().map(ReceiptJson::from).collect(),
        leaves: multiproof.leaves,
        proof: multiproof.proof,
        flags: multiproof.flags,
        settle_calldata: Bytes::from(calldata),
    })
}
