//! Merkle datasets (`registerMerkleDataset`) and handing a dataset's split over
//! (`handOverSplit`), against the real royalty splitter: its refusals come back as
//! [`Error::ExternalCallFailed`] carrying the splitter's own revert data, decoded here.

use alloy_sol_types::SolError;
use royalty_splitter::{
    accounting::MAX_TOTAL_SHARES,
    errors::{
        Error as SplitterError, SplitNotController, SplitTotalSharesTooLarge, SplitZeroRoot,
        SplitZeroShares,
    },
    events::{SplitControllerChanged, SplitCreated, SplitMerkleRootSet},
    RoyaltySplitter,
};

use super::*;
use crate::events::{ContributorsUpdated, DatasetRegistered};

/// The Merkle root of the test datasets.
const ROOT: B256 = B256::repeat_byte(0xaa);
/// Another root (a later version).
const OTHER_ROOT: B256 = B256::repeat_byte(0xbb);
/// The URI of the test datasets.
const URI: &str = "ipfs://merkle";

/// Deploys the splitter (owned by `owner`) and the registry on it.
fn deploy_on_splitter(
    registry: &Contract<AttributionRegistry>,
    splitter: &Contract<RoyaltySplitter>,
    owner: Address,
) {
    splitter.sender(owner).constructor(owner).motsu_unwrap();
    registry
        .sender(owner)
        .constructor(owner, splitter.address())
        .motsu_unwrap();
}

/// `registerMerkleDataset(hash(content), URI, root, total)` as `owner`.
fn merkle_dataset(
    registry: &Contract<AttributionRegistry>,
    owner: Address,
    content: u8,
    root: B256,
    total: U256,
) -> Result<U256, Error> {
    registry
        .sender(owner)
        .register_merkle_dataset(hash(content), URI.into(), root, total)
}

