//! What both sides are asked to do, so that their rows measure the same work: the licenses'
//! terms, the escrow funding, and the metered jobs of a batch (1000 receipts spread over 10
//! licenses), and the 100,000-contributor Datanet of the Datanet rows ([`datanet`]). Each side
//! turns a [`Job`] into its own receipt format.

use std::sync::OnceLock;

use alloy::{
    primitives::{keccak256, Address, Bytes, B256, U256},
    signers::local::PrivateKeySigner,
};
use tributary::attest::attribution::{
    build_report, normalise, post_report_calldata, sign_report, AttributionReport, ReportParams,
    Score, ScoreRow, Scores, WeightProof, WeightTree,
};
use tributary_devnode::anatomy::GasAnatomy;

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

/// Contributors of the Datanet rows' dataset, registered as a Merkle split
/// (`registerMerkleDataset` on Tributary, `createMerkleSplit` on the reference).
pub const DATANET_CONTRIBUTORS: usize = 100_000;
/// Sibling hashes in the proof of the member whose first claim the `Datanet: claimMerkle` row
/// measures. A tree of 100,000 leaves (`StandardMerkleTree` layout) has its leaves at depths 16
/// and 17; the claimant is the first contributor, in generation order, at depth 17.
pub const DATANET_PROOF_DEPTH: usize = 17;
/// Veto window of the Datanet on both sides: a day (the activation row travels past it).
pub const DATANET_VETO_WINDOW: u32 = 24 * 3600;
/// Review window and stake of Tributary's Datanet (configured, never used by the rows).
pub const DATANET_REVIEW_WINDOW: u32 = 2 * 24 * 3600;
/// The attribution report's deadline, 2100-01-01: fixed, so that both Tributary runs post the
/// same signed report (same calldata, same gas).
pub const DATANET_REPORT_DEADLINE: u64 = 4_102_444_800;

/// The Datanet rows' contributors and weights, built once per process ([`datanet`]).
#[derive(Debug, Clone)]
pub struct DatanetWorkload {
    /// The weights the dataset is registered with: contributor `i` ([`datanet_contributor`])
    /// has weight `1 + i % 100`. Built with the kit's [`WeightTree`].
    pub registered: WeightTree,
    /// The evaluator's weights for epoch 1, which the report installs: a score per contributor
    /// (`0.001` to `0.001999`), normalised by the kit ([`normalise`]: parts per billion).
    pub evaluated: WeightTree,
    /// The claimant's proof in [`Self::registered`] ([`DATANET_PROOF_DEPTH`] hashes).
    pub claim: WeightProof,
}

/// Contributor `i` of the Datanet: an address nobody holds the key of, a fresh account until a
/// claim pays it.
pub fn datanet_contributor(i: usize) -> Address {
    fresh_address(&format!("datanet contributor {i}"))
}

/// The [`DatanetWorkload`], built on first use (two weight trees of [`DATANET_CONTRIBUTORS`]
/// leaves: a couple of seconds in the `fast` profile) and shared by every scenario after.
///
/// # Errors
/// If the kit refuses the weights, or no member's proof has [`DATANET_PROOF_DEPTH`] hashes.
pub fn datanet() -> Result<&'static DatanetWorkload, BenchError> {
    static DATANET: OnceLock<Result<DatanetWorkload, BenchError>> = OnceLock::new();
    DATANET
        .get_or_init(|| build_datanet(DATANET_CONTRIBUTORS, DATANET_PROOF_DEPTH))
        .as_ref()
        .map_err(Clone::clone)
}

