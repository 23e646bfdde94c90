//! The accounts and contracts a fresh devnode chain starts with, matching nitro-devnode where
//! scripts depend on it: the funded dev key (also the chain owner), the well-known test
//! mnemonic's ten accounts, the CREATE2 factory and StylusDeployer at their usual addresses, and
//! Arbitrum's CacheManager registered with ArbWasmCache (`cargo stylus cache bid/status`).

use alloy::{
    primitives::{address, Address, Bytes, U256},
    signers::local::{coins_bip39::English, MnemonicBuilder, PrivateKeySigner},
};

use crate::{Devnode, DevnodeError};

/// nitro-devnode's funded dev key (docs/nitro.md §7).
pub const NITRO_DEV_KEY: &str =
    "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";
/// The well-known test mnemonic (Hardhat / anvil).
pub const TEST_MNEMONIC: &str = "test test test test test test test test test test test junk";
/// Accounts derived from [`TEST_MNEMONIC`] (`m/44'/60'/0'/0/i`).
pub const MNEMONIC_ACCOUNTS: u32 = 10;
/// Balance every dev account starts with: 10,000 ETH.
pub const DEV_BALANCE_WEI: u128 = 10_000 * 1_000_000_000_000_000_000;
/// Where nitro-devnode and cargo-stylus expect StylusDeployer.
pub const STYLUS_DEPLOYER: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
/// The deterministic-deployment CREATE2 factory.
pub const CREATE2_FACTORY: Address = address!("4e59b44847b379578588920ca78fbf26c0b4956c");

/// Where the devnode installs Arbitrum's CacheManager (nitro-devnode deploys it from its dev key,
/// whose nonces the devnode leaves free for scripts, so the devnode picks a fixed address).
pub const CACHE_MANAGER: Address = address!("0000000000000000000000000000000000cac4e0");
/// CacheManager's `cacheSize`: 512 MiB, what Nitro's deployment initializes it with.
pub const CACHE_MANAGER_CACHE_SIZE: u64 = 536_870_912;
/// CacheManager's `decay` (bid decay per second), what Nitro's deployment initializes it with.
pub const CACHE_MANAGER_DECAY: u64 = 10_322_197_911;

/// Runtime code of the CREATE2 factory (deploys `calldata[32..]` with salt `calldata[..32]`).
const CREATE2_FACTORY_CODE: &str = "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3";
/// Our StylusDeployer, compiled by `node scripts/solc.mjs` from `predeploys/StylusDeployer.sol`.
const STYLUS_DEPLOYER_ARTIFACT: &str = include_str!("../../predeploys/StylusDeployer.json");
/// Arbitrum's CacheManager, compiled by `node scripts/solc.mjs` from
/// `predeploys/cache_manager/CacheManager.sol` (see `predeploys/cache_manager/README.md`).
const CACHE_MANAGER_ARTIFACT: &str = include_str!("../../predeploys/CacheManager.json");

/// The unlocked dev accounts: nitro-devnode's key first, then the mnemonic's ten.
///
/// # Panics
/// Never: the key and mnemonic are constants checked by the tests.
pub fn dev_signers() -> Vec<PrivateKeySigner> {
    let nitro: PrivateKeySigner = NITRO_DEV_KEY.parse().expect("constant key is valid");
    let mut signers = vec![nitro];
    for index in 0..MNEMONIC_ACCOUNTS {
        let signer = MnemonicBuilder::<English>::default()
            .phrase(TEST_MNEMONIC)
            .index(index)
            .and_then(|builder| builder.build())
            .expect("constant mnemonic derives");
        signers.push(signer);
    }
    signers
}

/// Funds `signers` and installs the predeployed contracts on `node`.
///
/// # Panics
/// Never: [`NITRO_DEV_KEY`] is a valid constant key.
pub fn install(node: &mut Devnode, signers: &[PrivateKeySigner]) -> Result<(), DevnodeError> {
    for signer in signers {
        node.set_balance(signer.address(), U256::from(DEV_BALANCE_WEI));
    }
    node.set_code(CREATE2_FACTORY, decode_hex(CREATE2_FACTORY_CODE))?;
    node.set_code(STYLUS_DEPLOYER, stylus_deployer_runtime())?;
    // nitro-devnode's dev account owns the chain: it may cache programs (ArbWasmCache).
    let owner: PrivateKeySigner = NITRO_DEV_KEY.parse().expect("constant key is valid");
    node.add_chain_owner(owner.address());
    install_cache_manager(node)
}

