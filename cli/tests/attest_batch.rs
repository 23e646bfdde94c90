//! Building and verifying batch files through the library: the grouping rule, every hash and
//! encoding recomputed independently (a separate declaration of the types, alloy's EIP-712
//! hashing, a separate tree), the contract crate's declarations, and every refusal by variant.

mod attest_support;

use alloy::{
    primitives::{keccak256, Address, PrimitiveSignature, B256, U256},
    sol_types::{eip712_domain, SolCall, SolStruct, SolValue},
};
use attest_support::{
    mixed_receipts, options, receipt, resign, selector, signer, spec, spec_batch, spec_leaf,
    spec_receipt, standard_root, stranger,
};
use tributary::attest::{
    batch::group_receipts,
    build_batch,
    signing::SignatureError,
    types::{
        batch_key, derive_batch_id, receipt_leaf, scope, usage_leaf, BATCH_TYPE,
        DEFAULT_DEADLINE_DELAY, EIP712_NAME, EIP712_VERSION, MAX_BATCH_UNITS,
    },
    vectors::{anchor_address, case_study_receipts, CHAIN_ID, PERIOD_END, PERIOD_START},
    verify_batch_file, AttestError, BatchFile, BatchOptions, Mismatch, Receipt,
};

fn receipts() -> Vec<Receipt> {
    case_study_receipts(signer().address())
}

fn batch() -> BatchFile {
    build_batch(&receipts(), &signer(), &options()).unwrap()
}

/// The field declarations of `struct name { ... }` in Rust source holding a `sol!` block:
/// one trimmed line per field, comments dropped.
fn struct_fields(source: &str, name: &str) -> Vec<String> {
    let start = source
        .find(&format!("struct {name} {{"))
        .unwrap_or_else(|| panic!("struct {name} declared"));
    source[start..]
        .lines()
        .skip(1)
        .map(str::trim)
        .take_while(|line| *line != "}")
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .map(String::from)
        .collect()
}

fn function_lines(source: &str) -> Vec<String> {
    source
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with("function "))
        .map(String::from)
        .collect()
}

#[test]
fn declarations_match_the_contract_abi_crate() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let abi = std::fs::read_to_string(format!("{root}/contracts/abi/src/usage.rs")).unwrap();
    let kit = std::fs::read_to_string(format!("{root}/kit/src/attest/types.rs")).unwrap();
    for name in ["Receipt", "UsageLeaf", "Batch"] {
        let fields = struct_fields(&abi, name);
        assert!(!fields.is_empty());
        assert_eq!(struct_fields(&kit, name), fields, "struct {name}");
    }
    assert_eq!(function_lines(&kit), function_lines(&abi));
    assert!(abi.contains(&format!("pub const EIP712_NAME: &str = \"{EIP712_NAME}\";")));
    assert!(abi.contains(&format!(
        "pub const EIP712_VERSION: &str = \"{EIP712_VERSION}\";"
    )));
    assert!(abi.contains("pub const MAX_BATCH_UNITS: u128 = (1 << 96) - 1;"));
    assert_eq!(MAX_BATCH_UNITS, (1 << 96) - 1);

    let scope_rs = std::fs::read_to_string(format!("{root}/contracts/abi/src/scope.rs")).unwrap();
    for (name, value) in scope::NAMES {
        let shift = value.trailing_zeros();
        assert!(
            scope_rs.contains(&format!("pub const {name}: u64 = 1 << {shift};")),
            "{name}"
        );
    }
    for (name, value) in [
        ("UNIT_SAMPLES", scope::UNIT_SAMPLES),
        ("UNIT_KILO_TOKENS", scope::UNIT_KILO_TOKENS),
        ("UNIT_COMPUTE_SECONDS", scope::UNIT_COMPUTE_SECONDS),
        ("UNIT_REQUESTS", scope::UNIT_REQUESTS),
    ] {
        assert!(
            scope_rs.contains(&format!("pub const {name}: u8 = {value};")),
            "{name}"
        );
    }
}

