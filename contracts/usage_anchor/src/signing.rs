//! The EIP-712 digest an attestor signs for a batch, and ECDSA recovery through the
//! `ecrecover` precompile.
//!
//! Pure functions of their inputs (chain id and verifying contract are arguments), so that the
//! shared test vectors and the off-chain attestor kit can be checked against exactly the code the
//! contract runs.
//!
//! Domain: `EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)`
//! with name [`EIP712_NAME`] and version [`EIP712_VERSION`]. Struct: [`BATCH_TYPE`]. Every
//! `Batch` field is a static ABI type, so `abi.encode(typehash, batch...)` is the typehash
//! followed by the batch's own ABI encoding (its calldata words).

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::{keccak_const::Keccak256, prelude::Host};
use tributary_abi::{
    abi_words::Word,
    calls::call,
    usage::{BATCH_TYPE, EIP712_NAME, EIP712_VERSION},
};

use crate::errors::{ECDSAInvalidSignature, ECDSAInvalidSignatureS, Error};

/// `keccak256("EIP712Domain(string name,string version,uint256 chainId,address
/// verifyingContract)")`.
pub const DOMAIN_TYPEHASH: [u8; 32] = Keccak256::new()
    .update(b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
    .finalize();

/// `keccak256` of the EIP-712 type string of a batch ([`BATCH_TYPE`]).
pub const BATCH_TYPEHASH: [u8; 32] = Keccak256::new().update(BATCH_TYPE.as_bytes()).finalize();

const HASHED_NAME: [u8; 32] = Keccak256::new().update(EIP712_NAME.as_bytes()).finalize();
const HASHED_VERSION: [u8; 32] = Keccak256::new()
    .update(EIP712_VERSION.as_bytes())
    .finalize();

/// Length of an ECDSA signature `r ‖ s ‖ v`.
pub const SIGNATURE_LENGTH: usize = 65;

/// The `ecrecover` precompile.
const ECRECOVER: Address = Address::with_last_byte(1);

/// Half the secp256k1 group order: a signature's `s` must not exceed it (EIP-2).
const HALF_ORDER: U256 = U256::from_be_bytes([
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
]);

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
    let mut preimage = [0u8; 66];
    preimage[..2].copy_from_slice(&[0x19, 0x01]);
    preimage[2..34].copy_from_slice(domain_separator(vm, chain_id, verifying_contract).as_slice());
    preimage[34..].copy_from_slice(struct_hash.as_slice());
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

/// The signer of `digest`, like `OpenZeppelin`'s `ECDSA.recover`: a high `s` is
/// `ECDSAInvalidSignatureS`; anything `ecrecover` cannot recover (`v` not 27 or 28, `r` or `s`
/// zero or not on the curve: the precompile then answers nothing) is `ECDSAInvalidSignature`,
/// never a panic.
///
/// # Errors
/// `ECDSAInvalidSignatureS`, `ECDSAInvalidSignature`.
pub fn recover(vm: &dyn Host, digest: B256, v: u8, r: B256, s: B256) -> Result<Address, Error> {
    if U256::from_be_bytes(s.0) > HALF_ORDER {
        return Err(Error::ECDSAInvalidSignatureS(ECDSAInvalidSignatureS { s }));
    }
    let invalid = || Error::ECDSAInvalidSignature(ECDSAInvalidSignature {});
    if v != 27 && v != 28 {
        return Err(invalid());
    }
    let words = [digest.0, v.word(), r.0, s.0];
    let out = call(vm, ECRECOVER, None, words.as_flattened()).map_err(|_| invalid())?;
    match out.address(0) {
        Some(signer) if !signer.is_zero() && out.0.len() == 32 => Ok(signer),
        _ => Err(invalid()),
    }
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
