//! Models: registration checks (licenses, weights, caps), views, contributors.

use super::*;
use crate::{
    errors::{
        MissingModelLicense, ModelNftAlreadySet, ModelNftNotSet, NotModelNft, NotModelOwner,
        UnknownModel,
    },
    events::{
        ModelContributorsUpdated, ModelHolderChanged, ModelNftSet, ModelRegistered,
        ModelVersionPublished,
    },
    MAX_ANCESTORS, MAX_DEPTH, MAX_PARENTS,
};

/// A dataset of `owner` licensed (token `token`) to `holder` at a flat 5 %.
fn licensed_dataset(
    registry: &Contract<AttributionRegistry>,
    license: &Contract<LicenseDouble>,
    owner: Address,
    holder: Address,
    content: u8,
    token: u64,
) -> U256 {
    let id = dataset(registry, owner, content);
    license_for(license, token, holder, id, &[0], &[500]);
    id
}

#[motsu::test]
fn registers_a_licensed_model_with_lineage(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
    bob: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    let d1 = licensed_dataset(&registry, &license, alice, bob, 1, 11);
    let d2 = licensed_dataset(&registry, &license, alice, bob, 2, 12);
    let base = model(&registry, bob, 50, Parents::default()).motsu_unwrap();
    assert_eq!(base, u(1));
    registry.assert_emitted(&ModelRegistered {
        modelId: u(1),
        owner: bob,
        modelHash: hash(50),
        splitId: u(3),
        depth: 1,
        uri: "ipfs://model".into(),
    });

    let parents = Parents::default()
        .dataset(d1, 6_000, 11)
        .dataset(d2, 4_000, 12)
        .model(base, 2_500);
    let id = model(&registry, bob, 51, parents).motsu_unwrap();
    assert_eq!(id, u(2));
    assert_eq!(
        registry.sender(alice).model(id).motsu_unwrap(),
        (bob, u(4), hash(51), 2)
    );
    assert_eq!(
        splitter.sender(alice).controller.get(u(4)),
        registry.address()
    );
    assert_eq!(
        registry.sender(alice).parents(id).motsu_unwrap(),
        tributary_abi::returns::Lineage {
            datasets: vec![d1, d2],
            datasetWeights: vec![u(6_000), u(4_000)],
            // The datasets' licenses, then the model's (0: bob holds `base`).
            licenses: vec![u(11), u(12), u(0)],
            models: vec![base],
            modelWeights: vec![u(2_500)],
        }
    );
    assert_eq!(
        registry.sender(alice).ancestry(id).motsu_unwrap(),
        vec![base]
    );
    // The router's one-call view: the model, then its ancestors, with every link.
    assert_eq!(
        registry.sender(alice).route_snapshot(id).motsu_unwrap(),
        tributary_abi::returns::RouteSnapshot {
            models: vec![id, base],
            splits: vec![u(4), u(3)],
            datasetNodes: vec![u(0), u(0)],
            datasetIds: vec![d1, d2],
            datasetWeights: vec![u(6_000), u(4_000)],
            datasetLicenses: vec![u(11), u(12)],
            datasetSplits: vec![u(1), u(2)],
            modelNodes: vec![u(0)],
            modelParents: vec![base],
            modelBps: vec![u(2_500)],
        }
    );
    let err = registry
        .sender(alice)
        .route_snapshot(u(9))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownModel(_)), "{err:?}");
    assert_eq!(
        registry.sender(alice).ancestry(base).motsu_unwrap(),
        Vec::<U256>::new()
    );

    // Ancestry is the union of the parents' ancestry, highest id first, without repeats.
    let child = model(
        &registry,
        bob,
        52,
        Parents::default().model(id, 100).model(base, 100),
    )
    .motsu_unwrap();
    assert_eq!(
        registry.sender(alice).ancestry(child).motsu_unwrap(),
        vec![id, base]
    );
    assert_eq!(registry.sender(alice).model(child).motsu_unwrap().3, 3);
}

