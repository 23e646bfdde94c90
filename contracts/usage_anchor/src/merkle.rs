//! Inclusion of receipts in an anchored batch: `OpenZeppelin`'s sorted-pair Merkle verifier,
//! fed with the host's keccak.
//!
//! Leaves are [`receipt_leaf`] (double keccak of the receipt's ABI encoding, the same as
//! `tributary_abi::usage::receipt_leaf`), inner nodes `keccak256(sort(a, b))`. Trees are built
//! like `OpenZeppelin`'s `StandardMerkleTree`: a complete binary tree in an array, leaves at the
//! end; that shape admits multiproofs for any subset.
//!
//! `settle` takes one shape of proof for one or many receipts: a multiproof (`proof`, `flags`)
//! over the receipts' leaves in proof order. A single receipt may also come with an ordinary
//! Merkle path and empty `flags`, which is the same thing as a multiproof whose flags are all
//! `false`.
//!
//! Hashing goes through the host's `native_keccak256` ([`tributary_merkle`]: cheaper than
//! a software keccak, and it keeps one out of the WASM); the tests check it against
//! `OpenZeppelin`'s own keccak.

use alloy_primitives::B256;
use openzeppelin_crypto::merkle::Verifier;
use tributary_abi::usage::Receipt;
use tributary_merkle::{double_keccak, NativeKeccak};

use crate::abi_words::Word;

/// The Merkle leaf of a receipt: `keccak256(keccak256(abi.encode(receipt)))`. Every receipt
/// field is a static ABI type, so the encoding is one word per field.
pub fn receipt_leaf(receipt: &Receipt) -> B256 {
    let words = [
        receipt.jobId.word(),
        receipt.licenseId.word(),
        receipt.datasetId.word(),
        receipt.modelHash.word(),
        receipt.unit.word(),
        receipt.units.word(),
        receipt.timestamp.word(),
        receipt.attestor.word(),
    ];
    receipt_leaf_of_words(words.as_flattened())
}

/// The Merkle leaf of a receipt given as its ABI encoding (its 8 words, as in `settle`'s
/// calldata): `keccak256(keccak256(encoded))`.
pub fn receipt_leaf_of_words(encoded: &[u8]) -> B256 {
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
