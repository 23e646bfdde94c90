//! The `tributary attest` subcommands.

use std::{error::Error, fs, path::PathBuf};

use alloy::primitives::{Address, B256};
use clap::{ArgGroup, Args, Subcommand};

use super::{
    batch::{build_batch, verify_batch_file, BatchOptions},
    json::{parse_receipts_jsonl, to_pretty_json, BatchFile, ReceiptJson},
    prove::{prove, Selection},
    signing::parse_key,
    types::Receipt,
    vectors,
};

/// Environment variable `attest batch` reads the attestor key from when `--key` is absent.
pub const ATTESTOR_KEY_ENV: &str = "ATTESTOR_KEY";

/// Attestor kit: sign receipt batches, prove receipts for settlement, verify batch files.
#[derive(Debug, Subcommand)]
pub enum AttestCommand {
    /// Build the Merkle tree of a receipts file and sign the batch (EIP-712).
    ///
    /// Example: `tributary attest batch --receipts week-02.jsonl --chain-id 412346 --anchor
    /// 0xCf7E… --out week-02.batch.json` (key from `$ATTESTOR_KEY`), then `cast send <anchor>
    /// $(jq -r .anchorCalldata week-02.batch.json)`.
    Batch(BatchArgs),
    /// Build the multiproof of some receipts of a batch, ready for `settle`.
    ///
    /// Example: `tributary attest prove --batch week-02.batch.json --receipts week-02.jsonl
    /// --select 0x12…,0x34… --out settle.json`, then `cast send <anchor> $(jq -r
    /// .settleCalldata settle.json)`.
    #[command(group(ArgGroup::new("selection").required(true).args(["select", "all"])))]
    Prove(ProveArgs),
    /// Check a batch file: leaves, root, count, EIP-712 digest and the attestor's signature.
    Verify(VerifyArgs),
    /// Write (or check) the shared test vectors `tests/vectors/usage_v1.json`.
    Vectors(VectorsArgs),
}

/// Arguments of `attest batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Receipts file: JSON Lines, one receipt per line.
    #[arg(long)]
    pub receipts: PathBuf,
    /// Attestor private key as hex (default: the `ATTESTOR_KEY` environment variable). Prefer
    /// the environment variable: command lines are visible to other users.
    #[arg(long)]
    pub key: Option<String>,
    /// Deployment file written by `tributary deploy` (`deployments/<chainId>.json`): gives the
    /// chain id and the usage anchor's address.
    #[arg(long, conflicts_with_all = ["chain_id", "anchor"])]
    pub deployment: Option<PathBuf>,
    /// Chain id of the usage anchor's chain (or `--deployment`).
    #[arg(long, required_unless_present = "deployment")]
    pub chain_id: Option<u64>,
    /// Address of the usage anchor, the EIP-712 verifying contract (or `--deployment`).
    #[arg(long, required_unless_present = "deployment")]
    pub anchor: Option<Address>,
    /// Batch id (bytes32 hex). Default: keccak256(abi.encode(chainId, anchor, attestor, root,
    /// periodStart, periodEnd)).
    #[arg(long)]
    pub batch_id: Option<B256>,
    /// Start of the metering period, unix seconds (default: earliest receipt).
    #[arg(long)]
    pub period_start: Option<u64>,
    /// End of the metering period, unix seconds (default: latest receipt).
    #[arg(long)]
    pub period_end: Option<u64>,
    /// Output batch file (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Arguments of `attest prove`.
#[derive(Debug, Args)]
pub struct ProveArgs {
    /// Batch file written by `attest batch`.
    #[arg(long)]
    pub batch: PathBuf,
    /// Receipts file containing (at least) the receipts to prove.
    #[arg(long)]
    pub receipts: PathBuf,
    /// Job ids to prove, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<B256>,
    /// Prove every receipt in the receipts file.
    #[arg(long)]
    pub all: bool,
    /// Output proof file (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Arguments of `attest verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Batch file to check.
    #[arg(long)]
    pub batch: PathBuf,
    /// Also check that this receipts file holds exactly the batch's receipts.
    #[arg(long)]
    pub receipts: Option<PathBuf>,
}

/// Arguments of `attest vectors`.
#[derive(Debug, Args)]
pub struct VectorsArgs {
    /// Where to write the vectors.
    #[arg(long, default_value = "tests/vectors/usage_v1.json")]
    pub out: PathBuf,
    /// Fail if the file differs instead of writing it.
    #[arg(long)]
    pub check: bool,
}

