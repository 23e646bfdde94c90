//! The accepting ERC-721 receiver double: it records what the registry said about the model
//! when it was called. (The refusing receivers are `tributary_testkit::erc721`'s.)
#![allow(clippy::unused_self, clippy::unnecessary_wraps)] // the SDK's signatures

use alloc::vec::Vec;

use alloy_primitives::{aliases::B32, Address, U256};
use openzeppelin_stylus::token::erc721::RECEIVER_FN_SELECTOR;
use stylus_sdk::{
    abi::Bytes,
    prelude::*,
    storage::{StorageAddress, StorageU256},
};

/// The registry double's views the accepting receiver reads (the items `sol_interface!`
/// generates carry no documentation).
#[allow(missing_docs, unreachable_pub)]
mod calls {
    use stylus_sdk::prelude::*;

    sol_interface! {
        interface IRegistryView {
            function holder(uint256 model_id) external view returns (address);
            function moveCount() external view returns (uint256);
        }
    }
}

use calls::IRegistryView;

/// Accepts every token; records the arguments and, read from the registry during the call,
/// the model's holder there and the number of `moveModel` calls so far.
#[storage]
pub(crate) struct ModelReceiver {
    registry: StorageAddress,
    operator: StorageAddress,
    from: StorageAddress,
    token_id: StorageU256,
    data_len: StorageU256,
    registry_holder: StorageAddress,
    registry_moves: StorageU256,
}

unsafe impl TopLevelStorage for ModelReceiver {}

#[public]
impl ModelReceiver {
    pub(crate) fn set_registry(&mut self, registry: Address) {
        self.registry.set(registry);
    }

    #[selector(name = "onERC721Received")]
    pub(crate) fn on_erc721_received(
        &mut self,
        operator: Address,
        from: Address,
        token_id: U256,
        data: Bytes,
    ) -> Result<B32, Vec<u8>> {
        self.operator.set(operator);
        self.from.set(from);
        self.token_id.set(token_id);
        self.data_len.set(U256::from(data.len()));
        let registry = IRegistryView::new(self.registry.get());
        let holder = registry
            .holder(&*self, token_id)
            .map_err(|_| b"holder".to_vec())?;
        let moves = registry
            .move_count(&*self)
            .map_err(|_| b"moveCount".to_vec())?;
        self.registry_holder.set(holder);
        self.registry_moves.set(moves);
        Ok(RECEIVER_FN_SELECTOR)
    }

    /// (operator, from, tokenId, data length) of the last call.
    pub(crate) fn received(&self) -> (Address, Address, U256, U256) {
        (
            self.operator.get(),
            self.from.get(),
            self.token_id.get(),
            self.data_len.get(),
        )
    }

    /// (the model's holder in the registry, the registry's `moveModel` count), as the receiver
    /// saw them.
    pub(crate) fn registry_seen(&self) -> (Address, U256) {
        (self.registry_holder.get(), self.registry_moves.get())
    }
}

pub(crate) use tributary_testkit::erc721::{
    NotAReceiver, RevertingReceiver, WrongMagicReceiver, RECEIVER_REVERT_REASON,
};
