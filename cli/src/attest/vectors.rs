//! The shared test vectors `tests/vectors/usage_v1.json`: the seed case study's receipts, their
//! leaves and root, the signed batch with every intermediate EIP-712 hash, and a multiproof.
//!
//! The usage anchor's tests read the same file and check that the contract computes the same
//! leaves, root, digest and signer, and accepts the multiproof; `cli/tests/attest_vectors.rs`
//! regenerates it here and fails if the committed file differs. Everything is deterministic
//! (fixed key, RFC 6979 signatures).
//!
//! The case study: a creator collective's anonymized medical image patches (dataset 1) are
//! licensed to two licensees (license tokens 1 and 2); a compute provider meters a week of
//! training jobs in samples and anchors the week's receipts as one batch. The multiproof covers
//! license 2's receipts, as its settlement would.

use alloy::primitives::{keccak256, Address, Bytes, B256, U256};
use serde::{Deserialize, Serialize};

use super::{
    batch::{build_batch, BatchOptions},
    error::AttestError,
    json::{BatchJson, ReceiptJson},
    prove::{prove, Selection},
    signing::parse_key,
    types::{anchor_domain, batch_struct_hash, Batch, Receipt},
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
/// Usage unit of the case study: samples (`scope::UNIT_SAMPLES`).
pub const UNIT_SAMPLES: u8 = 0;

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

/// License whose receipts the multiproof covers.
pub const PROVEN_LICENSE: u64 = 2;

/// The usage anchor's address in the vectors: the `CREATE` address of [`DEPLOYER`] at
/// [`ANCHOR_DEPLOY_NONCE`], where the deploy order puts it on a fresh dev chain.
pub fn anchor_address() -> Address {
    DEPLOYER.create(ANCHOR_DEPLOY_NONCE)
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
    /// `leaves[i]` is the leaf of `receipts[i]`.
    pub leaves: Vec<B256>,
    /// Merkle root over the leaves.
    pub root: B256,
    /// The signed batch.
    pub batch: BatchJson,
    /// EIP-712 domain separator.
    pub domain_separator: B256,
    /// EIP-712 `hashStruct(batch)`.
    pub batch_struct_hash: B256,
    /// EIP-712 digest the attestor signs.
    pub batch_digest: B256,
    /// 65 bytes `r ‖ s ‖ v`.
    pub signature: Bytes,
    /// Multiproof of [`PROVEN_LICENSE`]'s receipts.
    pub multiproof: MultiProofJson,
}

/// A multiproof as stored in the vectors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MultiProofJson {
    /// Proven leaves in proof order.
    pub leaves: Vec<B256>,
    /// Sibling hashes.
    pub proof: Vec<B256>,
    /// Flags.
    pub flags: Vec<bool>,
}

/// The case study's receipts, in job order.
pub fn case_study_receipts(attestor: Address) -> Vec<Receipt> {
    JOBS.iter()
        .zip(1_u64..)
        .map(|(&(license, units), job)| Receipt {
            jobId: keccak256(format!("tributary:case-study:job:{job:04}")),
            licenseId: U256::from(license),
            datasetId: U256::from(DATASET_ID),
            modelHash: keccak256(format!(
                "tributary:case-study:model:chest-xray-patch-classifier:license-{license}"
            )),
            unit: UNIT_SAMPLES,
            units: U256::from(units),
            // Spread over the week, 21 hours apart, from 01:00 on Monday.
            timestamp: PERIOD_START + 3_600 + (job - 1) * 75_600,
            attestor,
        })
        .collect()
}

/// Generates the vectors.
///
/// # Errors
///
/// Only if the kit itself is broken (the inputs are fixed and valid).
pub fn usage_v1() -> Result<UsageVectors, AttestError> {
    let signer = parse_key(&ATTESTOR_KEY.to_string())?;
    let attestor = signer.address();
    let receipts = case_study_receipts(attestor);
    let options = BatchOptions {
        chain_id: CHAIN_ID,
        verifying_contract: anchor_address(),
        batch_id: None,
        period_start: Some(PERIOD_START),
        period_end: Some(PERIOD_END),
    };
    let file = build_batch(&receipts, &signer, &options)?;
    let proven: Vec<B256> = receipts
        .iter()
        .filter(|r| r.licenseId == U256::from(PROVEN_LICENSE))
        .map(|r| r.jobId)
        .collect();
    let proof = prove(&file, &receipts, &Selection::JobIds(proven))?;
    let batch = Batch::from(&file.batch);
    let domain = anchor_domain(CHAIN_ID, anchor_address());
    Ok(UsageVectors {
        chain_id: CHAIN_ID,
        verifying_contract: anchor_address(),
        attestor_private_key: ATTESTOR_KEY,
        attestor,
        receipts: receipts.iter().map(ReceiptJson::from).collect(),
        leaves: file.leaves,
        root: file.batch.root,
        domain_separator: domain.separator(),
        batch_struct_hash: batch_struct_hash(&batch),
        batch_digest: file.batch_digest,
        signature: file.signature,
        batch: file.batch,
        multiproof: MultiProofJson {
            leaves: proof.leaves,
            proof: proof.proof,
            flags: proof.flags,
        },
    })
}
