//! [`TestToken`]: a minimal ERC-20 with an optional fee on transfer and a blacklist.

use alloc::vec::Vec;

use stylus_sdk::{
    alloy_primitives::{Address, U256},
    prelude::*,
    storage::{StorageBool, StorageMap, StorageU256},
};

/// The two token calls the splitter doubles make to pull a deposit (the items
/// `sol_interface!` generates carry no documentation).
#[allow(missing_docs, unreachable_pub)]
mod calls {
    use stylus_sdk::prelude::*;

    sol_interface! {
        interface ITestToken {
            function transferFrom(address from, address to, uint256 amount) external returns (bool);
            function balanceOf(address account) external view returns (uint256);
        }
    }
}

use calls::ITestToken;

/// Pulls `amount` of `token` from the caller of `host` into `host` with `transferFrom`, as the
/// real splitter does, and returns what arrived: the balance delta, less than `amount` for a
/// fee-on-transfer token. `None` when a call reverts or `transferFrom` returns false.
pub(crate) fn pull<S: TopLevelStorage + HostAccess>(
    host: &mut S,
    token: Address,
    amount: U256,
) -> Option<U256> {
    let this = host.vm().contract_address();
    let from = host.vm().msg_sender();
    let erc20 = ITestToken::new(token);
    let before = erc20.balance_of(&*host, this).ok()?;
    let pulled = erc20.transfer_from(&mut *host, from, this, amount).ok()?;
    let after = erc20.balance_of(&*host, this).ok()?;
    pulled.then(|| after - before)
}

/// A minimal ERC-20: `fee_bps` of every transfer is burnt (fee-on-transfer when non-zero), and
/// transfers from or to a blacklisted account revert. Reverts carry a short reason: `balance`,
/// `allowance` or `blacklisted`.
#[storage]
pub struct TestToken {
    balances: StorageMap<Address, StorageU256>,
    allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    fee_bps: StorageU256,
    blacklisted: StorageMap<Address, StorageBool>,
}

unsafe impl TopLevelStorage for TestToken {}

#[public]
impl TestToken {
    /// Test setup: credits `amount` to `to`.
    pub fn mint(&mut self, to: Address, amount: U256) {
        let balance = self.balances.get(to);
        self.balances.setter(to).set(balance + amount);
    }

    /// Test setup: the share of every transfer that is burnt, in basis points.
    pub fn set_fee_bps(&mut self, bps: U256) {
        self.fee_bps.set(bps);
    }

    /// Test setup: makes every transfer from or to `account` revert (or stops doing so).
    pub fn set_blacklisted(&mut self, account: Address, blacklisted: bool) {
        self.blacklisted.setter(account).set(blacklisted);
    }

    /// `balanceOf(address)`.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    /// `allowance(address,address)`.
    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.allowances.get(owner).get(spender)
    }

    /// `approve(address,uint256)`: always succeeds.
    pub fn approve(&mut self, spender: Address, amount: U256) -> bool {
        let owner = self.vm().msg_sender();
        self.allowances.setter(owner).setter(spender).set(amount);
        true
    }

    /// `transfer(address,uint256)`.
    pub fn transfer(&mut self, to: Address, amount: U256) -> Result<bool, Vec<u8>> {
        let from = self.vm().msg_sender();
        self.move_tokens(from, to, amount)?;
        Ok(true)
    }

    /// `transferFrom(address,address,uint256)`: spends the caller's allowance.
    pub fn transfer_from(
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
