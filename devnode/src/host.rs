//! The 42 `vm_hooks` host functions (docs/nitro.md §3) and the debug-chain `console` imports.
//!
//! Every host function first buys its ink (base + per-byte prices), then any EVM gas at
//! 10,000 ink per gas; running short sets the ink status and ends the program out of ink.
//! "Failure" errors end the program with Nitro's Failure outcome (revert, empty data).

use std::{collections::HashMap, fmt};

use revm::{
    interpreter::{
        gas::{sstore_cost, sstore_refund},
        CallInputs, CallOutcome, CallScheme, CallValue, CreateInputs, CreateOutcome, Host,
        InstructionResult,
    },
    primitives::{keccak256, Address, Bytes, CreateScheme, Log, LogData, SpecId, B256, U256},
};
use wasmi::{Caller, Error, Global, Linker, Memory, Val};

use crate::{
    anatomy::Charge,
    context::{Ctx, EvmError},
    pricing::{self, hostio, INK_PRICE},
};

/// What the host needs from the EVM beyond the context's own accessors: running the nested
/// calls and creates a program makes (Nitro's `EvmApi`, reduced to the two operations that
/// re-enter the executor). The executor implements it; the host never names the executor.
pub(crate) trait EvmApi {
    /// Runs a call made by a program to completion and returns its outcome.
    fn call(&self, ctx: &mut Ctx, inputs: CallInputs) -> Result<CallOutcome, EvmError>;
    /// Runs a create made by a program to completion and returns its outcome.
    fn create(&self, ctx: &mut Ctx, inputs: CreateInputs) -> Result<CreateOutcome, EvmError>;
}

/// The call frame a program runs in.
#[derive(Debug, Clone)]
pub(crate) struct FrameInfo {
    /// Acting address (`contract_address`, storage owner).
    pub(crate) address: Address,
    /// `msg_sender`.
    pub(crate) caller: Address,
    /// `msg_value`.
    pub(crate) value: U256,
    /// Calldata.
    pub(crate) calldata: Bytes,
    /// Static context.
    pub(crate) is_static: bool,
    /// `msg_reentrant`.
    pub(crate) reentrant: bool,
}

/// A storage-cache entry: the program's current value and, when known, the value the state
/// holds (docs/nitro.md §4.5, "what a flush writes"): loaded slots are known, slots first written
/// are not, and a flush writes exactly the slots whose value differs from the known one.
#[derive(Debug, Clone, Copy)]
struct Slot {
    value: U256,
    known: Option<U256>,
}

impl Slot {
    fn dirty(&self) -> bool {
        self.known != Some(self.value)
    }
}

/// Host-side state of one program invocation; owns the revm context while WASM runs.
pub(crate) struct HostState {
    /// The revm context, lent for the duration of the call.
    pub(crate) ctx: Ctx,
    /// Runs the program's nested calls and creates.
    pub(crate) api: Box<dyn EvmApi>,
    /// The frame.
    pub(crate) frame: FrameInfo,
    /// Linear memory (set after instantiation).
    pub(crate) memory: Option<Memory>,
    /// `stylus_ink_left` global.
    pub(crate) ink: Option<Global>,
    /// `stylus_ink_status` global.
    pub(crate) status: Option<Global>,
    /// Ink left when the program ended.
    pub(crate) ink_left: u64,
    /// Last `write_result` data.
    pub(crate) output: Vec<u8>,
    /// Result of the last call/create.
    pub(crate) return_data: Bytes,
    /// Gas refund earned (EIP-3529) by storage flushes and successful subcalls.
    pub(crate) refund: i64,
    /// A fatal EVM error that must abort the transaction.
    pub(crate) fatal: Option<EvmError>,
    cache: HashMap<U256, Slot>,
    reads: u32,
    writes: u32,
    last_code_address: Option<Address>,
}

impl fmt::Debug for HostState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HostState")
            .field("frame", &self.frame)
            .finish_non_exhaustive()
    }
}

impl HostState {
    /// State for a new invocation.
    pub(crate) fn new(ctx: Ctx, api: Box<dyn EvmApi>, frame: FrameInfo) -> Self {
        Self {
            ctx,
            api,
            frame,
            memory: None,
            ink: None,
            status: None,
            ink_left: 0,
            output: Vec::new(),
            return_data: Bytes::new(),
            refund: 0,
            fatal: None,
            cache: HashMap::new(),
            reads: 0,
            writes: 0,
            last_code_address: None,
        }
    }
}

