//! `tributary deploy` against a local devnode: deploys and wires everything, writes the
//! deployment file, and a second run finds it live and does nothing. Needs the contracts built
//! (`cargo run -p tributary -- build`, which `scripts/test.sh` runs before the tests).

use std::process::Command;

use alloy::{
    network::TransactionBuilder,
    primitives::Address,
    providers::{Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    sol_types::{SolCall, SolValue},
};
use tributary::{contracts::Contract, contracts_abi::datanets::IDatanets, deploy::Deployment};
use tributary_devnode::rpc::{self, ServerConfig};

/// nitro-devnode's dev key, funded on the devnode.
const KEY: &str = "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";

fn deploy(url: &str, out: &std::path::Path) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tributary"))
        .args([
            "deploy",
            "--no-build",
            "--rpc-url",
            url,
            "--private-key",
            KEY,
            "--out",
        ])
        .arg(out)
        .output()
        .expect("tributary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_writes_the_deployment_and_a_second_run_does_nothing() {
    let config = ServerConfig {
        addr: ([127, 0, 0, 1], 0).into(),
        log_transactions: false,
        ..ServerConfig::default()
    };
    let server = rpc::start(config).await.expect("devnode");
    let url = server.url();
    let out = std::env::temp_dir().join(format!("tributary-deploy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);

    let first = {
        let (url, out) = (url.clone(), out.clone());
        tokio::task::spawn_blocking(move || deploy(&url, &out))
            .await
            .expect("joins")
    };
    assert!(first.0, "first deploy succeeds:\n{}", first.1);
    assert!(
        first.1.contains("escrow.setUsageAnchor"),
        "wiring is reported:\n{}",
        first.1
    );
    let file = Deployment::load(&out.join("412346.json")).expect("deployment file");
    assert_eq!(file.chain_id, 412_346);
    let addresses: std::collections::BTreeSet<_> =
        file.contracts.iter().map(|(_, d)| d.address).collect();
    assert_eq!(Contract::DEPLOY_ORDER.len(), 10);
    assert_eq!(addresses.len(), 10, "ten contracts at ten addresses");
    // Datanets, deployed last, is constructed with the registry and reads the splitter from it;
    // it needs no wiring (six calls, none to it).
    assert_eq!(file.wiring.len(), 6);
    let provider = ProviderBuilder::new().on_http(url.parse().expect("url"));
    let datanets = file.address(Contract::Datanets);
    for (data, expected) in [
        (
            IDatanets::registryCall {}.abi_encode(),
            Contract::AttributionRegistry,
        ),
        (
            IDatanets::splitterCall {}.abi_encode(),
            Contract::RoyaltySplitter,
        ),
    ] {
        let request = TransactionRequest::default()
            .with_to(datanets)
            .with_input(data);
        let out = provider.call(&request).await.expect("datanets view");
        assert_eq!(
            Address::abi_decode(&out, true).expect("an address"),
            file.address(expected),
            "datanets' {expected}"
        );
    }

    let second = {
        let (url, out) = (url.clone(), out.clone());
        tokio::task::spawn_blocking(move || deploy(&url, &out))
            .await
            .expect("joins")
    };
    assert!(second.0, "second run succeeds:\n{}", second.1);
    assert!(
        second.1.contains("already deployed and activated"),
        "{}",
        second.1
    );
    assert_eq!(
        Deployment::load(&out.join("412346.json")).expect("unchanged"),
        file
    );

    server.stop().await;
    let _ = std::fs::remove_dir_all(&out);
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_refuses_a_chain_without_stylus_deployer() {
    use alloy::{
        network::EthereumWallet, providers::ProviderBuilder, signers::local::PrivateKeySigner,
    };
    use tributary::{
        deploy::{deploy_all, DeployError, Programs, UsageParameters, STYLUS_DEPLOYER},
        nitro_wasm,
    };

    let config = ServerConfig {
        addr: ([127, 0, 0, 1], 0).into(),
        log_transactions: false,
        ..ServerConfig::default()
    };
    let server = rpc::start(config).await.expect("devnode");
    let signer: PrivateKeySigner = KEY.parse().expect("key");
    let from = signer.address();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .on_http(server.url().parse().expect("url"));
    let _: serde_json::Value = alloy::providers::Provider::raw_request(
        &provider,
        "anvil_setCode".into(),
        (STYLUS_DEPLOYER, "0x"),
    )
    .await
    .expect("code removed");
    let minimal = wat::parse_str(
        r#"(module (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    )
    .expect("valid WAT");
    let programs = Programs::try_from_fn(|_| nitro_wasm::prepare(&minimal)).expect("prepared");
    let err = deploy_all(
        &provider,
        from,
        &programs,
        UsageParameters::default(),
        |_| {},
    )
    .await
    .expect_err("refused");
    assert!(
        matches!(&err, DeployError::Chain(m) if m.contains("StylusDeployer is not deployed")),
        "{err}"
    );
    server.stop().await;
}
