//! Inclusion of usage leaves in an anchored batch, and of receipts in a usage leaf:
//! `OpenZeppelin`'s sorted-pair Merkle verifier, fed with the host's keccak.
//!
//! Leaves are [`leaf_hash`] (double keccak of the struct's ABI encoding, the same as
//! `tributary_abi::usage::usage_leaf` and `receipt_leaf`), inner nodes `keccak256(sort(a, b))`.
//! Trees are built like `OpenZeppelin`'s `StandardMerkleTree`: a complete binary tree in an
//! array, leaves at the end; that shape admits multiproofs for any subset.
//!
//! `settle` takes one shape of proof for one or many leaves: a multiproof (`proof`, `flags`)
//! over the leaves in proof order. A single leaf may also come with an ordinary Merkle path and
//! empty `flags`, which is the same thing as a multiproof whose flags are all `false`.
//!
//! Hashing goes through the host's `native_keccak256` ([`tributary_merkle`]: cheaper than
//! a software keccak, and it keeps one out of the WASM); the tests check it against
//! `OpenZeppelin`'s own keccak.

use alloy_primitives::B256;
use openzeppelin_crypto::merkle::Verifier;
use tributary_merkle::{double_keccak, NativeKeccak};

/// The Merkle leaf of a struct given as its ABI encoding (its words, as in the calldata):
/// `keccak256(keccak256(encoded))`.
pub fn leaf_hash(encoded: &[u8]) -> B256 {
    double_keccak(encoded)
}

/// Whether `leaves` (in multiproof order) are all in the tree with `root`.
///
/// With exactly one leaf and no flags, `proof` is read as an ordinary Merkle path. Malformed
/// multiproofs (wrong lengths, the `OpenZeppelin` "root child" attack) are simply invalid.
pub fn verify_leaves(root: B256, leaves: &[[u8; 32]], proof: &[[u8; 32]], flags: &[bool]) -> bool {
    let builder = NativeKeccak;
    match leaves {
        [] => false,
        [leaf] if flags.is_empty() => Verifier::verify_with_builder(proof, root.0, *leaf, &builder),
        _ => Verifier::verify_multi_proof_with_builder(proof, flags, root.0, leaves, &builder)
            .unwrap_or(false),
    }
}
