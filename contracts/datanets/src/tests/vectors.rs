//! The attestor kit's attribution vectors (`tests/vectors/attribution_v1.json`): the contract
//! computes the kit's domain separator, typehash and digest and recovers the kit's evaluator;
//! the kit's `postReport` calldata goes through the contract's router (same selector, same
//! encoding); the activated root is the kit's tree, and the splitter pays every member on the
//! kit's proofs and `claimMerkle` calldata.

use alloc::{string::String, vec, vec::Vec};
use core::str::FromStr;

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::{SolCall, SolStruct};
use motsu::prelude::*;
use serde_json::Value;
use stylus_sdk::{abi::Bytes, stylus_core::calls::context::Call};
use tributary_abi::attribution::{postReportCall, weight_leaf, AttributionReport};

use super::*;
use crate::events::ReportPosted;

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
        "/../../tests/vectors/attribution_v1.json"
    );
    let text = std::fs::read_to_string(path)
        .expect("tests/vectors/attribution_v1.json (from the attestor kit)");
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

fn hex_bytes(value: &Value) -> Vec<u8> {
    let hex: String = text(value).trim_start_matches("0x").into();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The vectors' report.
fn report_of(v: &Value) -> AttributionReport {
    let r = &v["report"];
    AttributionReport {
        datasetId: uint(&r["datasetId"]),
        version: uint(&r["version"]),
        epoch: small(&r["epoch"]),
        benchmarkId: b256(&r["benchmarkId"]),
        metric: b256(&r["metric"]),
        weightsRoot: b256(&r["weightsRoot"]),
        totalWeight: uint(&r["totalWeight"]),
        deadline: small(&r["deadline"]),
    }
}

/// The vectors' members: `(contributor, weight, leaf, treeIndex, proof)`.
fn leaves(v: &Value) -> Vec<(Address, U256, B256, usize, Vec<B256>)> {
    v["leaves"]
        .as_array()
        .expect("leaves")
        .iter()
        .map(|l| {
            (
                address(&l["contributor"]),
                uint(&l["weight"]),
                b256(&l["leaf"]),
                usize::try_from(small(&l["treeIndex"])).unwrap(),
                hashes(&l["proof"]),
            )
        })
        .collect()
}

#[motsu::test]
fn the_contract_computes_the_kits_digest_and_recovers_its_evaluator() {
    let v = vectors();
    assert_eq!(small(&v["chainId"]), CHAIN_ID);
    let contract = address(&v["verifyingContract"]);
    let world = World::deployed_at(contract);
    let report = report_of(&v);
    assert_eq!(report.benchmarkId, keccak256(text(&v["benchmarkName"])));
    assert_eq!(report.metric, keccak256(text(&v["metricName"])));

    let view = world.datanets.sender(STRANGER);
    assert_eq!(view.domain_separator(), b256(&v["domainSeparator"]));
    assert_eq!(
        B256::from(crate::reports::REPORT_TYPEHASH),
        b256(&v["reportTypehash"])
    );
    assert_eq!(report.eip712_hash_struct(), b256(&v["reportStructHash"]));
    let expected = b256(&v["reportDigest"]);
    assert_eq!(digest(&report, CHAIN_ID, contract), expected);
    assert_eq!(view.digest_of(&tuple(&report)), expected);

    let signature = hex_bytes(&v["signature"]);
    assert_eq!(signature.len(), 65);
    assert_eq!(recover(&signature, expected), address(&v["evaluator"]));
    // The kit's calldata is alloy's `postReport(report, signature)`.
    let calldata = hex_bytes(&v["postReportCalldata"]);
    let call = postReportCall::abi_decode(&calldata, true).unwrap();
    assert_eq!(call.report, report);
    assert_eq!(call.signature.to_vec(), signature);
}

#[motsu::test]
fn the_kits_report_and_claims_go_through_the_contracts(relay: Contract<Relay>) {
    let v = vectors();
    let contract = address(&v["verifyingContract"]);
    let mut world = World::deployed_at(contract);
    let report = report_of(&v);
    let evaluator = address(&v["evaluator"]);
    let members = leaves(&v);
    // Members live at the kit's addresses and accept native currency.
    let wallets: Vec<Contract<Wallet>> = members.iter().map(|m| Contract::new_at(m.0)).collect();

    // The tree: every leaf is `weight_leaf`, sits at its index and proves into the root; the
    // weights sum to the total; left-out rows have weight 0.
    let tree = hashes(&v["tree"]);
    assert_eq!(tree[0], report.weightsRoot);
    assert_eq!(b256(&v["weightsRoot"]), report.weightsRoot);
    let mut total = U256::ZERO;
    for (contributor, weight, leaf, index, proof) in &members {
        assert_eq!(weight_leaf(*contributor, *weight), *leaf);
        assert_eq!(tree[*index], *leaf);
        let root = proof
            .iter()
            .fold(*leaf, |node, sibling| tree::hash_pair(node, *sibling));
        assert_eq!(root, report.weightsRoot);
        total += *weight;
    }
    assert_eq!(total, report.totalWeight);
    assert_eq!(uint(&v["totalWeight"]), total);
    for row in v["weights"].as_array().unwrap() {
        let in_tree = members.iter().any(|m| m.0 == address(&row["contributor"]));
        assert_eq!(in_tree, !uint(&row["weight"]).is_zero());
    }

    // Dataset 1 with split 1, as the vectors assume.
    world.dataset = world.register_listed(1, &[(world.a.address(), 1)]);
    world.split = world.split_of(world.dataset);
    assert_eq!(world.dataset, report.datasetId);
    world.hand_over(world.dataset);
    world.configure(world.dataset, NATIVE, STAKE).motsu_unwrap();
    world
        .datanets
        .sender(OWNER)
        .set_evaluator(world.dataset, evaluator, true)
        .motsu_unwrap();

    // The kit's `postReport` calldata, through the router.
    assert!(report.deadline >= now());
    relay
        .sender(RELAYER)
        .relay(
            world.datanets.address(),
            Bytes::from(hex_bytes(&v["postReportCalldata"])),
        )
        .motsu_unwrap();
    world.datanets.assert_emitted(&ReportPosted {
        datasetId: report.datasetId,
        epoch: report.epoch,
        evaluator,
        version: report.version,
        benchmarkId: report.benchmarkId,
        metric: report.metric,
        weightsRoot: report.weightsRoot,
        totalWeight: report.totalWeight,
        digest: b256(&v["reportDigest"]),
        vetoEndsAt: NOW + u64::from(VETO_WINDOW),
    });
    advance(u64::from(VETO_WINDOW));
    let claim = &v["claim"];
    let version = world.try_activate(world.dataset).motsu_unwrap();
    assert_eq!(u64::from(version), small(&claim["version"]));
    assert_eq!(world.split, uint(&claim["splitId"]));
    assert_eq!(
        world
            .splitter
            .sender(STRANGER)
            .version_info(world.split, version),
        (report.weightsRoot, report.totalWeight, U256::ZERO, 0)
    );

    // Revenue, then the kit's `claimMerkle` calldata for the first member and the vectors'
    // proofs for the others.
    let revenue = ETH + U256::from(7);
    world.deposit(world.split, revenue);
    assert_eq!(address(&claim["recipient"]), members[0].0);
    let owed: Vec<U256> = members
        .iter()
        .map(|m| {
            world
                .splitter
                .sender(STRANGER)
                .accrued(world.split, version, m.1, NATIVE)
        })
        .collect();
    relay
        .sender(RELAYER)
        .relay(
            world.splitter.address(),
            Bytes::from(hex_bytes(&claim["calldata"])),
        )
        .motsu_unwrap();
    assert_eq!(wallets[0].balance(), owed[0]);
    for (i, (contributor, weight, _, _, proof)) in members.iter().enumerate().skip(1) {
        let paid = world
            .splitter
            .sender(STRANGER)
            .claim_merkle(
                world.split,
                version,
                *contributor,
                *weight,
                proof.clone(),
                NATIVE,
            )
            .motsu_unwrap();
        assert_eq!(paid, owed[i]);
        assert_eq!(wallets[i].balance(), owed[i]);
    }
    let paid: U256 = owed.iter().copied().sum();
    assert!(paid <= revenue);
    assert!(revenue - paid <= U256::from(members.len()));
    assert_eq!(world.splitter.balance(), revenue - paid);
}
