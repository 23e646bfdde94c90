//! Attribution reports: the EIP-712 digest (checked against alloy's), posting an evaluator's
//! signed report and every check on it, the owner's veto and the activation.

use alloy_primitives::{Address, B256, U256};
use motsu::prelude::*;
use stylus_sdk::abi::Bytes;

use super::*;
use crate::{
    errors::{
        DatanetNotOpen, ECDSAInvalidSignature, ECDSAInvalidSignatureS, Error, InvalidReport,
        InvalidSignatureLength, NoPendingReport, NotDatasetOwner, NotEvaluator,
        ReportAlreadyVetoed, ReportExpired, ReportPending, UnknownDatasetVersion, VetoWindowClosed,
        VetoWindowOpen, WrongEpoch,
    },
    events::{EpochActivated, ReportPosted, ReportVetoed},
};

/// Weights `(a: 3, b: 1)` of the world's listed contributors.
fn three_to_one(world: &World) -> Weights {
    Weights::new(&[(world.a.address(), 3), (world.b.address(), 1)])
}

/// Whether `err` is `NotEvaluator` of `dataset` for `signer`.
fn not_evaluator(err: &Error, dataset: U256, signer: Address) -> bool {
    matches!(err, Error::NotEvaluator(NotEvaluator { datasetId, account })
        if *datasetId == dataset && *account == signer)
}

/// Whether `err` is `InvalidReport` of `dataset`.
fn invalid_report(err: &Error, dataset: U256) -> bool {
    matches!(err, Error::InvalidReport(InvalidReport { datasetId }) if *datasetId == dataset)
}

/// The empty pending report.
const NONE_PENDING: (B256, U256, u64, B256) = (B256::ZERO, U256::ZERO, 0, B256::ZERO);

#[motsu::test]
fn the_digest_is_alloys_eip712_signing_hash() {
    let world = World::native();
    let r = report(world.dataset, 1, &three_to_one(&world));
    let contract = world.datanets.address();
    assert_eq!(
        world.datanets.sender(STRANGER).digest_of(&tuple(&r)),
        digest(&r, CHAIN_ID, contract)
    );
    let domain = eip712_domain! {
        name: EIP712_NAME,
        version: EIP712_VERSION,
        chain_id: CHAIN_ID,
        verifying_contract: contract,
    };
    assert_eq!(
        world.datanets.sender(STRANGER).domain_separator(),
        domain.separator()
    );
    assert_eq!(crate::reports::REPORT_TYPEHASH, r.eip712_type_hash().0);
    // Every field is committed to.
    let edits: [&dyn Fn(&mut AttributionReport); 8] = [
        &|r| r.datasetId += U256::from(1),
        &|r| r.version += U256::from(1),
        &|r| r.epoch += 1,
        &|r| r.benchmarkId = B256::repeat_byte(1),
        &|r| r.metric = B256::repeat_byte(1),
        &|r| r.weightsRoot = B256::repeat_byte(1),
        &|r| r.totalWeight += U256::from(1),
        &|r| r.deadline += 1,
    ];
    for edit in edits {
        let mut other = r.clone();
        edit(&mut other);
        let theirs = world.datanets.sender(STRANGER).digest_of(&tuple(&other));
        assert_eq!(theirs, digest(&other, CHAIN_ID, contract));
        assert_ne!(theirs, digest(&r, CHAIN_ID, contract));
    }
    // The digest the contract stores for a posted report is alloy's too.
    world.post(&r).motsu_unwrap();
    assert_eq!(
        world
            .datanets
            .sender(STRANGER)
            .pending_report(world.dataset)
            .3,
        digest(&r, CHAIN_ID, contract)
    );
    // The chain id is read from the host.
    VM::context().set_chain_id(1);
    assert_eq!(
        world.datanets.sender(STRANGER).digest_of(&tuple(&r)),
        digest(&r, 1, contract)
    );
}

