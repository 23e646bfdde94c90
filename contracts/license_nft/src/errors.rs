//! Every way a call to the license contract can fail, as Solidity custom errors.
//!
//! The contract's [`Error`] is flat (one variant per Solidity error) so that the exported
//! interface lists each error; the ERC-721 (EIP-6093), ownership and `SafeERC20` errors of the
//! `OpenZeppelin` components are re-exported unchanged and converted with `From`.
#![allow(missing_docs)] // `sol!` generates the fields; each error carries its doc comment.

use alloc::vec::Vec;

use alloy_primitives::Address;
use alloy_sol_types::sol;
use openzeppelin_stylus::{
    access::ownable::{self, OwnableInvalidOwner, OwnableUnauthorizedAccount},
    token::{
        erc20::utils::safe_erc20::SafeErc20FailedOperation,
        erc721::{
            self, ERC721IncorrectOwner, ERC721InsufficientApproval, ERC721InvalidApprover,
            ERC721InvalidOperator, ERC721InvalidOwner, ERC721InvalidReceiver, ERC721InvalidSender,
            ERC721NonexistentToken, InvalidReceiverWithReason,
        },
    },
};
use stylus_sdk::call::MethodError;

sol! {
    /// No offer has id `offerId`.
    #[derive(Debug)]
    error UnknownOffer(uint256 offerId);
    /// The attribution registry knows no dataset `datasetId`.
    #[derive(Debug)]
    error UnknownDataset(uint256 datasetId);
    /// `account` is not the owner of dataset `datasetId` in the attribution registry.
    #[derive(Debug)]
    error NotDatasetOwner(address account, uint256 datasetId);
    /// The scope is empty or grants a bit that no right is defined for.
    #[derive(Debug)]
    error InvalidScope(uint256 scope);
    /// The usage unit is not one of `scope::UNIT_*`.
    #[derive(Debug)]
    error InvalidUsageUnit(uint8 unit);
    /// Royalty tier lists differ in length or hold more than `MAX_ROYALTY_TIERS` entries.
    #[derive(Debug)]
    error InvalidTierCount(uint256 thresholds, uint256 bps);
    /// Tier `index` does not start at 0 (first tier) or above the previous tier's threshold.
    #[derive(Debug)]
    error InvalidTierThreshold(uint256 index, uint256 threshold);
    /// A royalty rate is above 10,000 basis points.
    #[derive(Debug)]
    error InvalidBps(uint256 bps);
    /// The arbiter is the zero address.
    #[derive(Debug)]
    error InvalidArbiter(address arbiter);
    /// The terms hash is zero: nothing binds the off-chain terms document.
    #[derive(Debug)]
    error InvalidTermsHash(bytes32 termsHash);
    /// The terms URI is empty.
    #[derive(Debug)]
    error EmptyTermsUri();
    /// The offer is paused: no new licenses until its owner unpauses it.
    #[derive(Debug)]
    error OfferIsPaused(uint256 offerId);
    /// The offer is retired for good.
    #[derive(Debug)]
    error OfferIsRetired(uint256 offerId);
    /// The offer has minted `maxSupply` licenses.
    #[derive(Debug)]
    error OfferSoldOut(uint256 offerId, uint32 maxSupply);
    /// A new max supply below the licenses already minted.
    #[derive(Debug)]
    error InvalidMaxSupply(uint32 maxSupply, uint32 minted);
    /// The offer's price is above what the buyer accepted.
    #[derive(Debug)]
    error PriceAboveMax(uint256 price, uint256 maxPrice);
    /// The native value sent is not what the offer requires (its price, or 0 for ERC-20 offers).
    #[derive(Debug)]
    error IncorrectPayment(uint256 expected, uint256 received);
    /// A counter or timestamp would overflow.
    #[derive(Debug)]
    error ArithmeticOverflow();
    /// The license's offer is soulbound: it cannot change hands.
    #[derive(Debug)]
    error SoulboundLicense(uint256 tokenId);
    /// The license was revoked by its arbiter.
    #[derive(Debug)]
    error RevokedLicense(uint256 tokenId);
    /// The license's offer does not allow ERC-4907 rentals.
    #[derive(Debug)]
    error RentalNotAllowed(uint256 tokenId);
    /// `account` is not the arbiter of the license's offer.
    #[derive(Debug)]
    error NotArbiter(address account, uint256 tokenId);
    /// `account` is not the configured usage anchor.
    #[derive(Debug)]
    error NotUsageAnchor(address account);
    /// The usage anchor is set once, and already is (`usageAnchor`).
    #[derive(Debug)]
    error UsageAnchorAlreadySet(address usageAnchor);
    /// A required address is zero.
    #[derive(Debug)]
    error ZeroAddress();
    /// A call to `target` (registry, splitter or payment token) failed; `reason` is its revert
    /// data.
    #[derive(Debug)]
    error ExternalCallFailed(address target, bytes reason);
}

