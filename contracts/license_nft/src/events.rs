//! Events of the license token contract (the ERC-721 `Transfer` / `Approval` /
//! `ApprovalForAll` events come from `OpenZeppelin`'s `Erc721`), emitted word by word through
//! [`crate::abi_words::emit_words`] (every field is static).
#![allow(missing_docs)] // `sol!` generates the fields; each event carries its doc comment.

use alloc::{vec, vec::Vec};

use alloy_sol_types::{sol, SolEvent};
use stylus_sdk::prelude::Host;

use crate::abi_words::{emit_words, Word};

sol! {
    /// The offers contract registered the terms of offer `offerId` for dataset `datasetId`
    /// (`LicenseOffers` emits the full `OfferCreated`).
    #[derive(Debug, PartialEq, Eq)]
    event OfferTermsRegistered(uint256 indexed offerId, uint256 indexed datasetId);
    /// The offer's arbiter revoked license `tokenId`; `reason` is the hash of the finding.
    #[derive(Debug, PartialEq, Eq)]
    event LicenseRevoked(uint256 indexed tokenId, address indexed arbiter, bytes32 reason);
    /// The usage anchor marked license `tokenId` as in debt (`inDebt`) or settled.
    #[derive(Debug, PartialEq, Eq)]
    event DebtSet(uint256 indexed tokenId, bool inDebt);
    /// The owner configured the usage anchor.
    #[derive(Debug, PartialEq, Eq)]
    event UsageAnchorSet(address indexed usageAnchor);
    /// The owner configured the offers contract (`LicenseOffers`).
    #[derive(Debug, PartialEq, Eq)]
    event LicenseOffersSet(address indexed licenseOffers);
    /// ERC-4907: the user of `tokenId` changed (zero address and 0 when cleared).
    #[derive(Debug, PartialEq, Eq)]
    event UpdateUser(uint256 indexed tokenId, address indexed user, uint64 expires);
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
    OfferTermsRegistered { indexed: [offerId, datasetId], data: [] }
    LicenseRevoked { indexed: [tokenId, arbiter], data: [reason] }
    DebtSet { indexed: [tokenId], data: [inDebt] }
    UsageAnchorSet { indexed: [usageAnchor], data: [] }
    LicenseOffersSet { indexed: [licenseOffers], data: [] }
    UpdateUser { indexed: [tokenId, user], data: [expires] }
}
