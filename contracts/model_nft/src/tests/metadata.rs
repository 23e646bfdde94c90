//! ERC-721 Metadata with holder-set URIs (EIP-4906), ERC-165 and ERC-2981.

use alloy_primitives::{aliases::B32, fixed_bytes, keccak256, Address, U256};
use motsu::prelude::*;
use openzeppelin_stylus::{
    token::erc721::{Erc721, IErc721},
    utils::introspection::erc165::IErc165,
};
use tributary_abi::receiver::route_forwarder_address;

use super::*;

/// alloy's keccak256, the hash the contract takes from the host.
fn alloy_keccak(data: &[u8]) -> alloy_primitives::B256 {
    keccak256(data)
}

use crate::{
    errors::{ERC721IncorrectOwner, ERC721NonexistentToken, Error},
    events::MetadataUpdate,
    NAME, SYMBOL,
};

#[motsu::test]
fn name_and_symbol(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
) {
    deploy(&nft, &registry, router);
    assert_eq!(nft.sender(alice).name(), "Tributary Model");
    assert_eq!(nft.sender(alice).symbol(), "TMODEL");
    assert_eq!((NAME, SYMBOL), ("Tributary Model", "TMODEL"));
}

#[motsu::test]
fn the_holder_sets_the_token_uri(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
    bob: Address,
) {
    minted(&nft, &registry, router, alice);
    assert!(nft.sender(bob).token_uri(MODEL).motsu_unwrap().is_empty());

    let long = format!("ipfs://bafy-model-card/{}", "x".repeat(70));
    for uri in [
        long.as_str(),
        "ar://card",
        "",
        "a uri of exactly thirty-two bytes",
    ] {
        nft.sender(alice)
            .set_token_uri(MODEL, uri.into())
            .motsu_unwrap();
        nft.assert_emitted(&MetadataUpdate { _tokenId: MODEL });
        assert_eq!(
            nft.sender(bob).token_uri(MODEL).motsu_unwrap().as_slice(),
            uri.as_bytes(),
            "after setting {uri:?}"
        );
    }

    // The URI stays with the token; the new holder may change it, the old one may not.
    nft.sender(alice)
        .transfer_from(alice, bob, MODEL)
        .motsu_unwrap();
    assert_eq!(
        nft.sender(bob).token_uri(MODEL).motsu_unwrap().as_slice(),
        b"a uri of exactly thirty-two bytes"
    );
    nft.sender(bob)
        .set_token_uri(MODEL, "ipfs://bob".into())
        .motsu_unwrap();
    assert_eq!(
        nft.sender(alice).token_uri(MODEL).motsu_unwrap().as_slice(),
        b"ipfs://bob"
    );
    let err = nft
        .sender(alice)
        .set_token_uri(MODEL, "ipfs://alice".into())
        .motsu_unwrap_err();
    assert!(
        matches!(
            err,
            Error::IncorrectOwner(ERC721IncorrectOwner { sender, token_id, owner })
                if sender == alice && token_id == MODEL && owner == bob
        ),
        "{err:?}"
    );
}

#[motsu::test]
fn approved_accounts_do_not_set_the_uri(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
    bob: Address,
    operator: Address,
) {
    minted(&nft, &registry, router, alice);
    nft.sender(alice).approve(bob, MODEL).motsu_unwrap();
    nft.sender(alice)
        .set_approval_for_all(operator, true)
        .motsu_unwrap();
    for sender in [bob, operator] {
        let err = nft
            .sender(sender)
            .set_token_uri(MODEL, "ipfs://not-yours".into())
            .motsu_unwrap_err();
        assert!(
            matches!(
                err,
                Error::IncorrectOwner(ERC721IncorrectOwner { sender: s, token_id, owner })
                    if s == sender && token_id == MODEL && owner == alice
            ),
            "{err:?}"
        );
    }
    assert!(nft.sender(bob).token_uri(MODEL).motsu_unwrap().is_empty());
}

