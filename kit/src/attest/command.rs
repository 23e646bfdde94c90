//! The `tributary attest` subcommands.

use std::{error::Error, fs, path::PathBuf};

use alloy::primitives::{Address, B256, U256};
use clap::{ArgGroup, Args, Subcommand};

use super::{
    batch::{build_batch, verify_batch_file, BatchOptions},
    json::{
        parse_receipts_jsonl, to_pretty_json, BatchFile, ProofFile, ReceiptJson, ReceiptProofFile,
    },
    prove::{prove, prove_receipt, verify_proof, verify_receipt_proof, Selection},
    signing::parse_key,
    types::Receipt,
    vectors,
};

/// Environment variable `attest batch` reads the attestor key from when `--key` is absent.
pub const ATTESTOR_KEY_ENV: &str = "ATTESTOR_KEY";

/// Attestor kit: sign batches of usage leaves, prove leaves for settlement and receipts down to
/// the root, verify batch and proof files.
#[derive(Debug, Subcommand)]
pub enum AttestCommand {
    /// Group a receipts file into usage leaves, build the Merkle trees and sign the batch
    /// (EIP-712).
    ///
    /// Example: `tributary attest batch --receipts week-02.jsonl --chain-id 412346 --anchor
    /// 0xCf7E… --out week-02.batch.json` (key from `$ATTESTOR_KEY`), then `cast send <anchor>
    /// $(jq -r .anchorCalldata week-02.batch.json)`.
    Batch(BatchArgs),
    /// Prove usage leaves of a batch for `settle` (and `holdEscrow` for one leaf), or one
    /// receipt down to the root for `verifyReceipt`.
    ///
    /// Example: `tributary attest prove --batch week-02.batch.json --license 2 --out
    /// settle.json`, then `cast send <anchor> $(jq -r .settleCalldata settle.json)`; `tributary
    /// attest prove --batch week-02.batch.json --receipts week-02.jsonl --receipt 0x12… --out
    /// receipt.json`, then `cast call <disputes> $(jq -r .verifyReceiptCalldata
    /// receipt.json)` (`verifyReceipt` and `holdEscrow` are calls of the `usage_disputes`
    /// contract).
    #[command(group(
        ArgGroup::new("selection")
            .required(true)
            .args(["select", "license", "all", "receipt"])
    ))]
    Prove(ProveArgs),
    /// Check a batch file (leaves, receipt roots, root, counts, EIP-712 digest, the attestor's
    /// signature) and proof files (both levels), offline.
    Verify(VerifyArgs),
    /// Write (or check) the shared test vectors `tests/vectors/usage_v2.json`.
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
    /// Last second at which the batch may be anchored, unix seconds (default: period end + 7
    /// days; never the current time, so the same receipts give the same file).
    #[arg(long)]
    pub deadline: Option<u64>,
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
    /// Usage leaf indices to prove for `settle`, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<u32>,
    /// Prove every leaf that bills these licenses (ids, comma-separated) for `settle`.
    #[arg(long, value_delimiter = ',')]
    pub license: Vec<U256>,
    /// Prove every leaf of the batch for `settle`.
    #[arg(long)]
    pub all: bool,
    /// Prove the receipt with this job id down to the batch root, for `verifyReceipt` (needs
    /// `--receipts`).
    #[arg(long, requires = "receipts")]
    pub receipt: Option<B256>,
    /// Receipts file containing the receipt of `--receipt`.
    #[arg(long, requires = "receipt")]
    pub receipts: Option<PathBuf>,
    /// Output proof file (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Arguments of `attest verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Batch file to check.
    #[arg(long, required_unless_present = "proof")]
    pub batch: Option<PathBuf>,
    /// Also check that this receipts file holds exactly the batch's receipts.
    #[arg(long, requires = "batch")]
    pub receipts: Option<PathBuf>,
    /// Proof files written by `attest prove` (settlement or receipt proofs) to check, against
    /// the batch file if given; repeat for several.
    #[arg(long)]
    pub proof: Vec<PathBuf>,
}

