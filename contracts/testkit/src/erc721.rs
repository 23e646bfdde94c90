//! ERC-721 receiver doubles shared by the license and model token tests: a contract that
//! answers `onERC721Received` with the wrong magic value, one that reverts with a reason, and
//! one that is no receiver at all. (An empty revert cannot be modelled: motsu replaces empty
//! revert data with a "function not found" message.)
#![allow(clippy::unused_self)] // the SDK's signatures

use alloc::vec::Vec;

use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{aliases::B32, fixed_bytes, Address, U256},
    prelude::*,
    ArbResult,
};

/// Answers `onERC721Received` with the wrong magic value.
#[storage]
pub struct WrongMagicReceiver {}

unsafe impl TopLevelStorage for WrongMagicReceiver {}

#[public]
impl WrongMagicReceiver {
    /// `onERC721Received`: `0xdeadbeef`.
    #[selector(name = "onERC721Received")]
    pub fn on_erc721_received(
        &mut self,
        _operator: Address,
        _from: Address,
        _token_id: U256,
        _data: Bytes,
    ) -> B32 {
        fixed_bytes!("deadbeef")
    }
}

/// The revert reason of [`RevertingReceiver`].
pub const RECEIVER_REVERT_REASON: &str = "no tokens here";

/// Reverts `onERC721Received` with [`RECEIVER_REVERT_REASON`].
#[storage]
pub struct RevertingReceiver {}

unsafe impl TopLevelStorage for RevertingReceiver {}

#[public]
impl RevertingReceiver {
    /// `onERC721Received`: reverts with [`RECEIVER_REVERT_REASON`].
    #[selector(name = "onERC721Received")]
    pub fn on_erc721_received(
        &mut self,
        _operator: Address,
        _from: Address,
        _token_id: U256,
        _data: Bytes,
    ) -> Result<B32, Vec<u8>> {
        Err(RECEIVER_REVERT_REASON.as_bytes().to_vec())
    }
}

/// No ERC-721 receiver: a contract whose fallback accepts any call and answers nothing, so
/// `onERC721Received` "succeeds" without the magic value. (A contract without a fallback
/// reverts with empty data on chain, which `OpenZeppelin` reports the same way.)
#[storage]
pub struct NotAReceiver {}

unsafe impl TopLevelStorage for NotAReceiver {}

#[public]
impl NotAReceiver {
    /// Accepts any call and answers nothing.
    #[fallback]
    pub fn fallback(&mut self, _calldata: &[u8]) -> ArbResult {
        Ok(Vec::new())
    }
}
