//! Nitro's stack-depth checker (docs/nitro.md §1.3 "Stack frames" and §4.2).
//!
//! Nitro bounds a program's stack in words, the same on every machine, instead of relying on
//! the native stack. Each function gets a frame size: the worst-case operand-stack height of
//! its (already ink-metered) code, plus its declared locals, plus 4. Activation fails when a
//! frame exceeds 10,240 words or the operand height exceeds 4,096. At run time a global starts
//! at `MaxStackDepth` for each program invocation; entering a function traps with the global set
//! to 0 when `stack_left ≤ frame` (reported as `OutOfStack`: all gas consumed, empty return
//! data), else subtracts the frame; every `return` gives it back. As in Nitro, an explicit
//! `return` is added before the function's final `end`.
//!
//! The pass runs after ink metering, as Nitro's depth middleware follows its meter: the operand
//! height counts the metering code too, and the depth code itself is not metered.
//!
//! The height is a net count per operator, as Nitro computes it: constants and `*.get` push
//! one; binary operators, `drop`, `br_if`, `br_table` and `*.set` pop one; stores and `select`
//! pop two; `memory.copy`/`memory.fill` pop three; calls push their results before popping
//! their parameters; blocks push their results (block parameters are popped) and restore the
//! height of their start at `else` and `end`. Only pushes raise the worst case.

use wasm_encoder::{
    reencode::{self, Reencode},
    BlockType as EncBlockType, ConstExpr, Instruction, ValType,
};
use wasmparser::{BlockType, Operator, Parser};

use crate::{
    error::{rule, ProgramError},
    instrument::{AddedGlobals, Signatures},
};

/// Export name of the stack-space global the checker adds.
pub const STACK_GLOBAL: &str = "stylus_stack_left";
/// Largest frame activation accepts, in words.
pub const MAX_FRAME_WORDS: u32 = 10_240;
/// Largest worst-case operand-stack height activation accepts, in words.
pub const MAX_OPERAND_DEPTH: u32 = 4_096;
/// Words a frame takes besides its operands and declared locals.
const FRAME_OVERHEAD: u32 = 4;

/// How an operator other than a block or call moves the operand-stack height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Push,
    Pop(u32),
    None,
}

#[allow(clippy::enum_glob_use)]
fn effect(op: &Operator<'_>) -> Effect {
    use Operator::*;
    match op {
        LocalGet { .. }
        | GlobalGet { .. }
        | MemorySize { .. }
        | I32Const { .. }
        | I64Const { .. }
        | F32Const { .. }
        | F64Const { .. } => Effect::Push,
        Drop
        | BrIf { .. }
        | BrTable { .. }
        | LocalSet { .. }
        | GlobalSet { .. }
        | I32Eq
        | I32Ne
        | I32LtS
        | I32LtU
        | I32GtS
        | I32GtU
        | I32LeS
        | I32LeU
        | I32GeS
        | I32GeU
        | I64Eq
        | I64Ne
        | I64LtS
        | I64LtU
        | I64GtS
        | I64GtU
        | I64LeS
        | I64LeU
        | I64GeS
        | I64GeU
        | I32Add
        | I32Sub
        | I32Mul
        | I32DivS
        | I32DivU
        | I32RemS
        | I32RemU
        | I32And
        | I32Or
        | I32Xor
        | I32Shl
        | I32ShrS
        | I32ShrU
        | I32Rotl
        | I32Rotr
        | I64Add
        | I64Sub
        | I64Mul
        | I64DivS
        | I64DivU
        | I64RemS
        | I64RemU
        | I64And
        | I64Or
        | I64Xor
        | I64Shl
        | I64ShrS
        | I64ShrU
        | I64Rotl
        | I64Rotr => Effect::Pop(1),
        Select
        | TypedSelect { .. }
        | I32Store { .. }
        | I64Store { .. }
        | F32Store { .. }
        | F64Store { .. }
        | I32Store8 { .. }
        | I32Store16 { .. }
        | I64Store8 { .. }
        | I64Store16 { .. }
        | I64Store32 { .. } => Effect::Pop(2),
        MemoryCopy { .. } | MemoryFill { .. } => Effect::Pop(3),
        // Unary operators, loads, conversions, `nop`, `unreachable`, `br`, `return`,
        // `local.tee`, `memory.grow`; float arithmetic never passes activation.
        _ => Effect::None,
    }
}

