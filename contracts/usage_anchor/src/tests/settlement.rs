//! Settlement: proofs, license checks, fees, debt and deposits.

use alloy_primitives::{Address, B256, U256};
use motsu::prelude::*;
use usage_escrow::{
    errors::Error as EscrowError,
    events::{DebtChanged, EscrowCharged, EscrowFunded, FeesDeposited},
};

use super::*;
use crate::{
    errors::{
        ChallengeWindowOpen, EmptySettlement, Error, InvalidProof, LicenseNotActive,
        LicenseRevoked, ReceiptAlreadySettled, ReceiptAttestorMismatch, ReceiptOutsidePeriod,
        ScopeNotLicensed, WrongDataset, WrongUsageUnit,
    },
    events::ReceiptSettled,
};

fn fee_of(receipts: &[Receipt]) -> U256 {
    receipts
        .iter()
        .fold(U256::ZERO, |sum, r| sum + r.units * RATE)
}

#[motsu::test]
fn settles_one_receipt_with_a_merkle_path(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    keeper: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let deposit = U256::from(10).pow(U256::from(18));
    fund(&escrow, owner, deposit);
    let receipts = receipts(5, attestor.address());
    let (batch, tree) = anchor_receipts(&anchor, &attestor, 1, &receipts);
    crate::clock::advance(WINDOW);
    let path = tree::path(&tree, 3);
    anchor
        .sender(keeper)
        .settle(
            batch.batchId,
            vec![receipts[3].clone().into()],
            path,
            vec![],
        )
        .motsu_unwrap();
    let fee = fee_of(&receipts[3..4]);
    let leaf = receipt_leaf(&receipts[3]);
    anchor.assert_emitted(&ReceiptSettled {
        batchId: batch.batchId,
        leaf,
        licenseId: LICENSE,
        fee,
        paid: fee,
    });
    escrow.assert_emitted(&EscrowCharged {
        licenseId: LICENSE,
        fee,
        paid: fee,
    });
    escrow.assert_emitted(&FeesDeposited {
        splitId: SPLIT,
        token: Address::ZERO,
        amount: fee,
    });
    assert_eq!(splitter.sender(owner).native_of(SPLIT), fee);
    assert_eq!(escrow.sender(owner).escrow_info(LICENSE).0, deposit - fee);
    assert!(anchor.sender(owner).is_receipt_settled(leaf));
    assert!(!anchor
        .sender(owner)
        .is_receipt_settled(receipt_leaf(&receipts[2])));
}

#[motsu::test]
fn error_when_settling_inside_the_window(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let receipts = receipts(3, attestor.address());
    let (batch, tree) = anchor_receipts(&anchor, &attestor, 1, &receipts);
    crate::clock::advance(WINDOW - 1);
    let err = settle_all(&anchor, owner, &batch, &tree, &receipts).motsu_expect_err("window open");
    assert!(
        matches!(err, Error::ChallengeWindowOpen(ChallengeWindowOpen { settleableAt, .. }) if settleableAt == NOW + WINDOW)
    );
    let err = anchor
        .sender(owner)
        .settle(B256::repeat_byte(42), vec![], vec![], vec![])
        .motsu_expect_err("unknown batch");
    assert!(matches!(err, Error::UnknownBatch(_)));
    crate::clock::advance(1);
    let err = anchor
        .sender(owner)
        .settle(batch.batchId, vec![], vec![], vec![])
        .motsu_expect_err("empty");
    assert!(matches!(
        err,
        Error::EmptySettlement(EmptySettlement { .. })
    ));
    settle_all(&anchor, owner, &batch, &tree, &receipts).motsu_unwrap();
}

