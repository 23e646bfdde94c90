//! The JSON-RPC server driven the way users drive it: an alloy provider with a local signer
//! over HTTP, plus raw HTTP for the malformed requests no client would send.

// Nitro's names (StylusDeployer, ArbWasm) are proper nouns here; the scenario test reads best as
// one story.
#![allow(clippy::doc_markdown, clippy::too_many_lines)]

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
    path::PathBuf,
};

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{address, b256, Address, Bytes, B256, U256},
    providers::{Provider, ProviderBuilder},
    rpc::types::{
        state::{AccountOverride, StateOverride},
        Filter, TransactionRequest,
    },
    signers::local::PrivateKeySigner,
    sol,
    sol_types::{SolCall, SolEvent},
};
use serde_json::{json, Value};
use tributary_devnode::{
    node::stylus_initcode,
    rpc::{self, genesis::STYLUS_DEPLOYER, ServerConfig},
    wasm::compress_to_code,
};

sol! {
    function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address);
    event ContractDeployed(address deployedContract);
    function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
}

/// Second account of the test mnemonic.
const KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
const SET_TOPIC: B256 = b256!("1111111111111111111111111111111111111111111111111111111111111111");

fn config(state: Option<PathBuf>) -> ServerConfig {
    ServerConfig {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        state,
        log_transactions: false,
        ..ServerConfig::default()
    }
}

fn register_code() -> Vec<u8> {
    let wasm = wat::parse_str(include_str!("programs/register.wat")).expect("register.wat");
    compress_to_code(&wasm)
}

fn word(n: u64) -> Bytes {
    Bytes::from(U256::from(n).to_be_bytes::<32>().to_vec())
}

fn connect(url: &str) -> impl Provider {
    let signer: PrivateKeySigner = KEY.parse().expect("key");
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .on_http(url.parse().expect("url"))
}