#[test]
fn encodings_match_the_documented_formats() {
    let file = batch();
    for r in receipts() {
        let encoded = spec_receipt(&r).abi_encode();
        assert_eq!(encoded.len(), 9 * 32);
        assert_eq!(r.abi_encode(), encoded);
        assert_eq!(receipt_leaf(&r), keccak256(keccak256(&encoded)));
    }
    for leaf in file.usage_leaves() {
        let encoded = spec_leaf(&leaf).abi_encode();
        assert_eq!(encoded.len(), 10 * 32);
        assert_eq!(usage_leaf(&leaf), keccak256(keccak256(&encoded)));
    }
    assert_eq!(spec::Batch::eip712_encode_type(), BATCH_TYPE);
    assert_eq!(
        BATCH_TYPE,
        "Batch(bytes32 batchId,address attestor,bytes32 root,uint32 leafCount,uint32 \
         receiptCount,uint256 totalUnits,uint64 periodStart,uint64 periodEnd,uint64 deadline)"
    );
    let batch = file.batch();
    assert_eq!(
        batch_key(batch.attestor, batch.batchId),
        keccak256((batch.attestor, batch.batchId).abi_encode())
    );
}

#[test]
fn case_study_groups_into_one_leaf_per_license() {
    let file = batch();
    let rs = receipts();
    assert_eq!(file.leaves.len(), 2);
    for (index, license) in [(0_u32, 1_u64), (1, 2)] {
        let members: Vec<&Receipt> = rs
            .iter()
            .filter(|r| r.licenseId == U256::from(license))
            .collect();
        let leaf = &file.usage_leaves()[index as usize];
        assert_eq!(leaf.index, index);
        assert_eq!(leaf.licenseId, U256::from(license));
        assert_eq!(leaf.assetId, U256::from(1));
        assert_eq!(leaf.scope, U256::from(1));
        assert_eq!(leaf.unit, 0);
        assert_eq!(
            leaf.units,
            members.iter().fold(U256::ZERO, |s, r| s + r.units)
        );
        assert_eq!(leaf.receiptCount as usize, members.len());
        assert_eq!(
            leaf.firstAt,
            members.iter().map(|r| r.timestamp).min().unwrap()
        );
        assert_eq!(
            leaf.lastAt,
            members.iter().map(|r| r.timestamp).max().unwrap()
        );
        // The case study's receipts are in time order already.
        let hashes: Vec<B256> = members
            .iter()
            .map(|r| keccak256(keccak256(spec_receipt(r).abi_encode())))
            .collect();
        assert_eq!(file.receipt_leaves[index as usize], hashes);
        assert_eq!(leaf.receiptsRoot, standard_root(&hashes));
        assert_eq!(
            file.leaf_hashes[index as usize],
            keccak256(keccak256(spec_leaf(leaf).abi_encode()))
        );
    }
    let b = &file.batch;
    assert_eq!(b.root, standard_root(&file.leaf_hashes));
    assert_eq!((b.leaf_count, b.receipt_count), (2, 8));
    assert_eq!(b.total_units, U256::from(2_000_000));
    assert_eq!(b.period_start, rs[0].timestamp);
    assert_eq!(b.period_end, rs[7].timestamp);
    assert_eq!(b.deadline, b.period_end + 604_800);
    assert_eq!(DEFAULT_DEADLINE_DELAY, 7 * 86_400);
    let derived = keccak256(
        (
            U256::from(CHAIN_ID),
            anchor_address(),
            signer().address(),
            b.root,
            U256::from(b.period_start),
            U256::from(b.period_end),
        )
            .abi_encode(),
    );
    assert_eq!(b.batch_id, derived);
    assert_eq!(
        derive_batch_id(
            CHAIN_ID,
            anchor_address(),
            signer().address(),
            b.root,
            b.period_start,
            b.period_end
        ),
        derived
    );
    verify_batch_file(&file, Some(&rs)).unwrap();
}

