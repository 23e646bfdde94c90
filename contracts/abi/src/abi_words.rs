//! The contracts' one ABI encoder: errors, events and outgoing calls, word by word.
//!
//! An error or event whose fields are all static ABI types is a selector (or signature-hash
//! topic) followed by one 32-byte word per field. Encoding them through these few non-generic
//! functions instead of alloy's per-type generic code keeps each contract kilobytes smaller
//! under the 24 KiB code limit. Used by all seven contracts; their
//! `sol!` declarations stay the source of truth for selectors, topic hashes and the exported
//! ABI, and their tests compare every error with alloy's `SolError::abi_encode` and every event
//! through motsu's `assert_emitted` (which encodes the expected event with alloy).
//!
//! Dynamic arguments (`bytes`, `string`, arrays of static values) are [`Tail`]s of the same
//! encoder ([`encode`]), so one function serves all seven contracts: errors with a revert-data
//! tail, events with a URI or recipient arrays ([`emit_log`]) and calls with array arguments.

// Re-exported for `loggable!` and `word_errors!`, which expand in the contract crates.
#[doc(hidden)]
pub use alloc::vec;

#[doc(hidden)]
pub mod __private {
    pub use alloc::{format, vec::Vec};

    pub use alloy_sol_types;
    pub use stylus_sdk;
}
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

/// A dynamic argument (`bytes`, `string` or an array of static values): its head word at
/// index `at` of the head becomes the offset of its tail, `len ‖ data`, zero-padded to a
/// whole word.
#[derive(Clone, Copy)]
pub struct Tail<'a> {
    /// Index of the argument's (placeholder) word in the head.
    pub at: usize,
    /// The ABI length: bytes of a `bytes`/`string`, elements of an array.
    pub len: usize,
    /// The tail's content.
    pub data: &'a [u8],
}

impl<'a> Tail<'a> {
    /// A `bytes` or `string` argument at head index `at`.
    #[inline]
    #[must_use]
    pub fn bytes(at: usize, data: &'a [u8]) -> Self {
        Self {
            at,
            len: data.len(),
            data,
        }
    }

    /// An array of static values (`uint256[]`, `address[]`, …) at head index `at`.
    #[inline]
    #[must_use]
    pub fn words(at: usize, words: &'a [[u8; 32]]) -> Self {
        Self {
            at,
            len: words.len(),
            data: words.as_flattened(),
        }
    }
}

