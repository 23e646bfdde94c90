//! The HTTP API (axum): sign-in, manifest, jobs and metered shard downloads.
//!
//! Every error is `{"error": {"code": "stable_snake_case", "message": "…"}}` with the status
//! the code implies (`docs/gateway.md` lists them all).

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use alloy::primitives::{eip191_hash_message, hex, Address, PrimitiveSignature, B256, U256};
use axum::{
    body::{Body, Bytes},
    extract::{rejection::BytesRejection, DefaultBodyLimit, Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Value};
use tokio::{io::AsyncReadExt, net::TcpListener, sync::watch};
use tributary_kit::attest::{json::ReceiptJson, types::scope};

use crate::{
    chain::{CallError, Chain},
    content::Dataset,
    siwe::{SiweError, SiweMessage},
    store::{key_hash, JobError, JobRow, KeyRow, NonceError, Store},
};

/// Endpoints a key may be bound to.
pub const ENDPOINTS: [&str; 3] = ["manifest", "jobs", "shards"];

/// The gateway's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// SIWE domain: the authority (`host[:port]`) clients reach the gateway at.
    pub domain: String,
    /// Chain id of the licenses.
    pub chain_id: u64,
    /// The dataset served.
    pub dataset_id: U256,
    /// The attestor that signs receipts (their `attestor` field).
    pub attestor: Address,
    /// Key lifetime in seconds (capped by the license's and rental's expiry).
    pub key_ttl: u64,
    /// Nonce lifetime in seconds.
    pub nonce_ttl: u64,
    /// How often active keys are re-checked on chain.
    pub revalidate_every: Duration,
    /// Token bucket: requests per second per key.
    pub rate_per_sec: f64,
    /// Token bucket: burst size.
    pub rate_burst: f64,
    /// Largest request body in bytes.
    pub max_body: usize,
    /// A job open this long is closed (and billed) by the revalidation task.
    pub job_timeout: Duration,
}

impl Config {
    /// Defaults for everything but the identities.
    pub fn new(domain: String, chain_id: u64, dataset_id: U256, attestor: Address) -> Self {
        Self {
            domain,
            chain_id,
            dataset_id,
            attestor,
            key_ttl: 3600,
            nonce_ttl: 300,
            revalidate_every: Duration::from_secs(5),
            rate_per_sec: 500.0,
            rate_burst: 1000.0,
            max_body: 64 * 1024,
            job_timeout: Duration::from_secs(24 * 3600),
        }
    }
}

/// Shared state of the handlers.
#[derive(Debug)]
pub struct AppState {
    /// Settings.
    pub config: Config,
    /// The database.
    pub store: Store,
    /// The dataset.
    pub dataset: Dataset,
    /// The chain.
    pub chain: Chain,
    buckets: Mutex<HashMap<B256, (f64, Instant)>>,
}

/// An API error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code.
    pub code: &'static str,
    /// Human-readable message.
    pub message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }
    fn bad(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }
    fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }
    fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }
    fn internal(e: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
    }
    fn chain(e: &CallError) -> Self {
        Self::new(
            StatusCode::BAD_GATEWAY,
            "chain_unavailable",
            format!("cannot read the chain: {e}"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"code": self.code, "message": self.message}});
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

type ApiResult<T> = Result<T, ApiError>;

fn job_error(e: JobError) -> ApiError {
    match e {
        JobError::NotFound => ApiError::not_found("job_not_found", "no such job"),
        JobError::Closed => ApiError::new(StatusCode::CONFLICT, "job_closed", "the job is closed"),
        JobError::Exists => ApiError::new(
            StatusCode::CONFLICT,
            "job_exists",
            "a job with that id exists",
        ),
        JobError::Db(e) => ApiError::internal(e),
    }
}

/// The router over `state`.
pub fn router(state: Arc<AppState>) -> Router {
    let max_body = state.config.max_body;
    Router::new()
        .route("/v1/siwe/nonce", get(nonce))
        .route("/v1/siwe/verify", post(verify))
        .route("/v1/manifest", get(manifest))
        .route("/v1/jobs", post(open_job))
        .route("/v1/jobs/{id}", get(get_job))
        .route("/v1/jobs/{id}/close", post(close_job))
        .route("/v1/shards/{*path}", get(shard))
        .fallback(|| async { ApiError::not_found("not_found", "no such endpoint") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "method not allowed on this endpoint",
            )
        })
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

