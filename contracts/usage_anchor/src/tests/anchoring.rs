//! Anchoring: the signed batch (EIP-712 over chain and contract, ECDSA through the `ecrecover`
//! precompile without panics, low `s`, ERC-1271), the deadline, malformed batches, batch ids
//! scoped to their attestor, the allow-list, bonds and the attestor exit.

use alloy_primitives::{uint, Address, B256, U256};
use alloy_sol_types::SolStruct;
use motsu::prelude::*;
use stylus_sdk::abi::Bytes;

use super::*;
use crate::{
    batches::{STATUS_ANCHORED, STATUS_CHALLENGED, STATUS_CLEARED},
    errors::{
        AttestorExiting, AttestorNotAllowed, BadSignature, BatchAlreadyAnchored, BatchExpired,
        BondLocked, BondUnderChallenge, ECDSAInvalidSignature, ECDSAInvalidSignatureS, Error,
        ExitNotRequested, InsufficientBond, InvalidBatch, InvalidSignatureLength, ZeroAmount,
    },
    events::{AttestorBondWithdrawn, AttestorBonded, AttestorExitRequested, BatchAnchored},
    signing,
};

/// secp256k1 group order n.
const SECP256K1_N: U256 =
    uint!(0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141_U256);

/// A batch of three leaves of the world's attestor.
fn three(world: &World, id: u8) -> Signed {
    Signed::new(id, world.attestor.address(), leaves(3))
}

/// Submits `signed` with `signature`.
fn submit(world: &World, signed: &Signed, signature: Vec<u8>) -> Result<(), Error> {
    world
        .anchor
        .sender(world.owner())
        .anchor_batch(tuple(&signed.batch), Bytes::from(signature))
}

/// Whether `err` is `InvalidBatch` of `signed`.
fn is_invalid(err: &Error, signed: &Signed) -> bool {
    matches!(err, Error::InvalidBatch(InvalidBatch { attestor, batchId })
        if *attestor == signed.batch.attestor && *batchId == signed.batch.batchId)
}

#[motsu::test]
fn anchors_a_batch_signed_by_its_attestor(relayer: Address) {
    let world = World::new();
    let signed = three(&world, 1);
    world.anchor.assert_emitted(&AttestorBonded {
        attestor: world.attestor.address(),
        amount: MIN_BOND,
        bond: MIN_BOND,
    });
    let signature = sign_batch(&world.attestor, world.anchor.address(), &signed.batch);
    // Anyone may submit the attestor's signed batch.
    world
        .anchor
        .sender(relayer)
        .anchor_batch(tuple(&signed.batch), Bytes::from(signature))
        .motsu_unwrap();
    world.anchor.assert_emitted(&BatchAnchored {
        attestor: world.attestor.address(),
        batchId: signed.batch.batchId,
        root: signed.batch.root,
        leafCount: 3,
        receiptCount: signed.batch.receiptCount,
        totalUnits: signed.batch.totalUnits,
        settleableAt: NOW + WINDOW,
    });
    // Stored: the struct hash and the state word.
    assert_eq!(
        world.info(&signed.batch),
        (
            stored_hash(&signed.batch),
            NOW,
            STATUS_ANCHORED,
            0,
            0,
            U256::ZERO
        )
    );
    assert_eq!(
        world
            .anchor
            .sender(relayer)
            .attestor_info(world.attestor.address()),
        (true, MIN_BOND, NOW + WINDOW, 0, 0, U256::ZERO)
    );
    // The storage key is the documented `keccak256(abi.encode(attestor, batchId))`.
    assert_eq!(
        tributary_merkle::batch_key(signed.batch.attestor, signed.batch.batchId),
        tributary_abi::usage::batch_key(signed.batch.attestor, signed.batch.batchId)
    );
    // An unknown batch reads as all zero.
    assert_eq!(
        world
            .anchor
            .sender(relayer)
            .batch_info(relayer, signed.batch.batchId),
        (B256::ZERO, 0, 0, 0, 0, U256::ZERO)
    );
}

