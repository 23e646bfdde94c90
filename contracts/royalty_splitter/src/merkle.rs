//! Membership proofs of Merkle splits.
//!
//! A leaf is `keccak256(keccak256(abi.encode(recipient, shares)))` (the double hash keeps a leaf
//! from ever being read as a 64-byte inner node); inner nodes hash the sorted pair of their
//! children (`OpenZeppelin`'s `MerkleProof` convention, as `@openzeppelin/merkle-tree` builds
//! trees). Proofs are checked with `OpenZeppelin`'s [`Verifier`], fed with the host's native
//! keccak through [`NativeKeccak`].

use alloy_primitives::{Address, B256, U256};
use openzeppelin_crypto::merkle::Verifier;
use tributary_merkle::{double_keccak, NativeKeccak};

/// The leaf of `(recipient, shares)`.
pub fn leaf(recipient: Address, shares: U256) -> B256 {
    let mut encoded = [0u8; 64];
    encoded[12..32].copy_from_slice(recipient.as_slice());
    encoded[32..].copy_from_slice(&shares.to_be_bytes::<32>());
    double_keccak(&encoded)
}

/// Whether `proof` proves `leaf` under `root`.
pub fn verify(proof: &[B256], root: B256, leaf: B256) -> bool {
    let proof: alloc::vec::Vec<[u8; 32]> = proof.iter().map(|node| node.0).collect();
    Verifier::verify_with_builder(&proof, root.0, leaf.0, &NativeKeccak)
}

#[cfg(test)]
mod tests {
    use alloy_primitives::keccak256;
    use alloy_sol_types::SolValue;

    use super::*;

    #[test]
    fn verify_checks_a_sorted_pair_path() {
        let a = B256::repeat_byte(1);
        let b = B256::repeat_byte(2);
        let root = keccak256([a.0, b.0].concat());
        assert!(verify(&[b], root, a));
        assert!(verify(&[a], root, b));
        assert!(!verify(&[b], B256::ZERO, a));
        assert!(!verify(&[], root, a));
    }

    #[test]
    fn leaf_is_double_hash_of_abi_encoding() {
        let recipient = Address::repeat_byte(0x11);
        let shares = U256::from(42);
        let encoded = (recipient, shares).abi_encode();
        assert_eq!(leaf(recipient, shares), keccak256(keccak256(encoded)));
    }
}