/// Unix seconds now.
pub fn now() -> u64 {
    now_ms() / 1000
}

/// Unix milliseconds now.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn json_body(body: Result<Bytes, BytesRejection>) -> ApiResult<Value> {
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "request body too large",
            )
        } else {
            ApiError::bad("malformed_request", e.body_text())
        }
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad("malformed_request", format!("invalid JSON: {e}")))?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(ApiError::bad("malformed_request", "expected a JSON object"))
    }
}

fn u256_field(v: &Value, name: &str) -> ApiResult<Option<U256>> {
    let bad = || ApiError::bad("malformed_request", format!("`{name}` must be a uint256"));
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_u64().map(U256::from).map(Some).ok_or_else(bad),
        Some(Value::String(s)) => s.parse::<U256>().map(Some).map_err(|_| bad()),
        Some(_) => Err(bad()),
    }
}

fn scope_field(v: &Value) -> ApiResult<U256> {
    if let Some(Value::String(s)) = v.get("scope") {
        if s.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
            let mut bits = 0_u64;
            for name in s.split('|') {
                let bit = scope::NAMES
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
                    .ok_or_else(|| {
                        ApiError::bad("malformed_request", format!("unknown scope `{name}`"))
                    })?;
                bits |= bit.1;
            }
            return Ok(U256::from(bits));
        }
    }
    match u256_field(v, "scope")? {
        Some(s) if !s.is_zero() => Ok(s),
        _ => Err(ApiError::bad(
            "malformed_request",
            "`scope` is required and must not be empty",
        )),
    }
}

fn b256_field(v: &Value, name: &str) -> ApiResult<Option<B256>> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => s.parse::<B256>().map(Some).map_err(|_| {
            ApiError::bad(
                "malformed_request",
                format!("`{name}` must be 32 bytes of hex"),
            )
        }),
        Some(_) => Err(ApiError::bad(
            "malformed_request",
            format!("`{name}` must be a hex string"),
        )),
    }
}

fn str_field<'a>(v: &'a Value, name: &str) -> ApiResult<&'a str> {
    v.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::bad("malformed_request", format!("`{name}` must be a string")))
}

async fn nonce(State(state): State<Arc<AppState>>) -> ApiResult<Json<Value>> {
    let now = now();
    let nonce = state
        .store
        .new_nonce(now, state.config.nonce_ttl)
        .map_err(ApiError::internal)?;
    Ok(Json(json!({
        "nonce": nonce,
        "domain": state.config.domain,
        "chainId": state.config.chain_id,
        "datasetId": state.config.dataset_id.to_string(),
        "expiresAt": now + state.config.nonce_ttl,
    })))
}

fn siwe_error(e: &SiweError) -> ApiError {
    let code = match e {
        SiweError::Malformed(_) => return ApiError::bad("siwe_malformed", e.to_string()),
        SiweError::WrongDomain => "siwe_wrong_domain",
        SiweError::WrongChain => "siwe_wrong_chain",
        SiweError::Expired => "siwe_expired",
    };
    ApiError::unauthorized(code, e.to_string())
}

