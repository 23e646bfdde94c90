//! The Tributary side: the contracts deployed by `tributary::world`, set up with the same
//! licenses and escrow as the reference (see [`crate::workload`]), and the scenario that
//! measures its rows. The scenario runs twice from one snapshot, programs uncached and cached
//! (see `crate::run`), so it must not depend on anything but the chain state.

use alloy::{
    primitives::{Address, U256},
    providers::Provider,
    sol_types::SolCall,
};
use tributary::{
    attest::{
        batch::{build_batch, BatchOptions},
        json::BatchFile,
        prove::{prove, Selection},
        types::Receipt,
    },
    contracts::Contract,
    contracts_abi::{
        license_offers::ILicenseOffers, royalty_splitter::IRoyaltySplitter,
        usage_anchor::IUsageAnchor, usage_escrow::IUsageEscrow,
    },
    deploy::Step,
    world::{eth_terms, Dataset, World},
};

use crate::{
    anatomy,
    chain::{self, Accounts},
    rows::{Measurements, Operation},
    workload, BenchError, CHALLENGE_WINDOW,
};

/// Price of a license of the benchmark's offer: 0.01 ETH (paid once per license at set-up).
pub const LICENSE_PRICE_WEI: u128 = 10_000_000_000_000_000;

/// The set-up Tributary system.
#[derive(Debug, Clone)]
pub struct TributarySide {
    accounts: Accounts,
    /// The dataset (creator 60 / platform 40).
    pub dataset: Dataset,
    /// The offer every license is minted from.
    pub offer: U256,
    /// The [`workload::BILLED_LICENSES`] licenses the batches bill, funded.
    pub licenses: Vec<U256>,
    /// A license whose escrow is still empty (the `fundEscrow` row funds it).
    pub unfunded: U256,
}

impl TributarySide {
    /// Sets up the deployed `world`: the creator registers a dataset and offers a TRAIN
    /// license at [`workload::RATE_WEI`] per sample for two years; the lab mints
    /// [`workload::BILLED_LICENSES`] licenses, each funded with [`workload::ESCROW_WEI`], and
    /// one more left unfunded; the attestor is allow-listed and bonds.
    pub async fn set_up<P: Provider>(
        world: &World<P>,
        accounts: &Accounts,
    ) -> Result<Self, BenchError> {
        let Accounts {
            creator,
            platform,
            lab,
            ..
        } = *accounts;
        let (dataset, _) = world
            .register_dataset(
                creator,
                "bench dataset",
                "ipfs://bench-dataset",
                &[(creator, 60), (platform, 40)],
            )
            .await?;
        let price = U256::from(LICENSE_PRICE_WEI);
        let terms = ILicenseOffers::LicenseTerms {
            scope: U256::from(workload::SCOPE),
            duration: workload::LICENSE_SECONDS,
            price,
            usageUnit: workload::UNIT,
            usageRate: U256::from(workload::RATE_WEI),
            ..eth_terms(dataset.id, platform, "bench terms", "ipfs://bench-terms")
        };
        let offers = world.at(Contract::LicenseOffers);
        let create = ILicenseOffers::createOfferCall { terms };
        let (offer, _) = world
            .returning("createOffer", creator, offers, &create, U256::ZERO)
            .await?;
        let mut licenses = Vec::new();
        for _ in 0..workload::BILLED_LICENSES {
            let (license, _) = world.mint("mint", offer._0, lab, price).await?;
            fund_escrow(world, lab, license, U256::from(workload::ESCROW_WEI)).await?;
            licenses.push(license);
        }
        let (unfunded, _) = world.mint("mint", offer._0, lab, price).await?;

        let anchor = world.at(Contract::UsageAnchor);
        let attestor = accounts.attestor.address();
        let allow = IUsageAnchor::setAttestorCall {
            attestor,
            allowed: true,
        };
        world
            .send(
                "setAttestor",
                accounts.deployer,
                anchor,
                allow.abi_encode(),
                U256::ZERO,
            )
            .await?;
        let bond = world.deployment.parameters.min_attestor_bond;
        let data = IUsageAnchor::bondAttestorCall {}.abi_encode();
        world
            .send("bondAttestor", attestor, anchor, data, bond)
            .await?;
        Ok(Self {
            accounts: accounts.clone(),
            dataset,
            offer: offer._0,
            licenses,
            unfunded,
        })
    }

