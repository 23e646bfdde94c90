//! The shared test vectors `tests/vectors/attribution_v1.json`: a fixed scores CSV, its
//! normalised weights, the weights tree with every leaf's proof, the report signed by a
//! well-known test key with every EIP-712 hash, its `postReport` calldata, and one
//! `claimMerkle` call.
//!
//! The contracts' tests read the same file and check that the Datanets contract computes the
//! same digest and recovers the same evaluator, and that the splitter accepts the same proofs;
//! `tributary attest vectors --check` (and this module's tests) regenerate it and fail if the
//! committed file differs. Everything is deterministic (fixed inputs, RFC 6979 signatures).
//!
//! The case: eight contributions to dataset 1 (version 1) scored by their accuracy delta on a
//! holdout benchmark, for epoch 1. The CSV covers every normalisation rule: a negative score, a
//! zero, a flagged contributor with a positive score, one whose weight rounds to zero, and
//! five members. The claim is the first member's, on version 1 of split 1, in the native
//! currency.

use alloy::primitives::{address, keccak256, Address, Bytes, B256, U256};
use serde::{Deserialize, Serialize};

use super::{
    attribute, claim, datanets_domain, report_struct_hash, report_typehash, AttributionError,
    ClaimFile, ReportJson, ReportParams, Scores, WEIGHT_SCALE,
};
use crate::attest::{
    json::{decimal_u256, number_u64},
    signing::parse_key,
    vectors::ATTESTOR_KEY,
};

/// Chain id of the vectors (Arbitrum's local dev chain id).
pub const CHAIN_ID: u64 = 412_346;
/// The Datanets contract's address in the vectors (fixed, not a deployment's).
pub const DATANETS: Address = address!("da7a0e75da7a0e75da7a0e75da7a0e75da7a0e75");
/// The evaluator's key: the first key of the well-known test mnemonic ("test test ... junk",
/// anvil's account 0).
pub const EVALUATOR_KEY: B256 = ATTESTOR_KEY;
/// The evaluated dataset.
pub const DATASET_ID: u64 = 1;
/// The evaluated dataset version.
pub const DATASET_VERSION: u64 = 1;
/// The epoch the weights open.
pub const EPOCH: u64 = 1;
/// `benchmarkId` is `keccak256` of this.
pub const BENCHMARK_NAME: &str = "tributary:case-study:benchmark:chest-xray-holdout-v1";
/// `metric` is `keccak256` of this.
pub const METRIC_NAME: &str = "accuracy";
/// The report's deadline: 2026-02-01 00:00:00 UTC.
pub const DEADLINE: u64 = 1_769_904_000;
/// Split of the claim.
pub const CLAIM_SPLIT_ID: u64 = 1;
/// Split version of the claim.
pub const CLAIM_SPLIT_VERSION: u32 = 1;

/// The scores (anvil's accounts 1 to 9 as contributors).
pub const SCORES_CSV: &str = "\
# Tributary attribution vectors v1: accuracy deltas of eight contributions to dataset 1
# on the chest X-ray holdout benchmark.
contributor,score,flagged
0x70997970C51812dc3A010C7d01b50e0d17dc79C8,0.0421,
0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC,0.0187,no
0x90F79bf6EB2c4f870365E785982E1f101E93b906,-0.0032,
0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65,0.035,yes
0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc,0,

0x976EA74026E726554dB657fA54763abd0C3a0aa9,0.0093,0
0x14dC79964da2C08b23698B3D3cc7Ca32193d9955,0.000000000001,
0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f,0.0001,false
0xa0Ee7A142d267C1f36714E4a8F75612F20a79720,0.125,
";

/// The vector file, field for field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttributionVectors {
    /// EIP-712 chain id.
    pub chain_id: u64,
    /// EIP-712 verifying contract (the Datanets contract).
    pub verifying_contract: Address,
    /// The evaluator's private key (a public test key).
    pub evaluator_private_key: B256,
    /// The evaluator's address.
    pub evaluator: Address,
    /// The scores CSV, verbatim.
    pub scores_csv: String,
    /// Weights are parts of this (10^9).
    pub weight_scale: u64,
    /// `S`: the sum of the positive, unflagged scores as fixed-point `× 10^18` (decimal).
    #[serde(with = "decimal_u256")]
    pub positive_score_sum: U256,
    /// Every row of the CSV with its weight, in input order.
    pub weights: Vec<WeightVector>,
    /// The tree's members in input order, each with its leaf, `treeIndex` and proof.
    pub leaves: Vec<LeafVector>,
    /// Every node of the tree (`StandardMerkleTree` array order, root first).
    pub tree: Vec<B256>,
    /// The tree's root.
    pub weights_root: B256,
    /// Sum of the members' weights.
    #[serde(with = "decimal_u256")]
    pub total_weight: U256,
    /// `report.benchmarkId` is `keccak256` of this string.
    pub benchmark_name: String,
    /// `report.metric` is `keccak256` of this string.
    pub metric_name: String,
    /// The signed report.
    pub report: ReportJson,
    /// EIP-712 domain separator of `{"Tributary Datanets", "1", chainId, verifyingContract}`.
    pub domain_separator: B256,
    /// `keccak256` of the report's EIP-712 type string.
    pub report_typehash: B256,
    /// EIP-712 `hashStruct(report)`.
    pub report_struct_hash: B256,
    /// EIP-712 digest the evaluator signs.
    pub report_digest: B256,
    /// 65 bytes `r ‖ s ‖ v`, low `s`, `v ∈ {27, 28}`.
    pub signature: Bytes,
    /// `postReport(report, signature)` calldata.
    pub post_report_calldata: Bytes,
    /// The first member's `claimMerkle` on version [`CLAIM_SPLIT_VERSION`] of split
    /// [`CLAIM_SPLIT_ID`], native currency.
    pub claim: ClaimFile,
}

