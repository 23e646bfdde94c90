//! What both sides are asked to do, so that their rows measure the same work: the licenses'
//! terms, the escrow funding, and the metered jobs of a batch (1000 receipts spread over 10
//! licenses). Each side turns a [`Job`] into its own receipt format.

use alloy::primitives::{keccak256, Address, B256, U256};

use crate::{chain::Accounts, BenchError};

/// Receipts in the billed batch.
pub const BILLED_RECEIPTS: usize = 1000;
/// Licenses the billed batch's receipts are spread over (round robin).
pub const BILLED_LICENSES: usize = 10;
/// Receipts per `settle` transaction of the reference (Tributary settles its 10 usage leaves in
/// one). 250 keeps a transaction near 2.5 M gas; the chunks are consecutive in tree order so
/// that each multiproof needs only the few hashes on its subtree's boundary.
pub const REFERENCE_SETTLE_CHUNK: usize = 250;
/// Per-unit usage rate of every license: 10^10 wei (0.0001 ETH per 10,000 samples, the case
/// study's).
pub const RATE_WEI: u64 = 10_000_000_000;
/// Escrow each billed license is funded with before the measurements: 1 ETH, far more than the
/// batches bill, so no settlement runs short.
pub const ESCROW_WEI: u128 = 1_000_000_000_000_000_000;
/// What the measured `fundEscrow` sends: 0.05 ETH.
pub const FUND_WEI: u128 = 50_000_000_000_000_000;
/// Scope of every license and receipt: TRAIN (`tributary_abi::scope`).
pub const SCOPE: u32 = 1;
/// Usage unit of every license and receipt: samples.
pub const UNIT: u8 = 0;
/// License validity: two years from set-up.
pub const LICENSE_SECONDS: u64 = 2 * 365 * 24 * 3600;
/// Length of a batch's metering period: the jobs are spread over it.
pub const PERIOD_SECONDS: u64 = 24 * 3600;

/// Scope of the model's inference licenses and of their receipts: INFERENCE
/// (`tributary_abi::scope`).
pub const MODEL_SCOPE: u32 = 2;
/// Scope of the dataset license a model is registered under: TRAIN | DERIVATIVES.
pub const MODEL_PARENT_SCOPE: u32 = 1 | 8;
/// Usage unit of the model's inference licenses and receipts: kilo-tokens.
pub const MODEL_UNIT: u8 = 1;
/// The dataset's royalty tier on the model's revenue: 7 % (basis points), at every revenue.
pub const MODEL_TIER_BPS: u16 = 700;
/// A model's asset id is its id plus 2^63 (`tributary_abi::asset`, docs/models.md §1).
pub const MODEL_ASSET: u64 = 1 << 63;

/// The asset id of model `model_id`: `2^63 + model_id`.
pub fn model_asset(model_id: U256) -> U256 {
    U256::from(MODEL_ASSET) + model_id
}

/// What the dataset takes of `fee` wei of the model's revenue at [`MODEL_TIER_BPS`] (the model
/// has one parent dataset of weight 10,000), rounded down; the model's split keeps the rest.
pub fn dataset_royalty(fee: U256) -> U256 {
    fee * U256::from(MODEL_TIER_BPS) / U256::from(10_000)
}

/// One metered job: whose license, how much, when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// Position of the job in its batch (0-based).
    pub index: u32,
    /// Unique id of the job at the attestor.
    pub job_id: B256,
    /// Which of the side's [`BILLED_LICENSES`] licenses it is billed to.
    pub license: usize,
    /// Hash of the model trained.
    pub model_hash: B256,
    /// Units (samples) consumed.
    pub units: u64,
    /// When it ran.
    pub timestamp: u64,
}

/// The metering period `[start, end]` of a batch whose period starts at `start`.
pub const fn period(start: u64) -> (u64, u64) {
    (start, start + PERIOD_SECONDS - 1)
}

/// The first multiple of [`PERIOD_SECONDS`] after `now`: where the model rows' batches start, so
/// that the uncached and the cached run, whose clocks differ by seconds, sign the same receipts
/// (the same tree, hence proofs of the same length; a leaf's proof in a tree of 10 is 3 or 4
/// hashes, about 640 gas of calldata apart, depending on where its hash sorts).
pub const fn next_period_start(now: u64) -> u64 {
    (now / PERIOD_SECONDS + 1) * PERIOD_SECONDS
}

/// `count` jobs of the batch tagged `tag` over `licenses` licenses (job `i` on license
/// `i % licenses`), spread evenly over the period starting at `start`, with units varying
/// between 1,000 and 1,999 so no two receipts are alike.
///
/// # Panics
/// If `count` does not fit a `u32` (a batch's receipt count).
pub fn jobs(tag: &str, count: usize, licenses: usize, start: u64) -> Vec<Job> {
    let step = PERIOD_SECONDS / count.max(1) as u64;
    (0..count)
        .map(|i| Job {
            index: u32::try_from(i).expect("a batch has fewer than 2^32 jobs"),
            job_id: keccak256(format!("bench:{tag}:job:{i}")),
            license: i % licenses,
            model_hash: keccak256(format!("bench:model:{}", i % licenses)),
            units: 1_000 + (i as u64 * 7_919) % 1_000,
            timestamp: start + i as u64 * step,
        })
        .collect()
}

