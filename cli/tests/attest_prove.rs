//! Proving through the library: settlement multiproofs of usage leaves (and `holdEscrow` for
//! one), receipt proofs down to the root, checked with `openzeppelin-crypto`'s verifiers (what
//! the anchor runs) and decoded with an independent declaration of the calls; the offline
//! checks and every refusal by variant.

mod attest_support;

use alloy::{
    primitives::{keccak256, B256, U256},
    sol_types::{SolCall, SolValue},
};
use attest_support::{
    mixed_receipts, options, oz_verify, oz_verify_multi, resign, selector, signer, spec,
    spec_batch, spec_leaf, spec_receipt, stranger,
};
use tributary::attest::{
    build_batch, prove, prove_receipt, receipt_leaf, types::usage_leaf, verify_proof,
    verify_receipt_proof, AttestError, BatchFile, Mismatch, ProofFile, Receipt, ReceiptProofFile,
    Selection, UsageLeaf,
};

fn batch() -> BatchFile {
    build_batch(&mixed_receipts(), &signer(), &options()).unwrap()
}

/// Checks a settlement proof against the batch with `OpenZeppelin` and the independent call
/// declaration, and returns the proven indices in proof order.
fn check_settle(file: &BatchFile, proof: &ProofFile) -> Vec<u32> {
    assert_eq!(proof.batch, file.batch);
    assert_eq!(
        (proof.chain_id, proof.verifying_contract),
        (file.chain_id, file.verifying_contract)
    );
    let leaves = proof.usage_leaves();
    for (leaf, hash) in leaves.iter().zip(&proof.leaf_hashes) {
        assert_eq!(*leaf, file.usage_leaves()[leaf.index as usize]);
        assert_eq!(*hash, keccak256(keccak256(spec_leaf(leaf).abi_encode())));
    }
    assert!(oz_verify_multi(
        &proof.proof,
        &proof.proof_flags,
        file.batch.root,
        &proof.leaf_hashes
    ));
    let call = spec::settleCall::abi_decode(&proof.settle_calldata, true).unwrap();
    assert_eq!(call.batch, spec_batch(&file.batch()));
    assert_eq!(
        call.leaves,
        leaves.iter().map(spec_leaf).collect::<Vec<_>>()
    );
    assert_eq!(call.proof, proof.proof);
    assert_eq!(call.proofFlags, proof.proof_flags);
    verify_proof(proof, Some(file)).unwrap();
    verify_proof(proof, None).unwrap();
    leaves.iter().map(|l| l.index).collect()
}

#[test]
fn call_signatures_are_the_anchors() {
    let settle = "settle((bytes32,address,bytes32,uint32,uint32,uint256,uint64,uint64,uint64),\
                  (uint32,uint256,uint256,uint256,uint8,uint256,uint32,uint64,uint64,bytes32)[],\
                  bytes32[],bool[])";
    assert_eq!(spec::settleCall::SIGNATURE, settle);
    assert_eq!(
        tributary::attest::types::settleCall::SELECTOR,
        selector(settle)
    );
    let hold = "holdEscrow((bytes32,address,bytes32,uint32,uint32,uint256,uint64,uint64,uint64),\
                (uint32,uint256,uint256,uint256,uint8,uint256,uint32,uint64,uint64,bytes32),\
                bytes32[])";
    assert_eq!(spec::holdEscrowCall::SIGNATURE, hold);
    assert_eq!(
        tributary::attest::types::holdEscrowCall::SELECTOR,
        selector(hold)
    );
    let verify = "verifyReceipt((bytes32,address,bytes32,uint32,uint32,uint256,uint64,uint64,\
                  uint64),(uint32,uint256,uint256,uint256,uint8,uint256,uint32,uint64,uint64,\
                  bytes32),bytes32[],(bytes32,uint256,uint256,bytes32,uint256,uint8,uint256,\
                  uint64,address),bytes32[])";
    assert_eq!(spec::verifyReceiptCall::SIGNATURE, verify);
    assert_eq!(
        tributary::attest::types::verifyReceiptCall::SELECTOR,
        selector(verify)
    );
}

