//! Running one Stylus call frame: activation check, entry cost, instantiation, the
//! `user_entrypoint` call, and mapping the outcome back to revm (docs/nitro.md §4.3, §5.3).

use std::mem;

use revm::{
    interpreter::{InstructionResult, Interpreter, InterpreterResult},
    primitives::Bytes,
};
use wasmi::{Store, Val};

use crate::{
    anatomy::Charge,
    arbwasm,
    context::{self, Ctx, EvmError},
    depth,
    host::{Escape, EvmApi, FrameInfo, HostState},
    pricing::{self, INK_PRICE},
    program::Runtime,
    wasm,
};

/// How a program invocation ended (Nitro's `UserOutcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Entrypoint returned 0 (or `exit_early(0)`).
    Success,
    /// Entrypoint returned non-zero (or `exit_early(≠0)`).
    Revert,
    /// Trap or host-function error: reverts with empty data, keeps remaining gas.
    Failure,
    /// Ink ran out: all gas consumed.
    OutOfInk,
    /// WASM stack exhausted: all gas consumed.
    OutOfStack,
}

/// Runs the Stylus program of `interpreter`'s contract and returns the frame's result;
/// `api` runs the calls and creates the program makes.
pub(crate) fn run(
    ctx: &mut Ctx,
    interpreter: &Interpreter,
    runtime: &Runtime,
    api: Box<dyn EvmApi>,
) -> Result<InterpreterResult, EvmError> {
    let contract = &interpreter.contract;
    let limit = interpreter.gas.limit();
    let code = contract.bytecode.original_byte_slice();
    let codehash = contract.hash.unwrap_or_else(|| context::code_hash(code));

    let record = match arbwasm::active_program(ctx, codehash)? {
        Ok(record) => record,
        Err(reason) => {
            ctx.external.last_failure = Some(reason);
            return Ok(context::halt(InstructionResult::NotActivated, limit));
        }
    };
    let program = match runtime.program(codehash, code) {
        Ok(program) => program,
        Err(e) => {
            ctx.external.last_failure = Some(e.to_string());
            return Ok(context::halt(InstructionResult::NotActivated, limit));
        }
    };

    // Entry cost: memory footprint, cached gas, and init gas unless ArbWasmCache cached it.
    let footprint = u32::from(record.footprint);
    let (open, ever) = (ctx.external.open_pages, ctx.external.ever_pages);
    let init = if record.cached {
        0
    } else {
        pricing::init_gas(record.init_cost)
    };
    let entry = pricing::memory_gas(footprint, open, ever)
        .saturating_add(pricing::cached_gas(record.cached_cost))
        .saturating_add(init);
    if entry > limit || open + footprint > u32::from(pricing::PAGE_LIMIT) {
        return Ok(context::halt(InstructionResult::OutOfGas, limit));
    }
    ctx.external.open_pages = open + footprint;
    ctx.external.ever_pages = ever.max(open + footprint);
    if let Some(anatomy) = ctx.external.anatomy.as_mut() {
        anatomy.charge(Charge::Entry, 1, entry);
    }

    let reentrant = ctx
        .external
        .entered
        .get(&contract.target_address)
        .copied()
        .unwrap_or(0)
        > 1;
    let frame = FrameInfo {
        address: contract.target_address,
        caller: contract.caller,
        value: contract.call_value,
        calldata: contract.input.clone(),
        is_static: interpreter.is_static,
        reentrant,
    };
    let ink = (limit - entry).saturating_mul(INK_PRICE);
    let owned = mem::replace(ctx, context::placeholder());
    let state = HostState::new(owned, api, frame);
    let (outcome, state) = invoke(runtime, &program.module, state, ink);
    let HostState {
        ctx: owned,
        output,
        refund,
        fatal,
        ink_left,
        ..
    } = state;
    *ctx = owned;
    ctx.external.open_pages = open;
    if let Some(error) = fatal {
        return Err(error);
    }

    let remaining = ink_left / INK_PRICE;
    let output = Bytes::from(output);
    let result = match outcome {
        Outcome::Success | Outcome::Revert => {
            // ArbOS ≥ 31: the output's EVM memory cost must fit the gas at entry.
            let words = (output.len() as u64).div_ceil(32);
            let output_cost = 3 * words + words * words / 512;
            if output_cost > limit {
                return Ok(context::halt(InstructionResult::OutOfGas, limit));
            }
            let remaining = remaining.min(limit - output_cost);
            let mut gas = context::gas_with_remaining(limit, remaining);
            let result = if outcome == Outcome::Success {
                gas.record_refund(refund);
                InstructionResult::Return
            } else {
                InstructionResult::Revert
            };
            InterpreterResult {
                result,
                output,
                gas,
            }
        }
        Outcome::Failure => InterpreterResult {
            result: InstructionResult::Revert,
            output: Bytes::new(),
            gas: context::gas_with_remaining(limit, remaining),
        },
        Outcome::OutOfInk => context::halt(InstructionResult::OutOfGas, limit),
        Outcome::OutOfStack => context::halt(InstructionResult::StackOverflow, limit),
    };
    Ok(result)
}

