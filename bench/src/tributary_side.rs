//! The Tributary side: the contracts deployed by `tributary::world`, set up with the same
//! licenses and escrow as the reference (see [`crate::workload`]), and the scenario that
//! measures its rows. The scenario runs twice from one snapshot, programs uncached and cached
//! (see `crate::run`), so it must not depend on anything but the chain state.

use alloy::{
    primitives::{keccak256, Address, U256},
    providers::Provider,
    sol_types::SolCall,
};
use tributary::{
    attest::{
        attribution::claim_calldata,
        batch::{build_batch, BatchOptions},
        json::BatchFile,
        prove::{prove, Selection},
        types::Receipt,
    },
    contracts::Contract,
    contracts_abi::{
        attribution_registry::IAttributionRegistry, datanets::IDatanets,
        license_offers::ILicenseOffers, model_nft::IModelNft, royalty_splitter::IRoyaltySplitter,
        usage_anchor::IUsageAnchor, usage_escrow::IUsageEscrow,
    },
    deploy::Step,
    world::{eth_terms, model_call, Dataset, World},
};

use crate::{
    anatomy,
    chain::{self, Accounts},
    rows::{Measurements, Operation},
    workload, BenchError, CHALLENGE_WINDOW,
};

/// Price of a license of the benchmark's offer: 0.01 ETH (paid once per license at set-up).
pub const LICENSE_PRICE_WEI: u128 = 10_000_000_000_000_000;

/// Licenses a batch bills, with the asset, scope and unit their receipts name (every license
/// of the benchmark charges [`workload::RATE_WEI`] per unit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Billing {
    /// The licenses, funded; job `i` of a batch bills `licenses[i % len]`.
    pub licenses: Vec<U256>,
    /// The asset id: the dataset's id, or `2^63 + modelId`.
    pub asset: U256,
    /// The receipts' scope.
    pub scope: u32,
    /// The receipts' usage unit.
    pub unit: u8,
}

