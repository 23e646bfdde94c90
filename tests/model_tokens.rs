//! Models as assets, end to end on the real WASM (docs/models.md): model tokens, model licenses
//! paid into the model's revenue route, per-inference receipts settled up the lineage, a
//! transfer in the middle of a revenue stream, fine-tunes of fine-tunes with tier switches, a
//! resale royalty on a model token, and a model without offers.

use alloy::{
    primitives::{keccak256, Address, B256, U256},
    providers::Provider,
    rpc::types::{Filter, TransactionReceipt},
    sol,
    sol_types::{SolCall, SolEvent},
};
use tributary_e2e::{
    usage::{
        anchor, bond_attestor, eth, key, refusal, sign, Tweaks, DAY, DERIVATIVES, INFERENCE, TRAIN,
    },
    world, World,
};
use tributary_kit::{
    attest::types::UsageLeaf,
    contracts::Contract,
    contracts_abi::{
        attribution_registry::IAttributionRegistry::{self, IAttributionRegistryErrors},
        license_offers::ILicenseOffers::{self, ILicenseOffersErrors},
        model_nft::IModelNft,
        revenue_router::IRevenueRouter,
        royalty_splitter::IRoyaltySplitter,
        usage_escrow::IUsageEscrow,
    },
    world::eth_terms,
};

sol! {
    // As `contracts/usage_anchor/src/events.rs` and `contracts/license_offers/src/events.rs`
    // declare them (exported interfaces list no events).
    event OfferCreated(uint256 indexed offerId, uint256 indexed datasetId, address indexed creator, uint256 splitId, address royaltyReceiver, bytes32 termsHash);
    event UsageSkipped(address indexed attestor, bytes32 indexed batchId, uint256 indexed licenseId, uint32 index, uint8 reason);
}

/// Scope bits (`tributary_abi::scope`).
const COMMERCIAL: u64 = 4;
const FINE_TUNE: u64 = 16;
/// Usage unit: thousands of tokens.
const KILO_TOKENS: u8 = 1;
/// Skip reason of a leaf outside the license's scope (`tributary_abi::usage::skip`).
const SCOPE_NOT_LICENSED: u8 = 4;
/// Wei per 1,000 tokens of inference.
const RATE: u64 = 1_000_000_000_000;

/// The asset id of model `model`: `2^63 + model` (`tributary_abi::asset`).
fn asset(model: U256) -> U256 {
    model + (U256::from(1) << 63)
}

fn u(v: u64) -> U256 {
    U256::from(v)
}

/// A license on the world's dataset for TRAIN + DERIVATIVES with royalty tiers
/// (`thresholds`, `bps`), sold for 10 milli-ETH to dev account `to`.
async fn dataset_license<P: Provider>(
    w: &World<P>,
    to: Address,
    thresholds: &[u64],
    bps: &[u16],
) -> U256 {
    let terms = ILicenseOffers::LicenseTerms {
        scope: u(TRAIN | DERIVATIVES),
        price: eth(10),
        tierThresholds: thresholds.iter().map(|t| u(*t)).collect(),
        tierBps: bps.to_vec(),
        ..eth_terms(
            w.dataset_id,
            w.accounts[2],
            "model e2e terms",
            "ipfs://terms",
        )
    };
    let offer = w
        .returning(
            w.accounts[1],
            w.at(Contract::LicenseOffers),
            &ILicenseOffers::createOfferCall { terms },
            U256::ZERO,
        )
        .await
        ._0;
    w.mint(offer, to, eth(10)).await
}

/// Registers model `name` from `from` with the given parents; returns its id.
async fn register<P: Provider>(
    w: &World<P>,
    from: Address,
    name: &str,
    datasets: &[(U256, U256)],
    models: &[(U256, u64, U256)],
) -> U256 {
    let call = IAttributionRegistry::registerModelCall {
        model_hash: keccak256(name),
        uri: format!("ipfs://{name}"),
        parent_datasets: datasets.iter().map(|d| d.0).collect(),
        dataset_weights: datasets
            .iter()
            .map(|_| u(10_000 / datasets.len() as u64))
            .collect(),
        parent_licenses: datasets
            .iter()
            .map(|d| d.1)
            .chain(models.iter().map(|m| m.2))
            .collect(),
        parent_models: models.iter().map(|m| m.0).collect(),
        model_weights: models.iter().map(|m| u(m.1)).collect(),
        contributors: vec![from],
        shares: vec![u(1)],
    };
    w.returning(from, w.at(Contract::AttributionRegistry), &call, U256::ZERO)
        .await
        ._0
}

