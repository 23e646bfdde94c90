//! The withdrawal rule: the license owner, two steps `challengeWindow + withdrawalDelay` apart,
//! never while held, and not before the grace after a cleared batch's hold was released.

use alloy_primitives::{Address, U256};
use motsu::prelude::*;

use super::*;
use crate::{
    errors::{
        Error, EscrowHeld, EscrowWithdrawalLocked, ExternalCallFailed, NoWithdrawalRequested,
        NotLicenseOwner, UsageAnchorNotSet, ZeroAmount,
    },
    events::{EscrowWithdrawalRequested, EscrowWithdrawn},
};

/// Whether `err` is `EscrowWithdrawalLocked` of `license_id` until `ready_at`.
fn locked(err: &Error, license_id: U256, ready_at: u64) -> bool {
    matches!(err, Error::EscrowWithdrawalLocked(EscrowWithdrawalLocked { licenseId, readyAt })
        if *licenseId == license_id && *readyAt == ready_at)
}

/// Whether `err` is `EscrowHeld` of `license_id` by `count` holds.
fn held(err: &Error, license_id: U256, count: u32) -> bool {
    matches!(err, Error::EscrowHeld(EscrowHeld { licenseId, holds })
        if *licenseId == license_id && *holds == count)
}

#[motsu::test]
fn only_the_license_owner_requests_and_withdraws(stranger: Address) {
    let setup = Setup::new();
    let licensee = setup.licensee();
    let err = setup
        .escrow
        .sender(licensee)
        .request_escrow_withdrawal(LICENSE, ETH)
        .motsu_expect_err("anchor not wired");
    assert!(matches!(
        err,
        Error::UsageAnchorNotSet(UsageAnchorNotSet {})
    ));
    let setup = Setup::wired();
    let licensee = setup.licensee();
    setup.fund(LICENSE, ETH);
    let err = setup
        .escrow
        .sender(stranger)
        .request_escrow_withdrawal(LICENSE, ETH)
        .motsu_expect_err("not the owner");
    assert!(
        matches!(err, Error::NotLicenseOwner(NotLicenseOwner { licenseId, account })
            if licenseId == LICENSE && account == stranger)
    );
    let err = setup
        .escrow
        .sender(licensee)
        .request_escrow_withdrawal(LICENSE, U256::ZERO)
        .motsu_expect_err("zero");
    assert!(matches!(err, Error::ZeroAmount(ZeroAmount {})));
    let unknown = U256::from(99);
    let err = setup
        .escrow
        .sender(licensee)
        .request_escrow_withdrawal(unknown, ETH)
        .motsu_expect_err("unknown license");
    assert!(
        matches!(&err, Error::ExternalCallFailed(ExternalCallFailed { target, reason })
            if *target == setup.license.address()
                && reason.as_ref() == ERC721NonexistentToken { token_id: unknown }.abi_encode().as_slice()),
        "{err:?}"
    );
    let err = setup
        .escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_expect_err("nothing requested");
    assert!(
        matches!(err, Error::NoWithdrawalRequested(NoWithdrawalRequested { licenseId }) if licenseId == LICENSE)
    );
    setup
        .escrow
        .sender(licensee)
        .request_escrow_withdrawal(LICENSE, ETH)
        .motsu_unwrap();
    advance(WINDOW + GRACE);
    let err = setup
        .escrow
        .sender(stranger)
        .withdraw_escrow(LICENSE)
        .motsu_expect_err("not the owner");
    assert!(
        matches!(err, Error::NotLicenseOwner(NotLicenseOwner { licenseId, account })
            if licenseId == LICENSE && account == stranger)
    );
    setup
        .escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_unwrap();
    assert_eq!(setup.licensee.sender(licensee).received(), ETH);
}

#[motsu::test]
fn withdrawal_waits_window_and_grace_and_pays_what_is_left() {
    let setup = Setup::wired();
    let licensee = setup.licensee();
    setup.fund(LICENSE, U256::from(1_000));
    advance(500);
    setup
        .escrow
        .sender(licensee)
        .request_escrow_withdrawal(LICENSE, U256::from(400))
        .motsu_unwrap();
    let ready_at = NOW + 500 + WINDOW + GRACE;
    setup.escrow.assert_emitted(&EscrowWithdrawalRequested {
        licenseId: LICENSE,
        amount: U256::from(400),
        readyAt: ready_at,
    });
    assert_eq!(
        setup.info(LICENSE),
        (
            U256::from(1_000),
            U256::ZERO,
            U256::from(400),
            ready_at,
            0,
            0
        )
    );
    // A new request replaces it, with a new wait.
    advance(100);
    setup
        .escrow
        .sender(licensee)
        .request_escrow_withdrawal(LICENSE, U256::from(5_000))
        .motsu_unwrap();
    let ready_at = ready_at + 100;
    advance(ready_at - now() - 1);
    let err = setup
        .escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_expect_err("one second early");
    assert!(locked(&err, LICENSE, ready_at), "{err:?}");
    // Usage settled in the meantime is paid first; the withdrawal takes what is left.
    setup
        .charge(&[LICENSE], &[U256::from(300)], &[SPLIT], &[Address::ZERO])
        .motsu_unwrap();
    advance(1);
    setup
        .escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_unwrap();
    setup.escrow.assert_emitted(&EscrowWithdrawn {
        licenseId: LICENSE,
        to: licensee,
        amount: U256::from(700),
    });
    assert_eq!(setup.licensee.sender(licensee).received(), U256::from(700));
    assert_eq!(
        setup.info(LICENSE),
        (U256::ZERO, U256::ZERO, U256::ZERO, 0, 0, 0)
    );
    let err = setup
        .escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_expect_err("done");
    assert!(
        matches!(err, Error::NoWithdrawalRequested(NoWithdrawalRequested { licenseId }) if licenseId == LICENSE)
    );
    assert_eq!(setup.escrow.balance(), U256::ZERO);
}

