//! The attestor kit's error types.

use alloy::primitives::{Address, B256, U256};

use super::{merkle::MerkleError, signing::SignatureError};

/// Everything that can go wrong building, verifying or proving a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttestError {
    /// A batch needs at least one receipt.
    NoReceipts,
    /// More receipts than a `uint32` count holds.
    TooManyReceipts(usize),
    /// Two receipts share a job id.
    DuplicateJobId(B256),
    /// A receipt names another attestor than the batch's.
    ForeignAttestor {
        /// The receipt's job id.
        job_id: B256,
        /// The attestor the receipt names.
        attestor: Address,
        /// The batch's attestor.
        expected: Address,
    },
    /// A receipt's scope is empty: no license grants it, the anchor would never bill it.
    EmptyScope(B256),
    /// A receipt's timestamp lies outside the batch period.
    OutsidePeriod {
        /// The receipt's job id.
        job_id: B256,
        /// Its timestamp.
        timestamp: u64,
    },
    /// `periodStart > periodEnd`.
    InvalidPeriod {
        /// Start of the period.
        start: u64,
        /// End of the period.
        end: u64,
    },
    /// `deadline < periodEnd`: the anchor only takes a batch whose period has ended, by its
    /// deadline, so such a batch could never be anchored.
    InvalidDeadline {
        /// End of the period.
        period_end: u64,
        /// The deadline.
        deadline: u64,
    },
    /// The units sum to more than [`MAX_BATCH_UNITS`](super::types::MAX_BATCH_UNITS)
    /// (`2^96 - 1`), the most a batch may sign.
    UnitsOverflow,
    /// A batch or proof file is inconsistent with itself, with the receipts given or with the
    /// batch it claims to prove.
    Mismatch(Mismatch),
    /// Nothing selected to prove.
    EmptySelection,
    /// A selected leaf index is not below the batch's `leafCount`.
    LeafIndexOutOfRange {
        /// The selected index.
        index: u32,
        /// The batch's number of leaves.
        leaf_count: u32,
    },
    /// The same leaf index was selected twice.
    DuplicateLeafIndex(u32),
    /// No leaf of the batch bills this (selected) license.
    NoLeafForLicense(U256),
    /// The same license was selected twice.
    DuplicateLicense(U256),
    /// A selected job id is not among the receipts.
    UnknownJobId(B256),
    /// A receipt's leaf is not in the batch.
    ReceiptNotInBatch(B256),
    /// Merkle tree or proof construction failed.
    Merkle(MerkleError),
    /// A key or signature was refused.
    Signature(SignatureError),
}

