//! Nitro's price schedule for Stylus: WASM opcode ink, host-function ink, the memory model,
//! per-program init costs and the activation data fee (docs/nitro.md §2.3, §3, §4).
//!
//! The chain modelled is Nitro v3.9.5 (commit 66e42c44) running ArbOS 40 with Stylus version 2,
//! as nitro-devnode's default image runs (docs/nitro.md §7): `MaxWasmSize` 128 KiB,
//! `MaxStackDepth` 262,144 words, multi-value allowed, programs uncached until a cache manager or
//! the chain owner caches them through ArbWasmCache (`crate::arbwasm`, docs/nitro.md §2.2).

use wasmparser::Operator;

/// The Nitro release whose Stylus gas the devnode charges (docs/nitro.md §7).
pub const NITRO_VERSION: &str = "v3.9.5";
/// Stylus version this devnode activates programs at.
pub const STYLUS_VERSION: u16 = 2;
/// ArbOS version modelled.
pub const ARBOS_VERSION: u64 = 40;
/// Ink per gas (`InkPrice`).
pub const INK_PRICE: u64 = 10_000;
/// Largest decompressed WASM activated (`MaxWasmSize` before ArbOS 60).
pub const MAX_WASM_SIZE: usize = 128 * 1024;
/// EVM code-size limit applied to stored code (EIP-170, Arbitrum default).
pub const MAX_CODE_SIZE: usize = 24_576;
/// `PageLimit`: most pages all Stylus frames of a transaction may hold open.
pub const PAGE_LIMIT: u16 = 128;
/// `FreePages` per transaction.
pub const FREE_PAGES: u16 = 2;
/// `PageGas`.
pub const PAGE_GAS: u64 = 1_000;
/// `MinInitGas` in units of 128 gas (Stylus v2).
pub const MIN_INIT_GAS_UNITS: u64 = 69;
/// `MinCachedInitGas` in units of 32 gas.
pub const MIN_CACHED_INIT_GAS_UNITS: u64 = 11;
/// `InitCostScalar` in units of 2 %.
pub const INIT_COST_SCALAR: u64 = 50;
/// `CachedCostScalar` in units of 2 %.
pub const CACHED_COST_SCALAR: u64 = 50;
/// Activation compile gas per µs of Nitro's compile-time model (fudge 2 × 7,000,000 gas/s ÷
/// 500,000 µs/s; N `crates/prover/src/programs/mod.rs` `Module::activate`).
pub const COMPILE_GAS_PER_MICRO: u64 = 28;
/// `ExpiryDays`.
pub const EXPIRY_DAYS: u16 = 365;
/// `KeepaliveDays`.
pub const KEEPALIVE_DAYS: u16 = 31;
/// `BlockCacheSize`.
pub const BLOCK_CACHE_SIZE: u16 = 32;
/// `MaxStackDepth` in words (before the ArbOS 50 clamp).
pub const MAX_STACK_DEPTH: u32 = 262_144;
/// `PageRamp` (reported by `pageRamp()`; the cost model uses the table below).
pub const PAGE_RAMP: u64 = 620_674_314;
/// Fixed gas `activateProgram` burns before compiling.
pub const ACTIVATION_FIXED_GAS: u64 = 1_659_168;

/// Host-function ink constants (`crates/arbutil/src/pricing.rs`).
pub mod hostio {
    /// Base cost of every host function.
    pub const HOSTIO: u64 = 8_400;
    /// Per pointer argument.
    pub const PTR: u64 = 5_040;
    /// Cost of a request through the EVM API.
    pub const EVM_API: u64 = 59_673;
    /// `8,400 + 2 × 5,040`.
    pub const BASE_2PTR: u64 = HOSTIO + 2 * PTR;
    /// `8,400 + 5,040`.
    pub const BASE_1PTR: u64 = HOSTIO + PTR;
    /// `8,400 + 59,673`.
    pub const BASE_API: u64 = HOSTIO + EVM_API;
    /// `8,400 + 2 × 5,040 + 59,673`.
    pub const BASE_API_2PTR: u64 = HOSTIO + 2 * PTR + EVM_API;
    /// `8,400 + 3 × 5,040 + 59,673`.
    pub const BASE_CALL: u64 = HOSTIO + 3 * PTR + EVM_API;
    /// `8,400 + 4 × 5,040 + 59,673`.
    pub const BASE_CREATE2: u64 = HOSTIO + 4 * PTR + EVM_API;
    /// `math_div` / `math_mod`.
    pub const DIV: u64 = 43_520;
    /// `math_pow` base.
    pub const POW: u64 = 23_520;
    /// `math_add_mod`.
    pub const ADD_MOD: u64 = 49_560;
    /// `math_mul_mod`.
    pub const MUL_MOD: u64 = 52_660;

