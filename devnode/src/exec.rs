//! The executor: Stylus wired into revm 19's handler. Frames whose code carries the Stylus
//! prefix run in wasmi instead of the EVM interpreter, calls to ArbWasm (0x71) and
//! ArbWasmCache (0x72) are served natively, code starting with `EF F0 00` may be deployed
//! (EIP-3541 exemption), and the calls and creates a Stylus program makes run nested revm
//! frames through [`run_frame`], a copy of revm's frame loop ([`Executor`] implements the
//! host's [`EvmApi`] with it). Every frame, EVM or Stylus, top-level or nested, is opened in
//! [`frame_call`] / [`frame_create`] and closed in [`call_return`] / [`create_return`]: the
//! call tracer (`trace`) is told there.

use std::sync::Arc;

use revm::{
    handler::{mainnet, register::EvmHandler},
    interpreter::{
        opcode::{self, make_instruction_table, InstructionTable, InstructionTables},
        CallInputs, CallOutcome, CallScheme, CreateInputs, CreateOutcome, Interpreter,
        InterpreterAction, InterpreterResult, SharedMemory,
    },
    primitives::{CancunSpec, EVMError},
    CallFrame, CreateFrame, Frame, FrameOrResult, FrameResult,
};

use crate::{
    anatomy, arbwasm,
    context::{Ctx, Db, EvmError, StylusExt},
    host::EvmApi,
    program::Runtime,
    stylus, wasm,
};

/// The executor's handle: the WASM runtime its Stylus frames and activations use. Cheap to
/// clone (one `Arc`).
#[derive(Debug, Clone)]
pub(crate) struct Executor {
    runtime: Arc<Runtime>,
}

impl Executor {
    /// An executor running Stylus programs with `runtime`.
    pub(crate) fn new(runtime: Arc<Runtime>) -> Self {
        Self { runtime }
    }

    /// The handler register that installs this executor into a revm `Evm`
    /// (`append_handler_register_box`).
    pub(crate) fn handler_register(
        &self,
    ) -> revm::handler::register::HandleRegisterBox<'static, StylusExt, Db> {
        let exec = self.clone();
        Box::new(move |handler| register(&exec, handler))
    }
}

impl EvmApi for Executor {
    fn call(&self, ctx: &mut Ctx, inputs: CallInputs) -> Result<CallOutcome, EvmError> {
        nested_call(self, ctx, inputs)
    }

    fn create(&self, ctx: &mut Ctx, inputs: CreateInputs) -> Result<CreateOutcome, EvmError> {
        nested_create(self, ctx, inputs)
    }
}

