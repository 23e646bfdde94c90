//! Settlement: the window, the batch in calldata, multiproofs and single paths, the settled
//! bitmap, the signed totals, fees per license and deposits per split, debt, and failures of the
//! contracts it calls.

use alloy_primitives::{Address, B256, U256};
use motsu::prelude::*;
use usage_escrow::events::{DebtChanged, EscrowCharged, EscrowFunded, FeesDeposited};

use super::*;
use crate::{
    errors::{
        BatchMismatch, BatchTotalsExceeded, ChallengeWindowOpen, EmptySettlement, Error,
        ExternalCallFailed, InvalidProof, InvalidUsageLeaf, UnknownBatch, UsageAlreadySettled,
    },
    events::UsageSettled,
};

/// `units × RATE`.
fn fee(units: U256) -> U256 {
    units * RATE
}

/// Whether `err` is `UsageAlreadySettled` of `batch`'s leaf `index`.
fn already(err: &Error, batch: &Batch, index: u32) -> bool {
    matches!(err, Error::UsageAlreadySettled(UsageAlreadySettled { attestor, batchId, index: i })
        if *attestor == batch.attestor && *batchId == batch.batchId && *i == index)
}

/// Whether `err` is `BatchTotalsExceeded` of `batch`.
fn exceeded(err: &Error, batch: &Batch) -> bool {
    matches!(err, Error::BatchTotalsExceeded(BatchTotalsExceeded { attestor, batchId })
        if *attestor == batch.attestor && *batchId == batch.batchId)
}

/// Whether `err` is `InvalidUsageLeaf` of `batch`'s leaf `index`.
fn invalid_leaf(err: &Error, batch: &Batch, index: u32) -> bool {
    matches!(err, Error::InvalidUsageLeaf(InvalidUsageLeaf { attestor, batchId, index: i })
        if *attestor == batch.attestor && *batchId == batch.batchId && *i == index)
}

/// Whether `err` is `InvalidProof` of `batch`.
fn invalid_proof(err: &Error, batch: &Batch) -> bool {
    matches!(err, Error::InvalidProof(InvalidProof { attestor, batchId })
        if *attestor == batch.attestor && *batchId == batch.batchId)
}

/// Anchors `signed` and waits out its window.
fn settleable(world: &World, signed: &Signed) {
    world.anchor(signed);
    advance(WINDOW);
}

#[motsu::test]
fn settles_many_leaves_with_one_multiproof() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    let signed = Signed::new(1, world.attestor.address(), leaves(6));
    world.anchor(&signed);
    // The window: closed until anchoredAt + WINDOW.
    for wait in [0, WINDOW - 1] {
        advance(wait);
        let err = world.settle(&signed, &[0]).motsu_expect_err("window open");
        assert!(
            matches!(err, Error::ChallengeWindowOpen(ChallengeWindowOpen { attestor, batchId, settleableAt })
                if attestor == signed.batch.attestor && batchId == signed.batch.batchId && settleableAt == NOW + WINDOW)
        );
    }
    advance(1);
    let anchor_logs = Logs::after(world.anchor.all_events());
    let escrow_logs = Logs::after(world.escrow.all_events());
    world.settle(&signed, &[0, 2, 5]).motsu_unwrap();

    let first: Vec<&UsageLeaf> = [0, 2, 5].iter().map(|&i| &signed.leaves[i]).collect();
    let units: U256 = first.iter().map(|l| l.units).sum();
    let receipts: u32 = first.iter().map(|l| l.receiptCount).sum();
    let settled: Vec<UsageSettled> = anchor_logs.since(world.anchor.all_events());
    assert_eq!(settled.len(), 3);
    for leaf in &first {
        world.anchor.assert_emitted(&UsageSettled {
            attestor: signed.batch.attestor,
            batchId: signed.batch.batchId,
            licenseId: LICENSE,
            index: leaf.index,
            units: leaf.units,
            receiptCount: leaf.receiptCount,
            fee: fee(leaf.units),
        });
    }
    // One charge for the license, one deposit for its split.
    assert_eq!(
        escrow_logs.since::<EscrowCharged>(world.escrow.all_events()),
        vec![EscrowCharged {
            licenseId: LICENSE,
            fee: fee(units),
            paid: fee(units),
        }]
    );
    assert_eq!(
        escrow_logs.since::<FeesDeposited>(world.escrow.all_events()),
        vec![FeesDeposited {
            splitId: SPLIT,
            token: Address::ZERO,
            amount: fee(units),
        }]
    );
    assert_eq!(
        world.splitter.sender(world.owner()).native_deposited(SPLIT),
        fee(units)
    );
    assert_eq!(
        world.escrow_of(LICENSE),
        (MIN_BOND - fee(units), U256::ZERO)
    );
    let info = world.info(&signed.batch);
    assert_eq!((info.4, info.5), (receipts, units));
    for index in 0..6 {
        assert_eq!(
            world.settled(&signed.batch, index),
            [0, 2, 5].contains(&index),
            "leaf {index}"
        );
    }

    // The rest: the batch's totals are used up exactly.
    world.settle(&signed, &[1, 3, 4]).motsu_unwrap();
    let info = world.info(&signed.batch);
    assert_eq!(
        (info.4, info.5),
        (signed.batch.receiptCount, signed.batch.totalUnits)
    );
    assert_eq!(
        world.escrow_of(LICENSE).0,
        MIN_BOND - fee(signed.batch.totalUnits)
    );
}

