//! Calls out of the anchor through one raw-call helper: the license contract, the usage
//! escrow, ERC-1271 contract signers, and native payouts.
//!
//! Calldata is built from 32-byte words and results are read as words, instead of one typed
//! `sol_interface!` stub per function (smaller WASM). Callers update their own state before the
//! mutating calls here (checks-effects-interactions); the license contract and the escrow are
//! the deployment's own contracts, set once in the constructor.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::{keccak_const::Keccak256, prelude::*, stylus_core::calls::context::Call};

use crate::{
    abi_words::{selector_and_words as call_data, Word},
    errors::{call_failed, Error, NativeTransferFailed},
    state::Global,
    UsageAnchor,
};

/// The first four bytes of `keccak256(signature)`.
pub const fn selector(signature: &[u8]) -> [u8; 4] {
    let hash = Keccak256::new().update(signature).finalize();
    [hash[0], hash[1], hash[2], hash[3]]
}

const LICENSE_USAGE: [u8; 4] = selector(b"licenseUsage(uint256)");
const CHARGE: [u8; 4] = selector(b"charge(uint256[],uint256[])");
const IS_VALID_SIGNATURE: [u8; 4] = selector(b"isValidSignature(bytes32,bytes)");

/// `bytes4(keccak256("isValidSignature(bytes32,bytes)"))`, what a contract signer returns for a
/// valid signature.
pub const ERC1271_MAGIC_VALUE: [u8; 4] = IS_VALID_SIGNATURE;

/// `keccak256("")`: the code hash of an account without code.
const EMPTY_CODE_HASH: [u8; 32] = Keccak256::new().finalize();

/// What the anchor needs to know about a license (`ILicenseNft.licenseUsage`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LicenseUsage {
    /// Dataset the license covers.
    pub dataset_id: U256,
    /// Granted scope bits.
    pub scope: U256,
    /// Start of validity (unix seconds).
    pub starts_at: u64,
    /// End of validity, exclusive; 0 = perpetual.
    pub expires_at: u64,
    /// Whether the arbiter revoked it.
    pub revoked: bool,
    /// Metering unit.
    pub usage_unit: u8,
    /// Fee per unit.
    pub usage_rate: U256,
}

/// Word `index` of `out`, if present.
fn word(out: &[u8], index: usize) -> Option<U256> {
    let bytes: [u8; 32] = out.get(32 * index..32 * index + 32)?.try_into().ok()?;
    Some(U256::from_be_bytes(bytes))
}

/// The low 64 bits of a word.
fn low(word: U256) -> u64 {
    word.as_limbs()[0]
}

impl UsageAnchor {
    /// Calls `target` with `data` (a static call when `value` is `None`), returning its output.
    fn call_raw(
        &self,
        target: Address,
        value: Option<U256>,
        data: &[u8],
    ) -> Result<Vec<u8>, Error> {
        let result = match value {
            None => self.vm().static_call(&Call::new(), target, data),
            Some(value) => self.vm().call(&Call::new().value(value), target, data),
        };
        result.map_err(|_| call_failed(target))
    }

    /// Reads a license's usage terms from the license contract.
    #[inline(never)]
    pub(crate) fn license_usage(&self, license_id: U256) -> Result<LicenseUsage, Error> {
        let nft = self.global_address(Global::LicenseNft);
        let out = self.call_raw(nft, None, &call_data(LICENSE_USAGE, &[license_id.word()]))?;
        // `(datasetId, splitId, scope, startsAt, expiresAt, revoked, paymentToken, usageUnit,
        // usageRate)`: nine static words.
        if out.len() < 9 * 32 {
            return Err(call_failed(nft));
        }
        let w = |i: usize| word(&out, i).unwrap_or_default();
        Ok(LicenseUsage {
            dataset_id: w(0),
            scope: w(2),
            starts_at: low(w(3)),
            expires_at: low(w(4)),
            revoked: !w(5).is_zero(),
            usage_unit: w(7).byte(0),
            usage_rate: w(8),
        })
    }

    /// `escrow.charge(licenseIds, fees)`: what each license paid from its escrow.
    #[inline(never)]
    pub(crate) fn charge_escrow(
        &mut self,
        license_ids: &[U256],
        fees: &[U256],
    ) -> Result<Vec<U256>, Error> {
        let escrow = self.global_address(Global::Escrow);
        let n = license_ids.len();
        let mut words: Vec<[u8; 32]> = Vec::with_capacity(4 + 2 * n);
        words.push(U256::from(64).word());
        words.push(U256::from(96 + 32 * n).word());
        for array in [license_ids, fees] {
            words.push(U256::from(n).word());
            words.extend(array.iter().map(Word::word));
        }
        let out = self.call_raw(escrow, Some(U256::ZERO), &call_data(CHARGE, &words))?;
        // `(uint256[])`: offset 32, length n, n values.
        if word(&out, 0) != Some(U256::from(32)) || word(&out, 1) != Some(U256::from(n)) {
            return Err(call_failed(escrow));
        }
        let mut paid = Vec::with_capacity(n);
        for i in 0..n {
            paid.push(word(&out, 2 + i).ok_or_else(|| call_failed(escrow))?);
        }
        Ok(paid)
    }

    /// Sends `amount` of native currency to `to`.
    pub(crate) fn send(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        if amount.is_zero() {
            return Ok(());
        }
        self.vm()
            .transfer_eth(to, amount)
            .map_err(|_| Error::NativeTransferFailed(NativeTransferFailed { to, amount }))
    }

    /// Whether `account` has code (a contract signer, checked with ERC-1271).
    pub(crate) fn has_code(&self, account: Address) -> bool {
        let hash = self.vm().code_hash(account);
        !hash.is_zero() && hash != EMPTY_CODE_HASH
    }

    /// ERC-1271: whether contract `signer` accepts `signature` over `digest`.
    pub(crate) fn contract_accepts_signature(
        &self,
        signer: Address,
        digest: B256,
        signature: &[u8],
    ) -> bool {
        // `isValidSignature(bytes32 hash, bytes signature)`: hash, offset 64, length, data.
        let mut data = call_data(
            IS_VALID_SIGNATURE,
            &[
                digest.0,
                U256::from(64).word(),
                U256::from(signature.len()).word(),
            ],
        );
        data.extend_from_slice(signature);
        data.resize(data.len() + (32 - signature.len() % 32) % 32, 0);
        self.call_raw(signer, None, &data)
            .is_ok_and(|out| out.get(..4) == Some(&ERC1271_MAGIC_VALUE[..]))
    }
}
