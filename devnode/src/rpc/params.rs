//! Positional JSON-RPC parameters and Ethereum's hex quantities.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::RpcError;

/// The `params` of one request: a JSON array (absent = empty).
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<Value>);

impl Params {
    /// Wraps a request's `params` member; only arrays (or nothing) are positional parameters.
    pub fn new(params: Option<Value>) -> Result<Self, RpcError> {
        match params {
            None | Some(Value::Null) => Ok(Self(Vec::new())),
            Some(Value::Array(values)) => Ok(Self(values)),
            Some(_) => Err(RpcError::invalid_params("params must be an array")),
        }
    }

    /// Parameter `index`, which must be present and of type `T`.
    pub fn required<T: DeserializeOwned>(&self, index: usize) -> Result<T, RpcError> {
        let value = self
            .0
            .get(index)
            .ok_or_else(|| RpcError::invalid_params(format!("missing parameter {index}")))?;
        serde_json::from_value(value.clone())
            .map_err(|e| RpcError::invalid_params(format!("invalid parameter {index}: {e}")))
    }

    /// Parameter `index` if present and not null.
    pub fn optional<T: DeserializeOwned>(&self, index: usize) -> Result<Option<T>, RpcError> {
        match self.0.get(index) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.required(index).map(Some),
        }
    }
}

/// `0x`-prefixed hex quantity without leading zeros.
pub fn quantity(n: u64) -> String {
    format!("0x{n:x}")
}

/// A `u64` given as a hex quantity string or a JSON number (test controls accept both).
pub fn hex_u64(value: &Value) -> Result<u64, RpcError> {
    let bad = || RpcError::invalid_params(format!("expected a quantity, got {value}"));
    match value {
        Value::Number(n) => n.as_u64().ok_or_else(bad),
        Value::String(s) => match s.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).map_err(|_| bad()),
            None => s.parse().map_err(|_| bad()),
        },
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn quantities_parse_from_hex_strings_numbers_and_decimal_strings() {
        assert_eq!(hex_u64(&json!("0x10")), Ok(16));
        assert_eq!(hex_u64(&json!(16)), Ok(16));
        assert_eq!(hex_u64(&json!("16")), Ok(16));
        assert!(hex_u64(&json!("0xzz")).is_err());
        assert_eq!(quantity(255), "0xff");
    }

    #[test]
    fn params_must_be_an_array() {
        assert!(Params::new(Some(json!({"a": 1}))).is_err());
        let params = Params::new(Some(json!(["0x1"]))).expect("array");
        assert_eq!(params.required::<String>(0), Ok("0x1".to_owned()));
        assert_eq!(params.optional::<String>(1), Ok(None));
        assert!(params.required::<String>(1).is_err());
    }
}
