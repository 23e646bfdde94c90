//! Proof of Attribution (issue 18): an evaluator's scores of a dataset's contributors become
//! split weights, a Merkle tree of `(contributor, weight)` leaves and a signed
//! `AttributionReport` for the Datanets contract (`postReport`); every contributor gets the
//! proof it claims its share with on the splitter (`claimMerkle`).
//!
//! An evaluator the dataset's owner allow-listed measures each contribution's impact on a fixed
//! benchmark (a metric delta, positive when the contribution helped) and writes the scores to a
//! CSV. `tributary attest attribution` turns them into weights, builds the tree, signs the
//! report and writes the files below; anyone posts the report with its `calldata`. Once the
//! dataset's veto window has passed, the report is the next version of the dataset's Merkle
//! split, and each contributor claims with `tributary attest claim` (or its own proof file).
//!
//! # Normalisation (the spec)
//!
//! Scores are decimals with at most 18 fractional digits and at most 30 integer digits,
//! optionally signed; they are parsed exactly into fixed-point integers `score × 10^18` (no
//! floating point anywhere). Then, in input order:
//!
//! 1. A contributor who is flagged gets weight 0 (reason `flagged`, whatever its score); one whose
//!    score is `<= 0` gets weight 0 (reason `non-positive`).
//! 2. `S` is the sum of the remaining (positive, unflagged) fixed-point scores. No such
//!    contributor: error.
//! 3. `weight_i = floor(score_i × 1_000_000_000 / S)` in exact `U256` arithmetic: parts per billion
//!    ([`WEIGHT_SCALE`]), rounded down.
//! 4. A contributor whose weight rounds to 0 is left out too (reason `rounded-to-zero`): the
//!    splitter refuses zero-weight leaves.
//! 5. `totalWeight` is the sum of the weights, at most `10^9` (the rounding leaves up to one unit
//!    per contributor unassigned), so always within the report's `2^64 - 1` ([`MAX_TOTAL_WEIGHT`]).
//!
//! Only contributors with a weight are leaves of the tree. Because every step is exact integer
//! arithmetic on the input, the same CSV always gives the same weights, root and report.
//!
//! # Encoding (what the contracts recompute)
//!
//! - Leaf: `keccak256(keccak256(abi.encode(address contributor, uint256 weight)))`
//!   ([`weight_leaf`]), the splitter's Merkle-split leaf and `@openzeppelin/merkle-tree`'s
//!   `StandardMerkleTree` leaf with encoding `["address", "uint256"]`.
//! - Tree: the batch tree's `StandardMerkleTree` layout ([`merkle`](super::merkle)): leaves sorted
//!   ascending, inner node = `keccak256` of the sorted pair.
//! - EIP-712 domain: `{name: "Tributary Datanets", version: "1", chainId, verifyingContract: the
//!   Datanets contract}` ([`datanets_domain`]); type [`REPORT_TYPE`]: `AttributionReport(uint256
//!   datasetId,uint256 version,uint64 epoch,bytes32 benchmarkId,bytes32 metric,bytes32
//!   weightsRoot,uint256 totalWeight,uint64 deadline)`.
//! - Signature: 65 bytes `r ‖ s ‖ v`, `v ∈ {27, 28}`, `s ≤ n/2` ([`signing`](super::signing)).
//! - `metric`: `keccak256(name)` for a metric given by name (`--metric accuracy`), or the 32 bytes
//!   given as `0x` + 64 hex digits ([`parse_metric`]).
//! - Calls: `postReport((uint256,uint256,uint64,bytes32,bytes32,bytes32,uint256,uint64),bytes)` on
//!   the Datanets contract ([`post_report_calldata`]) and
//!   `claimMerkle(uint256,uint32,address,uint256,bytes32[],address)` on the splitter
//!   ([`claim_calldata`]; `token` zero is the native currency).
//!
//! # Files
//!
//! The kit's JSON conventions: `uint256` values are decimal strings, `uint64` / `uint32` values
//! JSON numbers, hashes, addresses and bytes `0x` hex (lowercase). Layouts are in [`files`] and
//! summarised in the [`attest`](super) module docs: `scores.csv` (input), `report.json`,
//! `weights.csv`, `tree.json` (a `StandardMerkleTree` dump, `format: "standard-v1"`, with the
//! report's fields), `proofs/<lowercase address>.json`, and the output of `attest claim`.
//!
//! # Shared vectors
//!
//! `tests/vectors/attribution_v1.json` ([`vectors`], written and checked by `tributary attest
//! vectors`): a fixed scores CSV (with a negative, a zero, a flagged and a rounded-to-zero
//! contributor), its normalised weights, the leaves with their proofs, the tree, the root, the
//! signed report with every EIP-712 hash, and a claim. Its fields are documented on
//! [`vectors::AttributionVectors`].
//!
//! # Library
//!
//! [`Scores::parse`] (CSV → rows), [`normalise`] (rows → [`Weights`]), [`WeightTree::build`]
//! (weights → tree, [`WeightTree::root`], [`WeightTree::proof`]), [`build_report`],
//! [`report_digest`], [`sign_report`], [`post_report_calldata`], [`claim_calldata`]; [`attribute`]
//! runs the whole pipeline into an [`Attribution`], whose methods give the files' contents and
//! [`Attribution::write_to`] writes them. [`files::TreeFile`] and [`files::ProofFile`] read the
//! files back into proofs, [`claim()`] makes the `claimMerkle` arguments.

