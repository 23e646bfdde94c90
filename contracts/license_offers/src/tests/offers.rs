//! Creating and managing offers: validation, the registry ownership check, and the split and
//! receiver stored with each offer.

use alloy_primitives::{uint, Address, B256, U256};
use motsu::prelude::*;
use tributary_abi::scope::{KNOWN_SCOPES, MAX_UNIT};
use tributary_testkit::licensing::ROUTER;

use super::*;
use crate::{
    errors::{
        EmptyTermsUri, Error, ExternalCallFailed, InvalidArbiter, InvalidBps, InvalidDuration,
        InvalidMaxSupply, InvalidPrice, InvalidScope, InvalidTermsHash, InvalidTierCount,
        InvalidTierThreshold, InvalidUsageRate, InvalidUsageUnit, NotDatasetOwner, NotModelOwner,
        OfferIsRetired, UnknownDataset, UnknownModel, UnknownOffer, ZeroAddress,
    },
    events::{OfferCreated, OfferPaused, OfferRetired, OfferUpdated},
    offers::validate_terms,
};

#[motsu::test]
fn constructor_wires_and_rejects_zero_addresses(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    other: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
) {
    let (n, r, s) = (nft.address(), registry.address(), splitter.address());
    for (a, b, c, d) in [
        (Address::ZERO, r, s, ROUTER),
        (n, Address::ZERO, s, ROUTER),
        (n, r, Address::ZERO, ROUTER),
        (n, r, s, Address::ZERO),
    ] {
        let err = other
            .sender(admin)
            .constructor(a, b, c, d)
            .motsu_unwrap_err();
        assert!(matches!(err, Error::ZeroAddress(ZeroAddress {})));
    }

    offers
        .sender(admin)
        .constructor(
            nft.address(),
            registry.address(),
            splitter.address(),
            ROUTER,
        )
        .motsu_unwrap();
    assert_eq!(offers.sender(admin).router(), ROUTER);
    assert_eq!(offers.sender(admin).license_nft(), nft.address());
    assert_eq!(offers.sender(admin).registry(), registry.address());
    assert_eq!(offers.sender(admin).splitter(), splitter.address());
    assert_eq!(offers.sender(admin).offer_count(), 0);
}

#[motsu::test]
fn dataset_owner_creates_offer(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let offer_id = offer(&offers, owner, case_study_terms(arbiter));
    assert_eq!(offer_id, U256::from(1));
    assert_eq!(offers.sender(owner).offer_count(), 1);
    offers.assert_emitted(&OfferCreated {
        offerId: offer_id,
        datasetId: DATASET,
        creator: owner,
        splitId: SPLIT,
        royaltyReceiver: receiver_of(SPLIT),
        termsHash: TERMS_HASH,
    });
    let (dataset, split, price, token, minted, max_supply, paused, retired, hash) =
        offers.sender(owner).offer(offer_id).motsu_unwrap();
    assert_eq!(
        (dataset, split, price, token),
        (DATASET, SPLIT, PRICE, Address::ZERO)
    );
    assert_eq!(
        (minted, max_supply, paused, retired, hash),
        (0, 0, false, false, TERMS_HASH)
    );
    assert_eq!(
        offer(&offers, owner, case_study_terms(arbiter)),
        U256::from(2)
    );
}

#[motsu::test]
fn only_the_registry_owner_creates_offers(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    mallory: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let err = offers
        .sender(mallory)
        .create_offer(case_study_terms(arbiter))
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::NotDatasetOwner(NotDatasetOwner { account, datasetId }) if account == mallory && datasetId == DATASET
    ));
    let unknown = terms_with(arbiter, |t| t.datasetId = uint!(404_U256));
    let err = offers
        .sender(owner)
        .create_offer(unknown)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::UnknownDataset(UnknownDataset { datasetId }) if datasetId == uint!(404_U256))
    );
    assert_eq!(offers.sender(owner).offer_count(), 0);
}

