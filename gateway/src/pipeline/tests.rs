//! The pipeline against a scripted chain ([`FakeChain`]): batching, anchoring, settling, and
//! the crashes and races of the module docs, counted exactly.

use std::{
    collections::{HashMap, HashSet},
    sync::Mutex,
    time::Duration,
};

use alloy::{
    primitives::{keccak256, Address, Bytes, B256, U256},
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};
use tributary_kit::attest::types::{anchorBatchCall, settleCall};

use super::{
    chain::status, status as queries, BatchInfo, BatchStatus, Broadcast, Chain, ChainError, Mined,
    Pipeline, PipelineConfig, Progress, Receipt, SignedTx, TxLookup,
};

const ANCHOR: Address = Address::repeat_byte(0xaa);
const CHAIN_ID: u64 = 412_346;
const WINDOW: u64 = 3600;
const ANCHOR_GAS: u64 = 90_000;
const SETTLE_GAS: u64 = 150_000;

/// What a broadcast does wrong, once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// The node never receives it (the process died before the request left).
    Lost,
    /// The node executes it, the answer is lost (the process died while waiting).
    AnswerLost,
}

#[derive(Default)]
struct State {
    now: u64,
    batches: HashMap<B256, BatchInfo>,
    settled: HashSet<(B256, u32)>,
    mined: HashMap<B256, Mined>,
    nonces: HashMap<Address, u64>,
    /// Transactions that executed, in order: (hash, function).
    executed: Vec<(B256, &'static str)>,
    /// Calldata of the executed transactions.
    calldata: HashMap<B256, Bytes>,
    /// Every broadcast the node received.
    broadcasts: u32,
    fault: Option<Fault>,
    /// The next estimate of this function (`anchorBatch` or `settle`) is refused with this
    /// error, once.
    refuse_once: Option<(&'static str, String)>,
}

/// A chain that runs `anchorBatch` and `settle` by the anchor's rules that matter here:
/// a batch anchors once, settles after its window, each leaf once.
struct FakeChain(Mutex<State>);

impl FakeChain {
    fn new(now: u64) -> Self {
        Self(Mutex::new(State {
            now,
            ..State::default()
        }))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.lock().expect("unpoisoned")
    }

    fn travel(&self, seconds: u64) {
        self.state().now += seconds;
    }

    fn executed(&self, function: &str) -> Vec<B256> {
        self.state()
            .executed
            .iter()
            .filter(|(_, f)| *f == function)
            .map(|(h, _)| *h)
            .collect()
    }

    /// Why `data` would revert now, if it would.
    fn check(state: &State, data: &[u8]) -> Result<&'static str, String> {
        if let Ok(call) = anchorBatchCall::abi_decode(data, true) {
            if state.batches.contains_key(&call.batch.batchId) {
                return Err("BatchAlreadyAnchored".into());
            }
            return Ok("anchorBatch");
        }
        let call = settleCall::abi_decode(data, true).map_err(|e| e.to_string())?;
        let id = call.batch.batchId;
        let info = state.batches.get(&id).ok_or("UnknownBatch")?;
        if info.status == status::VOIDED {
            return Err("BatchVoided".into());
        }
        if state.now < info.anchored_at + WINDOW {
            return Err("ChallengeWindowOpen".into());
        }
        let mut seen = HashSet::new();
        for leaf in &call.leaves {
            if state.settled.contains(&(id, leaf.index)) || !seen.insert(leaf.index) {
                return Err("UsageAlreadySettled".into());
            }
        }
        Ok("settle")
    }

    fn execute(state: &mut State, tx: &SignedTx) {
        let function = Self::check(state, &tx.data).unwrap_or("reverted");
        match function {
            "anchorBatch" => {
                let call = anchorBatchCall::abi_decode(&tx.data, true).expect("checked");
                let now = state.now;
                state.batches.insert(
                    call.batch.batchId,
                    BatchInfo {
                        status: status::ANCHORED,
                        anchored_at: now,
                        ..BatchInfo::default()
                    },
                );
            }
            "settle" => {
                let call = settleCall::abi_decode(&tx.data, true).expect("checked");
                let id = call.batch.batchId;
                for leaf in &call.leaves {
                    state.settled.insert((id, leaf.index));
                    let info = state.batches.get_mut(&id).expect("anchored");
                    info.settled_units += leaf.units;
                    info.settled_receipts += leaf.receiptCount;
                }
            }
            _ => {}
        }
        let gas = match function {
            "anchorBatch" => ANCHOR_GAS,
            "settle" => SETTLE_GAS,
            _ => 30_000,
        };
        state.mined.insert(
            tx.hash,
            Mined {
                success: function != "reverted",
                gas_used: gas,
                block: 1,
            },
        );
        state.executed.push((tx.hash, function));
        state.calldata.insert(tx.hash, tx.data.clone());
        *state.nonces.entry(tx.from).or_default() += 1;
    }
}

impl Chain for FakeChain {
    async fn chain_id(&self) -> Result<u64, ChainError> {
        Ok(CHAIN_ID)
    }

