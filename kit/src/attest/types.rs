//! The usage receipt, usage leaf and batch of settlement v2, their ABI encodings, Merkle leaves
//! and EIP-712 hashing.
//!
//! These mirror `contracts/abi/src/usage.rs` (`tributary_abi::usage`) field for field (same
//! names, types and order) and `contracts/abi/src/scope.rs` constant for constant, so the
//! encodings agree byte for byte: `cli/tests/attest_batch.rs` compares the declarations with
//! the contract crate's source, and the shared vectors in `tests/vectors/usage_v2.json` check the
//! values from both sides. The format is documented in `docs/settlement.md`.

use alloy::{
    primitives::{keccak256, Address, B256, U256},
    sol,
    sol_types::{Eip712Domain, SolStruct, SolValue},
};

/// EIP-712 domain name of the usage anchor.
pub const EIP712_NAME: &str = "Tributary UsageAnchor";
/// EIP-712 domain version of the usage anchor (2: usage leaves, batches keyed by attestor).
pub const EIP712_VERSION: &str = "2";

/// The EIP-712 type string of [`Batch`].
pub const BATCH_TYPE: &str = "Batch(bytes32 batchId,address attestor,bytes32 root,uint32 \
                              leafCount,uint32 receiptCount,uint256 totalUnits,uint64 \
                              periodStart,uint64 periodEnd,uint64 deadline)";

/// Largest `totalUnits` a batch may sign: the anchor tallies settled units in 96 bits.
pub const MAX_BATCH_UNITS: u128 = (1 << 96) - 1;

/// What `attest batch` signs as `deadline` when none is given: `periodEnd` plus this many
/// seconds (7 days). It depends only on the receipts' period, never on the clock, so the same
/// receipts always give the same batch file.
pub const DEFAULT_DEADLINE_DELAY: u64 = 7 * 86_400;

/// Scope bits and usage units, as in `contracts/abi/src/scope.rs`.
pub mod scope {
    /// Training a model on the data.
    pub const TRAIN: u64 = 1 << 0;
    /// Running inference that retrieves or conditions on the data.
    pub const INFERENCE: u64 = 1 << 1;
    /// Commercial use of the result.
    pub const COMMERCIAL: u64 = 1 << 2;
    /// Publishing derivative models.
    pub const DERIVATIVES: u64 = 1 << 3;
    /// Fine-tuning an existing model on the data.
    pub const FINE_TUNE: u64 = 1 << 4;
    /// Evaluation and benchmarking only.
    pub const EVALUATION: u64 = 1 << 5;

    /// The scope names a receipts file may use instead of a number (`"TRAIN|COMMERCIAL"`).
    pub const NAMES: [(&str, u64); 6] = [
        ("TRAIN", TRAIN),
        ("INFERENCE", INFERENCE),
        ("COMMERCIAL", COMMERCIAL),
        ("DERIVATIVES", DERIVATIVES),
        ("FINE_TUNE", FINE_TUNE),
        ("EVALUATION", EVALUATION),
    ];

    /// Usage metered in samples.
    pub const UNIT_SAMPLES: u8 = 0;
    /// Usage metered in thousands of tokens.
    pub const UNIT_KILO_TOKENS: u8 = 1;
    /// Usage metered in compute seconds.
    pub const UNIT_COMPUTE_SECONDS: u8 = 2;
    /// Usage metered in requests (one per inference call).
    pub const UNIT_REQUESTS: u8 = 3;
    /// The asset id of a model: its id plus 2^63 (`tributary_abi::asset`).
    pub const MODEL_ASSET: u64 = 1 << 63;
}

