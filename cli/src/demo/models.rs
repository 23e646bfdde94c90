//! The case study's second half (docs/models.md): lab A's derived model is a token, offered for
//! inference per 1k tokens; lab B's application licenses it and funds escrow; the compute
//! provider hosts the model and meters a week of inference into receipts in the settlement
//! format, anchored and settled like the gateway's; lab A sells the token to lab C (the
//! ERC-2981 royalty enters the model's route); the next week's inference pays lab C, while the
//! dataset's contributors keep their 7 % of everything the model earns.

use alloy::{
    primitives::{keccak256, Address, B256, U256},
    providers::Provider,
    sol_types::SolCall,
};

use super::{fail, format_ether, wei, DemoError, Story, CHALLENGE_WINDOW, ETHER};
use crate::{
    attest::{
        batch::{build_batch, BatchOptions},
        prove::{prove, Selection},
        types::Receipt,
    },
    contracts::Contract,
    contracts_abi::{
        license_offers::ILicenseOffers, model_nft::IModelNft, revenue_router::IRevenueRouter,
        usage_escrow::IUsageEscrow,
    },
    world::eth_terms,
};

/// Price of a license of lab A's model: 0.01 ETH, paid into the model's route.
pub const MODEL_LICENSE_PRICE: u128 = ETHER / 100;
/// Inference fee: 0.00001 ETH per 1,000 tokens.
pub const WEI_PER_KILO_TOKEN: u128 = 10_000_000_000_000;
/// Escrow lab B funds for its model license: 0.2 ETH.
pub const MODEL_ESCROW_FUNDING: u128 = ETHER / 5;
/// Kilo-tokens of inference lab B's application runs each day of week 1, then week 2.
pub const INFERENCE_DAYS: [[u64; 7]; 2] = [
    [1_200, 900, 1_500, 800, 1_100, 1_300, 1_000],
    [1_400, 1_000, 1_600, 900, 1_200, 1_500, 1_100],
];
/// What lab C pays for the model token: 2 ETH.
pub const MODEL_SALE_PRICE: u128 = 2 * ETHER;
/// The model token's ERC-2981 royalty as `tributary deploy` constructs `ModelNft`: 5 %.
pub const MODEL_RESALE_BPS: u128 = 500;
/// Scope of the model offer: INFERENCE | COMMERCIAL.
const MODEL_SCOPE: u64 = 2 | 4;
/// INFERENCE.
const INFERENCE: u64 = 2;
/// Usage unit: thousands of tokens.
const KILO_TOKENS: u8 = 1;
/// A day in seconds.
const DAY: u64 = 24 * 3600;

/// Kilo-tokens of inference in week `week` (0 or 1).
pub fn inference_kilo_tokens(week: usize) -> u128 {
    INFERENCE_DAYS[week].iter().map(|&k| u128::from(k)).sum()
}

/// The asset id of model `model`: `2^63 + model` (`tributary_abi::asset`).
pub fn model_asset(model: U256) -> U256 {
    model + (U256::from(1) << 63)
}

/// Lab A's model as the second half of the story uses it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Model {
    /// Its id (and token id).
    pub(super) id: U256,
    /// Its split (version 0 pays lab A, version 1 lab C after the sale).
    pub(super) split: U256,
    /// Its model hash.
    pub(super) hash: B256,
    /// Lab B's license of it.
    pub(super) license: U256,
}