    async fn now(&self) -> Result<u64, ChainError> {
        Ok(self.state().now)
    }

    async fn batch_info(
        &self,
        anchor: Address,
        _: Address,
        id: B256,
    ) -> Result<BatchInfo, ChainError> {
        assert_eq!(anchor, ANCHOR);
        Ok(self.state().batches.get(&id).cloned().unwrap_or_default())
    }

    async fn challenge_window(&self, _: Address) -> Result<u64, ChainError> {
        Ok(WINDOW)
    }

    async fn is_usage_settled(
        &self,
        _: Address,
        _: Address,
        id: B256,
        index: u32,
    ) -> Result<bool, ChainError> {
        Ok(self.state().settled.contains(&(id, index)))
    }

    async fn estimate_gas(&self, _: Address, to: Address, data: &Bytes) -> Result<u64, ChainError> {
        assert_eq!(to, ANCHOR);
        let mut state = self.state();
        let function = if settleCall::abi_decode(data, true).is_ok() {
            "settle"
        } else {
            "anchorBatch"
        };
        if state
            .refuse_once
            .as_ref()
            .is_some_and(|(f, _)| *f == function)
        {
            let (_, error) = state.refuse_once.take().expect("checked");
            return Err(ChainError::Refused(error));
        }
        Self::check(&state, data).map_err(ChainError::Refused)?;
        Ok(100_000)
    }

    async fn next_nonce(&self, from: Address) -> Result<u64, ChainError> {
        Ok(self.state().nonces.get(&from).copied().unwrap_or_default())
    }

    async fn fees(&self) -> Result<super::chain::Fees, ChainError> {
        Ok(super::chain::Fees {
            max_fee_per_gas: 200_000_000,
            max_priority_fee_per_gas: 0,
        })
    }

    async fn broadcast(&self, tx: &SignedTx) -> Result<Broadcast, ChainError> {
        let mut state = self.state();
        match state.fault.take() {
            Some(Fault::Lost) => return Err(ChainError::Rpc("connection reset".into())),
            Some(Fault::AnswerLost) => {
                state.broadcasts += 1;
                Self::execute(&mut state, tx);
                return Err(ChainError::Rpc("connection reset".into()));
            }
            None => {}
        }
        state.broadcasts += 1;
        if state.mined.contains_key(&tx.hash) {
            return Ok(Broadcast::AlreadyKnown);
        }
        let next = state.nonces.get(&tx.from).copied().unwrap_or_default();
        if tx.nonce < next {
            return Ok(Broadcast::NonceUsed);
        }
        assert_eq!(tx.nonce, next, "nonce too high");
        Self::execute(&mut state, tx);
        Ok(Broadcast::Accepted)
    }

    async fn lookup(&self, hash: B256) -> Result<TxLookup, ChainError> {
        Ok(match self.state().mined.get(&hash) {
            Some(m) => TxLookup::Mined(*m),
            None => TxLookup::Unknown,
        })
    }
}

fn signer() -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&B256::repeat_byte(0x11)).expect("a valid key")
}

