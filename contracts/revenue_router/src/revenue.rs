//! Revenue reports: load the lineage snapshot (registry views and license tiers), route it with
//! [`crate::routing`], record the new cumulative revenues and events, then make one deposit per
//! split.
//!
//! Order of effects: (ERC-20 only: pull the tokens and measure what arrived, which a
//! fee-on-transfer token makes smaller than `amount`), read the license tiers (views), update
//! every cumulative revenue and emit the events, and only then call the splitter.
//!
//! Cumulative revenue is kept per asset (native currency or token address): tier thresholds are
//! amounts, and amounts of different assets do not add up.

use alloc::{vec, vec::Vec};

use stylus_sdk::{
    alloy_primitives::{Address, U256},
    prelude::*,
};
use tributary_abi::{asset::model_asset, returns::RoyaltyQuote};

use crate::{
    errors::{self, Error},
    events::{emit, RevenueReported, RevenueRetained, RoyaltyRouted},
    routing::{self, DatasetLink, ModelLink, Node, RoutingError, Tier},
    RevenueRouter,
};

/// A lineage snapshot with the ids the events need.
struct Snapshot {
    /// Model ids, reported model first, then its ancestors, highest id first.
    ids: Vec<U256>,
    /// Parent dataset ids of each node, aligned with its [`Node::datasets`].
    dataset_ids: Vec<Vec<U256>>,
    /// The routing input.
    nodes: Vec<Node>,
    /// Royalty tiers of each distinct license, indexed by [`DatasetLink::tiers`].
    tiers: Vec<Vec<Tier>>,
}

impl RevenueRouter {
    /// See [`RevenueRouter::report_revenue`].
    pub(crate) fn report_native(&mut self, model_id: U256) -> Result<(), Error> {
        let amount = self.vm().msg_value();
        let deposits = self.account_revenue(model_id, Address::ZERO, amount)?;
        for (split_id, value) in deposits {
            self.deposit(split_id, Address::ZERO, value)?;
        }
        Ok(())
    }

