//! The case study (docs/architecture.md §8) as a test: the labs download the dataset through
//! the access gateway, the gateway's receipts are anchored and settled by its pipeline, and
//! every payout is checked to the wei.

use alloy::{primitives::U256, sol_types::SolError};
use tributary::{
    contracts_abi::{
        attribution_registry::IAttributionRegistry::MissingLicense,
        usage_anchor::IUsageAnchor::UsageAlreadySettled,
    },
    demo::{
        inference_kilo_tokens, run_case_study, CONTRIBUTION_STAKE, ESCROW_FUNDING, ETHER,
        LICENSE_PRICE, MODEL_ESCROW_FUNDING, MODEL_LICENSE_PRICE, MODEL_RESALE_BPS, MODEL_REVENUE,
        MODEL_SALE_PRICE, RECORDS_PER_SHARD, ROYALTY_BPS, WEI_PER_KILO_TOKEN, WEI_PER_SAMPLE,
    },
};
use tributary_e2e::{devnode, programs, signers};

mod explorer_page;

/// The name of custom error `E`, from the generated type: a renamed error fails to compile.
fn name<E: SolError>() -> &'static str {
    E::SIGNATURE.split('(').next().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn case_study_pays_everyone_exactly_and_reconciles() {
    let server = devnode().await;
    let mut lines = Vec::new();
    let report = run_case_study(&server.url(), &signers(), &programs(), &mut |l| {
        lines.push(l.to_owned());
    })
    .await
    .unwrap_or_else(|e| panic!("case study failed: {e}\n{}", lines.join("\n")));

    // The records the gateway served: lab A's jobs took 8 + 4 + 2 + 1 shards, lab B's 8 + 2,
    // of 2,500 records each; the gateway's receipts bill exactly these.
    let per_shard = u128::from(RECORDS_PER_SHARD);
    assert_eq!(per_shard, 2_500);
    let samples_a: u128 = (8 + 4 + 2 + 1) * per_shard;
    let samples_b: u128 = (8 + 2) * per_shard;
    let fees = (samples_a + samples_b) * WEI_PER_SAMPLE;
    let upstream = |revenue: u128| revenue * u128::from(ROYALTY_BPS) / 10_000;
    // The model's revenue: lab A's 1 ETH report, lab B's license of the model, week 1 of
    // inference and the resale royalty (all before the sale of the token, so lab A's), then
    // week 2 of inference (lab C's). The dataset takes 7 % of every wei of it.
    let week = |w: usize| inference_kilo_tokens(w) * WEI_PER_KILO_TOKEN;
    assert_eq!((week(0), week(1)), (78 * ETHER / 1_000, 87 * ETHER / 1_000));
    let resale_royalty = MODEL_SALE_PRICE * MODEL_RESALE_BPS / 10_000;
    let before_sale = MODEL_REVENUE + MODEL_LICENSE_PRICE + week(0) + resale_royalty;
    let after_sale = week(1);
    // The Datanet epoch (act 11) opens version 1 of the dataset's split after week 1 and the
    // flagged stake, before the sale: version 0 took the sales, the usage fees, 7 % of the
    // model's revenue up to week 1 and annotator 3's slashed stake; version 1 takes 7 % of the
    // resale royalty and of week 2.
    let epoch_0 = 2 * LICENSE_PRICE
        + fees
        + upstream(MODEL_REVENUE + MODEL_LICENSE_PRICE + week(0))
        + CONTRIBUTION_STAKE;
    let epoch_1 = upstream(resale_royalty) + upstream(after_sale);
    assert_eq!(
        epoch_0 + epoch_1 - CONTRIBUTION_STAKE,
        2 * LICENSE_PRICE + fees + upstream(before_sale) + upstream(after_sale),
        "the dataset earns the same; the epoch only changes who gets version 1"
    );
    assert_eq!(
        (epoch_0, epoch_1),
        (248_660_000_000_000_000, 13_090_000_000_000_000),
        "0.1 sales + 0.0625 fees + 7 % of 1.088 ETH + 0.01 stake; 7 % of 0.187 ETH"
    );

    check_the_dataset_payouts(&report, epoch_0, epoch_1);
    let paid = |who: &str| {
        report
            .payouts
            .iter()
            .find(|p| p.who == who)
            .unwrap_or_else(|| panic!("no payout for {who}"))
            .wei
    };
    assert_eq!(
        paid("lab A (model split v0)"),
        U256::from(before_sale - upstream(before_sale))
    );
    assert_eq!(
        paid("lab C (model split v1)"),
        U256::from(after_sale - upstream(after_sale))
    );

    let held = |what: &str| {
        report
            .held
            .iter()
            .find(|(w, _)| w == what)
            .unwrap_or_else(|| panic!("no {what}"))
            .1
    };
    assert_eq!(
        held("escrow left to lab A"),
        U256::from(ESCROW_FUNDING - samples_a * WEI_PER_SAMPLE)
    );
    assert_eq!(
        held("escrow left to lab B"),
        U256::from(ESCROW_FUNDING - samples_b * WEI_PER_SAMPLE)
    );
    assert_eq!(
        held("escrow left to lab B (model license)"),
        U256::from(MODEL_ESCROW_FUNDING - week(0) - week(1))
    );
    assert_eq!(held("dataset split: carried remainder"), U256::ZERO);
    assert_eq!(held("model split: carried remainder"), U256::ZERO);
    assert_eq!(report.total_in(), report.total_out(), "{}", report.table());
    assert!(report.total_in() > U256::from(ETHER));

    // The report names each refusal's custom error: exactly these two, in this order.
    let refusals: Vec<&str> = report.refusals.iter().map(|(_, e)| e.as_str()).collect();
    assert_eq!(
        refusals,
        [
            // The replayed settlement, then the model registered without a license.
            name::<UsageAlreadySettled>(),
            name::<MissingLicense>(),
        ]
    );
    assert_eq!(refusals, ["UsageAlreadySettled", "MissingLicense"]);
    assert!(report.steps.iter().all(|(_, _, gas)| *gas > 0));

    // The explorer indexes the same chain and a browser shows annotator 1 its account.
    explorer_page::check_the_account_page(&server.url(), report).await;
    server.stop().await;
}

