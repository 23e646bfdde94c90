//! Every way a call to the usage escrow can fail, as Solidity custom errors.
#![allow(missing_docs)]
// `sol!` documents the errors; the generated fields need none.
// With export-abi the `SolidityError` derive replaces the compact encoder below.
#![cfg_attr(feature = "export-abi", allow(unused_imports, unused_macros))]

use alloc::vec::Vec;

use alloy_sol_types::{sol, SolError};
use openzeppelin_stylus::{access::ownable, token::erc20::utils::safe_erc20};
#[cfg(feature = "export-abi")]
use stylus_sdk::prelude::*;
use tributary_abi::abi_words::{selector_and_words, Word};

sol! {
    /// A constructor argument is invalid (zero address).
    #[derive(Debug, PartialEq, Eq)]
    error InvalidConfiguration();
    /// A sum overflowed 256 (or 64) bits.
    #[derive(Debug, PartialEq, Eq)]
    error ArithmeticOverflow();
    /// An amount that must be positive is zero.
    #[derive(Debug, PartialEq, Eq)]
    error ZeroAmount();
    /// A call to `target` reverted or returned malformed data.
    #[derive(Debug, PartialEq, Eq)]
    error ExternalCallFailed(address target);
    /// Sending `amount` of native currency to `to` failed.
    #[derive(Debug, PartialEq, Eq)]
    error NativeTransferFailed(address to, uint256 amount);
    /// The usage anchor is not wired yet (`setUsageAnchor`).
    #[derive(Debug, PartialEq, Eq)]
    error UsageAnchorNotSet();
    /// The usage anchor was already wired to `anchor`; it is set once.
    #[derive(Debug, PartialEq, Eq)]
    error UsageAnchorAlreadySet(address anchor);
    /// Only the usage anchor may charge escrow; `account` is not it.
    #[derive(Debug, PartialEq, Eq)]
    error NotUsageAnchor(address account);
    /// `charge` got `licenses` license ids but `fees` fees.
    #[derive(Debug, PartialEq, Eq)]
    error LengthMismatch(uint256 licenses, uint256 fees);
    /// The license's offer is paid in `token`; use the matching funding function.
    #[derive(Debug, PartialEq, Eq)]
    error WrongPaymentToken(uint256 licenseId, address token);
    /// `account` is not the owner of the license.
    #[derive(Debug, PartialEq, Eq)]
    error NotLicenseOwner(uint256 licenseId, address account);
    /// No escrow withdrawal was requested for the license.
    #[derive(Debug, PartialEq, Eq)]
    error NoWithdrawalRequested(uint256 licenseId);
    /// The escrow withdrawal may not execute before `readyAt`.
    #[derive(Debug, PartialEq, Eq)]
    error EscrowWithdrawalLocked(uint256 licenseId, uint64 readyAt);
    /// Escrow withdrawals wait while `openChallenges` challenges are unresolved at the anchor.
    #[derive(Debug, PartialEq, Eq)]
    error EscrowHeldByChallenges(uint32 openChallenges);
}

/// An error of the usage escrow.
///
/// With `export-abi` the `SolidityError` derive lists the errors in the interface; contract
/// builds encode them with [`selector_and_words`] instead (same bytes, much smaller code).
#[cfg_attr(feature = "export-abi", derive(SolidityError))]
#[derive(Debug)]
pub enum Error {
    /// See [`InvalidConfiguration`].
    InvalidConfiguration(InvalidConfiguration),
    /// See [`ArithmeticOverflow`].
    ArithmeticOverflow(ArithmeticOverflow),
    /// See [`ZeroAmount`].
    ZeroAmount(ZeroAmount),
    /// See [`ExternalCallFailed`].
    ExternalCallFailed(ExternalCallFailed),
    /// See [`NativeTransferFailed`].
    NativeTransferFailed(NativeTransferFailed),
    /// See [`UsageAnchorNotSet`].
    UsageAnchorNotSet(UsageAnchorNotSet),
    /// See [`UsageAnchorAlreadySet`].
    UsageAnchorAlreadySet(UsageAnchorAlreadySet),
    /// See [`NotUsageAnchor`].
    NotUsageAnchor(NotUsageAnchor),
    /// See [`LengthMismatch`].
    LengthMismatch(LengthMismatch),
    /// See [`WrongPaymentToken`].
    WrongPaymentToken(WrongPaymentToken),
    /// See [`NotLicenseOwner`].
    NotLicenseOwner(NotLicenseOwner),
    /// See [`NoWithdrawalRequested`].
    NoWithdrawalRequested(NoWithdrawalRequested),
    /// See [`EscrowWithdrawalLocked`].
    EscrowWithdrawalLocked(EscrowWithdrawalLocked),
    /// See [`EscrowHeldByChallenges`].
    EscrowHeldByChallenges(EscrowHeldByChallenges),
    /// The caller is not the owner (`OwnableUnauthorizedAccount`).
    UnauthorizedAccount(ownable::OwnableUnauthorizedAccount),
    /// The owner would be the zero address (`OwnableInvalidOwner`).
    InvalidOwner(ownable::OwnableInvalidOwner),
    /// An ERC-20 transfer or approval failed (`SafeErc20FailedOperation`).
    SafeErc20FailedOperation(safe_erc20::SafeErc20FailedOperation),
    /// An allowance decrease below zero (`SafeErc20FailedDecreaseAllowance`); never raised
    /// here, kept so every `OpenZeppelin` error maps one to one.
    SafeErc20FailedDecreaseAllowance(safe_erc20::SafeErc20FailedDecreaseAllowance),
}

