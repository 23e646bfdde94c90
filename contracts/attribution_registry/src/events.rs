//! The registry's events: one for every state change.
#![allow(missing_docs)] // `sol!` expands the documented declarations below into undocumented items.

use alloy_sol_types::sol;

sol! {
    /// The license contract was set (once).
    #[derive(Debug, PartialEq, Eq)]
    event LicenseNftSet(address indexed license);

    /// A dataset was registered with its first version and its contributors' split.
    #[derive(Debug, PartialEq, Eq)]
    event DatasetRegistered(
        uint256 indexed datasetId,
        address indexed owner,
        bytes32 indexed contentHash,
        uint256 splitId,
        string uri
    );

    /// The dataset owner published version `version` (numbered from 1; 1 is the registration).
    #[derive(Debug, PartialEq, Eq)]
    event VersionPublished(
        uint256 indexed datasetId,
        uint256 indexed version,
        bytes32 indexed contentHash,
        string uri
    );

    /// The dataset owner offered ownership to `newOwner` (zero cancels an offer).
    #[derive(Debug, PartialEq, Eq)]
    event DatasetOwnershipTransferStarted(
        uint256 indexed datasetId,
        address indexed previousOwner,
        address indexed newOwner
    );

    /// The pending owner accepted the dataset.
    #[derive(Debug, PartialEq, Eq)]
    event DatasetOwnershipTransferred(
        uint256 indexed datasetId,
        address indexed previousOwner,
        address indexed newOwner
    );

    /// The dataset owner replaced the contributors of the dataset's split.
    #[derive(Debug, PartialEq, Eq)]
    event ContributorsUpdated(uint256 indexed datasetId, uint256 indexed splitId);

    /// A model was registered with its lineage and its contributors' split.
    #[derive(Debug, PartialEq, Eq)]
    event ModelRegistered(
        uint256 indexed modelId,
        address indexed owner,
        bytes32 indexed modelHash,
        uint256 splitId,
        uint8 depth,
        string uri
    );

    /// The model owner replaced the contributors of the model's split.
    #[derive(Debug, PartialEq, Eq)]
    event ModelContributorsUpdated(uint256 indexed modelId, uint256 indexed splitId);

    /// `payer` declared `amount` of revenue of `modelId` in `token` (zero = native currency);
    /// the model's cumulative revenue in that asset is now `cumulativeRevenue`.
    #[derive(Debug, PartialEq, Eq)]
    event RevenueReported(
        uint256 indexed modelId,
        address indexed payer,
        address indexed token,
        uint256 amount,
        uint256 cumulativeRevenue
    );

    /// Of the revenue that reached `modelId` in this report, `amount` went to parent
    /// `parentId`: a dataset's split (`parentIsModel` false) or a parent model, which routes it
    /// on (`parentIsModel` true).
    #[derive(Debug, PartialEq, Eq)]
    event RoyaltyRouted(
        uint256 indexed modelId,
        uint256 indexed parentId,
        address indexed token,
        bool parentIsModel,
        uint256 amount
    );

    /// What `modelId` kept of the revenue that reached it in this report (its split's part,
    /// rounding dust included); `cumulativeRevenue` is its new cumulative revenue.
    #[derive(Debug, PartialEq, Eq)]
    event RevenueRetained(
        uint256 indexed modelId,
        address indexed token,
        uint256 amount,
        uint256 cumulativeRevenue
    );
}
