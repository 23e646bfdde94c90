//! Proofs against an anchored batch: multiproofs of usage leaves for `settle` (and
//! `holdEscrow`), receipt proofs down to the root for `verifyReceipt`, and their offline checks.

use std::collections::{HashMap, HashSet};

use alloy::{
    primitives::{Address, Bytes, B256, U256},
    sol_types::SolCall,
};

use super::{
    batch::verify_batch_file,
    error::{AttestError, Mismatch},
    json::{BatchFile, BatchJson, ProofFile, ReceiptJson, ReceiptProofFile, UsageLeafJson},
    merkle::{verify, verify_multiproof, MerkleTree, MultiProof},
    types::{
        holdEscrowCall, receipt_leaf, settleCall, usage_leaf, verifyReceiptCall, Batch, Receipt,
        UsageLeaf,
    },
};

/// Which usage leaves to prove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every leaf of the batch.
    All,
    /// The leaves with these indices.
    Indices(Vec<u32>),
    /// Every leaf that bills one of these licenses.
    Licenses(Vec<U256>),
}

/// Builds the arguments of `settle(batch, leaves, proof, proofFlags)` for the selected leaves:
/// the leaves in multiproof order (the order `settle` must receive them in), the multiproof and
/// the calldata; with exactly one leaf selected, also `holdEscrow(batch, leaf, proof)`'s
/// calldata (its proof is the leaf's path, which is also its multiproof).
///
/// The batch file is checked first ([`verify_batch_file`] without receipts); the proof needs no
/// receipts, the file records the leaves.
///
/// # Errors
///
/// Any [`verify_batch_file`] error; [`AttestError::EmptySelection`],
/// [`AttestError::LeafIndexOutOfRange`], [`AttestError::DuplicateLeafIndex`],
/// [`AttestError::NoLeafForLicense`] or [`AttestError::DuplicateLicense`] for a bad selection.
pub fn prove(file: &BatchFile, selection: &Selection) -> Result<ProofFile, AttestError> {
    verify_batch_file(file, None)?;
    let positions = select(file, selection)?;
    let tree = MerkleTree::new(&file.leaf_hashes)?;
    let by_hash: HashMap<B256, usize> = positions
        .iter()
        .map(|&p| (file.leaf_hashes[p], p))
        .collect();
    let tree_indices = positions
        .iter()
        .map(|&p| tree_index(&tree, file.leaf_hashes[p]))
        .collect::<Result<Vec<_>, _>>()?;
    let multiproof = tree.multiproof(&tree_indices)?;
    // Every proof leaf is one of the selected hashes.
    let ordered: Vec<UsageLeaf> = multiproof
        .leaves
        .iter()
        .filter_map(|h| by_hash.get(h))
        .map(|&p| UsageLeaf::from(&file.leaves[p]))
        .collect();

    let batch = file.batch();
    let hold_escrow_calldata = match (ordered.as_slice(), tree_indices.as_slice()) {
        ([leaf], [index]) => Some(hold_escrow_calldata(&batch, leaf, &tree.proof(*index)?)),
        _ => None,
    };
    Ok(ProofFile {
        chain_id: file.chain_id,
        verifying_contract: file.verifying_contract,
        batch: file.batch.clone(),
        settle_calldata: settle_calldata(&batch, &ordered, &multiproof.proof, &multiproof.flags),
        leaves: ordered.iter().map(UsageLeafJson::from).collect(),
        leaf_hashes: multiproof.leaves,
        proof: multiproof.proof,
        proof_flags: multiproof.flags,
        hold_escrow_calldata,
    })
}

