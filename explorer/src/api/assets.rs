//! `GET /api/datasets/{id}` and `GET /api/models/{id}`: an asset's owner, split and versions,
//! contributors per split version, offers and licenses, revenue (by source and over time), a
//! dataset's Datanet, a model's lineage and what it paid upstream.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::Arc,
};

use alloy::primitives::{Address, U256};
use axum::{
    extract::{rejection::QueryRejection, Path, Query, State},
    response::{IntoResponse, Response},
};
use serde_json::{json, Map, Value};
use tributary_kit::contracts::Contract;

use super::{
    add, address, blocking, num, parse_id, per_token, with_at, ApiError, ApiResult, ApiState, Args,
    Books, Params, Source,
};
use crate::{
    queries::Select,
    store::{EventRow, Store},
};

/// 2^63: a model's asset id and revenue route are `2^63 + modelId` (`tributary_abi::asset`).
pub(crate) const MODEL_ASSET: u64 = 1 << 63;

/// Seconds in a day (the revenue buckets).
const DAY: u64 = 86_400;

/// What a parent's lineage is when no revenue has been routed yet.
const LINEAGE_NOTE: &str = "The registry's lineage (parents, weights, licenses) is not in its \
     events: ModelRegistered carries only the depth. Parents are read from RoyaltyRouted, which \
     the router emits for every parent edge (even a zero amount) each time revenue reaches the \
     model, so they appear with the model's first revenue; before that the registry's \
     parents(modelId) view has them.";

