//! `kill -9` of a real `tributary-gateway serve` process mid-job, then a restart on the same
//! database: every record served before the kill is still metered, the key still works, and
//! closing the job bills each record exactly once: the serving process's own pipeline anchors
//! the receipt and settles it after the challenge window, and the escrow pays exactly the
//! records served × the rate.

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::Duration,
};

use alloy::{
    primitives::{hex, U256},
    providers::Provider,
};
use tributary_e2e::{
    signers,
    usage::{bond_attestor, escrow_info, fund},
    world, World,
};
use tributary_gateway::{
    client::Client,
    content::Dataset,
    pipeline::status::{self, BatchRow, BatchStatus},
    store::Store,
};
use tributary_kit::{
    contracts::Contract,
    contracts_abi::{attribution_registry::IAttributionRegistry, license_offers::ILicenseOffers},
    world::eth_terms,
};

fn write_dataset(dir: &Path) {
    std::fs::create_dir_all(dir.join("train")).unwrap();
    let lines = |n: usize| "{\"record\":true}\n".repeat(n);
    let (a, b) = (lines(40), lines(25));
    std::fs::write(dir.join("train/part-0.jsonl"), a).unwrap();
    std::fs::write(dir.join("train/part-1.jsonl"), b).unwrap();
    std::fs::write(dir.join("cat.png"), [1, 2, 3]).unwrap();
}

async fn register<P: Provider>(w: &World<P>, dir: &Path) -> (U256, U256) {
    let creator = w.accounts[1];
    let id = w
        .returning(
            creator,
            w.at(Contract::AttributionRegistry),
            &IAttributionRegistry::registerDatasetCall {
                content_hash: Dataset::scan(dir).unwrap().content_hash,
                uri: "ipfs://kill9".into(),
                contributors: vec![creator],
                weights: vec![U256::from(1)],
            },
            U256::ZERO,
        )
        .await
        ._0;
    let terms = ILicenseOffers::LicenseTerms {
        scope: U256::from(1),
        price: U256::from(1_000_u64),
        usageRate: U256::from(1_u64),
        tierBps: vec![700],
        ..eth_terms(id, w.accounts[2], "kill9 terms", "ipfs://kill9-terms")
    };
    let offer = w
        .returning(
            creator,
            w.at(Contract::LicenseOffers),
            &ILicenseOffers::createOfferCall { terms },
            U256::ZERO,
        )
        .await
        ._0;
    (id, offer)
}

/// Starts `tributary-gateway serve` (its log appended to `log`) and waits until it answers.
async fn serve(args: &[String], base: &str, attestor_key: &str, log: &Path) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tributary-gateway"))
        .arg("serve")
        .args(args)
        .env("TRIBUTARY_ATTESTOR_KEY", attestor_key)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the gateway binary starts");
    let http = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(r) = http.get(format!("{base}/v1/siwe/nonce")).send().await {
            if r.status().is_success() {
                return child;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the gateway did not answer within 30 s");
}

/// Polls the database until its only batch has `status` (the pipeline ticks every second);
/// panics with the gateway's log after 60 s.
async fn wait_for_batch(db: &Path, status: BatchStatus, log: &Path) -> BatchRow {
    for _ in 0..600 {
        let store = Store::open(db).unwrap();
        let rows = store.with_conn(|c| status::batches(c, None)).unwrap();
        if let [row] = rows.as_slice() {
            if row.status == status {
                return row.clone();
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "no batch reached {status:?} in 60 s; gateway log:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_job_loses_nothing_and_bills_nothing_twice() {
    let w = world().await;
    let keys = signers();
    let lab = &keys[3];
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dataset");
    write_dataset(&dir);
    let (dataset_id, offer) = register(&w, &dir).await;
    let license = w.mint(offer, lab.address(), U256::from(1_000_u64)).await;
    fund(&w, license, U256::from(1_000_u64)).await;
    assert_eq!(bond_attestor(&w, 4).await, keys[4].address());
    let escrow_before = escrow_info(&w, license).await._0;
    let deployment = tmp.path().join("deployment.json");
    w.deployment.save(&deployment).unwrap();
    let db = tmp.path().join("gateway.db");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let args: Vec<String> = [
        "--dataset",
        dir.to_str().unwrap(),
        "--dataset-id",
        &dataset_id.to_string(),
        "--deployment",
        deployment.to_str().unwrap(),
        "--rpc-url",
        &w.server.url(),
        "--db",
        db.to_str().unwrap(),
        "--bind",
        &format!("127.0.0.1:{port}"),
        "--period",
        "2",
        "--close-grace",
        "0",
        "--pipeline-every",
        "1",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    let attestor_key = hex::encode_prefixed(keys[4].to_bytes());
    let log = tmp.path().join("gateway.log");

    let mut gateway = serve(&args, &base, &attestor_key, &log).await;
    let mut client = Client::new(&base).unwrap();
    client.sign_in(lab, license, U256::from(1)).await.unwrap();
    let job = client.open_job(None, None).await.unwrap();
    client.shard(job, "train/part-0.jsonl", None).await.unwrap();
    client
        .shard(job, "cat.png", Some("bytes=0-0"))
        .await
        .unwrap();
    gateway.kill().unwrap(); // SIGKILL
    gateway.wait().unwrap();

    let mut gateway = serve(&args, &base, &attestor_key, &log).await;
    assert_eq!(client.job(job).await.unwrap()["unitsMetered"], 40);
    client.shard(job, "train/part-1.jsonl", None).await.unwrap();
    client
        .shard(job, "cat.png", Some("bytes=1-"))
        .await
        .unwrap();
    let receipt = client.close_job(job).await.unwrap();
    assert_eq!(receipt.units, U256::from(40 + 25 + 1));
    assert_eq!(receipt.attestor, Some(keys[4].address()));

    // The serving process's pipeline anchors the receipt once its 2 s period has closed, and
    // settles it once the challenge window has passed on the chain.
    let anchored = wait_for_batch(&db, BatchStatus::Anchored, &log).await;
    assert_eq!((anchored.receipts, anchored.units), (1, U256::from(66)));
    w.travel(w.deployment.parameters.challenge_window + 1).await;
    let settled = wait_for_batch(&db, BatchStatus::Settled, &log).await;
    assert_eq!(settled.settled_units, Some(U256::from(66)));
    assert_eq!(
        escrow_info(&w, license).await._0,
        escrow_before - U256::from(66),
        "the escrow paid 66 records × 1 wei, once"
    );
    gateway.kill().unwrap();
    gateway.wait().unwrap();

    // After a second kill, the database holds the job closed and exactly one receipt for it.
    let store = Store::open(&db).unwrap();
    let row = store.job(job).unwrap().unwrap();
    assert_eq!((row.status.as_str(), row.units_metered), ("closed", 66));
    let queued: serde_json::Value =
        serde_json::from_str(&store.queued_receipt(job).unwrap().unwrap()).unwrap();
    assert_eq!(queued["units"], "66");
}