#[motsu::test]
fn anyone_posts_an_evaluators_signed_report() {
    let world = World::native();
    let weights = three_to_one(&world);
    let r = report(world.dataset, 1, &weights);
    let signature = world.sign(&r);
    let d = digest(&r, CHAIN_ID, world.datanets.address());
    assert_eq!(recover(&signature, d), world.evaluator.address());
    world
        .datanets
        .sender(STRANGER)
        .post_report(tuple(&r), Bytes::from(signature))
        .motsu_unwrap();
    let ends = NOW + u64::from(VETO_WINDOW);
    world.datanets.assert_emitted(&ReportPosted {
        datasetId: world.dataset,
        epoch: 1,
        evaluator: world.evaluator.address(),
        version: U256::from(1),
        benchmarkId: BENCHMARK,
        metric: METRIC,
        weightsRoot: weights.root(),
        totalWeight: U256::from(4),
        digest: d,
        vetoEndsAt: ends,
    });
    assert_eq!(
        world
            .datanets
            .sender(STRANGER)
            .pending_report(world.dataset),
        (weights.root(), U256::from(4), ends, d)
    );
    // Nothing is installed before the activation.
    assert_eq!(world.epoch(world.dataset), 0);
    assert_eq!(world.splitter.sender(STRANGER).split_info(world.split).1, 0);
}

#[motsu::test]
fn a_signature_of_a_non_evaluator_is_not_evaluator() {
    let world = World::native();
    let r = report(world.dataset, 1, &three_to_one(&world));
    let stranger = Account::from_seed("stranger");
    let signature = sign(&stranger, digest(&r, CHAIN_ID, world.datanets.address()));
    let err = world.post_signed(&r, signature).motsu_unwrap_err();
    assert!(
        not_evaluator(&err, world.dataset, stranger.address()),
        "{err:?}"
    );
    // A removed evaluator is a stranger too.
    world
        .datanets
        .sender(OWNER)
        .set_evaluator(world.dataset, world.evaluator.address(), false)
        .motsu_unwrap();
    let err = world.post(&r).motsu_unwrap_err();
    assert!(
        not_evaluator(&err, world.dataset, world.evaluator.address()),
        "{err:?}"
    );
    assert_eq!(
        world
            .datanets
            .sender(STRANGER)
            .pending_report(world.dataset),
        NONE_PENDING
    );
}

#[motsu::test]
fn a_signature_for_another_dataset_chain_or_contract_recovers_someone_else() {
    let world = World::native();
    // Dataset B: open, same evaluator allowed.
    let other = world.register_listed(2, &[(world.a.address(), 1)]);
    world.hand_over(other);
    world.open(other, NATIVE);
    let weights = three_to_one(&world);
    let contract = world.datanets.address();
    let r = report(world.dataset, 1, &weights);

    // A's signed report posted under dataset B.
    let mut under_b = r.clone();
    under_b.datasetId = other;
    let signature = world.sign(&r);
    let signer = recover(&signature, digest(&under_b, CHAIN_ID, contract));
    assert_ne!(signer, world.evaluator.address());
    let err = world.post_signed(&under_b, signature).motsu_unwrap_err();
    assert!(not_evaluator(&err, other, signer), "{err:?}");

    // Signed for another chain.
    let signature = sign(&world.evaluator, digest(&r, CHAIN_ID + 1, contract));
    let signer = recover(&signature, digest(&r, CHAIN_ID, contract));
    assert_ne!(signer, world.evaluator.address());
    let err = world.post_signed(&r, signature).motsu_unwrap_err();
    assert!(not_evaluator(&err, world.dataset, signer), "{err:?}");

    // Signed for another Datanets contract.
    let elsewhere = Address::repeat_byte(0x99);
    let signature = sign(&world.evaluator, digest(&r, CHAIN_ID, elsewhere));
    let signer = recover(&signature, digest(&r, CHAIN_ID, contract));
    assert_ne!(signer, world.evaluator.address());
    let err = world.post_signed(&r, signature).motsu_unwrap_err();
    assert!(not_evaluator(&err, world.dataset, signer), "{err:?}");

    // The right one for each dataset goes through.
    world.post(&r).motsu_unwrap();
    world.post(&under_b).motsu_unwrap();
}

#[motsu::test]
fn a_report_must_open_the_next_epoch() {
    let world = World::native();
    let weights = three_to_one(&world);
    for epoch in [0, 2, u64::MAX] {
        let err = world
            .post(&report(world.dataset, epoch, &weights))
            .motsu_unwrap_err();
        assert!(
            matches!(err, Error::WrongEpoch(WrongEpoch { datasetId, epoch: e, expected })
                if datasetId == world.dataset && e == epoch && expected == 1),
            "{epoch}: {err:?}"
        );
    }
}