/// Proves the receipt with `job_id` down to the batch root: its path to its leaf's
/// `receiptsRoot`, the leaf and the leaf's path to the root, with the calldata of
/// `verifyReceipt(batch, leaf, leafProof, receipt, receiptProof)` and of
/// `holdEscrow(batch, leaf, leafProof)`.
///
/// The batch file is checked first ([`verify_batch_file`] without receipts). `receipts` need
/// only contain the receipt to prove; the others are ignored.
///
/// # Errors
///
/// Any [`verify_batch_file`] error; [`AttestError::UnknownJobId`] if no receipt has `job_id`,
/// [`AttestError::DuplicateJobId`] if several do, [`AttestError::ReceiptNotInBatch`] if its leaf
/// is not in the batch, [`Mismatch::ReceiptOutsideLeaf`] if the batch lists it under a leaf it
/// does not belong to.
pub fn prove_receipt(
    file: &BatchFile,
    receipts: &[Receipt],
    job_id: B256,
) -> Result<ReceiptProofFile, AttestError> {
    verify_batch_file(file, None)?;
    let mut matching = receipts.iter().filter(|r| r.jobId == job_id);
    let receipt = matching.next().ok_or(AttestError::UnknownJobId(job_id))?;
    if matching.next().is_some() {
        return Err(AttestError::DuplicateJobId(job_id));
    }
    let hash = receipt_leaf(receipt);
    let position = file
        .receipt_leaves
        .iter()
        .position(|leaves| leaves.contains(&hash))
        .ok_or(AttestError::ReceiptNotInBatch(job_id))?;
    let batch = file.batch();
    let leaf = UsageLeaf::from(&file.leaves[position]);
    if !belongs(receipt, &leaf, &batch) {
        return Err(Mismatch::ReceiptOutsideLeaf { job_id }.into());
    }

    let receipts_tree = MerkleTree::new(&file.receipt_leaves[position])?;
    let receipt_proof = receipts_tree.proof(tree_index(&receipts_tree, hash)?)?;
    let leaf_hash = file.leaf_hashes[position];
    let tree = MerkleTree::new(&file.leaf_hashes)?;
    let leaf_proof = tree.proof(tree_index(&tree, leaf_hash)?)?;
    Ok(ReceiptProofFile {
        chain_id: file.chain_id,
        verifying_contract: file.verifying_contract,
        batch: file.batch.clone(),
        receipt: ReceiptJson::from(receipt),
        receipt_leaf: hash,
        verify_receipt_calldata: verify_receipt_calldata(
            &batch,
            &leaf,
            &leaf_proof,
            receipt,
            &receipt_proof,
        ),
        hold_escrow_calldata: hold_escrow_calldata(&batch, &leaf, &leaf_proof),
        receipt_proof,
        leaf: file.leaves[position].clone(),
        leaf_hash,
        leaf_proof,
    })
}

/// Checks a settlement proof offline: its leaf hashes are the leaves' hashes, the multiproof
/// (or, for one leaf with no flags, the plain path) takes them to the batch root, no leaf is
/// proven twice, every index is below `leafCount`, and the calldata encode exactly these
/// arguments. With `batch`, also that the proof is for that batch file (same chain, anchor and
/// signed batch) and proves its leaves; check the batch file itself with [`verify_batch_file`].
///
/// # Errors
///
/// [`AttestError::Mismatch`] naming the first inconsistency ([`Mismatch::LeafProof`] for a
/// proof that does not verify), [`AttestError::EmptySelection`] or
/// [`AttestError::DuplicateLeafIndex`].
pub fn verify_proof(proof: &ProofFile, batch: Option<&BatchFile>) -> Result<(), AttestError> {
    let signed = Batch::from(&proof.batch);
    if proof.leaves.is_empty() {
        return Err(AttestError::EmptySelection);
    }
    if proof.leaf_hashes.len() != proof.leaves.len() {
        return Err(Mismatch::ListLengths.into());
    }
    let context = Context::new(
        proof.chain_id,
        proof.verifying_contract,
        &proof.batch,
        batch,
    )?;
    let leaves = proof.usage_leaves();
    let mut seen = HashSet::with_capacity(leaves.len());
    for (leaf, &hash) in leaves.iter().zip(&proof.leaf_hashes) {
        context.check(leaf)?;
        if !seen.insert(leaf.index) {
            return Err(AttestError::DuplicateLeafIndex(leaf.index));
        }
        if hash != usage_leaf(leaf) {
            return Err(Mismatch::LeafHash { index: leaf.index }.into());
        }
    }
    let proven = if leaves.len() == 1 && proof.proof_flags.is_empty() {
        verify(&proof.proof, signed.root, proof.leaf_hashes[0])
    } else {
        verify_multiproof(
            signed.root,
            &MultiProof {
                leaves: proof.leaf_hashes.clone(),
                proof: proof.proof.clone(),
                flags: proof.proof_flags.clone(),
            },
        )
    };
    if !proven {
        return Err(Mismatch::LeafProof.into());
    }
    if proof.settle_calldata != settle_calldata(&signed, &leaves, &proof.proof, &proof.proof_flags)
    {
        return Err(Mismatch::SettleCalldata.into());
    }
    if let Some(data) = &proof.hold_escrow_calldata {
        let path_ok = leaves.len() == 1
            && proof.proof_flags.iter().all(|f| !f)
            && verify(&proof.proof, signed.root, proof.leaf_hashes[0]);
        if !path_ok || *data != hold_escrow_calldata(&signed, &leaves[0], &proof.proof) {
            return Err(Mismatch::HoldEscrowCalldata.into());
        }
    }
    Ok(())
}

