//! The JSON API (`docs/explorer.md` §2) and the web page's files (§4), as one axum router.
//!
//! Every figure is computed from the `events` table (§3); nothing calls the chain. Amounts are
//! decimal strings (wei or token units), addresses checksummed, keys `snake_case`. Errors are
//! `{"error": {"code", "message"}}` with a stable code and the status it implies:
//!
//! | status | codes |
//! |---|---|
//! | 400 | `invalid_address`, `invalid_id`, `invalid_cursor`, `invalid_limit`, `invalid_filter` |
//! | 404 | `not_found` (no such dataset, model, license, batch), `unknown_route` |
//! | 405 | `method_not_allowed` |
//! | 503 | `not_indexed_yet` (nothing indexed yet: every route but `/api/status`) |
//! | 500 | `internal` (the database failed) |
//!
//! Lists (`/api/activity`, `/api/events`, `/api/batches`) answer `{"items": [...], "next"}`:
//! `limit` (default 50, 1 to 500) and `cursor` (opaque: the previous page's `next`, which is
//! `null` on the last page). Unknown query parameters are refused (`invalid_filter`), so a
//! misspelt filter never silently answers everything.

mod accounts;
mod assets;
mod batches;
mod books;
mod licenses;

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
};

use alloy::primitives::{hex, Address, B256, U256};
use axum::{
    extract::{rejection::QueryRejection, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::{json, Map, Value};
use tributary_kit::contracts::Contract;

pub use self::books::{Books, Owner, Source};
use crate::{
    catalogue,
    store::{EventCursor, EventFilter, EventRow, Order, Status, Store, StoreError},
};

/// Largest `limit` of a list.
pub const MAX_LIMIT: usize = 500;
/// `limit` when none is given.
pub const DEFAULT_LIMIT: usize = 50;

/// The web page (`explorer/web/`), compiled in.
const INDEX_HTML: &str = include_str!("../web/index.html");
const APP_JS: &str = include_str!("../web/app.js");
const STYLE_CSS: &str = include_str!("../web/style.css");

/// An API error: status, stable code and a human message.
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

    pub(crate) fn bad(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub(crate) fn internal(e: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("the explorer's database failed: {e}"),
        )
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        Self::internal(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        Self::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"code": self.code, "message": self.message}});
        (self.status, Json(body)).into_response()
    }
}

/// What a handler answers.
pub(crate) type ApiResult<T> = Result<T, ApiError>;

/// Shared state: the store and the splitter's books replayed at the last cursor seen.
#[derive(Debug)]
pub struct ApiState {
    store: Store,
    books: Mutex<Option<(BooksKey, Arc<Books>)>>,
}

/// What the cached books were computed at: the cursor and the number of events.
type BooksKey = (Option<u64>, Option<B256>, u64);

impl ApiState {
    /// State over `store`.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            books: Mutex::new(None),
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The store's status, or `not_indexed_yet` when nothing is indexed.
    pub(crate) fn indexed(&self) -> ApiResult<Status> {
        let status = self.store.status()?;
        if status.indexed_block.is_none() || status.deployment.is_none() {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_indexed_yet",
                "the explorer has not indexed any block of the deployment yet; try again shortly",
            ));
        }
        Ok(status)
    }

    /// The books at the current cursor (replayed once per cursor, then shared).
    pub(crate) fn books(&self, status: &Status) -> ApiResult<Arc<Books>> {
        let key = (
            status.indexed_block,
            status.indexed_hash,
            status.event_count,
        );
        let mut cached = self
            .books
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((k, books)) = cached.as_ref() {
            if *k == key {
                return Ok(books.clone());
            }
        }
        let deployment = status
            .deployment
            .as_ref()
            .ok_or_else(|| ApiError::internal("no deployment recorded"))?;
        let books = Arc::new(Books::load(&self.store, deployment)?);
        *cached = Some((key, books.clone()));
        Ok(books)
    }
}

/// The router over `store`: every route of `docs/explorer.md` §2 and the web page of §4.
pub fn router(store: Store) -> Router {
    router_with(Arc::new(ApiState::new(store)))
}