#[motsu::test]
fn error_when_settling_twice(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    fund(&escrow, owner, U256::from(10).pow(U256::from(18)));
    let receipts = receipts(4, attestor.address());
    let (batch, tree) = anchor_receipts(&anchor, &attestor, 1, &receipts);
    crate::clock::advance(WINDOW);
    settle_subset(&anchor, owner, &batch, &tree, &receipts, &[0, 2]).motsu_unwrap();
    let err = settle_subset(&anchor, owner, &batch, &tree, &receipts, &[1, 2])
        .motsu_expect_err("receipt 2 again");
    let leaf = receipt_leaf(&receipts[2]);
    assert!(
        matches!(err, Error::ReceiptAlreadySettled(ReceiptAlreadySettled { leaf: l }) if l == leaf)
    );
    // The same receipt in another batch is still billed once.
    let (other, other_tree) = anchor_receipts(&anchor, &attestor, 2, &receipts);
    crate::clock::advance(WINDOW);
    let err = settle_subset(&anchor, owner, &other, &other_tree, &receipts, &[0])
        .motsu_expect_err("already billed through batch 1");
    assert!(matches!(err, Error::ReceiptAlreadySettled(_)));
    settle_subset(&anchor, owner, &other, &other_tree, &receipts, &[1, 3]).motsu_unwrap();
}

#[motsu::test]
fn error_when_proof_is_for_another_batch(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let first = receipts(4, attestor.address());
    let second: Vec<Receipt> = (0..4)
        .map(|i| receipt(100 + i, LICENSE, 7, NOW - 50 - i, attestor.address()))
        .collect();
    let (batch_one, _) = anchor_receipts(&anchor, &attestor, 1, &first);
    let (_, tree_two) = anchor_receipts(&anchor, &attestor, 2, &second);
    crate::clock::advance(WINDOW);
    // Receipts and proof of batch two, presented as batch one.
    let err =
        settle_all(&anchor, owner, &batch_one, &tree_two, &second).motsu_expect_err("wrong batch");
    assert!(
        matches!(err, Error::InvalidProof(InvalidProof { batchId }) if batchId == batch_one.batchId)
    );
    // A tampered receipt no longer matches its leaf.
    let mut tampered = first.clone();
    tampered[1].units = U256::from(1);
    let (_, tree_one) = batch_of(1, attestor.address(), &first);
    let err =
        settle_all(&anchor, owner, &batch_one, &tree_one, &tampered).motsu_expect_err("tampered");
    assert!(matches!(err, Error::InvalidProof(_)));
}

/// Anchors one receipt, waits out the window and settles it.
fn settle_single(
    anchor: &Contract<UsageAnchor>,
    owner: Address,
    attestor: &Account,
    receipt: Receipt,
) -> Result<(), Error> {
    let receipts = vec![receipt];
    let (batch, tree) = anchor_receipts(anchor, attestor, 1, &receipts);
    crate::clock::advance(WINDOW);
    settle_all(anchor, owner, &batch, &tree, &receipts)
}

#[motsu::test]
fn error_when_license_is_revoked(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    license.sender(owner).revoke(LICENSE);
    let err = settle_single(
        &anchor,
        owner,
        &attestor,
        receipts(1, attestor.address()).remove(0),
    )
    .motsu_expect_err("revoked");
    assert!(
        matches!(err, Error::LicenseRevoked(LicenseRevoked { licenseId }) if licenseId == LICENSE)
    );
}

#[motsu::test]
fn error_when_license_expired_or_not_started(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let expired = U256::from(2);
    let future = U256::from(3);
    let train = U256::from(scope::TRAIN);
    license
        .sender(owner)
        .configure(expired, owner, Address::ZERO, train, 0, NOW - 500);
    license
        .sender(owner)
        .configure(future, owner, Address::ZERO, train, NOW - 10, 0);
    let used = receipt(1, expired, 10, NOW - 500, attestor.address());
    let err =
        settle_single(&anchor, owner, &attestor, used).motsu_expect_err("expired (exclusive end)");
    assert!(
        matches!(err, Error::LicenseNotActive(LicenseNotActive { licenseId, timestamp }) if licenseId == expired && timestamp == NOW - 500)
    );
    let early = receipt(2, future, 10, NOW - 11, attestor.address());
    let receipts = vec![early];
    let (batch, tree) = anchor_receipts(&anchor, &attestor, 2, &receipts);
    crate::clock::advance(WINDOW);
    let err = settle_all(&anchor, owner, &batch, &tree, &receipts).motsu_expect_err("not started");
    assert!(matches!(err, Error::LicenseNotActive(_)));
}

