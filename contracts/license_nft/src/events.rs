//! Events of the license token contract (the ERC-721 `Transfer` / `Approval` /
//! `ApprovalForAll` events come from `OpenZeppelin`'s `Erc721`), emitted word by word through
//! [`tributary_abi::abi_words::emit`] (every field is static).
#![allow(missing_docs)] // `sol!` generates the fields; each event carries its doc comment.

use alloy_sol_types::sol;
pub(crate) use tributary_abi::abi_words::emit;
use tributary_abi::loggable;

sol! {
    /// The offers contract registered the terms of offer `offerId` for dataset `datasetId`
    /// (`LicenseOffers` emits the full `OfferCreated`).
    #[derive(Debug, PartialEq, Eq)]
    event OfferTermsRegistered(uint256 indexed offerId, uint256 indexed datasetId);
    /// The offer's arbiter revoked license `tokenId`; `reason` is the hash of the finding.
    #[derive(Debug, PartialEq, Eq)]
    event LicenseRevoked(uint256 indexed tokenId, address indexed arbiter, bytes32 reason);
    /// The usage anchor marked license `tokenId` as in debt (`inDebt`) or settled.
    #[derive(Debug, PartialEq, Eq)]
    event DebtSet(uint256 indexed tokenId, bool inDebt);
    /// The owner configured the usage anchor.
    #[derive(Debug, PartialEq, Eq)]
    event UsageAnchorSet(address indexed usageAnchor);
    /// The owner configured the offers contract (`LicenseOffers`).
    #[derive(Debug, PartialEq, Eq)]
    event LicenseOffersSet(address indexed licenseOffers);
    /// ERC-4907: the user of `tokenId` changed (zero address and 0 when cleared).
    #[derive(Debug, PartialEq, Eq)]
    event UpdateUser(uint256 indexed tokenId, address indexed user, uint64 expires);
}

loggable! {
    OfferTermsRegistered { indexed: [offerId, datasetId], data: [] }
    LicenseRevoked { indexed: [tokenId, arbiter], data: [reason] }
    DebtSet { indexed: [tokenId], data: [inDebt] }
    UsageAnchorSet { indexed: [usageAnchor], data: [] }
    LicenseOffersSet { indexed: [licenseOffers], data: [] }
    UpdateUser { indexed: [tokenId, user], data: [expires] }
}