#[motsu::test]
fn settles_a_single_leaf_with_a_plain_path() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    let signed = Signed::new(1, world.attestor.address(), leaves(5));
    settleable(&world, &signed);
    world.settle_one(&signed, 3).motsu_unwrap();
    assert!(world.settled(&signed.batch, 3));
    // A path is a multiproof with all flags false: the same leaf's path with flags is fine too.
    let (leaves, proof, flags) = signed.multiproof(&[1]);
    assert!(!flags.is_empty() && flags.iter().all(|f| !f));
    world
        .anchor
        .sender(world.owner())
        .settle(tuple(&signed.batch), leaves, proof, flags)
        .motsu_unwrap();
    assert!(world.settled(&signed.batch, 1));
    // A path for another leaf does not prove this one.
    let err = world
        .anchor
        .sender(world.owner())
        .settle(
            tuple(&signed.batch),
            vec![signed.leaves[0].clone().into()],
            tree::path(&signed.tree, 2),
            vec![],
        )
        .motsu_expect_err("wrong path");
    assert!(invalid_proof(&err, &signed.batch));
}

#[motsu::test]
fn settles_three_hundred_leaves_in_one_call() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    let signed = Signed::new(1, world.attestor.address(), leaves(300));
    settleable(&world, &signed);
    let all: Vec<usize> = (0..300).collect();
    let logs = Logs::after(world.escrow.all_events());
    world.settle(&signed, &all).motsu_unwrap();
    assert!((0..300).all(|i| world.settled(&signed.batch, i)));
    assert_eq!(
        logs.since::<EscrowCharged>(world.escrow.all_events()),
        vec![EscrowCharged {
            licenseId: LICENSE,
            fee: fee(signed.batch.totalUnits),
            paid: fee(signed.batch.totalUnits),
        }]
    );
    assert_eq!(
        logs.since::<FeesDeposited>(world.escrow.all_events()).len(),
        1
    );
}

#[motsu::test]
fn error_when_batch_is_unknown_or_not_the_anchored_one() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    let signed = Signed::new(1, world.attestor.address(), leaves(4));
    let err = world.settle(&signed, &[0]).motsu_expect_err("not anchored");
    assert!(
        matches!(err, Error::UnknownBatch(UnknownBatch { attestor, batchId })
            if attestor == signed.batch.attestor && batchId == signed.batch.batchId)
    );
    settleable(&world, &signed);
    // The same id under another attestor is another (unknown) batch.
    let other = Address::repeat_byte(0x0e);
    let err = world
        .settle(&signed.clone().with(|b| b.attestor = other), &[0])
        .motsu_expect_err("other attestor");
    assert!(
        matches!(err, Error::UnknownBatch(UnknownBatch { attestor, batchId })
            if attestor == other && batchId == signed.batch.batchId)
    );
    // Any other signed field changed: not the batch anchored under (attestor, batchId).
    let tampered: Vec<(&str, Signed)> = vec![
        (
            "root",
            signed.clone().with(|b| b.root = B256::repeat_byte(1)),
        ),
        ("leafCount", signed.clone().with(|b| b.leafCount += 1)),
        ("receiptCount", signed.clone().with(|b| b.receiptCount += 1)),
        (
            "totalUnits",
            signed.clone().with(|b| b.totalUnits += U256::from(1)),
        ),
        ("periodStart", signed.clone().with(|b| b.periodStart -= 1)),
        ("periodEnd", signed.clone().with(|b| b.periodEnd += 1)),
        ("deadline", signed.clone().with(|b| b.deadline += 1)),
    ];
    for (name, bad) in &tampered {
        let err = world.settle(bad, &[0]).motsu_expect_err(name);
        assert!(
            matches!(err, Error::BatchMismatch(BatchMismatch { attestor, batchId })
                if attestor == signed.batch.attestor && batchId == signed.batch.batchId),
            "{name}: {err:?}"
        );
    }
    assert!(!world.settled(&signed.batch, 0));
    world.settle(&signed, &[0]).motsu_unwrap();
}