/// What a batch or proof file disagrees with (see [`AttestError::Mismatch`]). Leaves are named
/// by their `index`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// The batch's `leafCount` is not the number of leaves listed (or no leaf is listed).
    LeafCount {
        /// The signed `leafCount`.
        signed: u32,
        /// Leaves in the file.
        listed: usize,
    },
    /// `leafHashes` or `receiptLeaves` does not have exactly one entry per leaf.
    ListLengths,
    /// The leaf at this position of `leaves` has another index.
    LeafIndex {
        /// Position in `leaves`.
        position: usize,
        /// The index it carries.
        index: u32,
    },
    /// The leaf does not follow the previous one in grouping order (or repeats its group).
    LeafOrder {
        /// The leaf's index.
        index: u32,
    },
    /// The leaf's `receiptCount` is zero or is not the number of its receipt leaves.
    LeafReceiptCount {
        /// The leaf's index.
        index: u32,
    },
    /// The leaf's `firstAt > lastAt`, or its span is outside the batch period.
    LeafPeriod {
        /// The leaf's index.
        index: u32,
    },
    /// The leaf's `receiptsRoot` is not the root of its receipt leaves.
    ReceiptsRoot {
        /// The leaf's index.
        index: u32,
    },
    /// The file's hash of the leaf is not `usage_leaf(leaf)`.
    LeafHash {
        /// The leaf's index.
        index: u32,
    },
    /// A receipt leaf appears more than once in the batch.
    DuplicateReceiptLeaf(B256),
    /// The signed `receiptCount` is not the sum over the leaves.
    ReceiptCount {
        /// The signed count.
        signed: u32,
        /// The leaves' sum.
        summed: u64,
    },
    /// The signed `totalUnits` is not the sum over the leaves.
    TotalUnits {
        /// The signed total.
        signed: U256,
        /// The leaves' sum.
        summed: U256,
    },
    /// The leaf hashes give another root than the signed one.
    Root {
        /// Root of the file's leaf hashes.
        computed: B256,
        /// The signed root.
        signed: B256,
    },
    /// The file's `batchDigest` is not the batch's EIP-712 digest.
    Digest {
        /// The digest of the batch under the file's domain.
        computed: B256,
        /// The digest the file states.
        file: B256,
    },
    /// `anchorCalldata` is not `anchorBatch(batch, signature)`.
    AnchorCalldata,
    /// The receipts given are not the batch's receipts (their leaves differ).
    Receipts,
    /// A proof file names another batch, chain or anchor than the batch file.
    ProofBatch,
    /// A proven leaf is not the batch file's leaf with its index, or its index is not below
    /// `leafCount`.
    ProvenLeaf {
        /// The leaf's index.
        index: u32,
    },
    /// The leaf proof (multiproof or path) does not take the leaves to the batch root.
    LeafProof,
    /// The receipt proof does not take the receipt to the leaf's `receiptsRoot`.
    ReceiptProof,
    /// The receipt's license, asset, scope, unit or attestor is not the leaf's and batch's, or
    /// its timestamp is outside `[firstAt, lastAt]`.
    ReceiptOutsideLeaf {
        /// The receipt's job id.
        job_id: B256,
    },
    /// The file's receipt leaf is not `receipt_leaf(receipt)`.
    ReceiptHash,
    /// `settleCalldata` is not `settle(batch, leaves, proof, proofFlags)`.
    SettleCalldata,
    /// `holdEscrowCalldata` is not `holdEscrow(batch, leaf, proof)` of the one proven leaf, or
    /// is present for several leaves.
    HoldEscrowCalldata,
    /// `verifyReceiptCalldata` is not `verifyReceipt(batch, leaf, leafProof, receipt,
    /// receiptProof)`.
    VerifyReceiptCalldata,
}

impl core::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::LeafCount { signed, listed } => {
                write!(f, "the batch counts {signed} leaves but lists {listed}")
            }
            Self::ListLengths => write!(
                f,
                "leafHashes and receiptLeaves must have one entry per leaf"
            ),
            Self::LeafIndex { position, index } => {
                write!(f, "the leaf at position {position} has index {index}")
            }
            Self::LeafOrder { index } => write!(
                f,
                "leaf {index} does not follow the previous leaf in (licenseId, assetId, scope, \
                 unit) order"
            ),
            Self::LeafReceiptCount { index } => write!(
                f,
                "leaf {index}'s receiptCount is zero or not the number of its receipt leaves"
            ),
            Self::LeafPeriod { index } => write!(
                f,
                "leaf {index}'s [firstAt, lastAt] is reversed or outside the batch period"
            ),
            Self::ReceiptsRoot { index } => write!(
                f,
                "leaf {index}'s receiptsRoot is not the root of its receipt leaves"
            ),
            Self::LeafHash { index } => {
                write!(f, "the hash listed for leaf {index} is not its leaf hash")
            }
            Self::DuplicateReceiptLeaf(leaf) => {
                write!(f, "receipt leaf {leaf} appears more than once")
            }
            Self::ReceiptCount { signed, summed } => {
                write!(f, "the batch counts {signed} receipts, its leaves {summed}")
            }
            Self::TotalUnits { signed, summed } => {
                write!(
                    f,
                    "the batch says {signed} units, its leaves sum to {summed}"
                )
            }
            Self::Root { computed, signed } => {
                write!(
                    f,
                    "the leaves give root {computed}, the batch says {signed}"
                )
            }
            Self::Digest { computed, file } => write!(
                f,
                "the batch's EIP-712 digest is {computed}, the file says {file}"
            ),
            Self::AnchorCalldata => {
                write!(f, "anchorCalldata is not anchorBatch(batch, signature)")
            }
            Self::Receipts => write!(
                f,
                "the receipts are not the batch's receipts (their leaves differ)"
            ),
            Self::ProofBatch => write!(
                f,
                "the proof is for another batch, chain or anchor than the batch file"
            ),
            Self::ProvenLeaf { index } => {
                write!(f, "proven leaf {index} is not the batch's leaf {index}")
            }
            Self::LeafProof => write!(f, "the leaf proof does not reach the batch root"),
            Self::ReceiptProof => {
                write!(
                    f,
                    "the receipt proof does not reach the leaf's receiptsRoot"
                )
            }
            Self::ReceiptOutsideLeaf { job_id } => write!(
                f,
                "receipt {job_id} does not belong to the leaf (license, asset, scope, unit, \
                 attestor or timestamp differ)"
            ),
            Self::ReceiptHash => write!(f, "receiptLeaf is not the receipt's leaf"),
            Self::SettleCalldata => write!(
                f,
                "settleCalldata is not settle(batch, leaves, proof, proofFlags)"
            ),
            Self::HoldEscrowCalldata => write!(
                f,
                "holdEscrowCalldata is not holdEscrow(batch, leaf, proof) of a single leaf"
            ),
            Self::VerifyReceiptCalldata => write!(
                f,
                "verifyReceiptCalldata is not verifyReceipt(batch, leaf, leafProof, receipt, \
                 receiptProof)"
            ),
        }
    }
}

