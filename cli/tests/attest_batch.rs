//! Building, verifying and proving batches through the library: the happy path and every
//! refusal.

use alloy::{
    primitives::{Address, Bytes, B256, U256},
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};
use openzeppelin_crypto::merkle::Verifier;
use tributary::attest::{
    build_batch,
    merkle::MerkleError,
    prove,
    signing::{parse_key, SignatureError},
    types::{anchorBatchCall, derive_batch_id, receipt_leaf, settleCall, Batch},
    vectors::{
        anchor_address, case_study_receipts, ATTESTOR_KEY, CHAIN_ID, PERIOD_END, PERIOD_START,
    },
    verify_batch_file, AttestError, BatchFile, BatchOptions, Receipt, Selection,
};

fn signer() -> PrivateKeySigner {
    parse_key(&ATTESTOR_KEY.to_string()).unwrap()
}

fn options() -> BatchOptions {
    BatchOptions {
        chain_id: CHAIN_ID,
        verifying_contract: anchor_address(),
        batch_id: None,
        period_start: None,
        period_end: None,
    }
}

fn receipts() -> Vec<Receipt> {
    case_study_receipts(signer().address())
}

fn batch() -> BatchFile {
    build_batch(&receipts(), &signer(), &options()).unwrap()
}

#[test]
fn default_period_spans_the_receipts_and_id_is_derived() {
    let file = batch();
    let rs = receipts();
    assert_eq!(file.batch.period_start, rs.first().unwrap().timestamp);
    assert_eq!(file.batch.period_end, rs.last().unwrap().timestamp);
    assert_eq!(
        file.batch.batch_id,
        derive_batch_id(
            CHAIN_ID,
            anchor_address(),
            signer().address(),
            file.batch.root,
            file.batch.period_start,
            file.batch.period_end
        )
    );
    verify_batch_file(&file, Some(&rs)).unwrap();
}

#[test]
fn explicit_batch_id_and_period_are_kept() {
    let opts = BatchOptions {
        batch_id: Some(B256::repeat_byte(7)),
        period_start: Some(PERIOD_START),
        period_end: Some(PERIOD_END),
        ..options()
    };
    let file = build_batch(&receipts(), &signer(), &opts).unwrap();
    assert_eq!(file.batch.batch_id, B256::repeat_byte(7));
    assert_eq!(
        (file.batch.period_start, file.batch.period_end),
        (PERIOD_START, PERIOD_END)
    );
    verify_batch_file(&file, None).unwrap();
}

#[test]
fn root_does_not_depend_on_receipt_order() {
    let mut shuffled = receipts();
    shuffled.rotate_left(3);
    let other = build_batch(&shuffled, &signer(), &options()).unwrap();
    assert_eq!(other.batch.root, batch().batch.root);
    verify_batch_file(&batch(), Some(&shuffled)).unwrap();
}

#[test]
fn error_when_batching_no_receipts() {
    assert!(matches!(
        build_batch(&[], &signer(), &options()),
        Err(AttestError::NoReceipts)
    ));
}

#[test]
fn error_when_a_job_id_repeats() {
    let mut rs = receipts();
    rs[3].jobId = rs[0].jobId;
    let err = build_batch(&rs, &signer(), &options()).unwrap_err();
    assert!(matches!(err, AttestError::DuplicateJobId(id) if id == rs[0].jobId));
}

#[test]
fn error_when_a_receipt_names_another_attestor() {
    let mut rs = receipts();
    rs[2].attestor = Address::repeat_byte(0xaa);
    let err = build_batch(&rs, &signer(), &options()).unwrap_err();
    assert!(
        matches!(err, AttestError::ForeignAttestor { attestor, .. } if attestor == rs[2].attestor)
    );
}

#[test]
fn error_when_a_receipt_is_outside_the_period() {
    let opts = BatchOptions {
        period_start: Some(PERIOD_START + 86_400),
        ..options()
    };
    let err = build_batch(&receipts(), &signer(), &opts).unwrap_err();
    assert!(matches!(err, AttestError::OutsidePeriod { .. }));
    let opts = BatchOptions {
        period_start: Some(10),
        period_end: Some(9),
        ..options()
    };
    let err = build_batch(&receipts(), &signer(), &opts).unwrap_err();
    assert!(matches!(
        err,
        AttestError::InvalidPeriod { start: 10, end: 9 }
    ));
}

#[test]
fn error_when_units_overflow() {
    let mut rs = receipts();
    rs[0].units = U256::MAX;
    assert!(matches!(
        build_batch(&rs, &signer(), &options()),
        Err(AttestError::UnitsOverflow)
    ));
}

