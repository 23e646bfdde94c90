//! Words that pack several values, shared by the contracts that write and read them.
//!
//! A packed word keeps an address in its low 160 bits and small values in its 64-bit limbs
//! (limb 0 = the low 64 bits, limb 3 = the high 64 bits, which an address leaves free).
//!
//! # `registerOffer(offerId, terms)`
//!
//! `LicenseOffers` registers an offer's license terms with `LicenseNft` once, as
//! [`TERMS_WORDS`] words followed by the terms URI's bytes ([`offer_terms`] packs them,
//! `LicenseNft` stores word `i` as its offer field `i + 1`):
//!
//! ```text
//! word  holds (limb 0 = low 64 bits)
//! 0     limb 0 dataset id · limb 1 split id · bits 128..160 scope bits · bits 160..256 usage
//!       rate ([`OfferIds`]; a license check and `licenseUsage` want them together, so they are
//!       one read)
//! 1     payment token (bits 0..160) · limb 3: PackedTerms (usageUnit 8 | flags 8 |
//!       tierCount 8 | resaleBps 16), flags: TRANSFERABLE 1, RENTABLE 2 (REGISTERED 4 is set
//!       by LicenseNft when it stores the word)
//! 2     ERC-2981 royalty receiver (bits 0..160) · limb 3: tier bps, 16 bits per tier
//!       (LicenseNft adds the terms URI's byte length in bits 160..192 when it stores the word)
//! 3     arbiter (bits 0..160)
//! 4..6  cumulative revenue at which tier 1, 2, 3 starts (tier 0 starts at 0)
//! ```
//!
//! Usage rates are below 2^96 ([`MAX_USAGE_RATE`]: about 7.9·10^28 of the token's smallest unit
//! per usage unit); `LicenseOffers` refuses a higher one (`InvalidUsageRate`).
//!
//! Dataset and split ids are counted from 1 by the registry and the splitter and the scope
//! bits are those of [`crate::scope::KNOWN_SCOPES`], so each fits its limb; `LicenseOffers`
//! refuses an offer whose ids do not (`ArithmeticOverflow`) before packing.
//!
//! # License token ids
//!
//! A license's token id names its offer and its place in the offer's sales:
//! `tokenId = offerId · 2^32 + serial`, where `serial` (from 1) is the offer's minted count
//! after the sale ([`license_token_id`]). `LicenseOffers` numbers the token in the supply word it
//! rewrites anyway, and `LicenseNft` reads the offer back from the id ([`token_offer`]), so
//! neither contract keeps a token counter and a license stores no offer id.

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};

use crate::terms::{LicenseTerms, MAX_ROYALTY_TIERS};

/// A word holding `address` in its low 160 bits and `high` in limb 3.
#[must_use]
pub fn address_word(address: Address, high: u64) -> U256 {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&high.to_be_bytes());
    bytes[12..].copy_from_slice(address.as_slice());
    U256::from_be_bytes(bytes)
}

/// The address in the low 160 bits of `word`.
#[must_use]
pub fn word_address(word: U256) -> Address {
    Address::from_slice(&word.to_be_bytes::<32>()[12..])
}

/// Limb `index` (0 = low 64 bits, at most 3) of `word`.
#[must_use]
pub fn limb(word: U256, index: usize) -> u64 {
    word.as_limbs()[index & 3]
}

/// Bits of a license token id that number the licenses of one offer (see the module docs).
pub const SERIAL_BITS: usize = 32;

/// The token id of the `serial`-th license (counted from 1) of offer `offer_id`.
#[must_use]
pub fn license_token_id(offer_id: u64, serial: u32) -> U256 {
    U256::from_limbs([
        u64::from(serial) | (offer_id << SERIAL_BITS),
        offer_id >> SERIAL_BITS,
        0,
        0,
    ])
}

/// The offer a license token id belongs to.
#[must_use]
pub fn token_offer(token_id: U256) -> U256 {
    token_id >> SERIAL_BITS
}

/// How many words `registerOffer` takes before the terms URI (see the module docs).
pub const TERMS_WORDS: usize = 7;
/// Index of the payment-token word (with [`PackedTerms`] in limb 3).
pub const PAYMENT_WORD: usize = 1;
/// Index of the royalty-receiver word (with the tier bps in limb 3).
pub const RECEIVER_WORD: usize = 2;
/// Index of the arbiter word.
pub const ARBITER_WORD: usize = 3;
/// The largest value the 96 bits above an address (bits 160..256) hold: 2^96 − 1.
pub const MAX_U96: U256 = U256::from_limbs([u64::MAX, u32::MAX as u64, 0, 0]);
/// The highest usage rate an offer may charge per usage unit (2^96 − 1): it shares a word with
/// the offer's ids.
pub const MAX_USAGE_RATE: U256 = MAX_U96;
/// Bit position of the usage rate in the ids word.
const RATE_SHIFT: usize = 160;

