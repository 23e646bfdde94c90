//! `GET /api/licenses/{id}`: a license's offer and terms, asset, holder and user, validity,
//! revocation, debt, escrow, settled usage and the anchored batches of its attestors that have
//! not billed it yet.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::Arc,
};

use alloy::primitives::{Address, U256};
use axum::{
    extract::{rejection::QueryRejection, Path, Query, State},
    response::{IntoResponse, Response},
};
use serde_json::{json, Value};
use tributary_kit::contracts::Contract;

use super::{
    address,
    assets::{asset_json, model_of},
    batches::status_name,
    blocking, num, parse_id, with_at, ApiError, ApiResult, ApiState, Args, Params,
};
use crate::{queries::Select, store::Store};

/// The name of a `UsageSkipped.reason` (`tributary_abi::usage::skip`).
pub(crate) fn skip_reason(reason: u64) -> &'static str {
    match reason {
        1 => "unknown_license",
        2 => "wrong_asset",
        3 => "wrong_unit",
        4 => "scope_not_licensed",
        5 => "license_not_active",
        6 => "outside_period",
        _ => "unknown",
    }
}

pub(super) async fn license(
    State(state): State<Arc<ApiState>>,
    Path(text): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let id = match Params::new(query, &[]).and_then(|_| parse_id("license id", &text)) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    blocking(state, move |s| {
        let status = s.indexed()?;
        let now = status
            .indexed_block
            .map(|b| s.store().block_timestamp(b))
            .transpose()?
            .flatten();
        answer(s.store(), id, now)
    })
    .await
}

