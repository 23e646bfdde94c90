//! Accounts that receive native currency: motsu pays only contracts, so a test recipient of a
//! native payout is one of these (the Datanets' stake refunds, the revenue router's
//! `withdrawAll`).
// The SDK's `#[receive]` signature: `&mut self` and a `Result`.
#![allow(clippy::unused_self, clippy::unnecessary_wraps)]

use alloc::vec::Vec;

use stylus_sdk::prelude::*;

/// A contract account that accepts native currency.
#[storage]
pub struct Wallet;

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
pub struct RejectingWallet;

unsafe impl TopLevelStorage for RejectingWallet {}

#[public]
impl RejectingWallet {
    #[receive]
    fn receive(&mut self) -> Result<(), Vec<u8>> {
        Err(b"rejected".to_vec())
    }
}
