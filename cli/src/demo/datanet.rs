//! Act 11 of the case study (docs/datanets.md): after the first week of inference the
//! collective opens the dataset as a Datanet. Two annotators contribute new labels with a
//! stake; the platform, as curator, accepts annotator 1's and flags annotator 3's as poisoned
//! (its stake goes to the dataset's split). An evaluator measures each contributor's impact on
//! a fixed benchmark, the attestor kit turns the scores into a signed attribution report, and
//! after the veto window the report becomes the dataset split's next version: from then on
//! (week 2, the model sale) the annotators are paid by impact, annotator 3 nothing.

use alloy::{
    primitives::{keccak256, Address, U256},
    providers::Provider,
};

use super::{fail, format_ether, wei, DemoError, Story, ETHER};
use crate::{
    attest::attribution::{attribute, claim_calldata, Attribution, ReportParams, Scores},
    contracts::Contract,
    contracts_abi::{attribution_registry::IAttributionRegistry, datanets::IDatanets},
    world::Dataset,
};

/// Stake per contribution: 0.01 ETH.
pub const CONTRIBUTION_STAKE: u128 = ETHER / 100;
/// Review window: two days; the veto window: one day; accepted stakes are not locked.
const REVIEW_WINDOW: u32 = 2 * 24 * 3600;
const VETO_WINDOW: u32 = 24 * 3600;
/// Measured impact on the benchmark (dice score gain per contributor, in points). The creator
/// and the platform keep their 60 and 10; annotator 3's labels were poisoned.
pub(super) const IMPACT_SCORES: &str = "contributor,score,flagged\n\
    {creator},60,\n\
    {platform},10,\n\
    {annotator1},20,\n\
    {annotator2},10,\n\
    {annotator3},-1.5,true\n";

/// The Datanet epoch the story opened: the signed attribution and the split version it became.
pub(super) struct Epoch {
    /// The kit's output: weights, tree (proofs), report.
    pub(super) attribution: Attribution,
    /// The dataset split's version the report opened.
    pub(super) version: u32,
}

impl Epoch {
    /// `claimMerkle` calldata of `account`'s weight in the epoch's split version (native).
    pub(super) fn claim(&self, split: U256, account: Address) -> Result<Vec<u8>, DemoError> {
        let proof = self.attribution.tree.proof(account).map_err(fail)?;
        Ok(claim_calldata(
            split,
            self.version,
            account,
            U256::from(proof.weight),
            &proof.proof,
            Address::ZERO,
        )
        .to_vec())
    }
}

