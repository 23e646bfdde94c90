//! Events of the license contract (the ERC-721 `Transfer` / `Approval` / `ApprovalForAll` events
//! come from `OpenZeppelin`'s `Erc721`).
#![allow(missing_docs)] // `sol!` generates the fields; each event carries its doc comment.

use alloy_sol_types::sol;

sol! {
    /// A dataset owner published offer `offerId`; its price goes to split `splitId`, resale
    /// royalties to `royaltyReceiver`; `termsHash` binds the off-chain terms document.
    #[derive(Debug, PartialEq)]
    event OfferCreated(
        uint256 indexed offerId,
        uint256 indexed datasetId,
        address indexed creator,
        uint256 splitId,
        address royaltyReceiver,
        bytes32 termsHash
    );
    /// The offer's price or max supply changed (they only affect future mints).
    #[derive(Debug, PartialEq)]
    event OfferUpdated(uint256 indexed offerId, uint256 price, uint32 maxSupply);
    /// The offer was paused (`paused`) or unpaused.
    #[derive(Debug, PartialEq)]
    event OfferPaused(uint256 indexed offerId, bool paused);
    /// The offer was retired for good; its licenses keep their terms.
    #[derive(Debug, PartialEq)]
    event OfferRetired(uint256 indexed offerId);
    /// License `tokenId` of offer `offerId` was issued to `licensee`, paid by `payer`;
    /// `expiresAt` is 0 for a perpetual license.
    #[derive(Debug, PartialEq)]
    event LicenseIssued(
        uint256 indexed tokenId,
        uint256 indexed offerId,
        address indexed licensee,
        address payer,
        uint256 price,
        uint64 expiresAt
    );
    /// The offer's arbiter revoked license `tokenId`; `reason` is the hash of the finding.
    #[derive(Debug, PartialEq)]
    event LicenseRevoked(uint256 indexed tokenId, address indexed arbiter, bytes32 reason);
    /// The usage anchor marked license `tokenId` as in debt (`inDebt`) or settled.
    #[derive(Debug, PartialEq)]
    event DebtSet(uint256 indexed tokenId, bool inDebt);
    /// The owner configured the usage anchor.
    #[derive(Debug, PartialEq)]
    event UsageAnchorSet(address indexed usageAnchor);
    /// ERC-4907: the user of `tokenId` changed (zero address and 0 when cleared).
    #[derive(Debug, PartialEq)]
    event UpdateUser(uint256 indexed tokenId, address indexed user, uint64 expires);
}
