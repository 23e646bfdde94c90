//! Tributary Datanets: open contribution to a dataset, stake and curation for quality, and
//! Proof of Attribution — contributor weights measured by an evaluator and installed as the
//! dataset's split, epoch by epoch (`docs/datanets.md`).
//!
//! One contract serves every dataset that opens a Datanet:
//!
//! * **Opening.** The dataset's owner hands its split to this contract
//!   (`registry.handOverSplit(datasetId, datanets)`) and calls `configureDatanet` with a curator, a
//!   stake token and amount, a review window, a stake lock and a veto window.
//! * **Contributions.** Anyone submits content (hash and URI) with exactly the stake. The curator
//!   (or the owner) reviews it inside the review window: *accept* (it joins the next dataset
//!   version; the stake comes back after the lock), *reject* (the stake comes back at once) or
//!   *flag* (spam, personal data, poisoned: the stake is paid into the dataset's split at once). A
//!   contribution nobody reviewed in time gets its stake back. Stakes are withdrawn by
//!   `withdrawStake` (anyone may trigger it; the stake always goes to the contributor).
//! * **Attribution reports.** An evaluator the owner allow-listed signs (EIP-712,
//!   `tributary_abi::attribution::AttributionReport`) a Merkle root of `(contributor, weight)` for
//!   the next epoch, computed off-chain from evaluation deltas on a fixed benchmark. Anyone posts
//!   it; the owner can veto it until the veto window closes (the vetoed digest is burnt); after
//!   that anyone activates it and it becomes the next version of the dataset's Merkle split on the
//!   splitter. Revenue received from then on is paid by those weights; what was received before
//!   stays claimable under the earlier versions. Contributors claim with their proof on the
//!   splitter (`claimMerkle`). Deposits into the split stay O(1) whatever the number of
//!   contributors.
//!
//! Trust: the owner chooses the evaluators and can veto, never rewrite, a report; the
//! evaluator is trusted to give flagged and harmful contributors no weight (the contract cannot
//! see inside the root; the weights file is public). Closing a Datanet hands the split to
//! another controller and stops new contributions and reports; stakes stay withdrawable.
//!
//! # Deployment
//! `Datanets(registry)`, after the registry (the splitter's address is read from it).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]` generates an undocumented `pub fn user_entrypoint` (and `print_from_args` with
// export-abi); host builds still check that everything written by hand is documented.
#![cfg_attr(
    any(target_arch = "wasm32", feature = "export-abi"),
    allow(missing_docs)
)]
extern crate alloc;

pub mod clock;
pub mod contributions;
pub mod errors;
pub mod events;
pub mod external;
pub mod reports;
pub mod state;

#[cfg(test)]
mod tests;

use alloc::string::String;

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::{
    abi::Bytes,
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageBool, StorageMap, StorageU256},
};

use crate::errors::{Error, InvalidConfiguration};

/// ABI form of [`tributary_abi::attribution::AttributionReport`]: `(datasetId, version, epoch,
/// benchmarkId, metric, weightsRoot, totalWeight, deadline)` (stylus-sdk 0.9 computes a wrong
/// selector for a named struct argument; the tuple has the same ABI encoding).
pub type ReportTuple = (U256, U256, u64, B256, B256, B256, U256, u64);

/// A dataset's Datanet (six words, plus the evaluator set and the epoch versions).
#[storage]
pub struct Datanet {
    /// [`state::Config`].
    pub(crate) config: StorageB256,
    /// [`state::Status`].
    pub(crate) status: StorageB256,
    /// Stake per contribution (below 2^128).
    pub(crate) stake: StorageU256,
    /// The pending report's weights root (zero: none pending).
    pub(crate) pending_root: StorageB256,
    /// [`state::Pending`].
    pub(crate) pending: StorageB256,
    /// The pending report's EIP-712 digest (burnt if vetoed).
    pub(crate) pending_digest: StorageB256,
    /// Allow-listed evaluators.
    pub(crate) evaluators: StorageMap<Address, StorageBool>,
    /// The split version each activated epoch opened.
    pub(crate) epoch_versions: StorageMap<U256, StorageU256>,
}

/// A contribution (two words).
#[storage]
pub struct Contribution {
    /// [`state::Head`].
    pub(crate) head: StorageB256,
    /// [`state::Body`].
    pub(crate) body: StorageB256,
}

/// The Datanets contract's storage.
#[entrypoint]
#[storage]
pub struct Datanets {
    /// The attribution registry (dataset owners, splits, versions).
    pub(crate) registry: StorageAddress,
    /// The royalty splitter (the datasets' splits).
    pub(crate) splitter: StorageAddress,
    /// Number of contributions; ids are `1..=contribution_count`.
    pub(crate) contribution_count: StorageU256,
    /// Datanets by dataset id.
    pub(crate) datanets: StorageMap<U256, Datanet>,
    /// Contributions by id.
    pub(crate) contributions: StorageMap<U256, Contribution>,
    /// Digests of vetoed reports.
    pub(crate) vetoed: StorageMap<B256, StorageBool>,
}

