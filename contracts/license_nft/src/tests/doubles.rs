//! Small contracts standing in for the attribution registry, the royalty splitter, an ERC-20
//! token and ERC-721 receivers. They implement exactly the functions the license contract
//! calls and record what they receive so tests can assert exact amounts.
#![allow(clippy::unused_self, deprecated)] // `Call::new_in` is the 0.9 way to call from a double

use alloc::vec::Vec;

use alloy_primitives::{aliases::B32, fixed_bytes, Address, U256};
use openzeppelin_stylus::token::erc721::RECEIVER_FN_SELECTOR;
use stylus_sdk::{
    abi::Bytes,
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

/// What the receiver doubles do in `onERC721Received`.
#[storage]
pub(crate) struct AcceptingReceiver {
    received: StorageU256,
}

unsafe impl TopLevelStorage for AcceptingReceiver {}

#[public]
impl AcceptingReceiver {
    #[selector(name = "onERC721Received")]
    pub(crate) fn on_erc721_received(
        &mut self,
        _operator: Address,
        _from: Address,
        token_id: U256,
        _data: Bytes,
    ) -> B32 {
        self.received.set(token_id);
        RECEIVER_FN_SELECTOR
    }

    pub(crate) fn received(&self) -> U256 {
        self.received.get()
    }
}

/// Returns the wrong magic value.
#[storage]
pub(crate) struct WrongMagicReceiver {}

unsafe impl TopLevelStorage for WrongMagicReceiver {}

#[public]
impl WrongMagicReceiver {
    #[selector(name = "onERC721Received")]
    pub(crate) fn on_erc721_received(
        &mut self,
        _operator: Address,
        _from: Address,
        _token_id: U256,
        _data: Bytes,
    ) -> B32 {
        fixed_bytes!("deadbeef")
    }
}

/// Reverts with a reason. (An empty revert cannot be modelled: motsu replaces empty revert data
/// with a "function not found" message.)
#[storage]
pub(crate) struct RevertingReceiver {}

unsafe impl TopLevelStorage for RevertingReceiver {}

/// The revert reason of [`RevertingReceiver`].
pub(crate) const RECEIVER_REVERT_REASON: &str = "no licenses here";

#[public]
impl RevertingReceiver {
    #[selector(name = "onERC721Received")]
    pub(crate) fn on_erc721_received(
        &mut self,
        _operator: Address,
        _from: Address,
        _token_id: U256,
        _data: Bytes,
    ) -> Result<B32, Vec<u8>> {
        Err(RECEIVER_REVERT_REASON.as_bytes().to_vec())
    }
}
