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

use alloc::vec::Vec;

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolValue;
use openzeppelin_stylus::utils::cryptography::eip712::to_typed_data_hash;
use stylus_sdk::keccak_const::Keccak256;
use tributary_abi::usage::{Batch, EIP712_NAME, EIP712_VERSION};

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
pub fn domain_separator(chain_id: u64, verifying_contract: Address) -> B256 {
    let mut preimage = [0u8; 5 * 32];
    preimage[..32].copy_from_slice(&DOMAIN_TYPEHASH);
    preimage[32..64].copy_from_slice(&HASHED_NAME);
    preimage[64..96].copy_from_slice(&HASHED_VERSION);
    preimage[96..128].copy_from_slice(&U256::from(chain_id).to_be_bytes::<32>());
    preimage[140..160].copy_from_slice(verifying_contract.as_slice());
    keccak256(preimage)
}

/// EIP-712 `hashStruct(batch)`.
pub fn batch_struct_hash(batch: &Batch) -> B256 {
    let mut preimage: Vec<u8> = Vec::with_capacity(8 * 32);
    preimage.extend_from_slice(&BATCH_TYPEHASH);
    preimage.extend_from_slice(&batch.abi_encode());
    keccak256(preimage)
}

/// The digest an attestor signs: `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(batch))`.
pub fn batch_digest(chain_id: u64, verifying_contract: Address, batch: &Batch) -> B256 {
    to_typed_data_hash(
        &domain_separator(chain_id, verifying_contract),
        &batch_struct_hash(batch),
    )
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
    use alloy_primitives::{address, b256};
    use alloy_sol_types::{eip712_domain, SolStruct};

    use super::*;

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
        assert_eq!(domain_separator(42_161, contract), domain.hash_struct());
        assert_eq!(B256::from(BATCH_TYPEHASH), batch.eip712_type_hash());
        assert_eq!(batch_struct_hash(&batch), batch.eip712_hash_struct());
        assert_eq!(
            batch_digest(42_161, contract, &batch),
            batch.eip712_signing_hash(&domain)
        );
    }

    #[test]
    fn digest_depends_on_chain_and_contract() {
        let contract = address!("1234567890123456789012345678901234567890");
        let batch = sample_batch();
        let digest = batch_digest(1, contract, &batch);
        assert_ne!(digest, batch_digest(2, contract, &batch));
        assert_ne!(digest, batch_digest(1, Address::ZERO, &batch));
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
