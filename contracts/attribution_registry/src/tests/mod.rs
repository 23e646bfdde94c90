//! Motsu tests of the registry with test doubles for the splitter, the license contract and an
//! ERC-20 token; `merkle` (Merkle datasets, handing a split over) runs on the real royalty
//! splitter.

mod datasets;
mod encoding;
mod merkle;
mod models;

use alloc::{vec, vec::Vec};

use motsu::prelude::*;
use stylus_sdk::alloy_primitives::{Address, B256, U256};
use tributary_testkit::{
    attribution::{
        self as doubles, hash, license_for, solo, u, LicenseDouble, Parents, SplitterDouble,
    },
    registry_fixtures,
};

use crate::{AttributionRegistry, Error};

// `deploy_registry`, `dataset` and `try_model`: the fixtures shared with the router's tests.
// Here `deploy` is `deploy_registry` and `model` is `try_model` itself (the tests check the
// registry's answer).
registry_fixtures!(AttributionRegistry, Error);
use self::{deploy_registry as deploy, try_model as model};

#[motsu::test]
fn constructor_sets_owner_and_splitter(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
) {
    deploy(&registry, &splitter, &license, alice);
    assert_eq!(registry.sender(alice).owner(), alice);
    assert_eq!(registry.sender(alice).splitter(), splitter.address());
    assert_eq!(registry.sender(alice).license_nft(), license.address());
    registry.assert_emitted(
        &openzeppelin_stylus::access::ownable::OwnershipTransferred {
            previous_owner: Address::ZERO,
            new_owner: alice,
        },
    );
    registry.assert_emitted(&crate::events::LicenseNftSet {
        license: license.address(),
    });
}

#[motsu::test]
fn constructor_rejects_zero_addresses(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    alice: Address,
) {
    let err = registry
        .sender(alice)
        .constructor(Address::ZERO, splitter.address())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidOwner(_)));
    let err = registry
        .sender(alice)
        .constructor(alice, Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAddress(_)));
}

#[motsu::test]
fn set_license_nft_is_owner_only_nonzero_and_once(
    registry: Contract<AttributionRegistry>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
    bob: Address,
) {
    registry
        .sender(alice)
        .constructor(alice, splitter.address())
        .motsu_unwrap();
    assert_eq!(registry.sender(alice).license_nft(), Address::ZERO);
    let err = registry
        .sender(bob)
        .set_license_nft(license.address())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    let err = registry
        .sender(alice)
        .set_license_nft(Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAddress(_)));
    registry
        .sender(alice)
        .set_license_nft(license.address())
        .motsu_unwrap();
    let err = registry
        .sender(alice)
        .set_license_nft(bob)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::LicenseNftAlreadySet(e) if e.current == license.address()));
}
