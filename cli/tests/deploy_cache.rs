//! `tributary deploy --cache` and `--cache-bid WEI` against a devnode, with the real WASM: each
//! program ends up cached (`ArbWasmCache.codehashIsCached`), a call to a cached program costs
//! exactly its init gas less, bids show up as `CacheManager`'s `InsertBid` events, and refusals
//! (a non-owner's `--cache`, a bid below the minimum, no `CacheManager` at `--cache-manager`,
//! both flags at once) fail by name with a non-zero exit. Needs the contracts built
//! (`cargo run -p tributary -- build`, which `scripts/test.sh` runs before the tests).
//!
//! The gas each test measures is printed (`--nocapture` shows it); docs/caching.md quotes it.

// Each test is one story on one devnode, told top to bottom.
#![allow(clippy::too_many_lines)]

use std::process::Command;

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{Address, B256, U256},
    providers::{Provider, ProviderBuilder},
    rpc::types::{Filter, TransactionRequest},
    sol_types::{SolCall, SolEvent},
};
use tributary::{
    contracts::Contract,
    deploy::{
        cache::{ArbWasm, ArbWasmCache, ICacheManager, ARBWASM_CACHE},
        Deployment, ARB_WASM,
    },
};
use tributary_devnode::rpc::{self, genesis, RunningServer, ServerConfig};

/// nitro-devnode's dev key, funded and a chain owner on the devnode.
const KEY: &str = genesis::NITRO_DEV_KEY;
/// What the first bids pay per program: 0.001 ETH, far above what the decay term adds in the
/// seconds a test takes (`decay` × elapsed seconds ≈ 10^10 wei per second).
const HIGH_BID: &str = "1000000000000000";
/// How many programs a deployment has.
const PROGRAMS: usize = Contract::DEPLOY_ORDER.len();

struct Run {
    ok: bool,
    code: Option<i32>,
    text: String,
}

fn tributary(url: &str, out: &std::path::Path, key: &str, extra: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_tributary"))
        .args([
            "deploy",
            "--no-build",
            "--rpc-url",
            url,
            "--private-key",
            key,
        ])
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("tributary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!text.contains("panicked"), "no panic:\n{text}");
    Run {
        ok: output.status.success(),
        code: output.status.code(),
        text,
    }
}

async fn deploy(url: &str, out: &std::path::Path, key: &str, extra: &[&str]) -> Run {
    let (url, out, key) = (url.to_owned(), out.to_owned(), key.to_owned());
    let extra: Vec<String> = extra.iter().map(|&s| s.to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        tributary(&url, &out, &key, &extra)
    })
    .await
    .expect("joins")
}

async fn devnode() -> RunningServer {
    let config = ServerConfig {
        addr: ([127, 0, 0, 1], 0).into(),
        log_transactions: false,
        ..ServerConfig::default()
    };
    rpc::start(config).await.expect("devnode")
}