/// Ways a host function ends the program.
#[derive(Debug)]
pub(crate) enum Escape {
    /// `exit_early(status)`.
    Exit(u32),
    /// Ink exhausted.
    OutOfInk,
    /// Nitro's Failure outcome (static write, bad topics, memory out of bounds, …).
    Failure(&'static str),
    /// A fatal EVM error, stored in [`HostState::fatal`].
    Fatal,
}

impl fmt::Display for Escape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exit(status) => write!(f, "Exit({status})"),
            Self::OutOfInk => f.write_str("OutOfInk"),
            Self::Failure(reason) => write!(f, "Failure({reason:?})"),
            Self::Fatal => f.write_str("Fatal"),
        }
    }
}

impl wasmi::errors::HostError for Escape {}

type Hc<'a> = Caller<'a, HostState>;
type R<T = ()> = Result<T, Error>;

fn fail(reason: &'static str) -> Error {
    Error::host(Escape::Failure(reason))
}

fn ink_left(c: &Hc<'_>) -> u64 {
    c.data()
        .ink
        .map_or(0, |g| g.get(c).i64().map_or(0, i64::cast_unsigned))
}

fn set_ink(c: &mut Hc<'_>, ink: u64) {
    if let Some(g) = c.data().ink {
        let _ = g.set(&mut *c, Val::I64(ink.cast_signed()));
    }
}

fn out_of_ink(c: &mut Hc<'_>) -> Error {
    set_ink(c, 0);
    if let Some(g) = c.data().status {
        let _ = g.set(&mut *c, Val::I32(1));
    }
    Error::host(Escape::OutOfInk)
}

fn buy_ink(c: &mut Hc<'_>, ink: u64) -> R {
    let left = ink_left(c);
    if left < ink {
        return Err(out_of_ink(c));
    }
    set_ink(c, left - ink);
    Ok(())
}

fn buy_gas(c: &mut Hc<'_>, gas: u64) -> R {
    buy_ink(c, gas.saturating_mul(INK_PRICE))
}

fn require_gas(c: &mut Hc<'_>, gas: u64) -> R {
    if ink_left(c) < gas.saturating_mul(INK_PRICE) {
        return Err(out_of_ink(c));
    }
    Ok(())
}

/// Records `gas` charged for `count` of `what` in the gas anatomy, if one is recorded.
fn note(c: &mut Hc<'_>, what: Charge, count: u64, gas: u64) {
    if let Some(anatomy) = c.data_mut().ctx.external.anatomy.as_mut() {
        anatomy.charge(what, count, gas);
    }
}

fn gas_left(c: &Hc<'_>) -> u64 {
    ink_left(c) / INK_PRICE
}

fn memory(c: &Hc<'_>) -> R<Memory> {
    c.data().memory.ok_or_else(|| fail("no memory"))
}

fn read(c: &Hc<'_>, ptr: u32, len: u32) -> R<Vec<u8>> {
    let mut buf = vec![0u8; len as usize];
    memory(c)?
        .read(c, ptr as usize, &mut buf)
        .map_err(|_| fail("memory access out of bounds"))?;
    Ok(buf)
}

fn read32(c: &Hc<'_>, ptr: u32) -> R<[u8; 32]> {
    let mut buf = [0u8; 32];
    memory(c)?
        .read(c, ptr as usize, &mut buf)
        .map_err(|_| fail("memory access out of bounds"))?;
    Ok(buf)
}

fn read_u256(c: &Hc<'_>, ptr: u32) -> R<U256> {
    Ok(U256::from_be_bytes(read32(c, ptr)?))
}

fn read_address(c: &Hc<'_>, ptr: u32) -> R<Address> {
    let mut buf = [0u8; 20];
    memory(c)?
        .read(c, ptr as usize, &mut buf)
        .map_err(|_| fail("memory access out of bounds"))?;
    Ok(Address::from(buf))
}

fn write(c: &mut Hc<'_>, ptr: u32, data: &[u8]) -> R {
    let mem = memory(c)?;
    mem.write(&mut *c, ptr as usize, data)
        .map_err(|_| fail("memory access out of bounds"))
}

fn write_u32(c: &mut Hc<'_>, ptr: u32, value: usize) -> R {
    let value = u32::try_from(value).unwrap_or(u32::MAX);
    write(c, ptr, &value.to_le_bytes())
}

fn fatal(c: &mut Hc<'_>, error: EvmError) -> Error {
    c.data_mut().fatal = Some(error);
    Error::host(Escape::Fatal)
}

