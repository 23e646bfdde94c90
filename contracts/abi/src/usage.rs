//! Usage settlement v2: receipts, the usage leaves that aggregate them per license, and the
//! batches attestors sign over the leaves, with their EIP-712 types (format documented in
//! `docs/settlement.md`).
//!
//! Two trees, both `OpenZeppelin` `StandardMerkleTree` shaped (sorted-pair inner nodes, leaves
//! double hashed so a leaf is never a 64-byte inner node):
//!
//! ```text
//! batch root ── usage leaf (one per license, scope and unit in the period)
//!                  └── receiptsRoot ── receipt (one per metered job)
//! ```
//!
//! Settlement bills a whole usage leaf at once; a single receipt stays provable down to the
//! signed batch root (`verifyReceipt`).

use alloy_primitives::{keccak256, Address, B256};
use alloy_sol_types::{sol, SolValue};

/// EIP-712 domain name of the usage anchor.
pub const EIP712_NAME: &str = "Tributary UsageAnchor";
/// EIP-712 domain version of the usage anchor (2: usage leaves, batches keyed by attestor).
pub const EIP712_VERSION: &str = "2";

/// The EIP-712 type string of [`Batch`].
pub const BATCH_TYPE: &str = "Batch(bytes32 batchId,address attestor,bytes32 root,uint32 \
                              leafCount,uint32 receiptCount,uint256 totalUnits,uint64 \
                              periodStart,uint64 periodEnd,uint64 deadline)";

/// ABI words of a [`Batch`] (every field is static).
pub const BATCH_WORDS: usize = 9;
/// ABI words of a [`UsageLeaf`].
pub const LEAF_WORDS: usize = 10;
/// ABI words of a [`Receipt`].
pub const RECEIPT_WORDS: usize = 9;

/// Bytes of a batch's EIP-712 struct hash the anchor keeps (and `batchInfo` answers, the rest
/// zero): 168 bits make presenting another batch under an anchored one a 2^168 search.
pub const BATCH_HASH_PREFIX: usize = 21;

/// Largest `totalUnits` a batch may sign: the anchor tallies settled units in 96 bits.
pub const MAX_BATCH_UNITS: u128 = (1 << 96) - 1;

/// A batch's life-cycle status, as the usage anchor stores it and `batchInfo` answers it (the
/// usage disputes contract reads it and moves it with `setBatchStatus`).
pub mod status {
    /// No batch under this key.
    pub const NONE: u8 = 0;
    /// Anchored, never challenged.
    pub const ANCHORED: u8 = 1;
    /// Challenged, waiting for the arbiter.
    pub const CHALLENGED: u8 = 2;
    /// Voided by an upheld challenge.
    pub const VOIDED: u8 = 3;
    /// The last challenge round was rejected; settleable after its window.
    pub const CLEARED: u8 = 4;
}

/// Why a proven usage leaf was not billed (`UsageSkipped.reason`). Each is final: the leaf is
/// marked settled and its units count against the batch's signed totals.
pub mod skip {
    /// The license contract does not know the license.
    pub const UNKNOWN_LICENSE: u8 = 1;
    /// The leaf's asset is not the license's dataset.
    pub const WRONG_ASSET: u8 = 2;
    /// The leaf's unit is not the license's usage unit.
    pub const WRONG_UNIT: u8 = 3;
    /// The license does not grant the leaf's scope (or the scope is empty).
    pub const SCOPE_NOT_LICENSED: u8 = 4;
    /// Some of `[firstAt, lastAt]` is before the license starts, at or after it expires, or at
    /// or after its revocation.
    pub const LICENSE_NOT_ACTIVE: u8 = 5;
    /// `[firstAt, lastAt]` is not inside the batch's period (or is reversed), or the leaf
    /// counts no receipts.
    pub const OUTSIDE_PERIOD: u8 = 6;
}

