//! `tributary deploy`: puts the ten contracts on any Nitro chain (the devnode,
//! nitro-devnode, Arbitrum Sepolia or One) the way cargo-stylus does, wires them together and
//! records the result in `deployments/<chainId>.json`.
//!
//! Each program goes through StylusDeployer in one transaction: CREATE of the 43-byte prelude
//! plus `EF F0 00 00` + brotli code, `ArbWasm.activateProgram` paying the data fee, and the SDK
//! constructor (`0x5585258d` ‖ ABI-encoded arguments), so nobody can call a constructor in
//! between. The data fee is estimated first with an `eth_call` of `activateProgram` on a scratch
//! address whose code is overridden, and sent with 20 % headroom; StylusDeployer refunds the
//! excess.
//!
//! Deploy order ([`Contract::DEPLOY_ORDER`]) and wiring (each contract's module docs say why;
//! [`constructor_values`] is the one definition of the arguments):
//! 1. `RoyaltySplitter(owner)`
//! 2. `AttributionRegistry(owner, splitter)`
//! 3. `LicenseNft(owner)`
//! 4. `RevenueRouter(registry, licenseNft, splitter)`
//! 5. `LicenseOffers(licenseNft, registry, splitter, router)`
//! 6. `UsageEscrow(owner, licenseNft, splitter, withdrawalDelay, router)`
//! 7. `UsageAnchor(owner, licenseNft, escrow, challengeWindow, minAttestorBond, exitDelay)`
//! 8. `UsageDisputes(owner, anchor, escrow, challengeBond)`
//! 9. `ModelNft(registry, router, resaleRoyaltyBps)`
//! 10. `Datanets(registry)` (it reads the splitter from the registry; no wiring)
//!
//! then `registry.setModelNft(modelNft)`, `registry.setLicenseNft(licenseNft)`,
//! `licenseNft.setLicenseOffers(offers)`, `licenseNft.setUsageAnchor(escrow)` (the escrow
//! records debt), `anchor.setDisputes(disputes)` and `escrow.setUsageAnchor(anchor)` (which reads
//! the disputes contract from the anchor).
//!
//! [`cache`] then caches the programs if asked (`--cache-bid WEI` / `--cache`,
//! docs/caching.md).

// Nitro's names (StylusDeployer, ArbWasm, ArbOS) are proper nouns in these docs, not code.
#![allow(clippy::doc_markdown)]

use std::{collections::BTreeMap, path::Path};

use alloy::{
    network::TransactionBuilder,
    primitives::{address, keccak256, Address, Bytes, B256, U256},
    providers::Provider,
    rpc::types::{
        state::{AccountOverride, StateOverride},
        TransactionReceipt, TransactionRequest,
    },
    sol,
    sol_types::{SolCall, SolEvent},
};
use serde::{Deserialize, Serialize};
use tributary_devnode::node::{stylus_initcode as initcode, STYLUS_CONSTRUCTOR};

use crate::{
    contracts::{Contract, Contracts},
    nitro_wasm::StylusProgram,
};

sol! {
    /// StylusDeployer (nitro-contracts), as nitro-devnode and cargo-stylus use it.
    interface IStylusDeployer {
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address);
        event ContractDeployed(address deployedContract);
    }
    /// The ArbWasm precompile (0x71).
    interface IArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
    }
    interface IWiring {
        function setLicenseNft(address license) external;
        function setLicenseOffers(address offers) external;
        function setUsageAnchor(address anchor) external;
        function setDisputes(address disputes) external;
        function setModelNft(address models) external;
    }
}

