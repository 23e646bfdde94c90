//! The pipeline on the devnode with the real contracts: receipts of a funded license are cut
//! into one batch, anchored (through a crash that loses the node's answer), settled after the
//! challenge window, and the escrow pays exactly `units × rate`; a restart on the same database
//! sends nothing more.

use std::{
    path::Path,
    sync::atomic::{AtomicBool, Ordering},
};

use alloy::{
    primitives::{keccak256, Address, Bytes, B256, U256},
    providers::Provider,
    signers::local::PrivateKeySigner,
};
use tributary_e2e::{
    usage::{bond_attestor, escrow_info, eth, key, licensed_lab, RATE, TRAIN},
    world, World,
};
use tributary_gateway::pipeline::{
    chain::{BatchInfo, Fees},
    enqueue_receipt,
    status::{self, BatchStatus},
    BatchSummary, Broadcast, Chain, ChainError, Pipeline, PipelineConfig, Progress, RpcChain,
    SignedTx, TxLookup,
};
use tributary_kit::{
    attest::{build_batch, types::Receipt, BatchOptions},
    contracts::Contract,
    contracts_abi::usage_anchor::IUsageAnchor,
    world::connect,
};

/// A chain whose first broadcast reaches the node but whose answer is lost: the gateway died
/// after sending `anchorBatch` (recorded as `anchor_sent`) and before it saw it mined.
struct AnswerLost<'a, C> {
    inner: &'a C,
    armed: AtomicBool,
}

impl<C: Chain> Chain for AnswerLost<'_, C> {
    async fn chain_id(&self) -> Result<u64, ChainError> {
        self.inner.chain_id().await
    }
    async fn now(&self) -> Result<u64, ChainError> {
        self.inner.now().await
    }
    async fn batch_info(
        &self,
        anchor: Address,
        attestor: Address,
        batch_id: B256,
    ) -> Result<BatchInfo, ChainError> {
        self.inner.batch_info(anchor, attestor, batch_id).await
    }
    async fn challenge_window(&self, anchor: Address) -> Result<u64, ChainError> {
        self.inner.challenge_window(anchor).await
    }
    async fn is_usage_settled(
        &self,
        anchor: Address,
        attestor: Address,
        batch_id: B256,
        index: u32,
    ) -> Result<bool, ChainError> {
        self.inner
            .is_usage_settled(anchor, attestor, batch_id, index)
            .await
    }
    async fn estimate_gas(
        &self,
        from: Address,
        to: Address,
        data: &Bytes,
    ) -> Result<u64, ChainError> {
        self.inner.estimate_gas(from, to, data).await
    }
    async fn next_nonce(&self, from: Address) -> Result<u64, ChainError> {
        self.inner.next_nonce(from).await
    }
    async fn fees(&self) -> Result<Fees, ChainError> {
        self.inner.fees().await
    }
    async fn broadcast(&self, tx: &SignedTx) -> Result<Broadcast, ChainError> {
        let sent = self.inner.broadcast(tx).await?;
        if self.armed.swap(false, Ordering::SeqCst) {
            return Err(ChainError::Rpc("connection reset by peer".into()));
        }
        Ok(sent)
    }
    async fn lookup(&self, hash: B256) -> Result<TxLookup, ChainError> {
        self.inner.lookup(hash).await
    }
}

fn receipt(
    job: u8,
    license: U256,
    asset: U256,
    units: u64,
    timestamp: u64,
    attestor: Address,
) -> Receipt {
    Receipt {
        jobId: keccak256([job]),
        licenseId: license,
        assetId: asset,
        modelHash: B256::ZERO,
        scope: U256::from(TRAIN),
        unit: 0,
        units: U256::from(units),
        timestamp,
        attestor,
    }
}

/// Transactions `who` has sent.
async fn nonce<P: Provider>(chain: &RpcChain<P>, who: Address) -> u64 {
    chain
        .provider()
        .get_transaction_count(who)
        .await
        .expect("nonce")
}

