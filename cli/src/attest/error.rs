//! The attestor kit's error type.

use alloy::primitives::{Address, B256};

use super::{merkle::MerkleError, signing::SignatureError};

/// Everything that can go wrong building, verifying or proving a batch.
#[derive(Debug)]
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
    /// The units of the receipts overflow `uint256`.
    UnitsOverflow,
    /// A batch file is inconsistent with itself or with the receipts given.
    Mismatch(String),
    /// A selected job id is not among the receipts.
    UnknownJobId(B256),
    /// A receipt's leaf is not in the batch.
    ReceiptNotInBatch(B256),
    /// Merkle tree or proof construction failed.
    Merkle(MerkleError),
    /// A key or signature was refused.
    Signature(SignatureError),
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
            Self::OutsidePeriod { job_id, timestamp } => {
                write!(
                    f,
                    "receipt {job_id} at {timestamp} is outside the batch period"
                )
            }
            Self::InvalidPeriod { start, end } => {
                write!(f, "period start {start} is after period end {end}")
            }
            Self::UnitsOverflow => write!(f, "total units overflow uint256"),
            Self::Mismatch(what) => write!(f, "{what}"),
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
