//! `tributary attest` end to end through the binary: batch, verify, prove (leaves and
//! receipts), and the errors a user sees.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

mod attest_support;

use alloy::primitives::U256;
use attest_support::{oz_verify, oz_verify_multi};
use tributary::attest::{
    json::{receipts_to_jsonl, ReceiptJson},
    vectors::{anchor_address, case_study_receipts, ATTESTOR_KEY, CHAIN_ID},
    BatchFile, ProofFile, ReceiptProofFile,
};

struct Workdir(PathBuf);

impl Workdir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("tributary-attest-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for Workdir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tributary(args: &[&str], key_env: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tributary"));
    cmd.arg("attest").args(args).env_remove("ATTESTOR_KEY");
    if let Some(key) = key_env {
        cmd.env("ATTESTOR_KEY", key);
    }
    cmd.output().expect("tributary runs")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn failed(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "unexpected success: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Writes the case study's receipts without the `attestor` field (it defaults to the signer).
fn write_receipts(path: &Path) -> Vec<ReceiptJson> {
    let signer_address = tributary::attest::signing::parse_key(&ATTESTOR_KEY.to_string())
        .unwrap()
        .address();
    let receipts: Vec<ReceiptJson> = case_study_receipts(signer_address)
        .iter()
        .map(|r| ReceiptJson {
            attestor: None,
            ..ReceiptJson::from(r)
        })
        .collect();
    std::fs::write(path, format!("# week 2\n{}", receipts_to_jsonl(&receipts))).unwrap();
    receipts
}

fn read<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn batch_args<'a>(
    receipts: &'a str,
    out: &'a str,
    chain: &'a str,
    anchor: &'a str,
) -> Vec<&'a str> {
    vec![
        "batch",
        "--receipts",
        receipts,
        "--chain-id",
        chain,
        "--anchor",
        anchor,
        "--out",
        out,
    ]
}

/// A work directory with the case study's receipts and their signed batch.
fn batched(name: &str) -> (Workdir, Vec<ReceiptJson>) {
    let dir = Workdir::new(name);
    let receipts = write_receipts(&dir.path("week.jsonl"));
    let (rpath, bpath) = (dir.path("week.jsonl"), dir.path("batch.json"));
    let chain = CHAIN_ID.to_string();
    let anchor = anchor_address().to_string();
    ok(&tributary(
        &batch_args(
            rpath.to_str().unwrap(),
            bpath.to_str().unwrap(),
            &chain,
            &anchor,
        ),
        Some(&ATTESTOR_KEY.to_string()),
    ));
    (dir, receipts)
}

#[test]
fn batch_verify_prove_round_trip() {
    let (dir, _) = batched("round-trip");
    let (rpath, bpath) = (dir.path("week.jsonl"), dir.path("batch.json"));
    let (rs, bs) = (rpath.to_str().unwrap(), bpath.to_str().unwrap());
    let batch: BatchFile = read(&bpath);
    assert_eq!(batch.batch.leaf_count, 2);
    assert_eq!(batch.batch.receipt_count, 8);
    assert_eq!(batch.batch.total_units, U256::from(2_000_000));
    assert_eq!(batch.batch.deadline, batch.batch.period_end + 604_800);
    assert_eq!(batch.leaves.len(), 2);
    assert_eq!(
        batch.receipt_leaves[0].len() + batch.receipt_leaves[1].len(),
        8
    );

    let out = ok(&tributary(
        &["verify", "--batch", bs, "--receipts", rs],
        None,
    ));
    assert!(out.starts_with("ok: batch"), "{out}");

    // One leaf by index: settle and holdEscrow.
    let settle = dir.path("settle.json");
    ok(&tributary(
        &[
            "prove",
            "--batch",
            bs,
            "--select",
            "1",
            "--out",
            settle.to_str().unwrap(),
        ],
        None,
    ));
    let proof: ProofFile = read(&settle);
    assert_eq!(proof.batch, batch.batch);
    assert_eq!(proof.leaves, [batch.leaves[1].clone()]);
    assert!(proof.hold_escrow_calldata.is_some());
    assert!(oz_verify_multi(
        &proof.proof,
        &proof.proof_flags,
        batch.batch.root,
        &proof.leaf_hashes
    ));

    // By license, and every leaf to standard output.
    let out = ok(&tributary(
        &["prove", "--batch", bs, "--license", "1,2"],
        None,
    ));
    let by_license: ProofFile = serde_json::from_str(&out).unwrap();
    assert_eq!(by_license.leaves.len(), 2);
    assert_eq!(by_license.hold_escrow_calldata, None);
    let out = ok(&tributary(&["prove", "--batch", bs, "--all"], None));
    let all: ProofFile = serde_json::from_str(&out).unwrap();
    assert_eq!(all.settle_calldata, by_license.settle_calldata);
}

