//! Wiring Stylus into revm 19's handler: frames whose code carries the Stylus prefix run in
//! wasmi instead of the EVM interpreter, calls to ArbWasm (0x71) are served natively, code
//! starting with `EF F0 00` may be deployed (EIP-3541 exemption), and calls made from Stylus
//! run nested revm frames through [`run_frame`], a copy of revm's frame loop.

use std::{collections::HashMap, convert::Infallible, sync::Arc};

use revm::{
    db::{CacheDB, EmptyDB},
    handler::{mainnet, register::EvmHandler},
    interpreter::{
        opcode::{make_instruction_table, InstructionTables},
        CallInputs, CallOutcome, CallScheme, CreateInputs, CreateOutcome, Gas, InstructionResult,
        InterpreterAction, InterpreterResult, SharedMemory,
    },
    primitives::{Address, Bytes, CancunSpec, EVMError, B256, U256},
    CallFrame, Context, CreateFrame, EvmContext, Frame, FrameOrResult, FrameResult,
};

use crate::{arbwasm, program::Runtime, stylus, wasm};

/// The node's database: accounts, code and storage in memory.
pub type Db = CacheDB<EmptyDB>;
/// revm context with the Stylus extension.
pub type Ctx = Context<StylusExt, Db>;
/// Errors from the EVM (the in-memory database cannot fail).
pub type EvmError = EVMError<Infallible>;

/// Per-node Stylus state that lives in revm's external context.
#[derive(Debug, Default)]
pub struct StylusExt {
    /// Engine, linker, module cache (`None` only in placeholders).
    pub runtime: Option<Arc<Runtime>>,
    /// Frames currently running per acting address (`msg_reentrant`, NITRO-FACTS §5.1).
    pub entered: HashMap<Address, u32>,
    /// One entry per open frame: the address whose counter it raised, if any.
    pub frame_stack: Vec<Option<Address>>,
    /// WASM pages held open by running Stylus frames in this transaction.
    pub open_pages: u32,
    /// Most pages ever open in this transaction.
    pub ever_pages: u32,
    /// Why the last Stylus frame failed before running (e.g. `ProgramNotActivated`).
    pub last_failure: Option<String>,
    /// Output of the debug-chain `console` imports.
    pub console: Vec<String>,
}

impl StylusExt {
    /// Clears per-transaction counters.
    pub fn begin_transaction(&mut self) {
        self.entered.clear();
        self.frame_stack.clear();
        self.open_pages = 0;
        self.ever_pages = 0;
        self.last_failure = None;
    }

    fn push_frame(&mut self, counted: Option<Address>) {
        if let Some(address) = counted {
            *self.entered.entry(address).or_insert(0) += 1;
        }
        self.frame_stack.push(counted);
    }

    fn pop_frame(&mut self) {
        if let Some(Some(address)) = self.frame_stack.pop() {
            if let Some(n) = self.entered.get_mut(&address) {
                *n = n.saturating_sub(1);
            }
        }
    }
}

/// An empty context to leave behind while the real one is lent to a WASM store.
pub fn placeholder() -> Ctx {
    Context::new(EvmContext::new(Db::default()), StylusExt::default())
}

/// Installs the Stylus handlers (used with `append_handler_register`).
pub fn register(handler: &mut EvmHandler<'_, StylusExt, Db>) {
    handler.execution.call = Arc::new(frame_call);
    handler.execution.execute_frame = Arc::new(execute_frame);
    handler.execution.call_return = Arc::new(call_return);
    handler.execution.create = Arc::new(frame_create);
    handler.execution.create_return = Arc::new(create_return);
    let load = handler.pre_execution.load_accounts.clone();
    // revm's handler type is `Arc<dyn Fn>` without Send/Sync bounds.
    #[allow(clippy::arc_with_non_send_sync)]
    let load_accounts: revm::handler::LoadAccountsHandle<'_, StylusExt, Db> =
        Arc::new(move |ctx| {
            load(ctx)?;
            // Nitro's precompiles are warm like Ethereum's.
            let warm = &mut ctx.evm.journaled_state.warm_preloaded_addresses;
            warm.insert(arbwasm::ARBWASM);
            warm.insert(arbwasm::ARBWASM_CACHE);
            Ok(())
        });
    handler.pre_execution.load_accounts = load_accounts;
}

