//! EIP-712 signing with a local key (usage batches, attribution reports, any `sol!` struct),
//! and the checks the contracts apply to a signature: 65 bytes `r ‖ s ‖ v`, `v ∈ {27, 28}`, `s`
//! in the lower half of the curve order.

use alloy::{
    primitives::{Address, PrimitiveSignature, B256, U256},
    signers::{local::PrivateKeySigner, SignerSync},
    sol_types::{Eip712Domain, SolStruct},
};

use super::types::{batch_digest, Batch};

/// Half the secp256k1 group order: a signature's `s` must not exceed it (EIP-2).
pub const SECP256K1N_HALF: U256 = U256::from_limbs([
    0xdfe9_2f46_681b_20a0,
    0x5d57_6e73_57a4_501d,
    0xffff_ffff_ffff_ffff,
    0x7fff_ffff_ffff_ffff,
]);

/// Why a key or signature was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// The private key is not 32 bytes of hex or not a valid secp256k1 scalar.
    InvalidKey,
    /// The key could not sign (should not happen with a valid key).
    SigningFailed(String),
    /// Not 65 bytes.
    InvalidLength(usize),
    /// `v` is not 27 or 28.
    InvalidV(u8),
    /// `s` is in the upper half of the curve order (malleable).
    HighS,
    /// No public key recovers from the signature.
    Unrecoverable,
    /// The signature recovers to someone else.
    WrongSigner {
        /// Address that should have signed (the batch's attestor, the report's evaluator).
        expected: Address,
        /// Address the signature recovers to.
        recovered: Address,
    },
}

impl core::fmt::Display for SignatureError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::InvalidKey => write!(f, "invalid private key (expected 32 bytes of hex)"),
            Self::SigningFailed(e) => write!(f, "signing failed: {e}"),
            Self::InvalidLength(n) => write!(f, "signature is {n} bytes, expected 65"),
            Self::InvalidV(v) => write!(f, "signature v is {v}, expected 27 or 28"),
            Self::HighS => write!(f, "signature s is in the upper half of the curve order"),
            Self::Unrecoverable => write!(f, "no signer recovers from the signature"),
            Self::WrongSigner {
                expected,
                recovered,
            } => {
                write!(f, "signature is by {recovered}, expected {expected}")
            }
        }
    }
}

impl std::error::Error for SignatureError {}

/// Parses a private key given as 64 hex digits, with or without `0x`.
///
/// # Errors
///
/// [`SignatureError::InvalidKey`].
pub fn parse_key(hex_key: &str) -> Result<PrivateKeySigner, SignatureError> {
    let trimmed = hex_key.trim();
    let digits = trimmed.strip_prefix("0x").unwrap_or(trimmed);
    let bytes: B256 = digits.parse().map_err(|_| SignatureError::InvalidKey)?;
    PrivateKeySigner::from_bytes(&bytes).map_err(|_| SignatureError::InvalidKey)
}

/// Signs a 32-byte digest: 65 bytes `r ‖ s ‖ v` with low `s` and `v ∈ {27, 28}`.
///
/// # Errors
///
/// [`SignatureError::SigningFailed`] if the signer fails.
pub fn sign_digest(signer: &PrivateKeySigner, digest: B256) -> Result<[u8; 65], SignatureError> {
    let signature = signer
        .sign_hash_sync(&digest)
        .map_err(|e| SignatureError::SigningFailed(e.to_string()))?;
    // k256 already produces low-s signatures; normalising again costs nothing and makes the
    // invariant local.
    let signature = signature.normalize_s().unwrap_or(signature);
    Ok(signature.as_bytes())
}

/// Signs the EIP-712 digest of any `sol!` struct under `domain` ([`sign_digest`]).
///
/// # Errors
///
/// [`SignatureError::SigningFailed`] if the signer fails.
pub fn sign_typed<T: SolStruct>(
    signer: &PrivateKeySigner,
    value: &T,
    domain: &Eip712Domain,
) -> Result<[u8; 65], SignatureError> {
    sign_digest(signer, value.eip712_signing_hash(domain))
}

/// Signs `batch` under `domain`: 65 bytes `r ‖ s ‖ v` with low `s` and `v ∈ {27, 28}`.
///
/// # Errors
///
/// [`SignatureError::SigningFailed`] if the signer fails.
pub fn sign_batch(
    signer: &PrivateKeySigner,
    batch: &Batch,
    domain: &Eip712Domain,
) -> Result<[u8; 65], SignatureError> {
    sign_digest(signer, batch_digest(batch, domain))
}

/// Recovers the signer of `digest`, applying the anchor's rules (length, `v`, low `s`).
///
/// # Errors
///
/// [`SignatureError::InvalidLength`], [`SignatureError::InvalidV`], [`SignatureError::HighS`]
/// or [`SignatureError::Unrecoverable`].
pub fn recover_signer(digest: B256, signature: &[u8]) -> Result<Address, SignatureError> {
    let bytes: &[u8; 65] = signature
        .try_into()
        .map_err(|_| SignatureError::InvalidLength(signature.len()))?;
    let v = bytes[64];
    if v != 27 && v != 28 {
        return Err(SignatureError::InvalidV(v));
    }
    let s = U256::from_be_slice(&bytes[32..64]);
    if s > SECP256K1N_HALF {
        return Err(SignatureError::HighS);
    }
    let parsed = PrimitiveSignature::from_bytes_and_parity(&bytes[..64], v == 28);
    parsed
        .recover_address_from_prehash(&digest)
        .map_err(|_| SignatureError::Unrecoverable)
}

