//! The shared test vectors `tests/vectors/usage_v2.json`: the seed case study's receipts and
//! their leaves, the usage leaves they group into with their hashes and receipt roots, the
//! signed batch with every intermediate EIP-712 hash, a settlement multiproof and one receipt
//! proof down to the root.
//!
//! The usage anchor's tests read the same file and check that the contract computes the same
//! leaves, roots, digest and signer, and accepts the proofs; `cli/tests/attest_vectors.rs`
//! regenerates it here and fails if the committed file differs. Everything is deterministic
//! (fixed key, RFC 6979 signatures, a deadline derived from the period).
//!
//! The case study: a creator collective's anonymized medical image patches (dataset 1) are
//! licensed to two licensees (license tokens 1 and 2) for training; a compute provider meters a
//! week of training jobs in samples (scope `TRAIN`) and anchors the week as one batch, one usage
//! leaf per license. The multiproof covers license 2's leaf, as its settlement would; the
//! receipt proof proves license 2's second job.

use alloy::primitives::{keccak256, Address, Bytes, B256, U256};
use serde::{Deserialize, Serialize};

use super::{
    batch::{build_batch, BatchOptions},
    error::AttestError,
    json::{BatchJson, ReceiptJson, UsageLeafJson},
    prove::{prove, prove_receipt, Selection},
    signing::parse_key,
    types::{
        anchor_domain, batch_key, batch_struct_hash, batch_typehash, receipt_leaf, scope, Receipt,
    },
};

/// Chain id of the vectors (Arbitrum's local dev chain id).
pub const CHAIN_ID: u64 = 412_346;
/// The attestor's key: the first key of the well-known test mnemonic ("test test ... junk").
pub const ATTESTOR_KEY: B256 =
    alloy::primitives::b256!("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
/// The first dev account, which deploys the contracts.
pub const DEPLOYER: Address =
    alloy::primitives::address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
/// Nonce of the usage anchor's deployment (splitter 0, registry 1, license 2, anchor 3).
pub const ANCHOR_DEPLOY_NONCE: u64 = 3;
/// Start of the metered week: Monday 2026-01-05 00:00:00 UTC.
pub const PERIOD_START: u64 = 1_767_571_200;
/// End of the metered week: Sunday 2026-01-11 23:59:59 UTC.
pub const PERIOD_END: u64 = PERIOD_START + 7 * 86_400 - 1;
/// The dataset of the case study.
pub const DATASET_ID: u64 = 1;
/// Usage unit of the case study: samples.
pub const UNIT_SAMPLES: u8 = scope::UNIT_SAMPLES;
/// Scope of every receipt of the case study: training.
pub const SCOPE: u64 = scope::TRAIN;

/// `(license id, units)` of each receipt, in job order.
const JOBS: [(u64, u64); 8] = [
    (1, 250_000),
    (2, 180_000),
    (1, 320_000),
    (2, 250_000),
    (1, 90_000),
    (1, 410_000),
    (2, 150_000),
    (1, 350_000),
];

/// License whose leaf the multiproof covers.
pub const PROVEN_LICENSE: u64 = 2;
/// Job (1-based, in [`JOBS`] order) whose receipt the receipt proof proves: license 2's second.
pub const PROVEN_JOB: u64 = 4;

/// The usage anchor's address in the vectors: the `CREATE` address of [`DEPLOYER`] at
/// [`ANCHOR_DEPLOY_NONCE`], where the deploy order puts it on a fresh dev chain.
pub fn anchor_address() -> Address {
    DEPLOYER.create(ANCHOR_DEPLOY_NONCE)
}

/// The job id of job `n` (1-based) of the case study.
pub fn job_id(n: u64) -> B256 {
    keccak256(format!("tributary:case-study:job:{n:04}"))
}

/// The vector file, field for field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UsageVectors {
    /// EIP-712 chain id.
    pub chain_id: u64,
    /// EIP-712 verifying contract (the anchor).
    pub verifying_contract: Address,
    /// The attestor's private key (a public test key).
    pub attestor_private_key: B256,
    /// The attestor's address.
    pub attestor: Address,
    /// The receipts, in job order.
    pub receipts: Vec<ReceiptJson>,
    /// `receiptHashes[i]` is `receipt_leaf(receipts[i])`.
    pub receipt_hashes: Vec<B256>,
    /// The usage leaves, in index order.
    pub leaves: Vec<UsageLeafJson>,
    /// `leafHashes[i]` is `usage_leaf(leaves[i])`.
    pub leaf_hashes: Vec<B256>,
    /// `receiptLeaves[i]`: the receipt leaves of `leaves[i]` in `(timestamp, jobId)` order; their
    /// root is `leaves[i].receiptsRoot`.
    pub receipt_leaves: Vec<Vec<B256>>,
    /// Merkle root over the leaf hashes.
    pub root: B256,
    /// The signed batch.
    pub batch: BatchJson,
    /// `keccak256(abi.encode(attestor, batchId))`, the anchor's storage key of the batch.
    pub batch_key: B256,
    /// EIP-712 domain separator.
    pub domain_separator: B256,
    /// `keccak256` of the batch's EIP-712 type string.
    pub batch_typehash: B256,
    /// EIP-712 `hashStruct(batch)`.
    pub batch_struct_hash: B256,
    /// EIP-712 digest the attestor signs.
    pub batch_digest: B256,
    /// 65 bytes `r ‖ s ‖ v`.
    pub signature: Bytes,
    /// `anchorBatch(batch, signature)` calldata.
    pub anchor_calldata: Bytes,
    /// Settlement multiproof of [`PROVEN_LICENSE`]'s leaves.
    pub multiproof: MultiProofJson,
    /// Proof of [`PROVEN_JOB`]'s receipt down to the root.
    pub receipt_proof: ReceiptProofJson,
}