/// Opens a call frame, serving ArbWasm and ArbWasmCache natively and counting entries for
/// `msg_reentrant`.
pub fn frame_call(ctx: &mut Ctx, inputs: Box<CallInputs>) -> Result<FrameOrResult, EvmError> {
    if matches!(
        inputs.bytecode_address,
        arbwasm::ARBWASM | arbwasm::ARBWASM_CACHE
    ) {
        let outcome = arbwasm::call(ctx, &inputs)?;
        return Ok(FrameOrResult::Result(FrameResult::Call(outcome)));
    }
    let result = ctx.evm.make_call_frame(&inputs)?;
    if matches!(result, FrameOrResult::Frame(_)) {
        let counted = match inputs.scheme {
            CallScheme::DelegateCall | CallScheme::CallCode | CallScheme::ExtDelegateCall => None,
            _ => Some(inputs.target_address),
        };
        ctx.external.push_frame(counted);
    }
    Ok(result)
}

/// Opens a create frame.
pub fn frame_create(ctx: &mut Ctx, inputs: Box<CreateInputs>) -> Result<FrameOrResult, EvmError> {
    let result = ctx
        .evm
        .make_create_frame(revm::primitives::SpecId::CANCUN, &inputs)?;
    if let FrameOrResult::Frame(Frame::Create(frame)) = &result {
        let address = frame.created_address;
        ctx.external.push_frame(Some(address));
    }
    Ok(result)
}

/// Runs a frame: Stylus programs in wasmi, everything else in revm's interpreter.
pub fn execute_frame(
    frame: &mut Frame,
    shared_memory: &mut SharedMemory,
    tables: &InstructionTables<'_, Ctx>,
    ctx: &mut Ctx,
) -> Result<InterpreterAction, EvmError> {
    if let Frame::Call(call) = frame {
        let interpreter = &call.frame_data.interpreter;
        if wasm::is_stylus(interpreter.contract.bytecode.original_byte_slice()) {
            let result = stylus::run(ctx, interpreter)?;
            return Ok(InterpreterAction::Return { result });
        }
    }
    mainnet::execute_frame::<CancunSpec, StylusExt, Db>(frame, shared_memory, tables, ctx)
}

/// Closes a call frame.
pub fn call_return(
    ctx: &mut Ctx,
    frame: Box<CallFrame>,
    result: InterpreterResult,
) -> Result<CallOutcome, EvmError> {
    ctx.external.pop_frame();
    mainnet::call_return(ctx, frame, result)
}

/// Closes a create frame, exempting Stylus code from EIP-3541 as Arbitrum does (§8).
pub fn create_return(
    ctx: &mut Ctx,
    frame: Box<CreateFrame>,
    result: InterpreterResult,
) -> Result<CreateOutcome, EvmError> {
    ctx.external.pop_frame();
    if wasm::is_stylus(&result.output) {
        // London's rules minus EIP-3541 are exactly Berlin's create-return rules; the
        // EIP-170 limit and code-deposit cost still apply.
        let mut result = result;
        ctx.evm.create_return::<revm::primitives::BerlinSpec>(
            &mut result,
            frame.created_address,
            frame.frame_data.checkpoint,
        );
        return Ok(CreateOutcome::new(result, Some(frame.created_address)));
    }
    mainnet::create_return::<CancunSpec, StylusExt, Db>(ctx, frame, result)
}

