//! Transfers: `OpenZeppelin`'s `Erc721` moves the token, then the registry is told
//! (`moveModel(modelId, to)`), then (safe transfers only) the receiver is asked.
//!
//! The order is the checks-effects-interactions order: every state change of this contract (the
//! owner, both balances, the cleared approval, the `Transfer` log) is made before the first
//! external call, and the registry's own update is made before the receiver runs, so
//! `onERC721Received` sees the model fully moved (the token here and the holder and revenue
//! split in the registry). A revert anywhere (the registry's `moveModel`, the receiver's check)
//! reverts the whole transfer. Neither callee can re-enter this contract: Stylus contracts built
//! without the SDK's `reentrant` feature revert on reentry.
//!
//! The registry is called on every transfer, including one from the holder to itself (the
//! registry decides what a move to the same holder means); mints do not call it (the registry
//! is the minter) and there are no burns.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use openzeppelin_stylus::token::erc721::IErc721;
use stylus_sdk::{abi::Bytes, prelude::*};
use tributary_abi::{
    abi_words::{call_data, Word},
    calls::call,
    interfaces::IAttributionRegistry,
};

use crate::{errors::Error, ModelNft};

impl ModelNft {
    /// `transferFrom`: `OpenZeppelin`'s checks and move (caller authorised, `from` the holder,
    /// `to` non-zero), then `registry.moveModel(tokenId, to)`.
    pub(crate) fn move_token(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> Result<(), Error> {
        self.erc721.transfer_from(from, to, token_id)?;
        let data = call_data(
            IAttributionRegistry::moveModelCall::SELECTOR,
            &[token_id.word(), to.word()],
        );
        let registry = self.registry.get();
        call(self.vm(), registry, Some(U256::ZERO), &data)?;
        Ok(())
    }

    /// `safeTransferFrom`: [`Self::move_token`], then `OpenZeppelin`'s receiver check
    /// (`onERC721Received(msg.sender, from, tokenId, data)` if `to` has code; a wrong answer
    /// or an empty revert is `ERC721InvalidReceiver(to)`, a revert with data
    /// `InvalidReceiverWithReason`).
    pub(crate) fn safe_move(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
        data: &Bytes,
    ) -> Result<(), Error> {
        self.move_token(from, to, token_id)?;
        let operator = self.vm().msg_sender();
        Ok(self
            .erc721
            ._check_on_erc721_received(operator, from, to, token_id, data)?)
    }
}
