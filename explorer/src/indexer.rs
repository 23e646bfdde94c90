//! The indexer (`docs/explorer.md` §1): reads a deployment's logs with `eth_getLogs` over its
//! ten addresses from the deployment block, in ranges of at most [`Config::range`] blocks,
//! decodes them with the [`Catalogue`] and commits each range, with the new cursor, in one
//! [`Store`] transaction; then follows the head.
//!
//! Reorganisations: before each range it compares the stored hash of the cursor block with the
//! chain's. A block hash commits to every ancestor, so a match means nothing stored has been
//! replaced. On a mismatch it fetches the last [`Config::reorg_depth`] stored blocks (those
//! holding events, and the cursor block) in one batch, rewinds to the highest whose hash still
//! matches ([`Store::rewind_to`]: every event and block above it goes in one transaction) and
//! reads forward again; if none of them match it looks further down, `reorg_depth` blocks at a
//! time, and starts over from the deployment block if nothing matches at all.
//!
//! A range is read in this order: the header of its last block (the new cursor), the logs,
//! then the headers of the blocks holding logs (batched, [`TIMESTAMP_BATCH`] per request). A
//! log whose block hash is not the header's means the chain moved under the read: the range is
//! dropped and tried again after the reorganisation check. If the chain moved after the cursor
//! header was read, the stored cursor hash is the old chain's and the next check rewinds.

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use alloy::{
    eips::BlockNumberOrTag,
    primitives::{Address, B256, U64},
    providers::{Provider, RootProvider},
    rpc::{
        client::BatchRequest,
        types::{Filter, Log},
    },
};
use serde::Deserialize;
use tributary_kit::{contracts::Contract, deploy::Deployment};

use crate::{
    catalogue::Catalogue,
    store::{BlockRef, IndexedRange, NewEvent, Store, StoreError},
};

/// Block headers fetched per JSON-RPC batch request.
pub const TIMESTAMP_BATCH: usize = 256;

/// How the indexer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Blocks per `eth_getLogs` (halved on the fly while the node refuses a range).
    pub range: u64,
    /// Stored blocks compared per step when the cursor's hash no longer matches.
    pub reorg_depth: u64,
    /// Pause between polls once at the head.
    pub poll: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            range: 2_000,
            reorg_depth: 64,
            poll: Duration::from_millis(1_000),
        }
    }
}

/// Why indexing failed.
#[derive(Debug)]
pub enum IndexError {
    /// The node failed or answered something unusable.
    Rpc(String),
    /// The store failed.
    Store(StoreError),
    /// The node serves another chain than the deployment's.
    WrongChain {
        /// The node's chain id.
        node: u64,
        /// The deployment's.
        deployment: u64,
    },
}

impl std::fmt::Display for IndexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Rpc(e) => write!(f, "RPC: {e}"),
            Self::Store(e) => write!(f, "{e}"),
            Self::WrongChain { node, deployment } => write!(
                f,
                "the RPC serves chain {node}, the deployment is for chain {deployment}"
            ),
        }
    }
}

impl std::error::Error for IndexError {}

impl From<StoreError> for IndexError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

fn rpc(e: impl std::fmt::Display) -> IndexError {
    IndexError::Rpc(e.to_string())
}

/// What one committed range did, for progress lines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// First block of the range.
    pub from: u64,
    /// Last block of the range (the cursor now).
    pub to: u64,
    /// The chain's head when the range was read.
    pub head: u64,
    /// The deployment block (where indexing started).
    pub start: u64,
    /// Events the range stored.
    pub events: usize,
    /// Events stored by this indexer since it was created.
    pub total_events: u64,
    /// Time since this indexer was created.
    pub elapsed: Duration,
}

impl Progress {
    /// Events per second since the indexer was created.
    #[allow(clippy::cast_precision_loss)] // a rate for display
    pub fn events_per_sec(&self) -> f64 {
        self.total_events as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Fraction of the blocks from the deployment block to the head indexed (0 to 1).
    #[allow(clippy::cast_precision_loss)] // a fraction for display
    pub fn fraction(&self) -> f64 {
        let total = self.head.saturating_sub(self.start) + 1;
        let done = self.to.saturating_sub(self.start) + 1;
        (done as f64 / total as f64).min(1.0)
    }
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "blocks {}..={} of {} ({:.1}%): {} event(s), {} in {:.1} s ({:.0} events/s)",
            self.from,
            self.to,
            self.head,
            self.fraction() * 100.0,
            self.events,
            self.total_events,
            self.elapsed.as_secs_f64(),
            self.events_per_sec()
        )
    }
}