/// Arguments of `attest vectors`.
#[derive(Debug, Args)]
pub struct VectorsArgs {
    /// Where to write the vectors.
    #[arg(long, default_value = "tests/vectors/usage_v2.json")]
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
        deadline: args.deadline,
    };
    let file = build_batch(&receipts, &signer, &options)?;
    write_output(args.out.as_ref(), &to_pretty_json(&file))?;
    eprintln!(
        "batch {} by {}: {} receipts in {} usage leaves, {} units, root {}, anchor by {}",
        file.batch.batch_id,
        file.batch.attestor,
        file.batch.receipt_count,
        file.batch.leaf_count,
        file.batch.total_units,
        file.batch.root,
        file.batch.deadline
    );
    Ok(())
}

fn run_prove(args: ProveArgs) -> Result<(), Box<dyn Error>> {
    let file = read_batch(&args.batch)?;
    if let Some(job_id) = args.receipt {
        let path = args.receipts.as_ref().ok_or("--receipt needs --receipts")?;
        let receipts = read_receipts(path, file.batch.attestor)?;
        let proof = prove_receipt(&file, &receipts, job_id)?;
        write_output(args.out.as_ref(), &to_pretty_json(&proof))?;
        eprintln!(
            "proved receipt {} of batch {} in leaf {} ({} + {} proof hashes)",
            job_id,
            file.batch.batch_id,
            proof.leaf.index,
            proof.receipt_proof.len(),
            proof.leaf_proof.len()
        );
        return Ok(());
    }
    let selection = if args.all {
        Selection::All
    } else if !args.license.is_empty() {
        Selection::Licenses(args.license)
    } else {
        Selection::Indices(args.select)
    };
    let proof = prove(&file, &selection)?;
    write_output(args.out.as_ref(), &to_pretty_json(&proof))?;
    eprintln!(
        "proved {} usage leaves of batch {} with {} proof hashes",
        proof.leaves.len(),
        proof.batch.batch_id,
        proof.proof.len()
    );
    Ok(())
}

fn run_verify(args: VerifyArgs) -> Result<(), Box<dyn Error>> {
    let file = args.batch.as_ref().map(read_batch).transpose()?;
    if let (Some(file), Some(path)) = (&file, &args.batch) {
        let receipts = args
            .receipts
            .as_ref()
            .map(|path| read_receipts(path, file.batch.attestor))
            .transpose()?;
        verify_batch_file(file, receipts.as_deref())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        println!(
            "ok: batch {} signed by {} for anchor {} on chain {}: {} usage leaves, {} receipts, \
             root {}",
            file.batch.batch_id,
            file.batch.attestor,
            file.verifying_contract,
            file.chain_id,
            file.batch.leaf_count,
            file.batch.receipt_count,
            file.batch.root
        );
    }
    for path in &args.proof {
        let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let what = match parse_proof(&text).map_err(|e| format!("{}: {e}", path.display()))? {
            AnyProof::Settle(proof) => {
                verify_proof(&proof, file.as_ref())
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                format!("settlement proof of {} usage leaves", proof.leaves.len())
            }
            AnyProof::Receipt(proof) => {
                verify_receipt_proof(&proof, file.as_ref())
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                format!(
                    "receipt proof of {} in leaf {}",
                    proof.receipt.job_id, proof.leaf.index
                )
            }
        };
        println!("ok: {}: {what}", path.display());
    }
    Ok(())
}

/// A proof file of either kind.
enum AnyProof {
    Settle(Box<ProofFile>),
    Receipt(Box<ReceiptProofFile>),
}

/// Parses a proof file of either kind (their fields differ, and both refuse unknown fields).
fn parse_proof(text: &str) -> Result<AnyProof, serde_json::Error> {
    let value: serde_json::Value = serde_json::from_str(text)?;
    if value.get("receipt").is_some() {
        serde_json::from_value(value).map(|p| AnyProof::Receipt(Box::new(p)))
    } else {
        serde_json::from_value(value).map(|p| AnyProof::Settle(Box::new(p)))
    }
}

fn run_vectors(args: VectorsArgs) -> Result<(), Box<dyn Error>> {
    let text = to_pretty_json(&vectors::usage_v2()?);
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
