//! The events of the usage disputes contract.
#![allow(missing_docs)] // `sol!` documents the events; the generated fields need none.

use alloy_sol_types::sol;

sol! {
    /// The owner appointed `newArbiter`, who resolves challenges.
    #[derive(Debug, PartialEq, Eq)]
    event ArbiterChanged(address indexed previousArbiter, address indexed newArbiter);
    /// `challenger` disputed `attestor`'s batch in challenge round `round`, posting the
    /// challenge bond; `evidence` is the hash of the off-chain evidence.
    #[derive(Debug, PartialEq, Eq)]
    event BatchChallenged(
        address indexed attestor,
        bytes32 indexed batchId,
        address indexed challenger,
        uint16 round,
        bytes32 evidence
    );
    /// The arbiter ruled on round `round`: upheld (the anchor voids the batch and slashes the
    /// attestor for the treasury) or rejected (the batch can be settled).
    #[derive(Debug, PartialEq, Eq)]
    event ChallengeResolved(
        address indexed attestor,
        bytes32 indexed batchId,
        uint16 round,
        bool upheld
    );
    /// A resolved challenger's bond, `amount`, was credited to `to` (the challenger if its round
    /// was upheld, else the attestor).
    #[derive(Debug, PartialEq, Eq)]
    event ChallengeBondClaimed(
        address indexed attestor,
        bytes32 indexed batchId,
        address indexed challenger,
        address to,
        uint256 amount
    );
    /// `amount` was credited to `account`, to be pulled with `withdrawCredit`.
    #[derive(Debug, PartialEq, Eq)]
    event Credited(address indexed account, uint256 amount);
    /// `account` pulled `amount` of its credited balance.
    #[derive(Debug, PartialEq, Eq)]
    event CreditWithdrawn(address indexed account, uint256 amount);
    /// Leaf `index` of the challenged batch holds license `licenseId`'s escrow.
    #[derive(Debug, PartialEq, Eq)]
    event EscrowHoldPlaced(
        address indexed attestor,
        bytes32 indexed batchId,
        uint256 indexed licenseId,
        uint32 index
    );
    /// The hold of leaf `index` on license `licenseId`'s escrow was released.
    #[derive(Debug, PartialEq, Eq)]
    event EscrowHoldReleased(
        address indexed attestor,
        bytes32 indexed batchId,
        uint256 indexed licenseId,
        uint32 index
    );
}
