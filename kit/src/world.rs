//! A deployed Tributary system on a chain, and the transaction helpers that drive it: what
//! `tributary demo` plays the case study with and what the end-to-end tests build their
//! fixture on.
//!
//! Every call a [`World`] sends is simulated first (`eth_call` on the pending state), so a
//! refusal comes back as the contract's custom error by name ([`WorldError::Refused`]) instead
//! of as a mined, reverted transaction.

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{keccak256, Address, Bytes, B256, U256},
    providers::{Provider, ProviderBuilder},
    rpc::types::{TransactionReceipt, TransactionRequest},
    signers::local::PrivateKeySigner,
    sol_types::{SolCall, SolInterface},
    transports::TransportError,
};

use crate::{
    contracts::Contract,
    contracts_abi::{
        attribution_registry::IAttributionRegistry, license_nft::ILicenseNft,
        license_offers::ILicenseOffers, revenue_router::IRevenueRouter,
        royalty_splitter::IRoyaltySplitter, usage_anchor::IUsageAnchor, usage_escrow::IUsageEscrow,
    },
    deploy::{self, deploy_all, DeployError, Deployment, Programs, Step, UsageParameters},
};

/// Why a step of a [`World`] failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorldError {
    /// The chain could not be reached or answered with an error.
    Rpc(String),
    /// Deploying or sending failed (see [`DeployError`]).
    Deploy(String),
    /// A call that had to succeed would revert.
    Refused {
        /// What the call was for.
        label: String,
        /// The contract's custom error by name (see [`error_name`]).
        error: String,
    },
    /// A call that had to be refused would succeed.
    NotRefused {
        /// What the call was for.
        label: String,
    },
    /// What a call returned does not decode as its ABI says.
    Decode {
        /// What the call was for.
        label: String,
        /// The decoder's complaint.
        error: String,
    },
}

impl std::fmt::Display for WorldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Rpc(e) | Self::Deploy(e) => f.write_str(e),
            Self::Refused { label, error } => write!(f, "{label}: refused with {error}"),
            Self::NotRefused { label } => {
                write!(f, "{label}: expected a refusal, but it would succeed")
            }
            Self::Decode { label, error } => write!(f, "{label}: {error}"),
        }
    }
}

impl std::error::Error for WorldError {}

impl From<DeployError> for WorldError {
    fn from(e: DeployError) -> Self {
        Self::Deploy(e.to_string())
    }
}

fn rpc(e: impl std::fmt::Display) -> WorldError {
    WorldError::Rpc(e.to_string())
}

