//! The gas anatomy (`debug_traceTransaction` with `{"tracer": "gasAnatomy"}`): its parts add up
//! to the receipt's `gasUsed` exactly, on Stylus and EVM transactions alike, and each part
//! counts what the transaction did (program entries, state loads and writes, events, calls,
//! refunds).

use std::net::SocketAddr;

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{address, Address, Bytes, B256, U256},
    providers::{Provider, ProviderBuilder},
    rpc::types::{
        state::{AccountOverride, StateOverride},
        TransactionReceipt, TransactionRequest,
    },
    signers::local::PrivateKeySigner,
    sol,
    sol_types::{SolCall, SolEvent},
};
use serde_json::{json, Value};
use tributary_devnode::{
    anatomy::{GasAnatomy, Part},
    node::stylus_initcode,
    rpc::{self, genesis::STYLUS_DEPLOYER, ServerConfig},
    wasm::compress_to_code,
};

sol! {
    function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address);
    event ContractDeployed(address deployedContract);
    function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
    function transfer(address to, uint256 value) external returns (bool);
    function forward(address target, bytes data) external payable returns (bytes);
}

/// Second account of the test mnemonic (a dev account: the node holds its key too).
const KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");

fn me() -> Address {
    KEY.parse::<PrivateKeySigner>().expect("key").address()
}

fn solidity(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/solidity/{name}.bin", env!("CARGO_MANIFEST_DIR"));
    alloy::hex::decode(std::fs::read_to_string(path).expect("compiled").trim()).expect("hex")
}

fn wat(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/programs/{name}.wat", env!("CARGO_MANIFEST_DIR"));
    wat::parse_str(std::fs::read_to_string(path).expect("program")).expect("valid WAT")
}

async fn send(provider: &impl Provider, tx: TransactionRequest) -> TransactionReceipt {
    let receipt = provider
        .send_transaction(tx)
        .await
        .expect("sent")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(receipt.status(), "the transaction succeeds");
    receipt
}

async fn deploy_evm(provider: &impl Provider, initcode: impl Into<Bytes>) -> Address {
    let tx = TransactionRequest::default().with_deploy_code(initcode);
    send(provider, tx).await.contract_address.expect("created")
}

/// Deploys and activates a Stylus program through `StylusDeployer`.
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

/// hostio.wat op 6: call `to` with `data` (all gas) and return [status][ret_len][n][data].
fn op_call(to: Address, data: &[u8]) -> Bytes {
    let mut out = vec![6, 0];
    out.extend_from_slice(to.as_slice());
    out.extend_from_slice(&[0; 32]);
    out.extend_from_slice(&u64::MAX.to_le_bytes());
    out.extend_from_slice(data);
    out.into()
}

/// The anatomy of mined transaction `receipt`, checked to add up to its `gasUsed`.
async fn anatomy(provider: &impl Provider, receipt: &TransactionReceipt) -> GasAnatomy {
    let value: Value = provider
        .raw_request(
            "debug_traceTransaction".into(),
            json!([receipt.transaction_hash, {"tracer": "gasAnatomy"}]),
        )
        .await
        .expect("debug_traceTransaction gasAnatomy");
    for key in [
        "gasUsed",
        "intrinsic",
        "calldata",
        "programEntries",
        "storageReads",
        "storageWrites",
        "events",
        "calls",
        "execution",
        "refund",
    ] {
        assert!(value.get(key).is_some(), "{key} in {value}");
    }
    let anatomy: GasAnatomy = serde_json::from_value(value).expect("decodes");
    assert_eq!(anatomy.gas_used, receipt.gas_used, "the receipt's gas");
    assert_eq!(
        anatomy.sum(),
        i64::try_from(receipt.gas_used).unwrap(),
        "the parts add up to gasUsed: {anatomy:?}"
    );
    assert!(anatomy.execution >= 0, "{anatomy:?}");
    assert!(anatomy.refund <= 0, "{anatomy:?}");
    anatomy
}

fn calldata_gas(data: &[u8]) -> u64 {
    data.iter().map(|b| if *b == 0 { 4 } else { 16 }).sum()
}