/// A CSV row with its normalised weight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WeightVector {
    /// The contributor.
    pub contributor: Address,
    /// Its score, as the shortest exact decimal.
    pub score: String,
    /// `score × 10^18` as a signed decimal integer.
    pub score_fixed: String,
    /// Whether it is flagged.
    pub flagged: bool,
    /// Its weight (0 if left out of the tree).
    #[serde(with = "decimal_u256")]
    pub weight: U256,
    /// Why its weight is 0 (`non-positive`, `flagged`, `rounded-to-zero`), empty for members.
    pub reason: String,
}

/// A member's leaf and proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LeafVector {
    /// The contributor.
    pub contributor: Address,
    /// Its weight.
    #[serde(with = "decimal_u256")]
    pub weight: U256,
    /// `keccak256(keccak256(abi.encode(contributor, weight)))`.
    pub leaf: B256,
    /// Position of the leaf in `tree`.
    #[serde(with = "number_u64")]
    pub tree_index: u64,
    /// Sibling hashes from the leaf up to `weightsRoot`.
    pub proof: Vec<B256>,
}

/// The report parameters of the vectors.
pub fn vector_params() -> ReportParams {
    ReportParams {
        chain_id: CHAIN_ID,
        datanets: DATANETS,
        dataset_id: U256::from(DATASET_ID),
        version: U256::from(DATASET_VERSION),
        epoch: EPOCH,
        benchmark_id: keccak256(BENCHMARK_NAME),
        metric: keccak256(METRIC_NAME),
        deadline: DEADLINE,
    }
}

/// Generates the vectors.
///
/// # Errors
///
/// Only if the kit itself is broken (the inputs are fixed and valid).
pub fn attribution_v1() -> Result<AttributionVectors, AttributionError> {
    let signer = parse_key(&EVALUATOR_KEY.to_string())?;
    let scores = Scores::parse(SCORES_CSV)?;
    let attribution = attribute(&scores, &vector_params(), &signer)?;
    let tree = &attribution.tree;
    let weights = attribution
        .weights
        .entries()
        .iter()
        .map(|w| WeightVector {
            contributor: w.contributor,
            score: w.score.to_string(),
            score_fixed: format!(
                "{}{}",
                if w.score.is_negative() { "-" } else { "" },
                w.score.fixed()
            ),
            flagged: w.flagged,
            weight: U256::from(w.weight),
            reason: w.zero_reason.map_or("", |r| r.as_str()).into(),
        })
        .collect();
    let mut leaves = Vec::with_capacity(tree.len());
    for member in tree.members() {
        let proof = tree.proof(member.contributor)?;
        let tree_index = tree
            .tree_index(member.contributor)
            .ok_or(AttributionError::UnknownAccount(member.contributor))?;
        leaves.push(LeafVector {
            contributor: member.contributor,
            weight: U256::from(member.weight),
            leaf: member.leaf,
            tree_index: tree_index as u64,
            proof: proof.proof,
        });
    }
    let first = tree.members()[0].contributor;
    let claim = claim(
        &tree.proof(first)?,
        U256::from(CLAIM_SPLIT_ID),
        CLAIM_SPLIT_VERSION,
        Address::ZERO,
        None,
    )?;
    Ok(AttributionVectors {
        chain_id: CHAIN_ID,
        verifying_contract: DATANETS,
        evaluator_private_key: EVALUATOR_KEY,
        evaluator: attribution.evaluator,
        scores_csv: SCORES_CSV.into(),
        weight_scale: WEIGHT_SCALE,
        positive_score_sum: attribution.weights.positive_sum(),
        weights,
        leaves,
        tree: tree.merkle().nodes().to_vec(),
        weights_root: tree.root(),
        total_weight: U256::from(tree.total_weight()),
        benchmark_name: BENCHMARK_NAME.into(),
        metric_name: METRIC_NAME.into(),
        report: ReportJson::from(&attribution.report),
        domain_separator: datanets_domain(CHAIN_ID, DATANETS).separator(),
        report_typehash: report_typehash(),
        report_struct_hash: report_struct_hash(&attribution.report),
        report_digest: attribution.digest,
        post_report_calldata: attribution.post_report_calldata(),
        signature: attribution.signature,
        claim,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attest::json::to_pretty_json;

    /// Set to `1` to (re)write the committed file instead of comparing with it.
    const WRITE_ENV: &str = "TRIBUTARY_WRITE_VECTORS";

    #[test]
    fn committed_vectors_are_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/vectors/attribution_v1.json");
        let generated = to_pretty_json(&attribution_v1().unwrap());
        if std::env::var(WRITE_ENV).as_deref() == Ok("1") {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap();
        assert!(
            generated == committed,
            "tests/vectors/attribution_v1.json is stale: run `tributary attest vectors` (or this \
             test with {WRITE_ENV}=1)"
        );
        let parsed: AttributionVectors = serde_json::from_str(&committed).unwrap();
        assert_eq!(parsed, attribution_v1().unwrap());
    }
}