fn out_dir(name: &str) -> std::path::PathBuf {
    let out = std::env::temp_dir().join(format!("tributary-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    out
}

async fn view<C: SolCall>(provider: &impl Provider, to: Address, call: &C) -> C::Return {
    let request = TransactionRequest::default()
        .with_to(to)
        .with_input(call.abi_encode());
    let out = provider.call(&request).await.expect("view answers");
    C::abi_decode_returns(&out, true).expect("view decodes")
}

async fn is_cached(provider: &impl Provider, codehash: B256) -> bool {
    view(
        provider,
        ARBWASM_CACHE,
        &ArbWasmCache::codehashIsCachedCall { codehash },
    )
    .await
    ._0
}

/// Gas of a call to `to` with empty calldata (the program's entry, then its router's refusal),
/// as `debug_traceCall`'s callTracer reports it: the same state each time, so two readings
/// differ only by what entering the program costs.
async fn entry_call_gas(provider: &impl Provider, from: Address, to: Address) -> u64 {
    let trace: serde_json::Value = provider
        .raw_request(
            "debug_traceCall".into(),
            (
                serde_json::json!({ "from": from, "to": to, "data": "0x", "gas": "0x1c9c380" }),
                "latest",
                serde_json::json!({ "tracer": "callTracer" }),
            ),
        )
        .await
        .expect("debug_traceCall");
    let used = trace["gasUsed"].as_str().expect("gasUsed");
    u64::from_str_radix(used.trim_start_matches("0x"), 16).expect("hex gas")
}

#[tokio::test(flavor = "multi_thread")]
async fn cache_caches_every_program_and_their_calls_skip_the_init_gas() {
    let server = devnode().await;
    let url = server.url();
    let out = out_dir("deploy-cache");
    let signers = genesis::dev_signers();
    let owner = signers[0].address();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signers[0].clone()))
        .on_http(url.parse().expect("url"));

    // A dev account that is not a chain owner deploys; its --cache is refused by name.
    let stranger = format!("{}", signers[1].to_bytes());
    let refused = deploy(&url, &out, &stranger, &["--cache"]).await;
    assert!(!refused.ok, "a non-owner may not cache:\n{}", refused.text);
    assert_eq!(refused.code, Some(1), "{}", refused.text);
    assert!(
        refused
            .text
            .contains("ArbWasmCache refused cacheProgram(royalty_splitter at 0x")
            && refused
                .text
                .contains("neither a chain owner nor a cache manager")
            && refused.text.contains("--cache-bid WEI"),
        "{}",
        refused.text
    );
    eprintln!("{}", refused.text.lines().last().unwrap_or_default());
    // The deployment was written before caching was tried.
    let deployment = Deployment::load(&out.join("412346.json")).expect("deployment file");

    let mut uncached = Vec::new();
    for (contract, deployed) in deployment.contracts.iter() {
        assert!(!is_cached(&provider, deployed.codehash).await, "{contract}");
        let gas = entry_call_gas(&provider, owner, deployed.address).await;
        let init = view(
            &provider,
            ARB_WASM,
            &ArbWasm::programInitGasCall {
                program: deployed.address,
            },
        )
        .await;
        uncached.push((
            contract,
            deployed.address,
            gas,
            init.gas,
            init.gasWhenCached,
        ));
    }

    // The chain owner caches that deployment (already live: nothing is deployed again).
    let cached = deploy(&url, &out, KEY, &["--cache"]).await;
    assert!(cached.ok, "the owner caches:\n{}", cached.text);
    assert!(
        cached.text.contains("already deployed and activated")
            && cached.text.contains("; caching it"),
        "{}",
        cached.text
    );
    assert!(
        !cached.text.contains("deploy royalty_splitter"),
        "{}",
        cached.text
    );
    assert_eq!(
        cached.text.matches("cacheProgram(").count(),
        PROGRAMS,
        "one cacheProgram per program:\n{}",
        cached.text
    );
    assert!(
        cached.text.contains(&format!(
            "codehashIsCached is true for all {PROGRAMS} programs ({PROGRAMS} cached now"
        )),
        "{}",
        cached.text
    );
    eprintln!("{}", cached.text);

    eprintln!("program                  uncached  cached  saved  programInitGas (gas, whenCached)");
    for (contract, address, before, init_gas, when_cached) in uncached {
        let deployed = deployment.contracts.get(contract);
        assert!(is_cached(&provider, deployed.codehash).await, "{contract}");
        let after = entry_call_gas(&provider, owner, address).await;
        eprintln!(
            "{:<24} {before:>8} {after:>7} {:>6}  ({init_gas}, {when_cached})",
            contract.dir(),
            before - after
        );
        assert!(after < before, "{contract}: {after} < {before}");
        // initGas = programInitGas's gas - gasWhenCached (docs/nitro.md §4.3), skipped once
        // cached.
        assert_eq!(before - after, init_gas - when_cached, "{contract}");
    }

    // Again: every program is already cached, so nothing is sent.
    let again = deploy(&url, &out, KEY, &["--cache"]).await;
    assert!(again.ok, "{}", again.text);
    assert_eq!(
        again.text.matches("already cached (codehash").count(),
        PROGRAMS,
        "{}",
        again.text
    );
    assert!(
        again.text.contains(&format!(
            "(0 cached now for 0 gas, {PROGRAMS} already cached)"
        )),
        "{}",
        again.text
    );

    server.stop().await;
    let _ = std::fs::remove_dir_all(&out);
}

