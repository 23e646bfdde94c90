//! Small contracts standing in for the attribution registry, the royalty splitter and an
//! ERC-20 token. They implement exactly the functions the license contracts call and record what
//! they receive so tests can assert exact amounts.
#![allow(clippy::unused_self, deprecated)] // `Call::new_in` is the 0.9 way to call from a double

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use stylus_sdk::{
    call::Call,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256},
};

sol_interface! {
    interface ITestToken {
        function transferFrom(address from, address to, uint256 amount) external returns (bool);
        function balanceOf(address account) external view returns (uint256);
    }
}

/// Registry double: dataset owners and splits set by the test.
#[storage]
pub(crate) struct RegistryDouble {
    owners: StorageMap<U256, StorageAddress>,
    splits: StorageMap<U256, StorageU256>,
}

unsafe impl TopLevelStorage for RegistryDouble {}

#[public]
impl RegistryDouble {
    pub(crate) fn set_dataset(&mut self, dataset_id: U256, owner: Address, split_id: U256) {
        self.owners.setter(dataset_id).set(owner);
        self.splits.setter(dataset_id).set(split_id);
    }

    pub(crate) fn dataset_owner(&self, dataset_id: U256) -> Address {
        self.owners.get(dataset_id)
    }

    pub(crate) fn dataset_split(&self, dataset_id: U256) -> U256 {
        self.splits.get(dataset_id)
    }
}

/// Split 0 is unknown to the splitter double (its calls revert with `UNKNOWN_SPLIT`).
pub(crate) const UNKNOWN_SPLIT_REASON: &[u8] = b"unknown split";
/// For this split the splitter double reports no royalty receiver.
pub(crate) const NO_RECEIVER_SPLIT: U256 = U256::from_limbs([99, 0, 0, 0]);

/// The ERC-2981 receiver the splitter double reports for `split_id`.
pub(crate) fn receiver_of(split_id: U256) -> Address {
    let mut bytes = [0u8; 20];
    bytes[0] = 0xAA;
    bytes[12..].copy_from_slice(&split_id.to_be_bytes::<32>()[24..]);
    Address::from(bytes)
}

/// Splitter double: records native and token deposits per split.
#[storage]
pub(crate) struct SplitterDouble {
    native: StorageMap<U256, StorageU256>,
    tokens: StorageMap<U256, StorageU256>,
    last_token: StorageAddress,
    reject: StorageBool,
}

unsafe impl TopLevelStorage for SplitterDouble {}

#[public]
impl SplitterDouble {
    pub(crate) fn set_reject(&mut self, reject: bool) {
        self.reject.set(reject);
    }

    #[payable]
    pub(crate) fn deposit(&mut self, split_id: U256) -> Result<(), Vec<u8>> {
        self.check(split_id)?;
        let value = self.vm().msg_value();
        let total = self.native.get(split_id) + value;
        self.native.setter(split_id).set(total);
        Ok(())
    }

    /// Pulls `amount` from the caller like the real splitter and credits the balance delta.
    pub(crate) fn deposit_token(
        &mut self,
        split_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<(), Vec<u8>> {
        self.check(split_id)?;
        let this = self.vm().contract_address();
        let from = self.vm().msg_sender();
        let erc20 = ITestToken::new(token);
        let before = erc20
            .balance_of(Call::new_in(self), this)
            .map_err(|_| b"balance".to_vec())?;
        erc20
            .transfer_from(Call::new_in(self), from, this, amount)
            .map_err(|_| b"pull failed".to_vec())?;
        let after = erc20
            .balance_of(Call::new_in(self), this)
            .map_err(|_| b"balance".to_vec())?;
        let total = self.tokens.get(split_id) + (after - before);
        self.tokens.setter(split_id).set(total);
        self.last_token.set(token);
        Ok(())
    }

    pub(crate) fn royalty_receiver(&mut self, split_id: U256) -> Result<Address, Vec<u8>> {
        self.check(split_id)?;
        if split_id == NO_RECEIVER_SPLIT {
            return Ok(Address::ZERO);
        }
        Ok(receiver_of(split_id))
    }

    pub(crate) fn native_deposited(&self, split_id: U256) -> U256 {
        self.native.get(split_id)
    }

    pub(crate) fn token_deposited(&self, split_id: U256) -> U256 {
        self.tokens.get(split_id)
    }

    pub(crate) fn last_token(&self) -> Address {
        self.last_token.get()
    }
}

impl SplitterDouble {
    fn check(&self, split_id: U256) -> Result<(), Vec<u8>> {
        if split_id.is_zero() || self.reject.get() {
            return Err(UNKNOWN_SPLIT_REASON.to_vec());
        }
        Ok(())
    }
}

/// Minimal ERC-20 with an optional fee on transfer (burned), in basis points.
#[storage]
pub(crate) struct TestErc20 {
    balances: StorageMap<Address, StorageU256>,
    allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    fee_bps: StorageU256,
}

unsafe impl TopLevelStorage for TestErc20 {}

#[public]
impl TestErc20 {
    pub(crate) fn mint(&mut self, to: Address, amount: U256) {
        let balance = self.balances.get(to) + amount;
        self.balances.setter(to).set(balance);
    }

    pub(crate) fn set_fee_bps(&mut self, fee_bps: U256) {
        self.fee_bps.set(fee_bps);
    }

    pub(crate) fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    pub(crate) fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.allowances.get(owner).get(spender)
    }

    pub(crate) fn approve(&mut self, spender: Address, amount: U256) -> bool {
        let owner = self.vm().msg_sender();
        self.allowances.setter(owner).setter(spender).set(amount);
        true
    }

    pub(crate) fn transfer(&mut self, to: Address, amount: U256) -> Result<bool, Vec<u8>> {
        let from = self.vm().msg_sender();
        self.move_tokens(from, to, amount)
    }

    pub(crate) fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        amount: U256,
    ) -> Result<bool, Vec<u8>> {
        let spender = self.vm().msg_sender();
        let allowed = self.allowances.get(from).get(spender);
        if allowed < amount {
            return Err(b"allowance".to_vec());
        }
        self.allowances
            .setter(from)
            .setter(spender)
            .set(allowed - amount);
        self.move_tokens(from, to, amount)
    }
}

impl TestErc20 {
    fn move_tokens(&mut self, from: Address, to: Address, amount: U256) -> Result<bool, Vec<u8>> {
        let balance = self.balances.get(from);
        if balance < amount {
            return Err(b"balance".to_vec());
        }
        self.balances.setter(from).set(balance - amount);
        let fee = amount * self.fee_bps.get() / U256::from(10_000);
        let credited = self.balances.get(to) + amount - fee;
        self.balances.setter(to).set(credited);
        Ok(true)
    }
}