#[public]
impl Datanets {
    /// Deploys the contract for `registry` (the splitter's address is read from it).
    ///
    /// # Errors
    /// [`InvalidConfiguration`] for a zero registry; `ExternalCallFailed` if it does not answer
    /// `splitter()`.
    #[constructor]
    pub fn constructor(&mut self, registry: Address) -> Result<(), Error> {
        if registry.is_zero() {
            return Err(Error::InvalidConfiguration(InvalidConfiguration {}));
        }
        self.registry.set(registry);
        let splitter = self.registry_splitter()?;
        self.splitter.set(splitter);
        Ok(())
    }

    /// Opens the dataset's Datanet, or reconfigures it (dataset owner only). The dataset's split
    /// must already be handed to this contract (`registry.handOverSplit`). The stake token is
    /// fixed by the first call; a new stake amount, lock or window applies to contributions
    /// submitted or reviewed afterwards. `curator` zero: the owner reviews alone.
    ///
    /// # Errors
    /// `UnknownDataset`, `NotDatasetOwner`, `SplitNotHandedOver`, `StakeTokenFixed`,
    /// `InvalidConfiguration` (a zero review or veto window, or a stake of 2^128 or more),
    /// `ExternalCallFailed`.
    ///
    /// # Events
    /// `DatanetConfigured`.
    #[allow(clippy::too_many_arguments)]
    pub fn configure_datanet(
        &mut self,
        dataset_id: U256,
        curator: Address,
        stake_token: Address,
        stake: U256,
        review_window: u32,
        stake_lock: u32,
        veto_window: u32,
    ) -> Result<(), Error> {
        self.configure(
            dataset_id,
            curator,
            stake_token,
            stake,
            [review_window, stake_lock, veto_window],
        )
    }

    /// Closes the dataset's Datanet and hands its split to `controller` (dataset owner only;
    /// e.g. back to the registry). Contributions and reports stop; pending contributions can
    /// still be reviewed and every stake withdrawn; a pending report is dropped.
    ///
    /// # Errors
    /// `UnknownDataset`, `NotDatasetOwner`, `DatanetNotOpen`, `ExternalCallFailed`.
    ///
    /// # Events
    /// `DatanetClosed`; the splitter's `SplitControllerChanged`.
    pub fn close_datanet(&mut self, dataset_id: U256, controller: Address) -> Result<(), Error> {
        self.close(dataset_id, controller)
    }

    /// Allows or removes an evaluator of the dataset (dataset owner only).
    ///
    /// # Errors
    /// `UnknownDataset`, `NotDatasetOwner`.
    ///
    /// # Events
    /// `EvaluatorSet`.
    pub fn set_evaluator(
        &mut self,
        dataset_id: U256,
        evaluator: Address,
        allowed: bool,
    ) -> Result<(), Error> {
        self.allow_evaluator(dataset_id, evaluator, allowed)
    }

    /// Submits a contribution to the dataset's Datanet with exactly the stake (`msg.value` for
    /// a native stake; else approve the stake token first and send no value). Returns its id.
    ///
    /// # Errors
    /// `DatanetNotOpen`, `ZeroContentHash`, `WrongStake`, `SafeErc20FailedOperation`,
    /// `ExternalCallFailed`.
    ///
    /// # Events
    /// `ContributionSubmitted`.
    #[payable]
    pub fn contribute(
        &mut self,
        dataset_id: U256,
        content_hash: B256,
        uri: String,
    ) -> Result<U256, Error> {
        self.submit(dataset_id, content_hash, &uri)
    }

    /// The curator's (or owner's) verdict on a pending contribution inside its review window:
    /// 1 accept, 2 reject, 3 flag (the stake is paid into the dataset's split at once).
    /// `reason_hash` is the hash of the off-chain reason.
    ///
    /// # Errors
    /// `UnknownContribution`, `NotCurator`, `ContributionNotPending`, `ReviewWindowClosed`,
    /// `InvalidVerdict`, `ExternalCallFailed`, `SafeErc20FailedOperation`.
    ///
    /// # Events
    /// `ContributionReviewed`; `StakeSlashed` for a flag.
    pub fn review_contribution(
        &mut self,
        contribution_id: U256,
        verdict: u8,
        reason_hash: B256,
    ) -> Result<(), Error> {
        self.review(contribution_id, verdict, reason_hash)
    }

    /// Returns a contribution's stake to its contributor (anyone may call) and returns the
    /// amount: an accepted one's after its lock, a rejected one's at once, a pending one's once
    /// its review window closed unreviewed.
    ///
    /// # Errors
    /// `UnknownContribution`, `StakeLocked`, `NothingToWithdraw` (flagged, or already
    /// returned), `NativeTransferFailed`, `SafeErc20FailedOperation`.
    ///
    /// # Events
    /// `StakeReturned`.
    pub fn withdraw_stake(&mut self, contribution_id: U256) -> Result<U256, Error> {
        self.return_stake(contribution_id)
    }

