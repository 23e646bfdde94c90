//! The ArbWasm precompile at `0x71` (docs/nitro.md §2.1, §2.3): activation and the views
//! cargo-stylus and StylusDeployer use; and ArbWasmCache at `0x72` (§2.2): the program cache.
//!
//! Program records live in the storage of the `0x71` account (journaled like any storage, so
//! reverts and snapshots cover them): slot `codehash` holds
//! `version | initCost << 16 | cachedCost << 32 | footprint << 48 | activatedAtHours << 64 |
//! asmEstimateKb << 96 | cached << 128`; slots 0 and 1 hold the data pricer's demand and last
//! update; slots 2 and 3 count the cache managers and chain owners, listed from
//! `keccak256("tributary.cacheManagers")` and `keccak256("tributary.chainOwners")`.
//!
//! A cached program's calls skip `initGas` (§4.3; ArbOS 40 has no per-block LRU). Caching
//! and evicting take a cache manager or a chain owner (anyone else: all gas burned); caching
//! charges the program's `initCost` as gas and needs an active program. This devnode does not
//! serve ArbOwner (`0x70`): chain owners and cache managers are set through
//! [`crate::Devnode::add_chain_owner`] and [`crate::Devnode::add_wasm_cache_manager`].

use alloy_sol_types::{sol, SolCall, SolError, SolEvent, SolInterface};
use revm::{
    interpreter::{CallInputs, CallOutcome, CallValue, Gas, InstructionResult, InterpreterResult},
    primitives::{address, keccak256, Address, Bytes, Log, B256, U256},
};

use crate::{
    context::{self, Ctx, EvmError},
    pricing::{self, data_pricer, STYLUS_VERSION},
    program::Runtime,
    wasm,
};

/// ArbWasm's address.
pub const ARBWASM: Address = address!("0000000000000000000000000000000000000071");
/// ArbWasmCache's address.
pub const ARBWASM_CACHE: Address = address!("0000000000000000000000000000000000000072");
/// The list of cache managers (ArbOS `cacheManagers`).
pub const CACHE_MANAGERS: MemberList = MemberList {
    count: U256::from_limbs([2, 0, 0, 0]),
    tag: "tributary.cacheManagers",
};
/// The list of chain owners (ArbOS `chainOwners`).
pub const CHAIN_OWNERS: MemberList = MemberList {
    count: U256::from_limbs([3, 0, 0, 0]),
    tag: "tributary.chainOwners",
};
/// ArbOS storage write of a non-zero slot.
const STORAGE_WRITE_GAS: u64 = 20_000;

/// An address list in the `0x71` account's storage: a count slot, then the members from
/// `keccak256(tag)`.
#[derive(Debug, Clone, Copy)]
pub struct MemberList {
    count: U256,
    tag: &'static str,
}

impl MemberList {
    /// The slot of member `index`.
    pub fn slot(&self, index: u64) -> U256 {
        U256::from_be_bytes(keccak256(self.tag.as_bytes()).0).wrapping_add(U256::from(index))
    }

    /// The slot holding the member count.
    pub fn count_slot(&self) -> U256 {
        self.count
    }

    /// The members, read through `sload`.
    pub fn members<E>(
        &self,
        mut sload: impl FnMut(U256) -> Result<U256, E>,
    ) -> Result<Vec<Address>, E> {
        let count: u64 = sload(self.count)?.saturating_to();
        (0..count)
            .map(|i| sload(self.slot(i)).map(|word| Address::from_word(word.into())))
            .collect()
    }
}
/// Where activation data fees go (Nitro's network fee account; zero on this devnode).
pub const NETWORK_FEE_ACCOUNT: Address = Address::ZERO;
/// Epoch of `activatedAt` (hours since this Unix time).
const ARBITRUM_START_TIME: u64 = 1_421_388_000;
const SLOT_DEMAND: U256 = U256::ZERO;
const SLOT_LAST_UPDATE: U256 = U256::from_limbs([1, 0, 0, 0]);
/// ArbOS storage read (`StorageReadCost`): opening the ArbOS state at every precompile call,
/// reading a program record, the network fee account (docs/nitro.md §2.4).
const STORAGE_READ_GAS: u64 = 800;
/// Reading the Stylus parameters, which every ArbWasm method does once ("assume reads are
/// warm": N `arbos/programs/params.go`).
const PARAMS_READ_GAS: u64 = 100;
/// `GetCodeHash` of a program address (the `program*` views).
const CODE_HASH_GAS: u64 = 2_600;
/// The data pricer's update: five reads and two non-zero writes (N
/// `arbos/programs/data_pricer.go` `UpdateModel`).
const DATA_PRICER_GAS: u64 = 5 * STORAGE_READ_GAS + 2 * STORAGE_WRITE_GAS;

