//! Typed JSON-RPC requests: each method is an enum variant with its parameters, deserialised
//! with serde from `{"method": …, "params": […]}` (as anvil's `EthRequest`).
//!
//! Parameters are positional. A method sees exactly as many parameters as it takes: omitted
//! trailing parameters read as `null` (so optional ones are `None`), extra ones are ignored.
//! The standard methods ([`EthRequest`]) and the test controls ([`ControlRequest`], with their
//! `anvil_*`, `hardhat_*`, `evm_*` and `devnode_*` names as serde aliases) are two enums, tried
//! in that order; a name neither knows is `-32601 method not found`.

use std::cell::Cell;

use alloy::{
    eips::{BlockId, BlockNumberOrTag},
    primitives::{Address, Bytes, B256, U256},
    rpc::types::{state::StateOverride, Filter, TransactionRequest},
};
use alloy_dyn_abi::TypedData;
use serde::{
    de::{self, value::MapAccessDeserializer, DeserializeSeed, IntoDeserializer, Visitor},
    Deserialize, Deserializer,
};
use serde_json::Value;

use super::{
    error::{RpcError, METHOD_NOT_FOUND},
    filters::FilterId,
    params::hex_u64,
};

/// A `u64` given as a hex quantity string, a decimal string or a JSON number (the test
/// controls accept all three, as hardhat and anvil do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity(pub u64);

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        hex_u64(&value)
            .map(Quantity)
            .map_err(|e| de::Error::custom(e.message))
    }
}

/// A message to sign (`eth_sign`, `personal_sign`): hex bytes, or (as anvil and MetaMask
/// accept) a plain string signed as its UTF-8 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message(pub Bytes);

impl<'de> Deserialize<'de> for Message {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let bytes = match text.strip_prefix("0x") {
            Some(_) => text.parse::<Bytes>().map_err(de::Error::custom)?,
            None => Bytes::from(text.into_bytes()),
        };
        Ok(Self(bytes))
    }
}

/// EIP-712 typed data (`eth_signTypedData_v4`): the JSON object, or that object as a JSON
/// string (as MetaMask and viem send it).
#[derive(Debug, Clone)]
pub struct TypedDataParam(pub Box<TypedData>);

impl<'de> Deserialize<'de> for TypedDataParam {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = match Value::deserialize(deserializer)? {
            Value::String(text) => serde_json::from_str(&text).map_err(de::Error::custom)?,
            value => value,
        };
        let data = serde_json::from_value(value).map_err(de::Error::custom)?;
        Ok(Self(Box::new(data)))
    }
}

/// The options of `debug_traceTransaction` / `debug_traceCall` (geth's `TraceConfig`, with
/// `stateOverrides` for `debug_traceCall`); geth's other options are accepted and ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceOptions {
    /// The tracer's name; the devnode serves `callTracer`.
    pub tracer: Option<String>,
    /// The tracer's options.
    #[serde(default)]
    pub tracer_config: Option<TracerConfig>,
    /// State overrides for `debug_traceCall`, as `eth_call`'s.
    #[serde(default)]
    pub state_overrides: Option<StateOverride>,
}

/// callTracer's `tracerConfig`.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TracerConfig {
    /// Trace the top call only.
    #[serde(default)]
    pub only_top_call: bool,
    /// Record each frame's logs.
    #[serde(default)]
    pub with_log: bool,
}