    /// Ink to copy `n` bytes into WASM memory.
    pub fn write_price(n: usize) -> u64 {
        PTR + 30 * (n as u64).saturating_sub(32)
    }

    /// Ink to copy `n` bytes out of WASM memory.
    pub fn read_price(n: usize) -> u64 {
        16_381 + 55 * (n as u64).saturating_sub(32)
    }

    /// Ink of `native_keccak256` over `n` bytes.
    pub fn keccak_price(n: usize) -> u64 {
        let words = (n as u64).div_ceil(32);
        121_800 + 21_000 * words.saturating_sub(2)
    }

    /// Ink of `math_pow` for a 32-byte big-endian exponent.
    pub fn pow_price(exponent: &[u8; 32]) -> u64 {
        let leading_zero_bytes = exponent.iter().take_while(|b| **b == 0).count() as u64;
        3_000 + 17_500 * (33 - leading_zero_bytes)
    }
}

/// Extra ink charged per basic block on top of its operators (`meter.rs` header).
pub const BLOCK_HEADER_INK: u64 = 2_450;
/// Dynamic ink per byte for `memory.copy` / `memory.fill`.
pub const MEMORY_COPY_INK_PER_BYTE: u64 = 100;

/// Ink price of one WASM operator (`pricing_v1`, docs/nitro.md §4.1). `param_count` gives the
/// parameter count of a type index (for `call_indirect`). `u64::MAX` marks unusable operators.
#[allow(clippy::match_same_arms)] // one arm per row of Nitro's table
pub fn op_ink(op: &Operator<'_>, param_count: impl Fn(u32) -> u64) -> u64 {
    use Operator as O;
    match op {
        O::Unreachable
        | O::Return
        | O::Nop
        | O::I32Const { .. }
        | O::I64Const { .. }
        | O::Block { .. }
        | O::Loop { .. }
        | O::Else
        | O::End => 1,
        O::Drop => 9,
        O::Br { .. } | O::BrIf { .. } | O::If { .. } => 765,
        O::BrTable { targets } => 2_400 + 325 * u64::from(targets.len()),
        O::Select | O::TypedSelect { .. } => 1_250,
        O::Call { .. } => 3_800,
        O::CallIndirect { type_index, .. } => 13_610 + 650 * param_count(*type_index),
        O::LocalGet { .. } | O::LocalTee { .. } => 75,
        O::LocalSet { .. } => 210,
        O::GlobalGet { .. } => 225,
        O::GlobalSet { .. } => 575,
        O::I32Load { .. }
        | O::I32Load8S { .. }
        | O::I32Load8U { .. }
        | O::I32Load16S { .. }
        | O::I32Load16U { .. } => 670,
        O::I64Load { .. }
        | O::I64Load8S { .. }
        | O::I64Load8U { .. }
        | O::I64Load16S { .. }
        | O::I64Load16U { .. }
        | O::I64Load32S { .. }
        | O::I64Load32U { .. } => 680,
        O::I32Store { .. } | O::I32Store8 { .. } | O::I32Store16 { .. } => 825,
        O::I64Store { .. } | O::I64Store8 { .. } | O::I64Store16 { .. } | O::I64Store32 { .. } => {
            950
        }
        O::MemorySize { .. } => 3_000,
        O::MemoryGrow { .. } => 8_050,
        O::I32Eqz
        | O::I32Eq
        | O::I32Ne
        | O::I32LtS
        | O::I32LtU
        | O::I32GtS
        | O::I32GtU
        | O::I32LeS
        | O::I32LeU
        | O::I32GeS
        | O::I32GeU => 170,
        O::I64Eqz
        | O::I64Eq
        | O::I64Ne
        | O::I64LtS
        | O::I64LtU
        | O::I64GtS
        | O::I64GtU
        | O::I64LeS
        | O::I64LeU
        | O::I64GeS
        | O::I64GeU => 225,
        O::I32Clz | O::I32Ctz | O::I64Clz | O::I64Ctz => 210,
        O::I32Add
        | O::I32Sub
        | O::I32And
        | O::I32Or
        | O::I32Xor
        | O::I32Shl
        | O::I32ShrS
        | O::I32ShrU
        | O::I32Rotl
        | O::I32Rotr => 70,
        O::I64Add
        | O::I64Sub
        | O::I64And
        | O::I64Or
        | O::I64Xor
        | O::I64Shl
        | O::I64ShrS
        | O::I64ShrU
        | O::I64Rotl
        | O::I64Rotr => 100,
        O::I32Mul | O::I64Mul => 160,
        O::I32DivS | O::I32DivU | O::I32RemS | O::I32RemU => 1_120,
        O::I64DivS | O::I64DivU | O::I64RemS | O::I64RemU => 1_270,
        O::I32Popcnt => 2_650,
        O::I64Popcnt => 6_000,
        O::I32WrapI64
        | O::I64ExtendI32S
        | O::I64ExtendI32U
        | O::I32Extend8S
        | O::I32Extend16S
        | O::I64Extend8S
        | O::I64Extend16S
        | O::I64Extend32S => 100,
        O::MemoryCopy { .. } | O::MemoryFill { .. } => 950,
        _ => u64::MAX,
    }
}