/// What one [`Indexer::step`] did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// A range was committed.
    Indexed(Progress),
    /// The cursor is at `target` (the head, or the block asked for): nothing to read.
    Idle {
        /// The cursor.
        cursor: u64,
        /// The chain's head.
        head: u64,
    },
    /// The chain reorganised: everything above `to` was deleted.
    Rewound {
        /// The cursor before.
        from: Option<u64>,
        /// The cursor now (`None`: starting over from the deployment block).
        to: Option<u64>,
    },
    /// The chain moved while the range was read; it will be read again.
    Retry,
}

/// The minimal block header the indexer reads.
#[derive(Debug, Clone, Copy, Deserialize)]
struct Head {
    number: U64,
    hash: B256,
    timestamp: U64,
}

impl Head {
    fn block_ref(self) -> BlockRef {
        BlockRef {
            number: self.number.to(),
            hash: self.hash,
            timestamp: self.timestamp.to(),
        }
    }
}

/// Follows one deployment into one store.
#[derive(Debug)]
pub struct Indexer {
    provider: RootProvider,
    store: Store,
    catalogue: Catalogue,
    addresses: Vec<Address>,
    config: Config,
    start: u64,
    started: Instant,
    total_events: u64,
}

/// The deployment block: the lowest block among the receipts of the transactions that
/// deployed the contracts.
///
/// # Errors
/// A receipt is missing or the node failed.
pub async fn deployment_block(
    provider: &impl Provider,
    deployment: &Deployment,
) -> Result<u64, IndexError> {
    let mut lowest = u64::MAX;
    for (contract, deployed) in deployment.contracts.iter() {
        let receipt = provider
            .get_transaction_receipt(deployed.transaction)
            .await
            .map_err(rpc)?
            .ok_or_else(|| {
                IndexError::Rpc(format!(
                    "the node has no receipt of {contract}'s deploying transaction {}",
                    deployed.transaction
                ))
            })?;
        let block = receipt.block_number.ok_or_else(|| {
            IndexError::Rpc(format!("{contract}'s deploying transaction is pending"))
        })?;
        lowest = lowest.min(block);
    }
    Ok(lowest)
}

impl Indexer {
    /// Connects to the node at `rpc_url`, checks its chain is the deployment's, finds the
    /// deployment block (once: later runs read it from the store) and records the deployment
    /// in `store` ([`Store::init`]).
    ///
    /// # Errors
    /// The node is unreachable or serves another chain, or the store indexes another
    /// deployment.
    pub async fn connect(
        rpc_url: &str,
        deployment: &Deployment,
        store: Store,
        config: Config,
    ) -> Result<Self, IndexError> {
        let url = rpc_url
            .parse()
            .map_err(|e| IndexError::Rpc(format!("invalid RPC URL {rpc_url}: {e}")))?;
        let provider = RootProvider::new_http(url);
        let chain_id = provider.get_chain_id().await.map_err(rpc)?;
        if chain_id != deployment.chain_id {
            return Err(IndexError::WrongChain {
                node: chain_id,
                deployment: deployment.chain_id,
            });
        }
        let start = match store.from_block()? {
            Some(block) => block,
            None => deployment_block(&provider, deployment).await?,
        };
        store.init(chain_id, deployment, start)?;
        let pairs: Vec<(Contract, Address)> = Contract::DEPLOY_ORDER
            .iter()
            .map(|&c| (c, deployment.address(c)))
            .collect();
        Ok(Self {
            provider,
            store,
            catalogue: Catalogue::with_addresses(pairs.iter().copied()),
            addresses: pairs.iter().map(|&(_, a)| a).collect(),
            config: Config {
                range: config.range.max(1),
                reorg_depth: config.reorg_depth.max(1),
                ..config
            },
            start,
            started: Instant::now(),
            total_events: 0,
        })
    }

    /// The store it writes.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The deployment block.
    pub fn start(&self) -> u64 {
        self.start
    }

    /// The chain's head block number.
    ///
    /// # Errors
    /// The node failed.
    pub async fn head(&self) -> Result<u64, IndexError> {
        self.provider.get_block_number().await.map_err(rpc)
    }

