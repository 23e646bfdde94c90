//! Every way a call to the usage anchor can fail, as Solidity custom errors.
#![allow(missing_docs)]
// `sol!` documents the errors; the generated fields need none.

use alloy_sol_types::sol;
pub use openzeppelin_stylus::access::ownable::{OwnableInvalidOwner, OwnableUnauthorizedAccount};
use openzeppelin_stylus::utils::cryptography::ecdsa;
pub use tributary_abi::errors::{
    ArithmeticOverflow, ExternalCallFailed, InvalidConfiguration, NativeTransferFailed, ZeroAmount,
};

sol! {
    /// The caller has no credited balance to withdraw.
    #[derive(Debug, PartialEq, Eq)]
    error NothingToWithdraw(address account);

    /// The caller is not the arbiter that resolves challenges.
    #[derive(Debug, PartialEq, Eq)]
    error NotChallengeArbiter(address account);
    /// The calldata of `anchorBatch` or `settle` is not a valid ABI encoding of its
    /// arguments (short, out-of-range offsets or lengths, or a value too wide for its type).
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
    /// `attestor` has `openChallenges` unresolved challenges; its bond stays at stake.
    #[derive(Debug, PartialEq, Eq)]
    error BondUnderChallenge(address attestor, uint32 openChallenges);

    /// A batch with `batchId` was already anchored (batch ids are usable once).
    #[derive(Debug, PartialEq, Eq)]
    error BatchAlreadyAnchored(bytes32 batchId);
    /// The batch is malformed: zero attestor, no receipts, or a period that is reversed or
    /// ends in the future.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidBatch(bytes32 batchId);
    /// The signature is not 65 bytes `r ‖ s ‖ v`.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidSignatureLength(uint256 length);
    /// The signature is not `attestor`'s over this batch, chain and contract.
    #[derive(Debug, PartialEq, Eq)]
    error BadSignature(bytes32 batchId, address attestor);
    /// No batch with `batchId` was anchored.
    #[derive(Debug, PartialEq, Eq)]
    error UnknownBatch(bytes32 batchId);
    /// The challenge window of the batch closed at `closedAt`.
    #[derive(Debug, PartialEq, Eq)]
    error ChallengeWindowClosed(bytes32 batchId, uint64 closedAt);
    /// The challenge window of the batch is open until `settleableAt`.
    #[derive(Debug, PartialEq, Eq)]
    error ChallengeWindowOpen(bytes32 batchId, uint64 settleableAt);
    /// A challenge must carry exactly the challenge bond.
    #[derive(Debug, PartialEq, Eq)]
    error WrongChallengeBond(uint256 sent, uint256 required);
    /// The batch was already challenged once (a batch can be challenged once).
    #[derive(Debug, PartialEq, Eq)]
    error BatchAlreadyChallenged(bytes32 batchId);
    /// The batch has an unresolved challenge.
    #[derive(Debug, PartialEq, Eq)]
    error BatchUnderChallenge(bytes32 batchId);
    /// The batch was voided by an upheld challenge.
    #[derive(Debug, PartialEq, Eq)]
    error BatchVoided(bytes32 batchId);
    /// The batch has no open challenge to resolve.
    #[derive(Debug, PartialEq, Eq)]
    error NoOpenChallenge(bytes32 batchId);

    /// `settle` was called without receipts.
    #[derive(Debug, PartialEq, Eq)]
    error EmptySettlement(bytes32 batchId);
    /// The receipts are not in the batch's Merkle tree (or the proof is malformed).
    #[derive(Debug, PartialEq, Eq)]
    error InvalidProof(bytes32 batchId);
    /// The receipt with this leaf was settled before.
    #[derive(Debug, PartialEq, Eq)]
    error ReceiptAlreadySettled(bytes32 leaf);
    /// The receipt names another attestor than the batch's.
    #[derive(Debug, PartialEq, Eq)]
    error ReceiptAttestorMismatch(bytes32 leaf, address attestor);
    /// The receipt's timestamp is outside the batch's period.
    #[derive(Debug, PartialEq, Eq)]
    error ReceiptOutsidePeriod(bytes32 leaf, uint64 timestamp);
    /// The receipt's dataset is not the license's.
    #[derive(Debug, PartialEq, Eq)]
    error WrongDataset(uint256 licenseId, uint256 datasetId);
    /// The receipt's usage unit is not the license's.
    #[derive(Debug, PartialEq, Eq)]
    error WrongUsageUnit(uint256 licenseId, uint8 unit);
    /// The license was revoked.
    #[derive(Debug, PartialEq, Eq)]
    error LicenseRevoked(uint256 licenseId);
    /// The license was not valid at `timestamp` (not started yet, or expired).
    #[derive(Debug, PartialEq, Eq)]
    error LicenseNotActive(uint256 licenseId, uint64 timestamp);
    /// The license does not grant `scope`.
    #[derive(Debug, PartialEq, Eq)]
    error ScopeNotLicensed(uint256 licenseId, uint256 scope);

}

