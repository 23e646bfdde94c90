//! Opening a Datanet (`configureDatanet`), reconfiguring it, its evaluators, and closing it
//! (`closeDatanet`), which hands the split back.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolError;
use motsu::prelude::*;
use royalty_splitter::errors::SplitNotController;

use super::*;
use crate::{
    errors::{
        DatanetNotOpen, Error, ExternalCallFailed, InvalidConfiguration, NotDatasetOwner,
        SplitNotHandedOver, StakeTokenFixed, UnknownDataset,
    },
    events::{DatanetClosed, DatanetConfigured, EvaluatorSet},
};

#[motsu::test]
fn constructor_reads_the_splitter_from_the_registry() {
    let world = World::deployed();
    assert_eq!(
        world.datanets.sender(STRANGER).registry(),
        world.registry.address()
    );
    assert_eq!(
        world.datanets.sender(STRANGER).splitter(),
        world.splitter.address()
    );
    assert_eq!(
        world.datanets.sender(STRANGER).contribution_count(),
        U256::ZERO
    );
}

#[motsu::test]
fn constructor_rejects_a_zero_registry_and_one_that_does_not_answer(
    datanets: Contract<Datanets>,
    not_a_registry: Contract<Wallet>,
) {
    let err = datanets
        .sender(ADMIN)
        .constructor(Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidConfiguration(InvalidConfiguration {})
    ));
    // A contract without `splitter()`: the call reverts (motsu's "function not found").
    let err = datanets
        .sender(ADMIN)
        .constructor(not_a_registry.address())
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::ExternalCallFailed(ExternalCallFailed { target, .. })
            if target == not_a_registry.address()),
        "{err:?}"
    );
    assert_eq!(datanets.sender(STRANGER).registry(), Address::ZERO);
}

#[motsu::test]
fn configure_opens_the_datanet_and_emits_datanet_configured() {
    let world = World::handed_over();
    assert_eq!(
        world.datanet(world.dataset),
        (Address::ZERO, Address::ZERO, U256::ZERO, 0, 0, 0, 0, false)
    );
    world
        .datanets
        .sender(OWNER)
        .configure_datanet(
            world.dataset,
            CURATOR,
            NATIVE,
            STAKE,
            REVIEW_WINDOW,
            STAKE_LOCK,
            VETO_WINDOW,
        )
        .motsu_unwrap();
    world.datanets.assert_emitted(&DatanetConfigured {
        datasetId: world.dataset,
        curator: CURATOR,
        stakeToken: NATIVE,
        stake: STAKE,
        reviewWindow: REVIEW_WINDOW,
        stakeLock: STAKE_LOCK,
        vetoWindow: VETO_WINDOW,
    });
    assert_eq!(
        world.datanet(world.dataset),
        (
            CURATOR,
            NATIVE,
            STAKE,
            REVIEW_WINDOW,
            STAKE_LOCK,
            VETO_WINDOW,
            0,
            true
        )
    );
    // A zero stake lock and a zero stake are allowed (only the two windows must be set).
    world
        .datanets
        .sender(OWNER)
        .configure_datanet(world.dataset, Address::ZERO, NATIVE, U256::ZERO, 1, 0, 1)
        .motsu_unwrap();
    assert_eq!(
        world.datanet(world.dataset),
        (Address::ZERO, NATIVE, U256::ZERO, 1, 0, 1, 0, true)
    );
}

#[motsu::test]
fn configure_is_for_the_owner_of_a_known_dataset() {
    let world = World::handed_over();
    let err = world
        .datanets
        .sender(STRANGER)
        .configure_datanet(
            world.dataset,
            STRANGER,
            NATIVE,
            STAKE,
            REVIEW_WINDOW,
            STAKE_LOCK,
            VETO_WINDOW,
        )
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NotDatasetOwner(NotDatasetOwner { datasetId, account })
            if datasetId == world.dataset && account == STRANGER),
        "{err:?}"
    );
    let unknown = U256::from(99);
    let err = world.configure(unknown, NATIVE, STAKE).motsu_unwrap_err();
    assert!(
        matches!(err, Error::UnknownDataset(UnknownDataset { datasetId }) if datasetId == unknown),
        "{err:?}"
    );
    assert!(!world.datanet(world.dataset).7);
}

#[motsu::test]
fn configure_before_the_hand_over_is_split_not_handed_over() {
    let world = World::registered();
    let err = world
        .configure(world.dataset, NATIVE, STAKE)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::SplitNotHandedOver(SplitNotHandedOver { datasetId, splitId, controller })
            if datasetId == world.dataset && splitId == world.split
                && controller == world.registry.address()),
        "{err:?}"
    );
    world.hand_over(world.dataset);
    world.configure(world.dataset, NATIVE, STAKE).motsu_unwrap();
    assert!(world.datanet(world.dataset).7);
}

