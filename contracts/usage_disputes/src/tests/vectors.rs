//! The attestor kit's vectors (`tests/vectors/usage_v2.json`) against the deployed contracts:
//! its `verifyReceipt` calldata, and a `holdEscrow` call encoded with the shared declarations,
//! go through the disputes contract's router (same selectors, same encoding) and prove what
//! they should on a batch anchored from the kit's `anchorBatch` calldata.

use alloc::{string::String, vec, vec::Vec};
use core::str::FromStr;

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolValue};
use motsu::prelude::*;
use serde_json::Value;
use stylus_sdk::{abi::Bytes, stylus_core::calls::context::Call};
use tributary_abi::usage::{holdEscrowCall, verifyReceiptCall};

use super::*;
use crate::events::EscrowHoldPlaced;

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

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/usage_v2.json"
    );
    let text =
        std::fs::read_to_string(path).expect("tests/vectors/usage_v2.json (from the cli kit)");
    serde_json::from_str(&text).expect("valid JSON")
}

fn text(value: &Value) -> &str {
    value.as_str().expect("string field")
}

fn address(value: &Value) -> Address {
    Address::from_str(text(value)).expect("address")
}

fn hex_bytes(value: &Value) -> Vec<u8> {
    let hex: String = text(value).trim_start_matches("0x").into();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

#[motsu::test]
fn the_kit_receipt_proof_verifies_through_the_router(relay: Contract<Relay>) {
    let v = vectors();
    assert_eq!(v["chainId"].as_u64(), Some(CHAIN_ID));
    let world = World::at(address(&v["verifyingContract"]));
    let anchor_data = hex_bytes(&v["anchorCalldata"]);
    let call = tributary_abi::usage::anchorBatchCall::abi_decode(&anchor_data, true).unwrap();
    let batch = call.batch;
    world.enroll(batch.attestor);
    advance(batch.periodEnd + 1 - NOW);
    let data = hex_bytes(&v["receiptProof"]["verifyReceiptCalldata"]);
    assert_eq!(data[..4], verifyReceiptCall::SELECTOR);
    let verify = |data: Vec<u8>| -> bool {
        let out = relay
            .sender(world.owner())
            .relay(world.disputes.address(), Bytes::from(data))
            .motsu_unwrap();
        bool::abi_decode(&out, true).unwrap()
    };
    // Not anchored yet.
    assert!(!verify(data.clone()));
    world
        .anchor
        .sender(world.owner())
        .dispatch(&anchor_data)
        .expect("the anchor's selector")
        .motsu_unwrap();
    assert!(verify(data.clone()));
    // The decoded arguments through the typed function agree; a changed receipt does not
    // verify.
    let args = verifyReceiptCall::abi_decode(&data, true).unwrap();
    assert_eq!(
        args.receipt.jobId,
        B256::from_str(text(&v["receiptProof"]["jobId"])).unwrap()
    );
    let mut tampered = args.clone();
    tampered.receipt.units += U256::from(1);
    assert!(!verify(tampered.abi_encode()));
    assert!(world
        .disputes
        .sender(world.owner())
        .verify_receipt(
            args.batch.into(),
            args.leaf.clone().into(),
            args.leafProof.clone(),
            args.receipt.clone().into(),
            args.receiptProof.clone(),
        )
        .motsu_unwrap());

    // holdEscrow with the shared declaration, while the batch is challenged.
    world
        .challenge(Address::repeat_byte(0xc1), &batch)
        .motsu_unwrap();
    let hold = holdEscrowCall {
        batch: batch.clone(),
        leaf: args.leaf.clone(),
        proof: args.leafProof,
    }
    .abi_encode();
    relay
        .sender(world.owner())
        .relay(world.disputes.address(), Bytes::from(hold))
        .motsu_unwrap();
    world.disputes.assert_emitted(&EscrowHoldPlaced {
        attestor: batch.attestor,
        batchId: batch.batchId,
        licenseId: args.leaf.licenseId,
        index: args.leaf.index,
    });
    assert_eq!(world.escrow_info(args.leaf.licenseId).4, 1);
}
