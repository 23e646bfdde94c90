//! Exact pro-rata accounting, as pure functions (no storage, no host calls) so that property
//! tests can drive them directly.
//!
//! # Model
//! A split version has `total` shares. Each token of it has a per-share accumulator `acc`, a
//! fixed-point number with [`PRECISION_BITS`] fractional bits: one share has earned
//! `acc / 2^96` wei since the version started. A deposit of `amount` adds
//! `(amount * 2^96 + remainder) / total` to `acc` and keeps `(amount * 2^96 + remainder) % total`
//! as the new `remainder`, so the division never loses anything: the remainder (worth less than
//! one wei, because `total < 2^96`) is carried into the next deposit, also across versions.
//! A member with `shares` is entitled to `floor(shares * acc / 2^96)` and has been paid `paid`
//! of it, so `claimable = entitlement - paid`.
//!
//! # Invariants (checked by the property tests)
//! For a split and token with cumulative deposits `D`:
//! * `sum(total_v * acc_v) + remainder == D * 2^96` over its versions `v` (nothing is created or
//!   lost by a deposit);
//! * hence `claimed + claimable <= D`: each member's entitlement is at most its exact share;
//! * and `D - (claimed + claimable) <= sum of the versions' recipient counts`: each member loses
//!   less than one wei to the floor, the carried remainder less than one wei in total.
//!
//! # Bounds
//! `total < 2^96` and `D < 2^160` (checked on deposit) make every product below fit in 256
//! bits: `shares * acc <= total * acc <= D * 2^96 + remainder < 2^256`.

use alloy_primitives::{uint, U256};

/// Fractional bits of the per-share accumulator.
pub const PRECISION_BITS: usize = 96;
/// `2^96`: the accumulator's unit (one wei per share).
pub const ONE: U256 = uint!(0x1000000000000000000000000_U256);
/// Largest total shares of a split version, `2^96 - 1`. Keeping the total below the
/// accumulator's unit bounds the carried remainder by one wei.
pub const MAX_TOTAL_SHARES: U256 = uint!(0xffffffffffffffffffffffff_U256);
/// Largest cumulative deposit of one split and token, `2^160 - 1` (about 1.46e48 base units).
pub const MAX_DEPOSITED: U256 = uint!(0xffffffffffffffffffffffffffffffffffffffff_U256);

/// A per-share accumulator and the carried division remainder after a deposit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accrual {
    /// The new per-share accumulator (`2^-96` wei per share).
    pub acc: U256,
    /// The new carried remainder (`2^-96` wei), always `< total`.
    pub remainder: U256,
}

/// Credits `amount` to a version with `total` shares whose accumulator is `acc`, carrying
/// `remainder` from earlier deposits. `None` if `total` is zero or on overflow (impossible
/// within the documented bounds).
pub fn accrue(acc: U256, remainder: U256, amount: U256, total: U256) -> Option<Accrual> {
    if total.is_zero() {
        return None;
    }
    // `amount * 2^96` as a shift: `amount` must fit in 160 bits.
    if amount > MAX_DEPOSITED {
        return None;
    }
    let mass = (amount << PRECISION_BITS).checked_add(remainder)?;
    let (per_share, remainder) = div_rem_small(mass, total)?;
    let acc = acc.checked_add(per_share)?;
    // Keep `shares * acc` representable for every member (`shares <= total`).
    acc.checked_mul(total)?;
    Some(Accrual { acc, remainder })
}

/// `(n / d, n % d)` for a divisor below `2^96`, by binary long division on a 128-bit running
/// remainder. It needs only shifts, compares and subtractions, so the WASM carries no 128-bit
/// (or 256-bit) division routine; 256 cheap iterations per deposit cost a few hundred gas.
/// `None` if `d` is zero or not below `2^96`.
fn div_rem_small(n: U256, d: U256) -> Option<(U256, U256)> {
    if d.is_zero() || d > MAX_TOTAL_SHARES {
        return None;
    }
    let d = d.to::<u128>();
    let limbs = n.as_limbs();
    let mut quotient = [0u64; 4];
    let mut rem: u128 = 0;
    for bit in (0..256).rev() {
        // `rem < d < 2^96`, so `rem << 1 | 1 < 2^97` fits.
        rem = (rem << 1) | u128::from((limbs[bit / 64] >> (bit % 64)) & 1);
        if rem >= d {
            rem -= d;
            quotient[bit / 64] |= 1 << (bit % 64);
        }
    }
    Some((U256::from_limbs(quotient), U256::from(rem)))
}

/// What `shares` shares have earned in a version whose accumulator is `acc`:
/// `floor(shares * acc / 2^96)`. `None` on overflow (impossible within the bounds).
pub fn entitlement(shares: U256, acc: U256) -> Option<U256> {
    Some(shares.checked_mul(acc)? >> PRECISION_BITS)
}

