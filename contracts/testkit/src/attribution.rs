//! Doubles and fixtures of the attribution registry's and the revenue router's tests: a splitter
//! that records splits and deposits (and can be told to refuse deposits), and a license contract
//! with configurable validity and tiers.

use alloc::{vec, vec::Vec};

use alloy_sol_types::sol;
use motsu::prelude::Contract;
use stylus_sdk::{
    alloy_primitives::{Address, B256, U16, U256, U64},
    prelude::*,
    storage::{
        StorageAddress, StorageBool, StorageMap, StorageU16, StorageU256, StorageU64, StorageVec,
    },
};
use tributary_abi::scope;

use crate::erc20::pull;

sol! {
    /// The splitter double refuses unsorted, duplicate or empty recipient lists.
    #[derive(Debug)]
    error BadRecipients();
    /// Only a split's controller may update it.
    #[derive(Debug)]
    error NotController(address caller);
    /// A token transfer exceeds a balance or an allowance.
    #[derive(Debug)]
    error InsufficientFunds();
    /// The splitter double was told to refuse deposits.
    #[derive(Debug)]
    error DepositRefused(uint256 splitId);
}

/// Errors of the doubles.
#[derive(SolidityError, Debug)]
pub enum DoubleError {
    /// See [`BadRecipients`].
    BadRecipients(BadRecipients),
    /// See [`NotController`].
    NotController(NotController),
    /// See [`InsufficientFunds`].
    InsufficientFunds(InsufficientFunds),
    /// See [`DepositRefused`].
    DepositRefused(DepositRefused),
}

/// Records splits and deposits.
#[storage]
pub struct SplitterDouble {
    /// Last split id handed out.
    pub count: StorageU256,
    /// Controller of each split.
    pub controller: StorageMap<U256, StorageAddress>,
    /// First recipient of each split (enough to tell splits apart in tests).
    pub first_recipient: StorageMap<U256, StorageAddress>,
    /// Number of recipients of each split.
    pub recipient_count: StorageMap<U256, StorageU256>,
    /// How many times each split was updated.
    pub updates: StorageMap<U256, StorageU256>,
    /// Native currency deposited per split.
    pub deposited: StorageMap<U256, StorageU256>,
    /// Tokens credited per split (balance delta of each pull).
    pub deposited_token: StorageMap<U256, StorageMap<Address, StorageU256>>,
    /// When set, every deposit reverts with [`DepositRefused`].
    pub fail: StorageBool,
}

unsafe impl TopLevelStorage for SplitterDouble {}

fn check_recipients(recipients: &[Address], shares: &[U256]) -> Result<(), DoubleError> {
    let sorted = recipients.windows(2).all(|w| w[0] < w[1]);
    if recipients.is_empty() || recipients.len() != shares.len() || !sorted {
        return Err(BadRecipients {}.into());
    }
    Ok(())
}

#[public]
impl SplitterDouble {
    /// `createSplit(address[],uint256[],address)`: a new split id.
    pub fn create_split(
        &mut self,
        recipients: Vec<Address>,
        shares: Vec<U256>,
        controller: Address,
    ) -> Result<U256, DoubleError> {
        check_recipients(&recipients, &shares)?;
        let id = self.count.get() + U256::from(1);
        self.count.set(id);
        self.controller.setter(id).set(controller);
        self.first_recipient.setter(id).set(recipients[0]);
        self.recipient_count
            .setter(id)
            .set(U256::from(recipients.len()));
        Ok(id)
    }

    /// Test setup: make every deposit revert (or stop doing so).
    pub fn set_fail(&mut self, fail: bool) {
        self.fail.set(fail);
    }

    /// `deposit(uint256)`: records the value sent.
    #[payable]
    pub fn deposit(&mut self, split_id: U256) -> Result<(), DoubleError> {
        if self.fail.get() {
            return Err(DepositRefused { splitId: split_id }.into());
        }
        let value = self.vm().msg_value();
        let total = self.deposited.get(split_id) + value;
        self.deposited.setter(split_id).set(total);
        Ok(())
    }