#[motsu::test]
fn error_when_proof_is_invalid_or_empty() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    let signed = Signed::new(1, world.attestor.address(), leaves(6));
    settleable(&world, &signed);
    let settle = |leaves: Vec<crate::LeafTuple>, proof: Vec<B256>, flags: Vec<bool>| {
        world
            .anchor
            .sender(world.owner())
            .settle(tuple(&signed.batch), leaves, proof, flags)
    };
    let err = settle(vec![], vec![signed.tree[0]], vec![]).motsu_expect_err("no leaves");
    assert!(
        matches!(err, Error::EmptySettlement(EmptySettlement { attestor, batchId })
            if attestor == signed.batch.attestor && batchId == signed.batch.batchId)
    );
    let (leaves, proof, flags) = signed.multiproof(&[1, 4]);
    // A leaf that is not in the tree (more units than signed).
    let mut inflated = leaves.clone();
    inflated[0].5 += U256::from(1);
    // A changed sibling, a flipped flag, a dropped leaf, the leaves swapped.
    let mut bad_proof = proof.clone();
    bad_proof[0] = B256::repeat_byte(7);
    let mut bad_flags = flags.clone();
    bad_flags[0] = !bad_flags[0];
    let swapped = vec![leaves[1], leaves[0]];
    let cases = vec![
        ("inflated leaf", inflated, proof.clone(), flags.clone()),
        ("changed sibling", leaves.clone(), bad_proof, flags.clone()),
        ("flipped flag", leaves.clone(), proof.clone(), bad_flags),
        (
            "dropped leaf",
            leaves[..1].to_vec(),
            proof.clone(),
            flags.clone(),
        ),
        ("swapped leaves", swapped, proof.clone(), flags.clone()),
        ("no proof", leaves.clone(), vec![], vec![]),
    ];
    for (name, leaves, proof, flags) in cases {
        let err = settle(leaves, proof, flags).motsu_expect_err(name);
        assert!(invalid_proof(&err, &signed.batch), "{name}: {err:?}");
    }
    // A valid proof of another batch's leaves.
    let other = Signed::new(
        2,
        world.attestor.address(),
        super::leaves(6).into_iter().rev().collect(),
    );
    let (leaves, proof, flags) = other.multiproof(&[0]);
    let err = settle(leaves, proof, flags).motsu_expect_err("other tree");
    assert!(invalid_proof(&err, &signed.batch));
    assert!((0..6).all(|i| !world.settled(&signed.batch, i)));
}

#[motsu::test]
fn error_when_a_leaf_is_settled_again() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    let signed = Signed::new(1, world.attestor.address(), leaves(4));
    settleable(&world, &signed);
    world.settle(&signed, &[0]).motsu_unwrap();
    let err = world.settle(&signed, &[0]).motsu_expect_err("again");
    assert!(already(&err, &signed.batch, 0));
    let err = world
        .settle_one(&signed, 0)
        .motsu_expect_err("again, by path");
    assert!(already(&err, &signed.batch, 0));
    // With a new leaf: the whole call reverts, the new leaf stays unsettled.
    let before = world.escrow_of(LICENSE);
    let err = world
        .settle(&signed, &[1, 0])
        .motsu_expect_err("one of them again");
    assert!(already(&err, &signed.batch, 0));
    assert!(!world.settled(&signed.batch, 1));
    assert_eq!(world.escrow_of(LICENSE), before);
    world.settle(&signed, &[1, 2, 3]).motsu_unwrap();
    // Once the batch's totals are used up, a settled leaf is still reported as settled (not as
    // exceeding the totals).
    for position in 0..4 {
        let err = world
            .settle(&signed, &[position])
            .motsu_expect_err("all settled");
        assert!(
            already(&err, &signed.batch, position as u32),
            "leaf {position}: {err:?}"
        );
    }
    let err = world
        .settle(&signed, &[0, 1, 2, 3])
        .motsu_expect_err("all settled");
    assert!(already(&err, &signed.batch, 0));
}