#[allow(clippy::too_many_lines)] // the sign-in steps in order
async fn verify(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let body = json_body(body)?;
    let text = str_field(&body, "message")?;
    let signature = str_field(&body, "signature")?;
    let license = u256_field(&body, "licenseId")?
        .ok_or_else(|| ApiError::bad("malformed_request", "`licenseId` is required"))?;
    let scope = scope_field(&body)?;
    let endpoints: Vec<String> = match body.get("endpoints") {
        None | Some(Value::Null) => ENDPOINTS.iter().map(|s| (*s).to_owned()).collect(),
        Some(Value::Array(list)) => {
            let mut out = Vec::new();
            for e in list {
                match e.as_str() {
                    Some(e) if ENDPOINTS.contains(&e) => out.push(e.to_owned()),
                    _ => {
                        return Err(ApiError::bad(
                            "malformed_request",
                            format!("`endpoints` must be a subset of {ENDPOINTS:?}"),
                        ))
                    }
                }
            }
            out.sort();
            out.dedup();
            out
        }
        Some(_) => {
            return Err(ApiError::bad(
                "malformed_request",
                "`endpoints` must be an array",
            ))
        }
    };
    let message = SiweMessage::parse(text).map_err(|e| siwe_error(&e))?;
    let now = now();
    message
        .check(&state.config.domain, state.config.chain_id, now)
        .map_err(|e| siwe_error(&e))?;
    let sig_bytes = hex::decode(signature)
        .map_err(|_| ApiError::bad("malformed_signature", "`signature` must be hex"))?;
    // EOA: the 65-byte signature recovers the address; otherwise a contract wallet may accept
    // it through ERC-1271 over the EIP-191 hash of the message.
    let eoa = PrimitiveSignature::try_from(sig_bytes.as_slice())
        .ok()
        .and_then(|s| s.recover_address_from_msg(text.as_bytes()).ok())
        == Some(message.address);
    if !eoa {
        let hash = eip191_hash_message(text.as_bytes());
        let ok = state
            .chain
            .erc1271_valid(message.address, hash, &sig_bytes)
            .await
            .map_err(|e| ApiError::chain(&e))?;
        if !ok {
            return Err(ApiError::unauthorized(
                "siwe_bad_signature",
                "the signature is not the address's",
            ));
        }
    }
    match state
        .store
        .consume_nonce(&message.nonce, now)
        .map_err(ApiError::internal)?
    {
        Ok(()) => {}
        Err(NonceError::Unknown) => {
            return Err(ApiError::unauthorized(
                "siwe_nonce_unknown",
                "this gateway did not issue that nonce",
            ))
        }
        Err(NonceError::Used) => {
            return Err(ApiError::unauthorized(
                "siwe_nonce_used",
                "that nonce was already used (replayed message)",
            ))
        }
        Err(NonceError::Expired) => {
            return Err(ApiError::unauthorized(
                "siwe_nonce_expired",
                "that nonce has expired",
            ))
        }
    }
    let grant = state
        .chain
        .check_license(license, message.address, scope, state.config.dataset_id)
        .await
        .map_err(|e| ApiError::chain(&e))?
        .map_err(|d| {
            ApiError::forbidden(
                d.code(),
                format!(
                    "{} may not use license {license} for scope {scope} on dataset {}",
                    message.address, state.config.dataset_id
                ),
            )
        })?;
    // The license's and the rental's expiries are chain time: cap the key by what is left of
    // them on the chain's clock.
    let mut expires_at = now + state.config.key_ttl;
    if grant.expires_at != 0 {
        expires_at = expires_at.min(now + grant.expires_at.saturating_sub(grant.chain_now));
    }
    if grant.user_expires != 0 {
        let left = grant
            .user_expires
            .saturating_add(1)
            .saturating_sub(grant.chain_now);
        expires_at = expires_at.min(now.saturating_add(left));
    }
    if expires_at <= now {
        return Err(ApiError::forbidden(
            "license_invalid",
            "the license expires now",
        ));
    }
    let key: [u8; 32] = crate::random_bytes();
    let row = KeyRow {
        key_hash: key_hash(&key),
        license,
        wallet: message.address,
        scope,
        endpoints: endpoints.clone(),
        unit: grant.unit,
        issued_at: now,
        expires_at,
        revoked_at: None,
        revoked_reason: None,
    };
    state.store.insert_key(&row).map_err(ApiError::internal)?;
    Ok(Json(json!({
        "key": hex::encode(key),
        "keyId": hex::encode(&row.key_hash[..8]),
        "expiresAt": expires_at,
        "licenseId": license.to_string(),
        "wallet": message.address,
        "scope": scope.to_string(),
        "unit": grant.unit,
        "endpoints": endpoints,
    })))
}

