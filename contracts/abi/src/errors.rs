//! Custom errors that more than one contract raises, declared once so each name has one
//! signature (and one selector) across the deployment.
//!
//! A contract lists the ones it raises in its own `word_errors!` enum; its exported
//! `I<Name>.sol` declares them like its own.
#![allow(missing_docs)] // `sol!` documents the errors; the generated fields need none.

use alloy_sol_types::sol;

sol! {
    /// An address argument (a constructor argument, a contract to wire) is the zero address.
    #[derive(Debug, PartialEq, Eq)]
    error ZeroAddress();
    /// A constructor argument is invalid (zero address, zero window, zero bond).
    #[derive(Debug, PartialEq, Eq)]
    error InvalidConfiguration();
    /// A sum or product overflowed 256 (or 64) bits.
    #[derive(Debug, PartialEq, Eq)]
    error ArithmeticOverflow();
    /// An amount that must be positive is zero.
    #[derive(Debug, PartialEq, Eq)]
    error ZeroAmount();
    /// Two arrays that must be aligned have different lengths.
    #[derive(Debug, PartialEq, Eq)]
    error LengthMismatch(uint256 expected, uint256 actual);
    /// A call to `target` reverted with `reason` (its revert data, so the callee's own error
    /// stays decodable), or answered with less data than its declared outputs (empty `reason`).
    #[derive(Debug, PartialEq, Eq)]
    error ExternalCallFailed(address target, bytes reason);
    /// Sending `amount` of native currency to `to` failed.
    #[derive(Debug, PartialEq, Eq)]
    error NativeTransferFailed(address to, uint256 amount);
    /// No dataset has this id.
    #[derive(Debug, PartialEq, Eq)]
    error UnknownDataset(uint256 datasetId);
    /// No model has this id.
    #[derive(Debug, PartialEq, Eq)]
    error UnknownModel(uint256 modelId);
    /// No offer has this id.
    #[derive(Debug, PartialEq, Eq)]
    error UnknownOffer(uint256 offerId);
    /// `account` does not own dataset `datasetId`.
    #[derive(Debug, PartialEq, Eq)]
    error NotDatasetOwner(uint256 datasetId, address account);
    /// Only the configured usage anchor (for the license contract: the usage escrow acting for
    /// it) may call this; `account` is not it.
    #[derive(Debug, PartialEq, Eq)]
    error NotUsageAnchor(address account);
}