/// Decodes `revert` data into the custom error's name, trying every contract's errors
/// (`0x…` when none matches). Errors of the same name have the same selector in every
/// contract, so the first match is the name.
pub fn error_name(revert: &[u8]) -> String {
    fn name<E: SolInterface + std::fmt::Debug>(revert: &[u8]) -> Option<String> {
        let e = E::abi_decode(revert, true).ok()?;
        // `Name(Name { .. })`: the variant's name is everything up to the first delimiter.
        let debug = format!("{e:?}");
        debug.split(['(', ' ', '{']).next().map(str::to_owned)
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

/// Why an `eth_call` for `label` failed: [`WorldError::Refused`] with the custom error when the
/// node answered with an error (a revert; `0x` when it carries no data), [`WorldError::Rpc`]
/// when there was no answer.
fn call_failure(label: &str, error: &TransportError) -> WorldError {
    if error.as_error_resp().is_none() {
        return rpc(format!("{label}: {error}"));
    }
    let revert = revert_data(error);
    WorldError::Refused {
        label: label.to_owned(),
        error: error_name(&revert.unwrap_or_default()),
    }
}

/// The revert data an `eth_call` that the node answered with an error carries, if any.
pub fn revert_data(error: &TransportError) -> Option<Bytes> {
    error
        .as_error_resp()?
        .data
        .as_ref()
        .and_then(|d| serde_json::from_str::<Bytes>(d.get()).ok())
}

/// A provider for the chain at `url` that signs for every one of `signers` (the first is the
/// default sender).
pub fn connect(url: &str, signers: &[PrivateKeySigner]) -> Result<impl Provider, WorldError> {
    let [first, rest @ ..] = signers else {
        return Err(WorldError::Rpc("no accounts to sign with".into()));
    };
    let mut wallet = EthereumWallet::from(first.clone());
    for signer in rest {
        wallet.register_signer(signer.clone());
    }
    let url = url
        .parse()
        .map_err(|e| rpc(format!("invalid RPC URL {url}: {e}")))?;
    Ok(ProviderBuilder::new().wallet(wallet).on_http(url))
}

/// A call of `data` with `value` from `from` to `to`.
pub fn request(from: Address, to: Address, data: Vec<u8>, value: U256) -> TransactionRequest {
    TransactionRequest::default()
        .with_from(from)
        .with_to(to)
        .with_input(data)
        .with_value(value)
}

/// The ten contracts deployed and wired on a chain.
#[derive(Debug)]
pub struct World<P> {
    /// Provider that signs for the accounts the world is driven from.
    pub chain: P,
    /// The deployment.
    pub deployment: Deployment,
}

impl<P: Provider> World<P> {
    /// Deploys and wires every contract from `deployer` (see [`deploy_all`]); `on_step` sees
    /// each step as it is mined.
    pub async fn deploy(
        chain: P,
        deployer: Address,
        programs: &Programs,
        parameters: UsageParameters,
        on_step: impl FnMut(&Step),
    ) -> Result<Self, WorldError> {
        let deployment = deploy_all(&chain, deployer, programs, parameters, on_step).await?;
        Ok(Self { chain, deployment })
    }

    /// Address of `contract`.
    pub fn at(&self, contract: Contract) -> Address {
        self.deployment.address(contract)
    }

    /// Sends `data` with `value` from `from` to `to` and waits for it to be mined.
    ///
    /// # Errors
    /// [`WorldError::Refused`] with the custom error if the call would revert (nothing is
    /// sent then).
    pub async fn send(
        &self,
        label: &str,
        from: Address,
        to: Address,
        data: Vec<u8>,
        value: U256,
    ) -> Result<(TransactionReceipt, Step), WorldError> {
        let request = request(from, to, data, value);
        if let Err(e) = self.chain.call(&request).await {
            return Err(call_failure(label, &e));
        }
        Ok(deploy::send(&self.chain, label, request).await?)
    }

    /// Sends `call` and returns what it returned (the value of the simulation that precedes
    /// every send).
    pub async fn returning<C: SolCall>(
        &self,
        label: &str,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> Result<(C::Return, Step), WorldError> {
        let simulated = request(from, to, call.abi_encode(), value);
        let out = self
            .chain
            .call(&simulated)
            .await
            .map_err(|e| call_failure(label, &e))?;
        let returned = C::abi_decode_returns(&out, true).map_err(|e| WorldError::Decode {
            label: label.to_owned(),
            error: e.to_string(),
        })?;
        let (_, step) = self.send(label, from, to, call.abi_encode(), value).await?;
        Ok((returned, step))
    }

    /// What view `call` on `to` returns.
    pub async fn view<C: SolCall>(&self, to: Address, call: &C) -> Result<C::Return, WorldError> {
        let request = TransactionRequest::default()
            .with_to(to)
            .with_input(call.abi_encode());
        let out = self.chain.call(&request).await.map_err(rpc)?;
        C::abi_decode_returns(&out, true).map_err(|e| WorldError::Decode {
            label: C::SIGNATURE.to_owned(),
            error: e.to_string(),
        })
    }

    /// The custom error (by name) that refuses `data` from `from` to `to`; nothing is sent.
    ///
    /// # Errors
    /// [`WorldError::NotRefused`] if the call would succeed.
    pub async fn refusal(
        &self,
        label: &str,
        from: Address,
        to: Address,
        data: Vec<u8>,
    ) -> Result<String, WorldError> {
        let Err(e) = self.chain.call(&request(from, to, data, U256::ZERO)).await else {
            return Err(WorldError::NotRefused {
                label: label.to_owned(),
            });
        };
        match call_failure(label, &e) {
            WorldError::Refused { error, .. } => Ok(error),
            failure => Err(failure),
        }
    }

    /// Moves the clock forward `seconds` and mines a block; returns the new timestamp.
    pub async fn travel(&self, seconds: u64) -> Result<u64, WorldError> {
        let _: serde_json::Value = self
            .chain
            .raw_request("evm_increaseTime".into(), (seconds,))
            .await
            .map_err(rpc)?;
        let _: serde_json::Value = self
            .chain
            .raw_request("evm_mine".into(), ())
            .await
            .map_err(rpc)?;
        self.now().await
    }

    /// The calldata of the mined or pending transaction `hash` (e.g. to send it again).
    pub async fn transaction_input(&self, hash: B256) -> Result<Bytes, WorldError> {
        use alloy::consensus::Transaction as _;
        let tx = self
            .chain
            .get_transaction_by_hash(hash)
            .await
            .map_err(rpc)?
            .ok_or_else(|| rpc(format!("the chain does not know transaction {hash}")))?;
        Ok(tx.input().clone())
    }

    /// Timestamp of the head block.
    pub async fn now(&self) -> Result<u64, WorldError> {
        let block = self
            .chain
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest, false.into())
            .await
            .map_err(rpc)?
            .ok_or_else(|| rpc("the chain has no head block"))?;
        Ok(block.header.timestamp)
    }

    /// Registers a dataset (content hash `keccak256(content)`) from `from`, split by `weights`
    /// (in any order: the registry wants contributors sorted); returns its id, its split and
    /// the step.
    pub async fn register_dataset(
        &self,
        from: Address,
        content: &str,
        uri: &str,
        weights: &[(Address, u64)],
    ) -> Result<(Dataset, Step), WorldError> {
        self.register_dataset_hash(from, keccak256(content), uri, weights)
            .await
    }

    /// [`Self::register_dataset`] with the content hash given (e.g. a directory's, as the
    /// access gateway computes it).
    pub async fn register_dataset_hash(
        &self,
        from: Address,
        content_hash: B256,
        uri: &str,
        weights: &[(Address, u64)],
    ) -> Result<(Dataset, Step), WorldError> {
        let mut weights = weights.to_vec();
        weights.sort_by_key(|(a, _)| *a);
        let register = IAttributionRegistry::registerDatasetCall {
            content_hash,
            uri: uri.into(),
            contributors: weights.iter().map(|(a, _)| *a).collect(),
            weights: weights.iter().map(|(_, w)| U256::from(*w)).collect(),
        };
        let registry = self.at(Contract::AttributionRegistry);
        let (id, step) = self
            .returning("registerDataset", from, registry, &register, U256::ZERO)
            .await?;
        let split = self
            .view(
                registry,
                &IAttributionRegistry::datasetSplitCall { dataset_id: id._0 },
            )
            .await?
            ._0;
        Ok((Dataset { id: id._0, split }, step))
    }

    /// Mints a license of `offer` to `to`, who pays `price`; returns the token id.
    pub async fn mint(
        &self,
        label: &str,
        offer: U256,
        to: Address,
        price: U256,
    ) -> Result<(U256, Step), WorldError> {
        let call = ILicenseOffers::mintCall {
            offer_id: offer,
            to,
            max_price: price,
        };
        let offers = self.at(Contract::LicenseOffers);
        let (token, step) = self.returning(label, to, offers, &call, price).await?;
        Ok((token._0, step))
    }
}

/// A registered dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dataset {
    /// Its id in the registry.
    pub id: U256,
    /// The royalty split its income is paid into.
    pub split: U256,
}

/// License terms for `dataset` paid in ETH, with one royalty tier, no supply cap, transferable
/// and not rentable; set the other fields with struct update syntax.
pub fn eth_terms(
    dataset: U256,
    arbiter: Address,
    terms: &str,
    terms_uri: &str,
) -> ILicenseOffers::LicenseTerms {
    ILicenseOffers::LicenseTerms {
        datasetId: dataset,
        scope: U256::ZERO,
        duration: 0,
        paymentToken: Address::ZERO,
        price: U256::ZERO,
        usageUnit: 0,
        usageRate: U256::ZERO,
        tierThresholds: vec![U256::ZERO],
        tierBps: vec![0],
        maxSupply: 0,
        transferable: true,
        rentable: false,
        resaleRoyaltyBps: 0,
        arbiter,
        termsHash: keccak256(terms),
        termsUri: terms_uri.into(),
    }
}

/// `registerModel` of a model (hash `keccak256(model)`) derived wholly from `dataset` under
/// `license`, all of whose income goes to `owner`.
pub fn model_call(
    model: &str,
    uri: &str,
    dataset: U256,
    license: U256,
    owner: Address,
) -> IAttributionRegistry::registerModelCall {
    IAttributionRegistry::registerModelCall {
        model_hash: keccak256(model),
        uri: uri.into(),
        parent_datasets: vec![dataset],
        dataset_weights: vec![U256::from(10_000)],
        parent_licenses: vec![license],
        parent_models: vec![],
        model_weights: vec![],
        contributors: vec![owner],
        shares: vec![U256::from(1)],
    }
}
