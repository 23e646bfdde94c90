//! The Solidity side: `bench/solidity/UsageReference.sol` (usage settlement),
//! `SplitReference.sol` (the splitter), `LicenseReference.sol` (offers and ERC-721 licenses
//! paying into a `SplitReference` split), `MerkleSplitReference.sol` (the splitter with Merkle
//! splits) and `DatanetReference.sol` (attribution reports installed as the next version of a
//! `MerkleSplitReference` split) deployed next to Tributary on the same devnode, set up with the
//! same licenses and escrow (see [`crate::workload`]), and the scenario that measures their
//! rows.

use std::collections::HashMap;

use alloy::{
    network::TransactionBuilder,
    primitives::{aliases::U96, keccak256, Address, Bytes, B256, U256},
    providers::Provider,
    rpc::types::{TransactionReceipt, TransactionRequest},
    signers::{local::PrivateKeySigner, SignerSync},
    sol,
    sol_types::{eip712_domain, SolCall, SolEvent, SolInterface, SolStruct, SolValue},
};
use tributary::{
    attest::{attribution::claim_calldata, merkle::MerkleTree},
    deploy::{self, Step},
    world::{World, WorldError},
};

use crate::{
    anatomy,
    chain::Accounts,
    rows::{Measurements, Operation},
    solc::Artifact,
    workload::{self, Job},
    BenchError,
};

sol!(
    #[sol(all_derives)]
    "solidity/IUsageReference.sol"
);

sol! {
    /// The EIP-712 struct the reference's attestors sign (`BATCH_TYPEHASH` in the contract).
    #[derive(Debug)]
    struct Batch {
        bytes32 root;
        uint32 receiptCount;
        uint96 totalUnits;
        uint32 periodStart;
        uint32 periodEnd;
    }
}

sol! {
    /// What the benchmark calls of `bench/solidity/SplitReference.sol`.
    #[derive(Debug)]
    interface ISplitReference {
        function createSplit(address[] calldata recipients, uint256[] calldata shares, address controller) external returns (uint256 splitId);
        function deposit(uint256 splitId) external payable;
        function withdraw(uint256 splitId, uint32 version, address recipient) external returns (uint256 amount);
        function splits(uint256 splitId) external view returns (address controller, uint32 version, uint64 remainder);
    }

    /// What the benchmark calls of `bench/solidity/LicenseReference.sol`.
    #[derive(Debug)]
    interface ILicenseReference {
        function createOffer(uint64 splitId, uint128 price, uint64 duration, uint32 maxSupply, uint256 scope, bytes32 termsHash) external returns (uint256 offerId);
        function mint(uint256 offerId, address to, uint256 maxPrice) external payable returns (uint256 tokenId);
        function isValid(uint256 tokenId) external view returns (bool);
        function transferFrom(address from, address to, uint256 tokenId) external;
        function ownerOf(uint256 tokenId) external view returns (address holder);
        function balanceOf(address owner) external view returns (uint256);
    }

    /// What the benchmark calls of `bench/solidity/MerkleSplitReference.sol` beyond
    /// [`ISplitReference`] (`deposit` is the same function), and its errors.
    #[derive(Debug)]
    interface IMerkleSplitReference {
        function createMerkleSplit(bytes32 root, uint256 totalShares, address controller) external returns (uint256 splitId);
        function claimMerkle(uint256 splitId, uint32 version, address recipient, uint256 shares, bytes32[] calldata proof, address token) external returns (uint256 amount);
        function splits(uint256 splitId) external view returns (address controller, uint32 version, uint64 remainder);
        function members(uint256 splitId, uint32 version, address member) external view returns (uint64 shares, uint192 paid);
        function merkleRoots(uint256 splitId, uint32 version) external view returns (bytes32 root);

        error EnforcedPause();
        error ZeroAmount();
        error DepositOverflow(uint256 splitId);
        error TotalSharesTooLarge();
        error UnknownSplit(uint256 splitId);
        error UnknownVersion(uint256 splitId, uint32 version);
        error ZeroShares(uint256 index);
        error NothingToWithdraw(uint256 splitId, address recipient);
        error TransferFailed(address to, uint256 amount);
        error NotController(uint256 splitId);
        error ZeroRoot();
        error InvalidProof(uint256 splitId, address recipient);
        error MerkleSharesExceeded(uint256 splitId, uint256 registered, uint256 total);
        error UnsupportedToken(address token);
    }

    /// What the benchmark calls of `bench/solidity/DatanetReference.sol` (`postReport` is sent
    /// as the attestor kit encodes it), and its errors.
    #[derive(Debug)]
    interface IDatanetReference {
        function configureDatanet(uint256 datasetId, uint64 splitId, uint32 vetoWindow, uint32 versions) external;
        function setEvaluator(uint256 datasetId, address evaluator, bool allowed) external;
        function activateReport(uint256 datasetId) external returns (uint32 version);
        function pendingReport(uint256 datasetId) external view returns (bytes32 root, uint64 total, uint64 vetoEndsAt, bytes32 digest);
        function epochSplitVersion(uint256 datasetId, uint64 epoch) external view returns (uint32 version);

        error NotOwner();
        error InvalidConfiguration();
        error DatanetNotOpen(uint256 datasetId);
        error ReportExpired(uint256 datasetId, uint64 deadline);
        error WrongEpoch(uint256 datasetId, uint64 epoch, uint64 expected);
        error ReportPending(uint256 datasetId, uint64 epoch);
        error InvalidReport(uint256 datasetId);
        error UnknownDatasetVersion(uint256 datasetId, uint256 version);
        error InvalidSignature();
        error NotEvaluator(uint256 datasetId, address account);
        error ReportAlreadyVetoed(bytes32 digest);
        error NoPendingReport(uint256 datasetId);
        error VetoWindowClosed(uint256 datasetId, uint64 endsAt);
        error VetoWindowOpen(uint256 datasetId, uint64 endsAt);
    }
}