fn parse_path(
    what: &str,
    text: &str,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ApiResult<U256> {
    Params::new(query, &[])?;
    parse_id(what, text)
}

pub(super) async fn dataset(
    State(state): State<Arc<ApiState>>,
    Path(text): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let id = match parse_path("dataset id", &text, query) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    blocking(state, move |s| {
        let status = s.indexed()?;
        let books = s.books(&status)?;
        dataset_answer(s.store(), &books, id)
    })
    .await
}

pub(super) async fn model(
    State(state): State<Arc<ApiState>>,
    Path(text): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let id = match parse_path("model id", &text, query) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    blocking(state, move |s| {
        let status = s.indexed()?;
        let books = s.books(&status)?;
        model_answer(s.store(), &books, id)
    })
    .await
}

/// `{"kind": "dataset" | "model", "id"}` of an asset id.
pub(crate) fn asset_json(asset: U256) -> Value {
    match model_of(asset) {
        Some(m) => json!({"kind": "model", "id": num(m), "model": num(m), "asset_id": num(asset)}),
        None => {
            json!({"kind": "dataset", "id": num(asset), "dataset": num(asset), "asset_id": num(asset)})
        }
    }
}

/// The model an asset id or revenue destination names (`2^63 <= id < 2^64`).
pub(crate) fn model_of(asset: U256) -> Option<U256> {
    let limbs = asset.as_limbs();
    if limbs[1] | limbs[2] | limbs[3] != 0 || limbs[0] & MODEL_ASSET == 0 {
        return None;
    }
    Some(U256::from(limbs[0] & !MODEL_ASSET))
}

/// The dataset's answer.
fn dataset_answer(store: &Store, books: &Books, id: U256) -> ApiResult<Value> {
    let registry = Contract::AttributionRegistry.dir();
    let reg = Select::of(registry, &["DatasetRegistered"])
        .with("datasetId", id)
        .run(store)?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found(format!("no dataset {id} is registered")))?;
    let split = reg.u("splitId");
    let history = Select::of(
        registry,
        &[
            "VersionPublished",
            "DatasetOwnershipTransferStarted",
            "DatasetOwnershipTransferred",
            "ContributorsUpdated",
        ],
    )
    .with("datasetId", id)
    .run(store)?;
    let mut owner = reg.a("owner");
    let mut pending = Address::ZERO;
    let mut owners = vec![with_at(
        &reg,
        json!({"owner": address(owner), "event": "DatasetRegistered"}),
    )];
    let mut versions = vec![with_at(
        &reg,
        json!({"version": 1, "content_hash": reg.s("contentHash"), "uri": reg.s("uri")}),
    )];
    let mut updates = Vec::new();
    for e in &history {
        match e.event.as_deref() {
            Some("VersionPublished") => versions.push(with_at(
                e,
                json!({"version": e.n("version"), "content_hash": e.s("contentHash"), "uri": e.s("uri")}),
            )),
            Some("DatasetOwnershipTransferStarted") => pending = e.a("newOwner"),
            Some("DatasetOwnershipTransferred") => {
                owner = e.a("newOwner");
                pending = Address::ZERO;
                owners.push(with_at(
                    e,
                    json!({"owner": address(owner), "previous": address(e.a("previousOwner")), "event": "DatasetOwnershipTransferred"}),
                ));
            }
            Some("ContributorsUpdated") => updates.push(with_at(e, json!({"split": num(e.u("splitId"))}))),
            _ => {}
        }
    }

    let datanet = datanet(store, id)?;
    let mut contributors = books.versions_json(split);
    // Which Datanet epoch opened each split version.
    if let Some(epochs) = datanet.get("epochs").and_then(Value::as_array) {
        for epoch in epochs {
            let v = epoch["split_version"].as_u64();
            if let Some(c) = contributors
                .iter_mut()
                .find(|c| c["version"].as_u64() == v && v.is_some())
            {
                c["epoch"] = epoch["epoch"].clone();
            }
        }
    }
    let (offers, licenses) = offers_and_licenses(store, id)?;

    // Royalties from derived models (RoyaltyRouted to this dataset).
    let routed = Select::of(Contract::RevenueRouter.dir(), &["RoyaltyRouted"])
        .with("parentId", id)
        .run(store)?;
    let mut upstream: BTreeMap<(U256, Address), U256> = BTreeMap::new();
    for e in routed.iter().filter(|e| !e.b("parentIsModel")) {
        let entry = upstream.entry((e.u("modelId"), e.a("token"))).or_default();
        *entry = entry.saturating_add(e.u("amount"));
    }
    let upstream: Vec<Value> = upstream
        .iter()
        .map(|((model, token), paid)| json!({"model": num(*model), "token": address(*token), "paid": num(*paid)}))
        .collect();

    Ok(json!({
        "dataset": num(id),
        "owner": address(owner),
        "pending_owner": (!pending.is_zero()).then(|| address(pending)),
        "owners": owners,
        "content_hash": reg.s("contentHash"),
        "uri": reg.s("uri"),
        "registered": with_at(&reg, json!({"creator": address(reg.a("owner"))})),
        "split": num(split),
        "split_controller": books.controllers.get(&split).map(|a| address(*a)),
        "royalty_receiver": books.forwarder_of.get(&split).map(|a| address(*a)),
        "versions": versions,
        "contributors_updates": updates,
        "contributors": contributors,
        "offers": offers,
        "licenses": licenses,
        "revenue": revenue(books, split, &Source::DATASET),
        "upstream": upstream,
        "datanet": if datanet.get("configured") == Some(&Value::Bool(true)) { datanet } else { Value::Null },
    }))
}

/// Revenue of `split` by source (native currency, and per token) and over time (every
/// deposit, and per UTC day).
fn revenue(books: &Books, split: U256, sources: &[Source]) -> Value {
    let mut by_token: BTreeMap<Address, BTreeMap<&'static str, U256>> = BTreeMap::new();
    let mut over_time = Vec::new();
    let mut daily: BTreeMap<(u64, Address), BTreeMap<&'static str, U256>> = BTreeMap::new();
    for (version, token, d) in books.deposits(split) {
        let source = books.source(split, d).key();
        let t = by_token.entry(token).or_default();
        let e = t.entry(source).or_default();
        *e = e.saturating_add(d.amount);
        let day = daily
            .entry((d.at.timestamp - d.at.timestamp % DAY, token))
            .or_default()
            .entry(source)
            .or_default();
        *day = day.saturating_add(d.amount);
        over_time.push(books.deposit_json(split, version, token, d));
    }
    let mut keys: Vec<&'static str> = sources.iter().map(|s| s.key()).collect();
    for t in by_token.values() {
        for k in t.keys() {
            if !keys.contains(k) {
                keys.push(k);
            }
        }
    }
    let row = |amounts: &BTreeMap<&'static str, U256>| {
        let mut m = Map::new();
        let mut total = U256::ZERO;
        for k in &keys {
            let v = amounts.get(k).copied().unwrap_or_default();
            total = total.saturating_add(v);
            m.insert((*k).to_owned(), num(v));
        }
        m.insert("total".into(), num(total));
        m
    };
    let native = by_token.get(&Address::ZERO).cloned().unwrap_or_default();
    let tokens: Vec<Value> = by_token
        .iter()
        .map(|(token, amounts)| {
            let mut m = row(amounts);
            m.insert("token".into(), address(*token));
            Value::Object(m)
        })
        .collect();
    let daily: Vec<Value> = daily
        .iter()
        .map(|((day, token), amounts)| {
            let mut m = row(amounts);
            m.insert("day".into(), json!(day));
            m.insert("timestamp".into(), json!(day));
            m.insert("token".into(), address(*token));
            Value::Object(m)
        })
        .collect();
    json!({
        "by_source": Value::Object(row(&native)),
        "by_token": tokens,
        "over_time": over_time,
        "daily": daily,
        "note": "by_source is in the native currency (wei); by_token has every token. \
                 over_time lists every deposit into the split (each with its token and source); \
                 daily sums them per UTC day and token.",
    })
}

