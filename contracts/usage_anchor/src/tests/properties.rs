//! Property tests over random batches and settlement sequences, against the real anchor and
//! escrow:
//! - the settled units and receipts of a batch never exceed its signed totals, and each `settle`
//!   call succeeds or fails exactly as a model of the rules says;
//! - no wei is created or lost: escrow balances, split deposits and recorded debt reconcile exactly
//!   with the fees charged, and paying the debt delivers the rest.

use alloc::{vec, vec::Vec};

use alloy_primitives::U256;
use motsu::prelude::*;
use proptest::prelude::*;
use usage_escrow::events::EscrowCharged;

use super::*;
use crate::{
    errors::{BatchTotalsExceeded, Error, UsageAlreadySettled},
    events::UsageSettled,
};

/// Cases per property: a quarter of the testkit's count (each case deploys and drives the
/// contracts), at least 32.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: (tributary_testkit::proptest_cases() / 4).max(32),
        ..ProptestConfig::default()
    }
}

/// A world for one proptest case: motsu's precompiles (`ecrecover`), which `#[motsu::test]`
/// would deploy, live as long as it.
fn world() -> (World, impl Sized) {
    let precompiles = motsu::prelude::deploy_precompiles();
    (World::new(), precompiles)
}

/// Leaves `(units, receipts)`, signed-total slacks, and settle calls (positions).
type TotalsCase = (Vec<(u64, u32)>, i64, i32, Vec<Vec<usize>>);

fn totals_case() -> impl Strategy<Value = TotalsCase> {
    prop::collection::vec((0u64..5_000, 0u32..4), 1..=10).prop_flat_map(|leaves| {
        let n = leaves.len();
        (
            Just(leaves),
            -3_000i64..=500,
            -6i32..=2,
            prop::collection::vec(prop::collection::vec(0..n, 1..=6), 1..=5),
        )
    })
}

/// The outcome the rules predict for settling `positions` (leaf `i` has index `i`).
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Settled,
    Already(u32),
    Exceeded,
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn settled_totals_never_exceed_the_signed_ones(
        (shape, unit_slack, receipt_slack, calls) in totals_case(),
    ) {
        let (world, _precompiles) = world();
        world.fund(LICENSE, MIN_BOND);
        let list: Vec<UsageLeaf> = shape
            .iter()
            .enumerate()
            .map(|(i, &(units, receipts))| leaf(i as u32, LICENSE, units, receipts))
            .collect();
        let signed = Signed::new(1, world.attestor.address(), list).with(|b| {
            let units = i64::try_from(b.totalUnits.to::<u64>()).unwrap() + unit_slack;
            b.totalUnits = U256::from(units.max(0));
            let receipts = i64::from(b.receiptCount) + i64::from(receipt_slack);
            b.receiptCount = u32::try_from(receipts.max(i64::from(b.leafCount))).unwrap();
            b.deadline = u64::MAX;
        });
        let (total_units, total_receipts) = (signed.batch.totalUnits, signed.batch.receiptCount);
        world.anchor(&signed);
        advance(WINDOW);

        let mut settled = vec![false; shape.len()];
        let (mut units, mut receipts) = (U256::ZERO, 0u32);
        for call in calls {
            let mut positions = call.clone();
            positions.sort_unstable();
            positions.dedup();
            let new_units: U256 = positions.iter().map(|&p| U256::from(shape[p].0)).sum();
            let new_receipts: u32 = positions.iter().map(|&p| shape[p].1).sum();
            let expected = if let Some(&p) = positions.iter().find(|&&p| settled[p]) {
                Outcome::Already(p as u32)
            } else if units + new_units > total_units || receipts + new_receipts > total_receipts {
                Outcome::Exceeded
            } else {
                Outcome::Settled
            };
            let outcome = match world.settle(&signed, &positions).motsu_res() {
                Ok(()) => Outcome::Settled,
                Err(Error::UsageAlreadySettled(UsageAlreadySettled { attestor, batchId, index }))
                    if attestor == signed.batch.attestor && batchId == signed.batch.batchId =>
                {
                    Outcome::Already(index)
                }
                Err(Error::BatchTotalsExceeded(BatchTotalsExceeded { attestor, batchId }))
                    if attestor == signed.batch.attestor && batchId == signed.batch.batchId =>
                {
                    Outcome::Exceeded
                }
                Err(other) => panic!("unexpected {other:?}"),
            };
            prop_assert_eq!(&outcome, &expected, "call {:?}", positions);
            if outcome == Outcome::Settled {
                for &p in &positions {
                    settled[p] = true;
                }
                units += new_units;
                receipts += new_receipts;
            }
            let info = world.info(&signed.batch);
            prop_assert_eq!((info.4, info.5), (receipts, units));
            prop_assert!(info.5 <= total_units && info.4 <= total_receipts);
            for (p, &done) in settled.iter().enumerate() {
                prop_assert_eq!(world.settled(&signed.batch, p as u32), done);
            }
        }
    }
}

/// A license of the conservation property: escrow funding, which split, rate.
type LicenseShape = (u64, bool, u64);
/// A leaf: license (a position in the licenses, or past them: an unknown license), units,
/// receipts, whether its unit is wrong (skipped), the call that settles it.
type LeafShape = (usize, u64, u32, bool, usize);