/// Authenticates the bearer key for `endpoint` and charges its token bucket.
fn authenticate(state: &AppState, headers: &HeaderMap, endpoint: &str) -> ApiResult<KeyRow> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::unauthorized(
            "missing_key",
            "send `Authorization: Bearer <key>`",
        ));
    };
    let key = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|k| hex::decode(k.trim()).ok())
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
        .ok_or_else(|| ApiError::unauthorized("invalid_key", "not a key of this gateway"))?;
    let row = state
        .store
        .key(key_hash(&key))
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::unauthorized("invalid_key", "not a key of this gateway"))?;
    if row.revoked_at.is_some() {
        return Err(ApiError::unauthorized(
            "key_revoked",
            format!(
                "the key was revoked ({})",
                row.revoked_reason.as_deref().unwrap_or("operator")
            ),
        ));
    }
    if now() >= row.expires_at {
        return Err(ApiError::unauthorized("key_expired", "the key has expired"));
    }
    if !row.endpoints.iter().any(|e| e == endpoint) {
        return Err(ApiError::forbidden(
            "endpoint_not_allowed",
            format!("the key may not call `{endpoint}`"),
        ));
    }
    let mut buckets = state
        .buckets
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (rate, burst) = (state.config.rate_per_sec, state.config.rate_burst);
    let t = Instant::now();
    if buckets.len() >= 100_000 {
        // Forget the buckets that have refilled: they would start full anyway.
        buckets.retain(|_, (tokens, last)| {
            *tokens + t.duration_since(*last).as_secs_f64() * rate < burst
        });
    }
    let bucket = buckets.entry(row.key_hash).or_insert((burst, t));
    bucket.0 = (bucket.0 + t.duration_since(bucket.1).as_secs_f64() * rate).min(burst);
    bucket.1 = t;
    if bucket.0 < 1.0 {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many requests for this key",
        ));
    }
    bucket.0 -= 1.0;
    Ok(row)
}

async fn manifest(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let key = authenticate(&state, &headers, "manifest")?;
    let shards: Vec<Value> = state
        .dataset
        .shards
        .iter()
        .map(|s| {
            json!({
                "path": s.path,
                "size": s.size,
                "hash": s.hash,
                "records": s.records(),
                "leaf": s.leaf(),
            })
        })
        .collect();
    Ok(Json(json!({
        "datasetId": state.config.dataset_id.to_string(),
        "contentHash": state.dataset.content_hash,
        "unit": key.unit,
        "shards": shards,
    })))
}

fn job_json(job: &JobRow) -> Value {
    json!({
        "jobId": job.job_id,
        "licenseId": job.license.to_string(),
        "wallet": job.wallet,
        "datasetId": job.dataset.to_string(),
        "scope": job.scope.to_string(),
        "modelHash": job.model_hash,
        "unit": job.unit,
        "bytesServed": job.bytes_served,
        "recordsServed": job.records_served,
        "unitsMetered": job.units_metered,
        "openedAtMs": job.opened_at_ms,
        "closedAtMs": job.closed_at_ms,
        "status": job.status,
    })
}

async fn open_job(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let key = authenticate(&state, &headers, "jobs")?;
    let body = json_body(body)?;
    let job_id = b256_field(&body, "jobId")?.unwrap_or_else(|| B256::from(crate::random_bytes()));
    let model_hash = b256_field(&body, "modelHash")?.unwrap_or_default();
    let job = JobRow {
        job_id,
        key_hash: key.key_hash,
        license: key.license,
        wallet: key.wallet,
        dataset: state.config.dataset_id,
        scope: key.scope,
        model_hash,
        unit: key.unit,
        bytes_served: 0,
        records_served: 0,
        units_metered: 0,
        opened_at_ms: now_ms(),
        closed_at_ms: None,
        status: "open".into(),
    };
    state.store.open_job(&job).map_err(job_error)?;
    Ok((StatusCode::CREATED, Json(job_json(&job))))
}

fn parse_job_id(s: &str) -> ApiResult<B256> {
    s.parse::<B256>()
        .map_err(|_| ApiError::bad("malformed_job_id", "a job id is 32 bytes of 0x hex"))
}

/// The job `id` if `key` may use it (same license and wallet).
fn owned_job(state: &AppState, key: &KeyRow, id: B256) -> ApiResult<JobRow> {
    let job = state
        .store
        .job(id)
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::not_found("job_not_found", "no such job"))?;
    if job.license != key.license || job.wallet != key.wallet {
        return Err(ApiError::forbidden(
            "job_not_yours",
            "the job belongs to another license or wallet",
        ));
    }
    Ok(job)
}