/// Offers on `asset` (a dataset id, or `2^63 + modelId`) and the licenses minted from them.
fn offers_and_licenses(store: &Store, asset: U256) -> ApiResult<(Vec<Value>, Vec<Value>)> {
    let book = Contract::LicenseOffers.dir();
    let created = Select::of(book, &["OfferCreated"])
        .with("datasetId", asset)
        .run(store)?;
    let ids: Vec<String> = created.iter().map(|e| e.u("offerId").to_string()).collect();
    let changes = Select::of(
        book,
        &[
            "OfferUpdated",
            "OfferPaused",
            "OfferRetired",
            "LicenseIssued",
        ],
    )
    .with_any("offerId", ids)
    .run(store)?;
    let mut offers = Vec::new();
    let mut issued = Vec::new();
    for c in &created {
        let offer = c.u("offerId");
        let (mut price, mut supply, mut paused, mut retired) =
            (Value::Null, Value::Null, false, false);
        let (mut minted, mut sales) = (0u64, BTreeMap::new());
        for e in changes.iter().filter(|e| e.u("offerId") == offer) {
            match e.event.as_deref() {
                Some("OfferUpdated") => {
                    price = num(e.u("price"));
                    supply = json!(e.n("maxSupply"));
                }
                Some("OfferPaused") => paused = e.b("paused"),
                Some("OfferRetired") => retired = true,
                Some("LicenseIssued") => {
                    minted += 1;
                    // The price token is in the offer's terms, not in the events.
                    add(&mut sales, Address::ZERO, e.u("price"));
                    issued.push(e.clone());
                }
                _ => {}
            }
        }
        let destination = c.u("splitId");
        offers.push(with_at(
            c,
            json!({
                "offer": num(offer),
                "asset": asset_json(asset),
                "creator": address(c.a("creator")),
                "destination": match model_of(destination) {
                    Some(m) => json!({"kind": "model_route", "model": num(m), "id": num(destination)}),
                    None => json!({"kind": "split", "split": num(destination), "id": num(destination)}),
                },
                "royalty_receiver": address(c.a("royaltyReceiver")),
                "terms_hash": c.s("termsHash"),
                "price": price,
                "max_supply": supply,
                "paused": paused,
                "retired": retired,
                "minted": minted,
                "sales_total": sales.get(&Address::ZERO).map(|v| num(*v)),
                "terms_note": "createOffer's terms (scope, duration, payment token, usage rate, \
                     royalty tiers) are not in the events: price and max_supply show only after \
                     an OfferUpdated, each license's price is in its LicenseIssued; offer(offerId) \
                     answers the rest",
            }),
        ));
    }
    let licenses = licenses_json(store, &issued)?;
    Ok((offers, licenses))
}

