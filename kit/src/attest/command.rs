//! The `tributary attest` subcommands.

use std::{error::Error, fs, path::PathBuf};

use alloy::primitives::{Address, B256, U256};
use clap::{ArgGroup, Args, Subcommand};

use super::{
    attribution::{
        self, attribute, files::ProofFile as AttributionProofFile, parse_metric, AttributionError,
        ReportParams, Scores, TreeFile, EVALUATOR_KEY_ENV,
    },
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
/// the root, verify batch and proof files; turn an evaluator's scores into a signed attribution
/// report and claim proofs.
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
    /// Turn an evaluator's scores CSV into weights, the weights tree and a signed
    /// `AttributionReport` (EIP-712) for the Datanets contract, with every contributor's proof.
    ///
    /// Example: `tributary attest attribution --scores scores.csv --dataset-id 1 --version 1
    /// --epoch 1 --benchmark-id 0x12… --metric accuracy --deadline 1769904000 --chain-id 412346
    /// --datanets 0xDa7a… --out epoch-1` (key from `$TRIBUTARY_EVALUATOR_KEY`), then `cast send
    /// <datanets> $(jq -r .calldata epoch-1/report.json)`. Writes `report.json`, `weights.csv`,
    /// `tree.json` and `proofs/<address>.json`.
    Attribution(AttributionArgs),
    /// Prove a contributor's weight from `tree.json` (or check its proof file) and print the
    /// splitter's `claimMerkle` arguments and calldata.
    ///
    /// Example: `tributary attest claim --tree epoch-1/tree.json --account 0x7099… --split-id 1
    /// --version 2 --splitter 0x5FbD…`, then run the printed `cast` line with your signing flags,
    /// or `cast send <splitter> $(… | jq -r .calldata)`.
    #[command(group(ArgGroup::new("source").required(true).args(["tree", "proof"])))]
    Claim(ClaimArgs),
    /// Write (or check) the shared test vectors `tests/vectors/usage_v2.json` and
    /// `tests/vectors/attribution_v1.json`.
    Vectors(VectorsArgs),
}

/// Arguments of `attest attribution`.
#[derive(Debug, Args)]
pub struct AttributionArgs {
    /// Scores CSV: header `contributor,score[,flagged]`, exact decimal scores (may be negative,
    /// up to 18 fractional digits), `flagged` true/false/1/0/yes/no or empty.
    #[arg(long)]
    pub scores: PathBuf,
    /// The dataset evaluated.
    #[arg(long)]
    pub dataset_id: U256,
    /// The dataset version evaluated (>= 1).
    #[arg(long)]
    pub version: U256,
    /// The epoch the weights open: the dataset's current epoch plus one (>= 1).
    #[arg(long)]
    pub epoch: u64,
    /// Id of the benchmark the evaluation ran (bytes32 hex).
    #[arg(long)]
    pub benchmark_id: B256,
    /// The metric: a name (hashed with keccak256, e.g. `accuracy`) or 0x + 64 hex digits.
    #[arg(long)]
    pub metric: String,
    /// Last second at which the report may be posted, unix seconds.
    #[arg(long)]
    pub deadline: u64,
    /// Chain id of the Datanets contract's chain.
    #[arg(long)]
    pub chain_id: u64,
    /// Address of the Datanets contract, the EIP-712 verifying contract.
    #[arg(long)]
    pub datanets: Address,
    /// Evaluator private key as hex (default: the `TRIBUTARY_EVALUATOR_KEY` environment
    /// variable). Prefer the environment variable: command lines are visible to other users.
    #[arg(long)]
    pub key: Option<String>,
    /// Output directory (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Do not write `proofs/` (for very large sets; `attest claim --tree` proves any member).
    #[arg(long)]
    pub no_proof_files: bool,
}

/// Arguments of `attest claim`.
#[derive(Debug, Args)]
pub struct ClaimArgs {
    /// `tree.json` written by `attest attribution`.
    #[arg(long)]
    pub tree: Option<PathBuf>,
    /// A proof file from `proofs/` written by `attest attribution`.
    #[arg(long)]
    pub proof: Option<PathBuf>,
    /// The contributor claiming (required with `--tree`; with `--proof` it must be the file's).
    #[arg(long, required_unless_present = "proof")]
    pub account: Option<Address>,
    /// The dataset's split on the splitter.
    #[arg(long)]
    pub split_id: U256,
    /// The split version the report became.
    #[arg(long)]
    pub version: u32,
    /// Token to claim (default: the zero address, the native currency).
    #[arg(long, default_value = "0x0000000000000000000000000000000000000000")]
    pub token: Address,
    /// The splitter's address: also print the equivalent `cast send` command line.
    #[arg(long)]
    pub splitter: Option<Address>,
    /// Output file (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
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
    /// Where to write the usage vectors.
    #[arg(long, default_value = "tests/vectors/usage_v2.json")]
    pub out: PathBuf,
    /// Where to write the attribution vectors.
    #[arg(long, default_value = "tests/vectors/attribution_v1.json")]
    pub attribution_out: PathBuf,
    /// Fail if a file differs instead of writing it.
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
        AttestCommand::Attribution(args) => run_attribution(args),
        AttestCommand::Claim(args) => run_claim(args),
        AttestCommand::Vectors(args) => run_vectors(args),
    }
}