fn config() -> PipelineConfig {
    PipelineConfig {
        period_secs: 100,
        close_grace_secs: 10,
        mined_timeout: Duration::from_millis(50),
        ..PipelineConfig::for_anchor(CHAIN_ID, ANCHOR)
    }
}

fn open(path: &std::path::Path) -> Pipeline {
    Pipeline::open(path, signer(), config())
        .expect("opens")
        .with_clock(|| 0)
}

fn receipt(job: u8, license: u64, units: u64, timestamp: u64) -> Receipt {
    Receipt {
        jobId: keccak256([job]),
        licenseId: U256::from(license),
        assetId: U256::from(1),
        modelHash: B256::ZERO,
        scope: U256::from(1),
        unit: 0,
        units: U256::from(units),
        timestamp,
        attestor: signer().address(),
    }
}

fn enqueue(pipeline: &mut Pipeline, receipts: &[Receipt]) {
    let tx = pipeline.conn.transaction().expect("begins");
    for r in receipts {
        super::enqueue_receipt(&tx, r).expect("enqueued");
    }
    tx.commit().expect("commits");
}

fn receipt_statuses(pipeline: &Pipeline) -> Vec<(B256, String, Option<B256>)> {
    let mut stmt = pipeline
        .conn
        .prepare("SELECT job_id, status, batch_id FROM receipts ORDER BY timestamp, job_id")
        .expect("prepares");
    stmt.query_map([], |r| {
        let job: Vec<u8> = r.get(0)?;
        let batch: Option<Vec<u8>> = r.get(2)?;
        Ok((
            B256::from_slice(&job),
            r.get(1)?,
            batch.map(|b| B256::from_slice(&b)),
        ))
    })
    .expect("queries")
    .collect::<Result<_, _>>()
    .expect("rows")
}

/// Five receipts of the period [1000, 1099] (two licenses) and one of [1100, 1199]; the
/// single batch the pipeline must cut at 1110 (the first period closed, grace included).
fn cut_first_period(pipeline: &mut Pipeline) -> super::BatchSummary {
    enqueue(
        pipeline,
        &[
            receipt(1, 7, 100, 1000),
            receipt(2, 7, 250, 1050),
            receipt(3, 9, 40, 1020),
            receipt(4, 7, 10, 1099),
            receipt(5, 9, 2, 1099),
            receipt(6, 7, 999, 1100),
        ],
    );
    let progress = pipeline.cut_batch(1110).expect("cuts");
    let [Progress::Cut(summary)] = progress.as_slice() else {
        panic!("expected one cut, got {progress:?}");
    };
    summary.clone()
}