#[motsu::test]
fn error_when_a_leaf_appears_twice_in_one_call() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    // A tree with the same leaf twice (positions 0 and 1), and two leaves claiming index 2.
    let mut list = leaves(3);
    list.insert(1, list[0].clone());
    let mut twin = list[3].clone();
    twin.units += U256::from(5);
    list.push(twin);
    let signed = Signed::new(1, world.attestor.address(), list).with(|b| b.leafCount = 3);
    settleable(&world, &signed);
    let err = world
        .settle(&signed, &[0, 1])
        .motsu_expect_err("same leaf twice");
    assert!(already(&err, &signed.batch, 0));
    let err = world
        .settle(&signed, &[3, 4])
        .motsu_expect_err("two leaves, one index");
    assert!(already(&err, &signed.batch, 2));
    assert!((0..3).all(|i| !world.settled(&signed.batch, i)));
    // One of each works, once.
    world.settle(&signed, &[1, 2, 4]).motsu_unwrap();
    let err = world
        .settle(&signed, &[3])
        .motsu_expect_err("index 2 is settled");
    assert!(already(&err, &signed.batch, 2));
}

#[motsu::test]
fn error_when_leaf_index_is_out_of_range_or_license_is_zero() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    // Signed with leafCount 3 over leaves indexed 0, 1, 2, 3 and u32::MAX, and one for
    // license 0.
    let mut list = leaves(4);
    list.push(leaf(u32::MAX, LICENSE, 10, 1));
    list.push(leaf(1, U256::ZERO, 10, 1));
    let signed = Signed::new(1, world.attestor.address(), list).with(|b| b.leafCount = 3);
    settleable(&world, &signed);
    for (position, index) in [(3, 3), (4, u32::MAX), (5, 1)] {
        let err = world
            .settle_one(&signed, position)
            .motsu_expect_err("invalid leaf");
        assert!(
            invalid_leaf(&err, &signed.batch, index),
            "position {position}: {err:?}"
        );
    }
    // With valid leaves: the call reverts as a whole.
    let err = world
        .settle(&signed, &[0, 3])
        .motsu_expect_err("one invalid leaf");
    assert!(invalid_leaf(&err, &signed.batch, 3));
    assert!(!world.settled(&signed.batch, 0));
    world.settle(&signed, &[0, 1, 2]).motsu_unwrap();
}

#[motsu::test]
fn error_when_the_signed_unit_total_is_exceeded() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    // Signed one unit short of the leaves' sum.
    let signed =
        Signed::new(1, world.attestor.address(), leaves(3)).with(|b| b.totalUnits -= U256::from(1));
    settleable(&world, &signed);
    // All at once: nothing settles.
    let err = world
        .settle(&signed, &[0, 1, 2])
        .motsu_expect_err("too many units");
    assert!(exceeded(&err, &signed.batch));
    assert!((0..3).all(|i| !world.settled(&signed.batch, i)));
    // Leaf by leaf: the one that crosses the total is refused.
    world.settle(&signed, &[0, 2]).motsu_unwrap();
    let err = world
        .settle(&signed, &[1])
        .motsu_expect_err("too many units");
    assert!(exceeded(&err, &signed.batch));
    let info = world.info(&signed.batch);
    assert_eq!(info.5, signed.leaves[0].units + signed.leaves[2].units);
    assert!(info.5 <= signed.batch.totalUnits);
}