/// The lab's three jobs (1,300 samples), closed by the gateway at the chain's clock in one
/// transaction as the gateway closes them; the period closes and the pipeline cuts exactly
/// the batch the attestor kit builds from them.
async fn enqueue_and_cut<P: Provider>(
    w: &World<P>,
    db: &Path,
    pipeline: &mut Pipeline,
    license: U256,
) -> BatchSummary {
    let attestor = pipeline.attestor();
    // The jobs close in the first minute-long period that starts after the license.
    let period_start = (w.now().await / 60 + 1) * 60;
    let receipts: Vec<Receipt> = (1_u8..)
        .zip([1000_u64, 250, 50])
        .map(|(job, units)| {
            let at = period_start + u64::from(job);
            receipt(job, license, w.dataset_id, units, at, attestor)
        })
        .collect();
    {
        let mut conn = rusqlite::Connection::open(db).expect("opens");
        let tx = conn.transaction().expect("begins");
        for r in &receipts {
            enqueue_receipt(&tx, r).expect("enqueued");
        }
        tx.commit().expect("commits");
    }
    // The period is still open: nothing to cut.
    assert_eq!(pipeline.cut_batch(period_start + 59).expect("cuts"), vec![]);
    let now = w.travel(180).await;
    assert!(now > period_start + 59);
    let cut = pipeline.cut_batch(now).expect("cuts");
    let expected = build_batch(
        &receipts,
        &key(4),
        &BatchOptions {
            chain_id: pipeline.config().chain_id,
            verifying_contract: w.at(Contract::UsageAnchor),
            batch_id: None,
            period_start: Some(period_start),
            period_end: Some(period_start + 59),
            deadline: None,
        },
    )
    .expect("the kit builds it");
    let summary = BatchSummary {
        batch_id: expected.batch.batch_id,
        leaves: 1,
        receipts: 3,
        units: U256::from(1300),
        period_start,
        period_end: period_start + 59,
    };
    assert_eq!(cut, vec![Progress::Cut(summary.clone())]);
    eprintln!("pipeline: {}", cut[0]);
    summary
}

/// Kill -9 while anchoring: `anchorBatch` reaches the chain, the answer never comes back. The
/// signed transaction was recorded (`anchor_sent`) before it was sent; returns its hash.
async fn crash_while_anchoring<Q: Provider>(
    pipeline: &mut Pipeline,
    chain: &RpcChain<Q>,
    batch_id: B256,
) -> B256 {
    let lossy = AnswerLost {
        inner: chain,
        armed: AtomicBool::new(true),
    };
    let progress = pipeline.anchor(&lossy).await.expect("runs");
    assert!(
        matches!(progress.as_slice(), [Progress::Retry { batch_id: id, .. }] if *id == batch_id),
        "{progress:?}"
    );
    let rows = status::batches(pipeline.connection(), None).expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, BatchStatus::AnchorSent);
    rows[0]
        .sent_tx
        .expect("the transaction was recorded before it was sent")
}

/// Settle waits inside the challenge window, then settles the batch's leaf with one
/// transaction.
async fn settle_after_the_window<P: Provider, Q: Provider>(
    w: &World<P>,
    pipeline: &mut Pipeline,
    chain: &RpcChain<Q>,
    batch_id: B256,
    anchored_at: u64,
) {
    let window = w.deployment.parameters.challenge_window;
    assert_eq!(
        pipeline.settle(chain).await.expect("waits"),
        vec![Progress::Waiting {
            batch_id,
            reason: format!("challenge window open until {}", anchored_at + window),
        }]
    );
    w.travel(window).await;
    let progress = pipeline.settle(chain).await.expect("settles");
    for p in &progress {
        eprintln!("pipeline: {p}");
    }
    let rows = status::batches(pipeline.connection(), None).expect("rows");
    let row = &rows[0];
    let settle_tx = row.settle_tx.expect("our settle");
    let settled = chain
        .provider()
        .get_transaction_receipt(settle_tx)
        .await
        .expect("rpc")
        .expect("mined");
    assert_eq!(
        progress,
        vec![Progress::Settled {
            batch_id,
            leaves: 1,
            units: U256::from(1300),
            gas: settled.gas_used,
            tx: Some(settle_tx),
        }]
    );
    assert_eq!(row.status, BatchStatus::Settled);
    assert_eq!(row.settled_units, Some(U256::from(1300)));
}

