//! Motsu tests of the router with the real registry and test doubles for the splitter, the
//! license contract and an ERC-20 token.

mod doubles;
mod encoding;
mod revenue;

use alloc::vec::Vec;

use attribution_registry::AttributionRegistry;
use motsu::prelude::*;
use stylus_sdk::alloy_primitives::{Address, B256, U256};

use self::doubles::{solo, LicenseDouble, SplitterDouble};
use crate::{Error, RevenueRouter};

fn hash(n: u8) -> B256 {
    B256::repeat_byte(n)
}

fn u(v: u64) -> U256 {
    U256::from(v)
}

/// Deploys registry and router in the documented order and wires the doubles.
fn deploy(
    registry: &Contract<AttributionRegistry>,
    router: &Contract<RevenueRouter>,
    splitter: &Contract<SplitterDouble>,
    license: &Contract<LicenseDouble>,
    owner: Address,
) {
    registry
        .sender(owner)
        .constructor(owner, splitter.address())
        .motsu_unwrap();
    registry
        .sender(owner)
        .set_license_nft(license.address())
        .motsu_unwrap();
    router
        .sender(owner)
        .constructor(registry.address(), license.address(), splitter.address())
        .motsu_unwrap();
}

/// Registers a dataset owned by `owner` with `owner` as sole contributor.
fn dataset(registry: &Contract<AttributionRegistry>, owner: Address, content: u8) -> U256 {
    let (contributors, weights) = solo(owner);
    registry
        .sender(owner)
        .register_dataset(hash(content), "ipfs://data".into(), contributors, weights)
        .motsu_unwrap()
}

/// Issues license `token_id` on `dataset_id` to `holder` with tiers `thresholds`/`bps`.
fn license_for(
    license: &Contract<LicenseDouble>,
    token_id: u64,
    holder: Address,
    dataset_id: U256,
    thresholds: &[u64],
    bps: &[u16],
) {
    license.sender(holder).issue(
        u(token_id),
        holder,
        dataset_id,
        thresholds.iter().map(|t| u(*t)).collect(),
        bps.to_vec(),
    );
}

/// The parents of a model registration.
#[derive(Default, Clone)]
struct Parents {
    datasets: Vec<U256>,
    weights: Vec<U256>,
    licenses: Vec<U256>,
    models: Vec<U256>,
    model_weights: Vec<U256>,
}

impl Parents {
    fn dataset(mut self, id: U256, weight: u64, license: u64) -> Self {
        self.datasets.push(id);
        self.weights.push(u(weight));
        self.licenses.push(u(license));
        self
    }

    fn model(mut self, id: U256, bps: u64) -> Self {
        self.models.push(id);
        self.model_weights.push(u(bps));
        self
    }
}

/// Registers a model owned by `owner` (sole contributor).
fn model(
    registry: &Contract<AttributionRegistry>,
    owner: Address,
    model_hash: u8,
    parents: Parents,
) -> U256 {
    let (contributors, shares) = solo(owner);
    registry
        .sender(owner)
        .register_model(
            hash(model_hash),
            "ipfs://model".into(),
            parents.datasets,
            parents.weights,
            parents.licenses,
            parents.models,
            parents.model_weights,
            contributors,
            shares,
        )
        .motsu_unwrap()
}

#[motsu::test]
fn constructor_fixes_the_wiring(
    registry: Contract<AttributionRegistry>,
    router: Contract<RevenueRouter>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
) {
    deploy(&registry, &router, &splitter, &license, alice);
    assert_eq!(
        router.sender(alice).config(),
        (registry.address(), license.address(), splitter.address())
    );
}

#[motsu::test]
fn constructor_rejects_zero_addresses(
    router: Contract<RevenueRouter>,
    alice: Address,
    bob: Address,
    carol: Address,
) {
    for (r, l, s) in [
        (Address::ZERO, bob, carol),
        (alice, Address::ZERO, carol),
        (alice, bob, Address::ZERO),
    ] {
        let err = router.sender(alice).constructor(r, l, s).motsu_unwrap_err();
        assert!(matches!(err, Error::ZeroAddress(_)));
    }
}

#[motsu::test]
fn cumulative_revenue_of_unknown_models_is_zero(router: Contract<RevenueRouter>, alice: Address) {
    assert_eq!(
        router.sender(alice).cumulative_revenue(u(1), Address::ZERO),
        U256::ZERO
    );
}