#[motsu::test]
fn a_report_past_its_deadline_is_report_expired() {
    let world = World::native();
    let mut r = report(world.dataset, 1, &three_to_one(&world));
    r.deadline = NOW - 1;
    let err = world.post(&r).motsu_unwrap_err();
    assert!(
        matches!(err, Error::ReportExpired(ReportExpired { datasetId, deadline })
            if datasetId == world.dataset && deadline == NOW - 1),
        "{err:?}"
    );
    // The deadline is the last second it may be posted.
    r.deadline = NOW;
    world.post(&r).motsu_unwrap();
}

#[motsu::test]
fn a_report_of_an_unknown_dataset_version_is_unknown_dataset_version() {
    let world = World::native();
    let mut r = report(world.dataset, 1, &three_to_one(&world));
    for version in [0u64, 2] {
        r.version = U256::from(version);
        let err = world.post(&r).motsu_unwrap_err();
        assert!(
            matches!(err, Error::UnknownDatasetVersion(UnknownDatasetVersion { datasetId, version: v })
                if datasetId == world.dataset && v == U256::from(version)),
            "{version}: {err:?}"
        );
    }
    world
        .registry
        .sender(OWNER)
        .publish_version(world.dataset, B256::repeat_byte(0x02), "ipfs://v2".into())
        .motsu_unwrap();
    r.version = U256::from(2);
    world.post(&r).motsu_unwrap();
}

#[motsu::test]
fn a_zero_root_or_a_total_out_of_range_is_invalid_report() {
    let world = World::native();
    let good = report(world.dataset, 1, &three_to_one(&world));
    let mut zero_root = good.clone();
    zero_root.weightsRoot = B256::ZERO;
    let mut zero_total = good.clone();
    zero_total.totalWeight = U256::ZERO;
    let mut too_heavy = good.clone();
    too_heavy.totalWeight = U256::from(u64::MAX) + U256::from(1);
    for (name, r) in [
        ("zero root", zero_root),
        ("zero total", zero_total),
        ("total 2^64", too_heavy),
    ] {
        let err = world.post(&r).motsu_expect_err(name);
        assert!(invalid_report(&err, world.dataset), "{name}: {err:?}");
    }
    // 2^64 - 1 is the largest total, and the splitter takes it.
    let mut heaviest = good;
    heaviest.totalWeight = U256::from(u64::MAX);
    world.post(&heaviest).motsu_unwrap();
    advance(u64::from(VETO_WINDOW));
    assert_eq!(world.try_activate(world.dataset).motsu_unwrap(), 1);
    assert_eq!(
        world.splitter.sender(STRANGER).version_info(world.split, 1),
        (heaviest.weightsRoot, U256::from(u64::MAX), U256::ZERO, 0)
    );
}

#[motsu::test]
fn a_second_report_while_one_is_pending_is_report_pending() {
    let world = World::native();
    let first = report(world.dataset, 1, &three_to_one(&world));
    world.post(&first).motsu_unwrap();
    let pending = world
        .datanets
        .sender(STRANGER)
        .pending_report(world.dataset);
    let mut second = first.clone();
    second.benchmarkId = B256::repeat_byte(0x02);
    for r in [&first, &second] {
        let err = world.post(r).motsu_unwrap_err();
        assert!(
            matches!(err, Error::ReportPending(ReportPending { datasetId, epoch })
                if datasetId == world.dataset && epoch == 1),
            "{err:?}"
        );
    }
    // Still pending after the veto window, until activated.
    advance(u64::from(VETO_WINDOW));
    let err = world.post(&second).motsu_unwrap_err();
    assert!(matches!(err, Error::ReportPending(_)), "{err:?}");
    assert_eq!(
        world
            .datanets
            .sender(STRANGER)
            .pending_report(world.dataset),
        pending
    );
}

