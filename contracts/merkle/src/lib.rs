#![no_std]
//! keccak256 on the Stylus host (`native_keccak256`), for hashing and for `OpenZeppelin`'s
//! Merkle `Verifier`.
//!
//! Merkle splits (`royalty_splitter`) and usage batches (`usage_anchor`, `usage_disputes`)
//! verify proofs with
//! `openzeppelin_crypto::merkle::Verifier`, whose inner node is `keccak256(sort(a, b))` (as
//! `@openzeppelin/merkle-tree` builds trees). [`NativeKeccak`] feeds it the host's
//! `native_keccak256`: cheaper than a software keccak, and it keeps one out of the WASM. Leaves
//! are double hashed ([`double_keccak`]) so a 64-byte leaf preimage can never be read as an inner
//! node.
//!
//! The functions call the host through `WasmVM`, so they need no `&dyn Host` argument. Under
//! motsu, `WasmVM`'s keccak is motsu's software keccak; the contracts' tests check it against
//! `OpenZeppelin`'s and alloy's.
//!
//! A crate of its own rather than a module of `tributary-abi`: only the two Merkle users link it.
//! (Measured: the same code inside `tributary-abi` perturbed the optimisation of `license_nft`,
//! which uses none of it, by +508 bytes of WASM.)

use alloy_primitives::{Address, B256};
use openzeppelin_crypto::hash::{BuildHasher, Hasher};
use stylus_sdk::{host::WasmVM, prelude::CryptographyAccess};

/// `keccak256(bytes)` on the host.
#[inline]
#[must_use]
pub fn keccak(bytes: &[u8]) -> B256 {
    WasmVM {}.native_keccak256(bytes)
}

/// `keccak256(keccak256(encoded))`: a Merkle leaf of an ABI-encoded value.
#[inline]
#[must_use]
pub fn double_keccak(encoded: &[u8]) -> B256 {
    keccak(keccak(encoded).as_slice())
}

/// The storage key of a usage batch: `keccak256(abi.encode(attestor, batchId))` on the host
/// (the same as `tributary_abi::usage::batch_key`): batch ids are scoped to their attestor.
#[inline]
#[must_use]
pub fn batch_key(attestor: Address, batch_id: B256) -> B256 {
    let mut preimage = [0u8; 64];
    preimage[12..32].copy_from_slice(attestor.as_slice());
    preimage[32..].copy_from_slice(batch_id.as_slice());
    keccak(&preimage)
}

/// Builds [`PairHasher`]s on the host's keccak.
#[derive(Clone, Copy, Default)]
pub struct NativeKeccak;

impl BuildHasher for NativeKeccak {
    type Hasher = PairHasher;

    #[inline]
    fn build_hasher(&self) -> PairHasher {
        PairHasher {
            buffer: [0; 64],
            len: 0,
        }
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

    #[inline]
    fn update(&mut self, input: impl AsRef<[u8]>) {
        let input = input.as_ref();
        // The verifier only ever hashes two 32-byte nodes; anything longer is truncated to the
        // buffer, which cannot match a root built from pairs.
        let end = (self.len + input.len()).min(self.buffer.len());
        let take = end - self.len;
        self.buffer[self.len..end].copy_from_slice(&input[..take]);
        self.len = end;
    }

    #[inline]
    fn finalize(self) -> [u8; 32] {
        keccak(&self.buffer[..self.len]).0
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::keccak256;
    use motsu as _;
    use openzeppelin_crypto::{merkle::Verifier, KeccakBuilder};

    use super::*;

    #[test]
    fn host_keccak_matches_alloy() {
        for input in [&b""[..], b"tributary", &[7u8; 64], &[0xff; 200]] {
            assert_eq!(keccak(input), keccak256(input));
            assert_eq!(double_keccak(input), keccak256(keccak256(input)));
        }
    }

    #[test]
    fn pair_hash_matches_openzeppelin_keccak() {
        let a = [1u8; 32];
        let b = [2u8; 32];
        let mut expected = KeccakBuilder.build_hasher();
        expected.update(a);
        expected.update(b);
        let mut ours = NativeKeccak.build_hasher();
        ours.update(a);
        ours.update(b);
        assert_eq!(ours.finalize(), expected.finalize());
    }

    #[test]
    fn verifier_accepts_exactly_the_right_root() {
        let a = [1u8; 32];
        let b = [2u8; 32];
        // Sorted pair: `a < b`, so the root is keccak256(a ‖ b).
        let root = keccak256([a, b].concat()).0;
        assert!(Verifier::verify_with_builder(&[b], root, a, &NativeKeccak));
        assert!(Verifier::verify_with_builder(&[a], root, b, &NativeKeccak));
        assert!(!Verifier::verify_with_builder(
            &[b],
            [0; 32],
            a,
            &NativeKeccak
        ));
        assert!(!Verifier::verify_with_builder(&[a], root, a, &NativeKeccak));
    }
}
