//! motsu tests of the model token contract, with the registry double of `tributary_testkit`
//! (`ModelRegistryDouble`, which records `moveModel`) and local ERC-721 receiver doubles.

mod doubles;
mod encoding;
mod erc721;
mod metadata;
mod transfers;

use alloy_primitives::{uint, Address, U256};
use motsu::prelude::*;
pub(crate) use tributary_testkit::models::{ModelRegistryDouble, MOVE_REFUSED_REASON};

pub(crate) use self::doubles::*;
use crate::ModelNft;

/// The model every fixture mints.
pub(crate) const MODEL: U256 = uint!(42_U256);
/// A model id nothing mints.
pub(crate) const MISSING: U256 = uint!(999_U256);
/// The resale royalty of the fixtures: 5 %.
pub(crate) const BPS: u64 = 500;

/// Constructs `nft` with the registry double, `router` and a 5 % resale royalty.
pub(crate) fn deploy(
    nft: &Contract<ModelNft>,
    registry: &Contract<ModelRegistryDouble>,
    router: Address,
) {
    nft.sender(Address::repeat_byte(0xde))
        .constructor(registry.address(), router, U256::from(BPS))
        .motsu_unwrap();
}

/// Deploys and mints [`MODEL`] to `holder` as the registry.
pub(crate) fn minted(
    nft: &Contract<ModelNft>,
    registry: &Contract<ModelRegistryDouble>,
    router: Address,
    holder: Address,
) {
    deploy(nft, registry, router);
    nft.sender(registry.address())
        .mint(holder, MODEL)
        .motsu_unwrap();
}

/// The recorded `moveModel` calls: (modelId, to, caller) each.
pub(crate) fn moves(registry: &Contract<ModelRegistryDouble>) -> Vec<(U256, Address, Address)> {
    let call = registry.sender(Address::ZERO);
    let count = call.move_count();
    (0..count.to::<u64>())
        .map(|i| call.moved(U256::from(i)))
        .collect()
}
