//! Every way a call to the license token contract can fail, as Solidity custom errors.
//!
//! The contract's [`Error`] is flat (one variant per Solidity error) so that the exported
//! interface lists each error; the ERC-721 (EIP-6093) and ownership errors of the
//! `OpenZeppelin` components are re-exported unchanged and converted with `From`. Contract builds
//! encode errors with [`tributary_abi::abi_words::encode_error`] (same bytes as alloy's
//! `abi_encode`, checked by the tests, much smaller code).
#![allow(missing_docs)] // `sol!` generates the fields; each error carries its doc comment.

use alloy_sol_types::sol;
use openzeppelin_stylus::{
    access::ownable::{self, OwnableInvalidOwner, OwnableUnauthorizedAccount},
    token::erc721::{
        self, ERC721IncorrectOwner, ERC721InsufficientApproval, ERC721InvalidApprover,
        ERC721InvalidOperator, ERC721InvalidOwner, ERC721InvalidReceiver, ERC721InvalidSender,
        ERC721NonexistentToken, InvalidReceiverWithReason,
    },
};
pub use tributary_abi::errors::{ArithmeticOverflow, NotUsageAnchor, UnknownOffer, ZeroAddress};

sol! {
    /// The offers contract already registered offer `offerId` (terms are registered once).
    #[derive(Debug, PartialEq, Eq)]
    error OfferAlreadyRegistered(uint256 offerId);
    /// The license's offer is soulbound: it cannot change hands.
    #[derive(Debug, PartialEq, Eq)]
    error SoulboundLicense(uint256 tokenId);
    /// The license was revoked by its arbiter.
    #[derive(Debug, PartialEq, Eq)]
    error RevokedLicense(uint256 tokenId);
    /// The license's offer does not allow ERC-4907 rentals.
    #[derive(Debug, PartialEq, Eq)]
    error RentalNotAllowed(uint256 tokenId);
    /// `account` is not the arbiter of the license's offer.
    #[derive(Debug, PartialEq, Eq)]
    error NotArbiter(address account, uint256 tokenId);
    /// The usage anchor is set once, and already is (`usageAnchor`).
    #[derive(Debug, PartialEq, Eq)]
    error UsageAnchorAlreadySet(address usageAnchor);
    /// `account` is not the configured offers contract (`LicenseOffers`).
    #[derive(Debug, PartialEq, Eq)]
    error NotLicenseOffers(address account);
    /// The offers contract is set once, and already is (`licenseOffers`).
    #[derive(Debug, PartialEq, Eq)]
    error LicenseOffersAlreadySet(address licenseOffers);
}

tributary_abi::word_errors! {
    /// Errors of the license token contract.
    pub enum Error {
        /// See [`ERC721InvalidOwner`].
        InvalidOwner(ERC721InvalidOwner) [owner],
        /// See [`ERC721NonexistentToken`].
        NonexistentToken(ERC721NonexistentToken) [token_id],
        /// See [`ERC721IncorrectOwner`].
        IncorrectOwner(ERC721IncorrectOwner) [sender, token_id, owner],
        /// See [`ERC721InvalidSender`].
        InvalidSender(ERC721InvalidSender) [sender],
        /// See [`ERC721InvalidReceiver`].
        InvalidReceiver(ERC721InvalidReceiver) [receiver],
        /// See [`InvalidReceiverWithReason`].
        InvalidReceiverWithReason(InvalidReceiverWithReason) [] tail reason,
        /// See [`ERC721InsufficientApproval`].
        InsufficientApproval(ERC721InsufficientApproval) [operator, token_id],
        /// See [`ERC721InvalidApprover`].
        InvalidApprover(ERC721InvalidApprover) [approver],
        /// See [`ERC721InvalidOperator`].
        InvalidOperator(ERC721InvalidOperator) [operator],
        /// See [`OwnableUnauthorizedAccount`].
        UnauthorizedAccount(OwnableUnauthorizedAccount) [account],
        /// See [`OwnableInvalidOwner`].
        InvalidContractOwner(OwnableInvalidOwner) [owner],
        /// See [`UnknownOffer`].
        UnknownOffer(UnknownOffer) [offerId],
        /// See [`OfferAlreadyRegistered`].
        OfferAlreadyRegistered(OfferAlreadyRegistered) [offerId],
        /// See [`ArithmeticOverflow`].
        ArithmeticOverflow(ArithmeticOverflow) [],
        /// See [`SoulboundLicense`].
        SoulboundLicense(SoulboundLicense) [tokenId],
        /// See [`RevokedLicense`].
        RevokedLicense(RevokedLicense) [tokenId],
        /// See [`RentalNotAllowed`].
        RentalNotAllowed(RentalNotAllowed) [tokenId],
        /// See [`NotArbiter`].
        NotArbiter(NotArbiter) [account, tokenId],
        /// See [`NotUsageAnchor`].
        NotUsageAnchor(NotUsageAnchor) [account],
        /// See [`UsageAnchorAlreadySet`].
        UsageAnchorAlreadySet(UsageAnchorAlreadySet) [usageAnchor],
        /// See [`NotLicenseOffers`].
        NotLicenseOffers(NotLicenseOffers) [account],
        /// See [`LicenseOffersAlreadySet`].
        LicenseOffersAlreadySet(LicenseOffersAlreadySet) [licenseOffers],
        /// See [`ZeroAddress`].
        ZeroAddress(ZeroAddress) [],
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

/// The error for any counter overflow.
pub(crate) fn overflow() -> Error {
    ArithmeticOverflow {}.into()
}