/// `prefix ‖ abi.encode(args)`: the one ABI encoder of the contracts, for revert data (prefix:
/// the error's selector), calldata (the function's selector) and logs (prefix: the topics).
///
/// `head` holds one word per argument: the value of a static argument, a placeholder (any
/// value) for a dynamic one, which `tails` describe in argument order.
#[inline(never)]
#[must_use]
pub fn encode(prefix: &[u8], head: &[[u8; 32]], tails: &[Tail<'_>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(prefix.len() + 32 * (head.len() + 2 * tails.len()));
    out.extend_from_slice(prefix);
    out.extend_from_slice(head.as_flattened());
    let base = prefix.len();
    for tail in tails {
        let offset = small_word((out.len() - base) as u64);
        // A placeholder outside the head would be a bug in the caller's declaration; the tail
        // is still appended, so the output is visibly wrong rather than silently shorter.
        if let Some(word) = out.get_mut(base + 32 * tail.at..base + 32 * tail.at + 32) {
            word.copy_from_slice(&offset);
        }
        out.extend_from_slice(&small_word(tail.len as u64));
        out.extend_from_slice(tail.data);
        out.resize(out.len() + (32 - tail.data.len() % 32) % 32, 0);
    }
    out
}

/// `selector ‖ words`: calldata (or revert data) whose arguments are all static.
#[inline]
#[must_use]
pub fn call_data(selector: [u8; 4], words: &[[u8; 32]]) -> Vec<u8> {
    encode(&selector, words, &[])
}

/// Emits a log: `topic0`, then the first `indexed` words as topics and the rest as data (an
/// event whose fields are all static).
///
/// Inlined so the `dyn Host` call is devirtualised at each call site: an out-of-line call makes
/// the compiler keep the host's whole vtable (measured: +5.6 KB of WASM in `usage_escrow`).
#[inline]
pub fn emit_words(vm: &dyn Host, topic0: B256, indexed: usize, words: &[[u8; 32]]) {
    vm.emit_log(&encode(topic0.as_slice(), words, &[]), 1 + indexed);
}

/// Emits a log with `topics` (the first is the event's signature hash) and data
/// `abi.encode(head, tails)` (an event with dynamic fields).
#[inline]
pub fn emit_log(vm: &dyn Host, topics: &[[u8; 32]], head: &[[u8; 32]], tails: &[Tail<'_>]) {
    let log = encode(topics.as_flattened(), head, tails);
    // Data offsets count from the end of the topics: `encode` takes them as the prefix.
    vm.emit_log(&log, topics.len());
}

/// An event whose fields are all static, encodable as words; implemented with
/// [`loggable!`](crate::loggable).
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

/// Declares a contract's flat error enum, one variant per Solidity error whose fields are static
/// words plus at most one trailing `bytes`/`string` (`tail field`), with:
/// - `From` each error type, and `MethodError` (the enum is what `#[public]` functions return);
/// - the revert data: word by word through [`encode`] in contract builds, alloy's
///   `SolError::abi_encode` under the invoking crate's `export-abi` feature;
/// - under `export-abi`, the list of errors (and of `extra_inner_types`, `(declaration, Type)`
///   pairs) for the exported Solidity interface, as `#[derive(SolidityError)]` would.
///
/// - `VARIANTS` (name and selector of each variant) and, in the invoking crate's tests,
///   `assert_encodes_like_alloy(samples)`, which fails unless every variant has a sample and each
///   sample encodes as alloy's `abi_encode`.
///
/// ```
/// use alloy_primitives::Address;
/// use alloy_sol_types::{sol, SolError};
///
/// sol! {
///     #[derive(Debug)]
///     error ZeroAmount();
///     #[derive(Debug)]
///     error ExternalCallFailed(address target, bytes reason);
/// }
/// tributary_abi::word_errors! {
///     /// Errors of the example.
///     pub enum Error {
///         /// See [`ZeroAmount`].
///         ZeroAmount(ZeroAmount) [],
///         /// See [`ExternalCallFailed`].
///         ExternalCallFailed(ExternalCallFailed) [target] tail reason,
///     }
/// }
///
/// let failed = ExternalCallFailed {
///     target: Address::repeat_byte(1),
///     reason: vec![7; 33].into(),
/// };
/// let bytes: Vec<u8> = Error::from(failed.clone()).into();
/// assert_eq!(bytes, failed.abi_encode());
/// let bytes: Vec<u8> = Error::from(ZeroAmount {}).into();
/// assert_eq!(bytes, ZeroAmount {}.abi_encode());
/// ```
#[macro_export]
macro_rules! word_errors {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$doc:meta])* $variant:ident($ty:ty) [$($field:ident),*] $(tail $tail:ident)?,)*
        }
        $(extra_inner_types: [$(($extra_name:expr, $extra_ty:ty)),* $(,)?])?
    ) => {
        $(#[$meta])*
        #[derive(Debug)]
        $vis enum $name {
            $($(#[$doc])* $variant($ty),)*
        }

        $(impl ::core::convert::From<$ty> for $name {
            fn from(e: $ty) -> Self {
                Self::$variant(e)
            }
        })*

        impl $name {
            /// Every variant's name and selector, in declaration order.
            pub const VARIANTS: &'static [(&'static str, [u8; 4])] = &[$((
                stringify!($variant),
                <$ty as $crate::abi_words::__private::alloy_sol_types::SolError>::SELECTOR,
            )),*];
        }

        #[cfg(test)]
        impl $name {
            /// Asserts that `samples` hold a value of every variant (so a new variant without a
            /// sample fails) and that each encodes exactly as alloy's `abi_encode` does.
            pub fn assert_encodes_like_alloy(samples: $crate::abi_words::__private::Vec<Self>) {
                use $crate::abi_words::__private::alloy_sol_types::SolError as _;
                let mut seen = $crate::abi_words::__private::Vec::new();
                for sample in samples {
                    let (name, alloy) = match &sample {
                        $($name::$variant(e) => (stringify!($variant), e.abi_encode()),)*
                    };
                    let ours: $crate::abi_words::__private::Vec<u8> = sample.into();
                    assert_eq!(ours, alloy, "{name} encodes unlike alloy");
                    seen.push(name);
                }
                for (name, _) in Self::VARIANTS {
                    assert!(seen.contains(name), "no sample of {name}");
                }
            }
        }

        impl $crate::abi_words::__private::stylus_sdk::call::MethodError for $name {
            fn encode(self) -> $crate::abi_words::__private::Vec<u8> {
                self.into()
            }
        }

        #[cfg(not(feature = "export-abi"))]
        impl ::core::convert::From<$name> for $crate::abi_words::__private::Vec<u8> {
            fn from(e: $name) -> Self {
                use $crate::abi_words::Word as _;
                match e {
                    $($name::$variant(_e) => $crate::abi_words::encode(
                        &<$ty as $crate::abi_words::__private::alloy_sol_types::SolError>::SELECTOR,
                        &[$(_e.$field.word(),)* $($crate::word_errors!(@placeholder $tail))?],
                        &$crate::word_errors!(@tail _e [$($field),*] $($tail)?),
                    ),)*
                }
            }
        }

        #[cfg(feature = "export-abi")]
        impl ::core::convert::From<$name> for $crate::abi_words::__private::Vec<u8> {
            fn from(e: $name) -> Self {
                match e {
                    $($name::$variant(e) =>
                        $crate::abi_words::__private::alloy_sol_types::SolError::abi_encode(&e),)*
                }
            }
        }

        #[cfg(feature = "export-abi")]
        impl $crate::abi_words::__private::stylus_sdk::abi::export::internal::InnerTypes for $name {
            fn inner_types(
            ) -> $crate::abi_words::__private::Vec<
                $crate::abi_words::__private::stylus_sdk::abi::export::internal::InnerType,
            > {
                use $crate::abi_words::__private::{
                    alloy_sol_types::SolError,
                    stylus_sdk::abi::export::internal::InnerType,
                };
                let mut types = $crate::abi_words::__private::Vec::new();
                $($(types.push(InnerType {
                    name: $extra_name,
                    id: ::core::any::TypeId::of::<$extra_ty>(),
                });)*)?
                $(types.push(InnerType {
                    name: $crate::abi_words::__private::format!(
                        "error {};",
                        <$ty as SolError>::SIGNATURE.replace(',', ", ")
                    ),
                    id: ::core::any::TypeId::of::<$ty>(),
                });)*
                types
            }
        }
    };
    (@one $field:ident) => {
        1usize
    };
    (@placeholder $tail:ident) => {
        [0u8; 32]
    };
    (@tail $e:ident [$($field:ident),*]) => {
        []
    };
    (@tail $e:ident [$($field:ident),*] $tail:ident) => {
        [$crate::abi_words::Tail::bytes(
            0usize $(+ $crate::word_errors!(@one $field))*,
            ::core::convert::AsRef::<[u8]>::as_ref(&$e.$tail),
        )]
    };
}

