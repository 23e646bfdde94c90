//! Pure revenue-routing math: how one revenue report is divided along a model's lineage.
//!
//! No storage and no host calls: the contract loads a snapshot of the lineage into [`Node`]s and
//! the parent licenses' royalty tiers into a tier table, calls [`route`], then writes the result.
//! The property tests drive this same code over random DAGs.
//!
//! # The rule
//! Revenue `x` arriving at a model whose cumulative revenue (in that asset) was `c`:
//! 1. Each parent dataset `i` (relative weight `w_i`, the weights sum to 10,000) is owed `floor(Σ_s
//!    len_s × w_i × bps_s / 10^8)`, where the interval `[c, c + x)` is cut at the thresholds of the
//!    dataset's license tiers into segments `s` of length `len_s`, each paying the tier `bps_s` in
//!    force at its start. A report that crosses a threshold therefore pays the old tier below it
//!    and the new tier above it.
//! 2. Of what is left, `r = x − Σ dataset royalties`, each parent model `j` is owed `floor(r × b_j
//!    / 10,000)` (its basis points, `Σ b_j ≤ 10,000`). That amount arrives at the parent model as
//!    its revenue and is routed by the same rule (its own tiers at its own cumulative revenue, its
//!    own parent models).
//! 3. The model keeps the rest, `r − Σ parent model shares`, including all rounding dust: it goes
//!    to the model's own split.
//!
//! Every model is processed once, children before parents ([`Node`]s are in topological order),
//! with the sum of everything its descendants passed up in this report, so diamonds in the DAG
//! cost no extra work. Invariant: the dataset royalties plus the retained amounts of all nodes
//! sum to the reported amount, to the wei.

use alloc::{vec, vec::Vec};

use alloy_primitives::U256;

/// Basis points in 100 %.
pub const BPS: u16 = 10_000;

/// `BPS²`: the denominator of a dataset royalty (`weight × tier bps`).
const BPS_SQUARED: u32 = 100_000_000;

/// One derivative royalty tier of a license: from cumulative revenue `threshold` on, `bps`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tier {
    /// Cumulative revenue at which the tier starts.
    pub threshold: U256,
    /// Royalty in basis points; values above 10,000 count as 10,000.
    pub bps: u16,
}

/// A model's link to a parent dataset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatasetLink {
    /// The dataset's split in the splitter.
    pub split: U256,
    /// Relative weight in basis points; a model's dataset weights sum to 10,000.
    pub weight: u16,
    /// Index of the license's tiers in the tier table.
    pub tiers: usize,
}

/// A model's link to a parent model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelLink {
    /// Index of the parent in the node list; always greater than the child's index.
    pub parent: usize,
    /// Basis points of the post-dataset remainder owed to the parent; Σ ≤ 10,000.
    pub bps: u16,
}

/// A model in the lineage snapshot of one report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// The model's own split.
    pub split: U256,
    /// Cumulative revenue of the model in the reported asset before this report.
    pub cumulative: U256,
    /// Parent datasets.
    pub datasets: Vec<DatasetLink>,
    /// Parent models.
    pub models: Vec<ModelLink>,
}

/// What one node received and where it went.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flow {
    /// Revenue that arrived at the node (the report for node 0, parent shares for the rest).
    pub inflow: U256,
    /// Royalty owed to each parent dataset, aligned with [`Node::datasets`].
    pub to_datasets: Vec<U256>,
    /// Share passed to each parent model, aligned with [`Node::models`].
    pub to_models: Vec<U256>,
    /// What the node keeps for its own split.
    pub retained: U256,
}

/// Why a snapshot cannot be routed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoutingError {
    /// A cumulative revenue would exceed `U256::MAX`; carries the node index.
    Overflow(usize),
    /// A parent index is not after its child, or a tier index is out of range; carries the node
    /// index.
    MalformedLineage(usize),
    /// Dataset weights or model shares of a node exceed 100 %; carries the node index.
    Weights(usize),
}

