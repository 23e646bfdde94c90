//! Calls out of the anchor through one raw-call helper: the license contract, the usage
//! escrow, ERC-1271 contract signers, and native payouts.
//!
//! Calldata is built from 32-byte words and results are read as words, instead of one typed
//! `sol_interface!` stub per function (smaller WASM). Callers update their own state before the
//! mutating calls here (checks-effects-interactions); the license contract and the escrow are
//! the deployment's own contracts, set once in the constructor.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;
use stylus_sdk::prelude::*;
use tributary_abi::{
    abi_words::{encode, Tail, Word},
    calls::{call, LicenseUsage},
    interfaces::{IErc1271, IUsageEscrow},
};

use crate::{
    errors::{Error, NativeTransferFailed},
    state::Global,
    UsageAnchor,
};

/// `bytes4(keccak256("isValidSignature(bytes32,bytes)"))`, what a contract signer returns for a
/// valid signature.
pub const ERC1271_MAGIC_VALUE: [u8; 4] = IErc1271::isValidSignatureCall::SELECTOR;

impl UsageAnchor {
    /// Reads a license's usage terms from the license contract.
    #[inline(never)]
    pub(crate) fn license_usage(&self, license_id: U256) -> Result<LicenseUsage, Error> {
        let nft = self.global_address(Global::LicenseNft);
        Ok(LicenseUsage::read(self.vm(), nft, license_id)?)
    }

    /// `escrow.charge(licenseIds, fees, splitIds, tokens)`: the fees of one `settle` call.
    #[inline(never)]
    pub(crate) fn charge_escrow(
        &mut self,
        license_ids: &[U256],
        fees: &[U256],
        split_ids: &[U256],
        tokens: &[Address],
    ) -> Result<(), Error> {
        let escrow = self.global_address(Global::Escrow);
        let words = |values: &[U256]| values.iter().map(Word::word).collect::<Vec<_>>();
        let tokens: Vec<[u8; 32]> = tokens.iter().map(Word::word).collect();
        let data = encode(
            &IUsageEscrow::chargeCall::SELECTOR,
            &[[0; 32]; 4],
            &[
                Tail::words(0, &words(license_ids)),
                Tail::words(1, &words(fees)),
                Tail::words(2, &words(split_ids)),
                Tail::words(3, &tokens),
            ],
        );
        call(self.vm(), escrow, Some(U256::ZERO), &data)?;
        Ok(())
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
        tributary_abi::calls::has_code(self.vm().code_hash(account))
    }

    /// ERC-1271: whether contract `signer` accepts `signature` over `digest`.
    pub(crate) fn contract_accepts_signature(
        &self,
        signer: Address,
        digest: B256,
        signature: &[u8],
    ) -> bool {
        let data = encode(
            &IErc1271::isValidSignatureCall::SELECTOR,
            &[digest.0, [0; 32]],
            &[Tail::bytes(1, signature)],
        );
        call(self.vm(), signer, None, &data)
            .is_ok_and(|out| out.bytes4() == Some(ERC1271_MAGIC_VALUE))
    }
}