/// Licenses as listed under an asset: issue, holder now, revocation and debt.
fn licenses_json(store: &Store, issued: &[EventRow]) -> ApiResult<Vec<Value>> {
    let ids: Vec<String> = issued.iter().map(|e| e.u("tokenId").to_string()).collect();
    let mut holder: BTreeMap<U256, Address> = BTreeMap::new();
    let mut revoked = BTreeSet::new();
    let mut debt: BTreeMap<U256, bool> = BTreeMap::new();
    for e in Select::of(
        Contract::LicenseNft.dir(),
        &["Transfer", "LicenseRevoked", "DebtSet"],
    )
    .with_any("tokenId", ids)
    .run(store)?
    {
        let id = e.u("tokenId");
        match e.event.as_deref() {
            Some("Transfer") => {
                holder.insert(id, e.a("to"));
            }
            Some("LicenseRevoked") => {
                revoked.insert(id);
            }
            Some("DebtSet") => {
                debt.insert(id, e.b("inDebt"));
            }
            _ => {}
        }
    }
    Ok(issued
        .iter()
        .map(|e| {
            let id = e.u("tokenId");
            with_at(
                e,
                json!({
                    "license": num(id),
                    "offer": num(e.u("offerId")),
                    "licensee": address(e.a("licensee")),
                    "payer": address(e.a("payer")),
                    "price": num(e.u("price")),
                    "expires_at": e.n("expiresAt"),
                    "holder": holder.get(&id).map(|a| address(*a)),
                    "revoked": revoked.contains(&id),
                    "in_debt": debt.get(&id).copied().unwrap_or(false),
                }),
            )
        })
        .collect())
}

