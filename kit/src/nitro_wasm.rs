//! Turns a cargo-built contract into WASM that an Arbitrum Nitro node accepts, checks it the way
//! Nitro's activation on a production chain does, and compresses it into deployable Stylus code.
//!
//! Raw rustc output uses an overlong (5-byte) table index in `call_indirect`, which is only
//! legal with the reference-types proposal that Nitro disables ("zero byte expected"). A round
//! trip through the text format re-encodes it canonically, as cargo-stylus does before deploy.
//!
//! The activation rules themselves live in one place, the devnode's `wasm` module: the build
//! applies them for [`ChainRules::PRODUCTION`] (no debug `console` imports, no multi-value), the
//! devnode for its own debug chain.

use std::fmt;

pub use tributary_devnode::{
    pricing::MAX_CODE_SIZE,
    wasm::{decode_code, ChainRules, STYLUS_PREFIX},
};
use tributary_devnode::{wasm, ProgramError};

/// Why a module would not be activated by Nitro, or would not fit on chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WasmError {
    /// The text-format round trip failed.
    RoundTrip(String),
    /// Nitro's activation on a production chain would refuse it (validation under Nitro's
    /// feature set, a structural rule, `MaxWasmSize` or a stack frame).
    Activation(ProgramError),
    /// Prefix + compressed module exceed the code-size limit.
    OverLimit {
        /// Code size (prefix + brotli) in bytes.
        code_size: usize,
    },
}

impl fmt::Display for WasmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RoundTrip(e) => write!(f, "wasm -> wat -> wasm round trip failed: {e}"),
            Self::Activation(e) => write!(f, "{e}"),
            Self::OverLimit { code_size } => write!(
                f,
                "code is {code_size} bytes (prefix + brotli), over the {MAX_CODE_SIZE}-byte limit \
                 by {}",
                code_size - MAX_CODE_SIZE
            ),
        }
    }
}

impl std::error::Error for WasmError {}

/// A contract ready to deploy.
#[derive(Debug, Clone)]
pub struct StylusProgram {
    /// The canonical WASM after the round trip.
    pub wasm: Vec<u8>,
    /// The on-chain code: [`STYLUS_PREFIX`] followed by the brotli stream of `wasm` (quality 11,
    /// window 22, no dictionary).
    pub code: Vec<u8>,
}

impl StylusProgram {
    /// The brotli stream alone, without the prefix.
    pub fn compressed(&self) -> &[u8] {
        &self.code[STYLUS_PREFIX.len()..]
    }
}

/// Re-encodes `wasm` through the text format.
pub fn round_trip(wasm: &[u8]) -> Result<Vec<u8>, WasmError> {
    let text = wasmprinter::print_bytes(wasm).map_err(|e| WasmError::RoundTrip(e.to_string()))?;
    wat::parse_str(&text).map_err(|e| WasmError::RoundTrip(e.to_string()))
}

/// Round-trips, checks and compresses a cargo-built contract.
pub fn prepare(raw: &[u8]) -> Result<StylusProgram, WasmError> {
    let wasm = round_trip(raw)?;
    check_activation(&wasm)?;
    let program = StylusProgram {
        code: wasm::compress_to_code(&wasm),
        wasm,
    };
    if program.code.len() > MAX_CODE_SIZE {
        return Err(WasmError::OverLimit {
            code_size: program.code.len(),
        });
    }
    Ok(program)
}

/// Checks `wasm` as activation on a production chain would: the devnode's validation for
/// [`ChainRules::PRODUCTION`], then its instrumentation, whose depth checker measures the stack
/// frames on the ink-metered code (docs/nitro.md §1.3).
pub fn check_activation(wasm: &[u8]) -> Result<(), WasmError> {
    let analysis =
        wasm::analyze_for(wasm, ChainRules::PRODUCTION).map_err(WasmError::Activation)?;
    wasm::instrument(wasm, &analysis).map_err(WasmError::Activation)?;
    Ok(())
}