#[allow(clippy::too_many_lines)] // One answer, section by section.
fn answer(store: &Store, id: U256, now: Option<u64>) -> ApiResult<Value> {
    let book = Contract::LicenseOffers.dir();
    let issued = Select::of(book, &["LicenseIssued"])
        .with("tokenId", id)
        .run(store)?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found(format!("no license {id} was issued")))?;
    let offer_id = issued.u("offerId");

    // The offer.
    let offer_rows = Select::of(
        book,
        &[
            "OfferCreated",
            "OfferUpdated",
            "OfferPaused",
            "OfferRetired",
        ],
    )
    .with("offerId", offer_id)
    .run(store)?;
    let mut offer = json!({"offer": num(offer_id)});
    let mut asset = U256::ZERO;
    for e in &offer_rows {
        match e.event.as_deref() {
            Some("OfferCreated") => {
                asset = e.u("datasetId");
                let destination = e.u("splitId");
                offer = with_at(
                    e,
                    json!({
                        "offer": num(offer_id),
                        "creator": address(e.a("creator")),
                        "asset": asset_json(asset),
                        "destination": match model_of(destination) {
                            Some(m) => json!({"kind": "model_route", "model": num(m), "id": num(destination)}),
                            None => json!({"kind": "split", "split": num(destination), "id": num(destination)}),
                        },
                        "royalty_receiver": address(e.a("royaltyReceiver")),
                        "terms_hash": e.s("termsHash"),
                        "paused": false,
                        "retired": false,
                    }),
                );
            }
            Some("OfferUpdated") => {
                offer["price"] = num(e.u("price"));
                offer["max_supply"] = json!(e.n("maxSupply"));
            }
            Some("OfferPaused") => offer["paused"] = json!(e.b("paused")),
            Some("OfferRetired") => offer["retired"] = json!(true),
            _ => {}
        }
    }

    // The token: holder, user, revocation, debt flag.
    let nft = Select::of(
        Contract::LicenseNft.dir(),
        &["Transfer", "UpdateUser", "LicenseRevoked", "DebtSet"],
    )
    .with("tokenId", id)
    .run(store)?;
    let mut holder = issued.a("licensee");
    let mut holders = Vec::new();
    let mut user = (Address::ZERO, 0u64);
    let mut rentals = Vec::new();
    let mut revocation = Value::Null;
    let mut in_debt = false;
    let mut debt_flags = Vec::new();
    for e in &nft {
        match e.event.as_deref() {
            Some("Transfer") => {
                holder = e.a("to");
                holders.push(with_at(
                    e,
                    json!({"from": address(e.a("from")), "to": address(holder)}),
                ));
            }
            Some("UpdateUser") => {
                user = (e.a("user"), e.n("expires"));
                rentals.push(with_at(
                    e,
                    json!({"user": address(user.0), "expires": user.1}),
                ));
            }
            Some("LicenseRevoked") => {
                revocation = with_at(
                    e,
                    json!({"arbiter": address(e.a("arbiter")), "reason": e.s("reason")}),
                );
            }
            Some("DebtSet") => {
                in_debt = e.b("inDebt");
                debt_flags.push(with_at(e, json!({"in_debt": in_debt})));
            }
            _ => {}
        }
    }

    // Escrow.
    let escrow_rows = Select::of(
        Contract::UsageEscrow.dir(),
        &[
            "EscrowFunded",
            "EscrowCharged",
            "DebtChanged",
            "EscrowWithdrawalRequested",
            "EscrowWithdrawn",
            "EscrowHoldsChanged",
        ],
    )
    .with("licenseId", id)
    .run(store)?;
    let (mut funded, mut to_debt, mut charged, mut paid, mut withdrawn, mut debt) = (
        U256::ZERO,
        U256::ZERO,
        U256::ZERO,
        U256::ZERO,
        U256::ZERO,
        U256::ZERO,
    );
    let (mut holds, mut released_at) = (0u64, 0u64);
    let mut request = Value::Null;
    let mut escrow_history = Vec::new();
    for e in &escrow_rows {
        match e.event.as_deref() {
            Some("EscrowFunded") => {
                funded = funded.saturating_add(e.u("amount"));
                to_debt = to_debt.saturating_add(e.u("toDebt"));
            }
            Some("EscrowCharged") => {
                charged = charged.saturating_add(e.u("fee"));
                paid = paid.saturating_add(e.u("paid"));
            }
            Some("DebtChanged") => debt = e.u("debt"),
            Some("EscrowWithdrawalRequested") => {
                request = with_at(
                    e,
                    json!({"amount": num(e.u("amount")), "ready_at": e.n("readyAt")}),
                );
            }
            Some("EscrowWithdrawn") => {
                withdrawn = withdrawn.saturating_add(e.u("amount"));
                request = Value::Null;
            }
            Some("EscrowHoldsChanged") => {
                holds = e.n("holds");
                released_at = e.n("releasedAt");
            }
            _ => {}
        }
        escrow_history.push(super::event_json(e));
    }
    let balance = funded
        .saturating_sub(to_debt)
        .saturating_sub(paid)
        .saturating_sub(withdrawn);

    // Usage.
    let anchor = Contract::UsageAnchor.dir();
    let usage_rows = Select::of(anchor, &["UsageSettled", "UsageSkipped"])
        .with("licenseId", id)
        .run(store)?;
    let hold_rows = Select::of(
        Contract::UsageDisputes.dir(),
        &["EscrowHoldPlaced", "EscrowHoldReleased"],
    )
    .with("licenseId", id)
    .run(store)?;
    let (mut units, mut fees, mut receipts) = (U256::ZERO, U256::ZERO, 0u64);
    let mut settled = Vec::new();
    let mut skipped = Vec::new();
    let mut attestors: BTreeSet<Address> = BTreeSet::new();
    let mut billed: BTreeSet<(Address, String)> = BTreeSet::new();
    for e in &usage_rows {
        let attestor = e.a("attestor");
        attestors.insert(attestor);
        billed.insert((
            attestor,
            e.arg_str("batchId").unwrap_or_default().to_owned(),
        ));
        if e.event.as_deref() == Some("UsageSettled") {
            units = units.saturating_add(e.u("units"));
            fees = fees.saturating_add(e.u("fee"));
            receipts += e.n("receiptCount");
            settled.push(with_at(
                e,
                json!({
                    "attestor": address(attestor),
                    "batch_id": e.s("batchId"),
                    "index": e.n("index"),
                    "units": num(e.u("units")),
                    "receipt_count": e.n("receiptCount"),
                    "fee": num(e.u("fee")),
                }),
            ));
        } else {
            skipped.push(with_at(
                e,
                json!({
                    "attestor": address(attestor),
                    "batch_id": e.s("batchId"),
                    "index": e.n("index"),
                    "reason": e.n("reason"),
                    "reason_name": skip_reason(e.n("reason")),
                }),
            ));
        }
    }
    let escrow_holds: Vec<Value> = hold_rows
        .iter()
        .map(|e| {
            attestors.insert(e.a("attestor"));
            with_at(
                e,
                json!({
                    "event": e.event,
                    "attestor": address(e.a("attestor")),
                    "batch_id": e.s("batchId"),
                    "index": e.n("index"),
                }),
            )
        })
        .collect();

    // Batches of its attestors that have billed nothing of it yet.
    let attestors_source = if attestors.is_empty() {
        // Nothing billed yet: every attestor allowed now may meter it.
        let mut allowed: BTreeMap<Address, bool> = BTreeMap::new();
        for e in Select::of(anchor, &["AttestorAllowed"]).run(store)? {
            allowed.insert(e.a("attestor"), e.b("allowed"));
        }
        attestors.extend(allowed.into_iter().filter(|(_, on)| *on).map(|(a, _)| a));
        "allow_list"
    } else {
        "billed"
    };
    let list: Vec<String> = attestors.iter().map(|a| a.to_checksum(None)).collect();
    let batch_rows = Select::of(anchor, &["BatchAnchored", "BatchStatusChanged"])
        .with_any("attestor", list)
        .run(store)?;
    let mut status: BTreeMap<(Address, String), u64> = BTreeMap::new();
    for e in batch_rows
        .iter()
        .filter(|e| e.event.as_deref() == Some("BatchStatusChanged"))
    {
        status.insert(
            (
                e.a("attestor"),
                e.arg_str("batchId").unwrap_or_default().to_owned(),
            ),
            e.n("status"),
        );
    }
    let pending: Vec<Value> = batch_rows
        .iter()
        .filter(|e| e.event.as_deref() == Some("BatchAnchored"))
        .filter_map(|e| {
            let key = (
                e.a("attestor"),
                e.arg_str("batchId").unwrap_or_default().to_owned(),
            );
            let code = status.get(&key).copied().unwrap_or(1);
            (code != 3 && !billed.contains(&key)).then(|| {
                with_at(
                    e,
                    json!({
                        "attestor": address(key.0),
                        "batch_id": e.s("batchId"),
                        "status": status_name(code),
                        "leaf_count": e.n("leafCount"),
                        "total_units": num(e.u("totalUnits")),
                        "settleable_at": e.n("settleableAt"),
                    }),
                )
            })
        })
        .collect();

    let expires_at = issued.n("expiresAt");
    let expired = expires_at != 0 && now.is_some_and(|t| t >= expires_at);
    Ok(json!({
        "license": num(id),
        "offer": offer,
        "asset": asset_json(asset),
        "issued": with_at(&issued, json!({
            "licensee": address(issued.a("licensee")),
            "payer": address(issued.a("payer")),
            "price": num(issued.u("price")),
        })),
        "holder": address(holder),
        "transfers": holders,
        "user": (!user.0.is_zero()).then(|| json!({"user": address(user.0), "expires": user.1})),
        "rentals": rentals,
        "scope": Value::Null,
        "terms_note": "The offer's terms (scope, usage unit and rate, payment token, royalty \
             tiers) are in createOffer's calldata, not in the events; the license contract's \
             licenseTerms / isValid(token, scope) views answer them.",
        "validity": {
            "issued_at": issued.timestamp,
            "expires_at": expires_at,
            "perpetual": expires_at == 0,
            "expired": expired,
            "revoked": !revocation.is_null(),
            "in_debt": in_debt,
            "valid": !expired && revocation.is_null() && !in_debt,
            "as_of": now,
            "note": "valid = not expired at the last indexed block, not revoked, not in debt; \
                     whether a given scope is granted needs the terms (isValid(token, scope))",
        },
        "revocation": revocation,
        "debt": {"in_debt": in_debt, "debt": num(debt), "flags": debt_flags},
        "escrow": {
            "funded": num(funded),
            "to_debt": num(to_debt),
            "charged": num(charged),
            "paid": num(paid),
            "withdrawn": num(withdrawn),
            "balance": num(balance),
            "holds": holds,
            "held": num(if holds > 0 { balance } else { U256::ZERO }),
            "released_at": released_at,
            "withdrawal_request": request,
            "history": escrow_history,
            "note": "balance = funded - to_debt - paid - withdrawn; while holds > 0 the whole \
                     balance is held (no withdrawal) and it is shown as held",
        },
        "usage": {
            "units": num(units),
            "fees": num(fees),
            "receipts": receipts,
            "leaves": settled.len(),
            "settled": settled,
            "skipped": skipped,
            "escrow_holds": escrow_holds,
        },
        "pending_batches": pending,
        "pending_batches_attestors": attestors_source,
        "pending_batches_note": "Anchored, not voided batches of the attestors that billed this \
             license (or, before any billing, of every allowed attestor) with no leaf of this \
             license settled or skipped yet: which leaves of a batch bill a license is only \
             known once they are settled.",
    }))
}