#[motsu::test]
fn error_when_deadline_passed() {
    let world = World::new();
    // Anchorable up to and including its deadline.
    let on_time = three(&world, 1).with(|b| b.deadline = NOW);
    world.anchor(&on_time);
    let late = three(&world, 2).with(|b| b.deadline = NOW - 1);
    let err = world.try_anchor(&late).motsu_expect_err("expired");
    assert!(
        matches!(err, Error::BatchExpired(BatchExpired { attestor, batchId, deadline })
            if attestor == late.batch.attestor && batchId == late.batch.batchId && deadline == NOW - 1)
    );
    // Later in time, the same batch expires too.
    let tomorrow = three(&world, 3).with(|b| b.deadline = NOW + 86_400);
    advance(86_401);
    let err = world.try_anchor(&tomorrow).motsu_expect_err("expired");
    assert!(
        matches!(err, Error::BatchExpired(BatchExpired { attestor, batchId, deadline })
            if attestor == tomorrow.batch.attestor && batchId == tomorrow.batch.batchId && deadline == NOW + 86_400)
    );
    // A replay of an anchored batch is reported as such, even past its deadline.
    let err = world.try_anchor(&on_time).motsu_expect_err("replay");
    assert!(
        matches!(err, Error::BatchAlreadyAnchored(BatchAlreadyAnchored { attestor, batchId })
            if attestor == on_time.batch.attestor && batchId == on_time.batch.batchId)
    );
}

#[motsu::test]
fn error_when_batch_is_malformed() {
    let world = World::new();
    let attestor = world.attestor.address();
    let base = || Signed::new(9, attestor, leaves(3));
    let cases: Vec<(&str, Signed)> = vec![
        ("zero attestor", base().with(|b| b.attestor = Address::ZERO)),
        ("no leaves", base().with(|b| b.leafCount = 0)),
        (
            "fewer receipts than leaves",
            base().with(|b| b.receiptCount = b.leafCount - 1),
        ),
        (
            "reversed period",
            base().with(|b| b.periodStart = b.periodEnd + 1),
        ),
        (
            "period ends in the future",
            base().with(|b| b.periodEnd = NOW + 1),
        ),
        (
            "totalUnits of 2^96",
            base().with(|b| b.totalUnits = U256::from(1) << 96),
        ),
        (
            "totalUnits far beyond",
            base().with(|b| b.totalUnits = U256::MAX),
        ),
    ];
    for (name, signed) in &cases {
        let err = world.try_anchor(signed).motsu_expect_err(name);
        assert!(is_invalid(&err, signed), "{name}: {err:?}");
        assert_eq!(world.info(&signed.batch).2, 0, "{name}: nothing stored");
    }
    // The boundaries are valid: receipts == leaves, a one-second period ending now, 2^96 - 1
    // units.
    let edge = base().with(|b| {
        b.receiptCount = b.leafCount;
        b.periodStart = NOW;
        b.periodEnd = NOW;
        b.totalUnits = U256::from(tributary_abi::usage::MAX_BATCH_UNITS);
    });
    world.anchor(&edge);
    assert_eq!(world.info(&edge.batch).2, STATUS_ANCHORED);
}

#[motsu::test]
fn batch_ids_are_scoped_to_their_attestor() {
    let world = World::new();
    let other = Account::from_seed("other attestor");
    world.enroll(other.address());
    let mine = three(&world, 1);
    world.anchor(&mine);
    let err = world.try_anchor(&mine).motsu_expect_err("replay");
    assert!(
        matches!(err, Error::BatchAlreadyAnchored(BatchAlreadyAnchored { attestor, batchId })
            if attestor == world.attestor.address() && batchId == mine.batch.batchId)
    );
    // The same id, signed by another attestor over other leaves: its own batch.
    let theirs = Signed::new(1, other.address(), leaves(5));
    assert_eq!(theirs.batch.batchId, mine.batch.batchId);
    world
        .anchor
        .sender(world.owner())
        .anchor_batch(
            tuple(&theirs.batch),
            Bytes::from(sign_batch(&other, world.anchor.address(), &theirs.batch)),
        )
        .motsu_unwrap();
    assert_eq!(world.info(&mine.batch).0, stored_hash(&mine.batch));
    assert_eq!(world.info(&theirs.batch).0, stored_hash(&theirs.batch));
    // Neither can be replayed, and another attestor cannot take the id under its own name
    // with the first one's batch (it would have to sign it: the attestor is in the digest).
    let err = world
        .anchor
        .sender(world.owner())
        .anchor_batch(
            tuple(&theirs.batch),
            Bytes::from(sign_batch(&other, world.anchor.address(), &theirs.batch)),
        )
        .motsu_expect_err("replay");
    assert!(
        matches!(err, Error::BatchAlreadyAnchored(BatchAlreadyAnchored { attestor, batchId })
            if attestor == other.address() && batchId == theirs.batch.batchId)
    );
    let third = Account::from_seed("third attestor");
    world.enroll(third.address());
    let stolen = mine.clone().with(|b| b.attestor = third.address());
    let err = submit(
        &world,
        &stolen,
        sign_batch(&world.attestor, world.anchor.address(), &mine.batch),
    )
    .motsu_expect_err("not the third attestor's signature");
    assert!(
        matches!(err, Error::BadSignature(BadSignature { attestor, batchId })
            if attestor == third.address() && batchId == mine.batch.batchId)
    );
}