/// What a member with `shares` can still withdraw after being paid `paid`.
pub fn claimable(shares: U256, acc: U256, paid: U256) -> U256 {
    entitlement(shares, acc).map_or(U256::ZERO, |e| e.saturating_sub(paid))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn constants_are_consistent() {
        assert_eq!(ONE, U256::from(1) << PRECISION_BITS);
        assert_eq!(MAX_TOTAL_SHARES, ONE - U256::from(1));
        assert_eq!(MAX_DEPOSITED, (U256::from(1) << 160) - U256::from(1));
    }

    #[test]
    fn remainder_is_carried_not_dropped() {
        // 10 wei over 3 shares, three times: each share must end with exactly 10 wei.
        let total = U256::from(3);
        let mut state = Accrual {
            acc: U256::ZERO,
            remainder: U256::ZERO,
        };
        for _ in 0..3 {
            state = accrue(state.acc, state.remainder, U256::from(10), total).unwrap();
        }
        assert_eq!(
            entitlement(U256::from(1), state.acc).unwrap(),
            U256::from(10)
        );
        assert_eq!(entitlement(total, state.acc).unwrap(), U256::from(30));
    }

    #[test]
    fn accrue_rejects_zero_total_and_overflow() {
        assert_eq!(
            accrue(U256::ZERO, U256::ZERO, U256::from(1), U256::ZERO),
            None
        );
        assert_eq!(
            accrue(U256::ZERO, U256::ZERO, U256::MAX, U256::from(1)),
            None
        );
        assert_eq!(entitlement(U256::MAX, U256::from(2)), None);
        assert_eq!(claimable(U256::MAX, U256::from(2), U256::ZERO), U256::ZERO);
    }

    #[test]
    fn small_division_matches_ruint() {
        let cases = [
            (U256::MAX, MAX_TOTAL_SHARES),
            (U256::MAX, U256::from(3)),
            (U256::from(10), U256::from(3)),
            (U256::from(1) << 200, U256::from(0xffff_ffff_ffffu64)),
        ];
        for (n, d) in cases {
            assert_eq!(div_rem_small(n, d), Some(n.div_rem(d)));
        }
        assert_eq!(div_rem_small(U256::from(1), U256::ZERO), None);
        assert_eq!(div_rem_small(U256::from(1), ONE), None);
    }

    #[test]
    fn largest_bounds_fit() {
        let a = accrue(U256::ZERO, U256::ZERO, MAX_DEPOSITED, U256::from(1)).unwrap();
        assert_eq!(entitlement(U256::from(1), a.acc).unwrap(), MAX_DEPOSITED);
        let b = accrue(
            U256::ZERO,
            MAX_TOTAL_SHARES - U256::from(1),
            MAX_DEPOSITED,
            MAX_TOTAL_SHARES,
        )
        .unwrap();
        assert!(entitlement(MAX_TOTAL_SHARES, b.acc).unwrap() <= MAX_DEPOSITED);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: tributary_testkit::proptest_cases(), ..ProptestConfig::default() })]

        /// Random deposits over random share vectors and version changes: nothing is created,
        /// and what is not claimable is at most the number of (version, member) pairs in wei.
        #[test]
        fn small_division_is_exact(n in any::<[u64; 4]>(), d in 1u128..(1u128 << 96)) {
            let n = U256::from_limbs(n);
            let d = U256::from(d);
            prop_assert_eq!(div_rem_small(n, d), Some(n.div_rem(d)));
        }

        #[test]
        fn deposits_are_exact(
            versions in prop::collection::vec(
                (
                    prop::collection::vec(1u128..=u128::from(u64::MAX), 1..8),
                    prop::collection::vec(0u128..=u128::from(u64::MAX), 0..6),
                ),
                1..5,
            ),
        ) {
            let mut remainder = U256::ZERO;
            let mut deposited = U256::ZERO;
            let mut payable = U256::ZERO;
            let mut members = 0u64;
            let mut mass = U256::ZERO;
            for (shares, amounts) in versions {
                let shares: Vec<U256> = shares.into_iter().map(U256::from).collect();
                let total = shares.iter().fold(U256::ZERO, |t, s| t + s);
                let mut acc = U256::ZERO;
                for amount in amounts {
                    let a = accrue(acc, remainder, U256::from(amount), total).unwrap();
                    prop_assert!(a.remainder < total);
                    acc = a.acc;
                    remainder = a.remainder;
                    deposited += U256::from(amount);
                }
                mass += total * acc;
                members += shares.len() as u64;
                for s in &shares {
                    payable += entitlement(*s, acc).unwrap();
                }
            }
            prop_assert_eq!(mass + remainder, deposited * ONE);
            prop_assert!(payable <= deposited);
            prop_assert!(deposited - payable <= U256::from(members));
        }
    }
}
