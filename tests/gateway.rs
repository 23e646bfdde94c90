//! The access gateway end to end: the devnode, the real contracts, real HTTP on loopback.
//!
//! A dataset directory is registered with its content hash; a lab mints a license, signs in
//! with its wallet, downloads every shard through the gateway and closes the job: the receipt
//! bills exactly the records served. Refusals come back with their exact error codes:
//! unlicensed wallet, wrong scope, replayed and foreign-domain sign-ins, expired and revoked
//! keys, a rented license (the renter may, the owner may not), rate limit and oversize bodies.

use std::{fmt::Write as _, path::Path, time::Duration};

use alloy::{
    primitives::{B256, U256},
    providers::Provider,
    signers::{local::PrivateKeySigner, SignerSync},
    sol_types::SolCall,
};
use tributary::{
    contracts::Contract,
    contracts_abi::{
        attribution_registry::IAttributionRegistry, license_nft::ILicenseNft,
        license_offers::ILicenseOffers,
    },
    world::eth_terms,
};
use tributary_e2e::{signers, world, World};
use tributary_gateway::{
    chain::Chain,
    client::{Client, ClientError},
    content::Dataset,
    server::{self, Config, Running, StartError},
    siwe::SiweMessage,
    store::Store,
};

const TRAIN: u64 = 1;
const INFERENCE: u64 = 2;

/// Three shards: 40 + 25 JSON Lines records and one image (1 sample).
fn write_dataset(dir: &Path) -> u64 {
    let mut a = String::new();
    for i in 0..40 {
        writeln!(a, "{{\"text\":\"record {i}\"}}").unwrap();
    }
    let mut b = String::new();
    for i in 0..25 {
        writeln!(b, "{{\"text\":\"{}\"}}", "y".repeat(i)).unwrap();
    }
    std::fs::create_dir_all(dir.join("train")).unwrap();
    std::fs::write(dir.join("train/part-0.jsonl"), a).unwrap();
    std::fs::write(dir.join("train/part-1.jsonl"), b).unwrap();
    std::fs::write(dir.join("cat.png"), [0x89, b'P', b'N', b'G', 1, 2, 3]).unwrap();
    std::fs::write(dir.join(".DS_Store"), b"ignored").unwrap();
    40 + 25 + 1
}

/// Registers the directory as a dataset (by the creator) and a rentable TRAIN offer on it.
async fn register<P: Provider>(w: &World<P>, content_hash: B256) -> (U256, U256) {
    let (creator, platform) = (w.accounts[1], w.accounts[2]);
    let mut contributors = [(creator, 60_u64), (platform, 40)];
    contributors.sort_by_key(|(a, _)| *a);
    let id = w
        .returning(
            creator,
            w.at(Contract::AttributionRegistry),
            &IAttributionRegistry::registerDatasetCall {
                content_hash,
                uri: "ipfs://gateway-e2e".into(),
                contributors: contributors.iter().map(|(a, _)| *a).collect(),
                weights: contributors.iter().map(|(_, s)| U256::from(*s)).collect(),
            },
            U256::ZERO,
        )
        .await
        ._0;
    let terms = ILicenseOffers::LicenseTerms {
        scope: U256::from(TRAIN),
        price: U256::from(1_000_u64),
        usageRate: U256::from(1_u64),
        tierBps: vec![700],
        rentable: true,
        ..eth_terms(id, platform, "gateway terms", "ipfs://gateway-terms")
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

async fn start<P: Provider>(
    w: &World<P>,
    dir: &Path,
    db: &Path,
    dataset_id: U256,
    tune: impl FnOnce(&mut Config),
) -> Result<Running, StartError> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let chain = Chain::connect(
        &w.server.url(),
        w.at(Contract::LicenseNft),
        w.at(Contract::AttributionRegistry),
    )
    .unwrap();
    let chain_id = chain.chain_id().await.unwrap();
    let mut config = Config::new(addr.to_string(), chain_id, dataset_id, w.accounts[4]);
    config.revalidate_every = Duration::from_secs(1);
    tune(&mut config);
    let dataset = Dataset::scan(dir).unwrap();
    server::start(config, Store::open(db).unwrap(), dataset, chain, listener).await
}

fn url(running: &Running) -> String {
    format!("http://{}", running.addr)
}

fn code(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, String) {
    match result {
        Err(e) => (e.status().unwrap_or(0), e.code().unwrap_or("").to_owned()),
        Ok(v) => panic!("expected a refusal, got {v:?}"),
    }
}

/// A raw request's status and error code.
async fn raw(request: reqwest::RequestBuilder) -> (u16, String) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    let code = body["error"]["code"].as_str().unwrap_or("").to_owned();
    (status, code)
}

