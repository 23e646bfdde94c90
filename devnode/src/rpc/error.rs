//! JSON-RPC error objects, with the codes geth and anvil use so that clients (cast, alloy,
//! ethers, viem) recognise them.

use alloy::primitives::Bytes;
use serde_json::{json, Value};

use crate::DevnodeError;

/// Invalid JSON was received.
pub const PARSE_ERROR: i64 = -32700;
/// The JSON sent is not a valid request object.
pub const INVALID_REQUEST: i64 = -32600;
/// The method does not exist.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// Invalid method parameters.
pub const INVALID_PARAMS: i64 = -32602;
/// The method exists but is not supported (EIP-1474).
pub const METHOD_NOT_SUPPORTED: i64 = -32004;
/// Transaction or call refused by the chain (geth's generic server error).
pub const SERVER_ERROR: i64 = -32000;
/// Execution reverted; `data` holds the revert data (geth's code for `eth_call`).
pub const EXECUTION_REVERTED: i64 = 3;

/// A JSON-RPC error object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcError {
    /// Error code.
    pub code: i64,
    /// Human-readable message.
    pub message: String,
    /// Optional data (hex revert data for reverts).
    pub data: Option<Value>,
}

impl RpcError {
    /// An error with `code` and `message`.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// `-32602 invalid params`.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(INVALID_PARAMS, message)
    }

    /// `-32000` server error.
    pub fn server(message: impl Into<String>) -> Self {
        Self::new(SERVER_ERROR, message)
    }

    /// `3 execution reverted` with the revert data, as geth reports a revert.
    pub fn reverted(data: &Bytes) -> Self {
        let message = revert_reason(data).map_or_else(
            || "execution reverted".to_owned(),
            |reason| format!("execution reverted: {reason}"),
        );
        Self {
            code: EXECUTION_REVERTED,
            message,
            data: Some(Value::String(data.to_string())),
        }
    }

    /// The error as a JSON object.
    pub fn to_json(&self) -> Value {
        match &self.data {
            Some(data) => json!({ "code": self.code, "message": self.message, "data": data }),
            None => json!({ "code": self.code, "message": self.message }),
        }
    }
}

impl From<DevnodeError> for RpcError {
    fn from(e: DevnodeError) -> Self {
        let message = match &e {
            DevnodeError::NonceTooLow { tx, state } => {
                format!("nonce too low: next nonce {state}, tx nonce {tx}")
            }
            DevnodeError::NonceTooHigh { tx, state } => {
                format!("nonce too high: next nonce {state}, tx nonce {tx}")
            }
            DevnodeError::InsufficientFunds { from, have, want } => format!(
                "insufficient funds for gas * price + value: address {from} have {have} want {want}"
            ),
            DevnodeError::IntrinsicGasTooLow { gas_limit } => {
                format!("intrinsic gas too low: gas {gas_limit}")
            }
            DevnodeError::GasLimitTooHigh { gas_limit } => {
                format!("exceeds block gas limit: gas {gas_limit}")
            }
            other => other.to_string(),
        };
        Self::server(message)
    }
}

/// Decodes a Solidity `Error(string)` revert reason, if that is what `data` holds.
fn revert_reason(data: &[u8]) -> Option<String> {
    const ERROR_STRING: [u8; 4] = [0x08, 0xc3, 0x79, 0xa0];
    let body = data.strip_prefix(&ERROR_STRING)?;
    let len_word = body.get(32..64)?;
    let len = usize::try_from(alloy::primitives::U256::from_be_slice(len_word)).ok()?;
    let text = body.get(64..64usize.checked_add(len)?)?;
    String::from_utf8(text.to_vec()).ok()
}

#[cfg(test)]
mod tests {
    use alloy::sol_types::{Revert, SolError};

    use super::*;

    #[test]
    fn revert_carries_data_and_decodes_error_string() {
        let data = Bytes::from(Revert::from("no").abi_encode());
        let err = RpcError::reverted(&data);
        assert_eq!(err.code, EXECUTION_REVERTED);
        assert_eq!(err.message, "execution reverted: no");
        assert_eq!(err.data, Some(Value::String(data.to_string())));
        let custom = RpcError::reverted(&Bytes::from(vec![0xde, 0xad, 0xbe, 0xef]));
        assert_eq!(custom.message, "execution reverted");
    }
}
