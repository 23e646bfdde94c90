//! The shared vectors `tests/vectors/usage_v2.json`: regenerating them gives the committed file,
//! and every value in it checks out independently of the code that wrote it (flat ABI
//! encodings, a separately written tree, alloy's EIP-712 hashing, `openzeppelin-crypto`'s
//! verifiers, an independent declaration of the calls).
//!
//! `tributary attest vectors` writes (and with `--check` checks) both shared vector files, the
//! usage vectors and `tests/vectors/attribution_v1.json` (the attestor kit's attribution
//! vectors, recomputed in `kit/src/attest/attribution/tests.rs` and replayed on the Datanets
//! contract in its motsu tests): both committed files are up to date, and the binary's check
//! fails on a stale copy of either.

mod attest_support;

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use alloy::{
    primitives::{keccak256, Address, PrimitiveSignature, B256, U256},
    signers::local::PrivateKeySigner,
    sol_types::{eip712_domain, SolCall, SolStruct, SolValue},
};
use attest_support::{oz_verify, oz_verify_multi, spec, standard_root};
use tributary::attest::{
    attribution::vectors::attribution_v1,
    json::to_pretty_json,
    signing::SECP256K1N_HALF,
    types::{Receipt, UsageLeaf},
    vectors::{self, UsageVectors},
};

fn vector_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/usage_v2.json")
}

fn attribution_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/attribution_v1.json")
}

/// `tributary attest vectors --check` of the usage vectors at `usage` and the attribution
/// vectors at `attribution`.
fn check_vectors(usage: &Path, attribution: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tributary"))
        .args(["attest", "vectors", "--check", "--out"])
        .arg(usage)
        .arg("--attribution-out")
        .arg(attribution)
        .output()
        .expect("tributary runs")
}

/// A scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "tributary-attest-vectors-{name}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn committed() -> UsageVectors {
    let text = std::fs::read_to_string(vector_path()).expect("committed vectors");
    serde_json::from_str(&text).expect("vectors parse")
}

fn receipts(v: &UsageVectors) -> Vec<Receipt> {
    v.receipts
        .iter()
        .map(|r| r.to_receipt(Address::ZERO))
        .collect()
}

fn leaves(v: &UsageVectors) -> Vec<UsageLeaf> {
    v.leaves.iter().map(UsageLeaf::from).collect()
}

/// `keccak256(keccak256(abi.encode(fields...)))` of a receipt, from its fields.
fn flat_receipt_hash(r: &Receipt) -> B256 {
    keccak256(keccak256(
        (
            r.jobId,
            r.licenseId,
            r.assetId,
            r.modelHash,
            r.scope,
            // `u8` is not a `SolValue` (it would be ambiguous with bytes); a uint8 is one word.
            U256::from(r.unit),
            r.units,
            U256::from(r.timestamp),
            r.attestor,
        )
            .abi_encode(),
    ))
}

fn flat_leaf_hash(l: &UsageLeaf) -> B256 {
    keccak256(keccak256(
        (
            U256::from(l.index),
            l.licenseId,
            l.assetId,
            l.scope,
            U256::from(l.unit),
            l.units,
            U256::from(l.receiptCount),
            U256::from(l.firstAt),
            U256::from(l.lastAt),
            l.receiptsRoot,
        )
            .abi_encode(),
    ))
}

fn spec_batch(v: &UsageVectors) -> spec::Batch {
    let b = &v.batch;
    spec::Batch {
        batchId: b.batch_id,
        attestor: b.attestor,
        root: b.root,
        leafCount: b.leaf_count,
        receiptCount: b.receipt_count,
        totalUnits: b.total_units,
        periodStart: b.period_start,
        periodEnd: b.period_end,
        deadline: b.deadline,
    }
}

fn spec_leaf(l: &UsageLeaf) -> spec::UsageLeaf {
    spec::UsageLeaf {
        index: l.index,
        licenseId: l.licenseId,
        assetId: l.assetId,
        scope: l.scope,
        unit: l.unit,
        units: l.units,
        receiptCount: l.receiptCount,
        firstAt: l.firstAt,
        lastAt: l.lastAt,
        receiptsRoot: l.receiptsRoot,
    }
}