#[test]
fn verify_rejects_every_tampered_field() {
    let good = batch();

    let mut f = good.clone();
    f.batch.total_units += U256::from(1);
    assert!(matches!(
        verify_batch_file(&f, None),
        Err(AttestError::Mismatch(_))
    ));

    let mut f = good.clone();
    f.leaves.pop();
    assert!(matches!(
        verify_batch_file(&f, None),
        Err(AttestError::Mismatch(_))
    ));

    let mut f = good.clone();
    f.leaves[0] = B256::repeat_byte(1);
    assert!(matches!(
        verify_batch_file(&f, None),
        Err(AttestError::Mismatch(_))
    ));

    let mut f = good.clone();
    f.leaves[1] = f.leaves[0];
    assert!(matches!(
        verify_batch_file(&f, None),
        Err(AttestError::Mismatch(_))
    ));

    // Same signature presented for another chain or anchor: the digest differs, so the file's
    // digest no longer matches; with the digest "fixed up" the signature fails.
    let mut f = good.clone();
    f.chain_id = 1;
    assert!(matches!(
        verify_batch_file(&f, None),
        Err(AttestError::Mismatch(_))
    ));
    let mut f = good.clone();
    f.verifying_contract = Address::repeat_byte(0x11);
    f.batch_digest = tributary::attest::types::batch_digest(
        &(&f.batch).into(),
        &tributary::attest::types::anchor_domain(f.chain_id, f.verifying_contract),
    );
    assert!(matches!(
        verify_batch_file(&f, None),
        Err(AttestError::Signature(SignatureError::WrongSigner { .. }))
    ));

    let mut f = good.clone();
    f.anchor_calldata = Bytes::from(vec![0_u8; 4]);
    assert!(matches!(
        verify_batch_file(&f, None),
        Err(AttestError::Mismatch(_))
    ));

    let mut f = good.clone();
    let mut sig = f.signature.to_vec();
    sig[64] = 29;
    f.signature = Bytes::from(sig);
    assert!(matches!(
        verify_batch_file(&f, None),
        Err(AttestError::Signature(SignatureError::InvalidV(29)))
    ));

    // Receipts that are not the batch's.
    let mut rs = receipts();
    rs[5].units += U256::from(1);
    assert!(matches!(
        verify_batch_file(&good, Some(&rs)),
        Err(AttestError::Mismatch(_))
    ));
}

#[test]
fn prove_orders_receipts_as_the_proof_and_encodes_settle() {
    let file = batch();
    let rs = receipts();
    let selected = vec![rs[6].jobId, rs[1].jobId, rs[3].jobId];
    let proof = prove(&file, &rs, &Selection::JobIds(selected)).unwrap();
    assert_eq!(proof.receipts.len(), 3);
    for (r, leaf) in proof.receipts.iter().zip(&proof.leaves) {
        assert_eq!(receipt_leaf(&r.to_receipt(Address::ZERO)), *leaf);
    }
    let leaves: Vec<[u8; 32]> = proof.leaves.iter().map(|l| l.0).collect();
    let hashes: Vec<[u8; 32]> = proof.proof.iter().map(|l| l.0).collect();
    assert_eq!(
        Verifier::verify_multi_proof(&hashes, &proof.flags, file.batch.root.0, &leaves),
        Ok(true)
    );

    let call = settleCall::abi_decode(&proof.settle_calldata, true).unwrap();
    assert_eq!(call.batchId, file.batch.batch_id);
    assert_eq!(call.proof, proof.proof);
    assert_eq!(call.flags, proof.flags);
    assert_eq!(
        call.receipts.iter().map(receipt_leaf).collect::<Vec<_>>(),
        proof.leaves
    );
    assert_eq!(
        settleCall::SIGNATURE,
        "settle(bytes32,(bytes32,uint256,uint256,bytes32,uint8,uint256,uint64,address)[],bytes32[],bool[])"
    );
}

#[test]
fn anchor_calldata_carries_the_batch_and_signature() {
    let file = batch();
    let call = anchorBatchCall::abi_decode(&file.anchor_calldata, true).unwrap();
    assert_eq!(call.batch, Batch::from(&file.batch));
    assert_eq!(call.signature, file.signature);
    assert_eq!(
        anchorBatchCall::SIGNATURE,
        "anchorBatch((bytes32,address,bytes32,uint32,uint256,uint64,uint64),bytes)"
    );
}

#[test]
fn prove_all_covers_every_receipt() {
    let proof = prove(&batch(), &receipts(), &Selection::All).unwrap();
    assert_eq!(proof.receipts.len(), 8);
    assert!(proof.proof.is_empty());
}

#[test]
fn prove_needs_only_the_receipts_being_settled() {
    let rs = receipts();
    let proof = prove(&batch(), &rs[2..3], &Selection::All).unwrap();
    assert_eq!(proof.receipts.len(), 1);
    assert_eq!(proof.flags.len(), proof.proof.len());
}

#[test]
fn prove_refuses_unknown_duplicate_and_foreign_receipts() {
    let file = batch();
    let rs = receipts();
    let err = prove(&file, &rs, &Selection::JobIds(vec![B256::repeat_byte(9)])).unwrap_err();
    assert!(matches!(err, AttestError::UnknownJobId(_)));

    let err = prove(
        &file,
        &rs,
        &Selection::JobIds(vec![rs[0].jobId, rs[0].jobId]),
    )
    .unwrap_err();
    assert!(matches!(err, AttestError::DuplicateJobId(_)));

    let err = prove(&file, &rs, &Selection::JobIds(vec![])).unwrap_err();
    assert!(matches!(err, AttestError::NoReceipts));

    let mut altered = rs.clone();
    altered[4].units = U256::from(1);
    let err = prove(&file, &altered, &Selection::JobIds(vec![rs[4].jobId])).unwrap_err();
    assert!(matches!(err, AttestError::ReceiptNotInBatch(id) if id == rs[4].jobId));

    let mut broken = file.clone();
    broken.leaves.swap_remove(0);
    let err = prove(&broken, &rs, &Selection::All).unwrap_err();
    assert!(matches!(err, AttestError::Mismatch(_)));

    let mut empty = file;
    empty.leaves.clear();
    let err = prove(&empty, &rs, &Selection::All).unwrap_err();
    assert!(matches!(err, AttestError::Merkle(MerkleError::NoLeaves)));
}