#[cfg(test)]
mod tests {
    use alloc::{vec, vec::Vec};

    use alloy_primitives::{Address, Bytes, U256};
    use alloy_sol_types::SolValue;

    use super::*;

    fn words<T: Word>(values: &[T]) -> Vec<[u8; 32]> {
        values.iter().map(Word::word).collect()
    }

    #[test]
    fn dynamic_arguments_in_any_position_encode_like_alloy() {
        let recipients = vec![Address::repeat_byte(1), Address::repeat_byte(2)];
        let shares = vec![U256::from(7), U256::MAX];
        let controller = Address::repeat_byte(9);
        // `createSplit(address[], uint256[], address)`: arrays before a static argument.
        let (r, s) = (words(&recipients), words(&shares));
        let ours = encode(
            &[0xde, 0xad, 0xbe, 0xef],
            &[[0; 32], [0; 32], controller.word()],
            &[Tail::words(0, &r), Tail::words(1, &s)],
        );
        let alloy = (recipients.clone(), shares.clone(), controller).abi_encode_params();
        assert_eq!(ours[..4], [0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(ours[4..], alloy[..]);
        // Bytes of every padding class between two static words, and an empty array.
        for len in [0usize, 1, 31, 32, 33, 64, 65] {
            let data: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
            let none: [[u8; 32]; 0] = [];
            let ours = encode(
                &[],
                &[U256::from(len).word(), [0; 32], [0; 32], true.word()],
                &[Tail::bytes(1, &data), Tail::words(2, &none)],
            );
            let alloy =
                (U256::from(len), Bytes::from(data), Vec::<U256>::new(), true).abi_encode_params();
            assert_eq!(ours, alloy, "{len} bytes");
        }
    }

    #[test]
    fn a_log_keeps_its_topics_out_of_the_data_offsets() {
        let topics = [[1u8; 32], [2u8; 32]];
        let uri = b"ipfs://a-uri-longer-than-one-word-of-thirty-two-bytes";
        let log = encode(
            topics.as_flattened(),
            &[U256::from(5).word(), [0; 32]],
            &[Tail::bytes(1, uri)],
        );
        assert_eq!(log[..64], *topics.as_flattened());
        assert_eq!(
            log[64..],
            (U256::from(5), Bytes::from(uri.to_vec())).abi_encode_params()[..]
        );
    }
}