#[tokio::test(flavor = "multi_thread")]
async fn cache_bid_bids_for_every_program_and_a_low_bid_is_refused_by_name() {
    let server = devnode().await;
    let url = server.url();
    let out = out_dir("deploy-cache-bid");
    let signers = genesis::dev_signers();
    let owner = signers[0].address();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signers[0].clone()))
        .on_http(url.parse().expect("url"));
    let manager = genesis::CACHE_MANAGER;

    // A fresh deployment, then a bid per program in the devnode's CacheManager.
    let bid = deploy(&url, &out, KEY, &["--cache-bid", HIGH_BID]).await;
    assert!(bid.ok, "deploys and bids:\n{}", bid.text);
    assert!(
        bid.text.contains(&format!(
            "bidding {HIGH_BID} wei per program in CacheManager {manager}"
        )),
        "found through ArbWasmCache.allCacheManagers():\n{}",
        bid.text
    );
    assert_eq!(
        bid.text.matches("InsertBid: bid").count(),
        PROGRAMS,
        "{}",
        bid.text
    );
    assert!(
        bid.text.contains(&format!(
            "codehashIsCached is true for all {PROGRAMS} programs ({PROGRAMS} cached now"
        )),
        "{}",
        bid.text
    );
    eprintln!("{}", bid.text);
    let deployment = Deployment::load(&out.join("412346.json")).expect("deployment file");

    // CacheManager recorded one InsertBid per program, for its address and codehash.
    let logs = provider
        .get_logs(
            &Filter::new()
                .address(manager)
                .event_signature(ICacheManager::InsertBid::SIGNATURE_HASH)
                .from_block(0),
        )
        .await
        .expect("logs");
    assert_eq!(logs.len(), PROGRAMS);
    for (contract, deployed) in deployment.contracts.iter() {
        assert!(is_cached(&provider, deployed.codehash).await, "{contract}");
        let insert = logs
            .iter()
            .filter_map(|l| ICacheManager::InsertBid::decode_log_data(l.data(), true).ok())
            .find(|e| e.program == deployed.address)
            .unwrap_or_else(|| panic!("an InsertBid for {contract}"));
        assert_eq!(insert.codehash, deployed.codehash, "{contract}");
        assert!(U256::from(insert.bid) > U256::from(10u64).pow(U256::from(15u64)));
    }

    // No CacheManager at --cache-manager: refused before anything is sent.
    let nowhere = deploy(
        &url,
        &out,
        KEY,
        &[
            "--cache-bid",
            "1",
            "--cache-manager",
            "0x000000000000000000000000000000000000dEaD",
        ],
    )
    .await;
    assert_eq!(nowhere.code, Some(1), "{}", nowhere.text);
    assert!(
        nowhere
            .text
            .contains("no contract at 0x000000000000000000000000000000000000dEaD"),
        "{}",
        nowhere.text
    );

    // Fill the cache: cacheSize = queueSize (slot 3, bits 0..64), and evict the programs from
    // ArbWasmCache behind CacheManager's back (the dev account is a chain owner) so that they
    // may be bid for again. A 1-wei bid must now outbid a 10^15-wei entry to make room.
    let queue = view(&provider, manager, &ICacheManager::queueSizeCall {})
        .await
        ._0;
    let slot3 = provider
        .get_storage_at(manager, U256::from(3))
        .await
        .expect("slot 3");
    let full = (slot3 & !U256::from(u64::MAX)) | U256::from(queue);
    let _: serde_json::Value = provider
        .raw_request(
            "anvil_setStorageAt".into(),
            (manager, U256::from(3), B256::from(full)),
        )
        .await
        .expect("storage set");
    assert_eq!(
        view(&provider, manager, &ICacheManager::cacheSizeCall {})
            .await
            ._0,
        queue
    );
    for (_, deployed) in deployment.contracts.iter() {
        let evict = TransactionRequest::default()
            .with_from(owner)
            .with_to(ARBWASM_CACHE)
            .with_input(
                ArbWasmCache::evictCodehashCall {
                    codehash: deployed.codehash,
                }
                .abi_encode(),
            );
        let receipt = provider
            .send_transaction(evict)
            .await
            .expect("sent")
            .get_receipt()
            .await
            .expect("mined");
        assert!(receipt.status());
    }

    let low = deploy(&url, &out, KEY, &["--cache-bid", "1"]).await;
    assert!(!low.ok, "a bid below the minimum is refused:\n{}", low.text);
    assert_eq!(low.code, Some(1), "{}", low.text);
    eprintln!("{}", low.text);
    let splitter = deployment.contracts.get(Contract::RoyaltySplitter).address;
    assert!(
        low.text.contains(&format!(
            "CacheManager {manager} refused placeBid(royalty_splitter at {splitter}) of 1 wei: \
             BidTooSmall(bid "
        )) && low.text.contains("getMinBid(")
            && low.text.contains("bid more with --cache-bid WEI"),
        "{}",
        low.text
    );
    assert!(
        !low.text.contains("placeBid(royalty_splitter) 1 wei tx"),
        "{}",
        low.text
    );

    server.stop().await;
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn cache_and_cache_bid_together_are_refused_by_clap() {
    let out = out_dir("deploy-cache-flags");
    let run = tributary(
        "http://127.0.0.1:1",
        &out,
        KEY,
        &["--cache", "--cache-bid", "1"],
    );
    assert_eq!(run.code, Some(2), "a usage error:\n{}", run.text);
    assert!(
        run.text
            .contains("the argument '--cache' cannot be used with '--cache-bid <WEI>'"),
        "{}",
        run.text
    );
    let run = tributary(
        "http://127.0.0.1:1",
        &out,
        KEY,
        &[
            "--cache-manager",
            "0x000000000000000000000000000000000000dEaD",
        ],
    );
    assert_eq!(
        run.code,
        Some(2),
        "--cache-manager needs --cache-bid:\n{}",
        run.text
    );
    assert!(!out.exists(), "nothing ran");
}
