//! Wiring and the offers-only entry points: the constructor, `setLicenseOffers` (owner,
//! once), and `registerOffer` / `issue`, which only the configured offers contract may call.

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use openzeppelin_stylus::{
    access::ownable::{OwnableInvalidOwner, OwnableUnauthorizedAccount},
    token::erc721::ERC721InvalidSender,
};

use super::*;
use crate::{
    errors::{
        Error, LicenseOffersAlreadySet, NotLicenseOffers, OfferAlreadyRegistered, UnknownOffer,
        ZeroAddress,
    },
    events::{LicenseOffersSet, OfferTermsRegistered},
    terms::TERMS_WORDS,
};

/// `registerOffer` terms: `TERMS_WORDS` zero words and a URI.
fn raw_terms() -> stylus_sdk::abi::Bytes {
    let mut terms = Vec::from([0u8; 32 * TERMS_WORDS]);
    terms.extend_from_slice(b"ipfs://x");
    terms.into()
}

#[motsu::test]
fn constructor_refuses_a_zero_owner(nft: Contract<LicenseNft>, admin: Address) {
    let err = nft
        .sender(admin)
        .constructor(Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidContractOwner(OwnableInvalidOwner { owner }) if owner.is_zero()
    ));
}

#[motsu::test]
fn offers_contract_is_set_once_by_the_owner(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    admin: Address,
    stranger: Address,
) {
    nft.sender(admin).constructor(admin).motsu_unwrap();
    assert_eq!(nft.sender(admin).license_offers(), Address::ZERO);
    let err = nft
        .sender(stranger)
        .set_license_offers(offers.address())
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == stranger
    ));
    let err = nft
        .sender(admin)
        .set_license_offers(Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAddress(ZeroAddress {})));

    nft.sender(admin)
        .set_license_offers(offers.address())
        .motsu_unwrap();
    nft.assert_emitted(&LicenseOffersSet {
        licenseOffers: offers.address(),
    });
    assert_eq!(nft.sender(admin).license_offers(), offers.address());
    let err = nft
        .sender(admin)
        .set_license_offers(stranger)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::LicenseOffersAlreadySet(LicenseOffersAlreadySet { licenseOffers }) if licenseOffers == offers.address()
    ));
}

#[motsu::test]
fn only_the_offers_contract_registers_and_issues(
    nft: Contract<LicenseNft>,
    admin: Address,
    offers_account: Address,
    stranger: Address,
    buyer: Address,
) {
    nft.sender(admin).constructor(admin).motsu_unwrap();
    // Before any offers contract is configured, nobody may register or issue.
    let err = nft
        .sender(stranger)
        .register_offer(U256::from(1), raw_terms())
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::NotLicenseOffers(NotLicenseOffers { account }) if account == stranger
    ));
    nft.sender(admin)
        .set_license_offers(offers_account)
        .motsu_unwrap();

    let err = nft
        .sender(stranger)
        .register_offer(U256::from(1), raw_terms())
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotLicenseOffers(_)));
    let token = tributary_abi::packed::license_token_id(1, 1);
    let err = nft
        .sender(stranger)
        .issue(buyer, token, 0)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotLicenseOffers(_)));

    // Issuing under an offer that was never registered is refused: the token id names offer 1.
    let err = nft
        .sender(offers_account)
        .issue(buyer, token, 0)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::UnknownOffer(UnknownOffer { offerId }) if offerId == U256::from(1)
    ));

    nft.sender(offers_account)
        .register_offer(U256::from(1), raw_terms())
        .motsu_unwrap();
    nft.assert_emitted(&OfferTermsRegistered {
        offerId: U256::from(1),
        datasetId: U256::ZERO,
    });
    let err = nft
        .sender(offers_account)
        .register_offer(U256::from(1), raw_terms())
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::OfferAlreadyRegistered(OfferAlreadyRegistered { offerId }) if offerId == U256::from(1)
    ));

    nft.sender(offers_account)
        .issue(buyer, token, 0)
        .motsu_unwrap();
    assert_eq!(nft.sender(buyer).owner_of(token).motsu_unwrap(), buyer);
    assert_eq!(
        nft.sender(buyer).license(token).motsu_unwrap().0,
        U256::from(1),
        "the token id names its offer"
    );
    // A token id is issued once.
    let err = nft
        .sender(offers_account)
        .issue(buyer, token, 0)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidSender(ERC721InvalidSender { sender }) if sender.is_zero()
    ));
    assert_eq!(
        nft.sender(buyer).token_uri(token).motsu_unwrap().as_slice(),
        b"ipfs://x"
    );
}

/// The terms URI is stored length first, packed with its bytes (`store`): every length reads
/// back exactly, across the word boundaries.
#[motsu::test]
fn terms_uris_of_every_length_read_back(
    nft: Contract<LicenseNft>,
    admin: Address,
    offers_account: Address,
    buyer: Address,
) {
    nft.sender(admin).constructor(admin).motsu_unwrap();
    nft.sender(admin)
        .set_license_offers(offers_account)
        .motsu_unwrap();
    for (offer, len) in [1usize, 27, 28, 29, 31, 32, 33, 60, 61, 200]
        .into_iter()
        .enumerate()
    {
        let offer = offer as u64 + 1;
        let uri: Vec<u8> = (0..len)
            .map(|i| b"abcdefghijklmnopqrstuvwxyz"[i % 26])
            .collect();
        let mut terms = Vec::from([0u8; 32 * TERMS_WORDS]);
        terms.extend_from_slice(&uri);
        nft.sender(offers_account)
            .register_offer(U256::from(offer), terms.into())
            .motsu_unwrap();
        let token = tributary_abi::packed::license_token_id(offer, 1);
        nft.sender(offers_account)
            .issue(buyer, token, 0)
            .motsu_unwrap();
        assert_eq!(
            nft.sender(buyer).token_uri(token).motsu_unwrap().as_slice(),
            uri.as_slice(),
            "a URI of {len} bytes"
        );
    }
}
