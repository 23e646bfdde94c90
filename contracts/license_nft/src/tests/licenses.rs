//! Validity (`isValid`, `isLicensed`), expiry at the exact second, revocation, debt, the usage
//! and royalty views, soulbound offers and the usage anchor setting.

use alloy_primitives::{b256, uint, Address, B256, U256};
use motsu::prelude::*;
use openzeppelin_stylus::{
    access::ownable::OwnableUnauthorizedAccount, token::erc721::ERC721NonexistentToken,
};
use tributary_abi::scope::{COMMERCIAL, DERIVATIVES, INFERENCE, TRAIN, UNIT_SAMPLES};

use super::*;
use crate::{
    errors::{
        Error, NotArbiter, NotUsageAnchor, RevokedLicense, SoulboundLicense, UsageAnchorAlreadySet,
        ZeroAddress,
    },
    events::{DebtSet, LicenseRevoked, UsageAnchorSet},
    licenses::is_live,
    terms::tier_royalty,
};

const REASON: B256 = b256!("00000000000000000000000000000000000000000000000000000000000000ee");
const MISSING: U256 = uint!(999_U256);

fn scope(bits: u64) -> U256 {
    U256::from(bits)
}

#[test]
fn expiry_boundary_is_exclusive() {
    assert!(is_live(0, u64::MAX), "0 = perpetual");
    assert!(
        is_live(100, 99),
        "valid at the last second before expiresAt"
    );
    assert!(!is_live(100, 100), "invalid at expiresAt");
    assert!(!is_live(100, 101));
}