    /// Measures Tributary's rows, in the reference's order (`ReferenceSide::measure`):
    /// 1. `fundEscrow`: the first funding of a license's escrow;
    /// 2. the [`workload::BILLED_RECEIPTS`] receipts of `workload::jobs("billed", …)` on the funded
    ///    licenses, grouped by the attestor kit into [`workload::BILLED_LICENSES`] usage leaves and
    ///    signed, are anchored (`anchorBatch`) and, once the challenge window has passed, all ten
    ///    leaves settled in one `settle` (`billed receipt`: anchor + settle, per receipt);
    /// 3. a second such batch is anchored and one of its usage leaves settled (`settle 1`).
    ///
    /// Every settlement is checked: the licenses' escrow pays exactly the leaves' fees.
    pub async fn measure<P: Provider>(
        &self,
        world: &World<P>,
        gas: &mut Measurements,
    ) -> Result<(), BenchError> {
        let step = fund_escrow(
            world,
            self.accounts.lab,
            self.unfunded,
            U256::from(workload::FUND_WEI),
        )
        .await?;
        anatomy::record(
            world,
            gas,
            Operation::FundEscrow,
            step.gas_used,
            (&[step.tx], &[], 1),
        )
        .await?;

        let start = world.now().await? + 1;
        world.travel(workload::PERIOD_SECONDS + 1).await?;

        let billed = self.sign(world, "billed", start).await?;
        let anchor = self.anchor(world, &billed).await?;
        anatomy::record(
            world,
            gas,
            Operation::AnchorBatch,
            anchor.gas_used,
            (&[anchor.tx], &[], 1),
        )
        .await?;
        world.travel(CHALLENGE_WINDOW + 1).await?;
        let settle = self.settle(world, &billed, Selection::All).await?;
        let receipts = usize::try_from(billed.batch.receipt_count).unwrap_or(usize::MAX);
        anatomy::record(
            world,
            gas,
            Operation::BilledReceipt,
            workload::per_receipt(anchor.gas_used + settle.gas_used, receipts),
            (&[anchor.tx, settle.tx], &[], receipts as u64),
        )
        .await?;

        let single = self.sign(world, "single", start).await?;
        self.anchor(world, &single).await?;
        world.travel(CHALLENGE_WINDOW + 1).await?;
        let settle = self
            .settle(world, &single, Selection::Indices(vec![0]))
            .await?;
        anatomy::record(
            world,
            gas,
            Operation::SettleOne,
            settle.gas_used,
            (&[settle.tx], &[], 1),
        )
        .await?;

        self.measure_licensing(world, gas).await?;
        self.measure_splits(world, gas).await
    }

    /// `createOffer` (a second offer on the registered dataset) and `license mint`: the second
    /// mint of that offer, its price paid into the dataset's split.
    async fn measure_licensing<P: Provider>(
        &self,
        world: &World<P>,
        gas: &mut Measurements,
    ) -> Result<(), BenchError> {
        let Accounts {
            creator,
            platform,
            lab,
            ..
        } = self.accounts;
        let price = U256::from(LICENSE_PRICE_WEI);
        let terms = ILicenseOffers::LicenseTerms {
            scope: U256::from(workload::SCOPE),
            duration: workload::LICENSE_SECONDS,
            price,
            usageUnit: workload::UNIT,
            usageRate: U256::from(workload::RATE_WEI),
            ..eth_terms(
                self.dataset.id,
                platform,
                "bench terms 2",
                "ipfs://bench-terms-2",
            )
        };
        let offers = world.at(Contract::LicenseOffers);
        let create = ILicenseOffers::createOfferCall { terms };
        let (offer, step) = world
            .returning("createOffer", creator, offers, &create, U256::ZERO)
            .await?;
        anatomy::record(
            world,
            gas,
            Operation::CreateOffer,
            step.gas_used,
            (&[step.tx], &[], 1),
        )
        .await?;
        world.mint("mint", offer._0, lab, price).await?;
        let (_, step) = world.mint("mint again", offer._0, lab, price).await?;
        anatomy::record(
            world,
            gas,
            Operation::LicenseMint,
            step.gas_used,
            (&[step.tx], &[], 1),
        )
        .await?;
        Ok(())
    }

