//! The accepting ERC-721 receiver double. (The refusing receivers, the registry and the
//! splitter doubles are `tributary_testkit`'s.)
#![allow(clippy::unused_self)]

use alloy_primitives::{aliases::B32, Address, U256};
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

pub(crate) use tributary_testkit::erc721::{
    RevertingReceiver, WrongMagicReceiver, RECEIVER_REVERT_REASON,
};