/// Where StylusDeployer lives on nitro-devnode, Arbitrum Sepolia and One.
pub const STYLUS_DEPLOYER: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
/// The ArbWasm precompile.
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
/// Headroom on the estimated data fee, as cargo-stylus (`--data-fee-bump-percent` 20).
pub const DATA_FEE_BUMP_PERCENT: u64 = 20;
/// Headroom on `eth_estimateGas` for every transaction Tributary's tools send (the kit, the
/// demo, the gateway's pipeline). An estimate is exact for the block it was simulated in; what
/// a transaction costs can depend on the block it lands in. A storage write of a value derived
/// from `block.timestamp` (an attestor's lock, a batch's anchoring time) is free when it writes
/// back the value already stored, and 2,900 gas when the next second makes it differ
/// (docs/nitro.md §4.5). Unused gas is not charged.
pub const GAS_LIMIT_MARGIN_PERCENT: u64 = 25;

/// `estimate` plus [`GAS_LIMIT_MARGIN_PERCENT`].
pub fn gas_limit_with_margin(estimate: u64) -> u64 {
    estimate.saturating_add(estimate.saturating_mul(GAS_LIMIT_MARGIN_PERCENT) / 100)
}

/// A deployment failure.
#[derive(Debug)]
pub enum DeployError {
    /// The RPC call failed.
    Rpc(String),
    /// A transaction was mined but reverted.
    Reverted {
        /// What the transaction was for.
        step: String,
        /// Transaction hash.
        tx: B256,
    },
    /// The chain lacks something deployment needs.
    Chain(String),
    /// Reading or writing the deployment file failed.
    File(String),
}

impl std::fmt::Display for DeployError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Rpc(e) => write!(f, "RPC: {e}"),
            Self::Reverted { step, tx } => write!(f, "{step}: transaction {tx} reverted"),
            Self::Chain(e) | Self::File(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for DeployError {}

fn rpc(e: impl std::fmt::Display) -> DeployError {
    DeployError::Rpc(e.to_string())
}

/// Chain parameters the usage contracts are constructed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageParameters {
    /// Seconds a batch can be challenged after it is anchored.
    pub challenge_window: u64,
    /// Bond an attestor must keep posted, in wei.
    pub min_attestor_bond: U256,
    /// Bond a challenger posts, in wei.
    pub challenge_bond: U256,
    /// Seconds an exiting attestor waits before withdrawing its bond.
    pub exit_delay: u64,
    /// Seconds an escrow withdrawal request waits (after the challenge window).
    pub withdrawal_delay: u64,
}

impl Default for UsageParameters {
    fn default() -> Self {
        Self {
            challenge_window: 2 * 24 * 3600,
            min_attestor_bond: U256::from(10u64).pow(U256::from(17u64)),
            challenge_bond: U256::from(10u64).pow(U256::from(16u64)),
            exit_delay: 7 * 24 * 3600,
            withdrawal_delay: 24 * 3600,
        }
    }
}

/// One deployed contract in the deployment file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployed {
    /// Its address.
    pub address: Address,
    /// keccak256 of its on-chain code.
    pub codehash: B256,
    /// The deploying transaction.
    pub transaction: B256,
    /// Gas that transaction used.
    pub gas_used: u64,
}

/// `deployments/<chainId>.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// Chain id.
    pub chain_id: u64,
    /// Account that deployed (and owns) the contracts.
    pub deployer: Address,
    /// Every contract, keyed by directory name (`royalty_splitter`, …) in the file.
    pub contracts: Contracts<Deployed>,
    /// Constructor parameters of the usage contracts.
    pub parameters: UsageParameters,
    /// Wiring transactions in order.
    pub wiring: Vec<(String, B256)>,
}

impl Deployment {
    /// Address of `contract`.
    pub fn address(&self, contract: Contract) -> Address {
        self.contracts.get(contract).address
    }

