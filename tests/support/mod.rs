//! Shared set-up for the end-to-end tests: a fresh devnode per test and the contracts built by
//! `cargo run -p tributary -- build` (which `scripts/test.sh` runs before the tests).

// A fixture: every panic is a failed set-up step of the test that called it.
#![allow(clippy::missing_panics_doc)]

use alloy::signers::local::PrivateKeySigner;
use tributary::deploy::Programs;
use tributary_devnode::rpc::{self, genesis, RunningServer, ServerConfig};

/// The built programs from `target/stylus`.
///
/// # Panics
/// If the contracts have not been built: run `cargo run -p tributary -- build` first.
pub fn programs() -> Programs {
    tributary::deploy::command::programs(true).unwrap_or_else(|e| {
        panic!("contracts not built ({e}); run `cargo run -p tributary -- build` first")
    })
}

/// A fresh in-process devnode on a free port.
///
/// # Panics
/// If the server cannot start.
pub async fn devnode() -> RunningServer {
    let config = ServerConfig {
        addr: ([127, 0, 0, 1], 0).into(),
        log_transactions: false,
        ..ServerConfig::default()
    };
    rpc::start(config).await.expect("devnode starts")
}

/// The devnode's funded accounts (nitro-devnode's key first).
pub fn signers() -> Vec<PrivateKeySigner> {
    genesis::dev_signers()
}

use std::collections::BTreeMap;

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{keccak256, Address, Bytes, U256},
    providers::{Provider, ProviderBuilder},
    rpc::types::{TransactionReceipt, TransactionRequest},
    sol_types::{SolCall, SolInterface},
};
use tributary::{
    contracts_abi::{
        attribution_registry::IAttributionRegistry, license_nft::ILicenseNft,
        license_offers::ILicenseOffers, revenue_router::IRevenueRouter,
        royalty_splitter::IRoyaltySplitter, usage_anchor::IUsageAnchor, usage_escrow::IUsageEscrow,
    },
    deploy::{deploy_all, Deployment, UsageParameters},
};

/// Decodes `revert` data into the custom error's name, trying every contract's errors.
pub fn error_name(revert: &[u8]) -> String {
    fn name<E: SolInterface + std::fmt::Debug>(revert: &[u8]) -> Option<String> {
        let e = E::abi_decode(revert, true).ok()?;
        let debug = format!("{e:?}");
        Some(
            debug
                .split(['(', ' ', '{'])
                .next()
                .unwrap_or_default()
                .to_owned(),
        )
    }
    name::<IUsageAnchor::IUsageAnchorErrors>(revert)
        .or_else(|| name::<IUsageEscrow::IUsageEscrowErrors>(revert))
        .or_else(|| name::<ILicenseOffers::ILicenseOffersErrors>(revert))
        .or_else(|| name::<ILicenseNft::ILicenseNftErrors>(revert))
        .or_else(|| name::<IAttributionRegistry::IAttributionRegistryErrors>(revert))
        .or_else(|| name::<IRevenueRouter::IRevenueRouterErrors>(revert))
        .or_else(|| name::<IRoyaltySplitter::IRoyaltySplitterErrors>(revert))
        .unwrap_or_else(|| format!("0x{}", alloy::primitives::hex::encode(revert)))
}

/// A deployed system with a registered dataset, on a fresh devnode.
pub struct World<P> {
    /// The devnode (stopped on drop of the runtime).
    pub server: RunningServer,
    /// Provider with every dev account's key.
    pub chain: P,
    /// The deployment.
    pub deployment: Deployment,
    /// Dev accounts: 0 deployer (owner, arbiter), 1 creator, 2 platform, 3 lab, 4 provider,
    /// 5 stranger, 6 other.
    pub accounts: Vec<Address>,
    /// The dataset (creator 60 / platform 40).
    pub dataset_id: U256,
    /// Its split.
    pub dataset_split: U256,
}

/// Deploys everything on a fresh devnode and registers one dataset.
///
/// # Panics
/// On any failure: this is test set-up.
pub async fn world() -> World<impl Provider> {
    let server = devnode().await;
    let signers = signers();
    let mut wallet = EthereumWallet::from(signers[0].clone());
    for s in &signers {
        wallet.register_signer(s.clone());
    }
    let chain = ProviderBuilder::new()
        .wallet(wallet)
        .on_http(server.url().parse().expect("url"));
    let accounts: Vec<Address> = signers.iter().map(PrivateKeySigner::address).collect();
    let parameters = UsageParameters {
        challenge_window: 3600,
        ..UsageParameters::default()
    };
    let deployment = deploy_all(&chain, accounts[0], &programs(), parameters, |_| {})
        .await
        .expect("deploys");
    let mut world = World {
        server,
        chain,
        deployment,
        accounts,
        dataset_id: U256::ZERO,
        dataset_split: U256::ZERO,
    };
    let (creator, platform) = (world.accounts[1], world.accounts[2]);
    let mut contributors = [(creator, 60u64), (platform, 40)];
    contributors.sort_by_key(|(a, _)| *a);
    let register = IAttributionRegistry::registerDatasetCall {
        content_hash: keccak256("e2e dataset"),
        uri: "ipfs://e2e".into(),
        contributors: contributors.iter().map(|(a, _)| *a).collect(),
        weights: contributors.iter().map(|(_, w)| U256::from(*w)).collect(),
    };
    let registry = world.at("attribution_registry");
    world.dataset_id = world
        .returning(creator, registry, &register, U256::ZERO)
        .await
        ._0;
    world.dataset_split = world
        .view(
            registry,
            &IAttributionRegistry::datasetSplitCall {
                dataset_id: world.dataset_id,
            },
        )
        .await
        ._0;
    world
}

