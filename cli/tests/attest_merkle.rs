//! The attestor kit's Merkle trees against `OpenZeppelin`: known answers of
//! `@openzeppelin/merkle-tree` (the JS outputs recorded in `openzeppelin-crypto` 0.3.0's own
//! tests), and property tests that `openzeppelin-crypto`'s verifier (what the usage anchor runs)
//! and our verifier accept every proof the builder makes and reject tampered ones.

use std::{cell::Cell, panic, sync::Once};

use alloy::{
    primitives::{keccak256, B256},
    sol_types::SolValue,
};
use openzeppelin_crypto::merkle::Verifier;
use proptest::{prelude::*, test_runner::Config};
use tributary::attest::{merkle::hash_pair, verify, verify_multiproof, MerkleTree, MultiProof};

/// `StandardMerkleTree.of(values, ['string']).leafHash([value])`.
fn string_leaf(value: &str) -> B256 {
    keccak256(keccak256((value.to_string(),).abi_encode_params()))
}

/// `toElements(chars)` leaves.
fn string_leaves(chars: &str) -> Vec<B256> {
    chars.chars().map(|c| string_leaf(&c.to_string())).collect()
}

fn b(hex_str: &str) -> B256 {
    hex_str.parse().expect("valid hash literal")
}

fn raw(hashes: &[B256]) -> Vec<[u8; 32]> {
    hashes.iter().map(|h| h.0).collect()
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Whether `openzeppelin-crypto` accepts the multiproof. Its verifier panics on some malicious
/// proofs (documented: GHSA-wprv-93r4-jj2p); a panic counts as a rejection and is not printed.
fn oz_accepts(root: B256, mp: &MultiProof) -> bool {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                default(info);
            }
        }));
    });
    let (proof, leaves) = (raw(&mp.proof), raw(&mp.leaves));
    QUIET.with(|q| q.set(true));
    let result =
        panic::catch_unwind(|| Verifier::verify_multi_proof(&proof, &mp.flags, root.0, &leaves));
    QUIET.with(|q| q.set(false));
    matches!(result, Ok(Ok(true)))
}

fn proptest_config(default_cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    Config {
        cases,
        ..Config::default()
    }
}

#[test]
fn roots_match_standard_merkle_tree() {
    let tree = MerkleTree::new(&string_leaves("abc")).unwrap();
    assert_eq!(
        tree.root(),
        b("f2129b5a697531ef818f644564a6552b35c549722385bc52aa7fe46c0b5f46b1")
    );
    let tree = MerkleTree::new(&string_leaves("abcd")).unwrap();
    assert_eq!(
        tree.root(),
        b("8f7234e8cfe39c08ca84a3a3e3274f574af26fd15165fe29e09cbab742daccd9")
    );
    let tree = MerkleTree::new(&string_leaves("abcdef")).unwrap();
    assert_eq!(
        tree.root(),
        b("6deb52b5da8fd108f79fab00341f38d2587896634c646ee52e49f845680a70c8")
    );
}

#[test]
fn single_proof_matches_standard_merkle_tree() {
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
    let tree = MerkleTree::new(&string_leaves(alphabet)).unwrap();
    assert_eq!(
        tree.root(),
        b("b89eb120147840e813a77109b44063488a346b4ca15686185cf314320560d3f3")
    );
    let leaf_a = string_leaf("A");
    assert_eq!(
        leaf_a,
        b("6efbf77e320741a027b50f02224545461f97cd83762d5fbfeb894b9eb3287c16")
    );
    let proof = tree.proof(tree.leaf_index(leaf_a).unwrap()).unwrap();
    let expected: Vec<B256> = [
        "7051e21dd45e25ed8c605a53da6f77de151dcbf47b0e3ced3c5d8b61f4a13dbc",
        "1629d3b5b09b30449d258e35bbd09dd5e8a3abb91425ef810dc27eef995f7490",
        "633d21baee4bbe5ed5c51ac0c68f7946b8f28d2937f0ca7ef5e1ea9dbda52e7a",
        "8a65d3006581737a3bab46d9e4775dbc1821b1ea813d350a13fcd4f15a8942ec",
        "d6c3f3e36cd23ba32443f6a687ecea44ebfe2b8759a62cccf7759ec1fb563c76",
        "276141cd72b9b81c67f7182ff8a550b76eb96de9248a3ec027ac048c79649115",
    ]
    .into_iter()
    .map(b)
    .collect();
    assert_eq!(proof, expected);
    assert!(Verifier::verify(&raw(&proof), tree.root().0, leaf_a.0));
}

#[test]
fn multiproof_matches_standard_merkle_tree() {
    // StandardMerkleTree.of(toElements('abcdef'), ['string']).getMultiProof(toElements('bdf'))
    let tree = MerkleTree::new(&string_leaves("abcdef")).unwrap();
    let indices: Vec<usize> = string_leaves("bdf")
        .into_iter()
        .map(|l| tree.leaf_index(l).unwrap())
        .collect();
    let mp = tree.multiproof(&indices).unwrap();
    assert_eq!(
        mp.leaves,
        vec![
            b("19ba6c6333e0e9a15bf67523e0676e2f23eb8e574092552d5e888c64a4bb3681"),
            b("c62a8cfa41edc0ef6f6ae27a2985b7d39c7fea770787d7e104696c6e81f64848"),
            b("eba909cf4bb90c6922771d7f126ad0fd11dfde93f3937a196274e1ac20fd2f5b"),
        ]
    );
    assert_eq!(
        mp.proof,
        vec![
            b("9a4f64e953595df82d1b4f570d34c4f4f0cfaf729a61e9d60e83e579e1aa283e"),
            b("8076923e76cf01a7c048400a2304c9a9c23bbbdac3a98ea3946340fdafbba34f"),
        ]
    );
    assert_eq!(mp.flags, vec![false, true, false, true]);
    assert!(verify_multiproof(tree.root(), &mp));
    assert!(oz_accepts(tree.root(), &mp));
}

