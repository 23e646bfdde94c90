//! The registry's events: one for every state change.
//!
//! Emitted through the shared encoder (`tributary_abi::abi_words::emit_log`) with the `sol!`
//! signature hashes;
//! the tests assert each with motsu's `assert_emitted` (alloy's encoding).
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

    /// The dataset's owner replaced the contributors of the dataset's split: the splitter opened a new version (`SplitRecipientsSet` or
    /// `SplitMerkleRootSet` there).
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

    /// The model's holder published version `version` (from 2; version 1 is the registered
    /// hash) with hash `modelHash`.
    #[derive(Debug, PartialEq, Eq)]
    event ModelVersionPublished(
        uint256 indexed modelId,
        uint256 indexed version,
        bytes32 indexed modelHash,
        string uri
    );

    /// The model token contract was set (once).
    #[derive(Debug, PartialEq, Eq)]
    event ModelNftSet(address indexed models);

    /// Model `modelId`'s token moved from `from` to `to`: `to` now controls the model, and the
    /// model's split `splitId` has a new version paying `to` alone (what accrued before stays
    /// claimable under the earlier versions).
    #[derive(Debug, PartialEq, Eq)]
    event ModelHolderChanged(
        uint256 indexed modelId,
        address indexed from,
        address indexed to,
        uint256 splitId
    );
}