#[tokio::test(flavor = "multi_thread")]
#[allow(clippy::too_many_lines)] // one chain, one story
async fn the_parts_add_up_to_gas_used_on_stylus_and_evm_transactions() {
    let config = ServerConfig {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        log_transactions: false,
        ..ServerConfig::default()
    };
    let server = rpc::start(config).await.expect("server starts");
    let signer: PrivateKeySigner = KEY.parse().expect("key");
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .on_http(server.url().parse().expect("url"));

    // A plain transfer: intrinsic gas only.
    let receipt = send(
        &provider,
        TransactionRequest::default()
            .with_to(BOB)
            .with_value(U256::from(1)),
    )
    .await;
    let plain = anatomy(&provider, &receipt).await;
    assert_eq!(
        (plain.intrinsic, plain.calldata, plain.execution),
        (21_000, 0, 0)
    );

    // Stylus: counter.wat loads slot 0, writes it back incremented and flushes. The first call
    // writes a fresh slot (22,100 with the cold access), the second rewrites it.
    let counter = deploy_stylus(&provider, &wat("counter")).await;
    for expected_write in [22_100, 5_000] {
        let input = Bytes::from_static(&[1, 0, 0, 7]);
        let receipt = send(
            &provider,
            TransactionRequest::default()
                .with_to(counter)
                .with_input(input.clone()),
        )
        .await;
        let stylus = anatomy(&provider, &receipt).await;
        assert_eq!(stylus.intrinsic, 21_000);
        assert_eq!(stylus.calldata, calldata_gas(&input));
        assert_eq!(stylus.program_entries.count, 1, "{stylus:?}");
        assert!(stylus.program_entries.gas > 0, "{stylus:?}");
        assert_eq!(stylus.storage_reads.count, 1, "{stylus:?}");
        // The load of a cold slot: 2,100 + 5 (Nitro's storage-cache surcharge is 0 for the
        // first 32 loads).
        assert_eq!(stylus.storage_reads.gas, 2_105, "{stylus:?}");
        assert_eq!(stylus.storage_writes.count, 1, "{stylus:?}");
        // The flush: the slot is warm by then.
        assert_eq!(
            stylus.storage_writes.gas,
            expected_write - 2_100,
            "{stylus:?}"
        );
        assert_eq!(stylus.calls, Part::default());
        assert_eq!(stylus.events, Part::default());
        assert!(stylus.execution > 0);
    }

    // EVM: a token transfer (SLOADs, SSTOREs, a Transfer event); sending the sender's whole
    // balance clears its slot, which earns a refund.
    let hostio = wat("hostio");
    let outer = deploy_stylus(&provider, &hostio).await;
    let inner = deploy_stylus(&provider, &hostio).await;
    let caller = deploy_evm(&provider, solidity("StylusCaller")).await;
    let mut token_init = solidity("TestToken");
    token_init.extend_from_slice(&U256::from(1_000).to_be_bytes::<32>());
    let token = deploy_evm(&provider, token_init).await;
    let transfer = |to: Address, value: u64| {
        transferCall {
            to,
            value: U256::from(value),
        }
        .abi_encode()
    };
    let receipt = send(
        &provider,
        TransactionRequest::default()
            .with_to(token)
            .with_input(transfer(inner, 100)),
    )
    .await;
    let evm = anatomy(&provider, &receipt).await;
    assert_eq!(evm.program_entries, Part::default());
    assert!(evm.storage_reads.count >= 2, "{evm:?}");
    assert!(evm.storage_writes.count >= 2, "{evm:?}");
    // A fresh balance slot (20,000) and a changed one (2,900), both cold (2,100 each).
    assert!(evm.storage_writes.gas >= 20_000 + 2_900, "{evm:?}");
    assert_eq!(evm.events.count, 1, "{evm:?}");
    // LOG3 with one data word: 375 + 3 × 375 + 8 × 32 (+ memory, if any).
    assert!(evm.events.gas >= 1_756, "{evm:?}");
    assert_eq!(evm.calls, Part::default());
    assert_eq!(evm.refund, 0);

    // Three programs deep: EOA -> outer (Stylus) -> inner (Stylus) -> token (EVM), paying BOB.
    let input = op_call(inner, &op_call(token, &transfer(BOB, 30)));
    let receipt = send(
        &provider,
        TransactionRequest::default()
            .with_to(outer)
            .with_input(input.clone())
            .with_gas_limit(2_000_000),
    )
    .await;
    let deep = anatomy(&provider, &receipt).await;
    assert_eq!(deep.calldata, calldata_gas(&input));
    assert_eq!(deep.program_entries.count, 2, "{deep:?}");
    assert_eq!(deep.calls.count, 2, "{deep:?}");
    // Each call: a cold account (2,600); no value.
    assert_eq!(deep.calls.gas, 2 * 2_600, "{deep:?}");
    assert_eq!(deep.events.count, 1, "{deep:?}");
    assert!(deep.storage_writes.count >= 2, "{deep:?}");

    // EVM -> Stylus -> EVM: StylusCaller.forward(inner, ...) has `inner` pay BOB one token.
    let forward = forwardCall {
        target: inner,
        data: op_call(token, &transfer(BOB, 1)),
    }
    .abi_encode();
    let receipt = send(
        &provider,
        TransactionRequest::default()
            .with_to(caller)
            .with_input(forward)
            .with_gas_limit(2_000_000),
    )
    .await;
    let mixed = anatomy(&provider, &receipt).await;
    assert_eq!(mixed.program_entries.count, 1, "{mixed:?}");
    // forward's CALL and the program's call of the token.
    assert_eq!(mixed.calls.count, 2, "{mixed:?}");
    // The token's Transfer and StylusCaller's Called.
    assert_eq!(mixed.events.count, 2, "{mixed:?}");

    let receipt = send(
        &provider,
        TransactionRequest::default()
            .with_to(token)
            .with_input(transfer(BOB, 900)),
    )
    .await;
    let cleared = anatomy(&provider, &receipt).await;
    assert!(cleared.refund < 0, "{cleared:?}");
    // EIP-3529: clearing a slot refunds 4,800.
    assert_eq!(cleared.refund, -4_800, "{cleared:?}");

    // Other tracers still answer; unknown ones are refused with the names the devnode serves.
    let error = provider
        .raw_request::<_, Value>(
            "debug_traceTransaction".into(),
            json!([receipt.transaction_hash, {"tracer": "prestateTracer"}]),
        )
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("gasAnatomy"), "{error}");
    server.stop().await;
}