#[test]
fn committed_vectors_are_up_to_date() {
    let files = [
        (
            vector_path(),
            to_pretty_json(&vectors::usage_v2().expect("vectors generate")),
        ),
        (
            attribution_path(),
            to_pretty_json(&attribution_v1().expect("attribution vectors generate")),
        ),
    ];
    for (path, generated) in files {
        let committed = std::fs::read_to_string(&path).expect("committed vectors");
        assert!(
            generated == committed,
            "{} is stale: run `cargo run -p tributary -- attest vectors`",
            path.display()
        );
    }
}

#[test]
fn vectors_check_covers_both_files() {
    // The committed files pass the binary's check, each reported.
    let out = check_vectors(&vector_path(), &attribution_path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in [
        "usage_v2.json is up to date",
        "attribution_v1.json is up to date",
    ] {
        assert!(stdout.contains(file), "{stdout}");
    }

    // A stale copy of either file fails it, and only that file is named.
    let dir = Scratch::new("check");
    let (usage, attribution) = (dir.path("usage_v2.json"), dir.path("attribution_v1.json"));
    let committed_usage = std::fs::read_to_string(vector_path()).unwrap();
    let committed_attribution = std::fs::read_to_string(attribution_path()).unwrap();
    let chain = "\"chainId\": 412346";
    assert!(committed_usage.contains(chain) && committed_attribution.contains(chain));
    let stale = |text: &str| text.replacen(chain, "\"chainId\": 412345", 1);
    for (usage_text, attribution_text, named, fine) in [
        (
            committed_usage.clone(),
            stale(&committed_attribution),
            "attribution_v1.json is stale",
            "usage_v2.json",
        ),
        (
            stale(&committed_usage),
            committed_attribution.clone(),
            "usage_v2.json is stale",
            "attribution_v1.json",
        ),
    ] {
        std::fs::write(&usage, usage_text).unwrap();
        std::fs::write(&attribution, attribution_text).unwrap();
        let out = check_vectors(&usage, &attribution);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "unexpected success: {stderr}");
        assert!(stderr.contains(named), "{stderr}");
        assert!(!stderr.contains(fine), "{stderr}");
        assert!(
            stderr.contains("run `tributary attest vectors`"),
            "{stderr}"
        );
    }
    // A missing attribution file fails it too.
    std::fs::write(&usage, &committed_usage).unwrap();
    std::fs::remove_file(&attribution).unwrap();
    let out = check_vectors(&usage, &attribution);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "unexpected success: {stderr}");
    assert!(stderr.contains("attribution_v1.json"), "{stderr}");
}

#[test]
fn case_study_is_the_seed_week_with_scope_train() {
    let v = committed();
    assert_eq!(v.chain_id, 412_346);
    assert_eq!(v.verifying_contract, vectors::DEPLOYER.create(3));
    let rs = receipts(&v);
    assert_eq!(rs.len(), 8);
    let licenses: Vec<u64> = rs.iter().map(|r| r.licenseId.to()).collect();
    assert_eq!(licenses, [1, 2, 1, 2, 1, 1, 2, 1]);
    for (r, n) in rs.iter().zip(1_u64..) {
        assert_eq!(
            r.jobId,
            keccak256(format!("tributary:case-study:job:{n:04}"))
        );
        assert_eq!(r.attestor, v.attestor, "every receipt names the attestor");
        assert_eq!(
            (r.assetId, r.scope, r.unit),
            (U256::from(1), U256::from(1), 0)
        );
        assert!((v.batch.period_start..=v.batch.period_end).contains(&r.timestamp));
    }
    let b = &v.batch;
    assert_eq!(b.period_start, vectors::PERIOD_START);
    assert_eq!(b.period_end - b.period_start + 1, 7 * 86_400);
    assert_eq!(b.deadline, b.period_end + 7 * 86_400);
    // 2,000,000 samples at 10^10 wei per sample: 0.02 ETH of fees for the week.
    assert_eq!(b.total_units, U256::from(2_000_000));
}