/// Whether `op` ends a metered basic block (it is included in the block it ends).
pub fn ends_basic_block(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::End
            | Operator::Else
            | Operator::Return
            | Operator::Loop { .. }
            | Operator::Br { .. }
            | Operator::BrTable { .. }
            | Operator::BrIf { .. }
            | Operator::If { .. }
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
    )
}

/// Operators a function body has after Nitro's instrumentation (docs/nitro.md §2.3 step 5,
/// N `crates/prover/src/programs/{meter,dynamic,depth,heap}.rs`), from counts over the raw
/// body: `ops` operators (the final `end` included), `blocks` of them ending a basic block
/// ([`ends_basic_block`]), `copies` `memory.copy`/`memory.fill`, `returns` `return`, `grows`
/// `memory.grow`. The meter adds a 12-operator ink check before every basic block, the
/// dynamic-gas pass 17 before every copy/fill, the depth checker 12 at entry, one `return`
/// before the final `end` and 4 before every `return` (its own included), and, when memory can
/// grow, the heap bound 4 before every `memory.grow`.
pub fn instrumented_ops(
    ops: u64,
    blocks: u64,
    copies: u64,
    returns: u64,
    grows: u64,
    growable: bool,
) -> u64 {
    let bound = if growable { 4 * grows } else { 0 };
    ops + 12 * blocks + 17 * copies + 12 + 1 + 4 * (returns + 1) + bound
}

/// Exponential page-cost table `T[0..=128]` of Nitro's memory model (§4.4).
const MEMORY_EXPONENTS: [u64; 129] = [
    1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 11, 12, 14, 17, 19, 22, 25, 29, 33, 38,
    43, 50, 57, 65, 75, 85, 98, 112, 128, 147, 168, 193, 221, 253, 289, 331, 379, 434, 497, 569,
    651, 745, 853, 976, 1117, 1279, 1463, 1675, 1917, 2194, 2511, 2874, 3290, 3765, 4309, 4932,
    5645, 6461, 7395, 8464, 9687, 11087, 12689, 14523, 16621, 19024, 21773, 24919, 28521, 32642,
    37359, 42758, 48938, 56010, 64104, 73368, 83971, 96106, 109_994, 125_890, 144_082, 164_904,
    188_735, 216_010, 247_226, 282_953, 323_844, 370_643, 424_206, 485_509, 555_672, 635_973,
    727_880, 833_067, 953_456, 1_091_243, 1_248_941, 1_429_429, 1_636_000, 1_872_423, 2_143_012,
    2_452_704, 2_807_151, 3_212_820, 3_677_113, 4_208_502, 4_816_684, 5_512_756, 6_309_419,
    7_221_210, 8_264_766, 9_459_129, 10_826_093, 12_390_601, 14_181_199, 16_230_562, 18_576_084,
    21_260_563, 24_332_984, 27_849_408, 31_873_999,
];