    /// Reads a deployment file.
    pub fn load(path: &Path) -> Result<Self, DeployError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| DeployError::File(format!("{}: {e}", path.display())))?;
        serde_json::from_str(&text).map_err(|e| {
            DeployError::File(format!("{}: not a deployment file: {e}", path.display()))
        })
    }

    /// Writes the deployment file (pretty JSON).
    pub fn save(&self, path: &Path) -> Result<(), DeployError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| DeployError::File(format!("{}: {e}", dir.display())))?;
        }
        let text =
            serde_json::to_string_pretty(self).map_err(|e| DeployError::File(e.to_string()))?;
        std::fs::write(path, text + "\n")
            .map_err(|e| DeployError::File(format!("{}: {e}", path.display())))
    }
}

/// A mined step: what it was, its transaction and gas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Description.
    pub label: String,
    /// Transaction hash.
    pub tx: B256,
    /// Gas used.
    pub gas_used: u64,
}

/// Sends `request` from the provider's wallet and waits for a successful receipt. Without a
/// gas limit, the limit is the estimate plus [`GAS_LIMIT_MARGIN_PERCENT`].
pub async fn send<P: Provider>(
    provider: &P,
    label: &str,
    mut request: TransactionRequest,
) -> Result<(TransactionReceipt, Step), DeployError> {
    if request.gas.is_none() {
        let estimate = provider
            .estimate_gas(&request)
            .await
            .map_err(|e| rpc(format!("{label}: {e}")))?;
        request.gas = Some(gas_limit_with_margin(estimate));
    }
    let pending = provider
        .send_transaction(request)
        .await
        .map_err(|e| rpc(format!("{label}: {e}")))?;
    let receipt = pending
        .get_receipt()
        .await
        .map_err(|e| rpc(format!("{label}: {e}")))?;
    if !receipt.status() {
        return Err(DeployError::Reverted {
            step: label.to_owned(),
            tx: receipt.transaction_hash,
        });
    }
    let step = Step {
        label: label.to_owned(),
        tx: receipt.transaction_hash,
        gas_used: receipt.gas_used,
    };
    Ok((receipt, step))
}

/// The data fee `activateProgram` would charge for `code` now, asked the way `cargo stylus
/// check` does: an `eth_call` with `code` overridden at a scratch address.
pub async fn activation_fee<P: Provider>(
    provider: &P,
    from: Address,
    code: &[u8],
) -> Result<U256, DeployError> {
    let scratch = Address::from_word(keccak256(code));
    let mut overrides = StateOverride::default();
    overrides.insert(
        scratch,
        AccountOverride {
            code: Some(Bytes::copy_from_slice(code)),
            ..Default::default()
        },
    );
    overrides.insert(
        from,
        AccountOverride {
            balance: Some(U256::MAX >> 2),
            ..Default::default()
        },
    );
    let probe = TransactionRequest::default()
        .with_from(from)
        .with_to(ARB_WASM)
        .with_value(U256::from(10u64).pow(U256::from(18u64)))
        .with_input(IArbWasm::activateProgramCall { program: scratch }.abi_encode());
    let out = provider
        .call(&probe)
        .overrides(&overrides)
        .await
        .map_err(|e| rpc(format!("estimating the activation fee: {e}")))?;
    IArbWasm::activateProgramCall::abi_decode_returns(&out, true)
        .map(|r| r.dataFee)
        .map_err(|e| rpc(format!("activateProgram returned {out}: {e}")))
}

/// Whether `address` holds a Stylus program activated at the chain's current version.
pub async fn is_active<P: Provider>(provider: &P, address: Address) -> Result<bool, DeployError> {
    let code = provider.get_code_at(address).await.map_err(rpc)?;
    if code.is_empty() {
        return Ok(false);
    }
    let query = TransactionRequest::default().with_to(ARB_WASM).with_input(
        IArbWasm::codehashVersionCall {
            codehash: keccak256(&code),
        }
        .abi_encode(),
    );
    Ok(provider.call(&query).await.is_ok())
}