/// `a` and `b` in ascending order (the splitter wants listed recipients sorted).
fn sorted(a: Address, b: Address) -> (Address, Address) {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

/// The revert data of `err`, which must be [`Error::ExternalCallFailed`] from `splitter`.
fn splitter_revert(err: Error, splitter: Address) -> Vec<u8> {
    match err {
        Error::ExternalCallFailed(e) if e.target == splitter => e.reason.to_vec(),
        other => panic!("expected ExternalCallFailed from the splitter, got {other:?}"),
    }
}

/// Asserts `reason` is exactly the splitter's encoding of `expected`.
fn assert_splitter_error(reason: &[u8], expected: impl Into<SplitterError>) {
    let expected: Vec<u8> = expected.into().into();
    assert_eq!(reason, expected.as_slice());
}

#[motsu::test]
fn registers_merkle_datasets_as_merkle_splits_controlled_by_the_registry(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<RoyaltySplitter>,
    alice: Address,
    bob: Address,
) {
    deploy_on_splitter(&registry, &splitter, alice);
    let id = merkle_dataset(&registry, alice, 1, ROOT, u(1_000)).motsu_unwrap();
    assert_eq!(id, u(1));
    registry.assert_emitted(&DatasetRegistered {
        datasetId: id,
        owner: alice,
        contentHash: hash(1),
        splitId: u(1),
        uri: URI.into(),
    });
    splitter.assert_emitted(&SplitCreated {
        split_id: u(1),
        creator: registry.address(),
        controller: registry.address(),
    });
    splitter.assert_emitted(&SplitMerkleRootSet {
        split_id: u(1),
        version: 0,
        root: ROOT,
        total_shares: u(1_000),
    });
    // Version 0 of the split is a Merkle version: that root and total, nobody registered yet,
    // no listed recipients; the registry controls it.
    assert_eq!(
        splitter.sender(bob).version_info(u(1), 0),
        (ROOT, u(1_000), U256::ZERO, 0)
    );
    let (controller, version, _) = splitter.sender(bob).split_info(u(1));
    assert_eq!((controller, version), (registry.address(), 0));
    assert_eq!(
        registry.sender(bob).dataset(id).motsu_unwrap(),
        (alice, Address::ZERO, u(1), hash(1), u(1))
    );
    assert_eq!(registry.sender(bob).dataset_listing(id), (alice, u(1)));
    assert_eq!(
        registry
            .sender(bob)
            .dataset_version(id, u(1))
            .motsu_unwrap(),
        hash(1)
    );

    // Listed and Merkle datasets share the ids and the registry's other rules; the largest
    // total the splitter accepts (2^64 - 1) goes through.
    let (contributors, weights) = solo(bob);
    let listed = registry
        .sender(bob)
        .register_dataset(hash(2), "ipfs://data".into(), contributors, weights)
        .motsu_unwrap();
    assert_eq!(listed, u(2));
    assert_eq!(
        splitter.sender(bob).version_info(u(2), 0),
        (B256::ZERO, u(1), U256::ZERO, 1)
    );
    let largest = merkle_dataset(&registry, bob, 3, OTHER_ROOT, MAX_TOTAL_SHARES).motsu_unwrap();
    assert_eq!(largest, u(3));
    assert_eq!(registry.sender(bob).dataset_listing(largest), (bob, u(3)));
    assert_eq!(
        splitter.sender(bob).version_info(u(3), 0),
        (OTHER_ROOT, MAX_TOTAL_SHARES, U256::ZERO, 0)
    );
    // The owner publishes versions of a Merkle dataset as of any other.
    let version = registry
        .sender(alice)
        .publish_version(id, hash(4), "ipfs://v2".into())
        .motsu_unwrap();
    assert_eq!(version, u(2));
}

#[motsu::test]
fn register_merkle_dataset_surfaces_the_splitters_refusals(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<RoyaltySplitter>,
    alice: Address,
) {
    deploy_on_splitter(&registry, &splitter, alice);

    let err = merkle_dataset(&registry, alice, 1, B256::ZERO, u(10)).motsu_unwrap_err();
    let reason = splitter_revert(err, splitter.address());
    SplitZeroRoot::abi_decode(&reason, true).unwrap();
    assert_splitter_error(&reason, SplitZeroRoot {});

    let err = merkle_dataset(&registry, alice, 1, ROOT, U256::ZERO).motsu_unwrap_err();
    let reason = splitter_revert(err, splitter.address());
    let decoded = SplitZeroShares::abi_decode(&reason, true).unwrap();
    assert_eq!(decoded.index, U256::ZERO);
    assert_splitter_error(&reason, SplitZeroShares { index: U256::ZERO });

    for total in [MAX_TOTAL_SHARES + u(1), U256::MAX] {
        let err = merkle_dataset(&registry, alice, 1, ROOT, total).motsu_unwrap_err();
        let reason = splitter_revert(err, splitter.address());
        let decoded = SplitTotalSharesTooLarge::abi_decode(&reason, true).unwrap();
        assert_eq!(decoded.max, MAX_TOTAL_SHARES);
        assert_splitter_error(
            &reason,
            SplitTotalSharesTooLarge {
                max: MAX_TOTAL_SHARES,
            },
        );
    }

    // Nothing was kept: no dataset, no split, and the content hash is still free.
    assert_eq!(registry.sender(alice).dataset_owner(u(1)), Address::ZERO);
    assert_eq!(splitter.sender(alice).split_count(), U256::ZERO);
    let id = merkle_dataset(&registry, alice, 1, ROOT, u(10)).motsu_unwrap();
    assert_eq!(id, u(1));
    assert_eq!(registry.sender(alice).dataset_split(id), u(1));
}

#[motsu::test]
fn register_merkle_dataset_rejects_zero_and_duplicate_hashes(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<RoyaltySplitter>,
    alice: Address,
    bob: Address,
) {
    deploy_on_splitter(&registry, &splitter, alice);
    let merkle = merkle_dataset(&registry, alice, 1, ROOT, u(10)).motsu_unwrap();
    let (contributors, weights) = solo(bob);
    let listed = registry
        .sender(bob)
        .register_dataset(hash(2), "ipfs://data".into(), contributors.clone(), weights)
        .motsu_unwrap();
    registry
        .sender(alice)
        .publish_version(merkle, hash(3), "ipfs://v2".into())
        .motsu_unwrap();

    // A content hash belongs to one dataset, listed or Merkle, whichever version published it.
    for (content, existing) in [(1, merkle), (2, listed), (3, merkle)] {
        let err = merkle_dataset(&registry, bob, content, OTHER_ROOT, u(5)).motsu_unwrap_err();
        assert!(
            matches!(&err, Error::DuplicateHash(e)
                if e.hash == hash(content) && e.existingId == existing),
            "{err:?}"
        );
    }
    let err = registry
        .sender(bob)
        .register_dataset(hash(1), "x".into(), contributors, vec![u(1)])
        .motsu_unwrap_err();
    assert!(
        matches!(&err, Error::DuplicateHash(e) if e.hash == hash(1) && e.existingId == merkle),
        "{err:?}"
    );

    // The hash is checked before the splitter is called: a zero hash with a root the splitter
    // would refuse is still `ZeroHash`.
    let err = registry
        .sender(bob)
        .register_merkle_dataset(B256::ZERO, URI.into(), OTHER_ROOT, u(5))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroHash(_)), "{err:?}");
    let err = registry
        .sender(bob)
        .register_merkle_dataset(B256::ZERO, URI.into(), B256::ZERO, U256::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroHash(_)), "{err:?}");
    assert_eq!(splitter.sender(bob).split_count(), u(2));
    assert_eq!(registry.sender(bob).dataset_owner(u(3)), Address::ZERO);
}

