//! ERC-721 receiver doubles: contracts that accept a license token, answer with the wrong magic
//! value or revert. (The registry and splitter doubles are `tributary_testkit`'s.)
#![allow(clippy::unused_self)]

use alloc::vec::Vec;

use alloy_primitives::{aliases::B32, fixed_bytes, Address, U256};
use openzeppelin_stylus::token::erc721::RECEIVER_FN_SELECTOR;
use stylus_sdk::{abi::Bytes, prelude::*, storage::StorageU256};

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
