//! Every way a call to the offers contract can fail, as Solidity custom errors.
//!
//! The contract's [`Error`] is flat (one variant per Solidity error) so that the exported
//! interface lists each error. Contract builds encode errors with
//! [`tributary_abi::abi_words::encode`] (same bytes as alloy's `abi_encode`, checked by the
//! tests, much smaller code).
#![allow(missing_docs)] // `sol!` generates the fields; each error carries its doc comment.

use alloy_sol_types::sol;
use openzeppelin_stylus::token::{
    erc20::utils::safe_erc20::SafeErc20FailedOperation, erc721::ERC721InvalidReceiver,
};
pub use tributary_abi::errors::{
    ArithmeticOverflow, ExternalCallFailed, NotDatasetOwner, NotModelOwner, UnknownDataset,
    UnknownModel, UnknownOffer, ZeroAddress,
};

sol! {
    /// The scope is empty or grants a bit that no right is defined for.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidScope(uint256 scope);
    /// The usage unit is not one of `scope::UNIT_*`.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidUsageUnit(uint8 unit);
    /// The price is above `MAX_PRICE` (2^96 − 1 of the payment token's smallest unit).
    #[derive(Debug, PartialEq, Eq)]
    error InvalidPrice(uint256 price);
    /// The usage rate is above `MAX_USAGE_RATE` (2^96 − 1) per usage unit.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidUsageRate(uint256 rate);
    /// Royalty tier lists differ in length or hold more than `MAX_ROYALTY_TIERS` entries.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidTierCount(uint256 thresholds, uint256 bps);
    /// Tier `index` does not start at 0 (first tier) or above the previous tier's threshold.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidTierThreshold(uint256 index, uint256 threshold);
    /// A royalty rate is above 10,000 basis points.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidBps(uint256 bps);
    /// The arbiter is the zero address.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidArbiter(address arbiter);
    /// The license duration is above `MAX_DURATION` seconds (use 0 for a perpetual license).
    #[derive(Debug, PartialEq, Eq)]
    error InvalidDuration(uint64 duration);
    /// The terms hash is zero: nothing binds the off-chain terms document.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidTermsHash(bytes32 termsHash);
    /// The terms URI is empty.
    #[derive(Debug, PartialEq, Eq)]
    error EmptyTermsUri();
    /// The offer is paused: no new licenses until its owner unpauses it.
    #[derive(Debug, PartialEq, Eq)]
    error OfferIsPaused(uint256 offerId);
    /// The offer is retired for good.
    #[derive(Debug, PartialEq, Eq)]
    error OfferIsRetired(uint256 offerId);
    /// The offer has minted `maxSupply` licenses.
    #[derive(Debug, PartialEq, Eq)]
    error OfferSoldOut(uint256 offerId, uint32 maxSupply);
    /// A new max supply below the licenses already minted.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidMaxSupply(uint32 maxSupply, uint32 minted);
    /// The offer's price is above what the buyer accepted.
    #[derive(Debug, PartialEq, Eq)]
    error PriceAboveMax(uint256 price, uint256 maxPrice);
    /// The native value sent is not what the offer requires (its price, or 0 for ERC-20 offers).
    #[derive(Debug, PartialEq, Eq)]
    error IncorrectPayment(uint256 expected, uint256 received);
}

tributary_abi::word_errors! {
    /// Errors of the offers contract.
    pub enum Error {
        /// See [`ERC721InvalidReceiver`] (a license minted to the zero address).
        InvalidReceiver(ERC721InvalidReceiver) [receiver],
        /// See [`SafeErc20FailedOperation`].
        SafeErc20FailedOperation(SafeErc20FailedOperation) [token],
        /// See [`UnknownOffer`].
        UnknownOffer(UnknownOffer) [offerId],
        /// See [`UnknownDataset`].
        UnknownDataset(UnknownDataset) [datasetId],
        /// See [`NotDatasetOwner`].
        NotDatasetOwner(NotDatasetOwner) [datasetId, account],
        /// See [`UnknownModel`].
        UnknownModel(UnknownModel) [modelId],
        /// See [`NotModelOwner`].
        NotModelOwner(NotModelOwner) [modelId, account],
        /// See [`InvalidScope`].
        InvalidScope(InvalidScope) [scope],
        /// See [`InvalidUsageUnit`].
        InvalidUsageUnit(InvalidUsageUnit) [unit],
        /// See [`InvalidPrice`].
        InvalidPrice(InvalidPrice) [price],
        /// See [`InvalidUsageRate`].
        InvalidUsageRate(InvalidUsageRate) [rate],
        /// See [`InvalidTierCount`].
        InvalidTierCount(InvalidTierCount) [thresholds, bps],
        /// See [`InvalidTierThreshold`].
        InvalidTierThreshold(InvalidTierThreshold) [index, threshold],
        /// See [`InvalidBps`].
        InvalidBps(InvalidBps) [bps],
        /// See [`InvalidArbiter`].
        InvalidArbiter(InvalidArbiter) [arbiter],
        /// See [`InvalidDuration`].
        InvalidDuration(InvalidDuration) [duration],
        /// See [`InvalidTermsHash`].
        InvalidTermsHash(InvalidTermsHash) [termsHash],
        /// See [`EmptyTermsUri`].
        EmptyTermsUri(EmptyTermsUri) [],
        /// See [`OfferIsPaused`].
        OfferIsPaused(OfferIsPaused) [offerId],
        /// See [`OfferIsRetired`].
        OfferIsRetired(OfferIsRetired) [offerId],
        /// See [`OfferSoldOut`].
        OfferSoldOut(OfferSoldOut) [offerId, maxSupply],
        /// See [`InvalidMaxSupply`].
        InvalidMaxSupply(InvalidMaxSupply) [maxSupply, minted],
        /// See [`PriceAboveMax`].
        PriceAboveMax(PriceAboveMax) [price, maxPrice],
        /// See [`IncorrectPayment`].
        IncorrectPayment(IncorrectPayment) [expected, received],
        /// See [`ArithmeticOverflow`].
        ArithmeticOverflow(ArithmeticOverflow) [],
        /// See [`ZeroAddress`].
        ZeroAddress(ZeroAddress) [],
        /// See [`ExternalCallFailed`].
        ExternalCallFailed(ExternalCallFailed) [target] tail reason,
    }
    extra_inner_types: [(license_terms_declaration(), tributary_abi::terms::LicenseTerms)]
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

/// The error for any counter or timestamp overflow.
pub(crate) fn overflow() -> Error {
    ArithmeticOverflow {}.into()
}
