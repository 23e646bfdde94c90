//! The shared vectors `tests/vectors/usage_v1.json`: regenerating them gives the committed file,
//! and every value in it checks out independently of the code that wrote it.

use std::path::PathBuf;

use alloy::{
    primitives::{keccak256, Address, PrimitiveSignature, B256, U256},
    signers::local::PrivateKeySigner,
    sol_types::SolValue,
};
use openzeppelin_crypto::merkle::Verifier;
use tributary::attest::{
    json::to_pretty_json,
    signing::SECP256K1N_HALF,
    types::{Batch, Receipt},
    vectors::{self, UsageVectors},
    MerkleTree,
};

fn vector_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/usage_v1.json")
}

fn committed() -> UsageVectors {
    let text = std::fs::read_to_string(vector_path()).expect("committed vectors");
    serde_json::from_str(&text).expect("vectors parse")
}

#[test]
fn committed_vectors_are_up_to_date() {
    let generated = to_pretty_json(&vectors::usage_v1().expect("vectors generate"));
    let committed = std::fs::read_to_string(vector_path()).expect("committed vectors");
    assert!(
        generated == committed,
        "tests/vectors/usage_v1.json is stale: run `cargo run -p tributary -- attest vectors`"
    );
}

#[test]
fn leaves_are_double_hashed_abi_encodings() {
    let v = committed();
    assert_eq!(v.receipts.len(), 8);
    for (receipt, leaf) in v.receipts.iter().zip(&v.leaves) {
        let r: Receipt = receipt.to_receipt(Address::ZERO);
        assert_eq!(r.attestor, v.attestor, "every receipt names the attestor");
        let encoded = (
            r.jobId,
            r.licenseId,
            r.datasetId,
            r.modelHash,
            U256::from(r.unit),
            r.units,
            U256::from(r.timestamp),
            r.attestor,
        )
            .abi_encode();
        assert_eq!(*leaf, keccak256(keccak256(encoded)));
    }
    assert_eq!(MerkleTree::new(&v.leaves).unwrap().root(), v.root);
    assert_eq!(v.batch.root, v.root);
    assert_eq!(v.batch.receipt_count, 8);
    let total = v.receipts.iter().fold(U256::ZERO, |acc, r| acc + r.units);
    assert_eq!(v.batch.total_units, total);
}

#[test]
fn eip712_hashes_are_recomputed_from_scratch() {
    let v = committed();
    let domain_typehash = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
    );
    let domain_separator = keccak256(
        (
            domain_typehash,
            keccak256("Tributary UsageAnchor"),
            keccak256("1"),
            U256::from(v.chain_id),
            v.verifying_contract,
        )
            .abi_encode(),
    );
    assert_eq!(v.domain_separator, domain_separator);

    let batch_typehash = keccak256(
        "Batch(bytes32 batchId,address attestor,bytes32 root,uint32 receiptCount,uint256 \
         totalUnits,uint64 periodStart,uint64 periodEnd)",
    );
    let b = &v.batch;
    let struct_hash = keccak256(
        (
            batch_typehash,
            b.batch_id,
            b.attestor,
            b.root,
            U256::from(b.receipt_count),
            b.total_units,
            U256::from(b.period_start),
            U256::from(b.period_end),
        )
            .abi_encode(),
    );
    assert_eq!(v.batch_struct_hash, struct_hash);

    let mut preimage = vec![0x19, 0x01];
    preimage.extend_from_slice(domain_separator.as_slice());
    preimage.extend_from_slice(struct_hash.as_slice());
    assert_eq!(v.batch_digest, keccak256(preimage));
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
}

#[test]
fn multiproof_is_accepted_by_openzeppelin_and_covers_license_2() {
    let v = committed();
    let mp = &v.multiproof;
    let leaves: Vec<[u8; 32]> = mp.leaves.iter().map(|l| l.0).collect();
    let proof: Vec<[u8; 32]> = mp.proof.iter().map(|l| l.0).collect();
    assert_eq!(
        Verifier::verify_multi_proof(&proof, &mp.flags, v.root.0, &leaves),
        Ok(true)
    );

    let license_2: Vec<B256> = v
        .receipts
        .iter()
        .zip(&v.leaves)
        .filter(|(r, _)| r.license_id == U256::from(vectors::PROVEN_LICENSE))
        .map(|(_, l)| *l)
        .collect();
    let mut proven = mp.leaves.clone();
    proven.sort();
    let mut expected = license_2;
    expected.sort();
    assert_eq!(proven, expected);
}

#[test]
fn batch_matches_the_case_study() {
    let v = committed();
    let b = Batch::from(&v.batch);
    assert_eq!(v.chain_id, 412_346);
    assert_eq!(v.verifying_contract, vectors::DEPLOYER.create(3));
    assert_eq!(b.periodStart, vectors::PERIOD_START);
    assert_eq!(b.periodEnd - b.periodStart + 1, 7 * 86_400);
    assert!(v
        .receipts
        .iter()
        .all(|r| (b.periodStart..=b.periodEnd).contains(&r.timestamp)));
    assert!(v
        .receipts
        .iter()
        .all(|r| r.unit == 0 && r.dataset_id == U256::from(1)));
    // 2,000,000 samples at 10^10 wei per sample: 0.02 ETH of fees for the week.
    assert_eq!(b.totalUnits, U256::from(2_000_000));
}
