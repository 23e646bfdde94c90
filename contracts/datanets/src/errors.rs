//! Every way a call to the Datanets contract can fail, as Solidity custom errors.
#![allow(missing_docs)] // `sol!` documents the errors; the generated fields need none.

use alloy_sol_types::sol;
pub use tributary_abi::errors::{
    ECDSAInvalidSignature, ECDSAInvalidSignatureS, ExternalCallFailed, InvalidConfiguration,
    InvalidSignatureLength, NativeTransferFailed, NotDatasetOwner, NothingToWithdraw,
    SafeErc20FailedOperation, UnknownDataset,
};

sol! {
    /// Dataset `datasetId` takes no contributions or reports: no Datanet was opened for it, or
    /// it was closed.
    #[derive(Debug, PartialEq, Eq)]
    error DatanetNotOpen(uint256 datasetId);
    /// The dataset's split (`splitId`) is controlled by `controller`, not by this contract: the
    /// owner must first call `registry.handOverSplit(datasetId, datanets)`.
    #[derive(Debug, PartialEq, Eq)]
    error SplitNotHandedOver(uint256 datasetId, uint256 splitId, address controller);
    /// A Datanet's stake token is fixed when it opens (`current`); stakes are refunded in it.
    #[derive(Debug, PartialEq, Eq)]
    error StakeTokenFixed(uint256 datasetId, address current);
    /// A contribution must carry exactly the stake: `sent` native currency (or a non-zero value
    /// with an ERC-20 stake) against `required`.
    #[derive(Debug, PartialEq, Eq)]
    error WrongStake(uint256 sent, uint256 required);
    /// A contribution's content hash is zero.
    #[derive(Debug, PartialEq, Eq)]
    error ZeroContentHash();
    /// No contribution has this id.
    #[derive(Debug, PartialEq, Eq)]
    error UnknownContribution(uint256 contributionId);
    /// `account` is neither the dataset's curator nor its owner.
    #[derive(Debug, PartialEq, Eq)]
    error NotCurator(uint256 datasetId, address account);
    /// The contribution was already reviewed or expired (`status`, see `attribution::status`).
    #[derive(Debug, PartialEq, Eq)]
    error ContributionNotPending(uint256 contributionId, uint8 status);
    /// The contribution's review window closed at `deadline`; its contributor may take the
    /// stake back.
    #[derive(Debug, PartialEq, Eq)]
    error ReviewWindowClosed(uint256 contributionId, uint64 deadline);
    /// A verdict is 1 (accept), 2 (reject) or 3 (flag).
    #[derive(Debug, PartialEq, Eq)]
    error InvalidVerdict(uint8 verdict);
    /// The contribution's stake can be withdrawn from `unlockAt` (an accepted contribution after
    /// its lock, a pending one after its review window).
    #[derive(Debug, PartialEq, Eq)]
    error StakeLocked(uint256 contributionId, uint64 unlockAt);
    /// The report's deadline passed.
    #[derive(Debug, PartialEq, Eq)]
    error ReportExpired(uint256 datasetId, uint64 deadline);
    /// A report must open the dataset's next epoch, `expected`.
    #[derive(Debug, PartialEq, Eq)]
    error WrongEpoch(uint256 datasetId, uint64 epoch, uint64 expected);
    /// A report for epoch `epoch` is already waiting out its veto window.
    #[derive(Debug, PartialEq, Eq)]
    error ReportPending(uint256 datasetId, uint64 epoch);
    /// The report's root is zero, or its total weight is zero or above `2^64 - 1`.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidReport(uint256 datasetId);
    /// The dataset has no version `version` (versions are numbered from 1).
    #[derive(Debug, PartialEq, Eq)]
    error UnknownDatasetVersion(uint256 datasetId, uint256 version);
    /// `account` (the report's signer) is not an evaluator of the dataset.
    #[derive(Debug, PartialEq, Eq)]
    error NotEvaluator(uint256 datasetId, address account);
    /// The owner vetoed this report (its EIP-712 digest); it cannot be posted again.
    #[derive(Debug, PartialEq, Eq)]
    error ReportAlreadyVetoed(bytes32 digest);
    /// The dataset has no report waiting.
    #[derive(Debug, PartialEq, Eq)]
    error NoPendingReport(uint256 datasetId);
    /// The veto window of the pending report closed at `endsAt`.
    #[derive(Debug, PartialEq, Eq)]
    error VetoWindowClosed(uint256 datasetId, uint64 endsAt);
    /// The pending report can be activated from `endsAt`, when its veto window closes.
    #[derive(Debug, PartialEq, Eq)]
    error VetoWindowOpen(uint256 datasetId, uint64 endsAt);
}