/// A settlement multiproof as stored in the vectors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MultiProofJson {
    /// The license whose leaves are proven.
    #[serde(with = "crate::attest::json::decimal_u256")]
    pub license_id: U256,
    /// Proven leaves, in proof order.
    pub leaves: Vec<UsageLeafJson>,
    /// Their hashes, same order.
    pub leaf_hashes: Vec<B256>,
    /// Sibling hashes.
    pub proof: Vec<B256>,
    /// Flags.
    pub proof_flags: Vec<bool>,
    /// `settle(batch, leaves, proof, proofFlags)` calldata.
    pub settle_calldata: Bytes,
}

/// A receipt proof as stored in the vectors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReceiptProofJson {
    /// The proven receipt's job id (one of `receipts`).
    pub job_id: B256,
    /// Its receipt leaf.
    pub receipt_leaf: B256,
    /// Path from the receipt leaf to the leaf's `receiptsRoot`.
    pub receipt_proof: Vec<B256>,
    /// Index of the usage leaf that aggregates it.
    pub leaf_index: u32,
    /// That leaf's hash.
    pub leaf_hash: B256,
    /// Path from the leaf hash to the batch root.
    pub leaf_proof: Vec<B256>,
    /// `verifyReceipt(batch, leaf, leafProof, receipt, receiptProof)` calldata.
    pub verify_receipt_calldata: Bytes,
}

/// The case study's receipts, in job order.
pub fn case_study_receipts(attestor: Address) -> Vec<Receipt> {
    JOBS.iter()
        .zip(1_u64..)
        .map(|(&(license, units), job)| Receipt {
            jobId: job_id(job),
            licenseId: U256::from(license),
            assetId: U256::from(DATASET_ID),
            modelHash: keccak256(format!(
                "tributary:case-study:model:chest-xray-patch-classifier:license-{license}"
            )),
            scope: U256::from(SCOPE),
            unit: UNIT_SAMPLES,
            units: U256::from(units),
            // Spread over the week, 21 hours apart, from 01:00 on Monday.
            timestamp: PERIOD_START + 3_600 + (job - 1) * 75_600,
            attestor,
        })
        .collect()
}

/// The batch options of the vectors: the whole week as the period, the default deadline.
pub fn case_study_options() -> BatchOptions {
    BatchOptions {
        chain_id: CHAIN_ID,
        verifying_contract: anchor_address(),
        batch_id: None,
        period_start: Some(PERIOD_START),
        period_end: Some(PERIOD_END),
        deadline: None,
    }
}

/// Generates the vectors.
///
/// # Errors
///
/// Only if the kit itself is broken (the inputs are fixed and valid).
pub fn usage_v2() -> Result<UsageVectors, AttestError> {
    let signer = parse_key(&ATTESTOR_KEY.to_string())?;
    let attestor = signer.address();
    let receipts = case_study_receipts(attestor);
    let file = build_batch(&receipts, &signer, &case_study_options())?;
    let settle = prove(
        &file,
        &Selection::Licenses(vec![U256::from(PROVEN_LICENSE)]),
    )?;
    let proven = prove_receipt(&file, &receipts, job_id(PROVEN_JOB))?;
    let batch = file.batch();
    let domain = anchor_domain(CHAIN_ID, anchor_address());
    Ok(UsageVectors {
        chain_id: CHAIN_ID,
        verifying_contract: anchor_address(),
        attestor_private_key: ATTESTOR_KEY,
        attestor,
        receipt_hashes: receipts.iter().map(receipt_leaf).collect(),
        receipts: receipts.iter().map(ReceiptJson::from).collect(),
        leaves: file.leaves,
        leaf_hashes: file.leaf_hashes,
        receipt_leaves: file.receipt_leaves,
        root: batch.root,
        batch_key: batch_key(attestor, batch.batchId),
        domain_separator: domain.separator(),
        batch_typehash: batch_typehash(),
        batch_struct_hash: batch_struct_hash(&batch),
        batch_digest: file.batch_digest,
        signature: file.signature,
        anchor_calldata: file.anchor_calldata,
        batch: file.batch,
        multiproof: MultiProofJson {
            license_id: U256::from(PROVEN_LICENSE),
            leaves: settle.leaves,
            leaf_hashes: settle.leaf_hashes,
            proof: settle.proof,
            proof_flags: settle.proof_flags,
            settle_calldata: settle.settle_calldata,
        },
        receipt_proof: ReceiptProofJson {
            job_id: proven.receipt.job_id,
            receipt_leaf: proven.receipt_leaf,
            receipt_proof: proven.receipt_proof,
            leaf_index: proven.leaf.index,
            leaf_hash: proven.leaf_hash,
            leaf_proof: proven.leaf_proof,
            verify_receipt_calldata: proven.verify_receipt_calldata,
        },
    })
}