/// Runs `first` and every frame it opens to completion (revm's loop, re-entered from a host
/// function of a Stylus program).
pub fn run_frame(ctx: &mut Ctx, first: Frame) -> Result<FrameResult, EvmError> {
    let table = make_instruction_table::<Ctx, CancunSpec>();
    let tables = InstructionTables::Plain(table);
    let mut stack: Vec<Frame> = vec![first];
    let mut memory = SharedMemory::new();
    memory.new_context();
    loop {
        let Some(top) = stack.last_mut() else {
            return Err(EVMError::Custom("frame stack empty".into()));
        };
        let action = execute_frame(top, &mut memory, &tables, ctx)?;
        ctx.evm.take_error()?;
        let next = match action {
            InterpreterAction::Call { inputs } => frame_call(ctx, inputs)?,
            InterpreterAction::Create { inputs } => frame_create(ctx, inputs)?,
            InterpreterAction::EOFCreate { .. } | InterpreterAction::None => {
                return Err(EVMError::Custom("unsupported interpreter action".into()));
            }
            InterpreterAction::Return { result } => {
                memory.free_context();
                let Some(done) = stack.pop() else {
                    return Err(EVMError::Custom("frame stack empty".into()));
                };
                FrameOrResult::Result(match done {
                    Frame::Call(frame) => FrameResult::Call(call_return(ctx, frame, result)?),
                    Frame::Create(frame) => FrameResult::Create(create_return(ctx, frame, result)?),
                    Frame::EOFCreate(_) => {
                        return Err(EVMError::Custom("EOF is not supported".into()));
                    }
                })
            }
        };
        match next {
            FrameOrResult::Frame(frame) => {
                memory.new_context();
                stack.push(frame);
            }
            FrameOrResult::Result(result) => {
                let Some(top) = stack.last_mut() else {
                    return Ok(result);
                };
                match result {
                    FrameResult::Call(outcome) => {
                        mainnet::insert_call_outcome(ctx, top, &mut memory, outcome)?;
                    }
                    FrameResult::Create(outcome) => {
                        mainnet::insert_create_outcome(ctx, top, outcome)?;
                    }
                    FrameResult::EOFCreate(_) => {
                        return Err(EVMError::Custom("EOF is not supported".into()));
                    }
                }
            }
        }
    }
}

/// A call made by a Stylus program: runs to completion and returns its outcome.
pub fn nested_call(ctx: &mut Ctx, inputs: CallInputs) -> Result<CallOutcome, EvmError> {
    match frame_call(ctx, Box::new(inputs))? {
        FrameOrResult::Result(FrameResult::Call(outcome)) => Ok(outcome),
        FrameOrResult::Frame(frame) => match run_frame(ctx, frame)? {
            FrameResult::Call(outcome) => Ok(outcome),
            _ => Err(EVMError::Custom(
                "call frame returned a create result".into(),
            )),
        },
        FrameOrResult::Result(_) => Err(EVMError::Custom("unexpected frame result".into())),
    }
}

/// A create made by a Stylus program: runs to completion and returns its outcome.
pub fn nested_create(ctx: &mut Ctx, inputs: CreateInputs) -> Result<CreateOutcome, EvmError> {
    match frame_create(ctx, Box::new(inputs))? {
        FrameOrResult::Result(FrameResult::Create(outcome)) => Ok(outcome),
        FrameOrResult::Frame(frame) => match run_frame(ctx, frame)? {
            FrameResult::Create(outcome) => Ok(outcome),
            _ => Err(EVMError::Custom(
                "create frame returned a call result".into(),
            )),
        },
        FrameOrResult::Result(_) => Err(EVMError::Custom("unexpected frame result".into())),
    }
}

/// Gas object with `remaining` left of `limit`.
pub fn gas_with_remaining(limit: u64, remaining: u64) -> Gas {
    let mut gas = Gas::new(limit);
    let _ = gas.record_cost(limit.saturating_sub(remaining));
    gas
}

/// An interpreter result that consumed all gas.
pub fn halt(result: InstructionResult, limit: u64) -> InterpreterResult {
    InterpreterResult {
        result,
        output: Bytes::new(),
        gas: Gas::new_spent(limit),
    }
}

/// keccak256 of code (used when revm did not supply a code hash).
pub fn code_hash(code: &[u8]) -> B256 {
    revm::primitives::keccak256(code)
}

/// Reads `value` as a U256 from 32 big-endian bytes.
pub fn word(bytes: &[u8; 32]) -> U256 {
    U256::from_be_bytes(*bytes)
}
