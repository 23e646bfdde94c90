//! Motsu tests of the registry with test doubles for the splitter, the license contract and an
//! ERC-20 token.

mod datasets;
mod doubles;
mod encoding;
mod models;

use alloc::{vec, vec::Vec};

use motsu::prelude::*;
use stylus_sdk::alloy_primitives::{Address, B256, U256};

use self::doubles::{solo, LicenseDouble, SplitterDouble};
use crate::{AttributionRegistry, Error};

fn hash(n: u8) -> B256 {
    B256::repeat_byte(n)
}

fn u(v: u64) -> U256 {
    U256::from(v)
}

/// Deploys the registry with `owner` and wires the splitter and license doubles.
fn deploy(
    registry: &Contract<AttributionRegistry>,
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
}

/// Registers a dataset owned by `owner` with `owner` as sole contributor.
fn dataset(registry: &Contract<AttributionRegistry>, owner: Address, content: u8) -> U256 {
    let (contributors, weights) = solo(owner);
    registry
        .sender(owner)
        .register_dataset(hash(content), "ipfs://data".into(), contributors, weights)
        .motsu_unwrap()
}

/// Issues license `token_id` on `dataset_id` to `holder` with flat tiers `bps`.
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
) -> Result<U256, Error> {
    let (contributors, shares) = solo(owner);
    registry.sender(owner).register_model(
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
}

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