    /// The splitter's rows: `split deposit` (the second native deposit into a listed split of
    /// three recipients), `split withdraw` (to the recipient that is a fresh account) and
    /// `createSplit per recipient` (see [`workload::split_recipients`]).
    async fn measure_splits<P: Provider>(
        &self,
        world: &World<P>,
        gas: &mut Measurements,
    ) -> Result<(), BenchError> {
        let creator = self.accounts.creator;
        let splitter = world.at(Contract::RoyaltySplitter);
        let create = |recipients: Vec<Address>| {
            let shares = workload::shares(recipients.len());
            IRoyaltySplitter::createSplitCall {
                recipients,
                shares,
                controller: Address::ZERO,
            }
        };
        let deposit_recipients = workload::deposit_recipients(&self.accounts, "tributary");
        let fresh = deposit_recipients.fresh;
        let (split, _) = world
            .returning(
                "createSplit",
                creator,
                splitter,
                &create(deposit_recipients.sorted),
                U256::ZERO,
            )
            .await?;
        let split = split._0;
        let deposit = IRoyaltySplitter::depositCall { split_id: split }.abi_encode();
        let value = U256::from(workload::DEPOSIT_WEI);
        let lab = self.accounts.lab;
        world
            .send("deposit", lab, splitter, deposit.clone(), value)
            .await?;
        let (_, step) = world
            .send("deposit again", lab, splitter, deposit, value)
            .await?;
        anatomy::record(
            world,
            gas,
            Operation::SplitDeposit,
            step.gas_used,
            (&[step.tx], &[], 1),
        )
        .await?;

        let info = IRoyaltySplitter::splitInfoCall { split_id: split };
        let version = world.view(splitter, &info).await?._1;
        let withdraw = IRoyaltySplitter::withdrawCall {
            split_id: split,
            version,
            recipient: fresh,
            token: Address::ZERO,
        };
        chain::check_fresh(world, fresh).await?;
        let (_, step) = world
            .send("withdraw", lab, splitter, withdraw.abi_encode(), U256::ZERO)
            .await?;
        chain::check_paid(world, fresh).await?;
        anatomy::record(
            world,
            gas,
            Operation::SplitWithdraw,
            step.gas_used,
            (&[step.tx], &[], 1),
        )
        .await?;

        let (few, many) = workload::split_sizes();
        let (_, small) = world
            .returning(
                "createSplit few",
                creator,
                splitter,
                &create(workload::split_recipients("tributary", few)),
                U256::ZERO,
            )
            .await?;
        let (_, large) = world
            .returning(
                "createSplit many",
                creator,
                splitter,
                &create(workload::split_recipients("tributary", many)),
                U256::ZERO,
            )
            .await?;
        let (few, many) = (few as u64, many as u64);
        anatomy::record(
            world,
            gas,
            Operation::CreateSplitPerRecipient,
            workload::per_recipient(small.gas_used, large.gas_used)?,
            (&[large.tx], &[small.tx], many - few),
        )
        .await?;
        Ok(())
    }

