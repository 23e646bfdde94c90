//! `GET /api/batches` (newest first; `status`, `attestor`) and
//! `GET /api/batches/{attestor}/{batchId}`: a usage batch, its status history, its settled and
//! skipped leaves, its challenges and rulings.

use std::{collections::BTreeMap, sync::Arc};

use alloy::primitives::{Address, U256};
use axum::{
    extract::{rejection::QueryRejection, Path, Query, State},
    response::{IntoResponse, Response},
};
use serde_json::{json, Value};
use tributary_kit::contracts::Contract;

use super::{
    address, blocking, encode_cursor, licenses::skip_reason, num, parse_address, parse_b256,
    with_at, ApiError, ApiResult, ApiState, Args, Params,
};
use crate::{
    queries::Select,
    store::{EventCursor, EventRow, Store},
};

/// Batch statuses (`tributary_abi::usage::status`), by code.
const STATUSES: [(u64, &str); 4] = [
    (1, "anchored"),
    (2, "challenged"),
    (3, "voided"),
    (4, "cleared"),
];

/// The name of a batch status code.
pub(crate) fn status_name(code: u64) -> &'static str {
    STATUSES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("unknown", |(_, n)| n)
}

fn status_code(text: &str) -> Option<u64> {
    STATUSES
        .iter()
        .find(|(c, n)| *n == text || c.to_string() == text)
        .map(|(c, _)| *c)
}

type Key = (Address, String);

fn key(e: &EventRow) -> Key {
    (
        e.a("attestor"),
        e.arg_str("batchId").unwrap_or_default().to_owned(),
    )
}

/// One batch's summary line.
fn summary(e: &EventRow, status: u64, settled: (u64, u64, U256)) -> Value {
    let (leaves, skipped, fees) = settled;
    let leaf_count = e.n("leafCount");
    with_at(
        e,
        json!({
            "attestor": address(e.a("attestor")),
            "batch_id": e.s("batchId"),
            "root": e.s("root"),
            "leaf_count": leaf_count,
            "receipt_count": e.n("receiptCount"),
            "total_units": num(e.u("totalUnits")),
            "settleable_at": e.n("settleableAt"),
            "status": status_name(status),
            "status_code": status,
            "settled_leaves": leaves,
            "skipped_leaves": skipped,
            "fees": num(fees),
            "fully_settled": leaves + skipped >= leaf_count && leaf_count > 0,
        }),
    )
}

pub(super) async fn list(
    State(state): State<Arc<ApiState>>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let params = Params::new(query, &["limit", "cursor", "status", "attestor"]);
    blocking(state, move |s| {
        let p = params?;
        let attestor = p.address("attestor")?;
        let wanted = p
            .get("status")
            .map(|t| {
                status_code(t).ok_or_else(|| {
                    ApiError::bad(
                        "invalid_filter",
                        format!("status must be one of anchored, challenged, voided, cleared (or 1 to 4), not `{t}`"),
                    )
                })
            })
            .transpose()?;
        let limit = p.limit()?;
        let cursor = p.cursor("b")?;
        s.indexed()?;
        list_answer(s.store(), attestor, wanted, limit, cursor)
    })
    .await
}

fn list_answer(
    store: &Store,
    attestor: Option<Address>,
    wanted: Option<u64>,
    limit: usize,
    cursor: Option<EventCursor>,
) -> ApiResult<Value> {
    let anchor = Contract::UsageAnchor.dir();
    let select = |names: &'static [&'static str]| {
        let q = Select::of(anchor, names);
        match attestor {
            Some(a) => q.with("attestor", a.to_checksum(None)),
            None => q,
        }
    };
    let anchored = select(&["BatchAnchored"]).run(store)?;
    let mut status: BTreeMap<Key, u64> = BTreeMap::new();
    for e in select(&["BatchStatusChanged"]).run(store)? {
        status.insert(key(&e), e.n("status"));
    }
    let mut settled: BTreeMap<Key, (u64, u64, U256)> = BTreeMap::new();
    for e in select(&["UsageSettled", "UsageSkipped"]).run(store)? {
        let s = settled.entry(key(&e)).or_default();
        if e.event.as_deref() == Some("UsageSettled") {
            s.0 += 1;
            s.2 = s.2.saturating_add(e.u("fee"));
        } else {
            s.1 += 1;
        }
    }
    let mut items = Vec::new();
    let (mut last, mut more) = (None, false);
    for e in anchored.iter().rev() {
        if cursor.is_some_and(|c| e.position() >= c) {
            continue;
        }
        let k = key(e);
        let code = status.get(&k).copied().unwrap_or(1);
        if wanted.is_some_and(|w| w != code) {
            continue;
        }
        if items.len() == limit {
            more = true;
            break;
        }
        last = Some(e.position());
        items.push(summary(
            e,
            code,
            settled.get(&k).copied().unwrap_or_default(),
        ));
    }
    let next = last.filter(|_| more).map(|at| encode_cursor("b", at));
    Ok(json!({"items": items, "next": next}))
}

