//! The EIP-712 digest an attestor signs for a batch, and the split of a 65-byte signature.
//!
//! Pure functions of their inputs (chain id and verifying contract are arguments), so that the
//! shared test vectors and the off-chain attestor kit can be checked against exactly the code the
//! contract runs.
//!
//! Domain: `EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)`
//! with name [`EIP712_NAME`] and version [`EIP712_VERSION`]. Struct:
//! `Batch(bytes32 batchId,address attestor,bytes32 root,uint32 receiptCount,uint256 totalUnits,
//! uint64 periodStart,uint64 periodEnd)`. Every `Batch` field is a static ABI type, so
//! `abi.encode(typehash, batch...)` is the typehash followed by the batch's own ABI encoding.

use alloy_primitives::{Address, B256};
use stylus_sdk::{keccak_const::Keccak256, prelude::Host};
use tributary_abi::usage::{Batch, EIP712_NAME, EIP712_VERSION};

use crate::abi_words::Word;

/// `keccak256("EIP712Domain(string name,string version,uint256 chainId,address
/// verifyingContract)")`.
pub const DOMAIN_TYPEHASH: [u8; 32] = Keccak256::new()
    .update(b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
    .finalize();

/// `keccak256` of the EIP-712 type string of [`Batch`].
pub const BATCH_TYPEHASH: [u8; 32] = Keccak256::new()
    .update(
        b"Batch(bytes32 batchId,address attestor,bytes32 root,uint32 receiptCount,\
          uint256 totalUnits,uint64 periodStart,uint64 periodEnd)",
    )
    .finalize();

const HASHED_NAME: [u8; 32] = Keccak256::new().update(EIP712_NAME.as_bytes()).finalize();
const HASHED_VERSION: [u8; 32] = Keccak256::new()
    .update(EIP712_VERSION.as_bytes())
    .finalize();

/// Length of an ECDSA signature `r ‖ s ‖ v`.
pub const SIGNATURE_LENGTH: usize = 65;

/// The EIP-712 domain separator of a usage anchor at `verifying_contract` on `chain_id`.
pub fn domain_separator(vm: &dyn Host, chain_id: u64, verifying_contract: Address) -> B256 {
    let words = [
        DOMAIN_TYPEHASH,
        HASHED_NAME,
        HASHED_VERSION,
        chain_id.word(),
        verifying_contract.word(),
    ];
    vm.native_keccak256(words.as_flattened())
}

/// EIP-712 `hashStruct(batch)`: every field is static, so it is the typehash and one word per
/// field.
pub fn batch_struct_hash(vm: &dyn Host, batch: &Batch) -> B256 {
    let words = [
        BATCH_TYPEHASH,
        batch.batchId.word(),
        batch.attestor.word(),
        batch.root.word(),
        batch.receiptCount.word(),
        batch.totalUnits.word(),
        batch.periodStart.word(),
        batch.periodEnd.word(),
    ];
    vm.native_keccak256(words.as_flattened())
}

/// The digest an attestor signs: `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(batch))`.
pub fn batch_digest(
    vm: &dyn Host,
    chain_id: u64,
    verifying_contract: Address,
    batch: &Batch,
) -> B256 {
    let mut preimage = [0u8; 66];
    preimage[..2].copy_from_slice(&[0x19, 0x01]);
    preimage[2..34].copy_from_slice(domain_separator(vm, chain_id, verifying_contract).as_slice());
    preimage[34..].copy_from_slice(batch_struct_hash(vm, batch).as_slice());
    vm.native_keccak256(&preimage)
}

/// Splits a 65-byte `r ‖ s ‖ v` signature into `(v, r, s)`; `None` for any other length.
pub fn split_signature(signature: &[u8]) -> Option<(u8, B256, B256)> {
    if signature.len() != SIGNATURE_LENGTH {
        return None;
    }
    let r = B256::from_slice(&signature[..32]);
    let s = B256::from_slice(&signature[32..64]);
    Some((signature[64], r, s))
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{address, b256, U256};
    use alloy_sol_types::{eip712_domain, SolStruct};
    use stylus_sdk::host::WasmVM;

    use super::*;

    /// motsu's host (a software keccak behind `native_keccak256`).
    const VM: WasmVM = WasmVM {};

    fn sample_batch() -> Batch {
        Batch {
            batchId: b256!("0101010101010101010101010101010101010101010101010101010101010101"),
            attestor: address!("00000000000000000000000000000000000000aa"),
            root: b256!("0202020202020202020202020202020202020202020202020202020202020202"),
            receiptCount: 3,
            totalUnits: U256::from(1_000_000u64),
            periodStart: 1_700_000_000,
            periodEnd: 1_700_604_800,
        }
    }

    #[test]
    fn digest_matches_alloy_eip712_signing_hash() {
        let contract = address!("1234567890123456789012345678901234567890");
        let batch = sample_batch();
        let domain = eip712_domain! {
            name: EIP712_NAME,
            version: EIP712_VERSION,
            chain_id: 42_161,
            verifying_contract: contract,
        };
        assert_eq!(
            domain_separator(&VM, 42_161, contract),
            domain.hash_struct()
        );
        assert_eq!(B256::from(BATCH_TYPEHASH), batch.eip712_type_hash());
        assert_eq!(batch_struct_hash(&VM, &batch), batch.eip712_hash_struct());
        assert_eq!(
            batch_digest(&VM, 42_161, contract, &batch),
            batch.eip712_signing_hash(&domain)
        );
    }

    #[test]
    fn digest_depends_on_chain_and_contract() {
        let contract = address!("1234567890123456789012345678901234567890");
        let batch = sample_batch();
        let digest = batch_digest(&VM, 1, contract, &batch);
        assert_ne!(digest, batch_digest(&VM, 2, contract, &batch));
        assert_ne!(digest, batch_digest(&VM, 1, Address::ZERO, &batch));
    }

    #[test]
    fn splits_only_65_byte_signatures() {
        let mut sig = [0u8; 65];
        sig[31] = 1;
        sig[63] = 2;
        sig[64] = 27;
        let (v, r, s) = split_signature(&sig).expect("65 bytes");
        assert_eq!(v, 27);
        assert_eq!(r, B256::left_padding_from(&[1]));
        assert_eq!(s, B256::left_padding_from(&[2]));
        assert!(split_signature(&sig[..64]).is_none());
    }
}