impl<P: Provider> World<P> {
    /// Address of contract `dir`.
    pub fn at(&self, dir: &str) -> Address {
        self.deployment
            .address(dir)
            .unwrap_or_else(|| panic!("no {dir}"))
    }

    /// Sends a call; `Err(error name)` if it would revert.
    pub async fn send(
        &self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        value: U256,
    ) -> Result<TransactionReceipt, String> {
        let request = TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_input(data)
            .with_value(value);
        if let Err(e) = self.chain.call(&request).await {
            let revert = e
                .as_error_resp()
                .and_then(|r| r.data.as_ref())
                .and_then(|d| serde_json::from_str::<Bytes>(d.get()).ok())
                .unwrap_or_default();
            return Err(error_name(&revert));
        }
        let receipt = self
            .chain
            .send_transaction(request)
            .await
            .expect("sent")
            .get_receipt()
            .await
            .expect("mined");
        assert!(
            receipt.status(),
            "simulated call succeeded but the transaction reverted"
        );
        Ok(receipt)
    }

    /// Sends a call that must succeed and returns what it returned.
    pub async fn returning<C: SolCall>(
        &self,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> C::Return {
        let request = TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_input(call.abi_encode())
            .with_value(value);
        let out = self.chain.call(&request).await.expect("call succeeds");
        let ret = C::abi_decode_returns(&out, true).expect("decodes");
        self.send(from, to, call.abi_encode(), value)
            .await
            .expect("sends");
        ret
    }

    /// A view call.
    pub async fn view<C: SolCall>(&self, to: Address, call: &C) -> C::Return {
        let request = TransactionRequest::default()
            .with_to(to)
            .with_input(call.abi_encode());
        let out = self.chain.call(&request).await.expect("view succeeds");
        C::abi_decode_returns(&out, true).expect("decodes")
    }

    /// Moves the clock forward and mines a block; returns the new timestamp.
    pub async fn travel(&self, seconds: u64) -> u64 {
        let _: serde_json::Value = self
            .chain
            .raw_request("evm_increaseTime".into(), (seconds,))
            .await
            .expect("travel");
        let _: serde_json::Value = self
            .chain
            .raw_request("evm_mine".into(), ())
            .await
            .expect("mine");
        self.now().await
    }

    /// Timestamp of the head block.
    pub async fn now(&self) -> u64 {
        self.chain
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest, false.into())
            .await
            .expect("block")
            .expect("head")
            .header
            .timestamp
    }

    /// Creates an offer on the dataset (by the creator) with `scope`, `duration` seconds,
    /// `price` and per-sample `rate`; returns its id.
    pub async fn offer(&self, scope: u64, duration: u64, price: U256, rate: U256) -> U256 {
        let terms = ILicenseOffers::LicenseTerms {
            datasetId: self.dataset_id,
            scope: U256::from(scope),
            duration,
            paymentToken: Address::ZERO,
            price,
            usageUnit: 0,
            usageRate: rate,
            tierThresholds: vec![U256::ZERO],
            tierBps: vec![700],
            maxSupply: 0,
            transferable: true,
            rentable: false,
            resaleRoyaltyBps: 0,
            arbiter: self.accounts[2],
            termsHash: keccak256("e2e terms"),
            termsUri: "ipfs://e2e-terms".into(),
        };
        self.returning(
            self.accounts[1],
            self.at("license_offers"),
            &ILicenseOffers::createOfferCall { terms },
            U256::ZERO,
        )
        .await
        ._0
    }

    /// Mints a license of `offer` to `to`, paying `price`; returns the token id.
    pub async fn mint(&self, offer: U256, to: Address, price: U256) -> U256 {
        let call = ILicenseOffers::mintCall {
            offer_id: offer,
            to,
            max_price: price,
        };
        self.returning(to, self.at("license_offers"), &call, price)
            .await
            ._0
    }

    /// Registers a model on the dataset under `license`, from `from`.
    pub async fn register_model(
        &self,
        from: Address,
        license: U256,
    ) -> Result<TransactionReceipt, String> {
        let call = IAttributionRegistry::registerModelCall {
            model_hash: keccak256(format!("model of {from} under {license}")),
            uri: "ipfs://model".into(),
            parent_datasets: vec![self.dataset_id],
            dataset_weights: vec![U256::from(10_000)],
            parent_licenses: vec![license],
            parent_models: vec![],
            model_weights: vec![],
            contributors: vec![from],
            shares: vec![U256::from(1)],
        };
        self.send(
            from,
            self.at("attribution_registry"),
            call.abi_encode(),
            U256::ZERO,
        )
        .await
    }

    /// `isValid(token, scope)` on the license contract.
    pub async fn is_valid(&self, token: U256, scope: u64) -> bool {
        self.view(
            self.at("license_nft"),
            &ILicenseNft::isValidCall {
                token_id: token,
                scope: U256::from(scope),
            },
        )
        .await
        ._0
    }

    /// Addresses of every contract, by name.
    pub fn contracts(&self) -> BTreeMap<String, Address> {
        self.deployment
            .contracts
            .iter()
            .map(|(k, v)| (k.clone(), v.address))
            .collect()
    }
}