/// Gas to open `new` pages when `open` pages are held and at most `ever` were held in this
/// transaction (N `arbos/programs/memory.go`). `u64::MAX` when the table is exceeded.
pub fn memory_gas(new: u32, open: u32, ever: u32) -> u64 {
    let new_open = open.saturating_add(new);
    let new_ever = ever.max(new_open);
    if new_ever <= u32::from(FREE_PAGES) {
        return 0;
    }
    let (Some(t_new), Some(t_old)) = (
        MEMORY_EXPONENTS.get(new_ever as usize),
        MEMORY_EXPONENTS.get(ever as usize),
    ) else {
        return u64::MAX;
    };
    let free = u32::from(FREE_PAGES);
    let linear = PAGE_GAS * u64::from(new_open.saturating_sub(free) - open.saturating_sub(free));
    linear.saturating_add(t_new - t_old)
}

/// Structural numbers of a module that Nitro's cost formulas use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModuleStats {
    /// Decompressed WASM length.
    pub wasm_len: u64,
    /// Locally defined functions.
    pub funcs: u64,
    /// Σ (params + results) over local functions.
    pub type_len: u64,
    /// Globals, including the 4 that Nitro's instrumentation adds.
    pub globals: u64,
    /// Encoded bytes of the data segments plus those of the element segments: each segment
    /// from its flags to its last byte (offset expression, length or count, payload or items),
    /// without the section header and segment count (docs/nitro.md §4.3, `cachedCost`).
    pub data_and_elem: u64,
    /// Data-segment payload bytes (compile gas counts the payload only).
    pub data_bytes: u64,
    /// Encoded bytes of the element segments (compile gas and the 4,096 limit count these).
    pub elem_bytes: u64,
    /// Initial memory pages (the program's footprint).
    pub footprint: u16,
    /// Operators in all function bodies *after* Nitro's instrumentation (§2.3 step 5).
    pub ops: u64,
}

impl ModuleStats {
    /// `cachedCost` (§4.3); `None` above u16::MAX, which fails activation as in Nitro ("cached
    /// cost too high").
    pub fn cached_cost(&self) -> Option<u16> {
        let cost = self.funcs * 13_420 / 100_000
            + self.type_len * 89 / 100_000
            + self.wasm_len * 122 / 100_000
            + self.globals * 1_628 / 1_000
            + self.data_and_elem * 75_244 / 100_000
            + u64::from(self.footprint) * 5;
        u16::try_from(cost).ok()
    }

    /// `initCost` for Stylus v ≥ 2 (§4.3); `None` above u16::MAX ("init cost too high").
    pub fn init_cost(&self) -> Option<u16> {
        let cost = self.funcs * 8_252 / 1_000
            + self.type_len * 1_059 / 1_000
            + self.wasm_len * 1_286 / 10_000;
        u16::try_from(cost).ok()
    }

    /// Activation compile gas (§2.3 step 5): 28 gas per µs unit
    /// ([`COMPILE_GAS_PER_MICRO`]), each term floored.
    pub fn compile_gas(&self) -> u64 {
        let micros = self.wasm_len * 31_733 / 100_000
            + self.funcs * 17_263 / 100_000
            + self.data_bytes * 17_376 / 100_000
            + self.elem_bytes * 17_376 / 100_000
            + u64::from(self.footprint) * 2_217
            + self.ops * 535 / 1_000;
        micros.saturating_mul(COMPILE_GAS_PER_MICRO)
    }

    /// Estimated native size in bytes (`asmEstimate`, §2.3 step 7).
    pub fn asm_estimate(&self) -> u64 {
        512_000
            + self.funcs * 996_829 / 1_000
            + self.type_len * 11_416 / 1_000
            + self.wasm_len * 62_628 / 10_000
    }
}

/// `initGas` of a program (§4.3).
pub fn init_gas(init_cost: u16) -> u64 {
    MIN_INIT_GAS_UNITS * 128 + (u64::from(init_cost) * INIT_COST_SCALAR * 2).div_ceil(100)
}