#[motsu::test]
fn configure_rejects_zero_windows_and_stakes_of_2_pow_128() {
    let world = World::handed_over();
    let two_pow_128 = U256::from(1) << 128;
    let cases: [(&str, U256, u32, u32); 3] = [
        ("zero review window", STAKE, 0, VETO_WINDOW),
        ("zero veto window", STAKE, REVIEW_WINDOW, 0),
        ("stake of 2^128", two_pow_128, REVIEW_WINDOW, VETO_WINDOW),
    ];
    for (name, stake, review, veto) in cases {
        let err = world
            .datanets
            .sender(OWNER)
            .configure_datanet(
                world.dataset,
                CURATOR,
                NATIVE,
                stake,
                review,
                STAKE_LOCK,
                veto,
            )
            .motsu_expect_err(name);
        assert!(
            matches!(err, Error::InvalidConfiguration(InvalidConfiguration {})),
            "{name}: {err:?}"
        );
        assert!(!world.datanet(world.dataset).7, "{name}");
    }
    // 2^128 - 1 is the largest stake.
    world
        .configure(world.dataset, NATIVE, two_pow_128 - U256::from(1))
        .motsu_unwrap();
    assert_eq!(world.datanet(world.dataset).2, two_pow_128 - U256::from(1));
}

#[motsu::test]
fn reconfiguring_keeps_the_stake_token() {
    let world = World::native();
    // Native is a token too: a Datanet opened with native stakes cannot switch to an ERC-20.
    let err = world
        .configure(world.dataset, world.token.address(), STAKE)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::StakeTokenFixed(StakeTokenFixed { datasetId, current })
            if datasetId == world.dataset && current == NATIVE),
        "{err:?}"
    );
    // The same token with new amounts and windows works.
    world
        .datanets
        .sender(OWNER)
        .configure_datanet(
            world.dataset,
            STRANGER,
            NATIVE,
            STAKE * U256::from(2),
            10,
            20,
            30,
        )
        .motsu_unwrap();
    assert_eq!(
        world.datanet(world.dataset),
        (STRANGER, NATIVE, STAKE * U256::from(2), 10, 20, 30, 0, true)
    );

    let world = World::erc20();
    let other = Contract::<TestToken>::new();
    for token in [NATIVE, other.address()] {
        let err = world
            .configure(world.dataset, token, STAKE)
            .motsu_unwrap_err();
        assert!(
            matches!(err, Error::StakeTokenFixed(StakeTokenFixed { datasetId, current })
                if datasetId == world.dataset && current == world.token.address()),
            "{err:?}"
        );
    }
    world
        .configure(world.dataset, world.token.address(), STAKE + U256::from(1))
        .motsu_unwrap();
    assert_eq!(world.datanet(world.dataset).2, STAKE + U256::from(1));
}

#[motsu::test]
fn the_owner_allows_and_removes_evaluators() {
    let world = World::native();
    let evaluator = world.evaluator.address();
    assert!(world
        .datanets
        .sender(STRANGER)
        .is_evaluator(world.dataset, evaluator));
    world.datanets.assert_emitted(&EvaluatorSet {
        datasetId: world.dataset,
        evaluator,
        allowed: true,
    });
    let err = world
        .datanets
        .sender(STRANGER)
        .set_evaluator(world.dataset, STRANGER, true)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NotDatasetOwner(NotDatasetOwner { datasetId, account })
            if datasetId == world.dataset && account == STRANGER),
        "{err:?}"
    );
    let err = world
        .datanets
        .sender(OWNER)
        .set_evaluator(U256::from(99), STRANGER, true)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::UnknownDataset(UnknownDataset { datasetId }) if datasetId == U256::from(99)),
        "{err:?}"
    );
    world
        .datanets
        .sender(OWNER)
        .set_evaluator(world.dataset, evaluator, false)
        .motsu_unwrap();
    world.datanets.assert_emitted(&EvaluatorSet {
        datasetId: world.dataset,
        evaluator,
        allowed: false,
    });
    assert!(!world
        .datanets
        .sender(STRANGER)
        .is_evaluator(world.dataset, evaluator));
    assert!(!world
        .datanets
        .sender(STRANGER)
        .is_evaluator(world.dataset, STRANGER));
}

