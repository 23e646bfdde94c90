//! The files of an attribution: `report.json`, `weights.csv`, `tree.json`,
//! `proofs/<address>.json`, and the output of `attest claim`.
//!
//! **Report** (`report.json`): the signed report and how to post it.
//! ```json
//! {
//!   "chainId": 412346,
//!   "verifyingContract": "0x…Datanets",
//!   "report": {"datasetId": "1", "version": "1", "epoch": 1, "benchmarkId": "0x…",
//!              "metric": "0x…", "weightsRoot": "0x…", "totalWeight": "999999998",
//!              "deadline": 1769904000},
//!   "reportDigest": "0x…EIP-712 digest",
//!   "evaluator": "0x…",
//!   "signature": "0x…65 bytes",
//!   "calldata": "0x…postReport(report, signature)"
//! }
//! ```
//!
//! **Weights** (`weights.csv`): `contributor,score,weight,reason`, every scored contributor in
//! input order; `reason` is empty for the tree's members, else `non-positive`, `flagged` or
//! `rounded-to-zero`.
//!
//! **Tree** (`tree.json`): an `@openzeppelin/merkle-tree` `StandardMerkleTree` dump (`format`,
//! `leafEncoding`, `tree`: every node with the root first, `values`: each member's `[address,
//! "weight"]` and its `treeIndex` in `tree`, in input order), plus the report's `weightsRoot`,
//! `totalWeight`, `datasetId`, `version` and `epoch`. `attest claim --tree` rebuilds the tree
//! from `values`, checks it against every node and the root, and proves any member.
//! ```json
//! {
//!   "weightsRoot": "0x…", "totalWeight": "999999998", "datasetId": "1", "version": "1",
//!   "epoch": 1, "format": "standard-v1", "leafEncoding": ["address", "uint256"],
//!   "values": [{"value": ["0x…", "215676229"], "treeIndex": 5}, "…"],
//!   "tree": ["0x…root", "…"]
//! }
//! ```
//!
//! **Proof** (`proofs/<lowercase 0x address>.json`): one member's claim.
//! ```json
//! {"contributor": "0x…", "weight": "215676229", "leaf": "0x…", "proof": ["0x…", "…"],
//!  "weightsRoot": "0x…", "datasetId": "1", "epoch": 1}
//! ```
//!
//! **Claim** (`attest claim` output): the `claimMerkle` arguments and calldata; `splitter` and
//! `cast` (a `cast send` command line) only with `--splitter`.
//! ```json
//! {"splitId": "1", "version": 2, "recipient": "0x…", "shares": "215676229",
//!  "proof": ["0x…"], "token": "0x0000000000000000000000000000000000000000",
//!  "leaf": "0x…", "weightsRoot": "0x…", "calldata": "0x…",
//!  "splitter": "0x…", "cast": "cast send 0x… \"claimMerkle(…)\" …"}
//! ```

use alloy::primitives::{Address, Bytes, B256, U256};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{
    post_report_calldata, report_digest, verify_report_signature, AttributionError,
    AttributionReport, WeightProof, WeightTree,
};
use crate::attest::json::{decimal_u256, number_u64};

/// `format` of a `StandardMerkleTree` dump.
pub const TREE_FORMAT: &str = "standard-v1";
/// `leafEncoding` of the weights tree.
pub const LEAF_ENCODING: [&str; 2] = ["address", "uint256"];

/// An [`AttributionReport`] in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReportJson {
    /// The dataset evaluated.
    #[serde(with = "decimal_u256")]
    pub dataset_id: U256,
    /// The dataset version evaluated.
    #[serde(with = "decimal_u256")]
    pub version: U256,
    /// The epoch the weights open.
    #[serde(with = "number_u64")]
    pub epoch: u64,
    /// The benchmark's id.
    pub benchmark_id: B256,
    /// The metric.
    pub metric: B256,
    /// Root of the weights tree.
    pub weights_root: B256,
    /// Sum of the weights.
    #[serde(with = "decimal_u256")]
    pub total_weight: U256,
    /// Last second at which the report may be posted.
    #[serde(with = "number_u64")]
    pub deadline: u64,
}

impl From<&AttributionReport> for ReportJson {
    fn from(r: &AttributionReport) -> Self {
        Self {
            dataset_id: r.datasetId,
            version: r.version,
            epoch: r.epoch,
            benchmark_id: r.benchmarkId,
            metric: r.metric,
            weights_root: r.weightsRoot,
            total_weight: r.totalWeight,
            deadline: r.deadline,
        }
    }
}

impl From<&ReportJson> for AttributionReport {
    fn from(r: &ReportJson) -> Self {
        Self {
            datasetId: r.dataset_id,
            version: r.version,
            epoch: r.epoch,
            benchmarkId: r.benchmark_id,
            metric: r.metric,
            weightsRoot: r.weights_root,
            totalWeight: r.total_weight,
            deadline: r.deadline,
        }
    }
}

