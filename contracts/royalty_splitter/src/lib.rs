//! Exact, pull-based revenue splits in native currency and any ERC-20.
//!
//! Every payment of the Tributary system ends here: license sales, per-use fees, derivative
//! royalties and resale royalties. One contract holds many splits, each with an id:
//!
//! * a **listed** split has sorted, unique recipients with share weights (at most
//!   [`MAX_RECIPIENTS`]);
//! * a **Merkle** split commits to `(recipient, shares)` leaves with a root and their total, for
//!   contributor sets of any size; a member proves its leaf once (`claimMerkle`) and is tracked
//!   like a listed recipient afterwards.
//!
//! Deposits (`deposit`, `depositToken`) cost O(1) whatever the number of recipients: they add to
//! a per-share accumulator of the split's current version and token, carrying the rounding
//! remainder into the next deposit (see [`accounting`]). Withdrawals are pulled, O(1) per split
//! version and token, and anyone may trigger one *to* a recipient; a recipient that rejects the
//! payment only fails its own withdrawal.
//!
//! A split with a controller can be updated. An update opens a new **version** (new recipients
//! and shares) and later deposits accrue there; everything accrued before stays claimable from
//! the old version under the old shares, with no per-token or per-recipient work at update time
//! (see [`state`]). Withdrawals and claims therefore name the version.
//!
//! Invariants, for every split and token with cumulative deposits `D`: `claimed + claimable <=
//! D`, and `D - (claimed + claimable)` is at most the number of recipients summed over the
//! split's versions, in wei (for a split that was never updated: its recipient count). The
//! contract's balance of every token covers everything owed.
//!
//! `royaltyReceiver(splitId)` deploys a small EVM forwarder per split (see [`receiver`]) that
//! turns a plain native transfer (ERC-2981 royalties) into `deposit(splitId)`; a transfer of 0
//! succeeds and deposits nothing. A split may list another split's forwarder as a recipient: its
//! native-currency payouts to that forwarder are credited to the other split inside this
//! contract (a transfer would re-enter it through the forwarder and revert), with the same
//! accounting and `SplitDeposited` event as a deposit (see [`withdrawals`]).
//!
//! The owner can pause new business (creating splits, deposits); withdrawals and claims of owed
//! funds are never paused, nor are updates by controllers.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]` generates an undocumented `pub fn user_entrypoint` (and `print_from_args` with
// export-abi); host builds still check that everything written by hand is documented.
#![cfg_attr(
    any(target_arch = "wasm32", feature = "export-abi"),
    allow(missing_docs)
)]
extern crate alloc;

pub mod accounting;
pub mod deposits;
pub mod errors;
pub mod events;
pub mod merkle;
pub mod receiver;
pub mod splits;
pub mod state;
pub mod withdrawals;

#[cfg(test)]
mod tests;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use openzeppelin_stylus::{
    access::ownable_two_step::{IOwnable2Step, Ownable2Step},
    token::erc20::utils::safe_erc20::SafeErc20,
    utils::pausable::{IPausable, Pausable},
};
pub use splits::MAX_RECIPIENTS;
use stylus_sdk::{prelude::*, storage::StorageU256};

pub use crate::errors::Error;
use crate::{
    splits::{validate_merkle, validate_recipients, VersionSpec},
    state::{of_split, of_version, of_version_account, Field, Header},
};

/// The contract's storage.
#[entrypoint]
#[storage]
pub struct RoyaltySplitter {
    /// Two-step ownership; the owner may pause new business.
    pub(crate) ownable: Ownable2Step,
    /// Pause switch for creating splits and deposits (never for withdrawals).
    pub(crate) pausable: Pausable,
    /// `OpenZeppelin`'s ERC-20 transfer wrappers (tokens that return nothing or `false`).
    pub(crate) safe_erc20: SafeErc20,
    /// Number of splits created; ids are `1..=split_count`.
    pub(crate) split_count: StorageU256,
    // Everything else lives in keccak-addressed words: see `state`.
}