pub mod claim;
pub mod files;
pub mod output;
pub mod report;
pub mod score;
pub mod scores;
pub mod tree;
pub mod vectors;
pub mod weights;

#[cfg(test)]
mod tests;

use alloy::{
    primitives::{Address, Bytes, B256},
    signers::local::PrivateKeySigner,
};
pub use claim::{claim, ClaimFile};
pub use files::{ProofFile, ReportFile, ReportJson, TreeFile};
pub use output::WriteSummary;
pub use report::{
    build_report, claim_calldata, datanets_domain, parse_metric, post_report_calldata,
    report_digest, report_struct_hash, report_typehash, sign_report, verify_report_signature,
    weight_leaf, AttributionReport, ReportParams, EIP712_NAME, EIP712_VERSION, MAX_TOTAL_WEIGHT,
    REPORT_TYPE,
};
pub use score::{Score, MAX_SCORE_INTEGER_DIGITS, SCORE_DECIMALS};
pub use scores::{ScoreRow, Scores, ScoresError, ScoresErrorKind};
pub use tree::{Member, WeightProof, WeightTree};
pub use weights::{normalise, Weight, Weights, ZeroReason, WEIGHT_SCALE};

use super::{
    merkle::MerkleError,
    signing::{sign_digest, SignatureError},
};

/// Environment variable `attest attribution` reads the evaluator key from when `--key` is absent.
pub const EVALUATOR_KEY_ENV: &str = "TRIBUTARY_EVALUATOR_KEY";

/// Everything that can go wrong turning scores into a signed report and proofs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributionError {
    /// The scores CSV is malformed (with its line).
    Scores(ScoresError),
    /// No contributor has a positive score and is unflagged: nobody would get a weight.
    NoPositiveScore,
    /// Every positive score rounds to weight 0 (only possible with more than 10^9
    /// contributors).
    AllWeightsZero,
    /// A report's dataset version must be at least 1.
    ZeroVersion,
    /// A report's epoch must be at least 1 (it opens the dataset's current epoch plus one).
    ZeroEpoch,
    /// `--metric` is neither a name nor `0x` + 64 hex digits.
    InvalidMetric(String),
    /// The account has no leaf in the tree.
    UnknownAccount(Address),
    /// A tree member appears twice.
    DuplicateMember(Address),
    /// A tree member has weight 0 (the splitter refuses zero-weight leaves).
    ZeroWeight(Address),
    /// A tree member is the zero address.
    ZeroAddress,
    /// The weights sum to more than [`MAX_TOTAL_WEIGHT`].
    TotalWeightOverflow,
    /// A tree file is malformed or inconsistent.
    TreeFile(String),
    /// A proof file is malformed or its proof does not verify.
    ProofFile(String),
    /// A report file is inconsistent (digest, signer or calldata).
    ReportFile(String),
    /// Reading or writing a file failed.
    Io {
        /// The file or directory.
        path: String,
        /// The operating system's error.
        message: String,
    },
    /// Merkle tree construction failed.
    Merkle(MerkleError),
    /// The key or signature was refused.
    Signature(SignatureError),
}