#[test]
fn every_subset_of_leaves_has_a_settlement_proof() {
    let file = batch();
    let n = u32::try_from(file.leaves.len()).unwrap();
    assert_eq!(n, 7);
    for mask in 1_u32..(1 << n) {
        let selected: Vec<u32> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
        let proof = prove(&file, &Selection::Indices(selected.clone())).unwrap();
        let mut proven = check_settle(&file, &proof);
        proven.sort_unstable();
        assert_eq!(proven, selected);
        assert_eq!(
            proof.hold_escrow_calldata.is_some(),
            selected.len() == 1,
            "holdEscrow only for a single leaf"
        );
    }
}

#[test]
fn all_and_licenses_select_their_leaves() {
    let file = batch();
    let all = prove(&file, &Selection::All).unwrap();
    let mut proven = check_settle(&file, &all);
    proven.sort_unstable();
    assert_eq!(proven, (0..7).collect::<Vec<_>>());
    assert!(all.proof.is_empty(), "every leaf: nothing to add");

    let license_2 = prove(&file, &Selection::Licenses(vec![U256::from(2)])).unwrap();
    let mut proven = check_settle(&file, &license_2);
    proven.sort_unstable();
    assert_eq!(proven, [0, 1, 2, 3, 4, 5]);
    let license_10 = prove(&file, &Selection::Licenses(vec![U256::from(10)])).unwrap();
    assert_eq!(check_settle(&file, &license_10), [6]);
    let both = prove(
        &file,
        &Selection::Licenses(vec![U256::from(10), U256::from(2)]),
    )
    .unwrap();
    assert_eq!(both.leaves.len(), 7);
}

#[test]
fn a_single_leaf_also_gets_hold_escrow() {
    let file = batch();
    for index in 0..7_u32 {
        let proof = prove(&file, &Selection::Indices(vec![index])).unwrap();
        check_settle(&file, &proof);
        let leaf = &proof.usage_leaves()[0];
        // One leaf: the multiproof is its plain path, all flags false.
        assert!(proof.proof_flags.iter().all(|f| !f));
        assert!(oz_verify(&proof.proof, file.batch.root, usage_leaf(leaf)));
        let data = proof.hold_escrow_calldata.as_ref().unwrap();
        let call = spec::holdEscrowCall::abi_decode(data, true).unwrap();
        assert_eq!(call.batch, spec_batch(&file.batch()));
        assert_eq!(call.leaf, spec_leaf(leaf));
        assert_eq!(call.proof, proof.proof);

        // The plain-path form (no flags) is accepted too.
        let plain = ProofFile {
            proof_flags: vec![],
            settle_calldata: tributary::attest::prove::settle_calldata(
                &file.batch(),
                &proof.usage_leaves(),
                &proof.proof,
                &[],
            ),
            ..proof
        };
        verify_proof(&plain, Some(&file)).unwrap();
    }
}

#[test]
fn selection_errors_name_the_bad_selection() {
    let file = batch();
    let err = |s: Selection| prove(&file, &s).unwrap_err();
    assert_eq!(err(Selection::Indices(vec![])), AttestError::EmptySelection);
    assert_eq!(
        err(Selection::Licenses(vec![])),
        AttestError::EmptySelection
    );
    assert_eq!(
        err(Selection::Indices(vec![1, 7])),
        AttestError::LeafIndexOutOfRange {
            index: 7,
            leaf_count: 7
        }
    );
    assert_eq!(
        err(Selection::Indices(vec![3, 1, 3])),
        AttestError::DuplicateLeafIndex(3)
    );
    assert_eq!(
        err(Selection::Licenses(vec![U256::from(3)])),
        AttestError::NoLeafForLicense(U256::from(3))
    );
    assert_eq!(
        err(Selection::Licenses(vec![U256::from(2), U256::from(2)])),
        AttestError::DuplicateLicense(U256::from(2))
    );
}