#[test]
fn cut_batch_takes_exactly_the_closed_periods_receipts_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = open(&dir.path().join("g.db"));
    assert_eq!(p.cut_batch(5000).expect("nothing to cut"), vec![]);
    let summary = cut_first_period(&mut p);

    // The same batch the kit builds from the same receipts and options.
    let expected = tributary_kit::attest::build_batch(
        &[
            receipt(1, 7, 100, 1000),
            receipt(2, 7, 250, 1050),
            receipt(3, 9, 40, 1020),
            receipt(4, 7, 10, 1099),
            receipt(5, 9, 2, 1099),
        ],
        &signer(),
        &tributary_kit::attest::BatchOptions {
            chain_id: CHAIN_ID,
            verifying_contract: ANCHOR,
            batch_id: None,
            period_start: Some(1000),
            period_end: Some(1099),
            deadline: None,
        },
    )
    .expect("builds");
    assert_eq!(
        summary,
        super::BatchSummary {
            batch_id: expected.batch.batch_id,
            leaves: 2,
            receipts: 5,
            units: U256::from(402),
            period_start: 1000,
            period_end: 1099,
        }
    );
    let stored = p.load(summary.batch_id).expect("stored");
    assert_eq!(stored.file, expected);
    assert_eq!(stored.status, BatchStatus::Built);

    let id = Some(summary.batch_id);
    let statuses = receipt_statuses(&p);
    let batched = |job: u8| (keccak256([job]), "batched".to_owned(), id);
    assert_eq!(
        statuses,
        vec![
            batched(1),
            batched(3),
            batched(2),
            // Same timestamp: by job id (keccak256([5]) < keccak256([4])).
            batched(5),
            batched(4),
            (keccak256([6]), "pending".to_owned(), None)
        ]
    );
    // The second period is still open (it closes after 1199 + 10).
    assert_eq!(p.cut_batch(1209).expect("nothing to cut"), vec![]);
    let second = p.cut_batch(1210).expect("cuts");
    assert_eq!(second.len(), 1);
    assert_eq!(p.cut_batch(1_000_000).expect("nothing left"), vec![]);
    assert_eq!(
        queries::batch_counts(p.connection()).expect("counts"),
        vec![
            (BatchStatus::Built, 2),
            (BatchStatus::AnchorSent, 0),
            (BatchStatus::Anchored, 0),
            (BatchStatus::SettleSent, 0),
            (BatchStatus::Settled, 0),
            (BatchStatus::Failed, 0),
        ]
    );
}

#[test]
fn receipts_this_attestor_cannot_batch_are_rejected_not_blocking() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = open(&dir.path().join("g.db"));
    let foreign = Receipt {
        attestor: Address::repeat_byte(5),
        ..receipt(1, 7, 100, 1000)
    };
    let empty_scope = Receipt {
        scope: U256::ZERO,
        ..receipt(2, 7, 100, 1001)
    };
    enqueue(&mut p, &[foreign, empty_scope, receipt(3, 7, 5, 1002)]);
    assert_eq!(
        queries::pending_receipts(p.connection()).expect("pending"),
        vec![queries::PendingLicense {
            license_id: U256::from(7),
            receipts: 3,
            units: U256::from(205),
            first_at: 1000,
            last_at: 1002,
        }]
    );
    let progress = p.cut_batch(2000).expect("cuts");
    assert_eq!(progress.len(), 3);
    assert_eq!(
        progress[..2],
        [
            Progress::Rejected {
                job_id: keccak256([1]),
                reason: format!(
                    "metered by attestor {}, not {}",
                    Address::repeat_byte(5),
                    signer().address()
                ),
            },
            Progress::Rejected {
                job_id: keccak256([2]),
                reason: "empty scope".into(),
            },
        ]
    );
    let Progress::Cut(summary) = &progress[2] else {
        panic!("expected a cut, got {:?}", progress[2]);
    };
    assert_eq!((summary.receipts, summary.units), (1, U256::from(5)));
    assert_eq!(
        queries::pending_receipts(p.connection()).expect("pending"),
        vec![]
    );
    let rejected = queries::rejected_receipts(p.connection()).expect("rejected");
    assert_eq!(
        rejected.iter().map(|r| r.job_id).collect::<Vec<_>>(),
        vec![keccak256([1]), keccak256([2])]
    );
}

#[test]
fn a_job_id_is_enqueued_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = open(&dir.path().join("g.db"));
    enqueue(&mut p, &[receipt(1, 7, 100, 1000)]);
    let tx = p.conn.transaction().expect("begins");
    let again = super::enqueue_receipt(&tx, &receipt(1, 7, 100, 1000));
    assert!(matches!(
        again,
        Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error {
                code: rusqlite::ErrorCode::ConstraintViolation,
                ..
            },
            _
        ))
    ));
}

