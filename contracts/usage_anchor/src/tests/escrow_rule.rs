//! The escrow withdrawal rule across both contracts: attested usage cannot dodge its fees
//! (the escrow asks the anchor for its challenge window and open challenges).

use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use usage_escrow::{
    errors::{
        Error, EscrowHeldByChallenges, EscrowWithdrawalLocked, NoWithdrawalRequested,
        NotLicenseOwner, ZeroAmount,
    },
    events::{EscrowWithdrawalRequested, EscrowWithdrawn},
};

use super::*;

#[motsu::test]
fn withdrawal_waits_past_settlement_of_attested_usage(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    wallet: Contract<Wallet>,
    owner: Address,
    attestor: Account,
) {
    let licensee = wallet.address();
    deploy(&anchor, &escrow, &license, &splitter, owner, licensee);
    enroll(&anchor, owner, attestor.address());
    let deposit = U256::from(10).pow(U256::from(18));
    fund(&escrow, licensee, deposit);
    // Usage is attested, then the licensee tries to pull everything out.
    let receipts = receipts(4, attestor.address());
    let (batch, tree) = anchor_receipts(&anchor, &attestor, 1, &receipts);
    escrow
        .sender(licensee)
        .request_escrow_withdrawal(LICENSE, deposit)
        .motsu_unwrap();
    let ready_at = NOW + WINDOW + EXIT_DELAY;
    escrow.assert_emitted(&EscrowWithdrawalRequested {
        licenseId: LICENSE,
        amount: deposit,
        readyAt: ready_at,
    });

    crate::clock::advance(WINDOW);
    let err = escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_expect_err("too early");
    assert!(
        matches!(err, Error::EscrowWithdrawalLocked(EscrowWithdrawalLocked { readyAt, .. }) if readyAt == ready_at)
    );
    // The batch settles during the wait and is paid from deposit.
    settle_all(&anchor, owner, &batch, &tree, &receipts).motsu_unwrap();
    let fee = receipts
        .iter()
        .fold(U256::ZERO, |sum, r| sum + r.units * RATE);

    crate::clock::advance(EXIT_DELAY);
    let before = balance(licensee);
    escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_unwrap();
    assert_eq!(
        balance(licensee),
        before + deposit - fee,
        "only what settlement left"
    );
    escrow.assert_emitted(&EscrowWithdrawn {
        licenseId: LICENSE,
        to: licensee,
        amount: deposit - fee,
    });
    assert_eq!(
        escrow.sender(owner).escrow_info(LICENSE),
        (U256::ZERO, U256::ZERO, U256::ZERO, 0)
    );
    assert_eq!(splitter.sender(owner).native_of(SPLIT), fee);
    let err = escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_expect_err("request consumed");
    assert!(matches!(
        err,
        Error::NoWithdrawalRequested(NoWithdrawalRequested { .. })
    ));
}

#[motsu::test]
fn late_usage_after_a_withdrawal_becomes_debt(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    wallet: Contract<Wallet>,
    owner: Address,
    attestor: Account,
) {
    let licensee = wallet.address();
    deploy(&anchor, &escrow, &license, &splitter, owner, licensee);
    enroll(&anchor, owner, attestor.address());
    let deposit = U256::from(10).pow(U256::from(15));
    fund(&escrow, licensee, deposit);
    escrow
        .sender(licensee)
        .request_escrow_withdrawal(LICENSE, deposit)
        .motsu_unwrap();
    crate::clock::advance(WINDOW + EXIT_DELAY);
    escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_unwrap();
    // Usage from before the withdrawal, attested only now: it becomes debt.
    let receipts = receipts(2, attestor.address());
    let (batch, tree) = anchor_receipts(&anchor, &attestor, 1, &receipts);
    crate::clock::advance(WINDOW);
    settle_all(&anchor, owner, &batch, &tree, &receipts).motsu_unwrap();
    assert!(escrow.sender(owner).escrow_info(LICENSE).1 > U256::ZERO);
    assert!(license.sender(owner).is_in_debt(LICENSE));
}

