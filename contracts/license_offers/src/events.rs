//! Events of the offers contract, emitted word by word through
//! [`tributary_abi::abi_words::emit`] (every field is static).
#![allow(missing_docs)] // `sol!` generates the fields; each event carries its doc comment.

use alloy_sol_types::sol;
pub(crate) use tributary_abi::abi_words::emit;
use tributary_abi::loggable;

sol! {
    /// An asset's owner published offer `offerId` on `datasetId` (a dataset, or `2^63 +
    /// modelId` for a model); its price goes to `splitId` (a split, or `2^63 + modelId`: the
    /// model's revenue route), resale royalties to `royaltyReceiver`; `termsHash` binds the
    /// off-chain terms document.
    #[derive(Debug, PartialEq, Eq)]
    event OfferCreated(
        uint256 indexed offerId,
        uint256 indexed datasetId,
        address indexed creator,
        uint256 splitId,
        address royaltyReceiver,
        bytes32 termsHash
    );
    /// The offer's price or max supply changed (they only affect future mints).
    #[derive(Debug, PartialEq, Eq)]
    event OfferUpdated(uint256 indexed offerId, uint256 price, uint32 maxSupply);
    /// The offer was paused (`paused`) or unpaused.
    #[derive(Debug, PartialEq, Eq)]
    event OfferPaused(uint256 indexed offerId, bool paused);
    /// The offer was retired for good; its licenses keep their terms.
    #[derive(Debug, PartialEq, Eq)]
    event OfferRetired(uint256 indexed offerId);
    /// License `tokenId` (on the `LicenseNft` contract) of offer `offerId` was issued to
    /// `licensee`, paid by `payer`; `expiresAt` is 0 for a perpetual license.
    #[derive(Debug, PartialEq, Eq)]
    event LicenseIssued(
        uint256 indexed tokenId,
        uint256 indexed offerId,
        address indexed licensee,
        address payer,
        uint256 price,
        uint64 expiresAt
    );
}

loggable! {
    OfferCreated { indexed: [offerId, datasetId, creator], data: [splitId, royaltyReceiver, termsHash] }
    OfferUpdated { indexed: [offerId], data: [price, maxSupply] }
    OfferPaused { indexed: [offerId], data: [paused] }
    OfferRetired { indexed: [offerId], data: [] }
    LicenseIssued { indexed: [tokenId, offerId, licensee], data: [payer, price, expiresAt] }
}