#[test]
fn a_receipt_is_proven_down_to_the_root_and_proofs_verify() {
    let (dir, receipts) = batched("receipt");
    let (rpath, bpath) = (dir.path("week.jsonl"), dir.path("batch.json"));
    let (rs, bs) = (rpath.to_str().unwrap(), bpath.to_str().unwrap());
    let batch: BatchFile = read(&bpath);
    let settle = dir.path("settle.json");
    ok(&tributary(
        &[
            "prove",
            "--batch",
            bs,
            "--select",
            "1",
            "--out",
            settle.to_str().unwrap(),
        ],
        None,
    ));
    let receipt = dir.path("receipt.json");
    let job = receipts[3].job_id.to_string();
    ok(&tributary(
        &[
            "prove",
            "--batch",
            bs,
            "--receipts",
            rs,
            "--receipt",
            &job,
            "--out",
            receipt.to_str().unwrap(),
        ],
        None,
    ));
    let rproof: ReceiptProofFile = read(&receipt);
    assert_eq!(rproof.receipt.job_id, receipts[3].job_id);
    assert_eq!(rproof.leaf.license_id, U256::from(2));
    assert!(oz_verify(
        &rproof.receipt_proof,
        rproof.leaf.receipts_root,
        rproof.receipt_leaf
    ));
    assert!(oz_verify(
        &rproof.leaf_proof,
        batch.batch.root,
        rproof.leaf_hash
    ));

    let out = ok(&tributary(
        &[
            "verify",
            "--batch",
            bs,
            "--proof",
            settle.to_str().unwrap(),
            "--proof",
            receipt.to_str().unwrap(),
        ],
        None,
    ));
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.contains("settlement proof of 1 usage leaves"), "{out}");
    assert!(
        out.contains(&format!("receipt proof of {job} in leaf 1")),
        "{out}"
    );
    // A proof alone is checked against the batch it carries.
    ok(&tributary(
        &["verify", "--proof", receipt.to_str().unwrap()],
        None,
    ));
}

#[test]
fn legacy_dataset_ids_and_scope_names_give_the_same_batch() {
    let (dir, _) = batched("legacy");
    let legacy = std::fs::read_to_string(dir.path("week.jsonl"))
        .unwrap()
        .replace("\"assetId\"", "\"datasetId\"")
        .replace("\"scope\":\"1\"", "\"scope\":\"train\"");
    assert!(legacy.contains("datasetId") && legacy.contains("train"));
    std::fs::write(dir.path("legacy.jsonl"), legacy).unwrap();
    let (lpath, out) = (dir.path("legacy.jsonl"), dir.path("legacy.json"));
    let chain = CHAIN_ID.to_string();
    let anchor = anchor_address().to_string();
    ok(&tributary(
        &batch_args(
            lpath.to_str().unwrap(),
            out.to_str().unwrap(),
            &chain,
            &anchor,
        ),
        Some(&ATTESTOR_KEY.to_string()),
    ));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        std::fs::read_to_string(dir.path("batch.json")).unwrap()
    );
}

#[test]
fn deadline_flag_is_signed_and_checked() {
    let dir = Workdir::new("deadline");
    write_receipts(&dir.path("week.jsonl"));
    let (rpath, bpath) = (dir.path("week.jsonl"), dir.path("batch.json"));
    let (rs, bs) = (rpath.to_str().unwrap(), bpath.to_str().unwrap());
    let chain = CHAIN_ID.to_string();
    let anchor = anchor_address().to_string();
    let key = ATTESTOR_KEY.to_string();
    let mut args = batch_args(rs, bs, &chain, &anchor);
    args.extend(["--period-end", "1768175999", "--deadline", "1768200000"]);
    ok(&tributary(&args, Some(&key)));
    let batch: BatchFile = read(&bpath);
    assert_eq!(batch.batch.deadline, 1_768_200_000);
    ok(&tributary(&["verify", "--batch", bs], None));

    let mut args = batch_args(rs, bs, &chain, &anchor);
    args.extend(["--period-end", "1768175999", "--deadline", "1768175998"]);
    let err = failed(&tributary(&args, Some(&key)));
    assert!(
        err.contains("deadline 1768175998 is before the period end"),
        "{err}"
    );
}

