//! Exact, pro-rata accounting, as pure functions (no storage, no host calls) so that property
//! tests can drive them directly.
//!
//! # Model
//! A split version has `total` shares. Each token of it has a per-share accumulator `acc`, a
//! fixed-point number with [`PRECISION_BITS`] fractional bits: one share has earned
//! `acc / 2^64` wei since the version started. A deposit of `amount` adds
//! `(amount * 2^64 + remainder) / total` to `acc` and keeps `(amount * 2^64 + remainder) % total`
//! as the version's new `remainder`, so the division never loses anything: the remainder (worth
//! less than one wei, because `total < 2^64`) is carried into the version's next deposit.
//! A member with `shares` is entitled to `floor(shares * acc / 2^64)` and has been paid `paid`
//! of it, so `claimable = entitlement - paid`.
//!
//! The accumulator and the remainder of a version and token are written together by every
//! deposit, so they share one storage word ([`pack`]): `acc` in the high 192 bits, `remainder`
//! in the low 64.
//!
//! # Invariants (checked by the property tests)
//! For a split version and token with cumulative deposits `D_v`:
//! * `total_v * acc_v + remainder_v == D_v * 2^64` (nothing is created or lost by a deposit);
//! * hence `claimed + claimable <= D_v`: each member's entitlement is at most its exact share;
//! * and `D_v - (claimed + claimable) <= n_v`, the version's member count: each member loses less
//!   than one wei to the floor, and the remainder (less than one wei) makes the total an integer
//!   count below `n_v + 1`.
//!
//! # Bounds
//! `total < 2^64` (checked when a version is opened) and `acc < 2^192` (checked on deposit, so a
//! version and token take at least `2^128 - 1` wei, about 3.4e38, before
//! [`accrue`] refuses) make every product below fit in 256 bits:
//! `shares * acc <= total * acc < 2^64 * 2^192`.

use alloy_primitives::{uint, U256};

/// Fractional bits of the per-share accumulator.
pub const PRECISION_BITS: usize = 64;
/// `2^64`: the accumulator's unit (one wei per share).
pub const ONE: U256 = uint!(0x10000000000000000_U256);
/// Largest total shares of a split version, `2^64 - 1`. Keeping the total below the
/// accumulator's unit bounds the carried remainder by one wei.
pub const MAX_TOTAL_SHARES: U256 = uint!(0xffffffffffffffff_U256);
/// Largest per-share accumulator, `2^192 - 1`: what fits above the remainder in one word.
pub const MAX_ACC: U256 = uint!(0xffffffffffffffffffffffffffffffffffffffffffffffff_U256);
/// The deposits one version and token always accept, whatever its shares: `2^128 - 1` wei
/// (with one share, `acc` reaches [`MAX_ACC`] there; more shares accept proportionally more).
pub const MIN_DEPOSIT_CAPACITY: U256 = uint!(0xffffffffffffffffffffffffffffffff_U256);

/// The storage word of an accumulator and its remainder: `acc << 64 | remainder`.
/// `acc <= MAX_ACC` and `remainder < 2^64` are the caller's to keep ([`accrue`] does).
pub fn pack(acc: U256, remainder: U256) -> U256 {
    (acc << PRECISION_BITS) | remainder
}

/// The accumulator and remainder of a word written by [`pack`].
pub fn unpack(word: U256) -> (U256, U256) {
    (word >> PRECISION_BITS, word & MAX_TOTAL_SHARES)
}

/// A member's word: its `shares` (below `2^64`) in the low 64 bits and the native currency
/// already paid to it in the high 192 (`paid <= shares * acc / 2^64 < 2^192`), so a native
/// withdrawal rewrites the word it reads instead of writing a fresh one.
pub fn member_word(shares: U256, paid_native: U256) -> U256 {
    pack(paid_native, shares)
}

/// The shares and the native currency paid of a word written by [`member_word`] (a word
/// holding only shares has paid nothing).
pub fn split_member_word(word: U256) -> (U256, U256) {
    let (paid_native, shares) = unpack(word);
    (shares, paid_native)
}

/// A per-share accumulator and the carried division remainder after a deposit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accrual {
    /// The new per-share accumulator (`2^-64` wei per share).
    pub acc: U256,
    /// The new carried remainder (`2^-64` wei), always `< total`.
    pub remainder: U256,
}

/// Credits `amount` to a version with `total` shares whose accumulator is `acc`, carrying
/// `remainder` from earlier deposits. `None` if `total` is zero or on overflow (impossible
/// within the documented bounds).
pub fn accrue(acc: U256, remainder: U256, amount: U256, total: U256) -> Option<Accrual> {
    if total.is_zero() {
        return None;
    }
    // `amount * 2^64` as a shift: `amount` must fit in 192 bits (more could never fit `acc`).
    if amount > MAX_ACC {
        return None;
    }
    let mass = (amount << PRECISION_BITS).checked_add(remainder)?;
    let (per_share, remainder) = div_rem_small(mass, total)?;
    // `acc <= MAX_ACC` keeps `shares * acc` representable for every member (`shares < 2^64`)
    // and leaves the low 64 bits of the word to the remainder.
    let acc = acc.checked_add(per_share).filter(|a| *a <= MAX_ACC)?;
    Some(Accrual { acc, remainder })
}