use IUsageReference::{IUsageReferenceErrors, Receipt};

/// The compiled reference contracts.
#[derive(Debug, Clone)]
pub struct Artifacts {
    /// `UsageReference` (bench/solidity/UsageReference.sol).
    pub usage: Artifact,
    /// `SplitReference` (bench/solidity/SplitReference.sol).
    pub split: Artifact,
    /// `LicenseReference` (bench/solidity/LicenseReference.sol).
    pub license: Artifact,
    /// `MerkleSplitReference` (bench/solidity/MerkleSplitReference.sol).
    pub merkle_split: Artifact,
    /// `DatanetReference` (bench/solidity/DatanetReference.sol).
    pub datanet: Artifact,
}

/// The dataset id the reference's licenses are for.
pub const DATASET: u64 = 1;

/// The deployed and set-up reference.
#[derive(Debug, Clone)]
pub struct ReferenceSide {
    /// Its address.
    pub address: Address,
    /// The compiled contract.
    pub artifact: Artifact,
    /// The accounts.
    pub accounts: Accounts,
    /// The split every license pays into.
    pub split: U256,
    /// The [`workload::BILLED_LICENSES`] licenses the batches bill, funded.
    pub licenses: Vec<U256>,
    /// A license whose escrow is still empty (the `fundEscrow` row funds it).
    pub unfunded: U256,
    /// Chain id (EIP-712 domain).
    chain_id: u64,
    /// `SplitReference`.
    pub splitter: Address,
    /// `LicenseReference`, paying into `splitter`.
    pub license_book: Address,
    /// The `SplitReference` split licenses are paid into (creator 60 / platform 40, as the
    /// Tributary dataset's).
    pub dataset_split: U256,
    /// `MerkleSplitReference`.
    pub merkle_splitter: Address,
    /// `DatanetReference`, controlling its Datanet's `merkle_splitter` split.
    pub datanets: Address,
}

/// A batch of receipts, its tree and the attestor's signature.
#[derive(Debug, Clone)]
pub struct SignedBatch {
    /// The receipts, in job order (`receipts[i].index == i`).
    pub receipts: Vec<Receipt>,
    /// The tree over their leaves.
    pub tree: MerkleTree,
    /// The signed struct.
    pub batch: Batch,
    /// 65 bytes `r ‖ s ‖ v`.
    pub signature: Bytes,
}

/// `keccak256(keccak256(abi.encode(receipt)))`: the contract's leaf.
pub fn leaf(receipt: &Receipt) -> B256 {
    keccak256(keccak256(receipt.abi_encode()))
}

/// The name of the reference's custom error in `revert` (`0x…` revert data, as
/// `tributary::world::error_name` gives it for errors it does not know), with its arguments.
pub fn error_name(revert: &str) -> String {
    let bytes = revert.parse::<Bytes>().unwrap_or_default();
    if let Ok(decoded) = IUsageReferenceErrors::abi_decode(&bytes, true) {
        return format!("{decoded:?}");
    }
    if let Ok(decoded) =
        IMerkleSplitReference::IMerkleSplitReferenceErrors::abi_decode(&bytes, true)
    {
        return format!("{decoded:?}");
    }
    match IDatanetReference::IDatanetReferenceErrors::abi_decode(&bytes, true) {
        Ok(decoded) => format!("{decoded:?}"),
        Err(_) => revert.to_owned(),
    }
}