#[test]
fn receipt_hashes_and_receipt_roots_are_recomputed() {
    let v = committed();
    let rs = receipts(&v);
    for (r, hash) in rs.iter().zip(&v.receipt_hashes) {
        assert_eq!(flat_receipt_hash(r), *hash);
    }
    for (leaf, listed) in leaves(&v).iter().zip(&v.receipt_leaves) {
        // The leaf's receipts in (timestamp, jobId) order.
        let mut members: Vec<&Receipt> = rs
            .iter()
            .filter(|r| {
                (r.licenseId, r.assetId, r.scope, r.unit)
                    == (leaf.licenseId, leaf.assetId, leaf.scope, leaf.unit)
            })
            .collect();
        members.sort_by_key(|r| (r.timestamp, r.jobId));
        let hashes: Vec<B256> = members.iter().map(|r| flat_receipt_hash(r)).collect();
        assert_eq!(*listed, hashes);
        assert_eq!(leaf.receiptsRoot, standard_root(&hashes));
        assert_eq!(leaf.receiptCount as usize, members.len());
        assert_eq!(
            leaf.units,
            members.iter().fold(U256::ZERO, |s, r| s + r.units)
        );
        assert_eq!(leaf.firstAt, members[0].timestamp);
        assert_eq!(leaf.lastAt, members[members.len() - 1].timestamp);
    }
}

#[test]
fn leaves_leaf_hashes_and_root_are_recomputed() {
    let v = committed();
    let ls = leaves(&v);
    assert_eq!(ls.len(), 2);
    for (leaf, i) in ls.iter().zip(0_u32..) {
        assert_eq!(leaf.index, i);
        assert_eq!(leaf.licenseId, U256::from(i + 1), "one leaf per license");
        assert_eq!(flat_leaf_hash(leaf), v.leaf_hashes[i as usize]);
    }
    assert_eq!(standard_root(&v.leaf_hashes), v.root);
    let b = &v.batch;
    assert_eq!(b.root, v.root);
    assert_eq!(b.leaf_count, 2);
    assert_eq!(
        b.receipt_count,
        ls.iter().map(|l| l.receiptCount).sum::<u32>()
    );
    assert_eq!(
        b.total_units,
        ls.iter().fold(U256::ZERO, |s, l| s + l.units)
    );
    assert_eq!(
        v.batch_key,
        keccak256((b.attestor, b.batch_id).abi_encode())
    );
}

#[test]
fn eip712_hashes_are_recomputed_from_scratch() {
    let v = committed();
    let domain_separator = keccak256(
        (
            keccak256(
                "EIP712Domain(string name,string version,uint256 chainId,address \
                 verifyingContract)",
            ),
            keccak256("Tributary UsageAnchor"),
            keccak256("2"),
            U256::from(v.chain_id),
            v.verifying_contract,
        )
            .abi_encode(),
    );
    assert_eq!(v.domain_separator, domain_separator);
    let typehash = keccak256(
        "Batch(bytes32 batchId,address attestor,bytes32 root,uint32 leafCount,uint32 \
         receiptCount,uint256 totalUnits,uint64 periodStart,uint64 periodEnd,uint64 deadline)",
    );
    assert_eq!(v.batch_typehash, typehash);
    let b = &v.batch;
    let struct_hash = keccak256(
        (
            typehash,
            b.batch_id,
            b.attestor,
            b.root,
            U256::from(b.leaf_count),
            U256::from(b.receipt_count),
            b.total_units,
            U256::from(b.period_start),
            U256::from(b.period_end),
            U256::from(b.deadline),
        )
            .abi_encode(),
    );
    assert_eq!(v.batch_struct_hash, struct_hash);
    let mut preimage = vec![0x19, 0x01];
    preimage.extend_from_slice(domain_separator.as_slice());
    preimage.extend_from_slice(struct_hash.as_slice());
    assert_eq!(v.batch_digest, keccak256(preimage));

    let domain = eip712_domain! {
        name: "Tributary UsageAnchor",
        version: "2",
        chain_id: v.chain_id,
        verifying_contract: v.verifying_contract,
    };
    assert_eq!(spec_batch(&v).eip712_signing_hash(&domain), v.batch_digest);
}

