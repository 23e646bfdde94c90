//! The Solidity reference bills what it should and refuses what it should, so the gas the
//! benchmark reports for it is the gas of a correct contract; and its scenario measures every
//! row. Needs the Tributary WASM in target/stylus (`cargo run -p tributary -- build`): the
//! reference is driven through `tributary::world`, as in the benchmark.

use std::path::Path;

use alloy::{
    primitives::{aliases::U96, Address, B256, U256},
    providers::Provider,
    sol_types::{SolCall, SolEvent},
};
use tributary::{
    attest::attribution::{claim_calldata, ReportParams},
    deploy::UsageParameters,
    world::{self, World},
};
use tributary_bench::{
    chain::{self, Accounts},
    reference::{self, IUsageReference, ReferenceSide},
    rows::{Measurements, Operation},
    solc, workload,
};

#[tokio::test(flavor = "multi_thread")]
#[allow(clippy::too_many_lines)] // one story on one chain
async fn the_reference_bills_each_receipt_once_and_refuses_what_is_not_signed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let artifacts = solc::compile_references(root).unwrap();
    let programs = tributary::deploy::command::programs(true)
        .unwrap_or_else(|e| panic!("{e}: run `cargo run -p tributary -- build` first"));
    let server = chain::devnode().await.unwrap();
    let signers = chain::signers();
    let accounts = Accounts::from_signers(&signers).unwrap();
    let chain = world::connect(&server.url(), &signers).unwrap();
    let world = World::deploy(
        chain,
        accounts.deployer,
        &programs,
        UsageParameters::default(),
        |_| {},
    )
    .await
    .unwrap();
    let side = ReferenceSide::deploy(&world, artifacts, &accounts)
        .await
        .unwrap();

    // The scenario checks every settlement itself (one event per receipt, the split credited
    // with exactly the fees).
    let mut gas = Measurements::default();
    side.measure(&world, &mut gas).await.unwrap();
    for operation in Operation::ALL {
        if operation.reference() != Some(operation) {
            // No counterpart, or another row's (the model's settlement borrows `settle 1`).
            assert_eq!(
                gas.get(operation),
                None,
                "{operation}: no counterpart of its own"
            );
            continue;
        }
        let used = gas.get(operation).unwrap();
        eprintln!("reference {operation}: {used}");
        // Per receipt, the billed row is a share of transactions.
        let floor = if matches!(
            operation,
            Operation::BilledReceipt | Operation::CreateSplitPerRecipient
        ) {
            1
        } else {
            21_000
        };
        assert!(used > floor, "{operation}: {used}");
    }

    // The splitter reference paid the fresh recipient its share of the two deposits, to the wei
    // (the accumulator carries the remainder, so at most one wei stays behind).
    let recipients = workload::deposit_recipients(&accounts, "reference");
    let position = recipients
        .sorted
        .iter()
        .position(|r| *r == recipients.fresh)
        .unwrap();
    let shares = workload::shares(3);
    let total: U256 = shares.iter().copied().sum();
    let owed = U256::from(2 * workload::DEPOSIT_WEI) * shares[position] / total;
    let paid = world.chain.get_balance(recipients.fresh).await.unwrap();
    assert!(
        paid <= owed && owed - paid <= U256::from(1),
        "{paid} of {owed}"
    );

    let refusal = |data: Vec<u8>| {
        let world = &world;
        let (from, to) = (accounts.relayer, side.address);
        async move {
            let error = world.refusal("refused", from, to, data).await.unwrap();
            reference::error_name(&error)
        }
    };
    let start = world.now().await.unwrap() + 1;
    world.travel(workload::PERIOD_SECONDS + 1).await.unwrap();
    let jobs = workload::jobs("refusals", 8, 2, start);
    let signed = side.sign(&jobs).unwrap();
    let (batch_id, _) = side.anchor(&world, &signed).await.unwrap();

    // A signed batch is anchored once.
    let again = IUsageReference::anchorBatchCall {
        root: signed.batch.root,
        receiptCount: signed.batch.receiptCount,
        totalUnits: signed.batch.totalUnits,
        periodStart: signed.batch.periodStart,
        periodEnd: signed.batch.periodEnd,
        signature: signed.signature.clone(),
    };
    let error = refusal(again.abi_encode()).await;
    assert!(error.starts_with("BatchAlreadyAnchored"), "{error}");

    // Only an allow-listed attestor's signature anchors; a tampered batch recovers to someone
    // else.
    let stranger = signers[6].clone();
    let forged = side.sign_receipts(side.receipts(&jobs), &stranger).unwrap();
    let by_stranger = IUsageReference::anchorBatchCall {
        signature: forged.signature.clone(),
        ..again.clone()
    };
    let error = refusal(by_stranger.abi_encode()).await;
    assert!(error.starts_with("NotAttestor"), "{error}");
    let inflated = IUsageReference::anchorBatchCall {
        totalUnits: signed.batch.totalUnits + U96::from(1),
        ..again.clone()
    };
    let error = refusal(inflated.abi_encode()).await;
    assert!(
        error.starts_with("NotAttestor") || error.starts_with("InvalidSignature"),
        "{error}"
    );

    // Each receipt is billed once, also when it comes back in another multiproof.
    side.settle(&world, batch_id, &signed, &[0, 1])
        .await
        .unwrap();
    let (replay, _) = ReferenceSide::settle_call(batch_id, &signed, &[1, 2]).unwrap();
    let error = refusal(replay.abi_encode()).await;
    assert!(error.starts_with("ReceiptAlreadySettled"), "{error}");

    // A receipt that is not in the signed tree does not prove.
    let (mut tampered, _) = ReferenceSide::settle_call(batch_id, &signed, &[3]).unwrap();
    tampered.receipts[0].units += U256::from(1);
    let error = refusal(tampered.abi_encode()).await;
    assert!(error.starts_with("InvalidProof"), "{error}");

    // Nor does an unknown batch; nor can a license nobody issued be funded.
    let (unknown, _) = ReferenceSide::settle_call(B256::repeat_byte(7), &signed, &[3]).unwrap();
    let error = refusal(unknown.abi_encode()).await;
    assert!(error.starts_with("UnknownBatch"), "{error}");
    let fund = IUsageReference::fundEscrowCall {
        licenseId: U256::from(999),
    };
    let error = refusal(fund.abi_encode()).await;
    assert!(error.starts_with("UnknownLicense"), "{error}");

    // A receipt the license does not cover is skipped for good, not billed.
    let mut receipts = side.receipts(&workload::jobs("skipped", 2, 1, start));
    receipts[1].scope = U256::from(2);
    let skipped = side.sign_receipts(receipts, &accounts.attestor).unwrap();
    let (batch_id, _) = side.anchor(&world, &skipped).await.unwrap();
    let position = skipped
        .tree
        .leaf_index(reference::leaf(&skipped.receipts[1]))
        .unwrap();
    let before = side.split_balance(&world).await.unwrap();
    let (call, _) = ReferenceSide::settle_call(batch_id, &skipped, &[position]).unwrap();
    let (receipt, _) = world
        .send(
            "settle skipped",
            accounts.relayer,
            side.address,
            call.abi_encode(),
            U256::ZERO,
        )
        .await
        .unwrap();
    let logs = receipt.inner.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(
        logs[0].topics()[0],
        IUsageReference::ReceiptSkipped::SIGNATURE_HASH
    );
    assert_eq!(side.split_balance(&world).await.unwrap(), before);
    let error = refusal(call.abi_encode()).await;
    assert!(error.starts_with("ReceiptAlreadySettled"), "{error}");

    check_datanet_references(&world, &side, &accounts, &signers[6]).await;
    server.stop().await;
}