sol! {
    /// The ArbWasm precompile interface (nitro-precompile-interfaces `ArbWasm.sol`).
    #[derive(Debug)]
    interface ArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function stylusVersion() external view returns (uint16 version);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        function codehashKeepalive(bytes32 codehash) external payable;
        function codehashAsmSize(bytes32 codehash) external view returns (uint32 size);
        function programVersion(address program) external view returns (uint16 version);
        function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
        function programMemoryFootprint(address program) external view returns (uint16 footprint);
        function programTimeLeft(address program) external view returns (uint64 timeLeft);
        function inkPrice() external view returns (uint32 price);
        function maxStackDepth() external view returns (uint32 depth);
        function freePages() external view returns (uint16 pages);
        function pageGas() external view returns (uint16 gas);
        function pageRamp() external view returns (uint64 ramp);
        function pageLimit() external view returns (uint16 limit);
        function minInitGas() external view returns (uint64 gas, uint64 cached);
        function initCostScalar() external view returns (uint64 percent);
        function expiryDays() external view returns (uint16 _days);
        function keepaliveDays() external view returns (uint16 _days);
        function blockCacheSize() external view returns (uint16 count);

        event ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version);
        event ProgramLifetimeExtended(bytes32 indexed codehash, uint256 dataFee);

        error ProgramNotWasm();
        error ProgramNotActivated();
        error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
        error ProgramExpired(uint64 ageInSeconds);
        error ProgramUpToDate();
        error ProgramKeepaliveTooSoon(uint64 ageInSeconds);
        error ProgramInsufficientValue(uint256 have, uint256 want);
    }
}

sol! {
    /// The ArbWasmCache precompile interface (nitro-precompile-interfaces `ArbWasmCache.sol`,
    /// ArbOS ≥ 31: `cacheCodehash` is gone).
    #[derive(Debug)]
    interface ArbWasmCache {
        function isCacheManager(address manager) external view returns (bool);
        function allCacheManagers() external view returns (address[] memory managers);
        function cacheProgram(address addr) external;
        function evictCodehash(bytes32 codehash) external;
        function codehashIsCached(bytes32 codehash) external view returns (bool);

        event UpdateProgramCache(address indexed manager, bytes32 indexed codehash, bool cached);
    }
}

use ArbWasm::ArbWasmCalls as Call;
use ArbWasmCache::ArbWasmCacheCalls as CacheCall;

/// What activation stored about a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProgramRecord {
    /// Stylus version it was activated at (0 = never).
    pub version: u16,
    /// `initCost`.
    pub init_cost: u16,
    /// `cachedCost`.
    pub cached_cost: u16,
    /// Initial memory pages.
    pub footprint: u16,
    /// Hours since Arbitrum's start when activated.
    pub activated_at: u32,
    /// Estimated native size in KiB.
    pub asm_estimate_kb: u32,
    /// Cached through ArbWasmCache: calls skip `initGas`.
    pub cached: bool,
}

impl ProgramRecord {
    fn pack(&self) -> U256 {
        U256::from(self.version)
            | U256::from(self.init_cost) << 16
            | U256::from(self.cached_cost) << 32
            | U256::from(self.footprint) << 48
            | U256::from(self.activated_at) << 64
            | U256::from(self.asm_estimate_kb) << 96
            | U256::from(u8::from(self.cached)) << 128
    }

    fn unpack(word: U256) -> Self {
        let bits = |shift: usize, width: usize| -> u64 {
            let mask = (U256::from(1u8) << width) - U256::from(1u8);
            ((word >> shift) & mask).saturating_to()
        };
        let u16_at = |shift| u16::try_from(bits(shift, 16)).unwrap_or(u16::MAX);
        let u32_at = |shift| u32::try_from(bits(shift, 32)).unwrap_or(u32::MAX);
        Self {
            version: u16_at(0),
            init_cost: u16_at(16),
            cached_cost: u16_at(32),
            footprint: u16_at(48),
            activated_at: u32_at(64),
            asm_estimate_kb: u32_at(96),
            cached: bits(128, 1) == 1,
        }
    }

    /// `(initGas + cachedGas, cachedGas)` as `programInitGas` reports it.
    pub fn init_gas(&self) -> (u64, u64) {
        let cached = pricing::cached_gas(self.cached_cost);
        (pricing::init_gas(self.init_cost) + cached, cached)
    }
}

fn hours_since_start(timestamp: u64) -> u32 {
    u32::try_from(timestamp.saturating_sub(ARBITRUM_START_TIME) / 3600).unwrap_or(u32::MAX)
}

fn sload(ctx: &mut Ctx, slot: U256) -> Result<U256, EvmError> {
    let inner = &mut ctx.evm.inner;
    inner.journaled_state.load_account(ARBWASM, &mut inner.db)?;
    Ok(inner
        .journaled_state
        .sload(ARBWASM, slot, &mut inner.db)?
        .data)
}

