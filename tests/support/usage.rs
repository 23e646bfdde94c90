//! Usage settlement fixtures shared by the end-to-end tests: bonded attestors, funded
//! licenses, batches signed over hand-made usage leaves (so a test can sign exactly the batch an
//! attacker would), their proofs and the refusal a call meets.

// A fixture: every panic is a failed set-up step of the test that called it.
#![allow(clippy::missing_panics_doc)]

use alloy::{
    primitives::{keccak256, Address, B256, U256},
    providers::Provider,
    signers::local::PrivateKeySigner,
    sol_types::{SolCall, SolInterface},
};
use tributary_kit::{
    attest::{
        merkle::MerkleTree,
        prove::{hold_escrow_calldata, settle_calldata},
        signing::sign_batch,
        types::{anchorBatchCall, anchor_domain, usage_leaf, Batch, UsageLeaf},
    },
    contracts::Contract,
    contracts_abi::{usage_anchor::IUsageAnchor, usage_escrow::IUsageEscrow},
    world::{request, revert_data},
};

use crate::{signers, World};

/// Scope bit: training.
pub const TRAIN: u64 = 1;
/// Scope bit: inference.
pub const INFERENCE: u64 = 2;
/// Scope bit: derivative models.
pub const DERIVATIVES: u64 = 8;
/// Scope bit: evaluation.
pub const EVALUATION: u64 = 32;
/// A day in seconds.
pub const DAY: u64 = 24 * 3600;
/// The fixtures' usage rate, wei per sample.
pub const RATE: u64 = 10_000_000_000;

/// `milli` thousandths of an ether, in wei.
pub fn eth(milli: u64) -> U256 {
    U256::from(milli) * U256::from(1_000_000_000_000_000u64)
}

/// The key of dev account `index` (4 is the compute provider, the usual attestor).
pub fn key(index: usize) -> PrivateKeySigner {
    signers()[index].clone()
}

/// The custom error, one of contract errors `E`, that refuses `data` with `value` from `from`
/// to `to` (simulated; nothing is sent). Panics if the call would succeed or reverts with data
/// that is not one of `E`, so the caller can compare the whole error, arguments included.
pub async fn refusal<E: SolInterface, P: Provider>(
    w: &World<P>,
    from: Address,
    to: Address,
    data: Vec<u8>,
    value: U256,
) -> E {
    let error = w
        .chain
        .call(&request(from, to, data, value))
        .await
        .expect_err("the call is refused");
    let revert = revert_data(&error).unwrap_or_else(|| panic!("no revert data in {error}"));
    E::abi_decode(&revert, true).unwrap_or_else(|e| {
        panic!(
            "{revert} is not an error of {}: {e}",
            std::any::type_name::<E>()
        )
    })
}

/// Allow-lists dev account `index` as an attestor (by the owner) and posts its bond.
pub async fn bond_attestor<P: Provider>(w: &World<P>, index: usize) -> Address {
    let attestor = w.accounts[index];
    let anchor = w.at(Contract::UsageAnchor);
    let allow = IUsageAnchor::setAttestorCall {
        attestor,
        allowed: true,
    };
    w.send(w.accounts[0], anchor, allow.abi_encode(), U256::ZERO)
        .await
        .expect("allow-listed");
    let bond = w.deployment.parameters.min_attestor_bond;
    w.send(
        attestor,
        anchor,
        IUsageAnchor::bondAttestorCall {}.abi_encode(),
        bond,
    )
    .await
    .expect("bonded");
    attestor
}

/// A license of a new offer on the dataset with `scope` and `duration` (0 = perpetual), minted
/// to the lab (account 3) and funded with `escrow`.
pub async fn licensed_lab<P: Provider>(
    w: &World<P>,
    scope: u64,
    duration: u64,
    escrow: U256,
) -> U256 {
    let offer = w.offer(scope, duration, eth(10), U256::from(RATE)).await;
    let token = w.mint(offer, w.accounts[3], eth(10)).await;
    if escrow > U256::ZERO {
        fund(w, token, escrow).await;
    }
    token
}

/// Funds `license`'s escrow with `amount` from the lab.
pub async fn fund<P: Provider>(w: &World<P>, license: U256, amount: U256) {
    let call = IUsageEscrow::fundEscrowCall {
        license_id: license,
    };
    w.send(
        w.accounts[3],
        w.at(Contract::UsageEscrow),
        call.abi_encode(),
        amount,
    )
    .await
    .expect("funded");
}

/// `(balance, debt, withdrawalAmount, withdrawalReadyAt, holds, releasedAt)` of an escrow.
pub async fn escrow_info<P: Provider>(
    w: &World<P>,
    license: U256,
) -> IUsageEscrow::escrowInfoReturn {
    let call = IUsageEscrow::escrowInfoCall {
        license_id: license,
    };
    w.view(w.at(Contract::UsageEscrow), &call).await
}

/// A usage leaf of `units` samples of `license` on the dataset under `scope`, over
/// `[first, last]`, aggregating `receipts` receipts.
pub fn leaf<P>(
    w: &World<P>,
    index: u32,
    license: U256,
    scope: u64,
    units: u64,
    (first, last): (u64, u64),
) -> UsageLeaf {
    UsageLeaf {
        index,
        licenseId: license,
        assetId: w.dataset_id,
        scope: U256::from(scope),
        unit: 0,
        units: U256::from(units),
        receiptCount: 1,
        firstAt: first,
        lastAt: last,
        receiptsRoot: keccak256(format!("receipts of leaf {index} of {license}")),
    }
}

