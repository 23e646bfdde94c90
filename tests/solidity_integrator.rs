//! The Solidity example in `examples/` composes Tributary: built with solc against the
//! committed interfaces, deployed next to the Stylus contracts, and exercised.

// The scenario reads best as one story.
#![allow(clippy::too_many_lines)]

use std::process::Command;

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, Bytes, U256},
    providers::Provider,
    rpc::types::TransactionRequest,
    sol,
    sol_types::{SolCall, SolConstructor},
};
use tributary::{contracts::Contract, contracts_abi::royalty_splitter::IRoyaltySplitter};
use tributary_e2e::world;

sol! {
    contract InferenceMarketplace {
        constructor(address registry_, address licenses_, address splitter_);
        function list(uint256 datasetId, uint256 feePerCall) external returns (uint256 listingId);
        function buyInference(uint256 listingId, uint256 licenseId, uint256 calls) external payable;
    }
}

fn compile() -> Bytes {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = root.join("target/solc");
    let status = Command::new("node")
        .current_dir(&root)
        .args(["scripts/solc.mjs", "--out"])
        .arg(&out)
        .arg("examples/InferenceMarketplace.sol")
        .status()
        .expect("node runs (bash scripts/setup.sh installs solc)");
    assert!(status.success(), "solc compiles the example");
    let artifact: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("InferenceMarketplace.json")).expect("artifact"),
    )
    .expect("json");
    artifact["bytecode"]
        .as_str()
        .expect("bytecode")
        .parse()
        .expect("hex")
}

#[tokio::test(flavor = "multi_thread")]
async fn marketplace_checks_the_license_and_pays_the_dataset_split() {
    let w = world().await;
    let mut initcode = compile().to_vec();
    initcode.extend(
        InferenceMarketplace::constructorCall {
            registry_: w.at(Contract::AttributionRegistry),
            licenses_: w.at(Contract::LicenseNft),
            splitter_: w.at(Contract::RoyaltySplitter),
        }
        .abi_encode(),
    );
    let deploy = TransactionRequest::default()
        .with_from(w.accounts[0])
        .with_deploy_code(initcode);
    let receipt = w
        .chain
        .send_transaction(deploy)
        .await
        .expect("sent")
        .get_receipt()
        .await
        .expect("mined");
    let market: Address = receipt.contract_address.expect("created");

    let listing = w
        .returning(
            w.accounts[6],
            market,
            &InferenceMarketplace::listCall {
                datasetId: w.dataset_id,
                feePerCall: U256::from(1_000_000_000u64),
            },
            U256::ZERO,
        )
        .await
        .listingId;
    let inference = w.offer(2, 0, U256::from(1_000u64), U256::from(1u64)).await;
    let licensed = w.mint(inference, w.accounts[3], U256::from(1_000u64)).await;
    let train_only = w.offer(1, 0, U256::from(1_000u64), U256::from(1u64)).await;
    let wrong_scope = w
        .mint(train_only, w.accounts[5], U256::from(1_000u64))
        .await;

    let splitter = w.at(Contract::RoyaltySplitter);
    let before = w
        .view(
            splitter,
            &IRoyaltySplitter::splitBalanceCall {
                split_id: w.dataset_split,
                token: Address::ZERO,
            },
        )
        .await
        ._0;
    let buy = |license: U256| {
        InferenceMarketplace::buyInferenceCall {
            listingId: listing,
            licenseId: license,
            calls: U256::from(3),
        }
        .abi_encode()
    };
    let fee = U256::from(3_000_000_000u64);
    w.send(w.accounts[3], market, buy(licensed), fee)
        .await
        .expect("licensed buyer pays");
    let after = w
        .view(
            splitter,
            &IRoyaltySplitter::splitBalanceCall {
                split_id: w.dataset_split,
                token: Address::ZERO,
            },
        )
        .await
        ._0;
    assert_eq!(
        after - before,
        fee,
        "the whole fee reached the dataset split"
    );
    assert!(
        w.send(w.accounts[5], market, buy(wrong_scope), fee)
            .await
            .is_err(),
        "TRAIN-only license refused"
    );
    assert!(
        w.send(w.accounts[6], market, buy(licensed), fee)
            .await
            .is_err(),
        "not the holder"
    );
    assert!(
        w.send(w.accounts[3], market, buy(licensed), U256::from(1u64))
            .await
            .is_err(),
        "wrong payment"
    );
    assert_eq!(
        w.chain.get_balance(market).await.expect("balance"),
        U256::ZERO,
        "holds nothing"
    );
}