/// Deploys `register.wat` through StylusDeployer (deploy + activate in one transaction), with
/// the data fee estimated as cargo-stylus does: `eth_call` of `activateProgram` with the code
/// overridden at a scratch address.
async fn deploy_register(provider: &impl Provider, from: Address) -> Address {
    let code = register_code();
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
        .with_from(from)
        .with_to(ARB_WASM)
        .with_value(U256::from(10u64).pow(U256::from(18u64)))
        .with_input(activateProgramCall { program: scratch }.abi_encode());
    let returned = provider
        .call(&probe)
        .overrides(&overrides)
        .await
        .expect("fee probe");
    let fee = activateProgramCall::abi_decode_returns(&returned, true)
        .expect("decodes")
        .dataFee;
    assert!(fee > U256::ZERO, "activation has a data fee");

    let input = deployCall {
        bytecode: stylus_initcode(&code).into(),
        initData: Bytes::new(),
        initValue: U256::ZERO,
        salt: B256::ZERO,
    }
    .abi_encode();
    let tx = TransactionRequest::default()
        .with_to(STYLUS_DEPLOYER)
        .with_value(fee * U256::from(120) / U256::from(100))
        .with_input(input);
    let receipt = provider
        .send_transaction(tx)
        .await
        .expect("sent")
        .get_receipt()
        .await
        .expect("receipt");
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

async fn read(provider: &impl Provider, program: Address) -> U256 {
    let out = provider
        .call(&TransactionRequest::default().with_to(program))
        .await
        .expect("read");
    U256::from_be_slice(&out)
}

#[tokio::test(flavor = "multi_thread")]
async fn alloy_deploys_sends_calls_estimates_reads_logs_and_travels_in_time() {
    let server = rpc::start(config(None)).await.expect("server starts");
    let provider = connect(&server.url());
    let signer: PrivateKeySigner = KEY.parse().expect("key");
    let me = signer.address();

    assert_eq!(provider.get_chain_id().await.expect("chain id"), 412_346);
    assert_eq!(
        provider.get_balance(me).await.expect("balance"),
        U256::from(10_000u64) * U256::from(10u64).pow(U256::from(18u64))
    );
    let program = deploy_register(&provider, me).await;
    assert!(provider
        .get_code_at(program)
        .await
        .expect("code")
        .starts_with(&[0xEF, 0xF0, 0x00]));

    // send and read back
    let set = TransactionRequest::default()
        .with_to(program)
        .with_input(word(42));
    let gas = provider.estimate_gas(&set).await.expect("estimate");
    // 21,000 + calldata 140 (one non-zero byte) + programInitGas 9,300 (one page: no memory
    // gas; the cached cost counts the two data segments' 37 + 10 encoded bytes,
    // docs/nitro.md §4.3) + cold SSTORE 0 -> 42 22,100 + LOG1 of 32 bytes 1,006 + 275,615 ink
    // (28 gas).
    assert_eq!(gas, 21_000 + 140 + 9_300 + 22_100 + 1_006 + 28);
    let receipt = provider
        .send_transaction(set)
        .await
        .expect("sent")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(receipt.status());
    assert_eq!(
        receipt.gas_used, gas,
        "the estimate is exactly what it uses"
    );
    assert_eq!(read(&provider, program).await, U256::from(42));
    assert_eq!(
        provider
            .get_storage_at(program, U256::ZERO)
            .await
            .expect("storage"),
        U256::from(42)
    );

    // logs: in the receipt and through eth_getLogs filters
    let logs = receipt.inner.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].topic0(), Some(&SET_TOPIC));
    let filter = Filter::new()
        .address(program)
        .event_signature(SET_TOPIC)
        .from_block(0);
    let found = provider.get_logs(&filter).await.expect("logs");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].transaction_hash, Some(receipt.transaction_hash));
    let none = Filter::new()
        .address(program)
        .event_signature(B256::ZERO)
        .from_block(0);
    assert!(provider.get_logs(&none).await.expect("logs").is_empty());

    // revert data comes back as geth reports it (code 3, data)
    let bad = TransactionRequest::default()
        .with_to(program)
        .with_input(vec![1, 2, 3]);
    let err = provider.call(&bad).await.expect_err("reverts");
    let payload = err.as_error_resp().expect("JSON-RPC error");
    assert_eq!(payload.code, 3);
    assert_eq!(
        payload
            .data
            .as_ref()
            .map(|d| d.get().trim_matches('"').to_owned()),
        Some("0xdeadbeef".into())
    );

    // time travel
    let before = provider
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest, false.into())
        .await
        .expect("block")
        .expect("head");
    let _: Value = provider
        .raw_request("evm_increaseTime".into(), (3600,))
        .await
        .expect("travel");
    let _: Value = provider
        .raw_request("evm_mine".into(), ())
        .await
        .expect("mine");
    let after = provider
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest, false.into())
        .await
        .expect("block")
        .expect("head");
    assert_eq!(after.header.number, before.header.number + 1);
    assert!(after.header.timestamp >= before.header.timestamp + 3600);
    assert_eq!(after.header.parent_hash, before.header.hash);

    // snapshot and revert
    let id: String = provider
        .raw_request("evm_snapshot".into(), ())
        .await
        .expect("snapshot");
    let head = provider.get_block_number().await.expect("number");
    let receipt = provider
        .send_transaction(
            TransactionRequest::default()
                .with_to(program)
                .with_input(word(99)),
        )
        .await
        .expect("sent")
        .get_receipt()
        .await
        .expect("receipt");
    assert_eq!(read(&provider, program).await, U256::from(99));
    let reverted: bool = provider
        .raw_request("evm_revert".into(), (id,))
        .await
        .expect("revert");
    assert!(reverted);
    assert_eq!(read(&provider, program).await, U256::from(42));
    assert_eq!(provider.get_block_number().await.expect("number"), head);
    assert!(provider
        .get_transaction_receipt(receipt.transaction_hash)
        .await
        .expect("query")
        .is_none());

    server.stop().await;
}

/// Posts `body` over a fresh connection and returns (HTTP status, JSON body).
fn post(addr: SocketAddr, body: &[u8]) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("write head");
    let _ = stream.write_all(body);
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response[9..12].parse().expect("status");
    let json = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, serde_json::from_str(json).unwrap_or(Value::Null))
}

fn rpc(addr: SocketAddr, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    post(addr, body.to_string().as_bytes()).1
}

