//! Billability: a proven leaf that its license does not cover is skipped (`UsageSkipped` with
//! its reason), final, and does not sink the other leaves of the call.

use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use tributary_abi::usage::skip;
use usage_escrow::events::EscrowCharged;

use super::*;
use crate::{
    errors::{Error, UsageAlreadySettled},
    events::{UsageSettled, UsageSkipped},
};

/// Licenses of the skip tests: 2 starts late, 3 expires, 4 is revoked, 5 has only skipped
/// usage, 99 does not exist.
const LATE: U256 = U256::from_limbs([2, 0, 0, 0]);
const EXPIRING: U256 = U256::from_limbs([3, 0, 0, 0]);
const REVOKED: U256 = U256::from_limbs([4, 0, 0, 0]);
const UNBILLED: U256 = U256::from_limbs([5, 0, 0, 0]);
const UNKNOWN: U256 = U256::from_limbs([99, 0, 0, 0]);

/// When license `LATE` starts.
const STARTS_AT: u64 = PERIOD_START + 7_200;
/// When license `EXPIRING` expires.
const EXPIRES_AT: u64 = PERIOD_END - 86_400;
/// When license `REVOKED` was revoked.
const REVOKED_AT: u64 = PERIOD_END - 2 * 86_400;

/// Issues and funds the skip tests' licenses.
fn licenses(world: &World) {
    let owner = world.owner();
    for id in [LATE, EXPIRING, REVOKED, UNBILLED] {
        world.issue(id);
    }
    world
        .license
        .sender(owner)
        .set_validity(LATE, STARTS_AT, 0, 0);
    world
        .license
        .sender(owner)
        .set_validity(EXPIRING, 0, EXPIRES_AT, 0);
    world
        .license
        .sender(owner)
        .set_validity(REVOKED, 0, 0, REVOKED_AT);
    for id in [LICENSE, LATE, EXPIRING, REVOKED, UNBILLED] {
        world.fund(id, MIN_BOND);
    }
}

/// A leaf changed by `edit`.
fn edited(mut leaf: UsageLeaf, edit: impl FnOnce(&mut UsageLeaf)) -> UsageLeaf {
    edit(&mut leaf);
    leaf
}