fn sstore(ctx: &mut Ctx, slot: U256, value: U256) -> Result<(), EvmError> {
    let inner = &mut ctx.evm.inner;
    inner.journaled_state.load_account(ARBWASM, &mut inner.db)?;
    // Only touched accounts are committed; a call to ArbWasmCache does not touch 0x71 itself.
    inner.journaled_state.touch(&ARBWASM);
    inner
        .journaled_state
        .sstore(ARBWASM, slot, value, &mut inner.db)?;
    Ok(())
}

/// The stored record of `codehash` (version 0 if never activated).
pub(crate) fn program_record(ctx: &mut Ctx, codehash: B256) -> Result<ProgramRecord, EvmError> {
    Ok(ProgramRecord::unpack(sload(
        ctx,
        U256::from_be_bytes(codehash.0),
    )?))
}

fn store_record(ctx: &mut Ctx, codehash: B256, record: &ProgramRecord) -> Result<(), EvmError> {
    sstore(ctx, U256::from_be_bytes(codehash.0), record.pack())
}

/// Nitro's `getActiveProgram`: the record, or the ArbWasm error (ABI-encoded) and its name.
fn active_record(
    ctx: &mut Ctx,
    codehash: B256,
) -> Result<Result<ProgramRecord, (Vec<u8>, String)>, EvmError> {
    let record = program_record(ctx, codehash)?;
    if record.version == 0 {
        return Ok(Err((
            ArbWasm::ProgramNotActivated {}.abi_encode(),
            "ProgramNotActivated()".into(),
        )));
    }
    if record.version != STYLUS_VERSION {
        let e = ArbWasm::ProgramNeedsUpgrade {
            version: record.version,
            stylusVersion: STYLUS_VERSION,
        };
        return Ok(Err((
            e.abi_encode(),
            format!("ProgramNeedsUpgrade({}, {STYLUS_VERSION})", record.version),
        )));
    }
    let now = ctx.evm.env.block.timestamp.saturating_to::<u64>();
    let activated = ARBITRUM_START_TIME + u64::from(record.activated_at) * 3600;
    let age = now.saturating_sub(activated);
    if age > u64::from(pricing::EXPIRY_DAYS) * 86_400 {
        let e = ArbWasm::ProgramExpired { ageInSeconds: age };
        return Ok(Err((e.abi_encode(), format!("ProgramExpired({age})"))));
    }
    Ok(Ok(record))
}

/// The record of an active program, or the name of the error that stops it running.
pub(crate) fn active_program(
    ctx: &mut Ctx,
    codehash: B256,
) -> Result<Result<ProgramRecord, String>, EvmError> {
    Ok(active_record(ctx, codehash)?.map_err(|(_, name)| name))
}

/// Result builder for one precompile call.
struct Reply {
    gas: Gas,
}

impl Reply {
    fn ok(mut self, output: Vec<u8>) -> InterpreterResult {
        let words = (output.len() as u64).div_ceil(32);
        if !self.gas.record_cost(3 * words) {
            return context::halt(InstructionResult::OutOfGas, self.gas.limit());
        }
        InterpreterResult {
            result: InstructionResult::Return,
            output: output.into(),
            gas: self.gas,
        }
    }

    /// A Solidity-style error: its data is paid for at 3 gas per word (all gas when that is
    /// unaffordable, reverting without data), the rest of the gas is kept.
    fn revert(mut self, output: Vec<u8>) -> InterpreterResult {
        let words = (output.len() as u64).div_ceil(32);
        if !self.gas.record_cost(3 * words) {
            let mut gas = self.gas;
            gas.spend_all();
            return InterpreterResult {
                result: InstructionResult::Revert,
                output: Bytes::new(),
                gas,
            };
        }
        InterpreterResult {
            result: InstructionResult::Revert,
            output: output.into(),
            gas: self.gas,
        }
    }

    /// A plain error (ArbOS ≥ 11): revert without data, the gas left is kept.
    fn revert_plain(self) -> InterpreterResult {
        InterpreterResult {
            result: InstructionResult::Revert,
            output: Bytes::new(),
            gas: self.gas,
        }
    }

    fn burn(self, result: InstructionResult) -> InterpreterResult {
        context::halt(result, self.gas.limit())
    }

    fn charge(&mut self, gas: u64) -> bool {
        self.gas.record_cost(gas)
    }
}