/// Deploys, activates and constructs one program through StylusDeployer.
pub async fn deploy_program<P: Provider>(
    provider: &P,
    from: Address,
    label: &str,
    program: &StylusProgram,
    constructor_args: &[u8],
) -> Result<(Address, Step), DeployError> {
    let code = &program.code;
    let fee = activation_fee(provider, from, code).await?;
    let value = fee * U256::from(100 + DATA_FEE_BUMP_PERCENT) / U256::from(100);
    let mut init_data = STYLUS_CONSTRUCTOR.to_vec();
    init_data.extend_from_slice(constructor_args);
    let input = IStylusDeployer::deployCall {
        bytecode: initcode(code).into(),
        initData: init_data.into(),
        initValue: U256::ZERO,
        salt: B256::ZERO,
    }
    .abi_encode();
    let request = TransactionRequest::default()
        .with_from(from)
        .with_to(STYLUS_DEPLOYER)
        .with_value(value)
        .with_input(input);
    let (receipt, step) = send(provider, label, request).await?;
    let address = receipt
        .inner
        .logs()
        .iter()
        .filter(|l| l.address() == STYLUS_DEPLOYER)
        .find_map(|l| IStylusDeployer::ContractDeployed::decode_log_data(l.data(), true).ok())
        .map(|e| e.deployedContract)
        .ok_or_else(|| DeployError::Chain(format!("{label}: no ContractDeployed event")))?;
    Ok((address, step))
}

/// The programs `deploy` needs, one per contract.
pub type Programs = Contracts<StylusProgram>;

/// Deploys and wires every contract; `report` sees each step as it is mined.
pub async fn deploy_all<P: Provider>(
    provider: &P,
    from: Address,
    programs: &Programs,
    parameters: UsageParameters,
    mut report: impl FnMut(&Step),
) -> Result<Deployment, DeployError> {
    if provider
        .get_code_at(STYLUS_DEPLOYER)
        .await
        .map_err(rpc)?
        .is_empty()
    {
        return Err(DeployError::Chain(format!(
            "StylusDeployer is not deployed at {STYLUS_DEPLOYER} on this chain"
        )));
    }
    let chain_id = provider.get_chain_id().await.map_err(rpc)?;
    let mut deployed = BTreeMap::new();
    for contract in Contract::DEPLOY_ORDER {
        let args = constructor_args(contract, from, &parameters, &deployed)?;
        let program = programs.get(contract);
        let (address, step) = deploy_program(
            provider,
            from,
            &format!("deploy {contract}"),
            program,
            &args,
        )
        .await?;
        report(&step);
        let record = Deployed {
            address,
            codehash: keccak256(&program.code),
            transaction: step.tx,
            gas_used: step.gas_used,
        };
        deployed.insert(contract, record);
    }
    let mut deployment = Deployment {
        chain_id,
        deployer: from,
        // Every contract was deployed by the loop above.
        contracts: Contracts::try_from_fn(|contract| {
            deployed
                .remove(&contract)
                .ok_or_else(|| DeployError::Chain(format!("{contract} was not deployed")))
        })?,
        parameters,
        wiring: Vec::new(),
    };
    for (label, to, data) in wiring_calls(&deployment) {
        let request = TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_input(data);
        let (_, step) = send(provider, label, request).await?;
        report(&step);
        deployment.wiring.push((label.to_owned(), step.tx));
    }
    Ok(deployment)
}

/// One constructor argument: every Tributary constructor takes addresses and unsigned integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstructorValue {
    /// An `address`.
    Address(Address),
    /// A `uint64` or `uint256`.
    Uint(U256),
}

impl ConstructorValue {
    /// Its ABI encoding: one 32-byte word (both kinds are static).
    pub fn abi_word(self) -> [u8; 32] {
        match self {
            Self::Address(address) => address.into_word().0,
            Self::Uint(value) => value.to_be_bytes(),
        }
    }
}

/// As `cargo stylus deploy --constructor-args` and `cast` take it: a checksummed address or a
/// decimal integer.
impl std::fmt::Display for ConstructorValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Address(address) => write!(f, "{address}"),
            Self::Uint(value) => write!(f, "{value}"),
        }
    }
}

