//! Property test over the real contract (motsu): random sequences of create / deposit /
//! depositToken / update / withdraw over several splits, recipients and tokens (native, a plain
//! ERC-20 and a fee-on-transfer ERC-20), checking after every step, for every split and token:
//!
//! * nothing is created: `withdrawn + claimable <= deposited`;
//! * dust is bounded: `deposited - (withdrawn + claimable) <= recipients summed over versions`;
//! * solvency: the contract's balance of each token equals `sum(deposited - withdrawn)` over
//!   splits, and so covers everything claimable;
//! * the contract's deposited totals match a model that only sums what the calls returned and
//!   emitted (paid-out totals are the model's: the contract does not store them).
//!
//! `PROPTEST_CASES` overrides the default of 1,000 cases.

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use proptest::prelude::*;
use tributary_testkit::erc20::TestToken;

use super::mocks::Wallet;
use crate::{errors::Error, RoyaltySplitter};

const RECIPIENTS: usize = 4;
const MAX_SPLITS: usize = 3;
/// Fee of the fee-on-transfer token, in basis points.
const FEE_BPS: u64 = 300;

#[derive(Clone, Debug)]
enum Op {
    Create {
        mask: u8,
        shares: [u64; RECIPIENTS],
    },
    Deposit {
        split: usize,
        amount: u64,
    },
    DepositToken {
        split: usize,
        token: usize,
        amount: u64,
    },
    Update {
        split: usize,
        mask: u8,
        shares: [u64; RECIPIENTS],
    },
    Withdraw {
        split: usize,
        version: usize,
        recipient: usize,
        token: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let shares = prop::array::uniform4(1u64..=1_000_000);
    prop_oneof![
        (1u8..16, shares.clone()).prop_map(|(mask, shares)| Op::Create { mask, shares }),
        (0..MAX_SPLITS, 0u64..=1_000_000_007)
            .prop_map(|(split, amount)| Op::Deposit { split, amount }),
        (0..MAX_SPLITS, 0..2usize, 0u64..=1_000_000_007).prop_map(|(split, token, amount)| {
            Op::DepositToken {
                split,
                token,
                amount,
            }
        }),
        (0..MAX_SPLITS, 1u8..16, shares).prop_map(|(split, mask, shares)| Op::Update {
            split,
            mask,
            shares
        }),
        (0..MAX_SPLITS, 0..4usize, 0..RECIPIENTS, 0..3usize).prop_map(
            |(split, version, recipient, token)| Op::Withdraw {
                split,
                version,
                recipient,
                token
            }
        ),
    ]
}

/// The test's own record of a split.
struct ModelSplit {
    id: U256,
    /// Recipient count of each version.
    versions: Vec<u32>,
    /// Per token (native, plain, fee): credited and withdrawn.
    deposited: [U256; 3],
    withdrawn: [U256; 3],
}

fn members(
    wallets: &[Contract<Wallet>],
    mask: u8,
    shares: [u64; RECIPIENTS],
) -> (Vec<Address>, Vec<U256>) {
    let mut pairs: Vec<(Address, U256)> = (0..RECIPIENTS)
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| (wallets[i].address(), U256::from(shares[i])))
        .collect();
    pairs.sort_by_key(|p| p.0);
    pairs.into_iter().unzip()
}