#[tokio::test]
async fn anchors_once_waits_for_the_window_then_settles_every_leaf() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = open(&dir.path().join("g.db"));
    let summary = cut_first_period(&mut p);
    let chain = FakeChain::new(2000);

    let progress = p.anchor(&chain).await.expect("anchors");
    let [anchor_tx] = chain.executed("anchorBatch")[..] else {
        panic!("one anchorBatch expected");
    };
    assert_eq!(
        progress,
        vec![Progress::Anchored {
            batch: summary.clone(),
            gas: Some(ANCHOR_GAS),
            tx: Some(anchor_tx),
            anchored_at: 2000,
        }]
    );
    assert_eq!(
        p.settle(&chain).await.expect("waits"),
        vec![Progress::Waiting {
            batch_id: summary.batch_id,
            reason: "challenge window open until 5600".into(),
        }]
    );
    chain.travel(WINDOW);
    let progress = p.settle(&chain).await.expect("settles");
    let [settle_tx] = chain.executed("settle")[..] else {
        panic!("one settle expected");
    };
    assert_eq!(
        progress,
        vec![Progress::Settled {
            batch_id: summary.batch_id,
            leaves: 2,
            units: U256::from(402),
            gas: SETTLE_GAS,
            tx: Some(settle_tx),
        }]
    );
    let rows = queries::batches(p.connection(), None).expect("rows");
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.status, BatchStatus::Settled);
    assert_eq!(row.anchor_tx, Some(anchor_tx));
    assert_eq!(row.anchor_gas, Some(ANCHOR_GAS));
    assert_eq!(row.anchored_at, Some(2000));
    assert_eq!(row.settle_tx, Some(settle_tx));
    assert_eq!(row.settle_gas, SETTLE_GAS);
    assert_eq!(row.settled_units, Some(U256::from(402)));
    assert_eq!(row.sent_tx, None);
    assert_eq!(row.attempts, 0);

    // Nothing more to do, however often it runs.
    let broadcasts = chain.state().broadcasts;
    for _ in 0..3 {
        assert_eq!(p.tick(&chain, 1150).await.expect("ticks"), vec![]);
    }
    assert_eq!(chain.state().broadcasts, broadcasts);
}

/// Kill -9 after the signed `anchorBatch` is recorded (`anchor_sent`) and before the node got
/// it: the restarted pipeline broadcasts the same bytes, the chain anchors once.
#[tokio::test]
async fn crash_before_the_broadcast_resends_the_same_transaction() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("g.db");
    let chain = FakeChain::new(2000);
    let mut p = open(&path);
    let summary = cut_first_period(&mut p);
    chain.state().fault = Some(Fault::Lost);
    let progress = p.anchor(&chain).await.expect("runs");
    assert!(matches!(progress.as_slice(), [Progress::Retry { .. }]));
    let recorded = p.load(summary.batch_id).expect("row");
    assert_eq!(recorded.status, BatchStatus::AnchorSent);
    let sent = recorded.sent.expect("the signed transaction is recorded");
    assert_eq!(chain.state().executed, vec![]);
    drop(p);

    let mut p = open(&path);
    let progress = p.anchor(&chain).await.expect("anchors");
    assert_eq!(
        progress,
        vec![Progress::Anchored {
            batch: summary,
            gas: Some(ANCHOR_GAS),
            tx: Some(sent.hash),
            anchored_at: 2000,
        }]
    );
    assert_eq!(chain.executed("anchorBatch"), vec![sent.hash]);
    assert_eq!(chain.state().executed.len(), 1);
    assert_eq!(p.anchor(&chain).await.expect("nothing to do"), vec![]);
}

/// Kill -9 after the node executed `anchorBatch` but before the pipeline saw the answer: the
/// restarted pipeline finds it mined and sends nothing.
#[tokio::test]
async fn crash_after_the_broadcast_sends_nothing_more() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("g.db");
    let chain = FakeChain::new(2000);
    let mut p = open(&path);
    let summary = cut_first_period(&mut p);
    chain.state().fault = Some(Fault::AnswerLost);
    let progress = p.anchor(&chain).await.expect("runs");
    assert!(matches!(progress.as_slice(), [Progress::Retry { .. }]));
    drop(p);

    let mut p = open(&path);
    let progress = p.anchor(&chain).await.expect("anchors");
    let [anchor_tx] = chain.executed("anchorBatch")[..] else {
        panic!("one anchorBatch expected");
    };
    assert_eq!(
        progress,
        vec![Progress::Anchored {
            batch: summary,
            gas: Some(ANCHOR_GAS),
            tx: Some(anchor_tx),
            anchored_at: 2000,
        }]
    );
    assert_eq!(chain.state().broadcasts, 1);
    assert_eq!(chain.state().executed.len(), 1);
}

