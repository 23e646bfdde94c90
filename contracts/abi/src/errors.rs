//! Custom errors that more than one contract raises, declared once so each name has one
//! signature (and one selector) across the deployment.
//!
//! A contract lists the ones it raises in its own `word_errors!` enum; its exported
//! `I<Name>.sol` declares them like its own.
#![allow(missing_docs)] // `sol!` documents the errors; the generated fields need none.

use alloy_sol_types::sol;

sol! {
    /// A token transfer or approval reverted or returned `false` (`OpenZeppelin`'s `SafeERC20`
    /// error; revenue router, Datanets).
    #[derive(Debug, PartialEq, Eq)]
    error SafeErc20FailedOperation(address token);
    /// A signature is not 65 bytes `r ‖ s ‖ v` (usage anchor, Datanets).
    #[derive(Debug, PartialEq, Eq)]
    error InvalidSignatureLength(uint256 length);
    /// The ECDSA signature recovers to no address (`v` not 27/28, `r` or `s` zero, `r` not a
    /// curve point). `OpenZeppelin`'s `ECDSA` error (usage anchor, Datanets).
    #[derive(Debug, PartialEq, Eq)]
    error ECDSAInvalidSignature();
    /// The ECDSA signature's `s` is in the upper half order (malleable). `OpenZeppelin`'s
    /// `ECDSA` error (usage anchor, Datanets).
    #[derive(Debug, PartialEq, Eq)]
    error ECDSAInvalidSignatureS(bytes32 s);
    /// `attestor` anchored no batch with `batchId` (usage anchor, usage disputes).
    #[derive(Debug, PartialEq, Eq)]
    error UnknownBatch(address attestor, bytes32 batchId);
    /// The batch in the calldata is not the one anchored under (`attestor`, `batchId`).
    #[derive(Debug, PartialEq, Eq)]
    error BatchMismatch(address attestor, bytes32 batchId);
    /// The batch was voided by an upheld challenge.
    #[derive(Debug, PartialEq, Eq)]
    error BatchVoided(address attestor, bytes32 batchId);
    /// The batch has an unresolved challenge round.
    #[derive(Debug, PartialEq, Eq)]
    error BatchUnderChallenge(address attestor, bytes32 batchId);
    /// The usage leaves are not in the batch's Merkle tree (or the proof is malformed).
    #[derive(Debug, PartialEq, Eq)]
    error InvalidProof(address attestor, bytes32 batchId);
    /// The usage leaf's index is not below the batch's `leafCount`, or it bills license 0.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidUsageLeaf(address attestor, bytes32 batchId, uint32 index);
    /// `account` has no credited balance to withdraw.
    #[derive(Debug, PartialEq, Eq)]
    error NothingToWithdraw(address account);
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
    /// `account` does not hold model `modelId`'s token (registry, license offers).
    #[derive(Debug, PartialEq, Eq)]
    error NotModelOwner(uint256 modelId, address account);
    /// Only the configured usage anchor (for the license contract: the usage escrow acting for
    /// it) may call this; `account` is not it.
    #[derive(Debug, PartialEq, Eq)]
    error NotUsageAnchor(address account);
}