/// Installs the Stylus handlers.
fn register(exec: &Executor, handler: &mut EvmHandler<'_, StylusExt, Db>) {
    let call_exec = exec.clone();
    handler.execution.call = Arc::new(move |ctx, inputs| frame_call(&call_exec, ctx, inputs));
    let frame_exec = exec.clone();
    handler.execution.execute_frame = Arc::new(move |frame, memory, tables, ctx| {
        execute_frame(&frame_exec, frame, memory, tables, ctx)
    });
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
fn frame_call(
    exec: &Executor,
    ctx: &mut Ctx,
    inputs: Box<CallInputs>,
) -> Result<FrameOrResult, EvmError> {
    if let Some(tracer) = ctx.external.tracer.as_mut() {
        tracer.enter_call(&inputs);
    }
    ctx.external.anatomy_enter(inputs.gas_limit);
    if matches!(
        inputs.bytecode_address,
        arbwasm::ARBWASM | arbwasm::ARBWASM_CACHE
    ) {
        let outcome = arbwasm::call(ctx, &inputs, &exec.runtime)?;
        ctx.external.trace_exit(&outcome.result);
        return Ok(FrameOrResult::Result(FrameResult::Call(outcome)));
    }
    let result = ctx.evm.make_call_frame(&inputs)?;
    match &result {
        FrameOrResult::Frame(_) => {
            let counted = match inputs.scheme {
                CallScheme::DelegateCall | CallScheme::CallCode | CallScheme::ExtDelegateCall => {
                    None
                }
                _ => Some(inputs.target_address),
            };
            ctx.external.push_frame(counted);
        }
        // Precompiles, accounts without code, calls refused for depth or balance: the frame
        // ends where it starts.
        FrameOrResult::Result(FrameResult::Call(outcome)) => {
            ctx.external.trace_exit(&outcome.result);
        }
        FrameOrResult::Result(_) => {}
    }
    Ok(result)
}

/// Opens a create frame.
fn frame_create(ctx: &mut Ctx, inputs: Box<CreateInputs>) -> Result<FrameOrResult, EvmError> {
    if let Some(tracer) = ctx.external.tracer.as_mut() {
        tracer.enter_create(&inputs);
    }
    ctx.external.anatomy_enter(inputs.gas_limit);
    let result = ctx
        .evm
        .make_create_frame(revm::primitives::SpecId::CANCUN, &inputs)?;
    match &result {
        FrameOrResult::Frame(Frame::Create(frame)) => {
            let address = frame.created_address;
            if let Some(tracer) = ctx.external.tracer.as_mut() {
                tracer.created(address);
            }
            ctx.external.push_frame(Some(address));
        }
        FrameOrResult::Result(FrameResult::Create(outcome)) => {
            ctx.external.trace_exit(&outcome.result);
        }
        _ => {}
    }
    Ok(result)
}

/// Runs a frame: Stylus programs in wasmi, everything else in revm's interpreter.
fn execute_frame(
    exec: &Executor,
    frame: &mut Frame,
    shared_memory: &mut SharedMemory,
    tables: &InstructionTables<'_, Ctx>,
    ctx: &mut Ctx,
) -> Result<InterpreterAction, EvmError> {
    if let Frame::Call(call) = frame {
        let interpreter = &call.frame_data.interpreter;
        if wasm::is_stylus(interpreter.contract.bytecode.original_byte_slice()) {
            let api = Box::new(exec.clone());
            let result = stylus::run(ctx, interpreter, &exec.runtime, api)?;
            return Ok(InterpreterAction::Return { result });
        }
    }
    if ctx.external.anatomy.is_some() {
        // The gas anatomy records the instructions that charge what it lists.
        let recorded = InstructionTables::Plain(recorded_instruction_table());
        return mainnet::execute_frame::<CancunSpec, StylusExt, Db>(
            frame,
            shared_memory,
            &recorded,
            ctx,
        );
    }
    mainnet::execute_frame::<CancunSpec, StylusExt, Db>(frame, shared_memory, tables, ctx)
}

/// Closes a call frame.
fn call_return(
    ctx: &mut Ctx,
    frame: Box<CallFrame>,
    result: InterpreterResult,
) -> Result<CallOutcome, EvmError> {
    ctx.external.pop_frame();
    ctx.external.trace_exit(&result);
    mainnet::call_return(ctx, frame, result)
}

/// Closes a create frame, exempting Stylus code from EIP-3541 as Arbitrum does (§8).
fn create_return(
    ctx: &mut Ctx,
    frame: Box<CreateFrame>,
    result: InterpreterResult,
) -> Result<CreateOutcome, EvmError> {
    ctx.external.pop_frame();
    let outcome = if wasm::is_stylus(&result.output) {
        // London's rules minus EIP-3541 are exactly Berlin's create-return rules; the
        // EIP-170 limit and code-deposit cost still apply.
        let mut result = result;
        ctx.evm.create_return::<revm::primitives::BerlinSpec>(
            &mut result,
            frame.created_address,
            frame.frame_data.checkpoint,
        );
        CreateOutcome::new(result, Some(frame.created_address))
    } else {
        mainnet::create_return::<CancunSpec, StylusExt, Db>(ctx, frame, result)?
    };
    // After the code deposit, which can still fail the create.
    ctx.external.trace_exit(&outcome.result);
    Ok(outcome)
}

/// Runs `first` and every frame it opens to completion (revm's loop, re-entered from a host
/// function of a Stylus program).
fn run_frame(exec: &Executor, ctx: &mut Ctx, first: Frame) -> Result<FrameResult, EvmError> {
    let table = make_instruction_table::<Ctx, CancunSpec>();
    let tables = InstructionTables::Plain(table);
    let mut stack: Vec<Frame> = vec![first];
    let mut memory = SharedMemory::new();
    memory.new_context();
    loop {
        let Some(top) = stack.last_mut() else {
            return Err(EVMError::Custom("frame stack empty".into()));
        };
        let action = execute_frame(exec, top, &mut memory, &tables, ctx)?;
        ctx.evm.take_error()?;
        let next = match action {
            InterpreterAction::Call { inputs } => frame_call(exec, ctx, inputs)?,
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
fn nested_call(
    exec: &Executor,
    ctx: &mut Ctx,
    inputs: CallInputs,
) -> Result<CallOutcome, EvmError> {
    match frame_call(exec, ctx, Box::new(inputs))? {
        FrameOrResult::Result(FrameResult::Call(outcome)) => Ok(outcome),
        FrameOrResult::Frame(frame) => match run_frame(exec, ctx, frame)? {
            FrameResult::Call(outcome) => Ok(outcome),
            _ => Err(EVMError::Custom(
                "call frame returned a create result".into(),
            )),
        },
        FrameOrResult::Result(_) => Err(EVMError::Custom("unexpected frame result".into())),
    }
}

/// A create made by a Stylus program: runs to completion and returns its outcome.
fn nested_create(
    exec: &Executor,
    ctx: &mut Ctx,
    inputs: CreateInputs,
) -> Result<CreateOutcome, EvmError> {
    match frame_create(ctx, Box::new(inputs))? {
        FrameOrResult::Result(FrameResult::Create(outcome)) => Ok(outcome),
        FrameOrResult::Frame(frame) => match run_frame(exec, ctx, frame)? {
            FrameResult::Create(outcome) => Ok(outcome),
            _ => Err(EVMError::Custom(
                "create frame returned a call result".into(),
            )),
        },
        FrameOrResult::Result(_) => Err(EVMError::Custom("unexpected frame result".into())),
    }
}

const BASE: InstructionTable<Ctx> = make_instruction_table::<Ctx, CancunSpec>();

/// Runs opcode `OP` and records what it charged.
fn recorded<const OP: u8>(interpreter: &mut Interpreter, host: &mut Ctx) {
    let before = interpreter.gas.remaining();
    BASE[OP as usize](interpreter, host);
    let gas = before.saturating_sub(interpreter.gas.remaining());
    let Some(recorder) = host.external.anatomy.as_mut() else {
        return;
    };
    let what = match OP {
        opcode::SLOAD => anatomy::Charge::Read,
        opcode::SSTORE => anatomy::Charge::Write,
        opcode::LOG0..=opcode::LOG4 => anatomy::Charge::Event,
        _ => anatomy::Charge::Call,
    };
    recorder.charge(what, 1, gas);
}

/// Cancun's instruction table with the instructions whose gas the anatomy ([`anatomy`])
/// lists recorded (here rather than in `anatomy`, which the context imports):
/// `SLOAD`, `SSTORE`, `LOG0`..`LOG4`, `CALL`, `CALLCODE`, `DELEGATECALL`, `STATICCALL`, `CREATE`,
/// `CREATE2`.
fn recorded_instruction_table() -> InstructionTable<Ctx> {
    let mut table = BASE;
    table[opcode::SLOAD as usize] = recorded::<{ opcode::SLOAD }>;
    table[opcode::SSTORE as usize] = recorded::<{ opcode::SSTORE }>;
    table[opcode::LOG0 as usize] = recorded::<{ opcode::LOG0 }>;
    table[opcode::LOG1 as usize] = recorded::<{ opcode::LOG1 }>;
    table[opcode::LOG2 as usize] = recorded::<{ opcode::LOG2 }>;
    table[opcode::LOG3 as usize] = recorded::<{ opcode::LOG3 }>;
    table[opcode::LOG4 as usize] = recorded::<{ opcode::LOG4 }>;
    table[opcode::CALL as usize] = recorded::<{ opcode::CALL }>;
    table[opcode::CALLCODE as usize] = recorded::<{ opcode::CALLCODE }>;
    table[opcode::DELEGATECALL as usize] = recorded::<{ opcode::DELEGATECALL }>;
    table[opcode::STATICCALL as usize] = recorded::<{ opcode::STATICCALL }>;
    table[opcode::CREATE as usize] = recorded::<{ opcode::CREATE }>;
    table[opcode::CREATE2 as usize] = recorded::<{ opcode::CREATE2 }>;
    table
}