fn error_code(response: &Value) -> i64 {
    response["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("expected an error: {response}"))
}

/// Signs a transfer with `nonce`, `gas` and `value` for `chain_id`.
async fn signed_transfer(chain_id: u64, nonce: u64, gas: u64, value: U256) -> String {
    use alloy::{consensus::TxEnvelope, eips::eip2718::Encodable2718, network::TxSigner};
    let signer: PrivateKeySigner = KEY.parse().expect("key");
    let mut tx = alloy::consensus::TxEip1559 {
        chain_id,
        nonce,
        gas_limit: gas,
        max_fee_per_gas: 1_000_000_000,
        max_priority_fee_per_gas: 0,
        to: alloy::primitives::TxKind::Call(Address::repeat_byte(0x42)),
        value,
        ..Default::default()
    };
    let signature = signer.sign_transaction(&mut tx).await.expect("signs");
    let envelope = TxEnvelope::Eip1559(alloy::consensus::SignableTransaction::into_signed(
        tx, signature,
    ));
    format!(
        "0x{}",
        alloy::primitives::hex::encode(envelope.encoded_2718())
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gets_json_rpc_errors_not_crashes() {
    let server = rpc::start(ServerConfig {
        max_body: 64 * 1024,
        ..config(None)
    })
    .await
    .expect("server starts");
    let addr = server.addr;
    let checks = tokio::task::spawn_blocking(move || {
        assert_eq!(error_code(&post(addr, b"{not json").1), -32700);
        assert_eq!(
            error_code(&rpc(addr, "eth_noSuchMethod", json!([]))),
            -32601
        );
        assert_eq!(
            error_code(&rpc(addr, "eth_getBalance", json!(["0x1234"]))),
            -32602
        );
        assert_eq!(
            error_code(&rpc(addr, "eth_getBalance", json!({"a": 1}))),
            -32602
        );
        assert_eq!(
            error_code(&rpc(addr, "eth_sendRawTransaction", json!(["0x00"]))),
            -32602
        );
        let (status, body) = post(addr, &vec![b' '; 65 * 1024]);
        assert_eq!(status, 413);
        assert_eq!(error_code(&body), -32600);
        assert!(body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("too large"));
        assert_eq!(error_code(&post(addr, b"[]").1), -32600);
        // batches are answered in order, errors inline
        let batch = json!([
            {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
            {"jsonrpc": "2.0", "id": 2, "method": "nope"},
        ]);
        let (_, answers) = post(addr, batch.to_string().as_bytes());
        assert_eq!(answers[0]["result"], "0x64aba");
        assert_eq!(answers[1]["id"], 2);
        assert_eq!(error_code(&answers[1]), -32601);
        // a block that is not mined yet is refused, not answered from the wrong state
        rpc(addr, "evm_mine", json!([]));
        let future = rpc(addr, "eth_getBalance", json!([Address::ZERO, "0xffff"]));
        assert_eq!(error_code(&future), -32000);
        assert!(future["error"]["message"]
            .as_str()
            .expect("message")
            .contains("not mined yet"));
        let unknown = rpc(
            addr,
            "eth_getBalance",
            json!([Address::ZERO, {"blockHash": B256::repeat_byte(0xab)}]),
        );
        assert_eq!(error_code(&unknown), -32000);
        assert!(unknown["error"]["message"]
            .as_str()
            .expect("message")
            .contains("unknown block"));
    });
    checks.await.expect("raw HTTP checks");

    let send = |raw: String| async move {
        tokio::task::spawn_blocking(move || rpc(addr, "eth_sendRawTransaction", json!([raw])))
            .await
            .expect("joins")
    };
    let one = U256::from(1u64);
    let wrong_chain = send(signed_transfer(1, 0, 21_000, one).await).await;
    assert!(
        wrong_chain["error"]["message"]
            .as_str()
            .expect("msg")
            .contains("invalid chain id"),
        "{wrong_chain}"
    );
    let low_gas = send(signed_transfer(412_346, 0, 20_000, one).await).await;
    assert!(
        low_gas["error"]["message"]
            .as_str()
            .expect("msg")
            .contains("intrinsic gas too low"),
        "{low_gas}"
    );
    let too_rich = send(signed_transfer(412_346, 0, 21_000, U256::MAX >> 1).await).await;
    assert!(
        too_rich["error"]["message"]
            .as_str()
            .expect("msg")
            .contains("insufficient funds"),
        "{too_rich}"
    );
    let too_high = send(signed_transfer(412_346, 5, 21_000, one).await).await;
    assert!(
        too_high["error"]["message"]
            .as_str()
            .expect("msg")
            .contains("nonce too high"),
        "{too_high}"
    );
    let ok = send(signed_transfer(412_346, 0, 21_000, one).await).await;
    assert!(ok["result"].is_string(), "{ok}");
    let replay = send(signed_transfer(412_346, 0, 21_000, U256::from(2u64)).await).await;
    assert!(
        replay["error"]["message"]
            .as_str()
            .expect("msg")
            .contains("nonce too low"),
        "{replay}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn state_file_survives_a_restart_and_a_truncated_file_is_refused() {
    let dir = std::env::temp_dir().join(format!("devnode-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("chain.json");
    let _ = std::fs::remove_file(&path);

    let server = rpc::start(config(Some(path.clone())))
        .await
        .expect("server starts");
    let provider = connect(&server.url());
    let me: PrivateKeySigner = KEY.parse().expect("key");
    let program = deploy_register(&provider, me.address()).await;
    let receipt = provider
        .send_transaction(
            TransactionRequest::default()
                .with_to(program)
                .with_input(word(7)),
        )
        .await
        .expect("sent")
        .get_receipt()
        .await
        .expect("receipt");
    let number = provider.get_block_number().await.expect("number");
    let balance = provider.get_balance(me.address()).await.expect("balance");
    let code = provider.get_code_at(program).await.expect("code");
    server.stop().await;

    let server = rpc::start(config(Some(path.clone())))
        .await
        .expect("restarts from the file");
    let provider = connect(&server.url());
    assert_eq!(provider.get_block_number().await.expect("number"), number);
    assert_eq!(
        provider.get_balance(me.address()).await.expect("balance"),
        balance
    );
    assert_eq!(provider.get_code_at(program).await.expect("code"), code);
    assert_eq!(
        read(&provider, program).await,
        U256::from(7),
        "activated program still runs"
    );
    let again = provider
        .get_transaction_receipt(receipt.transaction_hash)
        .await
        .expect("query");
    assert_eq!(again.map(|r| r.block_number), Some(receipt.block_number));
    server.stop().await;

    let bytes = std::fs::read(&path).expect("saved");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("truncate");
    let err = rpc::start(config(Some(path.clone())))
        .await
        .expect_err("refused");
    assert!(
        err.to_string().contains("not a complete devnode state"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&path).expect("kept").len(),
        bytes.len() / 2,
        "not replaced"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn interval_mining_puts_pending_transactions_in_the_next_block() {
    let server = rpc::start(ServerConfig {
        block_time: Some(std::time::Duration::from_millis(300)),
        ..config(None)
    })
    .await
    .expect("server starts");
    let provider = connect(&server.url());
    let start = provider.get_block_number().await.expect("number");
    let transfer = TransactionRequest::default()
        .with_to(Address::repeat_byte(0x42))
        .with_value(U256::from(1u64));
    let pending = provider.send_transaction(transfer).await.expect("accepted");
    let hash = *pending.tx_hash();
    assert!(
        provider
            .get_transaction_receipt(hash)
            .await
            .expect("query")
            .is_none(),
        "not mined before the block time"
    );
    let mut receipt = None;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        receipt = provider.get_transaction_receipt(hash).await.expect("query");
        if receipt.is_some() {
            break;
        }
    }
    let receipt = receipt.expect("mined by the interval");
    assert!(receipt.status());
    assert!(receipt.block_number.expect("number") > start);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn reads_at_a_past_block_see_the_state_sealed_then() {
    use alloy::eips::BlockId;

    let server = rpc::start(config(None)).await.expect("server starts");
    let provider = connect(&server.url());
    let me = KEY.parse::<PrivateKeySigner>().expect("key").address();
    let program = deploy_register(&provider, me).await;
    let set = |n: u64| {
        TransactionRequest::default()
            .with_to(program)
            .with_input(word(n))
    };
    let mut blocks = Vec::new();
    for n in [42, 43] {
        let receipt = provider
            .send_transaction(set(n))
            .await
            .expect("sent")
            .get_receipt()
            .await
            .expect("receipt");
        blocks.push(receipt.block_number.expect("mined"));
    }
    let (first, second) = (blocks[0], blocks[1]);
    let before = BlockId::number(first - 1);

    // eth_call, eth_getStorageAt, eth_getTransactionCount, eth_getBalance and eth_getCode
    let read_at = |block: BlockId| {
        let provider = &provider;
        async move {
            let out = provider
                .call(&TransactionRequest::default().with_to(program))
                .block(block)
                .await
                .expect("call at a block");
            U256::from_be_slice(&out)
        }
    };
    assert_eq!(read_at(BlockId::number(first)).await, U256::from(42));
    assert_eq!(read_at(BlockId::number(second)).await, U256::from(43));
    assert_eq!(read_at(BlockId::latest()).await, U256::from(43));
    let slot_at = |block: BlockId| provider.get_storage_at(program, U256::ZERO).block_id(block);
    assert_eq!(slot_at(before).await.expect("storage"), U256::ZERO);
    assert_eq!(
        slot_at(BlockId::number(first)).await.expect("storage"),
        U256::from(42)
    );
    let nonce = provider.get_transaction_count(me).await.expect("nonce");
    let nonce_before = provider
        .get_transaction_count(me)
        .block_id(BlockId::number(first))
        .await
        .expect("nonce");
    assert_eq!(nonce_before + 1, nonce);
    let balance = provider.get_balance(me).await.expect("balance");
    let balance_before = provider
        .get_balance(me)
        .block_id(BlockId::number(first))
        .await
        .expect("balance");
    assert!(balance_before > balance, "the second transaction paid gas");
    assert!(!provider
        .get_code_at(program)
        .await
        .expect("code")
        .is_empty());
    let genesis_code = provider
        .get_code_at(program)
        .block_id(BlockId::earliest())
        .await
        .expect("code at genesis");
    assert!(genesis_code.is_empty());
    // by hash, as by number
    let block = provider
        .get_block_by_number(first.into(), false.into())
        .await
        .expect("block")
        .expect("exists");
    assert_eq!(
        read_at(BlockId::hash(block.header.hash)).await,
        U256::from(42)
    );

    // only the last 128 sealed blocks keep their state
    let addr = server.addr;
    tokio::task::spawn_blocking(move || {
        for _ in 0..130 {
            rpc(addr, "evm_mine", json!([]));
        }
        let old = rpc(
            addr,
            "eth_getBalance",
            json!([Address::ZERO, format!("{first:#x}")]),
        );
        assert_eq!(error_code(&old), -32000);
        assert!(old["error"]["message"]
            .as_str()
            .expect("message")
            .contains("no longer kept"));
    })
    .await
    .expect("joins");
}

/// The names in `list`, separated by spaces.
fn fields(list: &str) -> Vec<&str> {
    list.split_whitespace().collect()
}

/// Sorted keys of a JSON object.
fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap_or_else(|| panic!("expected an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// The shapes clients parse: every field of a block, a transaction, a receipt, a log and a fee
/// history, with the values that do not depend on the signature (a dev account signs
/// `eth_sendTransaction`, at a fixed timestamp, so the whole answer is deterministic).
#[tokio::test(flavor = "multi_thread")]
async fn blocks_transactions_receipts_and_logs_have_every_field() {
    let server = rpc::start(config(None)).await.expect("server starts");
    let addr = server.addr;
    let answers = tokio::task::spawn_blocking(move || {
        let from = rpc(addr, "eth_accounts", json!([]))["result"][0].clone();
        rpc(
            addr,
            "devnode_setNextBlockTimestamp",
            json!([1_800_000_000u64]),
        );
        // initcode: mstore(0, 42); log1(0, 32, SET_TOPIC); stop
        let initcode = format!(
            "0x602a6000527f{}60206000a100",
            alloy::hex::encode(SET_TOPIC)
        );
        let sent = rpc(
            addr,
            "eth_sendTransaction",
            json!([{"from": from, "data": initcode, "gas": "0x30000"}]),
        );
        let hash = sent["result"].clone();
        let receipt = rpc(addr, "eth_getTransactionReceipt", json!([hash]))["result"].clone();
        let number = receipt["blockNumber"].clone();
        let tx = rpc(addr, "eth_getTransactionByHash", json!([hash]))["result"].clone();
        let block = rpc(addr, "eth_getBlockByNumber", json!([number, false]))["result"].clone();
        let full = rpc(addr, "eth_getBlockByHash", json!([block["hash"], true]))["result"].clone();
        let logs = rpc(
            addr,
            "eth_getLogs",
            json!([{"fromBlock": number, "toBlock": number}]),
        )["result"]
            .clone();
        let fees = rpc(addr, "eth_feeHistory", json!(["0x2", "latest", [50.0]]))["result"].clone();
        let fees_plain = rpc(addr, "eth_feeHistory", json!([1, "latest"]))["result"].clone();
        let none = rpc(addr, "eth_getTransactionReceipt", json!([B256::ZERO]));
        // the scalar answers
        let result = |method: &str, params: Value| rpc(addr, method, params)["result"].clone();
        assert_eq!(result("eth_syncing", json!([])), false);
        assert_eq!(result("net_listening", json!([])), true);
        assert_eq!(result("net_version", json!([])), "412346");
        assert_eq!(result("eth_chainId", json!([])), "0x64aba");
        assert_eq!(result("eth_blockNumber", json!([])), "0x1");
        assert_eq!(result("eth_gasPrice", json!([])), "0x5f5e100");
        assert_eq!(result("eth_maxPriorityFeePerGas", json!([])), "0x0");
        assert_eq!(result("eth_getTransactionCount", json!([from])), "0x1");
        assert_eq!(result("eth_getBlockByNumber", json!(["0x99"])), Value::Null);
        assert_eq!(
            result("eth_getTransactionByHash", json!([B256::ZERO])),
            Value::Null
        );
        assert_eq!(
            result("eth_getStorageAt", json!([Address::ZERO, "0x0"])),
            json!(B256::ZERO)
        );
        assert_eq!(result("eth_getCode", json!([Address::ZERO])), "0x");
        let snapshot = result("evm_snapshot", json!([]));
        assert!(snapshot.as_str().is_some_and(|s| s.starts_with("0x")));
        assert_eq!(result("evm_setAutomine", json!([true])), Value::Null);
        assert_eq!(result("evm_increaseTime", json!(["0x0"])), "0x0");
        assert_eq!(
            result(
                "anvil_setStorageAt",
                json!([Address::ZERO, "0x0", B256::ZERO])
            ),
            true
        );
        assert_eq!(result("evm_revert", json!([snapshot])), true);
        assert_eq!(result("evm_revert", json!(["0x999"])), false);
        (from, receipt, tx, block, full, logs, fees, fees_plain, none)
    })
    .await
    .expect("queries");
    let (from, receipt, tx, block, full, logs, fees, fees_plain, none) = answers;
    if std::env::var_os("DEVNODE_DUMP_SHAPES").is_some() {
        let dump = json!({"receipt": receipt, "tx": tx, "block": block, "full": full,
            "logs": logs, "fees": fees, "feesPlain": fees_plain});
        println!("{}", serde_json::to_string_pretty(&dump).expect("json"));
    }
    assert_eq!(none["result"], Value::Null, "{none}");

    assert_eq!(
        keys(&block),
        fields(
            "baseFeePerGas difficulty extraData gasLimit gasUsed hash l1BlockNumber logsBloom \
             miner mixHash nonce number parentHash receiptsRoot sha3Uncles size stateRoot \
             timestamp totalDifficulty transactions transactionsRoot uncles"
        )
    );
    let number = block["number"].as_str().expect("number").to_owned();
    let n = u64::from_str_radix(&number[2..], 16).expect("hex");
    assert_eq!(block["timestamp"], "0x6b49d200");
    assert_eq!(block["nonce"], "0x0000000000000000");
    assert_eq!(block["difficulty"], "0x1");
    assert_eq!(block["totalDifficulty"], format!("0x{:x}", n + 1));
    assert_eq!(block["size"], format!("0x{:x}", 1000 + 200));
    assert_eq!(block["extraData"], "0x");
    assert_eq!(block["gasLimit"], "0x4000000000000");
    assert_eq!(block["baseFeePerGas"], "0x5f5e100");
    assert_eq!(block["miner"], "0xa4b000000000000000000073657175656e636572");
    assert_eq!(
        block["mixHash"],
        "0x0000000000000000000000000000000000000000000000000000000000000001"
    );
    assert_eq!(block["stateRoot"], json!(B256::ZERO));
    assert_eq!(block["receiptsRoot"], json!(B256::ZERO));
    assert_eq!(
        block["sha3Uncles"],
        json!(alloy::consensus::EMPTY_OMMER_ROOT_HASH)
    );
    assert_eq!(block["l1BlockNumber"], number);
    // The served header is the one the served hash is computed over.
    let header: alloy::rpc::types::Header =
        serde_json::from_value(block.clone()).expect("a block header");
    assert_eq!(header.inner.hash_slow(), header.hash);
    assert_eq!(json!(header.hash), block["hash"]);
    assert_eq!(block["uncles"], json!([]));
    assert_eq!(block["transactions"], json!([receipt["transactionHash"]]));
    assert_eq!(block["gasUsed"], receipt["gasUsed"]);
    assert_ne!(block["logsBloom"], json!(alloy::primitives::Bloom::ZERO));

    let mut full_without_txs = full.clone();
    full_without_txs["transactions"] = block["transactions"].clone();
    assert_eq!(full_without_txs, block, "full and hash-only blocks agree");
    assert_eq!(full["transactions"], json!([tx]));

    assert_eq!(
        keys(&tx),
        fields(
            "accessList blockHash blockNumber chainId from gas gasPrice hash input \
             maxFeePerGas maxPriorityFeePerGas nonce r s to transactionIndex type v value \
             yParity"
        )
    );
    assert_eq!(tx["hash"], receipt["transactionHash"]);
    assert_eq!(tx["from"], from);
    assert_eq!(tx["to"], Value::Null);
    assert_eq!(tx["type"], "0x2");
    assert_eq!(tx["gasPrice"], "0x5f5e100");
    assert_eq!(tx["blockHash"], block["hash"]);
    assert_eq!(tx["blockNumber"], number);
    assert_eq!(tx["transactionIndex"], "0x0");
    assert_eq!(tx["gas"], "0x30000");
    assert_eq!(tx["chainId"], "0x64aba");

    assert_eq!(
        keys(&receipt),
        fields(
            "blockHash blockNumber contractAddress cumulativeGasUsed effectiveGasPrice from \
             gasUsed gasUsedForL1 l1BlockNumber logs logsBloom status to transactionHash \
             transactionIndex type"
        )
    );
    assert_eq!(receipt["status"], "0x1");
    assert_eq!(receipt["type"], "0x2");
    assert_eq!(receipt["from"], from);
    assert_eq!(receipt["to"], Value::Null);
    assert!(receipt["contractAddress"].is_string());
    assert_eq!(receipt["blockHash"], block["hash"]);
    assert_eq!(receipt["transactionIndex"], "0x0");
    assert_eq!(receipt["cumulativeGasUsed"], receipt["gasUsed"]);
    assert_eq!(receipt["effectiveGasPrice"], "0x5f5e100");
    assert_eq!(receipt["gasUsedForL1"], "0x0");
    assert_eq!(receipt["l1BlockNumber"], number);
    assert_eq!(receipt["logsBloom"], block["logsBloom"]);
    assert_eq!(receipt["logs"], logs);

    let [log] = logs.as_array().expect("logs").as_slice() else {
        panic!("one log: {logs}");
    };
    assert_eq!(
        keys(log),
        fields(
            "address blockHash blockNumber data logIndex removed topics transactionHash \
             transactionIndex"
        )
    );
    assert_eq!(log["address"], receipt["contractAddress"]);
    assert_eq!(log["topics"], json!([SET_TOPIC]));
    assert_eq!(log["data"], json!(word(42)));
    assert_eq!(log["blockHash"], block["hash"]);
    assert_eq!(log["blockNumber"], number);
    assert_eq!(log["transactionHash"], receipt["transactionHash"]);
    assert_eq!(log["transactionIndex"], "0x0");
    assert_eq!(log["logIndex"], "0x0");
    assert_eq!(log["removed"], false);

    assert_eq!(
        keys(&fees),
        ["baseFeePerGas", "gasUsedRatio", "oldestBlock", "reward"]
    );
    assert_eq!(fees["oldestBlock"], format!("0x{:x}", n - 1));
    assert_eq!(
        fees["baseFeePerGas"],
        json!(["0x5f5e100", "0x5f5e100", "0x5f5e100"])
    );
    assert_eq!(fees["reward"], json!([["0x0"], ["0x0"]]));
    assert_eq!(fees["gasUsedRatio"].as_array().expect("ratios").len(), 2);
    assert_eq!(
        keys(&fees_plain),
        ["baseFeePerGas", "gasUsedRatio", "oldestBlock"]
    );
    assert_eq!(fees_plain["oldestBlock"], number);
    server.stop().await;
}
