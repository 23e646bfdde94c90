//! What both sides are asked to do, so that their rows measure the same work: the licenses'
//! terms, the escrow funding, and the metered jobs of a batch (1000 receipts spread over 10
//! licenses). Each side turns a [`Job`] into its own receipt format.

use alloy::primitives::{keccak256, B256};

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
    fn gas_per_receipt_rounds_to_the_nearest() {
        assert_eq!(per_receipt(10_499, 1_000), 10);
        assert_eq!(per_receipt(10_500, 1_000), 11);
        assert_eq!(per_receipt(7, 0), 7);
    }
}
