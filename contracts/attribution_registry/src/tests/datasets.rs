//! Datasets: registration, versions, ownership, contributors, views.

use super::*;
use crate::events::{
    ContributorsUpdated, DatasetOwnershipTransferStarted, DatasetOwnershipTransferred,
    DatasetRegistered, VersionPublished,
};

#[motsu::test]
fn registers_datasets_with_splits_controlled_by_the_registry(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
    bob: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    let first = dataset(&registry, alice, 1);
    let second = dataset(&registry, bob, 2);
    assert_eq!((first, second), (u(1), u(2)));

    registry.assert_emitted(&DatasetRegistered {
        datasetId: u(1),
        owner: alice,
        contentHash: hash(1),
        splitId: u(1),
        uri: "ipfs://data".into(),
    });
    assert_eq!(registry.sender(bob).dataset_owner(second), bob);
    assert_eq!(registry.sender(bob).dataset_split(second), u(2));
    assert_eq!(registry.sender(bob).dataset_listing(second), (bob, u(2)));
    assert_eq!(
        splitter.sender(bob).controller.get(u(2)),
        registry.address()
    );
    assert_eq!(splitter.sender(bob).first_recipient.get(u(2)), bob);
    assert_eq!(
        registry.sender(bob).dataset(first).motsu_unwrap(),
        (alice, Address::ZERO, u(1), hash(1), u(1))
    );
    // Unknown ids read as zero through the cross-contract views.
    assert_eq!(registry.sender(bob).dataset_owner(u(9)), Address::ZERO);
    assert_eq!(registry.sender(bob).dataset_split(u(9)), U256::ZERO);
    assert_eq!(
        registry.sender(bob).dataset_listing(u(9)),
        (Address::ZERO, U256::ZERO)
    );
}

#[motsu::test]
fn register_dataset_rejects_bad_input(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
    bob: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    dataset(&registry, alice, 1);
    let (contributors, weights) = solo(bob);

    let err = registry
        .sender(bob)
        .register_dataset(hash(1), "x".into(), contributors.clone(), weights.clone())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::DuplicateHash(e) if e.hash == hash(1) && e.existingId == u(1)));

    let err = registry
        .sender(bob)
        .register_dataset(
            B256::ZERO,
            "x".into(),
            contributors.clone(),
            weights.clone(),
        )
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroHash(_)));

    let err = registry
        .sender(bob)
        .register_dataset(hash(2), "x".into(), contributors, vec![u(1), u(2)])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::LengthMismatch(e) if e.expected == u(1) && e.actual == u(2)));

    // The splitter's own rule (sorted, unique recipients) comes back with its revert data.
    let (low, high) = if alice < bob {
        (alice, bob)
    } else {
        (bob, alice)
    };
    let err = registry
        .sender(bob)
        .register_dataset(hash(2), "x".into(), vec![high, low], vec![u(1), u(1)])
        .motsu_unwrap_err();
    let expected: Vec<u8> = doubles::DoubleError::from(doubles::BadRecipients {}).into();
    assert!(matches!(err, Error::ExternalCallFailed(e)
        if e.target == splitter.address() && e.reason.as_ref() == expected.as_slice()));
    assert_eq!(registry.sender(bob).dataset_owner(u(2)), Address::ZERO);
}

#[motsu::test]
fn owner_publishes_versions(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
    bob: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    let id = dataset(&registry, alice, 1);
    let other = dataset(&registry, bob, 2);

    let version = registry
        .sender(alice)
        .publish_version(id, hash(3), "ipfs://v2".into())
        .motsu_unwrap();
    assert_eq!(version, u(2));
    registry.assert_emitted(&VersionPublished {
        datasetId: id,
        version: u(2),
        contentHash: hash(3),
        uri: "ipfs://v2".into(),
    });
    assert_eq!(
        registry
            .sender(bob)
            .dataset_version(id, u(1))
            .motsu_unwrap(),
        hash(1)
    );
    assert_eq!(
        registry
            .sender(bob)
            .dataset_version(id, u(2))
            .motsu_unwrap(),
        hash(3)
    );
    assert_eq!(
        registry.sender(bob).dataset(id).motsu_unwrap(),
        (alice, Address::ZERO, u(1), hash(3), u(2))
    );

    let err = registry
        .sender(bob)
        .publish_version(id, hash(4), "x".into())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotDatasetOwner(e) if e.datasetId == id && e.account == bob));
    let err = registry
        .sender(alice)
        .publish_version(u(7), hash(4), "x".into())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownDataset(e) if e.datasetId == u(7)));
    // A content hash belongs to one dataset, whichever version published it.
    let err = registry
        .sender(bob)
        .publish_version(other, hash(3), "x".into())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::DuplicateHash(e) if e.existingId == id));
    let err = registry
        .sender(alice)
        .publish_version(id, B256::ZERO, "x".into())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroHash(_)));
}