/// An offer's dataset id, split id, scope bits and usage rate: word 0 of its terms (see the
/// module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OfferIds {
    /// The dataset the offer licenses.
    pub dataset_id: u64,
    /// The dataset's split, where its revenue goes.
    pub split_id: u64,
    /// The scope bits a license of it grants.
    pub scope: u32,
    /// The usage fee per usage unit, at most [`MAX_USAGE_RATE`].
    pub usage_rate: U256,
}

impl OfferIds {
    /// The ids in `word`.
    #[must_use]
    pub fn from_word(word: U256) -> Self {
        Self {
            dataset_id: limb(word, 0),
            split_id: limb(word, 1),
            scope: scope_bits(word),
            usage_rate: usage_rate(word),
        }
    }

    /// The word holding these ids.
    #[must_use]
    pub fn to_word(self) -> U256 {
        U256::from_limbs([self.dataset_id, self.split_id, u64::from(self.scope), 0])
            | self.usage_rate << RATE_SHIFT
    }

    /// The ids of an offer on `dataset_id` paying `split_id` with `scope` at `usage_rate`,
    /// `None` unless each fits its bits.
    #[must_use]
    pub fn new(dataset_id: U256, split_id: U256, scope: U256, usage_rate: U256) -> Option<Self> {
        if usage_rate > MAX_USAGE_RATE {
            return None;
        }
        Some(Self {
            dataset_id: u64::try_from(dataset_id).ok()?,
            split_id: u64::try_from(split_id).ok()?,
            scope: u32::try_from(scope).ok()?,
            usage_rate,
        })
    }
}

/// The scope bits of an ids word.
#[must_use]
pub fn scope_bits(ids: U256) -> u32 {
    // The scope is bits 128..160: the low half of limb 2.
    #[allow(clippy::cast_possible_truncation)]
    let scope = limb(ids, 2) as u32;
    scope
}

/// The usage rate of an ids word.
#[must_use]
pub fn usage_rate(ids: U256) -> U256 {
    above_address(ids)
}

/// Bits 160..256 of `word`, the value a word packs above an address; read from limbs (smaller
/// WASM than a 256-bit shift).
#[must_use]
pub fn above_address(word: U256) -> U256 {
    let (high2, high3) = (limb(word, 2) >> 32, limb(word, 3));
    U256::from_limbs([high2 | high3 << 32, high3 >> 32, 0, 0])
}

/// A word holding `address` in its low 160 bits and `value` (at most [`MAX_U96`]) above it.
#[must_use]
pub fn address_and(address: Address, value: U256) -> U256 {
    address_word(address, 0) | value << 160
}

/// `PackedTerms` flag: licenses may change hands.
pub const TRANSFERABLE: u64 = 1;
/// `PackedTerms` flag: holders may rent licenses out.
pub const RENTABLE: u64 = 2;
/// `PackedTerms` flag: `LicenseNft` stored the terms (set by it, never sent).
pub const REGISTERED: u64 = 4;

/// The small terms of an offer, limb 3 of its payment-token word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PackedTerms {
    /// Usage unit (`scope::UNIT_*`).
    pub usage_unit: u8,
    /// `TRANSFERABLE | RENTABLE | REGISTERED` bits.
    pub flags: u64,
    /// Number of derivative royalty tiers.
    pub tier_count: u8,
    /// ERC-2981 resale royalty in basis points.
    pub resale_bps: u16,
}

impl PackedTerms {
    /// Unpacks limb 3 of a payment-token word.
    #[must_use]
    pub fn from_limb(limb: u64) -> Self {
        // Truncations keep exactly the packed fields.
        #[allow(clippy::cast_possible_truncation)]
        Self {
            usage_unit: limb as u8,
            flags: (limb >> 8) & 0xff,
            tier_count: (limb >> 16) as u8,
            resale_bps: (limb >> 24) as u16,
        }
    }

    /// Packs into limb 3 of a payment-token word.
    #[must_use]
    pub fn to_limb(self) -> u64 {
        u64::from(self.usage_unit)
            | self.flags << 8
            | u64::from(self.tier_count) << 16
            | u64::from(self.resale_bps) << 24
    }
}