fn len32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// Defines every host function in `linker`.
#[allow(clippy::too_many_lines)]
pub(crate) fn link(linker: &mut Linker<HostState>) {
    macro_rules! hook {
        ($name:literal, $f:expr) => {
            // Definitions cannot clash: each name is defined once in this function.
            let _ = linker.func_wrap("vm_hooks", $name, $f);
        };
    }

    hook!("read_args", |mut c: Hc<'_>, dest: u32| -> R {
        let args = c.data().frame.calldata.clone();
        buy_ink(&mut c, hostio::HOSTIO + hostio::write_price(args.len()))?;
        write(&mut c, dest, &args)
    });
    hook!("write_result", |mut c: Hc<'_>, ptr: u32, len: u32| -> R {
        buy_ink(
            &mut c,
            hostio::HOSTIO + 2 * hostio::read_price(len as usize),
        )?;
        let data = read(&c, ptr, len)?;
        c.data_mut().output = data;
        Ok(())
    });
    hook!("exit_early", |_c: Hc<'_>, status: u32| -> R {
        Err(Error::host(Escape::Exit(status)))
    });
    hook!("storage_load_bytes32", |mut c: Hc<'_>,
                                   key: u32,
                                   dest: u32|
     -> R {
        buy_ink(&mut c, hostio::BASE_2PTR)?;
        require_gas(&mut c, 2_100 + 10 + 5)?;
        let key = read_u256(&c, key)?;
        let state = c.data_mut();
        state.reads += 1;
        let mut gas = match state.reads {
            0..=32 => 0,
            33..=128 => 2,
            _ => 10,
        };
        let mut loads = 0;
        let value = if let Some(slot) = state.cache.get(&key) {
            slot.value
        } else {
            loads = 1;
            let address = state.frame.address;
            let Some(load) = state.ctx.sload(address, key) else {
                let error = state
                    .ctx
                    .evm
                    .take_error()
                    .err()
                    .unwrap_or(EvmError::Custom("sload".into()));
                return Err(fatal(&mut c, error));
            };
            gas += if load.is_cold { 2_100 } else { 100 } + 5;
            state.cache.insert(
                key,
                Slot {
                    value: load.data,
                    known: Some(load.data),
                },
            );
            load.data
        };
        buy_gas(&mut c, gas)?;
        note(&mut c, Charge::Read, loads, gas);
        write(&mut c, dest, &value.to_be_bytes::<32>())
    });
    hook!("storage_cache_bytes32", |mut c: Hc<'_>,
                                    key: u32,
                                    value: u32|
     -> R {
        buy_ink(&mut c, hostio::BASE_2PTR)?;
        require_gas(&mut c, 2_310)?;
        let key = read_u256(&c, key)?;
        let value = read_u256(&c, value)?;
        let state = c.data_mut();
        state.writes += 1;
        let gas = match state.writes {
            0..=8 => 0,
            9..=64 => 7,
            _ => 10,
        };
        // An entry keeps what is known of the state: writing back the loaded (or last flushed)
        // value makes the slot clean again.
        state
            .cache
            .entry(key)
            .and_modify(|slot| slot.value = value)
            .or_insert(Slot { value, known: None });
        buy_gas(&mut c, gas)?;
        note(&mut c, Charge::Write, 0, gas);
        Ok(())
    });
    hook!("storage_flush_cache", |mut c: Hc<'_>, clear: u32| -> R {
        buy_ink(&mut c, hostio::BASE_API)?;
        require_gas(&mut c, 2_300)?;
        let mut dirty: Vec<(U256, U256)> = c
            .data()
            .cache
            .iter()
            .filter(|(_, s)| s.dirty())
            .map(|(k, s)| (*k, s.value))
            .collect();
        dirty.sort_unstable_by_key(|(k, _)| *k);
        if c.data().frame.is_static && !dirty.is_empty() {
            return Err(fail("storage write in a static context"));
        }
        let budget = gas_left(&c) + 1;
        let mut total = 0u64;
        let slots = dirty.len() as u64;
        for (key, value) in dirty {
            let state = c.data_mut();
            let address = state.frame.address;
            let Some(store) = state.ctx.sstore(address, key, value) else {
                let error = state
                    .ctx
                    .evm
                    .take_error()
                    .err()
                    .unwrap_or(EvmError::Custom("sstore".into()));
                return Err(fatal(&mut c, error));
            };
            let cost =
                sstore_cost(SpecId::CANCUN, &store.data, budget, store.is_cold).unwrap_or(u64::MAX);
            state.refund += sstore_refund(SpecId::CANCUN, &store.data);
            if let Some(slot) = state.cache.get_mut(&key) {
                slot.known = Some(value);
            }
            total = total.saturating_add(cost);
            if total >= budget {
                // Nitro's `setTrieSlots` fails once the budget (gas left + 1) is used up, even
                // exactly; before ArbOS 50 that is a failed request, which ends the program as
                // a failure: a revert keeping the gas left before the flush (docs/nitro.md §4.5).
                return Err(fail("storage flush out of gas"));
            }
        }
        if clear != 0 {
            c.data_mut().cache.clear();
        }
        buy_gas(&mut c, total)?;
        note(&mut c, Charge::Write, slots, total);
        Ok(())
    });
    hook!("transient_load_bytes32", |mut c: Hc<'_>,
                                     key: u32,
                                     dest: u32|
     -> R {
        buy_ink(&mut c, hostio::BASE_API_2PTR)?;
        buy_gas(&mut c, 100)?;
        let key = read_u256(&c, key)?;
        let state = c.data_mut();
        let value = state.ctx.tload(state.frame.address, key);
        write(&mut c, dest, &value.to_be_bytes::<32>())
    });
    hook!("transient_store_bytes32", |mut c: Hc<'_>,
                                      key: u32,
                                      value: u32|
     -> R {
        buy_ink(&mut c, hostio::BASE_API_2PTR)?;
        buy_gas(&mut c, 100)?;
        if c.data().frame.is_static {
            return Err(fail("transient store in a static context"));
        }
        let key = read_u256(&c, key)?;
        let value = read_u256(&c, value)?;
        let state = c.data_mut();
        state.ctx.tstore(state.frame.address, key, value);
        Ok(())
    });
    hook!("call_contract", |mut c: Hc<'_>,
                            to: u32,
                            data: u32,
                            len: u32,
                            value: u32,
                            gas: u64,
                            ret: u32|
     -> R<u32> {
        let value = read_u256(&c, value)?;
        do_call(&mut c, CallScheme::Call, to, data, len, value, gas, ret)
    });
    hook!("delegate_call_contract", |mut c: Hc<'_>,
                                     to: u32,
                                     data: u32,
                                     len: u32,
                                     gas: u64,
                                     ret: u32|
     -> R<u32> {
        do_call(
            &mut c,
            CallScheme::DelegateCall,
            to,
            data,
            len,
            U256::ZERO,
            gas,
            ret,
        )
    });
    hook!("static_call_contract", |mut c: Hc<'_>,
                                   to: u32,
                                   data: u32,
                                   len: u32,
                                   gas: u64,
                                   ret: u32|
     -> R<u32> {
        do_call(
            &mut c,
            CallScheme::StaticCall,
            to,
            data,
            len,
            U256::ZERO,
            gas,
            ret,
        )
    });
    hook!("create1", |mut c: Hc<'_>,
                      code: u32,
                      len: u32,
                      endowment: u32,
                      addr: u32,
                      revert_len: u32|
     -> R {
        do_create(&mut c, code, len, endowment, None, addr, revert_len)
    });
    hook!("create2", |mut c: Hc<'_>,
                      code: u32,
                      len: u32,
                      endowment: u32,
                      salt: u32,
                      addr: u32,
                      rl: u32|
     -> R {
        let salt = read_u256(&c, salt)?;
        do_create(&mut c, code, len, endowment, Some(salt), addr, rl)
    });
    hook!("read_return_data", |mut c: Hc<'_>,
                               dest: u32,
                               offset: u32,
                               size: u32|
     -> R<u32> {
        let data = c.data().return_data.clone();
        let start = (offset as usize).min(data.len());
        let end = start.saturating_add(size as usize).min(data.len());
        buy_ink(&mut c, hostio::BASE_API + hostio::write_price(end - start))?;
        write(&mut c, dest, &data[start..end])?;
        Ok(len32(end - start))
    });
    hook!("return_data_size", |mut c: Hc<'_>| -> R<u32> {
        buy_ink(&mut c, hostio::HOSTIO)?;
        Ok(len32(c.data().return_data.len()))
    });
    hook!("emit_log", |mut c: Hc<'_>,
                       data: u32,
                       len: u32,
                       topics: u32|
     -> R {
        buy_ink(&mut c, hostio::BASE_API + hostio::read_price(len as usize))?;
        if c.data().frame.is_static {
            return Err(fail("log in a static context"));
        }
        if topics > 4 || len < topics * 32 {
            return Err(fail("bad log topics"));
        }
        let gas = 375 * (1 + u64::from(topics)) + 8 * u64::from(len - topics * 32);
        buy_gas(&mut c, gas)?;
        note(&mut c, Charge::Event, 1, gas);
        let bytes = read(&c, data, len)?;
        let (head, body) = bytes.split_at(topics as usize * 32);
        let topics: Vec<B256> = head.chunks_exact(32).map(B256::from_slice).collect();
        let state = c.data_mut();
        let address = state.frame.address;
        state.ctx.log(Log {
            address,
            data: LogData::new_unchecked(topics, Bytes::copy_from_slice(body)),
        });
        Ok(())
    });
    hook!("account_balance", |mut c: Hc<'_>,
                              addr: u32,
                              dest: u32|
     -> R {
        buy_ink(&mut c, hostio::BASE_API_2PTR)?;
        require_gas(&mut c, 2_600)?;
        let address = read_address(&c, addr)?;
        let Some(load) = c.data_mut().ctx.balance(address) else {
            return Err(fatal(&mut c, EvmError::Custom("balance".into())));
        };
        buy_gas(&mut c, if load.is_cold { 2_600 } else { 100 })?;
        write(&mut c, dest, &load.data.to_be_bytes::<32>())
    });
    hook!("account_code", |mut c: Hc<'_>,
                           addr: u32,
                           offset: u32,
                           size: u32,
                           dest: u32|
     -> R<u32> {
        buy_ink(&mut c, hostio::BASE_API)?;
        let address = read_address(&c, addr)?;
        let code = account_code(&mut c, address)?;
        buy_ink(&mut c, hostio::write_price(code.len()))?;
        let start = (offset as usize).min(code.len());
        let end = start.saturating_add(size as usize).min(code.len());
        write(&mut c, dest, &code[start..end])?;
        Ok(len32(end - start))
    });
    hook!("account_code_size", |mut c: Hc<'_>, addr: u32| -> R<u32> {
        buy_ink(&mut c, hostio::BASE_API)?;
        let address = read_address(&c, addr)?;
        let code = account_code(&mut c, address)?;
        Ok(len32(code.len()))
    });
    hook!("account_codehash", |mut c: Hc<'_>,
                               addr: u32,
                               dest: u32|
     -> R {
        buy_ink(&mut c, hostio::BASE_API_2PTR)?;
        require_gas(&mut c, 2_600)?;
        let address = read_address(&c, addr)?;
        let Some(load) = c.data_mut().ctx.code_hash(address) else {
            return Err(fatal(&mut c, EvmError::Custom("codehash".into())));
        };
        buy_gas(&mut c, if load.is_cold { 2_600 } else { 100 })?;
        write(&mut c, dest, load.data.as_slice())
    });
    hook!("evm_gas_left", |mut c: Hc<'_>| -> R<u64> {
        buy_ink(&mut c, hostio::HOSTIO)?;
        Ok(gas_left(&c))
    });
    hook!("evm_ink_left", |mut c: Hc<'_>| -> R<u64> {
        buy_ink(&mut c, hostio::HOSTIO)?;
        Ok(ink_left(&c))
    });
    hook!("block_basefee", |mut c: Hc<'_>, dest: u32| -> R {
        buy_ink(&mut c, hostio::BASE_1PTR)?;
        let value = c.data().ctx.evm.env.block.basefee;
        write(&mut c, dest, &value.to_be_bytes::<32>())
    });
    hook!("chainid", |mut c: Hc<'_>| -> R<u64> {
        buy_ink(&mut c, hostio::HOSTIO)?;
        Ok(c.data().ctx.evm.env.cfg.chain_id)
    });
    hook!("block_coinbase", |mut c: Hc<'_>, dest: u32| -> R {
        buy_ink(&mut c, hostio::BASE_1PTR)?;
        let value = c.data().ctx.evm.env.block.coinbase;
        write(&mut c, dest, value.as_slice())
    });
    hook!("block_gas_limit", |mut c: Hc<'_>| -> R<u64> {
        buy_ink(&mut c, hostio::HOSTIO)?;
        Ok(c.data().ctx.evm.env.block.gas_limit.saturating_to())
    });
    hook!("block_number", |mut c: Hc<'_>| -> R<u64> {
        buy_ink(&mut c, hostio::HOSTIO)?;
        Ok(c.data().ctx.evm.env.block.number.saturating_to())
    });
    hook!("block_timestamp", |mut c: Hc<'_>| -> R<u64> {
        buy_ink(&mut c, hostio::HOSTIO)?;
        Ok(c.data().ctx.evm.env.block.timestamp.saturating_to())
    });
    hook!("contract_address", |mut c: Hc<'_>, dest: u32| -> R {
        buy_ink(&mut c, hostio::BASE_1PTR)?;
        let value = c.data().frame.address;
        write(&mut c, dest, value.as_slice())
    });
    hook!("math_div", |mut c: Hc<'_>, value: u32, divisor: u32| -> R {
        buy_ink(&mut c, hostio::DIV)?;
        let (a, b) = (read_u256(&c, value)?, read_u256(&c, divisor)?);
        let r = a.checked_div(b).unwrap_or(U256::ZERO);
        write(&mut c, value, &r.to_be_bytes::<32>())
    });
    hook!("math_mod", |mut c: Hc<'_>, value: u32, modulus: u32| -> R {
        buy_ink(&mut c, hostio::DIV)?;
        let (a, b) = (read_u256(&c, value)?, read_u256(&c, modulus)?);
        let r = a.checked_rem(b).unwrap_or(U256::ZERO);
        write(&mut c, value, &r.to_be_bytes::<32>())
    });
    hook!("math_pow", |mut c: Hc<'_>,
                       value: u32,
                       exponent: u32|
     -> R {
        let exp = read32(&c, exponent)?;
        buy_ink(&mut c, hostio::POW + hostio::pow_price(&exp))?;
        let a = read_u256(&c, value)?;
        let r = a.wrapping_pow(U256::from_be_bytes(exp));
        write(&mut c, value, &r.to_be_bytes::<32>())
    });
    hook!("math_add_mod", |mut c: Hc<'_>,
                           value: u32,
                           addend: u32,
                           modulus: u32|
     -> R {
        buy_ink(&mut c, hostio::ADD_MOD)?;
        let (a, b, m) = (
            read_u256(&c, value)?,
            read_u256(&c, addend)?,
            read_u256(&c, modulus)?,
        );
        write(&mut c, value, &a.add_mod(b, m).to_be_bytes::<32>())
    });
    hook!("math_mul_mod", |mut c: Hc<'_>,
                           value: u32,
                           multiplier: u32,
                           modulus: u32|
     -> R {
        buy_ink(&mut c, hostio::MUL_MOD)?;
        let (a, b, m) = (
            read_u256(&c, value)?,
            read_u256(&c, multiplier)?,
            read_u256(&c, modulus)?,
        );
        write(&mut c, value, &a.mul_mod(b, m).to_be_bytes::<32>())
    });
    hook!("msg_reentrant", |mut c: Hc<'_>| -> R<u32> {
        buy_ink(&mut c, hostio::HOSTIO)?;
        Ok(u32::from(c.data().frame.reentrant))
    });
    hook!("msg_sender", |mut c: Hc<'_>, dest: u32| -> R {
        buy_ink(&mut c, hostio::BASE_1PTR)?;
        let value = c.data().frame.caller;
        write(&mut c, dest, value.as_slice())
    });
    hook!("msg_value", |mut c: Hc<'_>, dest: u32| -> R {
        buy_ink(&mut c, hostio::BASE_1PTR)?;
        let value = c.data().frame.value;
        write(&mut c, dest, &value.to_be_bytes::<32>())
    });
    hook!("native_keccak256", |mut c: Hc<'_>,
                               input: u32,
                               len: u32,
                               out: u32|
     -> R {
        buy_ink(&mut c, hostio::keccak_price(len as usize))?;
        let data = read(&c, input, len)?;
        write(&mut c, out, keccak256(data).as_slice())
    });
    hook!("tx_gas_price", |mut c: Hc<'_>, dest: u32| -> R {
        buy_ink(&mut c, hostio::BASE_1PTR)?;
        let value = c.data().ctx.evm.env.effective_gas_price();
        write(&mut c, dest, &value.to_be_bytes::<32>())
    });
    hook!("tx_ink_price", |mut c: Hc<'_>| -> R<u32> {
        buy_ink(&mut c, hostio::HOSTIO)?;
        Ok(u32::try_from(INK_PRICE).unwrap_or(u32::MAX))
    });
    hook!("tx_origin", |mut c: Hc<'_>, dest: u32| -> R {
        buy_ink(&mut c, hostio::BASE_1PTR)?;
        let value = c.data().ctx.evm.env.tx.caller;
        write(&mut c, dest, value.as_slice())
    });
    hook!("pay_for_memory_grow", |mut c: Hc<'_>, pages: u32| -> R {
        if pages == 0 {
            return buy_ink(&mut c, hostio::HOSTIO);
        }
        if pages > 65_535 {
            return Err(out_of_ink(&mut c));
        }
        let ext = &c.data().ctx.external;
        let (open, ever) = (ext.open_pages, ext.ever_pages);
        if open + pages > u32::from(pricing::PAGE_LIMIT) {
            return Err(out_of_ink(&mut c));
        }
        buy_gas(&mut c, pricing::memory_gas(pages, open, ever))?;
        let ext = &mut c.data_mut().ctx.external;
        ext.open_pages = open + pages;
        ext.ever_pages = ever.max(open + pages);
        Ok(())
    });

    // Debug-chain imports (nitro-devnode sets AllowDebugPrecompiles): free, output recorded.
    let _ = linker.func_wrap("console", "log_txt", |c: Hc<'_>, ptr: u32, len: u32| -> R {
        let text = read(&c, ptr, len).map(|b| String::from_utf8_lossy(&b).into_owned())?;
        let mut c = c;
        c.data_mut().ctx.external.console.push(text);
        Ok(())
    });
    let _ = linker.func_wrap("console", "log_i32", |mut c: Hc<'_>, v: i32| {
        c.data_mut().ctx.external.console.push(v.to_string());
    });
    let _ = linker.func_wrap("console", "log_i64", |mut c: Hc<'_>, v: i64| {
        c.data_mut().ctx.external.console.push(v.to_string());
    });
    let _ = linker.func_wrap("console", "log_f32", |mut c: Hc<'_>, v: f32| {
        c.data_mut().ctx.external.console.push(v.to_string());
    });
    let _ = linker.func_wrap("console", "log_f64", |mut c: Hc<'_>, v: f64| {
        c.data_mut().ctx.external.console.push(v.to_string());
    });
    let _ = linker.func_wrap("console", "tee_i32", |mut c: Hc<'_>, v: i32| -> i32 {
        c.data_mut().ctx.external.console.push(v.to_string());
        v
    });
    let _ = linker.func_wrap("console", "tee_i64", |mut c: Hc<'_>, v: i64| -> i64 {
        c.data_mut().ctx.external.console.push(v.to_string());
        v
    });
    let _ = linker.func_wrap("console", "tee_f32", |mut c: Hc<'_>, v: f32| -> f32 {
        c.data_mut().ctx.external.console.push(v.to_string());
        v
    });
    let _ = linker.func_wrap("console", "tee_f64", |mut c: Hc<'_>, v: f64| -> f64 {
        c.data_mut().ctx.external.console.push(v.to_string());
        v
    });
}

