//! geth's `callTracer`: one frame per call or create, EVM and Stylus alike, with its gas, input,
//! output, error and revert reason, nested as the calls were.
//!
//! The executor (`exec`) opens and closes every frame in one place: revm's own frame loop and
//! the nested frames a Stylus program starts through its `EvmApi` both go through the
//! executor's `frame_call` / `frame_create` (enter) and `call_return` / `create_return` (exit),
//! and the calls that never become frames (precompiles, ArbWasm, accounts without code, calls
//! refused for depth or balance) are entered and exited there at once. A [`CallTracer`] riding
//! in the Stylus extension of revm's context records them.
//!
//! The JSON is geth's (`eth/tracers/native/call.go`): `type` (`CALL`, `STATICCALL`,
//! `DELEGATECALL`, `CALLCODE`, `CREATE`, `CREATE2`), `from`, `to`, `value` (absent for static
//! calls), `gas`, `gasUsed`, `input`, `output`, `error`, `revertReason`, `calls`. As in geth the
//! top frame's `gas` is the transaction's gas limit and its `gasUsed` the receipt's (intrinsic
//! gas included, refund deducted); a nested frame's `gas` is what it was given and its
//! `gasUsed` what it did not return.

use revm::{
    interpreter::{CallInputs, CallScheme, CreateInputs, CreateScheme, InstructionResult},
    primitives::{Address, Bytes, U256},
};
use serde::Serialize;

/// `tracerConfig` of the callTracer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallTracerConfig {
    /// Record the top frame only (`onlyTopCall`).
    pub only_top_call: bool,
}

/// The kind of a frame, as geth names the opcode that opened it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CallKind {
    /// `CALL` (and a transaction's top-level call).
    #[serde(rename = "CALL")]
    Call,
    /// `STATICCALL`.
    #[serde(rename = "STATICCALL")]
    StaticCall,
    /// `DELEGATECALL`.
    #[serde(rename = "DELEGATECALL")]
    DelegateCall,
    /// `CALLCODE`.
    #[serde(rename = "CALLCODE")]
    CallCode,
    /// `CREATE` (and a contract-creation transaction).
    #[serde(rename = "CREATE")]
    Create,
    /// `CREATE2`.
    #[serde(rename = "CREATE2")]
    Create2,
}

/// One call frame in geth's callTracer format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallFrame {
    /// What opened the frame.
    #[serde(rename = "type")]
    pub kind: CallKind,
    /// The caller (for `DELEGATECALL` and `CALLCODE`, the contract whose context is used).
    pub from: Address,
    /// The callee, or the created contract (absent when a create failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<Address>,
    /// Wei sent (the apparent value for `DELEGATECALL`; absent for `STATICCALL`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<U256>,
    /// Gas given to the frame.
    #[serde(with = "alloy::serde::quantity")]
    pub gas: u64,
    /// Gas the frame used (not returned to its caller).
    #[serde(with = "alloy::serde::quantity")]
    pub gas_used: u64,
    /// Calldata or initcode.
    pub input: Bytes,
    /// Return data (the deployed code for a create), or the revert data.
    #[serde(skip_serializing_if = "no_bytes")]
    pub output: Bytes,
    /// Why the frame failed, in geth's words (`execution reverted`, `out of gas`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The decoded `Error(string)` or `Panic(uint256)` of a revert.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revert_reason: Option<String>,
    /// Frames this one opened, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<CallFrame>,
}

fn no_bytes(bytes: &Bytes) -> bool {
    bytes.is_empty()
}

/// Records the frames of one execution (see the module docs).
#[derive(Debug, Default)]
pub(crate) struct CallTracer {
    config: CallTracerConfig,
    /// Frames entered and not yet exited that are recorded, outermost first.
    open: Vec<CallFrame>,
    /// Frames entered and not yet exited, recorded or not.
    depth: usize,
    /// The top frame once it has exited.
    root: Option<CallFrame>,
}

impl CallTracer {
    /// A tracer with `config`.
    pub(crate) fn new(config: CallTracerConfig) -> Self {
        Self {
            config,
            ..Self::default()
        }
    }

    /// Whether the frame being entered now (at `self.depth`) is recorded.
    fn records_entry(&self) -> bool {
        !self.config.only_top_call || self.depth == 0
    }

    /// A call is entered (before the callee runs).
    pub(crate) fn enter_call(&mut self, inputs: &CallInputs) {
        if self.records_entry() {
            let (kind, from) = match inputs.scheme {
                CallScheme::Call | CallScheme::ExtCall => (CallKind::Call, inputs.caller),
                CallScheme::StaticCall | CallScheme::ExtStaticCall => {
                    (CallKind::StaticCall, inputs.caller)
                }
                // revm's `target_address` is the contract whose context the code runs in:
                // geth's `from` for these two.
                CallScheme::DelegateCall | CallScheme::ExtDelegateCall => {
                    (CallKind::DelegateCall, inputs.target_address)
                }
                CallScheme::CallCode => (CallKind::CallCode, inputs.target_address),
            };
            let value = (kind != CallKind::StaticCall).then(|| inputs.call_value());
            self.open.push(CallFrame {
                kind,
                from,
                to: Some(inputs.bytecode_address),
                value,
                gas: inputs.gas_limit,
                gas_used: 0,
                input: inputs.input.clone(),
                output: Bytes::new(),
                error: None,
                revert_reason: None,
                calls: Vec::new(),
            });
        }
        self.depth += 1;
    }