#[test]
fn proving_checks_the_batch_file_first() {
    let mut file = batch();
    file.leaf_hashes[2] = B256::repeat_byte(2);
    assert_eq!(
        prove(&file, &Selection::All),
        Err(AttestError::Mismatch(Mismatch::LeafHash { index: 2 }))
    );
    assert_eq!(
        prove_receipt(&file, &mixed_receipts(), mixed_receipts()[0].jobId),
        Err(AttestError::Mismatch(Mismatch::LeafHash { index: 2 }))
    );
}

/// Checks a receipt proof with `OpenZeppelin` and the independent call declaration.
fn check_receipt(file: &BatchFile, r: &Receipt, proof: &ReceiptProofFile) {
    let leaf = UsageLeaf::from(&proof.leaf);
    assert_eq!(leaf, file.usage_leaves()[leaf.index as usize]);
    assert_eq!(proof.receipt(), *r);
    assert_eq!(
        proof.receipt_leaf,
        keccak256(keccak256(spec_receipt(r).abi_encode()))
    );
    assert!(oz_verify(
        &proof.receipt_proof,
        leaf.receiptsRoot,
        proof.receipt_leaf
    ));
    assert_eq!(proof.leaf_hash, usage_leaf(&leaf));
    assert!(oz_verify(
        &proof.leaf_proof,
        file.batch.root,
        proof.leaf_hash
    ));
    assert_eq!(
        (r.licenseId, r.assetId, r.scope, r.unit),
        (leaf.licenseId, leaf.assetId, leaf.scope, leaf.unit)
    );
    assert!((leaf.firstAt..=leaf.lastAt).contains(&r.timestamp));

    let call = spec::verifyReceiptCall::abi_decode(&proof.verify_receipt_calldata, true).unwrap();
    assert_eq!(call.batch, spec_batch(&file.batch()));
    assert_eq!(call.leaf, spec_leaf(&leaf));
    assert_eq!(call.leafProof, proof.leaf_proof);
    assert_eq!(call.receipt, spec_receipt(r));
    assert_eq!(call.receiptProof, proof.receipt_proof);
    let hold = spec::holdEscrowCall::abi_decode(&proof.hold_escrow_calldata, true).unwrap();
    assert_eq!(hold.leaf, spec_leaf(&leaf));
    assert_eq!(hold.proof, proof.leaf_proof);

    verify_receipt_proof(proof, Some(file)).unwrap();
    verify_receipt_proof(proof, None).unwrap();
}

#[test]
fn every_receipt_is_provable_down_to_the_root() {
    let rs = mixed_receipts();
    let file = batch();
    for r in &rs {
        let proof = prove_receipt(&file, &rs, r.jobId).unwrap();
        check_receipt(&file, r, &proof);
        // Only the proven receipt is needed.
        assert_eq!(
            prove_receipt(&file, std::slice::from_ref(r), r.jobId).unwrap(),
            proof
        );
    }
}

#[test]
fn receipt_proof_errors_name_the_receipt() {
    let rs = mixed_receipts();
    let file = batch();
    assert_eq!(
        prove_receipt(&file, &rs, B256::repeat_byte(9)),
        Err(AttestError::UnknownJobId(B256::repeat_byte(9)))
    );
    let mut twice = rs.clone();
    twice.push(rs[4].clone());
    assert_eq!(
        prove_receipt(&file, &twice, rs[4].jobId),
        Err(AttestError::DuplicateJobId(rs[4].jobId))
    );
    let mut altered = rs.clone();
    altered[4].units += U256::from(1);
    assert_eq!(
        prove_receipt(&file, &altered, rs[4].jobId),
        Err(AttestError::ReceiptNotInBatch(rs[4].jobId))
    );

    // A consistently signed batch that lists a receipt under another license's leaf: the
    // receipt proof would not pass `verifyReceipt`, so it is refused.
    let mut forged = file.clone();
    let moved = receipt_leaf(&rs[0]); // license 10, in leaf 6
    forged.receipt_leaves[6].retain(|l| *l != moved);
    forged.leaves[6].receipt_count -= 1;
    forged.receipt_leaves[0].push(moved);
    forged.leaves[0].receipt_count += 1;
    resign(&mut forged);
    tributary::attest::verify_batch_file(&forged, None).unwrap();
    assert_eq!(
        prove_receipt(&forged, &rs, rs[0].jobId),
        Err(AttestError::Mismatch(Mismatch::ReceiptOutsideLeaf {
            job_id: rs[0].jobId
        }))
    );
}

