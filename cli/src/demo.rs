//! `tributary demo`: the case study (docs/architecture.md §8), played out on real WASM over
//! JSON-RPC.
//!
//! A creator collective registers a medical-imaging dataset (creator 60 / three annotators
//! 10 each / platform 10), offers a 24-month training license at 0.05 ETH with 0.0001 ETH per
//! 10,000 samples, two labs mint licenses and fund escrow, a compute provider meters a week of
//! receipts, aggregates them into one usage leaf per license (settlement v2,
//! docs/settlement.md) and anchors the signed batch, the challenge window passes, both usage
//! leaves are settled with one multiproof, a lab registers a derived model and reports commercial
//! revenue that pays 7 % upstream, an unlicensed use and a replayed settlement are refused, and
//! every payee withdraws. Every amount is checked to the wei against what was paid in.
//!
//! [`Story::play`] tells it act by act, one method per act.

use std::fmt::Write as _;

use alloy::{
    primitives::{keccak256, Address, B256, U256},
    providers::Provider,
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};
use serde::Serialize;

use crate::{
    attest::{
        batch::{build_batch, BatchOptions},
        json::{BatchFile, ProofFile},
        prove::{prove, Selection},
        types::Receipt,
    },
    contracts::{Contract, Contracts},
    contracts_abi::{
        attribution_registry::IAttributionRegistry, license_offers::ILicenseOffers,
        revenue_router::IRevenueRouter, royalty_splitter::IRoyaltySplitter,
        usage_anchor::IUsageAnchor, usage_escrow::IUsageEscrow,
    },
    deploy::{Programs, Step, UsageParameters},
    world::{self, eth_terms, model_call, Dataset, World, WorldError},
};

/// 1 ETH in wei.
pub const ETHER: u128 = 1_000_000_000_000_000_000;
/// Primary price of one license: 0.05 ETH.
pub const LICENSE_PRICE: u128 = ETHER / 20;
/// Per-use fee: 0.0001 ETH per 10,000 samples = 10^10 wei per sample.
pub const WEI_PER_SAMPLE: u128 = 10_000_000_000;
/// Derivative royalty: 7 %.
pub const ROYALTY_BPS: u16 = 700;
/// Declared commercial revenue of the derived model: 1 ETH.
pub const MODEL_REVENUE: u128 = ETHER;
/// Escrow each lab funds: 0.05 ETH.
pub const ESCROW_FUNDING: u128 = ETHER / 20;
/// License duration: 24 months of 365-day years.
pub const LICENSE_SECONDS: u64 = 2 * 365 * 24 * 3600;
/// The case study's challenge window: one day.
pub const CHALLENGE_WINDOW: u64 = 24 * 3600;
/// Scope flags (see `contracts/abi/src/scope.rs`): TRAIN | COMMERCIAL | DERIVATIVES.
pub const LICENSE_SCOPE: u64 = 1 | 4 | 8;
const DAY: u64 = 24 * 3600;
/// The week of training the provider meters: (lab index, samples) per job, one job a day.
const JOBS: [(usize, u64); 6] = [
    (0, 600_000),
    (1, 500_000),
    (0, 400_000),
    (1, 250_000),
    (0, 150_000),
    (0, 100_000),
];

/// A demo failure.
#[derive(Debug)]
pub struct DemoError(pub String);

impl std::fmt::Display for DemoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DemoError {}

impl From<WorldError> for DemoError {
    fn from(e: WorldError) -> Self {
        Self(e.to_string())
    }
}

fn fail(e: impl std::fmt::Display) -> DemoError {
    DemoError(e.to_string())
}

/// The people of the case study, as dev accounts.
#[derive(Debug, Clone)]
pub struct Cast {
    /// Deploys and owns the contracts (the platform operator's deployer key).
    pub deployer: PrivateKeySigner,
    /// The creator collective: registers the dataset, gets 60 %.
    pub creator: PrivateKeySigner,
    /// Three annotators, 10 % each.
    pub annotators: [PrivateKeySigner; 3],
    /// The platform: 10 %, and arbiter of the license terms.
    pub platform: PrivateKeySigner,
    /// Lab A: trains, registers a derived model and commercialises it.
    pub lab_a: PrivateKeySigner,
    /// Lab B: trains.
    pub lab_b: PrivateKeySigner,
    /// The compute provider that attests usage.
    pub provider: PrivateKeySigner,
    /// Someone without a license.
    pub stranger: PrivateKeySigner,
}

