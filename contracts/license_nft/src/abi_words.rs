//! Compact ABI encoding of this contract's errors and events.
//!
//! Each error and event is a selector (or signature-hash topic) followed by 32-byte words, plus,
//! for an error that carries revert data (`InvalidReceiverWithReason`), one trailing dynamic
//! `bytes`/`string`. Encoding them through these few non-generic functions
//! instead of alloy's per-type generic code keeps the WASM kilobytes smaller (the 24 KiB code
//! limit is the budget). The tests compare every error's bytes with alloy's
//! `SolError::abi_encode` and assert every event decoded by motsu.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::Host;

/// A value that ABI-encodes as one 32-byte word.
pub(crate) trait Word {
    /// The value's ABI word.
    fn word(&self) -> [u8; 32];
}

impl Word for Address {
    fn word(&self) -> [u8; 32] {
        self.into_word().0
    }
}

impl Word for U256 {
    fn word(&self) -> [u8; 32] {
        self.to_be_bytes()
    }
}

impl Word for B256 {
    fn word(&self) -> [u8; 32] {
        self.0
    }
}

impl Word for bool {
    fn word(&self) -> [u8; 32] {
        u64::from(*self).word()
    }
}

impl Word for u64 {
    fn word(&self) -> [u8; 32] {
        let mut word = [0u8; 32];
        word[24..].copy_from_slice(&self.to_be_bytes());
        word
    }
}

macro_rules! small_uint_word {
    ($($ty:ty),*) => {$(
        impl Word for $ty {
            fn word(&self) -> [u8; 32] {
                u64::from(*self).word()
            }
        }
    )*};
}
small_uint_word!(u8, u16, u32);

/// `selector ‖ words [‖ offset ‖ length ‖ padded tail]`: the revert data of a custom error whose
/// arguments are static words, optionally followed by one `bytes`/`string` argument.
#[cfg_attr(feature = "export-abi", allow(dead_code))] // export-abi uses the derive instead
#[inline(never)]
pub(crate) fn encode_error(selector: [u8; 4], words: &[[u8; 32]], tail: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 32 * (words.len() + 2));
    out.extend_from_slice(&selector);
    for word in words {
        out.extend_from_slice(word);
    }
    if let Some(tail) = tail {
        out.extend_from_slice(&(32 * (words.len() as u64 + 1)).word());
        out.extend_from_slice(&(tail.len() as u64).word());
        out.extend_from_slice(tail);
        out.resize(out.len() + (32 - tail.len() % 32) % 32, 0);
    }
    out
}

/// Emits a log: `topic0`, then the first `indexed` words as topics and the rest as data.
#[inline(never)]
pub(crate) fn emit_words(vm: &dyn Host, topic0: B256, indexed: usize, words: &[[u8; 32]]) {
    let mut bytes = Vec::with_capacity(32 * (1 + words.len()));
    bytes.extend_from_slice(topic0.as_slice());
    for word in words {
        bytes.extend_from_slice(word);
    }
    vm.emit_log(&bytes, 1 + indexed);
}
