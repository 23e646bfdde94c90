//! The constructor and the one-time wiring of the usage anchor (and, through its `config()`,
//! of the disputes contract and the challenge window).

use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use openzeppelin_stylus::access::ownable::{OwnableUnauthorizedAccount, OwnershipTransferred};

use super::*;
use crate::{
    errors::{Error, InvalidConfiguration, UsageAnchorAlreadySet},
    events::UsageAnchorSet,
};

#[motsu::test]
fn constructor_rejects_zero_addresses(escrow: Contract<UsageEscrow>, owner: Address, nft: Address) {
    for (o, n, s) in [
        (Address::ZERO, nft, nft),
        (owner, Address::ZERO, nft),
        (owner, nft, Address::ZERO),
    ] {
        let err = escrow
            .sender(owner)
            .constructor(o, n, s, GRACE, ROUTER)
            .motsu_expect_err("zero address");
        assert!(
            matches!(err, Error::InvalidConfiguration(InvalidConfiguration {})),
            "{err:?}"
        );
    }
}

#[motsu::test]
fn usage_anchor_is_wired_once_by_the_owner(stranger: Address) {
    let setup = Setup::new();
    let (escrow, owner) = (&setup.escrow, setup.owner);
    assert_eq!(escrow.sender(owner).owner(), owner);
    assert_eq!(
        escrow.sender(owner).config(),
        (
            setup.license.address(),
            setup.splitter.address(),
            Address::ZERO,
            Address::ZERO,
            0,
            GRACE
        )
    );
    let err = escrow
        .sender(stranger)
        .set_usage_anchor(setup.anchor.address())
        .motsu_expect_err("not the owner");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == stranger)
    );
    let err = escrow
        .sender(owner)
        .set_usage_anchor(Address::ZERO)
        .motsu_expect_err("zero anchor");
    assert!(matches!(
        err,
        Error::InvalidConfiguration(InvalidConfiguration {})
    ));
    // An anchor whose disputes contract is not wired yet.
    setup.anchor.sender(owner).configure(Address::ZERO, WINDOW);
    let err = escrow
        .sender(owner)
        .set_usage_anchor(setup.anchor.address())
        .motsu_expect_err("anchor without disputes");
    assert!(matches!(
        err,
        Error::InvalidConfiguration(InvalidConfiguration {})
    ));
    setup.anchor.sender(owner).configure(setup.disputes, WINDOW);
    escrow
        .sender(owner)
        .set_usage_anchor(setup.anchor.address())
        .motsu_unwrap();
    escrow.assert_emitted(&UsageAnchorSet {
        anchor: setup.anchor.address(),
    });
    assert_eq!(
        escrow.sender(owner).config(),
        (
            setup.license.address(),
            setup.splitter.address(),
            setup.anchor.address(),
            setup.disputes,
            WINDOW,
            GRACE
        )
    );
    // Ownership is renounced with the wiring: nobody can rewire.
    escrow.assert_emitted(&OwnershipTransferred {
        previous_owner: owner,
        new_owner: Address::ZERO,
    });
    assert_eq!(escrow.sender(owner).owner(), Address::ZERO);
    let err = escrow
        .sender(owner)
        .set_usage_anchor(stranger)
        .motsu_expect_err("owner renounced");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == owner)
    );
    // The zero address owns it now, which no transaction can send from; motsu can, and that
    // shows the anchor is set once even past the owner check.
    let err = escrow
        .sender(Address::ZERO)
        .set_usage_anchor(stranger)
        .motsu_expect_err("already set");
    assert!(
        matches!(err, Error::UsageAnchorAlreadySet(UsageAnchorAlreadySet { anchor }) if anchor == setup.anchor.address())
    );
    assert_eq!(
        setup.info(LICENSE),
        (U256::ZERO, U256::ZERO, U256::ZERO, 0, 0, 0)
    );
}
