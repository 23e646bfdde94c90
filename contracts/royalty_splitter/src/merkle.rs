//! Membership proofs of Merkle splits.
//!
//! A leaf is `keccak256(keccak256(abi.encode(recipient, shares)))` (the double hash keeps a leaf
//! from ever being read as a 64-byte inner node); inner nodes hash the sorted pair of their
//! children (OpenZeppelin's `MerkleProof` convention, as `@openzeppelin/merkle-tree` builds
//! trees). Proofs are checked with OpenZeppelin's [`Verifier`], fed with the host's native
//! keccak (cheaper and smaller on Stylus than a software keccak).

use alloy_primitives::{keccak256, Address, B256, U256};
use openzeppelin_crypto::{
    hash::{BuildHasher, Hasher},
    merkle::Verifier,
};

/// The leaf of `(recipient, shares)`.
pub fn leaf(recipient: Address, shares: U256) -> B256 {
    let mut encoded = [0u8; 64];
    encoded[12..32].copy_from_slice(recipient.as_slice());
    encoded[32..].copy_from_slice(&shares.to_be_bytes::<32>());
    keccak256(keccak256(encoded))
}

/// Whether `proof` proves `leaf` under `root`.
pub fn verify(proof: &[B256], root: B256, leaf: B256) -> bool {
    let proof: alloc::vec::Vec<[u8; 32]> = proof.iter().map(|node| node.0).collect();
    Verifier::verify_with_builder(&proof, root.0, leaf.0, &NativeKeccak)
}

/// Builds [`PairHasher`]s: keccak256 through `alloy_primitives::keccak256`, which is the
/// host's `native_keccak256` on Stylus.
pub struct NativeKeccak;

impl BuildHasher for NativeKeccak {
    type Hasher = PairHasher;

    fn build_hasher(&self) -> PairHasher {
        PairHasher { buffer: [0; 64], len: 0 }
    }
}

/// Buffers the two 32-byte children of an inner node and hashes them at once.
pub struct PairHasher {
    /// The bytes written so far.
    buffer: [u8; 64],
    /// How many bytes of `buffer` are used.
    len: usize,
}

impl Hasher for PairHasher {
    type Output = [u8; 32];

    fn update(&mut self, input: impl AsRef<[u8]>) {
        let input = input.as_ref();
        // The verifier only ever hashes two 32-byte nodes; anything longer is truncated to the
        // buffer, which cannot match a root built from pairs.
        let end = (self.len + input.len()).min(self.buffer.len());
        let take = end - self.len;
        self.buffer[self.len..end].copy_from_slice(&input[..take]);
        self.len = end;
    }

    fn finalize(self) -> [u8; 32] {
        keccak256(&self.buffer[..self.len]).0
    }
}

#[cfg(test)]
mod tests {
    use openzeppelin_crypto::KeccakBuilder;

    use super::*;

    #[test]
    fn native_pair_hash_matches_openzeppelin_keccak() {
        let a = [1u8; 32];
        let b = [2u8; 32];
        let ours = Verifier::verify_with_builder(&[b], [0; 32], a, &NativeKeccak);
        assert!(!ours);
        let expected = {
            let mut h = KeccakBuilder.build_hasher();
            h.update(a);
            h.update(b);
            h.finalize()
        };
        assert!(Verifier::verify_with_builder(&[b], expected, a, &NativeKeccak));
        assert!(Verifier::verify(&[b], expected, a));
    }

    #[test]
    fn leaf_is_double_hash_of_abi_encoding() {
        use alloy_sol_types::SolValue;
        let recipient = Address::repeat_byte(0x11);
        let shares = U256::from(42);
        let encoded = (recipient, shares).abi_encode();
        assert_eq!(leaf(recipient, shares), keccak256(keccak256(encoded)));
    }
}