impl<P: Provider> Story<'_, P> {
    /// Act 11; see the module documentation. One act told in order, as the other acts are.
    #[allow(clippy::too_many_lines)]
    pub(super) async fn open_the_datanet_and_reweight(
        &mut self,
        dataset: Dataset,
    ) -> Result<Epoch, DemoError> {
        self.say("11. the dataset becomes a Datanet: contributions with a stake, curation, and an evaluation that re-weights the annotators");
        let (registry, datanets) = (
            self.world.at(Contract::AttributionRegistry),
            self.world.at(Contract::Datanets),
        );
        let cast = &self.cast;
        let (creator, platform, evaluator) = (
            cast.creator.address(),
            cast.platform.address(),
            cast.provider.address(),
        );
        let annotators: Vec<Address> = cast
            .annotators
            .iter()
            .map(alloy::signers::local::PrivateKeySigner::address)
            .collect();
        let hand_over = IAttributionRegistry::handOverSplitCall {
            dataset_id: dataset.id,
            controller: datanets,
        };
        self.tx_call(
            "handOverSplit (registry -> Datanets)",
            creator,
            registry,
            &hand_over,
        )
        .await?;
        let configure = IDatanets::configureDatanetCall {
            dataset_id: dataset.id,
            curator: platform,
            stake_token: Address::ZERO,
            stake: wei(CONTRIBUTION_STAKE),
            review_window: REVIEW_WINDOW,
            stake_lock: 0,
            veto_window: VETO_WINDOW,
        };
        self.tx_call(
            "configureDatanet (curator: platform)",
            creator,
            datanets,
            &configure,
        )
        .await?;
        let allow = IDatanets::setEvaluatorCall {
            dataset_id: dataset.id,
            evaluator,
            allowed: true,
        };
        self.tx_call(
            "setEvaluator (the evaluation service)",
            creator,
            datanets,
            &allow,
        )
        .await?;

        // Annotators 1 and 3 contribute new labels, each with the stake.
        let mut ids = Vec::new();
        for (n, what) in [(0usize, "refined lesion masks"), (2, "relabelled patches")] {
            let contribute = IDatanets::contributeCall {
                dataset_id: dataset.id,
                content_hash: keccak256(format!("demo:contribution:annotator-{}", n + 1)),
                uri: format!("ipfs://bafy-contribution-annotator-{}", n + 1),
            };
            let label = format!("contribute (annotator {}: {what})", n + 1);
            let id = self
                .tx_returning(
                    &label,
                    annotators[n],
                    datanets,
                    &contribute,
                    wei(CONTRIBUTION_STAKE),
                )
                .await?
                ._0;
            self.paid_in(
                format!("stake (annotator {})", n + 1),
                wei(CONTRIBUTION_STAKE),
            );
            ids.push(id);
        }
        let accept = IDatanets::reviewContributionCall {
            contribution_id: ids[0],
            verdict: 1,
            reason_hash: keccak256("masks checked against the radiologist panel"),
        };
        self.tx_call(
            "reviewContribution (accept annotator 1)",
            platform,
            datanets,
            &accept,
        )
        .await?;
        let flag = IDatanets::reviewContributionCall {
            contribution_id: ids[1],
            verdict: 3,
            reason_hash: keccak256("poisoned labels: 12% of masks inverted"),
        };
        self.tx_call(
            "reviewContribution (flag annotator 3: poisoned)",
            platform,
            datanets,
            &flag,
        )
        .await?;
        self.say(&format!(
            "   annotator 3's {} ETH stake went to the dataset's split",
            format_ether(wei(CONTRIBUTION_STAKE))
        ));
        let refund = IDatanets::withdrawStakeCall {
            contribution_id: ids[0],
        };
        let returned = self
            .tx_returning(
                "withdrawStake (annotator 1)",
                annotators[0],
                datanets,
                &refund,
                U256::ZERO,
            )
            .await?
            ._0;
        self.report.payouts.push(super::Payout {
            who: "annotator 1 (stake returned)".into(),
            address: annotators[0],
            split: U256::ZERO,
            wei: returned,
        });

        // The evaluation: impact scores -> weights -> signed report (the attestor kit).
        let scores_csv = IMPACT_SCORES
            .replace("{creator}", &creator.to_string())
            .replace("{platform}", &platform.to_string())
            .replace("{annotator1}", &annotators[0].to_string())
            .replace("{annotator2}", &annotators[1].to_string())
            .replace("{annotator3}", &annotators[2].to_string());
        let scores = Scores::parse(&scores_csv).map_err(fail)?;
        let now = self.world.now().await?;
        let params = ReportParams {
            chain_id: self.world.chain.get_chain_id().await.map_err(fail)?,
            datanets,
            dataset_id: dataset.id,
            version: U256::from(1),
            epoch: 1,
            benchmark_id: keccak256("demo:benchmark:lesion-segmentation-v1"),
            metric: keccak256("dice"),
            deadline: now + u64::from(VETO_WINDOW),
        };
        let attribution = attribute(&scores, &params, &self.cast.provider).map_err(fail)?;
        for w in attribution.weights.entries() {
            let why = w.zero_reason.map_or(String::new(), |r| format!(" ({r})"));
            self.say(&format!(
                "   {} score {} -> weight {} ppb{why}",
                super::short(w.contributor),
                w.score,
                w.weight
            ));
        }
        self.tx(
            "postReport (epoch 1, signed by the evaluator)",
            evaluator,
            datanets,
            attribution.post_report_calldata().to_vec(),
            U256::ZERO,
        )
        .await?;
        self.world.travel(u64::from(VETO_WINDOW) + 1).await?;
        let activate = IDatanets::activateReportCall {
            dataset_id: dataset.id,
        };
        let version = self
            .tx_returning(
                "activateReport (after the veto window)",
                platform,
                datanets,
                &activate,
                U256::ZERO,
            )
            .await?
            ._0;
        self.say(&format!(
            "   the report is version {version} of the dataset's split: revenue from now on follows it; {} ETH received before stays with version 0",
            format_ether(self.split_received(dataset.split).await?)
        ));
        Ok(Epoch {
            attribution,
            version,
        })
    }

    /// What a split has received so far (native currency).
    async fn split_received(&self, split: U256) -> Result<U256, DemoError> {
        let query = crate::contracts_abi::royalty_splitter::IRoyaltySplitter::splitBalanceCall {
            split_id: split,
            token: Address::ZERO,
        };
        let splitter = self.world.at(Contract::RoyaltySplitter);
        Ok(self.world.view(splitter, &query).await?._0)
    }

    /// Sends `call` (no value) and records it.
    async fn tx_call<C: alloy::sol_types::SolCall>(
        &mut self,
        label: &str,
        from: Address,
        to: Address,
        call: &C,
    ) -> Result<(), DemoError> {
        self.tx(label, from, to, call.abi_encode(), U256::ZERO)
            .await
    }
}
