//! Sustained signed transactions per second over JSON-RPC: a devnode server in this process,
//! clients sending pre-signed EIP-1559 transactions (`eth_sendRawTransaction`) that each do a
//! Stylus storage write (`tests/programs/counter.wat`), over several keep-alive connections.
//!
//! ```text
//! cargo run --release -p tributary-devnode --example rpc_throughput [-- TXS [CONNECTIONS]]
//! ```
//!
//! Each connection has its own sender account (up to the ten test-mnemonic accounts).

// A benchmark program: one linear story.
#![allow(clippy::too_many_lines)]
//!
//! Prints one table row per run; signing happens before the clock starts. Target (issue 8):
//! at least 500 tx/s on this machine.

use std::{net::SocketAddr, time::Instant};

use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEnvelope},
    eips::eip2718::Encodable2718,
    network::{EthereumWallet, TransactionBuilder, TxSignerSync},
    primitives::{Address, Bytes, TxKind, B256, U256},
    providers::{Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
    sol,
    sol_types::{SolCall, SolEvent},
};
use tributary_devnode::{
    node::stylus_initcode,
    rpc::{
        self,
        genesis::{self, STYLUS_DEPLOYER},
        ServerConfig,
    },
    wasm::compress_to_code,
};

sol! {
    function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address);
    event ContractDeployed(address deployedContract);
}

/// Third account of the test mnemonic.
const KEY: &str = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let txs: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(4_000);
    let connections: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(8);
    let config = ServerConfig {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        log_transactions: false,
        ..ServerConfig::default()
    };
    let server = rpc::start(config).await.expect("server starts");
    let url: alloy::transports::http::reqwest::Url = server.url().parse().expect("url");
    let signer: PrivateKeySigner = KEY.parse().expect("key");
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer.clone()))
        .on_http(url.clone());

    let wasm = wat::parse_str(include_str!("../tests/programs/counter.wat")).expect("counter.wat");
    let code = compress_to_code(&wasm);
    let input = deployCall {
        bytecode: stylus_initcode(&code).into(),
        initData: Bytes::new(),
        initValue: U256::ZERO,
        salt: B256::ZERO,
    }
    .abi_encode();
    let receipt = provider
        .send_transaction(
            TransactionRequest::default()
                .with_to(STYLUS_DEPLOYER)
                .with_value(U256::from(10u64).pow(U256::from(17u64)))
                .with_input(input),
        )
        .await
        .expect("deploy sent")
        .get_receipt()
        .await
        .expect("deploy receipt");
    let counter: Address = receipt
        .inner
        .logs()
        .iter()
        .find_map(|l| ContractDeployed::decode_log_data(l.data(), true).ok())
        .expect("ContractDeployed")
        .deployedContract;

    // One sender per connection, each sending its own nonces in order (the devnode has no
    // mempool, so a nonce gap is refused rather than queued).
    let senders: Vec<PrivateKeySigner> = genesis::dev_signers()
        .into_iter()
        .skip(1)
        .take(usize::try_from(connections).unwrap_or(1))
        .collect();
    let per_sender = txs / senders.len() as u64;
    let mut batches = Vec::new();
    for sender in &senders {
        let start = provider
            .get_transaction_count(sender.address())
            .await
            .expect("nonce");
        let presigned: Vec<Bytes> = (0..per_sender)
            .map(|i| {
                let mut tx = TxEip1559 {
                    chain_id: 412_346,
                    nonce: start + i,
                    gas_limit: 200_000,
                    max_fee_per_gas: 1_000_000_000,
                    max_priority_fee_per_gas: 0,
                    to: TxKind::Call(counter),
                    ..Default::default()
                };
                let signature = sender.sign_transaction_sync(&mut tx).expect("signs");
                TxEnvelope::Eip1559(tx.into_signed(signature))
                    .encoded_2718()
                    .into()
            })
            .collect();
        batches.push(presigned);
    }
    let first_block = provider.get_block_number().await.expect("head");

    let clock = Instant::now();
    let tasks: Vec<_> = batches
        .into_iter()
        .map(|signed| {
            let provider = ProviderBuilder::new().on_http(url.clone());
            tokio::spawn(async move {
                for raw in signed {
                    let _pending = provider.send_raw_transaction(&raw).await.expect("accepted");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("sender finished");
    }
    let elapsed = clock.elapsed().as_secs_f64();
    let sent = per_sender * senders.len() as u64;
    let blocks = provider.get_block_number().await.expect("head") - first_block;
    #[allow(clippy::cast_precision_loss)]
    let per_sec = sent as f64 / elapsed;
    println!("| workload | txs | connections | seconds | tx/s | blocks mined |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| Stylus storage write (counter.wat) via eth_sendRawTransaction | {sent} | {} | {elapsed:.2} | {per_sec:.0} | {blocks} |",
        senders.len()
    );
    server.stop().await;
}