sol! {
    /// One metered use of a licensed asset, signed off by the attestor that served it.
    #[derive(Debug, PartialEq, Eq)]
    struct Receipt {
        /// Unique id of the job at the attestor.
        bytes32 jobId;
        /// License token the use is billed to.
        uint256 licenseId;
        /// Asset used: the license's dataset id.
        uint256 assetId;
        /// Hash of the model trained or served.
        bytes32 modelHash;
        /// The scope the use happened under (`scope::TRAIN`, `INFERENCE`, ...).
        uint256 scope;
        /// Usage unit (`scope::UNIT_*`).
        uint8 unit;
        /// Units consumed.
        uint256 units;
        /// When the use happened (unix seconds).
        uint64 timestamp;
        /// The attestor that metered it.
        address attestor;
    }

    /// A license's usage under one scope and unit in a batch's period: the receipts aggregated.
    #[derive(Debug, PartialEq, Eq)]
    struct UsageLeaf {
        /// Position of the leaf in the batch (0-based, `< leafCount`): its settled bit.
        uint32 index;
        /// License the usage is billed to.
        uint256 licenseId;
        /// Asset used; must be the license's dataset.
        uint256 assetId;
        /// Scope used; the license must grant every bit.
        uint256 scope;
        /// Usage unit; must be the license's.
        uint8 unit;
        /// Sum of the receipts' units.
        uint256 units;
        /// Number of receipts aggregated (> 0).
        uint32 receiptCount;
        /// Earliest receipt timestamp.
        uint64 firstAt;
        /// Latest receipt timestamp.
        uint64 lastAt;
        /// Merkle root over the receipts' leaves (`receipt_leaf`).
        bytes32 receiptsRoot;
    }

    /// A Merkle root of usage leaves, signed by its attestor with EIP-712.
    #[derive(Debug, PartialEq, Eq)]
    struct Batch {
        /// Id chosen by the attestor; (attestor, batchId) is anchored once.
        bytes32 batchId;
        /// The signing attestor.
        address attestor;
        /// Merkle root over the usage leaves (`usage_leaf`).
        bytes32 root;
        /// Number of usage leaves.
        uint32 leafCount;
        /// Sum of `receiptCount` over the leaves: settlement never exceeds it.
        uint32 receiptCount;
        /// Sum of `units` over the leaves: settlement never exceeds it.
        uint256 totalUnits;
        /// Start of the metering period (unix seconds).
        uint64 periodStart;
        /// End of the metering period (unix seconds).
        uint64 periodEnd;
        /// Last second at which the batch may be anchored.
        uint64 deadline;
    }

    // The functions that take these structs: `anchorBatch` and `settle` on the usage anchor
    // (its fallback dispatches on their selectors), `holdEscrow` and `verifyReceipt` on the
    // usage disputes contract; the attestor kit encodes all four. Top-level functions rather
    // than an `interface`, whose dispatch enum makes contracts that do not use it larger (see
    // `crate::interfaces`).
    function anchorBatch(Batch batch, bytes signature) external;
    function settle(Batch batch, UsageLeaf[] leaves, bytes32[] proof, bool[] proofFlags) external;
    function holdEscrow(Batch batch, UsageLeaf leaf, bytes32[] proof) external;
    function verifyReceipt(Batch batch, UsageLeaf leaf, bytes32[] leafProof, Receipt receipt, bytes32[] receiptProof) external view returns (bool);
}

/// The Merkle leaf of a receipt: `keccak256(keccak256(abi.encode(receipt)))`.
#[must_use]
pub fn receipt_leaf(receipt: &Receipt) -> B256 {
    keccak256(keccak256(receipt.abi_encode()))
}

/// The Merkle leaf of a usage leaf: `keccak256(keccak256(abi.encode(leaf)))`.
#[must_use]
pub fn usage_leaf(leaf: &UsageLeaf) -> B256 {
    keccak256(keccak256(leaf.abi_encode()))
}

/// The key a batch is stored under: `keccak256(abi.encode(attestor, batchId))`, so two
/// attestors' batch ids never collide.
#[must_use]
pub fn batch_key(attestor: Address, batch_id: B256) -> B256 {
    keccak256((attestor, batch_id).abi_encode())
}

#[cfg(test)]
mod tests {
    use alloy_sol_types::SolStruct;

    use super::*;

    #[test]
    fn batch_type_is_the_struct_type() {
        assert_eq!(Batch::eip712_encode_type(), BATCH_TYPE);
    }

    #[test]
    fn word_counts_match_the_encodings() {
        use alloy_sol_types::SolType;
        assert_eq!(<Batch as SolType>::ENCODED_SIZE, Some(BATCH_WORDS * 32));
        assert_eq!(<UsageLeaf as SolType>::ENCODED_SIZE, Some(LEAF_WORDS * 32));
        assert_eq!(<Receipt as SolType>::ENCODED_SIZE, Some(RECEIPT_WORDS * 32));
    }
}
