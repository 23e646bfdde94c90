//! Compact ABI encoding of this contract's errors and events.
//!
//! Every error and event here has only static fields, so its ABI encoding is a selector (or
//! topics) followed by one 32-byte word per field. Encoding them through one non-generic
//! function instead of alloy's per-type generic code saves several kilobytes of WASM (the
//! 24 KiB code limit is the budget). `tests::abi_words` checks every error against alloy's
//! `SolError::abi_encode`, and the event tests assert motsu-decoded events field by field.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::Host;

/// A value that ABI-encodes as one 32-byte word.
pub(crate) trait Word {
    /// The value's ABI word.
    fn word(&self) -> [u8; 32];
}

/// The ABI word of an unsigned integer of at most 64 bits (one shared copy of the code).
#[inline(never)]
pub(crate) fn small_word(value: u64) -> [u8; 32] {
    let mut word = [0u8; 32];
    word[24..].copy_from_slice(&value.to_be_bytes());
    word
}

/// The ABI word of a `uint256`.
pub(crate) fn uint_word(value: &U256) -> [u8; 32] {
    value.to_be_bytes()
}

impl Word for Address {
    fn word(&self) -> [u8; 32] {
        let mut word = [0u8; 32];
        word[12..].copy_from_slice(self.as_slice());
        word
    }
}

impl Word for U256 {
    fn word(&self) -> [u8; 32] {
        uint_word(self)
    }
}

impl Word for B256 {
    fn word(&self) -> [u8; 32] {
        self.0
    }
}

impl Word for bool {
    fn word(&self) -> [u8; 32] {
        small_word(u64::from(*self))
    }
}

macro_rules! small_uint_word {
    ($($ty:ty),*) => {$(
        impl Word for $ty {
            fn word(&self) -> [u8; 32] {
                small_word(u64::from(*self))
            }
        }
    )*};
}
small_uint_word!(u8, u32, u64);

/// `selector ‖ words`: the revert data of a custom error with static fields.
#[cfg_attr(feature = "export-abi", allow(dead_code))] // export-abi uses the derive instead
pub(crate) fn encode_error(selector: [u8; 4], words: &[[u8; 32]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 32 * words.len());
    out.extend_from_slice(&selector);
    for word in words {
        out.extend_from_slice(word);
    }
    out
}

/// Emits a log: `topic0`, then the first `indexed` words as topics and the rest as data.
pub(crate) fn emit_words(vm: &dyn Host, topic0: B256, indexed: usize, words: &[[u8; 32]]) {
    let mut bytes = Vec::with_capacity(32 * (1 + words.len()));
    bytes.extend_from_slice(topic0.as_slice());
    for word in words {
        bytes.extend_from_slice(word);
    }
    vm.emit_log(&bytes, 1 + indexed);
}
