//! Test doubles: a splitter that records splits and deposits, a license contract with
//! configurable validity and tiers, an ERC-20 token (optionally fee-on-transfer), and a registry
//! that serves any lineage, including ones the real registry refuses to store.
#![allow(clippy::unnecessary_wraps, deprecated, missing_docs, unreachable_pub)]

use alloc::{vec, vec::Vec};

use alloy_sol_types::sol;
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    call::Call,
    prelude::*,
    storage::{
        StorageAddress, StorageBool, StorageMap, StorageU16, StorageU256, StorageU64, StorageVec,
    },
};
use tributary_abi::{returns::Lineage, scope};

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

sol_interface! {
    interface ITestToken {
        function transferFrom(address from, address to, uint256 value) external returns (bool);
        function balanceOf(address account) external view returns (uint256);
    }
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

    pub fn deposit_token(
        &mut self,
        split_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<(), DoubleError> {
        if self.fail.get() {
            return Err(DepositRefused { splitId: split_id }.into());
        }
        let this = self.vm().contract_address();
        let from = self.vm().msg_sender();
        let before = ITestToken::new(token)
            .balance_of(&*self, this)
            .unwrap_or_default();
        let ok = ITestToken::new(token)
            .transfer_from(Call::new_in(self), from, this, amount)
            .unwrap_or(false);
        if !ok {
            return Err(InsufficientFunds {}.into());
        }
        let after = ITestToken::new(token)
            .balance_of(&*self, this)
            .unwrap_or_default();
        let total = self.deposited_token.getter(split_id).get(token) + (after - before);
        self.deposited_token
            .setter(split_id)
            .setter(token)
            .set(total);
        Ok(())
    }

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

/// License contract double: validity per token from configured state, tiers per token.
#[storage]
pub struct LicenseDouble {
    /// Licenses by token id.
    pub licenses: StorageMap<U256, LicenseRecord>,
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
            record.bps.push(stylus_sdk::alloy_primitives::U16::from(b));
        }
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
            .set(stylus_sdk::alloy_primitives::U64::from(expires_at));
    }

    /// Test setup: revoke.
    pub fn revoke(&mut self, token_id: U256) {
        self.licenses.setter(token_id).revoked.set(true);
    }

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

/// ERC-20 double; `fee_bps` of every transfer is burned (fee-on-transfer when non-zero).
#[storage]
pub struct TokenDouble {
    /// Balances.
    pub balances: StorageMap<Address, StorageU256>,
    /// Allowances.
    pub allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    /// Transfer fee in basis points.
    pub fee_bps: StorageU256,
}

unsafe impl TopLevelStorage for TokenDouble {}

impl TokenDouble {
    fn move_tokens(&mut self, from: Address, to: Address, value: U256) -> Result<(), DoubleError> {
        let balance = self.balances.get(from);
        if balance < value {
            return Err(InsufficientFunds {}.into());
        }
        self.balances.setter(from).set(balance - value);
        let fee = value * self.fee_bps.get() / U256::from(10_000);
        let credited = self.balances.get(to) + value - fee;
        self.balances.setter(to).set(credited);
        Ok(())
    }
}

#[public]
impl TokenDouble {
    /// Test setup: mint.
    pub fn mint(&mut self, to: Address, value: U256) {
        let balance = self.balances.get(to) + value;
        self.balances.setter(to).set(balance);
    }

    /// Test setup: transfer fee.
    pub fn set_fee(&mut self, fee_bps: U256) {
        self.fee_bps.set(fee_bps);
    }

    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.allowances.getter(owner).get(spender)
    }

    pub fn approve(&mut self, spender: Address, value: U256) -> bool {
        let owner = self.vm().msg_sender();
        self.allowances.setter(owner).setter(spender).set(value);
        true
    }

    pub fn transfer(&mut self, to: Address, value: U256) -> Result<bool, DoubleError> {
        let from = self.vm().msg_sender();
        self.move_tokens(from, to, value)?;
        Ok(true)
    }

    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, DoubleError> {
        let spender = self.vm().msg_sender();
        let allowed = self.allowances.getter(from).get(spender);
        if allowed < value {
            return Err(InsufficientFunds {}.into());
        }
        self.allowances
            .setter(from)
            .setter(spender)
            .set(allowed - value);
        self.move_tokens(from, to, value)?;
        Ok(true)
    }
}