#[motsu::test]
fn only_a_model_token_holder_offers_the_model(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    mallory: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let model = uint!(5_U256);
    registry.sender(admin).set_model(model, owner);
    let on_model = |id: U256| {
        let mut terms = terms_with(arbiter, |_| {});
        terms.datasetId = tributary_abi::asset::model_asset(id);
        terms.scope = U256::from(tributary_abi::scope::INFERENCE);
        terms
    };
    let err = offers
        .sender(mallory)
        .create_offer(on_model(model))
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NotModelOwner(NotModelOwner { modelId, account }) if modelId == model && account == mallory),
        "{err:?}"
    );
    let err = offers
        .sender(owner)
        .create_offer(on_model(uint!(404_U256)))
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::UnknownModel(UnknownModel { modelId }) if modelId == uint!(404_U256)),
        "{err:?}"
    );
    assert_eq!(offers.sender(owner).offer_count(), 0);
}

#[test]
fn a_model_offer_grants_only_model_rights() {
    use tributary_abi::{asset::model_asset, scope};
    let arbiter = Address::repeat_byte(1);
    let on_model = |bits: u64| {
        let mut terms = terms_with(arbiter, |_| {});
        terms.datasetId = model_asset(uint!(5_U256));
        terms.scope = U256::from(bits);
        validate_terms(&terms)
    };
    for refused in [
        scope::TRAIN,
        scope::EVALUATION,
        scope::INFERENCE | scope::TRAIN,
    ] {
        assert!(
            matches!(on_model(refused), Err(Error::InvalidScope(InvalidScope { scope })) if scope == U256::from(refused)),
            "{refused}"
        );
    }
    on_model(scope::MODEL_SCOPES).expect("every model right");
    on_model(scope::INFERENCE).expect("inference alone");
}

#[motsu::test]
fn splitter_failures_surface(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    // Split 0: the splitter reverts; its reason is kept.
    registry
        .sender(admin)
        .set_dataset(uint!(8_U256), owner, U256::ZERO);
    let err = offers
        .sender(owner)
        .create_offer(terms_with(arbiter, |t| t.datasetId = uint!(8_U256)))
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::ExternalCallFailed(ExternalCallFailed { target, ref reason })
            if target == splitter.address() && reason.as_ref() == UNKNOWN_SPLIT_REASON
    ));
    // A split without receiver.
    registry
        .sender(admin)
        .set_dataset(uint!(9_U256), owner, NO_RECEIVER_SPLIT);
    let err = offers
        .sender(owner)
        .create_offer(terms_with(arbiter, |t| t.datasetId = uint!(9_U256)))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAddress(_)));
}

#[test]
fn case_study_terms_are_valid() {
    assert!(validate_terms(&case_study_terms(Address::repeat_byte(1))).is_ok());
    // No tiers at all, perpetual, free: valid.
    let minimal = terms_with(Address::repeat_byte(1), |t| {
        t.tierThresholds.clear();
        t.tierBps.clear();
        t.duration = 0;
        t.price = U256::ZERO;
        t.usageUnit = MAX_UNIT;
        t.scope = U256::from(KNOWN_SCOPES);
        t.resaleRoyaltyBps = 10_000;
        t.usageRate = tributary_abi::packed::MAX_USAGE_RATE;
    });
    assert!(validate_terms(&minimal).is_ok());
    let dearest = terms_with(Address::repeat_byte(1), |t| {
        t.price = crate::offers::MAX_PRICE;
        t.duration = tributary_abi::terms::MAX_DURATION;
    });
    assert!(validate_terms(&dearest).is_ok());
    assert!(validate_terms(&minimal).is_ok());
}