#[motsu::test]
fn closing_hands_the_split_back_and_stops_contributions_and_reports(
    alice: Contract<Wallet>,
    bob: Contract<Wallet>,
) {
    let world = World::native();
    let registry = world.registry.address();
    // While the Datanets contract controls the split, the registry cannot update it.
    let members = vec![world.a.address()];
    let err = world
        .registry
        .sender(OWNER)
        .update_contributors(world.dataset, members.clone(), vec![U256::from(1)])
        .motsu_unwrap_err();
    let refused = SplitNotController {
        split_id: world.split,
        account: registry,
    };
    assert!(
        matches!(&err, RegistryError::ExternalCallFailed(e)
            if e.target == world.splitter.address()
                && e.reason.as_ref() == refused.abi_encode().as_slice()),
        "{err:?}"
    );

    let accepted = world.contribute(alice.address());
    let pending = world.contribute(bob.address());
    world
        .review(accepted, tributary_abi::attribution::verdict::ACCEPT)
        .motsu_unwrap();
    let weights = Weights::new(&[(alice.address(), 1)]);
    world
        .post(&report(world.dataset, 1, &weights))
        .motsu_unwrap();

    // Only the owner closes.
    let err = world
        .datanets
        .sender(STRANGER)
        .close_datanet(world.dataset, registry)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NotDatasetOwner(NotDatasetOwner { datasetId, account })
            if datasetId == world.dataset && account == STRANGER),
        "{err:?}"
    );
    world
        .datanets
        .sender(OWNER)
        .close_datanet(world.dataset, registry)
        .motsu_unwrap();
    world.datanets.assert_emitted(&DatanetClosed {
        datasetId: world.dataset,
        controller: registry,
    });
    assert_eq!(
        world.splitter.sender(STRANGER).split_info(world.split),
        (registry, 0, Address::ZERO)
    );
    assert!(!world.datanet(world.dataset).7);
    // The pending report was dropped.
    assert_eq!(
        world
            .datanets
            .sender(STRANGER)
            .pending_report(world.dataset),
        (B256::ZERO, U256::ZERO, 0, B256::ZERO)
    );

    // The registry updates the contributors again.
    world
        .registry
        .sender(OWNER)
        .update_contributors(world.dataset, members, vec![U256::from(1)])
        .motsu_unwrap();
    assert_eq!(world.splitter.sender(STRANGER).split_info(world.split).1, 1);

    // No more contributions, reports or closing.
    let err = world
        .try_contribute(alice.address(), CONTENT)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::DatanetNotOpen(DatanetNotOpen { datasetId }) if datasetId == world.dataset),
        "{err:?}"
    );
    let err = world
        .post(&report(world.dataset, 1, &weights))
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::DatanetNotOpen(DatanetNotOpen { datasetId }) if datasetId == world.dataset),
        "{err:?}"
    );
    let err = world.try_activate(world.dataset).motsu_unwrap_err();
    assert!(
        matches!(err, Error::NoPendingReport(crate::errors::NoPendingReport { datasetId }) if datasetId == world.dataset),
        "{err:?}"
    );
    let err = world
        .datanets
        .sender(OWNER)
        .close_datanet(world.dataset, registry)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::DatanetNotOpen(DatanetNotOpen { datasetId }) if datasetId == world.dataset),
        "{err:?}"
    );

    // Stakes stay withdrawable; the pending contribution can still be reviewed.
    world
        .review(pending, tributary_abi::attribution::verdict::REJECT)
        .motsu_unwrap();
    let before = alice.balance();
    assert_eq!(world.withdraw(pending).motsu_unwrap(), STAKE);
    assert_eq!(bob.balance(), STAKE);
    advance(u64::from(STAKE_LOCK));
    assert_eq!(world.withdraw(accepted).motsu_unwrap(), STAKE);
    assert_eq!(alice.balance(), before + STAKE);
    assert_eq!(world.datanets.balance(), U256::ZERO);

    // Handed back, the Datanet reopens with the same token (and only with it).
    world.hand_over(world.dataset);
    let err = world
        .configure(world.dataset, world.token.address(), STAKE)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::StakeTokenFixed(StakeTokenFixed { datasetId, current })
            if datasetId == world.dataset && current == NATIVE),
        "{err:?}"
    );
    world.configure(world.dataset, NATIVE, STAKE).motsu_unwrap();
    assert!(world.datanet(world.dataset).7);
    world.contribute(alice.address());
}

#[motsu::test]
fn closing_an_unknown_or_never_opened_datanet_fails() {
    let world = World::handed_over();
    let err = world
        .datanets
        .sender(OWNER)
        .close_datanet(U256::from(99), OWNER)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::UnknownDataset(UnknownDataset { datasetId }) if datasetId == U256::from(99)),
        "{err:?}"
    );
    let err = world
        .datanets
        .sender(OWNER)
        .close_datanet(world.dataset, OWNER)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::DatanetNotOpen(DatanetNotOpen { datasetId }) if datasetId == world.dataset),
        "{err:?}"
    );
}
