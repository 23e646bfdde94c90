//! `tributary demo`: the case study (docs/architecture.md §8), played out on real WASM over
//! JSON-RPC.
//!
//! A creator collective registers a medical-imaging dataset (creator 60 / three annotators
//! 10 each / platform 10) whose content hash is the one of a directory of JSON Lines shards the
//! demo writes, offers a 24-month training license at 0.05 ETH with 0.01 ETH per 10,000
//! samples, two labs mint licenses and fund escrow, a compute provider runs the access gateway
//! (docs/gateway.md) in front of the directory, the labs sign in with their wallets and train
//! through it, the gateway's pipeline signs the receipts of the period into one batch, anchors
//! it, and settles its usage leaves after the challenge window (settlement v2,
//! docs/settlement.md); an unlicensed use and a replayed settlement are refused; lab A
//! registers a derived model, which is minted as a token, and reports commercial revenue that
//! pays 7 % upstream; then ([`models`], docs/models.md) lab A offers the model for inference per
//! 1k tokens, lab B's application licenses it, the provider meters a week of inference that is
//! anchored and settled into the model's route, lab A sells the model token to lab C, the next
//! week's inference pays lab C, and every payee withdraws. Every amount is checked to the wei
//! against what was paid in.
//!
//! [`Story::play`] tells it act by act, one method per act.

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
};

use alloy::{
    primitives::{keccak256, Address, B256, U256},
    providers::Provider,
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};
use serde::Serialize;
use tributary_gateway::{
    chain::Chain as GatewayChain,
    client::Client,
    content::Dataset as Directory,
    pipeline::{
        status::{self, BatchStatus},
        Pipeline, PipelineConfig, Progress, RpcChain,
    },
    server::{self, Config, Running},
    store::Store,
};

mod datanet;
mod models;

pub use self::{
    datanet::CONTRIBUTION_STAKE,
    models::{
        inference_kilo_tokens, model_asset, INFERENCE_DAYS, MODEL_ESCROW_FUNDING,
        MODEL_LICENSE_PRICE, MODEL_RESALE_BPS, MODEL_SALE_PRICE, WEI_PER_KILO_TOKEN,
    },
};
use crate::{
    contracts::{Contract, Contracts},
    contracts_abi::{
        attribution_registry::IAttributionRegistry, license_offers::ILicenseOffers,
        revenue_router::IRevenueRouter, royalty_splitter::IRoyaltySplitter,
        usage_anchor::IUsageAnchor, usage_escrow::IUsageEscrow,
    },
    deploy::{Deployment, Programs, Step, UsageParameters},
    world::{self, eth_terms, model_call, Dataset, World, WorldError},
};

/// 1 ETH in wei.
pub const ETHER: u128 = 1_000_000_000_000_000_000;
/// Primary price of one license: 0.05 ETH.
pub const LICENSE_PRICE: u128 = ETHER / 20;
/// Per-use fee: 0.01 ETH per 10,000 samples = 10^12 wei per sample.
pub const WEI_PER_SAMPLE: u128 = 1_000_000_000_000;
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
/// The dataset directory the gateway serves: this many JSON Lines shards …
pub const SHARDS: usize = 8;
/// … of this many records (samples) each.
pub const RECORDS_PER_SHARD: u64 = 2_500;
/// The training jobs the labs run through the gateway, in order: (lab index, shards
/// downloaded, from the first). Each job is one receipt of `shards × RECORDS_PER_SHARD`
/// samples.
pub const JOBS: [(usize, usize); 6] = [(0, 8), (1, 8), (0, 4), (1, 2), (0, 2), (0, 1)];
/// Scope the labs sign in for (TRAIN).
const TRAIN: u64 = 1;

/// Samples the gateway serves `lab` (0: lab A, 1: lab B) over the case study.
pub fn samples_of(lab: usize) -> u128 {
    JOBS.iter()
        .filter(|(l, _)| *l == lab)
        .map(|(_, shards)| *shards as u128 * u128::from(RECORDS_PER_SHARD))
        .sum()
}

