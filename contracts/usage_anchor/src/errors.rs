//! Every way a call to the usage anchor can fail, as Solidity custom errors.
#![allow(missing_docs)]
// `sol!` documents the errors; the generated fields need none.
// With export-abi the `SolidityError` derive replaces the compact encoder below.
#![cfg_attr(feature = "export-abi", allow(unused_imports, unused_macros))]

use alloc::vec::Vec;

use alloy_sol_types::{sol, SolError};
use openzeppelin_stylus::utils::cryptography::ecdsa;
#[cfg(feature = "export-abi")]
use stylus_sdk::prelude::*;
use tributary_abi::abi_words::{selector_and_words, Word};

sol! {
    /// A constructor argument is invalid (zero address, zero window, zero bond).
    #[derive(Debug, PartialEq, Eq)]
    error InvalidConfiguration();
    /// A sum or product overflowed 256 (or 64) bits.
    #[derive(Debug, PartialEq, Eq)]
    error ArithmeticOverflow();
    /// An amount that must be positive is zero.
    #[derive(Debug, PartialEq, Eq)]
    error ZeroAmount();
    /// A call to `target` reverted.
    #[derive(Debug, PartialEq, Eq)]
    error ExternalCallFailed(address target);
    /// Sending `amount` of native currency to `to` failed.
    #[derive(Debug, PartialEq, Eq)]
    error NativeTransferFailed(address to, uint256 amount);
    /// The caller has no credited balance to withdraw.
    #[derive(Debug, PartialEq, Eq)]
    error NothingToWithdraw(address account);

    /// The caller is not the owner (`OpenZeppelin` `Ownable`'s error).
    #[derive(Debug, PartialEq, Eq)]
    error OwnableUnauthorizedAccount(address account);
    /// The zero address cannot own the contract (`OpenZeppelin` `Ownable`'s error).
    #[derive(Debug, PartialEq, Eq)]
    error OwnableInvalidOwner(address owner);
    /// The caller is not the arbiter.
    #[derive(Debug, PartialEq, Eq)]
    error NotArbiter(address account);
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

/// An error of the usage anchor.
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
    /// See [`NothingToWithdraw`].
    NothingToWithdraw(NothingToWithdraw),
    /// See [`OwnableUnauthorizedAccount`].
    UnauthorizedAccount(OwnableUnauthorizedAccount),
    /// See [`OwnableInvalidOwner`].
    InvalidOwner(OwnableInvalidOwner),
    /// See [`NotArbiter`].
    NotArbiter(NotArbiter),
    /// See [`MalformedCalldata`].
    MalformedCalldata(MalformedCalldata),
    /// See [`AttestorNotAllowed`].
    AttestorNotAllowed(AttestorNotAllowed),
    /// See [`InsufficientBond`].
    InsufficientBond(InsufficientBond),
    /// See [`AttestorExiting`].
    AttestorExiting(AttestorExiting),
    /// See [`ExitNotRequested`].
    ExitNotRequested(ExitNotRequested),
    /// See [`BondLocked`].
    BondLocked(BondLocked),
    /// See [`BondUnderChallenge`].
    BondUnderChallenge(BondUnderChallenge),
    /// See [`BatchAlreadyAnchored`].
    BatchAlreadyAnchored(BatchAlreadyAnchored),
    /// See [`InvalidBatch`].
    InvalidBatch(InvalidBatch),
    /// See [`InvalidSignatureLength`].
    InvalidSignatureLength(InvalidSignatureLength),
    /// See [`BadSignature`].
    BadSignature(BadSignature),
    /// The ECDSA signature recovers to no address (`ECDSAInvalidSignature`).
    EcdsaInvalidSignature(ecdsa::ECDSAInvalidSignature),
    /// The ECDSA signature's `s` is in the upper half order (`ECDSAInvalidSignatureS`).
    EcdsaInvalidSignatureS(ecdsa::ECDSAInvalidSignatureS),
    /// See [`UnknownBatch`].
    UnknownBatch(UnknownBatch),
    /// See [`ChallengeWindowClosed`].
    ChallengeWindowClosed(ChallengeWindowClosed),
    /// See [`ChallengeWindowOpen`].
    ChallengeWindowOpen(ChallengeWindowOpen),
    /// See [`WrongChallengeBond`].
    WrongChallengeBond(WrongChallengeBond),
    /// See [`BatchAlreadyChallenged`].
    BatchAlreadyChallenged(BatchAlreadyChallenged),
    /// See [`BatchUnderChallenge`].
    BatchUnderChallenge(BatchUnderChallenge),
    /// See [`BatchVoided`].
    BatchVoided(BatchVoided),
    /// See [`NoOpenChallenge`].
    NoOpenChallenge(NoOpenChallenge),
    /// See [`EmptySettlement`].
    EmptySettlement(EmptySettlement),
    /// See [`InvalidProof`].
    InvalidProof(InvalidProof),
    /// See [`ReceiptAlreadySettled`].
    ReceiptAlreadySettled(ReceiptAlreadySettled),
    /// See [`ReceiptAttestorMismatch`].
    ReceiptAttestorMismatch(ReceiptAttestorMismatch),
    /// See [`ReceiptOutsidePeriod`].
    ReceiptOutsidePeriod(ReceiptOutsidePeriod),
    /// See [`WrongDataset`].
    WrongDataset(WrongDataset),
    /// See [`WrongUsageUnit`].
    WrongUsageUnit(WrongUsageUnit),
    /// See [`LicenseRevoked`].
    LicenseRevoked(LicenseRevoked),
    /// See [`LicenseNotActive`].
    LicenseNotActive(LicenseNotActive),
    /// See [`ScopeNotLicensed`].
    ScopeNotLicensed(ScopeNotLicensed),
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
        NothingToWithdraw(NothingToWithdraw) [account],
        UnauthorizedAccount(OwnableUnauthorizedAccount) [account],
        InvalidOwner(OwnableInvalidOwner) [owner],
        NotArbiter(NotArbiter) [account],
        MalformedCalldata(MalformedCalldata) [],
        AttestorNotAllowed(AttestorNotAllowed) [attestor],
        InsufficientBond(InsufficientBond) [attestor, bond, required],
        AttestorExiting(AttestorExiting) [attestor],
        ExitNotRequested(ExitNotRequested) [attestor],
        BondLocked(BondLocked) [attestor, unlocksAt],
        BondUnderChallenge(BondUnderChallenge) [attestor, openChallenges],
        BatchAlreadyAnchored(BatchAlreadyAnchored) [batchId],
        InvalidBatch(InvalidBatch) [batchId],
        InvalidSignatureLength(InvalidSignatureLength) [length],
        BadSignature(BadSignature) [batchId, attestor],
        EcdsaInvalidSignature(ecdsa::ECDSAInvalidSignature) [],
        EcdsaInvalidSignatureS(ecdsa::ECDSAInvalidSignatureS) [s],
        UnknownBatch(UnknownBatch) [batchId],
        ChallengeWindowClosed(ChallengeWindowClosed) [batchId, closedAt],
        ChallengeWindowOpen(ChallengeWindowOpen) [batchId, settleableAt],
        WrongChallengeBond(WrongChallengeBond) [sent, required],
        BatchAlreadyChallenged(BatchAlreadyChallenged) [batchId],
        BatchUnderChallenge(BatchUnderChallenge) [batchId],
        BatchVoided(BatchVoided) [batchId],
        NoOpenChallenge(NoOpenChallenge) [batchId],
        EmptySettlement(EmptySettlement) [batchId],
        InvalidProof(InvalidProof) [batchId],
        ReceiptAlreadySettled(ReceiptAlreadySettled) [leaf],
        ReceiptAttestorMismatch(ReceiptAttestorMismatch) [leaf, attestor],
        ReceiptOutsidePeriod(ReceiptOutsidePeriod) [leaf, timestamp],
        WrongDataset(WrongDataset) [licenseId, datasetId],
        WrongUsageUnit(WrongUsageUnit) [licenseId, unit],
        LicenseRevoked(LicenseRevoked) [licenseId],
        LicenseNotActive(LicenseNotActive) [licenseId, timestamp],
        ScopeNotLicensed(ScopeNotLicensed) [licenseId, scope],
        }
    }
}

#[cfg(not(feature = "export-abi"))]
impl stylus_sdk::call::MethodError for Error {
    fn encode(self) -> Vec<u8> {
        self.into()
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

/// Shorthand for an [`ExternalCallFailed`] error.
pub(crate) fn call_failed(target: alloy_primitives::Address) -> Error {
    Error::ExternalCallFailed(ExternalCallFailed { target })
}