/// `(n / d, n % d)` for a divisor below `2^64`, by binary long division on a 128-bit running
/// remainder. It needs only shifts, compares and subtractions, so the WASM carries no 128-bit
/// (or 256-bit) division routine; 256 cheap iterations per deposit cost a few hundred gas.
/// `None` if `d` is zero or not below `2^64`.
fn div_rem_small(n: U256, d: U256) -> Option<(U256, U256)> {
    if d.is_zero() || d > MAX_TOTAL_SHARES {
        return None;
    }
    let d = d.to::<u128>();
    let limbs = n.as_limbs();
    let mut quotient = [0u64; 4];
    let mut rem: u128 = 0;
    for bit in (0..256).rev() {
        // `rem < d < 2^64`, so `rem << 1 | 1 < 2^65` fits.
        rem = (rem << 1) | u128::from((limbs[bit / 64] >> (bit % 64)) & 1);
        if rem >= d {
            rem -= d;
            quotient[bit / 64] |= 1 << (bit % 64);
        }
    }
    Some((U256::from_limbs(quotient), U256::from(rem)))
}

/// What `shares` shares have earned in a version whose accumulator is `acc`:
/// `floor(shares * acc / 2^64)`. `None` on overflow (impossible within the bounds).
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
        assert_eq!(MAX_ACC, (U256::from(1) << 192) - U256::from(1));
        assert_eq!(MIN_DEPOSIT_CAPACITY, (U256::from(1) << 128) - U256::from(1));
        assert_eq!(
            unpack(pack(MAX_ACC, MAX_TOTAL_SHARES)),
            (MAX_ACC, MAX_TOTAL_SHARES)
        );
        assert_eq!(pack(MAX_ACC, MAX_TOTAL_SHARES), U256::MAX);
        let word = member_word(MAX_TOTAL_SHARES, MAX_ACC);
        assert_eq!(split_member_word(word), (MAX_TOTAL_SHARES, MAX_ACC));
        assert_eq!(
            split_member_word(U256::from(7)),
            (U256::from(7), U256::ZERO)
        );
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
        // One share: the capacity fits exactly, one wei more does not.
        let a = accrue(U256::ZERO, U256::ZERO, MIN_DEPOSIT_CAPACITY, U256::from(1)).unwrap();
        assert_eq!(
            entitlement(U256::from(1), a.acc).unwrap(),
            MIN_DEPOSIT_CAPACITY
        );
        assert_eq!(
            accrue(a.acc, a.remainder, U256::from(1), U256::from(1)),
            None
        );
        // The most shares: the capacity fits and every product stays representable.
        let b = accrue(
            U256::ZERO,
            MAX_TOTAL_SHARES - U256::from(1),
            MIN_DEPOSIT_CAPACITY,
            MAX_TOTAL_SHARES,
        )
        .unwrap();
        assert!(entitlement(MAX_TOTAL_SHARES, b.acc).unwrap() <= MIN_DEPOSIT_CAPACITY);
        assert!(b.acc <= MAX_ACC && b.remainder < ONE);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: tributary_testkit::proptest_cases(), ..ProptestConfig::default() })]

        /// Random deposits over random share vectors and version changes: nothing is created,
        /// and what is not claimable is at most the number of (version, member) pairs in wei.
        #[test]
        fn small_division_is_exact(n in any::<[u64; 4]>(), d in 1u128..(1u128 << 64)) {
            let n = U256::from_limbs(n);
            let d = U256::from(d);
            prop_assert_eq!(div_rem_small(n, d), Some(n.div_rem(d)));
        }

        /// Random deposits over random share vectors and version changes: in every version,
        /// nothing is created or lost (`total * acc + remainder == deposited * 2^64`) and what
        /// is not claimable is at most the version's member count in wei.
        #[test]
        fn deposits_are_exact(
            versions in prop::collection::vec(
                (
                    prop::collection::vec(1u128..=u128::from(u64::MAX / 8), 1..8),
                    prop::collection::vec(0u128..=u128::from(u64::MAX), 0..6),
                ),
                1..5,
            ),
        ) {
            for (shares, amounts) in versions {
                let shares: Vec<U256> = shares.into_iter().map(U256::from).collect();
                let total = shares.iter().fold(U256::ZERO, |t, s| t + s);
                let (mut acc, mut remainder, mut deposited) = (U256::ZERO, U256::ZERO, U256::ZERO);
                for amount in amounts {
                    let a = accrue(acc, remainder, U256::from(amount), total).unwrap();
                    prop_assert!(a.remainder < total);
                    prop_assert_eq!(unpack(pack(a.acc, a.remainder)), (a.acc, a.remainder));
                    acc = a.acc;
                    remainder = a.remainder;
                    deposited += U256::from(amount);
                }
                prop_assert_eq!(total * acc + remainder, deposited * ONE);
                let payable = shares
                    .iter()
                    .fold(U256::ZERO, |p, s| p + entitlement(*s, acc).unwrap());
                prop_assert!(payable <= deposited);
                prop_assert!(deposited - payable <= U256::from(shares.len()));
            }
        }
    }
}