fn run_attribution(args: AttributionArgs) -> Result<(), Box<dyn Error>> {
    let key = match args.key {
        Some(key) => key,
        None => std::env::var(EVALUATOR_KEY_ENV)
            .map_err(|_| format!("no --key and no {EVALUATOR_KEY_ENV} in the environment"))?,
    };
    let signer = parse_key(&key).map_err(|e| format!("evaluator key: {e}"))?;
    let path = &args.scores;
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let scores =
        Scores::parse(&text).map_err(|e| format!("{}:{}: {}", path.display(), e.line, e.kind))?;
    let params = ReportParams {
        chain_id: args.chain_id,
        datanets: args.datanets,
        dataset_id: args.dataset_id,
        version: args.version,
        epoch: args.epoch,
        benchmark_id: args.benchmark_id,
        metric: parse_metric(&args.metric)?,
        deadline: args.deadline,
    };
    let attribution = attribute(&scores, &params, &signer).map_err(|e| match e {
        AttributionError::NoPositiveScore | AttributionError::AllWeightsZero => {
            format!("{}: {e}", path.display())
        }
        other => other.to_string(),
    })?;
    let written = attribution.write_to(&args.out, !args.no_proof_files)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if args.deadline < now {
        eprintln!(
            "warning: deadline {} is in the past: postReport will refuse the report",
            args.deadline
        );
    }
    eprintln!(
        "attribution of dataset {} v{} for epoch {}: {} contributors in the tree, {} zeroed, \
         total weight {}, root {}, signed by evaluator {}; wrote {} ({} proof files{})",
        params.dataset_id,
        params.version,
        params.epoch,
        attribution.tree.len(),
        attribution.weights.zeroed_count(),
        attribution.tree.total_weight(),
        attribution.tree.root(),
        attribution.evaluator,
        args.out.display(),
        written.proof_files,
        if written.stale_removed > 0 {
            format!(", {} stale removed", written.stale_removed)
        } else {
            String::new()
        }
    );
    Ok(())
}

fn run_claim(args: ClaimArgs) -> Result<(), Box<dyn Error>> {
    let proof = match (&args.tree, &args.proof) {
        (Some(path), _) => {
            let account = args.account.ok_or("--tree needs --account")?;
            let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let file: TreeFile =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            let tree = file
                .to_tree()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            tree.proof(account).map_err(|e| match e {
                AttributionError::UnknownAccount(_) => format!(
                    "{}: {account} is not in the tree (it was not scored, or its weight is zero)",
                    path.display()
                ),
                other => format!("{}: {other}", path.display()),
            })?
        }
        (None, Some(path)) => {
            let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let file: AttributionProofFile =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            let proof = file
                .to_proof()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if let Some(account) = args.account.filter(|&a| a != proof.contributor) {
                return Err(format!(
                    "{}: the proof is {}'s, not {account}'s",
                    path.display(),
                    proof.contributor
                )
                .into());
            }
            proof
        }
        // clap already refuses this; the function is not only called through clap.
        (None, None) => return Err("give --tree or --proof".into()),
    };
    let claim = attribution::claim(
        &proof,
        args.split_id,
        args.version,
        args.token,
        args.splitter,
    )?;
    write_output(args.out.as_ref(), &to_pretty_json(&claim))?;
    eprintln!(
        "proof of {} shares for {} verifies against root {} ({} hashes)",
        claim.shares,
        claim.recipient,
        claim.weights_root,
        claim.proof.len()
    );
    Ok(())
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
    let files = [
        (&args.out, to_pretty_json(&vectors::usage_v2()?)),
        (
            &args.attribution_out,
            to_pretty_json(&attribution::vectors::attribution_v1()?),
        ),
    ];
    if args.check {
        let stale: Vec<String> = files
            .iter()
            .map(|(path, text)| {
                let committed =
                    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
                Ok((committed != *text).then(|| path.display().to_string()))
            })
            .collect::<Result<Vec<_>, String>>()?
            .into_iter()
            .flatten()
            .collect();
        if !stale.is_empty() {
            return Err(format!(
                "{} {} stale; run `tributary attest vectors`",
                stale.join(" and "),
                if stale.len() == 1 { "is" } else { "are" }
            )
            .into());
        }
        for (path, _) in &files {
            println!("{} is up to date", path.display());
        }
    } else {
        for (path, text) in &files {
            write_output(Some(path), text)?;
            println!("wrote {}", path.display());
        }
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
