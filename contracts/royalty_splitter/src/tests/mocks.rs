//! Test doubles: wallets that accept or reject native currency, and a minimal ERC-20 with an
//! optional transfer fee and a blacklist.
#![allow(clippy::unused_self, clippy::unnecessary_wraps)]

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use stylus_sdk::{
    prelude::*,
    storage::{StorageBool, StorageMap, StorageU256},
};

/// A contract account that accepts native currency (motsu cannot pay plain addresses).
#[storage]
pub(crate) struct Wallet;

unsafe impl TopLevelStorage for Wallet {}

#[public]
impl Wallet {
    #[receive]
    fn receive(&mut self) -> Result<(), Vec<u8>> {
        Ok(())
    }
}

/// A contract account whose `receive` always reverts.
#[storage]
pub(crate) struct RejectingWallet;

unsafe impl TopLevelStorage for RejectingWallet {}

#[public]
impl RejectingWallet {
    #[receive]
    fn receive(&mut self) -> Result<(), Vec<u8>> {
        Err(b"rejected".to_vec())
    }
}

/// A minimal ERC-20: `feeBps` of every transfer is burnt (fee-on-transfer when non-zero), and
/// transfers from or to a blacklisted account revert.
#[storage]
pub(crate) struct TestToken {
    balances: StorageMap<Address, StorageU256>,
    allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    fee_bps: StorageU256,
    blacklisted: StorageMap<Address, StorageBool>,
}

unsafe impl TopLevelStorage for TestToken {}

#[public]
impl TestToken {
    pub(crate) fn mint(&mut self, to: Address, amount: U256) {
        let balance = self.balances.get(to);
        self.balances.setter(to).set(balance + amount);
    }

    pub(crate) fn set_fee_bps(&mut self, bps: U256) {
        self.fee_bps.set(bps);
    }

    pub(crate) fn set_blacklisted(&mut self, account: Address, blacklisted: bool) {
        self.blacklisted.setter(account).set(blacklisted);
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
        self.move_tokens(from, to, amount)?;
        Ok(true)
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
        self.move_tokens(from, to, amount)?;
        Ok(true)
    }
}

impl TestToken {
    fn move_tokens(&mut self, from: Address, to: Address, amount: U256) -> Result<(), Vec<u8>> {
        if self.blacklisted.get(from) || self.blacklisted.get(to) {
            return Err(b"blacklisted".to_vec());
        }
        let balance = self.balances.get(from);
        if balance < amount {
            return Err(b"balance".to_vec());
        }
        let fee = amount * self.fee_bps.get() / U256::from(10_000);
        self.balances.setter(from).set(balance - amount);
        let received = self.balances.get(to);
        self.balances.setter(to).set(received + amount - fee);
        Ok(())
    }
}
