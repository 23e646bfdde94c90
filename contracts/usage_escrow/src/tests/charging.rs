//! `charge`: only the anchor, aligned arrays, escrow first and debt for the rest, deposits once
//! per (split, token).

use alloy_primitives::{Address, U256};
use motsu::prelude::*;

use super::*;
use crate::{
    errors::{Error, LengthMismatch, NotUsageAnchor},
    events::{DebtChanged, EscrowCharged, FeesDeposited},
};

/// `n` wei.
fn wei(n: u64) -> U256 {
    U256::from(n)
}

/// The `E` events the escrow emitted after the first `seen`.
fn since<E: alloy_sol_types::SolEvent>(setup: &Setup, seen: usize) -> Vec<E> {
    setup.escrow.all_events()[seen..]
        .iter()
        .filter(|log| log.topics().first() == Some(&E::SIGNATURE_HASH))
        .map(|log| E::decode_log_data(log, true).unwrap())
        .collect()
}

/// Misaligned `charge` arguments: fees, split ids, tokens, and the length that differs.
type Case<'a> = (&'a [U256], &'a [U256], &'a [Address], usize);

#[motsu::test]
fn only_the_anchor_charges_with_aligned_arrays(stranger: Address) {
    let setup = Setup::new();
    let anchor = setup.anchor.address();
    let one = [LICENSE];
    let err = setup
        .charge(&one, &[wei(1)], &[SPLIT], &[Address::ZERO])
        .motsu_expect_err("anchor not wired yet");
    assert!(matches!(err, Error::NotUsageAnchor(NotUsageAnchor { account }) if account == anchor));
    let setup = Setup::wired();
    for caller in [setup.owner, setup.disputes, stranger] {
        let err = setup
            .escrow
            .sender(caller)
            .charge(
                vec![LICENSE],
                vec![wei(1)],
                vec![SPLIT],
                vec![Address::ZERO],
            )
            .motsu_expect_err("not the anchor");
        assert!(
            matches!(err, Error::NotUsageAnchor(NotUsageAnchor { account }) if account == caller)
        );
    }
    let two = [LICENSE, TOKEN_LICENSE];
    let cases: [Case; 3] = [
        (&[wei(1)], &[SPLIT, SPLIT], &[Address::ZERO; 2], 1),
        (&[wei(1); 2], &[SPLIT; 3], &[Address::ZERO; 2], 3),
        (&[wei(1); 2], &[SPLIT; 2], &[], 0),
    ];
    for (fees, splits, tokens, actual) in cases {
        let err = setup
            .charge(&two, fees, splits, tokens)
            .motsu_expect_err("lengths");
        assert!(
            matches!(err, Error::LengthMismatch(LengthMismatch { expected, actual: a })
                if expected == wei(2) && a == U256::from(actual)),
            "{err:?}"
        );
    }
    // Nothing to charge: nothing happens.
    let seen = setup.escrow.all_events().len();
    setup.charge(&[], &[], &[], &[]).motsu_unwrap();
    assert_eq!(setup.escrow.all_events().len(), seen);
}