/// A batch signed over hand-made usage leaves, and everything needed to call the contracts
/// with it.
pub struct Signed {
    /// The signed batch.
    pub batch: Batch,
    /// The leaves, as given.
    pub leaves: Vec<UsageLeaf>,
    /// The tree over their hashes.
    pub tree: MerkleTree,
    /// The attestor's signature.
    pub signature: Vec<u8>,
}

/// What a test may change in a batch before it is signed.
#[derive(Clone, Copy, Default)]
pub struct Tweaks {
    /// `receiptCount` instead of the leaves' sum.
    pub receipt_count: Option<u32>,
    /// `totalUnits` instead of the leaves' sum.
    pub total_units: Option<U256>,
    /// `leafCount` instead of the number of leaves.
    pub leaf_count: Option<u32>,
    /// The chain id of the EIP-712 domain instead of the devnode's.
    pub chain_id: Option<u64>,
    /// The verifying contract instead of the anchor.
    pub verifying_contract: Option<Address>,
    /// The deadline instead of `periodEnd + 7 days`.
    pub deadline: Option<u64>,
}

/// Signs a batch `batch_id` over `leaves` with `signer` for the period `[start, end]`.
pub async fn sign<P: Provider>(
    w: &World<P>,
    signer: &PrivateKeySigner,
    batch_id: &str,
    leaves: Vec<UsageLeaf>,
    (start, end): (u64, u64),
    tweaks: Tweaks,
) -> Signed {
    let hashes: Vec<B256> = leaves.iter().map(usage_leaf).collect();
    let tree = MerkleTree::new(&hashes).expect("leaves");
    let receipts: u32 = leaves.iter().map(|l| l.receiptCount).sum();
    let units: U256 = leaves.iter().map(|l| l.units).sum();
    let batch = Batch {
        batchId: keccak256(batch_id),
        attestor: signer.address(),
        root: tree.root(),
        leafCount: tweaks
            .leaf_count
            .unwrap_or(u32::try_from(leaves.len()).expect("few leaves")),
        receiptCount: tweaks.receipt_count.unwrap_or(receipts),
        totalUnits: tweaks.total_units.unwrap_or(units),
        periodStart: start,
        periodEnd: end,
        deadline: tweaks.deadline.unwrap_or(end + 7 * DAY),
    };
    let chain_id = match tweaks.chain_id {
        Some(id) => id,
        None => w.chain.get_chain_id().await.expect("chain id"),
    };
    let contract = tweaks
        .verifying_contract
        .unwrap_or_else(|| w.at(Contract::UsageAnchor));
    let signature = sign_batch(signer, &batch, &anchor_domain(chain_id, contract)).expect("signs");
    Signed {
        batch,
        leaves,
        tree,
        signature: signature.to_vec(),
    }
}

impl Signed {
    /// `anchorBatch(batch, signature)`.
    pub fn anchor_data(&self) -> Vec<u8> {
        self.anchor_data_with(self.signature.clone())
    }

    /// `anchorBatch(batch, signature)` with another signature.
    pub fn anchor_data_with(&self, signature: Vec<u8>) -> Vec<u8> {
        anchorBatchCall {
            batch: self.batch.clone(),
            signature: signature.into(),
        }
        .abi_encode()
    }

    /// The tree position of `self.leaves[i]`.
    fn position(&self, i: usize) -> usize {
        self.tree
            .leaf_index(usage_leaf(&self.leaves[i]))
            .expect("leaf in tree")
    }

    /// The leaf whose hash is `hash`.
    fn by_hash(&self, hash: B256) -> UsageLeaf {
        self.leaves
            .iter()
            .find(|l| usage_leaf(l) == hash)
            .expect("known leaf")
            .clone()
    }

    /// `settle(batch, leaves, proof, flags)` of `self.leaves[i]` for each `i` (one multiproof).
    pub fn settle_data(&self, which: &[usize]) -> Vec<u8> {
        let positions: Vec<usize> = which.iter().map(|&i| self.position(i)).collect();
        let multi = self.tree.multiproof(&positions).expect("multiproof");
        let leaves: Vec<UsageLeaf> = multi.leaves.iter().map(|&h| self.by_hash(h)).collect();
        settle_calldata(&self.batch, &leaves, &multi.proof, &multi.flags).to_vec()
    }

    /// `settle` of every leaf.
    pub fn settle_all(&self) -> Vec<u8> {
        let all: Vec<usize> = (0..self.leaves.len()).collect();
        self.settle_data(&all)
    }

    /// The Merkle path of `self.leaves[i]`.
    pub fn path(&self, i: usize) -> Vec<B256> {
        self.tree.proof(self.position(i)).expect("path")
    }

    /// `holdEscrow(batch, leaf, path)` of `self.leaves[i]` (a call of the disputes contract).
    pub fn hold_data(&self, i: usize) -> Vec<u8> {
        hold_escrow_calldata(&self.batch, &self.leaves[i], &self.path(i)).to_vec()
    }
}

/// Anchors `signed` (sent by the platform, account 2: anyone may submit).
pub async fn anchor<P: Provider>(w: &World<P>, signed: &Signed) {
    w.send(
        w.accounts[2],
        w.at(Contract::UsageAnchor),
        signed.anchor_data(),
        U256::ZERO,
    )
    .await
    .expect("anchored");
}

/// Settles `data` (sent by the platform).
pub async fn settle<P: Provider>(w: &World<P>, data: Vec<u8>) {
    w.send(w.accounts[2], w.at(Contract::UsageAnchor), data, U256::ZERO)
        .await
        .expect("settles");
}