impl Cast {
    /// Takes the cast from `signers` (the devnode's dev accounts: deployer first).
    pub fn from_signers(signers: &[PrivateKeySigner]) -> Result<Self, DemoError> {
        let get = |i: usize| {
            signers
                .get(i)
                .cloned()
                .ok_or_else(|| fail(format!("need at least {} accounts", i + 1)))
        };
        Ok(Self {
            deployer: get(0)?,
            creator: get(1)?,
            annotators: [get(2)?, get(3)?, get(4)?],
            platform: get(5)?,
            lab_a: get(6)?,
            lab_b: get(7)?,
            provider: get(8)?,
            stranger: get(9)?,
        })
    }

    /// Everyone, deployer first.
    fn all(&self) -> Vec<PrivateKeySigner> {
        let mut all = vec![self.deployer.clone(), self.creator.clone()];
        all.extend(self.annotators.iter().cloned());
        all.extend([
            self.platform.clone(),
            self.lab_a.clone(),
            self.lab_b.clone(),
            self.provider.clone(),
            self.stranger.clone(),
        ]);
        all
    }
}

/// One row of the final table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payout {
    /// Who.
    pub who: String,
    /// Their address.
    pub address: Address,
    /// Wei withdrawn.
    pub wei: U256,
}

/// What the case study did, for the table, the gas file and the tests.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The deployment used.
    pub contracts: Contracts<Address>,
    /// Every mined step with its gas.
    pub steps: Vec<(String, B256, u64)>,
    /// Money in, by source.
    pub paid_in: Vec<(String, U256)>,
    /// Withdrawals by payee.
    pub payouts: Vec<Payout>,
    /// Still held: escrow left to the labs, remainders carried in the splitter.
    pub held: Vec<(String, U256)>,
    /// Refusals the story expects, with the error the chain gave.
    pub refusals: Vec<(String, String)>,
}

impl Report {
    /// Total paid in.
    pub fn total_in(&self) -> U256 {
        self.paid_in.iter().map(|(_, w)| *w).sum()
    }

    /// Total paid out plus still held.
    pub fn total_out(&self) -> U256 {
        self.payouts.iter().map(|p| p.wei).sum::<U256>()
            + self.held.iter().map(|(_, w)| *w).sum::<U256>()
    }

    /// The final table.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let eth = |w: &U256| format_ether(*w);
        let _ = writeln!(out, "{:<44} {:>24}", "paid in", "ETH");
        for (what, wei) in &self.paid_in {
            let _ = writeln!(out, "  {what:<42} {:>24}", eth(wei));
        }
        let _ = writeln!(out, "  {:<42} {:>24}", "total", eth(&self.total_in()));
        let _ = writeln!(out, "{:<44} {:>24}", "paid out / held", "ETH");
        for p in &self.payouts {
            let _ = writeln!(
                out,
                "  {:<42} {:>24}",
                format!("{} {}", p.who, short(p.address)),
                eth(&p.wei)
            );
        }
        for (what, wei) in &self.held {
            let _ = writeln!(out, "  {what:<42} {:>24}", eth(wei));
        }
        let _ = writeln!(out, "  {:<42} {:>24}", "total", eth(&self.total_out()));
        let verdict = if self.total_in() == self.total_out() {
            "reconciles to the wei"
        } else {
            "DOES NOT RECONCILE"
        };
        let _ = writeln!(
            out,
            "{verdict}: {} wei in, {} wei out or held",
            self.total_in(),
            self.total_out()
        );
        out
    }
}

fn short(a: Address) -> String {
    let s = a.to_string();
    format!("{}…{}", &s[..6], &s[s.len() - 4..])
}