async fn get_job(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> ApiResult<Json<Value>> {
    let key = authenticate(&state, &headers, "jobs")?;
    let id = parse_job_id(
        &id.map_err(|e| ApiError::bad("malformed_job_id", e.body_text()))?
            .0,
    )?;
    Ok(Json(job_json(&owned_job(&state, &key, id)?)))
}

async fn close_job(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> ApiResult<Json<Value>> {
    let key = authenticate(&state, &headers, "jobs")?;
    let id = parse_job_id(
        &id.map_err(|e| ApiError::bad("malformed_job_id", e.body_text()))?
            .0,
    )?;
    owned_job(&state, &key, id)?;
    let (receipt, queued) = state
        .store
        .close_job(id, now_ms(), state.config.attestor)
        .map_err(job_error)?;
    Ok(Json(json!({
        "receipt": ReceiptJson::from(&receipt),
        "queued": queued,
    })))
}

/// A parsed `Range` header: `[start, end)` within `size`.
///
/// # Errors
/// 400 `malformed_range` for syntax (and multiple ranges), 416 `range_not_satisfiable`.
pub fn parse_range(value: &str, size: u64) -> ApiResult<(u64, u64)> {
    let malformed = || ApiError::bad("malformed_range", "expected `Range: bytes=start-end`");
    let spec = value.trim().strip_prefix("bytes=").ok_or_else(malformed)?;
    if spec.contains(',') {
        return Err(ApiError::bad(
            "malformed_range",
            "multiple ranges are not supported",
        ));
    }
    let (a, b) = spec.split_once('-').ok_or_else(malformed)?;
    let (a, b) = (a.trim(), b.trim());
    let num = |s: &str| {
        if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
            None
        } else {
            s.parse::<u64>().ok()
        }
    };
    let unsatisfiable = || {
        ApiError::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "range_not_satisfiable",
            format!("the shard has {size} bytes"),
        )
    };
    let (start, end) = if a.is_empty() {
        let n = num(b).ok_or_else(malformed)?;
        if n == 0 {
            return Err(unsatisfiable());
        }
        (size.saturating_sub(n), size)
    } else {
        let start = num(a).ok_or_else(malformed)?;
        let end = if b.is_empty() {
            size
        } else {
            let last = num(b).ok_or_else(malformed)?;
            if last < start {
                return Err(malformed());
            }
            last.saturating_add(1).min(size)
        };
        (start, end)
    };
    if start >= size {
        return Err(unsatisfiable());
    }
    Ok((start, end))
}

async fn shard(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> ApiResult<Response> {
    let key = authenticate(&state, &headers, "shards")?;
    let job_id = headers
        .get("x-tributary-job")
        .ok_or_else(|| ApiError::bad("missing_job", "send `X-Tributary-Job: <jobId>`"))?
        .to_str()
        .map_err(|_| ApiError::bad("malformed_job_id", "a job id is 32 bytes of 0x hex"))
        .and_then(parse_job_id)?;
    let job = owned_job(&state, &key, job_id)?;
    if job.status != "open" {
        return Err(job_error(JobError::Closed));
    }
    let path = path
        .map_err(|_| ApiError::not_found("shard_not_found", "no such shard"))?
        .0;
    let shard = state
        .dataset
        .shard(&path)
        .ok_or_else(|| ApiError::not_found("shard_not_found", "no such shard"))?
        .clone();
    let range = match headers.get(header::RANGE) {
        None => None,
        Some(v) => Some(parse_range(
            v.to_str()
                .map_err(|_| ApiError::bad("malformed_range", "Range is not ASCII"))?,
            shard.size,
        )?),
    };
    let (start, end) = range.unwrap_or((0, shard.size));
    let file = state.dataset.file_of(&shard);
    let records = {
        let (file, shard) = (file.clone(), shard.clone());
        tokio::task::spawn_blocking(move || crate::content::records_in(&file, &shard, start, end))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::internal)?
    };
    // Write-ahead metering: the units are committed before the first byte leaves.
    state
        .store
        .meter(job_id, end - start, records)
        .map_err(job_error)?;
    let mut f = tokio::fs::File::open(&file)
        .await
        .map_err(ApiError::internal)?;
    tokio::io::AsyncSeekExt::seek(&mut f, std::io::SeekFrom::Start(start))
        .await
        .map_err(ApiError::internal)?;
    let reader = f.take(end - start);
    let stream = futures_util::stream::unfold(reader, |mut reader| async move {
        let mut buf = vec![0_u8; 64 * 1024];
        match reader.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(Bytes::from(buf)), reader))
            }
            Err(e) => Some((Err(e), reader)),
        }
    });
    let mut response = Response::new(Body::from_stream(stream));
    let h = response.headers_mut();
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start));
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", shard.hash)) {
        h.insert(header::ETAG, v);
    }
    if range.is_some() {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{}/{}", end - 1, shard.size)) {
            response.headers_mut().insert(header::CONTENT_RANGE, v);
        }
    }
    Ok(response)
}

