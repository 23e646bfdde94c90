//! The splitter's books (`crate::accounting`) with what the API needs around them: which
//! dataset or model each split belongs to, the splits' royalty forwarders, and where each
//! deposit came from (`docs/architecture.md` §5).

use std::collections::{BTreeMap, HashMap};

use alloy::primitives::{Address, U256};
use serde_json::{json, Map, Value};
use tributary_kit::{contracts::Contract, deploy::Deployment};

use super::{address, num, Args};
use crate::{
    accounting::{Deposit, Ledger, Position, SplitEvent, Version, VersionKind},
    queries::Select,
    store::{EventRow, Store},
};

/// Whose a split is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A dataset's contributors' split (`DatasetRegistered.splitId`).
    Dataset(U256),
    /// A model's split (`ModelRegistered.splitId`).
    Model(U256),
}

impl Owner {
    /// `{"kind": "dataset" | "model", "id"}`.
    pub fn json(self) -> Value {
        match self {
            Self::Dataset(id) => json!({"kind": "dataset", "id": num(id), "dataset": num(id)}),
            Self::Model(id) => json!({"kind": "model", "id": num(id), "model": num(id)}),
        }
    }
}

/// Where a deposit into a split came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A license's price (`LicenseOffers.mint`).
    Sales,
    /// Per-use fees (`UsageEscrow` charging settled usage, `FeesDeposited`).
    PerUse,
    /// Royalties routed up from derived models (`RevenueRouter`, `RoyaltyRouted`).
    UpstreamRoyalties,
    /// What a model kept of its revenue (`RevenueRouter`, `RevenueRetained`) — a model's own
    /// split.
    ModelRevenue,
    /// Resale royalties: native currency through the split's ERC-2981 forwarder.
    ResaleRoyalties,
    /// A flagged contribution's stake (`Datanets`, `StakeSlashed`).
    SlashedStakes,
    /// Anything else: a direct `deposit`, or a payout of another split to this split's
    /// forwarder (credited internally by the splitter).
    Direct,
}

impl Source {
    /// The source's key in the API (`docs/explorer.md` §2).
    pub fn key(self) -> &'static str {
        match self {
            Self::Sales => "sales",
            Self::PerUse => "per_use",
            Self::UpstreamRoyalties => "upstream_royalties",
            Self::ModelRevenue => "model_revenue",
            Self::ResaleRoyalties => "resale_royalties",
            Self::SlashedStakes => "slashed_stakes",
            Self::Direct => "direct",
        }
    }

    /// The dataset sources, in the spec's order.
    pub const DATASET: [Self; 6] = [
        Self::Sales,
        Self::PerUse,
        Self::UpstreamRoyalties,
        Self::ResaleRoyalties,
        Self::SlashedStakes,
        Self::Direct,
    ];
}

/// The splitter's books and their context, replayed once per indexed cursor.
#[derive(Debug, Clone)]
pub struct Books {
    /// The replayed accounting.
    pub ledger: Ledger,
    /// Split → dataset or model.
    pub owners: HashMap<U256, Owner>,
    /// Forwarder (`SplitReceiverCreated.receiver`) → its split.
    pub forwarders: HashMap<Address, U256>,
    /// Split → its forwarder.
    pub forwarder_of: HashMap<U256, Address>,
    /// Split → its controller now (`SplitCreated`, `SplitControllerChanged`).
    pub controllers: HashMap<U256, Address>,
    /// Deposits that are another split's payout to this split's forwarder (credited inside the
    /// splitter: `SplitWithdrawn` then `SplitDeposited` from the forwarder): position → the
    /// paying split.
    pub internal: HashMap<(u64, u64), U256>,
    /// The splitter's address.
    pub splitter: Address,
    /// The revenue router's address (its `withdrawAll` collects every withdrawal in one call).
    pub router: Address,
    offers: Address,
    escrow: Address,
    datanets: Address,
}

/// The splitter's events the books replay.
const SPLITTER_EVENTS: [&str; 8] = [
    "SplitCreated",
    "SplitRecipientsSet",
    "SplitMerkleRootSet",
    "SplitControllerChanged",
    "SplitDeposited",
    "SplitMemberRegistered",
    "SplitWithdrawn",
    "SplitReceiverCreated",
];

/// The position of an event.
pub(crate) fn position(e: &EventRow) -> Position {
    Position {
        block: e.block,
        log_index: e.log_index,
        timestamp: e.timestamp,
    }
}

/// An integer argument that fits 32 bits (versions).
fn u32_arg(e: &EventRow, name: &str) -> u32 {
    e.u(name).saturating_to()
}