/// Declares [`Error`] with one variant per Solidity error, the `From` conversions, the ABI
/// encoding, and (with `export-abi`) the list of errors and structs the exported interface
/// declares. This is what `#[derive(SolidityError)]` generates, plus the `LicenseTerms` struct
/// declaration: stylus-sdk 0.9's `export-abi` only declares types found in return values, so
/// without it `createOffer(LicenseTerms)` would name an undeclared struct.
macro_rules! contract_errors {
    ($($(#[$doc:meta])* $variant:ident($ty:ty),)*) => {
        /// Errors of the license contract.
        #[derive(Debug)]
        pub enum Error {
            $($(#[$doc])* $variant($ty),)*
        }

        $(impl From<$ty> for Error {
            fn from(e: $ty) -> Self {
                Self::$variant(e)
            }
        })*

        impl From<Error> for Vec<u8> {
            fn from(e: Error) -> Vec<u8> {
                match e {
                    $(Error::$variant(e) => alloy_sol_types::SolError::abi_encode(&e),)*
                }
            }
        }

        #[cfg(feature = "export-abi")]
        impl stylus_sdk::abi::export::internal::InnerTypes for Error {
            fn inner_types() -> Vec<stylus_sdk::abi::export::internal::InnerType> {
                use alloc::{format, vec};
                use core::any::TypeId;

                use alloy_sol_types::SolError;
                use stylus_sdk::abi::export::internal::InnerType;

                let mut types = vec![InnerType {
                    name: license_terms_declaration(),
                    id: TypeId::of::<tributary_abi::terms::LicenseTerms>(),
                }];
                $(types.push(InnerType {
                    name: format!("error {};", <$ty as SolError>::SIGNATURE.replace(',', ", ")),
                    id: TypeId::of::<$ty>(),
                });)*
                types
            }
        }
    };
}

contract_errors! {
    /// See [`ERC721InvalidOwner`].
    InvalidOwner(ERC721InvalidOwner),
    /// See [`ERC721NonexistentToken`].
    NonexistentToken(ERC721NonexistentToken),
    /// See [`ERC721IncorrectOwner`].
    IncorrectOwner(ERC721IncorrectOwner),
    /// See [`ERC721InvalidSender`].
    InvalidSender(ERC721InvalidSender),
    /// See [`ERC721InvalidReceiver`].
    InvalidReceiver(ERC721InvalidReceiver),
    /// See [`InvalidReceiverWithReason`].
    InvalidReceiverWithReason(InvalidReceiverWithReason),
    /// See [`ERC721InsufficientApproval`].
    InsufficientApproval(ERC721InsufficientApproval),
    /// See [`ERC721InvalidApprover`].
    InvalidApprover(ERC721InvalidApprover),
    /// See [`ERC721InvalidOperator`].
    InvalidOperator(ERC721InvalidOperator),
    /// See [`OwnableUnauthorizedAccount`].
    UnauthorizedAccount(OwnableUnauthorizedAccount),
    /// See [`OwnableInvalidOwner`].
    InvalidContractOwner(OwnableInvalidOwner),
    /// See [`SafeErc20FailedOperation`].
    SafeErc20FailedOperation(SafeErc20FailedOperation),
    /// See [`UnknownOffer`].
    UnknownOffer(UnknownOffer),
    /// See [`UnknownDataset`].
    UnknownDataset(UnknownDataset),
    /// See [`NotDatasetOwner`].
    NotDatasetOwner(NotDatasetOwner),
    /// See [`InvalidScope`].
    InvalidScope(InvalidScope),
    /// See [`InvalidUsageUnit`].
    InvalidUsageUnit(InvalidUsageUnit),
    /// See [`InvalidTierCount`].
    InvalidTierCount(InvalidTierCount),
    /// See [`InvalidTierThreshold`].
    InvalidTierThreshold(InvalidTierThreshold),
    /// See [`InvalidBps`].
    InvalidBps(InvalidBps),
    /// See [`InvalidArbiter`].
    InvalidArbiter(InvalidArbiter),
    /// See [`InvalidTermsHash`].
    InvalidTermsHash(InvalidTermsHash),
    /// See [`EmptyTermsUri`].
    EmptyTermsUri(EmptyTermsUri),
    /// See [`OfferIsPaused`].
    OfferIsPaused(OfferIsPaused),
    /// See [`OfferIsRetired`].
    OfferIsRetired(OfferIsRetired),
    /// See [`OfferSoldOut`].
    OfferSoldOut(OfferSoldOut),
    /// See [`InvalidMaxSupply`].
    InvalidMaxSupply(InvalidMaxSupply),
    /// See [`PriceAboveMax`].
    PriceAboveMax(PriceAboveMax),
    /// See [`IncorrectPayment`].
    IncorrectPayment(IncorrectPayment),
    /// See [`ArithmeticOverflow`].
    ArithmeticOverflow(ArithmeticOverflow),
    /// See [`SoulboundLicense`].
    SoulboundLicense(SoulboundLicense),
    /// See [`RevokedLicense`].
    RevokedLicense(RevokedLicense),
    /// See [`RentalNotAllowed`].
    RentalNotAllowed(RentalNotAllowed),
    /// See [`NotArbiter`].
    NotArbiter(NotArbiter),
    /// See [`NotUsageAnchor`].
    NotUsageAnchor(NotUsageAnchor),
    /// See [`UsageAnchorAlreadySet`].
    UsageAnchorAlreadySet(UsageAnchorAlreadySet),
    /// See [`ZeroAddress`].
    ZeroAddress(ZeroAddress),
    /// See [`ExternalCallFailed`].
    ExternalCallFailed(ExternalCallFailed),
}

/// `struct LicenseTerms { ... }` for the exported Solidity interface, from the `sol!` type.
#[cfg(feature = "export-abi")]
fn license_terms_declaration() -> alloc::string::String {
    use alloy_sol_types::SolStruct;

    let typed = tributary_abi::terms::LicenseTerms::eip712_root_type();
    let fields = typed
        .split_once('(')
        .map_or("", |(_, rest)| rest.trim_end_matches(')'));
    let mut out = alloc::string::String::from("struct LicenseTerms {");
    for field in fields.split(',') {
        out.push_str("\n        ");
        out.push_str(field);
        out.push(';');
    }
    out.push_str("\n    }");
    out
}

impl MethodError for Error {
    fn encode(self) -> Vec<u8> {
        self.into()
    }
}

impl From<erc721::Error> for Error {
    fn from(e: erc721::Error) -> Self {
        match e {
            erc721::Error::InvalidOwner(e) => Self::InvalidOwner(e),
            erc721::Error::NonexistentToken(e) => Self::NonexistentToken(e),
            erc721::Error::IncorrectOwner(e) => Self::IncorrectOwner(e),
            erc721::Error::InvalidSender(e) => Self::InvalidSender(e),
            erc721::Error::InvalidReceiver(e) => Self::InvalidReceiver(e),
            erc721::Error::InvalidReceiverWithReason(e) => Self::InvalidReceiverWithReason(e),
            erc721::Error::InsufficientApproval(e) => Self::InsufficientApproval(e),
            erc721::Error::InvalidApprover(e) => Self::InvalidApprover(e),
            erc721::Error::InvalidOperator(e) => Self::InvalidOperator(e),
        }
    }
}

impl From<ownable::Error> for Error {
    fn from(e: ownable::Error) -> Self {
        match e {
            ownable::Error::UnauthorizedAccount(e) => Self::UnauthorizedAccount(e),
            ownable::Error::InvalidOwner(e) => Self::InvalidContractOwner(e),
        }
    }
}

/// Wraps a failed cross-contract call to `target`, keeping its revert data.
#[allow(deprecated)] // the error type `sol_interface!` calls return in stylus-sdk 0.9
pub(crate) fn call_failed(target: Address, error: stylus_sdk::call::Error) -> Error {
    let reason = match error {
        stylus_sdk::call::Error::Revert(data) => data,
        stylus_sdk::call::Error::AbiDecodingFailed(_) => Vec::new(),
    };
    ExternalCallFailed {
        target,
        reason: reason.into(),
    }
    .into()
}

/// The error for any counter or timestamp overflow.
pub(crate) fn overflow() -> Error {
    ArithmeticOverflow {}.into()
}