#[motsu::test]
fn error_when_the_signed_receipt_count_is_exceeded() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    // Leaves of 1, 2, 3 receipts; signed 5.
    let signed = Signed::new(1, world.attestor.address(), leaves(3)).with(|b| b.receiptCount = 5);
    settleable(&world, &signed);
    let err = world
        .settle(&signed, &[0, 1, 2])
        .motsu_expect_err("too many receipts");
    assert!(exceeded(&err, &signed.batch));
    world.settle(&signed, &[2]).motsu_unwrap();
    world.settle(&signed, &[1]).motsu_unwrap();
    assert_eq!(world.info(&signed.batch).4, 5);
    let err = world
        .settle(&signed, &[0])
        .motsu_expect_err("too many receipts");
    assert!(exceeded(&err, &signed.batch));
    assert_eq!(world.info(&signed.batch).4, 5);
}

#[motsu::test]
fn fees_are_summed_per_license_and_deposited_once_per_split(token: Contract<TestToken>) {
    let world = World::new();
    let owner = world.owner();
    // License 2: same split, native. License 3: another split. License 4: same split, ERC-20.
    world.issue(wei(2));
    world.issue(wei(3));
    world.license.sender(owner).set_terms(
        wei(3),
        DATASET + wei(1),
        OTHER_SPLIT,
        U256::from(scope::TRAIN),
        scope::UNIT_SAMPLES,
        RATE * wei(2),
    );
    world
        .license
        .sender(owner)
        .issue(wei(4), world.licensee.address(), token.address());
    for id in [LICENSE, wei(2), wei(3)] {
        world.fund(id, MIN_BOND);
    }
    let payer = Address::repeat_byte(0x99);
    token.sender(payer).mint(payer, MIN_BOND);
    token
        .sender(payer)
        .approve(world.escrow.address(), MIN_BOND);
    world
        .escrow
        .sender(payer)
        .fund_escrow_token(wei(4), MIN_BOND)
        .motsu_unwrap();

    let mut derivative = leaf(1, LICENSE, 300, 1);
    derivative.scope = U256::from(scope::DERIVATIVES);
    let mut third_a = leaf(3, wei(3), 50, 1);
    third_a.assetId = DATASET + wei(1);
    let mut third_b = leaf(4, wei(3), 70, 2);
    third_b.assetId = DATASET + wei(1);
    let list = vec![
        leaf(0, LICENSE, 200, 2),
        derivative,
        leaf(2, wei(2), 1_000, 1),
        third_a,
        third_b,
        leaf(5, wei(4), 400, 1),
    ];
    let signed = Signed::new(1, world.attestor.address(), list);
    settleable(&world, &signed);
    let logs = Logs::after(world.escrow.all_events());
    world.settle(&signed, &[0, 1, 2, 3, 4, 5]).motsu_unwrap();

    let fee1 = fee(wei(500));
    let fee2 = fee(wei(1_000));
    let fee3 = fee(wei(120)) * wei(2);
    let fee4 = fee(wei(400));
    let mut charged = logs.since::<EscrowCharged>(world.escrow.all_events());
    charged.sort_by_key(|e| e.licenseId);
    assert_eq!(
        charged,
        vec![
            EscrowCharged {
                licenseId: LICENSE,
                fee: fee1,
                paid: fee1
            },
            EscrowCharged {
                licenseId: wei(2),
                fee: fee2,
                paid: fee2
            },
            EscrowCharged {
                licenseId: wei(3),
                fee: fee3,
                paid: fee3
            },
            EscrowCharged {
                licenseId: wei(4),
                fee: fee4,
                paid: fee4
            },
        ]
    );
    let mut deposits = logs.since::<FeesDeposited>(world.escrow.all_events());
    deposits.sort_by_key(|e| (e.splitId, e.token));
    assert_eq!(
        deposits,
        vec![
            FeesDeposited {
                splitId: SPLIT,
                token: Address::ZERO,
                amount: fee1 + fee2
            },
            FeesDeposited {
                splitId: SPLIT,
                token: token.address(),
                amount: fee4
            },
            FeesDeposited {
                splitId: OTHER_SPLIT,
                token: Address::ZERO,
                amount: fee3
            },
        ]
    );
    let splitter = world.splitter.sender(owner);
    assert_eq!(splitter.native_deposited(SPLIT), fee1 + fee2);
    assert_eq!(splitter.native_deposited(OTHER_SPLIT), fee3);
    assert_eq!(splitter.token_deposited(SPLIT), fee4);
    assert_eq!(
        token.sender(owner).balance_of(world.splitter.address()),
        fee4
    );
    assert_eq!(
        token.sender(owner).balance_of(world.escrow.address()),
        MIN_BOND - fee4
    );
    assert_eq!(world.splitter.balance(), fee1 + fee2 + fee3);
    assert_eq!(world.escrow_of(wei(4)), (MIN_BOND - fee4, U256::ZERO));
}