#[motsu::test]
fn error_when_signature_is_not_65_bytes() {
    let world = World::new();
    let signed = three(&world, 1);
    let good = sign_batch(&world.attestor, world.anchor.address(), &signed.batch);
    let mut long = good.clone();
    long.push(0);
    for signature in [good[..64].to_vec(), long, vec![], vec![27]] {
        let length = signature.len();
        let err = submit(&world, &signed, signature).motsu_expect_err("length");
        assert!(
            matches!(err, Error::InvalidSignatureLength(InvalidSignatureLength { length: l }) if l == U256::from(length)),
            "{length}: {err:?}"
        );
    }
    submit(&world, &signed, good).motsu_unwrap();
}

#[motsu::test]
fn unrecoverable_signatures_are_ecdsa_invalid_signature() {
    let world = World::new();
    let signed = three(&world, 1);
    let good = sign_batch(&world.attestor, world.anchor.address(), &signed.batch);
    let with = |edit: &dyn Fn(&mut Vec<u8>)| {
        let mut signature = good.clone();
        edit(&mut signature);
        signature
    };
    // x = 5 is not the x-coordinate of a secp256k1 point (5^3 + 7 is not a square mod p).
    let not_on_curve = B256::from(U256::from(5));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("v = 29", with(&|s| s[64] = 29)),
        ("v = 0", with(&|s| s[64] = 0)),
        ("v = 1", with(&|s| s[64] = 1)),
        ("v = 255", with(&|s| s[64] = 255)),
        ("r = 0", with(&|s| s[..32].fill(0))),
        ("s = 0", with(&|s| s[32..64].fill(0))),
        ("r and s = 0", with(&|s| s[..64].fill(0))),
        (
            "r not a curve x-coordinate",
            with(&|s| s[..32].copy_from_slice(not_on_curve.as_slice())),
        ),
        (
            "r = n",
            with(&|s| s[..32].copy_from_slice(&SECP256K1_N.to_be_bytes::<32>())),
        ),
        ("r = 2^256 - 1", with(&|s| s[..32].fill(0xff))),
    ];
    for (name, signature) in cases {
        let err = submit(&world, &signed, signature).motsu_expect_err(name);
        assert!(
            matches!(err, Error::ECDSAInvalidSignature(ECDSAInvalidSignature {})),
            "{name}: {err:?}"
        );
    }
    // Nothing was anchored; the good signature still works.
    assert_eq!(world.info(&signed.batch).2, 0);
    submit(&world, &signed, good).motsu_unwrap();
}

#[motsu::test]
fn error_when_signature_has_high_s() {
    let world = World::new();
    let signed = three(&world, 1);
    let mut signature = sign_batch(&world.attestor, world.anchor.address(), &signed.batch);
    // The malleable twin (n - s, flipped v) is the same signature to `ecrecover`; refused.
    let s = U256::from_be_slice(&signature[32..64]);
    let high_s = B256::from(SECP256K1_N - s);
    signature[32..64].copy_from_slice(high_s.as_slice());
    signature[64] = if signature[64] == 27 { 28 } else { 27 };
    let err = submit(&world, &signed, signature.clone()).motsu_expect_err("high s");
    assert!(
        matches!(err, Error::ECDSAInvalidSignatureS(ECDSAInvalidSignatureS { s }) if s == high_s)
    );
    // The largest possible `s` too, whatever `v` says.
    signature[32..64].fill(0xff);
    signature[64] = 29;
    let err = submit(&world, &signed, signature).motsu_expect_err("s = 2^256 - 1");
    assert!(
        matches!(err, Error::ECDSAInvalidSignatureS(ECDSAInvalidSignatureS { s }) if s == B256::repeat_byte(0xff))
    );
}