#[motsu::test]
fn uris_of_missing_tokens(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
) {
    minted(&nft, &registry, router, alice);
    let err = nft
        .sender(alice)
        .set_token_uri(MISSING, "ipfs://x".into())
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NonexistentToken(ERC721NonexistentToken { token_id }) if token_id == MISSING),
        "{err:?}"
    );
    let err = nft.sender(alice).token_uri(MISSING).motsu_unwrap_err();
    assert!(
        matches!(err, Error::NonexistentToken(ERC721NonexistentToken { token_id }) if token_id == MISSING),
        "{err:?}"
    );
}

#[motsu::test]
fn supports_exactly_the_standard_interfaces(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
) {
    deploy(&nft, &registry, router);
    let call = nft.sender(alice);
    for id in [
        fixed_bytes!("01ffc9a7"),
        fixed_bytes!("80ac58cd"),
        fixed_bytes!("5b5e139f"),
        fixed_bytes!("2a55205a"),
        fixed_bytes!("49064906"),
    ] {
        assert!(call.supports_interface(id), "{id}");
    }
    for id in [
        fixed_bytes!("ffffffff"),
        fixed_bytes!("00000000"),
        // ERC-4907 (rentals), which license tokens support and model tokens do not.
        fixed_bytes!("ad092b5c"),
    ] {
        assert!(!call.supports_interface(id), "{id}");
    }
    // The constants agree with OpenZeppelin's computed ids and the standards' function sets.
    assert!(call.supports_interface(<Erc721 as IErc721>::interface_id()));
    assert!(call.supports_interface(<Erc721 as IErc165>::interface_id()));
    let selector = |signature: &str| B32::from_slice(&keccak256(signature)[..4]);
    assert_eq!(
        selector("royaltyInfo(uint256,uint256)"),
        fixed_bytes!("2a55205a")
    );
    let metadata = selector("name()") ^ selector("symbol()") ^ selector("tokenURI(uint256)");
    assert_eq!(metadata, fixed_bytes!("5b5e139f"));
}

#[motsu::test]
fn royalties_go_to_the_models_route_forwarder(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
) {
    minted(&nft, &registry, router, alice);
    let other = MODEL + U256::from(1);
    nft.sender(registry.address())
        .mint(alice, other)
        .motsu_unwrap();
    for model in [MODEL, other] {
        let expected = route_forwarder_address(router, model, alloy_keccak);
        let (receiver, amount) = nft
            .sender(alice)
            .royalty_info(model, U256::from(1_000_000))
            .motsu_unwrap();
        assert_eq!(receiver, expected);
        assert_eq!(amount, U256::from(50_000)); // 5 %
    }
    assert_ne!(
        route_forwarder_address(router, MODEL, alloy_keccak),
        route_forwarder_address(router, other, alloy_keccak)
    );
    for (price, amount) in [
        (U256::ZERO, U256::ZERO),
        (U256::from(19), U256::ZERO),
        (U256::from(19_999), U256::from(999)),
        (U256::MAX, U256::MAX / U256::from(20)),
    ] {
        let (_, got) = nft.sender(alice).royalty_info(MODEL, price).motsu_unwrap();
        assert_eq!(got, amount, "price {price}");
    }
    let err = nft
        .sender(alice)
        .royalty_info(MISSING, U256::from(1))
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NonexistentToken(ERC721NonexistentToken { token_id }) if token_id == MISSING),
        "{err:?}"
    );
}

#[motsu::test]
fn royalties_at_0_and_100_percent(
    zero: Contract<ModelNft>,
    full: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
) {
    for (nft, bps) in [(&zero, 0u64), (&full, 10_000)] {
        nft.sender(alice)
            .constructor(registry.address(), router, U256::from(bps))
            .motsu_unwrap();
        nft.sender(registry.address())
            .mint(alice, MODEL)
            .motsu_unwrap();
        for price in [U256::from(1), U256::from(12_345), U256::MAX] {
            let (receiver, amount) = nft.sender(alice).royalty_info(MODEL, price).motsu_unwrap();
            assert_eq!(
                receiver,
                route_forwarder_address(router, MODEL, alloy_keccak)
            );
            let expected = if bps == 0 { U256::ZERO } else { price };
            assert_eq!(amount, expected, "{bps} bps of {price}");
        }
    }
}