    /// One step towards `target` (the head when `None`): the reorganisation check, then one
    /// range if the cursor is below the target.
    ///
    /// # Errors
    /// The node or the store failed.
    pub async fn step(&mut self, target: Option<u64>) -> Result<Step, IndexError> {
        let head = self.head().await?;
        if let Some(step) = self.check_reorg().await? {
            return Ok(step);
        }
        let next = self.store.next_block()?;
        let target = target.map_or(head, |t| t.min(head));
        if next > target {
            self.store.set_head_if_changed(head)?;
            return Ok(Step::Idle {
                cursor: next.saturating_sub(1),
                head,
            });
        }
        let mut to = target.min(next.saturating_add(self.config.range - 1));
        let logs = loop {
            match self.logs(next, to).await {
                Ok(logs) => break logs,
                // Nodes cap how many logs one answer holds: halve the range until it passes.
                Err(_) if to > next => to = next + (to - next) / 2,
                Err(e) => return Err(e),
            }
        };
        let Some(range) = self.range(next, to, head, logs).await? else {
            return Ok(Step::Retry);
        };
        let events = range.events.len();
        self.store.insert_range(&range)?;
        self.total_events += events as u64;
        Ok(Step::Indexed(Progress {
            from: next,
            to,
            head,
            start: self.start,
            events,
            total_events: self.total_events,
            elapsed: self.started.elapsed(),
        }))
    }

    async fn logs(&self, from: u64, to: u64) -> Result<(Head, Vec<Log>), IndexError> {
        let cursor = self
            .headers(&[to])
            .await?
            .remove(&to)
            .ok_or_else(|| IndexError::Rpc(format!("the node has no block {to}")))?;
        let filter = Filter::new()
            .address(self.addresses.clone())
            .from_block(from)
            .to_block(to);
        let logs = self.provider.get_logs(&filter).await.map_err(rpc)?;
        Ok((cursor, logs))
    }

    /// Decodes a range; `None` if the chain moved under the read.
    async fn range(
        &self,
        from: u64,
        to: u64,
        head: u64,
        (cursor, logs): (Head, Vec<Log>),
    ) -> Result<Option<IndexedRange>, IndexError> {
        let mut events = Vec::with_capacity(logs.len());
        for log in &logs {
            let (Some(block), Some(log_index), Some(tx_hash), Some(tx_index)) = (
                log.block_number,
                log.log_index,
                log.transaction_hash,
                log.transaction_index,
            ) else {
                return Err(IndexError::Rpc(
                    "eth_getLogs answered a log without its block, index or transaction".into(),
                ));
            };
            let address = log.address();
            let Some(contract) = self.catalogue.contract_at(address) else {
                continue;
            };
            let decoded = self.catalogue.decode(contract, log.data());
            events.push(NewEvent {
                block,
                log_index,
                tx_hash,
                tx_index,
                address,
                contract,
                event: decoded.event,
                topics: log.topics().to_vec(),
                data: log.data().data.clone(),
                args: decoded.args,
                accounts: decoded.accounts,
            });
        }
        events.sort_by_key(|e| (e.block, e.log_index));
        let numbers: Vec<u64> = {
            let mut n: Vec<u64> = events.iter().map(|e| e.block).collect();
            n.dedup();
            n.retain(|&b| b != to);
            n
        };
        let headers = self.headers(&numbers).await?;
        let mut blocks = Vec::with_capacity(numbers.len());
        for n in numbers {
            let Some(header) = headers.get(&n) else {
                return Ok(None);
            };
            blocks.push(header.block_ref());
        }
        if cursor.number.to::<u64>() != to {
            return Ok(None);
        }
        // Every log's block hash must be the header's (the cursor's included).
        for log in &logs {
            let (Some(n), Some(hash)) = (log.block_number, log.block_hash) else {
                continue;
            };
            let header_hash = if n == to {
                Some(cursor.hash)
            } else {
                headers.get(&n).map(|h| h.hash)
            };
            if header_hash != Some(hash) {
                return Ok(None);
            }
        }
        Ok(Some(IndexedRange {
            from,
            cursor: cursor.block_ref(),
            blocks,
            events,
            head: Some(head),
        }))
    }

