//! Prints the gas a fixed set of operations costs inside a Stylus program on the devnode, next
//! to the schedule in docs/nitro.md (§3, §4) that produces it.
//!
//! Run: `cargo run -p tributary-devnode --example gas_table`

use tributary_devnode::{
    pricing,
    revm::primitives::{address, U256},
    Devnode, TxRequest,
};

#[allow(clippy::cast_precision_loss)] // ink differences stay far below 2^52
fn main() {
    let text = include_str!("../tests/programs/gasbench.wat");
    let wasm = match wat::parse_str(text) {
        Ok(wasm) => wasm,
        Err(e) => return eprintln!("gasbench.wat does not parse: {e}"),
    };
    let alice = address!("00000000000000000000000000000000000a11ce");
    let cold_target = address!("000000000000000000000000000000000000c01d");
    let mut node = Devnode::new();
    node.set_balance(alice, U256::from(10u64).pow(U256::from(20u64)));
    let program = match node.deploy_stylus(alice, &wasm) {
        Ok(program) => program,
        Err(e) => return eprintln!("deploy failed: {e}"),
    };

    let measure = |node: &mut Devnode, op: u8| -> (f64, u64) {
        let snapshot = node.snapshot();
        let mut data = vec![op];
        data.extend_from_slice(cold_target.as_slice());
        let receipt = node
            .send(TxRequest::call(alice, program, data))
            .expect("included");
        assert!(receipt.status, "op {op}: {receipt:?}");
        let ink = u64::from_le_bytes(receipt.output[..8].try_into().unwrap_or_default());
        node.revert_to(snapshot).expect("snapshot exists");
        (ink as f64, receipt.gas_used)
    };
    let (base_ink, base_tx) = measure(&mut node, 0);
    print_schedule();
    println!("measured = ink between two evm_ink_left calls minus the empty measurement ({base_ink} ink)");
    println!("empty-call transaction: {base_tx} gas (21,000 intrinsic + entry cost + metering)\n");
    println!(
        "| {:<34} | {:>12} | {:>10} | {:<62} |",
        "operation", "ink", "gas", "schedule (docs/nitro.md)"
    );
    println!("|{:-<36}|{:->14}|{:->12}|{:-<64}|", "", "", "", "");
    let rows: [(u8, &str, &str); 7] = [
        (
            1,
            "storage write, cold slot 0 -> 1",
            "cache 18,480 + flush 68,073 ink; SSTORE 2,100 cold + 20,000 set (§4.5)",
        ),
        (
            2,
            "storage write, warm dirty slot",
            "cache 18,480 + flush 68,073 ink; SSTORE 100 (dirty) (§4.5)",
        ),
        (
            6,
            "storage read, cold",
            "18,480 ink + 2,100 cold + 5 (§3 #4)",
        ),
        (
            7,
            "storage read, warm (cache miss)",
            "18,480 ink + 100 warm + 5 (§3 #4)",
        ),
        (
            3,
            "native_keccak256 of 1 KiB",
            "121,800 + 21,000 x (32 - 2) ink = 751,800 (§3 #38)",
        ),
        (
            4,
            "empty call to a cold EOA",
            "83,193 + 2 x read_price(0) ink + 100 + 2,600 cold (§3.1)",
        ),
        (
            5,
            "log, 0 topics, 32 bytes",
            "68,073 + read_price(32) ink + 375 + 8 x 32 gas (§3 #16)",
        ),
    ];
    for (op, name, schedule) in rows {
        let (ink, _) = measure(&mut node, op);
        let ink = ink - base_ink;
        println!(
            "| {name:<34} | {ink:>12.0} | {:>10.1} | {schedule:<62} |",
            ink / 10_000.0
        );
    }
    println!(
        "\nEVM reference for the same operations (Cancun): SSTORE set 22,100; SSTORE dirty 100;"
    );
    println!(
        "SLOAD 2,100 / 100; KECCAK256 1 KiB 30 + 6 x 32 = 222; CALL cold 2,600; LOG0 32 B 631."
    );
    println!("Stylus hostios add their ink on top (8,400 base, 5,040 per pointer, 59,673 per EVM request).");
}

/// The release and parameters whose gas the devnode charges (docs/nitro.md §0, §9).
fn print_schedule() {
    println!(
        "Stylus gas on the devnode: Nitro {} at ArbOS {} (Stylus v{}, InkPrice {}: 1 gas = {} ink; \
         FreePages {}, PageGas {}, PageLimit {}, MinInitGas {}, MinCachedInitGas {}, cost scalars {} % / {} %)",
        pricing::NITRO_VERSION,
        pricing::ARBOS_VERSION,
        pricing::STYLUS_VERSION,
        pricing::INK_PRICE,
        pricing::INK_PRICE,
        pricing::FREE_PAGES,
        pricing::PAGE_GAS,
        pricing::PAGE_LIMIT,
        pricing::MIN_INIT_GAS_UNITS * 128,
        pricing::MIN_CACHED_INIT_GAS_UNITS * 32,
        pricing::INIT_COST_SCALAR * 2,
        pricing::CACHED_COST_SCALAR * 2,
    );
}