/// A refused call of the reference, with its custom error by name.
fn refused(error: WorldError) -> BenchError {
    match error {
        WorldError::Refused { label, error } => {
            BenchError(format!("{label}: refused with {}", error_name(&error)))
        }
        error => error.into(),
    }
}

impl ReferenceSide {
    /// Deploys the `artifacts` from the deployer and sets them up: `attestor` allowed, one
    /// usage split paying the creator, [`workload::BILLED_LICENSES`] licenses for the lab each
    /// funded with [`workload::ESCROW_WEI`], and one unfunded license; the `SplitReference`
    /// split of the dataset (creator 60 / platform 40) the `LicenseReference` is paid into.
    pub async fn deploy<P: Provider>(
        world: &World<P>,
        artifacts: Artifacts,
        accounts: &Accounts,
    ) -> Result<Self, BenchError> {
        let address = deploy_contract(world, accounts.deployer, &artifacts.usage, &[]).await?;
        let splitter = deploy_contract(world, accounts.deployer, &artifacts.split, &[]).await?;
        let license_book = deploy_contract(
            world,
            accounts.deployer,
            &artifacts.license,
            &splitter.abi_encode(),
        )
        .await?;
        let merkle_splitter =
            deploy_contract(world, accounts.deployer, &artifacts.merkle_split, &[]).await?;
        let datanets = deploy_contract(
            world,
            accounts.deployer,
            &artifacts.datanet,
            &merkle_splitter.abi_encode(),
        )
        .await?;
        let artifact = artifacts.usage;
        let chain_id = world
            .chain
            .get_chain_id()
            .await
            .map_err(|e| BenchError(e.to_string()))?;
        let mut side = Self {
            address,
            artifact,
            accounts: accounts.clone(),
            split: U256::ZERO,
            licenses: Vec::new(),
            unfunded: U256::ZERO,
            chain_id,
            splitter,
            license_book,
            dataset_split: U256::ZERO,
            merkle_splitter,
            datanets,
        };
        side.set_up(world).await?;
        let mut weights = [(accounts.creator, 60u64), (accounts.platform, 40)];
        weights.sort_unstable();
        let split = ISplitReference::createSplitCall {
            recipients: weights.iter().map(|(a, _)| *a).collect(),
            shares: weights.iter().map(|(_, w)| U256::from(*w)).collect(),
            controller: Address::ZERO,
        };
        let (split, _) = world
            .returning(
                "createSplit",
                accounts.creator,
                splitter,
                &split,
                U256::ZERO,
            )
            .await
            .map_err(refused)?;
        side.dataset_split = split.splitId;
        Ok(side)
    }

    async fn set_up<P: Provider>(&mut self, world: &World<P>) -> Result<(), BenchError> {
        let Accounts {
            deployer,
            creator,
            lab,
            ref attestor,
            ..
        } = self.accounts;
        let allow = IUsageReference::setAttestorCall {
            attestor: attestor.address(),
            allowed: true,
        };
        self.send(world, "setAttestor", deployer, &allow, U256::ZERO)
            .await?;
        let split = IUsageReference::createSplitCall { payee: creator };
        let (split, _) = world
            .returning("createSplit", deployer, self.address, &split, U256::ZERO)
            .await
            .map_err(refused)?;
        self.split = split.splitId;
        let now = world.now().await?;
        for i in 0..=workload::BILLED_LICENSES {
            let issue = IUsageReference::issueLicenseCall {
                holder: lab,
                datasetId: alloy::primitives::aliases::U48::from(DATASET),
                splitId: alloy::primitives::aliases::U48::from(self.split),
                scope: workload::SCOPE,
                unit: workload::UNIT,
                rate: U96::from(workload::RATE_WEI),
                startsAt: timestamp(now)?,
                expiresAt: timestamp(now + workload::LICENSE_SECONDS)?,
            };
            let (license, _) = world
                .returning("issueLicense", deployer, self.address, &issue, U256::ZERO)
                .await
                .map_err(refused)?;
            if i == workload::BILLED_LICENSES {
                self.unfunded = license.licenseId;
            } else {
                let fund = IUsageReference::fundEscrowCall {
                    licenseId: license.licenseId,
                };
                let value = U256::from(workload::ESCROW_WEI);
                self.send(world, "fundEscrow", lab, &fund, value).await?;
                self.licenses.push(license.licenseId);
            }
        }
        Ok(())
    }