#[motsu::test]
fn dataset_views_reject_unknown_ids_and_versions(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    let id = dataset(&registry, alice, 1);
    for bad in [U256::ZERO, u(2), U256::MAX] {
        let err = registry
            .sender(alice)
            .dataset_version(id, bad)
            .motsu_unwrap_err();
        assert!(matches!(err, Error::UnknownVersion(e) if e.version == bad));
    }
    let err = registry
        .sender(alice)
        .dataset_version(u(5), u(1))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownDataset(_)));
    let err = registry.sender(alice).dataset(u(5)).motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownDataset(_)));
}

#[motsu::test]
fn dataset_ownership_moves_in_two_steps(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    let id = dataset(&registry, alice, 1);

    let err = registry
        .sender(bob)
        .transfer_dataset_ownership(id, bob)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotDatasetOwner(_)));
    let err = registry
        .sender(alice)
        .transfer_dataset_ownership(u(9), bob)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownDataset(_)));

    registry
        .sender(alice)
        .transfer_dataset_ownership(id, bob)
        .motsu_unwrap();
    registry.assert_emitted(&DatasetOwnershipTransferStarted {
        datasetId: id,
        previousOwner: alice,
        newOwner: bob,
    });
    assert_eq!(registry.sender(carol).dataset(id).motsu_unwrap().1, bob);
    // Still alice's until accepted.
    assert_eq!(registry.sender(carol).dataset_owner(id), alice);

    let err = registry
        .sender(carol)
        .accept_dataset_ownership(id)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotPendingOwner(e) if e.id == id && e.account == carol));
    let err = registry
        .sender(bob)
        .accept_dataset_ownership(u(9))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownDataset(_)));

    registry
        .sender(bob)
        .accept_dataset_ownership(id)
        .motsu_unwrap();
    registry.assert_emitted(&DatasetOwnershipTransferred {
        datasetId: id,
        previousOwner: alice,
        newOwner: bob,
    });
    assert_eq!(registry.sender(carol).dataset_owner(id), bob);
    assert_eq!(
        registry.sender(carol).dataset(id).motsu_unwrap().1,
        Address::ZERO
    );
    // Owner and split share a word: the new owner keeps the dataset's split.
    let split = registry.sender(carol).dataset(id).motsu_unwrap().2;
    assert!(!split.is_zero());
    assert_eq!(registry.sender(carol).dataset_split(id), split);
    assert_eq!(registry.sender(carol).dataset_listing(id), (bob, split));
    let err = registry
        .sender(alice)
        .publish_version(id, hash(2), "x".into())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotDatasetOwner(_)));
    // The offer is spent.
    let err = registry
        .sender(bob)
        .accept_dataset_ownership(id)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotPendingOwner(_)));
}

#[motsu::test]
fn owner_updates_contributors_through_the_registry(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
    bob: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    let id = dataset(&registry, alice, 1);
    let (low, high) = if alice < bob {
        (alice, bob)
    } else {
        (bob, alice)
    };

    registry
        .sender(alice)
        .update_contributors(id, vec![low, high], vec![u(60), u(40)])
        .motsu_unwrap();
    registry.assert_emitted(&ContributorsUpdated {
        datasetId: id,
        splitId: u(1),
    });
    assert_eq!(splitter.sender(alice).updates.get(u(1)), u(1));
    assert_eq!(splitter.sender(alice).recipient_count.get(u(1)), u(2));

    let err = registry
        .sender(bob)
        .update_contributors(id, vec![bob], vec![u(1)])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotDatasetOwner(_)));
    let err = registry
        .sender(alice)
        .update_contributors(id, vec![bob], vec![])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::LengthMismatch(_)));
    let err = registry
        .sender(alice)
        .update_contributors(u(4), vec![bob], vec![u(1)])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownDataset(_)));
    let err = registry
        .sender(alice)
        .update_contributors(id, vec![high, low], vec![u(1), u(1)])
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ExternalCallFailed(_)));
}
