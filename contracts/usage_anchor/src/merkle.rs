//! Inclusion of receipts in an anchored batch: `OpenZeppelin`'s sorted-pair Merkle verifier.
//!
//! Leaves are `receipt_leaf(receipt)` (double keccak, see `tributary_abi::usage`), inner nodes
//! `keccak256(sort(a, b))`. Trees are built like `OpenZeppelin`'s `StandardMerkleTree`: a complete
//! binary tree in an array, leaves at the end; that shape admits multiproofs for any subset.
//!
//! `settle` takes one shape of proof for one or many receipts: a multiproof (`proof`, `flags`)
//! over the receipts' leaves in proof order. A single receipt may also come with an ordinary
//! Merkle path and empty `flags`, which is the same thing as a multiproof whose flags are all
//! `false`.

use alloc::vec::Vec;

use alloy_primitives::B256;
use openzeppelin_crypto::merkle::Verifier;

/// Whether `leaves` (in multiproof order) are all in the tree with `root`.
///
/// With exactly one leaf and no flags, `proof` is read as an ordinary Merkle path. Malformed
/// multiproofs (wrong lengths, the `OpenZeppelin` "root child" attack) are simply invalid.
pub fn verify_leaves(root: B256, leaves: &[B256], proof: &[B256], flags: &[bool]) -> bool {
    let leaves: Vec<[u8; 32]> = leaves.iter().map(|leaf| leaf.0).collect();
    let proof: Vec<[u8; 32]> = proof.iter().map(|node| node.0).collect();
    match leaves.as_slice() {
        [] => false,
        [leaf] if flags.is_empty() => Verifier::verify(&proof, root.0, *leaf),
        _ => Verifier::verify_multi_proof(&proof, flags, root.0, &leaves).unwrap_or(false),
    }
}