/// `total / count`, rounded to the nearest gas: the `billed receipt` row.
pub fn per_receipt(total: u64, count: usize) -> u64 {
    let count = (count as u64).max(1);
    (total + count / 2) / count
}

/// What each `deposit` of the splitter rows sends: 0.01 ETH.
pub const DEPOSIT_WEI: u128 = 10_000_000_000_000_000;

/// The recipients of the split the `split deposit` and `split withdraw` rows use: the creator,
/// the platform and `fresh`, an account that does not exist before `withdraw` pays it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositRecipients {
    /// The three recipients, sorted (as the splitters want them).
    pub sorted: Vec<Address>,
    /// The fresh one.
    pub fresh: Address,
}

/// An address nobody holds the key of, derived from `label`: an account that never existed.
pub fn fresh_address(label: &str) -> Address {
    Address::from_word(keccak256(format!("tributary-bench:{label}")))
}

/// The deposit split's recipients for `side` (each side pays its own fresh account).
pub fn deposit_recipients(accounts: &Accounts, side: &str) -> DepositRecipients {
    let fresh = fresh_address(&format!("{side}:fresh recipient"));
    let mut sorted = vec![accounts.creator, accounts.platform, fresh];
    sorted.sort_unstable();
    DepositRecipients { sorted, fresh }
}

/// Shares of a split of `n` recipients: 10, 20, 30, … in recipient order.
pub fn shares(n: usize) -> Vec<U256> {
    (1..=n as u64).map(|i| U256::from(10 * i)).collect()
}

/// The two split sizes the `createSplit per recipient` row compares: (2, 12).
pub const fn split_sizes() -> (usize, usize) {
    (2, 12)
}

/// `n` sorted recipients of a split created by `side` for the `createSplit per recipient` row.
pub fn split_recipients(side: &str, n: usize) -> Vec<Address> {
    let mut recipients: Vec<Address> = (0..n)
        .map(|i| fresh_address(&format!("{side}:split of {n}:recipient {i}")))
        .collect();
    recipients.sort_unstable();
    recipients
}

/// `(large - small) / (many - few)` for the [`split_sizes`], rounded to the nearest gas.
///
/// # Errors
/// If the larger split cost less than the smaller one.
pub fn per_recipient(small: u64, large: u64) -> Result<u64, BenchError> {
    let (few, many) = split_sizes();
    let extra = large.checked_sub(small).ok_or_else(|| {
        BenchError(format!(
            "createSplit of {many} recipients used {large} gas, less than of {few} ({small})"
        ))
    })?;
    Ok(per_receipt(extra, many - few))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_stay_inside_their_period_and_spread_over_every_license() {
        let start = 1_800_000_000;
        let jobs = jobs("t", BILLED_RECEIPTS, BILLED_LICENSES, start);
        let (first, last) = period(start);
        assert_eq!(jobs.len(), BILLED_RECEIPTS);
        assert!(jobs
            .iter()
            .all(|j| (first..=last).contains(&j.timestamp) && (1_000..2_000).contains(&j.units)));
        for license in 0..BILLED_LICENSES {
            let n = jobs.iter().filter(|j| j.license == license).count();
            assert_eq!(n, BILLED_RECEIPTS / BILLED_LICENSES);
        }
        let mut ids: Vec<B256> = jobs.iter().map(|j| j.job_id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), BILLED_RECEIPTS);
    }

    #[test]
    fn split_recipients_are_sorted_distinct_and_fresh_per_side() {
        let a = split_recipients("a", 12);
        assert_eq!(a.len(), 12);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert!(split_recipients("b", 12).iter().all(|r| !a.contains(r)));
        assert_eq!(shares(3), [10, 20, 30].map(U256::from));
        assert_eq!(per_recipient(100, 1_100).unwrap(), 100);
        assert!(per_recipient(200, 100).is_err());
    }

    #[test]
    fn model_batches_start_on_the_next_period_boundary() {
        let day = PERIOD_SECONDS;
        assert_eq!(next_period_start(20_000 * day), 20_001 * day);
        assert_eq!(next_period_start(20_000 * day + 17), 20_001 * day);
        assert_eq!(next_period_start(20_001 * day - 1), 20_001 * day);
        assert_eq!(dataset_royalty(U256::from(1_000_000)), U256::from(70_000));
        assert_eq!(
            model_asset(U256::from(1)),
            U256::from(9_223_372_036_854_775_809_u64)
        );
    }

    #[test]
    fn gas_per_receipt_rounds_to_the_nearest() {
        assert_eq!(per_receipt(10_499, 1_000), 10);
        assert_eq!(per_receipt(10_500, 1_000), 11);
        assert_eq!(per_receipt(7, 0), 7);
    }
}