/// ABI-encoded constructor arguments of `contract`, given the contracts deployed before it.
///
/// # Errors
/// [`DeployError::Chain`] naming the contract whose address is needed if it is not in
/// `deployed` (deploying out of [`Contract::DEPLOY_ORDER`]).
pub fn constructor_args(
    contract: Contract,
    from: Address,
    parameters: &UsageParameters,
    deployed: &BTreeMap<Contract, Deployed>,
) -> Result<Vec<u8>, DeployError> {
    let values = constructor_values(contract, from, parameters, |c| {
        deployed.get(&c).map(|d| d.address)
    })?;
    Ok(values
        .into_iter()
        .flat_map(ConstructorValue::abi_word)
        .collect())
}

/// The constructor arguments of `contract` in declaration order — the one place they are
/// written down: [`constructor_args`] encodes them for `tributary deploy`, and
/// `tributary constructor-args` prints them for `cargo stylus deploy --constructor-args`.
/// `at` gives the address of a contract deployed before it.
///
/// # Errors
/// [`DeployError::Chain`] naming the contract whose address is needed if `at` has none
/// (deploying out of [`Contract::DEPLOY_ORDER`]).
pub fn constructor_values(
    contract: Contract,
    from: Address,
    parameters: &UsageParameters,
    at: impl Fn(Contract) -> Option<Address>,
) -> Result<Vec<ConstructorValue>, DeployError> {
    use ConstructorValue::{Address as A, Uint};
    use Contract as C;
    let at = |dependency: Contract| {
        at(dependency).map(A).ok_or_else(|| {
            DeployError::Chain(format!(
                "{contract} is constructed with the address of {dependency}, which is not \
                 deployed yet"
            ))
        })
    };
    let seconds = |value: u64| Uint(U256::from(value));
    Ok(match contract {
        C::RoyaltySplitter | C::LicenseNft => vec![A(from)],
        C::AttributionRegistry => vec![A(from), at(C::RoyaltySplitter)?],
        C::LicenseOffers => vec![
            at(C::LicenseNft)?,
            at(C::AttributionRegistry)?,
            at(C::RoyaltySplitter)?,
            at(C::RevenueRouter)?,
        ],
        C::RevenueRouter => vec![
            at(C::AttributionRegistry)?,
            at(C::LicenseNft)?,
            at(C::RoyaltySplitter)?,
        ],
        C::UsageEscrow => vec![
            A(from),
            at(C::LicenseNft)?,
            at(C::RoyaltySplitter)?,
            seconds(parameters.withdrawal_delay),
            at(C::RevenueRouter)?,
        ],
        C::UsageAnchor => vec![
            A(from),
            at(C::LicenseNft)?,
            at(C::UsageEscrow)?,
            seconds(parameters.challenge_window),
            Uint(parameters.min_attestor_bond),
            seconds(parameters.exit_delay),
        ],
        C::UsageDisputes => vec![
            A(from),
            at(C::UsageAnchor)?,
            at(C::UsageEscrow)?,
            Uint(parameters.challenge_bond),
        ],
        C::Datanets => vec![at(C::AttributionRegistry)?],
        C::ModelNft => vec![
            at(C::AttributionRegistry)?,
            at(C::RevenueRouter)?,
            Uint(U256::from(MODEL_RESALE_ROYALTY_BPS)),
        ],
    })
}

/// The ERC-2981 resale royalty of model tokens `tributary deploy` constructs `ModelNft` with:
/// 5 % of a model token's sale price, reported as the model's revenue (so its lineage takes its
/// royalties on resales). `tributary constructor-args model_nft` prints it; deploy with
/// cargo-stylus to choose another (≤ 10,000 basis points).
pub const MODEL_RESALE_ROYALTY_BPS: u16 = 500;