#[motsu::test]
fn error_when_scope_is_not_licensed(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let inference_only = U256::from(4);
    license.sender(owner).configure(
        inference_only,
        owner,
        Address::ZERO,
        U256::from(scope::INFERENCE),
        0,
        0,
    );
    let used = receipt(1, inference_only, 10, NOW - 5, attestor.address());
    let err = settle_single(&anchor, owner, &attestor, used).motsu_expect_err("no TRAIN");
    assert!(
        matches!(err, Error::ScopeNotLicensed(ScopeNotLicensed { scope, .. }) if scope == U256::from(scope::TRAIN))
    );
}

#[motsu::test]
fn error_when_receipt_does_not_match_license_or_batch(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    other: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let mut wrong_dataset = receipt(1, LICENSE, 10, NOW - 5, attestor.address());
    wrong_dataset.datasetId = U256::from(8);
    let mut wrong_unit = receipt(2, LICENSE, 10, NOW - 5, attestor.address());
    wrong_unit.unit = scope::UNIT_KILO_TOKENS;
    let foreign = receipt(3, LICENSE, 10, NOW - 5, other);
    let outside = receipt(4, LICENSE, 10, NOW - 200_000, attestor.address());
    let all = vec![wrong_dataset, wrong_unit, foreign, outside];
    let (batch, tree) = anchor_receipts(&anchor, &attestor, 1, &all);
    crate::clock::advance(WINDOW);
    let err = settle_subset(&anchor, owner, &batch, &tree, &all, &[0]).motsu_expect_err("dataset");
    assert!(
        matches!(err, Error::WrongDataset(WrongDataset { datasetId, .. }) if datasetId == U256::from(8))
    );
    let err = settle_subset(&anchor, owner, &batch, &tree, &all, &[1]).motsu_expect_err("unit");
    assert!(
        matches!(err, Error::WrongUsageUnit(WrongUsageUnit { unit, .. }) if unit == scope::UNIT_KILO_TOKENS)
    );
    let err = settle_subset(&anchor, owner, &batch, &tree, &all, &[2]).motsu_expect_err("attestor");
    assert!(
        matches!(err, Error::ReceiptAttestorMismatch(ReceiptAttestorMismatch { attestor, .. }) if attestor == other)
    );
    let err = settle_subset(&anchor, owner, &batch, &tree, &all, &[3]).motsu_expect_err("period");
    assert!(matches!(
        err,
        Error::ReceiptOutsidePeriod(ReceiptOutsidePeriod { .. })
    ));
}

#[motsu::test]
fn short_escrow_records_debt_until_paid(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    licensee: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, licensee);
    enroll(&anchor, owner, attestor.address());
    let receipts = receipts(3, attestor.address());
    let fee = fee_of(&receipts); // 3 × 1,000 samples × 10^10 wei
    let deposit = fee / U256::from(3);
    fund(&escrow, licensee, deposit);
    let (batch, tree) = anchor_receipts(&anchor, &attestor, 1, &receipts);
    crate::clock::advance(WINDOW);
    settle_all(&anchor, owner, &batch, &tree, &receipts).motsu_unwrap();

    let debt = fee - deposit;
    assert_eq!(
        escrow.sender(owner).escrow_info(LICENSE),
        (U256::ZERO, debt, U256::ZERO, 0)
    );
    escrow.assert_emitted(&DebtChanged {
        licenseId: LICENSE,
        debt,
    });
    assert!(
        license.sender(owner).is_in_debt(LICENSE),
        "license flagged invalid"
    );
    assert_eq!(splitter.sender(owner).native_of(SPLIT), deposit);

    // Paying part of the debt keeps the flag; paying the rest clears it and reaches the split.
    let part = debt / U256::from(2);
    fund(&escrow, licensee, part);
    assert!(license.sender(owner).is_in_debt(LICENSE));
    let top_up = U256::from(10).pow(U256::from(17));
    fund(&escrow, licensee, debt - part + top_up);
    escrow.assert_emitted(&EscrowFunded {
        licenseId: LICENSE,
        funder: licensee,
        amount: debt - part + top_up,
        toDebt: debt - part,
    });
    escrow.assert_emitted(&DebtChanged {
        licenseId: LICENSE,
        debt: U256::ZERO,
    });
    assert!(
        !license.sender(owner).is_in_debt(LICENSE),
        "debt paid, license valid again"
    );
    assert_eq!(
        escrow.sender(owner).escrow_info(LICENSE),
        (top_up, U256::ZERO, U256::ZERO, 0)
    );
    assert_eq!(splitter.sender(owner).native_of(SPLIT), fee);
}

