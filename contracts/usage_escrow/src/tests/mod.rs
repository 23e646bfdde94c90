//! Unit tests of the escrow alone: wiring, `charge` authorization and input checks, and the
//! error encoding. The flows with the anchor (settlement charges, debt, the withdrawal rule)
//! are tested in the usage anchor's crate with both real contracts and test doubles.
#![allow(clippy::unwrap_used)]

mod abi_words;

use alloy_primitives::{Address, U256};
use motsu::prelude::*;

use crate::{
    errors::{Error, InvalidConfiguration, LengthMismatch, NotUsageAnchor, UsageAnchorAlreadySet},
    events::UsageAnchorSet,
    UsageEscrow,
};

fn deploy(escrow: &Contract<UsageEscrow>, owner: Address, nft: Address, splitter: Address) {
    escrow
        .sender(owner)
        .constructor(owner, nft, splitter, 3_600)
        .motsu_unwrap();
}

#[motsu::test]
fn constructor_rejects_zero_addresses(escrow: Contract<UsageEscrow>, owner: Address, nft: Address) {
    let err = escrow
        .sender(owner)
        .constructor(owner, nft, Address::ZERO, 1)
        .motsu_expect_err("zero splitter");
    assert!(matches!(
        err,
        Error::InvalidConfiguration(InvalidConfiguration {})
    ));
}

#[motsu::test]
fn usage_anchor_is_wired_once_by_the_owner(
    escrow: Contract<UsageEscrow>,
    owner: Address,
    nft: Address,
    splitter: Address,
    anchor: Address,
    stranger: Address,
) {
    deploy(&escrow, owner, nft, splitter);
    assert_eq!(escrow.sender(owner).owner(), owner);
    let err = escrow
        .sender(stranger)
        .set_usage_anchor(anchor)
        .motsu_expect_err("not the owner");
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    let err = escrow
        .sender(owner)
        .set_usage_anchor(Address::ZERO)
        .motsu_expect_err("zero anchor");
    assert!(matches!(err, Error::InvalidConfiguration(_)));
    escrow.sender(owner).set_usage_anchor(anchor).motsu_unwrap();
    escrow.assert_emitted(&UsageAnchorSet { anchor });
    assert_eq!(
        escrow.sender(owner).config(),
        (nft, splitter, anchor, 3_600)
    );
    // Ownership is renounced with the wiring: nobody can rewire.
    assert_eq!(escrow.sender(owner).owner(), Address::ZERO);
    let err = escrow
        .sender(owner)
        .set_usage_anchor(stranger)
        .motsu_expect_err("owner renounced");
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
}

#[motsu::test]
fn already_set_anchor_is_reported(
    escrow: Contract<UsageEscrow>,
    owner: Address,
    nft: Address,
    splitter: Address,
    anchor: Address,
) {
    deploy(&escrow, owner, nft, splitter);
    escrow.sender(owner).set_usage_anchor(anchor).motsu_unwrap();
    // Ownership went to the zero address, which no transaction can send from; motsu can, and
    // that shows the anchor is set once even past the owner check.
    let err = escrow
        .sender(Address::ZERO)
        .set_usage_anchor(anchor)
        .motsu_expect_err("zero is the owner now, anchor already set");
    assert!(
        matches!(err, Error::UsageAnchorAlreadySet(UsageAnchorAlreadySet { anchor: a }) if a == anchor)
    );
}

#[motsu::test]
fn only_the_anchor_charges(
    escrow: Contract<UsageEscrow>,
    owner: Address,
    nft: Address,
    splitter: Address,
    anchor: Address,
) {
    deploy(&escrow, owner, nft, splitter);
    let err = escrow
        .sender(anchor)
        .charge(vec![U256::from(1)], vec![U256::from(1)])
        .motsu_expect_err("anchor not wired yet");
    assert!(matches!(err, Error::NotUsageAnchor(NotUsageAnchor { account }) if account == anchor));
    escrow.sender(owner).set_usage_anchor(anchor).motsu_unwrap();
    let err = escrow
        .sender(owner)
        .charge(vec![U256::from(1)], vec![U256::from(1)])
        .motsu_expect_err("not the anchor");
    assert!(matches!(err, Error::NotUsageAnchor(NotUsageAnchor { account }) if account == owner));
    let err = escrow
        .sender(anchor)
        .charge(vec![U256::from(1), U256::from(2)], vec![U256::from(1)])
        .motsu_expect_err("lengths");
    assert!(matches!(
        err,
        Error::LengthMismatch(LengthMismatch { expected, actual }) if expected == U256::from(2) && actual == U256::from(1)
    ));
    // Nothing to charge: no calls, nothing paid.
    assert_eq!(
        escrow.sender(anchor).charge(vec![], vec![]).motsu_unwrap(),
        Vec::<U256>::new()
    );
}