/// Another submitter anchored the batch (anyone may): the pipeline records it anchored without
/// sending anything.
#[tokio::test]
async fn a_batch_anchored_by_someone_else_is_not_sent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = open(&dir.path().join("g.db"));
    let summary = cut_first_period(&mut p);
    let chain = FakeChain::new(2000);
    chain.state().batches.insert(
        summary.batch_id,
        BatchInfo {
            status: status::ANCHORED,
            anchored_at: 1900,
            ..BatchInfo::default()
        },
    );
    assert_eq!(
        p.anchor(&chain).await.expect("reconciles"),
        vec![Progress::Anchored {
            batch: summary,
            gas: None,
            tx: None,
            anchored_at: 1900,
        }]
    );
    assert_eq!(chain.state().broadcasts, 0);
}

/// Kill -9 while a `settle` is in flight, then a restart: one settlement, nothing billed twice.
#[tokio::test]
async fn crash_while_settling_settles_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("g.db");
    let chain = FakeChain::new(2000);
    let mut p = open(&path);
    let summary = cut_first_period(&mut p);
    p.anchor(&chain).await.expect("anchors");
    chain.travel(WINDOW);
    chain.state().fault = Some(Fault::AnswerLost);
    let progress = p.settle(&chain).await.expect("runs");
    assert!(matches!(progress.as_slice(), [Progress::Retry { .. }]));
    assert_eq!(
        p.load(summary.batch_id).expect("row").status,
        BatchStatus::SettleSent
    );
    drop(p);

    let mut p = open(&path);
    let progress = p.settle(&chain).await.expect("settles");
    let [settle_tx] = chain.executed("settle")[..] else {
        panic!("one settle expected");
    };
    assert_eq!(
        progress,
        vec![Progress::Settled {
            batch_id: summary.batch_id,
            leaves: 0,
            units: U256::from(402),
            gas: SETTLE_GAS,
            tx: Some(settle_tx),
        }]
    );
    assert_eq!(chain.state().executed.len(), 2);
    assert_eq!(chain.state().broadcasts, 2);
}

/// A `settle` refused with `UsageAlreadySettled` is not taken for settled: the pipeline asks
/// `isUsageSettled` again and settles what is left, once.
#[tokio::test]
async fn usage_already_settled_is_checked_on_chain() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = open(&dir.path().join("g.db"));
    let summary = cut_first_period(&mut p);
    let chain = FakeChain::new(2000);
    p.anchor(&chain).await.expect("anchors");
    chain.travel(WINDOW);
    // Someone settled leaf 0 already; the first simulation is refused as if it just happened.
    chain.state().settled.insert((summary.batch_id, 0));
    chain.state().refuse_once = Some(("settle", "UsageAlreadySettled".into()));
    let progress = p.settle(&chain).await.expect("settles");
    let [settle_tx] = chain.executed("settle")[..] else {
        panic!("one settle expected");
    };
    assert_eq!(
        progress,
        vec![Progress::Settled {
            batch_id: summary.batch_id,
            leaves: 1,
            units: U256::from(42),
            gas: SETTLE_GAS,
            tx: Some(settle_tx),
        }]
    );
    let data = chain.state().calldata[&settle_tx].clone();
    let call = settleCall::abi_decode(&data, true).expect("settle calldata");
    assert_eq!(
        call.leaves.iter().map(|l| l.index).collect::<Vec<_>>(),
        vec![1]
    );
}