#[motsu::test]
fn only_the_license_owner_withdraws(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    wallet: Contract<Wallet>,
    owner: Address,
    stranger: Address,
) {
    let licensee = wallet.address();
    deploy(&anchor, &escrow, &license, &splitter, owner, licensee);
    // Anyone may fund a license's escrow.
    fund(&escrow, stranger, U256::from(1_000));
    let err = escrow
        .sender(stranger)
        .request_escrow_withdrawal(LICENSE, U256::from(1))
        .motsu_expect_err("not the owner");
    assert!(
        matches!(err, Error::NotLicenseOwner(NotLicenseOwner { account, .. }) if account == stranger)
    );
    let err = escrow
        .sender(licensee)
        .request_escrow_withdrawal(LICENSE, U256::ZERO)
        .motsu_expect_err("zero");
    assert!(matches!(err, Error::ZeroAmount(ZeroAmount {})));
    escrow
        .sender(licensee)
        .request_escrow_withdrawal(LICENSE, U256::from(400))
        .motsu_unwrap();
    crate::clock::advance(WINDOW + EXIT_DELAY);
    let err = escrow
        .sender(stranger)
        .withdraw_escrow(LICENSE)
        .motsu_expect_err("not the owner");
    assert!(matches!(err, Error::NotLicenseOwner(_)));
    escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_unwrap();
    assert_eq!(escrow.sender(owner).escrow_info(LICENSE).0, U256::from(600));
}

#[motsu::test]
fn withdrawals_wait_for_open_challenges(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    wallet: Contract<Wallet>,
    owner: Address,
    challenger: Address,
    attestor: Account,
) {
    let licensee = wallet.address();
    deploy(&anchor, &escrow, &license, &splitter, owner, licensee);
    enroll(&anchor, owner, attestor.address());
    fund(&escrow, licensee, U256::from(10).pow(U256::from(18)));
    let receipts = receipts(2, attestor.address());
    let (batch, tree) = anchor_receipts(&anchor, &attestor, 1, &receipts);
    challenger.fund(CHALLENGE_BOND);
    anchor
        .sender_and_value(challenger, CHALLENGE_BOND)
        .challenge(batch.batchId, B256::ZERO)
        .motsu_unwrap();
    escrow
        .sender(licensee)
        .request_escrow_withdrawal(LICENSE, U256::from(1))
        .motsu_unwrap();
    crate::clock::advance(WINDOW + EXIT_DELAY);
    let err = escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_expect_err("challenge open");
    assert!(matches!(
        err,
        Error::EscrowHeldByChallenges(EscrowHeldByChallenges { openChallenges: 1 })
    ));
    // Rejected: the batch settles late, so withdrawals wait one more grace period.
    anchor
        .sender(owner)
        .resolve_challenge(batch.batchId, false)
        .motsu_unwrap();
    let resolved_at = NOW + WINDOW + EXIT_DELAY;
    let err = escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_expect_err("grace after ruling");
    assert!(
        matches!(err, Error::EscrowWithdrawalLocked(EscrowWithdrawalLocked { readyAt, .. }) if readyAt == resolved_at + EXIT_DELAY)
    );
    settle_all(&anchor, owner, &batch, &tree, &receipts).motsu_unwrap();
    crate::clock::advance(EXIT_DELAY);
    escrow
        .sender(licensee)
        .withdraw_escrow(LICENSE)
        .motsu_unwrap();
}

#[motsu::test]
fn withdrawals_need_a_wired_anchor(
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    licensee: Address,
) {
    escrow
        .sender(owner)
        .constructor(owner, license.address(), splitter.address(), EXIT_DELAY)
        .motsu_unwrap();
    license.sender(owner).configure(
        LICENSE,
        licensee,
        Address::ZERO,
        U256::from(tributary_abi::scope::TRAIN),
        0,
        0,
    );
    let err = escrow
        .sender(licensee)
        .request_escrow_withdrawal(LICENSE, U256::from(1))
        .motsu_expect_err("no anchor to ask");
    assert!(matches!(
        err,
        Error::UsageAnchorNotSet(usage_escrow::errors::UsageAnchorNotSet {})
    ));
}