/// A dataset's Datanet: configuration (and its history), evaluators, contributions, reports
/// and epochs. `{"configured": false}` if it never had one.
#[allow(clippy::too_many_lines)] // The Datanet's events, replayed in order.
fn datanet(store: &Store, dataset: U256) -> ApiResult<Value> {
    let dir = Contract::Datanets.dir();
    let rows = Select::of(
        dir,
        &[
            "DatanetConfigured",
            "DatanetClosed",
            "EvaluatorSet",
            "ContributionSubmitted",
            "ContributionReviewed",
            "StakeSlashed",
            "ReportPosted",
            "ReportVetoed",
            "EpochActivated",
        ],
    )
    .with("datasetId", dataset)
    .run(store)?;
    if rows.is_empty() {
        return Ok(json!({"configured": false}));
    }
    let ids: Vec<String> = rows
        .iter()
        .filter(|e| e.event.as_deref() == Some("ContributionSubmitted"))
        .map(|e| e.u("contributionId").to_string())
        .collect();
    let returned = Select::of(dir, &["StakeReturned"])
        .with_any("contributionId", ids)
        .run(store)?;
    let mut configurations = Vec::new();
    let mut config = Value::Null;
    let mut stake_token = None;
    let mut open = false;
    let mut closed = Value::Null;
    let mut evaluators: BTreeMap<Address, bool> = BTreeMap::new();
    let mut evaluator_history = Vec::new();
    let mut contributions: Vec<(U256, Value)> = Vec::new();
    let mut reports: Vec<(u64, Value, Value)> = Vec::new();
    let mut epochs = Vec::new();
    let (mut held, mut returned_total, mut slashed) = (U256::ZERO, U256::ZERO, U256::ZERO);
    for e in rows.iter().chain(returned.iter()) {
        match e.event.as_deref() {
            Some("DatanetConfigured") => {
                let token = *stake_token.get_or_insert(e.a("stakeToken"));
                config = json!({
                    "curator": address(e.a("curator")),
                    "stake_token": address(token),
                    "stake": num(e.u("stake")),
                    "review_window": e.n("reviewWindow"),
                    "stake_lock": e.n("stakeLock"),
                    "veto_window": e.n("vetoWindow"),
                });
                configurations.push(with_at(e, config.clone()));
                open = true;
                closed = Value::Null;
            }
            Some("DatanetClosed") => {
                open = false;
                closed = with_at(e, json!({"controller": address(e.a("controller"))}));
            }
            Some("EvaluatorSet") => {
                evaluators.insert(e.a("evaluator"), e.b("allowed"));
                evaluator_history.push(with_at(
                    e,
                    json!({"evaluator": address(e.a("evaluator")), "allowed": e.b("allowed")}),
                ));
            }
            Some("ContributionSubmitted") => {
                held = held.saturating_add(e.u("stake"));
                contributions.push((
                    e.u("contributionId"),
                    with_at(
                        e,
                        json!({
                            "contribution": num(e.u("contributionId")),
                            "contributor": address(e.a("contributor")),
                            "content_hash": e.s("contentHash"),
                            "uri": e.s("uri"),
                            "stake": num(e.u("stake")),
                            "review_deadline": e.n("reviewDeadline"),
                            "status": "pending",
                            "stake_state": "held",
                        }),
                    ),
                ));
            }
            Some(name @ ("ContributionReviewed" | "StakeSlashed" | "StakeReturned")) => {
                let id = e.u("contributionId");
                if let Some((_, c)) = contributions.iter_mut().find(|(i, _)| *i == id) {
                    let stake = c["stake"]
                        .as_str()
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(U256::ZERO);
                    match name {
                        "ContributionReviewed" => {
                            c["status"] = json!(match e.n("verdict") {
                                1 => "accepted",
                                2 => "rejected",
                                3 => "flagged",
                                _ => "reviewed",
                            });
                            c["verdict"] = json!(e.n("verdict"));
                            c["curator"] = address(e.a("curator"));
                            c["reason_hash"] = e.s("reasonHash");
                            c["joins_version"] = num(e.u("joinsVersion"));
                            c["unlock_at"] = json!(e.n("unlockAt"));
                        }
                        "StakeSlashed" => {
                            c["stake_state"] = json!("slashed");
                            held = held.saturating_sub(stake);
                            slashed = slashed.saturating_add(e.u("amount"));
                        }
                        _ => {
                            c["stake_state"] = json!("returned");
                            if e.b("expired") {
                                c["status"] = json!("expired");
                            }
                            held = held.saturating_sub(stake);
                            returned_total = returned_total.saturating_add(e.u("amount"));
                        }
                    }
                }
            }
            Some("ReportPosted") => reports.push((
                e.n("epoch"),
                e.s("digest"),
                with_at(
                    e,
                    json!({
                        "epoch": e.n("epoch"),
                        "evaluator": address(e.a("evaluator")),
                        "version": num(e.u("version")),
                        "benchmark_id": e.s("benchmarkId"),
                        "metric": e.s("metric"),
                        "weights_root": e.s("weightsRoot"),
                        "total_weight": num(e.u("totalWeight")),
                        "digest": e.s("digest"),
                        "veto_ends_at": e.n("vetoEndsAt"),
                        "status": "pending",
                    }),
                ),
            )),
            Some("ReportVetoed") => {
                let (epoch, digest) = (e.n("epoch"), e.s("digest"));
                if let Some((_, _, r)) = reports
                    .iter_mut()
                    .rev()
                    .find(|(ep, d, _)| *ep == epoch && *d == digest)
                {
                    r["status"] = json!("vetoed");
                    r["veto_reason_hash"] = e.s("reasonHash");
                }
            }
            Some("EpochActivated") => {
                let epoch = e.n("epoch");
                if let Some((_, _, r)) = reports
                    .iter_mut()
                    .rev()
                    .find(|(ep, _, r)| *ep == epoch && r["status"] == "pending")
                {
                    r["status"] = json!("activated");
                }
                epochs.push(with_at(
                    e,
                    json!({
                        "epoch": epoch,
                        "split": num(e.u("splitId")),
                        "split_version": e.n("splitVersion"),
                        "weights_root": e.s("weightsRoot"),
                        "total_weight": num(e.u("totalWeight")),
                    }),
                ));
            }
            _ => {}
        }
    }
    let token = stake_token.unwrap_or_default();
    Ok(json!({
        "configured": !configurations.is_empty(),
        "open": open,
        "config": config,
        "configurations": configurations,
        "closed": closed,
        "evaluators": evaluators.iter().filter(|(_, on)| **on).map(|(a, _)| address(*a)).collect::<Vec<_>>(),
        "evaluator_changes": evaluator_history,
        "epoch": epochs.len(),
        "epochs": epochs,
        "reports": reports.into_iter().map(|(_, _, r)| r).collect::<Vec<_>>(),
        "contributions": contributions.into_iter().map(|(_, c)| c).collect::<Vec<_>>(),
        "stakes": {"token": address(token), "held": num(held), "returned": num(returned_total), "slashed": num(slashed)},
    }))
}