/// One model of the registry double: its split, ancestry and parents as the views return them.
#[storage]
pub struct ModelRecord {
    /// The model's split id (0 = unknown model).
    pub split: StorageU256,
    /// Ancestors, as `ancestry` returns them.
    pub ancestry: StorageVec<StorageU256>,
    /// Parent datasets.
    pub datasets: StorageVec<StorageU256>,
    /// Dataset weights (bps).
    pub dataset_weights: StorageVec<StorageU256>,
    /// Licenses of the parent datasets.
    pub licenses: StorageVec<StorageU256>,
    /// Parent models.
    pub models: StorageVec<StorageU256>,
    /// Model shares (bps).
    pub model_weights: StorageVec<StorageU256>,
}

/// Registry double: the four views the router reads, answering whatever a test stored.
#[storage]
pub struct RegistryDouble {
    /// Models by id.
    pub models: StorageMap<U256, ModelRecord>,
    /// Dataset splits by dataset id.
    pub dataset_splits: StorageMap<U256, StorageU256>,
}

unsafe impl TopLevelStorage for RegistryDouble {}

fn store(vec: &mut StorageVec<StorageU256>, values: Vec<U256>) {
    for value in values {
        vec.push(value);
    }
}

fn load(vec: &StorageVec<StorageU256>) -> Vec<U256> {
    (0..vec.len()).filter_map(|i| vec.get(i)).collect()
}

#[public]
impl RegistryDouble {
    /// Test setup: a dataset's split.
    pub fn set_dataset_split(&mut self, dataset_id: U256, split: U256) {
        self.dataset_splits.setter(dataset_id).set(split);
    }

    /// Test setup: a model with split `split` and the given ancestry (no parents yet).
    pub fn set_model(&mut self, model_id: U256, split: U256, ancestry: Vec<U256>) {
        let mut record = self.models.setter(model_id);
        record.split.set(split);
        store(&mut record.ancestry, ancestry);
    }

    /// Test setup: a model's parent datasets with their weights and licenses.
    pub fn set_dataset_parents(
        &mut self,
        model_id: U256,
        datasets: Vec<U256>,
        weights: Vec<U256>,
        licenses: Vec<U256>,
    ) {
        let mut record = self.models.setter(model_id);
        store(&mut record.datasets, datasets);
        store(&mut record.dataset_weights, weights);
        store(&mut record.licenses, licenses);
    }

    /// Test setup: a model's parent models with their shares.
    pub fn set_model_parents(&mut self, model_id: U256, models: Vec<U256>, weights: Vec<U256>) {
        let mut record = self.models.setter(model_id);
        store(&mut record.models, models);
        store(&mut record.model_weights, weights);
    }

    /// `model(uint256)`: (owner, split, hash, kind); the router reads the split.
    pub fn model(&self, model_id: U256) -> (Address, U256, B256, u8) {
        (
            Address::ZERO,
            self.models.getter(model_id).split.get(),
            B256::ZERO,
            0,
        )
    }

    pub fn parents(&self, model_id: U256) -> Lineage {
        let record = self.models.getter(model_id);
        Lineage {
            datasets: load(&record.datasets),
            datasetWeights: load(&record.dataset_weights),
            licenses: load(&record.licenses),
            models: load(&record.models),
            modelWeights: load(&record.model_weights),
        }
    }

    pub fn ancestry(&self, model_id: U256) -> Vec<U256> {
        load(&self.models.getter(model_id).ancestry)
    }

    pub fn dataset_split(&self, dataset_id: U256) -> U256 {
        self.dataset_splits.get(dataset_id)
    }
}

/// `vec![a]` of a single contributor with one share.
pub fn solo(account: Address) -> (Vec<Address>, Vec<U256>) {
    (vec![account], vec![U256::from(1)])
}