#[test]
fn verify_proof_names_every_tampered_field() {
    let file = batch();
    let good = prove(&file, &Selection::Indices(vec![1, 4, 5])).unwrap();
    let check = |edit: &dyn Fn(&mut ProofFile), with_batch: bool| {
        let mut p = good.clone();
        edit(&mut p);
        verify_proof(&p, with_batch.then_some(&file))
    };
    let mismatch = |m: Mismatch| Err(AttestError::Mismatch(m));

    assert_eq!(check(&|_| {}, true), Ok(()));
    assert_eq!(
        check(&|p| p.batch.total_units += U256::from(1), true),
        mismatch(Mismatch::ProofBatch)
    );
    assert_eq!(
        check(&|p| p.chain_id = 1, true),
        mismatch(Mismatch::ProofBatch)
    );
    assert_eq!(
        check(
            &|p| {
                p.leaves.clear();
                p.leaf_hashes.clear();
            },
            true
        ),
        Err(AttestError::EmptySelection)
    );
    assert_eq!(
        check(
            &|p| {
                p.leaf_hashes.pop();
            },
            true
        ),
        mismatch(Mismatch::ListLengths)
    );
    // A leaf that is not the batch's: against the file it is refused as such; alone, its hash
    // no longer reaches the root.
    let inflate = |p: &mut ProofFile| {
        p.leaves[0].units += U256::from(1_000);
        p.leaf_hashes[0] = usage_leaf(&UsageLeaf::from(&p.leaves[0]));
    };
    let index = good.leaves[0].index;
    assert_eq!(
        check(&inflate, true),
        mismatch(Mismatch::ProvenLeaf { index })
    );
    assert_eq!(check(&inflate, false), mismatch(Mismatch::LeafProof));
    assert_eq!(
        check(&|p| p.leaves[0].index = 7, false),
        mismatch(Mismatch::ProvenLeaf { index: 7 })
    );
    assert_eq!(
        check(&|p| p.leaf_hashes[1] = B256::repeat_byte(1), true),
        mismatch(Mismatch::LeafHash {
            index: good.leaves[1].index
        })
    );
    assert_eq!(
        check(
            &|p| {
                p.leaves[1] = p.leaves[0].clone();
                p.leaf_hashes[1] = p.leaf_hashes[0];
            },
            true
        ),
        Err(AttestError::DuplicateLeafIndex(index))
    );
    assert_eq!(
        check(&|p| p.proof[0] = B256::repeat_byte(7), true),
        mismatch(Mismatch::LeafProof)
    );
    assert_eq!(
        check(&|p| p.proof_flags.reverse(), true),
        if good.proof_flags.iter().rev().eq(&good.proof_flags) {
            Ok(())
        } else {
            mismatch(Mismatch::LeafProof)
        }
    );
    assert_eq!(
        check(&|p| p.proof_flags.push(true), true),
        mismatch(Mismatch::LeafProof)
    );
    assert_eq!(
        check(&|p| p.settle_calldata = vec![1_u8; 4].into(), true),
        mismatch(Mismatch::SettleCalldata)
    );
    assert_eq!(
        check(
            &|p| p.hold_escrow_calldata = Some(p.settle_calldata.clone()),
            true
        ),
        mismatch(Mismatch::HoldEscrowCalldata)
    );

    let single = prove(&file, &Selection::Indices(vec![2])).unwrap();
    let mut wrong = single.clone();
    wrong.hold_escrow_calldata = Some(single.settle_calldata.clone());
    assert_eq!(
        verify_proof(&wrong, Some(&file)),
        mismatch(Mismatch::HoldEscrowCalldata)
    );
}

