//! The indexer on the devnode with the real contracts (`tributary_e2e::world()`): every event a
//! workload of many kinds emits lands, decoded, exactly as `eth_getLogs` reports it; a restart
//! in the middle of catching up neither loses nor duplicates an event; a reorganisation
//! (`evm_snapshot` / `evm_revert`) replaces the events of the abandoned blocks.
//!
//! The contracts must be built first: `cargo run -p tributary -- build`.
// Each test is one story, told in order.
#![allow(clippy::too_many_lines)]

use std::{collections::BTreeSet, path::Path};

use alloy::{
    primitives::{keccak256, Address, B256, U256, U64},
    providers::Provider,
    rpc::types::Filter,
    sol_types::SolCall,
};
use tributary_e2e::{
    usage::{
        anchor, bond_attestor, eth, fund, key, leaf, settle, sign, Tweaks, DERIVATIVES, TRAIN,
    },
    world, World,
};
use tributary_explorer::{
    catalogue::Catalogue,
    indexer::{Config, Indexer, Step},
    store::{EventCursor, EventFilter, EventRow, Order, Store},
};
use tributary_kit::{
    contracts::Contract,
    contracts_abi::{
        attribution_registry::IAttributionRegistry, datanets::IDatanets, license_nft::ILicenseNft,
        revenue_router::IRevenueRouter, royalty_splitter::IRoyaltySplitter,
    },
};

/// The compute provider, the usual attestor.
const PROVIDER: usize = 4;

fn config(range: u64) -> Config {
    Config {
        range,
        ..Config::default()
    }
}

/// Every stored event, oldest first.
fn stored(store: &Store) -> Vec<EventRow> {
    let mut out = Vec::new();
    let mut cursor: Option<EventCursor> = None;
    loop {
        let page = store
            .events(&EventFilter::default(), cursor, 500, Order::Ascending)
            .expect("events");
        out.extend(page.events);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return out,
        }
    }
}

/// `(block, log_index, topic0, tx_hash)` of every log of the ten contracts, from the chain.
async fn chain_logs<P: Provider>(w: &World<P>) -> Vec<(u64, u64, B256, B256)> {
    let addresses: Vec<Address> = Contract::DEPLOY_ORDER.iter().map(|&c| w.at(c)).collect();
    let head = w.chain.get_block_number().await.expect("head");
    let filter = Filter::new()
        .address(addresses)
        .from_block(0)
        .to_block(head);
    let mut logs: Vec<_> = w
        .chain
        .get_logs(&filter)
        .await
        .expect("logs")
        .iter()
        .map(|l| {
            (
                l.block_number.expect("mined"),
                l.log_index.expect("mined"),
                l.topics()[0],
                l.transaction_hash.expect("mined"),
            )
        })
        .collect();
    logs.sort_unstable();
    logs
}

fn positions(rows: &[EventRow]) -> Vec<(u64, u64, B256, B256)> {
    rows.iter()
        .map(|e| (e.block, e.log_index, e.topics[0], e.tx_hash))
        .collect()
}

async fn index_to_head<P: Provider>(w: &World<P>, db: &Path, range: u64) -> Store {
    let store = Store::open(db).expect("store");
    let mut indexer =
        Indexer::connect(&w.server.url(), &w.deployment, store.clone(), config(range))
            .await
            .expect("indexer");
    indexer.catch_up(|_| {}).await.expect("caught up");
    store
}

/// Sends `call` from `from` to `contract` with `value`; it must succeed.
async fn call<P: Provider, C: SolCall>(
    w: &World<P>,
    from: Address,
    contract: Contract,
    call: &C,
    value: U256,
) {
    w.send(from, w.at(contract), call.abi_encode(), value)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", C::SIGNATURE));
}