#[public]
impl RoyaltySplitter {
    /// Sets the initial owner.
    ///
    /// # Errors
    /// [`Error::InvalidOwner`] if `owner` is the zero address.
    #[constructor]
    pub fn constructor(&mut self, owner: Address) -> Result<(), Error> {
        Ok(self.ownable.constructor(owner)?)
    }

    /// Creates a listed split and returns its id. `recipients` must be sorted ascending and
    /// unique, `shares` aligned with them; `controller` may update the split later (zero =
    /// immutable).
    ///
    /// # Errors
    /// The validation errors of [`splits::validate_recipients`]; [`Error::EnforcedPause`].
    ///
    /// # Events
    /// `SplitCreated`, `SplitRecipientsSet` (version 0).
    pub fn create_split(
        &mut self,
        recipients: Vec<Address>,
        shares: Vec<U256>,
        controller: Address,
    ) -> Result<U256, Error> {
        let total = validate_recipients(&recipients, &shares)?;
        self.open_split(
            controller,
            &VersionSpec::Listed {
                recipients: &recipients,
                shares: &shares,
                total,
            },
        )
    }

    /// Creates a Merkle split committing to `(recipient, shares)` leaves whose shares sum to
    /// `total_shares`, and returns its id.
    ///
    /// # Errors
    /// [`Error::ZeroRoot`], [`Error::ZeroShares`], [`Error::TotalSharesTooLarge`],
    /// [`Error::EnforcedPause`].
    ///
    /// # Events
    /// `SplitCreated`, `SplitMerkleRootSet` (version 0).
    pub fn create_merkle_split(
        &mut self,
        root: B256,
        total_shares: U256,
        controller: Address,
    ) -> Result<U256, Error> {
        validate_merkle(root, total_shares)?;
        self.open_split(
            controller,
            &VersionSpec::Merkle {
                root,
                total: total_shares,
            },
        )
    }

    /// Replaces the recipients and shares of a split (controller only) by opening its next
    /// version. What was accrued before stays claimable from the previous version.
    ///
    /// # Errors
    /// [`Error::UnknownSplit`], [`Error::NotController`], the validation errors of
    /// [`splits::validate_recipients`].
    ///
    /// # Events
    /// `SplitRecipientsSet` (the new version).
    pub fn update_split(
        &mut self,
        split_id: U256,
        recipients: Vec<Address>,
        shares: Vec<U256>,
    ) -> Result<(), Error> {
        let total = validate_recipients(&recipients, &shares)?;
        self.open_next_version(
            split_id,
            &VersionSpec::Listed {
                recipients: &recipients,
                shares: &shares,
                total,
            },
        )?;
        Ok(())
    }

    /// Replaces the membership of a split with a Merkle root (controller only) by opening its
    /// next version.
    ///
    /// # Errors
    /// [`Error::UnknownSplit`], [`Error::NotController`], [`Error::ZeroRoot`],
    /// [`Error::ZeroShares`], [`Error::TotalSharesTooLarge`].
    ///
    /// # Events
    /// `SplitMerkleRootSet` (the new version).
    pub fn update_merkle_split(
        &mut self,
        split_id: U256,
        root: B256,
        total_shares: U256,
    ) -> Result<(), Error> {
        validate_merkle(root, total_shares)?;
        self.open_next_version(
            split_id,
            &VersionSpec::Merkle {
                root,
                total: total_shares,
            },
        )?;
        Ok(())
    }

    /// Hands control of a split to `controller` (controller only; zero makes it immutable).
    ///
    /// # Errors
    /// [`Error::UnknownSplit`], [`Error::NotController`].
    ///
    /// # Events
    /// `SplitControllerChanged`.
    pub fn set_split_controller(
        &mut self,
        split_id: U256,
        controller: Address,
    ) -> Result<(), Error> {
        self.set_controller(split_id, controller)
    }

    /// Deposits the call's value (native currency) into the split's current version.
    ///
    /// # Errors
    /// [`Error::UnknownSplit`], [`Error::ZeroAmount`], [`Error::DepositOverflow`],
    /// [`Error::EnforcedPause`].
    ///
    /// # Events
    /// `SplitDeposited` (token zero).
    #[payable]
    pub fn deposit(&mut self, split_id: U256) -> Result<(), Error> {
        self.deposit_native(split_id)
    }

