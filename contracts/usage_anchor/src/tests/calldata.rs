//! The hand decoder of `anchorBatch` and `settle`: the selectors and encoding are the standard
//! ones (alloy's, as the off-chain kit uses), calls go through the real router's fallback, and
//! malformed calldata reverts with `MalformedCalldata`.

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, Bytes as AlloyBytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError};
use motsu::prelude::*;
use stylus_sdk::{abi::Bytes, prelude::*, stylus_core::calls::context::Call};

use super::*;
use crate::{
    batches::STATUS_ANCHORED,
    calldata::{ANCHOR_BATCH_SELECTOR, SETTLE_SELECTOR},
    errors::{Error, MalformedCalldata},
    events::ReceiptSettled,
};

sol! {
    interface IAnchorCalls {
        function anchorBatch((bytes32,address,bytes32,uint32,uint256,uint64,uint64) batch, bytes signature) external;
        function settle(bytes32 batchId, (bytes32,uint256,uint256,bytes32,uint8,uint256,uint64,address)[] receipts, bytes32[] proof, bool[] flags) external;
    }
}

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

fn anchor_call(batch: &tributary_abi::usage::Batch, signature: &[u8]) -> Vec<u8> {
    IAnchorCalls::anchorBatchCall {
        batch: (
            batch.batchId,
            batch.attestor,
            batch.root,
            batch.receiptCount,
            batch.totalUnits,
            batch.periodStart,
            batch.periodEnd,
        ),
        signature: AlloyBytes::copy_from_slice(signature),
    }
    .abi_encode()
}

