//! Every way a call to the usage anchor can fail, as Solidity custom errors.
#![allow(missing_docs)]
// `sol!` documents the errors; the generated fields need none.

use alloy_sol_types::sol;
pub use openzeppelin_stylus::access::ownable::{OwnableInvalidOwner, OwnableUnauthorizedAccount};
pub use tributary_abi::errors::{
    ArithmeticOverflow, BatchMismatch, BatchUnderChallenge, BatchVoided, ECDSAInvalidSignature,
    ECDSAInvalidSignatureS, ExternalCallFailed, InvalidConfiguration, InvalidProof,
    InvalidSignatureLength, InvalidUsageLeaf, NativeTransferFailed, NothingToWithdraw,
    UnknownBatch, ZeroAmount,
};

sol! {
    /// The caller is not the disputes contract.
    #[derive(Debug, PartialEq, Eq)]
    error NotDisputes(address account);
    /// The disputes contract is already wired.
    #[derive(Debug, PartialEq, Eq)]
    error DisputesAlreadySet(address disputes);
    /// The batch cannot move to `status` from where it is.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidStatusChange(address attestor, bytes32 batchId, uint8 status);
    /// The calldata of a struct-taking call (`anchorBatch`, `settle`) is not a valid ABI encoding of its arguments (short, out-of-range offsets
    /// or lengths, or a value too wide for its type).
    #[derive(Debug, PartialEq, Eq)]
    error MalformedCalldata();
    /// `attestor` is not on the allow-list (`setAttestor`).
    #[derive(Debug, PartialEq, Eq)]
    error AttestorNotAllowed(address attestor);
    /// `attestor`'s bond is below the minimum.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientBond(address attestor, uint256 bond, uint256 required);
    /// `attestor` asked to exit and can no longer bond or anchor.
    #[derive(Debug, PartialEq, Eq)]
    error AttestorExiting(address attestor);
    /// `attestor` has not asked to exit.
    #[derive(Debug, PartialEq, Eq)]
    error ExitNotRequested(address attestor);
    /// `attestor`'s bond is at stake until `unlocksAt` (exit delay or a batch's window).
    #[derive(Debug, PartialEq, Eq)]
    error BondLocked(address attestor, uint64 unlocksAt);
    /// `attestor` has `openChallenges` challenged batches; its bond stays at stake.
    #[derive(Debug, PartialEq, Eq)]
    error BondUnderChallenge(address attestor, uint32 openChallenges);
    /// `attestor` already anchored a batch with `batchId` (ids are scoped to their attestor).
    #[derive(Debug, PartialEq, Eq)]
    error BatchAlreadyAnchored(address attestor, bytes32 batchId);
    /// The batch's signed anchoring deadline passed.
    #[derive(Debug, PartialEq, Eq)]
    error BatchExpired(address attestor, bytes32 batchId, uint64 deadline);
    /// The batch is malformed: zero attestor, no leaves, fewer receipts than leaves, a period
    /// that is reversed or ends in the future, or `totalUnits` of 2^96 or more.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidBatch(address attestor, bytes32 batchId);
    /// The signature is valid but not `attestor`'s over this batch, chain and contract.
    #[derive(Debug, PartialEq, Eq)]
    error BadSignature(address attestor, bytes32 batchId);
    /// The challenge window of the batch is open until `settleableAt`.
    #[derive(Debug, PartialEq, Eq)]
    error ChallengeWindowOpen(address attestor, bytes32 batchId, uint64 settleableAt);
    /// `settle` was called without usage leaves.
    #[derive(Debug, PartialEq, Eq)]
    error EmptySettlement(address attestor, bytes32 batchId);
    /// Usage leaf `index` of the batch was settled before (or twice in this call).
    #[derive(Debug, PartialEq, Eq)]
    error UsageAlreadySettled(address attestor, bytes32 batchId, uint32 index);
    /// Settling the leaves would exceed the batch's signed `receiptCount` or `totalUnits`.
    #[derive(Debug, PartialEq, Eq)]
    error BatchTotalsExceeded(address attestor, bytes32 batchId);
}