/// Serves a call to ArbWasm with revm frame semantics (checkpoint, value, revert);
/// activation compiles into `runtime`'s module cache.
pub(crate) fn call(
    ctx: &mut Ctx,
    inputs: &CallInputs,
    runtime: &Runtime,
) -> Result<CallOutcome, EvmError> {
    let done = |result| CallOutcome::new(result, inputs.return_memory_offset.clone());
    let mut reply = Reply {
        gas: Gas::new(inputs.gas_limit),
    };
    if ctx.evm.journaled_state.depth() > revm::CALL_STACK_LIMIT {
        return Ok(done(reply.burn(InstructionResult::CallTooDeep)));
    }
    let checkpoint = ctx.evm.journaled_state.checkpoint();
    let value = match inputs.value {
        CallValue::Transfer(value) => value,
        CallValue::Apparent(_) => U256::ZERO,
    };
    let cache = inputs.bytecode_address == ARBWASM_CACHE;
    if cache && !value.is_zero() {
        // ArbWasmCache is not payable.
        return Ok(done(reply.burn(InstructionResult::Revert)));
    }
    if !value.is_zero() {
        let inner = &mut ctx.evm.inner;
        if let Some(error) =
            inner
                .journaled_state
                .transfer(&inputs.caller, &ARBWASM, value, &mut inner.db)?
        {
            ctx.evm.journaled_state.checkpoint_revert(checkpoint);
            return Ok(done(InterpreterResult {
                result: error,
                output: Bytes::new(),
                gas: reply.gas,
            }));
        }
    }
    // Nitro copies the arguments without the 4-byte selector (`Precompile.Call`); shorter
    // input fails to decode and burns everything below.
    let in_words = (inputs.input.len() as u64).saturating_sub(4).div_ceil(32);
    let result = if !reply.charge(3 * in_words) {
        reply.burn(InstructionResult::OutOfGas)
    } else if cache {
        dispatch_cache(ctx, inputs, reply)?
    } else {
        dispatch(ctx, inputs, value, runtime, reply)?
    };
    if result.result.is_ok() {
        ctx.evm.journaled_state.checkpoint_commit();
    } else {
        ctx.evm.journaled_state.checkpoint_revert(checkpoint);
    }
    Ok(done(result))
}

#[allow(clippy::too_many_lines)]
fn dispatch(
    ctx: &mut Ctx,
    inputs: &CallInputs,
    value: U256,
    runtime: &Runtime,
    mut reply: Reply,
) -> Result<InterpreterResult, EvmError> {
    let Ok(call) = Call::abi_decode(&inputs.input, true) else {
        return Ok(reply.burn(InstructionResult::Revert));
    };
    let payable = matches!(call, Call::activateProgram(_) | Call::codehashKeepalive(_));
    if !value.is_zero() && !payable {
        return Ok(reply.burn(InstructionResult::Revert));
    }
    let writes = payable;
    if writes && inputs.is_static {
        return Ok(reply.burn(InstructionResult::StateChangeDuringStaticCall));
    }
    if !reply.charge(STORAGE_READ_GAS + PARAMS_READ_GAS) {
        return Ok(reply.burn(InstructionResult::OutOfGas));
    }
    // Views of a program read its record (and the `program*` ones its code hash first).
    let reads = match &call {
        Call::codehashVersion(_) | Call::codehashAsmSize(_) => STORAGE_READ_GAS,
        Call::programVersion(_)
        | Call::programInitGas(_)
        | Call::programMemoryFootprint(_)
        | Call::programTimeLeft(_) => CODE_HASH_GAS + STORAGE_READ_GAS,
        _ => 0,
    };
    if !reply.charge(reads) {
        return Ok(reply.burn(InstructionResult::OutOfGas));
    }
    let out = match &call {
        Call::activateProgram(c) => {
            return activate(ctx, runtime, inputs.caller, c.program, value, reply)
        }
        Call::codehashKeepalive(c) => {
            return keepalive(ctx, inputs.caller, c.codehash, value, reply)
        }
        Call::stylusVersion(_) => {
            ArbWasm::stylusVersionCall::abi_encode_returns(&(STYLUS_VERSION,))
        }
        Call::inkPrice(_) => ArbWasm::inkPriceCall::abi_encode_returns(&(u32::try_from(
            pricing::INK_PRICE,
        )
        .unwrap_or(0),)),
        Call::maxStackDepth(_) => {
            ArbWasm::maxStackDepthCall::abi_encode_returns(&(pricing::MAX_STACK_DEPTH,))
        }
        Call::freePages(_) => ArbWasm::freePagesCall::abi_encode_returns(&(pricing::FREE_PAGES,)),
        Call::pageGas(_) => ArbWasm::pageGasCall::abi_encode_returns(&(u16::try_from(
            pricing::PAGE_GAS,
        )
        .unwrap_or(0),)),
        Call::pageRamp(_) => ArbWasm::pageRampCall::abi_encode_returns(&(pricing::PAGE_RAMP,)),
        Call::pageLimit(_) => ArbWasm::pageLimitCall::abi_encode_returns(&(pricing::PAGE_LIMIT,)),
        Call::minInitGas(_) => ArbWasm::minInitGasCall::abi_encode_returns(&(
            pricing::MIN_INIT_GAS_UNITS * 128,
            pricing::MIN_CACHED_INIT_GAS_UNITS * 32,
        )),
        Call::initCostScalar(_) => {
            ArbWasm::initCostScalarCall::abi_encode_returns(&(pricing::INIT_COST_SCALAR * 2,))
        }
        Call::expiryDays(_) => {
            ArbWasm::expiryDaysCall::abi_encode_returns(&(pricing::EXPIRY_DAYS,))
        }
        Call::keepaliveDays(_) => {
            ArbWasm::keepaliveDaysCall::abi_encode_returns(&(pricing::KEEPALIVE_DAYS,))
        }
        Call::blockCacheSize(_) => {
            ArbWasm::blockCacheSizeCall::abi_encode_returns(&(pricing::BLOCK_CACHE_SIZE,))
        }
        Call::codehashVersion(c) => match active_record(ctx, c.codehash)? {
            Ok(record) => ArbWasm::codehashVersionCall::abi_encode_returns(&(record.version,)),
            Err((error, _)) => return Ok(reply.revert(error)),
        },
        Call::codehashAsmSize(c) => match active_record(ctx, c.codehash)? {
            Ok(record) => ArbWasm::codehashAsmSizeCall::abi_encode_returns(&(record
                .asm_estimate_kb
                .saturating_mul(1024),)),
            Err((error, _)) => return Ok(reply.revert(error)),
        },
        Call::programVersion(ArbWasm::programVersionCall { program })
        | Call::programInitGas(ArbWasm::programInitGasCall { program })
        | Call::programMemoryFootprint(ArbWasm::programMemoryFootprintCall { program })
        | Call::programTimeLeft(ArbWasm::programTimeLeftCall { program }) => {
            let codehash = code_of(ctx, *program)?.1;
            let record = match active_record(ctx, codehash)? {
                Ok(record) => record,
                Err((error, _)) => return Ok(reply.revert(error)),
            };
            match &call {
                Call::programInitGas(_) => {
                    ArbWasm::programInitGasCall::abi_encode_returns(&record.init_gas())
                }
                Call::programMemoryFootprint(_) => {
                    ArbWasm::programMemoryFootprintCall::abi_encode_returns(&(record.footprint,))
                }
                Call::programTimeLeft(_) => {
                    let now = ctx.evm.env.block.timestamp.saturating_to::<u64>();
                    let activated = ARBITRUM_START_TIME + u64::from(record.activated_at) * 3600;
                    let expiry = activated + u64::from(pricing::EXPIRY_DAYS) * 86_400;
                    ArbWasm::programTimeLeftCall::abi_encode_returns(&(expiry.saturating_sub(now),))
                }
                _ => ArbWasm::programVersionCall::abi_encode_returns(&(record.version,)),
            }
        }
    };
    Ok(reply.ok(out))
}