#[motsu::test]
fn model_registration_requires_a_valid_license(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    let d1 = licensed_dataset(&registry, &license, alice, bob, 1, 11);
    let d2 = licensed_dataset(&registry, &license, alice, bob, 2, 12);
    let missing = |err: Error, token: u64| {
        assert!(
            matches!(&err, Error::MissingLicense(e) if e.licenseId == u(token)),
            "{err:?}"
        );
    };

    // No license at all (token 99 does not exist).
    missing(
        model(
            &registry,
            bob,
            50,
            Parents::default().dataset(d1, 10_000, 99),
        )
        .motsu_unwrap_err(),
        99,
    );
    // Somebody else's license.
    missing(
        model(
            &registry,
            carol,
            50,
            Parents::default().dataset(d1, 10_000, 11),
        )
        .motsu_unwrap_err(),
        11,
    );
    // A license for another dataset.
    missing(
        model(
            &registry,
            bob,
            50,
            Parents::default().dataset(d2, 10_000, 11),
        )
        .motsu_unwrap_err(),
        11,
    );
    // TRAIN without DERIVATIVES.
    license
        .sender(alice)
        .set_scope(u(11), U256::from(tributary_abi::scope::TRAIN));
    missing(
        model(
            &registry,
            bob,
            50,
            Parents::default().dataset(d1, 10_000, 11),
        )
        .motsu_unwrap_err(),
        11,
    );
    // Revoked.
    license.sender(alice).revoke(u(12));
    missing(
        model(
            &registry,
            bob,
            50,
            Parents::default().dataset(d2, 10_000, 12),
        )
        .motsu_unwrap_err(),
        12,
    );
    // Expired (motsu's clock is 2025-01-01).
    let d3 = licensed_dataset(&registry, &license, alice, bob, 3, 13);
    license.sender(alice).set_expiry(u(13), 1_000);
    missing(
        model(
            &registry,
            bob,
            50,
            Parents::default().dataset(d3, 10_000, 13),
        )
        .motsu_unwrap_err(),
        13,
    );
    // Not yet expired is fine.
    license.sender(alice).set_expiry(u(13), 4_000_000_000);
    model(
        &registry,
        bob,
        50,
        Parents::default().dataset(d3, 10_000, 13),
    )
    .motsu_unwrap();
}

#[motsu::test]
fn model_registration_needs_the_license_contract(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
) {
    registry
        .sender(alice)
        .constructor(alice, splitter.address())
        .motsu_unwrap();
    let d1 = dataset(&registry, alice, 1);
    // Models are tokens: nothing registers before the model token contract is wired.
    let err = model(&registry, alice, 51, Parents::default()).motsu_unwrap_err();
    assert!(
        matches!(err, Error::ModelNftNotSet(ModelNftNotSet {})),
        "{err:?}"
    );
    registry
        .sender(alice)
        .set_model_nft(license.address())
        .motsu_unwrap();
    let err = model(
        &registry,
        alice,
        50,
        Parents::default().dataset(d1, 10_000, 1),
    )
    .motsu_unwrap_err();
    assert!(matches!(err, Error::LicenseNftNotSet(_)));
    // A model without parent datasets needs no license.
    model(&registry, alice, 51, Parents::default()).motsu_unwrap();
}

