//! Compact ABI encoding of a contract's errors, events and outgoing calls.
//!
//! When every error, event and call argument of a contract is one 32-byte word, a trailing
//! `string`/`bytes`, or a word array, one non-generic encoder ([`encode`]) serves them all
//! instead of one generic `alloy-sol-types` encoder per type (kilobytes of WASM under the 24 KiB
//! code limit). Used by `attribution_registry` and `revenue_router`. Each contract's `sol!`
//! declarations stay the source of truth for selectors, topic hashes and the exported ABI; its
//! tests compare every error with `alloy-sol-types`' `abi_encode` and every event through
//! motsu's `assert_emitted` (which encodes the expected event with alloy).

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::Host;

/// One ABI argument.
pub enum Arg<'a> {
    /// A static value (`uint`, `address`, `bytes32`, `bool`).
    Word(B256),
    /// A dynamic array of static values (`uint256[]`, `address[]`).
    Words(&'a [B256]),
    /// A dynamic byte string (`string`, `bytes`).
    Bytes(&'a [u8]),
}

/// An ABI word holding `value`.
#[inline]
pub fn uint(value: U256) -> B256 {
    B256::from(value)
}

/// An ABI word holding a small unsigned integer.
#[inline]
pub fn small(value: u64) -> B256 {
    uint(U256::from(value))
}

/// An ABI word holding `address` (left-padded).
#[inline]
pub fn address(address: Address) -> B256 {
    address.into_word()
}

/// `prefix ++ abi.encode(args)`: a selector (or nothing) followed by the head words and the tails
/// of the dynamic arguments.
pub fn encode(prefix: &[u8], args: &[Arg<'_>]) -> Vec<u8> {
    let mut head = Vec::with_capacity(prefix.len() + 32 * args.len());
    head.extend_from_slice(prefix);
    let mut tail = Vec::new();
    for arg in args {
        let word = match arg {
            Arg::Word(word) => *word,
            Arg::Words(words) => {
                let offset = small((32 * args.len() + tail.len()) as u64);
                tail.extend_from_slice(small(words.len() as u64).as_slice());
                for word in *words {
                    tail.extend_from_slice(word.as_slice());
                }
                offset
            }
            Arg::Bytes(bytes) => {
                let offset = small((32 * args.len() + tail.len()) as u64);
                tail.extend_from_slice(small(bytes.len() as u64).as_slice());
                tail.extend_from_slice(bytes);
                // Zero-pad to a whole word.
                tail.resize(tail.len() + (32 - bytes.len() % 32) % 32, 0);
                offset
            }
        };
        head.extend_from_slice(word.as_slice());
    }
    head.extend_from_slice(&tail);
    head
}

/// Emits a log: `topics` (the first is the event's signature hash), then `data` ABI-encoded.
#[inline]
pub fn emit(vm: &dyn Host, topics: &[B256], data: &[Arg<'_>]) {
    let mut bytes = Vec::with_capacity(32 * (topics.len() + data.len()));
    for topic in topics {
        bytes.extend_from_slice(topic.as_slice());
    }
    bytes.extend_from_slice(&encode(&[], data));
    vm.emit_log(&bytes, topics.len());
}

/// The first four bytes of `keccak256(signature)`, at compile time.
pub const fn selector(signature: &str) -> [u8; 4] {
    let hash = stylus_sdk::keccak_const::Keccak256::new()
        .update(signature.as_bytes())
        .finalize();
    [hash[0], hash[1], hash[2], hash[3]]
}