    /// A create is entered; [`Self::created`] adds the address once it is known.
    pub(crate) fn enter_create(&mut self, inputs: &CreateInputs) {
        if self.records_entry() {
            let kind = match inputs.scheme {
                CreateScheme::Create => CallKind::Create,
                CreateScheme::Create2 { .. } => CallKind::Create2,
            };
            self.open.push(CallFrame {
                kind,
                from: inputs.caller,
                to: None,
                value: Some(inputs.value),
                gas: inputs.gas_limit,
                gas_used: 0,
                input: inputs.init_code.clone(),
                output: Bytes::new(),
                error: None,
                revert_reason: None,
                calls: Vec::new(),
            });
        }
        self.depth += 1;
    }

    /// The create just entered runs at `address`.
    pub(crate) fn created(&mut self, address: Address) {
        if !self.config.only_top_call || self.depth == 1 {
            if let Some(frame) = self.open.last_mut() {
                frame.to = Some(address);
            }
        }
    }

    /// The innermost open frame exited with `result` (its output and the gas it has left);
    /// `note` explains a Stylus frame that failed before running.
    pub(crate) fn exit(
        &mut self,
        result: InstructionResult,
        output: &Bytes,
        gas_remaining: u64,
        note: Option<&str>,
    ) {
        self.depth = self.depth.saturating_sub(1);
        if self.config.only_top_call && self.depth > 0 {
            return;
        }
        let Some(mut frame) = self.open.pop() else {
            return;
        };
        frame.gas_used = frame.gas.saturating_sub(gas_remaining);
        if result.is_ok() {
            frame.output = output.clone();
        } else {
            frame.error = Some(error_message(result, note));
            if matches!(frame.kind, CallKind::Create | CallKind::Create2) {
                frame.to = None;
            }
            if result == InstructionResult::Revert {
                frame.output = output.clone();
                frame.revert_reason = decode_revert_reason(output);
            }
        }
        match self.open.last_mut() {
            Some(parent) => parent.calls.push(frame),
            None => self.root = Some(frame),
        }
    }

    /// The top frame, its `gas` and `gasUsed` set to the transaction's limit and gas used
    /// (`None` if no frame was entered, e.g. the transaction was refused).
    pub(crate) fn finish(self, gas_limit: u64, gas_used: u64) -> Option<CallFrame> {
        let mut root = self.root?;
        root.gas = gas_limit;
        root.gas_used = gas_used;
        Some(root)
    }
}

/// geth's message for a frame that ended with `result` (`core/vm/errors.go`).
fn error_message(result: InstructionResult, note: Option<&str>) -> String {
    use InstructionResult as R;
    match result {
        R::Revert => "execution reverted".into(),
        R::OutOfGas
        | R::MemoryOOG
        | R::MemoryLimitOOG
        | R::PrecompileOOG
        | R::InvalidOperandOOG => "out of gas".into(),
        R::InvalidFEOpcode => "invalid opcode: INVALID".into(),
        R::OpcodeNotFound => "invalid opcode".into(),
        R::InvalidJump => "invalid jump destination".into(),
        R::StackUnderflow => "stack underflow".into(),
        R::StackOverflow => "stack overflow".into(),
        R::CallTooDeep => "max call depth exceeded".into(),
        R::OutOfFunds => "insufficient balance for transfer".into(),
        R::CreateCollision => "contract address collision".into(),
        R::StateChangeDuringStaticCall | R::CallNotAllowedInsideStatic => "write protection".into(),
        R::CreateContractSizeLimit => "max code size exceeded".into(),
        R::CreateInitCodeSizeLimit => "max initcode size exceeded".into(),
        R::CreateContractStartingWithEF => "invalid code: must not begin with 0xef".into(),
        R::NonceOverflow => "nonce uint64 overflow".into(),
        R::OutOfOffset => "return data out of bounds".into(),
        R::InvalidEXTCALLTarget => "invalid call target".into(),
        // The devnode halts a Stylus frame with `NotActivated` when its program cannot run
        // (not activated, needs an upgrade, expired); the reason is noted.
        R::NotActivated => note.map_or_else(|| "program not activated".into(), str::to_owned),
        other => format!("{other:?}"),
    }
}