/// Why the gateway would not start.
#[derive(Debug)]
pub enum StartError {
    /// The directory's content hash is not the one registered on chain.
    ContentMismatch {
        /// The directory's.
        local: B256,
        /// The registry's.
        registered: B256,
    },
    /// The dataset is not registered.
    UnknownDataset(U256),
    /// The chain could not be read.
    Chain(String),
    /// Binding failed.
    Io(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ContentMismatch { local, registered } => write!(
                f,
                "the dataset directory's content hash {local} is not the registered {registered}: refusing to serve"
            ),
            Self::UnknownDataset(id) => write!(f, "dataset {id} is not registered"),
            Self::Chain(e) => write!(f, "cannot read the chain: {e}"),
            Self::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// A running gateway.
#[derive(Debug)]
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The shared state (store, dataset, chain).
    pub state: Arc<AppState>,
    stop: watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
    revalidator: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops serving and the background task, and waits for them.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.server.await;
        self.revalidator.abort();
        let _ = self.revalidator.await;
    }

    /// Waits until the server ends (it ends only on [`Running::stop`] or an I/O error).
    pub async fn wait(self) {
        let _ = self.server.await;
    }
}

/// Checks that `dataset`'s content hash is the registered one of `dataset_id`.
///
/// # Errors
/// [`StartError::ContentMismatch`], [`StartError::UnknownDataset`], [`StartError::Chain`].
pub async fn check_content(
    chain: &Chain,
    dataset_id: U256,
    dataset: &Dataset,
) -> Result<(), StartError> {
    let registered = match chain.content_hash(dataset_id).await {
        Ok(h) => h,
        Err(CallError::Revert) => return Err(StartError::UnknownDataset(dataset_id)),
        Err(CallError::Rpc(e)) => return Err(StartError::Chain(e)),
    };
    if registered != dataset.content_hash {
        return Err(StartError::ContentMismatch {
            local: dataset.content_hash,
            registered,
        });
    }
    Ok(())
}

/// Checks the content hash, then serves on `listener` and starts the revalidation task.
///
/// # Errors
/// See [`check_content`].
pub async fn start(
    config: Config,
    store: Store,
    dataset: Dataset,
    chain: Chain,
    listener: TcpListener,
) -> Result<Running, StartError> {
    check_content(&chain, config.dataset_id, &dataset).await?;
    let addr = listener.local_addr().map_err(StartError::Io)?;
    let state = Arc::new(AppState {
        config,
        store,
        dataset,
        chain,
        buckets: Mutex::new(HashMap::new()),
    });
    let (stop, mut stopped) = watch::channel(false);
    let app = router(state.clone());
    let server = tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.wait_for(|s| *s).await;
        };
        // No Nagle: a streamed response is written as headers, then body chunks; with Nagle a
        // chunk waits for the peer's (delayed, up to 40 ms) ACK of the headers.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            eprintln!("gateway: server error: {e}");
        }
    });
    let revalidator = tokio::spawn(revalidate_forever(state.clone()));
    Ok(Running {
        addr,
        state,
        stop,
        server,
        revalidator,
    })
}

async fn revalidate_forever(state: Arc<AppState>) {
    let mut tick = tokio::time::interval(state.config.revalidate_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = revalidate(&state).await {
            eprintln!("gateway: revalidation: {e}");
        }
    }
}