/// The Datanet references after the scenario (the claimant claimed once from version 1 of the
/// `MerkleSplitReference` split 1; the epoch-1 report was activated): the claimant was paid its
/// share of the two deposits to the wei; a claim is paid once, and only for the leaf's shares;
/// a report is refused for a past epoch, from a stranger, or after its deadline.
async fn check_datanet_references<P: Provider>(
    world: &World<P>,
    side: &ReferenceSide,
    accounts: &Accounts,
    stranger: &alloy::signers::local::PrivateKeySigner,
) {
    let refusal = |to: Address, data: Vec<u8>| async move {
        let error = world
            .refusal("refused", accounts.relayer, to, data)
            .await
            .unwrap();
        reference::error_name(&error)
    };
    let net = workload::datanet().unwrap();
    let claim = &net.claim;
    let owed = U256::from(2 * workload::DEPOSIT_WEI) * U256::from(claim.weight)
        / U256::from(net.registered.total_weight());
    let paid = world.chain.get_balance(claim.contributor).await.unwrap();
    assert!(
        paid <= owed && owed - paid <= U256::from(1),
        "{paid} of {owed}"
    );
    let claim_of = |shares: u64| {
        claim_calldata(
            U256::from(1),
            1,
            claim.contributor,
            U256::from(shares),
            &claim.proof,
            Address::ZERO,
        )
        .to_vec()
    };
    let error = refusal(side.merkle_splitter, claim_of(claim.weight)).await;
    assert!(error.starts_with("NothingToWithdraw"), "{error}");
    let error = refusal(side.merkle_splitter, claim_of(claim.weight + 1)).await;
    assert!(error.starts_with("InvalidProof"), "{error}");

    let chain_id = world.chain.get_chain_id().await.unwrap();
    let params =
        workload::datanet_report_params(chain_id, side.datanets, U256::from(reference::DATASET));
    let post = |params: ReportParams, signer| {
        workload::signed_report(&params, &net.evaluated, signer)
            .unwrap()
            .1
            .to_vec()
    };
    let error = refusal(side.datanets, post(params.clone(), &accounts.attestor)).await;
    assert!(error.starts_with("WrongEpoch"), "{error}");
    let second_epoch = ReportParams {
        epoch: 2,
        ..params.clone()
    };
    let error = refusal(side.datanets, post(second_epoch.clone(), stranger)).await;
    assert!(error.starts_with("NotEvaluator"), "{error}");
    let late = ReportParams {
        deadline: world.now().await.unwrap() - 1,
        ..second_epoch
    };
    let error = refusal(side.datanets, post(late, &accounts.attestor)).await;
    assert!(error.starts_with("ReportExpired"), "{error}");
}