#[motsu::test]
fn hand_over_split_is_for_the_dataset_owner_of_a_known_dataset(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<RoyaltySplitter>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy_on_splitter(&registry, &splitter, alice);
    let id = merkle_dataset(&registry, alice, 1, ROOT, u(10)).motsu_unwrap();

    let err = registry
        .sender(bob)
        .hand_over_split(id, bob)
        .motsu_unwrap_err();
    assert!(
        matches!(&err, Error::NotDatasetOwner(e) if e.datasetId == id && e.account == bob),
        "{err:?}"
    );
    for unknown in [U256::ZERO, u(2), U256::MAX] {
        let err = registry
            .sender(alice)
            .hand_over_split(unknown, carol)
            .motsu_unwrap_err();
        assert!(
            matches!(&err, Error::UnknownDataset(e) if e.datasetId == unknown),
            "{err:?}"
        );
    }
    // A pending owner is not the owner yet.
    registry
        .sender(alice)
        .transfer_dataset_ownership(id, bob)
        .motsu_unwrap();
    let err = registry
        .sender(bob)
        .hand_over_split(id, bob)
        .motsu_unwrap_err();
    assert!(
        matches!(&err, Error::NotDatasetOwner(e) if e.datasetId == id && e.account == bob),
        "{err:?}"
    );
    assert_eq!(
        splitter.sender(alice).split_info(u(1)).0,
        registry.address()
    );

    // Once accepted, the new owner may hand it over (and the previous one may not).
    registry
        .sender(bob)
        .accept_dataset_ownership(id)
        .motsu_unwrap();
    let err = registry
        .sender(alice)
        .hand_over_split(id, alice)
        .motsu_unwrap_err();
    assert!(
        matches!(&err, Error::NotDatasetOwner(e) if e.datasetId == id && e.account == alice),
        "{err:?}"
    );
    registry
        .sender(bob)
        .hand_over_split(id, carol)
        .motsu_unwrap();
    assert_eq!(splitter.sender(alice).split_info(u(1)).0, carol);
}