impl core::fmt::Display for AttestError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::NoReceipts => write!(f, "no receipts: a batch needs at least one"),
            Self::TooManyReceipts(n) => write!(f, "{n} receipts do not fit a uint32 count"),
            Self::DuplicateJobId(id) => write!(f, "job id {id} appears more than once"),
            Self::ForeignAttestor {
                job_id,
                attestor,
                expected,
            } => write!(
                f,
                "receipt {job_id} names attestor {attestor}, but the batch is signed by {expected}"
            ),
            Self::EmptyScope(id) => {
                write!(f, "receipt {id} has an empty scope: no license grants it")
            }
            Self::OutsidePeriod { job_id, timestamp } => write!(
                f,
                "receipt {job_id} at {timestamp} is outside the batch period"
            ),
            Self::InvalidPeriod { start, end } => {
                write!(f, "period start {start} is after period end {end}")
            }
            Self::InvalidDeadline {
                period_end,
                deadline,
            } => write!(
                f,
                "deadline {deadline} is before the period end {period_end}: the batch could \
                 never be anchored"
            ),
            Self::UnitsOverflow => {
                write!(f, "total units exceed 2^96 - 1, the most a batch may sign")
            }
            Self::Mismatch(what) => write!(f, "{what}"),
            Self::EmptySelection => write!(f, "nothing selected to prove"),
            Self::LeafIndexOutOfRange { index, leaf_count } => write!(
                f,
                "leaf index {index} out of range: the batch has {leaf_count} leaves"
            ),
            Self::DuplicateLeafIndex(index) => write!(f, "leaf {index} selected twice"),
            Self::NoLeafForLicense(id) => write!(f, "no leaf of the batch bills license {id}"),
            Self::DuplicateLicense(id) => write!(f, "license {id} selected twice"),
            Self::UnknownJobId(id) => write!(f, "no receipt with job id {id}"),
            Self::ReceiptNotInBatch(id) => write!(f, "receipt {id} is not in the batch"),
            Self::Merkle(e) => write!(f, "{e}"),
            Self::Signature(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for AttestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Merkle(e) => Some(e),
            Self::Signature(e) => Some(e),
            _ => None,
        }
    }
}

impl From<MerkleError> for AttestError {
    fn from(e: MerkleError) -> Self {
        Self::Merkle(e)
    }
}

impl From<SignatureError> for AttestError {
    fn from(e: SignatureError) -> Self {
        Self::Signature(e)
    }
}

impl From<Mismatch> for AttestError {
    fn from(e: Mismatch) -> Self {
        Self::Mismatch(e)
    }
}