/// The router over shared `state`.
pub fn router_with(state: Arc<ApiState>) -> Router {
    let page = || get(|| async { html(INDEX_HTML) });
    let api = Router::new()
        .route("/status", get(status))
        .route("/activity", get(activity))
        .route("/events", get(events))
        .route("/accounts/{address}", get(accounts::account))
        .route("/datasets/{id}", get(assets::dataset))
        .route("/models/{id}", get(assets::model))
        .route("/licenses/{id}", get(licenses::license))
        .route("/batches", get(batches::list))
        .route("/batches/{attestor}/{batch_id}", get(batches::batch))
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_route",
                "no such API route (see docs/explorer.md §2)",
            )
        })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "the API is read-only: GET only",
            )
        });
    Router::new()
        .nest("/api", api)
        .route("/", page())
        .route("/account/{address}", page())
        .route("/dataset/{id}", page())
        .route("/model/{id}", page())
        .route("/license/{id}", page())
        .route("/batch/{attestor}/{batch_id}", page())
        .route(
            "/static/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/static/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE_CSS) }),
        )
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found\n") })
        .with_state(state)
}

fn html(body: &'static str) -> Response {
    asset("text/html; charset=utf-8", body)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// Runs `f` on a blocking thread (the database is synchronous).
pub(crate) async fn blocking(
    state: Arc<ApiState>,
    f: impl FnOnce(&ApiState) -> ApiResult<Value> + Send + 'static,
) -> Response {
    match tokio::task::spawn_blocking(move || f(&state)).await {
        Ok(Ok(value)) => Json(value).into_response(),
        Ok(Err(e)) => e.into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

// ---------------------------------------------------------------------------------------------
// Parameters

/// A request's query parameters, checked against the names a route takes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// The parameters of `query`, refusing any not in `allowed` and any given twice.
    pub(crate) fn new(
        query: Result<Query<Vec<(String, String)>>, QueryRejection>,
        allowed: &[&str],
    ) -> ApiResult<Self> {
        let Query(pairs) =
            query.map_err(|e| ApiError::bad("invalid_filter", format!("bad query string: {e}")))?;
        for (i, (name, _)) in pairs.iter().enumerate() {
            if !allowed.contains(&name.as_str()) {
                return Err(ApiError::bad(
                    "invalid_filter",
                    format!(
                        "unknown parameter `{name}` (this route takes: {})",
                        allowed.join(", ")
                    ),
                ));
            }
            if pairs[..i].iter().any(|(n, _)| n == name) {
                return Err(ApiError::bad(
                    "invalid_filter",
                    format!("parameter `{name}` given twice"),
                ));
            }
        }
        Ok(Self(pairs))
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// `limit`: 1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] when absent.
    pub(crate) fn limit(&self) -> ApiResult<usize> {
        let Some(text) = self.get("limit") else {
            return Ok(DEFAULT_LIMIT);
        };
        match text.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(ApiError::bad(
                "invalid_limit",
                format!("limit must be an integer from 1 to {MAX_LIMIT}, not `{text}`"),
            )),
        }
    }

    /// `cursor`, as [`encode_cursor`] wrote it for a list of `kind`.
    pub(crate) fn cursor(&self, kind: &str) -> ApiResult<Option<EventCursor>> {
        self.get("cursor")
            .map(|c| {
                decode_cursor(kind, c).ok_or_else(|| {
                    ApiError::bad(
                        "invalid_cursor",
                        "cursor is not one this list handed out (use the previous page's `next`)",
                    )
                })
            })
            .transpose()
    }

    pub(crate) fn address(&self, name: &str) -> ApiResult<Option<Address>> {
        self.get(name).map(parse_address).transpose()
    }

    pub(crate) fn id(&self, name: &str) -> ApiResult<Option<U256>> {
        self.get(name).map(|v| parse_id(name, v)).transpose()
    }

    pub(crate) fn block(&self, name: &str) -> ApiResult<Option<u64>> {
        self.get(name)
            .map(|v| {
                v.parse::<u64>().map_err(|_| {
                    ApiError::bad(
                        "invalid_filter",
                        format!("{name} must be a block number, not `{v}`"),
                    )
                })
            })
            .transpose()
    }
}

/// An opaque cursor for a list of `kind` positioned after (or before) `at`.
pub(crate) fn encode_cursor(kind: &str, at: EventCursor) -> String {
    hex::encode(format!("{kind}:{}:{}", at.block, at.log_index))
}

fn decode_cursor(kind: &str, text: &str) -> Option<EventCursor> {
    let bytes = hex::decode(text).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.split(':');
    if parts.next()? != kind {
        return None;
    }
    let block = parts.next()?.parse().ok()?;
    let log_index = parts.next()?.parse().ok()?;
    parts
        .next()
        .is_none()
        .then_some(EventCursor { block, log_index })
}

/// A `0x` address (any case; the checksum is checked when mixed case).
pub(crate) fn parse_address(text: &str) -> ApiResult<Address> {
    let bad = || {
        ApiError::bad(
            "invalid_address",
            format!("`{text}` is not a 0x-prefixed 20-byte address"),
        )
    };
    if text.len() != 42 || !text.starts_with("0x") {
        return Err(bad());
    }
    let hex_part = &text[2..];
    let mixed = hex_part.chars().any(|c| c.is_ascii_uppercase())
        && hex_part.chars().any(|c| c.is_ascii_lowercase());
    if mixed {
        Address::parse_checksummed(text, None).map_err(|_| {
            ApiError::bad(
                "invalid_address",
                format!("`{text}` has a wrong checksum (mixed case must be EIP-55)"),
            )
        })
    } else {
        text.parse().map_err(|_| bad())
    }
}

/// A decimal id (datasets, models, licenses, splits, offers).
pub(crate) fn parse_id(what: &str, text: &str) -> ApiResult<U256> {
    if text.is_empty() || text.len() > 78 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad(
            "invalid_id",
            format!("{what} must be a decimal integer, not `{text}`"),
        ));
    }
    U256::from_str_radix(text, 10)
        .map_err(|_| ApiError::bad("invalid_id", format!("{what} `{text}` is too large")))
}