/// An offer on model `model` by its holder `holder`, granting `scope`, metered in kilo-tokens
/// at [`RATE`], sold for `price`.
async fn model_offer<P: Provider>(
    w: &World<P>,
    holder: Address,
    model: U256,
    scope: u64,
    price: U256,
) -> U256 {
    let terms = model_terms(w, model, scope, price);
    w.returning(
        holder,
        w.at(Contract::LicenseOffers),
        &ILicenseOffers::createOfferCall { terms },
        U256::ZERO,
    )
    .await
    ._0
}

fn model_terms<P>(
    w: &World<P>,
    model: U256,
    scope: u64,
    price: U256,
) -> ILicenseOffers::LicenseTerms {
    ILicenseOffers::LicenseTerms {
        scope: u(scope),
        price,
        usageUnit: KILO_TOKENS,
        usageRate: u(RATE),
        ..eth_terms(
            asset(model),
            w.accounts[2],
            "model terms",
            "ipfs://model-terms",
        )
    }
}

/// Funds `license`'s escrow with `amount` from `from`.
async fn fund_from<P: Provider>(w: &World<P>, from: Address, license: U256, amount: U256) {
    let call = IUsageEscrow::fundEscrowCall {
        license_id: license,
    };
    w.send(from, w.at(Contract::UsageEscrow), call.abi_encode(), amount)
        .await
        .expect("funded");
}

/// One usage leaf of `units` kilo-tokens of inference of `model` under `license`.
fn inference_leaf(license: U256, model: U256, scope: u64, units: u64, at: u64) -> UsageLeaf {
    UsageLeaf {
        index: 0,
        licenseId: license,
        assetId: asset(model),
        scope: u(scope),
        unit: KILO_TOKENS,
        units: u(units),
        receiptCount: 1,
        firstAt: at,
        lastAt: at,
        receiptsRoot: keccak256(format!("inference of {model} under {license} at {at}")),
    }
}

/// The model host (dev account 4, bonded) signs a week's batch of one inference leaf, anchors
/// it, waits out the challenge window and settles it; returns the settlement's receipt.
async fn meter_a_week<P: Provider>(
    w: &World<P>,
    week: &str,
    leaf: UsageLeaf,
) -> TransactionReceipt {
    let at = leaf.firstAt;
    let signed = sign(
        w,
        &key(4),
        week,
        vec![leaf],
        (at - DAY, at),
        Tweaks::default(),
    )
    .await;
    anchor(w, &signed).await;
    w.travel(3_601).await;
    let receipt = w
        .send(
            w.accounts[2],
            w.at(Contract::UsageAnchor),
            signed.settle_all(),
            U256::ZERO,
        )
        .await
        .expect("settles");
    receipt
}

/// What split `split` has received in native currency so far.
async fn received<P: Provider>(w: &World<P>, split: U256) -> U256 {
    let call = IRoyaltySplitter::splitBalanceCall {
        split_id: split,
        token: Address::ZERO,
    };
    w.view(w.at(Contract::RoyaltySplitter), &call).await._0
}

/// What each of `splits` has received in native currency so far.
async fn balances<P: Provider>(w: &World<P>, splits: &[U256]) -> Vec<U256> {
    let mut out = Vec::new();
    for split in splits {
        out.push(received(w, *split).await);
    }
    out
}

/// `(holder, split)` of a model, from the registry.
async fn model_info<P: Provider>(w: &World<P>, model: U256) -> (Address, U256) {
    let call = IAttributionRegistry::modelCall { model_id: model };
    let info = w.view(w.at(Contract::AttributionRegistry), &call).await;
    (info._0, info._1)
}

async fn owner_of<P: Provider>(w: &World<P>, model: U256) -> Address {
    let call = IModelNft::ownerOfCall { token_id: model };
    w.view(w.at(Contract::ModelNft), &call).await._0
}