#[motsu::test]
fn error_when_someone_else_signed() {
    let world = World::new();
    let signed = three(&world, 1);
    let stranger = Account::from_seed("stranger");
    let bad = |err: &Error| {
        matches!(err, Error::BadSignature(BadSignature { attestor, batchId })
            if *attestor == signed.batch.attestor && *batchId == signed.batch.batchId)
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "another key",
            sign_batch(&stranger, world.anchor.address(), &signed.batch),
        ),
        (
            "another chain",
            sign(
                &world.attestor,
                digest(&signed.batch, CHAIN_ID + 1, world.anchor.address()),
            ),
        ),
        (
            "another verifying contract",
            sign(
                &world.attestor,
                digest(&signed.batch, CHAIN_ID, world.escrow.address()),
            ),
        ),
        (
            "another batch",
            sign_batch(
                &world.attestor,
                world.anchor.address(),
                &signed.clone().with(|b| b.totalUnits += U256::from(1)).batch,
            ),
        ),
        ("the other recovery id", {
            let mut signature = sign_batch(&world.attestor, world.anchor.address(), &signed.batch);
            signature[64] = if signature[64] == 27 { 28 } else { 27 };
            signature
        }),
    ];
    for (name, signature) in cases {
        let err = submit(&world, &signed, signature).motsu_expect_err(name);
        assert!(bad(&err), "{name}: {err:?}");
    }
}

#[test]
fn contract_digest_is_alloys_eip712_signing_hash() {
    let batch = Signed::new(1, Address::repeat_byte(0xaa), leaves(3)).batch;
    let anchor = Address::repeat_byte(0xcc);
    let words = alloy_sol_types::SolValue::abi_encode(&batch);
    let struct_hash = signing::batch_struct_hash(&HOST, &words);
    assert_eq!(struct_hash, batch.eip712_hash_struct());
    assert_eq!(
        signing::batch_digest(&HOST, CHAIN_ID, anchor, struct_hash),
        digest(&batch, CHAIN_ID, anchor)
    );
    // Chain id and verifying contract are both in the digest.
    assert_ne!(
        signing::batch_digest(&HOST, CHAIN_ID + 1, anchor, struct_hash),
        digest(&batch, CHAIN_ID, anchor)
    );
    assert_ne!(
        signing::batch_digest(&HOST, CHAIN_ID, Address::ZERO, struct_hash),
        digest(&batch, CHAIN_ID, anchor)
    );
}

#[motsu::test]
fn contract_attestor_signs_with_erc1271(signer: Contract<ContractSigner>) {
    let world = World::new();
    let attestor = signer.address();
    world.enroll(attestor);
    let signed = Signed::new(1, attestor, leaves(2));
    let err = submit(&world, &signed, vec![1u8; 7])
        .motsu_expect_err("the contract did not approve the digest");
    assert!(
        matches!(err, Error::BadSignature(BadSignature { attestor: a, batchId })
            if a == attestor && batchId == signed.batch.batchId)
    );
    // Approving the digest for another chain does not help.
    signer.sender(attestor).approve_digest(digest(
        &signed.batch,
        CHAIN_ID + 1,
        world.anchor.address(),
    ));
    let err = submit(&world, &signed, vec![]).motsu_expect_err("other chain");
    assert!(
        matches!(err, Error::BadSignature(BadSignature { attestor: a, batchId })
            if a == attestor && batchId == signed.batch.batchId)
    );
    signer
        .sender(attestor)
        .approve_digest(digest(&signed.batch, CHAIN_ID, world.anchor.address()));
    submit(&world, &signed, vec![1u8; 7]).motsu_unwrap();
    assert_eq!(world.info(&signed.batch).2, STATUS_ANCHORED);
}