/// `report.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReportFile {
    /// Chain id of the EIP-712 domain.
    #[serde(with = "number_u64")]
    pub chain_id: u64,
    /// The Datanets contract (EIP-712 `verifyingContract`).
    pub verifying_contract: Address,
    /// The signed report.
    pub report: ReportJson,
    /// Its EIP-712 digest.
    pub report_digest: B256,
    /// The signing evaluator.
    pub evaluator: Address,
    /// 65 bytes `r ‖ s ‖ v`.
    pub signature: Bytes,
    /// `postReport(report, signature)` calldata, for `cast send <datanets> <calldata>`.
    pub calldata: Bytes,
}

impl ReportFile {
    /// Checks the file against itself: the digest, the evaluator's signature (low `s`) and the
    /// calldata.
    ///
    /// # Errors
    ///
    /// [`AttributionError::ReportFile`] naming what disagrees.
    pub fn verify(&self) -> Result<(), AttributionError> {
        let report = AttributionReport::from(&self.report);
        let digest = report_digest(&report, self.chain_id, self.verifying_contract);
        if digest != self.report_digest {
            return Err(AttributionError::ReportFile(format!(
                "reportDigest is {}, the report's EIP-712 digest is {digest}",
                self.report_digest
            )));
        }
        verify_report_signature(
            &report,
            self.chain_id,
            self.verifying_contract,
            &self.signature,
            self.evaluator,
        )
        .map_err(|e| AttributionError::ReportFile(format!("signature: {e}")))?;
        if post_report_calldata(&report, &self.signature) != self.calldata {
            return Err(AttributionError::ReportFile(
                "calldata is not postReport(report, signature)".into(),
            ));
        }
        Ok(())
    }
}

/// A `uint256` as a decimal string (a JSON number is accepted on input).
#[derive(Serialize, Deserialize)]
struct Decimal(#[serde(with = "decimal_u256")] U256);

/// A leaf's value in a `StandardMerkleTree` dump: `["0x…address", "weight"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeafValue {
    /// The contributor.
    pub contributor: Address,
    /// Its weight.
    pub weight: U256,
}

impl Serialize for LeafValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.contributor, Decimal(self.weight)).serialize(s)
    }
}

impl<'de> Deserialize<'de> for LeafValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (contributor, Decimal(weight)) = <(Address, Decimal)>::deserialize(d)?;
        Ok(Self {
            contributor,
            weight,
        })
    }
}

/// One entry of a dump's `values`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TreeValue {
    /// The leaf's value.
    pub value: LeafValue,
    /// Position of its leaf in `tree`.
    pub tree_index: usize,
}

/// `tree.json`: a `StandardMerkleTree` dump plus the report's fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TreeFile {
    /// The root (`tree[0]`, the report's `weightsRoot`).
    pub weights_root: B256,
    /// Sum of the weights.
    #[serde(with = "decimal_u256")]
    pub total_weight: U256,
    /// The report's dataset.
    #[serde(with = "decimal_u256")]
    pub dataset_id: U256,
    /// The report's dataset version.
    #[serde(with = "decimal_u256")]
    pub version: U256,
    /// The report's epoch.
    #[serde(with = "number_u64")]
    pub epoch: u64,
    /// [`TREE_FORMAT`].
    pub format: String,
    /// [`LEAF_ENCODING`].
    pub leaf_encoding: Vec<String>,
    /// The members with their tree positions, in input order.
    pub values: Vec<TreeValue>,
    /// Every node; `tree[0]` is the root, node `i`'s children are `2i + 1` and `2i + 2`.
    pub tree: Vec<B256>,
}

impl TreeFile {
    /// The dump of `tree` with the report's fields.
    pub fn new(tree: &WeightTree, report: &AttributionReport) -> Self {
        let nodes = tree.merkle().nodes();
        let by_leaf: std::collections::HashMap<B256, usize> = tree
            .merkle()
            .leaves()
            .enumerate()
            .filter_map(|(i, leaf)| Some((leaf, tree.merkle().tree_index(i)?)))
            .collect();
        Self {
            weights_root: tree.root(),
            total_weight: U256::from(tree.total_weight()),
            dataset_id: report.datasetId,
            version: report.version,
            epoch: report.epoch,
            format: TREE_FORMAT.into(),
            leaf_encoding: LEAF_ENCODING.iter().map(|&s| s.into()).collect(),
            values: tree
                .members()
                .iter()
                .map(|m| TreeValue {
                    value: LeafValue {
                        contributor: m.contributor,
                        weight: U256::from(m.weight),
                    },
                    tree_index: by_leaf[&m.leaf],
                })
                .collect(),
            tree: nodes.to_vec(),
        }
    }