#[allow(clippy::too_many_lines)] // one match arm per operation reads best in one place
fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let splitter = Contract::<RoyaltySplitter>::new();
    let plain = Contract::<TestToken>::new();
    let fee = Contract::<TestToken>::new();
    let wallets: Vec<Contract<Wallet>> =
        (0..RECIPIENTS).map(|_| Contract::<Wallet>::new()).collect();
    let admin = Address::repeat_byte(0xad);
    let payer = Address::repeat_byte(0xfe);
    splitter.sender(admin).constructor(admin).motsu_unwrap();
    fee.sender(admin).set_fee_bps(U256::from(FEE_BPS));
    let big = U256::from(u128::MAX);
    payer.fund(big);
    for t in [&plain, &fee] {
        t.sender(payer).mint(payer, big);
        t.sender(payer).approve(splitter.address(), big);
    }
    let tokens = [Address::ZERO, plain.address(), fee.address()];
    let mut splits: Vec<ModelSplit> = Vec::new();

    for op in ops {
        match op {
            Op::Create { mask, shares } => {
                if splits.len() == MAX_SPLITS {
                    continue;
                }
                let (r, s) = members(&wallets, mask, shares);
                let count = u32::try_from(r.len()).unwrap();
                let id = splitter
                    .sender(admin)
                    .create_split(r, s, admin)
                    .motsu_unwrap();
                splits.push(ModelSplit {
                    id,
                    versions: vec![count],
                    deposited: [U256::ZERO; 3],
                    withdrawn: [U256::ZERO; 3],
                });
            }
            Op::Deposit { split, amount } => {
                let Some(s) = splits.get_mut(split) else {
                    continue;
                };
                let amount = U256::from(amount);
                match splitter
                    .sender_and_value(payer, amount)
                    .deposit(s.id)
                    .motsu_res()
                {
                    Ok(()) => s.deposited[0] += amount,
                    Err(e) => prop_assert!(amount.is_zero() && matches!(e, Error::ZeroAmount(_))),
                }
            }
            Op::DepositToken {
                split,
                token,
                amount,
            } => {
                let Some(s) = splits.get_mut(split) else {
                    continue;
                };
                let amount = U256::from(amount);
                let credited = if token == 1 {
                    amount - amount * U256::from(FEE_BPS) / U256::from(10_000)
                } else {
                    amount
                };
                match splitter
                    .sender(payer)
                    .deposit_token(s.id, tokens[token + 1], amount)
                    .motsu_res()
                {
                    Ok(()) => s.deposited[token + 1] += credited,
                    Err(e) => prop_assert!(credited.is_zero() && matches!(e, Error::ZeroAmount(_))),
                }
            }
            Op::Update {
                split,
                mask,
                shares,
            } => {
                let Some(s) = splits.get_mut(split) else {
                    continue;
                };
                let (r, sh) = members(&wallets, mask, shares);
                let count = u32::try_from(r.len()).unwrap();
                splitter
                    .sender(admin)
                    .update_split(s.id, r, sh)
                    .motsu_unwrap();
                s.versions.push(count);
            }
            Op::Withdraw {
                split,
                version,
                recipient,
                token,
            } => {
                let Some(s) = splits.get_mut(split) else {
                    continue;
                };
                let version = u32::try_from(version % s.versions.len()).unwrap();
                let who = wallets[recipient].address();
                let owed = splitter
                    .sender(admin)
                    .claimable(s.id, version, who, tokens[token]);
                match splitter
                    .sender(payer)
                    .withdraw(s.id, version, who, tokens[token])
                    .motsu_res()
                {
                    Ok(paid) => {
                        prop_assert_eq!(paid, owed);
                        s.withdrawn[token] += paid;
                    }
                    Err(e) => {
                        prop_assert!(owed.is_zero() && matches!(e, Error::NothingToWithdraw(_)));
                    }
                }
            }
        }
        check(&splitter, &plain, &fee, &wallets, &splits, &tokens)?;
    }
    Ok(())
}

fn check(
    splitter: &Contract<RoyaltySplitter>,
    plain: &Contract<TestToken>,
    fee: &Contract<TestToken>,
    wallets: &[Contract<Wallet>],
    splits: &[ModelSplit],
    tokens: &[Address; 3],
) -> Result<(), TestCaseError> {
    let view = splitter.sender(Address::ZERO);
    for (t, token) in tokens.iter().enumerate() {
        let mut held = U256::ZERO;
        for s in splits {
            let (deposited, remainder) = view.split_balance(s.id, *token);
            prop_assert_eq!(deposited, s.deposited[t]);
            // Paid out is not stored on chain: the model sums what the withdrawals returned,
            // and the balance check below proves those amounts left the contract.
            let withdrawn = s.withdrawn[t];
            prop_assert!(
                remainder < U256::from(1u128 << 64),
                "remainder of a wei or more"
            );
            let mut claimable = U256::ZERO;
            for (v, _) in s.versions.iter().enumerate() {
                for w in wallets {
                    claimable +=
                        view.claimable(s.id, u32::try_from(v).unwrap(), w.address(), *token);
                }
            }
            let members: u32 = s.versions.iter().sum();
            prop_assert!(withdrawn + claimable <= deposited, "created money");
            prop_assert!(
                deposited - (withdrawn + claimable) <= U256::from(members),
                "dust above recipient count"
            );
            held += deposited - withdrawn;
        }
        let balance = match t {
            0 => splitter.balance(),
            1 => plain.sender(Address::ZERO).balance_of(splitter.address()),
            _ => fee.sender(Address::ZERO).balance_of(splitter.address()),
        };
        prop_assert_eq!(balance, held, "balance does not cover what is owed");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: tributary_testkit::proptest_cases(), ..ProptestConfig::default() })]

    #[test]
    fn accounting_invariants_hold_for_random_sequences(ops in prop::collection::vec(op(), 1..24)) {
        run(ops)?;
    }
}