fn u256_list(e: &EventRow, name: &str) -> Vec<U256> {
    e.args
        .get(name)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().and_then(|s| s.parse().ok()))
                .collect()
        })
        .unwrap_or_default()
}

fn address_list(e: &EventRow, name: &str) -> Vec<Address> {
    e.args
        .get(name)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().and_then(|s| s.parse().ok()))
                .collect()
        })
        .unwrap_or_default()
}

/// The accounting event of a splitter log, if it is one.
pub(crate) fn split_event(e: &EventRow) -> Option<SplitEvent> {
    let split = e.u("split_id");
    Some(match e.event.as_deref()? {
        "SplitRecipientsSet" => SplitEvent::RecipientsSet {
            split,
            version: u32_arg(e, "version"),
            recipients: address_list(e, "recipients"),
            shares: u256_list(e, "shares"),
        },
        "SplitMerkleRootSet" => SplitEvent::MerkleRootSet {
            split,
            version: u32_arg(e, "version"),
            root: e
                .arg_str("root")
                .and_then(|s| s.parse().ok())
                .unwrap_or_default(),
            total: e.u("total_shares"),
        },
        "SplitDeposited" => SplitEvent::Deposited {
            split,
            token: e.a("token"),
            from: e.a("from"),
            amount: e.u("amount"),
        },
        "SplitMemberRegistered" => SplitEvent::MemberRegistered {
            split,
            version: u32_arg(e, "version"),
            member: e.a("member"),
            shares: e.u("shares"),
        },
        "SplitWithdrawn" => SplitEvent::Withdrawn {
            split,
            recipient: e.a("recipient"),
            token: e.a("token"),
            version: u32_arg(e, "version"),
            amount: e.u("amount"),
        },
        _ => return None,
    })
}

impl Books {
    /// Reads the splitter's events and the registry's registrations and replays them.
    ///
    /// # Errors
    /// The database failed.
    pub fn load(store: &Store, deployment: &Deployment) -> rusqlite::Result<Self> {
        let rows = Select::of(Contract::RoyaltySplitter.dir(), &SPLITTER_EVENTS).run(store)?;
        let mut ledger = Ledger::default();
        let mut forwarders = HashMap::new();
        let mut forwarder_of = HashMap::new();
        let mut controllers = HashMap::new();
        let mut internal = HashMap::new();
        let mut last_withdrawal: Option<(u64, u64, U256, Address, Address, U256)> = None;
        for e in &rows {
            match e.event.as_deref() {
                Some("SplitReceiverCreated") => {
                    forwarders.insert(e.a("receiver"), e.u("split_id"));
                    forwarder_of.insert(e.u("split_id"), e.a("receiver"));
                }
                Some("SplitCreated" | "SplitControllerChanged") => {
                    controllers.insert(e.u("split_id"), e.a("controller"));
                }
                Some("SplitDeposited") => {
                    // A payout to a forwarder credited inside the splitter: the withdrawal
                    // right before it, in the same transaction, paid the same amount to the
                    // depositing forwarder.
                    if let Some((block, log, split, recipient, token, amount)) = last_withdrawal {
                        if block == e.block
                            && log + 1 == e.log_index
                            && recipient == e.a("from")
                            && token == e.a("token")
                            && amount == e.u("amount")
                        {
                            internal.insert((e.block, e.log_index), split);
                        }
                    }
                }
                Some("SplitWithdrawn") => {
                    last_withdrawal = Some((
                        e.block,
                        e.log_index,
                        e.u("split_id"),
                        e.a("recipient"),
                        e.a("token"),
                        e.u("amount"),
                    ));
                }
                _ => {}
            }
            if let Some(event) = split_event(e) {
                ledger.apply(position(e), &event);
            }
        }
        let mut owners = HashMap::new();
        let registry = Contract::AttributionRegistry.dir();
        for e in Select::of(registry, &["DatasetRegistered", "ModelRegistered"]).run(store)? {
            let owner = if e.event.as_deref() == Some("DatasetRegistered") {
                Owner::Dataset(e.u("datasetId"))
            } else {
                Owner::Model(e.u("modelId"))
            };
            owners.insert(e.u("splitId"), owner);
        }
        Ok(Self {
            ledger,
            owners,
            forwarders,
            forwarder_of,
            controllers,
            internal,
            splitter: deployment.address(Contract::RoyaltySplitter),
            router: deployment.address(Contract::RevenueRouter),
            offers: deployment.address(Contract::LicenseOffers),
            escrow: deployment.address(Contract::UsageEscrow),
            datanets: deployment.address(Contract::Datanets),
        })
    }