#[motsu::test]
fn charges_escrow_first_and_records_the_rest_as_debt() {
    let setup = Setup::wired();
    let (third, fourth, other_split) = (wei(3), wei(4), wei(5));
    for id in [third, fourth] {
        setup
            .license
            .sender(setup.owner)
            .issue(id, setup.licensee(), Address::ZERO);
    }
    setup.fund(LICENSE, wei(100));
    setup.fund(third, wei(30));
    let seen = setup.escrow.all_events().len();
    setup
        .charge(
            &[LICENSE, third, fourth],
            &[wei(40), wei(50), wei(20)],
            &[SPLIT, SPLIT, other_split],
            &[Address::ZERO; 3],
        )
        .motsu_unwrap();
    assert_eq!(
        since::<EscrowCharged>(&setup, seen),
        vec![
            EscrowCharged {
                licenseId: LICENSE,
                fee: wei(40),
                paid: wei(40)
            },
            EscrowCharged {
                licenseId: third,
                fee: wei(50),
                paid: wei(30)
            },
            EscrowCharged {
                licenseId: fourth,
                fee: wei(20),
                paid: U256::ZERO
            },
        ]
    );
    assert_eq!(
        since::<DebtChanged>(&setup, seen),
        vec![
            DebtChanged {
                licenseId: third,
                debt: wei(20)
            },
            DebtChanged {
                licenseId: fourth,
                debt: wei(20)
            },
        ]
    );
    // One deposit for the split both paying licenses share; none for what nobody paid.
    assert_eq!(
        since::<FeesDeposited>(&setup, seen),
        vec![FeesDeposited {
            splitId: SPLIT,
            token: Address::ZERO,
            amount: wei(70)
        }]
    );
    let splitter = setup.splitter.sender(setup.owner);
    assert_eq!(splitter.native_deposited(SPLIT), wei(70));
    assert_eq!(splitter.native_deposited(other_split), U256::ZERO);
    drop(splitter);
    assert_eq!(setup.info(LICENSE).0, wei(60));
    assert_eq!(
        (setup.info(third).0, setup.info(third).1),
        (U256::ZERO, wei(20))
    );
    assert_eq!(
        (setup.info(fourth).0, setup.info(fourth).1),
        (U256::ZERO, wei(20))
    );
    let license = setup.license.sender(setup.owner);
    assert!(!license.is_in_debt(LICENSE));
    assert!(license.is_in_debt(third) && license.is_in_debt(fourth));
    assert_eq!(license.debt_calls(), wei(2));
    drop(license);

    // More usage while in debt: more debt, the license contract is not told again.
    let seen = setup.escrow.all_events().len();
    setup
        .charge(&[third], &[wei(10)], &[SPLIT], &[Address::ZERO])
        .motsu_unwrap();
    assert_eq!(
        since::<DebtChanged>(&setup, seen),
        vec![DebtChanged {
            licenseId: third,
            debt: wei(30)
        }]
    );
    assert!(since::<FeesDeposited>(&setup, seen).is_empty());
    assert_eq!(setup.license.sender(setup.owner).debt_calls(), wei(2));
    // A zero fee charges nothing and changes no debt.
    let seen = setup.escrow.all_events().len();
    setup
        .charge(&[LICENSE], &[U256::ZERO], &[SPLIT], &[Address::ZERO])
        .motsu_unwrap();
    assert_eq!(
        since::<EscrowCharged>(&setup, seen),
        vec![EscrowCharged {
            licenseId: LICENSE,
            fee: U256::ZERO,
            paid: U256::ZERO
        }]
    );
    assert!(since::<DebtChanged>(&setup, seen).is_empty());
    assert!(since::<FeesDeposited>(&setup, seen).is_empty());
    // Native currency: funded 130 = 60 + 0 in escrow + 70 in the split.
    assert_eq!(setup.escrow.balance(), wei(60));
    assert_eq!(setup.splitter.balance(), wei(70));
}

#[motsu::test]
fn token_fees_are_deposited_per_split_and_token() {
    let setup = Setup::wired();
    setup.fund(LICENSE, wei(100));
    setup.fund_tokens(wei(100));
    let token = setup.token.address();
    let seen = setup.escrow.all_events().len();
    setup
        .charge(
            &[LICENSE, TOKEN_LICENSE],
            &[wei(10), wei(60)],
            &[SPLIT, SPLIT],
            &[Address::ZERO, token],
        )
        .motsu_unwrap();
    assert_eq!(
        since::<FeesDeposited>(&setup, seen),
        vec![
            FeesDeposited {
                splitId: SPLIT,
                token: Address::ZERO,
                amount: wei(10)
            },
            FeesDeposited {
                splitId: SPLIT,
                token,
                amount: wei(60)
            },
        ]
    );
    let splitter = setup.splitter.sender(setup.owner);
    assert_eq!(splitter.native_deposited(SPLIT), wei(10));
    assert_eq!(splitter.token_deposited(SPLIT), wei(60));
    drop(splitter);
    let tokens = setup.token.sender(setup.owner);
    assert_eq!(tokens.balance_of(setup.splitter.address()), wei(60));
    assert_eq!(tokens.balance_of(setup.escrow.address()), wei(40));
    // The approval was used up.
    assert_eq!(
        tokens.allowance(setup.escrow.address(), setup.splitter.address()),
        U256::ZERO
    );
    drop(tokens);
    assert_eq!(setup.info(TOKEN_LICENSE).0, wei(40));
}
