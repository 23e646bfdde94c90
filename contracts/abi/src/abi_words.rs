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
#[inline]
#[must_use]
pub fn selector_and_words(selector: [u8; 4], words: &[[u8; 32]]) -> Vec<u8> {
    encode_error(selector, words, None)
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

/// Declares a contract's flat error enum, one variant per Solidity error whose fields are static
/// words plus at most one trailing `bytes`/`string` (`tail field`), with:
/// - `From` each error type, and `MethodError` (the enum is what `#[public]` functions return);
/// - the revert data: word by word through [`encode_error`] in contract builds, alloy's
///   `SolError::abi_encode` under the invoking crate's `export-abi` feature;
/// - under `export-abi`, the list of errors (and of `extra_inner_types`, `(declaration, Type)`
///   pairs) for the exported Solidity interface, as `#[derive(SolidityError)]` would.
///
/// The contracts' tests compare every variant's bytes with alloy's `abi_encode`.
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
                    $($name::$variant(_e) => $crate::abi_words::encode_error(
                        <$ty as $crate::abi_words::__private::alloy_sol_types::SolError>::SELECTOR,
                        &[$(_e.$field.word()),*],
                        $crate::word_errors!(@tail _e $($tail)?),
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
    (@tail $e:ident) => {
        ::core::option::Option::None
    };
    (@tail $e:ident $tail:ident) => {
        ::core::option::Option::Some(::core::convert::AsRef::<[u8]>::as_ref(&$e.$tail))
    };
}