    /// Where deposit `d` into `split` came from.
    pub fn source(&self, split: U256, d: &Deposit) -> Source {
        if self.internal.contains_key(&(d.at.block, d.at.log_index)) {
            return Source::Direct;
        }
        if d.from == self.offers {
            Source::Sales
        } else if d.from == self.escrow {
            Source::PerUse
        } else if d.from == self.router {
            if matches!(self.owners.get(&split), Some(Owner::Model(_))) {
                Source::ModelRevenue
            } else {
                Source::UpstreamRoyalties
            }
        } else if d.from == self.datanets {
            Source::SlashedStakes
        } else if self.forwarders.get(&d.from) == Some(&split) {
            Source::ResaleRoyalties
        } else {
            Source::Direct
        }
    }

    /// Every deposit into `split` (all versions, all tokens), in chain order, with its version.
    pub fn deposits(&self, split: U256) -> Vec<(u32, Address, &Deposit)> {
        let mut out = Vec::new();
        if let Some(s) = self.ledger.splits.get(&split) {
            for v in &s.versions {
                for (token, book) in &v.tokens {
                    for d in &book.deposits {
                        out.push((v.version, *token, d));
                    }
                }
            }
        }
        out.sort_by_key(|(_, _, d)| d.at);
        out
    }

    /// One deposit as JSON: where, how much, from whom, its source.
    pub fn deposit_json(&self, split: U256, version: u32, token: Address, d: &Deposit) -> Value {
        let source = self.source(split, d);
        let mut m = Map::new();
        m.insert("block".into(), json!(d.at.block));
        m.insert("log_index".into(), json!(d.at.log_index));
        m.insert("timestamp".into(), json!(d.at.timestamp));
        m.insert("split".into(), num(split));
        m.insert("version".into(), json!(version));
        m.insert("token".into(), address(token));
        m.insert("from".into(), address(d.from));
        m.insert("source".into(), json!(source.key()));
        m.insert("amount".into(), num(d.amount));
        // The amount again under its source's key, so a chart can stack sources.
        m.insert(source.key().into(), num(d.amount));
        if let Some(paying) = self.internal.get(&(d.at.block, d.at.log_index)) {
            m.insert("from_split".into(), num(*paying));
        }
        Value::Object(m)
    }

    /// A split's versions with their members and books: what each member earned, was paid and
    /// is owed, per token.
    pub fn versions_json(&self, split: U256) -> Vec<Value> {
        let Some(s) = self.ledger.splits.get(&split) else {
            return Vec::new();
        };
        s.versions
            .iter()
            .map(|v| self.version_json(split, v))
            .collect()
    }

    fn version_json(&self, split: U256, v: &Version) -> Value {
        let (kind, root) = match &v.kind {
            VersionKind::Listed => ("listed", Value::Null),
            VersionKind::Merkle { root } => ("merkle", json!(root)),
        };
        let members: Vec<Value> = v
            .members
            .iter()
            .map(|(member, m)| {
                let mut tokens = Vec::new();
                let mut native = (U256::ZERO, U256::ZERO, U256::ZERO);
                let mut all: Vec<Address> = v.tokens.keys().copied().collect();
                all.extend(m.paid.keys().copied());
                all.sort_unstable();
                all.dedup();
                for token in all {
                    if let Some(o) = self.ledger.book_of(split, v.version, *member, token) {
                        if token.is_zero() {
                            native = (o.entitlement, o.paid, o.owed);
                        }
                        tokens.push(json!({
                            "token": address(token),
                            "earned": num(o.entitlement),
                            "withdrawn": num(o.paid),
                            "owed": num(o.owed),
                        }));
                    }
                }
                json!({
                    "address": address(*member),
                    "shares": num(m.shares),
                    "registered_block": m.registered_at.map(|p| p.block),
                    "earned": num(native.0),
                    "withdrawn": num(native.1),
                    "owed": num(native.2),
                    "tokens": tokens,
                })
            })
            .collect();
        let deposited: BTreeMap<Address, U256> =
            v.tokens.iter().map(|(t, b)| (*t, b.deposited)).collect();
        let withdrawn: BTreeMap<Address, U256> =
            v.tokens.iter().map(|(t, b)| (*t, b.withdrawn)).collect();
        json!({
            "split": num(split),
            "version": v.version,
            "kind": kind,
            "root": root,
            "total_shares": num(v.total),
            "unregistered_shares": num(if matches!(v.kind, VersionKind::Merkle { .. }) {
                v.unregistered_shares()
            } else {
                U256::ZERO
            }),
            "opened_block": v.opened_at.block,
            "opened_at": v.opened_at.timestamp,
            "current": self.ledger.current_version(split) == Some(v.version),
            "members": members,
            "deposited": super::per_token(&deposited, "amount"),
            "withdrawn": super::per_token(&withdrawn, "amount"),
        })
    }
}