    /// The headers of `numbers` (missing ones left out), in batches of [`TIMESTAMP_BATCH`].
    async fn headers(&self, numbers: &[u64]) -> Result<BTreeMap<u64, Head>, IndexError> {
        let mut out = BTreeMap::new();
        for chunk in numbers.chunks(TIMESTAMP_BATCH) {
            let mut batch = BatchRequest::new(self.provider.client());
            let mut waiters = Vec::with_capacity(chunk.len());
            for &n in chunk {
                let waiter = batch
                    .add_call::<_, Option<Head>>(
                        "eth_getBlockByNumber",
                        &(BlockNumberOrTag::Number(n), false),
                    )
                    .map_err(rpc)?;
                waiters.push((n, waiter));
            }
            batch.send().await.map_err(rpc)?;
            for (n, waiter) in waiters {
                if let Some(head) = waiter.await.map_err(rpc)? {
                    if head.number.to::<u64>() == n {
                        out.insert(n, head);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Compares the cursor's hash with the chain's and rewinds on a mismatch.
    async fn check_reorg(&mut self) -> Result<Option<Step>, IndexError> {
        let Some(cursor) = self.store.cursor()? else {
            return Ok(None);
        };
        let chain = self.headers(&[cursor.block]).await?;
        if chain.get(&cursor.block).map(|h| h.hash) == Some(cursor.hash) {
            return Ok(None);
        }
        let depth = usize::try_from(self.config.reorg_depth).unwrap_or(usize::MAX);
        let mut below = cursor.block;
        loop {
            let stored = self.store.blocks_desc(below, depth)?;
            let Some(lowest) = stored.last().map(|b| b.number) else {
                // Nothing stored matches: start over from the deployment block.
                let to = self.store.rewind_to(self.start.saturating_sub(1))?;
                return Ok(Some(Step::Rewound {
                    from: Some(cursor.block),
                    to: to.map(|c| c.block),
                }));
            };
            let numbers: Vec<u64> = stored.iter().map(|b| b.number).collect();
            let chain = self.headers(&numbers).await?;
            if let Some(matching) = stored
                .iter()
                .find(|b| chain.get(&b.number).map(|h| h.hash) == Some(b.hash))
            {
                let to = self.store.rewind_to(matching.number)?;
                return Ok(Some(Step::Rewound {
                    from: Some(cursor.block),
                    to: to.map(|c| c.block),
                }));
            }
            if lowest == 0 {
                let to = self.store.rewind_to(self.start.saturating_sub(1))?;
                return Ok(Some(Step::Rewound {
                    from: Some(cursor.block),
                    to: to.map(|c| c.block),
                }));
            }
            below = lowest - 1;
        }
    }

    /// Indexes until the cursor reaches `block` (or the head, if lower); `on_progress` sees
    /// every step.
    ///
    /// # Errors
    /// The node or the store failed.
    pub async fn index_until(
        &mut self,
        block: u64,
        mut on_progress: impl FnMut(&Step),
    ) -> Result<(), IndexError> {
        loop {
            let step = self.step(Some(block)).await?;
            on_progress(&step);
            if let Step::Idle { .. } = step {
                return Ok(());
            }
        }
    }

    /// Indexes up to the head as it is now; returns the cursor.
    ///
    /// # Errors
    /// The node or the store failed.
    pub async fn catch_up(&mut self, on_progress: impl FnMut(&Step)) -> Result<u64, IndexError> {
        let head = self.head().await?;
        self.index_until(head, on_progress).await?;
        Ok(self.store.cursor()?.map_or(head, |c| c.block))
    }

    /// Follows the chain until `stop` completes: a step whenever there is something to read,
    /// a pause of [`Config::poll`] at the head. Errors are reported to `on_error` and retried
    /// after the pause (a node that restarts does not stop the explorer).
    pub async fn follow(
        &mut self,
        mut on_progress: impl FnMut(&Step),
        mut on_error: impl FnMut(&IndexError),
        stop: impl std::future::Future<Output = ()>,
    ) {
        tokio::pin!(stop);
        loop {
            let pause = match self.step(None).await {
                Ok(outcome) => {
                    on_progress(&outcome);
                    matches!(outcome, Step::Idle { .. })
                }
                Err(e) => {
                    on_error(&e);
                    true
                }
            };
            if pause {
                tokio::select! {
                    () = &mut stop => return,
                    () = tokio::time::sleep(self.config.poll) => {}
                }
            } else if futures_ready(&mut stop) {
                return;
            }
        }
    }
}

/// Whether `stop` has completed, without waiting.
fn futures_ready(stop: &mut std::pin::Pin<&mut impl std::future::Future<Output = ()>>) -> bool {
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    stop.as_mut().poll(&mut cx).is_ready()
}
