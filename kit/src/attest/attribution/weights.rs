//! Normalisation of scores into weights (parts per billion); the spec is in the
//! [`attribution`](super) module docs.

use std::fmt::Write as _;

use alloy::primitives::{Address, U256};

use super::{
    score::Score,
    scores::{lower_hex, ScoreRow, Scores},
    AttributionError,
};

/// Weights are parts of this many (parts per billion); they sum to at most this.
pub const WEIGHT_SCALE: u64 = 1_000_000_000;

/// Why a contributor got no weight (`weights.csv`'s `reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ZeroReason {
    /// Its score is zero or negative.
    NonPositive,
    /// It was flagged.
    Flagged,
    /// Its share is below one part per billion.
    RoundedToZero,
}

impl ZeroReason {
    /// The `reason` column's text: `non-positive`, `flagged` or `rounded-to-zero`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NonPositive => "non-positive",
            Self::Flagged => "flagged",
            Self::RoundedToZero => "rounded-to-zero",
        }
    }
}

impl core::fmt::Display for ZeroReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A scored contributor's weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weight {
    /// The row's line in the CSV.
    pub line: usize,
    /// The contributor.
    pub contributor: Address,
    /// Its score.
    pub score: Score,
    /// Whether it was flagged.
    pub flagged: bool,
    /// Its weight in parts per billion (0 if left out of the tree).
    pub weight: u64,
    /// Why its weight is 0 (`None` for the contributors in the tree).
    pub zero_reason: Option<ZeroReason>,
}

/// Every scored contributor with its weight, in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weights {
    entries: Vec<Weight>,
    positive_sum: U256,
    total_weight: u64,
}

impl Weights {
    /// Every scored contributor, in input order.
    pub fn entries(&self) -> &[Weight] {
        &self.entries
    }

    /// The contributors with a weight (the tree's members), in input order.
    pub fn members(&self) -> impl Iterator<Item = (Address, u64)> + '_ {
        self.entries
            .iter()
            .filter(|w| w.weight > 0)
            .map(|w| (w.contributor, w.weight))
    }

    /// Number of contributors with a weight.
    pub fn member_count(&self) -> usize {
        self.entries.iter().filter(|w| w.weight > 0).count()
    }

    /// Number of contributors left out (weight 0).
    pub fn zeroed_count(&self) -> usize {
        self.entries.len() - self.member_count()
    }

    /// `S`: the sum of the positive, unflagged scores, as fixed-point `× 10^18`.
    pub fn positive_sum(&self) -> U256 {
        self.positive_sum
    }

    /// The sum of the weights (`<= WEIGHT_SCALE`).
    pub fn total_weight(&self) -> u64 {
        self.total_weight
    }

    /// The weight of `contributor` (0 if left out; `None` if it was not scored).
    pub fn weight_of(&self, contributor: Address) -> Option<u64> {
        self.entries
            .iter()
            .find(|w| w.contributor == contributor)
            .map(|w| w.weight)
    }

    /// `weights.csv`: `contributor,score,weight,reason` in input order; `reason` is empty for
    /// the tree's members.
    pub fn to_csv(&self) -> String {
        let mut out = String::with_capacity(80 * (self.entries.len() + 1));
        out.push_str("contributor,score,weight,reason\n");
        for w in &self.entries {
            // Writing to a `String` cannot fail.
            let _ = writeln!(
                out,
                "{},{},{},{}",
                lower_hex(w.contributor),
                w.score,
                w.weight,
                w.zero_reason.map_or("", ZeroReason::as_str)
            );
        }
        out
    }
}