fn code_of(ctx: &mut Ctx, address: Address) -> Result<(Bytes, B256), EvmError> {
    let inner = &mut ctx.evm.inner;
    let account = inner.journaled_state.load_code(address, &mut inner.db)?;
    let code = account
        .info
        .code
        .as_ref()
        .map(revm::primitives::Bytecode::original_bytes)
        .unwrap_or_default();
    Ok((code, account.info.code_hash))
}

fn activate(
    ctx: &mut Ctx,
    runtime: &Runtime,
    caller: Address,
    program: Address,
    value: U256,
    mut reply: Reply,
) -> Result<InterpreterResult, EvmError> {
    if !reply.charge(pricing::ACTIVATION_FIXED_GAS) {
        return Ok(reply.burn(InstructionResult::OutOfGas));
    }
    // The program's record is read to see whether it is already up to date.
    if !reply.charge(STORAGE_READ_GAS) {
        return Ok(reply.burn(InstructionResult::OutOfGas));
    }
    let (code, codehash) = code_of(ctx, program)?;
    if let Ok(_record) = active_record(ctx, codehash)? {
        return Ok(reply.revert(ArbWasm::ProgramUpToDate {}.abi_encode()));
    }
    if code.is_empty() {
        return Ok(reply.revert(ArbWasm::ProgramNotWasm {}.abi_encode()));
    }
    if !wasm::is_stylus(&code) {
        // A plain Go error in Nitro: revert without data, the gas left is kept.
        ctx.external.last_failure = Some("specified bytecode is not a Stylus program".into());
        return Ok(reply.revert_plain());
    }
    if let Err(error) = wasm::decode_code(&code) {
        // Decompressing is `getWasm`, before compiling: also a plain error.
        ctx.external.last_failure = Some(error.to_string());
        return Ok(reply.revert_plain());
    }
    let compiled = match runtime.compile(&code) {
        Ok(compiled) => compiled,
        Err(error) => {
            // Validation, instrumentation or compilation: Nitro burns all gas.
            ctx.external.last_failure = Some(error.to_string());
            return Ok(reply.burn(InstructionResult::PrecompileError));
        }
    };
    let stats = compiled.stats;
    let was_cached = program_record(ctx, codehash)?.cached;
    // Compile gas, then (docs/nitro.md §2.3) the module hash's read when the old record was
    // cached, its write, the data pricer's update and the program record's write: all charged
    // before the data fee is checked, so an insufficient value reverts having paid them.
    let storage = u64::from(was_cached) * STORAGE_READ_GAS
        + STORAGE_WRITE_GAS
        + DATA_PRICER_GAS
        + STORAGE_WRITE_GAS;
    if !reply.charge(stats.compile_gas()) || !reply.charge(storage) {
        return Ok(reply.burn(InstructionResult::OutOfGas));
    }

    let now = ctx.evm.env.block.timestamp.saturating_to::<u64>();
    let asm = stats.asm_estimate();
    let fee = match charge_data_fee(ctx, caller, value, asm, now)? {
        Ok(fee) => fee,
        Err(insufficient) => return Ok(reply.revert(insufficient)),
    };
    // The network fee account is read to pay the fee.
    if !reply.charge(STORAGE_READ_GAS) {
        return Ok(reply.burn(InstructionResult::OutOfGas));
    }

    let record = ProgramRecord {
        version: STYLUS_VERSION,
        // Both fit: the analysis refuses a module whose costs do not.
        init_cost: stats.init_cost().unwrap_or(u16::MAX),
        cached_cost: stats.cached_cost().unwrap_or(u16::MAX),
        footprint: stats.footprint,
        activated_at: hours_since_start(now),
        asm_estimate_kb: u32::try_from(asm.div_ceil(1024)).unwrap_or(u32::MAX),
        // Re-activating an expired program keeps its cache flag, as Nitro does.
        cached: was_cached,
    };
    store_record(ctx, codehash, &record)?;
    runtime.insert(codehash, std::sync::Arc::new(compiled));

    // Nitro's moduleHash hashes its WAVM module, which cannot be reproduced here; this devnode
    // reports keccak256 of the decompressed WASM instead.
    let module_hash = wasm::decode_code(&code).map(keccak256).unwrap_or_default();
    let event = ArbWasm::ProgramActivated {
        codehash,
        moduleHash: module_hash,
        program,
        dataFee: fee,
        version: STYLUS_VERSION,
    };
    if !reply.charge(event_gas(&event)) {
        return Ok(reply.burn(InstructionResult::OutOfGas));
    }
    emit(ctx, &event);
    Ok(reply.ok(ArbWasm::activateProgramCall::abi_encode_returns(&(
        STYLUS_VERSION,
        fee,
    ))))
}