/// Standard Ethereum methods (`web3_*`, `net_*`, `eth_*`).
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "method", content = "params")]
pub enum EthRequest {
    /// `web3_clientVersion`
    #[serde(rename = "web3_clientVersion")]
    Web3ClientVersion(),
    /// `net_version`
    #[serde(rename = "net_version")]
    NetVersion(),
    /// `net_listening`
    #[serde(rename = "net_listening")]
    NetListening(),
    /// `eth_chainId`
    #[serde(rename = "eth_chainId")]
    ChainId(),
    /// `eth_blockNumber`
    #[serde(rename = "eth_blockNumber")]
    BlockNumber(),
    /// `eth_syncing`
    #[serde(rename = "eth_syncing")]
    Syncing(),
    /// `eth_accounts`
    #[serde(rename = "eth_accounts")]
    Accounts(),
    /// `eth_gasPrice`
    #[serde(rename = "eth_gasPrice")]
    GasPrice(),
    /// `eth_maxPriorityFeePerGas`
    #[serde(rename = "eth_maxPriorityFeePerGas")]
    MaxPriorityFeePerGas(),
    /// `eth_feeHistory(blockCount, newestBlock, rewardPercentiles?)`
    #[serde(rename = "eth_feeHistory")]
    FeeHistory(Quantity, BlockNumberOrTag, Option<Vec<f64>>),
    /// `eth_getBalance(address, block?)`
    #[serde(rename = "eth_getBalance")]
    GetBalance(Address, Option<BlockId>),
    /// `eth_getTransactionCount(address, block?)`
    #[serde(rename = "eth_getTransactionCount")]
    GetTransactionCount(Address, Option<BlockId>),
    /// `eth_getCode(address, block?)`
    #[serde(rename = "eth_getCode")]
    GetCode(Address, Option<BlockId>),
    /// `eth_getStorageAt(address, slot, block?)`
    #[serde(rename = "eth_getStorageAt")]
    GetStorageAt(Address, U256, Option<BlockId>),
    /// `eth_call(request, block?, stateOverrides?)`
    #[serde(rename = "eth_call")]
    Call(
        Box<TransactionRequest>,
        Option<BlockId>,
        Option<StateOverride>,
    ),
    /// `eth_estimateGas(request, block?, stateOverrides?)`
    #[serde(rename = "eth_estimateGas")]
    EstimateGas(
        Box<TransactionRequest>,
        Option<BlockId>,
        Option<StateOverride>,
    ),
    /// `eth_sendRawTransaction(raw)`
    #[serde(rename = "eth_sendRawTransaction", deserialize_with = "one")]
    SendRawTransaction(Bytes),
    /// `eth_sendTransaction(request)`, signed with an unlocked dev account
    #[serde(rename = "eth_sendTransaction", deserialize_with = "one")]
    SendTransaction(Box<TransactionRequest>),
    /// `eth_getTransactionByHash(hash)`
    #[serde(rename = "eth_getTransactionByHash", deserialize_with = "one")]
    GetTransactionByHash(B256),
    /// `eth_getTransactionReceipt(hash)`
    #[serde(rename = "eth_getTransactionReceipt", deserialize_with = "one")]
    GetTransactionReceipt(B256),
    /// `eth_getBlockByNumber(block, fullTransactions?)`
    #[serde(rename = "eth_getBlockByNumber")]
    GetBlockByNumber(BlockNumberOrTag, Option<bool>),
    /// `eth_getBlockByHash(hash, fullTransactions?)`
    #[serde(rename = "eth_getBlockByHash")]
    GetBlockByHash(B256, Option<bool>),
    /// `eth_getLogs(filter)`
    #[serde(rename = "eth_getLogs", deserialize_with = "one")]
    GetLogs(Box<Filter>),
    /// `eth_getBlockReceipts(block)`
    #[serde(rename = "eth_getBlockReceipts", deserialize_with = "one")]
    GetBlockReceipts(BlockId),
    /// `eth_newFilter(criteria)`
    #[serde(rename = "eth_newFilter", deserialize_with = "one")]
    NewFilter(Box<Filter>),
    /// `eth_newBlockFilter`
    #[serde(rename = "eth_newBlockFilter")]
    NewBlockFilter(),
    /// `eth_newPendingTransactionFilter`
    #[serde(rename = "eth_newPendingTransactionFilter")]
    NewPendingTransactionFilter(),
    /// `eth_getFilterChanges(id)`
    #[serde(rename = "eth_getFilterChanges", deserialize_with = "one")]
    GetFilterChanges(FilterId),
    /// `eth_getFilterLogs(id)`
    #[serde(rename = "eth_getFilterLogs", deserialize_with = "one")]
    GetFilterLogs(FilterId),
    /// `eth_uninstallFilter(id)`
    #[serde(rename = "eth_uninstallFilter", deserialize_with = "one")]
    UninstallFilter(FilterId),
    /// `eth_createAccessList(request, block?)`
    #[serde(rename = "eth_createAccessList")]
    CreateAccessList(Box<TransactionRequest>, Option<BlockId>),
    /// `eth_sign(address, message)`: EIP-191 with an unlocked dev account
    #[serde(rename = "eth_sign")]
    Sign(Address, Message),
    /// `personal_sign(message, address)`: `eth_sign` with the parameters swapped
    #[serde(rename = "personal_sign")]
    PersonalSign(Message, Address),
    /// `eth_signTypedData_v4(address, typedData)`: EIP-712 with an unlocked dev account
    #[serde(rename = "eth_signTypedData_v4", alias = "eth_signTypedData_v3")]
    SignTypedData(Address, TypedDataParam),
    /// `eth_getProof(address, slots, block?)`: refused, the state has no trie
    #[serde(rename = "eth_getProof")]
    GetProof(Address, Vec<U256>, Option<BlockId>),
    /// `debug_traceTransaction(hash, options?)`
    #[serde(rename = "debug_traceTransaction")]
    TraceTransaction(B256, Option<TraceOptions>),
    /// `debug_traceCall(request, block?, options?)`
    #[serde(rename = "debug_traceCall")]
    TraceCall(
        Box<TransactionRequest>,
        Option<BlockId>,
        Option<TraceOptions>,
    ),
}

