//! The events of the Datanets contract: an indexer follows a Datanet's configuration, every
//! contribution from submission to its stake's return or slash, and every report from posting
//! to its veto or activation.
#![allow(missing_docs)] // `sol!` documents the events; the generated fields need none.

use alloy_sol_types::sol;

sol! {
    /// The dataset's owner opened or reconfigured its Datanet. Windows and lock in seconds;
    /// `stake` in `stakeToken` (zero = native currency) per contribution.
    #[derive(Debug, PartialEq, Eq)]
    event DatanetConfigured(
        uint256 indexed datasetId,
        address indexed curator,
        address stakeToken,
        uint256 stake,
        uint32 reviewWindow,
        uint32 stakeLock,
        uint32 vetoWindow
    );
    /// The dataset's owner closed its Datanet and handed the split to `controller`.
    #[derive(Debug, PartialEq, Eq)]
    event DatanetClosed(uint256 indexed datasetId, address indexed controller);
    /// The dataset's owner allowed or removed `evaluator`.
    #[derive(Debug, PartialEq, Eq)]
    event EvaluatorSet(uint256 indexed datasetId, address indexed evaluator, bool allowed);
    /// `contributor` submitted content `contentHash` (at `uri`) with `stake`; the curator
    /// reviews it until `reviewDeadline`.
    #[derive(Debug, PartialEq, Eq)]
    event ContributionSubmitted(
        uint256 indexed contributionId,
        uint256 indexed datasetId,
        address indexed contributor,
        bytes32 contentHash,
        uint256 stake,
        uint64 reviewDeadline,
        string uri
    );
    /// `curator` ruled on a contribution (`verdict`: 1 accept, 2 reject, 3 flag) for the
    /// reason `reasonHash`. An accepted contribution joins dataset version `joinsVersion`; its
    /// stake can be withdrawn from `unlockAt` (a rejected one's at once).
    #[derive(Debug, PartialEq, Eq)]
    event ContributionReviewed(
        uint256 indexed contributionId,
        uint256 indexed datasetId,
        address indexed curator,
        uint8 verdict,
        bytes32 reasonHash,
        uint256 joinsVersion,
        uint64 unlockAt
    );
    /// A contribution's stake went back to its contributor (`expired`: it was never reviewed).
    #[derive(Debug, PartialEq, Eq)]
    event StakeReturned(
        uint256 indexed contributionId,
        address indexed contributor,
        uint256 amount,
        bool expired
    );
    /// A flagged contribution's stake was paid into the dataset's split.
    #[derive(Debug, PartialEq, Eq)]
    event StakeSlashed(
        uint256 indexed contributionId,
        uint256 indexed datasetId,
        uint256 splitId,
        uint256 amount
    );
    /// `evaluator`'s report for `epoch` was posted; it can be vetoed until `vetoEndsAt` and
    /// activated from then.
    #[derive(Debug, PartialEq, Eq)]
    event ReportPosted(
        uint256 indexed datasetId,
        uint64 indexed epoch,
        address indexed evaluator,
        uint256 version,
        bytes32 benchmarkId,
        bytes32 metric,
        bytes32 weightsRoot,
        uint256 totalWeight,
        bytes32 digest,
        uint64 vetoEndsAt
    );
    /// The dataset's owner vetoed the pending report for `epoch`.
    #[derive(Debug, PartialEq, Eq)]
    event ReportVetoed(
        uint256 indexed datasetId,
        uint64 indexed epoch,
        bytes32 digest,
        bytes32 reasonHash
    );
    /// The report's weights became version `splitVersion` of the dataset's split: revenue from
    /// now on follows them; what was received before stays with the earlier versions.
    #[derive(Debug, PartialEq, Eq)]
    event EpochActivated(
        uint256 indexed datasetId,
        uint64 indexed epoch,
        uint256 splitId,
        uint32 splitVersion,
        bytes32 weightsRoot,
        uint256 totalWeight
    );
}

tributary_abi::loggable! {
    DatanetConfigured {
        indexed: [datasetId, curator],
        data: [stakeToken, stake, reviewWindow, stakeLock, vetoWindow]
    }
    DatanetClosed { indexed: [datasetId, controller], data: [] }
    EvaluatorSet { indexed: [datasetId, evaluator], data: [allowed] }
    ContributionReviewed {
        indexed: [contributionId, datasetId, curator],
        data: [verdict, reasonHash, joinsVersion, unlockAt]
    }
    StakeReturned { indexed: [contributionId, contributor], data: [amount, expired] }
    StakeSlashed { indexed: [contributionId, datasetId], data: [splitId, amount] }
    ReportPosted {
        indexed: [datasetId, epoch, evaluator],
        data: [version, benchmarkId, metric, weightsRoot, totalWeight, digest, vetoEndsAt]
    }
    ReportVetoed { indexed: [datasetId, epoch], data: [digest, reasonHash] }
    EpochActivated {
        indexed: [datasetId, epoch],
        data: [splitId, splitVersion, weightsRoot, totalWeight]
    }
}