#[test]
fn signature_is_the_attestors_low_s_signature() {
    let v = committed();
    let signer = PrivateKeySigner::from_bytes(&v.attestor_private_key).unwrap();
    assert_eq!(signer.address(), v.attestor);
    assert_eq!(v.batch.attestor, v.attestor);
    assert_eq!(v.signature.len(), 65);
    assert!(v.signature[64] == 27 || v.signature[64] == 28);
    assert!(U256::from_be_slice(&v.signature[32..64]) <= SECP256K1N_HALF);
    let sig = PrimitiveSignature::try_from(v.signature.as_ref()).unwrap();
    assert_eq!(
        sig.recover_address_from_prehash(&v.batch_digest).unwrap(),
        v.attestor
    );
    let call = spec::anchorBatchCall::abi_decode(&v.anchor_calldata, true).unwrap();
    assert_eq!(call.batch, spec_batch(&v));
    assert_eq!(call.signature, v.signature);
}

#[test]
fn multiproof_settles_license_2s_leaf() {
    let v = committed();
    let mp = &v.multiproof;
    assert_eq!(mp.license_id, U256::from(vectors::PROVEN_LICENSE));
    let proven: Vec<UsageLeaf> = mp.leaves.iter().map(UsageLeaf::from).collect();
    let expected: Vec<UsageLeaf> = leaves(&v)
        .into_iter()
        .filter(|l| l.licenseId == mp.license_id)
        .collect();
    assert_eq!(proven, expected);
    for (leaf, hash) in proven.iter().zip(&mp.leaf_hashes) {
        assert_eq!(flat_leaf_hash(leaf), *hash);
    }
    assert!(oz_verify_multi(
        &mp.proof,
        &mp.proof_flags,
        v.root,
        &mp.leaf_hashes
    ));
    let call = spec::settleCall::abi_decode(&mp.settle_calldata, true).unwrap();
    assert_eq!(call.batch, spec_batch(&v));
    assert_eq!(
        call.leaves,
        proven.iter().map(spec_leaf).collect::<Vec<_>>()
    );
    assert_eq!(call.proof, mp.proof);
    assert_eq!(call.proofFlags, mp.proof_flags);
}

#[test]
fn receipt_proof_reaches_the_root() {
    let v = committed();
    let p = &v.receipt_proof;
    let job = usize::try_from(vectors::PROVEN_JOB).unwrap() - 1;
    let receipt = &receipts(&v)[job];
    assert_eq!(p.job_id, receipt.jobId);
    assert_eq!(p.receipt_leaf, flat_receipt_hash(receipt));
    let leaf = &leaves(&v)[p.leaf_index as usize];
    assert_eq!(leaf.licenseId, receipt.licenseId);
    assert_eq!(p.leaf_hash, flat_leaf_hash(leaf));
    assert!(oz_verify(
        &p.receipt_proof,
        leaf.receiptsRoot,
        p.receipt_leaf
    ));
    assert!(oz_verify(&p.leaf_proof, v.root, p.leaf_hash));

    let call = spec::verifyReceiptCall::abi_decode(&p.verify_receipt_calldata, true).unwrap();
    assert_eq!(call.batch, spec_batch(&v));
    assert_eq!(call.leaf, spec_leaf(leaf));
    assert_eq!(call.leafProof, p.leaf_proof);
    assert_eq!(call.receipt.jobId, receipt.jobId);
    assert_eq!(call.receipt.units, receipt.units);
    assert_eq!(call.receipt.scope, receipt.scope);
    assert_eq!(call.receiptProof, p.receipt_proof);
}