#[test]
fn key_flag_works_and_a_missing_key_is_reported() {
    let dir = Workdir::new("key");
    write_receipts(&dir.path("week.jsonl"));
    let (rpath, bpath) = (dir.path("week.jsonl"), dir.path("batch.json"));
    let (rs, bs) = (rpath.to_str().unwrap(), bpath.to_str().unwrap());
    let chain = CHAIN_ID.to_string();
    let anchor = anchor_address().to_string();

    let err = failed(&tributary(&batch_args(rs, bs, &chain, &anchor), None));
    assert!(err.contains("ATTESTOR_KEY"), "{err}");

    let key = ATTESTOR_KEY.to_string();
    let mut args = batch_args(rs, bs, &chain, &anchor);
    args.extend(["--key", &key]);
    ok(&tributary(&args, None));

    let err = failed(&tributary(
        &batch_args(rs, bs, &chain, &anchor),
        Some("0x1234"),
    ));
    assert!(err.contains("invalid private key"), "{err}");
}

#[test]
fn a_key_that_did_not_meter_the_receipts_cannot_sign_them() {
    let dir = Workdir::new("foreign");
    let rpath = dir.path("week.jsonl");
    let signer_address = tributary::attest::signing::parse_key(&ATTESTOR_KEY.to_string())
        .unwrap()
        .address();
    let receipts: Vec<ReceiptJson> = case_study_receipts(signer_address)
        .iter()
        .map(ReceiptJson::from)
        .collect();
    std::fs::write(&rpath, receipts_to_jsonl(&receipts)).unwrap();
    let bpath = dir.path("batch.json");
    let other_key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    let chain = CHAIN_ID.to_string();
    let anchor = anchor_address().to_string();
    let err = failed(&tributary(
        &batch_args(
            rpath.to_str().unwrap(),
            bpath.to_str().unwrap(),
            &chain,
            &anchor,
        ),
        Some(other_key),
    ));
    assert!(err.contains("names attestor"), "{err}");
}

#[test]
fn verify_reports_tampered_files_and_bad_lines_are_located() {
    let (dir, receipts) = batched("tamper");
    let (rpath, bpath) = (dir.path("week.jsonl"), dir.path("batch.json"));
    let (rs, bs) = (rpath.to_str().unwrap(), bpath.to_str().unwrap());
    let good = std::fs::read_to_string(&bpath).unwrap();

    // A proof of the good batch, then the batch tampered with.
    let settle = dir.path("settle.json");
    ok(&tributary(
        &[
            "prove",
            "--batch",
            bs,
            "--all",
            "--out",
            settle.to_str().unwrap(),
        ],
        None,
    ));
    std::fs::write(
        &bpath,
        good.replace("\"totalUnits\": \"2000000\"", "\"totalUnits\": \"1\""),
    )
    .unwrap();
    let err = failed(&tributary(&["verify", "--batch", bs], None));
    assert!(err.contains("batch.json: the batch says 1 units"), "{err}");
    let err = failed(&tributary(&["prove", "--batch", bs, "--all"], None));
    assert!(err.contains("the batch says 1 units"), "{err}");

    // A tampered proof of the good batch.
    std::fs::write(&bpath, &good).unwrap();
    let proof = std::fs::read_to_string(&settle).unwrap();
    std::fs::write(
        &settle,
        proof.replace(
            "\"proofFlags\": [\n    true",
            "\"proofFlags\": [\n    false",
        ),
    )
    .unwrap();
    let err = failed(&tributary(
        &["verify", "--batch", bs, "--proof", settle.to_str().unwrap()],
        None,
    ));
    assert!(
        err.contains("settle.json: the leaf proof does not reach the batch root"),
        "{err}"
    );

    std::fs::write(&rpath, "{\"jobId\": 1}\n").unwrap();
    let job = receipts[0].job_id.to_string();
    let err = failed(&tributary(
        &["prove", "--batch", bs, "--receipts", rs, "--receipt", &job],
        None,
    ));
    assert!(err.contains("week.jsonl:1"), "{err}");
}

