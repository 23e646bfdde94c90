//! EIP-712 digests and ECDSA recovery for the contracts that accept signed data (the usage
//! anchor's batches, the Datanets' attribution reports), declared once.
//!
//! Domain: `EIP712Domain(string name,string version,uint256 chainId,address
//! verifyingContract)`; digest `keccak256(0x1901 ‖ domainSeparator ‖ structHash)`. Recovery
//! goes through the `ecrecover` precompile and never panics: a signature it cannot recover is
//! [`ECDSAInvalidSignature`], a high `s` (EIP-2 malleability) [`ECDSAInvalidSignatureS`], as in
//! `OpenZeppelin`'s `ECDSA` (whose Stylus port panics when the precompile answers nothing).
//! Pure functions of their inputs, so the shared test vectors and the off-chain kits are
//! checked against exactly the code the contracts run.

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::{keccak_const::Keccak256, prelude::Host};

use crate::{
    abi_words::Word,
    calls::call,
    errors::{ECDSAInvalidSignature, ECDSAInvalidSignatureS, InvalidSignatureLength},
};

/// `keccak256("EIP712Domain(string name,string version,uint256 chainId,address
/// verifyingContract)")`.
pub const DOMAIN_TYPEHASH: [u8; 32] =
    hash("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

/// Length of an ECDSA signature `r ‖ s ‖ v`.
pub const SIGNATURE_LENGTH: usize = 65;

/// The `ecrecover` precompile.
const ECRECOVER: Address = Address::with_last_byte(1);

/// Half the secp256k1 group order: a signature's `s` must not exceed it (EIP-2).
const HALF_ORDER: U256 = U256::from_be_bytes([
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
]);

/// `keccak256(text)` at compile time (type strings, domain names and versions).
#[must_use]
pub const fn hash(text: &str) -> [u8; 32] {
    Keccak256::new().update(text.as_bytes()).finalize()
}

/// Why a signature was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum SignatureError {
    /// Not [`SIGNATURE_LENGTH`] bytes.
    Length(InvalidSignatureLength),
    /// Nothing recovers from it.
    Invalid(ECDSAInvalidSignature),
    /// Its `s` is in the upper half order.
    HighS(ECDSAInvalidSignatureS),
}

impl SignatureError {
    /// The contract error it is: a contract's error enum converts each of the three shared
    /// errors (`word_errors!` gives it the `From`s), so its `From<SignatureError>` is this call.
    #[inline]
    pub fn into_error<E>(self) -> E
    where
        E: From<InvalidSignatureLength>
            + From<ECDSAInvalidSignature>
            + From<ECDSAInvalidSignatureS>,
    {
        match self {
            Self::Length(e) => e.into(),
            Self::Invalid(e) => e.into(),
            Self::HighS(e) => e.into(),
        }
    }
}

/// The domain separator of `verifying_contract` on `chain_id` under a hashed name and version
/// ([`hash`]).
#[inline]
pub fn domain_separator(
    vm: &dyn Host,
    hashed_name: [u8; 32],
    hashed_version: [u8; 32],
    chain_id: u64,
    verifying_contract: Address,
) -> B256 {
    let words = [
        DOMAIN_TYPEHASH,
        hashed_name,
        hashed_version,
        chain_id.word(),
        verifying_contract.word(),
    ];
    vm.native_keccak256(words.as_flattened())
}

/// The digest a signer signs: `keccak256(0x1901 ‖ domain_separator ‖ struct_hash)`.
#[inline]
pub fn typed_digest(vm: &dyn Host, domain_separator: B256, struct_hash: B256) -> B256 {
    let mut preimage = [0u8; 66];
    preimage[..2].copy_from_slice(&[0x19, 0x01]);
    preimage[2..34].copy_from_slice(domain_separator.as_slice());
    preimage[34..].copy_from_slice(struct_hash.as_slice());
    vm.native_keccak256(&preimage)
}

/// Splits a 65-byte `r ‖ s ‖ v` signature into `(v, r, s)`; `None` for any other length.
#[must_use]
#[inline]
pub fn split_signature(signature: &[u8]) -> Option<(u8, B256, B256)> {
    if signature.len() != SIGNATURE_LENGTH {
        return None;
    }
    let r = B256::from_slice(&signature[..32]);
    let s = B256::from_slice(&signature[32..64]);
    Some((signature[64], r, s))
}

/// The signer of `digest` (see the module documentation for what is refused).
///
/// # Errors
/// [`SignatureError::HighS`], [`SignatureError::Invalid`].
#[inline]
pub fn recover(
    vm: &dyn Host,
    digest: B256,
    v: u8,
    r: B256,
    s: B256,
) -> Result<Address, SignatureError> {
    if U256::from_be_bytes(s.0) > HALF_ORDER {
        return Err(SignatureError::HighS(ECDSAInvalidSignatureS { s }));
    }
    let invalid = || SignatureError::Invalid(ECDSAInvalidSignature {});
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

/// The signer of a 65-byte signature of `digest`: [`split_signature`] then [`recover`].
///
/// # Errors
/// [`SignatureError::Length`], [`SignatureError::HighS`], [`SignatureError::Invalid`].
#[inline]
pub fn recover_signature(
    vm: &dyn Host,
    digest: B256,
    signature: &[u8],
) -> Result<Address, SignatureError> {
    let (v, r, s) = split_signature(signature).ok_or_else(|| {
        SignatureError::Length(InvalidSignatureLength {
            length: U256::from(signature.len()),
        })
    })?;
    recover(vm, digest, v, r, s)
}