/// Instantiates `module` in a fresh store around `state`, calls `user_entrypoint`, and returns
/// the outcome with the state (and thus the revm context) handed back.
fn invoke(
    runtime: &Runtime,
    module: &wasmi::Module,
    state: HostState,
    ink: u64,
) -> (Outcome, HostState) {
    let mut store = Store::new(&runtime.engine, state);
    let outcome = call_entrypoint(runtime, module, &mut store, ink);
    let ink_left = store.data().ink.map_or(0, |g| ink_of(&g.get(&store)));
    let mut state = store.into_data();
    state.ink_left = ink_left;
    (outcome, state)
}

fn ink_of(value: &Val) -> u64 {
    // The global holds the counter's bits; it is never negative by construction.
    value.i64().map_or(0, i64::cast_unsigned)
}

fn call_entrypoint(
    runtime: &Runtime,
    module: &wasmi::Module,
    store: &mut Store<HostState>,
    ink: u64,
) -> Outcome {
    let Ok(instance) = runtime.linker.instantiate_and_start(&mut *store, module) else {
        return Outcome::Failure;
    };
    let memory = instance.get_memory(&*store, "memory");
    let ink_global = instance.get_global(&*store, wasm::INK_GLOBAL);
    let status_global = instance.get_global(&*store, wasm::STATUS_GLOBAL);
    let (Some(memory), Some(ink_global), Some(status_global)) = (memory, ink_global, status_global)
    else {
        return Outcome::Failure;
    };
    if ink_global
        .set(&mut *store, Val::I64(ink.cast_signed()))
        .is_err()
    {
        return Outcome::Failure;
    }
    {
        let data = store.data_mut();
        data.memory = Some(memory);
        data.ink = Some(ink_global);
        data.status = Some(status_global);
    }
    let Ok(entry) = instance.get_typed_func::<i32, i32>(&*store, "user_entrypoint") else {
        return Outcome::Failure;
    };
    let len = i32::try_from(store.data().frame.calldata.len()).unwrap_or(i32::MAX);
    match entry.call(&mut *store, len) {
        Ok(0) => Outcome::Success,
        Ok(_) => Outcome::Revert,
        Err(error) => {
            if let Some(escape) = error.downcast_ref::<Escape>() {
                return match escape {
                    Escape::Exit(0) => Outcome::Success,
                    Escape::Exit(_) => Outcome::Revert,
                    Escape::OutOfInk => Outcome::OutOfInk,
                    Escape::Failure(_) | Escape::Fatal => Outcome::Failure,
                };
            }
            if status_global.get(&*store).i32() == Some(1) {
                return Outcome::OutOfInk;
            }
            let stack_left = instance.get_global(&*store, depth::STACK_GLOBAL);
            if stack_left.is_some_and(|g| g.get(&*store).i32() == Some(0))
                || error.as_trap_code() == Some(wasmi::TrapCode::StackOverflow)
            {
                return Outcome::OutOfStack;
            }
            Outcome::Failure
        }
    }
}
