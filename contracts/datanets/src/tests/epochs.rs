//! Revenue across epochs: what a split version received stays with that version's members
//! when a report installs new weights, and the members of a weights version claim with their
//! proofs on the splitter. A property test checks the splitter's books to the wei over random
//! deposits, slashed stakes and activations.

use alloc::{vec, vec::Vec};
use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use proptest::prelude::*;
use royalty_splitter::errors::{SplitInvalidProof, SplitNothingToWithdraw};
use tributary_abi::attribution::verdict;

use super::*;

#[motsu::test]
fn an_epoch_switch_mid_stream_pays_each_version_by_its_weights(
    c: Contract<Wallet>,
    d: Contract<Wallet>,
) {
    let world = World::native();
    let (a, b) = (world.a.address(), world.b.address());
    let half = ETH / U256::from(2);

    // Version 0: the registry's listed split, a and b 50/50.
    world.deposit(world.split, ETH);
    // Epoch 1: c 3, d 1.
    let weights = Weights::new(&[(c.address(), 3), (d.address(), 1)]);
    assert_eq!(world.activate(world.dataset, &weights), 1);
    world.deposit(world.split, ETH * U256::from(2));
    assert_eq!(
        world.split_balance(world.split, NATIVE),
        (ETH * U256::from(3), U256::ZERO)
    );

    // What version 0 received stays with a and b; they have nothing in version 1.
    for member in [a, b] {
        assert_eq!(world.claimable(world.split, 0, member, NATIVE), half);
        assert_eq!(world.claimable(world.split, 1, member, NATIVE), U256::ZERO);
        let paid = world
            .splitter
            .sender(STRANGER)
            .withdraw(world.split, 0, member, NATIVE)
            .motsu_unwrap();
        assert_eq!(paid, half);
    }
    assert_eq!(world.a.balance(), half);
    assert_eq!(world.b.balance(), half);

    // c and d claim version 1 with their proofs: 1.5 and 0.5 of the 2 ETH.
    let one_and_a_half = ETH + half;
    for (i, (member, expected)) in [(c.address(), one_and_a_half), (d.address(), half)]
        .into_iter()
        .enumerate()
    {
        let shares = weights.members[i].1;
        assert_eq!(
            world
                .splitter
                .sender(STRANGER)
                .accrued(world.split, 1, shares, NATIVE),
            expected
        );
        let paid = world
            .splitter
            .sender(STRANGER)
            .claim_merkle(world.split, 1, member, shares, weights.proof(i), NATIVE)
            .motsu_unwrap();
        assert_eq!(paid, expected);
    }
    assert_eq!(c.balance(), one_and_a_half);
    assert_eq!(d.balance(), half);
    assert_eq!(world.splitter.balance(), U256::ZERO);

    // A replayed claim: nothing left.
    let err = world
        .splitter
        .sender(STRANGER)
        .claim_merkle(
            world.split,
            1,
            c.address(),
            U256::from(3),
            weights.proof(0),
            NATIVE,
        )
        .motsu_unwrap_err();
    assert!(
        matches!(&err, SplitterError::NothingToWithdraw(SplitNothingToWithdraw { split_id, recipient, token })
            if *split_id == world.split && *recipient == c.address() && *token == NATIVE),
        "{err:?}"
    );
    // A claim with another weight than the leaf's (by a registered member, or a new one).
    for (i, member, wrong) in [(1, d.address(), 3u64), (0, c.address(), 4)] {
        let err = world
            .splitter
            .sender(STRANGER)
            .claim_merkle(
                world.split,
                1,
                member,
                U256::from(wrong),
                weights.proof(i),
                NATIVE,
            )
            .motsu_unwrap_err();
        assert!(
            matches!(&err, SplitterError::InvalidProof(SplitInvalidProof { split_id, recipient })
                if *split_id == world.split && *recipient == member),
            "{err:?}"
        );
    }
    // Version 0 is listed: c cannot claim from it with its proof of version 1.
    let err = world
        .splitter
        .sender(STRANGER)
        .claim_merkle(
            world.split,
            0,
            c.address(),
            U256::from(3),
            weights.proof(0),
            NATIVE,
        )
        .motsu_unwrap_err();
    assert!(
        matches!(&err, SplitterError::InvalidProof(SplitInvalidProof { recipient, .. }) if *recipient == c.address()),
        "{err:?}"
    );
}

