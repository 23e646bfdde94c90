//! Membership proofs of Merkle splits.
//!
//! A leaf is `keccak256(keccak256(abi.encode(recipient, shares)))` (the double hash keeps a leaf
//! from ever being read as a 64-byte inner node); inner nodes hash the sorted pair of their
//! children (`OpenZeppelin`'s `MerkleProof` convention, as `@openzeppelin/merkle-tree` builds
//! trees). Proofs are checked with `OpenZeppelin`'s [`Verifier`], fed with the host's native
//! keccak (`native_keccak256`): cheaper than a software keccak, and it keeps one out of the WASM.

use alloy_primitives::{Address, B256, U256};
use openzeppelin_crypto::{
    hash::{BuildHasher, Hasher},
    merkle::Verifier,
};
use stylus_sdk::prelude::Host;

/// The leaf of `(recipient, shares)`.
pub fn leaf(vm: &dyn Host, recipient: Address, shares: U256) -> B256 {
    let mut encoded = [0u8; 64];
    encoded[12..32].copy_from_slice(recipient.as_slice());
    encoded[32..].copy_from_slice(&shares.to_be_bytes::<32>());
    let inner = vm.native_keccak256(&encoded);
    vm.native_keccak256(inner.as_slice())
}

/// Whether `proof` proves `leaf` under `root`.
pub fn verify(vm: &dyn Host, proof: &[B256], root: B256, leaf: B256) -> bool {
    let proof: alloc::vec::Vec<[u8; 32]> = proof.iter().map(|node| node.0).collect();
    Verifier::verify_with_builder(&proof, root.0, leaf.0, &NativeKeccak(vm))
}

/// Builds [`PairHasher`]s on the host's keccak.
pub struct NativeKeccak<'a>(pub &'a dyn Host);

impl<'a> BuildHasher for NativeKeccak<'a> {
    type Hasher = PairHasher<'a>;

    fn build_hasher(&self) -> PairHasher<'a> {
        PairHasher {
            vm: self.0,
            buffer: [0; 64],
            len: 0,
        }
    }
}

/// Buffers the two 32-byte children of an inner node and hashes them at once.
pub struct PairHasher<'a> {
    /// The host, for `native_keccak256`.
    vm: &'a dyn Host,
    /// The bytes written so far.
    buffer: [u8; 64],
    /// How many bytes of `buffer` are used.
    len: usize,
}

impl Hasher for PairHasher<'_> {
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
        self.vm.native_keccak256(&self.buffer[..self.len]).0
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::keccak256;
    use alloy_sol_types::SolValue;
    use openzeppelin_crypto::KeccakBuilder;
    use stylus_sdk::host::WasmVM;

    use super::*;

    /// The host of motsu's test environment (its `native_keccak256` is a software keccak).
    fn vm() -> WasmVM {
        WasmVM {}
    }

    #[test]
    fn native_pair_hash_matches_openzeppelin_keccak() {
        let vm = vm();
        let a = [1u8; 32];
        let b = [2u8; 32];
        let expected = {
            let mut h = KeccakBuilder.build_hasher();
            h.update(a);
            h.update(b);
            h.finalize()
        };
        assert!(Verifier::verify_with_builder(
            &[b],
            expected,
            a,
            &NativeKeccak(&vm)
        ));
        assert!(!Verifier::verify_with_builder(
            &[b],
            [0; 32],
            a,
            &NativeKeccak(&vm)
        ));
        assert!(Verifier::verify(&[b], expected, a));
        assert!(verify(
            &vm,
            &[B256::from(b)],
            B256::from(expected),
            B256::from(a)
        ));
    }

    #[test]
    fn leaf_is_double_hash_of_abi_encoding() {
        let recipient = Address::repeat_byte(0x11);
        let shares = U256::from(42);
        let encoded = (recipient, shares).abi_encode();
        assert_eq!(
            leaf(&vm(), recipient, shares),
            keccak256(keccak256(encoded))
        );
    }
}
