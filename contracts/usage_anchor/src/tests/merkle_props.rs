//! Property tests: the contract's verifier agrees with the tree builder for random trees and
//! random subsets, and rejects tampered proofs.

use alloc::vec::Vec;

use alloy_primitives::B256;
use proptest::prelude::*;

use super::tree;

/// The contract's verifier over `B256` values.
fn verify_leaves(root: B256, leaves: &[B256], proof: &[B256], flags: &[bool]) -> bool {
    let raw = |words: &[B256]| words.iter().map(|word| word.0).collect::<Vec<_>>();
    crate::merkle::verify_leaves(root, &raw(leaves), &raw(proof), flags)
}

/// Cases per property: `PROPTEST_CASES` or 512.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Leaves (1..=300, distinct) and a non-empty subset of their indices.
fn tree_and_subset() -> impl Strategy<Value = (Vec<B256>, Vec<usize>)> {
    prop::collection::hash_set(any::<[u8; 32]>(), 1..300).prop_flat_map(|leaves| {
        let leaves: Vec<B256> = leaves.into_iter().map(B256::from).collect();
        let count = leaves.len();
        (
            Just(leaves),
            prop::collection::btree_set(0..count, 1..=count.min(40)),
        )
            .prop_map(|(leaves, subset)| (leaves, subset.into_iter().collect()))
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn multiproofs_of_random_subsets_verify((leaves, subset) in tree_and_subset()) {
        let tree = tree::build(&leaves);
        let proof = tree::multiproof(&tree, &subset);
        let ordered: Vec<B256> = proof.leaf_indices.iter().map(|&i| leaves[i]).collect();
        prop_assert!(verify_leaves(tree[0], &ordered, &proof.proof, &proof.flags));
        // A single leaf also verifies with a plain path and no flags.
        let i = subset[0];
        prop_assert!(verify_leaves(tree[0], &[leaves[i]], &tree::path(&tree, i), &[]));
    }

    #[test]
    fn tampered_multiproofs_are_rejected(
        (leaves, subset) in tree_and_subset(),
        pick in any::<prop::sample::Index>(),
        flip in 0u8..=255,
        bit in 0usize..256,
    ) {
        let tree = tree::build(&leaves);
        let proof = tree::multiproof(&tree, &subset);
        let ordered: Vec<B256> = proof.leaf_indices.iter().map(|&i| leaves[i]).collect();
        let flip = flip.max(1);

        // A changed leaf.
        let mut bad_leaves = ordered.clone();
        let j = pick.index(bad_leaves.len());
        bad_leaves[j].0[bit % 32] ^= flip;
        prop_assert!(!verify_leaves(tree[0], &bad_leaves, &proof.proof, &proof.flags));

        // A changed sibling.
        if !proof.proof.is_empty() {
            let mut bad_proof = proof.proof.clone();
            let j = pick.index(bad_proof.len());
            bad_proof[j].0[bit % 32] ^= flip;
            prop_assert!(!verify_leaves(tree[0], &ordered, &bad_proof, &proof.flags));
        }

        // Another root.
        let mut root = tree[0];
        root.0[bit % 32] ^= flip;
        prop_assert!(!verify_leaves(root, &ordered, &proof.proof, &proof.flags));

        // A dropped leaf (lengths no longer add up).
        if ordered.len() > 1 {
            prop_assert!(!verify_leaves(tree[0], &ordered[1..], &proof.proof, &proof.flags));
        }

        // A flipped flag.
        if !proof.flags.is_empty() {
            let mut flags = proof.flags.clone();
            let j = pick.index(flags.len());
            flags[j] = !flags[j];
            prop_assert!(!verify_leaves(tree[0], &ordered, &proof.proof, &flags));
        }
    }
}

#[test]
fn empty_leaves_never_verify() {
    let leaves = [B256::repeat_byte(1), B256::repeat_byte(2)];
    let tree = tree::build(&leaves);
    assert!(!verify_leaves(tree[0], &[], &[tree[0]], &[]));
}

#[test]
fn contract_leaf_matches_the_abi_crate_leaf() {
    use alloy_sol_types::SolValue;
    let leaf = super::leaf(9, super::LICENSE, 1_234, 3);
    assert_eq!(
        crate::merkle::leaf_hash(&leaf.abi_encode()),
        tributary_abi::usage::usage_leaf(&leaf)
    );
}
