//! Shared by the attestor kit's tests: an independent declaration of the v2 types written from
//! `docs/settlement.md`, an independent `StandardMerkleTree` root, `OpenZeppelin`'s verifiers, and
//! receipt sets.
#![allow(dead_code)]

use alloy::{
    primitives::{keccak256, Address, Bytes, B256, U256},
    signers::local::PrivateKeySigner,
};
use openzeppelin_crypto::merkle::Verifier;
use tributary::attest::{
    batch::anchor_calldata,
    signing::{parse_key, sign_batch},
    types::{anchor_domain, batch_digest, usage_leaf, Receipt, UsageLeaf},
    vectors::{anchor_address, ATTESTOR_KEY, CHAIN_ID},
    BatchFile, BatchOptions, MerkleTree,
};

/// The formats of `docs/settlement.md` §1, declared again so that a change to the kit's
/// declarations (a field renamed, reordered or retyped) shows up as a difference.
#[allow(missing_docs, unreachable_pub, clippy::pedantic)]
pub(crate) mod spec {
    alloy::sol! {
        #[derive(Debug, PartialEq, Eq)]
        struct Receipt {
            bytes32 jobId; uint256 licenseId; uint256 assetId; bytes32 modelHash; uint256 scope;
            uint8 unit; uint256 units; uint64 timestamp; address attestor;
        }
        #[derive(Debug, PartialEq, Eq)]
        struct UsageLeaf {
            uint32 index; uint256 licenseId; uint256 assetId; uint256 scope; uint8 unit;
            uint256 units; uint32 receiptCount; uint64 firstAt; uint64 lastAt; bytes32 receiptsRoot;
        }
        #[derive(Debug, PartialEq, Eq)]
        struct Batch {
            bytes32 batchId; address attestor; bytes32 root; uint32 leafCount; uint32 receiptCount;
            uint256 totalUnits; uint64 periodStart; uint64 periodEnd; uint64 deadline;
        }
        function anchorBatch(Batch batch, bytes signature) external;
        function settle(Batch batch, UsageLeaf[] leaves, bytes32[] proof, bool[] proofFlags) external;
        function holdEscrow(Batch batch, UsageLeaf leaf, bytes32[] proof) external;
        function verifyReceipt(Batch batch, UsageLeaf leaf, bytes32[] leafProof, Receipt receipt, bytes32[] receiptProof) external view returns (bool);
    }
}

pub(crate) fn spec_receipt(r: &Receipt) -> spec::Receipt {
    spec::Receipt {
        jobId: r.jobId,
        licenseId: r.licenseId,
        assetId: r.assetId,
        modelHash: r.modelHash,
        scope: r.scope,
        unit: r.unit,
        units: r.units,
        timestamp: r.timestamp,
        attestor: r.attestor,
    }
}

pub(crate) fn spec_leaf(l: &UsageLeaf) -> spec::UsageLeaf {
    spec::UsageLeaf {
        index: l.index,
        licenseId: l.licenseId,
        assetId: l.assetId,
        scope: l.scope,
        unit: l.unit,
        units: l.units,
        receiptCount: l.receiptCount,
        firstAt: l.firstAt,
        lastAt: l.lastAt,
        receiptsRoot: l.receiptsRoot,
    }
}

pub(crate) fn spec_batch(b: &tributary::attest::Batch) -> spec::Batch {
    spec::Batch {
        batchId: b.batchId,
        attestor: b.attestor,
        root: b.root,
        leafCount: b.leafCount,
        receiptCount: b.receiptCount,
        totalUnits: b.totalUnits,
        periodStart: b.periodStart,
        periodEnd: b.periodEnd,
        deadline: b.deadline,
    }
}

/// The first 4 bytes of `keccak256(signature)`.
pub(crate) fn selector(signature: &str) -> [u8; 4] {
    keccak256(signature)[..4].try_into().unwrap()
}

/// `StandardMerkleTree`'s root, written out again: sorted leaves at the end of a
/// `2n - 1` array, inner nodes `keccak256(sort(a, b))`.
pub(crate) fn standard_root(leaves: &[B256]) -> B256 {
    let mut sorted = leaves.to_vec();
    sorted.sort();
    let n = sorted.len();
    let mut nodes = vec![B256::ZERO; 2 * n - 1];
    for (i, leaf) in sorted.into_iter().enumerate() {
        nodes[2 * n - 2 - i] = leaf;
    }
    for i in (0..n - 1).rev() {
        let (a, b) = (nodes[2 * i + 1], nodes[2 * i + 2]);
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        nodes[i] = keccak256([lo.as_slice(), hi.as_slice()].concat());
    }
    nodes[0]
}

