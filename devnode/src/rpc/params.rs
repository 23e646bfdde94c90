//! Ethereum's hex quantities (the parameters themselves are typed: see [`super::request`]).

use serde_json::Value;

use super::error::RpcError;

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
}
