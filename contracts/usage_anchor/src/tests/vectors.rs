//! Shared test vectors (`tests/vectors/usage_v2.json`, written by the attestor kit in `cli/`):
//! the contract's leaf hashes, roots, batch key, struct hash, digest, calldata decoding,
//! multiproof check and signature recovery must be exactly what the off-chain code produced,
//! and the kit's calldata anchors and settles on an anchor deployed where it was signed for.

use alloc::{string::String, vec::Vec};
use core::str::FromStr;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolValue};
use motsu::prelude::*;
use serde_json::Value;
use tributary_abi::usage::{receipt_leaf, Receipt};

use super::*;
use crate::{
    calldata::{decode_settle, Reader},
    events::UsageSettled,
    merkle::verify_leaves,
    signing,
};

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

fn bools(value: &Value) -> Vec<bool> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_bool().expect("bool"))
        .collect()
}

fn hex_bytes(value: &Value) -> Vec<u8> {
    let hex: String = text(value).trim_start_matches("0x").into();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

fn receipt_from(value: &Value) -> Receipt {
    Receipt {
        jobId: b256(&value["jobId"]),
        licenseId: uint(&value["licenseId"]),
        assetId: uint(&value["assetId"]),
        modelHash: b256(&value["modelHash"]),
        scope: uint(&value["scope"]),
        unit: u8::try_from(small(&value["unit"])).expect("uint8"),
        units: uint(&value["units"]),
        timestamp: small(&value["timestamp"]),
        attestor: address(&value["attestor"]),
    }
}

fn leaf_from(value: &Value) -> UsageLeaf {
    UsageLeaf {
        index: u32::try_from(small(&value["index"])).expect("uint32"),
        licenseId: uint(&value["licenseId"]),
        assetId: uint(&value["assetId"]),
        scope: uint(&value["scope"]),
        unit: u8::try_from(small(&value["unit"])).expect("uint8"),
        units: uint(&value["units"]),
        receiptCount: u32::try_from(small(&value["receiptCount"])).expect("uint32"),
        firstAt: small(&value["firstAt"]),
        lastAt: small(&value["lastAt"]),
        receiptsRoot: b256(&value["receiptsRoot"]),
    }
}

fn batch_from(value: &Value) -> Batch {
    Batch {
        batchId: b256(&value["batchId"]),
        attestor: address(&value["attestor"]),
        root: b256(&value["root"]),
        leafCount: u32::try_from(small(&value["leafCount"])).expect("uint32"),
        receiptCount: u32::try_from(small(&value["receiptCount"])).expect("uint32"),
        totalUnits: uint(&value["totalUnits"]),
        periodStart: small(&value["periodStart"]),
        periodEnd: small(&value["periodEnd"]),
        deadline: small(&value["deadline"]),
    }
}

fn leaves_from(value: &Value) -> Vec<UsageLeaf> {
    value
        .as_array()
        .expect("leaves")
        .iter()
        .map(leaf_from)
        .collect()
}

/// The `StandardMerkleTree` root over `leaves` (sorted, as the kit builds it).
fn standard_root(leaves: &[B256]) -> B256 {
    let mut sorted = leaves.to_vec();
    sorted.sort();
    tree::build(&sorted)[0]
}

fn raw(words: &[B256]) -> Vec<[u8; 32]> {
    words.iter().map(|w| w.0).collect()
}

#[test]
fn hashes_roots_and_digest_match_the_attestor_kit() {
    let v = vectors();
    let chain_id = small(&v["chainId"]);
    let contract = address(&v["verifyingContract"]);
    let receipts: Vec<Receipt> = v["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .map(receipt_from)
        .collect();
    assert_eq!(
        receipts.iter().map(receipt_leaf).collect::<Vec<_>>(),
        hashes(&v["receiptHashes"]),
        "receipt leaves"
    );
    let leaves = leaves_from(&v["leaves"]);
    let leaf_hashes: Vec<B256> = leaves
        .iter()
        .map(|l| crate::merkle::leaf_hash(&l.abi_encode()))
        .collect();
    assert_eq!(leaf_hashes, hashes(&v["leafHashes"]), "usage leaves");
    // Each leaf aggregates its group of receipts: its receiptsRoot is their tree's root, its
    // totals their sums.
    let groups = v["receiptLeaves"].as_array().expect("receiptLeaves");
    assert_eq!(groups.len(), leaves.len());
    for (leaf, group) in leaves.iter().zip(groups) {
        let group = hashes(group);
        assert_eq!(
            leaf.receiptsRoot,
            standard_root(&group),
            "leaf {}",
            leaf.index
        );
        let members: Vec<&Receipt> = receipts
            .iter()
            .filter(|r| group.contains(&receipt_leaf(r)))
            .collect();
        assert_eq!(members.len(), leaf.receiptCount as usize);
        assert_eq!(members.iter().map(|r| r.units).sum::<U256>(), leaf.units);
        assert!(members.iter().all(|r| r.licenseId == leaf.licenseId
            && r.timestamp >= leaf.firstAt
            && r.timestamp <= leaf.lastAt));
    }

    let batch = batch_from(&v["batch"]);
    assert_eq!(batch.root, b256(&v["root"]));
    assert_eq!(batch.root, standard_root(&leaf_hashes), "root");
    assert_eq!(batch.leafCount as usize, leaves.len());
    assert_eq!(batch.receiptCount as usize, receipts.len());
    assert_eq!(
        batch.totalUnits,
        leaves.iter().map(|l| l.units).sum::<U256>()
    );
    assert_eq!(
        tributary_merkle::batch_key(batch.attestor, batch.batchId),
        b256(&v["batchKey"]),
        "batch key"
    );
    assert_eq!(
        signing::domain_separator(&HOST, chain_id, contract),
        b256(&v["domainSeparator"]),
        "domain"
    );
    assert_eq!(
        B256::from(signing::BATCH_TYPEHASH),
        b256(&v["batchTypehash"])
    );
    let struct_hash = signing::batch_struct_hash(&HOST, &batch.abi_encode());
    assert_eq!(struct_hash, b256(&v["batchStructHash"]), "struct hash");
    assert_eq!(
        signing::batch_digest(&HOST, chain_id, contract, struct_hash),
        b256(&v["batchDigest"]),
        "digest"
    );
}

#[test]
fn calldata_and_proofs_of_the_kit_decode_and_verify() {
    let v = vectors();
    let batch = batch_from(&v["batch"]);
    // anchorBatch: the batch and the signature.
    let anchor = hex_bytes(&v["anchorCalldata"]);
    assert_eq!(anchor[..4], tributary_abi::usage::anchorBatchCall::SELECTOR);
    let args = Reader(&anchor[4..]);
    let decoded = args.batch(0).expect("batch");
    assert_eq!(decoded.words, batch.abi_encode().as_slice());
    let (start, length) = args
        .array(crate::calldata::BATCH_SIZE, 1)
        .expect("signature");
    assert_eq!(
        &anchor[4 + start..4 + start + length],
        hex_bytes(&v["signature"]).as_slice()
    );

    // settle: one multiproof over the leaves of one license.
    let multi = &v["multiproof"];
    let leaves = leaves_from(&multi["leaves"]);
    let proof = hashes(&multi["proof"]);
    let flags = bools(&multi["proofFlags"]);
    let leaf_hashes = hashes(&multi["leafHashes"]);
    assert!(verify_leaves(
        batch.root,
        &raw(&leaf_hashes),
        &raw(&proof),
        &flags
    ));
    let settle = hex_bytes(&multi["settleCalldata"]);
    assert_eq!(settle[..4], tributary_abi::usage::settleCall::SELECTOR);
    let call = decode_settle(&settle[4..]).expect("settle calldata");
    assert_eq!(call.batch.words, batch.abi_encode().as_slice());
    assert_eq!(
        call.leaves.iter().map(|l| l.hash).collect::<Vec<_>>(),
        leaf_hashes
    );
    assert_eq!(call.leaves.len(), leaves.len());
    for (decoded, leaf) in call.leaves.iter().zip(&leaves) {
        assert_eq!(decoded.index, leaf.index);
        assert_eq!(decoded.license_id, uint(&multi["licenseId"]));
        assert_eq!(decoded.units, leaf.units);
    }
    assert_eq!(call.proof, raw(&proof));
    assert_eq!(call.flags, flags);

    // One receipt down to the batch root.
    let rp = &v["receiptProof"];
    let all = leaves_from(&v["leaves"]);
    let leaf = &all[usize::try_from(small(&rp["leafIndex"])).expect("index")];
    assert!(verify_leaves(
        leaf.receiptsRoot,
        &[b256(&rp["receiptLeaf"]).0],
        &raw(&hashes(&rp["receiptProof"])),
        &[]
    ));
    assert!(verify_leaves(
        batch.root,
        &[b256(&rp["leafHash"]).0],
        &raw(&hashes(&rp["leafProof"])),
        &[]
    ));
}

/// The kit's `anchorBatch` calldata is accepted (its signature recovers to the batch's
/// attestor over the anchor's domain) and its `settle` calldata bills the leaves it proves.
#[motsu::test]
fn the_kit_calldata_anchors_and_settles() {
    let v = vectors();
    assert_eq!(small(&v["chainId"]), CHAIN_ID);
    assert_eq!(address(&v["attestor"]), batch_from(&v["batch"]).attestor);
    let world = World::at(address(&v["verifyingContract"]));
    let batch = batch_from(&v["batch"]);
    world.enroll(batch.attestor);
    // The kit's licenses: every leaf's license, for its asset, scope and unit.
    for leaf in leaves_from(&v["leaves"]) {
        world.issue(leaf.licenseId);
        world.license.sender(world.owner()).set_terms(
            leaf.licenseId,
            leaf.assetId,
            SPLIT,
            leaf.scope,
            leaf.unit,
            RATE,
        );
        world.fund(leaf.licenseId, MIN_BOND);
    }
    // Into the batch's anchoring interval: after its period, by its deadline.
    advance(batch.periodEnd + 1 - NOW);
    assert!(now() <= batch.deadline);
    let dispatch = |data: &[u8]| {
        world
            .anchor
            .sender(world.owner())
            .dispatch(data)
            .expect("the anchor's selector")
    };
    dispatch(&hex_bytes(&v["anchorCalldata"])).motsu_unwrap();
    assert_eq!(world.info(&batch).0, stored_hash(&batch));
    let mut prefix = b256(&v["batchStructHash"]);
    prefix[tributary_abi::usage::BATCH_HASH_PREFIX..].fill(0);
    assert_eq!(world.info(&batch).0, prefix);
    advance(WINDOW);
    dispatch(&hex_bytes(&v["multiproof"]["settleCalldata"])).motsu_unwrap();
    for leaf in leaves_from(&v["multiproof"]["leaves"]) {
        world.anchor.assert_emitted(&UsageSettled {
            attestor: batch.attestor,
            batchId: batch.batchId,
            licenseId: leaf.licenseId,
            index: leaf.index,
            units: leaf.units,
            receiptCount: leaf.receiptCount,
            fee: leaf.units * RATE,
        });
        assert!(world.settled(&batch, leaf.index));
    }
}
