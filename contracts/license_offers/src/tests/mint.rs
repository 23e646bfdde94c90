//! Buying licenses: price checks, supply, and the whole price routed into the dataset's split
//! (native and ERC-20, including a fee-on-transfer token).

use alloy_primitives::{uint, Address, U256};
use motsu::prelude::*;
use openzeppelin_stylus::token::{
    erc20::utils::safe_erc20::SafeErc20FailedOperation, erc721::ERC721InvalidReceiver,
};
use tributary_abi::terms::MAX_DURATION;

use super::*;
use crate::{
    errors::{
        Error, ExternalCallFailed, IncorrectPayment, InvalidDuration, OfferIsPaused,
        OfferIsRetired, OfferSoldOut, PriceAboveMax, UnknownOffer,
    },
    events::LicenseIssued,
};

#[motsu::test]
fn native_price_goes_into_the_split(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
    holder: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let offer_id = offer(&offers, owner, case_study_terms(arbiter));
    buyer.fund(PRICE);
    let token = offers
        .sender_and_value(buyer, PRICE)
        .mint(offer_id, holder, PRICE)
        .motsu_unwrap();

    assert_eq!(
        token,
        tributary_abi::packed::license_token_id(1, 1),
        "license 1 of offer 1"
    );
    assert_eq!(nft.sender(buyer).owner_of(token).motsu_unwrap(), holder);
    assert_eq!(splitter.sender(admin).native_deposited(SPLIT), PRICE);
    assert_eq!(splitter.balance(), PRICE);
    assert_eq!(offers.balance(), U256::ZERO);
    assert_eq!(eth_balance(buyer), U256::ZERO);

    let start = now(&nft);
    let expires = start + DURATION;
    offers.assert_emitted(&LicenseIssued {
        tokenId: token,
        offerId: offer_id,
        licensee: holder,
        payer: buyer,
        price: PRICE,
        expiresAt: expires,
    });
    assert_eq!(
        nft.sender(buyer).license(token).motsu_unwrap(),
        (offer_id, start, expires, false, false)
    );
    assert_eq!(offers.sender(buyer).offer(offer_id).motsu_unwrap().4, 1);
}

#[motsu::test]
fn price_above_max_is_refused(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let offer_id = offer(&offers, owner, case_study_terms(arbiter));
    buyer.fund(PRICE);
    let max = PRICE - U256::from(1);
    let err = offers
        .sender_and_value(buyer, PRICE)
        .mint(offer_id, buyer, max)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::PriceAboveMax(PriceAboveMax { price, maxPrice }) if price == PRICE && maxPrice == max
    ));
    // Nothing moved.
    assert_eq!(eth_balance(buyer), PRICE);
    assert_eq!(splitter.sender(admin).native_deposited(SPLIT), U256::ZERO);
    assert_eq!(
        nft.sender(buyer).balance_of(buyer).motsu_unwrap(),
        U256::ZERO
    );
}

#[motsu::test]
fn wrong_native_value_is_refused(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let offer_id = offer(&offers, owner, case_study_terms(arbiter));
    let more = PRICE + U256::from(1);
    buyer.fund(more);
    for sent in [PRICE - U256::from(1), more, U256::ZERO] {
        let err = offers
            .sender_and_value(buyer, sent)
            .mint(offer_id, buyer, more)
            .motsu_unwrap_err();
        assert!(matches!(
            err,
            Error::IncorrectPayment(IncorrectPayment { expected, received }) if expected == PRICE && received == sent
        ));
    }
    assert_eq!(eth_balance(buyer), more);
}

#[motsu::test]
fn free_offer_mints_without_deposit(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let offer_id = offer(
        &offers,
        owner,
        terms_with(arbiter, |t| t.price = U256::ZERO),
    );
    let token = offers
        .sender(buyer)
        .mint(offer_id, buyer, U256::ZERO)
        .motsu_unwrap();
    assert_eq!(nft.sender(buyer).owner_of(token).motsu_unwrap(), buyer);
    assert_eq!(splitter.sender(admin).native_deposited(SPLIT), U256::ZERO);
}

#[motsu::test]
fn paused_retired_unknown_and_sold_out_offers_do_not_mint(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let offer_id = offer(&offers, owner, terms_with(arbiter, |t| t.maxSupply = 2));
    buyer.fund(PRICE);
    let mint = |id: U256| {
        offers
            .sender_and_value(buyer, PRICE)
            .mint(id, buyer, PRICE)
            .motsu_unwrap_err()
    };

    offers
        .sender(owner)
        .set_offer_paused(offer_id, true)
        .motsu_unwrap();
    assert!(
        matches!(mint(offer_id), Error::OfferIsPaused(OfferIsPaused { offerId }) if offerId == offer_id)
    );
    offers
        .sender(owner)
        .set_offer_paused(offer_id, false)
        .motsu_unwrap();

    assert!(matches!(
        mint(U256::from(9)),
        Error::UnknownOffer(UnknownOffer { .. })
    ));

    buy(&offers, offer_id, buyer, PRICE);
    buy(&offers, offer_id, buyer, PRICE);
    assert!(matches!(
        mint(offer_id),
        Error::OfferSoldOut(OfferSoldOut { offerId, maxSupply: 2 }) if offerId == offer_id
    ));

    // Existing licenses survive retirement.
    offers.sender(owner).retire_offer(offer_id).motsu_unwrap();
    assert!(matches!(
        mint(offer_id),
        Error::OfferIsRetired(OfferIsRetired { .. })
    ));
    assert!(nft.sender(buyer).is_valid(
        tributary_abi::packed::license_token_id(1, 1),
        U256::from(tributary_abi::scope::TRAIN)
    ));
    assert_eq!(eth_balance(buyer), PRICE);
}

