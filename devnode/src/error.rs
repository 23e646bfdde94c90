//! Errors of the devnode API. Nothing in the crate panics on bad input; every refusal is one of
//! these variants.

use std::fmt;

use revm::primitives::{Address, U256};

/// Why Stylus code cannot be activated (or decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgramError {
    /// The code does not start with `EF F0 00` plus a dictionary byte.
    NotStylus,
    /// Dictionary byte other than 0 (1 = Nitro's StylusProgram dictionary, not bundled here).
    UnsupportedDictionary(u8),
    /// The brotli stream does not decode.
    BadCompression(String),
    /// Decompressed WASM larger than `MaxWasmSize`.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// wasmparser rejected the module under Nitro's feature set.
    InvalidWasm(String),
    /// One of Nitro's activation rules is broken.
    Activation(String),
}

impl fmt::Display for ProgramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotStylus => write!(f, "specified bytecode is not a Stylus program"),
            Self::UnsupportedDictionary(d) => write!(f, "unsupported dictionary type {d}"),
            Self::BadCompression(e) => write!(f, "failed to decompress program: {e}"),
            Self::TooLarge { limit } => write!(f, "decompressed program exceeds {limit} bytes"),
            Self::InvalidWasm(e) => write!(f, "program activation failed: invalid wasm: {e}"),
            Self::Activation(e) => write!(f, "program activation failed: {e}"),
        }
    }
}

impl std::error::Error for ProgramError {}

/// Why the devnode refused a transaction, deployment or call before (or instead of) running it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DevnodeError {
    /// Transaction nonce below the account's nonce.
    NonceTooLow {
        /// Nonce given.
        tx: u64,
        /// Account nonce.
        state: u64,
    },
    /// Transaction nonce above the account's nonce.
    NonceTooHigh {
        /// Nonce given.
        tx: u64,
        /// Account nonce.
        state: u64,
    },
    /// Sender cannot pay value + gas × price.
    InsufficientFunds {
        /// Sender.
        from: Address,
        /// Balance.
        have: U256,
        /// Value + maximum fee.
        want: U256,
    },
    /// Gas limit below the intrinsic gas of the transaction.
    IntrinsicGasTooLow {
        /// Gas limit given.
        gas_limit: u64,
    },
    /// Gas limit above the block gas limit.
    GasLimitTooHigh {
        /// Gas limit given.
        gas_limit: u64,
    },
    /// Stylus code could not be decoded, validated or activated.
    Program(ProgramError),
    /// A deployment or activation ran but failed; carries the revert data or halt reason.
    DeploymentFailed(String),
    /// A snapshot id that does not exist (or was already restored past).
    UnknownSnapshot(u64),
    /// A block timestamp earlier than the last block's was requested.
    TimestampInPast {
        /// Timestamp asked for.
        timestamp: u64,
        /// Timestamp of the last block.
        last: u64,
    },
    /// Code larger than the EVM code-size limit.
    CodeTooLarge {
        /// Size in bytes.
        size: usize,
    },
    /// Any other transaction validation failure reported by the EVM.
    InvalidTransaction(String),
    /// Internal database error (cannot happen with the in-memory database).
    Database(String),
    /// What was asked for is not (or no longer) kept: a transaction not mined, the state a
    /// transaction ran on beyond the kept blocks.
    Unavailable(String),
}

impl fmt::Display for DevnodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NonceTooLow { tx, state } => write!(f, "nonce too low: tx {tx}, state {state}"),
            Self::NonceTooHigh { tx, state } => write!(f, "nonce too high: tx {tx}, state {state}"),
            Self::InsufficientFunds { from, have, want } => {
                write!(
                    f,
                    "insufficient funds for gas * price + value: {from} have {have} want {want}"
                )
            }
            Self::IntrinsicGasTooLow { gas_limit } => {
                write!(f, "intrinsic gas too low: gas limit {gas_limit}")
            }
            Self::GasLimitTooHigh { gas_limit } => {
                write!(f, "gas limit {gas_limit} exceeds the block gas limit")
            }
            Self::Program(e) => write!(f, "{e}"),
            Self::DeploymentFailed(e) => write!(f, "deployment failed: {e}"),
            Self::UnknownSnapshot(id) => write!(f, "unknown snapshot {id}"),
            Self::TimestampInPast { timestamp, last } => write!(
                f,
                "timestamp {timestamp} is earlier than the last block's timestamp {last}"
            ),
            Self::CodeTooLarge { size } => write!(f, "code of {size} bytes exceeds 24,576"),
            Self::InvalidTransaction(e) => write!(f, "invalid transaction: {e}"),
            Self::Database(e) => write!(f, "database error: {e}"),
            Self::Unavailable(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for DevnodeError {}

impl From<ProgramError> for DevnodeError {
    fn from(e: ProgramError) -> Self {
        Self::Program(e)
    }
}

/// An activation rule broken: [`ProgramError::Activation`] with `msg`.
pub(crate) fn rule(msg: impl Into<String>) -> ProgramError {
    ProgramError::Activation(msg.into())
}
