//! Revenue reports: load the lineage snapshot, route it with [`crate::routing`], record the new
//! cumulative revenues and events, then make one deposit per split.
//!
//! Order of effects: (ERC-20 only: pull the tokens and measure what arrived, which a
//! fee-on-transfer token makes smaller than `amount`), read the license tiers (views), update
//! every cumulative revenue and emit the events, and only then call the splitter.
//!
//! Cumulative revenue is kept per asset (native currency or token address): tier thresholds are
//! amounts, and amounts of different assets do not add up.

use alloc::{vec, vec::Vec};

use openzeppelin_stylus::token::erc20::utils::safe_erc20::{ISafeErc20, SafeErc20FailedOperation};
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    prelude::*,
};

use crate::{
    errors::{self, Error},
    events::{RevenueReported, RevenueRetained, RoyaltyRouted},
    routing::{self, DatasetLink, ModelLink, Node, RoutingError, Tier},
    AttributionRegistry,
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

impl AttributionRegistry {
    /// See [`AttributionRegistry::report_revenue`].
    pub(crate) fn report_native(&mut self, model_id: U256) -> Result<(), Error> {
        let amount = self.vm().msg_value();
        let deposits = self.account_revenue(model_id, Address::ZERO, amount)?;
        for (split_id, value) in deposits {
            self.deposit(split_id, value)?;
        }
        Ok(())
    }

    /// See [`AttributionRegistry::report_revenue_token`].
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
        self.check_model(model_id)?;
        // The pull comes first: only the balance delta says how much arrived.
        let before = self.token_balance(token)?;
        let payer = self.vm().msg_sender();
        let this = self.vm().contract_address();
        self.safe_erc20
            .safe_transfer_from(token, payer, this, amount)
            .map_err(|_| Error::from(SafeErc20FailedOperation { token }))?;
        let received = self.token_balance(token)?.saturating_sub(before);

        let deposits = self.account_revenue(model_id, token, received)?;
        let splitter = self.splitter.get();
        self.safe_erc20
            .force_approve(token, splitter, received)
            .map_err(|_| Error::from(SafeErc20FailedOperation { token }))?;
        for (split_id, value) in deposits {
            self.deposit_token(split_id, token, value)?;
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
        if amount.is_zero() {
            return Err(errors::ZeroRevenue {}.into());
        }
        self.check_model(model_id)?;
        let snapshot = self.snapshot(model_id, token)?;
        let flows = routing::route(&snapshot.nodes, &snapshot.tiers, amount).map_err(|e| {
            let index = match e {
                RoutingError::Overflow(i)
                | RoutingError::MalformedLineage(i)
                | RoutingError::Weights(i) => i,
            };
            Error::from(errors::RevenueOverflow {
                modelId: snapshot.ids[index],
            })
        })?;

        let payer = self.vm().msg_sender();
        for (index, (node, flow)) in snapshot.nodes.iter().zip(&flows).enumerate() {
            let id = snapshot.ids[index];
            // Cannot overflow: `route` checked every cumulative + inflow.
            let cumulative = node.cumulative + flow.inflow;
            self.models.setter(id).revenue.setter(token).set(cumulative);
            if index == 0 {
                log(
                    self.vm(),
                    RevenueReported {
                        modelId: id,
                        payer,
                        token,
                        amount,
                        cumulativeRevenue: cumulative,
                    },
                );
            }
            for (&dataset_id, &royalty) in snapshot.dataset_ids[index].iter().zip(&flow.to_datasets)
            {
                log(
                    self.vm(),
                    RoyaltyRouted {
                        modelId: id,
                        parentId: dataset_id,
                        token,
                        parentIsModel: false,
                        amount: royalty,
                    },
                );
            }
            for (link, &share) in node.models.iter().zip(&flow.to_models) {
                log(
                    self.vm(),
                    RoyaltyRouted {
                        modelId: id,
                        parentId: snapshot.ids[link.parent],
                        token,
                        parentIsModel: true,
                        amount: share,
                    },
                );
            }
            log(
                self.vm(),
                RevenueRetained {
                    modelId: id,
                    token,
                    amount: flow.retained,
                    cumulativeRevenue: cumulative,
                },
            );
        }
        Ok(routing::deposits(&snapshot.nodes, &flows))
    }

    /// Loads the reported model and its ancestors, and the tiers of every license they use.
    fn snapshot(&mut self, model_id: U256, token: Address) -> Result<Snapshot, Error> {
        let mut ids = vec![model_id];
        {
            let model = self.models.getter(model_id);
            for i in 0..model.ancestors.len() {
                if let Some(id) = model.ancestors.get(i) {
                    ids.push(U256::from(id));
                }
            }
        }

        let mut licenses: Vec<U256> = Vec::new();
        let mut dataset_ids = Vec::with_capacity(ids.len());
        let mut nodes = Vec::with_capacity(ids.len());
        for &id in &ids {
            let model = self.models.getter(id);
            let mut datasets = Vec::new();
            let mut node_dataset_ids = Vec::new();
            for link in (0..model.datasets.len()).filter_map(|i| model.datasets.getter(i)) {
                let dataset_id = U256::from(link.dataset.get());
                let license_id = link.license.get();
                let tiers = licenses
                    .iter()
                    .position(|l| *l == license_id)
                    .unwrap_or_else(|| {
                        licenses.push(license_id);
                        licenses.len() - 1
                    });
                datasets.push(DatasetLink {
                    split: self.datasets.getter(dataset_id).split.get(),
                    weight: link.weight.get().to(),
                    tiers,
                });
                node_dataset_ids.push(dataset_id);
            }
            let mut models = Vec::new();
            for link in (0..model.models.len()).filter_map(|i| model.models.getter(i)) {
                let parent_id = U256::from(link.model.get());
                // Every parent model is among the ancestors, so always found.
                let parent = ids.iter().position(|x| *x == parent_id).unwrap_or_default();
                models.push(ModelLink {
                    parent,
                    bps: link.bps.get().to(),
                });
            }
            nodes.push(Node {
                split: model.split.get(),
                cumulative: model.revenue.get(token),
                datasets,
                models,
            });
            dataset_ids.push(node_dataset_ids);
        }

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

    /// The model must exist.
    fn check_model(&self, model_id: U256) -> Result<(), Error> {
        if self.models.getter(model_id).owner.get().is_zero() {
            return Err(errors::UnknownModel { modelId: model_id }.into());
        }
        Ok(())
    }
}