/// The worst-case operand-stack height of a function body.
fn worst_case_depth(ops: &[Operator<'_>], sigs: &Signatures) -> Result<u32, ProgramError> {
    let mut worst = 0u32;
    let mut stack = 0u32;
    let mut scopes: Vec<u32> = Vec::new();
    let mut push = |stack: &mut u32, n: u32| {
        *stack = stack.saturating_add(n);
        worst = worst.max(*stack);
    };
    let block = |stack: &mut u32, ty: &BlockType, push: &mut dyn FnMut(&mut u32, u32)| match ty {
        BlockType::Empty => Ok(()),
        BlockType::Type(_) => {
            push(stack, 1);
            Ok(())
        }
        BlockType::FuncType(index) => {
            let (params, results) = sigs.arity(*index)?;
            push(stack, results);
            *stack = stack.saturating_sub(params);
            Ok::<(), ProgramError>(())
        }
    };
    for op in ops {
        match op {
            Operator::Block { blockty } | Operator::Loop { blockty } => {
                block(&mut stack, blockty, &mut push)?;
                scopes.push(stack);
            }
            Operator::If { blockty } => {
                stack = stack.saturating_sub(1);
                block(&mut stack, blockty, &mut push)?;
                scopes.push(stack);
            }
            Operator::Else => {
                stack = *scopes
                    .last()
                    .ok_or_else(|| rule("malformed if-else scope"))?;
            }
            Operator::End => {
                // The function's own final `end` closes no block.
                if let Some(height) = scopes.pop() {
                    stack = height;
                }
            }
            Operator::Call { function_index } => {
                let (params, results) = sigs.func_arity(*function_index)?;
                push(&mut stack, results);
                stack = stack.saturating_sub(params);
            }
            Operator::CallIndirect { type_index, .. } => {
                let (params, results) = sigs.arity(*type_index)?;
                push(&mut stack, results);
                stack = stack.saturating_sub(params);
            }
            other => match effect(other) {
                Effect::Push => push(&mut stack, 1),
                Effect::Pop(n) => stack = stack.saturating_sub(n),
                Effect::None => {}
            },
        }
    }
    Ok(worst)
}

/// Adds the stack-space global (exported as [`STACK_GLOBAL`], starting at `limit` words) and
/// the per-function checks to an instrumented module whose function types are `sigs`.
/// `globals` is the module's global count before this pass.
///
/// # Errors
/// [`ProgramError::Activation`] when a frame is larger than Nitro allows.
pub(crate) fn add_depth_checks(
    wasm: &[u8],
    sigs: &Signatures,
    globals: u32,
    limit: u32,
) -> Result<Vec<u8>, ProgramError> {
    let mut added = AddedGlobals::new(globals);
    let global = added.add(
        ValType::I32,
        ConstExpr::i32_const(limit.cast_signed()),
        Some(STACK_GLOBAL),
    );
    let mut checker = DepthChecker {
        sigs,
        global,
        added,
    };
    let mut module = wasm_encoder::Module::new();
    checker
        .parse_core_module(&mut module, Parser::new(0), wasm)
        .map_err(|e| match e {
            reencode::Error::UserError(e) => e,
            other => ProgramError::InvalidWasm(format!("depth instrumentation failed: {other}")),
        })?;
    Ok(module.finish())
}

struct DepthChecker<'a> {
    sigs: &'a Signatures,
    global: u32,
    added: AddedGlobals,
}

impl DepthChecker<'_> {
    fn reclaim(&self, frame: i32, out: &mut wasm_encoder::Function) {
        out.instruction(&Instruction::GlobalGet(self.global));
        out.instruction(&Instruction::I32Const(frame));
        out.instruction(&Instruction::I32Add);
        out.instruction(&Instruction::GlobalSet(self.global));
    }
}

