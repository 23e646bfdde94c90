//! Anchoring: signatures (EIP-712, chain and contract binding, low-s, ERC-1271), the
//! allow-list, bonds, replay, and the attestor exit.

use alloy_primitives::{uint, Address, U256};
use motsu::prelude::*;
use stylus_sdk::abi::Bytes;

use super::*;
use crate::{
    batches::STATUS_ANCHORED,
    errors::{
        AttestorExiting, AttestorNotAllowed, BadSignature, BatchAlreadyAnchored, BondLocked, Error,
        ExitNotRequested, InsufficientBond, InvalidBatch, InvalidSignatureLength,
    },
    events::{AttestorBondWithdrawn, AttestorBonded, AttestorExitRequested, BatchAnchored},
    signing,
};

/// secp256k1 group order n.
const SECP256K1_N: U256 =
    uint!(0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141_U256);

#[motsu::test]
fn anchors_a_signed_batch(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    relayer: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    anchor.assert_emitted(&AttestorBonded {
        attestor: attestor.address(),
        amount: MIN_BOND,
        bond: MIN_BOND,
    });
    let (batch, _) = batch_of(1, attestor.address(), &receipts(3, attestor.address()));
    let signature = sign_batch(&attestor, anchor.address(), &batch);
    // Anyone may submit the attestor's signed batch.
    anchor
        .sender(relayer)
        .anchor_batch(batch.clone().into(), signature)
        .motsu_unwrap();
    anchor.assert_emitted(&BatchAnchored {
        batchId: batch.batchId,
        attestor: attestor.address(),
        root: batch.root,
        receiptCount: 3,
        totalUnits: batch.totalUnits,
        settleableAt: NOW + WINDOW,
    });
    let info = anchor.sender(relayer).batch_info(batch.batchId);
    assert_eq!(info.0, attestor.address());
    assert_eq!(info.1, batch.root);
    assert_eq!(info.6, NOW);
    assert_eq!(info.7, STATUS_ANCHORED);
    assert_eq!(
        anchor.sender(relayer).attestor_info(attestor.address()).2,
        NOW + WINDOW
    );
    // The view's domain separator is the one the attestor signed under.
    assert_eq!(
        anchor.sender(relayer).config().7,
        signing::domain_separator(&HOST, CHAIN_ID, anchor.address())
    );
}

#[motsu::test]
fn error_when_batch_is_replayed(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let (batch, _) = anchor_receipts(&anchor, &attestor, 1, &receipts(2, attestor.address()));
    let signature = sign_batch(&attestor, anchor.address(), &batch);
    let err = anchor
        .sender(owner)
        .anchor_batch(batch.clone().into(), signature)
        .motsu_expect_err("a batch id is usable once");
    assert!(
        matches!(err, Error::BatchAlreadyAnchored(BatchAlreadyAnchored { batchId }) if batchId == batch.batchId)
    );
}

#[motsu::test]
fn error_when_signed_for_another_chain(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let (batch, _) = batch_of(1, attestor.address(), &receipts(2, attestor.address()));
    let digest = signing::batch_digest(&HOST, CHAIN_ID + 1, anchor.address(), &batch);
    let signature = Bytes::from(sign(&attestor, digest));
    let err = anchor
        .sender(owner)
        .anchor_batch(batch.clone().into(), signature)
        .motsu_expect_err("signature over another chain id");
    assert!(
        matches!(err, Error::BadSignature(BadSignature { attestor: a, .. }) if a == attestor.address())
    );
}

#[motsu::test]
fn error_when_signed_for_another_contract(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let (batch, _) = batch_of(1, attestor.address(), &receipts(2, attestor.address()));
    let signature = sign_batch(&attestor, license.address(), &batch);
    let err = anchor
        .sender(owner)
        .anchor_batch(batch.clone().into(), signature)
        .motsu_expect_err("signature over another verifying contract");
    assert!(matches!(err, Error::BadSignature(_)));
}

