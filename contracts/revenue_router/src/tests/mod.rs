//! Motsu tests of the router with the real registry and test doubles for the splitter, the
//! license contract and an ERC-20 token.

mod doubles;
mod encoding;
mod revenue;
mod withdrawals;

use alloc::vec::Vec;

use attribution_registry::AttributionRegistry;
use motsu::prelude::*;
use stylus_sdk::alloy_primitives::{Address, U256};
use tributary_testkit::{
    attribution::{license_for, u, LicenseDouble, Parents, SplitterDouble},
    registry_fixtures,
};

use crate::{Error, RevenueRouter};

/// Deploys registry and router in the documented order and wires the doubles.
fn deploy(
    registry: &Contract<AttributionRegistry>,
    router: &Contract<RevenueRouter>,
    splitter: &Contract<SplitterDouble>,
    license: &Contract<LicenseDouble>,
    owner: Address,
) {
    deploy_registry(registry, splitter, license, owner);
    router
        .sender(owner)
        .constructor(registry.address(), license.address(), splitter.address())
        .motsu_unwrap();
}

// `deploy_registry`, `dataset` and `try_model`: the fixtures shared with the registry's tests.
registry_fixtures!(AttributionRegistry, attribution_registry::Error);

/// Registers a model owned by `owner` (sole contributor); the registry must accept it.
fn model(
    registry: &Contract<AttributionRegistry>,
    owner: Address,
    model_hash: u8,
    parents: Parents,
) -> U256 {
    try_model(registry, owner, model_hash, parents).motsu_unwrap()
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
