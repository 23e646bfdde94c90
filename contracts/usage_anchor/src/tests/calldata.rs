//! The hand decoder of `anchorBatch` and `settle`: the selectors and encoding are the standard
//! ones (alloy's, as the off-chain kit uses), calls go through the real router's fallback, and
//! malformed calldata reverts with `MalformedCalldata`.

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, Bytes as AlloyBytes, B256, U256};
use alloy_sol_types::{SolCall, SolError};
use motsu::prelude::*;
use stylus_sdk::{abi::Bytes, prelude::*, stylus_core::calls::context::Call};
use tributary_abi::usage::{anchorBatchCall, settleCall};

use super::*;
use crate::{
    batches::STATUS_ANCHORED,
    errors::{BatchAlreadyAnchored, Error, MalformedCalldata},
    events::UsageSettled,
};

/// Forwards raw calldata to a contract (so the call goes through its router).
#[storage]
pub(crate) struct Relay {}

unsafe impl TopLevelStorage for Relay {}

#[public]
impl Relay {
    fn relay(&mut self, target: Address, data: Bytes) -> Result<Bytes, Vec<u8>> {
        match self.vm().call(&Call::new(), target, &data) {
            Ok(out) => Ok(Bytes::from(out)),
            Err(stylus_sdk::stylus_core::calls::errors::Error::Revert(out)) => Err(out),
            Err(_) => Err(vec![0xde, 0xad]),
        }
    }
}

/// `anchorBatch(batch, signature)` calldata, encoded by alloy.
fn anchor_call(batch: &Batch, signature: &[u8]) -> Vec<u8> {
    anchorBatchCall {
        batch: batch.clone(),
        signature: AlloyBytes::copy_from_slice(signature),
    }
    .abi_encode()
}

/// `settle(batch, leaves, proof, proofFlags)` calldata for the leaves at `positions`.
fn settle_call(signed: &Signed, positions: &[usize]) -> Vec<u8> {
    let (leaves, proof, flags) = signed.multiproof(positions);
    settleCall {
        batch: signed.batch.clone(),
        leaves: leaves.into_iter().map(UsageLeaf::from).collect(),
        proof,
        proofFlags: flags,
    }
    .abi_encode()
}

fn is_malformed(result: Option<Result<(), Error>>) -> bool {
    matches!(
        result,
        Some(Err(Error::MalformedCalldata(MalformedCalldata {})))
    )
}

#[test]
fn selectors_are_the_standard_ones() {
    // What stylus-sdk computes for the typed declarations of the exported interface (tuples in
    // place of the structs) is the selector of the struct signatures.
    assert_eq!(
        anchorBatchCall::SELECTOR,
        stylus_sdk::function_selector!("anchorBatch", crate::BatchTuple, Bytes)
    );
    assert_eq!(
        settleCall::SELECTOR,
        stylus_sdk::function_selector!(
            "settle",
            crate::BatchTuple,
            Vec<crate::LeafTuple>,
            Vec<B256>,
            Vec<bool>
        )
    );
    assert_eq!(
        anchorBatchCall::SIGNATURE,
        "anchorBatch((bytes32,address,bytes32,uint32,uint32,uint256,uint64,uint64,uint64),bytes)"
    );
}

#[motsu::test]
fn anchor_and_settle_through_the_router(relay: Contract<Relay>) {
    let world = World::new();
    let owner = world.owner();
    world.fund(LICENSE, MIN_BOND);
    let signed = Signed::new(1, world.attestor.address(), leaves(6));
    let signature = sign_batch(&world.attestor, world.anchor.address(), &signed.batch);
    relay
        .sender(owner)
        .relay(
            world.anchor.address(),
            Bytes::from(anchor_call(&signed.batch, &signature)),
        )
        .motsu_unwrap();
    assert_eq!(world.info(&signed.batch).2, STATUS_ANCHORED);
    // Errors come back ABI-encoded: a replay.
    let err = relay
        .sender(owner)
        .relay(
            world.anchor.address(),
            Bytes::from(anchor_call(&signed.batch, &signature)),
        )
        .motsu_expect_err("replayed");
    assert_eq!(
        err,
        Vec::<u8>::from(Error::BatchAlreadyAnchored(BatchAlreadyAnchored {
            attestor: signed.batch.attestor,
            batchId: signed.batch.batchId,
        }))
    );
    assert_eq!(
        err,
        BatchAlreadyAnchored {
            attestor: signed.batch.attestor,
            batchId: signed.batch.batchId,
        }
        .abi_encode()
    );

    advance(WINDOW);
    relay
        .sender(owner)
        .relay(
            world.anchor.address(),
            Bytes::from(settle_call(&signed, &[0, 2, 5])),
        )
        .motsu_unwrap();
    let leaf = &signed.leaves[2];
    world.anchor.assert_emitted(&UsageSettled {
        attestor: signed.batch.attestor,
        batchId: signed.batch.batchId,
        licenseId: LICENSE,
        index: 2,
        units: leaf.units,
        receiptCount: leaf.receiptCount,
        fee: leaf.units * RATE,
    });
    for index in 0..6 {
        assert_eq!(
            world.settled(&signed.batch, index),
            [0, 2, 5].contains(&index)
        );
    }

    // Malformed calldata: a custom error. Unknown selectors and empty calldata: no data.
    let mut short = settle_call(&signed, &[1]);
    short.truncate(100);
    let err = relay
        .sender(owner)
        .relay(world.anchor.address(), Bytes::from(short))
        .motsu_expect_err("malformed");
    assert_eq!(err, MalformedCalldata::SELECTOR.to_vec());
    // (motsu replaces an empty revert from a nested call with its own message, so these
    // call the fallback directly.)
    for data in [&[0x12, 0x34, 0x56, 0x78][..], &[]] {
        let err = world
            .anchor
            .sender(owner)
            .fallback(data)
            .motsu_expect_err("not ours");
        assert!(err.is_empty());
    }
}

