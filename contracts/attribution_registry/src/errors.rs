//! The registry's custom errors. Every bad input has its own error with the offending values.
//!
//! The `sol!` declarations (and the shared ones of `tributary_abi::errors`) are the ABI;
//! [`Error`] is encoded as revert data by `tributary_abi::word_errors!` (tested against alloy's
//! `abi_encode` in `tests::encoding`).
#![allow(missing_docs)] // `sol!` expands the documented declarations below into undocumented items.

use alloy_sol_types::sol;
pub use openzeppelin_stylus::access::ownable::{OwnableInvalidOwner, OwnableUnauthorizedAccount};
pub use tributary_abi::errors::{
    ExternalCallFailed, LengthMismatch, NotDatasetOwner, NotModelOwner, UnknownDataset,
    UnknownModel, ZeroAddress,
};

sol! {
    /// The license contract has already been set; it can be set once.
    #[derive(Debug)]
    error LicenseNftAlreadySet(address current);
    /// A model with parent datasets needs the license contract, which is not set yet.
    #[derive(Debug)]
    error LicenseNftNotSet();
    /// A content or model hash is zero.
    #[derive(Debug)]
    error ZeroHash();
    /// The hash is already registered (as a dataset version, or as a model).
    #[derive(Debug)]
    error DuplicateHash(bytes32 hash, uint256 existingId);
    /// The dataset (or the model, whose asset id `2^63 + modelId` is given) has no version with
    /// this number (versions are numbered from 1).
    #[derive(Debug)]
    error UnknownVersion(uint256 datasetId, uint256 version);
    /// `account` is not the pending owner of dataset or model `id`.
    #[derive(Debug)]
    error NotPendingOwner(uint256 id, address account);
    /// More parents (datasets plus models) than `max`.
    #[derive(Debug)]
    error TooManyParents(uint256 count, uint256 max);
    /// The model would sit at `depth` in the lineage, deeper than `max`.
    #[derive(Debug)]
    error TooDeep(uint256 depth, uint256 max);
    /// The model would have `count` distinct ancestor models, more than `max`.
    #[derive(Debug)]
    error TooManyAncestors(uint256 count, uint256 max);
    /// The same parent appears twice.
    #[derive(Debug)]
    error DuplicateParent(uint256 parentId);
    /// Parent dataset weights must sum to exactly 10,000 (they sum to `sum`).
    #[derive(Debug)]
    error DatasetWeightSum(uint256 sum);
    /// Parent model shares must sum to at most 10,000 basis points (they sum to `sum`).
    #[derive(Debug)]
    error ModelWeightSum(uint256 sum);
    /// The caller's license `licenseId` is not valid for TRAIN and DERIVATIVES on `datasetId`.
    #[derive(Debug)]
    error MissingLicense(uint256 datasetId, uint256 licenseId);
    /// The caller's license `licenseId` is not valid for `FINE_TUNE` and DERIVATIVES on parent
    /// model `modelId` (license 0 is accepted only from the parent model's holder).
    #[derive(Debug)]
    error MissingModelLicense(uint256 modelId, uint256 licenseId);
    /// The model token contract has already been set; it can be set once.
    #[derive(Debug)]
    error ModelNftAlreadySet(address current);
    /// Models are tokens: none can be registered before the model token contract is set.
    #[derive(Debug)]
    error ModelNftNotSet();
    /// Only the model token contract reports a model changing hands; `account` is not it.
    #[derive(Debug)]
    error NotModelNft(address account);
}

tributary_abi::word_errors! {
    /// Every error the registry returns.
    pub enum Error {
            /// See [`ZeroAddress`].
        ZeroAddress(ZeroAddress) [],
            /// See [`LicenseNftAlreadySet`].
        LicenseNftAlreadySet(LicenseNftAlreadySet) [current],
            /// See [`LicenseNftNotSet`].
        LicenseNftNotSet(LicenseNftNotSet) [],
            /// See [`ZeroHash`].
        ZeroHash(ZeroHash) [],
            /// See [`DuplicateHash`].
        DuplicateHash(DuplicateHash) [hash, existingId],
            /// See [`UnknownDataset`].
        UnknownDataset(UnknownDataset) [datasetId],
            /// See [`UnknownVersion`].
        UnknownVersion(UnknownVersion) [datasetId, version],
            /// See [`UnknownModel`].
        UnknownModel(UnknownModel) [modelId],
            /// See [`NotDatasetOwner`].
        NotDatasetOwner(NotDatasetOwner) [datasetId, account],
            /// See [`NotModelOwner`].
        NotModelOwner(NotModelOwner) [modelId, account],
            /// See [`NotPendingOwner`].
        NotPendingOwner(NotPendingOwner) [id, account],
            /// See [`LengthMismatch`].
        LengthMismatch(LengthMismatch) [expected, actual],
            /// See [`TooManyParents`].
        TooManyParents(TooManyParents) [count, max],
            /// See [`TooDeep`].
        TooDeep(TooDeep) [depth, max],
            /// See [`TooManyAncestors`].
        TooManyAncestors(TooManyAncestors) [count, max],
            /// See [`DuplicateParent`].
        DuplicateParent(DuplicateParent) [parentId],
            /// See [`DatasetWeightSum`].
        DatasetWeightSum(DatasetWeightSum) [sum],
            /// See [`ModelWeightSum`].
        ModelWeightSum(ModelWeightSum) [sum],
            /// See [`MissingLicense`].
        MissingLicense(MissingLicense) [datasetId, licenseId],
            /// See [`MissingModelLicense`].
        MissingModelLicense(MissingModelLicense) [modelId, licenseId],
            /// See [`ModelNftAlreadySet`].
        ModelNftAlreadySet(ModelNftAlreadySet) [current],
            /// See [`ModelNftNotSet`].
        ModelNftNotSet(ModelNftNotSet) [],
            /// See [`NotModelNft`].
        NotModelNft(NotModelNft) [account],
            /// See [`ExternalCallFailed`].
        ExternalCallFailed(ExternalCallFailed) [target] tail reason,
            /// The caller is not the registry owner (`OwnableUnauthorizedAccount`).
        UnauthorizedAccount(OwnableUnauthorizedAccount) [account],
            /// A new registry owner is invalid (`OwnableInvalidOwner`).
        InvalidOwner(OwnableInvalidOwner) [owner],
    }
}