    /// See [`RevenueRouter::report_revenue_token`].
    pub(crate) fn report_token(
        &mut self,
        model_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<(), Error> {
        if token.is_zero() {
            return Err(errors::ZeroAddress {}.into());
        }
        if amount.is_zero() {
            return Err(errors::ZeroRevenue {}.into());
        }
        // Fails with `UnknownModel` before any token moves.
        self.model_split(model_id)?;
        // The pull comes first: only the balance delta says how much arrived.
        let before = self.token_balance(token)?;
        let payer = self.vm().msg_sender();
        self.pull_tokens(token, payer, amount)?;
        let received = self.token_balance(token)?.saturating_sub(before);

        let deposits = self.account_revenue(model_id, token, received)?;
        let splitter = self.splitter.get();
        self.force_approve(token, splitter, received)?;
        for (split_id, value) in deposits {
            self.deposit(split_id, token, value)?;
        }
        Ok(())
    }

    /// Routes `amount` of `token` revenue of `model_id`: updates cumulative revenues, emits the
    /// events and returns the deposits to make.
    fn account_revenue(
        &mut self,
        model_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<Vec<(U256, U256)>, Error> {
        let (snapshot, flows) = self.routed(model_id, token, amount)?;

        let payer = self.vm().msg_sender();
        for (index, (node, flow)) in snapshot.nodes.iter().zip(&flows).enumerate() {
            let id = snapshot.ids[index];
            // Cannot overflow: `route` checked every cumulative + inflow.
            let cumulative = node.cumulative + flow.inflow;
            self.revenue.setter(id).setter(token).set(cumulative);
            if index == 0 {
                emit(
                    self.vm(),
                    &RevenueReported {
                        modelId: id,
                        payer,
                        token,
                        amount,
                        cumulativeRevenue: cumulative,
                    },
                );
            }
            let datasets = snapshot.dataset_ids[index]
                .iter()
                .zip(&flow.to_datasets)
                .map(|(&dataset_id, &royalty)| (dataset_id, false, royalty));
            let models = node
                .models
                .iter()
                .zip(&flow.to_models)
                .map(|(link, &share)| (snapshot.ids[link.parent], true, share));
            for (parent_id, is_model, routed) in datasets.chain(models) {
                emit(
                    self.vm(),
                    &RoyaltyRouted {
                        modelId: id,
                        parentId: parent_id,
                        token,
                        parentIsModel: is_model,
                        amount: routed,
                    },
                );
            }
            emit(
                self.vm(),
                &RevenueRetained {
                    modelId: id,
                    token,
                    amount: flow.retained,
                    cumulativeRevenue: cumulative,
                },
            );
        }
        Ok(routing::deposits(&snapshot.nodes, &flows))
    }

    /// The lineage snapshot of `model_id` and how `amount` of `token` revenue arriving now
    /// would flow through it.
    fn routed(
        &self,
        model_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<(Snapshot, Vec<routing::Flow>), Error> {
        if amount.is_zero() {
            return Err(errors::ZeroRevenue {}.into());
        }
        let snapshot = self.snapshot(model_id, token)?;
        let flows =
            routing::route(&snapshot.nodes, &snapshot.tiers, amount).map_err(|e| match e {
                RoutingError::Overflow(i) => Error::from(errors::RevenueOverflow {
                    modelId: snapshot.ids[i],
                }),
                RoutingError::MalformedLineage(i) | RoutingError::Weights(i) => {
                    Error::from(errors::InvalidLineage {
                        modelId: snapshot.ids[i],
                    })
                }
            })?;
        Ok((snapshot, flows))
    }

    /// See [`RevenueRouter::quote_royalties`]: what each party would keep of `amount` of
    /// `token` revenue of `model_id` arriving now, as `(assetIds, amounts)`: each model reached
    /// as `2^63 + modelId` with what its own split keeps, each parent dataset with its
    /// royalties (summed over its edges), in order of first appearance, the model itself
    /// first. The amounts sum to `amount`.
    pub(crate) fn quote(
        &self,
        model_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<RoyaltyQuote, Error> {
        let (snapshot, flows) = self.routed(model_id, token, amount)?;
        let mut parties: Vec<U256> = Vec::new();
        let mut amounts: Vec<U256> = Vec::new();
        let mut credit = |party: U256, value: U256| {
            if let Some(i) = parties.iter().position(|p| *p == party) {
                // Cannot overflow: all credits together are `amount`.
                amounts[i] += value;
            } else {
                parties.push(party);
                amounts.push(value);
            }
        };
        for (index, flow) in flows.iter().enumerate() {
            credit(model_asset(snapshot.ids[index]), flow.retained);
            for (&dataset_id, &royalty) in snapshot.dataset_ids[index].iter().zip(&flow.to_datasets)
            {
                credit(dataset_id, royalty);
            }
        }
        Ok(RoyaltyQuote {
            assetIds: parties,
            amounts,
        })
    }

    /// Loads the reported model and its ancestors from the registry (one `routeSnapshot`
    /// call), and the tiers of every license they use from the license contract.
    fn snapshot(&self, model_id: U256, token: Address) -> Result<Snapshot, Error> {
        let [ids, splits, dataset_nodes, dataset_ids, weights, dataset_licenses, dataset_splits, model_nodes, model_parents, model_bps] =
            self.route_snapshot(model_id)?;
        let malformed = || Error::from(errors::InvalidLineage { modelId: model_id });
        if ids.is_empty() || splits.len() != ids.len() {
            return Err(malformed());
        }
        let mut nodes: Vec<Node> = ids
            .iter()
            .zip(&splits)
            .map(|(&id, &split)| Node {
                split,
                cumulative: self.revenue.getter(id).get(token),
                datasets: Vec::new(),
                models: Vec::new(),
            })
            .collect();
        let mut parent_datasets: Vec<Vec<U256>> = vec![Vec::new(); ids.len()];
        let node_at = |index: &U256| {
            usize::try_from(*index)
                .ok()
                .filter(|i| *i < ids.len())
                .ok_or_else(malformed)
        };
        let mut licenses: Vec<U256> = Vec::new();
        let links = dataset_nodes.len();
        if [&dataset_ids, &weights, &dataset_licenses, &dataset_splits]
            .iter()
            .any(|a| a.len() != links)
            || model_parents.len() != model_nodes.len()
            || model_bps.len() != model_nodes.len()
        {
            return Err(malformed());
        }
        for k in 0..links {
            let node = node_at(&dataset_nodes[k])?;
            let license_id = dataset_licenses[k];
            let tiers = licenses
                .iter()
                .position(|l| *l == license_id)
                .unwrap_or_else(|| {
                    licenses.push(license_id);
                    licenses.len() - 1
                });
            nodes[node].datasets.push(DatasetLink {
                split: dataset_splits[k],
                // The registry stores weights of at most 10,000.
                weight: weights[k].saturating_to(),
                tiers,
            });
            parent_datasets[node].push(dataset_ids[k]);
        }
        for k in 0..model_nodes.len() {
            let node = node_at(&model_nodes[k])?;
            // Every parent model is among the ancestors, which come after the child (highest id
            // first); a missing one is reported as a malformed lineage by `route`.
            let parent = ids
                .iter()
                .position(|x| *x == model_parents[k])
                .unwrap_or(node);
            nodes[node].models.push(ModelLink {
                parent,
                bps: model_bps[k].saturating_to(),
            });
        }
        let dataset_ids = parent_datasets;

        let mut tiers = Vec::with_capacity(licenses.len());
        for license_id in licenses {
            tiers.push(self.royalty_tiers(license_id)?);
        }
        Ok(Snapshot {
            ids,
            dataset_ids,
            nodes,
            tiers,
        })
    }
}