#[motsu::test]
fn model_registration_rejects_bad_parents_and_weights(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
    bob: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    let d1 = licensed_dataset(&registry, &license, alice, bob, 1, 11);
    let d2 = licensed_dataset(&registry, &license, alice, bob, 2, 12);
    let base = model(&registry, bob, 50, Parents::default()).motsu_unwrap();

    let err = model(
        &registry,
        bob,
        60,
        Parents::default().dataset(u(9), 10_000, 11),
    )
    .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownDataset(e) if e.datasetId == u(9)));
    let err = model(&registry, bob, 60, Parents::default().model(u(9), 1)).motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownModel(e) if e.modelId == u(9)));
    let err = model(
        &registry,
        bob,
        60,
        Parents::default()
            .dataset(d1, 5_000, 11)
            .dataset(d1, 5_000, 11),
    )
    .motsu_unwrap_err();
    assert!(matches!(err, Error::DuplicateParent(e) if e.parentId == d1));
    let err = model(
        &registry,
        bob,
        60,
        Parents::default().model(base, 1).model(base, 1),
    )
    .motsu_unwrap_err();
    assert!(matches!(err, Error::DuplicateParent(e) if e.parentId == base));
    let err = model(
        &registry,
        bob,
        60,
        Parents::default()
            .dataset(d1, 6_000, 11)
            .dataset(d2, 3_999, 12),
    )
    .motsu_unwrap_err();
    assert!(matches!(err, Error::DatasetWeightSum(e) if e.sum == u(9_999)));
    let err = model(
        &registry,
        bob,
        60,
        Parents::default()
            .dataset(d1, 10_000, 11)
            .dataset(d2, 1, 12),
    )
    .motsu_unwrap_err();
    assert!(matches!(err, Error::DatasetWeightSum(e) if e.sum == u(10_001)));
    let mut huge = Parents::default().dataset(d1, 1, 11);
    huge.weights[0] = U256::MAX;
    let err = model(&registry, bob, 60, huge.dataset(d2, 1, 12)).motsu_unwrap_err();
    assert!(matches!(err, Error::DatasetWeightSum(e) if e.sum == U256::MAX));
    let other = model(&registry, bob, 51, Parents::default()).motsu_unwrap();
    let err = model(
        &registry,
        bob,
        60,
        Parents::default().model(base, 6_000).model(other, 4_001),
    )
    .motsu_unwrap_err();
    assert!(matches!(err, Error::ModelWeightSum(e) if e.sum == u(10_001)));

    // Misaligned arrays.
    let mut bad = Parents::default().dataset(d1, 10_000, 11);
    bad.licenses.clear();
    let err = model(&registry, bob, 60, bad).motsu_unwrap_err();
    assert!(matches!(err, Error::LengthMismatch(e) if e.expected == u(1) && e.actual == u(0)));
    let mut bad = Parents::default().model(base, 1);
    bad.model_weights.push(u(1));
    let err = model(&registry, bob, 60, bad).motsu_unwrap_err();
    assert!(matches!(err, Error::LengthMismatch(_)));
    let err = registry
        .sender(bob)
        .register_model(
            hash(60),
            "x".into(),
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![bob],
            vec![],
        )
        .motsu_unwrap_err();
    assert!(matches!(err, Error::LengthMismatch(_)));

    // Hashes.
    let err = model(&registry, bob, 50, Parents::default()).motsu_unwrap_err();
    assert!(matches!(err, Error::DuplicateHash(e) if e.existingId == base));
    let err = registry
        .sender(bob)
        .register_model(
            B256::ZERO,
            "x".into(),
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![bob],
            vec![u(1)],
        )
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroHash(_)));

    // The splitter refusing the model's contributors.
    let err = registry
        .sender(bob)
        .register_model(
            hash(60),
            "x".into(),
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
        )
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ExternalCallFailed(_)));
    // Reverted: nothing of the refused model remains.
    assert!(matches!(
        registry.sender(bob).model(u(3)).motsu_unwrap_err(),
        Error::UnknownModel(_)
    ));
}

#[motsu::test]
fn lineage_caps_parents_depth_and_ancestors(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    // 17 base models.
    let bases: Vec<U256> = (0..17)
        .map(|i| model(&registry, alice, 100 + i, Parents::default()).motsu_unwrap())
        .collect();

    // Too many parents.
    let mut nine = Parents::default();
    for id in &bases[..=MAX_PARENTS] {
        nine = nine.model(*id, 1);
    }
    let err = model(&registry, alice, 1, nine).motsu_unwrap_err();
    assert!(matches!(err, Error::TooManyParents(e) if e.count == u(9) && e.max == u(8)));

    // Too many distinct ancestors: 2 + 8 + 8 = 18 > 16.
    let mut left = Parents::default();
    let mut right = Parents::default();
    for i in 0..8 {
        left = left.model(bases[i], 1);
        right = right.model(bases[8 + i], 1);
    }
    let a = model(&registry, alice, 2, left).motsu_unwrap();
    let b = model(&registry, alice, 3, right).motsu_unwrap();
    let err = model(
        &registry,
        alice,
        4,
        Parents::default().model(a, 1).model(b, 1),
    )
    .motsu_unwrap_err();
    assert!(
        matches!(err, Error::TooManyAncestors(e) if e.count == u(18) && e.max == U256::from(MAX_ANCESTORS))
    );

    // Depth: a chain of MAX_DEPTH models, then one too deep.
    let mut tip = bases[16];
    for depth in 2..=MAX_DEPTH {
        tip = model(
            &registry,
            alice,
            10 + depth,
            Parents::default().model(tip, 1),
        )
        .motsu_unwrap();
        assert_eq!(registry.sender(alice).model(tip).motsu_unwrap().3, depth);
    }
    let err = model(&registry, alice, 20, Parents::default().model(tip, 1)).motsu_unwrap_err();
    assert!(matches!(err, Error::TooDeep(e) if e.depth == u(5) && e.max == u(4)));
}

