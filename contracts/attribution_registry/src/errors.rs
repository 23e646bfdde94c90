//! The registry's custom errors. Every bad input has its own error with the offending values.
#![allow(missing_docs)] // `sol!` expands the documented declarations below into undocumented items.

use alloy_sol_types::sol;
use openzeppelin_stylus::{access::ownable, token::erc20::utils::safe_erc20};
use stylus_sdk::prelude::*;

sol! {
    /// An address argument (splitter, license contract, token) is the zero address.
    #[derive(Debug)]
    error ZeroAddress();
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
    /// No dataset has this id.
    #[derive(Debug)]
    error UnknownDataset(uint256 datasetId);
    /// The dataset has no version with this number (versions are numbered from 1).
    #[derive(Debug)]
    error UnknownVersion(uint256 datasetId, uint256 version);
    /// No model has this id.
    #[derive(Debug)]
    error UnknownModel(uint256 modelId);
    /// `account` does not own dataset `datasetId`.
    #[derive(Debug)]
    error NotDatasetOwner(uint256 datasetId, address account);
    /// `account` does not own model `modelId`.
    #[derive(Debug)]
    error NotModelOwner(uint256 modelId, address account);
    /// `account` is not the pending owner of dataset or model `id`.
    #[derive(Debug)]
    error NotPendingOwner(uint256 id, address account);
    /// Two arrays that must be aligned have different lengths.
    #[derive(Debug)]
    error LengthMismatch(uint256 expected, uint256 actual);
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
    /// A revenue report of zero.
    #[derive(Debug)]
    error ZeroRevenue();
    /// Model `modelId`'s cumulative revenue would overflow.
    #[derive(Debug)]
    error RevenueOverflow(uint256 modelId);
    /// A call to the splitter, the license contract or a token reverted with `reason`.
    #[derive(Debug)]
    error ExternalCallFailed(address target, bytes reason);
}

/// Every error the registry returns.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// See [`ZeroAddress`].
    ZeroAddress(ZeroAddress),
    /// See [`LicenseNftAlreadySet`].
    LicenseNftAlreadySet(LicenseNftAlreadySet),
    /// See [`LicenseNftNotSet`].
    LicenseNftNotSet(LicenseNftNotSet),
    /// See [`ZeroHash`].
    ZeroHash(ZeroHash),
    /// See [`DuplicateHash`].
    DuplicateHash(DuplicateHash),
    /// See [`UnknownDataset`].
    UnknownDataset(UnknownDataset),
    /// See [`UnknownVersion`].
    UnknownVersion(UnknownVersion),
    /// See [`UnknownModel`].
    UnknownModel(UnknownModel),
    /// See [`NotDatasetOwner`].
    NotDatasetOwner(NotDatasetOwner),
    /// See [`NotModelOwner`].
    NotModelOwner(NotModelOwner),
    /// See [`NotPendingOwner`].
    NotPendingOwner(NotPendingOwner),
    /// See [`LengthMismatch`].
    LengthMismatch(LengthMismatch),
    /// See [`TooManyParents`].
    TooManyParents(TooManyParents),
    /// See [`TooDeep`].
    TooDeep(TooDeep),
    /// See [`TooManyAncestors`].
    TooManyAncestors(TooManyAncestors),
    /// See [`DuplicateParent`].
    DuplicateParent(DuplicateParent),
    /// See [`DatasetWeightSum`].
    DatasetWeightSum(DatasetWeightSum),
    /// See [`ModelWeightSum`].
    ModelWeightSum(ModelWeightSum),
    /// See [`MissingLicense`].
    MissingLicense(MissingLicense),
    /// See [`ZeroRevenue`].
    ZeroRevenue(ZeroRevenue),
    /// See [`RevenueOverflow`].
    RevenueOverflow(RevenueOverflow),
    /// See [`ExternalCallFailed`].
    ExternalCallFailed(ExternalCallFailed),
    /// The caller is not the registry owner (`OwnableUnauthorizedAccount`).
    UnauthorizedAccount(ownable::OwnableUnauthorizedAccount),
    /// A new registry owner is invalid (`OwnableInvalidOwner`).
    InvalidOwner(ownable::OwnableInvalidOwner),
    /// A token transfer or approval failed (`SafeErc20FailedOperation`).
    SafeErc20FailedOperation(safe_erc20::SafeErc20FailedOperation),
}

impl From<ownable::Error> for Error {
    fn from(err: ownable::Error) -> Self {
        match err {
            ownable::Error::UnauthorizedAccount(e) => Self::UnauthorizedAccount(e),
            ownable::Error::InvalidOwner(e) => Self::InvalidOwner(e),
        }
    }
}