/// Writes the case study's dataset into `dir`: [`SHARDS`] files `patches/part-NN.jsonl` of
/// [`RECORDS_PER_SHARD`] records, the same bytes every time (so the same content hash).
///
/// # Errors
/// I/O.
pub fn write_dataset(dir: &Path) -> std::io::Result<()> {
    const LABELS: [&str; 4] = ["normal", "nodule", "effusion", "opacity"];
    std::fs::create_dir_all(dir.join("patches"))?;
    for shard in 0..SHARDS {
        let mut text = String::new();
        for i in 0..RECORDS_PER_SHARD {
            let n = shard as u64 * RECORDS_PER_SHARD + i;
            let _ = writeln!(
                text,
                "{{\"id\":{n},\"patch\":\"cxr-{n:06}.png\",\"label\":\"{}\",\"site\":{}}}",
                LABELS[(n % 4) as usize],
                n % 7
            );
        }
        std::fs::write(dir.join(format!("patches/part-{shard:02}.jsonl")), text)?;
    }
    Ok(())
}

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
    /// Lab B: trains, and runs an application that licenses lab A's model for inference.
    pub lab_b: PrivateKeySigner,
    /// The compute provider that attests usage.
    pub provider: PrivateKeySigner,
    /// Someone without a license.
    pub stranger: PrivateKeySigner,
    /// Lab C: buys lab A's model token.
    pub lab_c: PrivateKeySigner,
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
            lab_c: get(10)?,
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
            self.lab_c.clone(),
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
    /// The split it was withdrawn from.
    pub split: U256,
    /// Wei withdrawn.
    pub wei: U256,
}

