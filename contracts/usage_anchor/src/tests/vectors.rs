//! Shared test vectors (`tests/vectors/usage_v1.json`, written by the attestor kit in `cli/`):
//! the contract's leaf, root, struct hash, digest, multiproof check and signature recovery
//! must be exactly what the off-chain code produced.

use alloc::{string::String, vec::Vec};
use core::str::FromStr;

use alloy_primitives::{Address, PrimitiveSignature, B256, U256};
use motsu::prelude::*;
use serde_json::Value;
use stylus_sdk::abi::Bytes;

use super::*;
use crate::{merkle::verify_leaves, signing};

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/usage_v1.json"
    );
    let text =
        std::fs::read_to_string(path).expect("tests/vectors/usage_v1.json (from the cli kit)");
    serde_json::from_str(&text).expect("valid JSON")
}

fn text(value: &Value) -> &str {
    value.as_str().expect("string field")
}

fn b256(value: &Value) -> B256 {
    B256::from_str(text(value)).expect("bytes32")
}

fn address(value: &Value) -> Address {
    Address::from_str(text(value)).expect("address")
}

fn uint(value: &Value) -> U256 {
    U256::from_str(text(value)).expect("decimal uint256")
}

fn small(value: &Value) -> u64 {
    value.as_u64().expect("number")
}

fn hashes(value: &Value) -> Vec<B256> {
    value.as_array().expect("array").iter().map(b256).collect()
}

fn receipt_from(value: &Value) -> Receipt {
    Receipt {
        jobId: b256(&value["jobId"]),
        licenseId: uint(&value["licenseId"]),
        datasetId: uint(&value["datasetId"]),
        modelHash: b256(&value["modelHash"]),
        unit: u8::try_from(small(&value["unit"])).expect("uint8"),
        units: uint(&value["units"]),
        timestamp: small(&value["timestamp"]),
        attestor: address(&value["attestor"]),
    }
}

fn batch_from(value: &Value) -> Batch {
    Batch {
        batchId: b256(&value["batchId"]),
        attestor: address(&value["attestor"]),
        root: b256(&value["root"]),
        receiptCount: u32::try_from(small(&value["receiptCount"])).expect("uint32"),
        totalUnits: uint(&value["totalUnits"]),
        periodStart: small(&value["periodStart"]),
        periodEnd: small(&value["periodEnd"]),
    }
}

