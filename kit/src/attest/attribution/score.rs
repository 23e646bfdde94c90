//! Exact decimal scores: a sign and a fixed-point magnitude `|score| × 10^18`, parsed from
//! decimal text without floating point.

use alloy::primitives::U256;

/// Fractional digits of a score: scores are fixed-point integers `score × 10^18`.
pub const SCORE_DECIMALS: u32 = 18;
/// Most integer digits a score may have (so sums and products stay far inside `U256`).
pub const MAX_SCORE_INTEGER_DIGITS: usize = 30;

/// `10^SCORE_DECIMALS`.
pub(crate) const ONE: u64 = 1_000_000_000_000_000_000;

/// An exact decimal score: sign and `|score| × 10^18`. Zero is never negative.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Score {
    negative: bool,
    fixed: U256,
}

impl Score {
    /// Zero.
    pub const ZERO: Self = Self {
        negative: false,
        fixed: U256::ZERO,
    };

    /// The score `±fixed / 10^18`.
    ///
    /// # Errors
    ///
    /// If `|score|` has more than [`MAX_SCORE_INTEGER_DIGITS`] integer digits.
    pub fn from_fixed(negative: bool, fixed: U256) -> Result<Self, String> {
        if fixed / U256::from(ONE) >= U256::from(10_u8).pow(U256::from(MAX_SCORE_INTEGER_DIGITS)) {
            return Err(format!(
                "more than {MAX_SCORE_INTEGER_DIGITS} integer digits"
            ));
        }
        Ok(Self {
            negative: negative && !fixed.is_zero(),
            fixed,
        })
    }

    /// `|score| × 10^18`.
    pub fn fixed(&self) -> U256 {
        self.fixed
    }

    /// Whether the score is below zero.
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// Whether the score is above zero.
    pub fn is_positive(&self) -> bool {
        !self.negative && !self.fixed.is_zero()
    }
}

impl core::str::FromStr for Score {
    type Err = String;

    /// Parses `[+-]digits[.digits]` (at most 18 fractional and 30 integer digits) exactly.
    fn from_str(text: &str) -> Result<Self, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("empty score".into());
        }
        let (negative, rest) = match t.as_bytes()[0] {
            b'-' => (true, &t[1..]),
            b'+' => (false, &t[1..]),
            _ => (false, t),
        };
        let (int, frac) = match rest.split_once('.') {
            Some((int, frac)) => {
                if frac.is_empty() {
                    return Err("expected digits after the decimal point".into());
                }
                (int, frac)
            }
            None => (rest, ""),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(int) || !(frac.is_empty() || digits(frac)) {
            return Err(
                "not a decimal number (digits with an optional sign and decimal point; no \
                 exponent)"
                    .into(),
            );
        }
        if frac.len() > SCORE_DECIMALS as usize {
            return Err(format!("more than {SCORE_DECIMALS} fractional digits"));
        }
        let int = int.trim_start_matches('0');
        if int.len() > MAX_SCORE_INTEGER_DIGITS {
            return Err(format!(
                "more than {MAX_SCORE_INTEGER_DIGITS} integer digits"
            ));
        }
        // At most 30 digits (< 2^100) and 18 digits (< 2^60): both fit their integer types.
        let int: u128 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|e| format!("{e}"))?
        };
        let frac_value: u64 = if frac.is_empty() {
            0
        } else {
            let scale = 10_u64.pow(SCORE_DECIMALS - u32::try_from(frac.len()).unwrap_or(0));
            frac.parse::<u64>().map_err(|e| format!("{e}"))? * scale
        };
        // Within bounds by the digit counts checked above.
        let fixed = U256::from(int) * U256::from(ONE) + U256::from(frac_value);
        Ok(Self {
            negative: negative && !fixed.is_zero(),
            fixed,
        })
    }
}