#[motsu::test]
fn malformed_signatures_are_refused() {
    let world = World::native();
    let r = report(world.dataset, 1, &three_to_one(&world));
    let good = world.sign(&r);

    // The malleable twin (n - s, flipped v): the same signature to `ecrecover`, refused.
    let mut twin = good.clone();
    let s = U256::from_be_slice(&good[32..64]);
    let high_s = B256::from(SECP256K1_N - s);
    twin[32..64].copy_from_slice(high_s.as_slice());
    twin[64] = if good[64] == 27 { 28 } else { 27 };
    assert_eq!(
        recover(&twin, digest(&r, CHAIN_ID, world.datanets.address())),
        world.evaluator.address(),
        "alloy normalises the twin"
    );
    let err = world.post_signed(&r, twin).motsu_unwrap_err();
    assert!(
        matches!(err, Error::ECDSAInvalidSignatureS(ECDSAInvalidSignatureS { s }) if s == high_s),
        "{err:?}"
    );

    // 64 bytes (EIP-2098 compact form), 66 bytes and none.
    for length in [64usize, 66, 0] {
        let mut signature = good.clone();
        signature.resize(length, 0);
        let err = world.post_signed(&r, signature).motsu_unwrap_err();
        assert!(
            matches!(err, Error::InvalidSignatureLength(InvalidSignatureLength { length: l }) if l == U256::from(length)),
            "{length}: {err:?}"
        );
    }

    // A `v` that is neither 27 nor 28, and an `r` that is no curve point.
    let mut bad_v = good.clone();
    bad_v[64] = 29;
    let mut zero_r = good.clone();
    zero_r[..32].fill(0);
    for (name, signature) in [("v = 29", bad_v), ("r = 0", zero_r)] {
        let err = world.post_signed(&r, signature).motsu_expect_err(name);
        assert!(
            matches!(err, Error::ECDSAInvalidSignature(ECDSAInvalidSignature {})),
            "{name}: {err:?}"
        );
    }
    assert_eq!(
        world
            .datanets
            .sender(STRANGER)
            .pending_report(world.dataset),
        NONE_PENDING
    );
    world.post_signed(&r, good).motsu_unwrap();
}

#[motsu::test]
fn the_owner_vetoes_inside_the_window_and_the_digest_is_burnt() {
    let world = World::native();
    let r = report(world.dataset, 1, &three_to_one(&world));
    let d = digest(&r, CHAIN_ID, world.datanets.address());
    world.post(&r).motsu_unwrap();
    let ends = NOW + u64::from(VETO_WINDOW);

    let err = world
        .datanets
        .sender(STRANGER)
        .veto_report(world.dataset, REASON)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NotDatasetOwner(NotDatasetOwner { datasetId, account })
            if datasetId == world.dataset && account == STRANGER),
        "{err:?}"
    );
    // The curator cannot veto either.
    let err = world
        .datanets
        .sender(CURATOR)
        .veto_report(world.dataset, REASON)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NotDatasetOwner(NotDatasetOwner { account, .. }) if account == CURATOR)
    );

    advance(u64::from(VETO_WINDOW) - 1);
    world
        .datanets
        .sender(OWNER)
        .veto_report(world.dataset, REASON)
        .motsu_unwrap();
    world.datanets.assert_emitted(&ReportVetoed {
        datasetId: world.dataset,
        epoch: 1,
        digest: d,
        reasonHash: REASON,
    });
    assert_eq!(
        world
            .datanets
            .sender(STRANGER)
            .pending_report(world.dataset),
        NONE_PENDING
    );
    let err = world.try_activate(world.dataset).motsu_unwrap_err();
    assert!(
        matches!(err, Error::NoPendingReport(NoPendingReport { datasetId }) if datasetId == world.dataset),
        "{err:?}"
    );
    let err = world
        .datanets
        .sender(OWNER)
        .veto_report(world.dataset, REASON)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NoPendingReport(NoPendingReport { datasetId }) if datasetId == world.dataset),
        "{err:?}"
    );

    // The vetoed report cannot come back, whoever signed it.
    let err = world.post(&r).motsu_unwrap_err();
    assert!(
        matches!(err, Error::ReportAlreadyVetoed(ReportAlreadyVetoed { digest }) if digest == d),
        "{err:?}"
    );
    let second_evaluator = Account::from_seed("second evaluator");
    world
        .datanets
        .sender(OWNER)
        .set_evaluator(world.dataset, second_evaluator.address(), true)
        .motsu_unwrap();
    let err = world
        .post_signed(&r, sign(&second_evaluator, d))
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::ReportAlreadyVetoed(ReportAlreadyVetoed { digest }) if digest == d),
        "{err:?}"
    );

    // Another report for the same epoch is welcome; its veto window closes at its end.
    let mut other = r.clone();
    other.benchmarkId = B256::repeat_byte(0x02);
    world.post(&other).motsu_unwrap();
    let other_ends = ends - 1 + u64::from(VETO_WINDOW);
    assert_eq!(
        world
            .datanets
            .sender(STRANGER)
            .pending_report(world.dataset)
            .2,
        other_ends
    );
    advance(u64::from(VETO_WINDOW));
    let err = world
        .datanets
        .sender(OWNER)
        .veto_report(world.dataset, REASON)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::VetoWindowClosed(VetoWindowClosed { datasetId, endsAt })
            if datasetId == world.dataset && endsAt == other_ends),
        "{err:?}"
    );
    assert_eq!(world.try_activate(world.dataset).motsu_unwrap(), 1);
}

