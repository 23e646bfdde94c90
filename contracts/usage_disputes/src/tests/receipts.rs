//! `verifyReceipt`: a receipt proven down to the anchored batch root, agreeing with its leaf and
//! batch; `false` for anything else (never an error for a bad proof or an unknown batch).

use alloy_primitives::{Address, U256};
use motsu::prelude::*;

use super::*;
use crate::ReceiptTuple;

/// A batch of two leaves with real receipts: leaf 0 aggregates `first`, leaf 1 `second`.
struct Fixture {
    signed: Signed,
    first: Receipts,
    second: Receipts,
}

impl Fixture {
    /// Builds the receipts of the world's attestor, and the batch over their leaves, around
    /// `edit`ed receipts of the first leaf.
    fn new(world: &World, edit: impl FnOnce(&mut Vec<Receipt>)) -> Self {
        let mut first = Receipts::new(LICENSE, world.attestor(), &[100, 250, 75]).receipts;
        edit(&mut first);
        let first = Receipts::of(first);
        let second = Receipts::new(OTHER_LICENSE, world.attestor(), &[40, 60]);
        let leaves = vec![first.leaf(0), second.leaf(1)];
        let signed = Signed::new(1, world.attestor(), leaves);
        Self {
            signed,
            first,
            second,
        }
    }

    /// `verifyReceipt` of receipt `i` of leaf `position` with its own proofs, after `edit`.
    fn verify(
        &self,
        world: &World,
        position: usize,
        i: usize,
        edit: impl FnOnce(&mut Batch, &mut UsageLeaf, &mut Vec<B256>, &mut Receipt, &mut Vec<B256>),
    ) -> bool {
        let receipts = if position == 0 {
            &self.first
        } else {
            &self.second
        };
        let mut batch = self.signed.batch.clone();
        let mut leaf = self.signed.leaves[position].clone();
        let mut leaf_proof = tree::path(&self.signed.tree, position);
        let mut receipt = receipts.receipts[i].clone();
        let mut receipt_proof = receipts.path(i);
        edit(
            &mut batch,
            &mut leaf,
            &mut leaf_proof,
            &mut receipt,
            &mut receipt_proof,
        );
        let receipt: ReceiptTuple = receipt.into();
        world
            .disputes
            .sender(Address::repeat_byte(0x4b))
            .verify_receipt(
                tuple(&batch),
                leaf_tuple(&leaf),
                leaf_proof,
                receipt,
                receipt_proof,
            )
            .motsu_unwrap()
    }
}

/// No change.
fn same(_: &mut Batch, _: &mut UsageLeaf, _: &mut Vec<B256>, _: &mut Receipt, _: &mut Vec<B256>) {}

#[motsu::test]
fn every_anchored_receipt_verifies() {
    let world = World::new();
    let fixture = Fixture::new(&world, |_| {});
    // Not anchored yet: false, not an error.
    assert!(!fixture.verify(&world, 0, 0, same));
    world.anchor(&fixture.signed);
    for i in 0..3 {
        assert!(fixture.verify(&world, 0, i, same), "leaf 0, receipt {i}");
    }
    for i in 0..2 {
        assert!(fixture.verify(&world, 1, i, same), "leaf 1, receipt {i}");
    }
    // The leaves are what the kit would build: sums, time span.
    let leaf = &fixture.signed.leaves[0];
    assert_eq!(leaf.units, U256::from(425));
    assert_eq!(leaf.receiptCount, 3);
    assert_eq!(
        (leaf.firstAt, leaf.lastAt),
        (PERIOD_START + 3_600, PERIOD_START + 5_600)
    );
}

/// A change to `verifyReceipt`'s arguments.
type Edit = fn(&mut Batch, &mut UsageLeaf, &mut Vec<B256>, &mut Receipt, &mut Vec<B256>);