/// Checks that `signature` is `expected`'s valid signature of `digest` ([`recover_signer`]'s
/// rules).
///
/// # Errors
///
/// Any [`recover_signer`] error, or [`SignatureError::WrongSigner`].
pub fn verify_signer(
    digest: B256,
    signature: &[u8],
    expected: Address,
) -> Result<(), SignatureError> {
    let recovered = recover_signer(digest, signature)?;
    if recovered == expected {
        Ok(())
    } else {
        Err(SignatureError::WrongSigner {
            expected,
            recovered,
        })
    }
}

/// Checks that `signature` is `expected`'s valid signature of `batch` under `domain`.
///
/// # Errors
///
/// Any [`recover_signer`] error, or [`SignatureError::WrongSigner`].
pub fn verify_batch_signature(
    batch: &Batch,
    domain: &Eip712Domain,
    signature: &[u8],
) -> Result<(), SignatureError> {
    verify_signer(batch_digest(batch, domain), signature, batch.attestor)
}

#[cfg(test)]
mod tests {
    use alloy::primitives::{address, b256};

    use super::*;
    use crate::attest::types::anchor_domain;

    const KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    fn batch() -> Batch {
        Batch {
            batchId: B256::repeat_byte(1),
            attestor: address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
            root: B256::repeat_byte(2),
            leafCount: 2,
            receiptCount: 8,
            totalUnits: U256::from(2_000_000),
            periodStart: 1_767_225_600,
            periodEnd: 1_767_830_399,
            deadline: 1_768_435_199,
        }
    }

    #[test]
    fn half_order_constant_is_n_over_two() {
        let n = U256::from_be_bytes(
            b256!("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141").0,
        );
        assert_eq!(SECP256K1N_HALF, n >> 1);
    }

    #[test]
    fn key_parses_with_or_without_prefix() {
        let a = parse_key(KEY).unwrap();
        let b = parse_key(&KEY[2..]).unwrap();
        assert_eq!(a.address(), b.address());
        assert_eq!(
            a.address(),
            address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        );
        assert_eq!(parse_key("0x1234").unwrap_err(), SignatureError::InvalidKey);
        assert_eq!(
            parse_key(&format!("0x{}", "0".repeat(64))).unwrap_err(),
            SignatureError::InvalidKey
        );
    }

    #[test]
    fn signature_round_trips_and_is_canonical() {
        let signer = parse_key(KEY).unwrap();
        let domain = anchor_domain(412_346, Address::repeat_byte(9));
        let sig = sign_batch(&signer, &batch(), &domain).unwrap();
        assert!(sig[64] == 27 || sig[64] == 28);
        assert!(U256::from_be_slice(&sig[32..64]) <= SECP256K1N_HALF);
        verify_batch_signature(&batch(), &domain, &sig).unwrap();
        // Deterministic (RFC 6979).
        assert_eq!(sig, sign_batch(&signer, &batch(), &domain).unwrap());
    }

    #[test]
    fn signature_is_bound_to_chain_and_contract() {
        let signer = parse_key(KEY).unwrap();
        let domain = anchor_domain(412_346, Address::repeat_byte(9));
        let sig = sign_batch(&signer, &batch(), &domain).unwrap();
        for other in [
            anchor_domain(1, Address::repeat_byte(9)),
            anchor_domain(412_346, Address::ZERO),
        ] {
            assert!(matches!(
                verify_batch_signature(&batch(), &other, &sig),
                Err(SignatureError::WrongSigner { .. } | SignatureError::Unrecoverable)
            ));
        }
    }

    #[test]
    fn malleable_and_malformed_signatures_are_refused() {
        let signer = parse_key(KEY).unwrap();
        let domain = anchor_domain(412_346, Address::repeat_byte(9));
        let sig = sign_batch(&signer, &batch(), &domain).unwrap();
        // The high-s twin: s' = n - s, v flipped. Valid for ecrecover, refused here.
        let n = SECP256K1N_HALF * U256::from(2) + U256::from(1);
        let s = U256::from_be_slice(&sig[32..64]);
        let mut twin = sig;
        twin[32..64].copy_from_slice(&(n - s).to_be_bytes::<32>());
        twin[64] = if sig[64] == 27 { 28 } else { 27 };
        assert_eq!(
            verify_batch_signature(&batch(), &domain, &twin),
            Err(SignatureError::HighS)
        );

        let mut bad_v = sig;
        bad_v[64] = 1;
        assert_eq!(
            verify_batch_signature(&batch(), &domain, &bad_v),
            Err(SignatureError::InvalidV(1))
        );
        assert_eq!(
            verify_batch_signature(&batch(), &domain, &sig[..64]),
            Err(SignatureError::InvalidLength(64))
        );
    }
}