impl Reencode for DepthChecker<'_> {
    type Error = ProgramError;

    crate::instrument::added_globals_hooks!();

    fn parse_function_body(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        let mut locals = 0u32;
        for local in func.get_locals_reader()? {
            locals = locals.saturating_add(local?.0);
        }
        let mut reader = func.get_operators_reader()?;
        let mut ops = Vec::new();
        while !reader.eof() {
            ops.push(reader.read()?);
        }
        let worst = worst_case_depth(&ops, self.sigs).map_err(reencode::Error::UserError)?;
        if worst > MAX_OPERAND_DEPTH {
            return Err(reencode::Error::UserError(rule(format!(
                "a function's operand stack reaches {worst} words (max {MAX_OPERAND_DEPTH})"
            ))));
        }
        let frame = worst.saturating_add(locals).saturating_add(FRAME_OVERHEAD);
        if frame > MAX_FRAME_WORDS {
            return Err(reencode::Error::UserError(rule(format!(
                "frame too large: {frame} > {MAX_FRAME_WORDS}-word limit"
            ))));
        }
        // ≤ 10,240 (checked above), so it fits an i32.
        let frame = frame.cast_signed();

        let mut function = self.new_function_with_parsed_locals(&func)?;
        // if stack_left <= frame { stack_left = 0; unreachable }  stack_left -= frame
        for instruction in [
            Instruction::GlobalGet(self.global),
            Instruction::I32Const(frame),
            Instruction::I32LeU,
            Instruction::If(EncBlockType::Empty),
            Instruction::I32Const(0),
            Instruction::GlobalSet(self.global),
            Instruction::Unreachable,
            Instruction::End,
            Instruction::GlobalGet(self.global),
            Instruction::I32Const(frame),
            Instruction::I32Sub,
            Instruction::GlobalSet(self.global),
        ] {
            function.instruction(&instruction);
        }
        let last = ops.len().saturating_sub(1);
        for (index, op) in ops.into_iter().enumerate() {
            if index == last {
                // The final `end`: return explicitly first, as Nitro does.
                self.reclaim(frame, &mut function);
                function.instruction(&Instruction::Return);
            } else if matches!(op, Operator::Return) {
                self.reclaim(frame, &mut function);
            }
            function.instruction(&self.instruction(op)?);
        }
        code.function(&function);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use wasmparser::Payload;

    use super::*;

    fn depth_of(wat_body: &str) -> u32 {
        let wasm = wat::parse_str(format!(
            r#"(module
                 (type $pair (func (param i32 i32) (result i32)))
                 (func $f (type $pair) local.get 0)
                 (func (export "g") (param i32) (result i32) {wat_body}))"#
        ))
        .unwrap();
        let mut sigs = Signatures::default();
        let mut bodies = Vec::new();
        for payload in Parser::new(0).parse_all(&wasm) {
            match payload.unwrap() {
                Payload::TypeSection(reader) => {
                    for ty in reader.into_iter_err_on_gc_types() {
                        sigs.types.push(ty.unwrap());
                    }
                }
                Payload::FunctionSection(reader) => {
                    for ty in reader {
                        sigs.funcs.push(ty.unwrap());
                    }
                }
                Payload::CodeSectionEntry(body) => {
                    let mut reader = body.get_operators_reader().unwrap();
                    let mut ops = Vec::new();
                    while !reader.eof() {
                        ops.push(reader.read().unwrap());
                    }
                    bodies.push(ops);
                }
                _ => {}
            }
        }
        worst_case_depth(&bodies[1], &sigs).unwrap()
    }

    #[test]
    fn counts_pushes_pops_calls_and_blocks() {
        assert_eq!(depth_of("i32.const 1"), 1);
        assert_eq!(depth_of("i32.const 1 i32.const 2 i32.add"), 2);
        // Three constants, then a store pops two: worst 3.
        assert_eq!(
            depth_of("i32.const 0 i32.const 1 i32.const 2 i32.store drop i32.const 7"),
            3
        );
        // The call pushes its result before popping its two arguments: 2 + 1.
        assert_eq!(depth_of("i32.const 1 i32.const 2 call $f"), 3);
        // A block with a result pre-allocates its slot; `end` restores the height.
        assert_eq!(
            depth_of("(block (result i32) i32.const 1 i32.const 2 drop) drop i32.const 3"),
            3
        );
        // `else` starts again from the height at `if`.
        assert_eq!(
            depth_of(
                "local.get 0 (if (result i32) (then i32.const 1) (else i32.const 2 i32.const 3 \
                 i32.add))"
            ),
            3
        );
    }
}