sol! {
    /// One metered use of a licensed asset, signed off by the attestor that served it.
    #[derive(Debug, Default, PartialEq, Eq)]
    struct Receipt {
        /// Unique id of the job at the attestor.
        bytes32 jobId;
        /// License token the use is billed to.
        uint256 licenseId;
        /// Asset used: the license's dataset id, or `2^63 + modelId` for a model.
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
    #[derive(Debug, Default, PartialEq, Eq)]
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
    #[derive(Debug, Default, PartialEq, Eq)]
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

    /// Anchors a signed batch (anyone may submit it).
    function anchorBatch(Batch batch, bytes signature) external;
    /// Proves `leaves` (in multiproof order) against the batch's root and bills them.
    function settle(Batch batch, UsageLeaf[] leaves, bytes32[] proof, bool[] proofFlags) external;
    /// While the batch is challenged, holds the escrow of the license `leaf` bills
    /// (`usage_disputes`).
    function holdEscrow(Batch batch, UsageLeaf leaf, bytes32[] proof) external;
    /// Proves one receipt down to the anchored root (`usage_disputes`).
    function verifyReceipt(Batch batch, UsageLeaf leaf, bytes32[] leafProof, Receipt receipt, bytes32[] receiptProof) external view returns (bool);
}

/// The Merkle leaf of a receipt: `keccak256(keccak256(abi.encode(receipt)))`.
///
/// The double hash means a leaf is never the 64-byte preimage of an inner node. Every field is
/// static, so this is also `@openzeppelin/merkle-tree`'s `StandardMerkleTree` leaf of the nine
/// field values with types `["bytes32","uint256","uint256","bytes32","uint256","uint8",
/// "uint256","uint64","address"]`.
pub fn receipt_leaf(receipt: &Receipt) -> B256 {
    keccak256(keccak256(receipt.abi_encode()))
}

/// The Merkle leaf of a usage leaf: `keccak256(keccak256(abi.encode(leaf)))`.
pub fn usage_leaf(leaf: &UsageLeaf) -> B256 {
    keccak256(keccak256(leaf.abi_encode()))
}

/// The key the anchor stores a batch under: `keccak256(abi.encode(attestor, batchId))`, so two
/// attestors' batch ids never collide.
pub fn batch_key(attestor: Address, batch_id: B256) -> B256 {
    keccak256((attestor, batch_id).abi_encode())
}

/// The usage anchor's EIP-712 domain: name, version, chain id and the anchor's address (no
/// salt), as `OpenZeppelin`'s `EIP712` builds it.
pub fn anchor_domain(chain_id: u64, verifying_contract: Address) -> Eip712Domain {
    Eip712Domain::new(
        Some(EIP712_NAME.into()),
        Some(EIP712_VERSION.into()),
        Some(U256::from(chain_id)),
        Some(verifying_contract),
        None,
    )
}

/// `keccak256` of the batch's EIP-712 type string ([`BATCH_TYPE`]).
pub fn batch_typehash() -> B256 {
    keccak256(Batch::eip712_encode_type().as_bytes())
}

/// The EIP-712 `hashStruct(batch)`, which the anchor stores for the batch.
pub fn batch_struct_hash(batch: &Batch) -> B256 {
    batch.eip712_hash_struct()
}

/// The digest the attestor signs: `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(batch))`.
pub fn batch_digest(batch: &Batch, domain: &Eip712Domain) -> B256 {
    batch.eip712_signing_hash(domain)
}

/// The batch id `attest batch` uses when none is given:
/// `keccak256(abi.encode(chainId, verifyingContract, attestor, root, periodStart, periodEnd))`.
///
/// It binds the id to the chain, anchor, attestor, content and period, so the same receipts
/// batched twice get the same id (and the anchor rejects the replay, whatever the deadline).
pub fn derive_batch_id(
    chain_id: u64,
    verifying_contract: Address,
    attestor: Address,
    root: B256,
    period_start: u64,
    period_end: u64,
) -> B256 {
    keccak256(
        (
            U256::from(chain_id),
            verifying_contract,
            attestor,
            root,
            period_start,
            period_end,
        )
            .abi_encode(),
    )
}

/// The grouping key of a receipt or leaf: `(licenseId, assetId, scope, unit)`, compared
/// numerically in that field order.
pub type GroupKey = (U256, U256, U256, u8);

impl Receipt {
    /// The usage leaf group this receipt belongs to.
    pub fn group_key(&self) -> GroupKey {
        (self.licenseId, self.assetId, self.scope, self.unit)
    }
}

impl UsageLeaf {
    /// The grouping key of the receipts this leaf aggregates.
    pub fn group_key(&self) -> GroupKey {
        (self.licenseId, self.assetId, self.scope, self.unit)
    }
}

#[cfg(test)]
mod tests {
    use alloy::primitives::{address, b256};

    use super::*;

    #[test]
    fn batch_type_string_is_the_struct_type() {
        assert_eq!(Batch::eip712_encode_type(), BATCH_TYPE);
        assert_eq!(batch_typehash(), keccak256(BATCH_TYPE));
    }

    #[test]
    fn domain_separator_is_the_standard_four_field_domain() {
        let anchor = address!("Cf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9");
        let expected = keccak256(
            (
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address \
                     verifyingContract)",
                ),
                keccak256(EIP712_NAME),
                keccak256("2"),
                U256::from(412_346_u64),
                anchor,
            )
                .abi_encode(),
        );
        assert_eq!(anchor_domain(412_346, anchor).separator(), expected);
    }

    #[test]
    fn encodings_are_static_words() {
        assert_eq!(Receipt::default().abi_encode().len(), 9 * 32);
        assert_eq!(UsageLeaf::default().abi_encode().len(), 10 * 32);
        assert_eq!(Batch::default().abi_encode().len(), 9 * 32);
        let receipt = Receipt {
            jobId: b256!("0101010101010101010101010101010101010101010101010101010101010101"),
            licenseId: U256::from(1),
            assetId: U256::from(2),
            modelHash: B256::repeat_byte(3),
            scope: U256::from(scope::TRAIN),
            unit: scope::UNIT_SAMPLES,
            units: U256::from(250_000),
            timestamp: 1_767_225_600,
            attestor: Address::repeat_byte(4),
        };
        assert_eq!(
            receipt_leaf(&receipt),
            keccak256(keccak256(receipt.abi_encode()))
        );
    }

    #[test]
    fn batch_key_scopes_ids_to_their_attestor() {
        let id = B256::repeat_byte(7);
        assert_ne!(
            batch_key(Address::repeat_byte(1), id),
            batch_key(Address::repeat_byte(2), id)
        );
        let mut preimage = [0_u8; 64];
        preimage[12..32].copy_from_slice(Address::repeat_byte(1).as_slice());
        preimage[32..].copy_from_slice(id.as_slice());
        assert_eq!(batch_key(Address::repeat_byte(1), id), keccak256(preimage));
    }
}