/// The Datanet of `count` contributors whose claimant has a proof of `depth` hashes.
pub fn build_datanet(count: usize, depth: usize) -> Result<DatanetWorkload, BenchError> {
    let kit = |e: tributary::attest::attribution::AttributionError| BenchError(e.to_string());
    let contributors: Vec<Address> = (0..count).map(datanet_contributor).collect();
    let registered = WeightTree::from_members(
        contributors
            .iter()
            .enumerate()
            .map(|(i, &a)| (a, 1 + i as u64 % 100)),
    )
    .map_err(kit)?;
    let rows = contributors
        .iter()
        .enumerate()
        .map(|(i, &contributor)| {
            let millionths = 1_000 + (i as u64 * 7_919) % 1_000;
            let score =
                Score::from_fixed(false, U256::from(millionths) * U256::from(10_u64.pow(12)))
                    .map_err(BenchError)?;
            Ok(ScoreRow {
                line: i + 2,
                contributor,
                score,
                flagged: false,
            })
        })
        .collect::<Result<Vec<_>, BenchError>>()?;
    let scores = Scores::from_rows(rows).map_err(|e| BenchError(e.to_string()))?;
    let evaluated = WeightTree::build(&normalise(&scores).map_err(kit)?).map_err(kit)?;
    let claimant = contributors
        .iter()
        .find(|&&a| {
            registered
                .tree_index(a)
                .is_some_and(|node| depth_of(node) == depth)
        })
        .ok_or_else(|| {
            BenchError(format!(
                "no member of the Datanet's tree is at depth {depth}"
            ))
        })?;
    let claim = registered.proof(*claimant).map_err(kit)?;
    if claim.proof.len() != depth || !claim.verify() {
        return Err(BenchError(format!(
            "the claimant's proof has {} hashes (expected {depth}) or does not verify",
            claim.proof.len()
        )));
    }
    Ok(DatanetWorkload {
        registered,
        evaluated,
        claim,
    })
}

/// Depth of node `index` in a `StandardMerkleTree` array (the root is node 0, at depth 0).
const fn depth_of(index: usize) -> usize {
    (usize::BITS - 1 - (index + 1).leading_zeros()) as usize
}

/// The epoch-1 report's parameters for `dataset_id` on the Datanets contract (or its reference)
/// at `datanets`: dataset version 1, epoch 1, a fixed benchmark, metric `accuracy`, deadline
/// [`DATANET_REPORT_DEADLINE`].
pub fn datanet_report_params(chain_id: u64, datanets: Address, dataset_id: U256) -> ReportParams {
    ReportParams {
        chain_id,
        datanets,
        dataset_id,
        version: U256::from(1),
        epoch: 1,
        benchmark_id: keccak256("tributary-bench:benchmark"),
        metric: keccak256("accuracy"),
        deadline: DATANET_REPORT_DEADLINE,
    }
}

/// The report over `tree` with `params`, signed by `evaluator` with the kit, and the
/// `postReport(report, signature)` calldata.
pub fn signed_report(
    params: &ReportParams,
    tree: &WeightTree,
    evaluator: &PrivateKeySigner,
) -> Result<(AttributionReport, Bytes), BenchError> {
    let report = build_report(params, tree).map_err(|e| BenchError(e.to_string()))?;
    let signature = sign_report(evaluator, &report, params.chain_id, params.datanets)
        .map_err(|e| BenchError(e.to_string()))?;
    let calldata = post_report_calldata(&report, &signature);
    Ok((report, calldata))
}

/// Gas of one transaction with what its calldata cost: `(gasUsed, calldata gas)`.
pub type GasWithCalldata = (u64, u64);

/// Issue 18's claim, checked: a deposit into the 100,000-contributor split (`many`) costs what
/// a deposit into a split of three listed contributors with the same total shares (`three`)
/// costs, apart from the calldata (the same call, so the same calldata unless the split ids
/// differ in zero bytes).
///
/// # Errors
/// If the gas beyond calldata differs, with both numbers.
pub fn check_deposits_equal(
    three: GasWithCalldata,
    many: GasWithCalldata,
) -> Result<(), BenchError> {
    let beyond = |(gas, calldata): GasWithCalldata| gas.checked_sub(calldata);
    if beyond(three).is_some() && beyond(three) == beyond(many) {
        Ok(())
    } else {
        Err(BenchError(format!(
            "a deposit into the {DATANET_CONTRIBUTORS}-contributor split used {} gas ({} of \
             calldata), one into the 3-contributor split with the same total shares {} gas ({} \
             of calldata): they should be equal apart from calldata",
            many.0, many.1, three.0, three.1
        )))
    }
}

