//! The usage receipt and batch, their ABI encoding, Merkle leaf and EIP-712 hashing.
//!
//! These mirror `contracts/abi/src/usage.rs` field for field (same names, types and order), so
//! the encodings agree byte for byte; the shared vectors in `tests/vectors/usage_v1.json` check
//! it from both sides.

use alloy::{
    primitives::{keccak256, Address, B256, U256},
    sol,
    sol_types::{Eip712Domain, SolStruct, SolValue},
};

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
        /// Usage unit (0 samples, 1 thousand tokens, 2 compute seconds); must be the license's.
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

    /// The usage anchor's entry point for a signed batch (anyone may submit it).
    function anchorBatch(Batch batch, bytes signature);

    /// The usage anchor's settlement entry point: proves `receipts` (in multiproof order) against
    /// the batch's root and bills them.
    function settle(bytes32 batchId, Receipt[] receipts, bytes32[] proof, bool[] flags);
}

/// The Merkle leaf of a receipt: `keccak256(keccak256(abi.encode(receipt)))`.
///
/// The double hash means a leaf is never the 64-byte preimage of an inner node. Because every
/// field is static, `abi.encode(receipt)` equals `abi.encode(jobId, licenseId, ..., attestor)`,
/// so this is also the leaf `@openzeppelin/merkle-tree`'s `StandardMerkleTree` computes for the
/// value list `[jobId, licenseId, datasetId, modelHash, unit, units, timestamp, attestor]` with
/// types `["bytes32","uint256","uint256","bytes32","uint8","uint256","uint64","address"]`.
pub fn receipt_leaf(receipt: &Receipt) -> B256 {
    keccak256(keccak256(receipt.abi_encode()))
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

/// `keccak256` of the batch's EIP-712 type string.
pub fn batch_typehash() -> B256 {
    keccak256(Batch::eip712_encode_type().as_bytes())
}

/// The EIP-712 `hashStruct(batch)`.
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
/// batched twice get the same id (and the anchor rejects the replay).
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

#[cfg(test)]
mod tests {
    use alloy::primitives::{address, b256};

    use super::*;

    #[test]
    fn batch_type_string_matches_the_contract() {
        assert_eq!(
            Batch::eip712_encode_type(),
            "Batch(bytes32 batchId,address attestor,bytes32 root,uint32 receiptCount,uint256 \
             totalUnits,uint64 periodStart,uint64 periodEnd)"
        );
        assert_eq!(
            batch_typehash(),
            keccak256(
                "Batch(bytes32 batchId,address attestor,bytes32 root,uint32 receiptCount,uint256 \
                 totalUnits,uint64 periodStart,uint64 periodEnd)"
            )
        );
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
                keccak256(EIP712_VERSION),
                U256::from(412_346_u64),
                anchor,
            )
                .abi_encode(),
        );
        assert_eq!(anchor_domain(412_346, anchor).separator(), expected);
    }

    #[test]
    fn receipt_encoding_is_eight_static_words() {
        let receipt = Receipt {
            jobId: b256!("0101010101010101010101010101010101010101010101010101010101010101"),
            licenseId: U256::from(1),
            datasetId: U256::from(2),
            modelHash: B256::repeat_byte(3),
            unit: 0,
            units: U256::from(250_000),
            timestamp: 1_767_225_600,
            attestor: Address::repeat_byte(4),
        };
        let encoded = receipt.abi_encode();
        assert_eq!(encoded.len(), 8 * 32);
        let flat = (
            receipt.jobId,
            receipt.licenseId,
            receipt.datasetId,
            receipt.modelHash,
            // `u8` is not a `SolValue` (it would be ambiguous with bytes); a uint8 is one word.
            U256::from(receipt.unit),
            receipt.units,
            receipt.timestamp,
            receipt.attestor,
        )
            .abi_encode();
        assert_eq!(encoded, flat);
        assert_eq!(receipt_leaf(&receipt), keccak256(keccak256(&encoded)));
    }
}