/// The owner-only, one-time calls that connect the deployed contracts.
fn wiring_calls(deployment: &Deployment) -> [(&'static str, Address, Vec<u8>); 6] {
    use Contract as C;
    let at = |contract| deployment.address(contract);
    [
        (
            "registry.setModelNft",
            at(C::AttributionRegistry),
            IWiring::setModelNftCall {
                models: at(C::ModelNft),
            }
            .abi_encode(),
        ),
        (
            "registry.setLicenseNft",
            at(C::AttributionRegistry),
            IWiring::setLicenseNftCall {
                license: at(C::LicenseNft),
            }
            .abi_encode(),
        ),
        (
            "licenseNft.setLicenseOffers",
            at(C::LicenseNft),
            IWiring::setLicenseOffersCall {
                offers: at(C::LicenseOffers),
            }
            .abi_encode(),
        ),
        (
            "licenseNft.setUsageAnchor",
            at(C::LicenseNft),
            IWiring::setUsageAnchorCall {
                anchor: at(C::UsageEscrow),
            }
            .abi_encode(),
        ),
        (
            "anchor.setDisputes",
            at(C::UsageAnchor),
            IWiring::setDisputesCall {
                disputes: at(C::UsageDisputes),
            }
            .abi_encode(),
        ),
        (
            "escrow.setUsageAnchor",
            at(C::UsageEscrow),
            IWiring::setUsageAnchorCall {
                anchor: at(C::UsageAnchor),
            }
            .abi_encode(),
        ),
    ]
}

/// Whether `deployment` is live on the chain behind `provider` with exactly `programs`' code:
/// every contract has that code and is activated.
pub async fn is_current<P: Provider>(
    provider: &P,
    deployment: &Deployment,
    programs: &Programs,
) -> Result<bool, DeployError> {
    if provider.get_chain_id().await.map_err(rpc)? != deployment.chain_id {
        return Ok(false);
    }
    for (contract, program) in programs.iter() {
        let deployed = deployment.contracts.get(contract);
        if deployed.codehash != keccak256(&program.code)
            || !is_active(provider, deployed.address).await?
        {
            return Ok(false);
        }
    }
    Ok(true)
}

pub mod cache;
pub mod command;

#[cfg(test)]
mod tests {
    use alloy::sol_types::SolValue;

    use super::*;

    fn deployed(contracts: &[Contract]) -> BTreeMap<Contract, Deployed> {
        contracts
            .iter()
            .map(|&c| {
                let record = Deployed {
                    address: Address::with_last_byte(c as u8 + 1),
                    codehash: B256::ZERO,
                    transaction: B256::ZERO,
                    gas_used: 0,
                };
                (c, record)
            })
            .collect()
    }

    #[test]
    fn each_contract_is_constructed_with_its_own_arguments() {
        use Contract as C;
        let from = Address::with_last_byte(0xAA);
        let parameters = UsageParameters::default();
        let all = deployed(&Contract::DEPLOY_ORDER);
        let at = |c: Contract| Address::with_last_byte(c as u8 + 1);
        let args = |c| constructor_args(c, from, &parameters, &all).expect("all deployed");
        assert_eq!(args(C::RoyaltySplitter), (from,).abi_encode_params());
        assert_eq!(args(C::LicenseNft), (from,).abi_encode_params());
        assert_eq!(
            args(C::AttributionRegistry),
            (from, at(C::RoyaltySplitter)).abi_encode_params()
        );
        assert_eq!(
            args(C::LicenseOffers),
            (
                at(C::LicenseNft),
                at(C::AttributionRegistry),
                at(C::RoyaltySplitter),
                at(C::RevenueRouter)
            )
                .abi_encode_params()
        );
        assert_eq!(
            args(C::RevenueRouter),
            (
                at(C::AttributionRegistry),
                at(C::LicenseNft),
                at(C::RoyaltySplitter)
            )
                .abi_encode_params()
        );
        assert_eq!(
            args(C::UsageEscrow),
            (
                from,
                at(C::LicenseNft),
                at(C::RoyaltySplitter),
                24 * 3600u64,
                at(C::RevenueRouter)
            )
                .abi_encode_params()
        );
        assert_eq!(
            args(C::ModelNft),
            (
                at(C::AttributionRegistry),
                at(C::RevenueRouter),
                U256::from(500u64)
            )
                .abi_encode_params()
        );
        assert_eq!(
            args(C::UsageAnchor),
            (
                from,
                at(C::LicenseNft),
                at(C::UsageEscrow),
                2 * 24 * 3600u64,
                U256::from(10u64).pow(U256::from(17u64)),
                7 * 24 * 3600u64
            )
                .abi_encode_params()
        );
        assert_eq!(
            args(C::UsageDisputes),
            (
                from,
                at(C::UsageAnchor),
                at(C::UsageEscrow),
                U256::from(10u64).pow(U256::from(16u64))
            )
                .abi_encode_params()
        );
        assert_eq!(
            args(C::Datanets),
            (at(C::AttributionRegistry),).abi_encode_params()
        );
    }

    #[test]
    fn datanets_is_deployed_last_with_the_registry_and_no_wiring() {
        assert_eq!(Contract::DEPLOY_ORDER.len(), 10);
        assert_eq!(Contract::DEPLOY_ORDER.last(), Some(&Contract::Datanets));
        let so_far = deployed(&Contract::DEPLOY_ORDER[..9]);
        let values = constructor_values(
            Contract::Datanets,
            Address::ZERO,
            &UsageParameters::default(),
            |c| so_far.get(&c).map(|d| d.address),
        )
        .expect("every dependency deployed");
        let printed: Vec<String> = values.iter().map(ToString::to_string).collect();
        assert_eq!(
            printed,
            [Address::with_last_byte(Contract::AttributionRegistry as u8 + 1).to_string()]
        );
        // No wiring call goes to it or passes its address.
        let all = deployed(&Contract::DEPLOY_ORDER);
        let deployment = Deployment {
            chain_id: 1,
            deployer: Address::ZERO,
            contracts: Contracts::try_from_fn(|c| Ok::<_, ()>(all[&c].clone())).unwrap(),
            parameters: UsageParameters::default(),
            wiring: Vec::new(),
        };
        let datanets = deployment.address(Contract::Datanets);
        for (label, to, data) in wiring_calls(&deployment) {
            assert_ne!(to, datanets, "{label}");
            assert!(!data.ends_with(datanets.as_slice()), "{label}");
        }
    }

    #[test]
    fn constructor_values_print_as_cargo_stylus_takes_them() {
        let from = Address::with_last_byte(0xAA);
        let all = deployed(&Contract::DEPLOY_ORDER);
        let values = constructor_values(
            Contract::UsageDisputes,
            from,
            &UsageParameters::default(),
            |c| all.get(&c).map(|d| d.address),
        )
        .expect("all deployed");
        let printed: Vec<String> = values.iter().map(ToString::to_string).collect();
        assert_eq!(
            printed,
            [
                from.to_string(),
                Address::with_last_byte(Contract::UsageAnchor as u8 + 1).to_string(),
                Address::with_last_byte(Contract::UsageEscrow as u8 + 1).to_string(),
                "10000000000000000".to_owned(),
            ]
        );
    }

    #[test]
    fn a_contract_deployed_before_its_dependencies_is_a_clear_error() {
        let so_far = deployed(&[Contract::RoyaltySplitter, Contract::LicenseNft]);
        let err = constructor_args(
            Contract::UsageAnchor,
            Address::ZERO,
            &UsageParameters::default(),
            &so_far,
        )
        .expect_err("escrow is missing");
        assert_eq!(
            err.to_string(),
            "usage_anchor is constructed with the address of usage_escrow, which is not deployed \
             yet"
        );
    }
}
