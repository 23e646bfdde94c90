//! End-to-end tests of the attribution kit: the pipeline, its files, the commands, the shared
//! vectors' contents and a 100,000-contributor build.

use std::{
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
    time::Instant,
};

use alloy::{
    primitives::{keccak256, Address, PrimitiveSignature, B256, U256},
    sol_types::SolCall,
};
use clap::Parser;

use super::{
    vectors::{self, AttributionVectors},
    *,
};
use crate::attest::{
    command::{run, AttestCommand},
    json::to_pretty_json,
    merkle::verify,
    signing::{parse_key, SECP256K1N_HALF},
};

const KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/// A scratch directory under the system's temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "tributary-kit-attribution-{name}-{}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[derive(Debug, Parser)]
struct Cli {
    #[command(subcommand)]
    command: AttestCommand,
}

fn tributary_attest(args: &[&str]) -> Result<(), String> {
    let cli = Cli::try_parse_from(std::iter::once("attest").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    run(cli.command).map_err(|e| e.to_string())
}

fn account(i: u64) -> Address {
    Address::from_slice(&keccak256(i.to_be_bytes())[12..])
}

fn read<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn vector_attribution() -> Attribution {
    let scores = Scores::parse(vectors::SCORES_CSV).unwrap();
    attribute(&scores, &vectors::vector_params(), &parse_key(KEY).unwrap()).unwrap()
}

#[test]
fn clap_definition_is_valid() {
    use clap::CommandFactory;
    Cli::command().debug_assert();
}

#[test]
fn vectors_follow_every_normalisation_rule() {
    let v = vectors::attribution_v1().unwrap();
    let reasons: Vec<(&str, U256)> = v
        .weights
        .iter()
        .map(|w| (w.reason.as_str(), w.weight))
        .collect();
    let zero = U256::ZERO;
    assert_eq!(
        reasons,
        [
            ("", U256::from(215_676_229)),
            ("", U256::from(95_799_180)),
            ("non-positive", zero),
            ("flagged", zero),
            ("non-positive", zero),
            ("", U256::from(47_643_442)),
            ("rounded-to-zero", zero),
            ("", U256::from(512_295)),
            ("", U256::from(640_368_852)),
        ]
    );
    // S = 0.0421 + 0.0187 + 0.0093 + 10^-12 + 0.0001 + 0.125 (the flagged 0.035 is out).
    assert_eq!(
        v.positive_score_sum,
        U256::from(195_200_000_001_000_000_u64)
    );
    assert_eq!(v.weights[2].score_fixed, "-3200000000000000");
    for w in &v.weights {
        let expected = if w.reason.is_empty() {
            let score: U256 = w.score_fixed.parse().unwrap();
            score * U256::from(WEIGHT_SCALE) / v.positive_score_sum
        } else {
            U256::ZERO
        };
        assert_eq!(w.weight, expected, "{}", w.contributor);
    }
    let members: Vec<_> = v.weights.iter().filter(|w| w.reason.is_empty()).collect();
    assert_eq!(v.leaves.len(), members.len());
    assert_eq!(
        v.total_weight,
        members.iter().fold(U256::ZERO, |s, w| s + w.weight)
    );
    assert_eq!(v.total_weight, U256::from(999_999_998));
    assert_eq!(v.tree.len(), 2 * v.leaves.len() - 1);
    assert_eq!(v.tree[0], v.weights_root);
}

#[test]
fn vectors_check_out_independently() {
    let v: AttributionVectors = vectors::attribution_v1().unwrap();
    // Leaves: the double hash of the ABI pair, at their tree index, proven to the root.
    for leaf in &v.leaves {
        let mut word = [0_u8; 64];
        word[12..32].copy_from_slice(leaf.contributor.as_slice());
        word[32..].copy_from_slice(&leaf.weight.to_be_bytes::<32>());
        assert_eq!(leaf.leaf, keccak256(keccak256(word)));
        assert_eq!(v.tree[usize::try_from(leaf.tree_index).unwrap()], leaf.leaf);
        assert!(verify(&leaf.proof, v.weights_root, leaf.leaf));
    }
    // Inner nodes: the sorted-pair hash of their children.
    let n = v.tree.len();
    for i in 0..n / 2 {
        let (a, b) = (v.tree[2 * i + 1], v.tree[2 * i + 2]);
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        assert_eq!(v.tree[i], keccak256([lo.0, hi.0].concat()), "node {i}");
    }
    // The report: its fields, digest, signature and calldata.
    let r = &v.report;
    assert_eq!(r.weights_root, v.weights_root);
    assert_eq!(r.total_weight, v.total_weight);
    assert_eq!(r.metric, keccak256(&v.metric_name));
    assert_eq!(r.benchmark_id, keccak256(&v.benchmark_name));
    assert_eq!(v.report_typehash, keccak256(REPORT_TYPE));
    let mut preimage = vec![0x19, 0x01];
    preimage.extend_from_slice(v.domain_separator.as_slice());
    preimage.extend_from_slice(v.report_struct_hash.as_slice());
    assert_eq!(v.report_digest, keccak256(preimage));
    let report = AttributionReport::from(r);
    assert_eq!(
        v.report_digest,
        report_digest(&report, v.chain_id, v.verifying_contract)
    );
    let signer =
        alloy::signers::local::PrivateKeySigner::from_bytes(&v.evaluator_private_key).unwrap();
    assert_eq!(signer.address(), v.evaluator);
    assert_eq!(
        v.evaluator,
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
            .parse::<Address>()
            .unwrap()
    );
    assert_eq!(v.signature.len(), 65);
    assert!(U256::from_be_slice(&v.signature[32..64]) <= SECP256K1N_HALF);
    let sig = PrimitiveSignature::try_from(v.signature.as_ref()).unwrap();
    assert_eq!(
        sig.recover_address_from_prehash(&v.report_digest).unwrap(),
        v.evaluator
    );
    let call = report::postReportCall::abi_decode(&v.post_report_calldata, true).unwrap();
    assert_eq!(call.report, report);
    assert_eq!(call.signature, v.signature);
    // The claim: the first member's leaf and proof.
    let c = &v.claim;
    assert_eq!(c.recipient, v.leaves[0].contributor);
    assert_eq!(c.shares, v.leaves[0].weight);
    assert_eq!(c.proof, v.leaves[0].proof);
    let call = report::claimMerkleCall::abi_decode(&c.calldata, true).unwrap();
    assert_eq!(
        (
            call.splitId,
            call.version,
            call.recipient,
            call.shares,
            call.token
        ),
        (U256::from(1), 1, c.recipient, c.shares, Address::ZERO)
    );
    assert_eq!(call.proof, c.proof);
}

#[test]
fn files_round_trip_and_verify() {
    let a = vector_attribution();
    let report = a.report_file();
    report.verify().unwrap();
    let parsed: ReportFile = serde_json::from_str(&to_pretty_json(&report)).unwrap();
    assert_eq!(parsed, report);

    let tree = a.tree_file();
    assert_eq!(tree.format, "standard-v1");
    assert_eq!(tree.leaf_encoding, ["address", "uint256"]);
    let parsed: TreeFile = serde_json::from_str(&to_pretty_json(&tree)).unwrap();
    assert_eq!(parsed, tree);
    assert_eq!(parsed.to_tree().unwrap(), a.tree);
    let json: serde_json::Value = serde_json::to_value(&tree).unwrap();
    assert_eq!(
        json["values"][0]["value"],
        serde_json::json!(["0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "215676229"])
    );

    for member in a.tree.members() {
        let file = a.proof_file(member.contributor).unwrap();
        let parsed: ProofFile = serde_json::from_str(&to_pretty_json(&file)).unwrap();
        let proof = parsed.to_proof().unwrap();
        assert_eq!(proof, a.tree.proof(member.contributor).unwrap());
        assert_eq!(
            (parsed.dataset_id, parsed.epoch),
            (U256::from(1), vectors::EPOCH)
        );
    }
    assert_eq!(
        a.proof_file(account(1)),
        Err(AttributionError::UnknownAccount(account(1)))
    );
}

#[test]
fn tampered_files_are_refused() {
    let a = vector_attribution();
    let mut report = a.report_file();
    report.report.total_weight += U256::from(1);
    assert!(report.verify().unwrap_err().to_string().contains("digest"));
    let mut report = a.report_file();
    report.evaluator = account(1);
    assert!(report
        .verify()
        .unwrap_err()
        .to_string()
        .contains("signature"));
    let mut report = a.report_file();
    report.calldata = alloy::primitives::Bytes::from(vec![1, 2, 3]);
    assert!(report
        .verify()
        .unwrap_err()
        .to_string()
        .contains("calldata"));

    let good = a.tree_file();
    let mut edits: Vec<(TreeFile, &str)> = Vec::new();
    let mut t = good.clone();
    t.values[0].value.weight += U256::from(1);
    edits.push((t, "node"));
    let mut t = good.clone();
    t.tree[3] = B256::repeat_byte(3);
    edits.push((t, "node 3"));
    let mut t = good.clone();
    t.values.swap(0, 1);
    let (i0, i1) = (t.values[0].tree_index, t.values[1].tree_index);
    t.values[0].tree_index = i1;
    t.values[1].tree_index = i0;
    edits.push((t, "treeIndex"));
    let mut t = good.clone();
    t.weights_root = B256::repeat_byte(1);
    edits.push((t, "weightsRoot"));
    let mut t = good.clone();
    t.total_weight = U256::from(1_000_000_000);
    edits.push((t, "totalWeight"));
    let mut t = good.clone();
    t.format = "simple-v1".into();
    edits.push((t, "format"));
    let mut t = good.clone();
    t.tree.pop();
    edits.push((t, "nodes for"));
    let mut t = good.clone();
    t.values[1].value.contributor = t.values[0].value.contributor;
    edits.push((t, "twice"));
    let mut t = good;
    t.values[0].value.weight = U256::from(u128::MAX);
    edits.push((t, "2^64"));
    for (tree, expected) in edits {
        let e = tree.to_tree().unwrap_err().to_string();
        assert!(e.contains(expected), "{expected}: {e}");
    }

    let member = a.tree.members()[2].contributor;
    let mut proof = a.proof_file(member).unwrap();
    proof.weight += U256::from(1);
    assert!(proof.to_proof().unwrap_err().to_string().contains("leaf"));
    let mut proof = a.proof_file(member).unwrap();
    proof.proof.reverse();
    assert!(proof
        .to_proof()
        .unwrap_err()
        .to_string()
        .contains("does not reach"));
}

#[test]
fn claim_gives_calldata_and_a_cast_line() {
    let a = vector_attribution();
    let member = a.tree.members()[1];
    let proof = a.tree.proof(member.contributor).unwrap();
    let splitter = Address::repeat_byte(0x5f);
    let c = claim(&proof, U256::from(4), 2, Address::ZERO, Some(splitter)).unwrap();
    let call = report::claimMerkleCall::abi_decode(&c.calldata, true).unwrap();
    assert_eq!(call.splitId, U256::from(4));
    assert_eq!(call.version, 2);
    assert_eq!(call.recipient, member.contributor);
    assert_eq!(call.shares, U256::from(member.weight));
    assert_eq!(call.proof, proof.proof);
    assert_eq!(call.token, Address::ZERO);
    let hashes: Vec<String> = proof.proof.iter().map(ToString::to_string).collect();
    assert_eq!(
        c.cast.as_deref().unwrap(),
        format!(
            "cast send 0x5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f \
             \"claimMerkle(uint256,uint32,address,uint256,bytes32[],address)\" 4 2 \
             0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc 95799180 '[{}]' \
             0x0000000000000000000000000000000000000000",
            hashes.join(",")
        )
    );
    let without = claim(&proof, U256::from(4), 2, Address::ZERO, None).unwrap();
    assert_eq!((without.splitter, without.cast), (None, None));
    let mut bad = proof;
    bad.weight *= 2;
    assert!(claim(&bad, U256::from(4), 2, Address::ZERO, None).is_err());
}

#[test]
fn write_to_writes_every_file_and_removes_stale_proofs() {
    let dir = Scratch::new("write");
    let a = vector_attribution();
    let out = dir.path("epoch-1");
    let stale = out
        .join("proofs")
        .join(format!("0x{}.json", "ab".repeat(20)));
    fs::create_dir_all(stale.parent().unwrap()).unwrap();
    fs::write(&stale, "{}").unwrap();
    fs::write(out.join("proofs").join("notes.txt"), "mine").unwrap();

    let written = a.write_to(&out, true).unwrap();
    assert_eq!(
        written,
        WriteSummary {
            proof_files: 5,
            stale_removed: 1
        }
    );
    assert!(!stale.exists());
    assert!(out.join("proofs/notes.txt").exists(), "foreign files stay");
    let report: ReportFile = read(&out.join("report.json"));
    assert_eq!(report, a.report_file());
    assert_eq!(
        fs::read_to_string(out.join("weights.csv")).unwrap(),
        a.weights_csv()
    );
    let tree: TreeFile = read(&out.join("tree.json"));
    assert_eq!(tree.to_tree().unwrap().root(), a.tree.root());
    for member in a.tree.members() {
        let name = format!("0x{}.json", alloy::hex::encode(member.contributor));
        let proof: ProofFile = read(&out.join("proofs").join(name));
        assert_eq!(proof, a.proof_file(member.contributor).unwrap());
    }

    let written = a.write_to(&out, false).unwrap();
    assert_eq!(
        written,
        WriteSummary {
            proof_files: 0,
            stale_removed: 5
        }
    );
    assert!(out.join("proofs/notes.txt").exists());
    fs::remove_file(out.join("proofs/notes.txt")).unwrap();
    a.write_to(&out, false).unwrap();
    assert!(!out.join("proofs").exists(), "an emptied proofs/ goes");
}

/// The arguments of `attest attribution` for the vectors' report.
fn attribution_args<'a>(
    scores: &'a str,
    out: &'a str,
    benchmark: &'a str,
    datanets: &'a str,
    metric: &'a str,
) -> Vec<&'a str> {
    vec![
        "attribution",
        "--scores",
        scores,
        "--dataset-id",
        "1",
        "--version",
        "1",
        "--epoch",
        "1",
        "--benchmark-id",
        benchmark,
        "--metric",
        metric,
        "--deadline",
        "1769904000",
        "--chain-id",
        "412346",
        "--datanets",
        datanets,
        "--key",
        KEY,
        "--out",
        out,
    ]
}

#[test]
fn attribution_command_writes_the_vectors_report() {
    let dir = Scratch::new("attribution-command");
    let scores = dir.path("scores.csv");
    fs::write(&scores, vectors::SCORES_CSV).unwrap();
    let out = dir.path("epoch-1");
    let benchmark = keccak256(vectors::BENCHMARK_NAME).to_string();
    let datanets = vectors::DATANETS.to_string();
    let (scores_arg, out_arg) = (scores.to_str().unwrap(), out.to_str().unwrap());
    let args = |metric| attribution_args(scores_arg, out_arg, &benchmark, &datanets, metric);

    tributary_attest(&args("accuracy")).unwrap();
    let report: ReportFile = read(&out.join("report.json"));
    let v = vectors::attribution_v1().unwrap();
    let expected = ReportFile {
        chain_id: v.chain_id,
        verifying_contract: v.verifying_contract,
        report: v.report,
        report_digest: v.report_digest,
        evaluator: v.evaluator,
        signature: v.signature,
        calldata: v.post_report_calldata,
    };
    assert_eq!(report, expected, "the command writes the vectors' report");
    assert_eq!(fs::read_dir(out.join("proofs")).unwrap().count(), 5);

    // The metric given as its hash gives the same report; --no-proof-files drops proofs/.
    let metric_hash = keccak256("accuracy").to_string();
    let mut no_proofs = args(&metric_hash);
    no_proofs.push("--no-proof-files");
    tributary_attest(&no_proofs).unwrap();
    assert_eq!(read::<ReportFile>(&out.join("report.json")), report);
    assert!(!out.join("proofs").exists());

    fs::write(
        &scores,
        format!(
            "{}0x70997970c51812dc3a010c7d01b50e0d17dc79c8,1,\n",
            vectors::SCORES_CSV
        ),
    )
    .unwrap();
    let e = tributary_attest(&args("accuracy")).unwrap_err();
    assert!(
        e.starts_with(&format!("{scores_arg}:14: duplicate contributor")),
        "{e}"
    );
    assert!(e.contains("first on line 4"), "{e}");
    fs::write(
        &scores,
        "contributor,score\n0x70997970c51812dc3a010c7d01b50e0d17dc79c8,-1\n",
    )
    .unwrap();
    let e = tributary_attest(&args("accuracy")).unwrap_err();
    assert!(e.contains("no contributor has a positive score"), "{e}");
    let e = tributary_attest(&args("0x1234")).unwrap_err();
    assert!(e.contains("invalid metric"), "{e}");
    let mut no_key = args("accuracy");
    no_key.retain(|&a| a != "--key" && a != KEY);
    no_key.extend(["--key", "0x1234"]);
    let e = tributary_attest(&no_key).unwrap_err();
    assert!(e.contains("evaluator key"), "{e}");
}

#[test]
fn claim_command_proves_from_the_tree_or_a_proof_file() {
    let dir = Scratch::new("claim-command");
    let out = dir.path("epoch-1");
    vector_attribution().write_to(&out, true).unwrap();
    let member = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
    let tree = out.join("tree.json");
    let proof = out.join("proofs").join(format!("{member}.json"));
    let claim_out = dir.path("claim.json");
    let (tree_arg, proof_arg, out_arg) = (
        tree.to_str().unwrap(),
        proof.to_str().unwrap(),
        claim_out.to_str().unwrap(),
    );
    let splitter = "0x5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f";
    let common = ["--split-id", "1", "--version", "2", "--splitter", splitter];

    let mut args = vec![
        "claim",
        "--tree",
        tree_arg,
        "--account",
        member,
        "--out",
        out_arg,
    ];
    args.extend(common);
    tributary_attest(&args).unwrap();
    let from_tree: ClaimFile = read(&claim_out);
    assert_eq!(from_tree.shares, U256::from(95_799_180));
    assert!(from_tree
        .cast
        .as_deref()
        .unwrap()
        .starts_with("cast send 0x5f5f"));

    let mut args = vec!["claim", "--proof", proof_arg, "--out", out_arg];
    args.extend(common);
    tributary_attest(&args).unwrap();
    assert_eq!(read::<ClaimFile>(&claim_out), from_tree);

    // An unknown account, someone else's proof, a missing --account or source.
    let zeroed = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
    let mut args = vec!["claim", "--tree", tree_arg, "--account", zeroed];
    args.extend(common);
    let e = tributary_attest(&args).unwrap_err();
    assert!(e.contains("is not in the tree"), "{e}");
    let mut args = vec!["claim", "--proof", proof_arg, "--account", zeroed];
    args.extend(common);
    let e = tributary_attest(&args).unwrap_err();
    assert!(e.contains("not 0x90F7"), "{e}");
    let mut args = vec!["claim", "--tree", tree_arg];
    args.extend(common);
    let e = tributary_attest(&args).unwrap_err();
    assert!(e.contains("--account"), "{e}");
    let mut args = vec!["claim", "--account", member];
    args.extend(common);
    let e = tributary_attest(&args).unwrap_err();
    assert!(e.contains("--tree") && e.contains("--proof"), "{e}");
}

#[test]
fn vectors_command_writes_and_checks_both_files() {
    let dir = Scratch::new("vectors");
    let usage = dir.path("usage_v2.json");
    let attribution = dir.path("attribution_v1.json");
    let args = [
        "vectors",
        "--out",
        usage.to_str().unwrap(),
        "--attribution-out",
        attribution.to_str().unwrap(),
    ];
    tributary_attest(&args).unwrap();
    assert_eq!(
        fs::read_to_string(&attribution).unwrap(),
        to_pretty_json(&vectors::attribution_v1().unwrap())
    );
    let mut check = args.to_vec();
    check.push("--check");
    tributary_attest(&check).unwrap();
    fs::write(&attribution, "{}").unwrap();
    let e = tributary_attest(&check).unwrap_err();
    assert!(e.contains("attribution_v1.json is stale"), "{e}");
}

/// A distinct address per `i` without hashing (keccak is slow in debug builds).
fn cheap_account(i: u64) -> Address {
    let mut bytes = [0xc0_u8; 20];
    bytes[4..12].copy_from_slice(&i.wrapping_mul(0x9e37_79b9_7f4a_7c15).to_be_bytes());
    bytes[12..].copy_from_slice(&i.to_be_bytes());
    Address::from(bytes)
}

/// 100,000 contributors, a few flagged or negative: parse, normalise, build, sign, and prove
/// the first, middle and last members. Runs in the debug test profile too.
#[test]
fn a_100k_contributor_set_builds_and_proves() {
    const N: u64 = 100_000;
    let started = Instant::now();
    let mut csv = String::with_capacity(70 * 100_001);
    csv.push_str("contributor,score,flagged\n");
    for i in 0..N {
        let negative = if i % 50 == 7 { "-" } else { "" };
        let flagged = i % 101 == 3;
        let _ = writeln!(
            csv,
            "{},{negative}{}.{:06},{flagged}",
            alloy::hex::encode_prefixed(cheap_account(i)),
            i % 97,
            (i * 7919) % 1_000_000
        );
    }
    let scores = Scores::parse(&csv).unwrap();
    assert_eq!(scores.len(), 100_000);
    let params = vectors::vector_params();
    let a = attribute(&scores, &params, &parse_key(KEY).unwrap()).unwrap();
    let members = a.tree.members();
    assert!(members.len() > 95_000, "{}", members.len());
    assert_eq!(members.len() + a.weights.zeroed_count(), 100_000);
    assert!(a.tree.total_weight() <= WEIGHT_SCALE);
    assert!(a.tree.total_weight() > WEIGHT_SCALE - members.len() as u64);
    for member in [
        members[0],
        members[members.len() / 2],
        members[members.len() - 1],
    ] {
        let proof = a.tree.proof(member.contributor).unwrap();
        assert!(proof.verify());
        assert!((16..=17).contains(&proof.proof.len()));
        let c = claim(&proof, U256::from(1), 1, Address::ZERO, None).unwrap();
        assert_eq!(c.shares, U256::from(member.weight));
    }
    a.report_file().verify().unwrap();
    let elapsed = started.elapsed();
    eprintln!("100k contributors: {elapsed:?}");
}