macro_rules! encode_errors {
    ($error:expr; $($variant:ident($ty:path) [$($field:ident),*],)*) => {
        match $error {
            $(Error::$variant(_e) => selector_and_words(<$ty as SolError>::SELECTOR, &[$(_e.$field.word()),*]),)*
        }
    };
}

#[cfg(not(feature = "export-abi"))]
impl From<Error> for Vec<u8> {
    fn from(error: Error) -> Vec<u8> {
        encode_errors! { error;
        InvalidConfiguration(InvalidConfiguration) [],
        ArithmeticOverflow(ArithmeticOverflow) [],
        ZeroAmount(ZeroAmount) [],
        ExternalCallFailed(ExternalCallFailed) [target],
        NativeTransferFailed(NativeTransferFailed) [to, amount],
        UsageAnchorNotSet(UsageAnchorNotSet) [],
        UsageAnchorAlreadySet(UsageAnchorAlreadySet) [anchor],
        NotUsageAnchor(NotUsageAnchor) [account],
        LengthMismatch(LengthMismatch) [licenses, fees],
        WrongPaymentToken(WrongPaymentToken) [licenseId, token],
        NotLicenseOwner(NotLicenseOwner) [licenseId, account],
        NoWithdrawalRequested(NoWithdrawalRequested) [licenseId],
        EscrowWithdrawalLocked(EscrowWithdrawalLocked) [licenseId, readyAt],
        EscrowHeldByChallenges(EscrowHeldByChallenges) [openChallenges],
        UnauthorizedAccount(ownable::OwnableUnauthorizedAccount) [account],
        InvalidOwner(ownable::OwnableInvalidOwner) [owner],
        SafeErc20FailedOperation(safe_erc20::SafeErc20FailedOperation) [token],
        SafeErc20FailedDecreaseAllowance(safe_erc20::SafeErc20FailedDecreaseAllowance) [spender, current_allowance, requested_decrease],
        }
    }
}

#[cfg(not(feature = "export-abi"))]
impl stylus_sdk::call::MethodError for Error {
    fn encode(self) -> Vec<u8> {
        self.into()
    }
}

impl From<ownable::Error> for Error {
    fn from(error: ownable::Error) -> Self {
        match error {
            ownable::Error::UnauthorizedAccount(e) => Self::UnauthorizedAccount(e),
            ownable::Error::InvalidOwner(e) => Self::InvalidOwner(e),
        }
    }
}

impl From<safe_erc20::Error> for Error {
    fn from(error: safe_erc20::Error) -> Self {
        match error {
            safe_erc20::Error::SafeErc20FailedOperation(e) => Self::SafeErc20FailedOperation(e),
            safe_erc20::Error::SafeErc20FailedDecreaseAllowance(e) => {
                Self::SafeErc20FailedDecreaseAllowance(e)
            }
        }
    }
}

/// Shorthand for an [`ArithmeticOverflow`] error.
pub(crate) fn overflow() -> Error {
    Error::ArithmeticOverflow(ArithmeticOverflow {})
}

/// Shorthand for an [`ExternalCallFailed`] error.
pub(crate) fn call_failed(target: alloy_primitives::Address) -> Error {
    Error::ExternalCallFailed(ExternalCallFailed { target })
}