    /// `depositToken(uint256,address,uint256)`: pulls `amount` from the caller and records the
    /// balance delta.
    pub fn deposit_token(
        &mut self,
        split_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<(), DoubleError> {
        if self.fail.get() {
            return Err(DepositRefused { splitId: split_id }.into());
        }
        let Some(arrived) = pull(self, token, amount) else {
            return Err(InsufficientFunds {}.into());
        };
        let total = self.deposited_token.getter(split_id).get(token) + arrived;
        self.deposited_token
            .setter(split_id)
            .setter(token)
            .set(total);
        Ok(())
    }

    /// `updateSplit(uint256,address[],uint256[])`: controller only.
    pub fn update_split(
        &mut self,
        split_id: U256,
        recipients: Vec<Address>,
        shares: Vec<U256>,
    ) -> Result<(), DoubleError> {
        let caller = self.vm().msg_sender();
        if self.controller.get(split_id) != caller {
            return Err(NotController { caller }.into());
        }
        check_recipients(&recipients, &shares)?;
        self.first_recipient.setter(split_id).set(recipients[0]);
        self.recipient_count
            .setter(split_id)
            .set(U256::from(recipients.len()));
        let updates = self.updates.get(split_id) + U256::from(1);
        self.updates.setter(split_id).set(updates);
        Ok(())
    }
}

/// One license token of the license double.
#[storage]
pub struct LicenseRecord {
    /// Holder (owner or user) the license validates for.
    pub holder: StorageAddress,
    /// Dataset the license covers.
    pub dataset: StorageU256,
    /// Granted scope bits.
    pub scope: StorageU256,
    /// Expiry (unix seconds); 0 = perpetual.
    pub expires_at: StorageU64,
    /// Revoked by the arbiter.
    pub revoked: StorageBool,
    /// Tier thresholds.
    pub thresholds: StorageVec<StorageU256>,
    /// Tier basis points.
    pub bps: StorageVec<StorageU16>,
}

/// License contract double: validity per token from configured state, tiers per token. It also
/// stands in for the model token contract of the registry's fixtures: `mint(to, modelId)`
/// records the model's holder.
#[storage]
pub struct LicenseDouble {
    /// Licenses by token id.
    pub licenses: StorageMap<U256, LicenseRecord>,
    /// Model tokens minted by the registry: holder by model id.
    pub model_holders: StorageMap<U256, StorageAddress>,
}

unsafe impl TopLevelStorage for LicenseDouble {}

#[public]
impl LicenseDouble {
    /// Test setup: a TRAIN | DERIVATIVES license for `holder` on `dataset` with `tiers`.
    pub fn issue(
        &mut self,
        token_id: U256,
        holder: Address,
        dataset: U256,
        thresholds: Vec<U256>,
        bps: Vec<u16>,
    ) {
        let mut record = self.licenses.setter(token_id);
        record.holder.set(holder);
        record.dataset.set(dataset);
        record
            .scope
            .set(U256::from(scope::TRAIN | scope::DERIVATIVES));
        for t in thresholds {
            record.thresholds.push(t);
        }
        for b in bps {
            record.bps.push(U16::from(b));
        }
    }

    /// `IModelNft.mint(address,uint256)`: records `to` as the holder of model `model_id`.
    pub fn mint(&mut self, to: Address, model_id: U256) {
        self.model_holders.setter(model_id).set(to);
    }

    /// The holder [`Self::mint`] recorded for model `model_id`.
    pub fn model_holder(&self, model_id: U256) -> Address {
        self.model_holders.get(model_id)
    }

    /// Test setup: narrow the granted scope.
    pub fn set_scope(&mut self, token_id: U256, granted: U256) {
        self.licenses.setter(token_id).scope.set(granted);
    }

    /// Test setup: expiry timestamp.
    pub fn set_expiry(&mut self, token_id: U256, expires_at: u64) {
        self.licenses
            .setter(token_id)
            .expires_at
            .set(U64::from(expires_at));
    }

    /// Test setup: revoke.
    pub fn revoke(&mut self, token_id: U256) {
        self.licenses.setter(token_id).revoked.set(true);
    }

    /// `isLicensed(address,uint256,uint256,uint256)`: held by `holder`, on `dataset_id`, not
    /// revoked, not expired and covering `requested`.
    pub fn is_licensed(
        &self,
        holder: Address,
        token_id: U256,
        dataset_id: U256,
        requested: U256,
    ) -> bool {
        let record = self.licenses.getter(token_id);
        let expires_at = record.expires_at.get().to::<u64>();
        let now = self.vm().block_timestamp();
        !record.holder.get().is_zero()
            && record.holder.get() == holder
            && record.dataset.get() == dataset_id
            && !record.revoked.get()
            && (expires_at == 0 || now < expires_at)
            && scope::includes(record.scope.get(), requested)
    }