/// `cachedGas` of a program (§4.3).
pub fn cached_gas(cached_cost: u16) -> u64 {
    MIN_CACHED_INIT_GAS_UNITS * 32 + (u64::from(cached_cost) * CACHED_COST_SCALAR * 2).div_ceil(100)
}

/// Initial values of Nitro's activation data pricer (`data_pricer.go`).
pub mod data_pricer {
    /// Bytes per second the demand decays by.
    pub const BYTES_PER_SECOND: u64 = 34_865;
    /// Initial `lastUpdate`.
    pub const INITIAL_LAST_UPDATE: u64 = 1_421_388_000;
    /// Minimum price per byte in wei.
    pub const MIN_PRICE: u64 = 82_928_201;
    /// Inertia.
    pub const INERTIA: u64 = 21_360_419;
    const ONE_IN_BIPS: u128 = 10_000;

    /// `arbmath.ApproxExpBasisPoints(value, accuracy)` for non-negative `value` (in bips).
    fn approx_exp_bips(value: u128, accuracy: u128) -> u128 {
        let mut res = ONE_IN_BIPS + value / accuracy;
        let mut i = accuracy - 1;
        while i > 0 {
            res = ONE_IN_BIPS + res * value / (ONE_IN_BIPS * i);
            i -= 1;
        }
        res
    }

    /// The last update to price from, given the stored slot: zero is a slot never written,
    /// which stands for the `initialLastUpdateTime` Nitro writes at ArbOS init; any other
    /// value is used as stored, as Nitro reads its slot (docs/nitro.md §2.3).
    pub fn stored_last_update(stored: u64) -> u64 {
        match stored {
            0 => INITIAL_LAST_UPDATE,
            t => t,
        }
    }

    /// Updates `(demand, last_update)` for `bytes` of new program at `now`; returns the fee in
    /// wei and the new state.
    pub fn update(demand: u64, last_update: u64, bytes: u64, now: u64) -> (u128, u64, u64) {
        let elapsed = now.saturating_sub(last_update);
        let demand = demand
            .saturating_sub(BYTES_PER_SECOND.saturating_mul(elapsed))
            .saturating_add(bytes);
        let exponent = ONE_IN_BIPS * u128::from(demand) / u128::from(INERTIA);
        let multiplier = approx_exp_bips(exponent, 12);
        let cost_per_byte = u128::from(MIN_PRICE) * multiplier / ONE_IN_BIPS;
        (
            cost_per_byte * u128::from(bytes),
            demand,
            now.max(last_update),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_model_matches_nitro_check() {
        // 0 -> 128 pages in a fresh transaction ≈ 32 M gas (docs/nitro.md §4.4).
        assert_eq!(memory_gas(128, 0, 0), 126_000 + 31_873_998);
        assert_eq!(memory_gas(2, 0, 0), 0);
        assert_eq!(memory_gas(1, 2, 2), 1_000 + 1 - 1);
        assert_eq!(memory_gas(1, 128, 128), u64::MAX);
    }

    #[test]
    fn min_init_gas_matches_arbwasm_getter() {
        assert_eq!(MIN_INIT_GAS_UNITS * 128, 8_832);
        assert_eq!(MIN_CACHED_INIT_GAS_UNITS * 32, 352);
        assert_eq!(init_gas(0), 8_832);
        assert_eq!(cached_gas(0), 352);
    }

    #[test]
    fn hostio_prices() {
        assert_eq!(hostio::keccak_price(1024), 121_800 + 21_000 * 30);
        assert_eq!(hostio::read_price(32), 16_381);
        assert_eq!(hostio::write_price(64), 5_040 + 960);
        let mut exp = [0u8; 32];
        exp[31] = 2;
        assert_eq!(hostio::pow_price(&exp), 3_000 + 17_500 * 2);
        assert_eq!(hostio::pow_price(&[0u8; 32]), 3_000 + 17_500);
    }

    #[test]
    fn data_fee_is_positive_and_grows_with_demand() {
        let (fee1, demand, last) =
            data_pricer::update(0, data_pricer::INITIAL_LAST_UPDATE, 600_000, 1_700_000_000);
        assert!(fee1 > 0);
        let (fee2, _, _) = data_pricer::update(demand, last, 600_000, last);
        assert!(fee2 > fee1);
    }
}
