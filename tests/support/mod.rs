//! Shared set-up for the end-to-end tests: a fresh devnode per test and the contracts built by
//! `cargo run -p tributary -- build` (which `scripts/test.sh` runs before the tests).

// A fixture: every panic is a failed set-up step of the test that called it.
#![allow(clippy::missing_panics_doc)]

use std::ops::Deref;

use alloy::{
    primitives::{Address, U256},
    providers::Provider,
    rpc::types::TransactionReceipt,
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};
use tributary_devnode::rpc::{self, genesis, RunningServer, ServerConfig};
use tributary_kit::{
    contracts::Contract,
    contracts_abi::{license_nft::ILicenseNft, license_offers::ILicenseOffers},
    deploy::{Programs, UsageParameters},
    world::{self, eth_terms, model_call, WorldError},
};

pub mod usage;

/// The built programs from `target/stylus`.
///
/// # Panics
/// If the contracts have not been built: run `cargo run -p tributary -- build` first.
pub fn programs() -> Programs {
    tributary_kit::deploy::command::programs(true).unwrap_or_else(|e| {
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

/// A deployed system with a registered dataset, on a fresh devnode: the CLI's
/// [`world::World`] (its fields and methods are reachable through `Deref`) with the
/// tests' accounts, and helpers that panic instead of returning errors.
pub struct World<P> {
    /// The devnode (stopped on drop of the runtime).
    pub server: RunningServer,
    deployed: world::World<P>,
    /// Dev accounts: 0 deployer (owner, arbiter), 1 creator, 2 platform, 3 lab, 4 provider,
    /// 5 stranger, 6 other.
    pub accounts: Vec<Address>,
    /// The dataset (creator 60 / platform 40).
    pub dataset_id: U256,
    /// Its split.
    pub dataset_split: U256,
}

impl<P> Deref for World<P> {
    type Target = world::World<P>;

    fn deref(&self) -> &Self::Target {
        &self.deployed
    }
}

/// Deploys everything on a fresh devnode and registers one dataset.
///
/// # Panics
/// On any failure: this is test set-up.
pub async fn world() -> World<impl Provider> {
    let server = devnode().await;
    let signers = signers();
    let chain = world::connect(&server.url(), &signers).unwrap_or_else(|e| panic!("{e}"));
    let accounts: Vec<Address> = signers.iter().map(PrivateKeySigner::address).collect();
    let parameters = UsageParameters {
        challenge_window: 3600,
        ..UsageParameters::default()
    };
    let deployed = world::World::deploy(chain, accounts[0], &programs(), parameters, |_| {})
        .await
        .unwrap_or_else(|e| panic!("deploys: {e}"));
    let (creator, platform) = (accounts[1], accounts[2]);
    let (dataset, _) = deployed
        .register_dataset(
            creator,
            "e2e dataset",
            "ipfs://e2e",
            &[(creator, 60), (platform, 40)],
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    World {
        server,
        deployed,
        accounts,
        dataset_id: dataset.id,
        dataset_split: dataset.split,
    }
}

impl<P: Provider> World<P> {
    /// Address of `contract` in this deployment.
    pub fn at(&self, contract: Contract) -> Address {
        self.deployed.at(contract)
    }

    /// Sends a call; `Err(error name)` if it would revert.
    pub async fn send(
        &self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        value: U256,
    ) -> Result<TransactionReceipt, String> {
        match self.deployed.send("send", from, to, data, value).await {
            Ok((receipt, _)) => Ok(receipt),
            Err(WorldError::Refused { error, .. }) => Err(error),
            Err(e) => panic!("{e}"),
        }
    }

    /// Sends a call that must succeed and returns what it returned.
    pub async fn returning<C: SolCall>(
        &self,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> C::Return {
        let label = C::SIGNATURE;
        let returned = self.deployed.returning(label, from, to, call, value).await;
        returned.unwrap_or_else(|e| panic!("{e}")).0
    }

    /// A view call.
    pub async fn view<C: SolCall>(&self, to: Address, call: &C) -> C::Return {
        self.deployed
            .view(to, call)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Moves the clock forward and mines a block; returns the new timestamp.
    pub async fn travel(&self, seconds: u64) -> u64 {
        self.deployed
            .travel(seconds)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Timestamp of the head block.
    pub async fn now(&self) -> u64 {
        self.deployed.now().await.unwrap_or_else(|e| panic!("{e}"))
    }

    /// Creates an offer on the dataset (by the creator) with `scope`, `duration` seconds,
    /// `price` and per-sample `rate`; returns its id.
    pub async fn offer(&self, scope: u64, duration: u64, price: U256, rate: U256) -> U256 {
        let terms = ILicenseOffers::LicenseTerms {
            scope: U256::from(scope),
            duration,
            price,
            usageRate: rate,
            tierBps: vec![700],
            ..eth_terms(
                self.dataset_id,
                self.accounts[2],
                "e2e terms",
                "ipfs://e2e-terms",
            )
        };
        self.returning(
            self.accounts[1],
            self.deployed.at(Contract::LicenseOffers),
            &ILicenseOffers::createOfferCall { terms },
            U256::ZERO,
        )
        .await
        ._0
    }

    /// Mints a license of `offer` to `to`, paying `price`; returns the token id.
    pub async fn mint(&self, offer: U256, to: Address, price: U256) -> U256 {
        let minted = self.deployed.mint("mint", offer, to, price).await;
        minted.unwrap_or_else(|e| panic!("{e}")).0
    }

    /// Registers a model on the dataset under `license`, from `from`.
    pub async fn register_model(
        &self,
        from: Address,
        license: U256,
    ) -> Result<TransactionReceipt, String> {
        let call = model_call(
            &format!("model of {from} under {license}"),
            "ipfs://model",
            self.dataset_id,
            license,
            from,
        );
        let registry = self.deployed.at(Contract::AttributionRegistry);
        self.send(from, registry, call.abi_encode(), U256::ZERO)
            .await
    }

    /// `isValid(token, scope)` on the license contract.
    pub async fn is_valid(&self, token: U256, scope: u64) -> bool {
        let call = ILicenseNft::isValidCall {
            token_id: token,
            scope: U256::from(scope),
        };
        self.view(self.deployed.at(Contract::LicenseNft), &call)
            .await
            ._0
    }
}