fn keepalive(
    ctx: &mut Ctx,
    caller: Address,
    codehash: B256,
    value: U256,
    mut reply: Reply,
) -> Result<InterpreterResult, EvmError> {
    if !reply.charge(STORAGE_READ_GAS) {
        return Ok(reply.burn(InstructionResult::OutOfGas));
    }
    let mut record = match active_record(ctx, codehash)? {
        Ok(record) => record,
        Err((error, _)) => return Ok(reply.revert(error)),
    };
    let now = ctx.evm.env.block.timestamp.saturating_to::<u64>();
    let age = now.saturating_sub(ARBITRUM_START_TIME + u64::from(record.activated_at) * 3600);
    if age < u64::from(pricing::KEEPALIVE_DAYS) * 86_400 {
        return Ok(
            reply.revert(ArbWasm::ProgramKeepaliveTooSoon { ageInSeconds: age }.abi_encode())
        );
    }
    let bytes = u64::from(record.asm_estimate_kb) * 1024;
    // The data pricer's update and the record's write come before the value check (N
    // `arbos/programs/programs.go` `ProgramKeepalive`), the network fee account's read after.
    if !reply.charge(DATA_PRICER_GAS + STORAGE_WRITE_GAS) {
        return Ok(reply.burn(InstructionResult::OutOfGas));
    }
    let fee = match charge_data_fee(ctx, caller, value, bytes, now)? {
        Ok(fee) => fee,
        Err(insufficient) => return Ok(reply.revert(insufficient)),
    };
    record.activated_at = hours_since_start(now);
    sstore(ctx, U256::from_be_bytes(codehash.0), record.pack())?;
    let event = ArbWasm::ProgramLifetimeExtended {
        codehash,
        dataFee: fee,
    };
    if !reply.charge(STORAGE_READ_GAS + event_gas(&event)) {
        return Ok(reply.burn(InstructionResult::OutOfGas));
    }
    emit(ctx, &event);
    Ok(reply.ok(Vec::new()))
}