#[motsu::test]
fn valid_for_granted_scopes_only(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
    stranger: Address,
) {
    let (_, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    let view = nft.sender(stranger);
    assert!(view.is_valid(token, scope(TRAIN)));
    assert!(view.is_valid(token, scope(TRAIN | DERIVATIVES)));
    assert!(!view.is_valid(token, scope(TRAIN | COMMERCIAL)));
    assert!(!view.is_valid(token, scope(INFERENCE)));
    assert!(
        !view.is_valid(token, U256::ZERO),
        "an empty request is never granted"
    );
    assert!(!view.is_valid(MISSING, scope(TRAIN)));

    assert!(view.is_licensed(buyer, token, DATASET, scope(TRAIN | DERIVATIVES)));
    assert!(
        !view.is_licensed(stranger, token, DATASET, scope(TRAIN)),
        "not the holder"
    );
    assert!(
        !view.is_licensed(buyer, token, DATASET + U256::from(1), scope(TRAIN)),
        "other dataset"
    );
    assert!(!view.is_licensed(buyer, token, DATASET, scope(COMMERCIAL)));
    assert!(!view.is_licensed(buyer, MISSING, DATASET, scope(TRAIN)));
    assert!(!view.is_licensed(Address::ZERO, token, DATASET, scope(TRAIN)));
}

#[motsu::test]
fn expires_at_the_exact_second(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    let (_, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    let now = now(&nft);
    let (_, starts_at, expires_at, _, _) = nft.sender(buyer).license(token).motsu_unwrap();
    assert_eq!((starts_at, expires_at), (now, now + DURATION));

    // As if `DURATION - 1` seconds had passed: the last valid second.
    set_expiry(&nft, token, now + 1);
    assert!(nft.sender(buyer).is_valid(token, scope(TRAIN)));
    assert!(nft
        .sender(buyer)
        .is_licensed(buyer, token, DATASET, scope(TRAIN)));
    // As if exactly `DURATION` seconds had passed: block.timestamp == expiresAt.
    set_expiry(&nft, token, now);
    assert!(!nft.sender(buyer).is_valid(token, scope(TRAIN)));
    assert!(!nft
        .sender(buyer)
        .is_licensed(buyer, token, DATASET, scope(TRAIN)));
    set_expiry(&nft, token, now - 1);
    assert!(!nft.sender(buyer).is_valid(token, scope(TRAIN)));
    // The token itself still exists and can be transferred; only the license lapsed.
    assert_eq!(nft.sender(buyer).owner_of(token).motsu_unwrap(), buyer);
}

#[motsu::test]
fn perpetual_license_never_expires(
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
    let id = offer(&offers, owner, terms_with(arbiter, |t| t.duration = 0));
    let token = buy(&offers, id, buyer, PRICE);
    assert_eq!(nft.sender(buyer).license(token).motsu_unwrap().2, 0);
    assert!(nft.sender(buyer).is_valid(token, scope(TRAIN)));
}

#[motsu::test]
fn arbiter_revokes_with_reason(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
    bob: Address,
) {
    let (_, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    for caller in [buyer, owner, admin] {
        let err = nft.sender(caller).revoke(token, REASON).motsu_unwrap_err();
        assert!(matches!(
            err,
            Error::NotArbiter(NotArbiter { account, tokenId }) if account == caller && tokenId == token
        ));
    }
    nft.sender(arbiter).revoke(token, REASON).motsu_unwrap();
    nft.assert_emitted(&LicenseRevoked {
        tokenId: token,
        arbiter,
        reason: REASON,
    });

    assert!(!nft.sender(buyer).is_valid(token, scope(TRAIN)));
    assert!(!nft
        .sender(buyer)
        .is_licensed(buyer, token, DATASET, scope(TRAIN)));
    // The revocation time is kept: usage before it stays billable.
    let revoked_at = nft.sender(buyer).license_usage(token).motsu_unwrap().5;
    assert_eq!(revoked_at, now(&nft));
    assert!(nft.sender(buyer).license(token).motsu_unwrap().3);

    // Revoked tokens cannot move, by any path, nor be rented out.
    let revoked = |err: Error| matches!(err, Error::RevokedLicense(RevokedLicense { tokenId }) if tokenId == token);
    assert!(revoked(
        nft.sender(buyer)
            .transfer_from(buyer, bob, token)
            .motsu_unwrap_err()
    ));
    assert!(revoked(
        nft.sender(buyer)
            .safe_transfer_from(buyer, bob, token)
            .motsu_unwrap_err()
    ));
    assert!(revoked(
        nft.sender(buyer)
            .safe_transfer_from_with_data(buyer, bob, token, vec![].into())
            .motsu_unwrap_err()
    ));
    assert!(revoked(
        nft.sender(buyer)
            .set_user(token, bob, u64::MAX)
            .motsu_unwrap_err()
    ));
    assert!(
        revoked(nft.sender(arbiter).revoke(token, REASON).motsu_unwrap_err()),
        "final"
    );
    assert_eq!(nft.sender(buyer).owner_of(token).motsu_unwrap(), buyer);

    let err = nft
        .sender(arbiter)
        .revoke(MISSING, REASON)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NonexistentToken(ERC721NonexistentToken { token_id }) if token_id == MISSING)
    );
}

#[motsu::test]
fn soulbound_licenses_do_not_move(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    receiver: Contract<AcceptingReceiver>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
    bob: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let id = offer(
        &offers,
        owner,
        terms_with(arbiter, |t| t.transferable = false),
    );
    let token = buy(&offers, id, buyer, PRICE);
    nft.sender(buyer)
        .set_approval_for_all(bob, true)
        .motsu_unwrap();
    let soulbound = |err: Error| matches!(err, Error::SoulboundLicense(SoulboundLicense { tokenId }) if tokenId == token);
    assert!(soulbound(
        nft.sender(buyer)
            .transfer_from(buyer, bob, token)
            .motsu_unwrap_err()
    ));
    assert!(soulbound(
        nft.sender(bob)
            .transfer_from(buyer, bob, token)
            .motsu_unwrap_err()
    ));
    assert!(soulbound(
        nft.sender(buyer)
            .safe_transfer_from(buyer, receiver.address(), token)
            .motsu_unwrap_err()
    ));
    assert_eq!(nft.sender(buyer).owner_of(token).motsu_unwrap(), buyer);
    assert!(nft
        .sender(buyer)
        .is_licensed(buyer, token, DATASET, scope(TRAIN)));
}

#[motsu::test]
fn usage_and_royalty_views(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
) {
    let (_, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    let now = now(&nft);
    assert_eq!(
        nft.sender(buyer).license_usage(token).motsu_unwrap(),
        (
            DATASET,
            SPLIT,
            scope(TRAIN | DERIVATIVES),
            now,
            now + DURATION,
            0,
            Address::ZERO,
            UNIT_SAMPLES,
            RATE
        )
    );
    assert_eq!(
        nft.sender(buyer)
            .license_payment_token(token)
            .motsu_unwrap(),
        Address::ZERO,
        "the case-study offer is paid in native currency"
    );
    let eth = uint!(1_000_000_000_000_000_000_U256);
    let bps = |revenue: U256| nft.sender(buyer).royalty_bps(token, revenue).motsu_unwrap();
    assert_eq!(bps(U256::ZERO), 500);
    assert_eq!(bps(eth - U256::from(1)), 500);
    assert_eq!(bps(eth), 1000);
    assert_eq!(bps(eth * U256::from(10)), 1500);
    assert_eq!(bps(U256::MAX), 1500);

    assert_eq!(
        nft.sender(buyer).royalty_tiers(token).motsu_unwrap(),
        tributary_abi::returns::RoyaltyTiers {
            thresholds: vec![U256::ZERO, eth, eth * U256::from(10)],
            bps: vec![500, 1000, 1500]
        }
    );

    for err in [
        nft.sender(buyer).royalty_tiers(MISSING).motsu_unwrap_err(),
        nft.sender(buyer).license_usage(MISSING).motsu_unwrap_err(),
        nft.sender(buyer)
            .royalty_bps(MISSING, U256::ZERO)
            .motsu_unwrap_err(),
        nft.sender(buyer).license(MISSING).motsu_unwrap_err(),
        nft.sender(buyer)
            .license_payment_token(MISSING)
            .motsu_unwrap_err(),
    ] {
        assert!(matches!(
            err,
            Error::NonexistentToken(ERC721NonexistentToken { token_id }) if token_id == MISSING
        ));
    }
}

#[motsu::test]
fn no_tiers_means_no_derivative_royalty(
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
    let id = offer(
        &offers,
        owner,
        terms_with(arbiter, |t| {
            t.tierThresholds.clear();
            t.tierBps.clear();
        }),
    );
    let token = buy(&offers, id, buyer, PRICE);
    assert_eq!(
        nft.sender(buyer)
            .royalty_bps(token, U256::MAX)
            .motsu_unwrap(),
        0
    );
    assert_eq!(
        nft.sender(buyer).royalty_tiers(token).motsu_unwrap(),
        tributary_abi::returns::RoyaltyTiers {
            thresholds: vec![],
            bps: vec![]
        }
    );
}

#[motsu::test]
fn usage_anchor_sets_and_clears_debt(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    arbiter: Address,
    buyer: Address,
    anchor: Address,
) {
    let (_, token) = licensed(
        &nft, &offers, &registry, &splitter, admin, owner, arbiter, buyer,
    );
    // No anchor configured: nobody may set debt.
    let err = nft.sender(admin).set_debt(token, true).motsu_unwrap_err();
    assert!(matches!(err, Error::NotUsageAnchor(NotUsageAnchor { account }) if account == admin));

    nft.sender(admin).set_usage_anchor(anchor).motsu_unwrap();
    nft.assert_emitted(&UsageAnchorSet {
        usageAnchor: anchor,
    });
    assert_eq!(nft.sender(admin).usage_anchor(), anchor);

    let err = nft.sender(buyer).set_debt(token, true).motsu_unwrap_err();
    assert!(matches!(err, Error::NotUsageAnchor(NotUsageAnchor { account }) if account == buyer));

    nft.sender(anchor).set_debt(token, true).motsu_unwrap();
    nft.assert_emitted(&DebtSet {
        tokenId: token,
        inDebt: true,
    });
    assert!(!nft.sender(buyer).is_valid(token, scope(TRAIN)));
    assert!(!nft
        .sender(buyer)
        .is_licensed(buyer, token, DATASET, scope(TRAIN)));
    assert!(nft.sender(buyer).license(token).motsu_unwrap().4);

    nft.sender(anchor).set_debt(token, false).motsu_unwrap();
    nft.assert_emitted(&DebtSet {
        tokenId: token,
        inDebt: false,
    });
    assert!(nft
        .sender(buyer)
        .is_licensed(buyer, token, DATASET, scope(TRAIN)));

    let err = nft
        .sender(anchor)
        .set_debt(MISSING, true)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NonexistentToken(_)));
}