#[test]
fn prove_requires_exactly_one_selection() {
    let out = tributary(&["prove", "--batch", "b.json"], None);
    // clap's usage error (exit 2) naming the missing selection, before any file is read.
    assert_eq!(out.status.code(), Some(2));
    let err = failed(&out);
    assert!(
        err.starts_with(
            "error: the following required arguments were not provided:\n  \
             <--select <SELECT>|--license <LICENSE>|--all|--receipt <RECEIPT>>\n"
        ),
        "{err}"
    );
    let out = tributary(
        &["prove", "--batch", "b.json", "--all", "--select", "0"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = failed(&out);
    assert!(err.contains("cannot be used with"), "{err}");

    let job = format!("0x{}", "11".repeat(32));
    let out = tributary(&["prove", "--batch", "b.json", "--receipt", &job], None);
    assert_eq!(out.status.code(), Some(2));
    let err = failed(&out);
    assert!(err.contains("--receipts <RECEIPTS>"), "{err}");
}

#[test]
fn help_documents_the_commands() {
    let out = ok(&tributary(&["--help"], None));
    for command in [
        "batch",
        "prove",
        "verify",
        "attribution",
        "claim",
        "vectors",
    ] {
        assert!(out.contains(command), "{out}");
    }
    let out = ok(&tributary(&["batch", "--help"], None));
    for flag in ["ATTESTOR_KEY", "--chain-id", "--deadline"] {
        assert!(out.contains(flag), "{out}");
    }
    let out = ok(&tributary(&["prove", "--help"], None));
    for flag in ["--select", "--license", "--all", "--receipt", "--receipts"] {
        assert!(out.contains(flag), "{out}");
    }
    let out = ok(&tributary(&["vectors", "--help"], None));
    for file in [
        "tests/vectors/usage_v2.json",
        "tests/vectors/attribution_v1.json",
    ] {
        assert!(out.contains(file), "{out}");
    }
}

#[test]
fn batch_takes_the_chain_and_anchor_from_a_deployment_file() {
    let dir = Workdir::new("deployment");
    write_receipts(&dir.path("week.jsonl"));
    let deployment = tributary::deploy::Deployment {
        chain_id: CHAIN_ID,
        deployer: alloy::primitives::Address::repeat_byte(1),
        contracts: tributary::contracts::Contracts::try_from_fn(|contract| {
            use tributary::contracts::Contract;
            Ok::<_, ()>(tributary::deploy::Deployed {
                address: if contract == Contract::UsageAnchor {
                    anchor_address()
                } else {
                    alloy::primitives::Address::with_last_byte(contract as u8)
                },
                codehash: alloy::primitives::B256::ZERO,
                transaction: alloy::primitives::B256::ZERO,
                gas_used: 0,
            })
        })
        .unwrap(),
        parameters: tributary::deploy::UsageParameters::default(),
        wiring: Vec::new(),
    };
    deployment.save(&dir.path("deployment.json")).unwrap();
    let (rpath, dpath, from_file, from_flags) = (
        dir.path("week.jsonl"),
        dir.path("deployment.json"),
        dir.path("from-file.json"),
        dir.path("from-flags.json"),
    );
    let key = ATTESTOR_KEY.to_string();
    let chain = CHAIN_ID.to_string();
    let anchor = anchor_address().to_string();
    let args = [
        "batch",
        "--receipts",
        rpath.to_str().unwrap(),
        "--deployment",
        dpath.to_str().unwrap(),
        "--out",
        from_file.to_str().unwrap(),
    ];
    ok(&tributary(&args, Some(&key)));
    ok(&tributary(
        &batch_args(
            rpath.to_str().unwrap(),
            from_flags.to_str().unwrap(),
            &chain,
            &anchor,
        ),
        Some(&key),
    ));
    assert_eq!(
        std::fs::read_to_string(&from_file).unwrap(),
        std::fs::read_to_string(&from_flags).unwrap(),
        "the same batch either way"
    );
}
