//! The HTTP JSON-RPC server.
//!
//! One thread owns the chain (with a large stack: Stylus programs calling each other recurse
//! on the native stack) and executes requests one at a time, in arrival order; the HTTP side
//! (hyper on tokio) parses and answers in parallel. Batches are executed in order and answered
//! as one array.

use std::{
    net::SocketAddr,
    path::PathBuf,
    sync::mpsc,
    thread,
    time::{Duration, Instant},
};

use http_body_util::{BodyExt, Full, Limited};
use hyper::{
    body::{Bytes as HttpBytes, Incoming},
    header, Method, Request, Response, StatusCode,
};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::{net::TcpListener, sync::oneshot};

use super::{
    chain::{sender_of, Effect, RpcChain},
    error::{RpcError, INVALID_REQUEST, PARSE_ERROR},
    filters, genesis,
    request::{EthRequest, Request as RpcRequest},
    state_file,
};
use crate::{node::DEV_CHAIN_ID, Devnode};

/// Default port, as nitro-devnode.
pub const DEFAULT_PORT: u16 = 8547;
/// Largest request body accepted: 16 MiB (a Stylus deployment is under 64 KiB of hex).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Stack of the chain thread.
const CHAIN_STACK_BYTES: usize = 256 * 1024 * 1024;

/// How to run the server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to bind (`127.0.0.1:8547` by default; port 0 picks a free port).
    pub addr: SocketAddr,
    /// Chain id (412346 by default, as nitro-devnode).
    pub chain_id: u64,
    /// State file to load at start and save after every block and at shutdown.
    pub state: Option<PathBuf>,
    /// Mine a block every interval instead of one block per transaction.
    pub block_time: Option<Duration>,
    /// Largest request body in bytes.
    pub max_body: usize,
    /// Print each transaction to stderr.
    pub log_transactions: bool,
    /// How long a filter lives without `eth_getFilterChanges` (five minutes, as geth).
    pub filter_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT)),
            chain_id: DEV_CHAIN_ID,
            state: None,
            block_time: None,
            max_body: MAX_BODY_BYTES,
            log_transactions: true,
            filter_timeout: filters::FILTER_TIMEOUT,
        }
    }
}

/// Why the server could not start.
#[derive(Debug)]
pub enum ServerError {
    /// Binding the address failed.
    Bind(SocketAddr, std::io::Error),
    /// The state file is unusable.
    State(state_file::StateFileError),
    /// Building the genesis state failed.
    Genesis(crate::DevnodeError),
}

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            Self::State(e) => write!(f, "{e}"),
            Self::Genesis(e) => write!(f, "genesis: {e}"),
        }
    }
}

impl std::error::Error for ServerError {}

enum Job {
    Request(Value, oneshot::Sender<Value>),
    Shutdown(oneshot::Sender<()>),
}

/// A running server; dropping it without [`Self::stop`] leaves it running until the process
/// ends.
#[derive(Debug)]
pub struct RunningServer {
    /// The bound address.
    pub addr: SocketAddr,
    jobs: mpsc::Sender<Job>,
    stop_accepting: Option<oneshot::Sender<()>>,
}

impl RunningServer {
    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections, saves the state file (if any) and stops the chain thread.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop_accepting.take() {
            let _ = stop.send(());
        }
        let (done, wait) = oneshot::channel();
        if self.jobs.send(Job::Shutdown(done)).is_ok() {
            let _ = wait.await;
        }
    }
}

/// Builds the chain: from the state file when it exists, else a fresh genesis.
pub fn build_chain(config: &ServerConfig) -> Result<RpcChain, ServerError> {
    let signers = genesis::dev_signers();
    let mut node = Devnode::new();
    node.use_wall_clock();
    if let Some(path) = &config.state {
        if let Some(loaded) = state_file::load(path).map_err(ServerError::State)? {
            node.load_state(&loaded.dump)
                .map_err(ServerError::Genesis)?;
            node.use_wall_clock();
            eprintln!(
                "devnode: loaded {} (block {}, {} accounts)",
                path.display(),
                loaded.dump.number,
                loaded.dump.accounts.len()
            );
            let mut chain = RpcChain::restore(node, signers, loaded.blocks, loaded.transactions);
            chain.set_filter_timeout(config.filter_timeout);
            return Ok(chain);
        }
    }
    node.set_chain_id(config.chain_id);
    genesis::install(&mut node, &signers).map_err(ServerError::Genesis)?;
    let mut chain = RpcChain::new(node, signers);
    chain.set_filter_timeout(config.filter_timeout);
    Ok(chain)
}