tributary_abi::word_errors! {
    /// Every error of the usage anchor.
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
        /// See [`NothingToWithdraw`].
        NothingToWithdraw(NothingToWithdraw) [account],
        /// See [`OwnableUnauthorizedAccount`].
        UnauthorizedAccount(OwnableUnauthorizedAccount) [account],
        /// See [`OwnableInvalidOwner`].
        InvalidOwner(OwnableInvalidOwner) [owner],
        /// See [`NotChallengeArbiter`].
        NotChallengeArbiter(NotChallengeArbiter) [account],
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
        BatchAlreadyAnchored(BatchAlreadyAnchored) [batchId],
        /// See [`InvalidBatch`].
        InvalidBatch(InvalidBatch) [batchId],
        /// See [`InvalidSignatureLength`].
        InvalidSignatureLength(InvalidSignatureLength) [length],
        /// See [`BadSignature`].
        BadSignature(BadSignature) [batchId, attestor],
        /// The ECDSA signature recovers to no address (`ECDSAInvalidSignature`).
        EcdsaInvalidSignature(ecdsa::ECDSAInvalidSignature) [],
        /// The ECDSA signature's `s` is in the upper half order (`ECDSAInvalidSignatureS`).
        EcdsaInvalidSignatureS(ecdsa::ECDSAInvalidSignatureS) [s],
        /// See [`UnknownBatch`].
        UnknownBatch(UnknownBatch) [batchId],
        /// See [`ChallengeWindowClosed`].
        ChallengeWindowClosed(ChallengeWindowClosed) [batchId, closedAt],
        /// See [`ChallengeWindowOpen`].
        ChallengeWindowOpen(ChallengeWindowOpen) [batchId, settleableAt],
        /// See [`WrongChallengeBond`].
        WrongChallengeBond(WrongChallengeBond) [sent, required],
        /// See [`BatchAlreadyChallenged`].
        BatchAlreadyChallenged(BatchAlreadyChallenged) [batchId],
        /// See [`BatchUnderChallenge`].
        BatchUnderChallenge(BatchUnderChallenge) [batchId],
        /// See [`BatchVoided`].
        BatchVoided(BatchVoided) [batchId],
        /// See [`NoOpenChallenge`].
        NoOpenChallenge(NoOpenChallenge) [batchId],
        /// See [`EmptySettlement`].
        EmptySettlement(EmptySettlement) [batchId],
        /// See [`InvalidProof`].
        InvalidProof(InvalidProof) [batchId],
        /// See [`ReceiptAlreadySettled`].
        ReceiptAlreadySettled(ReceiptAlreadySettled) [leaf],
        /// See [`ReceiptAttestorMismatch`].
        ReceiptAttestorMismatch(ReceiptAttestorMismatch) [leaf, attestor],
        /// See [`ReceiptOutsidePeriod`].
        ReceiptOutsidePeriod(ReceiptOutsidePeriod) [leaf, timestamp],
        /// See [`WrongDataset`].
        WrongDataset(WrongDataset) [licenseId, datasetId],
        /// See [`WrongUsageUnit`].
        WrongUsageUnit(WrongUsageUnit) [licenseId, unit],
        /// See [`LicenseRevoked`].
        LicenseRevoked(LicenseRevoked) [licenseId],
        /// See [`LicenseNotActive`].
        LicenseNotActive(LicenseNotActive) [licenseId, timestamp],
        /// See [`ScopeNotLicensed`].
        ScopeNotLicensed(ScopeNotLicensed) [licenseId, scope],
    }
}

impl From<ecdsa::Error> for Error {
    fn from(error: ecdsa::Error) -> Self {
        match error {
            ecdsa::Error::InvalidSignature(e) => Self::EcdsaInvalidSignature(e),
            ecdsa::Error::InvalidSignatureS(e) => Self::EcdsaInvalidSignatureS(e),
        }
    }
}

/// Shorthand for an [`ArithmeticOverflow`] error.
pub(crate) fn overflow() -> Error {
    Error::ArithmeticOverflow(ArithmeticOverflow {})
}