#[motsu::test]
fn tampered_proofs_and_values_do_not_verify() {
    let world = World::new();
    let fixture = Fixture::new(&world, |_| {});
    world.anchor(&fixture.signed);
    let cases: Vec<(&str, Edit)> = vec![
        ("receipt units", |_, _, _, r, _| r.units += U256::from(1)),
        ("receipt job", |_, _, _, r, _| {
            r.jobId = B256::repeat_byte(9);
        }),
        ("receipt model", |_, _, _, r, _| {
            r.modelHash = B256::repeat_byte(9);
        }),
        ("receipt timestamp", |_, _, _, r, _| r.timestamp += 1),
        ("receipt license", |_, _, _, r, _| {
            r.licenseId = OTHER_LICENSE;
        }),
        ("receipt attestor", |_, _, _, r, _| {
            r.attestor = Address::repeat_byte(9);
        }),
        ("receipt proof", |_, _, _, _, p| p[0] = B256::repeat_byte(9)),
        ("no receipt proof", |_, _, _, _, p| p.clear()),
        ("leaf units", |_, l, _, _, _| l.units += U256::from(1)),
        ("leaf receipts root", |_, l, _, _, _| {
            l.receiptsRoot = B256::repeat_byte(9);
        }),
        ("leaf proof", |_, _, p, _, _| p[0] = B256::repeat_byte(9)),
        ("no leaf proof", |_, _, p, _, _| p.clear()),
        ("batch root", |b, _, _, _, _| b.root = B256::repeat_byte(9)),
        ("batch totals", |b, _, _, _, _| {
            b.totalUnits += U256::from(1);
        }),
        ("batch id", |b, _, _, _, _| b.batchId = B256::repeat_byte(9)),
        ("batch attestor", |b, _, _, _, _| {
            b.attestor = Address::repeat_byte(9);
        }),
    ];
    for (name, edit) in cases {
        assert!(!fixture.verify(&world, 0, 1, edit), "{name}");
    }
    // The other leaf's receipt with this leaf, and the reverse.
    let other = fixture.second.receipts[0].clone();
    let other_proof = fixture.second.path(0);
    assert!(!fixture.verify(&world, 0, 0, |_, _, _, r, p| {
        *r = other.clone();
        *p = other_proof.clone();
    }));
    assert!(fixture.verify(&world, 0, 0, same));
}

#[motsu::test]
fn receipts_in_the_tree_that_disagree_with_their_leaf_do_not_verify() {
    let world = World::new();
    // The attestor put into leaf 0's receipts tree a receipt of another license, of another
    // asset, scope and unit, of another attestor, and one outside the leaf's time span (the
    // span is computed from the others: the last receipt is moved after it below).
    let fixture = Fixture::new(&world, |receipts| {
        let base = receipts[0].clone();
        let odd = |edit: &dyn Fn(&mut Receipt), job: u8| {
            let mut r = base.clone();
            r.jobId = B256::repeat_byte(job);
            edit(&mut r);
            r
        };
        receipts.push(odd(&|r| r.licenseId = OTHER_LICENSE, 1));
        receipts.push(odd(&|r| r.assetId += U256::from(1), 2));
        receipts.push(odd(&|r| r.scope = U256::from(scope::INFERENCE), 3));
        receipts.push(odd(&|r| r.unit = scope::UNIT_KILO_TOKENS, 4));
        receipts.push(odd(&|r| r.attestor = Address::repeat_byte(9), 5));
    });
    // Its leaf takes the first receipt's fields; span from the first to the third receipt.
    let mut signed_leaf = fixture.signed.leaves[0].clone();
    signed_leaf.lastAt = PERIOD_START + 4_600;
    let leaves = vec![signed_leaf, fixture.signed.leaves[1].clone()];
    let signed = Signed::new(1, world.attestor(), leaves);
    let fixture = Fixture {
        signed,
        first: fixture.first,
        second: fixture.second,
    };
    world.anchor(&fixture.signed);
    // The first two receipts agree with the leaf; the third is after its lastAt.
    assert!(fixture.verify(&world, 0, 0, same));
    assert!(fixture.verify(&world, 0, 1, same));
    assert!(!fixture.verify(&world, 0, 2, same), "after lastAt");
    for (i, name) in [
        (3, "license"),
        (4, "asset"),
        (5, "scope"),
        (6, "unit"),
        (7, "attestor"),
    ] {
        assert!(!fixture.verify(&world, 0, i, same), "{name}");
    }
}

#[motsu::test]
fn receipts_of_a_voided_batch_do_not_verify() {
    let world = World::new();
    let fixture = Fixture::new(&world, |_| {});
    world.anchor(&fixture.signed);
    let batch = &fixture.signed.batch;
    // Challenged, and after a rejected round: still anchored receipts.
    world
        .challenge(Address::repeat_byte(0xc1), batch)
        .motsu_unwrap();
    assert!(fixture.verify(&world, 1, 1, same));
    world.resolve(batch, false).motsu_unwrap();
    assert!(fixture.verify(&world, 1, 1, same));
    world
        .challenge(Address::repeat_byte(0xc2), batch)
        .motsu_unwrap();
    world.resolve(batch, true).motsu_unwrap();
    assert!(!fixture.verify(&world, 1, 1, same));
    assert!(!fixture.verify(&world, 0, 0, same));
}