/// The dataset's payees: version 0 by the registered list (60 / 10 / 10 / 10 / 10), version 1
/// by the evaluation (60 / 10 platform / 20 / 10 / 0 flagged), claimed by proof.
fn check_the_dataset_payouts(report: &tributary::demo::Report, epoch_0: u128, epoch_1: u128) {
    let paid = |who: &str| {
        report
            .payouts
            .iter()
            .find(|p| p.who == who)
            .unwrap_or_else(|| panic!("no payout for {who}"))
            .wei
    };
    assert_eq!(paid("creator (dataset v0)"), U256::from(epoch_0 * 60 / 100));
    for annotator in ["annotator 1", "annotator 2", "annotator 3"] {
        assert_eq!(
            paid(&format!("{annotator} (dataset v0)")),
            U256::from(epoch_0 / 10)
        );
    }
    assert_eq!(paid("platform (dataset v0)"), U256::from(epoch_0 / 10));
    let v1 = |who: &str| paid(&format!("{who} (dataset v1, Merkle)"));
    assert_eq!(v1("creator"), U256::from(epoch_1 * 60 / 100));
    assert_eq!(v1("platform"), U256::from(epoch_1 / 10));
    assert_eq!(v1("annotator 1"), U256::from(epoch_1 * 2 / 10));
    assert_eq!(v1("annotator 2"), U256::from(epoch_1 / 10));
    assert!(
        !report
            .payouts
            .iter()
            .any(|p| p.who == "annotator 3 (dataset v1, Merkle)"),
        "the flagged annotator has no weight in the epoch"
    );
    assert_eq!(
        paid("annotator 1 (stake returned)"),
        U256::from(CONTRIBUTION_STAKE)
    );
}