/// The line the Tributary scenario prints about the deposit check: the Datanet deposit
/// (`many`, gas and calldata gas) against the 3-contributor listed dataset with the same `total`
/// shares (`listed`), and the `split deposit` row's gas with the [`execution_difference`].
pub fn deposit_check_line(
    total: u64,
    many: GasWithCalldata,
    listed: GasWithCalldata,
    split_deposit: u64,
    execution: i64,
) -> String {
    use crate::rows::thousands;
    format!(
        "deposit check (issue 18): into the {}-contributor dataset {} gas ({} of calldata) = \
         into a 3-contributor listed dataset with the same total shares ({}) {} gas ({} of \
         calldata): equal beyond calldata, as checked; \"split deposit\" (3 recipients, total \
         shares 60) {} gas: the same entry, reads, write, event and calldata, execution {:+} \
         gas (the splitter's bitwise long division by the total shares)",
        thousands(DATANET_CONTRIBUTORS as u64),
        thousands(many.0),
        many.1,
        thousands(total),
        thousands(listed.0),
        listed.1,
        thousands(split_deposit),
        execution,
    )
}

/// The same deposit into splits whose total shares differ (`split deposit`'s 60 and the
/// Datanet's): every part of the gas but the WASM execution must be the same (entry, reads,
/// writes, event, calls, refund, intrinsic and calldata); returns the execution of `other`
/// minus that of `split_deposit`. The splitter divides `amount · 2^64` by the total shares bit
/// by bit (`royalty_splitter::accounting`), and each set bit of the quotient costs a little ink,
/// so the execution follows the total's value, not the number of contributors.
///
/// # Errors
/// If any other part differs, naming it.
pub fn execution_difference(
    split_deposit: &GasAnatomy,
    other: &GasAnatomy,
) -> Result<i64, BenchError> {
    let parts = |a: &GasAnatomy| {
        [
            ("intrinsic", i64::try_from(a.intrinsic).unwrap_or(i64::MAX)),
            ("calldata", i64::try_from(a.calldata).unwrap_or(i64::MAX)),
            ("program entries", a.program_entries.gas),
            ("storage reads", a.storage_reads.gas),
            ("storage writes", a.storage_writes.gas),
            ("events", a.events.gas),
            ("calls", a.calls.gas),
            ("refund", a.refund),
        ]
    };
    for ((name, a), (_, b)) in parts(split_deposit).into_iter().zip(parts(other)) {
        if a != b {
            return Err(BenchError(format!(
                "a deposit into the {DATANET_CONTRIBUTORS}-contributor split spent {b} gas on \
                 {name}, one into the 3-recipient split of \"split deposit\" {a}: only the WASM \
                 execution should differ"
            )));
        }
    }
    Ok(other.execution - split_deposit.execution)
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
    fn the_datanet_claimant_sits_at_the_asked_depth_and_deposits_compare_beyond_calldata() {
        // 1,000 leaves: depths 9 and 10.
        let net = build_datanet(1_000, 10).unwrap();
        assert_eq!(net.registered.len(), 1_000);
        assert_eq!(net.evaluated.len(), 1_000);
        assert_eq!(net.claim.proof.len(), 10);
        assert!(net.claim.verify());
        assert_ne!(net.registered.root(), net.evaluated.root());
        assert!(net.evaluated.total_weight() <= 1_000_000_000);
        assert!(build_datanet(1_000, 11).is_err());
        assert_eq!(depth_of(0), 0);
        assert_eq!(depth_of(1), 1);
        assert_eq!(depth_of(2), 1);
        assert_eq!(depth_of(3), 2);
        assert_eq!(depth_of(131_070), 16);
        assert_eq!(depth_of(131_071), 17);
        assert!(check_deposits_equal((37_701, 204), (37_701, 204)).is_ok());
        assert!(check_deposits_equal((37_701, 204), (37_713, 216)).is_ok());
        let error = check_deposits_equal((37_701, 204), (37_702, 204)).unwrap_err();
        assert!(
            error.0.contains("37,702") || error.0.contains("37702"),
            "{error}"
        );
    }

    #[test]
    fn gas_per_receipt_rounds_to_the_nearest() {
        assert_eq!(per_receipt(10_499, 1_000), 10);
        assert_eq!(per_receipt(10_500, 1_000), 11);
        assert_eq!(per_receipt(7, 0), 7);
    }
}