async fn sign_in(
    base: &str,
    signer: &PrivateKeySigner,
    license: U256,
    scope: u64,
) -> Result<Client, ClientError> {
    let mut client = Client::new(base)?;
    client.sign_in(signer, license, U256::from(scope)).await?;
    Ok(client)
}

// One devnode and one story: every step builds on the license and keys of the ones before.
#[allow(clippy::too_many_lines)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn licensed_download_is_metered_and_every_refusal_has_its_code() {
    let w = world().await;
    let keys = signers();
    let (lab, stranger) = (&keys[3], &keys[5]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dataset");
    let records = write_dataset(&dir);
    let local = Dataset::scan(&dir).unwrap();
    let (dataset_id, offer) = register(&w, local.content_hash).await;

    // The gateway refuses to serve a directory whose content hash is not the registered one.
    let refused = start(&w, &dir, &tmp.path().join("x.db"), w.dataset_id, |_| {}).await;
    assert!(
        matches!(refused, Err(StartError::ContentMismatch { .. })),
        "{refused:?}"
    );

    let gw = start(&w, &dir, &tmp.path().join("g.db"), dataset_id, |_| {})
        .await
        .unwrap();
    let base = url(&gw);
    let license = w.mint(offer, lab.address(), U256::from(1_000_u64)).await;

    // Licensed download: every shard, verified against the manifest, billed per record.
    let client = sign_in(&base, lab, license, TRAIN).await.unwrap();
    let out = tmp.path().join("out");
    let mut last = None;
    let fetched = client
        .fetch_dataset(&out, Some(B256::repeat_byte(0x4d)), |p| last = Some(p))
        .await
        .unwrap();
    let last = last.unwrap();
    assert_eq!((last.shards, last.bytes), (3, last.total_bytes));
    assert_eq!(fetched.manifest.content_hash, local.content_hash);
    assert_eq!(
        std::fs::read(out.join("train/part-1.jsonl")).unwrap(),
        std::fs::read(dir.join("train/part-1.jsonl")).unwrap()
    );
    assert_eq!(fetched.receipt.units, U256::from(records));
    assert_eq!(fetched.receipt.license_id, license);
    assert_eq!(fetched.receipt.asset_id, dataset_id);
    assert_eq!(fetched.receipt.model_hash, B256::repeat_byte(0x4d));
    assert_eq!(fetched.receipt.attestor, Some(w.accounts[4]));
    // The closed job cannot be used or closed again.
    assert_eq!(
        code(client.close_job(fetched.job_id).await),
        (409, "job_closed".into())
    );
    assert_eq!(
        code(client.shard(fetched.job_id, "cat.png", None).await),
        (409, "job_closed".into())
    );

    // Ranges: only the records whose newline was served are metered.
    let job = client.open_job(None, None).await.unwrap();
    let part0 = std::fs::read(dir.join("train/part-0.jsonl")).unwrap();
    let head = client
        .shard(job, "train/part-0.jsonl", Some("bytes=0-99"))
        .await
        .unwrap();
    assert_eq!(head, part0[..100]);
    let tail = client
        .shard(job, "train/part-0.jsonl", Some("bytes=100-"))
        .await
        .unwrap();
    assert_eq!(tail, part0[100..]);
    let in_head = part0[..100]
        .iter()
        .map(|&b| u64::from(b == b'\n'))
        .sum::<u64>();
    let png_start = client
        .shard(job, "cat.png", Some("bytes=0-3"))
        .await
        .unwrap();
    assert_eq!(png_start.len(), 4);
    let meter = client.job(job).await.unwrap();
    assert_eq!(meter["recordsServed"], 40);
    assert!(in_head > 0 && in_head < 40);
    let png_end = client
        .shard(job, "cat.png", Some("bytes=-1"))
        .await
        .unwrap();
    assert_eq!(png_end, [3]);
    let receipt = client.close_job(job).await.unwrap();
    assert_eq!(receipt.units, U256::from(41));

    // Request errors with their codes.
    let http = reqwest::Client::new();
    let job = client.open_job(None, None).await.unwrap();
    let key = client.key().unwrap().to_owned();
    let shard_url = format!("{base}/v1/shards/cat.png");
    assert_eq!(
        raw(http.get(format!("{base}/v1/manifest"))).await,
        (401, "missing_key".into())
    );
    assert_eq!(
        raw(http
            .get(format!("{base}/v1/manifest"))
            .bearer_auth("00".repeat(32)))
        .await,
        (401, "invalid_key".into())
    );
    assert_eq!(
        raw(http.get(&shard_url).bearer_auth(&key)).await,
        (400, "missing_job".into())
    );
    assert_eq!(
        raw(http
            .get(&shard_url)
            .bearer_auth(&key)
            .header("X-Tributary-Job", "nope"))
        .await,
        (400, "malformed_job_id".into())
    );
    assert_eq!(
        raw(http
            .get(&shard_url)
            .bearer_auth(&key)
            .header("X-Tributary-Job", B256::repeat_byte(1).to_string()))
        .await,
        (404, "job_not_found".into())
    );
    assert_eq!(
        code(client.shard(job, "missing.jsonl", None).await),
        (404, "shard_not_found".into())
    );
    assert_eq!(
        code(client.shard(job, "cat.png", Some("bytes=7-")).await),
        (416, "range_not_satisfiable".into())
    );
    assert_eq!(
        code(client.shard(job, "cat.png", Some("lines=1")).await),
        (400, "malformed_range".into())
    );
    assert_eq!(
        raw(http.get(format!("{base}/v2/nothing"))).await,
        (404, "not_found".into())
    );
    assert_eq!(
        raw(http
            .post(format!("{base}/v1/siwe/verify"))
            .body("{not json"))
        .await,
        (400, "malformed_request".into())
    );
    assert_eq!(
        raw(http
            .post(format!("{base}/v1/siwe/verify"))
            .body(vec![b' '; 200_000]))
        .await,
        (413, "payload_too_large".into())
    );
    // Nothing above was metered.
    assert_eq!(client.job(job).await.unwrap()["unitsMetered"], 0);

    // Unlicensed wallet and wrong scope.
    assert_eq!(
        code(sign_in(&base, stranger, license, TRAIN).await),
        (403, "not_license_holder".into())
    );
    assert_eq!(
        code(sign_in(&base, lab, license, INFERENCE).await),
        (403, "wrong_scope".into())
    );
    assert_eq!(
        code(sign_in(&base, lab, U256::from(999), TRAIN).await),
        (403, "unknown_license".into())
    );

    // Replayed and foreign-domain sign-ins.
    let mut c = Client::new(&base).unwrap();
    let message = c.siwe_message(lab.address()).await.unwrap().to_message();
    let sig: [u8; 65] = lab.sign_message_sync(message.as_bytes()).unwrap().into();
    c.verify(&message, &sig, license, U256::from(TRAIN))
        .await
        .unwrap();
    assert_eq!(
        code(c.verify(&message, &sig, license, U256::from(TRAIN)).await),
        (401, "siwe_nonce_used".into())
    );
    let foreign = SiweMessage {
        domain: "evil.example".into(),
        ..c.siwe_message(lab.address()).await.unwrap()
    }
    .to_message();
    let sig: [u8; 65] = lab.sign_message_sync(foreign.as_bytes()).unwrap().into();
    assert_eq!(
        code(c.verify(&foreign, &sig, license, U256::from(TRAIN)).await),
        (401, "siwe_wrong_domain".into())
    );
    let expired = SiweMessage {
        issued_at: 1_000,
        expiration_time: 2_000,
        ..c.siwe_message(lab.address()).await.unwrap()
    }
    .to_message();
    let sig: [u8; 65] = lab.sign_message_sync(expired.as_bytes()).unwrap().into();
    assert_eq!(
        code(c.verify(&expired, &sig, license, U256::from(TRAIN)).await),
        (401, "siwe_expired".into())
    );
    let message = c.siwe_message(lab.address()).await.unwrap().to_message();
    let sig: [u8; 65] = stranger
        .sign_message_sync(message.as_bytes())
        .unwrap()
        .into();
    assert_eq!(
        code(c.verify(&message, &sig, license, U256::from(TRAIN)).await),
        (401, "siwe_bad_signature".into())
    );

    // Operator revocation: the key dies at once; the open job is closed and billed.
    let revoked = gw
        .state
        .store
        .revoke(None, Some(license), server::now(), "operator")
        .unwrap();
    assert!(revoked >= 2);
    assert_eq!(code(client.manifest().await), (401, "key_revoked".into()));

    // Rented out: the renter may, the owner may not (and the owner's live key dies within the
    // revalidation period).
    let owner_client = sign_in(&base, lab, license, TRAIN).await.unwrap();
    let renter = &keys[6];
    let set_user = ILicenseNft::setUserCall {
        token_id: license,
        user: renter.address(),
        expires: u64::from(u32::MAX),
    };
    w.send(
        lab.address(),
        w.at(Contract::LicenseNft),
        set_user.abi_encode(),
        U256::ZERO,
    )
    .await
    .unwrap();
    let renter_client = sign_in(&base, renter, license, TRAIN).await.unwrap();
    renter_client.manifest().await.unwrap();
    assert_eq!(
        code(sign_in(&base, lab, license, TRAIN).await),
        (403, "license_rented_out".into())
    );
    let mut dead = None;
    for _ in 0..50 {
        if let Err(e) = owner_client.manifest().await {
            dead = Some(e);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        code_or_ok::<()>(Err(dead.expect("revoked within 5 s"))),
        (401, "key_revoked".into())
    );
    gw.stop().await;

    // Short keys and a tight rate limit on a second gateway over the same chain.
    let gw2 = start(&w, &dir, &tmp.path().join("g2.db"), dataset_id, |c| {
        c.key_ttl = 2;
        c.rate_per_sec = 1.0;
        c.rate_burst = 3.0;
        c.revalidate_every = Duration::from_secs(3600);
    })
    .await
    .unwrap();
    let renter_client = sign_in(&url(&gw2), renter, license, TRAIN).await.unwrap();
    let mut codes = Vec::new();
    for _ in 0..4 {
        codes.push(code_or_ok(renter_client.manifest().await));
    }
    assert_eq!(
        codes[..3],
        [
            (200, String::new()),
            (200, String::new()),
            (200, String::new())
        ]
    );
    assert_eq!(codes[3], (429, "rate_limited".into()));
    tokio::time::sleep(Duration::from_millis(3_100)).await;
    assert_eq!(
        code(renter_client.manifest().await),
        (401, "key_expired".into())
    );
    gw2.stop().await;
}

fn code_or_ok<T>(r: Result<T, ClientError>) -> (u16, String) {
    match r {
        Ok(_) => (200, String::new()),
        Err(e) => (e.status().unwrap_or(0), e.code().unwrap_or("").to_owned()),
    }
}

/// Waits up to 5 s for `gw` to have closed `job`; returns its units.
async fn closed_units(gw: &Running, job: B256) -> u64 {
    for _ in 0..50 {
        let row = gw.state.store.job(job).unwrap().unwrap();
        if row.status == "closed" {
            return row.units_metered;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("job {job} still open after 5 s");
}

/// Waits up to 5 s for `client`'s key to be refused; returns the code.
async fn refused_within(client: &Client) -> (u16, String) {
    for _ in 0..50 {
        if let Err(e) = client.manifest().await {
            return (e.status().unwrap_or(0), e.code().unwrap_or("").to_owned());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("key still accepted after 5 s");
}

// One devnode: revocation, transfer and restart each build on the registered dataset.
#[allow(clippy::too_many_lines)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_or_transferred_license_mid_job_and_restart_lose_nothing() {
    let w = world().await;
    let keys = signers();
    let (lab, stranger) = (&keys[3], &keys[5]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dataset");
    write_dataset(&dir);
    let local = Dataset::scan(&dir).unwrap();
    let (dataset_id, offer) = register(&w, local.content_hash).await;
    let db = tmp.path().join("g.db");
    let gw = start(&w, &dir, &db, dataset_id, |_| {}).await.unwrap();
    let base = url(&gw);
    let nft = w.at(Contract::LicenseNft);

    // Revoked on chain mid-job: the key dies within the revalidation period (1 s here) and the
    // job is closed, billing exactly what was served.
    let revoked = w.mint(offer, lab.address(), U256::from(1_000_u64)).await;
    let client = sign_in(&base, lab, revoked, TRAIN).await.unwrap();
    let job = client.open_job(None, None).await.unwrap();
    client.shard(job, "train/part-1.jsonl", None).await.unwrap();
    let revoke = ILicenseNft::revokeCall {
        token_id: revoked,
        reason: B256::repeat_byte(0xbb),
    };
    w.send(w.accounts[2], nft, revoke.abi_encode(), U256::ZERO)
        .await
        .unwrap();
    assert_eq!(refused_within(&client).await, (401, "key_revoked".into()));
    assert_eq!(closed_units(&gw, job).await, 25);
    assert!(gw.state.store.queued_receipt(job).unwrap().is_some());
    assert_eq!(
        code(sign_in(&base, lab, revoked, TRAIN).await),
        (403, "license_invalid".into())
    );

    // Transferred mid-job: the old holder's key dies, its job is billed; the new holder may
    // sign in.
    let moved = w.mint(offer, lab.address(), U256::from(1_000_u64)).await;
    let client = sign_in(&base, lab, moved, TRAIN).await.unwrap();
    let job = client.open_job(None, None).await.unwrap();
    client.shard(job, "cat.png", None).await.unwrap();
    let transfer = ILicenseNft::transferFromCall {
        from: lab.address(),
        to: stranger.address(),
        token_id: moved,
    };
    w.send(lab.address(), nft, transfer.abi_encode(), U256::ZERO)
        .await
        .unwrap();
    assert_eq!(refused_within(&client).await, (401, "key_revoked".into()));
    assert_eq!(closed_units(&gw, job).await, 1);
    sign_in(&base, stranger, moved, TRAIN).await.unwrap();
    assert_eq!(
        code(sign_in(&base, lab, moved, TRAIN).await),
        (403, "not_license_holder".into())
    );

    // Restart mid-job: what was metered before the gateway went away is still in the job, the
    // key still works on the restarted gateway, and closing bills every record once.
    let kept = w.mint(offer, lab.address(), U256::from(1_000_u64)).await;
    let client = sign_in(&base, lab, kept, TRAIN).await.unwrap();
    let key = client.key().unwrap().to_owned();
    let job = client.open_job(None, None).await.unwrap();
    client.shard(job, "train/part-0.jsonl", None).await.unwrap();
    gw.stop().await;
    let gw = start(&w, &dir, &db, dataset_id, |_| {}).await.unwrap();
    let client = Client::with_key(&url(&gw), key).unwrap();
    assert_eq!(client.job(job).await.unwrap()["unitsMetered"], 40);
    client.shard(job, "train/part-1.jsonl", None).await.unwrap();
    client.shard(job, "cat.png", None).await.unwrap();
    let receipt = client.close_job(job).await.unwrap();
    assert_eq!(receipt.units, U256::from(66));
    assert_eq!(
        code(client.close_job(job).await),
        (409, "job_closed".into())
    );
    let queued = gw.state.store.queued_receipt(job).unwrap().unwrap();
    let queued: serde_json::Value = serde_json::from_str(&queued).unwrap();
    assert_eq!(queued["units"], "66");
    gw.stop().await;
}

/// Deploys `LyingSigner` of `tests/solidity/ExploitFixtures.sol` (an ERC-1271 wallet whose
/// answer is chosen by `setMode`) from the deployer.
async fn deploy_contract_wallet<P: Provider>(w: &World<P>) -> alloy::primitives::Address {
    use alloy::{network::TransactionBuilder, rpc::types::TransactionRequest};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = root.join("target/solc");
    let status = std::process::Command::new("node")
        .current_dir(&root)
        .args(["scripts/solc.mjs", "--out"])
        .arg(&out)
        .arg("tests/solidity/ExploitFixtures.sol")
        .status()
        .expect("node runs (bash scripts/setup.sh installs solc)");
    assert!(status.success(), "solc compiles the fixtures");
    let artifact: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("LyingSigner.json")).unwrap())
            .unwrap();
    let code: alloy::primitives::Bytes = artifact["bytecode"].as_str().unwrap().parse().unwrap();
    let tx = TransactionRequest::default()
        .with_from(w.accounts[0])
        .with_deploy_code(code.to_vec());
    let receipt = w
        .chain
        .send_transaction(tx)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    receipt.contract_address.unwrap()
}

alloy::sol! {
    function setMode(uint8 mode_) external;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_wallets_sign_in_through_erc1271() {
    let w = world().await;
    let keys = signers();
    let lab = &keys[3];
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dataset");
    write_dataset(&dir);
    let local = Dataset::scan(&dir).unwrap();
    let (dataset_id, offer) = register(&w, local.content_hash).await;
    let gw = start(&w, &dir, &tmp.path().join("g.db"), dataset_id, |_| {})
        .await
        .unwrap();
    let base = url(&gw);
    let wallet = deploy_contract_wallet(&w).await;
    let license = w.mint(offer, lab.address(), U256::from(1_000_u64)).await;
    let transfer = ILicenseNft::transferFromCall {
        from: lab.address(),
        to: wallet,
        token_id: license,
    };
    w.send(
        lab.address(),
        w.at(Contract::LicenseNft),
        transfer.abi_encode(),
        U256::ZERO,
    )
    .await
    .unwrap();

    let attempt = |mode: u8| {
        let (w, base) = (&w, base.clone());
        async move {
            let set = setModeCall { mode_: mode };
            w.send(w.accounts[0], wallet, set.abi_encode(), U256::ZERO)
                .await
                .unwrap();
            let mut client = Client::new(&base).unwrap();
            let message = client.siwe_message(wallet).await.unwrap().to_message();
            // Whatever the wallet's own scheme is: the gateway asks the wallet.
            let signature = b"signed by the wallet's owners";
            client
                .verify(&message, signature, license, U256::from(TRAIN))
                .await
                .map(|_| client)
        }
    };
    // 3: the honest magic value: signed in, and the key works.
    let client = attempt(3).await.unwrap();
    client.manifest().await.unwrap();
    // 0: magic value right-aligned, 1: no answer, 2: revert: all refused.
    for mode in [0, 1, 2] {
        assert_eq!(
            code(attempt(mode).await),
            (401, "siwe_bad_signature".into()),
            "mode {mode}"
        );
    }
    gw.stop().await;
}