/// Code of `address` for `account_code`/`account_code_size`, charging Nitro's gas.
fn account_code(c: &mut Hc<'_>, address: Address) -> R<Bytes> {
    require_gas(c, 2_600)?;
    let Some(load) = c.data_mut().ctx.code(address) else {
        return Err(fatal(c, EvmError::Custom("code".into())));
    };
    let repeat = c.data().last_code_address == Some(address);
    let gas = if repeat {
        0
    } else {
        700 + if load.is_cold { 2_600 } else { 100 }
    };
    buy_gas(c, gas)?;
    if !load.data.is_empty() {
        c.data_mut().last_code_address = Some(address);
    }
    Ok(load.data)
}

/// `call_contract` / `delegate_call_contract` / `static_call_contract` (§3.1).
#[allow(clippy::too_many_arguments)]
fn do_call(
    c: &mut Hc<'_>,
    scheme: CallScheme,
    to: u32,
    data: u32,
    len: u32,
    value: U256,
    gas: u64,
    ret_len: u32,
) -> R<u32> {
    buy_ink(c, hostio::BASE_CALL + 2 * hostio::read_price(len as usize))?;
    let target = read_address(c, to)?;
    let input = Bytes::from(read(c, data, len)?);
    let frame = c.data().frame.clone();
    if frame.is_static && !value.is_zero() {
        c.data_mut().return_data = Bytes::new();
        write_u32(c, ret_len, 0)?;
        return Ok(2);
    }
    let gas_left = gas_left(c);
    let request = gas.min(gas_left);
    let Some(load) = c.data_mut().ctx.load_account_delegated(target) else {
        return Err(fatal(c, EvmError::Custom("load account".into())));
    };
    let mut base = 100 + if load.is_cold { 2_500 } else { 0 };
    if !value.is_zero() {
        base += 9_000;
        if load.is_empty {
            base += 25_000;
        }
    }
    if base > gas_left {
        buy_gas(c, gas_left)?;
        note(c, Charge::Call, 1, gas_left);
        c.data_mut().return_data = Bytes::new();
        write_u32(c, ret_len, 0)?;
        return Ok(2);
    }
    let available = gas_left - base;
    // ⌊(gas left − base) · 63/64⌋ (docs/nitro.md §3.1): one less than `x − ⌊x/64⌋` when
    // 64 ∤ x. `available < 2^64`, so the product fits a u128 and the quotient a u64.
    let all_but_64th = u64::try_from(u128::from(available) * 63 / 64).unwrap_or(u64::MAX);
    let forwarded = request.min(all_but_64th);
    let stipend = if value.is_zero() { 0 } else { 2_300 };
    let (target_address, caller, call_value) = match scheme {
        CallScheme::DelegateCall => (
            frame.address,
            frame.caller,
            CallValue::Apparent(frame.value),
        ),
        _ => (target, frame.address, CallValue::Transfer(value)),
    };
    let inputs = CallInputs {
        input,
        return_memory_offset: 0..0,
        gas_limit: forwarded + stipend,
        bytecode_address: target,
        target_address,
        caller,
        value: call_value,
        scheme,
        is_static: frame.is_static || scheme == CallScheme::StaticCall,
        is_eof: false,
    };
    let state = c.data_mut();
    let outcome = match state.api.call(&mut state.ctx, inputs) {
        Ok(outcome) => outcome,
        Err(error) => return Err(fatal(c, error)),
    };
    let result = &outcome.result;
    // The calling program pays for the stipend too (Nitro's `doCall` charges base + the gas
    // handed over, stipend included, minus what comes back; docs/nitro.md §3.1): unused stipend
    // flows back with the callee's leftover gas.
    settle_frame_gas(c, result, base + forwarded + stipend)?;
    note(c, Charge::Call, 1, base + forwarded + stipend);
    let status = u32::from(!result.result.is_ok()) * 2;
    let output = outcome.result.output.clone();
    let out_len = output.len();
    c.data_mut().return_data = output;
    write_u32(c, ret_len, out_len)?;
    Ok(status)
}