/// One revalidation pass: revokes every active key whose license no longer lets its wallet
/// use it (revoked, expired, in debt, transferred, rented to someone else), then closes the
/// open jobs of dead keys and the jobs open longer than `job_timeout`, so what they were served
/// is billed. Returns the keys revoked.
///
/// # Errors
/// Database errors (chain errors skip the key until the next pass).
pub async fn revalidate(state: &AppState) -> Result<usize, String> {
    let now = now();
    let keys = state.store.active_keys(now).map_err(|e| e.to_string())?;
    let mut revoked = 0;
    // One check per (license, wallet, scope), however many keys share it.
    let mut checked: HashMap<(U256, Address, U256), Option<&'static str>> = HashMap::new();
    for key in keys {
        let id = (key.license, key.wallet, key.scope);
        let denial = if let Some(d) = checked.get(&id) {
            *d
        } else {
            let d = match state
                .chain
                .check_license(key.license, key.wallet, key.scope, state.config.dataset_id)
                .await
            {
                Ok(Ok(_)) | Err(_) => None,
                Ok(Err(denial)) => Some(denial.code()),
            };
            checked.insert(id, d);
            d
        };
        match denial {
            None => {}
            Some(code) => {
                revoked += state
                    .store
                    .revoke_key(key.key_hash, now, code)
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    let timeout_ms = u64::try_from(state.config.job_timeout.as_millis()).unwrap_or(u64::MAX);
    let stale_before = now_ms().saturating_sub(timeout_ms);
    let orphaned = state
        .store
        .orphaned_jobs(now, stale_before)
        .map_err(|e| e.to_string())?;
    for job in orphaned {
        // A job closed meanwhile (by its client) is fine.
        if let Err(JobError::Db(e)) = state.store.close_job(job, now_ms(), state.config.attestor) {
            return Err(e.to_string());
        }
    }
    Ok(revoked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_refuse() {
        assert_eq!(parse_range("bytes=0-99", 1000).unwrap(), (0, 100));
        assert_eq!(parse_range("bytes=900-", 1000).unwrap(), (900, 1000));
        assert_eq!(parse_range("bytes=-100", 1000).unwrap(), (900, 1000));
        assert_eq!(parse_range("bytes=-5000", 1000).unwrap(), (0, 1000));
        assert_eq!(parse_range("bytes=990-5000", 1000).unwrap(), (990, 1000));
        for bad in [
            "bytes=a-b",
            "items=0-1",
            "bytes=5-1",
            "bytes=0-1,3-4",
            "bytes=-",
            "0-1",
        ] {
            assert_eq!(
                parse_range(bad, 1000).unwrap_err().code,
                "malformed_range",
                "{bad}"
            );
        }
        for bad in ["bytes=1000-", "bytes=-0", "bytes=2000-3000"] {
            let e = parse_range(bad, 1000).unwrap_err();
            assert_eq!(e.code, "range_not_satisfiable", "{bad}");
            assert_eq!(e.status, StatusCode::RANGE_NOT_SATISFIABLE);
        }
    }

    #[test]
    fn body_errors_have_stable_codes() {
        assert_eq!(
            json_body(Ok(Bytes::from_static(b"{"))).unwrap_err().code,
            "malformed_request"
        );
        assert_eq!(
            json_body(Ok(Bytes::from_static(b"[1]"))).unwrap_err().code,
            "malformed_request"
        );
        assert_eq!(json_body(Ok(Bytes::from_static(b" "))).unwrap(), json!({}));
        let v = json!({"scope": "TRAIN|COMMERCIAL", "licenseId": "7", "x": 5});
        assert_eq!(scope_field(&v).unwrap(), U256::from(5));
        assert_eq!(u256_field(&v, "licenseId").unwrap(), Some(U256::from(7)));
        assert_eq!(
            scope_field(&json!({"scope": "FLY"})).unwrap_err().code,
            "malformed_request"
        );
        assert_eq!(
            scope_field(&json!({"scope": 0})).unwrap_err().code,
            "malformed_request"
        );
        assert_eq!(u256_field(&v, "x").unwrap(), Some(U256::from(5)));
        assert_eq!(
            u256_field(&json!({"x": -1}), "x").unwrap_err().code,
            "malformed_request"
        );
        assert_eq!(parse_job_id("0x12").unwrap_err().code, "malformed_job_id");
    }
}