#[test]
fn verify_receipt_proof_names_every_tampered_field() {
    let rs = mixed_receipts();
    let file = batch();
    let good = prove_receipt(&file, &rs, rs[11].jobId).unwrap();
    let check = |edit: &dyn Fn(&mut ReceiptProofFile), with_batch: bool| {
        let mut p = good.clone();
        edit(&mut p);
        verify_receipt_proof(&p, with_batch.then_some(&file))
    };
    let mismatch = |m: Mismatch| Err(AttestError::Mismatch(m));
    let index = good.leaf.index;

    assert_eq!(check(&|_| {}, true), Ok(()));
    assert_eq!(
        check(&|p| p.batch.deadline += 1, true),
        mismatch(Mismatch::ProofBatch)
    );
    assert_eq!(
        check(&|p| p.verifying_contract = stranger(), true),
        mismatch(Mismatch::ProofBatch)
    );
    assert_eq!(
        check(&|p| p.leaf.units += U256::from(1), true),
        mismatch(Mismatch::ProvenLeaf { index })
    );
    assert_eq!(
        check(&|p| p.leaf.index = 99, false),
        mismatch(Mismatch::ProvenLeaf { index: 99 })
    );
    assert_eq!(
        check(&|p| p.receipt.units += U256::from(1), true),
        mismatch(Mismatch::ReceiptHash)
    );
    assert_eq!(
        check(
            &|p| {
                p.receipt.units += U256::from(1);
                p.receipt_leaf = receipt_leaf(&p.receipt());
            },
            true
        ),
        mismatch(Mismatch::ReceiptProof)
    );
    assert_eq!(
        check(&|p| p.receipt_proof[0] = B256::repeat_byte(3), true),
        mismatch(Mismatch::ReceiptProof)
    );
    assert_eq!(
        check(&|p| p.leaf_hash = B256::repeat_byte(4), true),
        mismatch(Mismatch::LeafHash { index })
    );
    assert_eq!(
        check(&|p| p.leaf_proof.push(B256::repeat_byte(5)), true),
        mismatch(Mismatch::LeafProof)
    );
    assert_eq!(
        check(&|p| p.verify_receipt_calldata = vec![0_u8; 4].into(), true),
        mismatch(Mismatch::VerifyReceiptCalldata)
    );
    assert_eq!(
        check(&|p| p.hold_escrow_calldata = vec![0_u8; 4].into(), true),
        mismatch(Mismatch::HoldEscrowCalldata)
    );

    // A lying batch whose leaf includes another license's receipt: both proofs reach the
    // root, yet the receipt does not belong to the leaf.
    let moved = receipt_leaf(&rs[0]); // license 10, in leaf 6
    let mut forged = file.clone();
    forged.receipt_leaves[6].retain(|l| *l != moved);
    forged.leaves[6].receipt_count -= 1;
    forged.receipt_leaves[0].push(moved);
    forged.leaves[0].receipt_count += 1;
    resign(&mut forged);
    let honest = prove_receipt(&forged, &rs, rs[5].jobId).unwrap(); // leaf 0's own receipt
    let receipts_tree = tributary::attest::MerkleTree::new(&forged.receipt_leaves[0]).unwrap();
    let lie = ReceiptProofFile {
        receipt: (&rs[0]).into(),
        receipt_leaf: moved,
        receipt_proof: receipts_tree
            .proof(receipts_tree.leaf_index(moved).unwrap())
            .unwrap(),
        ..honest
    };
    assert_eq!(
        verify_receipt_proof(&lie, Some(&forged)),
        mismatch(Mismatch::ReceiptOutsideLeaf {
            job_id: rs[0].jobId
        })
    );
}