    /// Measures the reference's rows, in this order (later rows see the state earlier ones
    /// leave, as on the Tributary side):
    /// 1. `fundEscrow`: the first funding of a license's escrow;
    /// 2. a batch of [`workload::BILLED_RECEIPTS`] receipts over the funded licenses is anchored
    ///    (`anchorBatch`) and settled in chunks of [`workload::REFERENCE_SETTLE_CHUNK`] receipts
    ///    consecutive in tree order (`billed receipt`: anchor + settles, per receipt);
    /// 3. a second such batch is anchored and one receipt of it settled (`settle 1`; the model's
    ///    `settle 1 inference leaf` row is compared with it too, `Operation::reference`);
    /// 4. `license mint`, the splitter rows, `model token transfer`'s counterpart
    ///    ([`Self::measure_transfer`]), and last the Datanet rows ([`Self::measure_datanet`]).
    ///
    /// Every settlement is checked: one `ReceiptSettled` per receipt, and the split credited
    /// with exactly what the receipts cost.
    pub async fn measure<P: Provider>(
        &self,
        world: &World<P>,
        gas: &mut Measurements,
    ) -> Result<(), BenchError> {
        let fund = IUsageReference::fundEscrowCall {
            licenseId: self.unfunded,
        };
        let lab = self.accounts.lab;
        let value = U256::from(workload::FUND_WEI);
        let (_, step) = self.send(world, "fundEscrow", lab, &fund, value).await?;
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

        let billed = self.sign(&workload::jobs(
            "billed",
            workload::BILLED_RECEIPTS,
            workload::BILLED_LICENSES,
            start,
        ))?;
        let (batch_id, anchor) = self.anchor(world, &billed).await?;
        anatomy::record(
            world,
            gas,
            Operation::AnchorBatch,
            anchor.gas_used,
            (&[anchor.tx], &[], 1),
        )
        .await?;
        let mut total = anchor.gas_used;
        let mut transactions = vec![anchor.tx];
        let order: Vec<usize> = (0..billed.tree.leaf_count()).collect();
        for chunk in order.chunks(workload::REFERENCE_SETTLE_CHUNK) {
            let settle = self.settle(world, batch_id, &billed, chunk).await?;
            total += settle.gas_used;
            transactions.push(settle.tx);
        }
        anatomy::record(
            world,
            gas,
            Operation::BilledReceipt,
            workload::per_receipt(total, billed.receipts.len()),
            (&transactions, &[], billed.receipts.len() as u64),
        )
        .await?;

        let single = self.sign(&workload::jobs(
            "single",
            workload::BILLED_RECEIPTS,
            workload::BILLED_LICENSES,
            start,
        ))?;
        let (batch_id, _) = self.anchor(world, &single).await?;
        let settle = self.settle(world, batch_id, &single, &[0]).await?;
        anatomy::record(
            world,
            gas,
            Operation::SettleOne,
            settle.gas_used,
            (&[settle.tx], &[], 1),
        )
        .await?;

        self.measure_licensing(world, gas).await?;
        self.measure_splits(world, gas).await?;
        self.measure_transfer(world, gas).await?;
        self.measure_datanet(world, gas).await
    }