#[motsu::test]
fn mint_to_zero_address_is_refused(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let offer_id = offer(&offers, owner, case_study_terms(arbiter));
    buyer.fund(PRICE);
    let err = offers
        .sender_and_value(buyer, PRICE)
        .mint(offer_id, Address::ZERO, PRICE)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidReceiver(ERC721InvalidReceiver {
            receiver: Address::ZERO
        })
    ));
    assert_eq!(offers.sender(owner).offer(offer_id).motsu_unwrap().4, 0);
}

#[motsu::test]
fn the_longest_duration_fits_the_license_stamp(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let offer_id = offer(
        &offers,
        owner,
        terms_with(arbiter, |t| t.duration = MAX_DURATION),
    );
    let token = buy(&offers, offer_id, buyer, PRICE);
    let (_, starts_at, expires_at, _, _) = nft.sender(buyer).license(token).motsu_unwrap();
    assert_eq!(expires_at, starts_at + MAX_DURATION);
    assert_eq!(starts_at, now(&nft));
    // One second longer is refused when the offer is made, not at mint.
    let err = offers
        .sender(owner)
        .create_offer(terms_with(arbiter, |t| t.duration = MAX_DURATION + 1))
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidDuration(InvalidDuration { duration }) if duration == MAX_DURATION + 1
    ));
}

#[motsu::test]
fn failing_split_deposit_reverts_the_mint(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let offer_id = offer(&offers, owner, case_study_terms(arbiter));
    splitter.sender(admin).set_reject(true);
    buyer.fund(PRICE);
    let err = offers
        .sender_and_value(buyer, PRICE)
        .mint(offer_id, buyer, PRICE)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::ExternalCallFailed(ExternalCallFailed { target, .. }) if target == splitter.address()
    ));
    assert_eq!(eth_balance(buyer), PRICE);
    assert_eq!(
        nft.sender(buyer).balance_of(buyer).motsu_unwrap(),
        U256::ZERO
    );
    assert_eq!(offers.sender(owner).offer(offer_id).motsu_unwrap().4, 0);
}

/// An ERC-20 offer priced at 1,000 token units.
const TOKEN_PRICE: U256 = uint!(1000_U256);

#[motsu::test]
fn erc20_price_goes_into_the_split(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    erc20: Contract<TestToken>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let offer_id = offer(
        &offers,
        owner,
        terms_with(arbiter, |t| {
            t.paymentToken = erc20.address();
            t.price = TOKEN_PRICE;
        }),
    );
    erc20.sender(admin).mint(buyer, U256::from(5000));

    // Without allowance the pull fails.
    let err = offers
        .sender(buyer)
        .mint(offer_id, buyer, TOKEN_PRICE)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::SafeErc20FailedOperation(SafeErc20FailedOperation { token }) if token == erc20.address()
    ));

    erc20.sender(buyer).approve(offers.address(), TOKEN_PRICE);
    // Native value is refused on ERC-20 offers.
    buyer.fund(U256::from(1));
    let err = offers
        .sender_and_value(buyer, U256::from(1))
        .mint(offer_id, buyer, TOKEN_PRICE)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::IncorrectPayment(IncorrectPayment { expected, received }) if expected.is_zero() && received == U256::from(1)
    ));

    let token = offers
        .sender(buyer)
        .mint(offer_id, buyer, TOKEN_PRICE)
        .motsu_unwrap();
    assert_eq!(nft.sender(buyer).owner_of(token).motsu_unwrap(), buyer);
    assert_eq!(splitter.sender(admin).token_deposited(SPLIT), TOKEN_PRICE);
    assert_eq!(splitter.sender(admin).last_token(), erc20.address());
    assert_eq!(erc20.sender(admin).balance_of(buyer), U256::from(4000));
    assert_eq!(
        erc20.sender(admin).balance_of(splitter.address()),
        TOKEN_PRICE
    );
    assert_eq!(erc20.sender(admin).balance_of(offers.address()), U256::ZERO);
    assert_eq!(
        erc20
            .sender(admin)
            .allowance(offers.address(), splitter.address()),
        U256::ZERO
    );
}

#[motsu::test]
fn fee_on_transfer_token_deposits_what_arrived(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    erc20: Contract<TestToken>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let offer_id = offer(
        &offers,
        owner,
        terms_with(arbiter, |t| {
            t.paymentToken = erc20.address();
            t.price = TOKEN_PRICE;
        }),
    );
    erc20.sender(admin).set_fee_bps(U256::from(100)); // 1 % per transfer
    erc20.sender(admin).mint(buyer, TOKEN_PRICE);
    erc20.sender(buyer).approve(offers.address(), TOKEN_PRICE);
    offers
        .sender(buyer)
        .mint(offer_id, buyer, TOKEN_PRICE)
        .motsu_unwrap();
    // 1,000 leave the buyer, 990 arrive here and are deposited, 981 reach the splitter.
    assert_eq!(erc20.sender(admin).balance_of(offers.address()), U256::ZERO);
    assert_eq!(
        splitter.sender(admin).token_deposited(SPLIT),
        U256::from(981)
    );
}