#[motsu::test]
fn each_unbillable_leaf_is_skipped_with_its_reason_and_the_others_are_billed() {
    let world = World::new();
    licenses(&world);
    let base = |index: u32, license: U256| leaf(index, license, 100 + u64::from(index), 1);
    // (leaf, Some(reason) if it is skipped)
    let cases: Vec<(UsageLeaf, Option<u8>)> = vec![
        // (three receipts: the batch's receipts must cover its leaves, one of which has none)
        (edited(base(0, LICENSE), |l| l.receiptCount = 3), None),
        (base(1, UNKNOWN), Some(skip::UNKNOWN_LICENSE)),
        (
            edited(base(2, LICENSE), |l| l.assetId = DATASET + U256::from(1)),
            Some(skip::WRONG_ASSET),
        ),
        (
            edited(base(3, LICENSE), |l| l.unit = scope::UNIT_KILO_TOKENS),
            Some(skip::WRONG_UNIT),
        ),
        (
            edited(base(4, LICENSE), |l| l.scope = U256::from(scope::INFERENCE)),
            Some(skip::SCOPE_NOT_LICENSED),
        ),
        (
            edited(base(5, LICENSE), |l| {
                l.scope = U256::from(scope::TRAIN | scope::INFERENCE);
            }),
            Some(skip::SCOPE_NOT_LICENSED),
        ),
        (
            edited(base(6, LICENSE), |l| l.scope = U256::ZERO),
            Some(skip::SCOPE_NOT_LICENSED),
        ),
        (
            edited(base(7, LATE), |l| l.firstAt = STARTS_AT - 1),
            Some(skip::LICENSE_NOT_ACTIVE),
        ),
        (
            edited(base(8, EXPIRING), |l| l.lastAt = EXPIRES_AT),
            Some(skip::LICENSE_NOT_ACTIVE),
        ),
        (
            edited(base(9, EXPIRING), |l| l.lastAt = EXPIRES_AT - 1),
            None,
        ),
        (
            edited(base(10, REVOKED), |l| l.lastAt = REVOKED_AT),
            Some(skip::LICENSE_NOT_ACTIVE),
        ),
        (
            edited(base(11, REVOKED), |l| l.lastAt = REVOKED_AT - 1),
            None,
        ),
        (
            edited(base(12, REVOKED), |l| {
                l.firstAt = REVOKED_AT + 10;
                l.lastAt = REVOKED_AT + 20;
            }),
            Some(skip::LICENSE_NOT_ACTIVE),
        ),
        (
            edited(base(13, LICENSE), |l| l.firstAt = PERIOD_START - 1),
            Some(skip::OUTSIDE_PERIOD),
        ),
        (
            edited(base(14, LICENSE), |l| l.lastAt = PERIOD_END + 1),
            Some(skip::OUTSIDE_PERIOD),
        ),
        (
            edited(base(15, LICENSE), |l| {
                l.firstAt = PERIOD_START + 100;
                l.lastAt = PERIOD_START + 99;
            }),
            Some(skip::OUTSIDE_PERIOD),
        ),
        (
            edited(base(16, LICENSE), |l| l.receiptCount = 0),
            Some(skip::OUTSIDE_PERIOD),
        ),
        (
            edited(base(17, LICENSE), |l| {
                l.firstAt = PERIOD_START;
                l.lastAt = PERIOD_END;
                l.scope = U256::from(scope::TRAIN | scope::DERIVATIVES);
            }),
            None,
        ),
        (edited(base(18, LATE), |l| l.firstAt = STARTS_AT), None),
        (
            edited(base(19, UNBILLED), |l| l.unit = scope::UNIT_COMPUTE_SECONDS),
            Some(skip::WRONG_UNIT),
        ),
    ];
    let list: Vec<UsageLeaf> = cases.iter().map(|(l, _)| l.clone()).collect();
    let signed = Signed::new(1, world.attestor.address(), list);
    world.anchor(&signed);
    advance(WINDOW);
    let anchor_logs = Logs::after(world.anchor.all_events());
    let escrow_logs = Logs::after(world.escrow.all_events());
    let all: Vec<usize> = (0..cases.len()).collect();
    world.settle(&signed, &all).motsu_unwrap();

    let (attestor, batch_id) = (signed.batch.attestor, signed.batch.batchId);
    let mut fees: Vec<(U256, U256)> = Vec::new();
    for (leaf, reason) in &cases {
        if let Some(reason) = reason {
            world.anchor.assert_emitted(&UsageSkipped {
                attestor,
                batchId: batch_id,
                licenseId: leaf.licenseId,
                index: leaf.index,
                reason: *reason,
            });
        } else {
            let fee = leaf.units * RATE;
            world.anchor.assert_emitted(&UsageSettled {
                attestor,
                batchId: batch_id,
                licenseId: leaf.licenseId,
                index: leaf.index,
                units: leaf.units,
                receiptCount: leaf.receiptCount,
                fee,
            });
            match fees.iter_mut().find(|(id, _)| *id == leaf.licenseId) {
                Some((_, total)) => *total += fee,
                None => fees.push((leaf.licenseId, fee)),
            }
        }
        // Skipped or billed, the leaf is closed.
        assert!(
            world.settled(&signed.batch, leaf.index),
            "leaf {}",
            leaf.index
        );
    }
    let skipped = cases.iter().filter(|(_, r)| r.is_some()).count();
    let settled: Vec<UsageSettled> = anchor_logs.since(world.anchor.all_events());
    let skips: Vec<UsageSkipped> = anchor_logs.since(world.anchor.all_events());
    assert_eq!(settled.len(), cases.len() - skipped);
    assert_eq!(skips.len(), skipped);
    // Every skip reason occurs.
    for reason in 1..=6 {
        assert!(skips.iter().any(|s| s.reason == reason), "reason {reason}");
    }
    // One charge per license with billed usage (none for UNBILLED, nor UNKNOWN), of its billed
    // fees only.
    let mut charged = escrow_logs.since::<EscrowCharged>(world.escrow.all_events());
    charged.sort_by_key(|e| e.licenseId);
    fees.sort();
    assert_eq!(
        charged,
        fees.iter()
            .map(|&(id, fee)| EscrowCharged {
                licenseId: id,
                fee,
                paid: fee,
            })
            .collect::<Vec<_>>()
    );
    assert_eq!(world.escrow_of(UNBILLED), (MIN_BOND, U256::ZERO));
    // Skipped leaves count against the signed totals.
    let info = world.info(&signed.batch);
    assert_eq!(
        (info.4, info.5),
        (signed.batch.receiptCount, signed.batch.totalUnits)
    );
    // A skip is final, even once the license would cover the leaf.
    world.license.sender(world.owner()).set_terms(
        UNBILLED,
        DATASET,
        SPLIT,
        U256::from(scope::TRAIN),
        scope::UNIT_COMPUTE_SECONDS,
        RATE,
    );
    let err = world.settle(&signed, &[19]).motsu_expect_err("final");
    assert!(
        matches!(err, Error::UsageAlreadySettled(UsageAlreadySettled { attestor: a, batchId, index })
            if a == attestor && batchId == batch_id && index == 19)
    );
}

