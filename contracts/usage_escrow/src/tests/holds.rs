//! Holds: only the usage disputes contract places and removes them; a removal for a cleared
//! (settleable) batch records when, for the settlement grace of withdrawals.

use alloy_primitives::{Address, U256};
use motsu::prelude::*;

use super::*;
use crate::{
    errors::{Error, NoEscrowHold, NotUsageDisputes},
    events::EscrowHoldsChanged,
};

#[motsu::test]
fn only_the_disputes_contract_holds_escrow(stranger: Address) {
    // Before wiring there is no disputes contract: nobody, not even its future address.
    let setup = Setup::new();
    let err = setup
        .escrow
        .sender(setup.disputes)
        .add_hold(LICENSE)
        .motsu_expect_err("not wired");
    assert!(
        matches!(err, Error::NotUsageDisputes(NotUsageDisputes { account }) if account == setup.disputes)
    );
    let setup = Setup::wired();
    for caller in [
        setup.owner,
        setup.anchor.address(),
        setup.licensee(),
        stranger,
    ] {
        let err = setup
            .escrow
            .sender(caller)
            .add_hold(LICENSE)
            .motsu_expect_err("not the disputes contract");
        assert!(
            matches!(err, Error::NotUsageDisputes(NotUsageDisputes { account }) if account == caller)
        );
        let err = setup
            .escrow
            .sender(caller)
            .remove_hold(LICENSE, true)
            .motsu_expect_err("not the disputes contract");
        assert!(
            matches!(err, Error::NotUsageDisputes(NotUsageDisputes { account }) if account == caller)
        );
    }
    assert_eq!(setup.info(LICENSE).4, 0);
}

#[motsu::test]
fn holds_are_counted_and_released() {
    let setup = Setup::wired();
    let disputes = || setup.escrow.sender(setup.disputes);
    let err = disputes()
        .remove_hold(LICENSE, false)
        .motsu_expect_err("no hold");
    assert!(matches!(err, Error::NoEscrowHold(NoEscrowHold { licenseId }) if licenseId == LICENSE));
    disputes().add_hold(LICENSE).motsu_unwrap();
    setup.escrow.assert_emitted(&EscrowHoldsChanged {
        licenseId: LICENSE,
        holds: 1,
        releasedAt: 0,
    });
    disputes().add_hold(LICENSE).motsu_unwrap();
    disputes().add_hold(TOKEN_LICENSE).motsu_unwrap();
    assert_eq!(setup.info(LICENSE).4, 2);
    assert_eq!(setup.info(TOKEN_LICENSE).4, 1);
    // A voided batch's hold: no grace recorded.
    advance(100);
    disputes().remove_hold(LICENSE, false).motsu_unwrap();
    setup.escrow.assert_emitted(&EscrowHoldsChanged {
        licenseId: LICENSE,
        holds: 1,
        releasedAt: 0,
    });
    // A cleared batch's hold: released now.
    advance(100);
    disputes().remove_hold(LICENSE, true).motsu_unwrap();
    setup.escrow.assert_emitted(&EscrowHoldsChanged {
        licenseId: LICENSE,
        holds: 0,
        releasedAt: NOW + 200,
    });
    assert_eq!(
        setup.info(LICENSE),
        (U256::ZERO, U256::ZERO, U256::ZERO, 0, 0, NOW + 200)
    );
    let err = disputes()
        .remove_hold(LICENSE, true)
        .motsu_expect_err("none left");
    assert!(matches!(err, Error::NoEscrowHold(NoEscrowHold { licenseId }) if licenseId == LICENSE));
    // The other license's hold is its own.
    assert_eq!(setup.info(TOKEN_LICENSE).4, 1);
    assert_eq!(now(), NOW + 200);
}