/// Test controls, under anvil's names with the `hardhat_*` / `evm_*` and `devnode_*` aliases.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "method", content = "params")]
pub enum ControlRequest {
    /// `evm_mine(timestamp?)`: seals the pending block (at `timestamp` if given).
    #[serde(
        rename = "evm_mine",
        alias = "anvil_mine",
        alias = "devnode_mine",
        deserialize_with = "one"
    )]
    Mine(Option<Quantity>),
    /// `evm_increaseTime(seconds)`
    #[serde(
        rename = "evm_increaseTime",
        alias = "anvil_increaseTime",
        alias = "devnode_increaseTime",
        deserialize_with = "one"
    )]
    IncreaseTime(Quantity),
    /// `evm_setNextBlockTimestamp(timestamp)`
    #[serde(
        rename = "evm_setNextBlockTimestamp",
        alias = "anvil_setNextBlockTimestamp",
        alias = "devnode_setNextBlockTimestamp",
        deserialize_with = "one"
    )]
    SetNextBlockTimestamp(Quantity),
    /// `evm_setAutomine(on)`
    #[serde(
        rename = "evm_setAutomine",
        alias = "anvil_setAutomine",
        alias = "devnode_setAutomine",
        deserialize_with = "one"
    )]
    SetAutomine(bool),
    /// `evm_snapshot`
    #[serde(
        rename = "evm_snapshot",
        alias = "anvil_snapshot",
        alias = "devnode_snapshot"
    )]
    Snapshot(),
    /// `evm_revert(id)`
    #[serde(
        rename = "evm_revert",
        alias = "anvil_revert",
        alias = "devnode_revert",
        deserialize_with = "one"
    )]
    Revert(Quantity),
    /// `anvil_setBalance(address, balance)`
    #[serde(
        rename = "anvil_setBalance",
        alias = "hardhat_setBalance",
        alias = "devnode_setBalance"
    )]
    SetBalance(Address, U256),
    /// `anvil_setNonce(address, nonce)`
    #[serde(
        rename = "anvil_setNonce",
        alias = "hardhat_setNonce",
        alias = "devnode_setNonce"
    )]
    SetNonce(Address, Quantity),
    /// `anvil_setCode(address, code)`
    #[serde(
        rename = "anvil_setCode",
        alias = "hardhat_setCode",
        alias = "devnode_setCode"
    )]
    SetCode(Address, Bytes),
    /// `anvil_setStorageAt(address, slot, value)`
    #[serde(
        rename = "anvil_setStorageAt",
        alias = "hardhat_setStorageAt",
        alias = "devnode_setStorageAt"
    )]
    SetStorageAt(Address, U256, B256),
    /// `anvil_impersonateAccount(address)`: `eth_sendTransaction` from `address` runs unsigned
    #[serde(
        rename = "anvil_impersonateAccount",
        alias = "hardhat_impersonateAccount",
        alias = "devnode_impersonateAccount",
        deserialize_with = "one"
    )]
    ImpersonateAccount(Address),
    /// `anvil_stopImpersonatingAccount(address)`
    #[serde(
        rename = "anvil_stopImpersonatingAccount",
        alias = "hardhat_stopImpersonatingAccount",
        alias = "devnode_stopImpersonatingAccount",
        deserialize_with = "one"
    )]
    StopImpersonatingAccount(Address),
    /// `anvil_autoImpersonateAccount(on)`: every sender is impersonated
    #[serde(
        rename = "anvil_autoImpersonateAccount",
        alias = "devnode_autoImpersonateAccount",
        deserialize_with = "one"
    )]
    AutoImpersonateAccount(bool),
}

/// A parsed request: a standard method or a test control.
#[derive(Debug, Clone)]
pub enum Request {
    /// `web3_*`, `net_*`, `eth_*`.
    Eth(EthRequest),
    /// Test controls.
    Control(ControlRequest),
}

