//! `tributary demo`: the seed case study of DESIGN.md, played out on real WASM over JSON-RPC.
//!
//! A creator collective registers a medical-imaging dataset (creator 60 / three annotators
//! 10 each / platform 10), offers a 24-month training license at 0.05 ETH with 0.0001 ETH per
//! 10,000 samples, two labs mint licenses and fund escrow, a compute provider signs a week of
//! receipts and anchors the batch, the challenge window passes, the receipts are settled with
//! one multiproof, a lab registers a derived model and reports commercial revenue that pays 7 %
//! upstream, an unlicensed use and a replayed settlement are refused, and every payee
//! withdraws. Every amount is checked to the wei against what was paid in.

use std::{collections::BTreeMap, fmt::Write as _};

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{keccak256, Address, Bytes, B256, U256},
    providers::{Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
    sol_types::{SolCall, SolInterface},
};
use serde::Serialize;

use crate::{
    attest::{
        batch::{build_batch, BatchOptions},
        prove::{prove, Selection},
        types::Receipt,
    },
    contracts_abi::{
        attribution_registry::IAttributionRegistry, license_offers::ILicenseOffers,
        revenue_router::IRevenueRouter, royalty_splitter::IRoyaltySplitter,
        usage_anchor::IUsageAnchor, usage_escrow::IUsageEscrow,
    },
    deploy::{self, send, Deployment, Programs, Step, UsageParameters},
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

/// A demo failure.
#[derive(Debug)]
pub struct DemoError(pub String);

impl std::fmt::Display for DemoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DemoError {}

impl From<deploy::DeployError> for DemoError {
    fn from(e: deploy::DeployError) -> Self {
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
    pub contracts: BTreeMap<String, Address>,
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

struct Session<'a, P> {
    provider: &'a P,
    report: Report,
    log: &'a mut dyn FnMut(&str),
}

impl<P: Provider> Session<'_, P> {
    fn record(&mut self, step: &Step) {
        (self.log)(&format!(
            "  {:<52} tx {} gas {:>9}",
            step.label, step.tx, step.gas_used
        ));
        self.report
            .steps
            .push((step.label.clone(), step.tx, step.gas_used));
    }

    async fn tx(
        &mut self,
        label: &str,
        from: Address,
        to: Address,
        data: Vec<u8>,
        value: U256,
    ) -> Result<(), DemoError> {
        let request = TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_input(data)
            .with_value(value);
        let (_, step) = send(self.provider, label, request).await?;
        self.record(&step);
        Ok(())
    }

    /// The value a call returns (simulated on the pending state), then the same call sent.
    async fn tx_returning<C: SolCall>(
        &mut self,
        label: &str,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> Result<C::Return, DemoError> {
        let data = call.abi_encode();
        let request = TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_input(data.clone())
            .with_value(value);
        let out = self
            .provider
            .call(&request)
            .await
            .map_err(|e| fail(format!("{label}: {e}")))?;
        let ret = C::abi_decode_returns(&out, true).map_err(|e| fail(format!("{label}: {e}")))?;
        self.tx(label, from, to, data, value).await?;
        Ok(ret)
    }

    async fn view<C: SolCall>(&self, to: Address, call: &C) -> Result<C::Return, DemoError> {
        let request = TransactionRequest::default()
            .with_to(to)
            .with_input(call.abi_encode());
        let out = self.provider.call(&request).await.map_err(fail)?;
        C::abi_decode_returns(&out, true).map_err(fail)
    }

    /// Expects the call to be refused; returns the decoded custom error.
    async fn refused<E: SolInterface + std::fmt::Debug>(
        &mut self,
        label: &str,
        from: Address,
        to: Address,
        data: Vec<u8>,
    ) -> Result<String, DemoError> {
        let request = TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_input(data);
        let Err(err) = self.provider.call(&request).await else {
            return Err(fail(format!(
                "{label}: expected a refusal, but it would succeed"
            )));
        };
        let revert = err
            .as_error_resp()
            .and_then(|e| e.data.as_ref())
            .and_then(|d| serde_json::from_str::<Bytes>(d.get()).ok())
            .unwrap_or_default();
        let name = E::abi_decode(&revert, true).map_or_else(
            |_| format!("revert 0x{}", alloy::primitives::hex::encode(&revert)),
            |e| {
                let debug = format!("{e:?}");
                debug
                    .split(['(', ' ', '{'])
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            },
        );
        (self.log)(&format!("  {label:<52} refused: {name}"));
        self.report.refusals.push((label.to_owned(), name.clone()));
        Ok(name)
    }

    async fn travel(&mut self, seconds: u64) -> Result<u64, DemoError> {
        let _: serde_json::Value = self
            .provider
            .raw_request("evm_increaseTime".into(), (seconds,))
            .await
            .map_err(fail)?;
        let _: serde_json::Value = self
            .provider
            .raw_request("evm_mine".into(), ())
            .await
            .map_err(fail)?;
        self.now().await
    }

    async fn now(&self) -> Result<u64, DemoError> {
        let block = self
            .provider
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest, false.into())
            .await
            .map_err(fail)?
            .ok_or_else(|| fail("no head block"))?;
        Ok(block.header.timestamp)
    }
}

/// Deploys the contracts (unless `existing` is given) and plays the case study against the chain
/// at `url`, where `signers` are funded accounts (deployer first). `log` receives each line.
pub async fn run_case_study(
    url: &str,
    signers: &[PrivateKeySigner],
    programs: &Programs,
    log: &mut dyn FnMut(&str),
) -> Result<Report, DemoError> {
    let cast = Cast::from_signers(signers)?;
    let mut wallet = EthereumWallet::from(cast.deployer.clone());
    for signer in cast.all() {
        wallet.register_signer(signer);
    }
    let provider = ProviderBuilder::new()
        .wallet(wallet)
        .on_http(url.parse().map_err(fail)?);
    let mut session = Session {
        provider: &provider,
        report: Report {
            contracts: BTreeMap::new(),
            steps: Vec::new(),
            paid_in: Vec::new(),
            payouts: Vec::new(),
            held: Vec::new(),
            refusals: Vec::new(),
        },
        log,
    };

    (session.log)("deploy: seven Stylus programs through StylusDeployer, then wiring");
    let parameters = UsageParameters {
        challenge_window: CHALLENGE_WINDOW,
        ..UsageParameters::default()
    };
    let mut steps = Vec::new();
    let deployment = deploy::deploy_all(
        &provider,
        cast.deployer.address(),
        programs,
        parameters,
        |s| steps.push(s.clone()),
    )
    .await?;
    for step in &steps {
        session.record(step);
    }
    session.report.contracts = deployment
        .contracts
        .iter()
        .map(|(k, v)| (k.clone(), v.address))
        .collect();
    play(&mut session, &cast, &deployment).await?;
    Ok(session.report)
}

#[allow(clippy::too_many_lines)] // one story, told in order
async fn play<P: Provider>(
    s: &mut Session<'_, P>,
    cast: &Cast,
    d: &Deployment,
) -> Result<(), DemoError> {
    let at = |name: &str| d.address(name).unwrap_or_default();
    let (splitter, registry, offers, router, escrow, anchor) = (
        at("royalty_splitter"),
        at("attribution_registry"),
        at("license_offers"),
        at("revenue_router"),
        at("usage_escrow"),
        at("usage_anchor"),
    );
    let wei = |n: u128| U256::from(n);

    (s.log)(
        "1. the collective registers the dataset: creator 60 / annotators 3 x 10 / platform 10",
    );
    let mut contributors: Vec<(Address, u64)> =
        vec![(cast.creator.address(), 60), (cast.platform.address(), 10)];
    contributors.extend(cast.annotators.iter().map(|a| (a.address(), 10)));
    contributors.sort_by_key(|(a, _)| *a);
    let register = IAttributionRegistry::registerDatasetCall {
        content_hash: keccak256("chest-xray patches, anonymized, v1"),
        uri: "ipfs://bafy-medical-image-patches-v1".into(),
        contributors: contributors.iter().map(|(a, _)| *a).collect(),
        weights: contributors.iter().map(|(_, w)| U256::from(*w)).collect(),
    };
    let dataset_id = s
        .tx_returning(
            "registerDataset",
            cast.creator.address(),
            registry,
            &register,
            U256::ZERO,
        )
        .await?
        ._0;
    let dataset_split = s
        .view(
            registry,
            &IAttributionRegistry::datasetSplitCall { dataset_id },
        )
        .await?
        ._0;

    (s.log)("2. a 24-month non-exclusive training license: 0.05 ETH, 0.0001 ETH per 10k samples, 7 % derivative royalty");
    let terms = ILicenseOffers::LicenseTerms {
        datasetId: dataset_id,
        scope: U256::from(LICENSE_SCOPE),
        duration: LICENSE_SECONDS,
        paymentToken: Address::ZERO,
        price: wei(LICENSE_PRICE),
        usageUnit: 0,
        usageRate: wei(WEI_PER_SAMPLE),
        tierThresholds: vec![U256::ZERO],
        tierBps: vec![ROYALTY_BPS],
        maxSupply: 0,
        transferable: true,
        rentable: false,
        resaleRoyaltyBps: 500,
        arbiter: cast.platform.address(),
        termsHash: keccak256("tributary terms: medical patches, train+derivatives, 24 months"),
        termsUri: "ipfs://bafy-terms-medical-patches".into(),
    };
    let offer_id = s
        .tx_returning(
            "createOffer",
            cast.creator.address(),
            offers,
            &ILicenseOffers::createOfferCall { terms },
            U256::ZERO,
        )
        .await?
        ._0;

    (s.log)("3. two labs mint licenses and fund escrow");
    let mut licenses = Vec::new();
    for (name, lab) in [("lab A", &cast.lab_a), ("lab B", &cast.lab_b)] {
        let mint = ILicenseOffers::mintCall {
            offer_id,
            to: lab.address(),
            max_price: wei(LICENSE_PRICE),
        };
        let token = s
            .tx_returning(
                &format!("mint ({name})"),
                lab.address(),
                offers,
                &mint,
                wei(LICENSE_PRICE),
            )
            .await?
            ._0;
        s.report
            .paid_in
            .push((format!("license sale to {name}"), wei(LICENSE_PRICE)));
        s.tx(
            &format!("fundEscrow ({name})"),
            lab.address(),
            escrow,
            IUsageEscrow::fundEscrowCall { license_id: token }.abi_encode(),
            wei(ESCROW_FUNDING),
        )
        .await?;
        s.report
            .paid_in
            .push((format!("escrow funded by {name}"), wei(ESCROW_FUNDING)));
        licenses.push(token);
    }

    (s.log)("4. the compute provider is allow-listed, bonds, and meters a week of training");
    s.tx(
        "setAttestor",
        cast.deployer.address(),
        anchor,
        IUsageAnchor::setAttestorCall {
            attestor: cast.provider.address(),
            allowed: true,
        }
        .abi_encode(),
        U256::ZERO,
    )
    .await?;
    s.tx(
        "bondAttestor",
        cast.provider.address(),
        anchor,
        IUsageAnchor::bondAttestorCall {}.abi_encode(),
        d.parameters.min_attestor_bond,
    )
    .await?;
    s.report
        .paid_in
        .push(("attestor bond".into(), d.parameters.min_attestor_bond));
    let week_start = s.now().await?;
    let jobs: [(usize, u64); 6] = [
        (0, 600_000),
        (1, 500_000),
        (0, 400_000),
        (1, 250_000),
        (0, 150_000),
        (0, 100_000),
    ];
    let receipts: Vec<Receipt> = jobs
        .iter()
        .zip(1u64..)
        .map(|(&(lab, units), n)| Receipt {
            jobId: keccak256(format!("demo:job:{n}")),
            licenseId: licenses[lab],
            datasetId: dataset_id,
            modelHash: keccak256(format!("demo:model:lab-{lab}")),
            unit: 0,
            units: U256::from(units),
            timestamp: week_start + n * DAY,
            attestor: cast.provider.address(),
        })
        .collect();
    s.travel(7 * DAY).await?;
    let chain_id = s.provider.get_chain_id().await.map_err(fail)?;
    let batch = build_batch(
        &receipts,
        &cast.provider,
        &BatchOptions {
            chain_id,
            verifying_contract: anchor,
            batch_id: None,
            period_start: Some(week_start),
            period_end: Some(week_start + 7 * DAY - 1),
        },
    )
    .map_err(fail)?;
    (s.log)(&format!(
        "   signed batch {} over {} receipts, root {}",
        batch.batch.batch_id,
        receipts.len(),
        batch.batch.root
    ));
    s.tx(
        "anchorBatch (anyone may submit)",
        cast.platform.address(),
        anchor,
        batch.anchor_calldata.to_vec(),
        U256::ZERO,
    )
    .await?;

    (s.log)("5. the challenge window passes; the receipts are settled with one multiproof");
    s.travel(CHALLENGE_WINDOW + 1).await?;
    let proof = prove(&batch, &receipts, &Selection::All).map_err(fail)?;
    s.tx(
        "settle (6 receipts, one multiproof)",
        cast.platform.address(),
        anchor,
        proof.settle_calldata.to_vec(),
        U256::ZERO,
    )
    .await?;
    let fees: u128 = jobs.iter().map(|(_, u)| u128::from(*u)).sum::<u128>() * WEI_PER_SAMPLE;
    (s.log)(&format!(
        "   usage fees moved from escrow into the dataset split: {} ETH",
        format_ether(wei(fees))
    ));

    (s.log)("6. refusals: a replayed settlement, an unlicensed derived model");
    s.refused::<IUsageAnchor::IUsageAnchorErrors>(
        "settle again (replay)",
        cast.platform.address(),
        anchor,
        proof.settle_calldata.to_vec(),
    )
    .await?;
    let unlicensed = IAttributionRegistry::registerModelCall {
        model_hash: keccak256("stranger model"),
        uri: "ipfs://stranger".into(),
        parent_datasets: vec![dataset_id],
        dataset_weights: vec![U256::from(10_000)],
        parent_licenses: vec![licenses[0]],
        parent_models: vec![],
        model_weights: vec![],
        contributors: vec![cast.stranger.address()],
        shares: vec![U256::from(1)],
    };
    s.refused::<IAttributionRegistry::IAttributionRegistryErrors>(
        "registerModel without a license",
        cast.stranger.address(),
        registry,
        unlicensed.abi_encode(),
    )
    .await?;

    (s.log)("7. lab A registers its derived model and reports 1 ETH of commercial revenue");
    let model = IAttributionRegistry::registerModelCall {
        model_hash: keccak256("chest-xray patch classifier v1"),
        uri: "ipfs://bafy-model-card".into(),
        parent_datasets: vec![dataset_id],
        dataset_weights: vec![U256::from(10_000)],
        parent_licenses: vec![licenses[0]],
        parent_models: vec![],
        model_weights: vec![],
        contributors: vec![cast.lab_a.address()],
        shares: vec![U256::from(1)],
    };
    let model_id = s
        .tx_returning(
            "registerModel",
            cast.lab_a.address(),
            registry,
            &model,
            U256::ZERO,
        )
        .await?
        ._0;
    let model_split = s
        .view(registry, &IAttributionRegistry::modelCall { model_id })
        .await?
        ._1;
    s.tx(
        "reportRevenue (1 ETH)",
        cast.lab_a.address(),
        router,
        IRevenueRouter::reportRevenueCall { model_id }.abi_encode(),
        wei(MODEL_REVENUE),
    )
    .await?;
    s.report
        .paid_in
        .push(("derived-model revenue".into(), wei(MODEL_REVENUE)));

    (s.log)("8. every payee withdraws");
    let mut payees: Vec<(String, Address, U256)> =
        vec![("creator".into(), cast.creator.address(), dataset_split)];
    payees.extend(
        cast.annotators
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("annotator {}", i + 1), a.address(), dataset_split)),
    );
    payees.push(("platform".into(), cast.platform.address(), dataset_split));
    payees.push((
        "lab A (model split)".into(),
        cast.lab_a.address(),
        model_split,
    ));
    for (who, address, split) in payees {
        let version = s
            .view(
                splitter,
                &IRoyaltySplitter::splitInfoCall { split_id: split },
            )
            .await?
            ._1;
        let call = IRoyaltySplitter::withdrawCall {
            split_id: split,
            version,
            recipient: address,
            token: Address::ZERO,
        };
        // Anyone may trigger a withdrawal to a recipient: the platform does it for everyone.
        let paid = s
            .tx_returning(
                &format!("withdraw ({who})"),
                cast.platform.address(),
                splitter,
                &call,
                U256::ZERO,
            )
            .await?
            ._0;
        s.report.payouts.push(Payout {
            who,
            address,
            wei: paid,
        });
    }
    for (lab, token) in ["lab A", "lab B"].iter().zip(&licenses) {
        let info = s
            .view(escrow, &IUsageEscrow::escrowInfoCall { license_id: *token })
            .await?;
        s.report
            .held
            .push((format!("escrow left to {lab}"), info._0));
    }
    s.report.held.push((
        "attestor bond (held)".into(),
        d.parameters.min_attestor_bond,
    ));
    for (name, split) in [("dataset", dataset_split), ("model", model_split)] {
        let balance = s
            .view(
                splitter,
                &IRoyaltySplitter::splitBalanceCall {
                    split_id: split,
                    token: Address::ZERO,
                },
            )
            .await?;
        s.report.held.push((
            format!("{name} split: carried remainder"),
            balance._0 - balance._1,
        ));
    }
    Ok(())
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
        eprintln!("demo: building the contracts (cargo progress below)");
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