impl core::fmt::Display for Score {
    /// The shortest exact decimal: `0`, `12`, `-0.0032`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let (int, frac) = self.fixed.div_rem(U256::from(ONE));
        let sign = if self.negative { "-" } else { "" };
        if frac.is_zero() {
            write!(f, "{sign}{int}")
        } else {
            let frac = format!("{:018}", frac.to::<u64>());
            write!(f, "{sign}{int}.{}", frac.trim_end_matches('0'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(text: &str) -> (bool, U256) {
        let score: Score = text.parse().unwrap();
        (score.is_negative(), score.fixed())
    }

    #[test]
    fn decimals_parse_exactly() {
        let e18 = U256::from(ONE);
        assert_eq!(fixed("12"), (false, U256::from(12) * e18));
        assert_eq!(
            fixed("0.0421"),
            (false, U256::from(42_100_000_000_000_000_u64))
        );
        assert_eq!(
            fixed("-0.0032"),
            (true, U256::from(3_200_000_000_000_000_u64))
        );
        assert_eq!(
            fixed("+3.25"),
            (false, U256::from(3_250_000_000_000_000_000_u64))
        );
        assert_eq!(
            fixed(" 000.5 "),
            (false, U256::from(500_000_000_000_000_000_u64))
        );
        assert_eq!(fixed("0.000000000000000001"), (false, U256::from(1)));
        assert_eq!(fixed("-0"), (false, U256::ZERO), "zero is never negative");
        assert_eq!(fixed("-0.000"), (false, U256::ZERO));
        let big = "9".repeat(MAX_SCORE_INTEGER_DIGITS);
        let (_, value) = fixed(&format!("{big}.999999999999999999"));
        assert_eq!(
            value + U256::from(1),
            U256::from(10).pow(U256::from(MAX_SCORE_INTEGER_DIGITS + 18))
        );
    }

    #[test]
    fn bad_decimals_are_refused_with_a_reason() {
        for (text, reason) in [
            ("", "empty"),
            ("1e5", "no exponent"),
            ("1.", "after the decimal point"),
            (".5", "not a decimal"),
            ("1.2.3", "not a decimal"),
            ("0x10", "not a decimal"),
            ("--1", "not a decimal"),
            ("NaN", "not a decimal"),
            ("1 000", "not a decimal"),
            ("0.0000000000000000001", "more than 18 fractional digits"),
        ] {
            let err = text.parse::<Score>().unwrap_err();
            assert!(err.contains(reason), "{text:?}: {err}");
        }
        let too_big = format!("1{}", "0".repeat(MAX_SCORE_INTEGER_DIGITS));
        assert!(too_big
            .parse::<Score>()
            .unwrap_err()
            .contains("more than 30 integer digits"));
        // Leading zeros do not count.
        assert!(format!("{}1", "0".repeat(40)).parse::<Score>().is_ok());
    }

    #[test]
    fn display_is_the_shortest_exact_decimal() {
        for (text, shown) in [
            ("1.50", "1.5"),
            ("-0.0032", "-0.0032"),
            ("+12", "12"),
            ("0", "0"),
            ("-0", "0"),
            ("0.000000000000000001", "0.000000000000000001"),
            (
                "123456789.000000000000000010",
                "123456789.00000000000000001",
            ),
        ] {
            assert_eq!(text.parse::<Score>().unwrap().to_string(), shown, "{text}");
        }
    }

    #[test]
    fn from_fixed_checks_the_bound_and_the_sign_of_zero() {
        let bound = U256::from(10).pow(U256::from(MAX_SCORE_INTEGER_DIGITS + 18));
        assert!(Score::from_fixed(false, bound).is_err());
        let max = Score::from_fixed(true, bound - U256::from(1)).unwrap();
        assert!(max.is_negative() && !max.is_positive());
        assert_eq!(Score::from_fixed(true, U256::ZERO).unwrap(), Score::ZERO);
        assert!(!Score::ZERO.is_positive() && !Score::ZERO.is_negative());
    }
}