    /// Pulls `amount` of `token` from the caller (`transferFrom`; approve first) and credits
    /// the split with what this contract actually received.
    ///
    /// # Errors
    /// [`Error::UnknownSplit`], [`Error::ZeroAmount`] (also when nothing arrived),
    /// [`Error::TransferFailed`], [`Error::DepositOverflow`], [`Error::EnforcedPause`].
    ///
    /// # Events
    /// `SplitDeposited` with the credited amount.
    pub fn deposit_token(
        &mut self,
        split_id: U256,
        token: Address,
        amount: U256,
    ) -> Result<(), Error> {
        self.pull_token(split_id, token, amount)
    }

    /// The split's ERC-2981 royalty receiver: a forwarder that deposits native currency sent to
    /// it into the split. Deployed (CREATE2) on the first call, returned afterwards.
    ///
    /// # Errors
    /// [`Error::UnknownSplit`], [`Error::ReceiverDeploymentFailed`].
    ///
    /// # Events
    /// `SplitReceiverCreated` on the first call.
    pub fn royalty_receiver(&mut self, split_id: U256) -> Result<Address, Error> {
        self.royalty_receiver_of(split_id)
    }

    /// Pays `recipient` all it is owed of `token` (zero = native currency) in version `version`
    /// of `split_id`, and returns the amount. Anyone may call it. Native currency owed to a
    /// split's royalty receiver (of this contract) is credited to that split instead of sent.
    ///
    /// # Errors
    /// [`Error::UnknownSplit`], [`Error::UnknownVersion`], [`Error::NothingToWithdraw`],
    /// [`Error::TransferFailed`] (the recipient rejected it; it stays owed),
    /// [`Error::DepositOverflow`] (crediting a receiver's split).
    ///
    /// # Events
    /// `SplitWithdrawn`, then `SplitDeposited` if the recipient is a split's receiver.
    pub fn withdraw(
        &mut self,
        split_id: U256,
        version: u32,
        recipient: Address,
        token: Address,
    ) -> Result<U256, Error> {
        self.withdraw_to(split_id, version, recipient, token)
    }

    /// Proves that `(recipient, shares)` is a leaf of the Merkle version `version` of
    /// `split_id` (registering the member the first time) and pays it all it is owed of
    /// `token`. Anyone may call it.
    ///
    /// # Errors
    /// [`Error::UnknownSplit`], [`Error::UnknownVersion`], [`Error::InvalidProof`],
    /// [`Error::ZeroShares`], [`Error::MerkleSharesExceeded`], [`Error::NothingToWithdraw`],
    /// [`Error::TransferFailed`], [`Error::DepositOverflow`].
    ///
    /// # Events
    /// `SplitMemberRegistered` (first claim), `SplitWithdrawn`, then `SplitDeposited` if the
    /// recipient is a split's receiver (native currency, as for `withdraw`).
    pub fn claim_merkle(
        &mut self,
        split_id: U256,
        version: u32,
        recipient: Address,
        shares: U256,
        proof: Vec<B256>,
        token: Address,
    ) -> Result<U256, Error> {
        self.prove_and_withdraw(split_id, version, recipient, shares, &proof, token)
    }

    /// What `recipient` can withdraw now of `token` from version `version` of `split_id`
    /// (zero for unknown splits, versions and unregistered Merkle members).
    pub fn claimable(
        &self,
        split_id: U256,
        version: u32,
        recipient: Address,
        token: Address,
    ) -> U256 {
        self.claimable_of(split_id, version, recipient, token)
    }

    /// What `shares` shares have earned of `token` in version `version` of `split_id`, paid or
    /// not: a Merkle member's entitlement before it registers.
    pub fn accrued(&self, split_id: U256, version: u32, shares: U256, token: Address) -> U256 {
        self.accrued_for(split_id, version, shares, token)
    }

    /// Number of splits created (ids are `1..=splitCount`).
    pub fn split_count(&self) -> U256 {
        self.split_count.get()
    }