impl core::fmt::Display for AttributionError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Scores(e) => write!(f, "{e}"),
            Self::NoPositiveScore => write!(
                f,
                "no contributor has a positive score and is unflagged: nobody would get a weight"
            ),
            Self::AllWeightsZero => write!(f, "every weight rounds to zero"),
            Self::ZeroVersion => write!(f, "the dataset version must be at least 1"),
            Self::ZeroEpoch => write!(
                f,
                "the epoch must be at least 1 (a report opens the dataset's current epoch plus one)"
            ),
            Self::InvalidMetric(text) => write!(
                f,
                "invalid metric {text:?}: give a name (hashed with keccak256) or 0x followed by \
                 64 hex digits"
            ),
            Self::UnknownAccount(account) => write!(
                f,
                "{account} has no leaf in the tree (it was not scored, or its weight is zero)"
            ),
            Self::DuplicateMember(account) => write!(f, "{account} appears twice in the tree"),
            Self::ZeroWeight(account) => write!(
                f,
                "{account} has weight 0: the splitter refuses zero-weight leaves"
            ),
            Self::ZeroAddress => write!(f, "the zero address cannot be a member"),
            Self::TotalWeightOverflow => write!(f, "the weights sum to more than 2^64 - 1"),
            Self::TreeFile(e) => write!(f, "tree file: {e}"),
            Self::ProofFile(e) => write!(f, "proof file: {e}"),
            Self::ReportFile(e) => write!(f, "report file: {e}"),
            Self::Io { path, message } => write!(f, "{path}: {message}"),
            Self::Merkle(e) => write!(f, "{e}"),
            Self::Signature(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for AttributionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Scores(e) => Some(e),
            Self::Merkle(e) => Some(e),
            Self::Signature(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ScoresError> for AttributionError {
    fn from(e: ScoresError) -> Self {
        Self::Scores(e)
    }
}

impl From<MerkleError> for AttributionError {
    fn from(e: MerkleError) -> Self {
        Self::Merkle(e)
    }
}

impl From<SignatureError> for AttributionError {
    fn from(e: SignatureError) -> Self {
        Self::Signature(e)
    }
}

/// A signed attribution: the weights, the tree, the report and its signature. Its methods give
/// the output files ([`files`]); nothing here touches the file system except
/// [`Attribution::write_to`].
#[derive(Debug, Clone)]
pub struct Attribution {
    /// Where the report will be posted and its non-derived fields.
    pub params: ReportParams,
    /// Every scored contributor with its weight, in input order.
    pub weights: Weights,
    /// The tree over the contributors with a weight.
    pub tree: WeightTree,
    /// The signed report.
    pub report: AttributionReport,
    /// Its EIP-712 digest.
    pub digest: B256,
    /// The signing evaluator.
    pub evaluator: Address,
    /// 65 bytes `r ‖ s ‖ v`.
    pub signature: Bytes,
}

/// Normalises `scores`, builds the tree and the report over it, and signs the report with
/// `signer`. Pure: the same inputs always give the same result (RFC 6979 signatures).
///
/// # Errors
///
/// [`normalise`], [`WeightTree::build`] and [`build_report`] errors, or a signing failure.
pub fn attribute(
    scores: &Scores,
    params: &ReportParams,
    signer: &PrivateKeySigner,
) -> Result<Attribution, AttributionError> {
    let weights = normalise(scores)?;
    let tree = WeightTree::build(&weights)?;
    let report = build_report(params, &tree)?;
    let digest = report_digest(&report, params.chain_id, params.datanets);
    let signature = Bytes::copy_from_slice(&sign_digest(signer, digest)?);
    Ok(Attribution {
        params: params.clone(),
        weights,
        tree,
        report,
        digest,
        evaluator: signer.address(),
        signature,
    })
}

impl Attribution {
    /// ABI calldata of `postReport(report, signature)`.
    pub fn post_report_calldata(&self) -> Bytes {
        post_report_calldata(&self.report, &self.signature)
    }
}