/// The tier in force at cumulative revenue `at`, and the next threshold above `at` (if any).
///
/// The tier in force is the one with the greatest threshold `≤ at` (the later one on a tie);
/// none means 0 bps. Works for any tier list; license terms keep them ascending.
pub fn tier_at(tiers: &[Tier], at: U256) -> (u16, Option<U256>) {
    let mut current: Option<&Tier> = None;
    let mut next: Option<U256> = None;
    for tier in tiers {
        if tier.threshold <= at {
            if current.is_none_or(|c| tier.threshold >= c.threshold) {
                current = Some(tier);
            }
        } else if next.is_none_or(|n| tier.threshold < n) {
            next = Some(tier.threshold);
        }
    }
    (current.map_or(0, |t| t.bps.min(BPS)), next)
}

/// `(x / d, x % d)` for a divisor below 2^32, by schoolbook division over 32-bit halves (native
/// 64-bit wasm arithmetic; far smaller code than a general 256-bit division).
pub fn div_rem_small(x: U256, d: u32) -> (U256, u64) {
    let d = u64::from(d.max(1));
    let mut limbs = *x.as_limbs();
    let mut rem = 0u64;
    for limb in limbs.iter_mut().rev() {
        // rem < d < 2^32, so each partial dividend fits in 64 bits and each quotient in 32.
        let high = (rem << 32) | (*limb >> 32);
        let q_high = high / d;
        rem = high % d;
        let low = (rem << 32) | (*limb & 0xffff_ffff);
        let q_low = low / d;
        rem = low % d;
        *limb = (q_high << 32) | q_low;
    }
    (U256::from_limbs(limbs), rem)
}

/// `floor(amount × numerator / denominator)` for `numerator ≤ denominator < 2^32`, without
/// overflow.
///
/// `amount = q × d + r` gives `q × n + floor(r × n / d)`; `q × n ≤ amount` because `n ≤ d`, and
/// `r × n < d² ≤ 10^16` for the denominators used here (10^4, 10^8).
pub fn mul_div_down(amount: U256, numerator: u32, denominator: u32) -> U256 {
    let n = numerator.min(denominator);
    let (q, r) = div_rem_small(amount, denominator);
    q * U256::from(n) + U256::from(r * u64::from(n) / u64::from(denominator.max(1)))
}

/// Royalty owed to a dataset of relative weight `weight` on revenue `amount` arriving at
/// cumulative revenue `start`, the interval cut at the tier thresholds (see the module docs).
///
/// Never more than `amount × weight / 10,000`. The caller guarantees `start + amount` fits.
pub fn tiered_royalty(tiers: &[Tier], start: U256, amount: U256, weight: u16) -> U256 {
    let weight = u64::from(weight.min(BPS));
    let mut cursor = start;
    let mut left = amount;
    // Σ len × f = D × Σ (len / D) × f + Σ (len % D) × f with D = 10^8: one floor at the end.
    let mut whole = U256::ZERO;
    let mut fraction = U256::ZERO;
    // Each pass ends at the end of the report or passes a threshold: ≤ tiers.len() + 1 passes.
    while !left.is_zero() {
        let (bps, next) = tier_at(tiers, cursor);
        let segment = next.map_or(left, |n| left.min(n - cursor));
        let factor = weight * u64::from(bps);
        let (q, r) = div_rem_small(segment, BPS_SQUARED);
        // Cannot overflow: factor ≤ D, so the `whole` terms sum to at most `amount`, and each
        // `fraction` term is below 10^16.
        whole += q * U256::from(factor);
        fraction += U256::from(r * factor);
        cursor += segment;
        left -= segment;
    }
    whole + div_rem_small(fraction, BPS_SQUARED).0
}