fn conservation_case() -> impl Strategy<Value = (Vec<LicenseShape>, Vec<LeafShape>)> {
    prop::collection::vec(
        (
            0u64..2_000_000_000_000_000,
            any::<bool>(),
            1u64..1_000_000_000,
        ),
        1..=4,
    )
    .prop_flat_map(|licenses| {
        let n = licenses.len();
        (
            Just(licenses),
            prop::collection::vec(
                (
                    0..=n,
                    0u64..200_000,
                    1u32..4,
                    prop::bool::weighted(0.2),
                    0usize..3,
                ),
                1..=12,
            ),
        )
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn no_wei_is_created_or_lost((licenses, shape) in conservation_case()) {
        let (world, _precompiles) = world();
        let owner = world.owner();
        let ids: Vec<U256> = (0..licenses.len()).map(|i| U256::from(10 + i)).collect();
        let unknown = U256::from(99);
        let mut funded = U256::ZERO;
        for (&id, &(funding, other_split, rate)) in ids.iter().zip(&licenses) {
            world.issue(id);
            let split = if other_split { OTHER_SPLIT } else { SPLIT };
            world.license.sender(owner).set_terms(
                id,
                DATASET,
                split,
                U256::from(scope::TRAIN),
                scope::UNIT_SAMPLES,
                U256::from(rate),
            );
            if funding > 0 {
                world.fund(id, U256::from(funding));
                funded += U256::from(funding);
            }
        }
        let list: Vec<UsageLeaf> = shape
            .iter()
            .enumerate()
            .map(|(i, &(license, units, receipts, wrong_unit, _))| {
                let mut l = leaf(i as u32, ids.get(license).copied().unwrap_or(unknown), units, receipts);
                if wrong_unit {
                    l.unit = scope::UNIT_KILO_TOKENS;
                }
                l
            })
            .collect();
        let signed = Signed::new(1, world.attestor.address(), list)
            .with(|b| b.deadline = u64::MAX);
        world.anchor(&signed);
        advance(WINDOW);

        // The model: per license (balance, debt, fees charged), per split deposits.
        let mut balance: Vec<U256> = licenses.iter().map(|l| U256::from(l.0)).collect();
        let mut debt = vec![U256::ZERO; licenses.len()];
        let mut deposits = [U256::ZERO; 2];
        let mut charged = U256::ZERO;
        let anchor_logs = Logs::after(world.anchor.all_events());
        let escrow_logs = Logs::after(world.escrow.all_events());
        for call in 0..3 {
            let positions: Vec<usize> =
                (0..shape.len()).filter(|&p| shape[p].4 == call).collect();
            if positions.is_empty() {
                continue;
            }
            let mut fees = vec![U256::ZERO; licenses.len()];
            for &p in &positions {
                let (license, units, _, wrong_unit, _) = shape[p];
                if license < licenses.len() && !wrong_unit {
                    fees[license] += U256::from(units) * U256::from(licenses[license].2);
                }
            }
            for (i, &fee) in fees.iter().enumerate() {
                let paid = fee.min(balance[i]);
                balance[i] -= paid;
                debt[i] += fee - paid;
                deposits[usize::from(licenses[i].1)] += paid;
                charged += fee;
            }
            world.settle(&signed, &positions).motsu_unwrap();
        }

        let paid: U256 = deposits.iter().copied().sum();
        for (i, &id) in ids.iter().enumerate() {
            prop_assert_eq!(world.escrow_of(id), (balance[i], debt[i]), "license {}", id);
        }
        let splitter = world.splitter.sender(owner);
        prop_assert_eq!(splitter.native_deposited(SPLIT), deposits[0]);
        prop_assert_eq!(splitter.native_deposited(OTHER_SPLIT), deposits[1]);
        // Native currency: what was funded is in the escrow (balances) or the splitter (paid).
        let escrowed: U256 = balance.iter().copied().sum();
        prop_assert_eq!(world.escrow.balance(), escrowed);
        prop_assert_eq!(world.splitter.balance(), paid);
        prop_assert_eq!(funded, escrowed + paid);
        // The fees billed (anchor) are the fees charged (escrow): paid or owed.
        let billed: U256 = anchor_logs
            .since::<UsageSettled>(world.anchor.all_events())
            .iter()
            .map(|e| e.fee)
            .sum();
        let events = escrow_logs.since::<EscrowCharged>(world.escrow.all_events());
        let fees: U256 = events.iter().map(|e| e.fee).sum();
        let paid_out: U256 = events.iter().map(|e| e.paid).sum();
        let owed: U256 = debt.iter().copied().sum();
        prop_assert_eq!(billed, charged);
        prop_assert_eq!(fees, charged);
        prop_assert_eq!(paid_out, paid);
        prop_assert_eq!(charged, paid + owed);

        // Paying every debt delivers the rest of the fees to the splits, and nothing else moves.
        for (i, &id) in ids.iter().enumerate() {
            if !debt[i].is_zero() {
                prop_assert!(world.license.sender(owner).is_in_debt(id));
                world.fund(id, debt[i]);
                prop_assert!(!world.license.sender(owner).is_in_debt(id));
            }
            prop_assert_eq!(world.escrow_of(id), (balance[i], U256::ZERO));
        }
        prop_assert_eq!(world.splitter.balance(), charged);
        prop_assert_eq!(world.escrow.balance(), escrowed);
        prop_assert_eq!(funded + owed, escrowed + charged);
    }
}