/// The data fee for `bytes` of program at `now`, charged out of `value` (docs/nitro.md §2.3
/// steps 7–8; activation and keepalive both pay it): updates the data pricer's demand and
/// last update, sends the fee to the network fee account and the change back to `caller`.
/// `Ok(Err(revert data))` is `ProgramInsufficientValue`, with nothing written.
fn charge_data_fee(
    ctx: &mut Ctx,
    caller: Address,
    value: U256,
    bytes: u64,
    now: u64,
) -> Result<Result<U256, Vec<u8>>, EvmError> {
    let demand = sload(ctx, SLOT_DEMAND)?.saturating_to::<u64>();
    let last = data_pricer::stored_last_update(sload(ctx, SLOT_LAST_UPDATE)?.saturating_to());
    let (fee, demand, last) = data_pricer::update(demand, last, bytes, now);
    let fee = U256::from(fee);
    if value < fee {
        let error = ArbWasm::ProgramInsufficientValue {
            have: value,
            want: fee,
        };
        return Ok(Err(error.abi_encode()));
    }
    sstore(ctx, SLOT_DEMAND, U256::from(demand))?;
    sstore(ctx, SLOT_LAST_UPDATE, U256::from(last))?;
    pay_out(ctx, caller, value, fee)?;
    Ok(Ok(fee))
}

/// Sends the data fee to the network fee account and the change back to the caller.
fn pay_out(ctx: &mut Ctx, caller: Address, value: U256, fee: U256) -> Result<(), EvmError> {
    let inner = &mut ctx.evm.inner;
    if !fee.is_zero() {
        inner
            .journaled_state
            .transfer(&ARBWASM, &NETWORK_FEE_ACCOUNT, fee, &mut inner.db)?;
    }
    let change = value - fee;
    if !change.is_zero() {
        inner
            .journaled_state
            .transfer(&ARBWASM, &caller, change, &mut inner.db)?;
    }
    Ok(())
}

/// Gas of a precompile's event: 375, + 375 per topic, + 8 per data byte (N
/// `precompiles/precompile.go`, the generated event emitters).
fn event_gas(event: &impl SolEvent) -> u64 {
    let data = event.encode_log_data();
    375 + 375 * data.topics().len() as u64 + 8 * data.data.len() as u64
}

fn emit(ctx: &mut Ctx, event: &impl SolEvent) {
    emit_from(ctx, ARBWASM, event);
}

fn emit_from(ctx: &mut Ctx, address: Address, event: &impl SolEvent) {
    let data = event.encode_log_data();
    revm::interpreter::Host::log(ctx, Log { address, data });
}

/// Whether `account` may cache and evict programs: a cache manager or a chain owner.
fn may_manage_cache(ctx: &mut Ctx, account: Address) -> Result<bool, EvmError> {
    for list in [CACHE_MANAGERS, CHAIN_OWNERS] {
        if list.members(|slot| sload(ctx, slot))?.contains(&account) {
            return Ok(true);
        }
    }
    Ok(false)
}

fn dispatch_cache(
    ctx: &mut Ctx,
    inputs: &CallInputs,
    mut reply: Reply,
) -> Result<InterpreterResult, EvmError> {
    let Ok(call) = CacheCall::abi_decode(&inputs.input, true) else {
        return Ok(reply.burn(InstructionResult::Revert));
    };
    let writes = matches!(
        call,
        CacheCall::cacheProgram(_) | CacheCall::evictCodehash(_)
    );
    if writes && inputs.is_static {
        return Ok(reply.burn(InstructionResult::StateChangeDuringStaticCall));
    }
    if !reply.charge(STORAGE_READ_GAS) {
        return Ok(reply.burn(InstructionResult::OutOfGas));
    }
    if writes && !may_manage_cache(ctx, inputs.caller)? {
        return Ok(reply.burn(InstructionResult::Revert));
    }
    let out = match call {
        CacheCall::isCacheManager(c) => {
            let managers = CACHE_MANAGERS.members(|slot| sload(ctx, slot))?;
            ArbWasmCache::isCacheManagerCall::abi_encode_returns(&(managers.contains(&c.manager),))
        }
        CacheCall::allCacheManagers(_) => {
            let managers = CACHE_MANAGERS.members(|slot| sload(ctx, slot))?;
            ArbWasmCache::allCacheManagersCall::abi_encode_returns(&(managers,))
        }
        CacheCall::codehashIsCached(c) => {
            let record = program_record(ctx, c.codehash)?;
            ArbWasmCache::codehashIsCachedCall::abi_encode_returns(&(record.cached,))
        }
        CacheCall::cacheProgram(c) => {
            let codehash = code_of(ctx, c.addr)?.1;
            let mut record = match active_record(ctx, codehash)? {
                Ok(record) => record,
                Err((error, _)) => return Ok(reply.revert(error)),
            };
            if !record.cached {
                if !reply.charge(u64::from(record.init_cost) + STORAGE_WRITE_GAS) {
                    return Ok(reply.burn(InstructionResult::OutOfGas));
                }
                record.cached = true;
                set_cached(ctx, inputs.caller, codehash, &record)?;
            }
            Vec::new()
        }
        CacheCall::evictCodehash(c) => {
            let mut record = program_record(ctx, c.codehash)?;
            if record.cached {
                if !reply.charge(STORAGE_WRITE_GAS) {
                    return Ok(reply.burn(InstructionResult::OutOfGas));
                }
                record.cached = false;
                set_cached(ctx, inputs.caller, c.codehash, &record)?;
            }
            Vec::new()
        }
    };
    Ok(reply.ok(out))
}