    /// `royaltyTiers(uint256)`: the thresholds and basis points set by [`Self::issue`].
    pub fn royalty_tiers(&self, token_id: U256) -> (Vec<U256>, Vec<u16>) {
        let record = self.licenses.getter(token_id);
        let thresholds = (0..record.thresholds.len())
            .filter_map(|i| record.thresholds.get(i))
            .collect();
        let bps = (0..record.bps.len())
            .filter_map(|i| record.bps.get(i))
            .map(|b| b.to::<u16>())
            .collect();
        (thresholds, bps)
    }
}

/// `vec![a]` of a single contributor with one share.
pub fn solo(account: Address) -> (Vec<Address>, Vec<U256>) {
    (vec![account], vec![U256::from(1)])
}

/// A content hash made of the byte `n`.
pub fn hash(n: u8) -> B256 {
    B256::repeat_byte(n)
}

/// `v` as a `U256`.
pub fn u(v: u64) -> U256 {
    U256::from(v)
}

/// Issues license `token_id` on `dataset_id` to `holder` with tiers `thresholds`/`bps`.
pub fn license_for(
    license: &Contract<LicenseDouble>,
    token_id: u64,
    holder: Address,
    dataset_id: U256,
    thresholds: &[u64],
    bps: &[u16],
) {
    license.sender(holder).issue(
        u(token_id),
        holder,
        dataset_id,
        thresholds.iter().map(|t| u(*t)).collect(),
        bps.to_vec(),
    );
}

/// The parents of a model registration.
#[derive(Default, Clone)]
pub struct Parents {
    /// Parent datasets.
    pub datasets: Vec<U256>,
    /// Their weights (bps).
    pub weights: Vec<U256>,
    /// The license each parent dataset is used under.
    pub licenses: Vec<U256>,
    /// Parent models.
    pub models: Vec<U256>,
    /// Their shares (bps).
    pub model_weights: Vec<U256>,
    /// The license each parent model is used under (0: the registrant holds it).
    pub model_licenses: Vec<U256>,
}

impl Parents {
    /// Adds parent dataset `id` with `weight` (bps) under license `license`.
    #[must_use]
    pub fn dataset(mut self, id: U256, weight: u64, license: u64) -> Self {
        self.datasets.push(id);
        self.weights.push(u(weight));
        self.licenses.push(u(license));
        self
    }

    /// Adds parent model `id` with share `bps`, held by the registrant (license 0).
    #[must_use]
    pub fn model(self, id: U256, bps: u64) -> Self {
        self.licensed_model(id, bps, 0)
    }

    /// Adds parent model `id` with share `bps` under license `license`.
    #[must_use]
    pub fn licensed_model(mut self, id: U256, bps: u64, license: u64) -> Self {
        self.models.push(id);
        self.model_weights.push(u(bps));
        self.model_licenses.push(u(license));
        self
    }

    /// The `parentLicenses` argument: the datasets' licenses, then the models'.
    #[must_use]
    pub fn all_licenses(&self) -> Vec<U256> {
        self.licenses
            .iter()
            .chain(&self.model_licenses)
            .copied()
            .collect()
    }
}

/// Defines the fixtures that call the attribution registry, for a registry type `$registry`
/// whose calls fail with `$error` (the crate's own in the registry's tests, the
/// `attribution_registry` crate's in the router's; a macro because they are two distinct types):
///
/// - `deploy_registry(registry, splitter, license, owner)`: constructs the registry with `owner`
///   and wires the [`SplitterDouble`](crate::attribution::SplitterDouble) and the
///   [`LicenseDouble`](crate::attribution::LicenseDouble);
/// - `dataset(registry, owner, content) -> U256`: registers a dataset owned by `owner` with `owner`
///   as sole contributor;
/// - `try_model(registry, owner, model_hash, parents) -> Result<U256, $error>`: registers a model
///   owned by `owner` (sole contributor) with [`Parents`](crate::attribution::Parents).
#[macro_export]
macro_rules! registry_fixtures {
    ($registry:ty, $error:ty $(,)?) => {
        /// Deploys the registry with `owner` and wires the splitter and license doubles.
        fn deploy_registry(
            registry: &$crate::__private::Contract<$registry>,
            splitter: &$crate::__private::Contract<$crate::attribution::SplitterDouble>,
            license: &$crate::__private::Contract<$crate::attribution::LicenseDouble>,
            owner: $crate::__private::Address,
        ) {
            use $crate::__private::motsu::prelude::*;
            registry
                .sender(owner)
                .constructor(owner, splitter.address())
                .motsu_unwrap();
            registry
                .sender(owner)
                .set_license_nft(license.address())
                .motsu_unwrap();
            // The license double also stands in for the model token contract (it records
            // `mint`), so every fixture can register models.
            registry
                .sender(owner)
                .set_model_nft(license.address())
                .motsu_unwrap();
        }

        /// Registers a dataset owned by `owner` with `owner` as sole contributor.
        fn dataset(
            registry: &$crate::__private::Contract<$registry>,
            owner: $crate::__private::Address,
            content: u8,
        ) -> $crate::__private::U256 {
            use $crate::__private::motsu::prelude::*;
            let (contributors, weights) = $crate::attribution::solo(owner);
            registry
                .sender(owner)
                .register_dataset(
                    $crate::attribution::hash(content),
                    "ipfs://data".into(),
                    contributors,
                    weights,
                )
                .motsu_unwrap()
        }

        /// Registers a model owned by `owner` (sole contributor).
        fn try_model(
            registry: &$crate::__private::Contract<$registry>,
            owner: $crate::__private::Address,
            model_hash: u8,
            parents: $crate::attribution::Parents,
        ) -> ::core::result::Result<$crate::__private::U256, $error> {
            let (contributors, shares) = $crate::attribution::solo(owner);
            registry.sender(owner).register_model(
                $crate::attribution::hash(model_hash),
                "ipfs://model".into(),
                parents.datasets.clone(),
                parents.weights.clone(),
                parents.all_licenses(),
                parents.models,
                parents.model_weights,
                contributors,
                shares,
            )
        }
    };
}