/// Installs CacheManager at [`CACHE_MANAGER`] in the state `initialize(cacheSize, decay)` leaves
/// (storage layout: nitro-contracts test/storage/CacheManager) and registers it with
/// ArbWasmCache, as nitro-devnode does.
fn install_cache_manager(node: &mut Devnode) -> Result<(), DevnodeError> {
    node.set_code(CACHE_MANAGER, artifact_runtime(CACHE_MANAGER_ARTIFACT))?;
    // Slot 0: Initializable's `_initialized = 1`, `_initializing = false`.
    node.set_storage(CACHE_MANAGER, U256::ZERO, U256::from(1));
    // Slot 3: cacheSize (bits 0..64), queueSize = 0 (64..128), decay (128..192), isPaused = false.
    let slot3 = U256::from(CACHE_MANAGER_CACHE_SIZE) | (U256::from(CACHE_MANAGER_DECAY) << 128);
    node.set_storage(CACHE_MANAGER, U256::from(3), slot3);
    node.add_wasm_cache_manager(CACHE_MANAGER);
    Ok(())
}

/// StylusDeployer's runtime bytecode.
///
/// # Panics
/// Never: the artifact is committed JSON checked by the tests.
pub fn stylus_deployer_runtime() -> Bytes {
    artifact_runtime(STYLUS_DEPLOYER_ARTIFACT)
}

/// CacheManager's runtime bytecode.
///
/// # Panics
/// Never: the artifact is committed JSON checked by the tests.
pub fn cache_manager_runtime() -> Bytes {
    artifact_runtime(CACHE_MANAGER_ARTIFACT)
}

/// The `deployedBytecode` of a committed solc artifact.
fn artifact_runtime(json: &str) -> Bytes {
    let artifact: serde_json::Value =
        serde_json::from_str(json).expect("committed artifact is JSON");
    let code = artifact["deployedBytecode"]
        .as_str()
        .expect("artifact has deployedBytecode");
    decode_hex(code)
}

fn decode_hex(hex: &str) -> Bytes {
    hex.parse().expect("constant hex is valid")
}

#[cfg(test)]
mod tests {
    use alloy::primitives::address;

    use super::*;

    #[test]
    fn dev_accounts_are_the_well_known_ones() {
        let signers = dev_signers();
        assert_eq!(signers.len(), 11);
        assert_eq!(
            signers[0].address(),
            address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E")
        );
        assert_eq!(
            signers[1].address(),
            address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        );
        assert_eq!(
            signers[2].address(),
            address!("70997970C51812dc3A010C7d01b50e0d17dc79C8")
        );
        assert!(!stylus_deployer_runtime().is_empty());
        assert!(!cache_manager_runtime().is_empty());
    }

    #[test]
    fn cache_manager_is_installed_initialized_and_registered() {
        let mut node = Devnode::new();
        install(&mut node, &dev_signers()).expect("genesis installs");
        assert_eq!(node.code(CACHE_MANAGER), cache_manager_runtime());
        // Initializable: initialized once, not initializing.
        assert_eq!(node.storage(CACHE_MANAGER, U256::ZERO), U256::from(1));
        let slot3 = node.storage(CACHE_MANAGER, U256::from(3));
        let field = |shift: usize| (slot3 >> shift) & U256::from(u64::MAX);
        assert_eq!(field(0), U256::from(CACHE_MANAGER_CACHE_SIZE));
        assert_eq!(field(64), U256::ZERO, "queueSize");
        assert_eq!(field(128), U256::from(CACHE_MANAGER_DECAY));
        assert_eq!(slot3 >> 192, U256::ZERO, "isPaused");
        let managers = crate::arbwasm::CACHE_MANAGERS
            .members(|slot| {
                Ok::<_, std::convert::Infallible>(node.storage(crate::arbwasm::ARBWASM, slot))
            })
            .expect("infallible");
        assert_eq!(managers, vec![CACHE_MANAGER]);
    }
}