#[motsu::test]
fn a_merkle_dataset_opens_a_datanet(e: Contract<Wallet>, f: Contract<Wallet>) {
    let world = World::deployed();
    // Version 0 is the registry's Merkle split: e 1, f 1.
    let initial = Weights::new(&[(e.address(), 1), (f.address(), 1)]);
    let dataset = world.register_merkle(7, &initial);
    let split = world.split_of(dataset);
    world.hand_over(dataset);
    world.open(dataset, NATIVE);
    world.deposit(split, ETH);
    // Epoch 1: f alone.
    let next = Weights::new(&[(f.address(), 5)]);
    assert_eq!(world.activate(dataset, &next), 1);
    world.deposit(split, ETH);

    let half = ETH / U256::from(2);
    let claim = |version: u32, weights: &Weights, i: usize| {
        let (member, shares) = weights.members[i];
        world
            .splitter
            .sender(STRANGER)
            .claim_merkle(split, version, member, shares, weights.proof(i), NATIVE)
            .motsu_unwrap()
    };
    assert_eq!(claim(0, &initial, 0), half);
    assert_eq!(claim(0, &initial, 1), half);
    assert_eq!(claim(1, &next, 0), ETH);
    assert_eq!(e.balance(), half);
    assert_eq!(f.balance(), half + ETH);
    assert_eq!(world.splitter.balance(), U256::ZERO);
}

#[motsu::test]
fn a_stake_flagged_after_an_activation_is_paid_by_the_new_weights(
    c: Contract<Wallet>,
    alice: Contract<Wallet>,
) {
    let world = World::native();
    // Submitted under version 0, flagged after epoch 1 opened version 1.
    let id = world.contribute(alice.address());
    let weights = Weights::new(&[(c.address(), 1)]);
    world.activate(world.dataset, &weights);
    // The review window (3 days) is still open after the veto window (2 days).
    world.review(id, verdict::FLAG).motsu_unwrap();
    assert_eq!(
        world
            .splitter
            .sender(STRANGER)
            .accrued(world.split, 1, U256::from(1), NATIVE),
        STAKE
    );
    assert_eq!(
        world.claimable(world.split, 0, world.a.address(), NATIVE),
        U256::ZERO
    );
    let paid = world
        .splitter
        .sender(STRANGER)
        .claim_merkle(
            world.split,
            1,
            c.address(),
            U256::from(1),
            weights.proof(0),
            NATIVE,
        )
        .motsu_unwrap();
    assert_eq!(paid, STAKE);
}

// ---------------------------------------------------------------- property test

/// Contributors a weights version draws from.
const POOL: usize = 8;

#[derive(Clone, Debug)]
enum Op {
    /// Revenue of `amount` wei into the split.
    Deposit(u64),
    /// A contribution's stake flagged into the split.
    Slash,
    /// The next epoch with these weights (pool index to weight).
    Activate(BTreeMap<usize, u64>),
}

fn weight() -> impl Strategy<Value = u64> {
    // Small weights (coarse rounding) and large ones (six of them stay below 2^64).
    prop_oneof![1u64..=10, 1u64..=(1 << 61)]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1u64..=1_000_000_000_000_000_007).prop_map(Op::Deposit),
        1 => Just(Op::Slash),
        2 => prop::collection::btree_map(0..POOL, weight(), 1..=6).prop_map(Op::Activate),
    ]
}

/// The test's record of a split version.
struct Version {
    /// `(member, shares)`.
    members: Vec<(Address, U256)>,
    /// The tree of a weights version; `None` for the listed version 0.
    weights: Option<Weights>,
    /// What the split received while this version was current.
    deposited: U256,
}