#[tokio::test]
async fn a_voided_batch_fails_with_the_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = open(&dir.path().join("g.db"));
    let summary = cut_first_period(&mut p);
    let chain = FakeChain::new(2000);
    p.anchor(&chain).await.expect("anchors");
    {
        let mut state = chain.state();
        let info = state.batches.get_mut(&summary.batch_id).expect("anchored");
        info.status = status::VOIDED;
        info.round = 1;
    }
    chain.travel(WINDOW);
    let reason = "voided by an upheld challenge (round 1)".to_owned();
    assert_eq!(
        p.settle(&chain).await.expect("runs"),
        vec![Progress::Failed {
            batch_id: summary.batch_id,
            reason: reason.clone(),
        }]
    );
    let rows = queries::batches(p.connection(), Some(BatchStatus::Failed)).expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].last_error, Some(reason));
    assert_eq!(chain.executed("settle"), Vec::<B256>::new());
}

/// The run loop cuts, anchors and settles on its own, logs one line per step (waiting is not
/// logged), and stops when told.
#[tokio::test]
async fn run_cuts_anchors_and_settles_until_shutdown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = open(&dir.path().join("g.db")).with_clock(|| 1110);
    enqueue(&mut p, &[receipt(1, 7, 100, 1000), receipt(2, 9, 5, 1001)]);
    let chain = FakeChain::new(2000);
    let mut logged = Vec::new();
    let mut errors = Vec::new();
    let shutdown = async {
        let mut traveled = false;
        for _ in 0..2000 {
            tokio::time::sleep(Duration::from_millis(5)).await;
            if !traveled && chain.executed("anchorBatch").len() == 1 {
                chain.travel(WINDOW);
                traveled = true;
            }
            if chain.executed("settle").len() == 1 {
                // A few more ticks: they must do nothing.
                tokio::time::sleep(Duration::from_millis(60)).await;
                return;
            }
        }
        panic!("not settled within 10 s");
    };
    p.run_with(
        &chain,
        Duration::from_millis(10),
        shutdown,
        |progress| logged.push(progress.clone()),
        |e| errors.push(e.to_string()),
    )
    .await;
    assert_eq!(errors, Vec::<String>::new());
    let [anchor_tx] = chain.executed("anchorBatch")[..] else {
        panic!("one anchorBatch expected");
    };
    let [settle_tx] = chain.executed("settle")[..] else {
        panic!("one settle expected");
    };
    let Some(Progress::Cut(summary)) = logged.first().cloned() else {
        panic!("a cut first: {logged:?}");
    };
    assert_eq!(
        logged,
        vec![
            Progress::Cut(summary.clone()),
            Progress::Anchored {
                batch: summary.clone(),
                gas: Some(ANCHOR_GAS),
                tx: Some(anchor_tx),
                anchored_at: 2000,
            },
            Progress::Settled {
                batch_id: summary.batch_id,
                leaves: 2,
                units: U256::from(105),
                gas: SETTLE_GAS,
                tx: Some(settle_tx),
            },
        ]
    );
    assert_eq!(
        logged[1].to_string(),
        format!(
            "anchored batch {}: 2 leaves, 2 receipts, 105 units, gas {ANCHOR_GAS}, tx {anchor_tx}, at 2000",
            summary.batch_id
        )
    );
}

#[tokio::test]
async fn the_operator_report_lists_receipts_and_batches() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = open(&dir.path().join("g.db"));
    let summary = cut_first_period(&mut p);
    let chain = FakeChain::new(2000);
    p.anchor(&chain).await.expect("anchors");
    let [anchor_tx] = chain.executed("anchorBatch")[..] else {
        panic!("one anchorBatch expected");
    };
    let foreign = Receipt {
        attestor: Address::repeat_byte(5),
        ..receipt(8, 9, 3, 1101)
    };
    enqueue(&mut p, &[foreign]);
    assert_eq!(
        queries::report(p.connection()).expect("report"),
        format!(
            "pending receipts: 2 (1002 units)\n  \
             license 7: 1 receipts, 999 units, 1100..=1100\n  \
             license 9: 1 receipts, 3 units, 1101..=1101\n\
             batches: built 0, anchor_sent 0, anchored 1, settle_sent 0, settled 0, failed 0\n  \
             {} anchored: period 1000..=1099, 2 leaves, 5 receipts, 402 units; anchored at 2000 \
             (tx {anchor_tx}, gas {ANCHOR_GAS})\n",
            summary.batch_id
        )
    );
}