    /// The receipts of `workload::jobs(tag, …)` over this side's funded licenses, from the
    /// period starting at `start`, as the attestor kit's signed batch file.
    pub async fn sign<P: Provider>(
        &self,
        world: &World<P>,
        tag: &str,
        start: u64,
    ) -> Result<BatchFile, BenchError> {
        let attestor = &self.accounts.attestor;
        let receipts: Vec<Receipt> = workload::jobs(
            tag,
            workload::BILLED_RECEIPTS,
            workload::BILLED_LICENSES,
            start,
        )
        .iter()
        .map(|job| Receipt {
            jobId: job.job_id,
            licenseId: self.licenses[job.license],
            assetId: self.dataset.id,
            modelHash: job.model_hash,
            scope: U256::from(workload::SCOPE),
            unit: workload::UNIT,
            units: U256::from(job.units),
            timestamp: job.timestamp,
            attestor: attestor.address(),
        })
        .collect();
        let (period_start, period_end) = workload::period(start);
        let options = BatchOptions {
            chain_id: world
                .chain
                .get_chain_id()
                .await
                .map_err(|e| BenchError(e.to_string()))?,
            verifying_contract: world.at(Contract::UsageAnchor),
            batch_id: None,
            period_start: Some(period_start),
            period_end: Some(period_end),
            deadline: None,
        };
        build_batch(&receipts, attestor, &options).map_err(|e| BenchError(e.to_string()))
    }

    /// Sends `anchorBatch(batch, signature)` from the relayer.
    pub async fn anchor<P: Provider>(
        &self,
        world: &World<P>,
        batch: &BatchFile,
    ) -> Result<Step, BenchError> {
        let anchor = world.at(Contract::UsageAnchor);
        let data = batch.anchor_calldata.to_vec();
        let (_, step) = world
            .send(
                "anchorBatch",
                self.accounts.relayer,
                anchor,
                data,
                U256::ZERO,
            )
            .await?;
        Ok(step)
    }

    /// Settles the `selection` of `batch`'s usage leaves with one multiproof from the relayer,
    /// and checks that each leaf's license paid exactly `units × rate` from its escrow.
    pub async fn settle<P: Provider>(
        &self,
        world: &World<P>,
        batch: &BatchFile,
        selection: Selection,
    ) -> Result<Step, BenchError> {
        let proof = prove(batch, &selection).map_err(|e| BenchError(e.to_string()))?;
        let leaves = proof.usage_leaves();
        let before = self.escrow_balances(world).await?;
        let anchor = world.at(Contract::UsageAnchor);
        let data = proof.settle_calldata.to_vec();
        let (_, step) = world
            .send("settle", self.accounts.relayer, anchor, data, U256::ZERO)
            .await?;
        let after = self.escrow_balances(world).await?;
        for (i, license) in self.licenses.iter().enumerate() {
            let fees: U256 = leaves
                .iter()
                .filter(|leaf| leaf.licenseId == *license)
                .map(|leaf| leaf.units * U256::from(workload::RATE_WEI))
                .sum();
            let paid = before[i] - after[i];
            if paid != fees {
                return Err(BenchError(format!(
                    "settle: license {license} paid {paid} wei from escrow, its leaves cost {fees}"
                )));
            }
        }
        Ok(step)
    }

    /// The escrow balance of each funded license.
    async fn escrow_balances<P: Provider>(
        &self,
        world: &World<P>,
    ) -> Result<Vec<U256>, BenchError> {
        let escrow = world.at(Contract::UsageEscrow);
        let mut balances = Vec::with_capacity(self.licenses.len());
        for license in &self.licenses {
            let call = IUsageEscrow::escrowInfoCall {
                license_id: *license,
            };
            balances.push(world.view(escrow, &call).await?._0);
        }
        Ok(balances)
    }
}

/// `fundEscrow(license)` with `value` from `from`.
async fn fund_escrow<P: Provider>(
    world: &World<P>,
    from: Address,
    license: U256,
    value: U256,
) -> Result<Step, BenchError> {
    let call = IUsageEscrow::fundEscrowCall {
        license_id: license,
    };
    let escrow = world.at(Contract::UsageEscrow);
    let (_, step) = world
        .send("fundEscrow", from, escrow, call.abi_encode(), value)
        .await?;
    Ok(step)
}
