//! The JSON API (`docs/explorer.md` §2, §3) over a deployment on the devnode with the real
//! contracts (`tributary_e2e::world()`), indexed by the explorer's indexer and served on a
//! random port: every route, balances against the splitter's own `claimable` view for every
//! (split, version, token, member) — an old split version and an ERC-20 included —, the
//! withdraw-all calls sent for real, pagination, filters and every error code with its status.
//!
//! The contracts must be built first: `cargo run -p tributary -- build`; the test ERC-20
//! (`HostileToken` of `tests/solidity/ExploitFixtures.sol`) is compiled with the pinned solc
//! (`bash scripts/setup.sh` installs it).
// Each test is one story, told in order.
#![allow(clippy::too_many_lines, clippy::many_single_char_names)]

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
    process::Command,
};

use alloy::{
    network::TransactionBuilder,
    primitives::{keccak256, Address, Bytes, B256, U256},
    providers::Provider,
    rpc::types::TransactionRequest,
    sol,
    sol_types::{SolCall, SolValue},
    transports::http::reqwest,
};
use serde_json::Value;
use tributary_e2e::{
    usage::{
        anchor, bond_attestor, eth, fund, key, leaf, settle, sign, Tweaks, DERIVATIVES, RATE, TRAIN,
    },
    world, World,
};
use tributary_explorer::{
    api::router,
    indexer::{Config, Indexer},
    store::Store,
};
use tributary_kit::{
    attest::merkle::MerkleTree,
    contracts::Contract,
    contracts_abi::{
        attribution_registry::IAttributionRegistry, datanets::IDatanets, model_nft::IModelNft,
        revenue_router::IRevenueRouter, royalty_splitter::IRoyaltySplitter,
        usage_escrow::IUsageEscrow,
    },
};

sol! {
    contract HostileToken {
        function mint(address to, uint256 amount) external;
        function approve(address spender, uint256 amount) external returns (bool);
    }
}

/// The compute provider, the usual attestor.
const PROVIDER: usize = 4;

/// Deploys contract `name` of `tests/solidity/ExploitFixtures.sol` (compiled with the pinned
/// solc) from the deployer; returns its address.
async fn deploy_fixture<P: Provider>(w: &World<P>, name: &str) -> Address {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = root.join("target/solc");
    let status = Command::new("node")
        .current_dir(&root)
        .args(["scripts/solc.mjs", "--out"])
        .arg(&out)
        .arg("tests/solidity/ExploitFixtures.sol")
        .status()
        .expect("node runs (bash scripts/setup.sh installs solc)");
    assert!(status.success(), "solc compiles the fixtures");
    let artifact: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join(format!("{name}.json"))).expect("artifact"),
    )
    .expect("json");
    let code: Bytes = artifact["bytecode"]
        .as_str()
        .expect("bytecode")
        .parse()
        .expect("hex");
    let tx = TransactionRequest::default()
        .with_from(w.accounts[0])
        .with_deploy_code(code.to_vec());
    let receipt = w
        .chain
        .send_transaction(tx)
        .await
        .expect("sent")
        .get_receipt()
        .await
        .expect("mined");
    assert!(receipt.status(), "{name} deploys");
    receipt.contract_address.expect("created")
}

/// Sends `call` from `from` to `to` with `value`; it must succeed.
async fn call<P: Provider, C: SolCall>(
    w: &World<P>,
    from: Address,
    to: Address,
    call: &C,
    value: U256,
) {
    w.send(from, to, call.abi_encode(), value)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", C::SIGNATURE));
}

/// Indexes the chain up to its head into `store`.
async fn index<P: Provider>(w: &World<P>, store: &Store) {
    let mut indexer = Indexer::connect(
        &w.server.url(),
        &w.deployment,
        store.clone(),
        Config::default(),
    )
    .await
    .expect("indexer");
    indexer.catch_up(|_| {}).await.expect("caught up");
}

/// Serves the API over `store` on a random port; returns its base URL.
async fn serve(store: Store) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(listener, router(store)).await.expect("serves");
    });
    format!("http://{addr}")
}

/// `GET base+path`: status, JSON body (a string if not JSON) and the content type.
async fn fetch(base: &str, path: &str) -> (u16, Value, String) {
    let response = reqwest::get(format!("{base}{path}"))
        .await
        .expect("answers");
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body, kind)
}

/// `GET`, which must answer 200 with JSON.
async fn get(base: &str, path: &str) -> Value {
    let (status, body, _) = fetch(base, path).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// `GET`, which must answer the error `code` with `status`.
async fn refused(base: &str, path: &str, status: u16, code: &str) {
    let (got, body, kind) = fetch(base, path).await;
    assert_eq!(
        (got, body["error"]["code"].as_str()),
        (status, Some(code)),
        "{path}: {body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{path}"
    );
    assert!(kind.starts_with("application/json"), "{path}: {kind}");
}

fn u(v: &Value) -> U256 {
    v.as_str()
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
        .parse()
        .expect("decimal")
}

fn a(v: &Value) -> Address {
    v.as_str().expect("address").parse().expect("address")
}

/// Every item of a list route, following `next` with `limit`.
async fn all_pages(base: &str, path: &str, limit: usize) -> (Vec<Value>, usize) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}{sep}limit={limit}&cursor={c}"),
            None => format!("{path}{sep}limit={limit}"),
        };
        let page = get(base, &url).await;
        pages += 1;
        let got = page["items"].as_array().expect("items");
        assert!(got.len() <= limit);
        items.extend(got.iter().cloned());
        match page["next"].as_str() {
            Some(next) => {
                assert_eq!(got.len(), limit, "a page before the last is full");
                cursor = Some(next.to_owned());
            }
            None => return (items, pages),
        }
    }
}

