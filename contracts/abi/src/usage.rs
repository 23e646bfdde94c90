//! Usage receipts and the batches attestors anchor, with their EIP-712 types.
//!
//! A receipt's Merkle leaf is `keccak256(keccak256(abi.encode(receipt)))`: the double hash
//! means a leaf can never be mistaken for a 64-byte inner node. Inner nodes hash sorted pairs
//! (`OpenZeppelin`'s `MerkleProof` convention).

use alloy_primitives::{keccak256, B256};
use alloy_sol_types::{sol, SolValue};

/// EIP-712 domain name of the usage anchor.
pub const EIP712_NAME: &str = "Tributary UsageAnchor";
/// EIP-712 domain version of the usage anchor.
pub const EIP712_VERSION: &str = "1";

sol! {
    /// One metered use of a licensed dataset, signed off by a compute provider.
    #[derive(Debug, PartialEq, Eq)]
    struct Receipt {
        /// Unique id of the compute job at the attestor.
        bytes32 jobId;
        /// License token the use is billed to.
        uint256 licenseId;
        /// Dataset used; must be the license's dataset.
        uint256 datasetId;
        /// Hash of the model trained or served.
        bytes32 modelHash;
        /// Usage unit (`scope::UNIT_*`); must be the license's unit.
        uint8 unit;
        /// Units consumed.
        uint256 units;
        /// When the use happened (unix seconds); the license must be valid then.
        uint64 timestamp;
        /// The attestor that metered it; must be the batch's attestor.
        address attestor;
    }

    /// A Merkle root of receipts, signed by its attestor with EIP-712.
    #[derive(Debug, PartialEq, Eq)]
    struct Batch {
        /// Unique id; a batch id is accepted once.
        bytes32 batchId;
        /// The signing attestor.
        address attestor;
        /// Merkle root over the receipts' leaves.
        bytes32 root;
        /// Number of receipts in the tree.
        uint32 receiptCount;
        /// Sum of `units` over the receipts.
        uint256 totalUnits;
        /// Start of the metering period (unix seconds).
        uint64 periodStart;
        /// End of the metering period (unix seconds).
        uint64 periodEnd;
    }

    // The usage anchor's functions that take these structs (the attestor kit and the anchor's
    // own fallback dispatch use their selectors), and what the usage escrow reads for its
    // withdrawal rule: `settlementHold()` answers `(challengeWindow, openChallenges,
    // lastChallengeClearedAt)`. Top-level functions rather than an `interface`, whose dispatch
    // enum makes contracts that do not use it larger (see `crate::interfaces`).
    function anchorBatch(Batch batch, bytes signature) external;
    function settle(bytes32 batchId, Receipt[] receipts, bytes32[] proof, bool[] proofFlags) external;
    function settlementHold() external view returns (uint64 challengeWindow, uint32 openChallenges, uint64 lastChallengeClearedAt);
}

/// The Merkle leaf of a receipt: `keccak256(keccak256(abi.encode(receipt)))`.
pub fn receipt_leaf(receipt: &Receipt) -> B256 {
    keccak256(keccak256(receipt.abi_encode()))
}
