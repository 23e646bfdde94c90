//! The JSON-RPC methods anvil and nitro-devnode answer beyond the basics, driven through alloy
//! as users drive them: polling filters (alloy's `watch_blocks` / `watch_logs` and the raw
//! calls), `eth_getBlockReceipts`, `eth_createAccessList`, signing with the dev accounts
//! (`eth_sign`, `personal_sign`, `eth_signTypedData_v4`), impersonation, `eth_getProof`'s
//! refusal, and geth's callTracer (`debug_traceTransaction`, `debug_traceCall`) across Stylus
//! and EVM frames.

// Nitro's names (StylusDeployer, ArbWasm) are proper nouns here; the scenarios read best as
// one story each.
#![allow(clippy::doc_markdown, clippy::too_many_lines)]

use std::{net::SocketAddr, time::Duration};

use alloy::{
    eips::BlockId,
    network::{EthereumWallet, TransactionBuilder},
    primitives::{address, b256, Address, Bytes, PrimitiveSignature, B256, U256},
    providers::{Provider, ProviderBuilder},
    rpc::types::{
        state::{AccountOverride, StateOverride},
        Filter, Log, TransactionRequest,
    },
    signers::local::PrivateKeySigner,
    sol,
    sol_types::{eip712_domain, Revert, SolCall, SolError, SolEvent, SolStruct},
};
use serde_json::{json, Value};
use tributary_devnode::{
    node::stylus_initcode,
    rpc::{self, genesis::STYLUS_DEPLOYER, RunningServer, ServerConfig},
    wasm::compress_to_code,
};

sol! {
    function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address);
    event ContractDeployed(address deployedContract);
    function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
    function transfer(address to, uint256 value) external returns (bool);
    function balanceOf(address owner) external view returns (uint256);
    function forward(address target, bytes data) external payable returns (bytes);
    function forwardOrBubble(address target, bytes data) external returns (bytes);

    struct Person {
        string name;
        address wallet;
    }
    struct Mail {
        Person from;
        Person to;
        string contents;
    }
}

/// Second account of the test mnemonic (a dev account: the node holds its key too).
const KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
const TOPIC: B256 = b256!("2222222222222222222222222222222222222222222222222222222222222222");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");
const GAS_ALL: u64 = u64::MAX;

fn config() -> ServerConfig {
    ServerConfig {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        log_transactions: false,
        ..ServerConfig::default()
    }
}

fn me() -> Address {
    KEY.parse::<PrivateKeySigner>().expect("key").address()
}

fn connect(url: &str) -> impl Provider {
    let signer: PrivateKeySigner = KEY.parse().expect("key");
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .on_http(url.parse().expect("url"))
}

/// Runtime code that logs its first calldata word under [`TOPIC`] (`mstore(0,
/// calldataload(0)); log1(0, 32, TOPIC); stop`, 45 bytes) behind initcode that returns it
/// (`codecopy(0, 12, 45); return(0, 45)`).
fn emitter_initcode() -> Bytes {
    format!(
        "0x602d600c600039602d6000f36000356000527f{}60206000a100",
        alloy::hex::encode(TOPIC)
    )
    .parse()
    .expect("hex")
}

/// Compiled `tests/solidity/<name>.bin` creation code.
fn solidity(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/solidity/{name}.bin", env!("CARGO_MANIFEST_DIR"));
    alloy::hex::decode(std::fs::read_to_string(path).expect("compiled").trim()).expect("hex")
}

fn wat(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/programs/{name}.wat", env!("CARGO_MANIFEST_DIR"));
    wat::parse_str(std::fs::read_to_string(path).expect("program")).expect("valid WAT")
}

fn word(n: u64) -> Bytes {
    Bytes::from(U256::from(n).to_be_bytes::<32>().to_vec())
}

async fn send(
    provider: &impl Provider,
    tx: TransactionRequest,
) -> alloy::rpc::types::TransactionReceipt {
    provider
        .send_transaction(tx)
        .await
        .expect("sent")
        .get_receipt()
        .await
        .expect("receipt")
}

async fn deploy_evm(provider: &impl Provider, initcode: impl Into<Bytes>) -> Address {
    let receipt = send(
        provider,
        TransactionRequest::default().with_deploy_code(initcode),
    )
    .await;
    assert!(receipt.status(), "deployment succeeded");
    receipt.contract_address.expect("created")
}

