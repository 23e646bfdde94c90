//! Test doubles: wallets that accept or reject native currency. (The ERC-20 with an optional
//! transfer fee and a blacklist is `tributary_testkit::erc20::TestToken`.)
#![allow(clippy::unused_self, clippy::unnecessary_wraps)]

use alloc::vec::Vec;

use stylus_sdk::prelude::*;

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