tributary_abi::word_errors! {
    /// Every error of the usage anchor.
    pub enum Error {
        /// See [`NotDisputes`].
        NotDisputes(NotDisputes) [account],
        /// See [`DisputesAlreadySet`].
        DisputesAlreadySet(DisputesAlreadySet) [disputes],
        /// See [`InvalidStatusChange`].
        InvalidStatusChange(InvalidStatusChange) [attestor, batchId, status],
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
        /// See [`OwnableUnauthorizedAccount`].
        UnauthorizedAccount(OwnableUnauthorizedAccount) [account],
        /// See [`OwnableInvalidOwner`].
        InvalidOwner(OwnableInvalidOwner) [owner],
        /// See [`NothingToWithdraw`].
        NothingToWithdraw(NothingToWithdraw) [account],
        /// See [`MalformedCalldata`].
        MalformedCalldata(MalformedCalldata) [],
        /// See [`AttestorNotAllowed`].
        AttestorNotAllowed(AttestorNotAllowed) [attestor],
        /// See [`InsufficientBond`].
        InsufficientBond(InsufficientBond) [attestor, bond, required],
        /// See [`AttestorExiting`].
        AttestorExiting(AttestorExiting) [attestor],
        /// See [`ExitNotRequested`].
        ExitNotRequested(ExitNotRequested) [attestor],
        /// See [`BondLocked`].
        BondLocked(BondLocked) [attestor, unlocksAt],
        /// See [`BondUnderChallenge`].
        BondUnderChallenge(BondUnderChallenge) [attestor, openChallenges],
        /// See [`BatchAlreadyAnchored`].
        BatchAlreadyAnchored(BatchAlreadyAnchored) [attestor, batchId],
        /// See [`BatchExpired`].
        BatchExpired(BatchExpired) [attestor, batchId, deadline],
        /// See [`InvalidBatch`].
        InvalidBatch(InvalidBatch) [attestor, batchId],
        /// See [`InvalidSignatureLength`].
        InvalidSignatureLength(InvalidSignatureLength) [length],
        /// See [`ECDSAInvalidSignature`].
        ECDSAInvalidSignature(ECDSAInvalidSignature) [],
        /// See [`ECDSAInvalidSignatureS`].
        ECDSAInvalidSignatureS(ECDSAInvalidSignatureS) [s],
        /// See [`BadSignature`].
        BadSignature(BadSignature) [attestor, batchId],
        /// See [`UnknownBatch`].
        UnknownBatch(UnknownBatch) [attestor, batchId],
        /// See [`BatchMismatch`].
        BatchMismatch(BatchMismatch) [attestor, batchId],
        /// See [`ChallengeWindowOpen`].
        ChallengeWindowOpen(ChallengeWindowOpen) [attestor, batchId, settleableAt],
        /// See [`BatchUnderChallenge`].
        BatchUnderChallenge(BatchUnderChallenge) [attestor, batchId],
        /// See [`BatchVoided`].
        BatchVoided(BatchVoided) [attestor, batchId],
        /// See [`EmptySettlement`].
        EmptySettlement(EmptySettlement) [attestor, batchId],
        /// See [`InvalidProof`].
        InvalidProof(InvalidProof) [attestor, batchId],
        /// See [`InvalidUsageLeaf`].
        InvalidUsageLeaf(InvalidUsageLeaf) [attestor, batchId, index],
        /// See [`UsageAlreadySettled`].
        UsageAlreadySettled(UsageAlreadySettled) [attestor, batchId, index],
        /// See [`BatchTotalsExceeded`].
        BatchTotalsExceeded(BatchTotalsExceeded) [attestor, batchId],
    }
}

/// Shorthand for an [`ArithmeticOverflow`] error.
pub(crate) fn overflow() -> Error {
    Error::ArithmeticOverflow(ArithmeticOverflow {})
}

impl From<tributary_abi::eip712::SignatureError> for Error {
    fn from(error: tributary_abi::eip712::SignatureError) -> Self {
        error.into_error()
    }
}