fn settle_call(
    batch_id: B256,
    receipts: &[Receipt],
    proof: Vec<B256>,
    flags: Vec<bool>,
) -> Vec<u8> {
    IAnchorCalls::settleCall {
        batchId: batch_id,
        receipts: receipts
            .iter()
            .map(|r| {
                (
                    r.jobId,
                    r.licenseId,
                    r.datasetId,
                    r.modelHash,
                    r.unit,
                    r.units,
                    r.timestamp,
                    r.attestor,
                )
            })
            .collect(),
        proof,
        flags,
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
    assert_eq!(
        ANCHOR_BATCH_SELECTOR,
        IAnchorCalls::anchorBatchCall::SELECTOR
    );
    assert_eq!(SETTLE_SELECTOR, IAnchorCalls::settleCall::SELECTOR);
    // What stylus-sdk computes for the typed declarations in the exported interface.
    assert_eq!(
        ANCHOR_BATCH_SELECTOR,
        stylus_sdk::function_selector!("anchorBatch", crate::BatchTuple, Bytes)
    );
    assert_eq!(
        SETTLE_SELECTOR,
        stylus_sdk::function_selector!(
            "settle",
            B256,
            Vec<crate::ReceiptTuple>,
            Vec<B256>,
            Vec<bool>
        )
    );
}

#[motsu::test]
fn anchor_and_settle_through_the_router(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    relay: Contract<Relay>,
    owner: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    fund(&escrow, owner, U256::from(10).pow(U256::from(18)));
    let receipts = receipts(6, attestor.address());
    let (batch, tree) = batch_of(1, attestor.address(), &receipts);
    let signature = sign_batch(&attestor, anchor.address(), &batch);
    relay
        .sender(owner)
        .relay(
            anchor.address(),
            Bytes::from(anchor_call(&batch, &signature)),
        )
        .motsu_unwrap();
    assert_eq!(
        anchor.sender(owner).batch_info(batch.batchId).7,
        STATUS_ANCHORED
    );
    // Errors come back ABI-encoded: a replay.
    let err = relay
        .sender(owner)
        .relay(
            anchor.address(),
            Bytes::from(anchor_call(&batch, &signature)),
        )
        .motsu_expect_err("replayed");
    assert_eq!(
        err,
        Vec::<u8>::from(Error::BatchAlreadyAnchored(
            crate::errors::BatchAlreadyAnchored {
                batchId: batch.batchId
            }
        ))
    );

    crate::clock::advance(WINDOW);
    let proof = tree::multiproof(&tree, &[0, 2, 5]);
    let ordered: Vec<Receipt> = proof
        .leaf_indices
        .iter()
        .map(|&i| receipts[i].clone())
        .collect();
    relay
        .sender(owner)
        .relay(
            anchor.address(),
            Bytes::from(settle_call(
                batch.batchId,
                &ordered,
                proof.proof.clone(),
                proof.flags.clone(),
            )),
        )
        .motsu_unwrap();
    let fee = receipts[0].units * RATE;
    anchor.assert_emitted(&ReceiptSettled {
        batchId: batch.batchId,
        leaf: receipt_leaf(&receipts[0]),
        licenseId: LICENSE,
        fee,
        paid: fee,
    });
    for receipt in &ordered {
        assert!(anchor
            .sender(owner)
            .is_receipt_settled(receipt_leaf(receipt)));
    }

    // Malformed calldata: a custom error. Unknown selectors and empty calldata: no data.
    let mut short = settle_call(batch.batchId, &ordered, proof.proof, proof.flags);
    short.truncate(100);
    let err = relay
        .sender(owner)
        .relay(anchor.address(), Bytes::from(short))
        .motsu_expect_err("malformed");
    assert_eq!(err, MalformedCalldata::SELECTOR.to_vec());
    // (motsu replaces an empty revert from a nested call with its own message, so these
    // call the fallback directly.)
    for data in [&[0x12, 0x34, 0x56, 0x78][..], &[]] {
        let err = anchor
            .sender(owner)
            .fallback(data)
            .motsu_expect_err("not ours");
        assert!(err.is_empty());
    }
}

#[motsu::test]
fn error_when_calldata_is_malformed(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let receipts = receipts(2, attestor.address());
    let (batch, tree) = batch_of(1, attestor.address(), &receipts);
    let signature = sign_batch(&attestor, anchor.address(), &batch);
    let good_anchor = anchor_call(&batch, &signature);
    let proof = tree::multiproof(&tree, &[0, 1]);
    let ordered: Vec<Receipt> = proof
        .leaf_indices
        .iter()
        .map(|&i| receipts[i].clone())
        .collect();
    let good_settle = settle_call(batch.batchId, &ordered, proof.proof, proof.flags);
    let dispatch = |data: &[u8]| anchor.sender(owner).dispatch(data);

    // Word offsets (after the selector). settle: batchId, 3 offsets; receipts at 0x80:
    // length, then 8 words per receipt. anchorBatch: 7 batch words, signature offset.
    let patch = |data: &[u8], word: usize, value: &[u8]| {
        let mut data = data.to_vec();
        let at = 4 + 32 * word + 32 - value.len();
        data[at..4 + 32 * (word + 1)].copy_from_slice(value);
        data
    };
    let first_receipt = 5; // word index of receipts[0].jobId
    let cases: Vec<Vec<u8>> = vec![
        // Only a selector; a truncated head; a truncated tail.
        SETTLE_SELECTOR.to_vec(),
        good_settle[..4 + 64].to_vec(),
        good_settle[..good_settle.len() - 1].to_vec(),
        ANCHOR_BATCH_SELECTOR.to_vec(),
        good_anchor[..good_anchor.len() - 40].to_vec(),
        // Offsets out of range or absurd.
        patch(&good_settle, 1, &[0xff; 4]),
        patch(&good_settle, 2, &[0xff; 32]),
        patch(&good_anchor, 7, &[0x10, 0x00, 0x00]),
        // Lengths larger than the data.
        patch(&good_settle, 4, &[0x03]),
        patch(&good_settle, 4, &[0xff; 32]),
        // Dirty high bits: receipt unit (uint8), timestamp (uint64), attestor (address).
        patch(&good_settle, first_receipt + 4, &[0x01, 0x00]),
        patch(&good_settle, first_receipt + 6, &[0x01; 9]),
        patch(&good_settle, first_receipt + 7, &[0x01; 21]),
        // Dirty high bits in the batch: attestor, receiptCount (uint32), periodEnd (uint64).
        patch(&good_anchor, 1, &[0x01; 21]),
        patch(&good_anchor, 3, &[0x01; 5]),
        patch(&good_anchor, 6, &[0x01; 9]),
    ];
    for (i, data) in cases.iter().enumerate() {
        assert!(is_malformed(dispatch(data)), "case {i}");
    }
    // A flag that is neither 0 nor 1.
    let flags_at = {
        let offset = U256::from_be_slice(&good_settle[4 + 96..4 + 128]).to::<usize>();
        (offset + 32) / 32
    };
    assert!(is_malformed(dispatch(&patch(&good_settle, flags_at, &[2]))));
    // Other selectors are not ours.
    assert!(dispatch(&[0x12, 0x34, 0x56, 0x78, 0]).is_none());
    assert!(dispatch(&[0x12]).is_none());
    // The untouched calldata works.
    assert!(matches!(dispatch(&good_anchor), Some(Ok(()))));
    crate::clock::advance(WINDOW);
    assert!(matches!(dispatch(&good_settle), Some(Ok(()))));
}