#[motsu::test]
fn holds_block_withdrawals_until_released() {
    let setup = Setup::wired();
    let licensee = setup.licensee();
    setup.fund(LICENSE, U256::from(1_000));
    setup
        .escrow
        .sender(licensee)
        .request_escrow_withdrawal(LICENSE, U256::from(1_000))
        .motsu_unwrap();
    let ready_at = NOW + WINDOW + GRACE;
    let disputes = || setup.escrow.sender(setup.disputes);
    disputes().add_hold(LICENSE).motsu_unwrap();
    disputes().add_hold(LICENSE).motsu_unwrap();
    // Held: refused before and after readyAt.
    let err = setup
        .escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_expect_err("held");
    assert!(held(&err, LICENSE, 2), "{err:?}");
    advance(WINDOW + GRACE + 10);
    let err = setup
        .escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_expect_err("held");
    assert!(held(&err, LICENSE, 2), "{err:?}");
    // One voided batch's hold released: still held by the other.
    disputes().remove_hold(LICENSE, false).motsu_unwrap();
    let err = setup
        .escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_expect_err("held");
    assert!(held(&err, LICENSE, 1), "{err:?}");
    // The other released for a voided batch too: no grace, the withdrawal executes.
    disputes().remove_hold(LICENSE, false).motsu_unwrap();
    assert!(now() > ready_at);
    setup
        .escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_unwrap();
    assert_eq!(
        setup.licensee.sender(licensee).received(),
        U256::from(1_000)
    );
}

#[motsu::test]
fn a_cleared_release_restarts_the_grace() {
    let setup = Setup::wired();
    let licensee = setup.licensee();
    setup.fund(LICENSE, U256::from(1_000));
    setup
        .escrow
        .sender(licensee)
        .request_escrow_withdrawal(LICENSE, U256::from(1_000))
        .motsu_unwrap();
    let ready_at = NOW + WINDOW + GRACE;
    let disputes = || setup.escrow.sender(setup.disputes);
    // Held and released for a cleared batch early: readyAt still rules.
    disputes().add_hold(LICENSE).motsu_unwrap();
    advance(100);
    disputes().remove_hold(LICENSE, true).motsu_unwrap();
    advance(GRACE);
    let err = setup
        .escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_expect_err("readyAt");
    assert!(locked(&err, LICENSE, ready_at), "{err:?}");
    // Held again, released for a cleared batch after readyAt: the grace runs from the release.
    disputes().add_hold(LICENSE).motsu_unwrap();
    advance(ready_at + 1_000 - now());
    let released_at = now();
    disputes().remove_hold(LICENSE, true).motsu_unwrap();
    let err = setup
        .escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_expect_err("grace");
    assert!(locked(&err, LICENSE, released_at + GRACE), "{err:?}");
    advance(GRACE - 1);
    let err = setup
        .escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_expect_err("grace");
    assert!(locked(&err, LICENSE, released_at + GRACE), "{err:?}");
    // Meanwhile the cleared batch is settled against the full escrow.
    setup
        .charge(&[LICENSE], &[U256::from(250)], &[SPLIT], &[Address::ZERO])
        .motsu_unwrap();
    advance(1);
    setup
        .escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_unwrap();
    assert_eq!(setup.licensee.sender(licensee).received(), U256::from(750));
}

#[motsu::test]
fn token_escrow_is_withdrawn_in_tokens() {
    let setup = Setup::wired();
    let licensee = setup.licensee();
    setup.fund_tokens(U256::from(800));
    setup
        .escrow
        .sender(licensee)
        .request_escrow_withdrawal(TOKEN_LICENSE, U256::from(300))
        .motsu_unwrap();
    advance(WINDOW + GRACE);
    setup
        .escrow
        .sender(licensee)
        .withdraw_escrow(TOKEN_LICENSE)
        .motsu_unwrap();
    setup.escrow.assert_emitted(&EscrowWithdrawn {
        licenseId: TOKEN_LICENSE,
        to: licensee,
        amount: U256::from(300),
    });
    let token = setup.token.sender(setup.owner);
    assert_eq!(token.balance_of(licensee), U256::from(300));
    assert_eq!(token.balance_of(setup.escrow.address()), U256::from(500));
    drop(token);
    assert_eq!(setup.info(TOKEN_LICENSE).0, U256::from(500));
}