impl Request {
    /// Parses `method` with the request's `params` member (absent or `null` = no parameters;
    /// anything but an array is `-32602`). Unknown methods are `-32601`, parameters that do
    /// not fit the method `-32602`.
    pub fn parse(method: &str, params: Option<Value>) -> Result<Self, RpcError> {
        let params = match params {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(values)) => values,
            Some(_) => return Err(RpcError::invalid_params("params must be an array")),
        };
        // The standard methods first (the hot path), then the controls.
        match parse_as::<EthRequest>(method, &params) {
            Parsed::Ok(request) => return Ok(Self::Eth(request)),
            Parsed::BadParams(e) => return Err(e),
            Parsed::UnknownMethod => {}
        }
        match parse_as::<ControlRequest>(method, &params) {
            Parsed::Ok(request) => Ok(Self::Control(request)),
            Parsed::BadParams(e) => Err(e),
            Parsed::UnknownMethod => Err(RpcError::new(
                METHOD_NOT_FOUND,
                format!("method {method} does not exist"),
            )),
        }
    }
}

enum Parsed<T> {
    Ok(T),
    UnknownMethod,
    BadParams(RpcError),
}

fn parse_as<'a, T: Deserialize<'a>>(method: &'a str, params: &'a [Value]) -> Parsed<T> {
    let unknown_method = Cell::new(false);
    let access = RequestAccess {
        method: Some(method),
        params: Some(params),
        unknown_method: &unknown_method,
    };
    match T::deserialize(MapAccessDeserializer::new(access)) {
        Ok(request) => Parsed::Ok(request),
        Err(_) if unknown_method.get() => Parsed::UnknownMethod,
        Err(e) => Parsed::BadParams(RpcError::invalid_params(e.to_string())),
    }
}

/// The request as a map of two entries, `method` then `params`, for the derived adjacently
/// tagged enums; notes when the method name is not one of the enum's.
struct RequestAccess<'a, 'b> {
    method: Option<&'a str>,
    params: Option<&'a [Value]>,
    unknown_method: &'b Cell<bool>,
}

impl<'a> de::MapAccess<'a> for RequestAccess<'a, '_> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let key = if self.method.is_some() {
            "method"
        } else if self.params.is_some() {
            "params"
        } else {
            return Ok(None);
        };
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        if let Some(method) = self.method.take() {
            let result = seed.deserialize(method.into_deserializer());
            self.unknown_method.set(result.is_err());
            return result;
        }
        seed.deserialize(Positional(self.params.take().unwrap_or_default()))
    }
}

/// Positional parameters: deserialised as a tuple of `len` they yield exactly `len` values,
/// `null` for the omitted trailing ones, and ignore the rest.
struct Positional<'a>(&'a [Value]);

impl<'a> Deserializer<'a> for Positional<'a> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_seq(PositionalSeq {
            values: self.0.iter(),
            index: 0,
            len: self.0.len(),
        })
    }

    fn deserialize_tuple<V: Visitor<'a>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_seq(PositionalSeq {
            values: self.0.iter(),
            index: 0,
            len,
        })
    }

    serde::forward_to_deserialize_any! {
        <W: Visitor<'a>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple_struct map struct enum identifier
        ignored_any
    }
}

struct PositionalSeq<'a> {
    values: std::slice::Iter<'a, Value>,
    index: usize,
    len: usize,
}

impl<'a> de::SeqAccess<'a> for PositionalSeq<'a> {
    type Error = serde_json::Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        if self.index >= self.len {
            return Ok(None);
        }
        let index = self.index;
        self.index += 1;
        match self.values.next() {
            Some(value) => seed
                .deserialize(value)
                .map(Some)
                .map_err(|e| de::Error::custom(format_args!("invalid parameter {index}: {e}"))),
            None => seed
                .deserialize(&NULL)
                .map(Some)
                .map_err(|_| de::Error::custom(format_args!("missing parameter {index}"))),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.len - self.index)
    }
}

static NULL: Value = Value::Null;