    /// The Datanet rows' references, as `TributarySide` measures them: a `MerkleSplitReference`
    /// split over the [`workload::datanet`] weights (created by the creator, controlled by
    /// `DatanetReference`) takes two deposits from the lab (the second is `Datanet: deposit`);
    /// the relayer claims for the claimant with its 17-hash proof (`Datanet: claimMerkle`;
    /// checked: a fresh account, paid, registered with its weight); the deployer opens the
    /// Datanet over the split (dataset [`DATASET`], one version) and allows the attestor's key
    /// as evaluator; the kit signs the epoch-1 report for `DatanetReference`'s domain and the
    /// relayer posts it (`Datanet: postReport`; checked: pending with its root); past the veto
    /// window the relayer activates it (`Datanet: activateReport`; checked: the split's version
    /// 2 has the report's root).
    async fn measure_datanet<P: Provider>(
        &self,
        world: &World<P>,
        gas: &mut Measurements,
    ) -> Result<(), BenchError> {
        let Accounts {
            creator,
            lab,
            relayer,
            ..
        } = self.accounts;
        let net = workload::datanet()?;
        let splitter = self.merkle_splitter;
        let datanets = self.datanets;
        let create = IMerkleSplitReference::createMerkleSplitCall {
            root: net.registered.root(),
            totalShares: U256::from(net.registered.total_weight()),
            controller: datanets,
        };
        let (split, _) = world
            .returning("createMerkleSplit", creator, splitter, &create, U256::ZERO)
            .await
            .map_err(refused)?;
        let split = split.splitId;
        let deposit = ISplitReference::depositCall { splitId: split }.abi_encode();
        let value = U256::from(workload::DEPOSIT_WEI);
        world
            .send("deposit (datanet)", lab, splitter, deposit.clone(), value)
            .await
            .map_err(refused)?;
        let (_, step) = world
            .send("deposit again (datanet)", lab, splitter, deposit, value)
            .await
            .map_err(refused)?;
        anatomy::record(
            world,
            gas,
            Operation::DatanetDeposit,
            step.gas_used,
            (&[step.tx], &[], 1),
        )
        .await?;

        let info = IMerkleSplitReference::splitsCall { splitId: split };
        let version = world.view(splitter, &info).await?.version;
        let claim = &net.claim;
        let data = claim_calldata(
            split,
            version,
            claim.contributor,
            U256::from(claim.weight),
            &claim.proof,
            Address::ZERO,
        );
        crate::chain::check_fresh(world, claim.contributor).await?;
        let (_, step) = world
            .send("claimMerkle", relayer, splitter, data.to_vec(), U256::ZERO)
            .await
            .map_err(refused)?;
        crate::chain::check_paid(world, claim.contributor).await?;
        let member = IMerkleSplitReference::membersCall {
            splitId: split,
            version,
            member: claim.contributor,
        };
        let registered = world.view(splitter, &member).await?.shares;
        if registered != claim.weight {
            return Err(BenchError(format!(
                "MerkleSplitReference: claimMerkle registered {} with {registered} shares, its \
                 leaf has {}",
                claim.contributor, claim.weight
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

        self.measure_datanet_reports(world, gas, (split, version))
            .await
    }

    /// The report rows of [`Self::measure_datanet`], on the `MerkleSplitReference` split
    /// `split` at `version`.
    async fn measure_datanet_reports<P: Provider>(
        &self,
        world: &World<P>,
        gas: &mut Measurements,
        (split, version): (U256, u32),
    ) -> Result<(), BenchError> {
        let Accounts {
            deployer,
            relayer,
            ref attestor,
            ..
        } = self.accounts;
        let net = workload::datanet()?;
        let (splitter, datanets) = (self.merkle_splitter, self.datanets);
        let dataset = U256::from(DATASET);
        let configure = IDatanetReference::configureDatanetCall {
            datasetId: dataset,
            splitId: u64::try_from(split).map_err(|_| BenchError("split id past 2^64".into()))?,
            vetoWindow: workload::DATANET_VETO_WINDOW,
            versions: 1,
        };
        world
            .send(
                "configureDatanet",
                deployer,
                datanets,
                configure.abi_encode(),
                U256::ZERO,
            )
            .await
            .map_err(refused)?;
        let allow = IDatanetReference::setEvaluatorCall {
            datasetId: dataset,
            evaluator: attestor.address(),
            allowed: true,
        };
        world
            .send(
                "setEvaluator",
                deployer,
                datanets,
                allow.abi_encode(),
                U256::ZERO,
            )
            .await
            .map_err(refused)?;
        let params = workload::datanet_report_params(self.chain_id, datanets, dataset);
        let (report, data) = workload::signed_report(&params, &net.evaluated, attestor)?;
        let (_, step) = world
            .send("postReport", relayer, datanets, data.to_vec(), U256::ZERO)
            .await
            .map_err(refused)?;
        let pending = IDatanetReference::pendingReportCall { datasetId: dataset };
        let pending = world.view(datanets, &pending).await?;
        if pending.root != report.weightsRoot || U256::from(pending.total) != report.totalWeight {
            return Err(BenchError(format!(
                "DatanetReference: the pending report has root {} and total {}, the report {} \
                 and {}",
                pending.root, pending.total, report.weightsRoot, report.totalWeight
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
        let activate = IDatanetReference::activateReportCall { datasetId: dataset };
        let (opened, step) = world
            .returning("activateReport", relayer, datanets, &activate, U256::ZERO)
            .await
            .map_err(refused)?;
        let info = IMerkleSplitReference::splitsCall { splitId: split };
        let current = world.view(splitter, &info).await?.version;
        let roots = IMerkleSplitReference::merkleRootsCall {
            splitId: split,
            version: current,
        };
        let root = world.view(splitter, &roots).await?.root;
        if opened.version != version + 1 || current != version + 1 || root != report.weightsRoot {
            return Err(BenchError(format!(
                "DatanetReference: activateReport opened version {} (the split is at {current}) \
                 with root {root}; expected version {} with root {}",
                opened.version,
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

    /// `model token transfer`'s reference: `transferFrom` of the minimal ERC-721 of
    /// `LicenseReference.sol`. The developer, who holds no license yet, mints one from a new
    /// offer and transfers it to the buyer, who holds none, as Tributary's developer holds the
    /// one model token and the buyer none.
    async fn measure_transfer<P: Provider>(
        &self,
        world: &World<P>,
        gas: &mut Measurements,
    ) -> Result<(), BenchError> {
        let Accounts {
            creator,
            developer,
            buyer,
            ..
        } = self.accounts;
        let book = self.license_book;
        let price = crate::tributary_side::LICENSE_PRICE_WEI;
        let offer = ILicenseReference::createOfferCall {
            splitId: u64::try_from(self.dataset_split)
                .map_err(|_| BenchError("split id past 2^64".into()))?,
            price,
            duration: workload::LICENSE_SECONDS,
            maxSupply: 0,
            scope: U256::from(workload::SCOPE),
            termsHash: keccak256("bench terms 3"),
        };
        let (offer, _) = world
            .returning("createOffer", creator, book, &offer, U256::ZERO)
            .await
            .map_err(refused)?;
        for holder in [developer, buyer] {
            let held = ILicenseReference::balanceOfCall { owner: holder };
            if !world.view(book, &held).await?._0.is_zero() {
                return Err(BenchError(format!(
                    "LicenseReference: {holder} should hold no license before the transfer row"
                )));
            }
        }
        let mint = ILicenseReference::mintCall {
            offerId: offer.offerId,
            to: developer,
            maxPrice: U256::from(price),
        };
        let (token, _) = world
            .returning("mint", developer, book, &mint, U256::from(price))
            .await
            .map_err(refused)?;
        let transfer = ILicenseReference::transferFromCall {
            from: developer,
            to: buyer,
            tokenId: token.tokenId,
        };
        let (_, step) = world
            .send(
                "transferFrom",
                developer,
                book,
                transfer.abi_encode(),
                U256::ZERO,
            )
            .await
            .map_err(refused)?;
        let owner = ILicenseReference::ownerOfCall {
            tokenId: token.tokenId,
        };
        let holder = world.view(book, &owner).await?.holder;
        if holder != buyer {
            return Err(BenchError(format!(
                "LicenseReference: token {} is held by {holder} after its transfer to {buyer}",
                token.tokenId
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

    /// `license mint`: the second mint of a new offer whose price goes into the dataset's
    /// split. The offer's creation is not a row of the reference (its offer book checks no
    /// registry: not the same job as Tributary's `createOffer`).
    async fn measure_licensing<P: Provider>(
        &self,
        world: &World<P>,
        gas: &mut Measurements,
    ) -> Result<(), BenchError> {
        let Accounts { creator, lab, .. } = self.accounts;
        let price = crate::tributary_side::LICENSE_PRICE_WEI;
        let offer = ILicenseReference::createOfferCall {
            splitId: u64::try_from(self.dataset_split)
                .map_err(|_| BenchError("split id past 2^64".into()))?,
            price,
            duration: workload::LICENSE_SECONDS,
            maxSupply: 0,
            scope: U256::from(workload::SCOPE),
            termsHash: keccak256("bench terms 2"),
        };
        let book = self.license_book;
        let (offer, _) = world
            .returning("createOffer", creator, book, &offer, U256::ZERO)
            .await
            .map_err(refused)?;
        let mint = ILicenseReference::mintCall {
            offerId: offer.offerId,
            to: lab,
            maxPrice: U256::from(price),
        };
        let value = U256::from(price);
        world
            .returning("mint", lab, book, &mint, value)
            .await
            .map_err(refused)?;
        let (token, step) = world
            .returning("mint again", lab, book, &mint, value)
            .await
            .map_err(refused)?;
        let valid = ILicenseReference::isValidCall {
            tokenId: token.tokenId,
        };
        if !world.view(book, &valid).await?._0 {
            return Err(BenchError(format!(
                "LicenseReference: license {} is not valid after its mint",
                token.tokenId
            )));
        }
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

    /// The splitter's rows, as `TributarySide` measures them on Tributary's splitter.
    async fn measure_splits<P: Provider>(
        &self,
        world: &World<P>,
        gas: &mut Measurements,
    ) -> Result<(), BenchError> {
        let Accounts { creator, lab, .. } = self.accounts;
        let splitter = self.splitter;
        let create = |recipients: Vec<Address>| ISplitReference::createSplitCall {
            shares: workload::shares(recipients.len()),
            recipients,
            controller: Address::ZERO,
        };
        let recipients = workload::deposit_recipients(&self.accounts, "reference");
        let fresh = recipients.fresh;
        let (split, _) = world
            .returning(
                "createSplit",
                creator,
                splitter,
                &create(recipients.sorted),
                U256::ZERO,
            )
            .await
            .map_err(refused)?;
        let split = split.splitId;
        let deposit = ISplitReference::depositCall { splitId: split }.abi_encode();
        let value = U256::from(workload::DEPOSIT_WEI);
        world
            .send("deposit", lab, splitter, deposit.clone(), value)
            .await
            .map_err(refused)?;
        let (_, step) = world
            .send("deposit again", lab, splitter, deposit, value)
            .await
            .map_err(refused)?;
        anatomy::record(
            world,
            gas,
            Operation::SplitDeposit,
            step.gas_used,
            (&[step.tx], &[], 1),
        )
        .await?;

        let info = ISplitReference::splitsCall { splitId: split };
        let version = world.view(splitter, &info).await?.version;
        let withdraw = ISplitReference::withdrawCall {
            splitId: split,
            version,
            recipient: fresh,
        };
        crate::chain::check_fresh(world, fresh).await?;
        let (_, step) = world
            .send("withdraw", lab, splitter, withdraw.abi_encode(), U256::ZERO)
            .await
            .map_err(refused)?;
        crate::chain::check_paid(world, fresh).await?;
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
                &create(workload::split_recipients("reference", few)),
                U256::ZERO,
            )
            .await
            .map_err(refused)?;
        let (_, large) = world
            .returning(
                "createSplit many",
                creator,
                splitter,
                &create(workload::split_recipients("reference", many)),
                U256::ZERO,
            )
            .await
            .map_err(refused)?;
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

    /// The receipts of `jobs` on this side's licenses, their tree and the attestor's signature.
    pub fn sign(&self, jobs: &[Job]) -> Result<SignedBatch, BenchError> {
        self.sign_receipts(self.receipts(jobs), &self.accounts.attestor)
    }

    /// The reference's receipts of `jobs` on this side's licenses.
    pub fn receipts(&self, jobs: &[Job]) -> Vec<Receipt> {
        jobs.iter()
            .map(|job| Receipt {
                index: job.index,
                jobId: job.job_id,
                licenseId: self.licenses[job.license],
                assetId: U256::from(DATASET),
                modelHash: job.model_hash,
                scope: U256::from(workload::SCOPE),
                unit: workload::UNIT,
                units: U256::from(job.units),
                timestamp: job.timestamp,
            })
            .collect()
    }

    /// `receipts`, their tree and `signer`'s signature of the batch, whose period starts at the
    /// earliest receipt.
    pub fn sign_receipts(
        &self,
        receipts: Vec<Receipt>,
        signer: &PrivateKeySigner,
    ) -> Result<SignedBatch, BenchError> {
        let leaves: Vec<B256> = receipts.iter().map(leaf).collect();
        let tree = MerkleTree::new(&leaves).map_err(|e| BenchError(e.to_string()))?;
        let first = receipts
            .iter()
            .map(|r| r.timestamp)
            .min()
            .unwrap_or_default();
        let (period_start, period_end) = workload::period(first);
        let total: U256 = receipts.iter().map(|r| r.units).sum();
        let batch = Batch {
            root: tree.root(),
            receiptCount: u32::try_from(receipts.len())
                .map_err(|_| BenchError("too many receipts".into()))?,
            totalUnits: U96::from(total),
            periodStart: timestamp(period_start)?,
            periodEnd: timestamp(period_end)?,
        };
        let domain = eip712_domain! {
            name: "UsageReference",
            version: "1",
            chain_id: self.chain_id,
            verifying_contract: self.address,
        };
        let signature = signer
            .sign_hash_sync(&batch.eip712_signing_hash(&domain))
            .map_err(|e| BenchError(format!("signing: {e}")))?;
        let signature = signature.normalize_s().unwrap_or(signature);
        Ok(SignedBatch {
            receipts,
            tree,
            batch,
            signature: Bytes::copy_from_slice(&signature.as_bytes()),
        })
    }

    /// Anchors `signed` from the relayer; returns the batch id and the step.
    pub async fn anchor<P: Provider>(
        &self,
        world: &World<P>,
        signed: &SignedBatch,
    ) -> Result<(B256, Step), BenchError> {
        let Batch {
            root,
            receiptCount,
            totalUnits,
            periodStart,
            periodEnd,
        } = signed.batch;
        let call = IUsageReference::anchorBatchCall {
            root,
            receiptCount,
            totalUnits,
            periodStart,
            periodEnd,
            signature: signed.signature.clone(),
        };
        let relayer = self.accounts.relayer;
        let (id, step) = world
            .returning("anchorBatch", relayer, self.address, &call, U256::ZERO)
            .await
            .map_err(refused)?;
        Ok((id.batchId, step))
    }

    /// The `settle` of the receipts at tree positions `positions` of `signed`, with one
    /// multiproof (the receipts in the order it consumes them), and what they cost.
    pub fn settle_call(
        batch_id: B256,
        signed: &SignedBatch,
        positions: &[usize],
    ) -> Result<(IUsageReference::settleCall, U256), BenchError> {
        let multiproof = signed
            .tree
            .multiproof(positions)
            .map_err(|e| BenchError(e.to_string()))?;
        let by_leaf: HashMap<B256, &Receipt> =
            signed.receipts.iter().map(|r| (leaf(r), r)).collect();
        let receipts: Vec<Receipt> = multiproof
            .leaves
            .iter()
            .map(|l| by_leaf[l].clone())
            .collect();
        let fees: U256 = receipts
            .iter()
            .map(|r| r.units * U256::from(workload::RATE_WEI))
            .sum();
        let call = IUsageReference::settleCall {
            batchId: batch_id,
            receipts,
            proof: multiproof.proof,
            proofFlags: multiproof.flags,
        };
        Ok((call, fees))
    }

    /// Settles the receipts at tree positions `positions` of `signed` from the relayer, and
    /// checks that each was billed and the split credited with exactly their fees.
    pub async fn settle<P: Provider>(
        &self,
        world: &World<P>,
        batch_id: B256,
        signed: &SignedBatch,
        positions: &[usize],
    ) -> Result<Step, BenchError> {
        let (call, fees) = Self::settle_call(batch_id, signed, positions)?;
        let before = self.split_balance(world).await?;
        let (receipt, step) = self
            .send(world, "settle", self.accounts.relayer, &call, U256::ZERO)
            .await?;
        let settled = settled_events(&receipt);
        if settled != positions.len() {
            return Err(BenchError(format!(
                "settle of {} receipts emitted {settled} ReceiptSettled",
                positions.len()
            )));
        }
        let credited = self.split_balance(world).await? - before;
        if credited != fees {
            return Err(BenchError(format!(
                "settle credited {credited} wei to the split, the receipts cost {fees}"
            )));
        }
        Ok(step)
    }

    /// The balance of the split every license pays into.
    pub async fn split_balance<P: Provider>(&self, world: &World<P>) -> Result<U256, BenchError> {
        let call = IUsageReference::splitBalanceCall {
            splitId: self.split,
        };
        Ok(world.view(self.address, &call).await?._0)
    }

    async fn send<P: Provider, C: alloy::sol_types::SolCall>(
        &self,
        world: &World<P>,
        label: &str,
        from: Address,
        call: &C,
        value: U256,
    ) -> Result<(TransactionReceipt, Step), BenchError> {
        world
            .send(label, from, self.address, SolCall::abi_encode(call), value)
            .await
            .map_err(refused)
    }
}

/// Deploys `artifact` from `from` with the ABI-encoded constructor `arguments`.
async fn deploy_contract<P: Provider>(
    world: &World<P>,
    from: Address,
    artifact: &Artifact,
    arguments: &[u8],
) -> Result<Address, BenchError> {
    let mut code = artifact.bytecode.to_vec();
    code.extend_from_slice(arguments);
    let create = TransactionRequest::default()
        .with_from(from)
        .with_deploy_code(Bytes::from(code));
    let label = format!("deploy {}", artifact.contract);
    let (receipt, _) = deploy::send(&world.chain, &label, create)
        .await
        .map_err(|e| BenchError(e.to_string()))?;
    receipt
        .contract_address
        .ok_or_else(|| BenchError(format!("{label} created no contract")))
}

/// `ReceiptSettled` events in `receipt`.
fn settled_events(receipt: &TransactionReceipt) -> usize {
    receipt
        .inner
        .logs()
        .iter()
        .filter(|log| {
            log.topics().first() == Some(&IUsageReference::ReceiptSettled::SIGNATURE_HASH)
        })
        .count()
}

/// A unix time as the reference's `uint32` timestamps.
fn timestamp(seconds: u64) -> Result<u32, BenchError> {
    u32::try_from(seconds).map_err(|_| BenchError(format!("timestamp {seconds} past 2106")))
}