#[motsu::test]
fn a_handed_over_split_is_updated_by_its_new_controller_only(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<RoyaltySplitter>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    deploy_on_splitter(&registry, &splitter, alice);
    let (low, high) = sorted(alice, bob);
    let id = registry
        .sender(alice)
        .register_dataset(
            hash(1),
            "ipfs://data".into(),
            vec![low, high],
            vec![u(1), u(1)],
        )
        .motsu_unwrap();
    let split = registry.sender(alice).dataset_split(id);
    // Before the hand-over the owner updates through the registry (version 1).
    registry
        .sender(alice)
        .update_contributors(id, vec![bob], vec![u(2)])
        .motsu_unwrap();
    registry.assert_emitted(&ContributorsUpdated {
        datasetId: id,
        splitId: split,
    });
    assert_eq!(splitter.sender(alice).split_info(split).1, 1);

    registry
        .sender(alice)
        .hand_over_split(id, carol)
        .motsu_unwrap();
    splitter.assert_emitted(&SplitControllerChanged {
        split_id: split,
        previous: registry.address(),
        controller: carol,
    });
    assert_eq!(
        splitter.sender(alice).split_info(split),
        (carol, 1, Address::ZERO)
    );

    // The registry no longer controls the split: the owner's update is the splitter's
    // `NotController` (of the registry, the splitter's caller), and so is a second hand-over.
    let err = registry
        .sender(alice)
        .update_contributors(id, vec![bob], vec![u(3)])
        .motsu_unwrap_err();
    let reason = splitter_revert(err, splitter.address());
    let decoded = SplitNotController::abi_decode(&reason, true).unwrap();
    assert_eq!(
        (decoded.split_id, decoded.account),
        (split, registry.address())
    );
    assert_splitter_error(
        &reason,
        SplitNotController {
            split_id: split,
            account: registry.address(),
        },
    );
    let err = registry
        .sender(alice)
        .hand_over_split(id, alice)
        .motsu_unwrap_err();
    let reason = splitter_revert(err, splitter.address());
    assert_splitter_error(
        &reason,
        SplitNotController {
            split_id: split,
            account: registry.address(),
        },
    );
    assert_eq!(splitter.sender(alice).split_info(split).1, 1);

    // The new controller updates the split on the splitter: listed (version 2), then Merkle
    // (version 3).
    splitter
        .sender(carol)
        .update_split(split, vec![low, high], vec![u(3), u(7)])
        .motsu_unwrap();
    assert_eq!(splitter.sender(alice).split_info(split).1, 2);
    assert_eq!(splitter.sender(alice).shares_of(split, 2, high), u(7));
    splitter
        .sender(carol)
        .update_merkle_split(split, ROOT, u(40))
        .motsu_unwrap();
    assert_eq!(
        splitter.sender(alice).version_info(split, 3),
        (ROOT, u(40), U256::ZERO, 0)
    );
    // Nobody else does (the dataset owner included).
    let err = splitter
        .sender(alice)
        .update_merkle_split(split, OTHER_ROOT, u(1))
        .motsu_unwrap_err();
    assert!(
        matches!(&err, SplitterError::NotController(e)
            if e.split_id == split && e.account == alice),
        "{err:?}"
    );

    // Only the new controller hands it back; then the registry's updates work again.
    splitter
        .sender(carol)
        .set_split_controller(split, registry.address())
        .motsu_unwrap();
    registry
        .sender(alice)
        .update_contributors(id, vec![alice], vec![u(1)])
        .motsu_unwrap();
    assert_eq!(splitter.sender(alice).split_info(split).1, 4);
}

#[motsu::test]
fn a_merkle_split_handed_to_zero_is_permanent(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<RoyaltySplitter>,
    alice: Address,
) {
    deploy_on_splitter(&registry, &splitter, alice);
    let id = merkle_dataset(&registry, alice, 1, ROOT, u(10)).motsu_unwrap();
    let split = registry.sender(alice).dataset_split(id);
    registry
        .sender(alice)
        .hand_over_split(id, Address::ZERO)
        .motsu_unwrap();
    splitter.assert_emitted(&SplitControllerChanged {
        split_id: split,
        previous: registry.address(),
        controller: Address::ZERO,
    });
    let err = registry
        .sender(alice)
        .update_contributors(id, vec![alice], vec![u(1)])
        .motsu_unwrap_err();
    let reason = splitter_revert(err, splitter.address());
    assert_splitter_error(
        &reason,
        SplitNotController {
            split_id: split,
            account: registry.address(),
        },
    );
    assert_eq!(
        splitter.sender(alice).version_info(split, 0),
        (ROOT, u(10), U256::ZERO, 0)
    );
    assert_eq!(splitter.sender(alice).split_info(split).0, Address::ZERO);
}