/// Runs an `attest` subcommand.
///
/// # Errors
///
/// File, JSON, key, batch or proof errors, with the path or line they concern.
pub fn run(command: AttestCommand) -> Result<(), Box<dyn Error>> {
    match command {
        AttestCommand::Batch(args) => run_batch(args),
        AttestCommand::Prove(args) => run_prove(args),
        AttestCommand::Verify(args) => run_verify(args),
        AttestCommand::Vectors(args) => run_vectors(args),
    }
}

fn run_batch(args: BatchArgs) -> Result<(), Box<dyn Error>> {
    let key = match args.key {
        Some(key) => key,
        None => std::env::var(ATTESTOR_KEY_ENV)
            .map_err(|_| format!("no --key and no {ATTESTOR_KEY_ENV} in the environment"))?,
    };
    let signer = parse_key(&key)?;
    let receipts = read_receipts(&args.receipts, signer.address())?;
    let (chain_id, anchor) = match (&args.deployment, args.chain_id, args.anchor) {
        (Some(path), _, _) => {
            // Loading fails, naming the file and the field, if the file lacks a contract.
            let deployment = crate::deploy::Deployment::load(path)?;
            let anchor = deployment.address(crate::contracts::Contract::UsageAnchor);
            (deployment.chain_id, anchor)
        }
        (None, Some(chain_id), Some(anchor)) => (chain_id, anchor),
        // clap already refuses this; the library function is not only called through clap.
        (None, _, _) => return Err("give --deployment, or both --chain-id and --anchor".into()),
    };
    let options = BatchOptions {
        chain_id,
        verifying_contract: anchor,
        batch_id: args.batch_id,
        period_start: args.period_start,
        period_end: args.period_end,
    };
    let file = build_batch(&receipts, &signer, &options)?;
    write_output(args.out.as_ref(), &to_pretty_json(&file))?;
    eprintln!(
        "batch {} by {}: {} receipts, {} units, root {}",
        file.batch.batch_id,
        file.batch.attestor,
        file.batch.receipt_count,
        file.batch.total_units,
        file.batch.root
    );
    Ok(())
}

fn run_prove(args: ProveArgs) -> Result<(), Box<dyn Error>> {
    let file = read_batch(&args.batch)?;
    let receipts = read_receipts(&args.receipts, file.batch.attestor)?;
    let selection = if args.all {
        Selection::All
    } else {
        Selection::JobIds(args.select)
    };
    let proof = prove(&file, &receipts, &selection)?;
    write_output(args.out.as_ref(), &to_pretty_json(&proof))?;
    eprintln!(
        "proved {} receipts of batch {} with {} proof hashes",
        proof.receipts.len(),
        proof.batch_id,
        proof.proof.len()
    );
    Ok(())
}

fn run_verify(args: VerifyArgs) -> Result<(), Box<dyn Error>> {
    let file = read_batch(&args.batch)?;
    let receipts = args
        .receipts
        .as_ref()
        .map(|path| read_receipts(path, file.batch.attestor))
        .transpose()?;
    verify_batch_file(&file, receipts.as_deref())?;
    println!(
        "ok: batch {} signed by {} for anchor {} on chain {}: {} receipts, root {}",
        file.batch.batch_id,
        file.batch.attestor,
        file.verifying_contract,
        file.chain_id,
        file.batch.receipt_count,
        file.batch.root
    );
    Ok(())
}

fn run_vectors(args: VectorsArgs) -> Result<(), Box<dyn Error>> {
    let text = to_pretty_json(&vectors::usage_v1()?);
    if args.check {
        let committed =
            fs::read_to_string(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
        if committed != text {
            return Err(format!(
                "{} is stale; run `tributary attest vectors`",
                args.out.display()
            )
            .into());
        }
        println!("{} is up to date", args.out.display());
    } else {
        write_output(Some(&args.out), &text)?;
        println!("wrote {}", args.out.display());
    }
    Ok(())
}

fn read_receipts(path: &PathBuf, attestor: Address) -> Result<Vec<Receipt>, Box<dyn Error>> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let parsed = parse_receipts_jsonl(&text)
        .map_err(|(line, e)| format!("{}:{line}: {e}", path.display()))?;
    Ok(parsed
        .iter()
        .map(|r: &ReceiptJson| r.to_receipt(attestor))
        .collect())
}

fn read_batch(path: &PathBuf) -> Result<BatchFile, Box<dyn Error>> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?)
}

fn write_output(path: Option<&PathBuf>, text: &str) -> Result<(), Box<dyn Error>> {
    match path {
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        None => print!("{text}"),
    }
    Ok(())
}