/// Stores a record whose `cached` flag changed and emits `UpdateProgramCache`.
fn set_cached(
    ctx: &mut Ctx,
    manager: Address,
    codehash: B256,
    record: &ProgramRecord,
) -> Result<(), EvmError> {
    store_record(ctx, codehash, record)?;
    let event = ArbWasmCache::UpdateProgramCache {
        manager,
        codehash,
        cached: record.cached,
    };
    emit_from(ctx, ARBWASM_CACHE, &event);
    Ok(())
}

#[cfg(test)]
mod tests {
    use revm::primitives::AccountInfo;

    use super::*;
    use crate::context::{Db, StylusExt};

    const PAYER: Address = address!("00000000000000000000000000000000000a11ce");

    /// A context whose `0x71` storage holds the data pricer's `demand` and `last_update`, and
    /// whose `0x71` balance covers `value` (the call already moved it there).
    fn pricer_ctx(demand: u64, last_update: u64, value: U256) -> Ctx {
        let mut db = Db::default();
        db.insert_account_info(
            ARBWASM,
            AccountInfo {
                balance: value,
                ..AccountInfo::default()
            },
        );
        // The in-memory database cannot fail: these writes go to an account inserted above.
        let stored = db
            .insert_account_storage(ARBWASM, SLOT_DEMAND, U256::from(demand))
            .and_then(|()| {
                db.insert_account_storage(ARBWASM, SLOT_LAST_UPDATE, U256::from(last_update))
            });
        assert!(stored.is_ok());
        revm::Context::new(revm::EvmContext::new(db), StylusExt::default())
    }

    /// Both payers of the data fee (activation and keepalive) go through
    /// [`charge_data_fee`]. Its two former copies disagreed only on a stored last update
    /// below the initial one: `.max(INITIAL)` clamped it, `match 0 => INITIAL` used it. Nitro
    /// writes `initialLastUpdateTime` at ArbOS init and then reads the slot verbatim, so zero
    /// (this devnode's never-written slot) stands for the initial value and anything else is
    /// used as stored.
    #[test]
    fn data_fee_uses_a_stored_last_update_verbatim() {
        let (demand, bytes) = (30_000_000, 600_000);
        let now = data_pricer::INITIAL_LAST_UPDATE + 10;
        let stored = 1; // written, and below INITIAL_LAST_UPDATE
        let (verbatim, ..) = data_pricer::update(demand, stored, bytes, now);
        let (clamped, ..) =
            data_pricer::update(demand, data_pricer::INITIAL_LAST_UPDATE, bytes, now);
        assert_ne!(
            verbatim, clamped,
            "the edge case must tell the two readings apart"
        );

        let value = U256::from(clamped.max(verbatim));
        let mut ctx = pricer_ctx(demand, stored, value);
        let fee = charge_data_fee(&mut ctx, PAYER, value, bytes, now);
        assert_eq!(fee, Ok(Ok(U256::from(verbatim))));
        assert_eq!(sload(&mut ctx, SLOT_LAST_UPDATE), Ok(U256::from(now)));

        // A never-written slot (zero) is the initial last update.
        let mut ctx = pricer_ctx(demand, 0, value);
        let fee = charge_data_fee(&mut ctx, PAYER, value, bytes, now);
        assert_eq!(fee, Ok(Ok(U256::from(clamped))));
    }

    #[test]
    fn data_fee_short_value_reverts_without_writing() {
        let now = data_pricer::INITIAL_LAST_UPDATE + 3_600;
        let (fee, ..) = data_pricer::update(0, data_pricer::INITIAL_LAST_UPDATE, 600_000, now);
        let have = U256::from(fee - 1);
        let mut ctx = pricer_ctx(0, 0, have);
        let want = ArbWasm::ProgramInsufficientValue {
            have,
            want: U256::from(fee),
        };
        let result = charge_data_fee(&mut ctx, PAYER, have, 600_000, now);
        assert_eq!(result, Ok(Err(want.abi_encode())));
        assert_eq!(sload(&mut ctx, SLOT_DEMAND), Ok(U256::ZERO));
        assert_eq!(sload(&mut ctx, SLOT_LAST_UPDATE), Ok(U256::ZERO));
    }
}
