//! Compact ABI encoding of the splitter's errors and events.
//!
//! Every error and event argument of the splitter is a static ABI type (`uint`, `address`,
//! `bytes32`) except the two arrays of `SplitRecipientsSet`, so each encodes as 32-byte words.
//! Encoding them through one word-based function instead of one generic `alloy-sol-types`
//! encoder per type keeps the WASM several kilobytes smaller. The `sol!` declarations in
//! [`crate::errors`] and [`crate::events`] stay the source of truth for selectors, topic hashes
//! and the exported ABI, and the tests compare every emitted event and returned error with
//! `alloy-sol-types`' own encoding.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::Host;

/// An ABI word holding `value`.
pub fn uint(value: U256) -> B256 {
    B256::from(value)
}

/// An ABI word holding a small unsigned integer.
pub fn small(value: u32) -> B256 {
    uint(U256::from(value))
}

/// An ABI word holding `address` (left-padded).
pub fn address(address: Address) -> B256 {
    address.into_word()
}

/// `selector ++ words`: the revert data of a custom error with static arguments.
pub fn error(selector: [u8; 4], words: &[B256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 32 * words.len());
    out.extend_from_slice(&selector);
    for word in words {
        out.extend_from_slice(word.as_slice());
    }
    out
}

/// Emits a log with `topics` (the first is the event's signature hash) and `data` words.
pub fn emit(vm: &dyn Host, topics: &[B256], data: &[B256]) {
    let mut bytes = Vec::with_capacity(32 * (topics.len() + data.len()));
    for word in topics.iter().chain(data) {
        bytes.extend_from_slice(word.as_slice());
    }
    vm.emit_log(&bytes, topics.len());
}

/// The data words of `(address[] recipients, uint256[] shares)` (equal lengths).
pub fn recipients_and_shares(recipients: &[Address], shares: &[U256]) -> Vec<B256> {
    let n = recipients.len();
    let mut words = Vec::with_capacity(4 + 2 * n);
    // Head: the two offsets; tail: each array as its length followed by its elements.
    words.push(small(0x40));
    words.push(uint(U256::from(0x60 + 32 * n)));
    words.push(uint(U256::from(n)));
    words.extend(recipients.iter().map(|r| address(*r)));
    words.push(uint(U256::from(shares.len())));
    words.extend(shares.iter().map(|s| uint(*s)));
    words
}
