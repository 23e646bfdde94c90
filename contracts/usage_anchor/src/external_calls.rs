//! Typed calls out of the anchor: the license contract, the royalty splitter, ERC-20 tokens,
//! native transfers and ERC-1271 contract signers.
//!
//! Callers update their own state before the mutating calls here (checks-effects-interactions);
//! the license contract and the splitter are the deployment's own contracts, set once in the
//! constructor.

use alloy_primitives::{Address, FixedBytes, U256};
use openzeppelin_stylus::token::{
    erc20::{interface::Erc20Interface, utils::safe_erc20::ISafeErc20},
    erc721::interface::Erc721Interface,
};
#[allow(deprecated)]
use stylus_sdk::call::Call;
use stylus_sdk::prelude::*;
use tributary_abi::interfaces::{ILicenseNft, IRoyaltySplitter};

use crate::{
    errors::{call_failed, Error, NativeTransferFailed},
    events::{emit, FeesDeposited},
    UsageAnchor,
};

mod erc1271 {
    #![allow(missing_docs)]
    use alloc::vec;

    stylus_sdk::prelude::sol_interface! {
        /// ERC-1271: signature validation for contract accounts.
        interface IErc1271 {
            function isValidSignature(bytes32 hash, bytes signature) external view returns (bytes4);
        }
    }
}

/// `bytes4(keccak256("isValidSignature(bytes32,bytes)"))`, what a contract signer returns for a
/// valid signature.
pub const ERC1271_MAGIC_VALUE: [u8; 4] = [0x16, 0x26, 0xba, 0x7e];

/// `keccak256("")`: the code hash of an account without code.
const EMPTY_CODE_HASH: [u8; 32] = stylus_sdk::keccak_const::Keccak256::new().finalize();

/// What the anchor needs to know about a license (`ILicenseNft.licenseUsage`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LicenseUsage {
    /// Dataset the license covers.
    pub dataset_id: U256,
    /// The dataset's split, where fees go.
    pub split_id: U256,
    /// Granted scope bits.
    pub scope: U256,
    /// Start of validity (unix seconds).
    pub starts_at: u64,
    /// End of validity, exclusive; 0 = perpetual.
    pub expires_at: u64,
    /// Whether the arbiter revoked it.
    pub revoked: bool,
    /// Fee currency; zero = native.
    pub payment_token: Address,
    /// Metering unit.
    pub usage_unit: u8,
    /// Fee per unit.
    pub usage_rate: U256,
}

impl UsageAnchor {
    /// Reads a license's usage terms from the license contract.
    pub(crate) fn license_usage(&self, license_id: U256) -> Result<LicenseUsage, Error> {
        let nft = self.license_nft.get();
        let (
            dataset_id,
            split_id,
            scope,
            starts_at,
            expires_at,
            revoked,
            payment_token,
            usage_unit,
            usage_rate,
        ) = ILicenseNft::new(nft)
            .license_usage(self, license_id)
            .map_err(|_| call_failed(nft))?;
        Ok(LicenseUsage {
            dataset_id,
            split_id,
            scope,
            starts_at,
            expires_at,
            revoked,
            payment_token,
            usage_unit,
            usage_rate,
        })
    }

    /// The current owner of a license token.
    pub(crate) fn license_owner(&self, license_id: U256) -> Result<Address, Error> {
        let nft = self.license_nft.get();
        Erc721Interface::new(nft)
            .owner_of(self, license_id)
            .map_err(|_| call_failed(nft))
    }

    /// Flags or clears unpaid usage on a license (the license contract treats a flagged
    /// license as invalid).
    pub(crate) fn set_license_debt(
        &mut self,
        license_id: U256,
        in_debt: bool,
    ) -> Result<(), Error> {
        let nft = self.license_nft.get();
        ILicenseNft::new(nft)
            .set_debt(&mut *self, license_id, in_debt)
            .map_err(|_| call_failed(nft))
    }

    /// Deposits `amount` of fees (native when `token` is zero) into split `split_id`.
    ///
    /// # Events
    /// [`FeesDeposited`].
    pub(crate) fn deposit_fees(
        &mut self,
        split_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<(), Error> {
        if amount.is_zero() {
            return Ok(());
        }
        let splitter = self.splitter.get();
        emit(
            self.vm(),
            &FeesDeposited {
                splitId: split_id,
                token,
                amount,
            },
        );
        if token.is_zero() {
            #[allow(deprecated)]
            let context = Call::new_in(self).value(amount);
            IRoyaltySplitter::new(splitter)
                .deposit(context, split_id)
                .map_err(|_| call_failed(splitter))
        } else {
            // The splitter pulls with `transferFrom` and credits what it received.
            self.safe_erc20.force_approve(token, splitter, amount)?;
            IRoyaltySplitter::new(splitter)
                .deposit_token(&mut *self, split_id, token, amount)
                .map_err(|_| call_failed(splitter))
        }
    }

    /// Pulls up to `amount` of `token` from `from` and returns what actually arrived (balance
    /// delta, so fee-on-transfer tokens are credited correctly).
    pub(crate) fn pull_tokens(
        &mut self,
        token: Address,
        from: Address,
        amount: U256,
    ) -> Result<U256, Error> {
        let this = self.vm().contract_address();
        let before = self.token_balance(token, this)?;
        self.safe_erc20
            .safe_transfer_from(token, from, this, amount)?;
        let after = self.token_balance(token, this)?;
        Ok(after.saturating_sub(before))
    }

    fn token_balance(&self, token: Address, account: Address) -> Result<U256, Error> {
        Erc20Interface::new(token)
            .balance_of(self, account)
            .map_err(|_| call_failed(token))
    }

    /// Sends `amount` of `token` (native when zero) to `to`.
    pub(crate) fn send(&mut self, token: Address, to: Address, amount: U256) -> Result<(), Error> {
        if amount.is_zero() {
            return Ok(());
        }
        if token.is_zero() {
            self.vm()
                .transfer_eth(to, amount)
                .map_err(|_| Error::NativeTransferFailed(NativeTransferFailed { to, amount }))
        } else {
            Ok(self.safe_erc20.safe_transfer(token, to, amount)?)
        }
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
        digest: FixedBytes<32>,
        signature: &[u8],
    ) -> bool {
        erc1271::IErc1271::new(signer)
            .is_valid_signature(
                self,
                digest,
                alloy_primitives::Bytes::copy_from_slice(signature),
            )
            .is_ok_and(|magic| magic.0 == ERC1271_MAGIC_VALUE)
    }
}