/// Decodes a revert's `Error(string)` message or `Panic(uint256)` code as geth's
/// `abi.UnpackRevert` does.
pub fn decode_revert_reason(data: &[u8]) -> Option<String> {
    const ERROR_STRING: [u8; 4] = [0x08, 0xc3, 0x79, 0xa0];
    const PANIC: [u8; 4] = [0x4e, 0x48, 0x7b, 0x71];
    if let Some(body) = data.strip_prefix(&ERROR_STRING) {
        let offset = usize::try_from(U256::from_be_slice(body.get(..32)?)).ok()?;
        let len_word = body.get(offset..offset.checked_add(32)?)?;
        let len = usize::try_from(U256::from_be_slice(len_word)).ok()?;
        let start = offset + 32;
        let text = body.get(start..start.checked_add(len)?)?;
        return String::from_utf8(text.to_vec()).ok();
    }
    let body = data.strip_prefix(&PANIC)?;
    let code = U256::from_be_slice(body.get(..32)?);
    let reason = match u64::try_from(code) {
        Ok(0x00) => "generic panic",
        Ok(0x01) => "assert(false)",
        Ok(0x11) => "arithmetic underflow or overflow",
        Ok(0x12) => "division or modulo by zero",
        Ok(0x21) => "enum overflow",
        Ok(0x22) => "invalid encoded storage byte array accessed",
        Ok(0x31) => "out-of-bounds array access; popping on an empty array",
        Ok(0x32) => "out-of-bounds access of an array or bytesN",
        Ok(0x41) => "out of memory",
        Ok(0x51) => "uninitialized function",
        _ => return Some(format!("unknown panic code: {code:#x}")),
    };
    Some(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use alloy_sol_types::{Panic, Revert, SolError};
    use revm::interpreter::CallValue;

    use super::*;

    fn call(scheme: CallScheme, gas: u64) -> CallInputs {
        CallInputs {
            input: Bytes::from_static(&[1, 2]),
            return_memory_offset: 0..0,
            gas_limit: gas,
            bytecode_address: Address::repeat_byte(2),
            target_address: Address::repeat_byte(2),
            caller: Address::repeat_byte(1),
            value: CallValue::Transfer(U256::from(5)),
            scheme,
            is_static: scheme == CallScheme::StaticCall,
            is_eof: false,
        }
    }

    #[test]
    fn frames_nest_with_gas_errors_and_revert_reasons() {
        let mut tracer = CallTracer::new(CallTracerConfig::default());
        tracer.enter_call(&call(CallScheme::Call, 1_000));
        tracer.enter_call(&call(CallScheme::StaticCall, 500));
        let reason = Bytes::from(Revert::from("no").abi_encode());
        tracer.exit(InstructionResult::Revert, &reason, 400, None);
        tracer.exit(
            InstructionResult::Return,
            &Bytes::from_static(&[9]),
            100,
            None,
        );
        let root = tracer.finish(21_900, 21_500).expect("a frame");
        assert_eq!((root.gas, root.gas_used), (21_900, 21_500));
        assert_eq!(root.output, Bytes::from_static(&[9]));
        let [inner] = root.calls.as_slice() else {
            panic!("one nested frame: {root:?}");
        };
        assert_eq!((inner.gas, inner.gas_used), (500, 100));
        assert_eq!(inner.kind, CallKind::StaticCall);
        assert_eq!(inner.value, None);
        assert_eq!(inner.error.as_deref(), Some("execution reverted"));
        assert_eq!(inner.revert_reason.as_deref(), Some("no"));
        let json = serde_json::to_value(&root).expect("json");
        assert_eq!(json["type"], "CALL");
        assert_eq!(json["gasUsed"], "0x53fc");
        assert_eq!(json["value"], "0x5");
        assert_eq!(json["calls"][0]["type"], "STATICCALL");
        assert!(json["calls"][0].get("value").is_none());
        assert!(json["calls"][0].get("calls").is_none());
    }

    #[test]
    fn only_top_call_keeps_the_first_frame() {
        let mut tracer = CallTracer::new(CallTracerConfig {
            only_top_call: true,
        });
        tracer.enter_call(&call(CallScheme::Call, 1_000));
        tracer.enter_call(&call(CallScheme::DelegateCall, 500));
        tracer.exit(InstructionResult::Return, &Bytes::new(), 500, None);
        tracer.exit(InstructionResult::Stop, &Bytes::new(), 0, None);
        let root = tracer.finish(30_000, 22_000).expect("a frame");
        assert!(root.calls.is_empty());
        assert_eq!(root.kind, CallKind::Call);
    }

    #[test]
    fn revert_reasons_decode_errors_and_panics() {
        assert_eq!(
            decode_revert_reason(&Revert::from("too low").abi_encode()).as_deref(),
            Some("too low")
        );
        let panic = Panic {
            code: U256::from(0x11),
        }
        .abi_encode();
        assert_eq!(
            decode_revert_reason(&panic).as_deref(),
            Some("arithmetic underflow or overflow")
        );
        assert_eq!(decode_revert_reason(&[0xde, 0xad, 0xbe, 0xef]), None);
    }
}