#[motsu::test]
fn a_call_of_only_skipped_leaves_charges_nothing() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    let list = vec![
        leaf(0, UNKNOWN, 10, 1),
        edited(leaf(1, LICENSE, 10, 1), |l| {
            l.unit = scope::UNIT_KILO_TOKENS;
        }),
    ];
    let signed = Signed::new(1, world.attestor.address(), list);
    world.anchor(&signed);
    advance(WINDOW);
    let escrow_events = world.escrow.all_events().len();
    world.settle(&signed, &[0, 1]).motsu_unwrap();
    // The escrow was not called.
    assert_eq!(world.escrow.all_events().len(), escrow_events);
    assert_eq!(world.escrow_of(LICENSE), (MIN_BOND, U256::ZERO));
    assert!(world.settled(&signed.batch, 0) && world.settled(&signed.batch, 1));
}

#[motsu::test]
fn usage_before_a_revocation_is_billed_and_after_it_skipped() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    let before = edited(leaf(0, LICENSE, 500, 2), |l| {
        l.firstAt = PERIOD_START + 10;
        l.lastAt = PERIOD_START + 5_000;
    });
    let straddling = edited(leaf(1, LICENSE, 700, 2), |l| {
        l.firstAt = PERIOD_START + 10;
        l.lastAt = PERIOD_START + 20_000;
    });
    let after = edited(leaf(2, LICENSE, 900, 2), |l| {
        l.firstAt = PERIOD_START + 30_000;
        l.lastAt = PERIOD_START + 40_000;
    });
    let signed = Signed::new(1, world.attestor.address(), vec![before, straddling, after]);
    world.anchor(&signed);
    // The license is revoked after the batch was anchored, at a time inside its period: usage
    // before the revocation stays billable.
    let revoked_at = PERIOD_START + 10_000;
    world
        .license
        .sender(world.owner())
        .set_validity(LICENSE, 0, 0, revoked_at);
    advance(WINDOW);
    world.settle(&signed, &[0, 1, 2]).motsu_unwrap();
    let (attestor, batch_id) = (signed.batch.attestor, signed.batch.batchId);
    world.anchor.assert_emitted(&UsageSettled {
        attestor,
        batchId: batch_id,
        licenseId: LICENSE,
        index: 0,
        units: U256::from(500),
        receiptCount: 2,
        fee: U256::from(500) * RATE,
    });
    for index in [1, 2] {
        world.anchor.assert_emitted(&UsageSkipped {
            attestor,
            batchId: batch_id,
            licenseId: LICENSE,
            index,
            reason: skip::LICENSE_NOT_ACTIVE,
        });
    }
    assert_eq!(
        world.escrow_of(LICENSE),
        (MIN_BOND - U256::from(500) * RATE, U256::ZERO)
    );
    assert_eq!(
        world.splitter.sender(Address::ZERO).native_deposited(SPLIT),
        U256::from(500) * RATE
    );
}