#[motsu::test]
fn error_when_attestor_is_not_allow_listed() {
    let world = World::new();
    let stranger = Account::from_seed("stranger");
    // Never listed: cannot bond, cannot anchor.
    stranger.address().fund(MIN_BOND);
    let err = world
        .anchor
        .sender_and_value(stranger.address(), MIN_BOND)
        .bond_attestor()
        .motsu_expect_err("not allow-listed");
    assert!(
        matches!(err, Error::AttestorNotAllowed(AttestorNotAllowed { attestor }) if attestor == stranger.address())
    );
    let theirs = Signed::new(1, stranger.address(), leaves(2));
    let err = submit(
        &world,
        &theirs,
        sign_batch(&stranger, world.anchor.address(), &theirs.batch),
    )
    .motsu_expect_err("not allow-listed");
    assert!(
        matches!(err, Error::AttestorNotAllowed(AttestorNotAllowed { attestor }) if attestor == stranger.address())
    );
    // Delisted: no new batches.
    world
        .anchor
        .sender(world.owner())
        .set_attestor(world.attestor.address(), false)
        .motsu_unwrap();
    let err = world
        .try_anchor(&three(&world, 2))
        .motsu_expect_err("delisted");
    assert!(
        matches!(err, Error::AttestorNotAllowed(AttestorNotAllowed { attestor }) if attestor == world.attestor.address())
    );
}

#[motsu::test]
fn error_when_bond_is_below_minimum() {
    let world = World::new();
    let attestor = Account::from_seed("new attestor");
    world
        .anchor
        .sender(world.owner())
        .set_attestor(attestor.address(), true)
        .motsu_unwrap();
    let err = world
        .anchor
        .sender(attestor.address())
        .bond_attestor()
        .motsu_expect_err("no value");
    assert!(matches!(err, Error::ZeroAmount(ZeroAmount {})));
    let half = MIN_BOND / U256::from(2);
    attestor.address().fund(MIN_BOND);
    world
        .anchor
        .sender_and_value(attestor.address(), half)
        .bond_attestor()
        .motsu_unwrap();
    let signed = Signed::new(1, attestor.address(), leaves(2));
    let signature = sign_batch(&attestor, world.anchor.address(), &signed.batch);
    let err = submit(&world, &signed, signature.clone()).motsu_expect_err("bond too small");
    assert!(
        matches!(err, Error::InsufficientBond(InsufficientBond { attestor: a, bond, required })
            if a == attestor.address() && bond == half && required == MIN_BOND)
    );
    // Topping up works.
    world
        .anchor
        .sender_and_value(attestor.address(), half)
        .bond_attestor()
        .motsu_unwrap();
    world.anchor.assert_emitted(&AttestorBonded {
        attestor: attestor.address(),
        amount: half,
        bond: MIN_BOND,
    });
    submit(&world, &signed, signature).motsu_unwrap();
}

/// Anchors `batch` for the ERC-1271 attestor `signer`.
fn anchor_as_contract(world: &World, signer: &Contract<ContractSigner>, batch: &Signed) {
    signer.sender(signer.address()).approve_digest(digest(
        &batch.batch,
        CHAIN_ID,
        world.anchor.address(),
    ));
    submit(world, batch, vec![]).motsu_unwrap();
}