#[test]
fn multiproof_of_256_leaves_is_accepted_by_openzeppelin() {
    let leaves: Vec<B256> = (0_u32..256)
        .map(|i| keccak256(keccak256(i.to_be_bytes())))
        .collect();
    let tree = MerkleTree::new(&leaves).unwrap();
    let all: Vec<usize> = (0..256).collect();
    let mp = tree.multiproof(&all).unwrap();
    assert_eq!(mp.leaves.len(), 256);
    assert!(mp.proof.is_empty());
    assert_eq!(mp.flags.len(), 255);
    assert!(verify_multiproof(tree.root(), &mp));
    assert!(oz_accepts(tree.root(), &mp));

    // Every other leaf: half the proof is siblings.
    let odd: Vec<usize> = (0..256).filter(|i| i % 2 == 1).collect();
    let mp = tree.multiproof(&odd).unwrap();
    assert_eq!(mp.proof.len(), 128);
    assert!(verify_multiproof(tree.root(), &mp));
    assert!(oz_accepts(tree.root(), &mp));
}

#[test]
fn reversed_or_unordered_leaves_are_rejected() {
    let tree = MerkleTree::new(&string_leaves("abcdefgh")).unwrap();
    let mp = tree.multiproof(&[0, 3, 6]).unwrap();
    let mut reversed = mp.clone();
    reversed.leaves.reverse();
    assert!(!verify_multiproof(tree.root(), &reversed));
    assert!(!oz_accepts(tree.root(), &reversed));
}

#[test]
fn helper_hashes_agree_with_openzeppelin() {
    let (x, y) = (string_leaf("x"), string_leaf("y"));
    let root = hash_pair(x, y);
    assert!(Verifier::verify(&[y.0], root.0, x.0));
    assert!(verify(&[y], root, x));
    assert!(verify(&[x], root, y));
}

/// A random tree, a non-empty subset of its leaves, and how to tamper with the proof.
fn tree_and_subset() -> impl Strategy<Value = (Vec<B256>, Vec<usize>, u8, usize, u8)> {
    (1_usize..=300, any::<u64>())
        .prop_flat_map(|(n, seed)| {
            let leaves: Vec<B256> = (0..n)
                .map(|i| {
                    keccak256(keccak256(
                        [seed.to_be_bytes(), (i as u64).to_be_bytes()].concat(),
                    ))
                })
                .collect();
            (
                Just(leaves),
                proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 1..=n),
                0_u8..6,
                any::<usize>(),
                1_u8..=255,
            )
        })
        .prop_map(|(leaves, mut subset, kind, at, xor)| {
            // `subsequence` yields ascending indices; hand them to the builder in another order.
            subset.reverse();
            (leaves, subset, kind, at, xor)
        })
}

/// Applies tampering `kind` at position `at`; `None` when that kind does not apply.
fn tamper(mp: &MultiProof, kind: u8, at: usize, xor: u8) -> Option<MultiProof> {
    let mut t = mp.clone();
    match kind {
        0 if !t.leaves.is_empty() => {
            let i = at % t.leaves.len();
            t.leaves[i].0[at % 32] ^= xor;
        }
        1 if !t.proof.is_empty() => {
            let i = at % t.proof.len();
            t.proof[i].0[at % 32] ^= xor;
        }
        2 if !t.flags.is_empty() => {
            let i = at % t.flags.len();
            t.flags[i] = !t.flags[i];
        }
        3 if !t.proof.is_empty() => {
            t.proof.remove(at % t.proof.len());
        }
        4 => t.proof.push(keccak256(at.to_be_bytes())),
        5 if t.leaves.len() > 1 => {
            t.leaves.remove(at % t.leaves.len());
        }
        _ => return None,
    }
    Some(t)
}

proptest! {
    #![proptest_config(proptest_config(256))]

    #[test]
    fn builder_proofs_verify_and_tampered_proofs_do_not(
        (leaves, subset, kind, at, xor) in tree_and_subset()
    ) {
        let tree = MerkleTree::new(&leaves).unwrap();
        let root = tree.root();

        let mp = tree.multiproof(&subset).unwrap();
        prop_assert_eq!(mp.leaves.len(), subset.len());
        prop_assert_eq!(mp.leaves.len() + mp.proof.len(), mp.flags.len() + 1);
        prop_assert!(verify_multiproof(root, &mp));
        prop_assert!(oz_accepts(root, &mp));

        let single = subset[at % subset.len()];
        let leaf = tree.leaves().nth(single).unwrap();
        let proof = tree.proof(single).unwrap();
        prop_assert!(verify(&proof, root, leaf));
        prop_assert!(Verifier::verify(&raw(&proof), root.0, leaf.0));

        if let Some(bad) = tamper(&mp, kind, at, xor) {
            prop_assert!(!verify_multiproof(root, &bad), "tampered {kind}: {bad:?}");
            prop_assert!(!oz_accepts(root, &bad), "OpenZeppelin accepted tampered {kind}");
        }
        // Another tree's root never accepts the proof.
        let other = keccak256(root);
        prop_assert!(!verify_multiproof(other, &mp));
        prop_assert!(!oz_accepts(other, &mp));
    }
}