/// A `0x` 32-byte hash (a batch id).
pub(crate) fn parse_b256(what: &str, text: &str) -> ApiResult<B256> {
    if text.len() != 66 || !text.starts_with("0x") {
        return Err(ApiError::bad(
            "invalid_id",
            format!("{what} must be 0x and 64 hex digits, not `{text}`"),
        ));
    }
    text.parse()
        .map_err(|_| ApiError::bad("invalid_id", format!("{what} `{text}` is not hex")))
}

// ---------------------------------------------------------------------------------------------
// JSON helpers

/// An integer as a decimal string.
pub(crate) fn num(v: U256) -> Value {
    Value::String(v.to_string())
}

/// A checksummed address.
pub(crate) fn address(a: Address) -> Value {
    Value::String(a.to_checksum(None))
}

/// An event as the API shows it.
pub(crate) fn event_json(e: &EventRow) -> Value {
    json!({
        "block": e.block,
        "log_index": e.log_index,
        "timestamp": e.timestamp,
        "tx_hash": e.tx_hash,
        "tx_index": e.tx_index,
        "contract": e.contract,
        "address": address(e.address),
        "event": e.event,
        "args": e.args,
        "topics": e.topics,
        "data": e.data,
    })
}

/// Where an event happened: block, log index, time, transaction.
pub(crate) fn at(e: &EventRow) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("block".into(), json!(e.block));
    m.insert("log_index".into(), json!(e.log_index));
    m.insert("timestamp".into(), json!(e.timestamp));
    m.insert("tx_hash".into(), json!(e.tx_hash));
    m
}

/// `fields` followed by where `e` happened.
pub(crate) fn with_at(e: &EventRow, fields: Value) -> Value {
    let mut m = match fields {
        Value::Object(m) => m,
        other => {
            let mut m = Map::new();
            m.insert("value".into(), other);
            m
        }
    };
    m.extend(at(e));
    Value::Object(m)
}

/// Per-token amounts as `[{"token", <key>}]`, native currency first.
pub(crate) fn per_token(amounts: &BTreeMap<Address, U256>, key: &str) -> Value {
    Value::Array(
        amounts
            .iter()
            .map(|(t, v)| {
                let mut m = Map::new();
                m.insert("token".into(), address(*t));
                m.insert(key.into(), num(*v));
                Value::Object(m)
            })
            .collect(),
    )
}