/// The `registerOffer` terms of validated `terms` (see the module docs): [`TERMS_WORDS`]
/// words, then the terms URI's bytes.
#[inline]
#[must_use]
pub fn offer_terms(terms: &LicenseTerms, ids: OfferIds, receiver: Address) -> Vec<u8> {
    let tiers = terms.tierThresholds.len().min(MAX_ROYALTY_TIERS);
    let mut tier_bps = 0u64;
    for (index, &bps) in terms.tierBps.iter().take(tiers).enumerate() {
        tier_bps |= u64::from(bps) << (16 * index);
    }
    let packed = PackedTerms {
        usage_unit: terms.usageUnit,
        flags: (u64::from(terms.transferable) * TRANSFERABLE)
            | (u64::from(terms.rentable) * RENTABLE),
        // At most MAX_ROYALTY_TIERS (4).
        #[allow(clippy::cast_possible_truncation)]
        tier_count: tiers as u8,
        resale_bps: terms.resaleRoyaltyBps,
    };
    let mut words = [U256::ZERO; TERMS_WORDS];
    words[0] = ids.to_word();
    words[PAYMENT_WORD] = address_word(terms.paymentToken, packed.to_limb());
    words[RECEIVER_WORD] = address_word(receiver, tier_bps);
    words[ARBITER_WORD] = address_word(terms.arbiter, 0);
    for (slot, &threshold) in words[ARBITER_WORD + 1..]
        .iter_mut()
        .zip(terms.tierThresholds.iter().skip(1))
    {
        *slot = threshold;
    }
    let mut out = Vec::with_capacity(32 * TERMS_WORDS + terms.termsUri.len());
    for word in words {
        out.extend_from_slice(&word.to_be_bytes::<32>());
    }
    out.extend_from_slice(terms.termsUri.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offer_ids_round_trip_and_refuse_what_does_not_fit() {
        let ids = OfferIds::new(
            U256::from(7),
            U256::from(u64::MAX),
            U256::from(u32::MAX),
            MAX_USAGE_RATE,
        )
        .unwrap();
        assert_eq!(OfferIds::from_word(ids.to_word()), ids);
        assert_eq!(
            ids.to_word(),
            U256::from_limbs([7, u64::MAX, u64::MAX, u64::MAX]),
            "dataset, split, scope and rate fill the word"
        );
        assert_eq!(scope_bits(ids.to_word()), u32::MAX);
        let word = address_and(Address::repeat_byte(0xab), MAX_U96);
        assert_eq!(word_address(word), Address::repeat_byte(0xab));
        assert_eq!(above_address(word), MAX_U96);
        assert_eq!(
            above_address(address_and(Address::ZERO, U256::from(7))),
            U256::from(7)
        );
        assert_eq!(usage_rate(ids.to_word()), MAX_USAGE_RATE);
        assert_eq!(MAX_USAGE_RATE, (U256::from(1) << 96) - U256::from(1));
        let small = OfferIds::new(U256::from(1), U256::from(2), U256::from(3), U256::from(4));
        assert_eq!(
            small.unwrap().to_word(),
            U256::from_limbs([1, 2, 3 | 4 << 32, 0])
        );
        let big = U256::from(u64::MAX) + U256::from(1);
        let one = U256::from(1);
        assert_eq!(OfferIds::new(big, one, one, one), None);
        assert_eq!(OfferIds::new(one, big, one, one), None);
        assert_eq!(OfferIds::new(one, one, U256::from(1u64 << 32), one), None);
        assert_eq!(
            OfferIds::new(one, one, one, MAX_USAGE_RATE + U256::from(1)),
            None
        );
    }

    #[test]
    fn license_token_ids_name_their_offer_and_serial() {
        assert_eq!(license_token_id(1, 1), U256::from((1u64 << 32) + 1));
        assert_eq!(token_offer(license_token_id(1, 1)), U256::from(1));
        let last = license_token_id(u64::MAX, u32::MAX);
        assert_eq!(token_offer(last), U256::from(u64::MAX));
        assert_eq!(last & U256::from(u32::MAX), U256::from(u32::MAX));
        assert_eq!(last >> 96, U256::ZERO, "a token id fits 96 bits");
        assert_ne!(license_token_id(1, 2), license_token_id(2, 1));
    }

    #[test]
    fn packed_terms_round_trip() {
        let packed = PackedTerms {
            usage_unit: 3,
            flags: TRANSFERABLE | REGISTERED,
            tier_count: 4,
            resale_bps: 10_000,
        };
        assert_eq!(PackedTerms::from_limb(packed.to_limb()), packed);
        let word = address_word(Address::repeat_byte(0xab), packed.to_limb());
        assert_eq!(word_address(word), Address::repeat_byte(0xab));
        assert_eq!(PackedTerms::from_limb(limb(word, 3)), packed);
    }
}