    /// Rebuilds the tree from `values` and checks it against the file: format and encoding,
    /// every node, every `treeIndex`, the root and the total weight.
    ///
    /// # Errors
    ///
    /// [`AttributionError::TreeFile`] naming the first disagreement.
    pub fn to_tree(&self) -> Result<WeightTree, AttributionError> {
        let bad = |message: String| AttributionError::TreeFile(message);
        if self.format != TREE_FORMAT {
            return Err(bad(format!(
                "format is {:?}, expected {TREE_FORMAT:?}",
                self.format
            )));
        }
        if self.leaf_encoding != LEAF_ENCODING {
            return Err(bad(format!(
                "leafEncoding is {:?}, expected {LEAF_ENCODING:?}",
                self.leaf_encoding
            )));
        }
        if self.values.is_empty() {
            return Err(bad("no values: the tree has no member".into()));
        }
        let mut members = Vec::with_capacity(self.values.len());
        for v in &self.values {
            let weight = u64::try_from(v.value.weight).map_err(|_| {
                bad(format!(
                    "the weight of {} exceeds 2^64 - 1",
                    v.value.contributor
                ))
            })?;
            members.push((v.value.contributor, weight));
        }
        let tree = WeightTree::from_members(members).map_err(|e| bad(e.to_string()))?;
        let nodes = tree.merkle().nodes();
        if self.tree.len() != nodes.len() {
            return Err(bad(format!(
                "{} nodes for {} values, expected {}",
                self.tree.len(),
                self.values.len(),
                nodes.len()
            )));
        }
        if let Some(i) = (0..nodes.len()).find(|&i| self.tree[i] != nodes[i]) {
            return Err(bad(format!(
                "node {i} is {}, the values give {}",
                self.tree[i], nodes[i]
            )));
        }
        for v in &self.values {
            let expected = tree.tree_index(v.value.contributor);
            if expected != Some(v.tree_index) {
                return Err(bad(format!(
                    "treeIndex of {} is {}, its leaf is node {}",
                    v.value.contributor,
                    v.tree_index,
                    expected.map_or_else(|| "?".into(), |i| i.to_string())
                )));
            }
        }
        if self.weights_root != tree.root() {
            return Err(bad(format!(
                "weightsRoot is {}, the tree's root is {}",
                self.weights_root,
                tree.root()
            )));
        }
        if self.total_weight != U256::from(tree.total_weight()) {
            return Err(bad(format!(
                "totalWeight is {}, the values sum to {}",
                self.total_weight,
                tree.total_weight()
            )));
        }
        Ok(tree)
    }
}

/// `proofs/<address>.json`: one member's proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProofFile {
    /// The contributor (`recipient`).
    pub contributor: Address,
    /// Its weight (`shares`).
    #[serde(with = "decimal_u256")]
    pub weight: U256,
    /// Its leaf.
    pub leaf: B256,
    /// Sibling hashes from the leaf up.
    pub proof: Vec<B256>,
    /// The report's `weightsRoot`.
    pub weights_root: B256,
    /// The report's dataset.
    #[serde(with = "decimal_u256")]
    pub dataset_id: U256,
    /// The report's epoch.
    #[serde(with = "number_u64")]
    pub epoch: u64,
}

impl ProofFile {
    /// The proof file of `proof` for the report.
    pub fn new(proof: &WeightProof, report: &AttributionReport) -> Self {
        Self {
            contributor: proof.contributor,
            weight: U256::from(proof.weight),
            leaf: proof.leaf,
            proof: proof.proof.clone(),
            weights_root: proof.root,
            dataset_id: report.datasetId,
            epoch: report.epoch,
        }
    }

    /// The proof, checked: `leaf` is the contributor's weight leaf and the proof reaches
    /// `weightsRoot`.
    ///
    /// # Errors
    ///
    /// [`AttributionError::ProofFile`] naming the failed check.
    pub fn to_proof(&self) -> Result<WeightProof, AttributionError> {
        let weight = u64::try_from(self.weight)
            .map_err(|_| AttributionError::ProofFile("weight exceeds 2^64 - 1".into()))?;
        let proof = WeightProof {
            contributor: self.contributor,
            weight,
            leaf: self.leaf,
            proof: self.proof.clone(),
            root: self.weights_root,
        };
        if proof.leaf != super::weight_leaf(proof.contributor, self.weight) {
            return Err(AttributionError::ProofFile(format!(
                "leaf is not the leaf of ({}, {})",
                self.contributor, self.weight
            )));
        }
        if !proof.verify() {
            return Err(AttributionError::ProofFile(format!(
                "the proof does not reach weightsRoot {}",
                self.weights_root
            )));
        }
        Ok(proof)
    }
}
