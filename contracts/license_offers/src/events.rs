//! Events of the offers contract, emitted word by word through
//! [`crate::abi_words::emit_words`] (every field is static).
#![allow(missing_docs)] // `sol!` generates the fields; each event carries its doc comment.

use alloc::{vec, vec::Vec};

use alloy_sol_types::{sol, SolEvent};
use stylus_sdk::prelude::Host;

use crate::abi_words::{emit_words, Word};

sol! {
    /// A dataset owner published offer `offerId`; its price goes to split `splitId`, resale
    /// royalties to `royaltyReceiver`; `termsHash` binds the off-chain terms document.
    #[derive(Debug, PartialEq, Eq)]
    event OfferCreated(
        uint256 indexed offerId,
        uint256 indexed datasetId,
        address indexed creator,
        uint256 splitId,
        address royaltyReceiver,
        bytes32 termsHash
    );
    /// The offer's price or max supply changed (they only affect future mints).
    #[derive(Debug, PartialEq, Eq)]
    event OfferUpdated(uint256 indexed offerId, uint256 price, uint32 maxSupply);
    /// The offer was paused (`paused`) or unpaused.
    #[derive(Debug, PartialEq, Eq)]
    event OfferPaused(uint256 indexed offerId, bool paused);
    /// The offer was retired for good; its licenses keep their terms.
    #[derive(Debug, PartialEq, Eq)]
    event OfferRetired(uint256 indexed offerId);
    /// License `tokenId` (on the `LicenseNft` contract) of offer `offerId` was issued to
    /// `licensee`, paid by `payer`; `expiresAt` is 0 for a perpetual license.
    #[derive(Debug, PartialEq, Eq)]
    event LicenseIssued(
        uint256 indexed tokenId,
        uint256 indexed offerId,
        address indexed licensee,
        address payer,
        uint256 price,
        uint64 expiresAt
    );
}

/// An event of this contract, encodable as words.
pub(crate) trait Loggable: SolEvent {
    /// How many of [`Loggable::words`] are indexed topics (they come first).
    const INDEXED: usize;
    /// The indexed fields, then the data fields, in declaration order.
    fn words(&self) -> Vec<[u8; 32]>;
}

/// Emits `event`.
pub(crate) fn emit<E: Loggable>(vm: &dyn Host, event: &E) {
    emit_words(vm, E::SIGNATURE_HASH, E::INDEXED, &event.words());
}

macro_rules! loggable {
    ($($event:ident { indexed: [$($topic:ident),*], data: [$($field:ident),*] })*) => {$(
        impl Loggable for $event {
            const INDEXED: usize = [$(stringify!($topic)),*].len();
            fn words(&self) -> Vec<[u8; 32]> {
                vec![$(self.$topic.word(),)* $(self.$field.word(),)*]
            }
        }
    )*};
}

loggable! {
    OfferCreated { indexed: [offerId, datasetId, creator], data: [splitId, royaltyReceiver, termsHash] }
    OfferUpdated { indexed: [offerId], data: [price, maxSupply] }
    OfferPaused { indexed: [offerId], data: [paused] }
    OfferRetired { indexed: [offerId], data: [] }
    LicenseIssued { indexed: [tokenId, offerId, licensee], data: [payer, price, expiresAt] }
}