/// Deploys and activates a Stylus program through StylusDeployer, the fee estimated as
/// cargo-stylus does it.
async fn deploy_stylus(provider: &impl Provider, wasm: &[u8]) -> Address {
    let code = compress_to_code(wasm);
    let scratch = address!("00000000000000000000000000000000000c0de1");
    let mut overrides = StateOverride::default();
    overrides.insert(
        scratch,
        AccountOverride {
            code: Some(code.clone().into()),
            ..Default::default()
        },
    );
    let probe = TransactionRequest::default()
        .with_from(me())
        .with_to(ARB_WASM)
        .with_value(U256::from(10u64).pow(U256::from(18u64)))
        .with_input(activateProgramCall { program: scratch }.abi_encode());
    // Code active already (the same program deployed before) needs no activation: ArbWasm
    // refuses with ProgramUpToDate and StylusDeployer skips it.
    let fee = match provider.call(&probe).overrides(&overrides).await {
        Ok(returned) => {
            activateProgramCall::abi_decode_returns(&returned, true)
                .expect("decodes")
                .dataFee
        }
        Err(_) => U256::ZERO,
    };
    let input = deployCall {
        bytecode: stylus_initcode(&code).into(),
        initData: Bytes::new(),
        initValue: U256::ZERO,
        salt: B256::ZERO,
    }
    .abi_encode();
    let receipt = send(
        provider,
        TransactionRequest::default()
            .with_to(STYLUS_DEPLOYER)
            .with_value(fee * U256::from(120) / U256::from(100))
            .with_input(input),
    )
    .await;
    assert!(receipt.status(), "deployment succeeded");
    let log = receipt
        .inner
        .logs()
        .iter()
        .find(|l| l.topic0() == Some(&ContractDeployed::SIGNATURE_HASH))
        .expect("ContractDeployed log");
    ContractDeployed::decode_log_data(log.data(), true)
        .expect("decodes")
        .deployedContract
}

/// hostio.wat op 6: call `to` with `data` and return [status][ret_len][n][data].
fn op_call(to: Address, data: &[u8]) -> Bytes {
    let mut out = vec![6, 0];
    out.extend_from_slice(to.as_slice());
    out.extend_from_slice(&[0; 32]);
    out.extend_from_slice(&GAS_ALL.to_le_bytes());
    out.extend_from_slice(data);
    out.into()
}

async fn raw(provider: &impl Provider, method: &'static str, params: Value) -> Value {
    provider
        .raw_request(method.into(), params)
        .await
        .unwrap_or_else(|e| panic!("{method}: {e}"))
}

/// The JSON-RPC error of a request that must fail.
async fn refused(server: &RunningServer, method: &str, params: Value) -> Value {
    let client = reqwest_free_post(server.addr, method, params).await;
    client
        .get("error")
        .cloned()
        .unwrap_or_else(|| panic!("{method} should fail: {client}"))
}