/// Routes `amount` reported on `nodes[0]` through the lineage snapshot.
///
/// `nodes` must be in topological order (every parent index greater than its child's); `tiers`
/// is the tier table [`DatasetLink::tiers`] indexes. Returns one [`Flow`] per node.
///
/// # Errors
/// [`RoutingError`] for a malformed snapshot or a cumulative revenue overflow.
pub fn route(nodes: &[Node], tiers: &[Vec<Tier>], amount: U256) -> Result<Vec<Flow>, RoutingError> {
    let mut flows: Vec<Flow> = vec![Flow::default(); nodes.len()];
    if let Some(first) = flows.first_mut() {
        first.inflow = amount;
    }
    for (index, node) in nodes.iter().enumerate() {
        let inflow = flows[index].inflow;
        node.cumulative
            .checked_add(inflow)
            .ok_or(RoutingError::Overflow(index))?;

        let mut left = inflow;
        let mut to_datasets = Vec::with_capacity(node.datasets.len());
        for link in &node.datasets {
            let table = tiers
                .get(link.tiers)
                .ok_or(RoutingError::MalformedLineage(index))?;
            let royalty = tiered_royalty(table, node.cumulative, inflow, link.weight);
            left = left
                .checked_sub(royalty)
                .ok_or(RoutingError::Weights(index))?;
            to_datasets.push(royalty);
        }

        let shareable = left;
        let mut to_models = Vec::with_capacity(node.models.len());
        for link in &node.models {
            if link.parent <= index || link.parent >= nodes.len() {
                return Err(RoutingError::MalformedLineage(index));
            }
            let share = mul_div_down(shareable, u32::from(link.bps), u32::from(BPS));
            left = left
                .checked_sub(share)
                .ok_or(RoutingError::Weights(index))?;
            let parent = &mut flows[link.parent].inflow;
            *parent = parent
                .checked_add(share)
                .ok_or(RoutingError::Overflow(link.parent))?;
            to_models.push(share);
        }

        let flow = &mut flows[index];
        flow.to_datasets = to_datasets;
        flow.to_models = to_models;
        flow.retained = left;
    }
    Ok(flows)
}

