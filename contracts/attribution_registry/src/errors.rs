//! The registry's custom errors. Every bad input has its own error with the offending values.
//!
//! The `sol!` declarations are the ABI; [`Error`] is encoded as revert data by the compact
//! encoder in [`crate::abi`] (tested against alloy's `abi_encode` in `tests::encoding`).
#![allow(missing_docs)] // `sol!` expands the documented declarations below into undocumented items.

use alloc::vec::Vec;

use alloy_sol_types::{sol, SolError};
use openzeppelin_stylus::access::ownable::{OwnableInvalidOwner, OwnableUnauthorizedAccount};

use crate::abi::{self, Arg};

sol! {
    /// An address argument (splitter, license contract) is the zero address.
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
    /// A call to the splitter or the license contract reverted with `reason` (empty if it
    /// returned malformed data).
    #[derive(Debug)]
    error ExternalCallFailed(address target, bytes reason);
}

/// Every error the registry returns. Encoded as revert data by [`From<Error> for Vec<u8>`].
#[derive(Debug)]
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
    /// See [`ExternalCallFailed`].
    ExternalCallFailed(ExternalCallFailed),
    /// The caller is not the registry owner (`OwnableUnauthorizedAccount`).
    UnauthorizedAccount(OwnableUnauthorizedAccount),
    /// A new registry owner is invalid (`OwnableInvalidOwner`).
    InvalidOwner(OwnableInvalidOwner),
}

impl From<Error> for Vec<u8> {
    fn from(err: Error) -> Vec<u8> {
        /// `selector ++ args`.
        fn e(selector: [u8; 4], args: &[Arg<'_>]) -> Vec<u8> {
            abi::encode(&selector, args)
        }
        match err {
            Error::ZeroAddress(_) => e(ZeroAddress::SELECTOR, &[]),
            Error::LicenseNftAlreadySet(x) => e(
                LicenseNftAlreadySet::SELECTOR,
                &[Arg::Word(abi::address(x.current))],
            ),
            Error::LicenseNftNotSet(_) => e(LicenseNftNotSet::SELECTOR, &[]),
            Error::ZeroHash(_) => e(ZeroHash::SELECTOR, &[]),
            Error::DuplicateHash(x) => e(
                DuplicateHash::SELECTOR,
                &[Arg::Word(x.hash), Arg::Word(abi::uint(x.existingId))],
            ),
            Error::UnknownDataset(x) => e(
                UnknownDataset::SELECTOR,
                &[Arg::Word(abi::uint(x.datasetId))],
            ),
            Error::UnknownVersion(x) => e(
                UnknownVersion::SELECTOR,
                &[
                    Arg::Word(abi::uint(x.datasetId)),
                    Arg::Word(abi::uint(x.version)),
                ],
            ),
            Error::UnknownModel(x) => e(UnknownModel::SELECTOR, &[Arg::Word(abi::uint(x.modelId))]),
            Error::NotDatasetOwner(x) => e(
                NotDatasetOwner::SELECTOR,
                &[
                    Arg::Word(abi::uint(x.datasetId)),
                    Arg::Word(abi::address(x.account)),
                ],
            ),
            Error::NotModelOwner(x) => e(
                NotModelOwner::SELECTOR,
                &[
                    Arg::Word(abi::uint(x.modelId)),
                    Arg::Word(abi::address(x.account)),
                ],
            ),
            Error::NotPendingOwner(x) => e(
                NotPendingOwner::SELECTOR,
                &[
                    Arg::Word(abi::uint(x.id)),
                    Arg::Word(abi::address(x.account)),
                ],
            ),
            Error::LengthMismatch(x) => e(
                LengthMismatch::SELECTOR,
                &[
                    Arg::Word(abi::uint(x.expected)),
                    Arg::Word(abi::uint(x.actual)),
                ],
            ),
            Error::TooManyParents(x) => e(
                TooManyParents::SELECTOR,
                &[Arg::Word(abi::uint(x.count)), Arg::Word(abi::uint(x.max))],
            ),
            Error::TooDeep(x) => e(
                TooDeep::SELECTOR,
                &[Arg::Word(abi::uint(x.depth)), Arg::Word(abi::uint(x.max))],
            ),
            Error::TooManyAncestors(x) => e(
                TooManyAncestors::SELECTOR,
                &[Arg::Word(abi::uint(x.count)), Arg::Word(abi::uint(x.max))],
            ),
            Error::DuplicateParent(x) => e(
                DuplicateParent::SELECTOR,
                &[Arg::Word(abi::uint(x.parentId))],
            ),
            Error::DatasetWeightSum(x) => {
                e(DatasetWeightSum::SELECTOR, &[Arg::Word(abi::uint(x.sum))])
            }
            Error::ModelWeightSum(x) => e(ModelWeightSum::SELECTOR, &[Arg::Word(abi::uint(x.sum))]),
            Error::MissingLicense(x) => e(
                MissingLicense::SELECTOR,
                &[
                    Arg::Word(abi::uint(x.datasetId)),
                    Arg::Word(abi::uint(x.licenseId)),
                ],
            ),
            Error::ExternalCallFailed(x) => e(
                ExternalCallFailed::SELECTOR,
                &[Arg::Word(abi::address(x.target)), Arg::Bytes(&x.reason)],
            ),
            Error::UnauthorizedAccount(x) => e(
                OwnableUnauthorizedAccount::SELECTOR,
                &[Arg::Word(abi::address(x.account))],
            ),
            Error::InvalidOwner(x) => e(
                OwnableInvalidOwner::SELECTOR,
                &[Arg::Word(abi::address(x.owner))],
            ),
        }
    }
}

/// Lists the errors in the exported Solidity interface (what `#[derive(SolidityError)]` would
/// generate).
#[cfg(feature = "export-abi")]
impl stylus_sdk::abi::export::internal::InnerTypes for Error {
    fn inner_types() -> Vec<stylus_sdk::abi::export::internal::InnerType> {
        use alloc::{format, vec};
        use core::any::TypeId;

        use stylus_sdk::abi::export::internal::InnerType;

        fn entry<E: SolError + 'static>() -> InnerType {
            InnerType {
                name: format!("error {};", E::SIGNATURE.replace(',', ", ")),
                id: TypeId::of::<E>(),
            }
        }

