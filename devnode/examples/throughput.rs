//! Calls per second on one core, in process: a simple Stylus storage write (`counter.wat`)
//! and an ERC-721-sized contract (the project's `license_nft` build if present, else
//! `royalty_splitter`, else the 42-hostio test program). Programs are compiled once, at
//! activation; every call instantiates the cached module.
//!
//! Run: `cargo run --release -p tributary-devnode --example throughput`
//! (for speed without the workspace's size-optimised release profile:
//! `CARGO_PROFILE_RELEASE_OPT_LEVEL=3 CARGO_PROFILE_RELEASE_LTO=false ...`).

use std::time::{Duration, Instant};

use tributary_devnode::{
    revm::primitives::{address, Address, Bytes, U256},
    Devnode, TxRequest,
};

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");

fn rate(node: &mut Devnode, to: Address, data: &Bytes, duration: Duration) -> (f64, u64, u64) {
    let start = Instant::now();
    let mut calls = 0u64;
    let mut gas = 0u64;
    while start.elapsed() < duration {
        let receipt = node
            .send(TxRequest::call(ALICE, to, data.clone()))
            .expect("included");
        gas = receipt.gas_used;
        calls += 1;
    }
    #[allow(clippy::cast_precision_loss)] // call counts stay far below 2^52
    (calls as f64 / start.elapsed().as_secs_f64(), calls, gas)
}

fn main() {
    let duration = Duration::from_secs(3);
    let mut node = Devnode::new();
    node.set_balance(ALICE, U256::from(10u64).pow(U256::from(24u64)));

    let counter = match wat::parse_str(include_str!("../tests/programs/counter.wat")) {
        Ok(wasm) => wasm,
        Err(e) => return eprintln!("counter.wat: {e}"),
    };
    let program = node
        .deploy_stylus(ALICE, &counter)
        .expect("counter deploys");
    let (per_sec, calls, gas) = rate(&mut node, program, &Bytes::new(), duration);
    println!(
        "simple storage write (counter.wat, {} B wasm): {per_sec:>8.0} tx/s ({calls} txs, {gas} gas each)",
        counter.len()
    );

    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/stylus");
    let candidates = ["license_nft", "royalty_splitter"];
    let found = candidates.iter().find_map(|name| {
        std::fs::read(format!("{root}/{name}.wasm"))
            .ok()
            .map(|w| (*name, w))
    });
    // owner(): every SDK contract here is Ownable; the router, a storage read and ABI
    // encoding run on a module of the real contract's size.
    let (name, wasm, data) = if let Some((name, wasm)) = found {
        (
            name.to_owned(),
            wasm,
            Bytes::from_static(&[0x8d, 0xa5, 0xcb, 0x5b]),
        )
    } else {
        let wasm =
            wat::parse_str(include_str!("../tests/programs/hostio.wat")).expect("hostio.wat");
        (
            "hostio.wat (no target/stylus build found)".to_owned(),
            wasm,
            Bytes::from_static(&[5]),
        )
    };
    let mut owner = [0u8; 32];
    owner[12..].copy_from_slice(ALICE.as_slice());
    let contract = node
        .deploy_stylus_with_constructor(ALICE, &wasm, &owner, U256::ZERO)
        .or_else(|_| node.deploy_stylus(ALICE, &wasm))
        .expect("contract deploys");
    let (per_sec, calls, gas) = rate(&mut node, contract, &data, duration);
    println!(
        "{name} ({} B wasm) owner():          {per_sec:>8.0} tx/s ({calls} txs, {gas} gas each)",
        wasm.len()
    );
    println!(
        "compiled modules: {} (compiled once at activation)",
        node.runtime().compiled_count()
    );
}