/// Checks a receipt proof offline, as `verifyReceipt` does: the receipt leaf is the receipt's,
/// its path reaches the leaf's `receiptsRoot`, the leaf hash is the leaf's, its path reaches the
/// batch root, the leaf's index is below `leafCount`, the receipt's license, asset, scope, unit
/// and attestor are the leaf's and the batch's and its timestamp is inside `[firstAt, lastAt]`;
/// and the calldata encode exactly these arguments. With `batch`, also that the proof is for
/// that batch file and its leaf.
///
/// # Errors
///
/// [`AttestError::Mismatch`] naming the first inconsistency.
pub fn verify_receipt_proof(
    proof: &ReceiptProofFile,
    batch: Option<&BatchFile>,
) -> Result<(), AttestError> {
    let signed = Batch::from(&proof.batch);
    let leaf = UsageLeaf::from(&proof.leaf);
    Context::new(
        proof.chain_id,
        proof.verifying_contract,
        &proof.batch,
        batch,
    )?
    .check(&leaf)?;
    let receipt = proof.receipt();
    if proof.receipt_leaf != receipt_leaf(&receipt) {
        return Err(Mismatch::ReceiptHash.into());
    }
    if !verify(&proof.receipt_proof, leaf.receiptsRoot, proof.receipt_leaf) {
        return Err(Mismatch::ReceiptProof.into());
    }
    if proof.leaf_hash != usage_leaf(&leaf) {
        return Err(Mismatch::LeafHash { index: leaf.index }.into());
    }
    if !verify(&proof.leaf_proof, signed.root, proof.leaf_hash) {
        return Err(Mismatch::LeafProof.into());
    }
    if !belongs(&receipt, &leaf, &signed) {
        return Err(Mismatch::ReceiptOutsideLeaf {
            job_id: receipt.jobId,
        }
        .into());
    }
    let expected = verify_receipt_calldata(
        &signed,
        &leaf,
        &proof.leaf_proof,
        &receipt,
        &proof.receipt_proof,
    );
    if proof.verify_receipt_calldata != expected {
        return Err(Mismatch::VerifyReceiptCalldata.into());
    }
    if proof.hold_escrow_calldata != hold_escrow_calldata(&signed, &leaf, &proof.leaf_proof) {
        return Err(Mismatch::HoldEscrowCalldata.into());
    }
    Ok(())
}

/// ABI-encoded `settle(batch, leaves, proof, proofFlags)`.
pub fn settle_calldata(
    batch: &Batch,
    leaves: &[UsageLeaf],
    proof: &[B256],
    flags: &[bool],
) -> Bytes {
    settleCall {
        batch: batch.clone(),
        leaves: leaves.to_vec(),
        proof: proof.to_vec(),
        proofFlags: flags.to_vec(),
    }
    .abi_encode()
    .into()
}

/// ABI-encoded `holdEscrow(batch, leaf, proof)`.
pub fn hold_escrow_calldata(batch: &Batch, leaf: &UsageLeaf, proof: &[B256]) -> Bytes {
    holdEscrowCall {
        batch: batch.clone(),
        leaf: leaf.clone(),
        proof: proof.to_vec(),
    }
    .abi_encode()
    .into()
}

/// ABI-encoded `verifyReceipt(batch, leaf, leafProof, receipt, receiptProof)`.
pub fn verify_receipt_calldata(
    batch: &Batch,
    leaf: &UsageLeaf,
    leaf_proof: &[B256],
    receipt: &Receipt,
    receipt_proof: &[B256],
) -> Bytes {
    verifyReceiptCall {
        batch: batch.clone(),
        leaf: leaf.clone(),
        leafProof: leaf_proof.to_vec(),
        receipt: receipt.clone(),
        receiptProof: receipt_proof.to_vec(),
    }
    .abi_encode()
    .into()
}

