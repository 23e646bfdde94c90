//! Motsu tests of the splitter: one module per concern, shared helpers here.

mod admin;
mod encoding;
mod invariants;
mod listed;
mod merkle;
mod mocks;
mod receiver;
mod tokens;

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use motsu::prelude::*;

use crate::RoyaltySplitter;

/// Native currency in the token position.
pub(crate) const NATIVE: Address = Address::ZERO;

/// `n` as a `U256`.
pub(crate) fn u(n: u128) -> U256 {
    U256::from(n)
}

/// Sorts `(recipient, shares)` pairs by recipient and splits them into the two arrays.
pub(crate) fn sorted(mut pairs: Vec<(Address, u128)>) -> (Vec<Address>, Vec<U256>) {
    pairs.sort_by_key(|p| p.0);
    pairs.into_iter().map(|(a, s)| (a, U256::from(s))).unzip()
}

/// Deploys the splitter owned by `owner`.
pub(crate) fn init(splitter: &Contract<RoyaltySplitter>, owner: Address) {
    splitter.sender(owner).constructor(owner).motsu_unwrap();
}

/// Creates a listed split from `pairs` with `controller`.
pub(crate) fn create(
    splitter: &Contract<RoyaltySplitter>,
    caller: Address,
    pairs: Vec<(Address, u128)>,
    controller: Address,
) -> U256 {
    let (recipients, shares) = sorted(pairs);
    splitter
        .sender(caller)
        .create_split(recipients, shares, controller)
        .motsu_unwrap()
}