/// Wei as a decimal ETH string with all 18 decimals.
pub fn format_ether(wei: U256) -> String {
    let unit = U256::from(ETHER);
    format!("{}.{:0>18}", wei / unit, (wei % unit).to_string())
}

fn wei(n: u128) -> U256 {
    U256::from(n)
}

/// Deploys the contracts and plays the case study against the chain at `url`, where `signers`
/// are funded accounts (deployer first). `log` receives each line.
pub async fn run_case_study(
    url: &str,
    signers: &[PrivateKeySigner],
    programs: &Programs,
    log: &mut dyn FnMut(&str),
) -> Result<Report, DemoError> {
    let cast = Cast::from_signers(signers)?;
    let chain = world::connect(url, &cast.all())?;
    log("deploy: eight Stylus programs through StylusDeployer, then wiring");
    let parameters = UsageParameters {
        challenge_window: CHALLENGE_WINDOW,
        ..UsageParameters::default()
    };
    let mut steps = Vec::new();
    let world = World::deploy(chain, cast.deployer.address(), programs, parameters, |s| {
        steps.push(s.clone());
    })
    .await?;
    let mut story = Story {
        report: Report {
            contracts: world.deployment.contracts.map(|d| d.address),
            steps: Vec::new(),
            paid_in: Vec::new(),
            payouts: Vec::new(),
            held: Vec::new(),
            refusals: Vec::new(),
        },
        world,
        cast,
        log,
    };
    for step in &steps {
        story.record(step);
    }
    story.play().await?;
    Ok(story.report)
}

/// The case study in progress: the deployed world, who plays whom, and what happened so far.
struct Story<'a, P> {
    world: World<P>,
    cast: Cast,
    report: Report,
    log: &'a mut dyn FnMut(&str),
}