/// Posts one JSON-RPC request over a plain TCP connection (no client library rewrites it).
async fn reqwest_free_post(addr: SocketAddr, method: &str, params: Value) -> Value {
    use std::io::{Read, Write};
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        let head = format!(
            "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).expect("write");
        stream.write_all(body.as_bytes()).expect("write");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        let json = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        serde_json::from_str(json).expect("JSON body")
    })
    .await
    .expect("joins")
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_report_logs_and_blocks_between_polls_and_expire_unpolled() {
    let server = rpc::start(ServerConfig {
        filter_timeout: Duration::from_millis(1_500),
        ..config()
    })
    .await
    .expect("server starts");
    let provider = connect(&server.url());
    let emitter = deploy_evm(&provider, emitter_initcode()).await;
    let emit = |n: u64| {
        TransactionRequest::default()
            .with_to(emitter)
            .with_input(word(n))
    };

    // From block 0: eth_getFilterLogs answers the criteria's range, which is the latest block
    // only by default (as eth_getLogs).
    let logs = provider
        .new_filter(
            &Filter::new()
                .address(emitter)
                .event_signature(TOPIC)
                .from_block(0),
        )
        .await
        .expect("eth_newFilter");
    let blocks = provider
        .new_block_filter()
        .await
        .expect("eth_newBlockFilter");
    let pending = provider
        .new_pending_transactions_filter(false)
        .await
        .expect("eth_newPendingTransactionFilter");
    assert_ne!(logs, blocks);
    let changes = |id: U256| {
        let provider = &provider;
        async move {
            provider
                .get_filter_changes::<Value>(id)
                .await
                .expect("changes")
        }
    };
    assert!(
        changes(logs).await.is_empty(),
        "nothing since it was installed"
    );
    assert!(changes(blocks).await.is_empty());

    // Two transactions between polls: both logs, both blocks, both hashes.
    let first = send(&provider, emit(1)).await;
    let second = send(&provider, emit(2)).await;
    let got: Vec<Log> = provider.get_filter_changes(logs).await.expect("changes");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].transaction_hash, Some(first.transaction_hash));
    assert_eq!(got[1].transaction_hash, Some(second.transaction_hash));
    assert_eq!(got[1].data().data, word(2));
    let hashes: Vec<B256> = provider.get_filter_changes(blocks).await.expect("changes");
    assert_eq!(
        hashes,
        vec![
            first.block_hash.expect("mined"),
            second.block_hash.expect("mined")
        ]
    );
    let sent: Vec<B256> = provider.get_filter_changes(pending).await.expect("changes");
    assert_eq!(sent, vec![first.transaction_hash, second.transaction_hash]);
    // A poll reports only what is new.
    assert!(changes(logs).await.is_empty());
    assert!(changes(blocks).await.is_empty());
    // A transaction whose log the filter does not match: a block, no log.
    deploy_evm(&provider, emitter_initcode()).await;
    assert!(changes(logs).await.is_empty());
    assert_eq!(changes(blocks).await.len(), 1);
    let third = send(&provider, emit(3)).await;
    let got: Vec<Log> = provider.get_filter_changes(logs).await.expect("changes");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].block_number, third.block_number);
    // eth_getFilterLogs answers every matching log, whatever was polled.
    let all = provider.get_filter_logs(logs).await.expect("filter logs");
    assert_eq!(all.len(), 3);
    assert!(
        provider.get_filter_logs(blocks).await.is_err(),
        "not a log filter"
    );

    // alloy's pollers (eth_newBlockFilter / eth_newFilter + eth_getFilterChanges) follow
    // transactions sent while they poll.
    let mut new_blocks = provider
        .watch_blocks()
        .await
        .expect("watch blocks")
        .with_poll_interval(Duration::from_millis(50))
        .spawn();
    let mut new_logs = provider
        .watch_logs(&Filter::new().address(emitter))
        .await
        .expect("watch logs")
        .with_poll_interval(Duration::from_millis(50))
        .spawn();
    let fourth = send(&provider, emit(4)).await;
    let seen_block = async {
        loop {
            let batch = new_blocks.recv().await.expect("block poller runs");
            if !batch.is_empty() {
                return batch;
            }
        }
    };
    let seen_logs = async {
        loop {
            let batch = new_logs.recv().await.expect("log poller runs");
            if !batch.is_empty() {
                return batch;
            }
        }
    };
    let (seen_block, seen_logs) = tokio::time::timeout(Duration::from_secs(10), async {
        (seen_block.await, seen_logs.await)
    })
    .await
    .expect("the pollers saw the transaction");
    assert_eq!(seen_block, vec![fourth.block_hash.expect("mined")]);
    assert_eq!(seen_logs.len(), 1);
    assert_eq!(seen_logs[0].transaction_hash, Some(fourth.transaction_hash));

    // Uninstalled: gone. Unpolled for the timeout: expired, as geth says.
    assert!(provider.uninstall_filter(pending).await.expect("uninstall"));
    assert!(!provider.uninstall_filter(pending).await.expect("uninstall"));
    let idle = provider
        .new_block_filter()
        .await
        .expect("eth_newBlockFilter");
    let kept = provider
        .new_block_filter()
        .await
        .expect("eth_newBlockFilter");
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert!(changes(kept).await.is_empty(), "a polled filter stays");
    }
    let error = provider
        .get_filter_changes::<Value>(idle)
        .await
        .expect_err("expired");
    let payload = error.as_error_resp().expect("JSON-RPC error");
    assert_eq!(payload.code, -32000);
    assert_eq!(payload.message, "filter not found");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn block_receipts_of_a_block_with_stylus_and_evm_transactions() {
    let server = rpc::start(config()).await.expect("server starts");
    let provider = connect(&server.url());
    let emitter = deploy_evm(&provider, emitter_initcode()).await;
    let program = deploy_stylus(&provider, &wat("hostio")).await;

    // Both in one block: interval-style mining by hand.
    let _: Value = raw(&provider, "evm_setAutomine", json!([false])).await;
    // hostio op 4: emit a log with one topic.
    let mut stylus_log = vec![4, 1];
    stylus_log.extend_from_slice(TOPIC.as_slice());
    stylus_log.extend_from_slice(b"stylus");
    let stylus_tx = provider
        .send_transaction(
            TransactionRequest::default()
                .with_to(program)
                .with_input(stylus_log),
        )
        .await
        .expect("accepted");
    let evm_tx = provider
        .send_transaction(
            TransactionRequest::default()
                .with_to(emitter)
                .with_input(word(7)),
        )
        .await
        .expect("accepted");
    let _: Value = raw(&provider, "evm_mine", json!([])).await;
    let _: Value = raw(&provider, "evm_setAutomine", json!([true])).await;
    let stylus_hash = *stylus_tx.tx_hash();
    let evm_hash = *evm_tx.tx_hash();
    let number = provider.get_block_number().await.expect("number");

    let receipts = provider
        .get_block_receipts(BlockId::number(number))
        .await
        .expect("eth_getBlockReceipts")
        .expect("the block exists");
    assert_eq!(receipts.len(), 2);
    assert_eq!(receipts[0].transaction_hash, stylus_hash);
    assert_eq!(receipts[1].transaction_hash, evm_hash);
    assert!(receipts.iter().all(|r| r.inner.status()));
    assert_eq!(
        receipts[1].inner.cumulative_gas_used(),
        receipts[0].gas_used + receipts[1].gas_used
    );
    let log_index: Vec<Option<u64>> = receipts
        .iter()
        .flat_map(|r| r.inner.logs().iter().map(|l| l.log_index))
        .collect();
    assert_eq!(log_index, vec![Some(0), Some(1)]);
    assert_eq!(receipts[0].inner.logs()[0].address(), program);
    assert_eq!(receipts[1].inner.logs()[0].address(), emitter);

    // Each is the receipt eth_getTransactionReceipt answers, field for field; by hash and by
    // tag the block answers the same.
    let by_number = raw(
        &provider,
        "eth_getBlockReceipts",
        json!([format!("{number:#x}")]),
    )
    .await;
    for (i, hash) in [stylus_hash, evm_hash].iter().enumerate() {
        let single = raw(&provider, "eth_getTransactionReceipt", json!([hash])).await;
        assert_eq!(by_number[i], single);
    }
    let block_hash = receipts[0].block_hash.expect("mined");
    assert_eq!(
        raw(&provider, "eth_getBlockReceipts", json!([block_hash])).await,
        by_number
    );
    assert_eq!(
        raw(&provider, "eth_getBlockReceipts", json!(["latest"])).await,
        by_number
    );
    assert_eq!(
        raw(&provider, "eth_getBlockReceipts", json!(["0x999"])).await,
        Value::Null
    );
    let empty = raw(&provider, "eth_getBlockReceipts", json!(["earliest"])).await;
    assert_eq!(empty, json!([]));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn access_lists_name_what_a_call_touches_and_its_gas_with_them() {
    let server = rpc::start(config()).await.expect("server starts");
    let provider = connect(&server.url());
    let program = deploy_stylus(&provider, &wat("hostio")).await;
    let caller = deploy_evm(&provider, solidity("StylusCaller")).await;
    // hostio op 3: load storage slot 5 of the program.
    let mut load = vec![3];
    load.extend_from_slice(&word(5));
    let tx = TransactionRequest::default()
        .with_from(me())
        .with_to(caller)
        .with_input(
            forwardCall {
                target: program,
                data: load.into(),
            }
            .abi_encode(),
        );
    let result = provider
        .create_access_list(&tx)
        .await
        .expect("eth_createAccessList");
    assert!(result.error.is_none(), "{result:?}");
    let list = &result.access_list.0;
    // The program (called, slot 5 read) and the caller contract (its own storage written),
    // not the sender, nor ArbWasm (whose records the program check reads), nor the coinbase.
    let addresses: Vec<Address> = list.iter().map(|item| item.address).collect();
    let mut expected = vec![program, caller];
    expected.sort_unstable();
    assert_eq!(addresses, expected, "{list:?}");
    let program_item = list.iter().find(|i| i.address == program).expect("program");
    assert_eq!(program_item.storage_keys, vec![B256::from(U256::from(5))]);
    let caller_item = list.iter().find(|i| i.address == caller).expect("caller");
    assert!(
        !caller_item.storage_keys.is_empty(),
        "marker, lastSuccess, lastReturn"
    );

    // The gas it reports is what the transaction uses with that list.
    let gas_used: u64 = result.gas_used.to();
    let receipt = send(
        &provider,
        tx.clone()
            .with_access_list(result.access_list.clone())
            .with_gas_limit(gas_used * 2),
    )
    .await;
    assert!(receipt.status());
    assert_eq!(receipt.gas_used, gas_used);
    // A failing call answers its list with the error.
    let reverting = TransactionRequest::default()
        .with_from(me())
        .with_to(caller)
        .with_input(
            forwardOrBubbleCall {
                target: program,
                data: Bytes::from([&[11u8][..], &Revert::from("nope").abi_encode()].concat()),
            }
            .abi_encode(),
        );
    let failed = provider
        .create_access_list(&reverting)
        .await
        .expect("answers");
    assert_eq!(failed.error.as_deref(), Some("execution reverted: nope"));
    assert!(failed.access_list.0.iter().any(|i| i.address == program));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dev_accounts_sign_messages_and_typed_data() {
    let server = rpc::start(config()).await.expect("server starts");
    let provider = connect(&server.url());
    let account = me();
    let recover = |signature: &Value| {
        let bytes: Bytes = serde_json::from_value(signature.clone()).expect("hex");
        assert_eq!(bytes.len(), 65);
        assert!(matches!(bytes[64], 27 | 28), "v is 27 or 28");
        PrimitiveSignature::try_from(&bytes[..]).expect("a signature")
    };

    // EIP-191: personal_sign(message, address) and eth_sign(address, message) agree; a plain
    // string is signed as its UTF-8 bytes, as MetaMask and anvil do.
    let message = "Sign in to Tributary";
    let hex_message = format!("0x{}", alloy::hex::encode(message));
    let personal = raw(&provider, "personal_sign", json!([hex_message, account])).await;
    let eth_sign = raw(&provider, "eth_sign", json!([account, hex_message])).await;
    let plain = raw(&provider, "personal_sign", json!([message, account])).await;
    assert_eq!(personal, eth_sign);
    assert_eq!(personal, plain);
    let signer = recover(&personal)
        .recover_address_from_msg(message)
        .expect("recovers");
    assert_eq!(signer, account);

    // EIP-712 (the EIP's own example), as a JSON object and as a JSON string (viem, MetaMask).
    let typed = json!({
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"}
            ],
            "Person": [
                {"name": "name", "type": "string"},
                {"name": "wallet", "type": "address"}
            ],
            "Mail": [
                {"name": "from", "type": "Person"},
                {"name": "to", "type": "Person"},
                {"name": "contents", "type": "string"}
            ]
        },
        "primaryType": "Mail",
        "domain": {
            "name": "Ether Mail",
            "version": "1",
            "chainId": 1,
            "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"
        },
        "message": {
            "from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
            "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
            "contents": "Hello, Bob!"
        }
    });
    let signature = raw(&provider, "eth_signTypedData_v4", json!([account, typed])).await;
    let as_string = raw(
        &provider,
        "eth_signTypedData_v4",
        json!([account, typed.to_string()]),
    )
    .await;
    assert_eq!(signature, as_string);
    // The hash, computed independently with alloy's static EIP-712 (sol! struct), is the EIP's.
    let mail = Mail {
        from: Person {
            name: "Cow".into(),
            wallet: address!("CD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"),
        },
        to: Person {
            name: "Bob".into(),
            wallet: address!("bBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"),
        },
        contents: "Hello, Bob!".into(),
    };
    let domain = eip712_domain! {
        name: "Ether Mail",
        version: "1",
        chain_id: 1,
        verifying_contract: address!("CcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"),
    };
    let hash = mail.eip712_signing_hash(&domain);
    assert_eq!(
        hash,
        b256!("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2")
    );
    let signer = recover(&signature)
        .recover_address_from_prehash(&hash)
        .expect("recovers");
    assert_eq!(signer, account);

    // Only the node's dev accounts sign.
    let stranger = Address::repeat_byte(0x77);
    let error = refused(&server, "personal_sign", json!([hex_message, stranger])).await;
    assert_eq!(error["code"], -32000);
    assert!(
        error["message"]
            .as_str()
            .expect("message")
            .contains("not one of the unlocked dev accounts"),
        "{error}"
    );
    let bad = refused(
        &server,
        "eth_signTypedData_v4",
        json!([account, {"types": 1}]),
    )
    .await;
    assert_eq!(bad["code"], -32602);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn impersonated_accounts_send_without_keys_and_get_proof_is_refused() {
    let server = rpc::start(config()).await.expect("server starts");
    let provider = connect(&server.url());
    let owner = address!("00000000000000000000000000000000000000aa");
    // An owner-only setter: `if caller == owner { sstore(0, 1) } else { revert }`.
    let mut code = vec![0x33, 0x73];
    code.extend_from_slice(owner.as_slice());
    code.extend_from_slice(&[
        0x14, 0x60, 0x1e, 0x57, 0x60, 0x00, 0x80, 0xfd, 0x5b, 0x60, 0x01, 0x60, 0x00, 0x55, 0x00,
    ]);
    let vault = address!("000000000000000000000000000000000000fa17");
    let _: Value = raw(
        &provider,
        "anvil_setCode",
        json!([vault, Bytes::from(code)]),
    )
    .await;
    let _: Value = raw(
        &provider,
        "anvil_setBalance",
        json!([owner, "0xde0b6b3a7640000"]),
    )
    .await;
    let call_vault =
        |from: Address| json!([{"from": from, "to": vault, "data": "0x", "gas": "0x20000"}]);

    // Without impersonation the node has no key for the owner.
    let error = refused(&server, "eth_sendTransaction", call_vault(owner)).await;
    assert!(
        error["message"]
            .as_str()
            .expect("message")
            .contains("not unlocked"),
        "{error}"
    );
    assert_eq!(
        raw(&provider, "anvil_impersonateAccount", json!([owner])).await,
        Value::Null
    );
    let accounts = provider.get_accounts().await.expect("accounts");
    assert_eq!(
        accounts.last(),
        Some(&owner),
        "listed after the dev accounts, as anvil"
    );
    let hash: B256 =
        serde_json::from_value(raw(&provider, "eth_sendTransaction", call_vault(owner)).await)
            .expect("a hash");
    let receipt = provider
        .get_transaction_receipt(hash)
        .await
        .expect("query")
        .expect("mined");
    assert!(receipt.status(), "the owner-only function ran as the owner");
    assert_eq!(receipt.from, owner);
    assert_eq!(
        provider
            .get_storage_at(vault, U256::ZERO)
            .await
            .expect("storage"),
        U256::from(1)
    );
    let tx = provider
        .get_transaction_by_hash(hash)
        .await
        .expect("query")
        .expect("known");
    assert_eq!(tx.from, owner);
    assert_eq!(
        provider.get_transaction_count(owner).await.expect("nonce"),
        1
    );
    // Another account calling it is refused by the contract.
    let denied = send(
        &provider,
        TransactionRequest::default()
            .with_to(vault)
            .with_gas_limit(100_000),
    )
    .await;
    assert!(!denied.status());

    // A contract can be impersonated too (EIP-3607 does not apply), under the devnode_ name.
    let _: Value = raw(&provider, "devnode_impersonateAccount", json!([vault])).await;
    let _: Value = raw(
        &provider,
        "anvil_setBalance",
        json!([vault, "0xde0b6b3a7640000"]),
    )
    .await;
    let from_contract = raw(
        &provider,
        "eth_sendTransaction",
        json!([{"from": vault, "to": BOB, "value": "0x1"}]),
    )
    .await;
    assert!(from_contract.is_string(), "{from_contract}");
    assert_eq!(
        provider.get_balance(BOB).await.expect("balance"),
        U256::from(1)
    );
    // Stopped: refused again.
    let _: Value = raw(&provider, "anvil_stopImpersonatingAccount", json!([owner])).await;
    let _: Value = raw(
        &provider,
        "devnode_stopImpersonatingAccount",
        json!([vault]),
    )
    .await;
    let error = refused(&server, "eth_sendTransaction", call_vault(owner)).await;
    assert_eq!(error["code"], -32000);
    // Auto-impersonation: any sender.
    let _: Value = raw(&provider, "anvil_autoImpersonateAccount", json!([true])).await;
    let sent = raw(&provider, "eth_sendTransaction", call_vault(owner)).await;
    assert!(sent.is_string(), "{sent}");
    let _: Value = raw(&provider, "anvil_autoImpersonateAccount", json!([false])).await;
    // Impersonated accounts cannot sign messages: there is no key.
    let _: Value = raw(&provider, "anvil_impersonateAccount", json!([owner])).await;
    let error = refused(&server, "personal_sign", json!(["0x01", owner])).await;
    assert!(
        error["message"]
            .as_str()
            .expect("message")
            .contains("no key"),
        "{error}"
    );

    // eth_getProof: a clear refusal, not "method not found".
    let error = refused(&server, "eth_getProof", json!([vault, [], "latest"])).await;
    assert_eq!(error["code"], -32004);
    assert!(
        error["message"]
            .as_str()
            .expect("message")
            .contains("Merkle-Patricia trie"),
        "{error}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_call_tracer_follows_stylus_and_evm_frames() {
    let server = rpc::start(config()).await.expect("server starts");
    let provider = connect(&server.url());
    let hostio = wat("hostio");
    let outer = deploy_stylus(&provider, &hostio).await;
    // A second program: same code, its own address (activation is per code hash).
    let inner = deploy_stylus(&provider, &hostio).await;
    assert_ne!(outer, inner);
    let caller = deploy_evm(&provider, solidity("StylusCaller")).await;
    let mut token_init = solidity("TestToken");
    token_init.extend_from_slice(&word(1_000));
    let token = deploy_evm(&provider, token_init).await;
    let fund = transferCall {
        to: inner,
        value: U256::from(100),
    };
    assert!(send(
        &provider,
        TransactionRequest::default()
            .with_to(token)
            .with_input(fund.abi_encode())
    )
    .await
    .status());

    // A transfer three programs deep: EOA -> outer (Stylus) -> inner (Stylus) -> token (EVM).
    let pay = transferCall {
        to: BOB,
        value: U256::from(30),
    }
    .abi_encode();
    let input = op_call(inner, &op_call(token, &pay));
    // An explicit gas limit: the outer program succeeds whatever its calls do, so the estimate
    // would be the least gas with which it returns, not the gas the transfer needs.
    let receipt = send(
        &provider,
        TransactionRequest::default()
            .with_to(outer)
            .with_input(input.clone())
            .with_gas_limit(2_000_000),
    )
    .await;
    assert!(receipt.status());
    let trace = raw(
        &provider,
        "debug_traceTransaction",
        json!([receipt.transaction_hash, {"tracer": "callTracer"}]),
    )
    .await;
    let gas = |frame: &Value, field: &str| {
        u64::from_str_radix(
            frame[field].as_str().expect("hex").trim_start_matches("0x"),
            16,
        )
        .expect("quantity")
    };
    assert_eq!(trace["type"], "CALL");
    assert_eq!(trace["from"], json!(me()));
    assert_eq!(trace["to"], json!(outer));
    assert_eq!(trace["input"], json!(input));
    assert_eq!(trace["value"], "0x0");
    assert_eq!(
        gas(&trace, "gasUsed"),
        receipt.gas_used,
        "the receipt's gas"
    );
    let sent = provider
        .get_transaction_by_hash(receipt.transaction_hash)
        .await
        .expect("query")
        .expect("known");
    assert_eq!(
        gas(&trace, "gas"),
        alloy::consensus::Transaction::gas_limit(&sent)
    );
    let middle = &trace["calls"][0];
    assert_eq!(trace["calls"].as_array().map(Vec::len), Some(1));
    assert_eq!(middle["type"], "CALL");
    assert_eq!(middle["from"], json!(outer));
    assert_eq!(middle["to"], json!(inner));
    let deepest = &middle["calls"][0];
    assert_eq!(deepest["type"], "CALL");
    assert_eq!(deepest["from"], json!(inner));
    assert_eq!(deepest["to"], json!(token));
    assert_eq!(deepest["input"], json!(Bytes::from(pay.clone())));
    assert_eq!(deepest["output"], json!(word(1)), "transfer returned true");
    assert!(deepest.get("calls").is_none());
    assert!(deepest.get("error").is_none());
    // Gas nests: each frame uses less than it was given and than its caller used.
    assert!(gas(deepest, "gasUsed") > 0);
    assert!(gas(deepest, "gasUsed") < gas(deepest, "gas"));
    assert!(gas(middle, "gasUsed") > gas(deepest, "gasUsed"));
    assert!(gas(middle, "gas") > gas(deepest, "gas"));
    assert!(gas(&trace, "gasUsed") > gas(middle, "gasUsed"));
    let balance = provider
        .call(
            &TransactionRequest::default()
                .with_to(token)
                .with_input(balanceOfCall { owner: BOB }.abi_encode()),
        )
        .await
        .expect("balance");
    assert_eq!(balance, word(30));

    // debug_traceCall runs the same frames on the current state, as eth_call would.
    let traced_call = raw(
        &provider,
        "debug_traceCall",
        json!([
            {"from": me(), "to": outer, "data": input, "gas": "0x1000000"},
            "latest",
            {"tracer": "callTracer"}
        ]),
    )
    .await;
    assert_eq!(gas(&traced_call, "gas"), 0x0100_0000);
    assert_eq!(traced_call["calls"][0]["calls"][0]["to"], json!(token));
    assert_eq!(
        traced_call["calls"][0]["calls"][0]["output"],
        json!(word(1))
    );
    let top_only = raw(
        &provider,
        "debug_traceCall",
        json!([
            {"from": me(), "to": outer, "data": input},
            "latest",
            {"tracer": "callTracer", "tracerConfig": {"onlyTopCall": true}}
        ]),
    )
    .await;
    assert!(top_only.get("calls").is_none(), "{top_only}");
    assert_eq!(top_only["to"], json!(outer));

    // A revert three programs deep: outer (Stylus) -> caller (EVM, bubbles) -> inner (Stylus,
    // reverts with Error("nope")); outer catches it, so the transaction succeeds.
    let nope = [&[11u8][..], &Revert::from("nope").abi_encode()].concat();
    let bubble = forwardOrBubbleCall {
        target: inner,
        data: nope.clone().into(),
    }
    .abi_encode();
    let caught = send(
        &provider,
        TransactionRequest::default()
            .with_to(outer)
            .with_input(op_call(caller, &bubble))
            .with_gas_limit(2_000_000),
    )
    .await;
    assert!(caught.status());
    let trace = raw(
        &provider,
        "debug_traceTransaction",
        json!([caught.transaction_hash, {"tracer": "callTracer"}]),
    )
    .await;
    assert_eq!(gas(&trace, "gasUsed"), caught.gas_used);
    assert!(trace.get("error").is_none());
    let evm = &trace["calls"][0];
    let stylus = &evm["calls"][0];
    assert_eq!(evm["to"], json!(caller));
    assert_eq!(stylus["to"], json!(inner));
    for frame in [evm, stylus] {
        assert_eq!(frame["error"], "execution reverted");
        assert_eq!(frame["revertReason"], "nope");
        assert_eq!(
            frame["output"],
            json!(Bytes::from(Revert::from("nope").abi_encode()))
        );
    }
    // A reverted transaction: the top frame carries the reason and the receipt's gas.
    let reverted = send(
        &provider,
        TransactionRequest::default()
            .with_to(caller)
            .with_input(bubble.clone())
            .with_gas_limit(500_000),
    )
    .await;
    assert!(!reverted.status());
    let trace = raw(
        &provider,
        "debug_traceTransaction",
        json!([reverted.transaction_hash, {"tracer": "callTracer"}]),
    )
    .await;
    assert_eq!(trace["error"], "execution reverted");
    assert_eq!(trace["revertReason"], "nope");
    assert_eq!(gas(&trace, "gas"), 500_000);
    assert_eq!(gas(&trace, "gasUsed"), reverted.gas_used);
    assert_eq!(trace["calls"][0]["revertReason"], "nope");

    // A transaction that shares its block with an earlier one and follows a test control
    // (the impersonated sender's balance was set just before it) re-executes exactly.
    let stranger = address!("0000000000000000000000000000000000005707");
    let _: Value = raw(&provider, "evm_setAutomine", json!([false])).await;
    let earlier = provider
        .send_transaction(
            TransactionRequest::default()
                .with_to(token)
                .with_input(fund.abi_encode()),
        )
        .await
        .expect("accepted");
    let _: Value = raw(
        &provider,
        "anvil_setBalance",
        json!([stranger, "0xde0b6b3a7640000"]),
    )
    .await;
    let _: Value = raw(&provider, "anvil_impersonateAccount", json!([stranger])).await;
    let later: B256 = serde_json::from_value(
        raw(
            &provider,
            "eth_sendTransaction",
            json!([{"from": stranger, "to": outer, "data": input, "gas": "0x200000"}]),
        )
        .await,
    )
    .expect("hash");
    let _: Value = raw(&provider, "evm_mine", json!([])).await;
    let _: Value = raw(&provider, "evm_setAutomine", json!([true])).await;
    for hash in [*earlier.tx_hash(), later] {
        let receipt = provider
            .get_transaction_receipt(hash)
            .await
            .expect("query")
            .expect("mined");
        let trace = raw(
            &provider,
            "debug_traceTransaction",
            json!([hash, {"tracer": "callTracer"}]),
        )
        .await;
        assert_eq!(gas(&trace, "gasUsed"), receipt.gas_used, "{trace}");
        assert_eq!(trace.get("error").is_some(), !receipt.status());
    }
    assert_eq!(receipt_index(&provider, later).await, 1);

    // Creates: a contract-creation transaction, and a CREATE2 made by a Stylus program.
    let init = emitter_initcode();
    let runtime = Bytes::copy_from_slice(&init[12..]);
    let created = send(
        &provider,
        TransactionRequest::default().with_deploy_code(init.clone()),
    )
    .await;
    let trace = raw(
        &provider,
        "debug_traceTransaction",
        json!([created.transaction_hash, {"tracer": "callTracer"}]),
    )
    .await;
    assert_eq!(trace["type"], "CREATE");
    assert_eq!(
        trace["to"],
        json!(created.contract_address.expect("created"))
    );
    assert_eq!(trace["input"], json!(init));
    assert_eq!(trace["output"], json!(runtime));
    assert_eq!(gas(&trace, "gasUsed"), created.gas_used);
    // hostio op 7: [7][1 = create2][endowment 32][salt 32][initcode].
    let deploy_op = [&[7u8, 1][..], &word(0), &word(7), &init].concat();
    let trace = raw(
        &provider,
        "debug_traceCall",
        json!([{"from": me(), "to": outer, "data": Bytes::from(deploy_op)}, "latest", {"tracer": "callTracer"}]),
    )
    .await;
    let frame = &trace["calls"][0];
    assert_eq!(frame["type"], "CREATE2");
    assert_eq!(frame["from"], json!(outer));
    let output: Bytes = serde_json::from_value(trace["output"].clone()).expect("hex");
    assert_eq!(frame["to"], json!(Address::from_slice(&output[..20])));
    assert_eq!(frame["output"], json!(runtime));
    assert_eq!(frame["value"], "0x0");

    // Only the callTracer is served; unknown transactions are an error.
    let error = refused(
        &server,
        "debug_traceTransaction",
        json!([caught.transaction_hash]),
    )
    .await;
    assert_eq!(error["code"], -32602);
    assert!(error["message"]
        .as_str()
        .expect("message")
        .contains("callTracer"));
    let error = refused(
        &server,
        "debug_traceTransaction",
        json!([B256::repeat_byte(9), {"tracer": "callTracer"}]),
    )
    .await;
    assert!(error["message"]
        .as_str()
        .expect("message")
        .contains("not found"));
    server.stop().await;
}

async fn receipt_index(provider: &impl Provider, hash: B256) -> u64 {
    provider
        .get_transaction_receipt(hash)
        .await
        .expect("query")
        .and_then(|r| r.transaction_index)
        .expect("mined")
}

#[test]
fn the_emitter_initcode_is_what_its_comment_says() {
    let init = emitter_initcode();
    // PUSH1 45 PUSH1 12 PUSH1 0 CODECOPY PUSH1 45 PUSH1 0 RETURN, then the 45-byte runtime.
    assert_eq!(
        &init[..12],
        &[0x60, 0x2d, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x2d, 0x60, 0x00, 0xf3]
    );
    assert_eq!(init.len(), 12 + 45);
    assert_eq!(init[12..18], [0x60, 0x00, 0x35, 0x60, 0x00, 0x52]);
    assert_eq!(init[18], 0x7f);
    assert_eq!(&init[19..51], TOPIC.as_slice());
    assert_eq!(&init[51..], &[0x60, 0x20, 0x60, 0x00, 0xa1, 0x00]);
}