/// What the case study did, for the table, the gas file and the tests.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The deployment used.
    pub contracts: Contracts<Address>,
    /// The deployment file's content (`tributary demo --explore` indexes its events).
    pub deployment: Deployment,
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
    log("deploy: ten Stylus programs through StylusDeployer, then wiring");
    let parameters = UsageParameters {
        challenge_window: CHALLENGE_WINDOW,
        ..UsageParameters::default()
    };
    let mut steps = Vec::new();
    let world = World::deploy(chain, cast.deployer.address(), programs, parameters, |s| {
        steps.push(s.clone());
    })
    .await?;
    let workdir = WorkDir::new()?;
    let mut story = Story {
        url: url.to_owned(),
        workdir: workdir.0.clone(),
        report: Report {
            contracts: world.deployment.contracts.map(|d| d.address),
            deployment: world.deployment.clone(),
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

/// A fresh directory under the system's temporary directory for the dataset and the gateway's
/// database, removed when dropped.
struct WorkDir(PathBuf);

impl WorkDir {
    fn new() -> Result<Self, DemoError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir =
            std::env::temp_dir().join(format!("tributary-demo-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
        Ok(Self(dir))
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The gateway the compute provider runs, and the labs' signed-in clients.
struct Gateway {
    running: Running,
    db: PathBuf,
    /// Lab A's and lab B's clients, signed in.
    clients: [Client; 2],
}

/// The case study in progress: the deployed world, who plays whom, and what happened so far.
struct Story<'a, P> {
    /// The chain's JSON-RPC URL (the gateway connects to it).
    url: String,
    /// Where the dataset and the gateway's database live.
    workdir: PathBuf,
    world: World<P>,
    cast: Cast,
    report: Report,
    log: &'a mut dyn FnMut(&str),
}

impl<P: Provider> Story<'_, P> {
    /// The whole story, in order.
    async fn play(&mut self) -> Result<(), DemoError> {
        let (dataset, directory) = self.register_the_dataset().await?;
        let offer = self.offer_a_license(dataset).await?;
        let licenses = self.two_labs_license_and_fund_escrow(offer).await?;
        let gateway = self
            .the_provider_runs_the_gateway(dataset, directory, licenses)
            .await?;
        self.the_labs_train_through_the_gateway(&gateway).await?;
        let settled = self.the_gateway_anchors_and_settles(&gateway).await;
        gateway.running.stop().await;
        let settle_tx = settled?;
        self.refuse_a_replay_and_an_unlicensed_model(settle_tx, dataset, licenses)
            .await?;
        let (model_id, split, hash) = self
            .commercialise_a_derived_model(dataset, licenses)
            .await?;
        let model = self
            .offer_the_model_for_inference(model_id, split, hash)
            .await?;
        self.meter_a_week_of_inference(model, 0).await?;
        let epoch = self.open_the_datanet_and_reweight(dataset).await?;
        self.lab_a_sells_the_model_to_lab_c(model).await?;
        self.meter_a_week_of_inference(model, 1).await?;
        if self.model_holder(model).await? != self.cast.lab_c.address() {
            return Err(fail("lab C does not hold the model token after the sale"));
        }
        self.quote_the_model(model).await?;
        self.every_payee_withdraws(dataset, model.split, &epoch)
            .await?;
        self.count_what_is_held(licenses, dataset, model).await
    }

    /// Act 1: the collective writes the dataset directory and registers its content hash.
    async fn register_the_dataset(&mut self) -> Result<(Dataset, Directory), DemoError> {
        self.say(
            "1. the collective registers the dataset: creator 60 / annotators 3 x 10 / platform 10",
        );
        let dir = self.workdir.join("dataset");
        write_dataset(&dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
        let directory = Directory::scan(&dir).map_err(fail)?;
        self.say(&format!(
            "   {} shards of {RECORDS_PER_SHARD} records, content hash {}",
            directory.shards.len(),
            directory.content_hash
        ));
        let cast = &self.cast;
        let mut weights = vec![(cast.creator.address(), 60), (cast.platform.address(), 10)];
        weights.extend(cast.annotators.iter().map(|a| (a.address(), 10)));
        let (dataset, step) = self
            .world
            .register_dataset_hash(
                cast.creator.address(),
                directory.content_hash,
                "ipfs://bafy-medical-image-patches-v1",
                &weights,
            )
            .await?;
        self.record(&step);
        Ok((dataset, directory))
    }

    /// Act 2: the creator offers a training license; returns the offer id.
    async fn offer_a_license(&mut self, dataset: Dataset) -> Result<U256, DemoError> {
        self.say("2. a 24-month non-exclusive training license: 0.05 ETH, 0.01 ETH per 10k samples, 7 % derivative royalty");
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

    /// Act 4: the compute provider is allow-listed and bonds as an attestor, and serves the
    /// directory through the access gateway; each lab signs in with its wallet (SIWE) for its
    /// license and gets a scoped API key.
    async fn the_provider_runs_the_gateway(
        &mut self,
        dataset: Dataset,
        directory: Directory,
        licenses: [U256; 2],
    ) -> Result<Gateway, DemoError> {
        self.say("4. the compute provider bonds as an attestor and runs the access gateway");
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

        let chain = GatewayChain::connect(
            &self.url,
            self.world.at(Contract::LicenseNft),
            self.world.at(Contract::AttributionRegistry),
        )
        .map_err(fail)?;
        let chain_id = chain.chain_id().await.map_err(fail)?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(fail)?;
        let addr = listener.local_addr().map_err(fail)?;
        let db = self.workdir.join("gateway.db");
        let store = Store::open(&db).map_err(fail)?;
        let config = Config::new(addr.to_string(), chain_id, dataset.id, provider);
        let running = server::start(config, store, directory, chain, listener)
            .await
            .map_err(fail)?;
        let base = format!("http://{addr}");
        self.say(&format!(
            "   gateway on {base}: content hash matches dataset {}, attestor {provider}",
            dataset.id
        ));
        let labs = [
            ("lab A", self.cast.lab_a.clone()),
            ("lab B", self.cast.lab_b.clone()),
        ];
        let mut clients = Vec::with_capacity(2);
        for ((name, lab), license) in labs.iter().zip(licenses) {
            let mut client = Client::new(&base).map_err(fail)?;
            let grant = client
                .sign_in(lab, license, U256::from(TRAIN))
                .await
                .map_err(fail)?;
            self.say(&format!(
                "   {name} signs in with its wallet for license {license}: a TRAIN key valid until {}",
                tributary_gateway::siwe::format_rfc3339(grant.expires_at)
            ));
            clients.push(client);
        }
        let clients: [Client; 2] = clients
            .try_into()
            .map_err(|_| fail("two labs, two clients"))?;
        Ok(Gateway {
            running,
            db,
            clients,
        })
    }

    /// Act 5: the labs run [`JOBS`]: each opens a job for its model, downloads shards (every
    /// record metered), and closes it, which makes the gateway sign a receipt.
    async fn the_labs_train_through_the_gateway(
        &mut self,
        gateway: &Gateway,
    ) -> Result<(), DemoError> {
        self.say("5. the labs train through the gateway: every record served is metered");
        let manifest = gateway.clients[0].manifest().await.map_err(fail)?;
        for (n, &(lab, shards)) in JOBS.iter().enumerate() {
            let client = &gateway.clients[lab];
            let model = keccak256(format!("demo:model:lab-{lab}"));
            let job = client.open_job(None, Some(model)).await.map_err(fail)?;
            let mut bytes = 0;
            for shard in manifest.shards.iter().take(shards) {
                bytes += client
                    .shard(job, &shard.path, None)
                    .await
                    .map_err(fail)?
                    .len();
            }
            let receipt = client.close_job(job).await.map_err(fail)?;
            let expected = U256::from(shards as u64 * RECORDS_PER_SHARD);
            if receipt.units != expected {
                return Err(fail(format!(
                    "job {} metered {} samples, {expected} were served",
                    n + 1,
                    receipt.units
                )));
            }
            self.say(&format!(
                "   job {} ({}): {shards} shard(s), {bytes} bytes, receipt for {} samples",
                n + 1,
                ["lab A", "lab B"][lab],
                receipt.units
            ));
        }
        Ok(())
    }

    /// Act 6: the gateway's pipeline signs the closed period's receipts into a batch and
    /// anchors it; once the challenge window has passed it settles every usage leaf with one
    /// multiproof, moving the fees from escrow into the dataset's split. Returns the last
    /// `settle` transaction.
    async fn the_gateway_anchors_and_settles(
        &mut self,
        gateway: &Gateway,
    ) -> Result<B256, DemoError> {
        self.say("6. the gateway batches the period's receipts, anchors them and settles after the challenge window");
        let signer = self.cast.provider.clone();
        let config = PipelineConfig::new(&self.world.deployment);
        let (period, grace) = (config.period_secs, config.close_grace_secs);
        let mut pipeline = Pipeline::open(&gateway.db, signer.clone(), config).map_err(fail)?;
        let rpc = RpcChain::new(world::connect(&self.url, &[signer])?);
        // The period the receipts fall in closes within the hour; move the chain past it.
        let now = self.world.travel(period + grace + 1).await?;
        self.pipeline_tick(&mut pipeline, &rpc, now).await?;
        let now = self.world.travel(CHALLENGE_WINDOW + 1).await?;
        self.pipeline_tick(&mut pipeline, &rpc, now).await?;
        let rows = status::batches(pipeline.connection(), None).map_err(fail)?;
        let mut last = None;
        for row in &rows {
            if row.status != BatchStatus::Settled {
                return Err(fail(format!(
                    "batch {} is {:?}: {}",
                    row.batch_id,
                    row.status,
                    row.last_error.as_deref().unwrap_or("")
                )));
            }
            last = row.settle_tx.or(last);
        }
        let samples = samples_of(0) + samples_of(1);
        self.say(&format!(
            "   {samples} samples in {} batch(es); usage fees moved from escrow into the dataset split: {} ETH",
            rows.len(),
            format_ether(wei(samples * WEI_PER_SAMPLE))
        ));
        last.ok_or_else(|| fail("the gateway settled nothing"))
    }

    /// One pipeline tick at chain time `now`: logs its progress and records its transactions.
    async fn pipeline_tick<Q: Provider>(
        &mut self,
        pipeline: &mut Pipeline,
        chain: &RpcChain<Q>,
        now: u64,
    ) -> Result<(), DemoError> {
        for progress in pipeline.tick(chain, now).await.map_err(fail)? {
            match &progress {
                Progress::Anchored {
                    batch,
                    gas: Some(gas),
                    tx: Some(tx),
                    ..
                } => self.record(&Step {
                    label: format!(
                        "anchorBatch ({} receipts, {} usage leaves)",
                        batch.receipts, batch.leaves
                    ),
                    tx: *tx,
                    gas_used: *gas,
                }),
                Progress::Settled {
                    leaves,
                    gas,
                    tx: Some(tx),
                    ..
                } => self.record(&Step {
                    label: format!("settle ({leaves} usage leaves, one multiproof)"),
                    tx: *tx,
                    gas_used: *gas,
                }),
                Progress::Sent { .. } | Progress::Waiting { .. } => {}
                other => self.say(&format!("   gateway: {other}")),
            }
        }
        Ok(())
    }

    /// Act 7: the gateway's `settle` sent again, and a stranger registering a model under lab
    /// A's license, are both refused.
    async fn refuse_a_replay_and_an_unlicensed_model(
        &mut self,
        settle_tx: B256,
        dataset: Dataset,
        licenses: [U256; 2],
    ) -> Result<(), DemoError> {
        self.say("7. refusals: a replayed settlement, an unlicensed derived model");
        let (platform, stranger) = (self.cast.platform.address(), self.cast.stranger.address());
        let anchor = self.world.at(Contract::UsageAnchor);
        let replay = self.world.transaction_input(settle_tx).await?.to_vec();
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

    /// Act 8: lab A registers its derived model (minted to it as a token) and reports revenue,
    /// 7 % of which flows to the dataset; returns the model's id, split and hash.
    async fn commercialise_a_derived_model(
        &mut self,
        dataset: Dataset,
        licenses: [U256; 2],
    ) -> Result<(U256, U256, B256), DemoError> {
        self.say("8. lab A registers its derived model (minted as a token) and reports 1 ETH of commercial revenue");
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
        Ok((model_id, model_split, model.model_hash))
    }

    /// Act 14: the platform triggers a withdrawal for each payee of version 0 of the dataset
    /// split (before the Datanet epoch) and a Merkle claim for each member of the epoch's
    /// version, for lab A from version 0 of the model's split (before the sale) and for lab C
    /// from version 1 (anyone may, to a recipient).
    async fn every_payee_withdraws(
        &mut self,
        dataset: Dataset,
        model_split: U256,
        epoch: &datanet::Epoch,
    ) -> Result<(), DemoError> {
        self.say("14. every payee withdraws (the dataset's version 0 by list, the epoch's version by Merkle proof)");
        let cast = &self.cast;
        let mut payees: Vec<(String, Address, U256, Option<u32>)> = vec![(
            "creator (dataset v0)".into(),
            cast.creator.address(),
            dataset.split,
            Some(0),
        )];
        payees.extend(cast.annotators.iter().enumerate().map(|(i, a)| {
            (
                format!("annotator {} (dataset v0)", i + 1),
                a.address(),
                dataset.split,
                Some(0),
            )
        }));
        payees.push((
            "platform (dataset v0)".into(),
            cast.platform.address(),
            dataset.split,
            Some(0),
        ));
        payees.push((
            "lab A (model split v0)".into(),
            cast.lab_a.address(),
            model_split,
            Some(0),
        ));
        payees.push((
            "lab C (model split v1)".into(),
            cast.lab_c.address(),
            model_split,
            Some(1),
        ));
        let (platform, splitter) = (
            cast.platform.address(),
            self.world.at(Contract::RoyaltySplitter),
        );
        let mut members: Vec<(String, Address)> = vec![
            ("creator".into(), cast.creator.address()),
            ("platform".into(), cast.platform.address()),
        ];
        members.extend(
            cast.annotators
                .iter()
                .enumerate()
                .map(|(i, a)| (format!("annotator {}", i + 1), a.address())),
        );
        for (who, address) in members {
            let who = format!("{who} (dataset v{}, Merkle)", epoch.version);
            if epoch.attribution.tree.member(address).is_none() {
                self.say(&format!(
                    "   {who}: no weight in the epoch (flagged or no impact)"
                ));
                continue;
            }
            let claim = epoch.claim(dataset.split, address)?;
            let call = IRoyaltySplitter::claimMerkleCall::abi_decode(&claim, true).map_err(fail)?;
            let label = format!("claimMerkle ({who})");
            let paid = self
                .tx_returning(&label, platform, splitter, &call, U256::ZERO)
                .await?
                ._0;
            self.report.payouts.push(Payout {
                who,
                address,
                split: dataset.split,
                wei: paid,
            });
        }
        for (who, address, split, version) in payees {
            let version = version.unwrap_or_default();
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
                split,
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
        model: models::Model,
    ) -> Result<(), DemoError> {
        let model_split = model.split;
        let escrow = self.world.at(Contract::UsageEscrow);
        let names = ["lab A", "lab B", "lab B (model license)"];
        let tokens = [licenses[0], licenses[1], model.license];
        for (lab, token) in names.iter().zip(tokens) {
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
            // The splitter stores what a split received, not what it paid out: what each
            // payee's withdrawal returned is summed here.
            let deposited = self.world.view(splitter, &query).await?._0;
            let paid: U256 = self
                .report
                .payouts
                .iter()
                .filter(|p| p.split == split)
                .map(|p| p.wei)
                .sum();
            self.report
                .held
                .push((format!("{name} split: carried remainder"), deposited - paid));
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
        let undeployed = Contracts::try_from_fn(|_| {
            Ok::<_, ()>(crate::deploy::Deployed {
                address: Address::ZERO,
                codehash: B256::ZERO,
                transaction: B256::ZERO,
                gas_used: 0,
            })
        });
        let report = Report {
            contracts: nowhere.expect("no contract fails"),
            deployment: Deployment {
                chain_id: 0,
                deployer: Address::ZERO,
                contracts: undeployed.expect("no contract fails"),
                parameters: UsageParameters::default(),
                wiring: Vec::new(),
            },
            steps: Vec::new(),
            paid_in: vec![("sale".into(), U256::from(3u64))],
            payouts: vec![
                Payout {
                    who: "a".into(),
                    address: Address::ZERO,
                    split: U256::from(1u64),
                    wei: U256::from(1u64),
                },
                Payout {
                    who: "b".into(),
                    address: Address::ZERO,
                    split: U256::from(1u64),
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
    //! `tributary demo [--rpc-url URL] [--explore [--explore-listen ADDR]]`.

    use std::{error::Error, net::SocketAddr, path::PathBuf};

    use clap::Args;
    use tributary_devnode::rpc::{self, genesis, ServerConfig};
    use tributary_explorer::{
        indexer::{Config as IndexerConfig, Indexer},
        server,
        store::Store,
    };

    use super::{run_case_study, Cast, Report};
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
        /// After the case study, index its events and serve the explorer (JSON API and web
        /// page) until Ctrl-C, keeping the devnode running.
        #[arg(long)]
        pub explore: bool,
        /// Where the explorer listens with `--explore` (default: a free port on 127.0.0.1).
        #[arg(long, value_name = "ADDR", requires = "explore")]
        pub explore_listen: Option<SocketAddr>,
    }

    /// Runs `tributary demo`.
    pub fn run(args: &DemoArgs) -> Result<(), Box<dyn Error>> {
        if !args.no_build {
            eprintln!("demo: building the contracts (cargo progress below)");
        }
        let programs = programs(args.no_build)?;
        let runtime = tokio::runtime::Runtime::new()?;
        runtime.block_on(async {
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
            let played = run_case_study(&url, &genesis::dev_signers(), &programs, &mut log).await;
            let outcome = match played {
                Ok(report) => match summarise(&report, args) {
                    Ok(()) if args.explore => explore(&url, &report, args.explore_listen).await,
                    other => other,
                },
                Err(e) => Err(e.into()),
            };
            if let Some(server) = server {
                server.stop().await;
            }
            outcome
        })
    }

    /// The final table, the gas file, the reconciliation and, without `--explore`, how to
    /// explore.
    fn summarise(report: &Report, args: &DemoArgs) -> Result<(), Box<dyn Error>> {
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
        if !args.explore {
            println!(
                "explore these events in the browser: tributary demo --explore \
                 (the devnode and the explorer keep running until Ctrl-C)"
            );
            if let Some(url) = &args.rpc_url {
                let file = args.gas_out.with_file_name("demo-deployment.json");
                report.deployment.save(&file)?;
                println!(
                    "or, as the chain keeps them: tributary explorer serve --deployment {} \
                     --rpc-url {url}",
                    file.display()
                );
            }
        }
        Ok(())
    }

    /// `--explore`: indexes the chain to its head, then serves the explorer and follows the
    /// chain until Ctrl-C. The database lives in a temporary directory, removed afterwards.
    async fn explore(
        url: &str,
        report: &Report,
        listen: Option<SocketAddr>,
    ) -> Result<(), Box<dyn Error>> {
        let dir =
            std::env::temp_dir().join(format!("tributary-demo-explorer-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let served = serve_explorer(url, report, listen, &dir.join("explorer.db")).await;
        let _ = std::fs::remove_dir_all(&dir);
        served
    }

    async fn serve_explorer(
        url: &str,
        report: &Report,
        listen: Option<SocketAddr>,
        db: &std::path::Path,
    ) -> Result<(), Box<dyn Error>> {
        let store = Store::open(db)?;
        let config = IndexerConfig::default();
        let mut indexer = Indexer::connect(url, &report.deployment, store, config).await?;
        let cursor = indexer.catch_up(|_| {}).await?;
        let listener =
            tokio::net::TcpListener::bind(listen.unwrap_or_else(|| ([127, 0, 0, 1], 0).into()))
                .await?;
        let base = format!("http://{}", listener.local_addr()?);
        let annotator = Cast::from_signers(&genesis::dev_signers())?.annotators[0].address();
        println!();
        println!("explorer: {base}/ (indexed to block {cursor}, following the chain)");
        println!("explorer: annotator 1's account: {base}/account/{annotator}");
        println!("explorer: the devnode and the explorer run until Ctrl-C");
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let wait = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stopped| *stopped).await;
        };
        let store = indexer.store().clone();
        let http = tokio::spawn(server::serve(listener, store, wait(stopped.clone())));
        let follow = indexer.follow(
            |_| {},
            |e| eprintln!("explorer: {e} (retrying)"),
            wait(stopped),
        );
        let signal = async {
            let _ = tokio::signal::ctrl_c().await;
            eprintln!("demo: stopping the explorer and the devnode");
            let _ = stop.send(true);
        };
        tokio::join!(follow, signal);
        http.await??;
        Ok(())
    }
}