pub(super) async fn batch(
    State(state): State<Arc<ApiState>>,
    Path((attestor, batch_id)): Path<(String, String)>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let parsed = Params::new(query, &[]).and_then(|_| {
        Ok((
            parse_address(&attestor)?,
            parse_b256("batch id", &batch_id)?,
        ))
    });
    let (attestor, batch_id) = match parsed {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    blocking(state, move |s| {
        s.indexed()?;
        batch_answer(s.store(), attestor, &batch_id.to_string())
    })
    .await
}

#[allow(clippy::too_many_lines)] // One answer, section by section.
fn batch_answer(store: &Store, attestor: Address, batch_id: &str) -> ApiResult<Value> {
    let who = attestor.to_checksum(None);
    let of = |contract: Contract, names: &'static [&'static str]| {
        Select::of(contract.dir(), names)
            .with("attestor", who.clone())
            .with("batchId", batch_id)
            .run(store)
    };
    let anchor = of(
        Contract::UsageAnchor,
        &[
            "BatchAnchored",
            "BatchStatusChanged",
            "UsageSettled",
            "UsageSkipped",
        ],
    )?;
    let disputes = of(
        Contract::UsageDisputes,
        &[
            "BatchChallenged",
            "ChallengeResolved",
            "ChallengeBondClaimed",
            "EscrowHoldPlaced",
            "EscrowHoldReleased",
        ],
    )?;
    let anchored = anchor
        .iter()
        .find(|e| e.event.as_deref() == Some("BatchAnchored"))
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "no batch {batch_id} of attestor {who} was anchored"
            ))
        })?;
    let mut code = 1;
    let mut history = vec![with_at(
        anchored,
        json!({"status": "anchored", "status_code": 1}),
    )];
    let mut settled = Vec::new();
    let mut skipped = Vec::new();
    let (mut fees, mut units) = (U256::ZERO, U256::ZERO);
    let mut slashed = U256::ZERO;
    for e in &anchor {
        match e.event.as_deref() {
            Some("BatchStatusChanged") => {
                code = e.n("status");
                slashed = slashed.saturating_add(e.u("slashed"));
                history.push(with_at(
                    e,
                    json!({
                        "status": status_name(code),
                        "status_code": code,
                        "round": e.n("round"),
                        "slashed": num(e.u("slashed")),
                    }),
                ));
            }
            Some("UsageSettled") => {
                fees = fees.saturating_add(e.u("fee"));
                units = units.saturating_add(e.u("units"));
                settled.push(with_at(
                    e,
                    json!({
                        "license": num(e.u("licenseId")),
                        "index": e.n("index"),
                        "units": num(e.u("units")),
                        "receipt_count": e.n("receiptCount"),
                        "fee": num(e.u("fee")),
                    }),
                ));
            }
            Some("UsageSkipped") => skipped.push(with_at(
                e,
                json!({
                    "license": num(e.u("licenseId")),
                    "index": e.n("index"),
                    "reason": e.n("reason"),
                    "reason_name": skip_reason(e.n("reason")),
                }),
            )),
            _ => {}
        }
    }
    let mut challenges = Vec::new();
    let mut rulings = Vec::new();
    let mut bonds = Vec::new();
    let mut holds = Vec::new();
    for e in &disputes {
        match e.event.as_deref() {
            Some("BatchChallenged") => challenges.push(with_at(
                e,
                json!({
                    "challenger": address(e.a("challenger")),
                    "round": e.n("round"),
                    "evidence": e.s("evidence"),
                }),
            )),
            Some("ChallengeResolved") => rulings.push(with_at(
                e,
                json!({
                    "round": e.n("round"),
                    "upheld": e.b("upheld"),
                    "ruling": if e.b("upheld") { "upheld (batch voided)" } else { "rejected (batch cleared)" },
                }),
            )),
            Some("ChallengeBondClaimed") => bonds.push(with_at(
                e,
                json!({
                    "challenger": address(e.a("challenger")),
                    "to": address(e.a("to")),
                    "amount": num(e.u("amount")),
                }),
            )),
            Some(name @ ("EscrowHoldPlaced" | "EscrowHoldReleased")) => holds.push(with_at(
                e,
                json!({
                    "event": name,
                    "license": num(e.u("licenseId")),
                    "index": e.n("index"),
                }),
            )),
            _ => {}
        }
    }
    let counts = (settled.len() as u64, skipped.len() as u64, fees);
    let mut batch = summary(anchored, code, counts);
    batch["units_settled"] = num(units);
    batch["slashed"] = num(slashed);
    Ok(json!({
        "batch": batch,
        "history": history,
        "leaves": {"settled": settled, "skipped": skipped},
        "challenges": challenges,
        "rulings": rulings,
        "bonds": bonds,
        "escrow_holds": holds,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_by_name_and_code() {
        assert_eq!(status_code("voided"), Some(3));
        assert_eq!(status_code("4"), Some(4));
        assert_eq!(status_code("settled"), None);
        assert_eq!(status_name(2), "challenged");
        assert_eq!(status_name(9), "unknown");
    }
}