/// `openzeppelin-crypto`'s `Verifier::verify` (what the anchor runs for a path).
pub(crate) fn oz_verify(proof: &[B256], root: B256, leaf: B256) -> bool {
    let proof: Vec<[u8; 32]> = proof.iter().map(|h| h.0).collect();
    Verifier::verify(&proof, root.0, leaf.0)
}

/// `openzeppelin-crypto`'s `Verifier::verify_multi_proof`.
pub(crate) fn oz_verify_multi(proof: &[B256], flags: &[bool], root: B256, leaves: &[B256]) -> bool {
    let proof: Vec<[u8; 32]> = proof.iter().map(|h| h.0).collect();
    let leaves: Vec<[u8; 32]> = leaves.iter().map(|h| h.0).collect();
    Verifier::verify_multi_proof(&proof, flags, root.0, &leaves) == Ok(true)
}

pub(crate) fn signer() -> PrivateKeySigner {
    parse_key(&ATTESTOR_KEY.to_string()).unwrap()
}

pub(crate) fn options() -> BatchOptions {
    BatchOptions {
        chain_id: CHAIN_ID,
        verifying_contract: anchor_address(),
        batch_id: None,
        period_start: None,
        period_end: None,
        deadline: None,
    }
}

/// A receipt of the test attestor.
pub(crate) fn receipt(
    job: u64,
    license: u64,
    asset: u64,
    scope: u64,
    unit: u8,
    units: u64,
    timestamp: u64,
) -> Receipt {
    Receipt {
        jobId: keccak256(format!("test:job:{job}")),
        licenseId: U256::from(license),
        assetId: U256::from(asset),
        modelHash: keccak256("test:model"),
        scope: U256::from(scope),
        unit,
        units: U256::from(units),
        timestamp,
        attestor: signer().address(),
    }
}

/// Thirteen receipts in seven groups: licenses 2 and 10 (10 > 2 numerically, "10" < "2" as
/// text), two assets, several scopes and units; listed out of order.
pub(crate) fn mixed_receipts() -> Vec<Receipt> {
    vec![
        receipt(1, 10, 1, 1, 0, 100, 1_000),
        receipt(2, 2, 1, 1, 0, 200, 1_050),
        receipt(3, 2, 2, 1, 0, 300, 1_010),
        receipt(4, 2, 1, 2, 0, 400, 1_020),
        receipt(5, 2, 1, 1, 2, 500, 1_030),
        receipt(6, 2, 1, 1, 0, 600, 1_005),
        receipt(7, 10, 1, 1, 0, 700, 1_000),
        receipt(8, 2, 1, 5, 0, 800, 1_040),
        receipt(9, 2, 1, 1, 1, 900, 1_060),
        receipt(10, 2, 1, 1, 0, 1_000, 1_070),
        receipt(11, 10, 1, 1, 0, 1_100, 1_090),
        receipt(12, 2, 2, 1, 0, 1_200, 1_080),
        receipt(13, 2, 1, 2, 0, 1_300, 1_015),
    ]
}

/// Re-derives every hash, the root and the signature of `file` after its leaves or receipt
/// leaves were edited: what an attestor that lies consistently would publish.
pub(crate) fn resign(file: &mut BatchFile) {
    for (leaf, receipts) in file.leaves.iter_mut().zip(&file.receipt_leaves) {
        leaf.receipts_root = MerkleTree::new(receipts).unwrap().root();
    }
    file.leaf_hashes = file.usage_leaves().iter().map(usage_leaf).collect();
    file.batch.root = MerkleTree::new(&file.leaf_hashes).unwrap().root();
    let batch = file.batch();
    let domain = anchor_domain(file.chain_id, file.verifying_contract);
    file.batch_digest = batch_digest(&batch, &domain);
    file.signature = Bytes::copy_from_slice(&sign_batch(&signer(), &batch, &domain).unwrap());
    file.anchor_calldata = anchor_calldata(&batch, &file.signature);
}

/// Some address other than the attestor's.
pub(crate) fn stranger() -> Address {
    Address::repeat_byte(0xaa)
}