#[test]
fn invalid_terms_are_refused_by_name() {
    let arbiter = Address::repeat_byte(1);
    let check = |edit: fn(&mut tributary_abi::terms::LicenseTerms)| {
        validate_terms(&terms_with(arbiter, edit)).expect_err("terms should be refused")
    };
    assert!(matches!(
        check(|t| t.scope = U256::ZERO),
        Error::InvalidScope(InvalidScope { .. })
    ));
    assert!(matches!(
        check(|t| t.scope = U256::from(1u64 << 40)),
        Error::InvalidScope(InvalidScope { scope }) if scope == U256::from(1u64 << 40)
    ));
    assert!(matches!(
        check(|t| t.usageUnit = MAX_UNIT + 1),
        Error::InvalidUsageUnit(InvalidUsageUnit { unit }) if unit == MAX_UNIT + 1
    ));
    assert!(matches!(
        check(|t| {
            t.tierBps.pop();
        }),
        Error::InvalidTierCount(InvalidTierCount { .. })
    ));
    assert!(matches!(
        check(|t| {
            t.tierThresholds = vec![U256::ZERO, U256::from(1), U256::from(2), U256::from(3), U256::from(4)];
            t.tierBps = vec![1, 2, 3, 4, 5];
        }),
        Error::InvalidTierCount(InvalidTierCount { thresholds, bps }) if thresholds == U256::from(5) && bps == U256::from(5)
    ));
    assert!(matches!(
        check(|t| t.tierThresholds[0] = U256::from(1)),
        Error::InvalidTierThreshold(InvalidTierThreshold { index, .. }) if index.is_zero()
    ));
    assert!(matches!(
        check(|t| t.tierThresholds[2] = t.tierThresholds[1]),
        Error::InvalidTierThreshold(InvalidTierThreshold { index, .. }) if index == U256::from(2)
    ));
    assert!(matches!(
        check(|t| t.tierBps[1] = 10_001),
        Error::InvalidBps(InvalidBps { bps }) if bps == U256::from(10_001)
    ));
    assert!(matches!(
        check(|t| t.resaleRoyaltyBps = 10_001),
        Error::InvalidBps(InvalidBps { bps }) if bps == U256::from(10_001)
    ));
    assert!(matches!(
        check(|t| t.duration = tributary_abi::terms::MAX_DURATION + 1),
        Error::InvalidDuration(InvalidDuration { duration })
            if duration == tributary_abi::terms::MAX_DURATION + 1
    ));
    let too_high = tributary_abi::packed::MAX_USAGE_RATE + U256::from(1);
    assert!(matches!(
        check(|t| t.price = crate::offers::MAX_PRICE + U256::from(1)),
        Error::InvalidPrice(InvalidPrice { price }) if price == too_high
    ));
    assert!(matches!(
        check(|t| t.usageRate = tributary_abi::packed::MAX_USAGE_RATE + U256::from(1)),
        Error::InvalidUsageRate(InvalidUsageRate { rate }) if rate == too_high
    ));
    assert!(matches!(
        check(|t| t.arbiter = Address::ZERO),
        Error::InvalidArbiter(InvalidArbiter { .. })
    ));
    assert!(matches!(
        check(|t| t.termsHash = B256::ZERO),
        Error::InvalidTermsHash(InvalidTermsHash { .. })
    ));
    assert!(matches!(
        check(|t| t.termsUri.clear()),
        Error::EmptyTermsUri(EmptyTermsUri {})
    ));
}

#[motsu::test]
fn create_offer_refuses_invalid_terms(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let err = offers
        .sender(owner)
        .create_offer(terms_with(arbiter, |t| t.scope = U256::ZERO))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidScope(_)));
    assert_eq!(offers.sender(owner).offer_count(), 0);
}