#[motsu::test]
fn model_owner_updates_contributors(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
    bob: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    let id = model(&registry, alice, 50, Parents::default()).motsu_unwrap();
    registry
        .sender(alice)
        .update_model_contributors(id, vec![bob], vec![u(3)])
        .motsu_unwrap();
    registry.assert_emitted(&ModelContributorsUpdated {
        modelId: id,
        splitId: u(1),
    });
    assert_eq!(splitter.sender(alice).first_recipient.get(u(1)), bob);
    assert_eq!(splitter.sender(alice).updates.get(u(1)), u(1));

    let err = registry
        .sender(bob)
        .update_model_contributors(id, vec![bob], vec![u(3)])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotModelOwner(e) if e.modelId == id && e.account == bob));
    let err = registry
        .sender(alice)
        .update_model_contributors(u(5), vec![bob], vec![u(3)])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownModel(_)));
    let err = registry
        .sender(alice)
        .update_model_contributors(id, vec![bob], vec![])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::LengthMismatch(_)));
}

#[motsu::test]
fn model_views_reject_unknown_models(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    assert!(matches!(
        registry.sender(alice).model(u(1)).motsu_unwrap_err(),
        Error::UnknownModel(_)
    ));
    assert!(matches!(
        registry.sender(alice).parents(u(1)).motsu_unwrap_err(),
        Error::UnknownModel(_)
    ));
    assert!(matches!(
        registry.sender(alice).ancestry(u(1)).motsu_unwrap_err(),
        Error::UnknownModel(_)
    ));
}

#[motsu::test]
fn the_model_token_contract_is_wired_once_by_the_owner(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
    bob: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    registry.assert_emitted(&ModelNftSet {
        models: license.address(),
    });
    assert_eq!(registry.sender(bob).model_nft(), license.address());
    let err = registry.sender(bob).set_model_nft(bob).motsu_unwrap_err();
    assert!(
        matches!(&err, Error::UnauthorizedAccount(e) if e.account == bob),
        "{err:?}"
    );
    let err = registry.sender(alice).set_model_nft(bob).motsu_unwrap_err();
    assert!(
        matches!(&err, Error::ModelNftAlreadySet(ModelNftAlreadySet { current }) if *current == license.address()),
        "{err:?}"
    );
}

#[motsu::test]
fn registering_mints_the_model_token_and_moves_follow_the_token(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    let id = model(&registry, bob, 50, Parents::default()).motsu_unwrap();
    // The token went to the registrant (the license double records the model token's mints).
    assert_eq!(license.sender(alice).model_holder(id), bob);
    let split = registry.sender(alice).model(id).motsu_unwrap().1;

    // Only the model token contract reports moves.
    let err = registry
        .sender(bob)
        .move_model(id, carol)
        .motsu_unwrap_err();
    assert!(
        matches!(&err, Error::NotModelNft(NotModelNft { account }) if *account == bob),
        "{err:?}"
    );
    let err = registry
        .sender(license.address())
        .move_model(u(9), carol)
        .motsu_unwrap_err();
    assert!(
        matches!(&err, Error::UnknownModel(UnknownModel { modelId }) if *modelId == u(9)),
        "{err:?}"
    );

    registry
        .sender(license.address())
        .move_model(id, carol)
        .motsu_unwrap();
    registry.assert_emitted(&ModelHolderChanged {
        modelId: id,
        from: bob,
        to: carol,
        splitId: split,
    });
    assert_eq!(registry.sender(alice).model(id).motsu_unwrap().0, carol);
    // A new version of the model's split pays the new holder alone.
    assert_eq!(splitter.sender(alice).updates.get(split), u(1));
    assert_eq!(splitter.sender(alice).first_recipient.get(split), carol);
    assert_eq!(splitter.sender(alice).recipient_count.get(split), u(1));

    // Control moved with the token.
    let err = registry
        .sender(bob)
        .update_model_contributors(id, vec![bob], vec![u(1)])
        .motsu_unwrap_err();
    assert!(
        matches!(&err, Error::NotModelOwner(NotModelOwner { modelId, account }) if *modelId == id && *account == bob),
        "{err:?}"
    );
    registry
        .sender(carol)
        .update_model_contributors(id, vec![carol], vec![u(1)])
        .motsu_unwrap();
}