#[tokio::test(flavor = "multi_thread")]
async fn receipts_are_anchored_once_settled_after_the_window_and_never_billed_twice() {
    let w = world().await;
    let attestor: PrivateKeySigner = key(4);
    assert_eq!(bond_attestor(&w, 4).await, attestor.address());
    let license = licensed_lab(&w, TRAIN, 0, eth(100)).await;
    let escrow_before = escrow_info(&w, license).await._0;
    let billed = U256::from(1300) * U256::from(RATE);

    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("gateway.db");
    let config = PipelineConfig {
        period_secs: 60,
        close_grace_secs: 0,
        ..PipelineConfig::new(&w.deployment)
    };
    let mut pipeline = Pipeline::open(&db, attestor.clone(), config.clone()).expect("opens");
    let summary = enqueue_and_cut(&w, &db, &mut pipeline, license).await;
    let batch_id = summary.batch_id;

    let provider = connect(&w.server.url(), std::slice::from_ref(&attestor)).expect("connects");
    let chain = RpcChain::new(provider);
    let who = attestor.address();
    let nonce_before = nonce(&chain, who).await;

    let sent = crash_while_anchoring(&mut pipeline, &chain, batch_id).await;
    drop(pipeline);

    // Restart on the same database: the chain says anchored, nothing is sent again.
    let mut pipeline = Pipeline::open(&db, attestor.clone(), config.clone()).expect("reopens");
    let progress = pipeline.anchor(&chain).await.expect("anchors");
    for p in &progress {
        eprintln!("pipeline: {p}");
    }
    let mined = chain
        .provider()
        .get_transaction_receipt(sent)
        .await
        .expect("rpc")
        .expect("mined");
    let anchor = w.at(Contract::UsageAnchor);
    let info = w
        .view(
            anchor,
            &IUsageAnchor::batchInfoCall {
                attestor: attestor.address(),
                batch_id,
            },
        )
        .await;
    assert_eq!(info._2, 1, "anchored");
    assert_eq!(
        progress,
        vec![Progress::Anchored {
            batch: summary.clone(),
            gas: Some(mined.gas_used),
            tx: Some(sent),
            anchored_at: info._1,
        }]
    );
    assert_eq!(
        nonce(&chain, who).await,
        nonce_before + 1,
        "exactly one anchorBatch"
    );
    let rows = status::batches(pipeline.connection(), None).expect("rows");
    assert_eq!(
        (rows[0].status, rows[0].anchor_tx, rows[0].anchor_gas),
        (BatchStatus::Anchored, Some(sent), Some(mined.gas_used))
    );

    settle_after_the_window(&w, &mut pipeline, &chain, batch_id, info._1).await;
    assert_eq!(
        escrow_info(&w, license).await._0,
        escrow_before - billed,
        "the escrow paid exactly units × rate"
    );
    assert_eq!(nonce(&chain, who).await, nonce_before + 2);
    drop(pipeline);

    // Restart again and run every step: no second transaction.
    let mut pipeline = Pipeline::open(&db, attestor.clone(), config).expect("reopens");
    let now = w.now().await;
    assert_eq!(pipeline.tick(&chain, now).await.expect("ticks"), vec![]);
    assert_eq!(nonce(&chain, who).await, nonce_before + 2);
    assert_eq!(escrow_info(&w, license).await._0, escrow_before - billed);
    assert_eq!(
        status::batch_counts(pipeline.connection()).expect("counts"),
        vec![
            (BatchStatus::Built, 0),
            (BatchStatus::AnchorSent, 0),
            (BatchStatus::Anchored, 0),
            (BatchStatus::SettleSent, 0),
            (BatchStatus::Settled, 1),
            (BatchStatus::Failed, 0),
        ]
    );
}