fn run(initial: BTreeMap<usize, u64>, stake: u64, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let world = World::deployed();
    let pool: Vec<Contract<Wallet>> = (0..POOL).map(|_| Contract::new()).collect();
    let listed: Vec<(Address, u64)> = initial
        .iter()
        .map(|(&i, &shares)| (pool[i].address(), shares))
        .collect();
    let dataset = world.register_listed(1, &listed);
    let split = world.split_of(dataset);
    world.hand_over(dataset);
    world
        .configure(dataset, NATIVE, U256::from(stake))
        .motsu_unwrap();
    world
        .datanets
        .sender(OWNER)
        .set_evaluator(dataset, world.evaluator.address(), true)
        .motsu_unwrap();
    let mut versions = vec![Version {
        members: listed.iter().map(|&(a, s)| (a, U256::from(s))).collect(),
        weights: None,
        deposited: U256::ZERO,
    }];
    let mut paid_in = U256::ZERO;

    for op in ops {
        let amount = match op {
            Op::Deposit(amount) => {
                let amount = U256::from(amount);
                world.deposit(split, amount);
                amount
            }
            Op::Slash => {
                let contributor = Address::repeat_byte(0x5c);
                contributor.fund(U256::from(stake));
                let id = world
                    .datanets
                    .sender_and_value(contributor, U256::from(stake))
                    .contribute(dataset, CONTENT, URI.into())
                    .motsu_unwrap();
                world
                    .datanets
                    .sender(CURATOR)
                    .review_contribution(id, verdict::FLAG, REASON)
                    .motsu_unwrap();
                U256::from(stake)
            }
            Op::Activate(set) => {
                let members: Vec<(Address, u64)> =
                    set.iter().map(|(&i, &w)| (pool[i].address(), w)).collect();
                let weights = Weights::new(&members);
                let version = world.activate(dataset, &weights);
                prop_assert_eq!(version as usize, versions.len());
                let epoch = world.epoch(dataset);
                prop_assert_eq!(
                    world
                        .datanets
                        .sender(STRANGER)
                        .epoch_split_version(dataset, epoch),
                    U256::from(version)
                );
                versions.push(Version {
                    members: weights.members.clone(),
                    weights: Some(weights),
                    deposited: U256::ZERO,
                });
                U256::ZERO
            }
        };
        versions.last_mut().unwrap().deposited += amount;
        paid_in += amount;
    }

    // The books: each version's members are owed at most what it received, less at most one
    // wei per member; the versions together received exactly what was paid in.
    let view = world.splitter.sender(STRANGER);
    prop_assert_eq!(view.split_balance(split, NATIVE).0, paid_in);
    prop_assert_eq!(world.splitter.balance(), paid_in);
    let total: U256 = versions.iter().map(|v| v.deposited).sum();
    prop_assert_eq!(total, paid_in);
    let mut owed = Vec::with_capacity(versions.len());
    let mut dust = U256::ZERO;
    for (v, version) in versions.iter().enumerate() {
        let v = u32::try_from(v).unwrap();
        let mut sum = U256::ZERO;
        for &(member, shares) in &version.members {
            let accrued = view.accrued(split, v, shares, NATIVE);
            if version.weights.is_none() {
                prop_assert_eq!(view.claimable(split, v, member, NATIVE), accrued);
            }
            sum += accrued;
        }
        prop_assert!(
            sum <= version.deposited,
            "version {} owes more than it received",
            v
        );
        let left = version.deposited - sum;
        prop_assert!(
            left <= U256::from(version.members.len()),
            "version {}: {} wei of dust for {} members",
            v,
            left,
            version.members.len()
        );
        owed.push(sum);
        dust += left;
    }

    // Claim everything: every member gets exactly its accrual, and the dust stays behind.
    let before: Vec<U256> = pool.iter().map(Balance::balance).collect();
    let mut received = vec![U256::ZERO; POOL];
    for (v, version) in versions.iter().enumerate() {
        let v = u32::try_from(v).unwrap();
        let mut paid_out = U256::ZERO;
        for (i, &(member, shares)) in version.members.iter().enumerate() {
            let accrued = view.accrued(split, v, shares, NATIVE);
            let result = match &version.weights {
                None => world
                    .splitter
                    .sender(STRANGER)
                    .withdraw(split, v, member, NATIVE)
                    .motsu_res(),
                Some(weights) => world
                    .splitter
                    .sender(STRANGER)
                    .claim_merkle(split, v, member, shares, weights.proof(i), NATIVE)
                    .motsu_res(),
            };
            match result {
                Ok(paid) => {
                    prop_assert_eq!(paid, accrued);
                    paid_out += paid;
                    let index = pool.iter().position(|w| w.address() == member).unwrap();
                    received[index] += paid;
                }
                Err(err) => prop_assert!(
                    accrued.is_zero() && matches!(err, SplitterError::NothingToWithdraw(_)),
                    "version {}: {:?}",
                    v,
                    err
                ),
            }
        }
        prop_assert_eq!(paid_out, owed[v as usize]);
    }
    for (i, wallet) in pool.iter().enumerate() {
        prop_assert_eq!(wallet.balance(), before[i] + received[i]);
    }
    prop_assert_eq!(world.splitter.balance(), dust);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: tributary_testkit::proptest_cases(),
        ..ProptestConfig::default()
    })]

    /// Random deposits (odd wei included), slashed stakes and activations of 1 to 6 weighted
    /// contributors: every version pays out what it received, less at most a wei per member,
    /// and the dust is all the splitter keeps.
    #[test]
    fn every_version_pays_out_what_it_received_to_the_wei(
        initial in prop::collection::btree_map(0..POOL, 1u64..=1_000_000, 1..=4),
        stake in 1u64..=1_000_000_000_000_000,
        ops in prop::collection::vec(op(), 1..16),
    ) {
        // motsu's precompiles (`ecrecover`), which `#[motsu::test]` would deploy.
        let _precompiles = deploy_precompiles();
        run(initial, stake, ops)?;
    }
}
