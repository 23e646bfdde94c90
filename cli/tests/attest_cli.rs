//! `tributary attest` end to end through the binary: batch, verify, prove, and the errors a
//! user sees.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use alloy::primitives::U256;
use openzeppelin_crypto::merkle::Verifier;
use tributary::attest::{
    json::{receipts_to_jsonl, ReceiptJson},
    vectors::{anchor_address, case_study_receipts, ATTESTOR_KEY, CHAIN_ID},
    BatchFile, ProofFile,
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

#[test]
fn batch_verify_prove_round_trip() {
    let dir = Workdir::new("round-trip");
    let receipts = write_receipts(&dir.path("week.jsonl"));
    let (rpath, bpath, ppath) = (
        dir.path("week.jsonl"),
        dir.path("batch.json"),
        dir.path("proof.json"),
    );
    let (rs, bs, ps) = (
        rpath.to_str().unwrap(),
        bpath.to_str().unwrap(),
        ppath.to_str().unwrap(),
    );
    let chain = CHAIN_ID.to_string();
    let anchor = anchor_address().to_string();
    let key = ATTESTOR_KEY.to_string();

    ok(&tributary(&batch_args(rs, bs, &chain, &anchor), Some(&key)));
    let batch: BatchFile = serde_json::from_str(&std::fs::read_to_string(&bpath).unwrap()).unwrap();
    assert_eq!(batch.batch.receipt_count, 8);
    assert_eq!(batch.batch.total_units, U256::from(2_000_000));
    assert_eq!(batch.leaves.len(), 8);

    let out = ok(&tributary(
        &["verify", "--batch", bs, "--receipts", rs],
        None,
    ));
    assert!(out.starts_with("ok: batch"), "{out}");

    let select = format!("{},{}", receipts[7].job_id, receipts[0].job_id);
    ok(&tributary(
        &[
            "prove",
            "--batch",
            bs,
            "--receipts",
            rs,
            "--select",
            &select,
            "--out",
            ps,
        ],
        None,
    ));
    let proof: ProofFile = serde_json::from_str(&std::fs::read_to_string(&ppath).unwrap()).unwrap();
    assert_eq!(proof.batch_id, batch.batch.batch_id);
    assert_eq!(proof.receipts.len(), 2);
    let leaves: Vec<[u8; 32]> = proof.leaves.iter().map(|l| l.0).collect();
    let hashes: Vec<[u8; 32]> = proof.proof.iter().map(|l| l.0).collect();
    assert_eq!(
        Verifier::verify_multi_proof(&hashes, &proof.flags, batch.batch.root.0, &leaves),
        Ok(true)
    );

    // --all, to standard output.
    let out = ok(&tributary(
        &["prove", "--batch", bs, "--receipts", rs, "--all"],
        None,
    ));
    let all: ProofFile = serde_json::from_str(&out).unwrap();
    assert_eq!(all.receipts.len(), 8);
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
fn verify_reports_a_tampered_batch_and_bad_lines_are_located() {
    let dir = Workdir::new("tamper");
    write_receipts(&dir.path("week.jsonl"));
    let (rpath, bpath) = (dir.path("week.jsonl"), dir.path("batch.json"));
    let (rs, bs) = (rpath.to_str().unwrap(), bpath.to_str().unwrap());
    let chain = CHAIN_ID.to_string();
    let anchor = anchor_address().to_string();
    ok(&tributary(
        &batch_args(rs, bs, &chain, &anchor),
        Some(&ATTESTOR_KEY.to_string()),
    ));

    let text = std::fs::read_to_string(&bpath).unwrap();
    std::fs::write(
        &bpath,
        text.replace("\"totalUnits\": \"2000000\"", "\"totalUnits\": \"1\""),
    )
    .unwrap();
    let err = failed(&tributary(&["verify", "--batch", bs], None));
    assert!(err.contains("digest"), "{err}");

    std::fs::write(&rpath, "{\"jobId\": 1}\n").unwrap();
    let err = failed(&tributary(
        &["prove", "--batch", bs, "--receipts", rs, "--all"],
        None,
    ));
    assert!(err.contains("week.jsonl:1"), "{err}");
}

#[test]
fn prove_requires_a_selection() {
    let out = tributary(
        &["prove", "--batch", "b.json", "--receipts", "r.jsonl"],
        None,
    );
    // clap's usage error (exit 2) naming the missing selection, before any file is read.
    assert_eq!(out.status.code(), Some(2));
    let err = failed(&out);
    assert!(
        err.starts_with(
            "error: the following required arguments were not provided:\n  <--select <SELECT>|--all>\n"
        ),
        "{err}"
    );
}

#[test]
fn help_documents_the_commands() {
    let out = ok(&tributary(&["--help"], None));
    for command in ["batch", "prove", "verify", "vectors"] {
        assert!(out.contains(command), "{out}");
    }
    let out = ok(&tributary(&["batch", "--help"], None));
    assert!(
        out.contains("ATTESTOR_KEY") && out.contains("--chain-id"),
        "{out}"
    );
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