    /// Posts an evaluator-signed attribution report for the dataset's next epoch (anyone may
    /// post it). It waits out the veto window, then `activateReport` installs it.
    ///
    /// # Errors
    /// `DatanetNotOpen`, `ReportExpired`, `WrongEpoch`, `ReportPending`, `InvalidReport`,
    /// `UnknownDatasetVersion`, `InvalidSignatureLength`, `ECDSAInvalidSignature`,
    /// `ECDSAInvalidSignatureS`, `NotEvaluator`, `ReportAlreadyVetoed`, `ExternalCallFailed`.
    ///
    /// # Events
    /// `ReportPosted`.
    pub fn post_report(&mut self, report: ReportTuple, signature: Bytes) -> Result<(), Error> {
        self.post(&report, &signature)
    }

    /// Vetoes the dataset's pending report inside its veto window (dataset owner only); its
    /// digest can never be posted again.
    ///
    /// # Errors
    /// `UnknownDataset`, `NotDatasetOwner`, `NoPendingReport`, `VetoWindowClosed`.
    ///
    /// # Events
    /// `ReportVetoed`.
    pub fn veto_report(&mut self, dataset_id: U256, reason_hash: B256) -> Result<(), Error> {
        self.veto(dataset_id, reason_hash)
    }

    /// Installs the dataset's pending report once its veto window closed (anyone may call):
    /// its weights become the next version of the dataset's Merkle split. Returns that version.
    ///
    /// # Errors
    /// `NoPendingReport`, `VetoWindowOpen`, `ExternalCallFailed` (the splitter refused).
    ///
    /// # Events
    /// `EpochActivated`; the splitter's `SplitMerkleRootSet`.
    pub fn activate_report(&mut self, dataset_id: U256) -> Result<u32, Error> {
        self.activate(dataset_id)
    }

    /// A dataset's Datanet: `(curator, stakeToken, stake, reviewWindow, stakeLock, vetoWindow,
    /// epoch, open)` (zeros if none).
    pub fn datanet(&self, dataset_id: U256) -> (Address, Address, U256, u32, u32, u32, u64, bool) {
        let net = self.datanets.getter(dataset_id);
        let config = state::Config::from_word(net.config.get());
        let status = state::Status::from_word(net.status.get());
        (
            config.curator,
            status.stake_token,
            net.stake.get(),
            config.review_window,
            config.stake_lock,
            config.veto_window,
            status.epoch,
            status.open,
        )
    }

    /// The dataset's pending report: `(weightsRoot, totalWeight, vetoEndsAt, digest)`; a zero
    /// root when none is pending.
    pub fn pending_report(&self, dataset_id: U256) -> (B256, U256, u64, B256) {
        let net = self.datanets.getter(dataset_id);
        let pending = state::Pending::from_word(net.pending.get());
        (
            net.pending_root.get(),
            U256::from(pending.total),
            pending.veto_ends,
            net.pending_digest.get(),
        )
    }

    /// The split version activated epoch `epoch` opened (0 if not activated; epochs from 1).
    pub fn epoch_split_version(&self, dataset_id: U256, epoch: u64) -> U256 {
        self.datanets
            .getter(dataset_id)
            .epoch_versions
            .get(U256::from(epoch))
    }

    /// Whether `account` may sign the dataset's attribution reports.
    pub fn is_evaluator(&self, dataset_id: U256, account: Address) -> bool {
        self.datanets.getter(dataset_id).evaluators.get(account)
    }

    /// A contribution: `(datasetId, contributor, status, stake, deadline)` — the stake still
    /// held; `deadline` is the review deadline while pending, else when the stake unlocks.
    pub fn contribution(&self, contribution_id: U256) -> (U256, Address, u8, U256, u64) {
        let c = self.contributions.getter(contribution_id);
        let (head, body) = (
            state::Head::from_word(c.head.get()),
            state::Body::from_word(c.body.get()),
        );
        (
            body.dataset_id,
            head.contributor,
            head.status,
            body.stake,
            head.deadline,
        )
    }

    /// Number of contributions (ids are `1..=contributionCount`).
    pub fn contribution_count(&self) -> U256 {
        self.contribution_count.get()
    }

    /// The EIP-712 digest an evaluator signs for `report` on this chain and contract.
    pub fn report_digest(&self, report: ReportTuple) -> B256 {
        self.digest_of(&report)
    }

    /// The EIP-712 domain separator of reports (name `"Tributary Datanets"`, version `"1"`,
    /// this chain, this contract).
    pub fn domain_separator(&self) -> B256 {
        self.domain()
    }

    /// The attribution registry.
    pub fn registry(&self) -> Address {
        self.registry.get()
    }

    /// The royalty splitter.
    pub fn splitter(&self) -> Address {
        self.splitter.get()
    }
}