#[motsu::test]
fn error_when_signature_has_high_s(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let (batch, _) = batch_of(1, attestor.address(), &receipts(2, attestor.address()));
    let mut signature = sign(
        &attestor,
        signing::batch_digest(&HOST, CHAIN_ID, anchor.address(), &batch),
    );
    // The malleable twin (n - s, flipped v) is the same signature to ecrecover; it must be
    // refused.
    let s = U256::from_be_slice(&signature[32..64]);
    let high_s = SECP256K1_N - s;
    signature[32..64].copy_from_slice(&high_s.to_be_bytes::<32>());
    signature[64] = if signature[64] == 27 { 28 } else { 27 };
    let err = anchor
        .sender(owner)
        .anchor_batch(batch.clone().into(), Bytes::from(signature))
        .motsu_expect_err("high-s signature");
    assert!(matches!(err, Error::EcdsaInvalidSignatureS(_)));
}

#[motsu::test]
fn error_when_signature_is_not_65_bytes(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let (batch, _) = batch_of(1, attestor.address(), &receipts(2, attestor.address()));
    let mut signature = sign(
        &attestor,
        signing::batch_digest(&HOST, CHAIN_ID, anchor.address(), &batch),
    );
    signature.pop();
    let err = anchor
        .sender(owner)
        .anchor_batch(batch.into(), Bytes::from(signature))
        .motsu_expect_err("64-byte signature");
    assert!(
        matches!(err, Error::InvalidSignatureLength(InvalidSignatureLength { length }) if length == U256::from(64))
    );
}

#[motsu::test]
fn error_when_attestor_is_not_allow_listed(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    attestor: Account,
    stranger: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    // Never listed: cannot bond, cannot anchor.
    stranger.address().fund(MIN_BOND);
    let err = anchor
        .sender_and_value(stranger.address(), MIN_BOND)
        .bond_attestor()
        .motsu_expect_err("not allow-listed");
    assert!(
        matches!(err, Error::AttestorNotAllowed(AttestorNotAllowed { attestor }) if attestor == stranger.address())
    );
    let (batch, _) = batch_of(1, stranger.address(), &receipts(2, stranger.address()));
    let signature = sign_batch(&stranger, anchor.address(), &batch);
    let err = anchor
        .sender(owner)
        .anchor_batch(batch.into(), signature)
        .motsu_expect_err("not allow-listed");
    assert!(matches!(err, Error::AttestorNotAllowed(_)));

    // Removed from the list: no new batches.
    anchor
        .sender(owner)
        .set_attestor(attestor.address(), false)
        .motsu_unwrap();
    let (batch, _) = batch_of(2, attestor.address(), &receipts(2, attestor.address()));
    let signature = sign_batch(&attestor, anchor.address(), &batch);
    let err = anchor
        .sender(owner)
        .anchor_batch(batch.into(), signature)
        .motsu_expect_err("removed from the allow-list");
    assert!(matches!(err, Error::AttestorNotAllowed(_)));
}

#[motsu::test]
fn error_when_bond_is_below_minimum(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    anchor
        .sender(owner)
        .set_attestor(attestor.address(), true)
        .motsu_unwrap();
    let half = MIN_BOND / U256::from(2);
    attestor.address().fund(MIN_BOND);
    anchor
        .sender_and_value(attestor.address(), half)
        .bond_attestor()
        .motsu_unwrap();
    let (batch, _) = batch_of(1, attestor.address(), &receipts(2, attestor.address()));
    let signature = sign_batch(&attestor, anchor.address(), &batch);
    let err = anchor
        .sender(owner)
        .anchor_batch(batch.clone().into(), signature.clone())
        .motsu_expect_err("bond too small");
    assert!(
        matches!(err, Error::InsufficientBond(InsufficientBond { bond, required, .. }) if bond == half && required == MIN_BOND)
    );
    // Topping up works.
    anchor
        .sender_and_value(attestor.address(), half)
        .bond_attestor()
        .motsu_unwrap();
    anchor
        .sender(owner)
        .anchor_batch(batch.into(), signature)
        .motsu_unwrap();
}