#[motsu::test]
fn owner_pauses_updates_and_retires(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    mallory: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let id = offer(&offers, owner, case_study_terms(arbiter));

    offers
        .sender(owner)
        .set_offer_paused(id, true)
        .motsu_unwrap();
    offers.assert_emitted(&OfferPaused {
        offerId: id,
        paused: true,
    });
    assert!(offers.sender(owner).offer(id).motsu_unwrap().6);
    offers
        .sender(owner)
        .set_offer_paused(id, false)
        .motsu_unwrap();
    offers.assert_emitted(&OfferPaused {
        offerId: id,
        paused: false,
    });

    offers
        .sender(owner)
        .update_offer(id, U256::from(5), 10)
        .motsu_unwrap();
    offers.assert_emitted(&OfferUpdated {
        offerId: id,
        price: U256::from(5),
        maxSupply: 10,
    });
    let summary = offers.sender(owner).offer(id).motsu_unwrap();
    assert_eq!((summary.2, summary.5), (U256::from(5), 10));

    for err in [
        offers
            .sender(mallory)
            .set_offer_paused(id, true)
            .motsu_unwrap_err(),
        offers
            .sender(mallory)
            .update_offer(id, U256::ZERO, 0)
            .motsu_unwrap_err(),
        offers.sender(mallory).retire_offer(id).motsu_unwrap_err(),
    ] {
        assert!(
            matches!(err, Error::NotDatasetOwner(NotDatasetOwner { account, .. }) if account == mallory)
        );
    }

    offers.sender(owner).retire_offer(id).motsu_unwrap();
    offers.assert_emitted(&OfferRetired { offerId: id });
    assert!(offers.sender(owner).offer(id).motsu_unwrap().7);
    for err in [
        offers
            .sender(owner)
            .set_offer_paused(id, false)
            .motsu_unwrap_err(),
        offers
            .sender(owner)
            .update_offer(id, U256::ZERO, 0)
            .motsu_unwrap_err(),
        offers.sender(owner).retire_offer(id).motsu_unwrap_err(),
    ] {
        assert!(matches!(err, Error::OfferIsRetired(OfferIsRetired { offerId }) if offerId == id));
    }
}

#[motsu::test]
fn max_supply_cannot_drop_below_minted(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    let (id, _) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    buy(&offers, id, buyer, PRICE);
    let err = offers
        .sender(owner)
        .update_offer(id, PRICE, 1)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidMaxSupply(InvalidMaxSupply {
            maxSupply: 1,
            minted: 2
        })
    ));
    offers
        .sender(owner)
        .update_offer(id, PRICE, 2)
        .motsu_unwrap();
    // The counts share the supply word with the dataset and split ids: all kept.
    let summary = offers.sender(owner).offer(id).motsu_unwrap();
    assert_eq!(
        (summary.0, summary.1, summary.4, summary.5),
        (DATASET, SPLIT, 2, 2)
    );
    offers
        .sender(owner)
        .update_offer(id, PRICE, 0)
        .motsu_unwrap();
    let too_dear = crate::offers::MAX_PRICE + U256::from(1);
    let err = offers
        .sender(owner)
        .update_offer(id, too_dear, 0)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidPrice(InvalidPrice { price }) if price == too_dear
    ));
    // The price shares the payment word with the token, and the duration shares the supply
    // word with the counts and flags: updates and pauses keep them.
    offers
        .sender(owner)
        .set_offer_paused(id, true)
        .motsu_unwrap();
    offers
        .sender(owner)
        .set_offer_paused(id, false)
        .motsu_unwrap();
    let summary = offers.sender(owner).offer(id).motsu_unwrap();
    assert_eq!((summary.2, summary.3), (PRICE, Address::ZERO));
    let token = buy(&offers, id, buyer, PRICE);
    let (_, starts_at, expires_at, _, _) = nft.sender(buyer).license(token).motsu_unwrap();
    assert_eq!(expires_at, starts_at + DURATION);
}

#[motsu::test]
fn unknown_offers_are_refused(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    for id in [U256::ZERO, U256::from(1)] {
        for err in [
            offers
                .sender(owner)
                .set_offer_paused(id, true)
                .motsu_unwrap_err(),
            offers
                .sender(owner)
                .update_offer(id, U256::ZERO, 0)
                .motsu_unwrap_err(),
            offers.sender(owner).retire_offer(id).motsu_unwrap_err(),
            offers.sender(owner).offer(id).motsu_unwrap_err(),
        ] {
            assert!(matches!(err, Error::UnknownOffer(UnknownOffer { offerId }) if offerId == id));
        }
    }
}

#[test]
fn create_offer_selector_uses_the_tuple_signature() {
    // What the router matches on …
    let routed = stylus_sdk::function_selector!("createOffer", tributary_abi::terms::LicenseTerms);
    // … is what Solidity callers compute from `createOffer(LicenseTerms)`.
    let signature = "createOffer((uint256,uint256,uint64,address,uint256,uint8,uint256,uint256[],\
                     uint16[],uint32,bool,bool,uint16,address,bytes32,string))";
    assert_eq!(routed, alloy_primitives::keccak256(signature)[..4]);
}