async fn claimable<P: Provider>(w: &World<P>, split: U256, version: u32, who: Address) -> U256 {
    let call = IRoyaltySplitter::claimableCall {
        split_id: split,
        version,
        recipient: who,
        token: Address::ZERO,
    };
    w.view(w.at(Contract::RoyaltySplitter), &call).await._0
}

async fn quote<P: Provider>(w: &World<P>, model: U256, amount: U256) -> (Vec<U256>, Vec<U256>) {
    let call = IRevenueRouter::quoteRoyaltiesCall {
        model_id: model,
        amount,
    };
    let out = w.view(w.at(Contract::RevenueRouter), &call).await._0;
    (out.assetIds, out.amounts)
}

/// The offers on model `model`, as an integrator lists them: the `OfferCreated` logs of the
/// offers contract whose second topic (the indexed asset id) is the model's asset id.
async fn offers_of<P: Provider>(w: &World<P>, model: U256) -> Vec<U256> {
    let filter = Filter::new()
        .address(w.at(Contract::LicenseOffers))
        .event_signature(OfferCreated::SIGNATURE_HASH)
        .topic2(B256::from(asset(model)))
        .from_block(0);
    let logs = w.chain.get_logs(&filter).await.expect("logs");
    logs.iter()
        .map(|log| U256::from_be_bytes(log.topics()[1].0))
        .collect()
}