/// A model registered on the benchmark's dataset and licensed for inference
/// ([`TributarySide::set_up_model`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    /// Its id in the registry (its token id in `ModelNft`).
    pub id: U256,
    /// Its split (the holder's).
    pub split: U256,
    /// Its [`workload::BILLED_LICENSES`] inference licenses, held by the lab and funded.
    pub billing: Billing,
}

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
    /// 3. a second such batch is anchored and one of its usage leaves settled (`settle 1`);
    /// 4. the licensing and splitter rows ([`Self::measure_licensing`], `measure_splits`);
    /// 5. the model rows ([`Self::measure_model`]);
    /// 6. last, so that nothing above changes, the Datanet rows ([`Self::measure_datanet`]).
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
        let deposit = self.measure_splits(world, gas).await?;
        self.measure_model(world, gas).await?;
        self.measure_datanet(world, gas, &deposit).await
    }

    /// The Datanet rows, on a dataset registered now over the [`workload::datanet`] weights
    /// ([`Self::measure_datanet_deposit`], then the claim, [`Self::measure_datanet_reports`]):
    /// - after the deposits, the relayer claims for the claimant (`claimMerkle` with its 17-hash
    ///   proof, native currency): its first claim. Checked: the claimant was a fresh account, is
    ///   paid, and is registered with its weight.
    async fn measure_datanet<P: Provider>(
        &self,
        world: &World<P>,
        gas: &mut Measurements,
        deposit: &Step,
    ) -> Result<(), BenchError> {
        let net = workload::datanet()?;
        let splitter = world.at(Contract::RoyaltySplitter);
        let (dataset, split) = self.measure_datanet_deposit(world, gas, deposit).await?;

        let info = IRoyaltySplitter::splitInfoCall { split_id: split };
        let version = world.view(splitter, &info).await?._1;
        let claim = &net.claim;
        let shares = U256::from(claim.weight);
        let data = claim_calldata(
            split,
            version,
            claim.contributor,
            shares,
            &claim.proof,
            Address::ZERO,
        );
        chain::check_fresh(world, claim.contributor).await?;
        let (_, step) = world
            .send(
                "claimMerkle",
                self.accounts.relayer,
                splitter,
                data.to_vec(),
                U256::ZERO,
            )
            .await?;
        chain::check_paid(world, claim.contributor).await?;
        let registered = IRoyaltySplitter::sharesOfCall {
            split_id: split,
            version,
            account: claim.contributor,
        };
        let registered = world.view(splitter, &registered).await?._0;
        if registered != shares {
            return Err(BenchError(format!(
                "claimMerkle registered {} with {registered} shares, its leaf has {shares}",
                claim.contributor
            )));
        }
        anatomy::record(
            world,
            gas,
            Operation::DatanetClaim,
            step.gas_used,
            (&[step.tx], &[], 1),
        )
        .await?;

        self.measure_datanet_reports(world, gas, dataset, (split, version))
            .await
    }

    /// `Datanet: deposit`: the creator registers the Datanet's dataset with
    /// `registerMerkleDataset(contentHash, uri, root, total)` (100,000 contributors), and a
    /// dataset of three listed contributors with the same total shares; the lab deposits into
    /// each split twice, as `split deposit` does, and the second deposit into the Merkle split is
    /// the row. Checked: its gas equals the listed dataset's second deposit apart from calldata
    /// ([`workload::check_deposits_equal`]), and against `deposit`, the `split deposit` row's
    /// transaction (total shares 60), only the WASM execution differs
    /// ([`workload::execution_difference`]); both are reported with [`Measurements::check`].
    /// Returns the dataset and its split.
    async fn measure_datanet_deposit<P: Provider>(
        &self,
        world: &World<P>,
        gas: &mut Measurements,
        deposit: &Step,
    ) -> Result<(U256, U256), BenchError> {
        let Accounts {
            creator,
            platform,
            lab,
            ..
        } = self.accounts;
        let net = workload::datanet()?;
        let registry = world.at(Contract::AttributionRegistry);
        let splitter = world.at(Contract::RoyaltySplitter);
        let total = net.registered.total_weight();
        let register = IAttributionRegistry::registerMerkleDatasetCall {
            content_hash: keccak256("bench datanet dataset"),
            uri: "ipfs://bench-datanet-dataset".into(),
            root: net.registered.root(),
            total_shares: U256::from(total),
        };
        let (dataset, _) = world
            .returning(
                "registerMerkleDataset",
                creator,
                registry,
                &register,
                U256::ZERO,
            )
            .await?;
        let dataset = dataset._0;
        let split = world
            .view(
                registry,
                &IAttributionRegistry::datasetSplitCall {
                    dataset_id: dataset,
                },
            )
            .await?
            ._0;
        // Three listed contributors with the same total shares: the deposit's arithmetic is the
        // same, only the number of contributors differs.
        let (few, _) = world
            .register_dataset(
                creator,
                "bench datanet listed dataset",
                "ipfs://bench-datanet-listed-dataset",
                &[
                    (creator, total / 6),
                    (platform, total / 3),
                    (
                        workload::fresh_address("tributary:datanet listed contributor"),
                        total - total / 6 - total / 3,
                    ),
                ],
            )
            .await?;

        let value = U256::from(workload::DEPOSIT_WEI);
        let mut second = Vec::new();
        let labels = [
            ("deposit (listed)", "deposit again (listed)", few.split),
            ("deposit (datanet)", "deposit again (datanet)", split),
        ];
        for (first, again, split) in labels {
            let data = IRoyaltySplitter::depositCall { split_id: split }.abi_encode();
            world
                .send(first, lab, splitter, data.clone(), value)
                .await?;
            let (_, step) = world.send(again, lab, splitter, data, value).await?;
            let anatomy = anatomy::of_transaction(world, step.tx).await?;
            second.push((step, anatomy));
        }
        let [(listed, listed_anatomy), (step, many)] =
            <[_; 2]>::try_from(second).map_err(|_| BenchError("two deposits expected".into()))?;
        workload::check_deposits_equal(
            (listed.gas_used, listed_anatomy.calldata),
            (step.gas_used, many.calldata),
        )?;
        let split_deposit = anatomy::of_transaction(world, deposit.tx).await?;
        let execution = workload::execution_difference(&split_deposit, &many)?;
        gas.check(workload::deposit_check_line(
            total,
            (step.gas_used, many.calldata),
            (listed.gas_used, listed_anatomy.calldata),
            deposit.gas_used,
            execution,
        ));
        anatomy::record(
            world,
            gas,
            Operation::DatanetDeposit,
            step.gas_used,
            (&[step.tx], &[], 1),
        )
        .await?;
        Ok((dataset, split))
    }

    /// `Datanet: postReport` and `Datanet: activateReport` on `dataset`, whose split is at
    /// `version`: the creator hands the split over to Datanets (`handOverSplit`), opens the
    /// Datanet (`configureDatanet`) and allows the attestor's key as evaluator (`setEvaluator`);
    /// the kit builds the epoch-1 report over the evaluated weights and the evaluator signs it;
    /// the relayer posts it (`postReport`; checked: it is pending with its root and total). Past
    /// the veto window the relayer activates it (`activateReport`; checked: the split's next
    /// version has the report's root, and epoch 1 names that version).
    async fn measure_datanet_reports<P: Provider>(
        &self,
        world: &World<P>,
        gas: &mut Measurements,
        dataset: U256,
        (split, version): (U256, u32),
    ) -> Result<(), BenchError> {
        let Accounts {
            relayer,
            ref attestor,
            ..
        } = self.accounts;
        let net = workload::datanet()?;
        let splitter = world.at(Contract::RoyaltySplitter);
        let datanets = world.at(Contract::Datanets);
        self.open_datanet(world, dataset).await?;
        let chain_id = world
            .chain
            .get_chain_id()
            .await
            .map_err(|e| BenchError(e.to_string()))?;
        let params = workload::datanet_report_params(chain_id, datanets, dataset);
        let (report, data) = workload::signed_report(&params, &net.evaluated, attestor)?;
        let (_, step) = world
            .send("postReport", relayer, datanets, data.to_vec(), U256::ZERO)
            .await?;
        let pending = IDatanets::pendingReportCall {
            dataset_id: dataset,
        };
        let pending = world.view(datanets, &pending).await?;
        if pending._0 != report.weightsRoot || pending._1 != report.totalWeight {
            return Err(BenchError(format!(
                "postReport: the pending report has root {} and total {}, the report {} and {}",
                pending._0, pending._1, report.weightsRoot, report.totalWeight
            )));
        }
        anatomy::record(
            world,
            gas,
            Operation::DatanetPostReport,
            step.gas_used,
            (&[step.tx], &[], 1),
        )
        .await?;

        world
            .travel(u64::from(workload::DATANET_VETO_WINDOW) + 1)
            .await?;
        let activate = IDatanets::activateReportCall {
            dataset_id: dataset,
        };
        let (opened, step) = world
            .returning("activateReport", relayer, datanets, &activate, U256::ZERO)
            .await?;
        let info = IRoyaltySplitter::splitInfoCall { split_id: split };
        let current = world.view(splitter, &info).await?._1;
        let version_info = IRoyaltySplitter::versionInfoCall {
            split_id: split,
            version: current,
        };
        let root = world.view(splitter, &version_info).await?._0;
        let epoch = IDatanets::epochSplitVersionCall {
            dataset_id: dataset,
            epoch: 1,
        };
        let epoch_version = world.view(datanets, &epoch).await?._0;
        if opened._0 != version + 1
            || current != version + 1
            || root != report.weightsRoot
            || epoch_version != U256::from(current)
        {
            return Err(BenchError(format!(
                "activateReport opened version {} (the split is at {current}, epoch 1 names \
                 {epoch_version}) with root {root}; expected version {} with root {}",
                opened._0,
                version + 1,
                report.weightsRoot
            )));
        }
        anatomy::record(
            world,
            gas,
            Operation::DatanetActivateReport,
            step.gas_used,
            (&[step.tx], &[], 1),
        )
        .await
    }

    /// Opens the Datanet of `dataset`: the creator hands its split over to Datanets
    /// (`handOverSplit`), configures it (`configureDatanet`: the platform curates, native stake)
    /// and allows the attestor's key as evaluator (`setEvaluator`).
    async fn open_datanet<P: Provider>(
        &self,
        world: &World<P>,
        dataset: U256,
    ) -> Result<(), BenchError> {
        let Accounts {
            creator,
            platform,
            ref attestor,
            ..
        } = self.accounts;
        let registry = world.at(Contract::AttributionRegistry);
        let datanets = world.at(Contract::Datanets);
        let hand_over = IAttributionRegistry::handOverSplitCall {
            dataset_id: dataset,
            controller: datanets,
        };
        let configure = IDatanets::configureDatanetCall {
            dataset_id: dataset,
            curator: platform,
            stake_token: Address::ZERO,
            stake: U256::from(LICENSE_PRICE_WEI),
            review_window: workload::DATANET_REVIEW_WINDOW,
            stake_lock: 0,
            veto_window: workload::DATANET_VETO_WINDOW,
        };
        let allow = IDatanets::setEvaluatorCall {
            dataset_id: dataset,
            evaluator: attestor.address(),
            allowed: true,
        };
        for (label, to, data) in [
            ("handOverSplit", registry, hand_over.abi_encode()),
            ("configureDatanet", datanets, configure.abi_encode()),
            ("setEvaluator", datanets, allow.abi_encode()),
        ] {
            world.send(label, creator, to, data, U256::ZERO).await?;
        }
        Ok(())
    }

    /// A model derived from the dataset, set up from the current state: the creator offers a
    /// TRAIN | DERIVATIVES license of the dataset with a 7 % royalty tier
    /// ([`workload::MODEL_TIER_BPS`]); the developer mints one and registers a model on the
    /// dataset under it (weight 10,000, the developer its only contributor), which mints the
    /// model token to the developer; the developer offers the model for inference (asset
    /// `2^63 + modelId`, scope INFERENCE, kilo-tokens at [`workload::RATE_WEI`]); the lab mints
    /// [`workload::BILLED_LICENSES`] licenses of it, each funded with [`workload::ESCROW_WEI`].
    pub async fn set_up_model<P: Provider>(&self, world: &World<P>) -> Result<Model, BenchError> {
        let Accounts {
            creator,
            platform,
            lab,
            developer,
            ..
        } = self.accounts;
        let price = U256::from(LICENSE_PRICE_WEI);
        let offers = world.at(Contract::LicenseOffers);
        let terms = ILicenseOffers::LicenseTerms {
            scope: U256::from(workload::MODEL_PARENT_SCOPE),
            duration: workload::LICENSE_SECONDS,
            price,
            usageUnit: workload::UNIT,
            usageRate: U256::from(workload::RATE_WEI),
            tierThresholds: vec![U256::ZERO],
            tierBps: vec![workload::MODEL_TIER_BPS],
            ..eth_terms(
                self.dataset.id,
                platform,
                "bench derivative terms",
                "ipfs://bench-derivative-terms",
            )
        };
        let create = ILicenseOffers::createOfferCall { terms };
        let (parent_offer, _) = world
            .returning(
                "createOffer (derivatives)",
                creator,
                offers,
                &create,
                U256::ZERO,
            )
            .await?;
        let (parent_license, _) = world
            .mint("mint (derivatives)", parent_offer._0, developer, price)
            .await?;

        let registry = world.at(Contract::AttributionRegistry);
        let register = model_call(
            "bench model",
            "ipfs://bench-model",
            self.dataset.id,
            parent_license,
            developer,
        );
        let (model_id, _) = world
            .returning("registerModel", developer, registry, &register, U256::ZERO)
            .await?;
        let model_id = model_id._0;
        let split = world
            .view(registry, &IAttributionRegistry::modelCall { model_id })
            .await?
            ._1;

        let asset = workload::model_asset(model_id);
        let terms = ILicenseOffers::LicenseTerms {
            scope: U256::from(workload::MODEL_SCOPE),
            duration: workload::LICENSE_SECONDS,
            price,
            usageUnit: workload::MODEL_UNIT,
            usageRate: U256::from(workload::RATE_WEI),
            ..eth_terms(
                asset,
                platform,
                "bench inference terms",
                "ipfs://bench-inference-terms",
            )
        };
        let create = ILicenseOffers::createOfferCall { terms };
        let (offer, _) = world
            .returning(
                "createOffer (model)",
                developer,
                offers,
                &create,
                U256::ZERO,
            )
            .await?;
        let mut licenses = Vec::new();
        for _ in 0..workload::BILLED_LICENSES {
            let (license, _) = world.mint("mint (model)", offer._0, lab, price).await?;
            fund_escrow(world, lab, license, U256::from(workload::ESCROW_WEI)).await?;
            licenses.push(license);
        }
        Ok(Model {
            id: model_id,
            split,
            billing: Billing {
                licenses,
                asset,
                scope: workload::MODEL_SCOPE,
                unit: workload::MODEL_UNIT,
            },
        })
    }

    /// The model rows, on a model set up now ([`Self::set_up_model`]):
    /// - `settle 1 inference leaf (model)`: as the dataset's `settle 1`, a first batch of
    ///   [`workload::BILLED_RECEIPTS`] inference receipts over the model's licenses is anchored and
    ///   all its leaves settled, then a second one is anchored and the leaf of the first license
    ///   (100 receipts) settled. Both batches start on the next period boundary
    ///   ([`workload::next_period_start`]), so that both runs settle the same leaf with the same
    ///   proof. Checked: the escrow pays the leaf's fee, the dataset's split receives its 7 % and
    ///   the model's split the rest;
    /// - `model token transfer`: the developer's `transferFrom(developer, buyer, modelId)` on
    ///   `ModelNft`. Checked: the buyer holds the token, the registry names it the model's owner
    ///   and the model's split has a new version paying it.
    async fn measure_model<P: Provider>(
        &self,
        world: &World<P>,
        gas: &mut Measurements,
    ) -> Result<(), BenchError> {
        let model = self.set_up_model(world).await?;
        let billing = &model.billing;
        let now = world.now().await?;
        let start = workload::next_period_start(now);
        world
            .travel(start + workload::PERIOD_SECONDS + 1 - now)
            .await?;

        let billed = self
            .sign_billing(world, billing, "model billed", start)
            .await?;
        self.anchor(world, &billed).await?;
        world.travel(CHALLENGE_WINDOW + 1).await?;
        self.settle_billing(world, &billing.licenses, &billed, Selection::All)
            .await?;

        let single = self
            .sign_billing(world, billing, "model single", start)
            .await?;
        self.anchor(world, &single).await?;
        world.travel(CHALLENGE_WINDOW + 1).await?;
        let before = self.split_balances(world, &model).await?;
        let selection = Selection::Licenses(vec![billing.licenses[0]]);
        let settle = self
            .settle_billing(world, &billing.licenses, &single, selection)
            .await?;
        let after = self.split_balances(world, &model).await?;
        let fee: U256 = single
            .usage_leaves()
            .iter()
            .filter(|leaf| leaf.licenseId == billing.licenses[0])
            .map(|leaf| leaf.units * U256::from(workload::RATE_WEI))
            .sum();
        let royalty = workload::dataset_royalty(fee);
        let received = (after.0 - before.0, after.1 - before.1);
        if received != (royalty, fee - royalty) {
            return Err(BenchError(format!(
                "settle (model): a fee of {fee} wei paid the dataset's split {} and the model's \
                 {}, expected {royalty} and {}",
                received.0,
                received.1,
                fee - royalty
            )));
        }
        anatomy::record(
            world,
            gas,
            Operation::SettleInference,
            settle.gas_used,
            (&[settle.tx], &[], 1),
        )
        .await?;

        self.measure_model_transfer(world, gas, &model).await
    }

    /// `model token transfer`: the developer transfers the model token to the buyer.
    async fn measure_model_transfer<P: Provider>(
        &self,
        world: &World<P>,
        gas: &mut Measurements,
        model: &Model,
    ) -> Result<(), BenchError> {
        let Accounts {
            developer, buyer, ..
        } = self.accounts;
        let models = world.at(Contract::ModelNft);
        let splitter = world.at(Contract::RoyaltySplitter);
        let registry = world.at(Contract::AttributionRegistry);
        let info = IRoyaltySplitter::splitInfoCall {
            split_id: model.split,
        };
        let version = world.view(splitter, &info).await?._1;
        let holdings = IModelNft::balanceOfCall { owner: buyer };
        if !world.view(models, &holdings).await?._0.is_zero() {
            return Err(BenchError(format!("{buyer} should hold no model token")));
        }
        let transfer = IModelNft::transferFromCall {
            from: developer,
            to: buyer,
            token_id: model.id,
        };
        let (_, step) = world
            .send(
                "transferFrom (model)",
                developer,
                models,
                transfer.abi_encode(),
                U256::ZERO,
            )
            .await?;
        let holder = world
            .view(models, &IModelNft::ownerOfCall { token_id: model.id })
            .await?
            ._0;
        let owner = world
            .view(
                registry,
                &IAttributionRegistry::modelCall { model_id: model.id },
            )
            .await?
            ._0;
        let moved = world.view(splitter, &info).await?._1;
        let shares = IRoyaltySplitter::sharesOfCall {
            split_id: model.split,
            version: moved,
            account: buyer,
        };
        let buyer_shares = world.view(splitter, &shares).await?._0;
        if holder != buyer || owner != buyer || moved != version + 1 || buyer_shares.is_zero() {
            return Err(BenchError(format!(
                "transferFrom (model): the token is held by {holder}, the registry names \
                 {owner}, the model's split is at version {moved} (was {version}) and gives \
                 the buyer {buyer_shares} shares; expected {buyer}, {buyer}, {} and some",
                version + 1
            )));
        }
        anatomy::record(
            world,
            gas,
            Operation::ModelTransfer,
            step.gas_used,
            (&[step.tx], &[], 1),
        )
        .await
    }

    /// What the dataset's split and `model`'s split have received in ETH.
    async fn split_balances<P: Provider>(
        &self,
        world: &World<P>,
        model: &Model,
    ) -> Result<(U256, U256), BenchError> {
        let splitter = world.at(Contract::RoyaltySplitter);
        let mut received = [U256::ZERO; 2];
        for (slot, split) in received.iter_mut().zip([self.dataset.split, model.split]) {
            let call = IRoyaltySplitter::splitBalanceCall {
                split_id: split,
                token: Address::ZERO,
            };
            *slot = world.view(splitter, &call).await?._0;
        }
        Ok((received[0], received[1]))
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
    /// `createSplit per recipient` (see [`workload::split_recipients`]). Returns the measured
    /// deposit (the Datanet deposit is checked against it).
    async fn measure_splits<P: Provider>(
        &self,
        world: &World<P>,
        gas: &mut Measurements,
    ) -> Result<Step, BenchError> {
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
        let (_, deposited) = world
            .send("deposit again", lab, splitter, deposit, value)
            .await?;
        anatomy::record(
            world,
            gas,
            Operation::SplitDeposit,
            deposited.gas_used,
            (&[deposited.tx], &[], 1),
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
        Ok(deposited)
    }

    /// The dataset licenses the dataset rows' batches bill.
    pub fn billing(&self) -> Billing {
        Billing {
            licenses: self.licenses.clone(),
            asset: self.dataset.id,
            scope: workload::SCOPE,
            unit: workload::UNIT,
        }
    }

    /// The receipts of `workload::jobs(tag, …)` over this side's funded licenses, from the
    /// period starting at `start`, as the attestor kit's signed batch file.
    pub async fn sign<P: Provider>(
        &self,
        world: &World<P>,
        tag: &str,
        start: u64,
    ) -> Result<BatchFile, BenchError> {
        self.sign_billing(world, &self.billing(), tag, start).await
    }

    /// The receipts of `workload::jobs(tag, …)` over the licenses of `billing` (naming its
    /// asset, scope and unit), from the period starting at `start`, as the attestor kit's
    /// signed batch file.
    pub async fn sign_billing<P: Provider>(
        &self,
        world: &World<P>,
        billing: &Billing,
        tag: &str,
        start: u64,
    ) -> Result<BatchFile, BenchError> {
        let attestor = &self.accounts.attestor;
        let receipts: Vec<Receipt> = workload::jobs(
            tag,
            workload::BILLED_RECEIPTS,
            billing.licenses.len(),
            start,
        )
        .iter()
        .map(|job| Receipt {
            jobId: job.job_id,
            licenseId: billing.licenses[job.license],
            assetId: billing.asset,
            modelHash: job.model_hash,
            scope: U256::from(billing.scope),
            unit: billing.unit,
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
        self.settle_billing(world, &self.licenses, batch, selection)
            .await
    }

    /// [`Self::settle`] of a batch over `licenses`.
    pub async fn settle_billing<P: Provider>(
        &self,
        world: &World<P>,
        licenses: &[U256],
        batch: &BatchFile,
        selection: Selection,
    ) -> Result<Step, BenchError> {
        let proof = prove(batch, &selection).map_err(|e| BenchError(e.to_string()))?;
        let leaves = proof.usage_leaves();
        let before = escrow_balances(world, licenses).await?;
        let anchor = world.at(Contract::UsageAnchor);
        let data = proof.settle_calldata.to_vec();
        let (_, step) = world
            .send("settle", self.accounts.relayer, anchor, data, U256::ZERO)
            .await?;
        let after = escrow_balances(world, licenses).await?;
        for (i, license) in licenses.iter().enumerate() {
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
}

/// The escrow balance of each of `licenses`.
async fn escrow_balances<P: Provider>(
    world: &World<P>,
    licenses: &[U256],
) -> Result<Vec<U256>, BenchError> {
    let escrow = world.at(Contract::UsageEscrow);
    let mut balances = Vec::with_capacity(licenses.len());
    for license in licenses {
        let call = IUsageEscrow::escrowInfoCall {
            license_id: *license,
        };
        balances.push(world.view(escrow, &call).await?._0);
    }
    Ok(balances)
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