/// Charges a nested call or create: `charged` gas (base cost plus what was forwarded) less what
/// the frame returned (its leftover gas on success or revert, nothing on a halt); a successful
/// frame's refund accrues to the program.
fn settle_frame_gas(
    c: &mut Hc<'_>,
    result: &revm::interpreter::InterpreterResult,
    charged: u64,
) -> R {
    let returned = if result.result.is_ok() || result.result.is_revert() {
        result.gas.remaining()
    } else {
        0
    };
    buy_gas(c, charged.saturating_sub(returned))?;
    if result.result.is_ok() {
        c.data_mut().refund += result.gas.refunded();
    }
    Ok(())
}

/// `create1` / `create2` (§3.1).
fn do_create(
    c: &mut Hc<'_>,
    code: u32,
    len: u32,
    endowment: u32,
    salt: Option<U256>,
    addr_out: u32,
    revert_len: u32,
) -> R {
    let base_ink = if salt.is_some() {
        hostio::BASE_CREATE2
    } else {
        hostio::BASE_CALL
    };
    buy_ink(c, base_ink + 2 * hostio::read_price(len as usize))?;
    let init_code = Bytes::from(read(c, code, len)?);
    let value = read_u256(c, endowment)?;
    let frame = c.data().frame.clone();
    if frame.is_static {
        return Err(fail("create in a static context"));
    }
    let mut base = 32_000u64;
    if salt.is_some() {
        base += 6 * u64::from(len).div_ceil(32);
    }
    let gas_left = gas_left(c);
    if base > gas_left {
        return Err(fail("not enough gas for create"));
    }
    let gas = gas_left - base;
    let forwarded = gas - gas / 64;
    let scheme = match salt {
        Some(salt) => CreateScheme::Create2 { salt },
        None => CreateScheme::Create,
    };
    let inputs = CreateInputs {
        caller: frame.address,
        scheme,
        value,
        init_code,
        gas_limit: forwarded,
    };
    let state = c.data_mut();
    let outcome = match state.api.create(&mut state.ctx, inputs) {
        Ok(outcome) => outcome,
        Err(error) => return Err(fatal(c, error)),
    };
    let result = &outcome.result;
    settle_frame_gas(c, result, base + forwarded)?;
    note(c, Charge::Call, 1, base + forwarded);
    let address = if result.result.is_ok() {
        outcome.address.unwrap_or_default()
    } else {
        Address::ZERO
    };
    let revert_data = if result.result == InstructionResult::Revert {
        result.output.clone()
    } else {
        Bytes::new()
    };
    let revert_size = revert_data.len();
    c.data_mut().return_data = revert_data;
    write(c, addr_out, address.as_slice())?;
    write_u32(c, revert_len, revert_size)
}