/// Starts the server on the current tokio runtime.
pub async fn start(config: ServerConfig) -> Result<RunningServer, ServerError> {
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|e| ServerError::Bind(config.addr, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError::Bind(config.addr, e))?;
    // The chain is built on its own thread: revm's EVM is not `Send`.
    let (jobs, receiver) = mpsc::channel::<Job>();
    let (ready, started) = mpsc::channel::<Result<(), ServerError>>();
    let thread_config = config.clone();
    thread::Builder::new()
        .name("devnode-chain".into())
        .stack_size(CHAIN_STACK_BYTES)
        .spawn(move || match build_chain(&thread_config) {
            Ok(mut chain) => {
                if thread_config.block_time.is_some() {
                    chain.set_automine(false);
                }
                let _ = ready.send(Ok(()));
                run_chain(chain, &receiver, &thread_config);
            }
            Err(e) => {
                let _ = ready.send(Err(e));
            }
        })
        .map_err(|e| ServerError::Bind(addr, e))?;
    let started = tokio::task::spawn_blocking(move || started.recv()).await;
    match started {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => return Err(e),
        _ => {
            return Err(ServerError::Bind(
                addr,
                std::io::Error::other("the chain thread stopped during start-up"),
            ))
        }
    }
    let (stop_accepting, mut stop) = oneshot::channel::<()>();
    let accept_jobs = jobs.clone();
    let max_body = config.max_body;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = &mut stop => break,
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let jobs = accept_jobs.clone();
                    tokio::spawn(async move {
                        let service = hyper::service::service_fn(move |req| {
                            handle_http(req, jobs.clone(), max_body)
                        });
                        let _ = hyper::server::conn::http1::Builder::new()
                            .keep_alive(true)
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
            }
        }
    });
    Ok(RunningServer {
        addr,
        jobs,
        stop_accepting: Some(stop_accepting),
    })
}

fn run_chain(mut chain: RpcChain, jobs: &mpsc::Receiver<Job>, config: &ServerConfig) {
    let mut next_block = config.block_time.map(|t| Instant::now() + t);
    loop {
        let job = match next_block {
            None => jobs.recv().ok(),
            Some(at) => match jobs.recv_timeout(at.saturating_duration_since(Instant::now())) {
                Ok(job) => Some(job),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    chain.mine();
                    persist(&chain, config);
                    next_block = config.block_time.map(|t| at + t);
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => None,
            },
        };
        match job {
            Some(Job::Request(request, reply)) => {
                let (response, changed) = execute(&mut chain, request, config.log_transactions);
                if changed {
                    persist(&chain, config);
                }
                let _ = reply.send(response);
            }
            Some(Job::Shutdown(done)) => {
                persist(&chain, config);
                let _ = done.send(());
                return;
            }
            None => {
                persist(&chain, config);
                return;
            }
        }
    }
}

fn persist(chain: &RpcChain, config: &ServerConfig) {
    if let Some(path) = &config.state {
        if let Err(e) = state_file::save(chain, path) {
            eprintln!("devnode: {e}");
        }
    }
}

/// Executes a request or a batch; returns the response and whether state changed.
fn execute(chain: &mut RpcChain, request: Value, log: bool) -> (Value, bool) {
    match request {
        Value::Array(batch) if batch.is_empty() => (
            error_response(Value::Null, &RpcError::new(INVALID_REQUEST, "empty batch")),
            false,
        ),
        Value::Array(batch) => {
            let mut changed = false;
            let responses = batch
                .into_iter()
                .map(|item| {
                    let (response, item_changed) = execute_one(chain, item, log);
                    changed |= item_changed;
                    response
                })
                .collect();
            (Value::Array(responses), changed)
        }
        single => execute_one(chain, single, log),
    }
}