/// The deposits a routing result needs: one `(split, amount)` per distinct split with a
/// non-zero total, in order of first appearance (each node's datasets, then the node itself).
pub fn deposits(nodes: &[Node], flows: &[Flow]) -> Vec<(U256, U256)> {
    let mut out: Vec<(U256, U256)> = Vec::new();
    let mut credit = |split: U256, amount: U256| {
        if amount.is_zero() {
            return;
        }
        match out.iter_mut().find(|(s, _)| *s == split) {
            // Cannot overflow: all credits together are at most the reported amount.
            Some((_, total)) => *total += amount,
            None => out.push((split, amount)),
        }
    };
    for (node, flow) in nodes.iter().zip(flows) {
        for (link, amount) in node.datasets.iter().zip(&flow.to_datasets) {
            credit(link.split, *amount);
        }
        credit(node.split, flow.retained);
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn u(v: u64) -> U256 {
        U256::from(v)
    }

    fn tiers(list: &[(u64, u16)]) -> Vec<Tier> {
        list.iter()
            .map(|&(t, bps)| Tier {
                threshold: u(t),
                bps,
            })
            .collect()
    }

    #[test]
    fn tier_at_picks_greatest_threshold_not_above() {
        let t = tiers(&[(0, 500), (1_000, 1_000), (5_000, 1_500)]);
        assert_eq!(tier_at(&t, u(0)), (500, Some(u(1_000))));
        assert_eq!(tier_at(&t, u(999)), (500, Some(u(1_000))));
        assert_eq!(tier_at(&t, u(1_000)), (1_000, Some(u(5_000))));
        assert_eq!(tier_at(&t, u(9_999)), (1_500, None));
        assert_eq!(tier_at(&[], u(7)), (0, None));
        // No tier starting at 0: nothing is owed below the first threshold.
        assert_eq!(tier_at(&tiers(&[(10, 700)]), u(3)), (0, Some(u(10))));
        // Out-of-range bps count as 100 %.
        assert_eq!(tier_at(&tiers(&[(0, 20_000)]), u(3)), (BPS, None));
    }

    #[test]
    fn tiered_royalty_splits_at_thresholds() {
        let t = tiers(&[(0, 500), (1_000, 1_000)]);
        // 600 below the threshold at 5 %, 400 above at 10 %, full weight.
        assert_eq!(tiered_royalty(&t, u(400), u(1_000), BPS), u(30 + 40));
        // Half weight: floor((600 × 5,000 × 500 + 400 × 5,000 × 1,000) / 10^8) = 35.
        assert_eq!(tiered_royalty(&t, u(400), u(1_000), 5_000), u(35));
        // Two thresholds in one report.
        let t = tiers(&[(0, 100), (10, 200), (20, 10_000)]);
        assert_eq!(tiered_royalty(&t, U256::ZERO, u(30), BPS), u(10));
        // Rounding happens once: 3 × 1 bps of 10,000 wei in three segments is 3, not 0.
        let t = tiers(&[(0, 1), (10_000, 1), (20_000, 1)]);
        assert_eq!(tiered_royalty(&t, U256::ZERO, u(30_000), BPS), u(3));
    }

    #[test]
    fn tiered_royalty_handles_huge_amounts() {
        let t = tiers(&[(0, BPS)]);
        assert_eq!(tiered_royalty(&t, U256::ZERO, U256::MAX, BPS), U256::MAX);
        let t = tiers(&[(0, 1)]);
        assert_eq!(
            tiered_royalty(&t, U256::ZERO, U256::MAX, BPS),
            U256::MAX / u(10_000)
        );
    }

    #[test]
    fn div_rem_small_matches_ruint() {
        for x in [
            U256::ZERO,
            u(1),
            u(99_999_999),
            U256::MAX,
            U256::MAX - u(12_345),
            U256::from(1u128 << 100),
        ] {
            for d in [1u32, 3, 10_000, 100_000_000, u32::MAX] {
                let (q, r) = div_rem_small(x, d);
                assert_eq!(q, x / U256::from(d));
                assert_eq!(U256::from(r), x % U256::from(d));
            }
        }
    }

    #[test]
    fn mul_div_down_is_exact_floor() {
        assert_eq!(mul_div_down(u(10_001), 3_333, 10_000), u(3_333));
        assert_eq!(mul_div_down(U256::MAX, 10_000, 10_000), U256::MAX);
        assert_eq!(mul_div_down(u(9), 1, 10_000), U256::ZERO);
    }

    #[test]
    fn route_rejects_malformed_snapshots() {
        let node = |models: Vec<ModelLink>, datasets: Vec<DatasetLink>| Node {
            split: u(1),
            cumulative: U256::ZERO,
            datasets,
            models,
        };
        let back_edge = [node(vec![ModelLink { parent: 0, bps: 1 }], vec![])];
        assert_eq!(
            route(&back_edge, &[], u(10)),
            Err(RoutingError::MalformedLineage(0))
        );
        let missing_tiers = [node(
            vec![],
            vec![DatasetLink {
                split: u(2),
                weight: BPS,
                tiers: 3,
            }],
        )];
        assert_eq!(
            route(&missing_tiers, &[], u(10)),
            Err(RoutingError::MalformedLineage(0))
        );
        let over = [
            node(
                vec![
                    ModelLink {
                        parent: 1,
                        bps: BPS,
                    },
                    ModelLink {
                        parent: 1,
                        bps: BPS,
                    },
                ],
                vec![],
            ),
            node(vec![], vec![]),
        ];
        assert_eq!(route(&over, &[], u(10)), Err(RoutingError::Weights(0)));
        let mut full = node(vec![], vec![]);
        full.cumulative = U256::MAX;
        assert_eq!(route(&[full], &[], u(1)), Err(RoutingError::Overflow(0)));
    }

    /// A random lineage: `models` nodes, each with up to three dataset parents and up to three
    /// parent models among the later nodes, valid weights, random tiers and cumulative revenue.
    fn lineage() -> impl Strategy<Value = (Vec<Node>, Vec<Vec<Tier>>, U256)> {
        let tier_table = prop::collection::vec(
            prop::collection::vec((0u64..2_000_000, 0u16..=12_000), 0..5),
            1..6,
        );
        let node = (
            0u64..4,                                                       // split id selector
            0u64..3_000_000,                                               // cumulative revenue
            prop::collection::vec((1u16..=BPS, 0usize..8, 0u64..6), 0..4), // datasets
            prop::collection::vec((0u16..=BPS, 1usize..8), 0..4),          // parent models
        );
        (
            tier_table,
            prop::collection::vec(node, 1..10),
            prop_oneof![0u64..5_000_000, any::<u64>()],
        )
            .prop_map(|(table, raw, amount)| {
                let count = raw.len();
                let table: Vec<Vec<Tier>> = table
                    .into_iter()
                    .map(|t| {
                        t.into_iter()
                            .map(|(th, bps)| Tier {
                                threshold: u(th),
                                bps,
                            })
                            .collect()
                    })
                    .collect();
                let nodes = raw
                    .into_iter()
                    .enumerate()
                    .map(|(index, (split, cumulative, datasets, models))| {
                        // Normalise dataset weights to sum to exactly 10,000.
                        let total: u32 = datasets.iter().map(|d| u32::from(d.0)).sum();
                        let mut given = 0u32;
                        let last = datasets.len().saturating_sub(1);
                        let datasets = datasets
                            .iter()
                            .enumerate()
                            .map(|(i, &(w, tiers, split))| {
                                let weight = if i == last {
                                    10_000 - given
                                } else {
                                    u32::from(w) * 10_000 / total
                                };
                                given += weight;
                                DatasetLink {
                                    split: u(100 + split),
                                    weight: u16::try_from(weight).unwrap(),
                                    tiers: tiers % table.len(),
                                }
                            })
                            .collect();
                        // Parent models among later nodes, shares summing to at most 10,000.
                        let mut budget = u32::from(BPS);
                        let models = if index + 1 < count {
                            models
                                .iter()
                                .map(|&(bps, offset)| {
                                    let bps = u32::from(bps).min(budget);
                                    budget -= bps;
                                    ModelLink {
                                        parent: index + 1 + offset % (count - index - 1),
                                        bps: u16::try_from(bps).unwrap(),
                                    }
                                })
                                .collect()
                        } else {
                            Vec::new()
                        };
                        Node {
                            split: u(split),
                            cumulative: u(cumulative),
                            datasets,
                            models,
                        }
                    })
                    .collect();
                (nodes, table, u(amount))
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: tributary_testkit::proptest_cases(), ..ProptestConfig::default() })]

        /// Every wei of a report is routed somewhere, and the deposits carry exactly that.
        #[test]
        fn routing_conserves_every_wei((nodes, table, amount) in lineage()) {
            let flows = route(&nodes, &table, amount).unwrap();
            let mut routed = U256::ZERO;
            for (node, flow) in nodes.iter().zip(&flows) {
                let out: U256 = flow.to_datasets.iter().chain(&flow.to_models).fold(flow.retained, |a, b| a + b);
                prop_assert_eq!(out, flow.inflow);
                prop_assert_eq!(flow.to_datasets.len(), node.datasets.len());
                routed += flow.to_datasets.iter().fold(flow.retained, |a, b| a + b);
            }
            prop_assert_eq!(routed, amount);
            let deposited = deposits(&nodes, &flows).iter().fold(U256::ZERO, |a, (_, v)| a + v);
            prop_assert_eq!(deposited, amount);
        }

        /// A sequence of reports on the same lineage, each at the cumulative revenues the
        /// earlier ones left (so tiers switch along the way): every report is routed to the
        /// wei, each node's cumulative revenue grows by exactly what reached it, and over the
        /// sequence the ancestors' royalties plus what every model kept equal the revenue.
        #[test]
        fn a_sequence_of_reports_conserves_every_wei(
            (mut nodes, table, _) in lineage(),
            amounts in prop::collection::vec(prop_oneof![0u64..3_000_000, any::<u64>()], 1..8),
        ) {
            let mut total_in = U256::ZERO;
            let mut total_out = U256::ZERO;
            for amount in amounts {
                let amount = u(amount);
                let flows = route(&nodes, &table, amount).unwrap();
                let paid = deposits(&nodes, &flows).iter().fold(U256::ZERO, |a, (_, v)| a + v);
                prop_assert_eq!(paid, amount);
                for (node, flow) in nodes.iter_mut().zip(&flows) {
                    let out = flow.to_datasets.iter().chain(&flow.to_models).fold(flow.retained, |a, b| a + b);
                    prop_assert_eq!(out, flow.inflow);
                    node.cumulative += flow.inflow;
                }
                total_in += amount;
                total_out += paid;
            }
            prop_assert_eq!(total_out, total_in);
        }

        /// A report paid in two parts owes each dataset at most one wei of rounding per part
        /// more or less than the report paid at once: the tiers depend only on the interval.
        #[test]
        fn splitting_a_report_changes_royalties_only_by_rounding(
            raw in prop::collection::vec((0u64..1_000_000, 0u16..=BPS), 0..5),
            start in 0u64..1_000_000,
            first in 0u64..1_000_000,
            second in 0u64..1_000_000,
            weight in 0u16..=BPS,
        ) {
            let t: Vec<Tier> = raw.into_iter().map(|(th, bps)| Tier { threshold: u(th), bps }).collect();
            let whole = tiered_royalty(&t, u(start), u(first + second), weight);
            let parts = tiered_royalty(&t, u(start), u(first), weight)
                + tiered_royalty(&t, u(start + first), u(second), weight);
            prop_assert!(parts <= whole && whole <= parts + u(1));
        }
    }
}