#[motsu::test]
fn a_fine_tune_needs_a_fine_tune_license_on_a_model_it_does_not_hold(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    let base = model(&registry, bob, 50, Parents::default()).motsu_unwrap();
    let asset = tributary_abi::asset::model_asset(base);
    let missing = |err: Error, token: u64| {
        assert!(
            matches!(&err, Error::MissingModelLicense(MissingModelLicense { modelId, licenseId })
                if *modelId == base && *licenseId == u(token)),
            "{err:?}"
        );
    };
    // Carol does not hold `base`: license 0 is refused, and so is a license she does not hold.
    missing(
        model(&registry, carol, 51, Parents::default().model(base, 1_000)).motsu_unwrap_err(),
        0,
    );
    license_for(&license, 21, bob, asset, &[0], &[1_000]);
    missing(
        model(
            &registry,
            carol,
            51,
            Parents::default().licensed_model(base, 1_000, 21),
        )
        .motsu_unwrap_err(),
        21,
    );
    // Her license on the model's asset id with FINE_TUNE + DERIVATIVES is accepted; a license
    // for the same model without FINE_TUNE is not.
    license_for(&license, 22, carol, asset, &[0], &[1_000]);
    license.sender(alice).set_scope(
        u(22),
        u(tributary_abi::scope::INFERENCE | tributary_abi::scope::DERIVATIVES),
    );
    missing(
        model(
            &registry,
            carol,
            51,
            Parents::default().licensed_model(base, 1_000, 22),
        )
        .motsu_unwrap_err(),
        22,
    );
    license.sender(alice).set_scope(
        u(22),
        u(tributary_abi::scope::FINE_TUNE | tributary_abi::scope::DERIVATIVES),
    );
    let child = model(
        &registry,
        carol,
        51,
        Parents::default().licensed_model(base, 1_000, 22),
    )
    .motsu_unwrap();
    assert_eq!(
        registry
            .sender(alice)
            .parents(child)
            .motsu_unwrap()
            .licenses,
        vec![u(22)]
    );
    // The license array must cover the datasets and the models.
    let err = registry
        .sender(carol)
        .register_model(
            hash(52),
            "ipfs://m".into(),
            vec![],
            vec![],
            vec![],
            vec![base],
            vec![u(1_000)],
            vec![carol],
            vec![u(1)],
        )
        .motsu_unwrap_err();
    assert!(matches!(err, Error::LengthMismatch(_)), "{err:?}");
}

#[motsu::test]
fn the_holder_publishes_model_versions(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
    bob: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    let id = model(&registry, bob, 50, Parents::default()).motsu_unwrap();
    assert_eq!(
        registry
            .sender(alice)
            .model_version(id, u(1))
            .motsu_unwrap(),
        hash(50)
    );
    let unknown = |err: Error, version: u64| {
        assert!(
            matches!(&err, Error::UnknownVersion(e) if e.datasetId == tributary_abi::asset::model_asset(id) && e.version == u(version)),
            "{err:?}"
        );
    };
    unknown(
        registry
            .sender(alice)
            .model_version(id, u(2))
            .motsu_unwrap_err(),
        2,
    );
    unknown(
        registry
            .sender(alice)
            .model_version(id, u(0))
            .motsu_unwrap_err(),
        0,
    );

    let err = registry
        .sender(alice)
        .publish_model_version(id, hash(51), "ipfs://v2".into())
        .motsu_unwrap_err();
    assert!(
        matches!(&err, Error::NotModelOwner(NotModelOwner { modelId, account }) if *modelId == id && *account == alice),
        "{err:?}"
    );
    let err = registry
        .sender(bob)
        .publish_model_version(id, hash(50), "ipfs://v2".into())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::DuplicateHash(_)), "{err:?}");
    let err = registry
        .sender(bob)
        .publish_model_version(id, B256::ZERO, "ipfs://v2".into())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroHash(_)), "{err:?}");
    let err = registry
        .sender(bob)
        .publish_model_version(u(9), hash(51), "ipfs://v2".into())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownModel(_)), "{err:?}");

    assert_eq!(
        registry
            .sender(bob)
            .publish_model_version(id, hash(51), "ipfs://v2".into())
            .motsu_unwrap(),
        u(2)
    );
    registry.assert_emitted(&ModelVersionPublished {
        modelId: id,
        version: u(2),
        modelHash: hash(51),
        uri: "ipfs://v2".into(),
    });
    assert_eq!(
        registry
            .sender(alice)
            .model_version(id, u(2))
            .motsu_unwrap(),
        hash(51)
    );
    assert_eq!(registry.sender(alice).model(id).motsu_unwrap().2, hash(51));
    // A version's hash cannot register another model.
    let err = model(&registry, alice, 51, Parents::default()).motsu_unwrap_err();
    assert!(matches!(err, Error::DuplicateHash(_)), "{err:?}");
    // Versions do not touch datasets: a dataset's version count is its own.
    let d = dataset(&registry, alice, 60);
    assert_eq!(registry.sender(alice).dataset(d).motsu_unwrap().4, u(1));
}