fn execute_one(chain: &mut RpcChain, request: Value, log: bool) -> (Value, bool) {
    let Value::Object(mut object) = request else {
        let err = RpcError::new(INVALID_REQUEST, "request must be an object");
        return (error_response(Value::Null, &err), false);
    };
    let id = object.remove("id").unwrap_or(Value::Null);
    let Some(Value::String(method)) = object.remove("method") else {
        let err = RpcError::new(INVALID_REQUEST, "missing method");
        return (error_response(id, &err), false);
    };
    let mut raw_tx = None;
    let outcome = RpcRequest::parse(&method, object.remove("params")).and_then(|request| {
        if let RpcRequest::Eth(EthRequest::SendRawTransaction(raw)) = &request {
            raw_tx = log.then(|| raw.clone());
        }
        chain.dispatch(request)
    });
    match outcome {
        Ok((result, effect)) => {
            if log
                && matches!(
                    method.as_str(),
                    "eth_sendRawTransaction" | "eth_sendTransaction"
                )
            {
                log_transaction(chain, &result, raw_tx.as_ref().map(AsRef::as_ref));
            }
            (
                json!({ "jsonrpc": "2.0", "id": id, "result": result }),
                effect != Effect::None,
            )
        }
        Err(e) => {
            if log && method.starts_with("eth_send") {
                eprintln!("devnode: {method} refused: {}", e.message);
            }
            (error_response(id, &e), false)
        }
    }
}

fn log_transaction(chain: &RpcChain, result: &Value, raw: Option<&[u8]>) {
    let Some(hash) = result.as_str().and_then(|h| h.parse().ok()) else {
        return;
    };
    match chain.node().history().transaction(&hash) {
        Some(record) => eprintln!(
            "devnode: tx {hash} block {} gas {} {}{}",
            record.receipt.block_number,
            record.receipt.gas_used,
            if record.receipt.status {
                "ok"
            } else {
                "reverted"
            },
            record
                .receipt
                .contract_address
                .map(|a| format!(" created {a}"))
                .unwrap_or_default(),
        ),
        None => eprintln!(
            "devnode: tx {hash} pending (from {})",
            raw.and_then(sender_of)
                .map(|a| a.to_string())
                .unwrap_or_default()
        ),
    }
}

fn error_response(id: Value, error: &RpcError) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": error.to_json() })
}

fn json_response(status: StatusCode, body: &Value) -> Response<Full<HttpBytes>> {
    let mut response = Response::new(Full::new(HttpBytes::from(body.to_string())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::HeaderValue::from_static("*"),
    );
    response
}

async fn handle_http(
    req: Request<Incoming>,
    jobs: mpsc::Sender<Job>,
    max_body: usize,
) -> Result<Response<Full<HttpBytes>>, std::convert::Infallible> {
    if req.method() == Method::OPTIONS {
        let mut response = json_response(StatusCode::NO_CONTENT, &Value::Null);
        *response.body_mut() = Full::new(HttpBytes::new());
        let headers = response.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            header::HeaderValue::from_static("POST, OPTIONS"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            header::HeaderValue::from_static("content-type"),
        );
        return Ok(response);
    }
    if req.method() != Method::POST {
        let err = RpcError::new(INVALID_REQUEST, "JSON-RPC requests are POSTed");
        return Ok(json_response(
            StatusCode::METHOD_NOT_ALLOWED,
            &error_response(Value::Null, &err),
        ));
    }
    let Ok(body) = Limited::new(req.into_body(), max_body).collect().await else {
        let err = RpcError::new(
            INVALID_REQUEST,
            format!("request body too large (limit {max_body} bytes)"),
        );
        return Ok(json_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            &error_response(Value::Null, &err),
        ));
    };
    let body = body.to_bytes();

    let request: Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(e) => {
            let err = RpcError::new(PARSE_ERROR, format!("parse error: {e}"));
            return Ok(json_response(
                StatusCode::OK,
                &error_response(Value::Null, &err),
            ));
        }
    };
    let (reply, response) = oneshot::channel();
    if jobs.send(Job::Request(request, reply)).is_err() {
        let err = RpcError::server("devnode is shutting down");
        return Ok(json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            &error_response(Value::Null, &err),
        ));
    }
    let body = response.await.unwrap_or_else(|_| {
        error_response(Value::Null, &RpcError::server("devnode is shutting down"))
    });
    Ok(json_response(StatusCode::OK, &body))
}