/// 7 % of `x` (the dataset tier of these tests), exact for the multiples of 100 used here.
fn seven_percent(x: U256) -> U256 {
    x * u(7) / u(100)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_transfer_mid_stream_leaves_what_accrued_with_the_old_holder() {
    let w = world().await;
    let (lab, app, buyer) = (w.accounts[3], w.accounts[6], w.accounts[7]);
    let dataset_license = dataset_license(&w, lab, &[0], &[700]).await;
    let model = register(
        &w,
        lab,
        "classifier",
        &[(w.dataset_id, dataset_license)],
        &[],
    )
    .await;
    // The model is a token, held by its registrant.
    assert_eq!(owner_of(&w, model).await, lab);
    let (holder, split) = model_info(&w, model).await;
    assert_eq!(holder, lab);
    let dataset_before = received(&w, w.dataset_split).await;

    // Lab offers it for inference; the app's license price enters the model's route: 7 % to
    // the dataset, 93 % to the model's split.
    let offer = model_offer(&w, lab, model, INFERENCE | COMMERCIAL, eth(10)).await;
    assert_eq!(offers_of(&w, model).await, vec![offer]);
    let license = w.mint(offer, app, eth(10)).await;
    fund_from(&w, app, license, eth(50)).await;
    bond_attestor(&w, 4).await;

    // Week 1: 1,000 kilo-tokens.
    let now = w.now().await;
    let fee1 = u(1_000 * RATE);
    meter_a_week(
        &w,
        "week 1",
        inference_leaf(license, model, INFERENCE, 1_000, now),
    )
    .await;
    assert_eq!(
        received(&w, w.dataset_split).await - dataset_before,
        seven_percent(eth(10) + fee1)
    );

    // Lab sells the token to the buyer: a new version of the model's split pays the buyer.
    let transfer = IModelNft::safeTransferFrom_0Call {
        from: lab,
        to: buyer,
        token_id: model,
    };
    w.send(
        lab,
        w.at(Contract::ModelNft),
        transfer.abi_encode(),
        U256::ZERO,
    )
    .await
    .expect("transferred");
    assert_eq!(owner_of(&w, model).await, buyer);
    assert_eq!(model_info(&w, model).await, (buyer, split));
    let info = IRoyaltySplitter::splitInfoCall { split_id: split };
    assert_eq!(w.view(w.at(Contract::RoyaltySplitter), &info).await._1, 1);

    // Week 2: 500 kilo-tokens, after the transfer.
    let now = w.now().await;
    let fee2 = u(500 * RATE);
    meter_a_week(
        &w,
        "week 2",
        inference_leaf(license, model, INFERENCE, 500, now),
    )
    .await;

    // What accrued before the transfer stays with lab (version 1), what came after is the
    // buyer's (version 2); the dataset's contributors earned 7 % of both weeks.
    let before = eth(10) + fee1;
    assert_eq!(
        claimable(&w, split, 0, lab).await,
        before - seven_percent(before)
    );
    assert_eq!(
        claimable(&w, split, 1, buyer).await,
        fee2 - seven_percent(fee2)
    );
    assert_eq!(claimable(&w, split, 1, lab).await, U256::ZERO);
    assert_eq!(claimable(&w, split, 0, buyer).await, U256::ZERO);
    assert_eq!(
        received(&w, w.dataset_split).await - dataset_before,
        seven_percent(before + fee2)
    );
    // Every wei the app paid is in a split or still in escrow.
    let escrow = IUsageEscrow::escrowInfoCall {
        license_id: license,
    };
    assert_eq!(
        w.view(w.at(Contract::UsageEscrow), &escrow).await._0,
        eth(50) - fee1 - fee2
    );
    assert_eq!(
        received(&w, split).await,
        before + fee2 - seven_percent(before + fee2)
    );

    // The new holder controls the model: the old one can no longer offer it.
    let terms = model_terms(&w, model, INFERENCE, eth(1));
    let err: ILicenseOffersErrors = refusal(
        &w,
        lab,
        w.at(Contract::LicenseOffers),
        ILicenseOffers::createOfferCall { terms }.abi_encode(),
        U256::ZERO,
    )
    .await;
    assert_eq!(
        err,
        ILicenseOffersErrors::NotModelOwner(ILicenseOffers::NotModelOwner { _0: model, _1: lab })
    );
    model_offer(&w, buyer, model, INFERENCE, eth(1)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn inference_revenue_of_a_fine_tune_of_a_fine_tune_pays_every_ancestor_by_its_tier() {
    let w = world().await;
    let (lab, tuner, grand_tuner, app) =
        (w.accounts[3], w.accounts[6], w.accounts[7], w.accounts[8]);
    // The dataset's tier switches from 7 % to 10 % at 30,000 gwei of model A's revenue.
    let threshold = 30_000_000_000_000u64;
    let license_d = dataset_license(&w, lab, &[0, threshold], &[700, 1_000]).await;
    let a = register(&w, lab, "A", &[(w.dataset_id, license_d)], &[]).await;
    // A fine-tune of A (20 % of its revenue to A), and a fine-tune of that (10 % to B), each
    // under a FINE_TUNE + DERIVATIVES license of its parent (free).
    let offer_a = model_offer(&w, lab, a, FINE_TUNE | DERIVATIVES, U256::ZERO).await;
    let license_a = w.mint(offer_a, tuner, U256::ZERO).await;
    let b = register(&w, tuner, "B", &[], &[(a, 2_000, license_a)]).await;
    let offer_b = model_offer(&w, tuner, b, FINE_TUNE | DERIVATIVES, U256::ZERO).await;
    let license_b = w.mint(offer_b, grand_tuner, U256::ZERO).await;
    let c = register(&w, grand_tuner, "C", &[], &[(b, 1_000, license_b)]).await;
    let lineage = IAttributionRegistry::ancestryCall { model_id: c };
    assert_eq!(
        w.view(w.at(Contract::AttributionRegistry), &lineage)
            .await
            ._0,
        vec![b, a]
    );

    // An app licenses C for inference.
    let offer_c = model_offer(&w, grand_tuner, c, INFERENCE, U256::ZERO).await;
    let license_c = w.mint(offer_c, app, U256::ZERO).await;
    fund_from(&w, app, license_c, eth(50)).await;
    bond_attestor(&w, 4).await;

    let splits = [
        w.dataset_split,
        model_info(&w, a).await.1,
        model_info(&w, b).await.1,
        model_info(&w, c).await.1,
    ];

    // Week 1: 1,000 kilo-tokens = 10^15 wei. B gets 10 %, A 20 % of that, D 7 % of A's.
    // Week 2: the same again; A's cumulative revenue crosses the threshold half-way, so D takes
    // 7 % of the first 10^13 and 10 % of the second.
    let fee = u(1_000 * RATE);
    let expected = [
        [
            u(1_400_000_000_000),
            u(18_600_000_000_000),
            u(80_000_000_000_000),
            u(900_000_000_000_000),
        ],
        [
            u(1_700_000_000_000),
            u(18_300_000_000_000),
            u(80_000_000_000_000),
            u(900_000_000_000_000),
        ],
    ];
    for (week, expected) in ["week 1", "week 2"].into_iter().zip(expected) {
        // The quote names each party with what it would get, the model first.
        let (parties, amounts) = quote(&w, c, fee).await;
        assert_eq!(parties, vec![asset(c), asset(b), asset(a), w.dataset_id]);
        assert_eq!(
            amounts,
            vec![expected[3], expected[2], expected[1], expected[0]]
        );
        let before = balances(&w, &splits).await;
        let now = w.now().await;
        meter_a_week(
            &w,
            week,
            inference_leaf(license_c, c, INFERENCE, 1_000, now),
        )
        .await;
        let after = balances(&w, &splits).await;
        let deltas: Vec<U256> = after.iter().zip(&before).map(|(a, b)| *a - *b).collect();
        assert_eq!(deltas, expected.to_vec(), "{week}");
        assert_eq!(
            deltas.iter().copied().sum::<U256>(),
            fee,
            "{week}: every wei routed"
        );
    }
    let cumulative = IRevenueRouter::cumulativeRevenueCall {
        model_id: a,
        token: Address::ZERO,
    };
    assert_eq!(
        w.view(w.at(Contract::RevenueRouter), &cumulative).await._0,
        u(40_000_000_000_000)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_model_is_used_only_as_licensed() {
    let w = world().await;
    let (lab, tuner, stranger) = (w.accounts[3], w.accounts[6], w.accounts[5]);
    let license_d = dataset_license(&w, lab, &[0], &[700]).await;
    let model = register(&w, lab, "M", &[(w.dataset_id, license_d)], &[]).await;
    let offers = w.at(Contract::LicenseOffers);

    // A model offer cannot grant dataset rights.
    let terms = model_terms(&w, model, TRAIN | INFERENCE, U256::ZERO);
    let err: ILicenseOffersErrors = refusal(
        &w,
        lab,
        offers,
        ILicenseOffers::createOfferCall { terms }.abi_encode(),
        U256::ZERO,
    )
    .await;
    assert_eq!(
        err,
        ILicenseOffersErrors::InvalidScope(ILicenseOffers::InvalidScope {
            _0: u(TRAIN | INFERENCE)
        })
    );

    // A fine-tuning license does not cover inference: the leaf is skipped, nothing is charged.
    let offer = model_offer(&w, lab, model, FINE_TUNE | DERIVATIVES, U256::ZERO).await;
    let license = w.mint(offer, tuner, U256::ZERO).await;
    fund_from(&w, tuner, license, eth(5)).await;
    bond_attestor(&w, 4).await;
    let now = w.now().await;
    let receipt = meter_a_week(
        &w,
        "unlicensed",
        inference_leaf(license, model, INFERENCE, 100, now),
    )
    .await;
    let skipped: Vec<u8> = receipt
        .inner
        .logs()
        .iter()
        .filter_map(|log| UsageSkipped::decode_log(&log.inner, true).ok())
        .map(|e| e.data.reason)
        .collect();
    assert_eq!(skipped, vec![SCOPE_NOT_LICENSED]);
    let escrow = IUsageEscrow::escrowInfoCall {
        license_id: license,
    };
    assert_eq!(
        w.view(w.at(Contract::UsageEscrow), &escrow).await._0,
        eth(5)
    );

    // Deriving from a model needs a FINE_TUNE + DERIVATIVES license on it.
    let call = IAttributionRegistry::registerModelCall {
        model_hash: keccak256("stranger's fine-tune"),
        uri: "ipfs://s".into(),
        parent_datasets: vec![],
        dataset_weights: vec![],
        parent_licenses: vec![license],
        parent_models: vec![model],
        model_weights: vec![u(1_000)],
        contributors: vec![stranger],
        shares: vec![u(1)],
    };
    let err: IAttributionRegistryErrors = refusal(
        &w,
        stranger,
        w.at(Contract::AttributionRegistry),
        call.abi_encode(),
        U256::ZERO,
    )
    .await;
    assert_eq!(
        err,
        IAttributionRegistryErrors::MissingModelLicense(
            IAttributionRegistry::MissingModelLicense {
                _0: model,
                _1: license
            }
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_model_token_resale_pays_its_royalty_up_the_lineage() {
    let w = world().await;
    let (lab, marketplace) = (w.accounts[3], w.accounts[9]);
    let license_d = dataset_license(&w, lab, &[0], &[700]).await;
    let model = register(&w, lab, "sold", &[(w.dataset_id, license_d)], &[]).await;
    let models = w.at(Contract::ModelNft);
    let supports = IModelNft::supportsInterfaceCall {
        interface_id: [0x2a, 0x55, 0x20, 0x5a].into(),
    };
    assert!(w.view(models, &supports).await._0, "ERC-2981");

    // ERC-2981 names the model's route forwarder and 5 % of the price.
    let price = eth(2_000);
    let info = IModelNft::royaltyInfoCall {
        token_id: model,
        sale_price: price,
    };
    let royalty = w.view(models, &info).await;
    assert_eq!(royalty._1, eth(100));
    // Anyone deploys it where royaltyInfo said (CREATE2), once.
    let deploy = IRevenueRouter::royaltyReceiverCall { model_id: model };
    let router = w.at(Contract::RevenueRouter);
    let receiver = w
        .returning(marketplace, router, &deploy, U256::ZERO)
        .await
        ._0;
    assert_eq!(receiver, royalty._0);
    assert_eq!(
        w.returning(marketplace, router, &deploy, U256::ZERO)
            .await
            ._0,
        receiver
    );

    // The marketplace pays the royalty with a plain transfer: it is the model's revenue.
    let dataset_before = received(&w, w.dataset_split).await;
    let (_, split) = model_info(&w, model).await;
    w.send(marketplace, receiver, Vec::new(), royalty._1)
        .await
        .expect("the forwarder accepts a plain transfer");
    let cumulative = IRevenueRouter::cumulativeRevenueCall {
        model_id: model,
        token: Address::ZERO,
    };
    assert_eq!(w.view(router, &cumulative).await._0, eth(100));
    assert_eq!(
        received(&w, w.dataset_split).await - dataset_before,
        seven_percent(eth(100))
    );
    assert_eq!(
        received(&w, split).await,
        eth(100) - seven_percent(eth(100))
    );
    assert_eq!(
        w.chain.get_balance(receiver).await.expect("balance"),
        U256::ZERO
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_model_without_offers_changes_hands_and_earns_for_its_holder() {
    let w = world().await;
    let (lab, buyer, payer) = (w.accounts[3], w.accounts[7], w.accounts[9]);
    let license_d = dataset_license(&w, lab, &[0], &[700]).await;
    let model = register(&w, lab, "no offers", &[(w.dataset_id, license_d)], &[]).await;
    let (_, split) = model_info(&w, model).await;
    assert_eq!(offers_of(&w, model).await, Vec::<U256>::new());
    let router = w.at(Contract::RevenueRouter);
    let report = IRevenueRouter::reportRevenueCall { model_id: model };

    w.send(payer, router, report.abi_encode(), eth(100))
        .await
        .expect("reported");
    let transfer = IModelNft::transferFromCall {
        from: lab,
        to: buyer,
        token_id: model,
    };
    w.send(
        lab,
        w.at(Contract::ModelNft),
        transfer.abi_encode(),
        U256::ZERO,
    )
    .await
    .expect("a model without offers moves like any token");
    w.send(payer, router, report.abi_encode(), eth(300))
        .await
        .expect("reported");

    assert_eq!(
        claimable(&w, split, 0, lab).await,
        eth(100) - seven_percent(eth(100))
    );
    assert_eq!(
        claimable(&w, split, 1, buyer).await,
        eth(300) - seven_percent(eth(300))
    );
    // Each withdraws its own version.
    let splitter = w.at(Contract::RoyaltySplitter);
    for (version, who, amount) in [(0u32, lab, eth(93)), (1, buyer, eth(279))] {
        let withdraw = IRoyaltySplitter::withdrawCall {
            split_id: split,
            version,
            recipient: who,
            token: Address::ZERO,
        };
        assert_eq!(
            w.returning(who, splitter, &withdraw, U256::ZERO).await._0,
            amount
        );
    }
    // The quote of the next report names the buyer's model and the dataset.
    let (parties, amounts) = quote(&w, model, eth(100)).await;
    assert_eq!(parties, vec![asset(model), w.dataset_id]);
    assert_eq!(amounts, vec![eth(93), eth(7)]);
}
