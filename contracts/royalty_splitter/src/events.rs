//! Events of the splitter: every state change emits one.

use alloy_sol_types::sol;

sol! {
    /// A split was created (its version 0 follows as `SplitRecipientsSet` or
    /// `SplitMerkleRootSet`).
    #[derive(Debug, PartialEq, Eq)]
    event SplitCreated(uint256 indexed split_id, address indexed creator, address indexed controller);

    /// Version `version` of a listed split: its recipients and shares. Version 0 is the creation,
    /// every later version an update by the controller.
    #[derive(Debug, PartialEq, Eq)]
    event SplitRecipientsSet(uint256 indexed split_id, uint32 indexed version, address[] recipients, uint256[] shares);

    /// Version `version` of a Merkle split: its root and total shares.
    #[derive(Debug, PartialEq, Eq)]
    event SplitMerkleRootSet(uint256 indexed split_id, uint32 indexed version, bytes32 root, uint256 total_shares);

    /// The controller of a split changed (the zero address makes it immutable).
    #[derive(Debug, PartialEq, Eq)]
    event SplitControllerChanged(uint256 indexed split_id, address indexed previous, address indexed controller);

    /// `amount` of `token` (zero = native currency) was credited to the split's current version.
    #[derive(Debug, PartialEq, Eq)]
    event SplitDeposited(uint256 indexed split_id, address indexed token, address indexed from, uint256 amount);

    /// A Merkle member proved its leaf; from now on it is tracked like a listed recipient.
    #[derive(Debug, PartialEq, Eq)]
    event SplitMemberRegistered(uint256 indexed split_id, uint32 indexed version, address indexed member, uint256 shares);

    /// `amount` of `token` was paid to `recipient` from split version `version`.
    #[derive(Debug, PartialEq, Eq)]
    event SplitWithdrawn(uint256 indexed split_id, address indexed recipient, address indexed token, uint32 version, uint256 amount);

    /// The split's ERC-2981 royalty receiver (a forwarder into `deposit`) was deployed.
    #[derive(Debug, PartialEq, Eq)]
    event SplitReceiverCreated(uint256 indexed split_id, address receiver);
}