#[motsu::test]
fn error_when_batch_is_malformed(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let (mut batch, _) = batch_of(1, attestor.address(), &receipts(2, attestor.address()));
    batch.periodEnd = NOW + 1; // ends in the future
    let signature = sign_batch(&attestor, anchor.address(), &batch);
    let err = anchor
        .sender(owner)
        .anchor_batch(batch.into(), signature)
        .motsu_expect_err("future");
    assert!(matches!(err, Error::InvalidBatch(_)));
    let (mut batch, _) = batch_of(2, attestor.address(), &receipts(2, attestor.address()));
    batch.receiptCount = 0;
    let signature = sign_batch(&attestor, anchor.address(), &batch);
    let err = anchor
        .sender(owner)
        .anchor_batch(batch.into(), signature)
        .motsu_expect_err("empty");
    assert!(matches!(err, Error::InvalidBatch(InvalidBatch { .. })));
}

#[motsu::test]
fn contract_attestor_signs_with_erc1271(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    signer: Contract<ContractSigner>,
    owner: Address,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    let attestor = signer.address();
    enroll(&anchor, owner, attestor);
    let (batch, _) = batch_of(1, attestor, &receipts(2, attestor));
    let err = anchor
        .sender(owner)
        .anchor_batch(batch.clone().into(), Bytes::from(vec![1u8; 7]))
        .motsu_expect_err("the contract did not approve the digest");
    assert!(matches!(err, Error::BadSignature(_)));
    signer.sender(owner).approve_digest(signing::batch_digest(
        &HOST,
        CHAIN_ID,
        anchor.address(),
        &batch,
    ));
    anchor
        .sender(owner)
        .anchor_batch(batch.into(), Bytes::from(vec![1u8; 7]))
        .motsu_unwrap();
}

#[motsu::test]
fn attestor_exits_after_delay_and_windows(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    signer: Contract<ContractSigner>,
    owner: Address,
) {
    // A contract attestor (ERC-1271), because motsu delivers native currency only to contracts.
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    let attestor = signer.address();
    enroll(&anchor, owner, attestor);
    let err = anchor
        .sender(attestor)
        .withdraw_attestor_bond()
        .motsu_expect_err("no exit");
    assert!(matches!(
        err,
        Error::ExitNotRequested(ExitNotRequested { .. })
    ));

    let (batch, _) = batch_of(1, attestor, &receipts(2, attestor));
    signer.sender(owner).approve_digest(signing::batch_digest(
        &HOST,
        CHAIN_ID,
        anchor.address(),
        &batch,
    ));
    anchor
        .sender(owner)
        .anchor_batch(batch.into(), Bytes::from(vec![]))
        .motsu_unwrap();
    anchor
        .sender(attestor)
        .request_attestor_exit()
        .motsu_unwrap();
    anchor.assert_emitted(&AttestorExitRequested {
        attestor,
        withdrawableFrom: NOW + EXIT_DELAY,
    });
    // Exiting: no new batches, no new bond.
    let (batch, _) = batch_of(2, attestor, &receipts(2, attestor));
    signer.sender(owner).approve_digest(signing::batch_digest(
        &HOST,
        CHAIN_ID,
        anchor.address(),
        &batch,
    ));
    let err = anchor
        .sender(owner)
        .anchor_batch(batch.into(), Bytes::from(vec![]))
        .motsu_expect_err("exiting");
    assert!(matches!(
        err,
        Error::AttestorExiting(AttestorExiting { .. })
    ));
    attestor.fund(MIN_BOND);
    let err = anchor
        .sender_and_value(attestor, MIN_BOND)
        .bond_attestor()
        .motsu_expect_err("exiting");
    assert!(matches!(err, Error::AttestorExiting(_)));

    crate::clock::advance(EXIT_DELAY - 1);
    let err = anchor
        .sender(attestor)
        .withdraw_attestor_bond()
        .motsu_expect_err("delay");
    assert!(
        matches!(err, Error::BondLocked(BondLocked { unlocksAt, .. }) if unlocksAt == NOW + EXIT_DELAY)
    );
    crate::clock::advance(1);
    let before = balance(attestor);
    anchor
        .sender(attestor)
        .withdraw_attestor_bond()
        .motsu_unwrap();
    assert_eq!(balance(attestor), before + MIN_BOND);
    anchor.assert_emitted(&AttestorBondWithdrawn {
        attestor,
        amount: MIN_BOND,
    });
    assert_eq!(anchor.sender(owner).attestor_info(attestor).1, U256::ZERO);
}