#[motsu::test]
fn attestor_exits_after_the_delay(signer: Contract<ContractSigner>) {
    // A contract attestor (ERC-1271), because motsu delivers native currency only to contracts.
    let world = World::new();
    let attestor = signer.address();
    world.enroll(attestor);
    let err = world
        .anchor
        .sender(attestor)
        .withdraw_attestor_bond()
        .motsu_expect_err("no exit");
    assert!(
        matches!(err, Error::ExitNotRequested(ExitNotRequested { attestor: a }) if a == attestor)
    );
    anchor_as_contract(&world, &signer, &Signed::new(1, attestor, leaves(2)));
    advance(100);
    world
        .anchor
        .sender(attestor)
        .request_attestor_exit()
        .motsu_unwrap();
    let unlocks_at = NOW + 100 + EXIT_DELAY;
    world.anchor.assert_emitted(&AttestorExitRequested {
        attestor,
        withdrawableFrom: unlocks_at,
    });
    let err = world
        .anchor
        .sender(attestor)
        .request_attestor_exit()
        .motsu_expect_err("twice");
    assert!(
        matches!(err, Error::AttestorExiting(AttestorExiting { attestor: a }) if a == attestor)
    );
    // Exiting: no new batches, no new bond.
    let next = Signed::new(2, attestor, leaves(2));
    signer
        .sender(attestor)
        .approve_digest(digest(&next.batch, CHAIN_ID, world.anchor.address()));
    let err = submit(&world, &next, vec![]).motsu_expect_err("exiting");
    assert!(
        matches!(err, Error::AttestorExiting(AttestorExiting { attestor: a }) if a == attestor)
    );
    attestor.fund(MIN_BOND);
    let err = world
        .anchor
        .sender_and_value(attestor, MIN_BOND)
        .bond_attestor()
        .motsu_expect_err("exiting");
    assert!(
        matches!(err, Error::AttestorExiting(AttestorExiting { attestor: a }) if a == attestor)
    );

    advance(unlocks_at - now() - 1);
    let err = world
        .anchor
        .sender(attestor)
        .withdraw_attestor_bond()
        .motsu_expect_err("delay");
    assert!(
        matches!(err, Error::BondLocked(BondLocked { attestor: a, unlocksAt }) if a == attestor && unlocksAt == unlocks_at)
    );
    advance(1);
    let before = balance_of(attestor);
    world
        .anchor
        .sender(attestor)
        .withdraw_attestor_bond()
        .motsu_unwrap();
    assert_eq!(balance_of(attestor), before + MIN_BOND);
    world.anchor.assert_emitted(&AttestorBondWithdrawn {
        attestor,
        amount: MIN_BOND,
    });
    assert_eq!(
        world.anchor.sender(attestor).attestor_info(attestor),
        (true, U256::ZERO, NOW + WINDOW, 0, 0, U256::ZERO)
    );
    // Gone: nothing to exit with; it may bond again from scratch.
    let err = world
        .anchor
        .sender(attestor)
        .request_attestor_exit()
        .motsu_expect_err("no bond");
    assert!(matches!(err, Error::ZeroAmount(ZeroAmount {})));
    world
        .anchor
        .sender_and_value(attestor, MIN_BOND)
        .bond_attestor()
        .motsu_unwrap();
}

#[motsu::test]
fn exit_waits_for_windows_and_open_challenges(signer: Contract<ContractSigner>) {
    // Without an exit delay, the batches' windows and challenges are what hold the bond.
    let world = World::with_exit_delay(0);
    let attestor = signer.address();
    world.enroll(attestor);
    let first = Signed::new(1, attestor, leaves(2));
    anchor_as_contract(&world, &signer, &first);
    advance(1_000);
    let second = Signed::new(2, attestor, leaves(2));
    anchor_as_contract(&world, &signer, &second);
    world
        .set_status(&second.batch, STATUS_CHALLENGED)
        .motsu_unwrap();
    world
        .anchor
        .sender(attestor)
        .request_attestor_exit()
        .motsu_unwrap();
    world.anchor.assert_emitted(&AttestorExitRequested {
        attestor,
        withdrawableFrom: NOW + 1_000 + WINDOW,
    });
    let err = world
        .anchor
        .sender(attestor)
        .withdraw_attestor_bond()
        .motsu_expect_err("challenged");
    assert!(
        matches!(err, Error::BondUnderChallenge(BondUnderChallenge { attestor: a, openChallenges })
            if a == attestor && openChallenges == 1)
    );
    world
        .set_status(&second.batch, STATUS_CLEARED)
        .motsu_unwrap();
    let err = world
        .anchor
        .sender(attestor)
        .withdraw_attestor_bond()
        .motsu_expect_err("window of the second batch");
    assert!(
        matches!(err, Error::BondLocked(BondLocked { attestor: a, unlocksAt })
            if a == attestor && unlocksAt == NOW + 1_000 + WINDOW)
    );
    advance(WINDOW);
    world
        .anchor
        .sender(attestor)
        .withdraw_attestor_bond()
        .motsu_unwrap();
    assert_eq!(
        world.anchor.sender(attestor).attestor_info(attestor).1,
        U256::ZERO
    );
}