#[motsu::test]
fn short_escrow_records_debt_until_it_is_paid() {
    let world = World::new();
    let owner = world.owner();
    let signed = Signed::new(1, world.attestor.address(), leaves(3));
    let fee0 = fee(signed.leaves[0].units);
    let fee1 = fee(signed.leaves[1].units);
    let fee2 = fee(signed.leaves[2].units);
    let funded = fee0 / wei(2);
    world.fund(LICENSE, funded);
    settleable(&world, &signed);

    let logs = Logs::after(world.escrow.all_events());
    world.settle(&signed, &[0]).motsu_unwrap();
    let debt = fee0 - funded;
    assert_eq!(
        logs.since::<EscrowCharged>(world.escrow.all_events()),
        vec![EscrowCharged {
            licenseId: LICENSE,
            fee: fee0,
            paid: funded
        }]
    );
    world.escrow.assert_emitted(&DebtChanged {
        licenseId: LICENSE,
        debt,
    });
    assert_eq!(world.escrow_of(LICENSE), (U256::ZERO, debt));
    assert!(world.license.sender(owner).is_in_debt(LICENSE));
    assert_eq!(world.splitter.sender(owner).native_deposited(SPLIT), funded);
    assert_eq!(world.license.sender(owner).debt_calls(), wei(1));

    // More usage while in debt: more debt, no second `setDebt`; nothing to deposit.
    let logs = Logs::after(world.escrow.all_events());
    world.settle(&signed, &[1]).motsu_unwrap();
    assert_eq!(
        logs.since::<FeesDeposited>(world.escrow.all_events()),
        vec![]
    );
    assert_eq!(world.escrow_of(LICENSE), (U256::ZERO, debt + fee1));
    assert_eq!(world.license.sender(owner).debt_calls(), wei(1));

    // Funding pays the debt into the split first; the license is clear once it is paid.
    let funder = Address::repeat_byte(0xf0);
    funder.fund(debt);
    world
        .escrow
        .sender_and_value(funder, debt)
        .fund_escrow(LICENSE)
        .motsu_unwrap();
    world.escrow.assert_emitted(&EscrowFunded {
        licenseId: LICENSE,
        funder,
        amount: debt,
        toDebt: debt,
    });
    assert_eq!(world.escrow_of(LICENSE), (U256::ZERO, fee1));
    assert!(world.license.sender(owner).is_in_debt(LICENSE));
    world.fund(LICENSE, fee1 + fee2);
    world.escrow.assert_emitted(&DebtChanged {
        licenseId: LICENSE,
        debt: U256::ZERO,
    });
    assert_eq!(world.escrow_of(LICENSE), (fee2, U256::ZERO));
    assert!(!world.license.sender(owner).is_in_debt(LICENSE));
    assert_eq!(
        world.splitter.sender(owner).native_deposited(SPLIT),
        fee0 + fee1
    );
    // The last leaf is paid from escrow in full.
    world.settle(&signed, &[2]).motsu_unwrap();
    assert_eq!(world.escrow_of(LICENSE), (U256::ZERO, U256::ZERO));
    assert_eq!(
        world.splitter.sender(owner).native_deposited(SPLIT),
        fee0 + fee1 + fee2
    );
    assert_eq!(world.escrow.balance(), U256::ZERO);
}