tributary_abi::word_errors! {
    /// Every error of the Datanets contract.
    pub enum Error {
        /// See [`UnknownDataset`].
        UnknownDataset(UnknownDataset) [datasetId],
        /// See [`NotDatasetOwner`].
        NotDatasetOwner(NotDatasetOwner) [datasetId, account],
        /// See [`InvalidConfiguration`].
        InvalidConfiguration(InvalidConfiguration) [],
        /// See [`ExternalCallFailed`].
        ExternalCallFailed(ExternalCallFailed) [target] tail reason,
        /// See [`NativeTransferFailed`].
        NativeTransferFailed(NativeTransferFailed) [to, amount],
        /// See [`NothingToWithdraw`].
        NothingToWithdraw(NothingToWithdraw) [account],
        /// See [`SafeErc20FailedOperation`].
        SafeErc20FailedOperation(SafeErc20FailedOperation) [token],
        /// See [`InvalidSignatureLength`].
        InvalidSignatureLength(InvalidSignatureLength) [length],
        /// See [`ECDSAInvalidSignature`].
        ECDSAInvalidSignature(ECDSAInvalidSignature) [],
        /// See [`ECDSAInvalidSignatureS`].
        ECDSAInvalidSignatureS(ECDSAInvalidSignatureS) [s],
        /// See [`DatanetNotOpen`].
        DatanetNotOpen(DatanetNotOpen) [datasetId],
        /// See [`SplitNotHandedOver`].
        SplitNotHandedOver(SplitNotHandedOver) [datasetId, splitId, controller],
        /// See [`StakeTokenFixed`].
        StakeTokenFixed(StakeTokenFixed) [datasetId, current],
        /// See [`WrongStake`].
        WrongStake(WrongStake) [sent, required],
        /// See [`ZeroContentHash`].
        ZeroContentHash(ZeroContentHash) [],
        /// See [`UnknownContribution`].
        UnknownContribution(UnknownContribution) [contributionId],
        /// See [`NotCurator`].
        NotCurator(NotCurator) [datasetId, account],
        /// See [`ContributionNotPending`].
        ContributionNotPending(ContributionNotPending) [contributionId, status],
        /// See [`ReviewWindowClosed`].
        ReviewWindowClosed(ReviewWindowClosed) [contributionId, deadline],
        /// See [`InvalidVerdict`].
        InvalidVerdict(InvalidVerdict) [verdict],
        /// See [`StakeLocked`].
        StakeLocked(StakeLocked) [contributionId, unlockAt],
        /// See [`ReportExpired`].
        ReportExpired(ReportExpired) [datasetId, deadline],
        /// See [`WrongEpoch`].
        WrongEpoch(WrongEpoch) [datasetId, epoch, expected],
        /// See [`ReportPending`].
        ReportPending(ReportPending) [datasetId, epoch],
        /// See [`InvalidReport`].
        InvalidReport(InvalidReport) [datasetId],
        /// See [`UnknownDatasetVersion`].
        UnknownDatasetVersion(UnknownDatasetVersion) [datasetId, version],
        /// See [`NotEvaluator`].
        NotEvaluator(NotEvaluator) [datasetId, account],
        /// See [`ReportAlreadyVetoed`].
        ReportAlreadyVetoed(ReportAlreadyVetoed) [digest],
        /// See [`NoPendingReport`].
        NoPendingReport(NoPendingReport) [datasetId],
        /// See [`VetoWindowClosed`].
        VetoWindowClosed(VetoWindowClosed) [datasetId, endsAt],
        /// See [`VetoWindowOpen`].
        VetoWindowOpen(VetoWindowOpen) [datasetId, endsAt],
    }
}

impl From<tributary_abi::eip712::SignatureError> for Error {
    fn from(error: tributary_abi::eip712::SignatureError) -> Self {
        error.into_error()
    }
}