#[motsu::test]
fn activation_waits_out_the_veto_window_and_opens_the_next_split_version() {
    let world = World::native();
    let err = world.try_activate(world.dataset).motsu_unwrap_err();
    assert!(
        matches!(err, Error::NoPendingReport(NoPendingReport { datasetId }) if datasetId == world.dataset),
        "{err:?}"
    );
    let weights = three_to_one(&world);
    let r = report(world.dataset, 1, &weights);
    world.post(&r).motsu_unwrap();
    let ends = NOW + u64::from(VETO_WINDOW);
    for wait in [0, u64::from(VETO_WINDOW) - 1] {
        advance(wait);
        let err = world.try_activate(world.dataset).motsu_unwrap_err();
        assert!(
            matches!(err, Error::VetoWindowOpen(VetoWindowOpen { datasetId, endsAt })
                if datasetId == world.dataset && endsAt == ends),
            "{err:?}"
        );
    }
    advance(1);
    assert_eq!(world.try_activate(world.dataset).motsu_unwrap(), 1);
    world.datanets.assert_emitted(&EpochActivated {
        datasetId: world.dataset,
        epoch: 1,
        splitId: world.split,
        splitVersion: 1,
        weightsRoot: weights.root(),
        totalWeight: U256::from(4),
    });
    let view = world.datanets.sender(STRANGER);
    assert_eq!(world.epoch(world.dataset), 1);
    assert_eq!(view.epoch_split_version(world.dataset, 1), U256::from(1));
    assert_eq!(view.epoch_split_version(world.dataset, 2), U256::ZERO);
    assert_eq!(view.pending_report(world.dataset), NONE_PENDING);
    assert_eq!(
        world.splitter.sender(STRANGER).split_info(world.split),
        (world.datanets.address(), 1, Address::ZERO)
    );
    assert_eq!(
        world.splitter.sender(STRANGER).version_info(world.split, 1),
        (weights.root(), U256::from(4), U256::ZERO, 0)
    );
    let err = world.try_activate(world.dataset).motsu_unwrap_err();
    assert!(matches!(err, Error::NoPendingReport(_)), "{err:?}");

    // Replaying the activated report: its epoch is gone.
    let err = world.post(&r).motsu_unwrap_err();
    assert!(
        matches!(err, Error::WrongEpoch(WrongEpoch { datasetId, epoch, expected })
            if datasetId == world.dataset && epoch == 1 && expected == 2),
        "{err:?}"
    );
    // The next epoch opens the next version.
    let next = Weights::new(&[(world.a.address(), 1)]);
    assert_eq!(world.activate(world.dataset, &next), 2);
    assert_eq!(world.epoch(world.dataset), 2);
    assert_eq!(
        world
            .datanets
            .sender(STRANGER)
            .epoch_split_version(world.dataset, 2),
        U256::from(2)
    );
}

#[motsu::test]
fn an_epoch_records_the_split_version_it_opened() {
    // The registry updated the split once before the hand-over: epoch 1 opens version 2.
    let world = World::registered();
    world
        .registry
        .sender(OWNER)
        .update_contributors(world.dataset, vec![world.a.address()], vec![U256::from(1)])
        .motsu_unwrap();
    world.hand_over(world.dataset);
    world.open(world.dataset, NATIVE);
    let weights = three_to_one(&world);
    assert_eq!(world.activate(world.dataset, &weights), 2);
    let view = world.datanets.sender(STRANGER);
    assert_eq!(view.epoch_split_version(world.dataset, 1), U256::from(2));
    assert_eq!(world.epoch(world.dataset), 1);
}

#[motsu::test]
fn reports_need_an_open_datanet() {
    let world = World::handed_over();
    let weights = three_to_one(&world);
    world
        .datanets
        .sender(OWNER)
        .set_evaluator(world.dataset, world.evaluator.address(), true)
        .motsu_unwrap();
    for dataset in [world.dataset, U256::from(99)] {
        let err = world.post(&report(dataset, 1, &weights)).motsu_unwrap_err();
        assert!(
            matches!(err, Error::DatanetNotOpen(DatanetNotOpen { datasetId }) if datasetId == dataset),
            "{err:?}"
        );
    }
}