impl<P: Provider> Story<'_, P> {
    /// The whole story, in order.
    async fn play(&mut self) -> Result<(), DemoError> {
        let dataset = self.register_the_dataset().await?;
        let offer = self.offer_a_license(dataset).await?;
        let licenses = self.two_labs_license_and_fund_escrow(offer).await?;
        let (batch, receipts) = self.meter_a_week_of_training(dataset, licenses).await?;
        let proof = self
            .settle_after_the_challenge_window(&batch, &receipts)
            .await?;
        self.refuse_a_replay_and_an_unlicensed_model(&proof, dataset, licenses)
            .await?;
        let model_split = self
            .commercialise_a_derived_model(dataset, licenses)
            .await?;
        self.every_payee_withdraws(dataset, model_split).await?;
        self.count_what_is_held(licenses, dataset, model_split)
            .await
    }

    /// Act 1: the collective registers the dataset.
    async fn register_the_dataset(&mut self) -> Result<Dataset, DemoError> {
        self.say(
            "1. the collective registers the dataset: creator 60 / annotators 3 x 10 / platform 10",
        );
        let cast = &self.cast;
        let mut weights = vec![(cast.creator.address(), 60), (cast.platform.address(), 10)];
        weights.extend(cast.annotators.iter().map(|a| (a.address(), 10)));
        let (dataset, step) = self
            .world
            .register_dataset(
                cast.creator.address(),
                "chest-xray patches, anonymized, v1",
                "ipfs://bafy-medical-image-patches-v1",
                &weights,
            )
            .await?;
        self.record(&step);
        Ok(dataset)
    }

    /// Act 2: the creator offers a training license; returns the offer id.
    async fn offer_a_license(&mut self, dataset: Dataset) -> Result<U256, DemoError> {
        self.say("2. a 24-month non-exclusive training license: 0.05 ETH, 0.0001 ETH per 10k samples, 7 % derivative royalty");
        let terms = ILicenseOffers::LicenseTerms {
            scope: U256::from(LICENSE_SCOPE),
            duration: LICENSE_SECONDS,
            price: wei(LICENSE_PRICE),
            usageRate: wei(WEI_PER_SAMPLE),
            tierBps: vec![ROYALTY_BPS],
            resaleRoyaltyBps: 500,
            ..eth_terms(
                dataset.id,
                self.cast.platform.address(),
                "tributary terms: medical patches, train+derivatives, 24 months",
                "ipfs://bafy-terms-medical-patches",
            )
        };
        let create = ILicenseOffers::createOfferCall { terms };
        let from = self.cast.creator.address();
        let offers = self.world.at(Contract::LicenseOffers);
        Ok(self
            .tx_returning("createOffer", from, offers, &create, U256::ZERO)
            .await?
            ._0)
    }

    /// Act 3: lab A and lab B each mint a license and fund its escrow; returns the licenses.
    async fn two_labs_license_and_fund_escrow(
        &mut self,
        offer: U256,
    ) -> Result<[U256; 2], DemoError> {
        self.say("3. two labs mint licenses and fund escrow");
        let mut licenses = [U256::ZERO; 2];
        let labs = [
            ("lab A", self.cast.lab_a.address()),
            ("lab B", self.cast.lab_b.address()),
        ];
        for (license, (name, lab)) in licenses.iter_mut().zip(labs) {
            let (token, step) = self
                .world
                .mint(&format!("mint ({name})"), offer, lab, wei(LICENSE_PRICE))
                .await?;
            self.record(&step);
            self.paid_in(format!("license sale to {name}"), wei(LICENSE_PRICE));
            let fund = IUsageEscrow::fundEscrowCall { license_id: token };
            let escrow = self.world.at(Contract::UsageEscrow);
            self.tx(
                &format!("fundEscrow ({name})"),
                lab,
                escrow,
                fund.abi_encode(),
                wei(ESCROW_FUNDING),
            )
            .await?;
            self.paid_in(format!("escrow funded by {name}"), wei(ESCROW_FUNDING));
            *license = token;
        }
        Ok(licenses)
    }

    /// Act 4: the provider is allow-listed and bonds, meters [`JOBS`] over a week, signs the
    /// receipts as one batch and anchors it.
    async fn meter_a_week_of_training(
        &mut self,
        dataset: Dataset,
        licenses: [U256; 2],
    ) -> Result<(BatchFile, Vec<Receipt>), DemoError> {
        self.say("4. the compute provider is allow-listed, bonds, and meters a week of training");
        let anchor = self.world.at(Contract::UsageAnchor);
        let (deployer, provider) = (self.cast.deployer.address(), self.cast.provider.address());
        let allow = IUsageAnchor::setAttestorCall {
            attestor: provider,
            allowed: true,
        };
        self.tx(
            "setAttestor",
            deployer,
            anchor,
            allow.abi_encode(),
            U256::ZERO,
        )
        .await?;
        let bond = self.world.deployment.parameters.min_attestor_bond;
        let data = IUsageAnchor::bondAttestorCall {}.abi_encode();
        self.tx("bondAttestor", provider, anchor, data, bond)
            .await?;
        self.paid_in("attestor bond".into(), bond);
        let week_start = self.world.now().await?;
        let receipts: Vec<Receipt> = JOBS
            .iter()
            .zip(1u64..)
            .map(|(&(lab, units), n)| Receipt {
                jobId: keccak256(format!("demo:job:{n}")),
                licenseId: licenses[lab],
                assetId: dataset.id,
                modelHash: keccak256(format!("demo:model:lab-{lab}")),
                scope: U256::from(1),
                unit: 0,
                units: U256::from(units),
                timestamp: week_start + n * DAY,
                attestor: provider,
            })
            .collect();
        self.world.travel(7 * DAY).await?;
        let chain_id = self.world.chain.get_chain_id().await.map_err(fail)?;
        let options = BatchOptions {
            chain_id,
            verifying_contract: anchor,
            batch_id: None,
            period_start: Some(week_start),
            period_end: Some(week_start + 7 * DAY - 1),
            deadline: None,
        };
        let batch = build_batch(&receipts, &self.cast.provider, &options).map_err(fail)?;
        self.say(&format!(
            "   signed batch {} over {} receipts in {} usage leaves, root {}",
            batch.batch.batch_id,
            receipts.len(),
            batch.batch.leaf_count,
            batch.batch.root
        ));
        let platform = self.cast.platform.address();
        let data = batch.anchor_calldata.to_vec();
        self.tx(
            "anchorBatch (anyone may submit)",
            platform,
            anchor,
            data,
            U256::ZERO,
        )
        .await?;
        Ok((batch, receipts))
    }

    /// Act 5: once the challenge window has passed, every receipt is settled with one
    /// multiproof, moving the usage fees from escrow into the dataset's split.
    async fn settle_after_the_challenge_window(
        &mut self,
        batch: &BatchFile,
        receipts: &[Receipt],
    ) -> Result<ProofFile, DemoError> {
        self.say(
            "5. the challenge window passes; the usage leaves are settled with one multiproof",
        );
        self.world.travel(CHALLENGE_WINDOW + 1).await?;
        let proof = prove(batch, &Selection::All).map_err(fail)?;
        let leaves = proof.leaves.len();
        let (platform, anchor) = (
            self.cast.platform.address(),
            self.world.at(Contract::UsageAnchor),
        );
        let data = proof.settle_calldata.to_vec();
        self.tx(
            &format!(
                "settle ({leaves} usage leaves = {} receipts, one multiproof)",
                receipts.len()
            ),
            platform,
            anchor,
            data,
            U256::ZERO,
        )
        .await?;
        let samples: u128 = JOBS.iter().map(|(_, u)| u128::from(*u)).sum();
        self.say(&format!(
            "   usage fees moved from escrow into the dataset split: {} ETH",
            format_ether(wei(samples * WEI_PER_SAMPLE))
        ));
        Ok(proof)
    }

    /// Act 6: settling the same receipts again, and a stranger registering a model under lab
    /// A's license, are both refused.
    async fn refuse_a_replay_and_an_unlicensed_model(
        &mut self,
        proof: &ProofFile,
        dataset: Dataset,
        licenses: [U256; 2],
    ) -> Result<(), DemoError> {
        self.say("6. refusals: a replayed settlement, an unlicensed derived model");
        let (platform, stranger) = (self.cast.platform.address(), self.cast.stranger.address());
        let anchor = self.world.at(Contract::UsageAnchor);
        let replay = proof.settle_calldata.to_vec();
        self.refused("settle again (replay)", platform, anchor, replay)
            .await?;
        let unlicensed = model_call(
            "stranger model",
            "ipfs://stranger",
            dataset.id,
            licenses[0],
            stranger,
        );
        let registry = self.world.at(Contract::AttributionRegistry);
        self.refused(
            "registerModel without a license",
            stranger,
            registry,
            unlicensed.abi_encode(),
        )
        .await
    }

    /// Act 7: lab A registers its derived model and reports revenue, 7 % of which flows to the
    /// dataset; returns the model's split.
    async fn commercialise_a_derived_model(
        &mut self,
        dataset: Dataset,
        licenses: [U256; 2],
    ) -> Result<U256, DemoError> {
        self.say("7. lab A registers its derived model and reports 1 ETH of commercial revenue");
        let lab_a = self.cast.lab_a.address();
        let registry = self.world.at(Contract::AttributionRegistry);
        let model = model_call(
            "chest-xray patch classifier v1",
            "ipfs://bafy-model-card",
            dataset.id,
            licenses[0],
            lab_a,
        );
        let model_id = self
            .tx_returning("registerModel", lab_a, registry, &model, U256::ZERO)
            .await?
            ._0;
        let model_split = self
            .world
            .view(registry, &IAttributionRegistry::modelCall { model_id })
            .await?
            ._1;
        let report = IRevenueRouter::reportRevenueCall { model_id };
        let router = self.world.at(Contract::RevenueRouter);
        self.tx(
            "reportRevenue (1 ETH)",
            lab_a,
            router,
            report.abi_encode(),
            wei(MODEL_REVENUE),
        )
        .await?;
        self.paid_in("derived-model revenue".into(), wei(MODEL_REVENUE));
        Ok(model_split)
    }

    /// Act 8: the platform triggers a withdrawal for each payee of the dataset split and for
    /// lab A from the model split (anyone may, to a recipient).
    async fn every_payee_withdraws(
        &mut self,
        dataset: Dataset,
        model_split: U256,
    ) -> Result<(), DemoError> {
        self.say("8. every payee withdraws");
        let cast = &self.cast;
        let mut payees: Vec<(String, Address, U256)> =
            vec![("creator".into(), cast.creator.address(), dataset.split)];
        payees.extend(
            cast.annotators
                .iter()
                .enumerate()
                .map(|(i, a)| (format!("annotator {}", i + 1), a.address(), dataset.split)),
        );
        payees.push(("platform".into(), cast.platform.address(), dataset.split));
        payees.push((
            "lab A (model split)".into(),
            cast.lab_a.address(),
            model_split,
        ));
        let (platform, splitter) = (
            cast.platform.address(),
            self.world.at(Contract::RoyaltySplitter),
        );
        for (who, address, split) in payees {
            let info = IRoyaltySplitter::splitInfoCall { split_id: split };
            let version = self.world.view(splitter, &info).await?._1;
            let withdraw = IRoyaltySplitter::withdrawCall {
                split_id: split,
                version,
                recipient: address,
                token: Address::ZERO,
            };
            let label = format!("withdraw ({who})");
            let paid = self
                .tx_returning(&label, platform, splitter, &withdraw, U256::ZERO)
                .await?
                ._0;
            self.report.payouts.push(Payout {
                who,
                address,
                wei: paid,
            });
        }
        Ok(())
    }

    /// The closing count: escrow left to each lab, the attestor's bond, and whatever each split
    /// carries as a rounding remainder.
    async fn count_what_is_held(
        &mut self,
        licenses: [U256; 2],
        dataset: Dataset,
        model_split: U256,
    ) -> Result<(), DemoError> {
        let escrow = self.world.at(Contract::UsageEscrow);
        for (lab, token) in ["lab A", "lab B"].iter().zip(licenses) {
            let info = IUsageEscrow::escrowInfoCall { license_id: token };
            let left = self.world.view(escrow, &info).await?._0;
            self.report
                .held
                .push((format!("escrow left to {lab}"), left));
        }
        let bond = self.world.deployment.parameters.min_attestor_bond;
        self.report.held.push(("attestor bond (held)".into(), bond));
        let splitter = self.world.at(Contract::RoyaltySplitter);
        for (name, split) in [("dataset", dataset.split), ("model", model_split)] {
            let query = IRoyaltySplitter::splitBalanceCall {
                split_id: split,
                token: Address::ZERO,
            };
            let balance = self.world.view(splitter, &query).await?;
            self.report.held.push((
                format!("{name} split: carried remainder"),
                balance._0 - balance._1,
            ));
        }
        Ok(())
    }

    fn say(&mut self, line: &str) {
        (self.log)(line);
    }

    fn record(&mut self, step: &Step) {
        (self.log)(&format!(
            "  {:<52} tx {} gas {:>9}",
            step.label, step.tx, step.gas_used
        ));
        self.report
            .steps
            .push((step.label.clone(), step.tx, step.gas_used));
    }

    fn paid_in(&mut self, what: String, wei: U256) {
        self.report.paid_in.push((what, wei));
    }

    async fn tx(
        &mut self,
        label: &str,
        from: Address,
        to: Address,
        data: Vec<u8>,
        value: U256,
    ) -> Result<(), DemoError> {
        let (_, step) = self.world.send(label, from, to, data, value).await?;
        self.record(&step);
        Ok(())
    }

    async fn tx_returning<C: SolCall>(
        &mut self,
        label: &str,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> Result<C::Return, DemoError> {
        let (returned, step) = self.world.returning(label, from, to, call, value).await?;
        self.record(&step);
        Ok(returned)
    }

    /// Expects `data` to be refused and reports the custom error.
    async fn refused(
        &mut self,
        label: &str,
        from: Address,
        to: Address,
        data: Vec<u8>,
    ) -> Result<(), DemoError> {
        let error = self.world.refusal(label, from, to, data).await?;
        self.say(&format!("  {label:<52} refused: {error}"));
        self.report.refusals.push((label.to_owned(), error));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payout_table_has_one_line_per_row() {
        let nowhere = Contracts::try_from_fn(|_| Ok::<_, ()>(Address::ZERO));
        let report = Report {
            contracts: nowhere.expect("no contract fails"),
            steps: Vec::new(),
            paid_in: vec![("sale".into(), U256::from(3u64))],
            payouts: vec![
                Payout {
                    who: "a".into(),
                    address: Address::ZERO,
                    wei: U256::from(1u64),
                },
                Payout {
                    who: "b".into(),
                    address: Address::ZERO,
                    wei: U256::from(2u64),
                },
            ],
            held: Vec::new(),
            refusals: Vec::new(),
        };
        let lines: Vec<&str> = [
            "paid in                                                           ETH",
            "  sale                                           0.000000000000000003",
            "  total                                          0.000000000000000003",
            "paid out / held                                                   ETH",
            "  a 0x0000…0000                                  0.000000000000000001",
            "  b 0x0000…0000                                  0.000000000000000002",
            "  total                                          0.000000000000000003",
            "reconciles to the wei: 3 wei in, 3 wei out or held",
        ]
        .to_vec();
        assert_eq!(report.table().lines().collect::<Vec<_>>(), lines);
    }
}

pub mod command {
    //! `tributary demo [--rpc-url URL]`.

    use std::path::PathBuf;

    use clap::Args;
    use tributary_devnode::rpc::{self, genesis, ServerConfig};

    use super::run_case_study;
    use crate::deploy::command::programs;

    /// Arguments of `tributary demo`.
    #[derive(Debug, Args)]
    pub struct DemoArgs {
        /// Play against this chain instead of an in-process devnode (its first dev accounts
        /// must be funded: nitro-devnode's key and the test mnemonic).
        #[arg(long)]
        pub rpc_url: Option<String>,
        /// Use the artifacts in target/stylus instead of building first.
        #[arg(long)]
        pub no_build: bool,
        /// Where to write the gas of every step.
        #[arg(long, default_value = "target/demo-gas.json")]
        pub gas_out: PathBuf,
    }

    /// Runs `tributary demo`.
    pub fn run(args: &DemoArgs) -> Result<(), Box<dyn std::error::Error>> {
        if !args.no_build {
            eprintln!("demo: building the contracts (cargo progress below)");
        }
        let programs = programs(args.no_build)?;
        let runtime = tokio::runtime::Runtime::new()?;
        let report = runtime.block_on(async {
            let (url, server) = if let Some(url) = &args.rpc_url {
                (url.clone(), None)
            } else {
                let config = ServerConfig {
                    addr: ([127, 0, 0, 1], 0).into(),
                    log_transactions: false,
                    ..ServerConfig::default()
                };
                let server = rpc::start(config).await?;
                eprintln!("demo: devnode listening on {}", server.url());
                (server.url(), Some(server))
            };
            let mut log = |line: &str| println!("{line}");
            let report = run_case_study(&url, &genesis::dev_signers(), &programs, &mut log).await;
            if let Some(server) = server {
                server.stop().await;
            }
            Ok::<_, Box<dyn std::error::Error>>(report?)
        })?;
        println!();
        print!("{}", report.table());
        let gas: Vec<serde_json::Value> = report
            .steps
            .iter()
            .map(|(label, tx, gas)| serde_json::json!({ "step": label, "tx": tx, "gasUsed": gas }))
            .collect();
        if let Some(dir) = args.gas_out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&args.gas_out, serde_json::to_string_pretty(&gas)? + "\n")?;
        println!("gas of every step written to {}", args.gas_out.display());
        if report.total_in() != report.total_out() {
            return Err("the payouts do not reconcile with what was paid in".into());
        }
        Ok(())
    }
}
