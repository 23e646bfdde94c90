//! Every way a call to the usage escrow can fail, as Solidity custom errors.
#![allow(missing_docs)]
// `sol!` documents the errors; the generated fields need none.

use alloy_sol_types::sol;
use openzeppelin_stylus::{access::ownable, token::erc20::utils::safe_erc20};
pub use tributary_abi::errors::{
    ArithmeticOverflow, ExternalCallFailed, InvalidConfiguration, LengthMismatch,
    NativeTransferFailed, NotUsageAnchor, ZeroAmount,
};

sol! {
    /// The usage anchor is not wired yet (`setUsageAnchor`).
    #[derive(Debug, PartialEq, Eq)]
    error UsageAnchorNotSet();
    /// The usage anchor was already wired to `anchor`; it is set once.
    #[derive(Debug, PartialEq, Eq)]
    error UsageAnchorAlreadySet(address anchor);
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
    /// `holds` challenged usage leaves hold the license's escrow (see `docs/settlement.md` §4).
    #[derive(Debug, PartialEq, Eq)]
    error EscrowHeld(uint256 licenseId, uint32 holds);
    /// The caller is not the usage disputes contract.
    #[derive(Debug, PartialEq, Eq)]
    error NotUsageDisputes(address account);
    /// The license's escrow has no hold to remove.
    #[derive(Debug, PartialEq, Eq)]
    error NoEscrowHold(uint256 licenseId);
}

tributary_abi::word_errors! {
    /// An error of the usage escrow.
    pub enum Error {
        /// See [`InvalidConfiguration`].
        InvalidConfiguration(InvalidConfiguration) [],
        /// See [`ArithmeticOverflow`].
        ArithmeticOverflow(ArithmeticOverflow) [],
        /// See [`ZeroAmount`].
        ZeroAmount(ZeroAmount) [],
        /// See [`ExternalCallFailed`].
        ExternalCallFailed(ExternalCallFailed) [target] tail reason,
        /// See [`NativeTransferFailed`].
        NativeTransferFailed(NativeTransferFailed) [to, amount],
        /// See [`UsageAnchorNotSet`].
        UsageAnchorNotSet(UsageAnchorNotSet) [],
        /// See [`UsageAnchorAlreadySet`].
        UsageAnchorAlreadySet(UsageAnchorAlreadySet) [anchor],
        /// See [`NotUsageAnchor`].
        NotUsageAnchor(NotUsageAnchor) [account],
        /// See [`LengthMismatch`].
        LengthMismatch(LengthMismatch) [expected, actual],
        /// See [`WrongPaymentToken`].
        WrongPaymentToken(WrongPaymentToken) [licenseId, token],
        /// See [`NotLicenseOwner`].
        NotLicenseOwner(NotLicenseOwner) [licenseId, account],
        /// See [`NoWithdrawalRequested`].
        NoWithdrawalRequested(NoWithdrawalRequested) [licenseId],
        /// See [`EscrowWithdrawalLocked`].
        EscrowWithdrawalLocked(EscrowWithdrawalLocked) [licenseId, readyAt],
        /// See [`EscrowHeld`].
        EscrowHeld(EscrowHeld) [licenseId, holds],
        /// See [`NotUsageDisputes`].
        NotUsageDisputes(NotUsageDisputes) [account],
        /// See [`NoEscrowHold`].
        NoEscrowHold(NoEscrowHold) [licenseId],
        /// The caller is not the owner (`OwnableUnauthorizedAccount`).
        UnauthorizedAccount(ownable::OwnableUnauthorizedAccount) [account],
        /// The owner would be the zero address (`OwnableInvalidOwner`).
        InvalidOwner(ownable::OwnableInvalidOwner) [owner],
        /// An ERC-20 transfer or approval failed (`SafeErc20FailedOperation`).
        SafeErc20FailedOperation(safe_erc20::SafeErc20FailedOperation) [token],
        /// An allowance decrease below zero (`SafeErc20FailedDecreaseAllowance`); never raised
        /// here, kept so every `OpenZeppelin` error maps one to one.
        SafeErc20FailedDecreaseAllowance(safe_erc20::SafeErc20FailedDecreaseAllowance) [spender, current_allowance, requested_decrease],
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
