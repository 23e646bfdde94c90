//! `gas`: Tributary's gas against the Solidity reference, on an in-process devnode (see the
//! crate docs of `tributary_bench`).

// The argument docs are `--help` text, where backticks would show.
#![allow(clippy::doc_markdown)]

use std::path::{Path, PathBuf};

use clap::Parser;
use tributary_bench::{chain, rows, solc, BenchError};

/// Measures Tributary's gas, programs uncached and cached, against plain Solidity references
/// (bench/solidity/) on an in-process devnode.
#[derive(Debug, Parser)]
#[command(name = "gas")]
struct Args {
    /// Also write the rows to FILE as a JSON array of {operation, tributary, tributary_cached,
    /// reference, tributary_anatomy, tributary_cached_anatomy, reference_anatomy, note}.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Build the contracts first (`tributary build`) instead of using the WASM it left in
    /// target/stylus.
    #[arg(long)]
    build: bool,
}

fn main() {
    if let Err(e) = run(&Args::parse()) {
        eprintln!("gas: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("the bench crate is not inside the workspace")?;
    let programs = tributary::deploy::command::programs(!args.build).map_err(|e| {
        format!("the Tributary contracts are not built ({e}); run `cargo run -p tributary -- build` first, or pass --build")
    })?;
    let reference = solc::compile_references(root)?;
    for (source, artifact) in [
        (solc::REFERENCE_SOURCE, &reference.usage),
        (solc::SPLIT_SOURCE, &reference.split),
        (solc::LICENSE_SOURCE, &reference.license),
        (solc::MERKLE_SPLIT_SOURCE, &reference.merkle_split),
        (solc::DATANET_SOURCE, &reference.datanet),
    ] {
        eprintln!(
            "gas: {source} compiled with solc {} ({} bytes of runtime code)",
            artifact.compiler,
            artifact.deployed_bytecode.len()
        );
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(async {
        let server = chain::devnode().await?;
        eprintln!("gas: devnode listening on {}", server.url());
        let mut log = |line: &str| eprintln!("gas: {line}");
        let report = tributary_bench::run(
            &server.url(),
            &chain::signers(),
            &programs,
            reference,
            &mut log,
        )
        .await;
        server.stop().await;
        report
    })?;
    print!("{}", rows::table(&report.rows));
    let caching: u64 = report.caching.iter().map(|(_, gas)| gas).sum();
    println!(
        "gas = receipt gasUsed (21,000 intrinsic included); ratio = Tributary / reference; \
         cached = all {} programs cached with ArbWasmCache.cacheProgram ({} gas in total, once)",
        report.caching.len(),
        rows::thousands(caching)
    );
    print!("{}", rows::notes(&report.rows));
    for line in &report.checks {
        println!("{line}");
    }
    println!();
    print!("{}", rows::anatomy_table(&report.rows));
    println!(
        "anatomy = where each row's gas goes, from the devnode's own charging code \
         (debug_traceTransaction with {{\"tracer\": \"gasAnatomy\"}}); gas, with counts in \
         brackets; the parts add up to the last column. Program entries: Stylus entry cost \
         (memory + cached gas + init gas when uncached). Storage reads/writes: Stylus state \
         loads and flushed slots with the storage-cache surcharges, EVM SLOAD/SSTORE. Calls: \
         what the caller paid for each call or create itself (access, value, new account, \
         memory, less the stipend), not the callee's work. Execution: WASM ink and the other \
         EVM opcodes, precompiles included. Rows over several transactions (billed receipt, \
         createSplit per recipient) divide each part and leave the rounding in execution."
    );
    if let Some(path) = &args.json {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let text = rows::json(&report.rows);
        std::fs::write(path, text + "\n")
            .map_err(|e| BenchError(format!("{}: {e}", path.display())))?;
        eprintln!("gas: wrote {}", path.display());
    }
    Ok(())
}