/// Whether `receipt` is one of the receipts `leaf` of `batch` aggregates, as far as
/// `verifyReceipt` can tell: same license, asset, scope and unit, the batch's attestor, a
/// timestamp inside `[firstAt, lastAt]`.
pub fn belongs(receipt: &Receipt, leaf: &UsageLeaf, batch: &Batch) -> bool {
    receipt.group_key() == leaf.group_key()
        && receipt.attestor == batch.attestor
        && (leaf.firstAt..=leaf.lastAt).contains(&receipt.timestamp)
}

/// The positions (in `file.leaves`) of the selected leaves.
fn select(file: &BatchFile, selection: &Selection) -> Result<Vec<usize>, AttestError> {
    match selection {
        Selection::All => Ok((0..file.leaves.len()).collect()),
        Selection::Indices(indices) => {
            if indices.is_empty() {
                return Err(AttestError::EmptySelection);
            }
            let mut seen = HashSet::with_capacity(indices.len());
            indices
                .iter()
                .map(|&index| {
                    let position = usize::try_from(index)
                        .ok()
                        .filter(|&p| p < file.leaves.len())
                        .ok_or(AttestError::LeafIndexOutOfRange {
                            index,
                            leaf_count: file.batch.leaf_count,
                        })?;
                    if !seen.insert(index) {
                        return Err(AttestError::DuplicateLeafIndex(index));
                    }
                    Ok(position)
                })
                .collect()
        }
        Selection::Licenses(licenses) => {
            if licenses.is_empty() {
                return Err(AttestError::EmptySelection);
            }
            let mut seen = HashSet::with_capacity(licenses.len());
            let mut positions = Vec::new();
            for &license in licenses {
                if !seen.insert(license) {
                    return Err(AttestError::DuplicateLicense(license));
                }
                let before = positions.len();
                positions.extend(
                    file.leaves
                        .iter()
                        .enumerate()
                        .filter(|(_, leaf)| leaf.license_id == license)
                        .map(|(p, _)| p),
                );
                if positions.len() == before {
                    return Err(AttestError::NoLeafForLicense(license));
                }
            }
            Ok(positions)
        }
    }
}

/// The tree-order index of a hash the tree was built from.
fn tree_index(tree: &MerkleTree, hash: B256) -> Result<usize, AttestError> {
    // The trees are built from the very lists the hashes come from; a miss means the batch
    // file's lists disagree, which `verify_batch_file` has ruled out.
    tree.leaf_index(hash).ok_or(Mismatch::LeafProof.into())
}

/// What a proven leaf is checked against: the batch file's leaves, or only the signed
/// `leafCount` of the proof's batch.
#[derive(Clone, Copy)]
enum Context<'a> {
    File(&'a BatchFile),
    LeafCount(u32),
}

impl<'a> Context<'a> {
    /// The context of a proof for `signed` on `chain_id` at `anchor`: the batch file if one is
    /// given, which must be for the same batch.
    fn new(
        chain_id: u64,
        anchor: Address,
        signed: &BatchJson,
        file: Option<&'a BatchFile>,
    ) -> Result<Self, AttestError> {
        match file {
            Some(file) => {
                if file.chain_id != chain_id
                    || file.verifying_contract != anchor
                    || file.batch != *signed
                {
                    return Err(Mismatch::ProofBatch.into());
                }
                Ok(Self::File(file))
            }
            None => Ok(Self::LeafCount(signed.leaf_count)),
        }
    }

    /// Whether `leaf` is a leaf of the batch: the file's leaf with its index, or an index
    /// below `leafCount`.
    fn check(self, leaf: &UsageLeaf) -> Result<(), AttestError> {
        let ok = match self {
            Self::File(file) => usize::try_from(leaf.index)
                .ok()
                .and_then(|p| file.leaves.get(p))
                .is_some_and(|listed| UsageLeaf::from(listed) == *leaf),
            Self::LeafCount(count) => leaf.index < count,
        };
        if ok {
            Ok(())
        } else {
            Err(Mismatch::ProvenLeaf { index: leaf.index }.into())
        }
    }
}