#[motsu::test]
fn usage_anchor_is_set_once_by_the_owner(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    anchor: Address,
    mallory: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let err = nft
        .sender(mallory)
        .set_usage_anchor(anchor)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == mallory
    ));
    let err = nft
        .sender(admin)
        .set_usage_anchor(Address::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAddress(ZeroAddress {})));
    nft.sender(admin).set_usage_anchor(anchor).motsu_unwrap();
    let err = nft
        .sender(admin)
        .set_usage_anchor(mallory)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::UsageAnchorAlreadySet(UsageAnchorAlreadySet { usageAnchor }) if usageAnchor == anchor
    ));
}

#[motsu::test]
fn ownership_moves_in_two_steps(
    nft: Contract<LicenseNft>,
    offers: Contract<LicenseOffers>,
    registry: Contract<RegistryDouble>,
    splitter: Contract<SplitterDouble>,
    admin: Address,
    owner: Address,
    successor: Address,
    mallory: Address,
) {
    deploy(&nft, &offers, &registry, &splitter, admin, owner);
    let err = nft
        .sender(mallory)
        .transfer_ownership(mallory)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    nft.sender(admin)
        .transfer_ownership(successor)
        .motsu_unwrap();
    assert_eq!(nft.sender(admin).pending_owner(), successor);
    let err = nft.sender(mallory).accept_ownership().motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    nft.sender(successor).accept_ownership().motsu_unwrap();
    assert_eq!(nft.sender(admin).owner(), successor);
    let err = nft.sender(admin).renounce_ownership().motsu_unwrap_err();
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    nft.sender(successor).renounce_ownership().motsu_unwrap();
    assert_eq!(nft.sender(admin).owner(), Address::ZERO);
}

#[test]
fn tiers_slide_with_cumulative_revenue() {
    let thresholds = [U256::from(100), U256::from(1000), U256::ZERO];
    let packed = 500u64 | (1000 << 16) | (1500 << 32);
    assert_eq!(tier_royalty(0, 0, &thresholds, U256::from(5)), 0);
    assert_eq!(tier_royalty(3, packed, &thresholds, U256::ZERO), 500);
    assert_eq!(tier_royalty(3, packed, &thresholds, U256::from(99)), 500);
    assert_eq!(tier_royalty(3, packed, &thresholds, U256::from(100)), 1000);
    assert_eq!(tier_royalty(3, packed, &thresholds, U256::from(999)), 1000);
    assert_eq!(tier_royalty(3, packed, &thresholds, U256::from(1000)), 1500);
    assert_eq!(tier_royalty(3, packed, &thresholds, U256::MAX), 1500);
    // One tier: flat.
    assert_eq!(tier_royalty(1, 700, &thresholds, U256::MAX), 700);
}