        vec![
            entry::<ZeroAddress>(),
            entry::<LicenseNftAlreadySet>(),
            entry::<LicenseNftNotSet>(),
            entry::<ZeroHash>(),
            entry::<DuplicateHash>(),
            entry::<UnknownDataset>(),
            entry::<UnknownVersion>(),
            entry::<UnknownModel>(),
            entry::<NotDatasetOwner>(),
            entry::<NotModelOwner>(),
            entry::<NotPendingOwner>(),
            entry::<LengthMismatch>(),
            entry::<TooManyParents>(),
            entry::<TooDeep>(),
            entry::<TooManyAncestors>(),
            entry::<DuplicateParent>(),
            entry::<DatasetWeightSum>(),
            entry::<ModelWeightSum>(),
            entry::<MissingLicense>(),
            entry::<ExternalCallFailed>(),
            entry::<OwnableUnauthorizedAccount>(),
            entry::<OwnableInvalidOwner>(),
        ]
    }
}

impl From<ZeroAddress> for Error {
    fn from(err: ZeroAddress) -> Self {
        Self::ZeroAddress(err)
    }
}

impl From<LicenseNftAlreadySet> for Error {
    fn from(err: LicenseNftAlreadySet) -> Self {
        Self::LicenseNftAlreadySet(err)
    }
}

impl From<LicenseNftNotSet> for Error {
    fn from(err: LicenseNftNotSet) -> Self {
        Self::LicenseNftNotSet(err)
    }
}

impl From<ZeroHash> for Error {
    fn from(err: ZeroHash) -> Self {
        Self::ZeroHash(err)
    }
}

impl From<DuplicateHash> for Error {
    fn from(err: DuplicateHash) -> Self {
        Self::DuplicateHash(err)
    }
}

impl From<UnknownDataset> for Error {
    fn from(err: UnknownDataset) -> Self {
        Self::UnknownDataset(err)
    }
}

impl From<UnknownVersion> for Error {
    fn from(err: UnknownVersion) -> Self {
        Self::UnknownVersion(err)
    }
}

impl From<UnknownModel> for Error {
    fn from(err: UnknownModel) -> Self {
        Self::UnknownModel(err)
    }
}

impl From<NotDatasetOwner> for Error {
    fn from(err: NotDatasetOwner) -> Self {
        Self::NotDatasetOwner(err)
    }
}

impl From<NotModelOwner> for Error {
    fn from(err: NotModelOwner) -> Self {
        Self::NotModelOwner(err)
    }
}

impl From<NotPendingOwner> for Error {
    fn from(err: NotPendingOwner) -> Self {
        Self::NotPendingOwner(err)
    }
}

impl From<LengthMismatch> for Error {
    fn from(err: LengthMismatch) -> Self {
        Self::LengthMismatch(err)
    }
}

impl From<TooManyParents> for Error {
    fn from(err: TooManyParents) -> Self {
        Self::TooManyParents(err)
    }
}

impl From<TooDeep> for Error {
    fn from(err: TooDeep) -> Self {
        Self::TooDeep(err)
    }
}

impl From<TooManyAncestors> for Error {
    fn from(err: TooManyAncestors) -> Self {
        Self::TooManyAncestors(err)
    }
}

impl From<DuplicateParent> for Error {
    fn from(err: DuplicateParent) -> Self {
        Self::DuplicateParent(err)
    }
}

impl From<DatasetWeightSum> for Error {
    fn from(err: DatasetWeightSum) -> Self {
        Self::DatasetWeightSum(err)
    }
}

impl From<ModelWeightSum> for Error {
    fn from(err: ModelWeightSum) -> Self {
        Self::ModelWeightSum(err)
    }
}

impl From<MissingLicense> for Error {
    fn from(err: MissingLicense) -> Self {
        Self::MissingLicense(err)
    }
}

impl From<ExternalCallFailed> for Error {
    fn from(err: ExternalCallFailed) -> Self {
        Self::ExternalCallFailed(err)
    }
}