/// `a += v`.
pub(crate) fn add(map: &mut BTreeMap<Address, U256>, token: Address, v: U256) {
    let e = map.entry(token).or_default();
    *e = e.saturating_add(v);
}

/// Argument helpers over [`EventRow`] with defaults (the catalogue decoded every argument).
pub(crate) trait Args {
    fn u(&self, name: &str) -> U256;
    fn a(&self, name: &str) -> Address;
    fn s(&self, name: &str) -> Value;
    fn b(&self, name: &str) -> bool;
    fn n(&self, name: &str) -> u64;
}

impl Args for EventRow {
    fn u(&self, name: &str) -> U256 {
        self.arg_u256(name).unwrap_or_default()
    }
    fn a(&self, name: &str) -> Address {
        self.arg_address(name).unwrap_or_default()
    }
    fn s(&self, name: &str) -> Value {
        self.args.get(name).cloned().unwrap_or(Value::Null)
    }
    fn b(&self, name: &str) -> bool {
        self.args
            .get(name)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
    fn n(&self, name: &str) -> u64 {
        self.arg_u256(name).map_or(0, |v| v.saturating_to())
    }
}

// ---------------------------------------------------------------------------------------------
// Status, activity, events

async fn status(
    State(state): State<Arc<ApiState>>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    if let Err(e) = Params::new(query, &[]) {
        return e.into_response();
    }
    blocking(state, |s| {
        let st = s.store.status()?;
        let contracts: Map<String, Value> = st
            .deployment
            .as_ref()
            .map(|d| {
                Contract::DEPLOY_ORDER
                    .iter()
                    .map(|&c| (c.dir().to_owned(), address(d.address(c))))
                    .collect()
            })
            .unwrap_or_default();
        let behind = st
            .head_block
            .zip(st.indexed_block)
            .map(|(h, i)| h.saturating_sub(i));
        Ok(json!({
            "chain_id": st.chain_id,
            "contracts": contracts,
            "deployer": st.deployment.as_ref().map(|d| address(d.deployer)),
            "from_block": st.from_block,
            "indexed_block": st.indexed_block,
            "indexed_hash": st.indexed_hash,
            "head_block": st.head_block,
            "behind": behind,
            "event_count": st.event_count,
            "unknown_event_count": st.unknown_count,
            "schema_version": st.schema_version,
            "indexed": st.indexed_block.is_some(),
        }))
    })
    .await
}

/// `contract` and `event` filters, checked against the catalogue.
fn contract_event(p: &Params, filter: &mut EventFilter) -> ApiResult<()> {
    if let Some(c) = p.get("contract") {
        let contract = Contract::from_dir(c).map_err(|_| {
            let names: Vec<&str> = Contract::DEPLOY_ORDER.iter().map(|c| c.dir()).collect();
            ApiError::bad(
                "invalid_filter",
                format!("unknown contract `{c}` (one of: {})", names.join(", ")),
            )
        })?;
        filter.contract = Some(contract.dir().to_owned());
    }
    if let Some(e) = p.get("event") {
        let known = Contract::DEPLOY_ORDER.iter().any(|&c| {
            filter.contract.as_deref().is_none_or(|f| f == c.dir())
                && catalogue::signatures(c)
                    .iter()
                    .any(|s| event_name(s) == Some(e))
        });
        if !known {
            return Err(ApiError::bad(
                "invalid_filter",
                format!(
                    "no contract{} emits an event `{e}`",
                    filter
                        .contract
                        .as_deref()
                        .map(|c| format!(" `{c}`"))
                        .unwrap_or_default()
                ),
            ));
        }
        filter.event = Some(e.to_owned());
    }
    Ok(())
}

/// The name of `event Name(...)`.
fn event_name(signature: &str) -> Option<&str> {
    signature.strip_prefix("event ")?.split('(').next()
}

fn page(
    state: &ApiState,
    p: &Params,
    filter: &EventFilter,
    order: Order,
    kind: &str,
) -> ApiResult<Value> {
    state.indexed()?;
    let limit = p.limit()?;
    let cursor = p.cursor(kind)?;
    let page = state.store.events(filter, cursor, limit, order)?;
    Ok(json!({
        "items": page.events.iter().map(event_json).collect::<Vec<_>>(),
        "next": page.next.map(|c| encode_cursor(kind, c)),
    }))
}

async fn activity(
    State(state): State<Arc<ApiState>>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let params = Params::new(query, &["limit", "cursor", "contract", "event"]);
    blocking(state, move |s| {
        let p = params?;
        let mut filter = EventFilter::default();
        contract_event(&p, &mut filter)?;
        // Checked before the cursor and limit so that every bad parameter answers 400 even
        // before anything is indexed.
        p.limit()?;
        p.cursor("a")?;
        page(s, &p, &filter, Order::Descending, "a")
    })
    .await
}

async fn events(
    State(state): State<Arc<ApiState>>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let params = Params::new(
        query,
        &[
            "limit",
            "cursor",
            "contract",
            "event",
            "account",
            "split",
            "dataset",
            "model",
            "license",
            "attestor",
            "batch",
            "from_block",
            "to_block",
        ],
    );
    blocking(state, move |s| {
        let p = params?;
        let mut filter = EventFilter::default();
        contract_event(&p, &mut filter)?;
        filter.account = p.address("account")?;
        filter.attestor = p.address("attestor")?;
        filter.split = p.id("split")?;
        filter.dataset = p.id("dataset")?;
        filter.model = p.id("model")?;
        filter.license = p.id("license")?;
        filter.batch = p.get("batch").map(|b| parse_b256("batch", b)).transpose()?;
        filter.from_block = p.block("from_block")?;
        filter.to_block = p.block("to_block")?;
        if let (Some(from), Some(to)) = (filter.from_block, filter.to_block) {
            if from > to {
                return Err(ApiError::bad(
                    "invalid_filter",
                    format!("from_block {from} is above to_block {to}"),
                ));
            }
        }
        p.limit()?;
        p.cursor("e")?;
        page(s, &p, &filter, Order::Ascending, "e")
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_other_lists() {
        let at = EventCursor {
            block: 12,
            log_index: 3,
        };
        let c = encode_cursor("e", at);
        assert_eq!(decode_cursor("e", &c), Some(at));
        assert_eq!(decode_cursor("a", &c), None);
        for bad in [
            "",
            "zz",
            "12.3",
            &hex::encode("e:1"),
            &hex::encode("e:1:2:3"),
        ] {
            assert_eq!(decode_cursor("e", bad), None, "{bad}");
        }
    }

    #[test]
    fn ids_and_addresses_parse_strictly() {
        assert_eq!(parse_id("dataset", "42").unwrap(), U256::from(42));
        for bad in ["", "-1", "0x10", "1.5", "abc", &"9".repeat(79)] {
            assert_eq!(
                parse_id("dataset", bad).unwrap_err().code,
                "invalid_id",
                "{bad}"
            );
        }
        let a = Address::repeat_byte(0xab);
        assert_eq!(parse_address(&a.to_checksum(None)).unwrap(), a);
        assert_eq!(parse_address(&format!("{a:#x}")).unwrap(), a);
        assert_eq!(
            parse_address(&format!("{a:#x}").to_uppercase().replace("0X", "0x")).unwrap(),
            a
        );
        // One letter's case flipped: still mixed case, no longer EIP-55.
        let checksummed = a.to_checksum(None);
        let flip = checksummed[2..]
            .find(|c: char| c.is_ascii_alphabetic())
            .unwrap()
            + 2;
        let mut wrong = checksummed.clone();
        let c = checksummed.as_bytes()[flip] as char;
        let flipped = if c.is_ascii_uppercase() {
            c.to_ascii_lowercase()
        } else {
            c.to_ascii_uppercase()
        };
        wrong.replace_range(flip..=flip, &flipped.to_string());
        for bad in ["0x12", "abababababababababababababababababababab", &wrong] {
            assert_eq!(
                parse_address(bad).unwrap_err().code,
                "invalid_address",
                "{bad}"
            );
        }
        assert_eq!(parse_b256("batch", "0x12").unwrap_err().code, "invalid_id");
    }

    #[test]
    fn event_names_come_from_signatures() {
        assert_eq!(
            event_name("event Transfer(address indexed from)"),
            Some("Transfer")
        );
        assert_eq!(event_name("function x()"), None);
    }
}
