//! Funding a license's escrow: the license's payment token, debt paid first into the split.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolError;
use motsu::prelude::*;

use super::*;
use crate::{
    errors::{Error, ExternalCallFailed, WrongPaymentToken, ZeroAmount},
    events::{DebtChanged, EscrowFunded, FeesDeposited},
};

#[motsu::test]
fn funding_must_match_the_payment_token(funder: Address) {
    let setup = Setup::wired();
    funder.fund(ETH);
    let err = setup
        .escrow
        .sender_and_value(funder, ETH)
        .fund_escrow(TOKEN_LICENSE)
        .motsu_expect_err("native for a token license");
    assert!(
        matches!(err, Error::WrongPaymentToken(WrongPaymentToken { licenseId, token })
            if licenseId == TOKEN_LICENSE && token == setup.token.address())
    );
    let err = setup
        .escrow
        .sender(funder)
        .fund_escrow_token(LICENSE, ETH)
        .motsu_expect_err("tokens for a native license");
    assert!(
        matches!(err, Error::WrongPaymentToken(WrongPaymentToken { licenseId, token })
            if licenseId == LICENSE && token == Address::ZERO)
    );
    let err = setup
        .escrow
        .sender(funder)
        .fund_escrow(LICENSE)
        .motsu_expect_err("no value");
    assert!(matches!(err, Error::ZeroAmount(ZeroAmount {})));
    let err = setup
        .escrow
        .sender(funder)
        .fund_escrow_token(TOKEN_LICENSE, U256::ZERO)
        .motsu_expect_err("no tokens");
    assert!(matches!(err, Error::ZeroAmount(ZeroAmount {})));
    let unknown = U256::from(99);
    let err = setup
        .escrow
        .sender_and_value(funder, ETH)
        .fund_escrow(unknown)
        .motsu_expect_err("unknown license");
    assert!(
        matches!(&err, Error::ExternalCallFailed(ExternalCallFailed { target, reason })
            if *target == setup.license.address()
                && reason.as_ref() == ERC721NonexistentToken { token_id: unknown }.abi_encode().as_slice()),
        "{err:?}"
    );
    // Nothing moved.
    assert_eq!(setup.escrow.balance(), U256::ZERO);
    setup
        .escrow
        .sender_and_value(funder, ETH)
        .fund_escrow(LICENSE)
        .motsu_unwrap();
    setup.escrow.assert_emitted(&EscrowFunded {
        licenseId: LICENSE,
        funder,
        amount: ETH,
        toDebt: U256::ZERO,
    });
    assert_eq!(setup.info(LICENSE).0, ETH);
    assert_eq!(setup.escrow.balance(), ETH);
}

#[motsu::test]
fn funding_pays_debt_first(funder: Address) {
    let setup = Setup::wired();
    setup
        .charge(&[LICENSE], &[U256::from(50)], &[SPLIT], &[Address::ZERO])
        .motsu_unwrap();
    assert_eq!(setup.info(LICENSE).1, U256::from(50));
    assert!(setup.license.sender(setup.owner).is_in_debt(LICENSE));
    funder.fund(U256::from(120));
    // Part of the debt: all of it goes to the split, the license stays in debt.
    setup
        .escrow
        .sender_and_value(funder, U256::from(20))
        .fund_escrow(LICENSE)
        .motsu_unwrap();
    setup.escrow.assert_emitted(&EscrowFunded {
        licenseId: LICENSE,
        funder,
        amount: U256::from(20),
        toDebt: U256::from(20),
    });
    setup.escrow.assert_emitted(&DebtChanged {
        licenseId: LICENSE,
        debt: U256::from(30),
    });
    setup.escrow.assert_emitted(&FeesDeposited {
        splitId: SPLIT,
        token: Address::ZERO,
        amount: U256::from(20),
    });
    assert_eq!(
        (setup.info(LICENSE).0, setup.info(LICENSE).1),
        (U256::ZERO, U256::from(30))
    );
    assert!(setup.license.sender(setup.owner).is_in_debt(LICENSE));
    // The rest of the debt and escrow: the license is clear.
    setup
        .escrow
        .sender_and_value(funder, U256::from(100))
        .fund_escrow(LICENSE)
        .motsu_unwrap();
    setup.escrow.assert_emitted(&EscrowFunded {
        licenseId: LICENSE,
        funder,
        amount: U256::from(100),
        toDebt: U256::from(30),
    });
    setup.escrow.assert_emitted(&DebtChanged {
        licenseId: LICENSE,
        debt: U256::ZERO,
    });
    assert_eq!(setup.info(LICENSE).0, U256::from(70));
    assert_eq!(setup.info(LICENSE).1, U256::ZERO);
    assert!(!setup.license.sender(setup.owner).is_in_debt(LICENSE));
    assert_eq!(
        setup.splitter.sender(setup.owner).native_deposited(SPLIT),
        U256::from(50)
    );
    assert_eq!(setup.escrow.balance(), U256::from(70));
}

#[motsu::test]
fn token_funding_credits_what_arrived() {
    let setup = Setup::wired();
    // A 1 % fee on transfer: 1,000 sent, 990 arrive.
    setup.token.sender(setup.owner).set_fee_bps(U256::from(100));
    setup.fund_tokens(U256::from(1_000));
    setup.escrow.assert_emitted(&EscrowFunded {
        licenseId: TOKEN_LICENSE,
        funder: Address::repeat_byte(0xf1),
        amount: U256::from(990),
        toDebt: U256::ZERO,
    });
    assert_eq!(setup.info(TOKEN_LICENSE).0, U256::from(990));
    assert_eq!(
        setup
            .token
            .sender(setup.owner)
            .balance_of(setup.escrow.address()),
        U256::from(990)
    );
}

#[motsu::test]
fn balance_and_debt_are_bounded_by_their_128_bit_word(funder: Address) {
    let setup = Setup::wired();
    let most = (U256::from(1) << 128) - U256::from(1);
    funder.fund(most + U256::from(1));
    setup
        .escrow
        .sender_and_value(funder, most)
        .fund_escrow(LICENSE)
        .motsu_unwrap();
    assert_eq!(setup.info(LICENSE).0, most);
    let err = setup
        .escrow
        .sender_and_value(funder, U256::from(1))
        .fund_escrow(LICENSE)
        .motsu_expect_err("one wei past 2^128 - 1");
    assert!(matches!(err, Error::ArithmeticOverflow(_)), "{err:?}");
    assert_eq!(setup.info(LICENSE).0, most, "nothing credited");
}