/// Normalises scores into weights (the spec is in the [`attribution`](super) module docs).
///
/// # Errors
///
/// [`AttributionError::NoPositiveScore`] if no unflagged contributor has a positive score,
/// [`AttributionError::AllWeightsZero`] if every weight rounds to zero.
pub fn normalise(scores: &Scores) -> Result<Weights, AttributionError> {
    let eligible = |row: &ScoreRow| !row.flagged && row.score.is_positive();
    // Each fixed score is below 10^48, so even 10^20 of them sum far below 2^256.
    let positive_sum = scores
        .rows()
        .iter()
        .filter(|row| eligible(row))
        .fold(U256::ZERO, |sum, row| sum + row.score.fixed());
    if positive_sum.is_zero() {
        return Err(AttributionError::NoPositiveScore);
    }
    let scale = U256::from(WEIGHT_SCALE);
    let mut total_weight = 0_u64;
    let entries = scores
        .rows()
        .iter()
        .map(|row| {
            let (weight, zero_reason) = if row.flagged {
                (0, Some(ZeroReason::Flagged))
            } else if !row.score.is_positive() {
                (0, Some(ZeroReason::NonPositive))
            } else {
                // score <= S, so the quotient is at most 10^9.
                let weight: u64 = (row.score.fixed() * scale / positive_sum).to();
                (weight, (weight == 0).then_some(ZeroReason::RoundedToZero))
            };
            total_weight += weight;
            Weight {
                line: row.line,
                contributor: row.contributor,
                score: row.score,
                flagged: row.flagged,
                weight,
                zero_reason,
            }
        })
        .collect();
    if total_weight == 0 {
        return Err(AttributionError::AllWeightsZero);
    }
    Ok(Weights {
        entries,
        positive_sum,
        total_weight,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(n: u8) -> String {
        lower_hex(Address::repeat_byte(n))
    }

    fn weights(rows: &[(u8, &str, bool)]) -> Result<Weights, AttributionError> {
        let mut text = String::from("contributor,score,flagged\n");
        for (n, score, flagged) in rows {
            let _ = writeln!(text, "{},{score},{flagged}", account(*n));
        }
        normalise(&Scores::parse(&text).unwrap())
    }

    fn summary(w: &Weights) -> Vec<(u64, Option<ZeroReason>)> {
        w.entries()
            .iter()
            .map(|e| (e.weight, e.zero_reason))
            .collect()
    }

    #[test]
    fn no_positive_unflagged_score_is_an_error() {
        for rows in [
            vec![(1, "-1", false), (2, "-0.5", false)],
            vec![(1, "0", false), (2, "-0.000000000000000001", false)],
            vec![(1, "5", true), (2, "-1", false)],
            vec![],
        ] {
            assert_eq!(
                weights(&rows),
                Err(AttributionError::NoPositiveScore),
                "{rows:?}"
            );
        }
    }

    #[test]
    fn one_contributor_gets_everything() {
        let w = weights(&[(1, "0.000000000000000001", false), (2, "-7", false)]).unwrap();
        assert_eq!(
            summary(&w),
            [(WEIGHT_SCALE, None), (0, Some(ZeroReason::NonPositive))]
        );
        assert_eq!(w.total_weight(), WEIGHT_SCALE);
        assert_eq!(w.positive_sum(), U256::from(1));
    }

    #[test]
    fn weights_round_down_and_the_remainder_stays_unassigned() {
        let w = weights(&[(1, "1", false), (2, "1", false), (3, "1", false)]).unwrap();
        assert_eq!(summary(&w), [(333_333_333, None); 3]);
        assert_eq!(w.total_weight(), 999_999_999);
        // 2/3 of a billion rounds down too.
        let w = weights(&[(1, "2", false), (2, "1", false)]).unwrap();
        assert_eq!(summary(&w), [(666_666_666, None), (333_333_333, None)]);
    }

    #[test]
    fn flagged_and_tiny_contributors_are_left_out() {
        let w = weights(&[
            (1, "0.3", false),
            (2, "0.9", true),
            (3, "-0.2", true),
            (4, "0.1", false),
            (5, "0.0000000001", false),
            (6, "0", false),
        ])
        .unwrap();
        // S = 0.4000000001: the flagged 0.9 does not count.
        assert_eq!(w.positive_sum(), U256::from(400_000_000_100_000_000_u64));
        assert_eq!(
            summary(&w),
            [
                (749_999_999, None),
                (0, Some(ZeroReason::Flagged)),
                (0, Some(ZeroReason::Flagged)),
                (249_999_999, None),
                (0, Some(ZeroReason::RoundedToZero)),
                (0, Some(ZeroReason::NonPositive)),
            ]
        );
        assert_eq!(w.total_weight(), 999_999_998);
        assert_eq!(w.member_count(), 2);
        assert_eq!(w.zeroed_count(), 4);
        assert_eq!(
            w.members().collect::<Vec<_>>(),
            [
                (Address::repeat_byte(1), 749_999_999),
                (Address::repeat_byte(4), 249_999_999)
            ]
        );
        assert_eq!(w.weight_of(Address::repeat_byte(2)), Some(0));
        assert_eq!(w.weight_of(Address::repeat_byte(9)), None);
        assert_eq!(
            w.to_csv(),
            format!(
                "contributor,score,weight,reason\n{},0.3,749999999,\n{},0.9,0,flagged\n{},-0.2,0,\
                 flagged\n{},0.1,249999999,\n{},0.0000000001,0,rounded-to-zero\n{},0,0,\
                 non-positive\n",
                account(1),
                account(2),
                account(3),
                account(4),
                account(5),
                account(6)
            )
        );
    }

    #[test]
    fn the_largest_scores_do_not_overflow() {
        let max = format!("{}.999999999999999999", "9".repeat(30));
        let rows: Vec<(u8, &str, bool)> = (1..=200).map(|n| (n, max.as_str(), false)).collect();
        let w = weights(&rows).unwrap();
        assert!(w.entries().iter().all(|e| e.weight == 5_000_000));
        assert_eq!(w.total_weight(), WEIGHT_SCALE);
    }
}
