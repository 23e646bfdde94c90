//! The EIP-712 digest an attestor signs for a batch (the shared EIP-712 and ECDSA code is
//! `tributary_abi::eip712`).
//!
//! Pure functions of their inputs (chain id and verifying contract are arguments), so that the
//! shared test vectors and the off-chain attestor kit can be checked against exactly the code the
//! contract runs.
//!
//! Domain: name [`EIP712_NAME`], version [`EIP712_VERSION`]. Struct: [`BATCH_TYPE`]. Every
//! `Batch` field is a static ABI type, so `abi.encode(typehash, batch...)` is the typehash
//! followed by the batch's own ABI encoding (its calldata words).

use alloy_primitives::{Address, B256};
use stylus_sdk::prelude::Host;
pub use tributary_abi::eip712::{recover, split_signature, DOMAIN_TYPEHASH, SIGNATURE_LENGTH};
use tributary_abi::{
    eip712::{self, hash},
    usage::{BATCH_TYPE, EIP712_NAME, EIP712_VERSION},
};

/// `keccak256` of the EIP-712 type string of a batch ([`BATCH_TYPE`]).
pub const BATCH_TYPEHASH: [u8; 32] = hash(BATCH_TYPE);

// Constants, so the hashes are computed at compile time (a call to `hash` in a function body
// would run the software keccak on chain).
const HASHED_NAME: [u8; 32] = hash(EIP712_NAME);
const HASHED_VERSION: [u8; 32] = hash(EIP712_VERSION);

/// The EIP-712 domain separator of a usage anchor at `verifying_contract` on `chain_id`.
pub fn domain_separator(vm: &dyn Host, chain_id: u64, verifying_contract: Address) -> B256 {
    eip712::domain_separator(
        vm,
        HASHED_NAME,
        HASHED_VERSION,
        chain_id,
        verifying_contract,
    )
}

/// EIP-712 `hashStruct(batch)` of a batch given as its ABI words: every field is static, so it
/// is `keccak256(typehash ‖ abi.encode(batch))`.
pub fn batch_struct_hash(vm: &dyn Host, batch_words: &[u8]) -> B256 {
    let mut preimage = [0u8; 32 + crate::calldata::BATCH_SIZE];
    preimage[..32].copy_from_slice(&BATCH_TYPEHASH);
    preimage[32..].copy_from_slice(batch_words);
    vm.native_keccak256(&preimage)
}

/// The digest an attestor signs: `keccak256(0x1901 ‖ domainSeparator ‖ structHash)`.
pub fn batch_digest(
    vm: &dyn Host,
    chain_id: u64,
    verifying_contract: Address,
    struct_hash: B256,
) -> B256 {
    eip712::typed_digest(
        vm,
        domain_separator(vm, chain_id, verifying_contract),
        struct_hash,
    )
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{address, b256, U256};
    use alloy_sol_types::{eip712_domain, SolStruct, SolValue};
    use stylus_sdk::host::WasmVM;
    use tributary_abi::usage::Batch;

    use super::*;

    /// motsu's host (a software keccak behind `native_keccak256`).
    const VM: WasmVM = WasmVM {};

    fn sample_batch() -> Batch {
        Batch {
            batchId: b256!("0101010101010101010101010101010101010101010101010101010101010101"),
            attestor: address!("00000000000000000000000000000000000000aa"),
            root: b256!("0202020202020202020202020202020202020202020202020202020202020202"),
            leafCount: 2,
            receiptCount: 3,
            totalUnits: U256::from(1_000_000u64),
            periodStart: 1_700_000_000,
            periodEnd: 1_700_604_800,
            deadline: 1_701_000_000,
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
        let words = batch.abi_encode();
        assert_eq!(batch_struct_hash(&VM, &words), batch.eip712_hash_struct());
        assert_eq!(
            batch_digest(&VM, 42_161, contract, batch.eip712_hash_struct()),
            batch.eip712_signing_hash(&domain)
        );
    }

    #[test]
    fn digest_depends_on_chain_and_contract() {
        let contract = address!("1234567890123456789012345678901234567890");
        let batch = sample_batch();
        let hash = batch.eip712_hash_struct();
        let digest = batch_digest(&VM, 1, contract, hash);
        assert_ne!(digest, batch_digest(&VM, 2, contract, hash));
        assert_ne!(digest, batch_digest(&VM, 1, Address::ZERO, hash));
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