/// Events of many kinds: an offer and licenses, escrow, a settled usage batch, deposits and
/// withdrawals, a model with revenue routed upstream, ERC-721 transfers and approvals, a
/// paused splitter, a Datanet with a contribution.
async fn workload<P: Provider>(w: &World<P>) {
    let (owner, creator, lab, stranger) =
        (w.accounts[0], w.accounts[1], w.accounts[3], w.accounts[5]);
    // An offer, a license minted to the lab (its price goes into the dataset's split) and its
    // escrow funded.
    let offer = w
        .offer(
            TRAIN | DERIVATIVES,
            0,
            eth(10),
            U256::from(10_000_000_000u64),
        )
        .await;
    let license = w.mint(offer, lab, eth(10)).await;
    fund(w, license, eth(50)).await;
    // A usage batch anchored and settled: fees charged to escrow and paid into the split.
    bond_attestor(w, PROVIDER).await;
    let now = w.travel(60).await;
    let usage = leaf(w, 0, license, TRAIN, 1_000, (now - 50, now - 40));
    let signed = sign(
        w,
        &key(PROVIDER),
        "explorer batch",
        vec![usage],
        (now - 60, now - 1),
        Tweaks::default(),
    )
    .await;
    anchor(w, &signed).await;
    w.travel(3601).await;
    settle(w, signed.settle_all()).await;
    // A direct deposit, and the creator withdraws.
    let deposit = IRoyaltySplitter::depositCall {
        split_id: w.dataset_split,
    };
    call(w, stranger, Contract::RoyaltySplitter, &deposit, eth(3)).await;
    let withdraw = IRoyaltySplitter::withdrawCall {
        split_id: w.dataset_split,
        version: 0,
        recipient: creator,
        token: Address::ZERO,
    };
    call(w, creator, Contract::RoyaltySplitter, &withdraw, U256::ZERO).await;
    // The owner pauses and unpauses the splitter (OpenZeppelin's `Pausable`).
    call(
        w,
        owner,
        Contract::RoyaltySplitter,
        &IRoyaltySplitter::pauseCall {},
        U256::ZERO,
    )
    .await;
    call(
        w,
        owner,
        Contract::RoyaltySplitter,
        &IRoyaltySplitter::unpauseCall {},
        U256::ZERO,
    )
    .await;
    // A model derived from the dataset under the license; revenue reported on it is routed
    // upstream to the dataset's split.
    w.register_model(lab, license)
        .await
        .expect("model registered");
    let model = U256::from(1);
    let report = IRevenueRouter::reportRevenueCall { model_id: model };
    call(w, stranger, Contract::RevenueRouter, &report, eth(20)).await;
    // ERC-721: approvals and a transfer of the license.
    let approve = ILicenseNft::approveCall {
        to: stranger,
        token_id: license,
    };
    call(w, lab, Contract::LicenseNft, &approve, U256::ZERO).await;
    let approve_all = ILicenseNft::setApprovalForAllCall {
        operator: stranger,
        approved: true,
    };
    call(w, lab, Contract::LicenseNft, &approve_all, U256::ZERO).await;
    let transfer = ILicenseNft::transferFromCall {
        from: lab,
        to: w.accounts[6],
        token_id: license,
    };
    call(w, lab, Contract::LicenseNft, &transfer, U256::ZERO).await;
    // A Datanet on the dataset and one contribution with its stake.
    let hand_over = IAttributionRegistry::handOverSplitCall {
        dataset_id: w.dataset_id,
        controller: w.at(Contract::Datanets),
    };
    call(
        w,
        creator,
        Contract::AttributionRegistry,
        &hand_over,
        U256::ZERO,
    )
    .await;
    let configure = IDatanets::configureDatanetCall {
        dataset_id: w.dataset_id,
        curator: w.accounts[2],
        stake_token: Address::ZERO,
        stake: eth(10),
        review_window: 86_400,
        stake_lock: 2 * 86_400,
        veto_window: 86_400,
    };
    call(w, creator, Contract::Datanets, &configure, U256::ZERO).await;
    let contribute = IDatanets::contributeCall {
        dataset_id: w.dataset_id,
        content_hash: keccak256("explorer contribution"),
        uri: "ipfs://explorer-contribution".into(),
    };
    call(w, stranger, Contract::Datanets, &contribute, eth(10)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_event_of_the_ten_contracts_lands_decoded() {
    let w = world().await;
    workload(&w).await;
    let dir = tempfile::tempdir().expect("temp dir");
    // A small range: the catch-up takes many ranges.
    let store = index_to_head(&w, &dir.path().join("explorer.db"), 7).await;
    let rows = stored(&store);
    let logs = chain_logs(&w).await;
    assert_eq!(rows.len(), logs.len());
    assert_eq!(positions(&rows), logs);

    // Every log whose topic0 the catalogue knows under its contract is decoded.
    let catalogue = Catalogue::new();
    for row in &rows {
        let contract = Contract::from_dir(&row.contract).expect("a contract");
        assert_eq!(row.address, w.at(contract));
        if let Some(entry) = catalogue.get(contract, row.topics[0]) {
            assert_eq!(row.event.as_deref(), Some(entry.name()), "{row:?}");
            assert!(row
                .args
                .as_object()
                .is_some_and(|a| !a.is_empty() || entry.event.inputs.is_empty()));
        }
        assert!(row.timestamp > 0);
    }
    let unknown: Vec<_> = rows.iter().filter(|r| r.event.is_none()).collect();
    assert!(
        unknown.is_empty(),
        "logs the catalogue does not know: {unknown:#?}"
    );

    // The workload reaches many kinds of event on every contract that emits during it.
    let kinds: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.contract.clone(), r.event.clone().unwrap_or_default()))
        .collect();
    for (contract, event) in [
        ("royalty_splitter", "SplitCreated"),
        ("royalty_splitter", "SplitRecipientsSet"),
        ("royalty_splitter", "SplitDeposited"),
        ("royalty_splitter", "SplitWithdrawn"),
        ("royalty_splitter", "SplitControllerChanged"),
        ("royalty_splitter", "Paused"),
        ("royalty_splitter", "Unpaused"),
        ("royalty_splitter", "OwnershipTransferred"),
        ("attribution_registry", "DatasetRegistered"),
        ("attribution_registry", "ModelRegistered"),
        ("attribution_registry", "OwnershipTransferred"),
        ("license_offers", "OfferCreated"),
        ("license_offers", "LicenseIssued"),
        ("license_nft", "OfferTermsRegistered"),
        ("license_nft", "Transfer"),
        ("license_nft", "Approval"),
        ("license_nft", "ApprovalForAll"),
        ("usage_escrow", "EscrowFunded"),
        ("usage_escrow", "EscrowCharged"),
        ("usage_escrow", "FeesDeposited"),
        ("usage_anchor", "AttestorAllowed"),
        ("usage_anchor", "AttestorBonded"),
        ("usage_anchor", "BatchAnchored"),
        ("usage_anchor", "UsageSettled"),
        ("revenue_router", "RevenueReported"),
        ("revenue_router", "RoyaltyRouted"),
        ("model_nft", "Transfer"),
        ("datanets", "DatanetConfigured"),
        ("datanets", "ContributionSubmitted"),
    ] {
        assert!(
            kinds.contains(&(contract.to_owned(), event.to_owned())),
            "no {contract}.{event} among {kinds:#?}"
        );
    }
    eprintln!("{} events of {} kinds", rows.len(), kinds.len());

    // Arguments in the documented formats, and the filters the API uses.
    let lab = w.accounts[3];
    let issued = rows
        .iter()
        .find(|r| r.event.as_deref() == Some("LicenseIssued"))
        .expect("issued");
    assert_eq!(
        issued.arg_str("licensee"),
        Some(lab.to_checksum(None).as_str())
    );
    assert_eq!(issued.arg_u256("price"), Some(eth(10)));
    let license = issued.arg_u256("tokenId").expect("token id");
    let of_license = store
        .events(
            &EventFilter {
                license: Some(license),
                ..EventFilter::default()
            },
            None,
            500,
            Order::Ascending,
        )
        .expect("events")
        .events;
    let names: BTreeSet<&str> = of_license
        .iter()
        .filter_map(|r| r.event.as_deref())
        .collect();
    for name in [
        "LicenseIssued",
        "Transfer",
        "EscrowFunded",
        "EscrowCharged",
        "UsageSettled",
    ] {
        assert!(
            names.contains(name),
            "{name} not among the license's events {names:?}"
        );
    }
    let split = EventFilter {
        split: Some(w.dataset_split),
        ..EventFilter::default()
    };
    let deposits = store
        .events(&split, None, 500, Order::Ascending)
        .expect("events")
        .events;
    assert!(deposits
        .iter()
        .any(|r| r.event.as_deref() == Some("SplitDeposited")));
    assert!(deposits
        .iter()
        .any(|r| r.event.as_deref() == Some("DatasetRegistered")));
    let recipients = rows
        .iter()
        .find(|r| r.event.as_deref() == Some("SplitRecipientsSet"))
        .expect("recipients");
    assert!(recipients.args["recipients"].is_array());
    let of_lab = store
        .events(
            &EventFilter {
                account: Some(lab),
                ..EventFilter::default()
            },
            None,
            500,
            Order::Ascending,
        )
        .expect("events")
        .events;
    assert!(of_lab
        .iter()
        .any(|r| r.event.as_deref() == Some("ModelRegistered")));
    let status = store.status().expect("status");
    assert_eq!(status.event_count, rows.len() as u64);
    assert_eq!(status.indexed_block, status.head_block);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_in_the_middle_of_catching_up_loses_and_duplicates_nothing() {
    let w = world().await;
    workload(&w).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let one_shot = index_to_head(&w, &dir.path().join("one-shot.db"), 2_000).await;

    let db = dir.path().join("restarted.db");
    let start;
    {
        let store = Store::open(&db).expect("store");
        let mut indexer = Indexer::connect(&w.server.url(), &w.deployment, store, config(3))
            .await
            .expect("indexer");
        start = indexer.start();
        let mut ranges = 0;
        indexer
            .index_until(start + 10, |step| {
                if let Step::Indexed(_) = step {
                    ranges += 1;
                }
            })
            .await
            .expect("first ranges");
        assert_eq!(ranges, 4, "blocks {start}..={} in ranges of 3", start + 10);
        assert_eq!(
            indexer.store().cursor().expect("cursor").map(|c| c.block),
            Some(start + 10)
        );
        // The indexer and its store are dropped here, as if the process stopped.
    }
    let store = Store::open(&db).expect("reopened");
    let partial = stored(&store).len();
    assert!(partial > 0 && partial < stored(&one_shot).len());
    let mut indexer = Indexer::connect(&w.server.url(), &w.deployment, store.clone(), config(5))
        .await
        .expect("indexer again");
    assert_eq!(
        indexer.start(),
        start,
        "the deployment block is read from the store"
    );
    indexer.catch_up(|_| {}).await.expect("finished");
    assert_eq!(stored(&store), stored(&one_shot));
    let (a, b) = (
        store.status().expect("status"),
        one_shot.status().expect("status"),
    );
    assert_eq!(
        (a.event_count, a.indexed_block),
        (b.event_count, b.indexed_block)
    );
    assert_eq!(positions(&stored(&store)), chain_logs(&w).await);
}

async fn snapshot<P: Provider>(w: &World<P>) -> U64 {
    w.chain
        .raw_request("evm_snapshot".into(), ())
        .await
        .expect("evm_snapshot")
}

async fn revert<P: Provider>(w: &World<P>, id: U64) {
    let reverted: bool = w
        .chain
        .raw_request("evm_revert".into(), (id,))
        .await
        .expect("evm_revert");
    assert!(reverted);
}

/// Deposits of `amounts` wei into the dataset's split from `from`, one block each; returns
/// their transaction hashes.
async fn deposits<P: Provider>(w: &World<P>, from: Address, amounts: &[u64]) -> Vec<B256> {
    let mut hashes = Vec::new();
    for &amount in amounts {
        let deposit = IRoyaltySplitter::depositCall {
            split_id: w.dataset_split,
        };
        let receipt = w
            .send(
                from,
                w.at(Contract::RoyaltySplitter),
                deposit.abi_encode(),
                U256::from(amount),
            )
            .await
            .expect("deposited");
        hashes.push(receipt.transaction_hash);
    }
    hashes
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reorganisation_replaces_the_events_of_the_abandoned_blocks() {
    let w = world().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("explorer.db")).expect("store");
    let mut indexer = Indexer::connect(&w.server.url(), &w.deployment, store.clone(), config(4))
        .await
        .expect("indexer");
    indexer.catch_up(|_| {}).await.expect("caught up");
    let before = stored(&store);

    let id = snapshot(&w).await;
    let abandoned = deposits(&w, w.accounts[5], &[11, 12, 13]).await;
    indexer.catch_up(|_| {}).await.expect("caught up");
    let txs: BTreeSet<B256> = stored(&store).iter().map(|r| r.tx_hash).collect();
    assert!(abandoned.iter().all(|h| txs.contains(h)));
    let old_cursor = store.cursor().expect("cursor").expect("indexed");

    // The same heights, other transactions: two blocks where there were three.
    revert(&w, id).await;
    let kept = deposits(&w, w.accounts[6], &[21, 22]).await;
    let mut rewound = Vec::new();
    indexer
        .catch_up(|step| {
            if let Step::Rewound { from, to } = step {
                rewound.push((*from, *to));
            }
        })
        .await
        .expect("caught up after the reorganisation");
    assert_eq!(rewound.len(), 1, "{rewound:?}");
    let (from, to) = rewound[0];
    assert_eq!(from, Some(old_cursor.block));
    let last_before = before.last().expect("deployment events").block;
    assert_eq!(
        to,
        Some(last_before),
        "back to the last block whose hash still matches"
    );

    let after = stored(&store);
    let txs: BTreeSet<B256> = after.iter().map(|r| r.tx_hash).collect();
    assert!(
        abandoned.iter().all(|h| !txs.contains(h)),
        "abandoned events remain"
    );
    assert!(
        kept.iter().all(|h| txs.contains(h)),
        "new events are missing"
    );
    assert_eq!(positions(&after), chain_logs(&w).await);
    assert_eq!(&after[..before.len()], &before[..]);
    let amounts: Vec<U256> = after[before.len()..]
        .iter()
        .filter_map(|r| r.arg_u256("amount"))
        .collect();
    assert_eq!(amounts, vec![U256::from(21), U256::from(22)]);
    let head = w.chain.get_block_number().await.expect("head");
    let cursor = store.cursor().expect("cursor").expect("indexed");
    assert_eq!(cursor.block, head);
    let chain_hash = w
        .chain
        .get_block_by_number(head.into(), false.into())
        .await
        .expect("block")
        .expect("head block")
        .header
        .hash;
    assert_eq!(cursor.hash, chain_hash);
    assert!(old_cursor.block > head, "the abandoned chain was longer");

    // The indexer follows the new chain from there.
    let more = deposits(&w, w.accounts[6], &[23]).await;
    indexer.catch_up(|_| {}).await.expect("caught up");
    assert!(stored(&store).iter().any(|r| r.tx_hash == more[0]));
}

#[tokio::test(flavor = "multi_thread")]
async fn serving_follows_the_head_and_answers_the_status() {
    let w = world().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("explorer.db")).expect("store");
    let mut indexer = Indexer::connect(
        &w.server.url(),
        &w.deployment,
        store.clone(),
        Config {
            poll: std::time::Duration::from_millis(50),
            ..Config::default()
        },
    )
    .await
    .expect("indexer");
    // As `tributary explorer serve` runs them: the server on the runtime, the indexer
    // following the head until stopped.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listener");
    let url = format!(
        "http://{}/api/status",
        listener.local_addr().expect("address")
    );
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let wait = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let server = tokio::spawn(tributary_explorer::server::serve(
        listener,
        store.clone(),
        wait(stopped.clone()),
    ));
    let mut errors = Vec::new();
    let follow = indexer.follow(|_| {}, |e| errors.push(e.to_string()), wait(stopped));
    let drive = async {
        let sent = deposits(&w, w.accounts[5], &[31, 32]).await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !stored(&store).iter().any(|r| r.tx_hash == sent[1]) {
            assert!(
                std::time::Instant::now() < deadline,
                "the follower missed the deposits"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let head = w.chain.get_block_number().await.expect("head");
        let status: serde_json::Value = alloy::transports::http::reqwest::get(&url)
            .await
            .expect("GET /api/status")
            .json()
            .await
            .expect("JSON");
        stop.send(true).expect("stop");
        (head, status)
    };
    let ((), (head, status)) = tokio::join!(follow, drive);
    server.await.expect("server task").expect("server");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(status["indexed_block"], serde_json::json!(head), "{status}");
    assert_eq!(
        status["event_count"],
        serde_json::json!(stored(&store).len()),
        "{status}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_indexes_until_the_head_and_exits() {
    use tributary_explorer::cli::{self, ExplorerCommand, IndexArgs, IndexerArgs};
    let w = world().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let deployment = dir.path().join("deployment.json");
    std::fs::write(
        &deployment,
        serde_json::to_string(&w.deployment).expect("JSON"),
    )
    .expect("written");
    let db = dir.path().join("explorer.db");
    let command = ExplorerCommand::Index(IndexArgs {
        indexer: IndexerArgs {
            deployment,
            rpc_url: w.server.url(),
            db: db.clone(),
            range: 5,
            reorg_depth: 64,
            poll_ms: 1_000,
        },
        until_head: true,
    });
    // The CLI makes its own runtime: run it on a thread of its own.
    std::thread::spawn(move || cli::run(command).map_err(|e| e.to_string()))
        .join()
        .expect("CLI thread")
        .expect("indexed");
    let store = Store::open(&db).expect("store");
    assert_eq!(positions(&stored(&store)), chain_logs(&w).await);
}