    /// A split's controller, current version and royalty receiver (zero until created).
    pub fn split_info(&self, split_id: U256) -> (Address, u32, Address) {
        let header = self.header(split_id).unwrap_or(Header {
            controller: Address::ZERO,
            version: 0,
            total: 0,
        });
        (
            header.controller,
            header.version,
            self.read_address(Field::Receiver, &of_split(split_id)),
        )
    }

    /// A version's Merkle root (zero if listed), total shares, registered Merkle shares and
    /// listed recipient count.
    pub fn version_info(&self, split_id: U256, version: u32) -> (B256, U256, U256, u32) {
        let key = of_version(split_id, version);
        (
            self.read(Field::Root, &key),
            self.read_uint(Field::TotalShares, &key),
            self.read_uint(Field::RegisteredShares, &key),
            self.read_small(Field::RecipientCount, &key),
        )
    }

    /// The shares of `account` in a version (zero if not a member or not yet registered).
    pub fn shares_of(&self, split_id: U256, version: u32, account: Address) -> U256 {
        accounting::split_member_word(self.read_uint(
            Field::Shares,
            &of_version_account(split_id, version, account),
        ))
        .0
    }

    /// What a split has received of a token, and the current version's carried division
    /// remainder (in 2^-64 wei, always below one wei). Neither is stored apart: `deposited` is
    /// summed over the split's versions from their accumulator words (`(total * acc +
    /// remainder) / 2^64` each, an exact division; see [`accounting`]), so this view reads two
    /// words per version. What was paid out in total is not kept on chain (a withdrawal writes
    /// only what the member was paid); indexers sum the `SplitWithdrawn` events.
    pub fn split_balance(&self, split_id: U256, token: Address) -> (U256, U256) {
        let current = self.current_version(split_id);
        let mut deposited = U256::ZERO;
        let mut remainder = U256::ZERO;
        for version in 0..=current {
            let (acc, rem) = accounting::unpack(self.read_uint(
                Field::Accumulator,
                &of_version_account(split_id, version, token),
            ));
            let total = self.read_uint(Field::TotalShares, &of_version(split_id, version));
            // `total * acc + rem == deposited_v * 2^64 < 2^256` by the accounting bounds (the
            // same product `entitlement` checks), and the sum over fewer than 2^32 versions of
            // amounts below 2^192 cannot wrap.
            let mass = total.checked_mul(acc).and_then(|m| m.checked_add(rem));
            deposited += mass.unwrap_or_default() >> accounting::PRECISION_BITS;
            remainder = rem;
        }
        (deposited, remainder)
    }

    /// Pauses creating splits and deposits (owner only). Withdrawals continue.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`], [`Error::EnforcedPause`].
    pub fn pause(&mut self) -> Result<(), Error> {
        self.ownable.ownable.only_owner()?;
        Ok(self.pausable.pause()?)
    }

    /// Resumes creating splits and deposits (owner only).
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`], [`Error::ExpectedPause`].
    pub fn unpause(&mut self) -> Result<(), Error> {
        self.ownable.ownable.only_owner()?;
        Ok(self.pausable.unpause()?)
    }

    /// Whether new business is paused.
    pub fn paused(&self) -> bool {
        self.pausable.paused()
    }

    /// The current owner.
    pub fn owner(&self) -> Address {
        self.ownable.owner()
    }

    /// The account a pending ownership transfer waits for.
    pub fn pending_owner(&self) -> Address {
        self.ownable.pending_owner()
    }

    /// Starts a two-step ownership transfer (owner only).
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`].
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        Ok(self.ownable.transfer_ownership(new_owner)?)
    }

    /// Completes a two-step ownership transfer (pending owner only).
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`].
    pub fn accept_ownership(&mut self) -> Result<(), Error> {
        Ok(self.ownable.accept_ownership()?)
    }

    /// Gives up ownership (owner only); pausing becomes impossible.
    ///
    /// # Errors
    /// [`Error::UnauthorizedAccount`].
    pub fn renounce_ownership(&mut self) -> Result<(), Error> {
        Ok(self.ownable.renounce_ownership()?)
    }
}
