//! A test-side Merkle tree builder in `OpenZeppelin`'s `StandardMerkleTree` layout (complete
//! tree in an array, leaf `i` at `len - 1 - i`, sorted-pair keccak), with single proofs and
//! multiproofs, to check the contract's verifier against.

use alloc::{vec, vec::Vec};

use alloy_primitives::{keccak256, B256};

/// `keccak256(sort(a, b))`.
pub(crate) fn hash_pair(a: B256, b: B256) -> B256 {
    let (low, high) = if a <= b { (a, b) } else { (b, a) };
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(low.as_slice());
    preimage[32..].copy_from_slice(high.as_slice());
    keccak256(preimage)
}

/// The tree array (root at 0) over `leaves` (leaf `i` stored at `len - 1 - i`).
pub(crate) fn build(leaves: &[B256]) -> Vec<B256> {
    assert!(!leaves.is_empty());
    let len = 2 * leaves.len() - 1;
    let mut tree = vec![B256::ZERO; len];
    for (i, leaf) in leaves.iter().enumerate() {
        tree[len - 1 - i] = *leaf;
    }
    for i in (0..len - leaves.len()).rev() {
        tree[i] = hash_pair(tree[2 * i + 1], tree[2 * i + 2]);
    }
    tree
}

fn sibling(i: usize) -> usize {
    if i % 2 == 1 {
        i + 1
    } else {
        i - 1
    }
}

/// Tree index of leaf `i`.
pub(crate) fn tree_index(tree: &[B256], i: usize) -> usize {
    tree.len() - 1 - i
}

/// Ordinary Merkle path of leaf `i`.
pub(crate) fn path(tree: &[B256], i: usize) -> Vec<B256> {
    let mut index = tree_index(tree, i);
    let mut proof = Vec::new();
    while index > 0 {
        proof.push(tree[sibling(index)]);
        index = (index - 1) / 2;
    }
    proof
}

/// A multiproof, with the order in which leaves must be passed.
pub(crate) struct MultiProof {
    /// Leaf indices (into the original leaves) in proof order.
    pub leaf_indices: Vec<usize>,
    /// Sibling hashes.
    pub proof: Vec<B256>,
    /// Flags.
    pub flags: Vec<bool>,
}

/// `OpenZeppelin`'s `getMultiProof` for leaves `indices` of a tree with the given leaves.
pub(crate) fn multiproof(tree: &[B256], indices: &[usize]) -> MultiProof {
    let mut tree_indices: Vec<usize> = indices.iter().map(|&i| tree_index(tree, i)).collect();
    tree_indices.sort_unstable_by(|a, b| b.cmp(a));
    tree_indices.dedup();
    let leaf_indices = tree_indices.iter().map(|&t| tree.len() - 1 - t).collect();
    let mut stack: std::collections::VecDeque<usize> = tree_indices.iter().copied().collect();
    let mut proof = Vec::new();
    let mut flags = Vec::new();
    while let Some(&j) = stack.front() {
        if j == 0 {
            break;
        }
        stack.pop_front();
        let s = sibling(j);
        let p = (j - 1) / 2;
        if stack.front() == Some(&s) {
            flags.push(true);
            stack.pop_front();
        } else {
            flags.push(false);
            proof.push(tree[s]);
        }
        stack.push_back(p);
    }
    if indices.is_empty() {
        proof.push(tree[0]);
    }
    MultiProof {
        leaf_indices,
        proof,
        flags,
    }
}