#[motsu::test]
fn settles_256_receipts_with_one_multiproof(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let second = U256::from(5);
    license
        .sender(owner)
        .configure(second, owner, Address::ZERO, U256::from(scope::TRAIN), 0, 0);
    let receipts: Vec<Receipt> = (0..256u64)
        .map(|i| {
            let id = if i % 2 == 0 { LICENSE } else { second };
            receipt(i + 1, id, 100 + i, NOW - 10 - i, attestor.address())
        })
        .collect();
    let fee = fee_of(&receipts);
    let deposit = U256::from(10).pow(U256::from(18));
    fund(&escrow, owner, deposit);
    owner.fund(deposit);
    escrow
        .sender_and_value(owner, deposit)
        .fund_escrow(second)
        .motsu_unwrap();
    let (batch, tree) = anchor_receipts(&anchor, &attestor, 1, &receipts);
    crate::clock::advance(WINDOW);
    let before = splitter.sender(owner).deposit_count();
    settle_all(&anchor, owner, &batch, &tree, &receipts).motsu_unwrap();
    assert_eq!(splitter.sender(owner).native_of(SPLIT), fee);
    // Two licenses, one split, one token: one aggregated deposit.
    assert_eq!(
        splitter.sender(owner).deposit_count(),
        before + U256::from(1)
    );
    assert!(receipts
        .iter()
        .all(|r| anchor.sender(owner).is_receipt_settled(receipt_leaf(r))));
    let (first_balance, ..) = escrow.sender(owner).escrow_info(LICENSE);
    let (second_balance, ..) = escrow.sender(owner).escrow_info(second);
    assert_eq!(
        first_balance + second_balance,
        deposit * U256::from(2) - fee
    );
}

#[motsu::test]
fn erc20_license_escrow_and_fees(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    token: Contract<TestToken>,
    owner: Address,
    licensee: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let paid_in_token = U256::from(9);
    license.sender(owner).configure(
        paid_in_token,
        licensee,
        token.address(),
        U256::from(scope::TRAIN),
        0,
        0,
    );
    let amount = U256::from(10).pow(U256::from(18));
    token.sender(owner).mint(licensee, amount).motsu_unwrap();
    token
        .sender(licensee)
        .approve(escrow.address(), amount)
        .motsu_unwrap();
    // Native funding of a token license is refused.
    licensee.fund(amount);
    let err = escrow
        .sender_and_value(licensee, amount)
        .fund_escrow(paid_in_token)
        .motsu_expect_err("token license");
    assert!(matches!(err, EscrowError::WrongPaymentToken(_)));
    let err = escrow
        .sender(licensee)
        .fund_escrow_token(LICENSE, amount)
        .motsu_expect_err("native license");
    assert!(matches!(err, EscrowError::WrongPaymentToken(_)));
    escrow
        .sender(licensee)
        .fund_escrow_token(paid_in_token, amount)
        .motsu_unwrap();
    assert_eq!(escrow.sender(owner).escrow_info(paid_in_token).0, amount);

    let receipts: Vec<Receipt> = (0..3)
        .map(|i| receipt(i + 1, paid_in_token, 1_000, NOW - 5 - i, attestor.address()))
        .collect();
    let (batch, tree) = anchor_receipts(&anchor, &attestor, 1, &receipts);
    crate::clock::advance(WINDOW);
    settle_all(&anchor, owner, &batch, &tree, &receipts).motsu_unwrap();
    let fee = fee_of(&receipts);
    assert_eq!(splitter.sender(owner).tokens_of(SPLIT), fee);
    assert_eq!(token.sender(owner).balance_of(splitter.address()), fee);
    assert_eq!(
        token.sender(owner).balance_of(escrow.address()),
        amount - fee
    );
    escrow.assert_emitted(&FeesDeposited {
        splitId: SPLIT,
        token: token.address(),
        amount: fee,
    });
}
