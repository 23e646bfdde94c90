//! Word-by-word ABI encoding of errors, events and outgoing calls whose arguments are static.
//!
//! An error or event whose fields are all static ABI types is a selector (or signature-hash
//! topic) followed by one 32-byte word per field, plus, for an error that carries revert data,
//! one trailing `bytes`/`string`. Encoding them through these few non-generic functions instead
//! of alloy's per-type generic code keeps each contract kilobytes smaller under the 24 KiB code
//! limit. Used by `license_nft`, `license_offers`, `usage_anchor` and `usage_escrow`; their
//! `sol!` declarations stay the source of truth for selectors, topic hashes and the exported
//! ABI, and their tests compare every error with alloy's `SolError::abi_encode` and every event
//! through motsu's `assert_emitted` (which encodes the expected event with alloy).
//!
//! [`crate::compact_abi`] is the variant for contracts whose events also carry arrays.

// Re-exported for `loggable!`, which expands in the contract crates.
#[doc(hidden)]
pub use alloc::vec;
use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolEvent;
use stylus_sdk::prelude::Host;

/// A value that ABI-encodes as one 32-byte word.
pub trait Word {
    /// The value's ABI word.
    fn word(&self) -> [u8; 32];
}

impl Word for Address {
    #[inline]
    fn word(&self) -> [u8; 32] {
        self.into_word().0
    }
}

impl Word for U256 {
    #[inline]
    fn word(&self) -> [u8; 32] {
        self.to_be_bytes()
    }
}

impl Word for B256 {
    #[inline]
    fn word(&self) -> [u8; 32] {
        self.0
    }
}

/// The ABI word of an unsigned integer of at most 64 bits (one shared copy of the code).
#[inline]
#[must_use]
pub fn small_word(value: u64) -> [u8; 32] {
    let mut word = [0u8; 32];
    word[24..].copy_from_slice(&value.to_be_bytes());
    word
}

macro_rules! small_uint_word {
    ($($ty:ty),*) => {$(
        impl Word for $ty {
            #[inline]
            fn word(&self) -> [u8; 32] {
                small_word(u64::from(*self))
            }
        }
    )*};
}
small_uint_word!(bool, u8, u16, u32, u64);

/// `selector ‖ words [‖ offset ‖ length ‖ padded tail]`: the revert data of a custom error (or
/// the calldata of a call) whose arguments are static words, optionally followed by one
/// `bytes`/`string` argument.
#[inline(never)]
#[must_use]
pub fn encode_error(selector: [u8; 4], words: &[[u8; 32]], tail: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 32 * (words.len() + 2));
    out.extend_from_slice(&selector);
    for word in words {
        out.extend_from_slice(word);
    }
    if let Some(tail) = tail {
        out.extend_from_slice(&small_word(32 * (words.len() as u64 + 1)));
        out.extend_from_slice(&small_word(tail.len() as u64));
        out.extend_from_slice(tail);
        out.resize(out.len() + (32 - tail.len() % 32) % 32, 0);
    }
    out
}

/// `selector ‖ words`: [`encode_error`] without a dynamic tail.
#[must_use]
pub fn selector_and_words(selector: [u8; 4], words: &[[u8; 32]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 32 * words.len());
    out.extend_from_slice(&selector);
    for word in words {
        out.extend_from_slice(word);
    }
    out
}

/// Emits a log: `topic0`, then the first `indexed` words as topics and the rest as data.
///
/// Inlined so the `dyn Host` call is devirtualised at each call site: an out-of-line call makes
/// the compiler keep the host's whole vtable (measured: +5.6 KB of WASM in `usage_escrow`).
#[inline]
pub fn emit_words(vm: &dyn Host, topic0: B256, indexed: usize, words: &[[u8; 32]]) {
    vm.emit_log(&concat_words(topic0, words), 1 + indexed);
}

/// `topic0 ‖ words`, one shared copy of the loop.
fn concat_words(topic0: B256, words: &[[u8; 32]]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(32 * (1 + words.len()));
    bytes.extend_from_slice(topic0.as_slice());
    for word in words {
        bytes.extend_from_slice(word);
    }
    bytes
}

/// An event whose fields are all static, encodable as words; implemented with [`loggable!`].
pub trait Loggable: SolEvent {
    /// How many of [`Loggable::words`] are indexed topics (they come first).
    const INDEXED: usize;
    /// The indexed fields, then the data fields, in declaration order.
    fn words(&self) -> Vec<[u8; 32]>;
}

/// Emits `event` (same log as alloy's encoding of it).
#[inline]
pub fn emit<E: Loggable>(vm: &dyn Host, event: &E) {
    emit_words(vm, E::SIGNATURE_HASH, E::INDEXED, &event.words());
}

/// Implements [`Loggable`] for `sol!` events, naming the indexed fields and then the data
/// fields in declaration order:
///
/// ```
/// use alloy_primitives::U256;
/// use alloy_sol_types::sol;
/// use tributary_abi::{
///     abi_words::{small_word, Loggable},
///     loggable,
/// };
///
/// sol! {
///     event DebtSet(uint256 indexed tokenId, bool inDebt);
/// }
/// loggable! {
///     DebtSet { indexed: [tokenId], data: [inDebt] }
/// }
///
/// let event = DebtSet {
///     tokenId: U256::from(7),
///     inDebt: true,
/// };
/// assert_eq!(DebtSet::INDEXED, 1);
/// assert_eq!(
///     event.words(),
///     vec![U256::from(7).to_be_bytes(), small_word(1)]
/// );
/// ```
#[macro_export]
macro_rules! loggable {
    ($($event:ident { indexed: [$($topic:ident),*], data: [$($field:ident),*] })*) => {$(
        impl $crate::abi_words::Loggable for $event {
            const INDEXED: usize = [$(stringify!($topic)),*].len();
            fn words(&self) -> $crate::abi_words::vec::Vec<[u8; 32]> {
                use $crate::abi_words::Word as _;
                $crate::abi_words::vec![$(self.$topic.word(),)* $(self.$field.word(),)*]
            }
        }
    )*};
}