/// A method with a single parameter: the one-element tuple of its parameters.
fn one<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<T, D::Error> {
    let (value,) = <(T,)>::deserialize(deserializer)?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::rpc::error::INVALID_PARAMS;

    fn parse(method: &str, params: Value) -> Result<Request, RpcError> {
        Request::parse(method, Some(params))
    }

    #[test]
    fn omitted_trailing_parameters_are_none_and_extra_ones_ignored() {
        let address = Address::repeat_byte(1);
        let Ok(Request::Eth(EthRequest::GetBalance(a, None))) =
            parse("eth_getBalance", json!([address]))
        else {
            panic!("eth_getBalance with the block omitted");
        };
        assert_eq!(a, address);
        assert!(matches!(
            parse("eth_getBalance", json!([address, "latest", "extra"])),
            Ok(Request::Eth(EthRequest::GetBalance(
                _,
                Some(BlockId::Number(BlockNumberOrTag::Latest))
            )))
        ));
        assert!(matches!(
            Request::parse("eth_chainId", None),
            Ok(Request::Eth(EthRequest::ChainId()))
        ));
        assert!(matches!(
            parse("eth_blockNumber", json!([1, 2])),
            Ok(Request::Eth(EthRequest::BlockNumber()))
        ));
        assert!(matches!(
            parse("evm_mine", json!([])),
            Ok(Request::Control(ControlRequest::Mine(None)))
        ));
    }

    #[test]
    fn aliases_and_quantities() {
        for name in [
            "evm_increaseTime",
            "anvil_increaseTime",
            "devnode_increaseTime",
        ] {
            for seconds in [json!("0x10"), json!(16), json!("16")] {
                assert!(
                    matches!(
                        parse(name, json!([seconds])),
                        Ok(Request::Control(ControlRequest::IncreaseTime(Quantity(16))))
                    ),
                    "{name} {seconds}"
                );
            }
        }
        for name in ["anvil_setNonce", "hardhat_setNonce", "devnode_setNonce"] {
            assert!(matches!(
                parse(name, json!([Address::ZERO, "0x2"])),
                Ok(Request::Control(ControlRequest::SetNonce(_, Quantity(2))))
            ));
        }
    }

    #[test]
    fn signing_filter_and_trace_parameters() {
        let address = Address::repeat_byte(1);
        // A plain-string message is its UTF-8 bytes; a hex one its bytes.
        let Ok(Request::Eth(EthRequest::PersonalSign(Message(plain), a))) =
            parse("personal_sign", json!(["hi", address]))
        else {
            panic!("personal_sign");
        };
        assert_eq!((plain.as_ref(), a), (&b"hi"[..], address));
        let Ok(Request::Eth(EthRequest::Sign(_, Message(hex)))) =
            parse("eth_sign", json!([address, "0x6869"]))
        else {
            panic!("eth_sign");
        };
        assert_eq!(hex.as_ref(), b"hi");
        // Typed data as an object or as a JSON string.
        let typed = json!({
            "types": {"EIP712Domain": [{"name": "name", "type": "string"}]},
            "primaryType": "EIP712Domain",
            "domain": {"name": "x"},
            "message": {}
        });
        for param in [typed.clone(), Value::String(typed.to_string())] {
            assert!(matches!(
                parse("eth_signTypedData_v4", json!([address, param])),
                Ok(Request::Eth(EthRequest::SignTypedData(..)))
            ));
        }
        assert!(matches!(
            parse("eth_getFilterChanges", json!(["0xabc0000000000000001"])),
            Ok(Request::Eth(EthRequest::GetFilterChanges(FilterId(
                0xabc_0000_0000_0000_0001
            ))))
        ));
        let Ok(Request::Eth(EthRequest::TraceTransaction(_, Some(options)))) = parse(
            "debug_traceTransaction",
            json!([B256::ZERO, {"tracer": "callTracer", "tracerConfig": {"onlyTopCall": true}, "timeout": "10s"}]),
        ) else {
            panic!("debug_traceTransaction");
        };
        assert_eq!(options.tracer.as_deref(), Some("callTracer"));
        assert!(options.tracer_config.is_some_and(|c| c.only_top_call));
        for name in [
            "anvil_impersonateAccount",
            "hardhat_impersonateAccount",
            "devnode_impersonateAccount",
        ] {
            assert!(matches!(
                parse(name, json!([address])),
                Ok(Request::Control(ControlRequest::ImpersonateAccount(_)))
            ));
        }
    }

    #[test]
    fn unknown_methods_and_bad_params_get_their_codes() {
        let unknown = parse("eth_noSuchMethod", json!([])).expect_err("unknown");
        assert_eq!(unknown.code, METHOD_NOT_FOUND);
        assert_eq!(unknown.message, "method eth_noSuchMethod does not exist");
        let missing = parse("eth_getBalance", json!([])).expect_err("missing");
        assert_eq!(missing.code, INVALID_PARAMS);
        assert_eq!(missing.message, "missing parameter 0");
        let bad = parse("eth_getBalance", json!(["0x1234"])).expect_err("bad");
        assert_eq!(bad.code, INVALID_PARAMS);
        assert!(bad.message.starts_with("invalid parameter 0:"), "{bad:?}");
        let quantity = parse("evm_revert", json!(["0xzz"])).expect_err("bad quantity");
        assert_eq!(quantity.code, INVALID_PARAMS);
        assert!(
            quantity.message.contains("expected a quantity"),
            "{quantity:?}"
        );
        let object = parse("eth_getBalance", json!({"a": 1})).expect_err("object");
        assert_eq!(object.code, INVALID_PARAMS);
    }
}