/// The recorded `anchorBatch` never reached the node and its nonce went to another
/// transaction: it can never be mined, so the restarted pipeline signs a new one, once.
#[tokio::test]
async fn a_recorded_transaction_whose_nonce_was_taken_is_replaced_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("g.db");
    let chain = FakeChain::new(2000);
    let mut p = open(&path);
    let summary = cut_first_period(&mut p);
    chain.state().fault = Some(Fault::Lost);
    p.anchor(&chain).await.expect("runs");
    let lost = p
        .load(summary.batch_id)
        .expect("row")
        .sent
        .expect("recorded");
    drop(p);
    // The operator used the key elsewhere meanwhile.
    *chain.state().nonces.entry(signer().address()).or_default() += 1;

    let mut p = open(&path);
    let progress = p.anchor(&chain).await.expect("anchors");
    let [anchor_tx] = chain.executed("anchorBatch")[..] else {
        panic!("one anchorBatch expected");
    };
    assert_ne!(anchor_tx, lost.hash);
    assert_eq!(
        progress,
        vec![Progress::Anchored {
            batch: summary,
            gas: Some(ANCHOR_GAS),
            tx: Some(anchor_tx),
            anchored_at: 2000,
        }]
    );
    assert_eq!(chain.state().executed.len(), 1);
}

/// A refusal (the attestor's bond is short) sends nothing, is recorded with the attempt, and
/// is retried only after the backoff (at once after a restart).
#[tokio::test]
async fn a_refused_anchoring_backs_off_and_sends_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("g.db");
    let chain = FakeChain::new(2000);
    let mut p = open(&path);
    let summary = cut_first_period(&mut p);
    chain.state().refuse_once = Some(("anchorBatch", "InsufficientBond".into()));
    let error = "chain: refused with InsufficientBond".to_owned();
    assert_eq!(
        p.anchor(&chain).await.expect("runs"),
        vec![Progress::Retry {
            batch_id: summary.batch_id,
            error: error.clone(),
            after_secs: 5,
        }]
    );
    let rows = queries::batches(p.connection(), None).expect("rows");
    assert_eq!(
        (rows[0].status, rows[0].attempts, rows[0].last_error.clone()),
        (BatchStatus::Built, 1, Some(error))
    );
    // Not due yet.
    assert_eq!(p.anchor(&chain).await.expect("runs"), vec![]);
    assert_eq!(chain.state().broadcasts, 0);
    drop(p);

    let mut p = open(&path);
    let progress = p.anchor(&chain).await.expect("anchors");
    assert!(matches!(progress.as_slice(), [Progress::Anchored { .. }]));
    assert_eq!(chain.executed("anchorBatch").len(), 1);
    let rows = queries::batches(p.connection(), None).expect("rows");
    assert_eq!((rows[0].attempts, rows[0].last_error.clone()), (0, None));
}

/// A batch whose anchoring deadline passed can never be anchored: failed, with the reason.
#[tokio::test]
async fn a_batch_past_its_deadline_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = open(&dir.path().join("g.db"));
    let summary = cut_first_period(&mut p);
    let deadline = 1099 + tributary_kit::attest::types::DEFAULT_DEADLINE_DELAY;
    let chain = FakeChain::new(deadline + 1);
    assert_eq!(
        p.anchor(&chain).await.expect("runs"),
        vec![Progress::Failed {
            batch_id: summary.batch_id,
            reason: format!("its anchoring deadline {deadline} has passed"),
        }]
    );
    assert_eq!(chain.state().broadcasts, 0);
    assert_eq!(p.anchor(&chain).await.expect("nothing to do"), vec![]);
}
