//! `GET /api/accounts/{address}`: what an account is owed (per split, version and token, and in
//! total), what it withdrew and earned over time, the calls that withdraw everything, and what it
//! holds: licenses, datasets, models, contributions and stakes, credits and bond.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::Arc,
};

use alloy::primitives::{hex, keccak256, Address, U256};
use axum::{
    extract::{rejection::QueryRejection, Path, Query, State},
    response::{IntoResponse, Response},
};
use serde_json::{json, Value};
use tributary_kit::contracts::Contract;

use super::{
    add, address, blocking, num, parse_address, with_at, ApiResult, ApiState, Args, Books, Params,
};
use crate::{queries::Select, store::Store};

/// The splitter's `withdraw` signature.
pub(crate) const WITHDRAW_SIGNATURE: &str = "withdraw(uint256,uint32,address,address)";

/// `withdraw(splitId, version, recipient, token)` calldata.
pub(crate) fn withdraw_calldata(
    split: U256,
    version: u32,
    recipient: Address,
    token: Address,
) -> Vec<u8> {
    let mut data = keccak256(WITHDRAW_SIGNATURE)[..4].to_vec();
    data.extend_from_slice(&split.to_be_bytes::<32>());
    data.extend_from_slice(&U256::from(version).to_be_bytes::<32>());
    data.extend_from_slice(recipient.into_word().as_slice());
    data.extend_from_slice(token.into_word().as_slice());
    data
}

/// The revenue router's `withdrawAll` signature.
pub(crate) const WITHDRAW_ALL_SIGNATURE: &str = "withdrawAll(uint256[],uint32[],address,address[])";

/// The one call that makes every withdrawal of `entries` (`(split, version, token)`) to
/// `recipient`: the router's `withdrawAll`, as calldata and as a `cast send` line.
pub(crate) fn withdraw_all_call(
    router: Address,
    recipient: Address,
    entries: &[(U256, u32, Address)],
) -> (Vec<u8>, String) {
    use alloy::sol_types::SolCall;
    use tributary_kit::contracts_abi::revenue_router::IRevenueRouter::withdrawAllCall;
    let call = withdrawAllCall {
        split_ids: entries.iter().map(|e| e.0).collect(),
        versions: entries.iter().map(|e| e.1).collect(),
        recipient,
        tokens: entries.iter().map(|e| e.2).collect(),
    };
    let list = |items: Vec<String>| format!("[{}]", items.join(","));
    let cast = format!(
        "cast send {} \"{WITHDRAW_ALL_SIGNATURE}\" {} {} {} {}",
        router.to_checksum(None),
        list(entries.iter().map(|e| e.0.to_string()).collect()),
        list(entries.iter().map(|e| e.1.to_string()).collect()),
        recipient.to_checksum(None),
        list(entries.iter().map(|e| e.2.to_checksum(None)).collect()),
    );
    (call.abi_encode(), cast)
}

/// The `cast send` line of a withdrawal (add `--rpc-url` and a signer: anyone may send it, the
/// money only goes to `recipient`).
pub(crate) fn withdraw_cast(
    splitter: Address,
    split: U256,
    version: u32,
    recipient: Address,
    token: Address,
) -> String {
    format!(
        "cast send {} \"{WITHDRAW_SIGNATURE}\" {split} {version} {} {}",
        splitter.to_checksum(None),
        recipient.to_checksum(None),
        token.to_checksum(None)
    )
}