/// `(block, log_index)` of listed events.
fn positions(items: &[Value]) -> Vec<(u64, u64)> {
    items
        .iter()
        .map(|e| {
            (
                e["block"].as_u64().expect("block"),
                e["log_index"].as_u64().expect("log"),
            )
        })
        .collect()
}

/// The splitter's `claimable(splitId, version, recipient, token)`.
async fn claimable<P: Provider>(
    w: &World<P>,
    split: U256,
    version: u32,
    who: Address,
    token: Address,
) -> U256 {
    let call = IRoyaltySplitter::claimableCall {
        split_id: split,
        version,
        recipient: who,
        token,
    };
    w.view(w.at(Contract::RoyaltySplitter), &call).await._0
}

/// Checks every account's `owed` rows against the chain's `claimable`, both ways: every row
/// equals the view, and every non-zero `claimable` of every split, version and token for these
/// accounts is a row. Returns the rows per account.
async fn owed_matches_chain<P: Provider>(
    w: &World<P>,
    base: &str,
    accounts: &[Address],
    tokens: &[Address],
) -> BTreeMap<Address, Vec<Value>> {
    let splitter = w.at(Contract::RoyaltySplitter);
    let count = w
        .view(splitter, &IRoyaltySplitter::splitCountCall {})
        .await
        ._0
        .to::<u64>();
    let mut out = BTreeMap::new();
    for &who in accounts {
        let answer = get(base, &format!("/api/accounts/{who}")).await;
        let rows = answer["owed"].as_array().expect("owed").clone();
        let mut listed = BTreeMap::new();
        for row in &rows {
            let split = u(&row["split"]);
            let version = u32::try_from(row["version"].as_u64().expect("version")).expect("u32");
            let token = a(&row["token"]);
            let owed = u(&row["owed"]);
            assert_eq!(
                owed,
                claimable(w, split, version, who, token).await,
                "{who} split {split} v{version} token {token}"
            );
            assert_eq!(u(&row["earned"]), u(&row["withdrawn"]) + owed);
            listed.insert((split, version, token), owed);
        }
        // The totals per token are the rows' sums.
        for total in answer["totals"].as_array().expect("totals") {
            let token = a(&total["token"]);
            let sum: U256 = rows
                .iter()
                .filter(|r| a(&r["token"]) == token)
                .map(|r| u(&r["owed"]))
                .sum();
            assert_eq!(u(&total["owed"]), sum, "{who} total of {token}");
        }
        for split in 1..=count {
            let split = U256::from(split);
            let info = w
                .view(
                    splitter,
                    &IRoyaltySplitter::splitInfoCall { split_id: split },
                )
                .await;
            for version in 0..=info._1 {
                for &token in tokens {
                    let chain = claimable(w, split, version, who, token).await;
                    if !chain.is_zero() {
                        assert_eq!(
                            listed.get(&(split, version, token)),
                            Some(&chain),
                            "{who} is owed {chain} in split {split} v{version} token {token}: not listed"
                        );
                    }
                }
            }
        }
        out.insert(who, rows);
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn an_indexed_deployment_answers_every_route() {
    let w = world().await;
    let (creator, platform, lab, stranger, other) = (
        w.accounts[1],
        w.accounts[2],
        w.accounts[3],
        w.accounts[5],
        w.accounts[6],
    );
    let splitter = w.at(Contract::RoyaltySplitter);
    let registry = w.at(Contract::AttributionRegistry);
    let split = w.dataset_split;

    // A test ERC-20, minted to the stranger, who approves the splitter.
    let token = deploy_fixture(&w, "HostileToken").await;
    call(
        &w,
        stranger,
        token,
        &HostileToken::mintCall {
            to: stranger,
            amount: U256::from(1_000_000),
        },
        U256::ZERO,
    )
    .await;
    call(
        &w,
        stranger,
        token,
        &HostileToken::approveCall {
            spender: splitter,
            amount: U256::MAX,
        },
        U256::ZERO,
    )
    .await;

    // Version 0 of the dataset's split (creator 60 / platform 40): a sale, a direct deposit,
    // an ERC-20 deposit and a resale royalty through the split's forwarder.
    let offer = w
        .offer(TRAIN | DERIVATIVES, 0, eth(10), U256::from(RATE))
        .await;
    let license = w.mint(offer, lab, eth(10)).await;
    let direct_v0 = eth(3) + U256::from(1);
    call(
        &w,
        stranger,
        splitter,
        &IRoyaltySplitter::depositCall { split_id: split },
        direct_v0,
    )
    .await;
    call(
        &w,
        stranger,
        splitter,
        &IRoyaltySplitter::depositTokenCall {
            split_id: split,
            token,
            amount: U256::from(1001),
        },
        U256::ZERO,
    )
    .await;
    let forwarder = w
        .returning(
            stranger,
            splitter,
            &IRoyaltySplitter::royaltyReceiverCall { split_id: split },
            U256::ZERO,
        )
        .await
        ._0;
    let resale = eth(1) + U256::from(7);
    w.send(stranger, forwarder, Vec::new(), resale)
        .await
        .expect("resale royalty");
    // The creator withdraws its native currency from version 0.
    call(
        &w,
        creator,
        splitter,
        &IRoyaltySplitter::withdrawCall {
            split_id: split,
            version: 0,
            recipient: creator,
            token: Address::ZERO,
        },
        U256::ZERO,
    )
    .await;

    // Version 1: new contributors (creator 1 / other 3); deposits after it.
    let (first, second) = if creator < other {
        (creator, other)
    } else {
        (other, creator)
    };
    let shares = |x: Address| U256::from(if x == creator { 1 } else { 3 });
    let update = IAttributionRegistry::updateContributorsCall {
        dataset_id: w.dataset_id,
        recipients: vec![first, second],
        shares: vec![shares(first), shares(second)],
    };
    call(&w, creator, registry, &update, U256::ZERO).await;
    let direct_v1 = eth(7) + U256::from(1);
    call(
        &w,
        stranger,
        splitter,
        &IRoyaltySplitter::depositCall { split_id: split },
        direct_v1,
    )
    .await;
    call(
        &w,
        stranger,
        splitter,
        &IRoyaltySplitter::depositTokenCall {
            split_id: split,
            token,
            amount: U256::from(999),
        },
        U256::ZERO,
    )
    .await;

    // Per-use fees: the license's escrow is charged for a settled batch; a second batch is
    // anchored and not settled.
    fund(&w, license, eth(50)).await;
    let attestor = bond_attestor(&w, PROVIDER).await;
    let now = w.travel(60).await;
    let usage = leaf(&w, 0, license, TRAIN, 1_000, (now - 50, now - 40));
    let first_batch = sign(
        &w,
        &key(PROVIDER),
        "api batch 1",
        vec![usage],
        (now - 60, now - 1),
        Tweaks::default(),
    )
    .await;
    anchor(&w, &first_batch).await;
    w.travel(3601).await;
    settle(&w, first_batch.settle_all()).await;
    let now = w.now().await;
    let usage = leaf(&w, 0, license, TRAIN, 500, (now - 30, now - 20));
    let second_batch = sign(
        &w,
        &key(PROVIDER),
        "api batch 2",
        vec![usage],
        (now - 40, now - 1),
        Tweaks::default(),
    )
    .await;
    anchor(&w, &second_batch).await;

    // A model derived from the dataset: revenue routed upstream; then the model changes hands
    // (its split opens version 1 for the new holder) and earns again.
    w.register_model(lab, license)
        .await
        .expect("model registered");
    let model = U256::from(1);
    let router_address = w.at(Contract::RevenueRouter);
    call(
        &w,
        stranger,
        router_address,
        &IRevenueRouter::reportRevenueCall { model_id: model },
        eth(20),
    )
    .await;
    call(
        &w,
        lab,
        w.at(Contract::ModelNft),
        &IModelNft::transferFromCall {
            from: lab,
            to: other,
            token_id: model,
        },
        U256::ZERO,
    )
    .await;
    call(
        &w,
        stranger,
        router_address,
        &IRevenueRouter::reportRevenueCall { model_id: model },
        eth(5),
    )
    .await;

    // A Datanet on the dataset: a flagged contribution's stake is slashed into the split.
    let hand_over = IAttributionRegistry::handOverSplitCall {
        dataset_id: w.dataset_id,
        controller: w.at(Contract::Datanets),
    };
    call(&w, creator, registry, &hand_over, U256::ZERO).await;
    let datanets = w.at(Contract::Datanets);
    let configure = IDatanets::configureDatanetCall {
        dataset_id: w.dataset_id,
        curator: platform,
        stake_token: Address::ZERO,
        stake: eth(2),
        review_window: 86_400,
        stake_lock: 86_400,
        veto_window: 86_400,
    };
    call(&w, creator, datanets, &configure, U256::ZERO).await;
    let contribute = IDatanets::contributeCall {
        dataset_id: w.dataset_id,
        content_hash: keccak256("spam"),
        uri: "ipfs://spam".into(),
    };
    let contribution = w
        .returning(stranger, datanets, &contribute, eth(2))
        .await
        ._0;
    let review = IDatanets::reviewContributionCall {
        contribution_id: contribution,
        verdict: 3,
        reason_hash: keccak256("spam"),
    };
    call(&w, platform, datanets, &review, U256::ZERO).await;

    // A Merkle split (platform 2, stranger 3 of 5 shares): the platform registers with its
    // first claim; deposits before and after.
    let leaf_of =
        |who: Address, shares: u64| keccak256(keccak256((who, U256::from(shares)).abi_encode()));
    let tree = MerkleTree::new(&[leaf_of(platform, 2), leaf_of(stranger, 3)]).expect("tree");
    let merkle = w
        .returning(
            creator,
            splitter,
            &IRoyaltySplitter::createMerkleSplitCall {
                root: tree.root(),
                total_shares: U256::from(5),
                controller: creator,
            },
            U256::ZERO,
        )
        .await
        ._0;
    call(
        &w,
        stranger,
        splitter,
        &IRoyaltySplitter::depositCall { split_id: merkle },
        eth(10) + U256::from(3),
    )
    .await;
    let proof = tree
        .proof(tree.leaf_index(leaf_of(platform, 2)).expect("leaf"))
        .expect("proof");
    let claim = IRoyaltySplitter::claimMerkleCall {
        split_id: merkle,
        version: 0,
        recipient: platform,
        shares: U256::from(2),
        proof,
        token: Address::ZERO,
    };
    call(&w, platform, splitter, &claim, U256::ZERO).await;
    call(
        &w,
        stranger,
        splitter,
        &IRoyaltySplitter::depositCall { split_id: merkle },
        eth(4) + U256::from(1),
    )
    .await;

    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("explorer.db")).expect("store");
    index(&w, &store).await;
    let base = serve(store.clone()).await;
    let head = w.chain.get_block_number().await.expect("head");

    // --- /api/status
    let status = get(&base, "/api/status").await;
    assert_eq!(
        status["chain_id"].as_u64(),
        Some(w.chain.get_chain_id().await.expect("chain id"))
    );
    assert_eq!(status["indexed_block"].as_u64(), Some(head));
    assert_eq!(
        status["contracts"].as_object().expect("contracts").len(),
        10
    );
    assert_eq!(a(&status["contracts"]["royalty_splitter"]), splitter);
    let event_count = status["event_count"].as_u64().expect("count");
    assert!(event_count > 50, "{status}");

    // --- balances: every account against the chain's claimable, both ways.
    let accounts: Vec<Address> = w.accounts[..7].iter().copied().chain([forwarder]).collect();
    let tokens = [Address::ZERO, token];
    let owed = owed_matches_chain(&w, &base, &accounts, &tokens).await;
    // The creator is owed in the old version (the ERC-20: it withdrew only the native
    // currency there) and in the current one.
    let creator_rows = &owed[&creator];
    let row = |split_id: U256, version: u64, t: Address| {
        creator_rows
            .iter()
            .find(|r| {
                u(&r["split"]) == split_id
                    && r["version"].as_u64() == Some(version)
                    && a(&r["token"]) == t
            })
            .cloned()
    };
    let v0_native = row(split, 0, Address::ZERO).expect("v0 native row");
    assert_eq!(u(&v0_native["owed"]), U256::ZERO);
    assert!(u(&v0_native["withdrawn"]) > U256::ZERO);
    let v0_token = row(split, 0, token).expect("v0 token row");
    assert_eq!(u(&v0_token["owed"]), U256::from(1001 * 60 / 100));
    assert_eq!(v0_token["current"], false);
    assert_eq!(v0_token["source"]["kind"], "dataset");
    assert_eq!(u(&v0_token["source"]["id"]), w.dataset_id);
    let v1_native = row(split, 1, Address::ZERO).expect("v1 native row");
    assert!(u(&v1_native["owed"]) > U256::ZERO);
    assert_eq!(v1_native["current"], true);
    // By hand: 999 token units over 4 shares: acc = floor(999·2^64/4), the creator's 1 share
    // is entitled to floor(999/4) = 249.
    assert_eq!(
        u(&row(split, 1, token).expect("v1 token row")["owed"]),
        U256::from(249)
    );
    // The old holder of the model is owed in the model split's version 0, the new one in 1.
    let model_split = {
        let m = get(&base, "/api/models/1").await;
        u(&m["split"])
    };
    assert!(owed[&lab]
        .iter()
        .any(|r| u(&r["split"]) == model_split && r["version"] == 0 && u(&r["owed"]) > U256::ZERO));
    assert!(owed[&other]
        .iter()
        .any(|r| u(&r["split"]) == model_split && r["version"] == 1 && u(&r["owed"]) > U256::ZERO));
    assert!(owed[&other]
        .iter()
        .all(|r| !(u(&r["split"]) == model_split && r["version"] == 0)));
    // The registered Merkle member; the unregistered one is not listed.
    assert!(owed[&platform]
        .iter()
        .any(|r| u(&r["split"]) == merkle && r["kind"] == "merkle"));
    assert!(owed[&stranger].iter().all(|r| u(&r["split"]) != merkle));

    // The account page: totals per token (the ERC-20 included), withdrawals, earnings,
    // calls.
    let account = get(&base, &format!("/api/accounts/{creator}")).await;
    let totals = account["totals"].as_array().expect("totals");
    assert!(totals
        .iter()
        .any(|t| a(&t["token"]) == token && u(&t["owed"]) == U256::from(600 + 249)));
    let withdrawn = account["withdrawn"].as_array().expect("withdrawn");
    assert_eq!(withdrawn.len(), 1);
    assert_eq!(u(&withdrawn[0]["amount"]), u(&v0_native["withdrawn"]));
    let earnings = account["earnings"].as_array().expect("earnings");
    let mut last: BTreeMap<Address, U256> = BTreeMap::new();
    let mut previous_time = 0;
    for point in earnings {
        let t = a(&point["token"]);
        let cumulative = u(&point["cumulative"]);
        assert_eq!(
            cumulative,
            last.get(&t).copied().unwrap_or_default() + u(&point["amount"])
        );
        assert!(point["timestamp"].as_u64().expect("time") >= previous_time);
        previous_time = point["timestamp"].as_u64().expect("time");
        last.insert(t, cumulative);
    }
    for total in totals {
        let t = a(&total["token"]);
        assert_eq!(
            last.get(&t).copied().unwrap_or_default(),
            u(&total["earned"]),
            "earnings of {t}"
        );
    }
    let calls = account["calls"].as_array().expect("calls").clone();
    assert_eq!(
        account["withdraw_all"]["calls"].as_array().map(Vec::len),
        Some(calls.len())
    );
    assert!(account["withdraw_all"]["note"]
        .as_str()
        .expect("note")
        .contains("claimMerkle"));
    let owed_rows: Vec<&Value> = creator_rows
        .iter()
        .filter(|r| u(&r["owed"]) > U256::ZERO)
        .collect();
    assert_eq!(calls.len(), owed_rows.len());
    for c in &calls {
        let expected = IRoyaltySplitter::withdrawCall {
            split_id: u(&c["split"]),
            version: u32::try_from(c["version"].as_u64().expect("version")).expect("u32"),
            recipient: creator,
            token: a(&c["token"]),
        };
        let data: Bytes = c["calldata"]
            .as_str()
            .expect("calldata")
            .parse()
            .expect("hex");
        assert_eq!(data.to_vec(), expected.abi_encode());
        assert_eq!(a(&c["to"]), splitter);
        let cast = c["cast"].as_str().expect("cast");
        assert!(cast.starts_with(&format!("cast send {splitter} \"withdraw(uint256,uint32,address,address)\" {} {} {creator} ", expected.split_id, expected.version)), "{cast}");
    }
    // The one batch call (the router's withdrawAll over exactly these entries); anyone sends
    // it; once indexed, the creator is owed nothing and every withdrawal is listed.
    let one_call = &account["withdraw_all"]["batch"];
    let router_address = w.at(Contract::RevenueRouter);
    assert_eq!(a(&one_call["to"]), router_address);
    let expected = IRevenueRouter::withdrawAllCall {
        split_ids: calls.iter().map(|c| u(&c["split"])).collect(),
        versions: calls
            .iter()
            .map(|c| u32::try_from(c["version"].as_u64().expect("version")).expect("u32"))
            .collect(),
        recipient: creator,
        tokens: calls.iter().map(|c| a(&c["token"])).collect(),
    };
    let data: Bytes = one_call["calldata"]
        .as_str()
        .expect("calldata")
        .parse()
        .expect("hex");
    assert_eq!(data.to_vec(), expected.abi_encode());
    assert!(one_call["cast"]
        .as_str()
        .expect("cast")
        .starts_with(&format!(
            "cast send {router_address} \"withdrawAll(uint256[],uint32[],address,address[])\" ["
        )));
    w.send(stranger, router_address, data.to_vec(), U256::ZERO)
        .await
        .expect("withdraws everything in one call");
    index(&w, &store).await;
    let after = owed_matches_chain(&w, &base, &[creator], &tokens).await;
    assert!(after[&creator].iter().all(|r| u(&r["owed"]).is_zero()));
    let account = get(&base, &format!("/api/accounts/{creator}")).await;
    assert_eq!(account["calls"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        account["withdrawn"].as_array().map(Vec::len),
        Some(1 + calls.len())
    );
    assert!(account["datasets"]
        .as_array()
        .expect("datasets")
        .iter()
        .any(|d| u(&d["dataset"]) == w.dataset_id));
    let lab_page = get(&base, &format!("/api/accounts/{lab}")).await;
    assert!(lab_page["licenses"]
        .as_array()
        .expect("licenses")
        .iter()
        .any(|l| u(&l["license"]) == license && l["role"] == "holder"));
    assert_eq!(
        lab_page["models"].as_array().map(Vec::len),
        Some(0),
        "the lab sold its model"
    );
    let other_page = get(&base, &format!("/api/accounts/{other}")).await;
    assert!(other_page["models"]
        .as_array()
        .expect("models")
        .iter()
        .any(|m| u(&m["model"]) == model));
    let stranger_page = get(&base, &format!("/api/accounts/{stranger}")).await;
    let contributions = stranger_page["contributions"]
        .as_array()
        .expect("contributions");
    assert_eq!(contributions.len(), 1);
    assert_eq!(
        (
            contributions[0]["status"].as_str(),
            contributions[0]["stake_state"].as_str()
        ),
        (Some("flagged"), Some("slashed"))
    );
    assert_eq!(u(&stranger_page["stakes"][0]["slashed"]), eth(2));
    let provider_page = get(&base, &format!("/api/accounts/{attestor}")).await;
    assert_eq!(provider_page["attestor"]["allowed"], true);

    // --- /api/datasets/{id}
    let d = get(&base, &format!("/api/datasets/{}", w.dataset_id)).await;
    assert_eq!(a(&d["owner"]), creator);
    assert_eq!(u(&d["split"]), split);
    assert_eq!(a(&d["royalty_receiver"]), forwarder);
    assert_eq!(a(&d["split_controller"]), datanets);
    let by_source = &d["revenue"]["by_source"];
    assert_eq!(u(&by_source["sales"]), eth(10));
    assert_eq!(u(&by_source["resale_royalties"]), resale);
    assert_eq!(u(&by_source["direct"]), direct_v0 + direct_v1);
    assert_eq!(u(&by_source["slashed_stakes"]), eth(2));
    // Per use and upstream: what the escrow and the router deposited, as their own events say.
    let fees: U256 = get(
        &base,
        &format!("/api/events?event=FeesDeposited&split={split}"),
    )
    .await["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| u(&e["args"]["amount"]))
        .sum();
    assert!(fees > U256::ZERO);
    assert_eq!(u(&by_source["per_use"]), fees);
    let routed: U256 = get(&base, "/api/events?event=RoyaltyRouted&model=1").await["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["args"]["parentIsModel"] == false)
        .map(|e| u(&e["args"]["amount"]))
        .sum();
    assert!(routed > U256::ZERO);
    assert_eq!(u(&by_source["upstream_royalties"]), routed);
    let deposits: Vec<Value> = get(
        &base,
        &format!("/api/events?event=SplitDeposited&split={split}&limit=500"),
    )
    .await["items"]
        .as_array()
        .expect("items")
        .clone();
    let native_total: U256 = deposits
        .iter()
        .filter(|e| a(&e["args"]["token"]).is_zero())
        .map(|e| u(&e["args"]["amount"]))
        .sum();
    assert_eq!(u(&by_source["total"]), native_total);
    assert_eq!(
        d["revenue"]["over_time"].as_array().map(Vec::len),
        Some(deposits.len())
    );
    assert!(d["revenue"]["by_token"]
        .as_array()
        .expect("by_token")
        .iter()
        .any(|t| a(&t["token"]) == token && u(&t["direct"]) == U256::from(2000)));
    assert_eq!(u(&d["upstream"][0]["paid"]), routed);
    let contributors = d["contributors"].as_array().expect("contributors");
    assert_eq!(contributors.len(), 2);
    let members = |i: usize| -> BTreeSet<Address> {
        contributors[i]["members"]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| a(&m["address"]))
            .collect()
    };
    assert_eq!(members(0), BTreeSet::from([creator, platform]));
    assert_eq!(members(1), BTreeSet::from([creator, other]));
    assert_eq!(d["offers"].as_array().map(Vec::len), Some(1));
    assert_eq!(d["offers"][0]["minted"], 1);
    assert_eq!(u(&d["licenses"][0]["license"]), license);
    assert_eq!(a(&d["licenses"][0]["holder"]), lab);
    assert_eq!(d["datanet"]["open"], true);
    assert_eq!(d["datanet"]["contributions"][0]["status"], "flagged");
    assert_eq!(d["versions"].as_array().map(Vec::len), Some(1));

    // --- /api/models/{id}
    let m = get(&base, "/api/models/1").await;
    assert_eq!(a(&m["holder"]), other);
    assert_eq!(m["holders"].as_array().map(Vec::len), Some(2));
    assert_eq!(m["holders"][1]["split_version"], 1);
    assert_eq!(m["parents"].as_array().map(Vec::len), Some(1));
    assert_eq!(m["parents"][0]["kind"], "dataset");
    assert_eq!(u(&m["parents"][0]["parent"]), w.dataset_id);
    assert_eq!(u(&m["paid_upstream"][0]["paid"]), routed);
    assert_eq!(u(&m["revenue"]["total"]), eth(25));
    assert_eq!(m["contributors"].as_array().map(Vec::len), Some(2));
    assert_eq!(m["depth"], 1);

    // --- /api/licenses/{id}
    let l = get(&base, &format!("/api/licenses/{license}")).await;
    assert_eq!(a(&l["holder"]), lab);
    assert_eq!(u(&l["offer"]["offer"]), offer);
    assert_eq!(l["asset"]["kind"], "dataset");
    assert_eq!(u(&l["usage"]["units"]), U256::from(1_000));
    assert_eq!(u(&l["usage"]["fees"]), fees);
    assert_eq!(l["validity"]["valid"], true);
    let info = w
        .view(
            w.at(Contract::UsageEscrow),
            &IUsageEscrow::escrowInfoCall {
                license_id: license,
            },
        )
        .await;
    assert_eq!(u(&l["escrow"]["balance"]), info._0);
    assert_eq!(u(&l["debt"]["debt"]), info._1);
    assert_eq!(u(&l["escrow"]["funded"]), eth(50));
    let pending = l["pending_batches"].as_array().expect("pending");
    assert_eq!(pending.len(), 1);
    assert_eq!(
        pending[0]["batch_id"].as_str(),
        Some(second_batch.batch.batchId.to_string().as_str())
    );

    // --- /api/batches and /api/batches/{attestor}/{id}
    let (batches, batch_pages) = all_pages(&base, "/api/batches", 1).await;
    assert_eq!((batches.len(), batch_pages), (2, 2));
    assert_eq!(
        batches[0]["batch_id"].as_str(),
        Some(second_batch.batch.batchId.to_string().as_str()),
        "newest first"
    );
    let b = get(
        &base,
        &format!("/api/batches/{attestor}/{}", first_batch.batch.batchId),
    )
    .await;
    assert_eq!(b["batch"]["status"], "anchored");
    assert_eq!(b["batch"]["fully_settled"], true);
    assert_eq!(b["leaves"]["settled"].as_array().map(Vec::len), Some(1));
    assert_eq!(u(&b["leaves"]["settled"][0]["license"]), license);
    let filtered = get(
        &base,
        &format!("/api/batches?status=anchored&attestor={attestor}"),
    )
    .await;
    assert_eq!(filtered["items"].as_array().map(Vec::len), Some(2));
    let none = get(&base, "/api/batches?status=voided").await;
    assert_eq!(none["items"].as_array().map(Vec::len), Some(0));
    assert_eq!(none["next"], Value::Null);

    // --- pagination: two pages cover exactly the list, in order.
    let everything = get(&base, "/api/events?limit=500").await;
    let all = everything["items"].as_array().expect("items").clone();
    assert_eq!(everything["next"], Value::Null);
    let total = get(&base, "/api/status").await["event_count"]
        .as_u64()
        .expect("count");
    assert_eq!(all.len() as u64, total);
    let mut sorted = positions(&all);
    sorted.sort_unstable();
    assert_eq!(sorted, positions(&all), "events are oldest first");
    let split_at = all.len() - 3;
    let first_page = get(&base, &format!("/api/events?limit={split_at}")).await;
    let next = first_page["next"].as_str().expect("a next page").to_owned();
    let second_page = get(&base, &format!("/api/events?limit=500&cursor={next}")).await;
    assert_eq!(second_page["next"], Value::Null);
    let joined: Vec<Value> = first_page["items"]
        .as_array()
        .expect("items")
        .iter()
        .chain(second_page["items"].as_array().expect("items"))
        .cloned()
        .collect();
    assert_eq!(positions(&joined), positions(&all));
    let activity_first = get(&base, &format!("/api/activity?limit={split_at}")).await;
    let next = activity_first["next"].as_str().expect("next").to_owned();
    let activity_second = get(&base, &format!("/api/activity?cursor={next}&limit=500")).await;
    assert_eq!(activity_second["next"], Value::Null);
    let mut newest_first: Vec<(u64, u64)> =
        positions(activity_first["items"].as_array().expect("items"));
    newest_first.extend(positions(
        activity_second["items"].as_array().expect("items"),
    ));
    let mut reversed = positions(&all);
    reversed.reverse();
    assert_eq!(newest_first, reversed);
    assert_eq!(
        get(&base, "/api/activity").await["items"]
            .as_array()
            .map(Vec::len),
        Some(50usize.min(all.len()))
    );
    let (paged, event_pages) = all_pages(&base, "/api/events", 17).await;
    assert_eq!(positions(&paged), positions(&all));
    assert_eq!(event_pages, all.len().div_ceil(17));

    // --- filters: each narrows to exactly the events that match.
    let count = |f: &dyn Fn(&Value) -> bool| all.iter().filter(|e| f(e)).count();
    let check = |items: &Vec<Value>, expected: usize, what: &str| {
        assert_eq!(items.len(), expected, "{what}");
    };
    let (items, _) = all_pages(
        &base,
        "/api/events?contract=royalty_splitter&event=SplitDeposited",
        500,
    )
    .await;
    check(
        &items,
        count(&|e| e["contract"] == "royalty_splitter" && e["event"] == "SplitDeposited"),
        "contract+event",
    );
    let (items, _) = all_pages(&base, &format!("/api/events?split={split}"), 500).await;
    check(
        &items,
        count(&|e| {
            e["args"]["split_id"].as_str() == Some(&split.to_string())
                || e["args"]["splitId"].as_str() == Some(&split.to_string())
        }),
        "split",
    );
    let (items, _) = all_pages(&base, &format!("/api/events?dataset={}", w.dataset_id), 500).await;
    check(
        &items,
        count(&|e| e["args"]["datasetId"].as_str() == Some(&w.dataset_id.to_string())),
        "dataset",
    );
    assert!(!items.is_empty());
    let (items, _) = all_pages(&base, &format!("/api/events?license={license}"), 500).await;
    assert!(
        items.iter().any(|e| e["event"] == "LicenseIssued")
            && items.iter().any(|e| e["event"] == "UsageSettled")
    );
    let (items, _) = all_pages(&base, &format!("/api/events?account={other}"), 500).await;
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|e| e.to_string().contains(&other.to_checksum(None))),
        "account filter"
    );
    let (from, to) = (
        all[10]["block"].as_u64().expect("block"),
        all[20]["block"].as_u64().expect("block"),
    );
    let (items, _) = all_pages(
        &base,
        &format!("/api/events?from_block={from}&to_block={to}"),
        500,
    )
    .await;
    check(
        &items,
        count(&|e| (from..=to).contains(&e["block"].as_u64().unwrap_or(0))),
        "block range",
    );
    let (items, _) = all_pages(&base, "/api/events?model=1&event=RevenueReported", 500).await;
    check(&items, 2, "model");
    let activity = get(&base, "/api/activity?contract=usage_anchor&limit=500").await;
    assert!(activity["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|e| e["contract"] == "usage_anchor"));
    check(
        activity["items"].as_array().expect("items"),
        count(&|e| e["contract"] == "usage_anchor"),
        "activity contract",
    );

    // --- errors: each stable code with its status.
    refused(&base, "/api/accounts/0x1234", 400, "invalid_address").await;
    refused(
        &base,
        "/api/accounts/not-an-address",
        400,
        "invalid_address",
    )
    .await;
    refused(&base, "/api/datasets/abc", 400, "invalid_id").await;
    refused(&base, "/api/models/-1", 400, "invalid_id").await;
    refused(&base, "/api/licenses/0x10", 400, "invalid_id").await;
    refused(
        &base,
        &format!("/api/batches/{attestor}/0x12"),
        400,
        "invalid_id",
    )
    .await;
    refused(&base, "/api/batches/0x12/0x12", 400, "invalid_address").await;
    refused(&base, "/api/events?split=x", 400, "invalid_id").await;
    refused(&base, "/api/events?account=0x12", 400, "invalid_address").await;
    refused(&base, "/api/events?cursor=zz", 400, "invalid_cursor").await;
    let activity_cursor = activity_first["next"].as_str().expect("next");
    refused(
        &base,
        &format!("/api/events?cursor={activity_cursor}"),
        400,
        "invalid_cursor",
    )
    .await;
    refused(&base, "/api/activity?limit=0", 400, "invalid_limit").await;
    refused(&base, "/api/activity?limit=501", 400, "invalid_limit").await;
    refused(&base, "/api/batches?limit=ten", 400, "invalid_limit").await;
    refused(&base, "/api/events?colour=red", 400, "invalid_filter").await;
    refused(&base, "/api/events?contract=nope", 400, "invalid_filter").await;
    refused(
        &base,
        "/api/events?contract=royalty_splitter&event=LicenseIssued",
        400,
        "invalid_filter",
    )
    .await;
    refused(
        &base,
        "/api/events?from_block=9&to_block=3",
        400,
        "invalid_filter",
    )
    .await;
    refused(&base, "/api/events?from_block=x", 400, "invalid_filter").await;
    refused(&base, "/api/batches?status=settled", 400, "invalid_filter").await;
    refused(&base, "/api/datasets/999", 404, "not_found").await;
    refused(&base, "/api/models/999", 404, "not_found").await;
    refused(&base, "/api/licenses/999", 404, "not_found").await;
    refused(
        &base,
        &format!("/api/batches/{attestor}/{}", B256::repeat_byte(7)),
        404,
        "not_found",
    )
    .await;
    refused(&base, "/api/nope", 404, "unknown_route").await;
    refused(&base, "/api/datasets", 404, "unknown_route").await;
    refused(&base, "/api/accounts/x/y", 404, "unknown_route").await;
    let posted = reqwest::Client::new()
        .post(format!("{base}/api/status"))
        .send()
        .await
        .expect("answers");
    assert_eq!(posted.status().as_u16(), 405);

    // --- the web page, compiled in.
    for path in [
        "/",
        &format!("/account/{creator}"),
        "/dataset/1",
        "/model/1",
        &format!("/license/{license}"),
        &format!("/batch/{attestor}/{}", first_batch.batch.batchId),
    ] {
        let (status, body, kind) = fetch(&base, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        assert!(
            body.as_str().expect("html").contains("/static/app.js"),
            "{path}"
        );
    }
    let (status, _, kind) = fetch(&base, "/static/app.js").await;
    assert_eq!((status, kind.starts_with("text/javascript")), (200, true));
    let (status, _, kind) = fetch(&base, "/static/style.css").await;
    assert_eq!((status, kind.starts_with("text/css")), (200, true));
}

#[tokio::test(flavor = "multi_thread")]
async fn before_anything_is_indexed_the_api_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("empty.db")).expect("store");
    let base = serve(store).await;
    let status = get(&base, "/api/status").await;
    assert_eq!(status["indexed"], false);
    assert_eq!(status["indexed_block"], Value::Null);
    for path in [
        "/api/activity",
        "/api/events",
        "/api/batches",
        "/api/datasets/1",
        "/api/models/1",
        "/api/licenses/1",
        &format!("/api/accounts/{}", Address::repeat_byte(1)),
        &format!(
            "/api/batches/{}/{}",
            Address::repeat_byte(1),
            B256::repeat_byte(2)
        ),
    ] {
        refused(&base, path, 503, "not_indexed_yet").await;
    }
    // A bad request is still a bad request.
    refused(&base, "/api/accounts/0x12", 400, "invalid_address").await;
    refused(&base, "/api/activity?limit=0", 400, "invalid_limit").await;
    refused(&base, "/api/activity?cursor=0x", 400, "invalid_cursor").await;
    refused(&base, "/api/unknown", 404, "unknown_route").await;
}