#[test]
fn digest_is_alloys_eip712_signing_hash_and_the_signature_the_attestors() {
    let file = batch();
    let domain = eip712_domain! {
        name: "Tributary UsageAnchor",
        version: "2",
        chain_id: CHAIN_ID,
        verifying_contract: anchor_address(),
    };
    let batch = spec_batch(&file.batch());
    assert_eq!(batch.eip712_signing_hash(&domain), file.batch_digest);

    let b = &file.batch;
    let struct_hash = keccak256(
        (
            keccak256(BATCH_TYPE),
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
    assert_eq!(batch.eip712_hash_struct(), struct_hash);
    let mut preimage = vec![0x19, 0x01];
    preimage.extend_from_slice(domain.separator().as_slice());
    preimage.extend_from_slice(struct_hash.as_slice());
    assert_eq!(keccak256(preimage), file.batch_digest);

    let sig = PrimitiveSignature::try_from(file.signature.as_ref()).unwrap();
    assert_eq!(
        sig.recover_address_from_prehash(&file.batch_digest)
            .unwrap(),
        signer().address()
    );
    assert!(file.signature[64] == 27 || file.signature[64] == 28);
}

#[test]
fn anchor_calldata_is_anchor_batch_of_the_batch_and_signature() {
    let file = batch();
    let call = spec::anchorBatchCall::abi_decode(&file.anchor_calldata, true).unwrap();
    assert_eq!(call.batch, spec_batch(&file.batch()));
    assert_eq!(call.signature, file.signature);
    let signature =
        "anchorBatch((bytes32,address,bytes32,uint32,uint32,uint256,uint64,uint64,uint64),bytes)";
    assert_eq!(spec::anchorBatchCall::SIGNATURE, signature);
    assert_eq!(file.anchor_calldata[..4], selector(signature));
}

#[test]
fn groups_are_ordered_numerically_by_license_asset_scope_unit() {
    let rs = mixed_receipts();
    let grouping = group_receipts(&rs).unwrap();
    let keys: Vec<(u64, u64, u64, u8)> = grouping
        .leaves
        .iter()
        .map(|l| (l.licenseId.to(), l.assetId.to(), l.scope.to(), l.unit))
        .collect();
    assert_eq!(
        keys,
        [
            (2, 1, 1, 0),
            (2, 1, 1, 1),
            (2, 1, 1, 2),
            (2, 1, 2, 0),
            (2, 1, 5, 0),
            (2, 2, 1, 0),
            (10, 1, 1, 0),
        ]
    );
    assert!(grouping.leaves.iter().zip(0..).all(|(l, i)| l.index == i));
    assert_eq!(grouping.receipt_count, 13);
    assert_eq!(grouping.total_units, U256::from(9_100));

    // Inside a group: by timestamp, then job id (jobs 1 and 7 share a timestamp).
    let hash = |job: usize| receipt_leaf(&rs[job - 1]);
    assert_eq!(grouping.receipt_leaves[0], [hash(6), hash(2), hash(10)]);
    assert_eq!(grouping.receipt_leaves[3], [hash(13), hash(4)]);
    let (first, second) = if rs[0].jobId < rs[6].jobId {
        (1, 7)
    } else {
        (7, 1)
    };
    assert_eq!(
        grouping.receipt_leaves[6],
        [hash(first), hash(second), hash(11)]
    );
    let last = &grouping.leaves[6];
    assert_eq!((last.firstAt, last.lastAt), (1_000, 1_090));
    assert_eq!(last.units, U256::from(1_900));
    assert_eq!(last.receiptCount, 3);
}

#[test]
fn the_batch_does_not_depend_on_receipt_order() {
    let rs = mixed_receipts();
    let file = build_batch(&rs, &signer(), &options()).unwrap();
    let mut reversed = rs.clone();
    reversed.reverse();
    assert_eq!(build_batch(&reversed, &signer(), &options()).unwrap(), file);
    let mut rotated = rs.clone();
    rotated.rotate_left(5);
    assert_eq!(build_batch(&rotated, &signer(), &options()).unwrap(), file);
    verify_batch_file(&file, Some(&rotated)).unwrap();
}

#[test]
fn explicit_batch_id_period_and_deadline_are_signed() {
    let opts = BatchOptions {
        batch_id: Some(B256::repeat_byte(7)),
        period_start: Some(PERIOD_START),
        period_end: Some(PERIOD_END),
        deadline: Some(PERIOD_END + 60),
        ..options()
    };
    let file = build_batch(&receipts(), &signer(), &opts).unwrap();
    let b = &file.batch;
    assert_eq!(b.batch_id, B256::repeat_byte(7));
    assert_eq!(
        (b.period_start, b.period_end, b.deadline),
        (PERIOD_START, PERIOD_END, PERIOD_END + 60)
    );
    verify_batch_file(&file, Some(&receipts())).unwrap();

    // A deadline equal to the period end is the tightest the anchor accepts.
    let opts = BatchOptions {
        deadline: Some(PERIOD_END),
        ..opts
    };
    assert_eq!(
        build_batch(&receipts(), &signer(), &opts)
            .unwrap()
            .batch
            .deadline,
        PERIOD_END
    );
    // The default deadline saturates instead of overflowing.
    let late = vec![receipt(1, 1, 1, 1, 0, 1, u64::MAX)];
    let file = build_batch(&late, &signer(), &options()).unwrap();
    assert_eq!(file.batch.deadline, u64::MAX);
}

#[test]
fn error_when_batching_no_receipts() {
    assert_eq!(
        build_batch(&[], &signer(), &options()),
        Err(AttestError::NoReceipts)
    );
}

#[test]
fn error_when_a_job_id_repeats_even_across_leaves() {
    let mut rs = receipts();
    // Receipts 0 and 1 bill different licenses, so different leaves.
    rs[1].jobId = rs[0].jobId;
    assert_eq!(
        build_batch(&rs, &signer(), &options()),
        Err(AttestError::DuplicateJobId(rs[0].jobId))
    );
}

#[test]
fn error_when_a_receipt_names_another_attestor() {
    let mut rs = receipts();
    rs[2].attestor = stranger();
    assert_eq!(
        build_batch(&rs, &signer(), &options()),
        Err(AttestError::ForeignAttestor {
            job_id: rs[2].jobId,
            attestor: stranger(),
            expected: signer().address(),
        })
    );
}

#[test]
fn error_when_a_scope_is_empty() {
    let mut rs = receipts();
    rs[5].scope = U256::ZERO;
    assert_eq!(
        build_batch(&rs, &signer(), &options()),
        Err(AttestError::EmptyScope(rs[5].jobId))
    );
}

#[test]
fn error_when_the_period_or_deadline_is_wrong() {
    let opts = BatchOptions {
        period_start: Some(PERIOD_START + 86_400),
        ..options()
    };
    let rs = receipts();
    assert_eq!(
        build_batch(&rs, &signer(), &opts),
        Err(AttestError::OutsidePeriod {
            job_id: rs[0].jobId,
            timestamp: rs[0].timestamp,
        })
    );
    let opts = BatchOptions {
        period_start: Some(10),
        period_end: Some(9),
        ..options()
    };
    assert_eq!(
        build_batch(&rs, &signer(), &opts),
        Err(AttestError::InvalidPeriod { start: 10, end: 9 })
    );
    let opts = BatchOptions {
        period_end: Some(PERIOD_END),
        deadline: Some(PERIOD_END - 1),
        ..options()
    };
    assert_eq!(
        build_batch(&rs, &signer(), &opts),
        Err(AttestError::InvalidDeadline {
            period_end: PERIOD_END,
            deadline: PERIOD_END - 1,
        })
    );
}

#[test]
fn total_units_must_stay_below_two_to_the_96() {
    let max = U256::from(MAX_BATCH_UNITS);
    let mut rs = receipts();
    let others = rs[1..].iter().fold(U256::ZERO, |s, r| s + r.units);
    rs[0].units = max - others;
    let file = build_batch(&rs, &signer(), &options()).unwrap();
    assert_eq!(file.batch.total_units, max);
    verify_batch_file(&file, Some(&rs)).unwrap();

    rs[0].units += U256::from(1);
    assert_eq!(
        build_batch(&rs, &signer(), &options()),
        Err(AttestError::UnitsOverflow)
    );
    rs[0].units = U256::MAX;
    assert_eq!(
        build_batch(&rs, &signer(), &options()),
        Err(AttestError::UnitsOverflow)
    );
}

/// `verify_batch_file(file)` after `edit`.
fn verify_edited(edit: impl FnOnce(&mut BatchFile)) -> Result<(), AttestError> {
    let mut file = build_batch(&mixed_receipts(), &signer(), &options()).unwrap();
    edit(&mut file);
    verify_batch_file(&file, None)
}

#[test]
fn verify_names_every_tampered_field() {
    assert_eq!(verify_edited(|_| {}), Ok(()));
    let mismatch = |m: Mismatch| Err(AttestError::Mismatch(m));

    assert_eq!(
        verify_edited(|f| f.batch.period_start = f.batch.period_end + 1),
        Err(AttestError::InvalidPeriod {
            start: 1_091,
            end: 1_090
        })
    );
    assert_eq!(
        verify_edited(|f| f.batch.deadline = 1_089),
        Err(AttestError::InvalidDeadline {
            period_end: 1_090,
            deadline: 1_089
        })
    );
    assert_eq!(
        verify_edited(|f| f.batch.leaf_count = 6),
        mismatch(Mismatch::LeafCount {
            signed: 6,
            listed: 7
        })
    );
    assert_eq!(
        verify_edited(|f| {
            f.leaves.clear();
            f.batch.leaf_count = 0;
        }),
        mismatch(Mismatch::LeafCount {
            signed: 0,
            listed: 0
        })
    );
    assert_eq!(
        verify_edited(|f| {
            f.leaf_hashes.pop();
        }),
        mismatch(Mismatch::ListLengths)
    );
    assert_eq!(
        verify_edited(|f| {
            f.receipt_leaves.pop();
        }),
        mismatch(Mismatch::ListLengths)
    );
    assert_eq!(
        verify_edited(|f| f.leaves[3].index = 4),
        mismatch(Mismatch::LeafIndex {
            position: 3,
            index: 4
        })
    );
    assert_eq!(
        verify_edited(|f| {
            f.leaves.swap(2, 3);
            f.receipt_leaves.swap(2, 3);
            f.leaves[2].index = 2;
            f.leaves[3].index = 3;
            resign(f);
        }),
        mismatch(Mismatch::LeafOrder { index: 3 })
    );
    assert_eq!(
        verify_edited(|f| f.leaves[4].scope = f.leaves[3].scope),
        mismatch(Mismatch::LeafOrder { index: 4 })
    );
    assert_eq!(
        verify_edited(|f| f.leaves[0].receipt_count = 2),
        mismatch(Mismatch::LeafReceiptCount { index: 0 })
    );
    assert_eq!(
        verify_edited(|f| {
            f.leaves[1].receipt_count = 0;
            f.receipt_leaves[1].clear();
        }),
        mismatch(Mismatch::LeafReceiptCount { index: 1 })
    );
    assert_eq!(
        verify_edited(|f| f.leaves[2].first_at = f.leaves[2].last_at + 1),
        mismatch(Mismatch::LeafPeriod { index: 2 })
    );
    assert_eq!(
        verify_edited(|f| f.leaves[6].last_at = 1_091),
        mismatch(Mismatch::LeafPeriod { index: 6 })
    );
    assert_eq!(
        verify_edited(|f| f.receipt_leaves[0][1] = B256::repeat_byte(1)),
        mismatch(Mismatch::ReceiptsRoot { index: 0 })
    );
    assert_eq!(
        verify_edited(|f| f.leaves[5].units += U256::from(1)),
        mismatch(Mismatch::LeafHash { index: 5 })
    );
    assert_eq!(
        verify_edited(|f| f.leaf_hashes[5] = B256::repeat_byte(5)),
        mismatch(Mismatch::LeafHash { index: 5 })
    );
}

#[test]
fn verify_names_every_lie_the_signature_covers_and_every_bad_signature() {
    let mismatch = |m: Mismatch| Err(AttestError::Mismatch(m));
    // Consistent lies the signature covers are still caught by the sums.
    let mut duplicate = B256::ZERO;
    assert_eq!(
        verify_edited(|f| {
            duplicate = f.receipt_leaves[0][0];
            f.receipt_leaves[1].push(duplicate);
            f.leaves[1].receipt_count += 1;
            f.batch.receipt_count += 1;
            resign(f);
        }),
        mismatch(Mismatch::DuplicateReceiptLeaf(duplicate))
    );
    assert_eq!(
        verify_edited(|f| {
            f.batch.receipt_count += 1;
            resign(f);
        }),
        mismatch(Mismatch::ReceiptCount {
            signed: 14,
            summed: 13
        })
    );
    assert_eq!(
        verify_edited(|f| {
            f.leaves[0].units += U256::from(1);
            resign(f);
        }),
        mismatch(Mismatch::TotalUnits {
            signed: U256::from(9_100),
            summed: U256::from(9_101)
        })
    );
    assert!(matches!(
        verify_edited(|f| f.batch.root = B256::repeat_byte(9)),
        Err(AttestError::Mismatch(Mismatch::Root { signed, .. })) if signed == B256::repeat_byte(9)
    ));
    // The same signature presented for another chain or anchor: the digest differs; with the
    // digest "fixed up", the signature recovers to someone else.
    assert!(matches!(
        verify_edited(|f| f.chain_id = 1),
        Err(AttestError::Mismatch(Mismatch::Digest { .. }))
    ));
    assert!(matches!(
        verify_edited(|f| {
            f.verifying_contract = Address::repeat_byte(0x11);
            f.batch_digest = tributary::attest::types::batch_digest(
                &f.batch(),
                &tributary::attest::types::anchor_domain(f.chain_id, f.verifying_contract),
            );
        }),
        Err(AttestError::Signature(SignatureError::WrongSigner { .. }))
    ));
    assert_eq!(
        verify_edited(|f| {
            let mut sig = f.signature.to_vec();
            sig[64] = 29;
            f.signature = sig.into();
        }),
        Err(AttestError::Signature(SignatureError::InvalidV(29)))
    );
    assert_eq!(
        verify_edited(|f| f.anchor_calldata = vec![0_u8; 4].into()),
        mismatch(Mismatch::AnchorCalldata)
    );
}

#[test]
fn verify_with_receipts_wants_exactly_the_batchs_receipts() {
    let rs = mixed_receipts();
    let file = build_batch(&rs, &signer(), &options()).unwrap();
    verify_batch_file(&file, Some(&rs)).unwrap();

    let mut altered = rs.clone();
    altered[4].units += U256::from(1);
    assert_eq!(
        verify_batch_file(&file, Some(&altered)),
        Err(AttestError::Mismatch(Mismatch::Receipts))
    );
    assert_eq!(
        verify_batch_file(&file, Some(&rs[1..])),
        Err(AttestError::Mismatch(Mismatch::Receipts))
    );
    // Same units, another job id: the receipt leaves differ.
    let mut renamed = rs.clone();
    renamed[0].jobId = B256::repeat_byte(3);
    assert_eq!(
        verify_batch_file(&file, Some(&renamed)),
        Err(AttestError::Mismatch(Mismatch::Receipts))
    );
    let mut foreign = rs.clone();
    foreign[3].attestor = stranger();
    assert_eq!(
        verify_batch_file(&file, Some(&foreign)),
        Err(AttestError::ForeignAttestor {
            job_id: rs[3].jobId,
            attestor: stranger(),
            expected: signer().address()
        })
    );
}