#[motsu::test]
fn leaves_sharing_a_bitmap_word_settle_independently() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    // 400 leaves of 10 units and one receipt each. Proof order follows positions, and along
    // them the indices alternate between the low and the high half: positions 2k and 2k + 1
    // hold indices k and 200 + k. So a call touching several bitmap words switches between
    // them back and forth, and the leaves next to every word boundary (127 | 128, 255 | 256,
    // 383 | 384) are in the batch.
    let list: Vec<UsageLeaf> = (0..400u32)
        .map(|p| {
            let index = if p % 2 == 0 { p / 2 } else { 200 + p / 2 };
            leaf(index, LICENSE, 10, 1)
        })
        .collect();
    let position = |index: u32| -> usize {
        if index < 200 {
            2 * index as usize
        } else {
            2 * (index as usize - 200) + 1
        }
    };
    let signed = Signed::new(1, world.attestor.address(), list);
    settleable(&world, &signed);
    let settle = |indices: &[u32]| {
        let positions: Vec<usize> = indices.iter().map(|&i| position(i)).collect();
        world.settle(&signed, &positions)
    };
    let check = |set: &[u32]| {
        for index in 0..400 {
            assert_eq!(
                world.settled(&signed.batch, index),
                set.contains(&index),
                "leaf {index}"
            );
        }
        // The flags never disturb the settled totals (nor the totals the flags).
        let info = world.info(&signed.batch);
        let count = set.len() as u32;
        assert_eq!((info.4, info.5), (count, wei(10) * U256::from(count)));
    };
    settle(&[3, 127, 128, 255, 256, 383, 384]).motsu_unwrap();
    check(&[3, 127, 128, 255, 256, 383, 384]);
    settle(&[4]).motsu_unwrap();
    settle(&[0, 399, 1, 200]).motsu_unwrap();
    let set = [0, 1, 3, 4, 127, 128, 200, 255, 256, 383, 384, 399];
    check(&set);
    // A settled leaf found after switching words back and forth: nothing of the call sticks.
    let err = settle(&[2, 258, 5, 4]).motsu_expect_err("4 is settled");
    assert!(already(&err, &signed.batch, 4));
    let err = settle(&[385, 129, 254, 384]).motsu_expect_err("384 is settled");
    assert!(already(&err, &signed.batch, 384));
    check(&set);
    // Everything else in one call.
    let rest: Vec<u32> = (0..400).filter(|i| !set.contains(i)).collect();
    settle(&rest).motsu_unwrap();
    let all: Vec<u32> = (0..400).collect();
    check(&all);
    assert_eq!(
        (world.info(&signed.batch).4, world.info(&signed.batch).5),
        (signed.batch.receiptCount, signed.batch.totalUnits)
    );
}

#[motsu::test]
fn error_when_the_license_contract_fails() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    let signed = Signed::new(1, world.attestor.address(), leaves(2));
    settleable(&world, &signed);
    // Any failure but "no such token" reverts the settlement: a billable leaf cannot be made to
    // look unknown (and skipped for good).
    world.license.sender(world.owner()).set_broken(true);
    let err = world.settle(&signed, &[0, 1]).motsu_expect_err("broken");
    assert!(
        matches!(&err, Error::ExternalCallFailed(ExternalCallFailed { target, reason })
            if *target == world.license.address() && reason.as_ref() == BROKEN),
        "{err:?}"
    );
    assert!(!world.settled(&signed.batch, 0));
    assert_eq!(world.info(&signed.batch).5, U256::ZERO);
    world.license.sender(world.owner()).set_broken(false);
    world.settle(&signed, &[0, 1]).motsu_unwrap();
}

#[motsu::test]
fn error_when_the_escrow_charge_fails() {
    let world = World::new();
    world.fund(LICENSE, MIN_BOND);
    let signed = Signed::new(1, world.attestor.address(), leaves(2));
    settleable(&world, &signed);
    // The splitter refuses the deposit: the escrow's charge reverts, and so does the settlement.
    world.splitter.sender(world.owner()).set_reject(true);
    let err = world
        .settle(&signed, &[0, 1])
        .motsu_expect_err("deposit refused");
    let escrow_error: Vec<u8> =
        usage_escrow::errors::Error::ExternalCallFailed(ExternalCallFailed {
            target: world.splitter.address(),
            reason: tributary_testkit::licensing::UNKNOWN_SPLIT_REASON
                .to_vec()
                .into(),
        })
        .into();
    assert!(
        matches!(&err, Error::ExternalCallFailed(ExternalCallFailed { target, reason })
            if *target == world.escrow.address() && reason.as_ref() == escrow_error.as_slice()),
        "{err:?}"
    );
    assert!(!world.settled(&signed.batch, 0));
    assert_eq!(world.escrow_of(LICENSE), (MIN_BOND, U256::ZERO));
    world.splitter.sender(world.owner()).set_reject(false);
    world.settle(&signed, &[0, 1]).motsu_unwrap();
    assert_eq!(
        world.escrow_of(LICENSE).0,
        MIN_BOND - fee(signed.batch.totalUnits)
    );
}