pub(super) async fn account(
    State(state): State<Arc<ApiState>>,
    Path(text): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let who = match Params::new(query, &[]).and_then(|_| parse_address(&text)) {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    blocking(state, move |s| {
        let status = s.indexed()?;
        let books = s.books(&status)?;
        answer(s.store(), &books, who)
    })
    .await
}

#[allow(clippy::too_many_lines)] // One answer, section by section.
fn answer(store: &Store, books: &Books, who: Address) -> ApiResult<Value> {
    let mut out = serde_json::Map::new();
    out.insert("address".into(), address(who));

    // Owed, per split, version and token, with whose split it is.
    let owed_rows = books.ledger.books_of(who);
    let (mut earned, mut withdrawn, mut owed) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut calls = Vec::new();
    let mut entries: Vec<(U256, u32, Address)> = Vec::new();
    let mut rows = Vec::new();
    for o in &owed_rows {
        add(&mut earned, o.token, o.entitlement);
        add(&mut withdrawn, o.token, o.paid);
        add(&mut owed, o.token, o.owed);
        let version = books.ledger.version(o.split, o.version);
        let kind = match version.map(|v| &v.kind) {
            Some(crate::accounting::VersionKind::Merkle { .. }) => "merkle",
            _ => "listed",
        };
        let source = books.owners.get(&o.split).map_or_else(
            || json!({"kind": "split", "id": num(o.split)}),
            |w| w.json(),
        );
        rows.push(json!({
            "split": num(o.split),
            "version": o.version,
            "kind": kind,
            "current": books.ledger.current_version(o.split) == Some(o.version),
            "token": address(o.token),
            "shares": num(o.shares),
            "earned": num(o.entitlement),
            "withdrawn": num(o.paid),
            "owed": num(o.owed),
            "source": source,
        }));
        if !o.owed.is_zero() {
            entries.push((o.split, o.version, o.token));
            let data = withdraw_calldata(o.split, o.version, who, o.token);
            calls.push(json!({
                "function": WITHDRAW_SIGNATURE,
                "description": format!(
                    "withdraw split {} version {} {}",
                    o.split,
                    o.version,
                    if o.token.is_zero() { "ETH".to_owned() } else { format!("token {}", o.token.to_checksum(None)) }
                ),
                "to": address(books.splitter),
                "split": num(o.split),
                "version": o.version,
                "recipient": address(who),
                "token": address(o.token),
                "amount": num(o.owed),
                "calldata": hex::encode_prefixed(&data),
                "cast": withdraw_cast(books.splitter, o.split, o.version, who, o.token),
            }));
        }
    }
    let tokens: BTreeSet<Address> = earned.keys().copied().collect();
    let totals: Vec<Value> = tokens
        .iter()
        .map(|t| {
            json!({
                "token": address(*t),
                "earned": num(earned[t]),
                "withdrawn": num(withdrawn[t]),
                "owed": num(owed[t]),
            })
        })
        .collect();
    out.insert("owed".into(), Value::Array(rows));
    out.insert("totals".into(), Value::Array(totals));
    let note = "`batch` is one call of the revenue router's withdrawAll that makes every \
                withdrawal below; each of `calls` pays the recipient everything it is owed in \
                one split version and token. Anyone may send them (add --rpc-url and a signer to \
                the cast line); the money only goes to the recipient. Members \
                of a Merkle split (a Datanet's evaluated weights) appear here only once \
                registered by their first claim: until then their amounts need \
                claimMerkle(splitId, version, recipient, shares, proof, token) with the proof \
                of their leaf (`tributary attest claim`), which the explorer does not have.";
    let batch = if entries.is_empty() {
        Value::Null
    } else {
        let (data, cast) = withdraw_all_call(books.router, who, &entries);
        json!({
            "function": WITHDRAW_ALL_SIGNATURE,
            "to": address(books.router),
            "entries": entries.len(),
            "calldata": hex::encode_prefixed(&data),
            "cast": cast,
        })
    };
    out.insert(
        "withdraw_all".into(),
        json!({"to": address(books.splitter), "batch": batch, "calls": calls.clone(), "note": note}),
    );
    out.insert("calls".into(), Value::Array(calls));

    // Withdrawals made (SplitWithdrawn to this recipient).
    let splitter = Contract::RoyaltySplitter.dir();
    let paid: Vec<Value> = Select::of(splitter, &["SplitWithdrawn"])
        .touching(who, Some("recipient"))
        .run(store)?
        .iter()
        .map(|e| {
            with_at(
                e,
                json!({
                    "split": num(e.u("split_id")),
                    "version": e.n("version"),
                    "token": address(e.a("token")),
                    "amount": num(e.u("amount")),
                }),
            )
        })
        .collect();
    out.insert("withdrawn".into(), Value::Array(paid));

    // Earnings over time: what each deposit added to the account's entitlement, cumulative
    // per token.
    let mut running: BTreeMap<Address, U256> = BTreeMap::new();
    let earnings: Vec<Value> = books
        .ledger
        .earnings_of(who)
        .iter()
        .map(|e| {
            add(&mut running, e.token, e.amount);
            json!({
                "timestamp": e.at.timestamp,
                "block": e.at.block,
                "log_index": e.at.log_index,
                "split": num(e.split),
                "version": e.version,
                "token": address(e.token),
                "amount": num(e.amount),
                "cumulative": num(running[&e.token]),
            })
        })
        .collect();
    out.insert("earnings".into(), Value::Array(earnings));

    out.insert("licenses".into(), Value::Array(licenses(store, who)?));
    let (datasets, models) = assets(store, books, who)?;
    out.insert("datasets".into(), Value::Array(datasets));
    out.insert("models".into(), Value::Array(models));
    let (contributions, stakes) = contributions(store, who)?;
    out.insert("contributions".into(), Value::Array(contributions));
    out.insert("stakes".into(), stakes);
    out.insert("credits".into(), Value::Array(credits(store, who)?));
    out.insert("attestor".into(), attestor(store, who)?);
    Ok(Value::Object(out))
}

/// Licenses the account holds now (last ERC-721 `Transfer` of the token to it), and those it
/// uses as an ERC-4907 renter (`UpdateUser`).
fn licenses(store: &Store, who: Address) -> ApiResult<Vec<Value>> {
    let nft = Contract::LicenseNft.dir();
    let mut ids: BTreeSet<U256> = BTreeSet::new();
    for e in Select::of(nft, &["Transfer", "UpdateUser"])
        .touching(who, None)
        .run(store)?
    {
        ids.insert(e.u("tokenId"));
    }
    let list: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let mut holder: BTreeMap<U256, (Address, u64, u64)> = BTreeMap::new();
    let mut user: BTreeMap<U256, (Address, u64)> = BTreeMap::new();
    let mut revoked: BTreeSet<U256> = BTreeSet::new();
    let mut in_debt: BTreeMap<U256, bool> = BTreeMap::new();
    for e in Select::of(
        nft,
        &["Transfer", "UpdateUser", "LicenseRevoked", "DebtSet"],
    )
    .with_any("tokenId", list.clone())
    .run(store)?
    {
        let id = e.u("tokenId");
        match e.event.as_deref() {
            Some("Transfer") => {
                holder.insert(id, (e.a("to"), e.block, e.timestamp));
            }
            Some("UpdateUser") => {
                user.insert(id, (e.a("user"), e.n("expires")));
            }
            Some("LicenseRevoked") => {
                revoked.insert(id);
            }
            Some("DebtSet") => {
                in_debt.insert(id, e.b("inDebt"));
            }
            _ => {}
        }
    }
    let issued: BTreeMap<U256, crate::store::EventRow> =
        Select::of(Contract::LicenseOffers.dir(), &["LicenseIssued"])
            .with_any("tokenId", list)
            .run(store)?
            .into_iter()
            .map(|e| (e.u("tokenId"), e))
            .collect();
    let mut out = Vec::new();
    for id in ids {
        let held = holder.get(&id).is_some_and(|(h, _, _)| *h == who);
        let using = user.get(&id).is_some_and(|(u, _)| *u == who);
        if !held && !using {
            continue;
        }
        let i = issued.get(&id);
        let (user_now, user_expires) = user.get(&id).copied().unwrap_or_default();
        out.push(json!({
            "license": num(id),
            "role": if held { "holder" } else { "user" },
            "offer": i.map(|e| num(e.u("offerId"))),
            "price": i.map(|e| num(e.u("price"))),
            "expires_at": i.map(|e| e.n("expiresAt")),
            "holder": holder.get(&id).map(|(h, _, _)| address(*h)),
            "since_block": holder.get(&id).map(|(_, b, _)| *b),
            "since": holder.get(&id).map(|(_, _, t)| *t),
            "user": (!user_now.is_zero()).then(|| address(user_now)),
            "user_expires": (!user_now.is_zero()).then_some(user_expires),
            "revoked": revoked.contains(&id),
            "in_debt": in_debt.get(&id).copied().unwrap_or(false),
        }));
    }
    Ok(out)
}

/// Datasets the account owns and models it holds now.
fn assets(store: &Store, books: &Books, who: Address) -> ApiResult<(Vec<Value>, Vec<Value>)> {
    let registry = Contract::AttributionRegistry.dir();
    let names = [
        "DatasetRegistered",
        "DatasetOwnershipTransferred",
        "ModelRegistered",
        "ModelHolderChanged",
    ];
    let mut datasets = BTreeSet::new();
    let mut models = BTreeSet::new();
    for e in Select::of(registry, &names)
        .touching(who, None)
        .run(store)?
    {
        match e.event.as_deref() {
            Some("DatasetRegistered" | "DatasetOwnershipTransferred") => {
                datasets.insert(e.u("datasetId"));
            }
            _ => {
                models.insert(e.u("modelId"));
            }
        }
    }
    let mut owned = Vec::new();
    let list: Vec<String> = datasets.iter().map(ToString::to_string).collect();
    let mut state: BTreeMap<U256, (Address, Value)> = BTreeMap::new();
    for e in Select::of(
        registry,
        &["DatasetRegistered", "DatasetOwnershipTransferred"],
    )
    .with_any("datasetId", list)
    .run(store)?
    {
        let id = e.u("datasetId");
        if e.event.as_deref() == Some("DatasetRegistered") {
            let info = json!({
                "dataset": num(id),
                "split": num(e.u("splitId")),
                "uri": e.s("uri"),
                "content_hash": e.s("contentHash"),
                "registered_block": e.block,
                "registered_at": e.timestamp,
            });
            state.insert(id, (e.a("owner"), info));
        } else if let Some(s) = state.get_mut(&id) {
            s.0 = e.a("newOwner");
        }
    }
    for (owner, info) in state.into_values() {
        if owner == who {
            owned.push(info);
        }
    }
    let mut held = Vec::new();
    let list: Vec<String> = models.iter().map(ToString::to_string).collect();
    let mut state: BTreeMap<U256, (Address, Value)> = BTreeMap::new();
    for e in Select::of(registry, &["ModelRegistered", "ModelHolderChanged"])
        .with_any("modelId", list)
        .run(store)?
    {
        let id = e.u("modelId");
        if e.event.as_deref() == Some("ModelRegistered") {
            let split = e.u("splitId");
            let info = json!({
                "model": num(id),
                "split": num(split),
                "uri": e.s("uri"),
                "model_hash": e.s("modelHash"),
                "depth": e.n("depth"),
                "registered_block": e.block,
                "registered_at": e.timestamp,
                "split_version": books.ledger.current_version(split),
            });
            state.insert(id, (e.a("owner"), info));
        } else if let Some(s) = state.get_mut(&id) {
            s.0 = e.a("to");
        }
    }
    for (holder, info) in state.into_values() {
        if holder == who {
            held.push(info);
        }
    }
    Ok((owned, held))
}

/// The account's Datanet contributions with their review and stake, and its stakes per token
/// (held, returned, slashed).
#[allow(clippy::too_many_lines)] // Each contribution from submission to its stake's end.
fn contributions(store: &Store, who: Address) -> ApiResult<(Vec<Value>, Value)> {
    let datanets = Contract::Datanets.dir();
    let submitted = Select::of(datanets, &["ContributionSubmitted"])
        .touching(who, Some("contributor"))
        .run(store)?;
    let ids: Vec<String> = submitted
        .iter()
        .map(|e| e.u("contributionId").to_string())
        .collect();
    let later = Select::of(
        datanets,
        &["ContributionReviewed", "StakeReturned", "StakeSlashed"],
    )
    .with_any("contributionId", ids)
    .run(store)?;
    let configured: Vec<String> = submitted
        .iter()
        .map(|e| e.u("datasetId").to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // The stake token of a Datanet is fixed by its first configuration.
    let mut stake_token: BTreeMap<U256, Address> = BTreeMap::new();
    for e in Select::of(datanets, &["DatanetConfigured"])
        .with_any("datasetId", configured)
        .run(store)?
    {
        stake_token
            .entry(e.u("datasetId"))
            .or_insert(e.a("stakeToken"));
    }
    let (mut held, mut returned, mut slashed) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut out = Vec::new();
    for s in &submitted {
        let id = s.u("contributionId");
        let dataset = s.u("datasetId");
        let token = stake_token.get(&dataset).copied().unwrap_or_default();
        let stake = s.u("stake");
        let mut status = "pending";
        let mut stake_state = "held";
        let mut review = Value::Null;
        for e in later.iter().filter(|e| e.u("contributionId") == id) {
            match e.event.as_deref() {
                Some("ContributionReviewed") => {
                    status = match e.n("verdict") {
                        1 => "accepted",
                        2 => "rejected",
                        3 => "flagged",
                        _ => "reviewed",
                    };
                    review = with_at(
                        e,
                        json!({
                            "curator": address(e.a("curator")),
                            "verdict": e.n("verdict"),
                            "reason_hash": e.s("reasonHash"),
                            "joins_version": num(e.u("joinsVersion")),
                            "unlock_at": e.n("unlockAt"),
                        }),
                    );
                }
                Some("StakeReturned") => {
                    stake_state = "returned";
                    if e.b("expired") {
                        status = "expired";
                    }
                }
                Some("StakeSlashed") => stake_state = "slashed",
                _ => {}
            }
        }
        match stake_state {
            "held" => add(&mut held, token, stake),
            "returned" => add(&mut returned, token, stake),
            _ => add(&mut slashed, token, stake),
        }
        out.push(with_at(
            s,
            json!({
                "contribution": num(id),
                "dataset": num(dataset),
                "content_hash": s.s("contentHash"),
                "uri": s.s("uri"),
                "stake": num(stake),
                "stake_token": address(token),
                "review_deadline": s.n("reviewDeadline"),
                "status": status,
                "stake_state": stake_state,
                "review": review,
            }),
        ));
    }
    let tokens: BTreeSet<Address> = held
        .keys()
        .chain(returned.keys())
        .chain(slashed.keys())
        .copied()
        .collect();
    let stakes: Vec<Value> = tokens
        .iter()
        .map(|t| {
            json!({
                "token": address(*t),
                "held": num(held.get(t).copied().unwrap_or_default()),
                "returned": num(returned.get(t).copied().unwrap_or_default()),
                "slashed": num(slashed.get(t).copied().unwrap_or_default()),
            })
        })
        .collect();
    Ok((out, Value::Array(stakes)))
}

/// Native currency credited to the account by the usage anchor (bond slashes, challenge bonds)
/// and the disputes contract, to be pulled with `withdrawCredit`.
fn credits(store: &Store, who: Address) -> ApiResult<Vec<Value>> {
    let mut out = Vec::new();
    for contract in [Contract::UsageAnchor, Contract::UsageDisputes] {
        let (mut credited, mut pulled) = (U256::ZERO, U256::ZERO);
        let rows = Select::of(contract.dir(), &["Credited", "CreditWithdrawn"])
            .touching(who, Some("account"))
            .run(store)?;
        if rows.is_empty() {
            continue;
        }
        for e in &rows {
            if e.event.as_deref() == Some("Credited") {
                credited = credited.saturating_add(e.u("amount"));
            } else {
                pulled = pulled.saturating_add(e.u("amount"));
            }
        }
        out.push(json!({
            "contract": contract.dir(),
            "credited": num(credited),
            "withdrawn": num(pulled),
            "balance": num(credited.saturating_sub(pulled)),
        }));
    }
    Ok(out)
}

/// The account as an attestor of the usage anchor: allowed, bond, exit.
fn attestor(store: &Store, who: Address) -> ApiResult<Value> {
    let rows = Select::of(
        Contract::UsageAnchor.dir(),
        &[
            "AttestorAllowed",
            "AttestorBonded",
            "AttestorExitRequested",
            "AttestorBondWithdrawn",
        ],
    )
    .touching(who, Some("attestor"))
    .run(store)?;
    if rows.is_empty() {
        return Ok(Value::Null);
    }
    let (mut allowed, mut bond, mut exit, mut left) = (false, U256::ZERO, None, false);
    for e in &rows {
        match e.event.as_deref() {
            Some("AttestorAllowed") => allowed = e.b("allowed"),
            Some("AttestorBonded") => {
                bond = e.u("bond");
                left = false;
            }
            Some("AttestorExitRequested") => exit = Some(e.n("withdrawableFrom")),
            Some("AttestorBondWithdrawn") => {
                bond = U256::ZERO;
                left = true;
            }
            _ => {}
        }
    }
    Ok(json!({
        "allowed": allowed,
        "bond": num(bond),
        "exit_withdrawable_from": exit,
        "left": left,
        "note": "the bond less any slash of a voided batch (BatchStatusChanged.slashed) is what \
                 the anchor holds; slashes are listed with the attestor's batches",
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn withdraw_calldata_is_the_abi_encoding() {
        let split = U256::from(7);
        let who = Address::repeat_byte(0x11);
        let token = Address::repeat_byte(0x22);
        let data = withdraw_calldata(split, 3, who, token);
        assert_eq!(data.len(), 4 + 4 * 32);
        // keccak256("withdraw(uint256,uint32,address,address)")[..4]
        assert_eq!(&data[..4], &keccak256(WITHDRAW_SIGNATURE)[..4]);
        assert_eq!(data[4 + 31], 7);
        assert_eq!(data[4 + 63], 3);
        assert_eq!(&data[4 + 64 + 12..4 + 96], who.as_slice());
        assert_eq!(&data[4 + 96 + 12..], token.as_slice());
        let line = withdraw_cast(Address::ZERO, split, 3, who, token);
        assert!(line.starts_with("cast send 0x0000000000000000000000000000000000000000 \"withdraw(uint256,uint32,address,address)\" 7 3 0x1111"));
    }
}
