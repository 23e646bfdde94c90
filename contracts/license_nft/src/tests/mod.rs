//! motsu tests of the license token contract, run with the real offers contract
//! (`LicenseOffers`) and contract doubles for the registry, the splitter, tokens and receivers.
#![allow(clippy::too_many_arguments)]

mod doubles;
mod encoding;
mod erc721;
mod licenses;
mod rentals;
mod wiring;

use alloc::{string::String, vec};

use alloy_primitives::{b256, uint, Address, B256, U256};
use license_offers::LicenseOffers;
use motsu::prelude::*;
use tributary_abi::{
    scope::{DERIVATIVES, TRAIN, UNIT_SAMPLES},
    terms::LicenseTerms,
};

pub(crate) use self::doubles::*;
use crate::LicenseNft;

/// The dataset every fixture offer licenses.
pub(crate) const DATASET: U256 = uint!(7_U256);
/// Its split in the splitter double.
pub(crate) const SPLIT: U256 = uint!(3_U256);
/// Case study: 0.05 ETH.
pub(crate) const PRICE: U256 = uint!(50_000_000_000_000_000_U256);
/// Case study: 24 months of 30 days.
pub(crate) const DURATION: u64 = 24 * 30 * 24 * 3600;
/// Case study: 0.0001 ETH per 10k samples.
pub(crate) const RATE: U256 = uint!(10_000_000_000_U256);
/// keccak256 of the terms document (any non-zero value here).
pub(crate) const TERMS_HASH: B256 =
    b256!("1111111111111111111111111111111111111111111111111111111111111111");
/// The terms document.
pub(crate) const TERMS_URI: &str = "ipfs://bafy-medical-patches-terms";

/// The case-study terms: TRAIN + DERIVATIVES for 24 months at 0.05 ETH, 5/10/15 % derivative
/// tiers at 0 / 1 ETH / 10 ETH of revenue, transferable, rentable, 5 % resale royalty.
pub(crate) fn case_study_terms(arbiter: Address) -> LicenseTerms {
    LicenseTerms {
        datasetId: DATASET,
        scope: U256::from(TRAIN | DERIVATIVES),
        duration: DURATION,
        paymentToken: Address::ZERO,
        price: PRICE,
        usageUnit: UNIT_SAMPLES,
        usageRate: RATE,
        tierThresholds: vec![
            U256::ZERO,
            uint!(1_000_000_000_000_000_000_U256),
            uint!(10_000_000_000_000_000_000_U256),
        ],
        tierBps: vec![500, 1000, 1500],
        maxSupply: 0,
        transferable: true,
        rentable: true,
        resaleRoyaltyBps: 500,
        arbiter,
        termsHash: TERMS_HASH,
        termsUri: String::from(TERMS_URI),
    }
}

/// The four contracts of every test, wired in deploy order: `LicenseNft(admin)`,
/// `LicenseOffers(nft, registry, splitter)`, `nft.setLicenseOffers(offers)`; `dataset_owner`
/// owns [`DATASET`] (split [`SPLIT`]) in the registry.
pub(crate) fn deploy(
    nft: &Contract<LicenseNft>,
    offers: &Contract<LicenseOffers>,
    registry: &Contract<RegistryDouble>,
    splitter: &Contract<SplitterDouble>,
    admin: Address,
    dataset_owner: Address,
) {
    registry
        .sender(admin)
        .set_dataset(DATASET, dataset_owner, SPLIT);
    nft.sender(admin).constructor(admin).motsu_unwrap();
    offers
        .sender(admin)
        .constructor(nft.address(), registry.address(), splitter.address())
        .motsu_unwrap();
    nft.sender(admin)
        .set_license_offers(offers.address())
        .motsu_unwrap();
}

/// Creates an offer with `terms` as `dataset_owner`.
pub(crate) fn offer(
    offers: &Contract<LicenseOffers>,
    dataset_owner: Address,
    terms: LicenseTerms,
) -> U256 {
    offers
        .sender(dataset_owner)
        .create_offer(terms)
        .motsu_unwrap()
}

/// Buys one license of a native-priced offer for `buyer`.
pub(crate) fn buy(
    offers: &Contract<LicenseOffers>,
    offer_id: U256,
    buyer: Address,
    price: U256,
) -> U256 {
    buyer.fund(price);
    offers
        .sender_and_value(buyer, price)
        .mint(offer_id, buyer, price)
        .motsu_unwrap()
}

/// Deploys, publishes the case-study offer (arbiter `arbiter`) and sells one license to
/// `buyer`; returns (offer id, token id).
pub(crate) fn licensed(
    nft: &Contract<LicenseNft>,
    offers: &Contract<LicenseOffers>,
    registry: &Contract<RegistryDouble>,
    splitter: &Contract<SplitterDouble>,
    admin: Address,
    dataset_owner: Address,
    arbiter: Address,
    buyer: Address,
) -> (U256, U256) {
    deploy(nft, offers, registry, splitter, admin, dataset_owner);
    let offer_id = offer(offers, dataset_owner, case_study_terms(arbiter));
    let token_id = buy(offers, offer_id, buyer, PRICE);
    (offer_id, token_id)
}

/// Terms with `edit` applied to the case study.
pub(crate) fn terms_with(arbiter: Address, edit: impl FnOnce(&mut LicenseTerms)) -> LicenseTerms {
    let mut terms = case_study_terms(arbiter);
    edit(&mut terms);
    terms
}

/// Overwrites a license's stored expiry: how tests move a license through time (motsu's
/// block timestamp is fixed).
pub(crate) fn set_expiry(nft: &Contract<LicenseNft>, token_id: U256, expires_at: u64) {
    let mut call = nft.sender(Address::ZERO);
    let stamp = call.read(crate::store::Field::Stamp, token_id);
    let mut limbs = stamp.into_limbs();
    limbs[2] = expires_at;
    call.write(
        crate::store::Field::Stamp,
        token_id,
        U256::from_limbs(limbs),
    );
}

/// The block timestamp motsu reports.
pub(crate) fn now(nft: &Contract<LicenseNft>) -> u64 {
    use stylus_sdk::prelude::HostAccess;
    nft.sender(Address::ZERO).vm().block_timestamp()
}