fn signature_bytes(value: &Value) -> Vec<u8> {
    let hex: String = text(value).trim_start_matches("0x").into();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn leaves_root_digest_and_proofs_match_the_attestor_kit() {
    let v = vectors();
    let chain_id = small(&v["chainId"]);
    let contract = address(&v["verifyingContract"]);
    let receipts: Vec<Receipt> = v["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .map(receipt_from)
        .collect();
    let leaves = hashes(&v["leaves"]);
    assert_eq!(
        receipts.iter().map(receipt_leaf).collect::<Vec<_>>(),
        leaves,
        "leaves"
    );

    // The kit builds like OpenZeppelin's `StandardMerkleTree`: leaves sorted by hash.
    let mut sorted = leaves.clone();
    sorted.sort();
    let tree = tree::build(&sorted);
    assert_eq!(tree[0], b256(&v["root"]), "root");

    let batch = batch_from(&v["batch"]);
    assert_eq!(batch.root, tree[0]);
    assert_eq!(U256::from(batch.receiptCount), U256::from(receipts.len()));
    assert_eq!(
        batch.totalUnits,
        receipts.iter().fold(U256::ZERO, |s, r| s + r.units)
    );
    assert_eq!(
        signing::domain_separator(&HOST, chain_id, contract),
        b256(&v["domainSeparator"]),
        "domain"
    );
    assert_eq!(
        signing::batch_struct_hash(&HOST, &batch),
        b256(&v["batchStructHash"]),
        "struct hash"
    );
    let digest = signing::batch_digest(&HOST, chain_id, contract, &batch);
    assert_eq!(digest, b256(&v["batchDigest"]), "digest");

    // Signature: 65 bytes, low s, recovers to the attestor.
    let signature = signature_bytes(&v["signature"]);
    let (v_byte, r, s) = signing::split_signature(&signature).expect("65 bytes");
    assert!(v_byte == 27 || v_byte == 28);
    assert!(
        U256::from_be_bytes(s.0)
            <= openzeppelin_stylus::utils::cryptography::ecdsa::SIGNATURE_S_UPPER_BOUND
    );
    let parsed = PrimitiveSignature::from_scalars_and_parity(r, s, v_byte == 28);
    assert_eq!(
        parsed
            .recover_address_from_prehash(&digest)
            .expect("recovers"),
        batch.attestor
    );
    assert_eq!(address(&v["attestor"]), batch.attestor);

    // The kit's multiproof verifies with the contract's verifier.
    let multiproof = &v["multiproof"];
    let proof_leaves = hashes(&multiproof["leaves"]);
    let proof = hashes(&multiproof["proof"]);
    let flags: Vec<bool> = multiproof["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| f.as_bool().expect("bool"))
        .collect();
    assert!(
        verify_leaves(
            batch.root,
            &proof_leaves.iter().map(|leaf| leaf.0).collect::<Vec<_>>(),
            &proof.iter().map(|node| node.0).collect::<Vec<_>>(),
            &flags
        ),
        "multiproof"
    );
    assert!(proof_leaves.iter().all(|leaf| leaves.contains(leaf)));
}

#[motsu::test]
fn the_contract_accepts_the_kits_signed_batch_and_proof(
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
) {
    let v = vectors();
    let contract = address(&v["verifyingContract"]);
    let anchor = Contract::<UsageAnchor>::new_at(contract);
    VM::context().set_chain_id(small(&v["chainId"]));
    escrow
        .sender(owner)
        .constructor(owner, license.address(), splitter.address(), EXIT_DELAY)
        .motsu_unwrap();
    anchor
        .sender(owner)
        .constructor(
            owner,
            license.address(),
            escrow.address(),
            WINDOW,
            MIN_BOND,
            CHALLENGE_BOND,
            EXIT_DELAY,
        )
        .motsu_unwrap();
    escrow
        .sender(owner)
        .set_usage_anchor(anchor.address())
        .motsu_unwrap();
    let batch = batch_from(&v["batch"]);
    enroll(&anchor, owner, batch.attestor);
    // The kit's batch period may lie after motsu's fixed clock; move the clock past it.
    if batch.periodEnd > NOW {
        crate::clock::advance(batch.periodEnd - NOW);
    }
    let signature = Bytes::from(signature_bytes(&v["signature"]));
    anchor
        .sender(owner)
        .anchor_batch(batch.clone().into(), signature)
        .motsu_unwrap();

    // Settle the kit's multiproof subset against licenses configured from the receipts.
    let receipts: Vec<Receipt> = v["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .map(receipt_from)
        .collect();
    for r in &receipts {
        license.sender(owner).configure(
            r.licenseId,
            owner,
            Address::ZERO,
            U256::from(scope::TRAIN),
            0,
            0,
        );
        license.sender(owner).set_dataset(r.licenseId, r.datasetId);
    }
    let multiproof = &v["multiproof"];
    let proof_leaves = hashes(&multiproof["leaves"]);
    let ordered: Vec<crate::ReceiptTuple> = proof_leaves
        .iter()
        .map(|leaf| {
            receipts
                .iter()
                .find(|r| receipt_leaf(r) == *leaf)
                .expect("leaf of a receipt")
                .clone()
                .into()
        })
        .collect();
    let flags: Vec<bool> = multiproof["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| f.as_bool().expect("bool"))
        .collect();
    crate::clock::advance(WINDOW);
    anchor
        .sender(owner)
        .settle(batch.batchId, ordered, hashes(&multiproof["proof"]), flags)
        .motsu_unwrap();
    assert!(proof_leaves
        .iter()
        .all(|leaf| anchor.sender(owner).is_receipt_settled(*leaf)));
}