/// The model's answer.
#[allow(clippy::too_many_lines)] // One answer, section by section.
fn model_answer(store: &Store, books: &Books, id: U256) -> ApiResult<Value> {
    let registry = Contract::AttributionRegistry.dir();
    let reg = Select::of(registry, &["ModelRegistered"])
        .with("modelId", id)
        .run(store)?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found(format!("no model {id} is registered")))?;
    let split = reg.u("splitId");
    let history = Select::of(
        registry,
        &[
            "ModelContributorsUpdated",
            "ModelVersionPublished",
            "ModelHolderChanged",
        ],
    )
    .with("modelId", id)
    .run(store)?;
    let mut holder = reg.a("owner");
    let mut holders = vec![with_at(
        &reg,
        json!({"holder": address(holder), "from": Value::Null, "split_version": first_version_at(books, split, &reg)}),
    )];
    let mut versions = vec![with_at(
        &reg,
        json!({"version": 1, "model_hash": reg.s("modelHash"), "uri": reg.s("uri")}),
    )];
    let mut updates = Vec::new();
    for e in &history {
        match e.event.as_deref() {
            Some("ModelHolderChanged") => {
                holder = e.a("to");
                holders.push(with_at(
                    e,
                    json!({
                        "holder": address(holder),
                        "from": address(e.a("from")),
                        "split_version": first_version_at(books, split, e),
                    }),
                ));
            }
            Some("ModelVersionPublished") => versions.push(with_at(
                e,
                json!({"version": e.n("version"), "model_hash": e.s("modelHash"), "uri": e.s("uri")}),
            )),
            Some("ModelContributorsUpdated") => {
                updates.push(with_at(e, json!({"split": num(e.u("splitId"))})));
            }
            _ => {}
        }
    }
    let metadata: Vec<Value> = Select::of(Contract::ModelNft.dir(), &["MetadataUpdate"])
        .with("_tokenId", id)
        .run(store)?
        .iter()
        .map(|e| with_at(e, json!({})))
        .collect();

    let router = Contract::RevenueRouter.dir();
    let own = Select::of(
        router,
        &[
            "RevenueReported",
            "RoyaltyRouted",
            "RevenueRetained",
            "ModelReceiverCreated",
        ],
    )
    .with("modelId", id)
    .run(store)?;
    let mut reported: BTreeMap<Address, U256> = BTreeMap::new();
    let mut retained: BTreeMap<Address, U256> = BTreeMap::new();
    let mut cumulative: BTreeMap<Address, U256> = BTreeMap::new();
    let mut reports = Vec::new();
    let mut receiver = Value::Null;
    let mut paid: BTreeMap<(bool, U256, Address), U256> = BTreeMap::new();
    for e in &own {
        let token = e.a("token");
        match e.event.as_deref() {
            Some("RevenueReported") => {
                add(&mut reported, token, e.u("amount"));
                cumulative.insert(token, e.u("cumulativeRevenue"));
                reports.push(with_at(
                    e,
                    json!({
                        "payer": address(e.a("payer")),
                        "token": address(token),
                        "amount": num(e.u("amount")),
                        "cumulative_revenue": num(e.u("cumulativeRevenue")),
                    }),
                ));
            }
            Some("RoyaltyRouted") => {
                let k = (e.b("parentIsModel"), e.u("parentId"), token);
                let entry = paid.entry(k).or_default();
                *entry = entry.saturating_add(e.u("amount"));
            }
            Some("RevenueRetained") => {
                add(&mut retained, token, e.u("amount"));
                cumulative.insert(token, e.u("cumulativeRevenue"));
            }
            Some("ModelReceiverCreated") => receiver = address(e.a("receiver")),
            _ => {}
        }
    }
    // Revenue routed up from derived models (this model as a parent).
    let mut from_children: BTreeMap<(U256, Address), U256> = BTreeMap::new();
    for e in Select::of(router, &["RoyaltyRouted"])
        .with("parentId", id)
        .run(store)?
        .iter()
        .filter(|e| e.b("parentIsModel"))
    {
        let entry = from_children
            .entry((e.u("modelId"), e.a("token")))
            .or_default();
        *entry = entry.saturating_add(e.u("amount"));
    }

    let edge = |is_model: bool, parent: U256| {
        if is_model {
            json!({"parent": num(parent), "kind": "model", "parent_is_model": true, "model": num(parent)})
        } else {
            json!({"parent": num(parent), "kind": "dataset", "parent_is_model": false, "dataset": num(parent)})
        }
    };
    let parents: BTreeSet<(bool, U256)> = paid.keys().map(|(m, p, _)| (*m, *p)).collect();
    let paid_upstream: Vec<Value> = paid
        .iter()
        .map(|((is_model, parent, token), amount)| {
            let mut v = edge(*is_model, *parent);
            v["token"] = address(*token);
            v["paid"] = num(*amount);
            v
        })
        .collect();
    let parents_json: Vec<Value> = parents
        .iter()
        .map(|(is_model, parent)| {
            let mut v = edge(*is_model, *parent);
            let native = paid
                .get(&(*is_model, *parent, Address::ZERO))
                .copied()
                .unwrap_or_default();
            v["paid"] = num(native);
            v
        })
        .collect();

    // Ancestry: the parents' parents, breadth first, from their own RoyaltyRouted edges.
    let mut ancestry = Vec::new();
    let mut seen: BTreeSet<U256> = BTreeSet::from([id]);
    let mut frontier: Vec<(U256, u64)> = parents
        .iter()
        .filter(|(m, _)| *m)
        .map(|(_, p)| (*p, 2))
        .collect();
    while let Some((child, depth)) = frontier.pop() {
        if !seen.insert(child) || depth > 64 {
            continue;
        }
        let edges: BTreeSet<(bool, U256)> = Select::of(router, &["RoyaltyRouted"])
            .with("modelId", child)
            .run(store)?
            .iter()
            .map(|e| (e.b("parentIsModel"), e.u("parentId")))
            .collect();
        for (is_model, parent) in edges {
            let mut v = edge(is_model, parent);
            v["child"] = num(child);
            v["depth"] = json!(depth);
            ancestry.push(v);
            if is_model {
                frontier.insert(0, (parent, depth + 1));
            }
        }
    }

    let (offers, licenses) = offers_and_licenses(store, id | U256::from(MODEL_ASSET))?;
    Ok(json!({
        "model": num(id),
        "asset_id": num(id | U256::from(MODEL_ASSET)),
        "holder": address(holder),
        "holders": holders,
        "registrant": address(reg.a("owner")),
        "model_hash": reg.s("modelHash"),
        "uri": reg.s("uri"),
        "depth": reg.n("depth"),
        "registered": with_at(&reg, json!({})),
        "split": num(split),
        "split_controller": books.controllers.get(&split).map(|a| address(*a)),
        "royalty_receiver": receiver,
        "versions": versions,
        "metadata_updates": metadata,
        "contributors_updates": updates,
        "contributors": books.versions_json(split),
        "parents": parents_json,
        "ancestry": ancestry,
        "lineage_note": LINEAGE_NOTE,
        "revenue": {
            "total": num(reported.get(&Address::ZERO).copied().unwrap_or_default()),
            "reported": per_token(&reported, "amount"),
            "retained": per_token(&retained, "amount"),
            "cumulative_revenue": per_token(&cumulative, "amount"),
            "reports": reports,
            "from_derived_models": from_children
                .iter()
                .map(|((m, t), v)| json!({"model": num(*m), "token": address(*t), "amount": num(*v)}))
                .collect::<Vec<_>>(),
            "split": revenue(books, split, &[Source::ModelRevenue, Source::Direct]),
        },
        "paid_upstream": paid_upstream,
        "offers": offers,
        "licenses": licenses,
    }))
}

/// The split version opened next to `e` (in its block, nearest by log index): a model's
/// registration opens version 0 of its split, a holder change the next one.
fn first_version_at(books: &Books, split: U256, e: &EventRow) -> Value {
    books
        .ledger
        .splits
        .get(&split)
        .and_then(|s| {
            s.versions
                .iter()
                .filter(|v| v.opened_at.block == e.block)
                .min_by_key(|v| v.opened_at.log_index.abs_diff(e.log_index))
        })
        .map_or(Value::Null, |v| json!(v.version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_asset_ids() {
        let m = U256::from(5);
        assert_eq!(model_of(m | U256::from(MODEL_ASSET)), Some(m));
        assert_eq!(model_of(m), None);
        assert_eq!(model_of(U256::from(MODEL_ASSET) << 1), None);
        assert_eq!(asset_json(U256::from(3))["kind"], "dataset");
        assert_eq!(asset_json(m | U256::from(MODEL_ASSET))["model"], "5");
    }
}