#[motsu::test]
fn error_when_calldata_is_malformed() {
    let world = World::new();
    let owner = world.owner();
    world.fund(LICENSE, MIN_BOND);
    let signed = Signed::new(1, world.attestor.address(), leaves(3));
    let signature = sign_batch(&world.attestor, world.anchor.address(), &signed.batch);
    let good_anchor = anchor_call(&signed.batch, &signature);
    let good_settle = settle_call(&signed, &[0, 2]);
    let dispatch = |data: &[u8]| world.anchor.sender(owner).dispatch(data);

    // Patches word `word` of the arguments (after the selector) with `value`, right-aligned.
    let patch = |data: &[u8], word: usize, value: &[u8]| {
        let mut data = data.to_vec();
        let at = 4 + 32 * word + 32 - value.len();
        data[at..4 + 32 * (word + 1)].copy_from_slice(value);
        data
    };
    let word_at = |data: &[u8], word: usize| {
        U256::from_be_slice(&data[4 + 32 * word..4 + 32 * (word + 1)]).to::<usize>() / 32
    };
    // settle: 9 batch words, then the offsets of leaves (9), proof (10) and flags (11); the
    // leaves array: its length, then 10 words per leaf. anchorBatch: 9 batch words, the
    // signature's offset (9), its length.
    let leaves_at = word_at(&good_settle, 9);
    let flags_at = word_at(&good_settle, 11);
    let leaf = leaves_at + 1;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("settle selector only", settleCall::SELECTOR.to_vec()),
        ("settle head cut", good_settle[..4 + 64].to_vec()),
        (
            "settle tail cut",
            good_settle[..good_settle.len() - 1].to_vec(),
        ),
        ("anchor selector only", anchorBatchCall::SELECTOR.to_vec()),
        (
            "anchor signature cut",
            good_anchor[..good_anchor.len() - 40].to_vec(),
        ),
        ("leaves offset", patch(&good_settle, 9, &[0xff; 4])),
        ("proof offset", patch(&good_settle, 10, &[0xff; 32])),
        ("flags offset", patch(&good_settle, 11, &[0x10, 0x00, 0x00])),
        (
            "signature offset",
            patch(&good_anchor, 9, &[0x10, 0x00, 0x00]),
        ),
        ("leaves length", patch(&good_settle, leaves_at, &[0x10])),
        (
            "leaves length huge",
            patch(&good_settle, leaves_at, &[0xff; 32]),
        ),
        ("flags length", patch(&good_settle, flags_at, &[0x10])),
        ("signature length", patch(&good_anchor, 10, &[0x01, 0x00])),
        ("leaf index", patch(&good_settle, leaf, &[0x01; 5])),
        ("leaf unit", patch(&good_settle, leaf + 4, &[0x01, 0x00])),
        (
            "leaf receiptCount",
            patch(&good_settle, leaf + 6, &[0x01; 5]),
        ),
        ("leaf firstAt", patch(&good_settle, leaf + 7, &[0x01; 9])),
        ("leaf lastAt", patch(&good_settle, leaf + 8, &[0x01; 9])),
        ("settle attestor", patch(&good_settle, 1, &[0x01; 21])),
        ("settle leafCount", patch(&good_settle, 3, &[0x01; 5])),
        ("settle receiptCount", patch(&good_settle, 4, &[0x01; 5])),
        ("settle periodStart", patch(&good_settle, 6, &[0x01; 9])),
        ("settle periodEnd", patch(&good_settle, 7, &[0x01; 9])),
        ("settle deadline", patch(&good_settle, 8, &[0x01; 9])),
        ("anchor attestor", patch(&good_anchor, 1, &[0x01; 21])),
        ("anchor leafCount", patch(&good_anchor, 3, &[0x01; 5])),
        ("anchor deadline", patch(&good_anchor, 8, &[0x01; 9])),
        ("flag of 2", patch(&good_settle, flags_at + 1, &[2])),
        (
            "flag with high bits",
            patch(&good_settle, flags_at + 1, &[1, 1]),
        ),
    ];
    for (name, data) in &cases {
        assert!(is_malformed(dispatch(data)), "{name}");
    }
    // Other selectors are not ours.
    assert!(dispatch(&[0x12, 0x34, 0x56, 0x78, 0]).is_none());
    assert!(dispatch(&[0x12]).is_none());
    assert!(dispatch(&[]).is_none());
    // The untouched calldata works.
    assert!(matches!(dispatch(&good_anchor), Some(Ok(()))));
    advance(WINDOW);
    assert!(matches!(dispatch(&good_settle), Some(Ok(()))));
    assert!(world.settled(&signed.batch, 0) && world.settled(&signed.batch, 2));
}