impl<P: Provider> Story<'_, P> {
    /// Act 9: lab A, holding the model's token, offers it for inference at a per-1k-token rate;
    /// lab B's application licenses it (the price enters the model's route: 7 % goes on to the
    /// dataset) and funds escrow.
    pub(super) async fn offer_the_model_for_inference(
        &mut self,
        model_id: U256,
        split: U256,
        hash: B256,
    ) -> Result<Model, DemoError> {
        self.say("9. lab A's model is a token; lab A offers it for inference, lab B's application licenses it");
        let (lab_a, lab_b) = (self.cast.lab_a.address(), self.cast.lab_b.address());
        let models = self.world.at(Contract::ModelNft);
        let holder = self
            .world
            .view(models, &IModelNft::ownerOfCall { token_id: model_id })
            .await?
            ._0;
        if holder != lab_a {
            return Err(fail(format!(
                "model token {model_id} is held by {holder}, not lab A"
            )));
        }
        self.say(&format!(
            "   model {model_id} is token {model_id} of ModelNft, held by lab A; asset id {}",
            model_asset(model_id)
        ));
        let terms = ILicenseOffers::LicenseTerms {
            scope: U256::from(MODEL_SCOPE),
            price: wei(MODEL_LICENSE_PRICE),
            usageUnit: KILO_TOKENS,
            usageRate: wei(WEI_PER_KILO_TOKEN),
            ..eth_terms(
                model_asset(model_id),
                self.cast.platform.address(),
                "tributary terms: chest-xray classifier, inference + commercial, per 1k tokens",
                "ipfs://bafy-terms-classifier-inference",
            )
        };
        let offers = self.world.at(Contract::LicenseOffers);
        let create = ILicenseOffers::createOfferCall { terms };
        let offer = self
            .tx_returning(
                "createOffer (model, inference)",
                lab_a,
                offers,
                &create,
                U256::ZERO,
            )
            .await?
            ._0;
        let (license, step) = self
            .world
            .mint(
                "mint (lab B, model license)",
                offer,
                lab_b,
                wei(MODEL_LICENSE_PRICE),
            )
            .await?;
        self.record(&step);
        self.paid_in(
            "model license sale to lab B".into(),
            wei(MODEL_LICENSE_PRICE),
        );
        let fund = IUsageEscrow::fundEscrowCall {
            license_id: license,
        };
        let escrow = self.world.at(Contract::UsageEscrow);
        self.tx(
            "fundEscrow (lab B, model license)",
            lab_b,
            escrow,
            fund.abi_encode(),
            wei(MODEL_ESCROW_FUNDING),
        )
        .await?;
        self.paid_in(
            "escrow funded by lab B (model license)".into(),
            wei(MODEL_ESCROW_FUNDING),
        );
        Ok(Model {
            id: model_id,
            split,
            hash,
            license,
        })
    }

    /// Acts 10 and 13: the compute provider hosts the model for lab B's application and meters
    /// a week of inference into one receipt per day (INFERENCE, kilo-tokens), signs them into a
    /// batch with the attestor kit, anchors it, and settles it after the challenge window: the
    /// fees move from lab B's escrow into the model's route.
    pub(super) async fn meter_a_week_of_inference(
        &mut self,
        model: Model,
        week: usize,
    ) -> Result<(), DemoError> {
        let holder = ["lab A", "lab C"][week];
        self.say(&format!(
            "{}. week {} of inference: the provider meters lab B's calls, anchors and settles; the model's share goes to {holder}",
            [10, 13][week],
            week + 1
        ));
        let host = self.cast.provider.clone();
        let start = self.world.now().await?;
        let receipts: Vec<Receipt> = INFERENCE_DAYS[week]
            .iter()
            .enumerate()
            .map(|(day, &kilo_tokens)| Receipt {
                jobId: keccak256(format!("demo:inference:week-{week}:day-{day}")),
                licenseId: model.license,
                assetId: model_asset(model.id),
                modelHash: model.hash,
                scope: U256::from(INFERENCE),
                unit: KILO_TOKENS,
                units: U256::from(kilo_tokens),
                timestamp: start + day as u64 * DAY + 3_600,
                attestor: host.address(),
            })
            .collect();
        // The week is over before its batch is signed.
        self.world.travel(7 * DAY).await?;
        let options = BatchOptions {
            chain_id: self.world.chain.get_chain_id().await.map_err(fail)?,
            verifying_contract: self.world.at(Contract::UsageAnchor),
            batch_id: None,
            period_start: Some(start),
            period_end: Some(start + 7 * DAY - 1),
            deadline: None,
        };
        let batch = build_batch(&receipts, &host, &options).map_err(fail)?;
        let anchor = self.world.at(Contract::UsageAnchor);
        let provider = host.address();
        self.tx(
            &format!("anchorBatch (inference week {}, 7 receipts)", week + 1),
            provider,
            anchor,
            batch.anchor_calldata.to_vec(),
            U256::ZERO,
        )
        .await?;
        self.world.travel(CHALLENGE_WINDOW + 1).await?;
        let proof = prove(&batch, &Selection::All).map_err(fail)?;
        self.tx(
            &format!("settle (inference week {})", week + 1),
            provider,
            anchor,
            proof.settle_calldata.to_vec(),
            U256::ZERO,
        )
        .await?;
        let kilo_tokens = inference_kilo_tokens(week);
        self.say(&format!(
            "   {kilo_tokens}k tokens: {} ETH from lab B's escrow into the model's route (7 % to the dataset)",
            format_ether(wei(kilo_tokens * WEI_PER_KILO_TOKEN))
        ));
        Ok(())
    }

    /// Act 12: lab C buys the model token for 2 ETH: 1.9 ETH to lab A and the 5 % ERC-2981
    /// royalty to the model's receiver (which reports it as the model's revenue, so the dataset
    /// takes 7 % of it); then lab A transfers the token, and the model's split opens version 1
    /// for lab C.
    pub(super) async fn lab_a_sells_the_model_to_lab_c(
        &mut self,
        model: Model,
    ) -> Result<(), DemoError> {
        self.say("12. lab A sells the model token to lab C for 2 ETH (5 % ERC-2981 royalty into the model's route)");
        let (lab_a, lab_c) = (self.cast.lab_a.address(), self.cast.lab_c.address());
        let (models, router) = (
            self.world.at(Contract::ModelNft),
            self.world.at(Contract::RevenueRouter),
        );
        let deploy = IRevenueRouter::royaltyReceiverCall { model_id: model.id };
        let receiver = self
            .tx_returning(
                "royaltyReceiver (model)",
                lab_c,
                router,
                &deploy,
                U256::ZERO,
            )
            .await?
            ._0;
        let info = IModelNft::royaltyInfoCall {
            token_id: model.id,
            sale_price: wei(MODEL_SALE_PRICE),
        };
        let royalty = self.world.view(models, &info).await?;
        if royalty._0 != receiver || royalty._1 != wei(MODEL_SALE_PRICE * MODEL_RESALE_BPS / 10_000)
        {
            return Err(fail(format!(
                "royaltyInfo answered ({}, {}), expected the deployed receiver {receiver} and 5 %",
                royalty._0, royalty._1
            )));
        }
        // The sale, as a marketplace settles it: the seller's proceeds, the royalty, the token.
        let proceeds = wei(MODEL_SALE_PRICE) - royalty._1;
        self.tx(
            "pay lab A (sale proceeds)",
            lab_c,
            lab_a,
            Vec::new(),
            proceeds,
        )
        .await?;
        self.tx(
            "pay the model's royalty receiver",
            lab_c,
            receiver,
            Vec::new(),
            royalty._1,
        )
        .await?;
        self.paid_in("model token resale royalty".into(), royalty._1);
        let transfer = IModelNft::safeTransferFrom_0Call {
            from: lab_a,
            to: lab_c,
            token_id: model.id,
        };
        self.tx(
            "safeTransferFrom (model token to lab C)",
            lab_a,
            models,
            transfer.abi_encode(),
            U256::ZERO,
        )
        .await?;
        self.say(&format!(
            "   lab C holds model {}; its split {} now pays lab C (version 1), lab A keeps version 0",
            model.id, model.split
        ));
        Ok(())
    }

    /// The quote of the next 1 ETH of the model's revenue: what each party would receive.
    pub(super) async fn quote_the_model(&mut self, model: Model) -> Result<(), DemoError> {
        let router = self.world.at(Contract::RevenueRouter);
        let call = IRevenueRouter::quoteRoyaltiesCall {
            model_id: model.id,
            amount: wei(ETHER),
        };
        let quote = self.world.view(router, &call).await?._0;
        let parts: Vec<String> = quote
            .assetIds
            .iter()
            .zip(&quote.amounts)
            .map(|(asset, amount)| {
                let who = if *asset == model_asset(model.id) {
                    format!("model {}", model.id)
                } else {
                    format!("dataset {asset}")
                };
                format!("{who} {} ETH", format_ether(*amount))
            })
            .collect();
        self.say(&format!(
            "   quoteRoyalties(model, 1 ETH): {}",
            parts.join(", ")
        ));
        Ok(())
    }

    /// Who holds the model token now.
    pub(super) async fn model_holder(&self, model: Model) -> Result<Address, DemoError> {
        let models = self.world.at(Contract::ModelNft);
        Ok(self
            .world
            .view(models, &IModelNft::ownerOfCall { token_id: model.id })
            .await?
            ._0)
    }
}
