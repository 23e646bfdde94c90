//! Tributary usage anchor: attested usage, challenges and per-use fee settlement (settlement
//! v2, `docs/settlement.md`).
//!
//! Attestors (the gateways and compute providers that meter use) aggregate a period's signed
//! receipts into one *usage leaf* per (license, scope, unit), build a Merkle tree of the leaves
//! and sign the batch (EIP-712). Anyone anchors the signed root here; after a challenge window
//! anyone settles usage leaves with a multiproof; the anchor then charges `units × usageRate`
//! per license to the usage escrow (`usage_escrow` crate, `IUsageEscrow.charge`), which takes
//! the fees from the licenses' escrow into the datasets' splits and records debt. Every receipt
//! stays provable down to the batch root (`usage_disputes`'s `verifyReceipt`). Modules, one concern
//! each:
//!
//! - [`admin`]: the two-step owner (also the treasury), the attestor allow-list, the disputes
//!   contract;
//! - [`attestors`]: bonds, exit, signature check;
//! - [`batches`]: anchoring, the challenge window, the challenge status the disputes contract sets;
//! - [`settlement`]: proofs, per-leaf license checks, fees, the escrow charge;
//! - [`signing`] and [`merkle`]: the pure EIP-712 digest, ECDSA recovery, Merkle verification;
//! - [`calldata`]: the hand decoder of the two calls that take structs;
//! - [`external_calls`]: the license contract, the escrow, ERC-1271, native payouts;
//! - [`state`]: the keccak-addressed storage words of attestors, credits, batches and the settled
//!   bitmap.
//!
//! The challenge game (challengers, bonds, the arbiter, escrow holds, `verifyReceipt`) is the
//! `usage_disputes` contract, a crate of its own because it does not fit this contract's code
//! size; it changes a batch's status here through `setBatchStatus`.
//!
//! # Deployment
//! `UsageEscrow(owner, licenseNft, splitter, withdrawalDelay)` first, then
//! `UsageAnchor(owner, licenseNft, escrow, challengeWindow, minAttestorBond, exitDelay)`, then
//! `UsageDisputes(owner, anchor, escrow, challengeBond)`, then `anchor.setDisputes(disputes)`,
//! `escrow.setUsageAnchor(anchor)` (it reads the disputes contract and the window from
//! `config()`) and `licenseNft.setUsageAnchor(escrow)`: the escrow, not this contract, is the
//! license contract's "usage anchor" (it calls `setDebt`).
//!
//! Administration ([`admin`]): the owner (two-step transfer) allow-lists attestors with
//! `setAttestor(attestor, allowed)` and wires the disputes contract once. The owner is also the
//! treasury: slashed attestor bonds are credited to it.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]` generates an undocumented `pub fn user_entrypoint` (and `print_from_args` with
// export-abi); host builds still check that everything written by hand is documented.
#![cfg_attr(
    any(target_arch = "wasm32", feature = "export-abi"),
    allow(missing_docs)
)]
extern crate alloc;

// The shared error, event and calldata encoder, as `crate::abi_words` for the modules.
use tributary_abi::abi_words;

pub mod admin;
pub mod attestors;
pub mod batches;
pub mod calldata;
pub mod clock;
pub mod errors;
pub mod events;
pub mod external_calls;
pub mod merkle;
pub mod settlement;
pub mod signing;
pub mod state;

#[cfg(test)]
mod tests;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
#[cfg(any(test, feature = "export-abi"))]
use stylus_sdk::abi::Bytes;
use stylus_sdk::prelude::*;

use crate::{
    errors::{Error, InvalidConfiguration},
    state::Global,
};

/// ABI form of [`tributary_abi::usage::Batch`]: `(batchId, attestor, root, leafCount,
/// receiptCount, totalUnits, periodStart, periodEnd, deadline)`. stylus-sdk 0.9 would compute a
/// wrong selector for a named struct argument, so the typed declarations take the tuple (same
/// ABI encoding).
pub type BatchTuple = (B256, Address, B256, u32, u32, U256, u64, u64, u64);
/// ABI form of [`tributary_abi::usage::UsageLeaf`]: `(index, licenseId, assetId, scope, unit,
/// units, receiptCount, firstAt, lastAt, receiptsRoot)`.
pub type LeafTuple = (u32, U256, U256, U256, u8, U256, u32, u64, u64, B256);
/// `batchInfo` result: `(batchHash, anchoredAt, status, round, settledReceipts,
/// settledUnits)`; `batchHash` holds the first 21 bytes of the batch's struct hash, the rest
/// zero.
pub type BatchInfo = (B256, u64, u8, u16, u32, U256);
/// `config` result: `(licenseNft, escrow, disputes, challengeWindow, minAttestorBond,
/// exitDelay, domainSeparator)`.
pub type ConfigInfo = (Address, Address, Address, u64, U256, u64, B256);
/// `attestorInfo` result: `(allowed, bond, lockedUntil, openChallenges, exitRequestedAt,
/// credit)`; `credit` is the account's withdrawable balance (challenge payouts), for any account.
pub type AttestorInfo = (bool, U256, u64, u32, u64, U256);

/// The usage anchor. Its state is raw storage words (see [`state`]): contract-wide words at
/// small fixed slots ([`state::Global`]) and keccak-addressed words for attestors, credits,
/// batches and settled receipts; no `#[storage]` fields, so no generated slot layout code.
#[entrypoint]
#[storage]
pub struct UsageAnchor {}

/// The router: every external function. `anchorBatch` and `settle` take struct arguments and
/// are decoded by hand ([`calldata`]) from the fallback in contract builds; the `export-abi`
/// build declares them with their typed signatures instead, so the exported interface lists
/// them (same selectors and encoding).
macro_rules! router {
    ({ $($public:tt)* } [$($common:tt)*] [$($fallback:tt)*] [$($typed:tt)*]) => {
        #[cfg(not(feature = "export-abi"))]
        $($public)*
        impl UsageAnchor {
            $($common)*
            $($fallback)*
        }

        #[cfg(feature = "export-abi")]
        $($public)*
        impl UsageAnchor {
            $($common)*
            $($typed)*
        }
    };
}

// Every token of the router comes from this invocation (the `#[public]` expansion names its
// locals with the invocation's hygiene).
router! { { #[public] }
[
    /// Deploys the anchor.
    ///
    /// # Arguments
    /// * `owner` - the owner (allow-list, disputes wiring) and treasury (slashed bonds).
    /// * `license_nft` - the license contract (`licenseUsage`, `setDebt`, `ownerOf`).
    /// * `escrow` - the usage escrow (`charge`); deploy it first.
    /// * `challenge_window` - seconds a batch can be challenged before it settles (> 0).
    /// * `min_attestor_bond` - bond needed to anchor, and the slash of an upheld challenge (> 0).
    /// * `exit_delay` - seconds between an attestor's exit request and its bond withdrawal.
    ///
    /// # Errors
    /// [`InvalidConfiguration`] for a zero address, window or bond.
    #[constructor]
    pub fn constructor(
        &mut self,
        owner: Address,
        license_nft: Address,
        escrow: Address,
        challenge_window: u64,
        min_attestor_bond: U256,
        exit_delay: u64,
    ) -> Result<(), Error> {
        if owner.is_zero()
            || license_nft.is_zero()
            || escrow.is_zero()
            || challenge_window == 0
            || min_attestor_bond.is_zero()
        {
            return Err(Error::InvalidConfiguration(InvalidConfiguration {}));
        }
        self.set_global(Global::LicenseNft, license_nft.into_word());
        self.set_global(Global::Escrow, escrow.into_word());
        self.set_global_u64(Global::ChallengeWindow, challenge_window);
        self.set_global(Global::MinAttestorBond, min_attestor_bond.into());
        self.set_global_u64(Global::ExitDelay, exit_delay);
        self.set_owner(owner);
        Ok(())
    }

    // ----- administration -----

    /// The owner.
    pub fn owner(&self) -> Address {
        self.global_address(Global::Owner)
    }

    /// The owner-elect of a started transfer (zero if none).
    pub fn pending_owner(&self) -> Address {
        self.global_address(Global::PendingOwner)
    }

    /// Starts transferring ownership to `new_owner`, who must accept; the zero address cancels
    /// a started transfer.
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount` unless the caller is the owner.
    ///
    /// # Events
    /// `OwnershipTransferStarted`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        self.start_ownership_transfer(new_owner)
    }

    /// The pending owner accepts ownership.
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount` unless the caller is the pending owner.
    ///
    /// # Events
    /// `OwnershipTransferred`.
    pub fn accept_ownership(&mut self) -> Result<(), Error> {
        self.finish_ownership_transfer()
    }

    /// Adds `attestor` to the allow-list (`allowed`) or removes it.
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount` unless the caller is the owner.
    ///
    /// # Events
    /// `AttestorAllowed`.
    pub fn set_attestor(&mut self, attestor: Address, allowed: bool) -> Result<(), Error> {
        self.allow_attestor(attestor, allowed)
    }

    /// Wires the disputes contract, the only account that may change a batch's challenge
    /// status (owner only, once).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, `DisputesAlreadySet`, `InvalidConfiguration` for zero.
    ///
    /// # Events
    /// `DisputesSet`.
    pub fn set_disputes(&mut self, disputes: Address) -> Result<(), Error> {
        self.wire_disputes(disputes)
    }

    // ----- attestors -----

    /// Adds `msg.value` to the caller's attestor bond (caller must be allow-listed).
    ///
    /// # Errors
    /// `AttestorNotAllowed`, `ZeroAmount`, `AttestorExiting`.
    ///
    /// # Events
    /// `AttestorBonded`.
    #[payable]
    pub fn bond_attestor(&mut self) -> Result<(), Error> {
        self.post_bond()
    }

    /// Starts the caller's exit: it can no longer bond or anchor.
    ///
    /// # Errors
    /// `AttestorExiting` if already exiting, `ZeroAmount` without a bond.
    ///
    /// # Events
    /// `AttestorExitRequested`.
    pub fn request_attestor_exit(&mut self) -> Result<(), Error> {
        self.begin_exit()
    }

    /// Pays the exiting caller its whole remaining bond once nothing is at stake.
    ///
    /// # Errors
    /// `ExitNotRequested`, `BondUnderChallenge`, `BondLocked`, `NativeTransferFailed`.
    ///
    /// # Events
    /// `AttestorBondWithdrawn`.
    pub fn withdraw_attestor_bond(&mut self) -> Result<(), Error> {
        self.release_bond()
    }

    // ----- batches -----

    /// Moves a batch between challenge states (the disputes contract only):
    /// `ANCHORED`/`CLEARED` → `CHALLENGED` (2, a new round), `CHALLENGED` → `VOIDED` (3: the
    /// attestor is slashed `min(bond, minAttestorBond)`, credited to the owner) or `CLEARED`
    /// (4). Returns the batch's challenge round.
    ///
    /// # Errors
    /// `NotDisputes`, `UnknownBatch`, `InvalidStatusChange`.
    ///
    /// # Events
    /// `BatchStatusChanged`, `Credited` (the slash).
    pub fn set_batch_status(
        &mut self,
        attestor: Address,
        batch_id: B256,
        status: u8,
    ) -> Result<u16, Error> {
        self.change_status(attestor, batch_id, status)
    }

    // ----- payouts -----

    /// Pulls the caller's credited balance (slashed bonds, for the treasury).
    ///
    /// # Errors
    /// `NothingToWithdraw`, `NativeTransferFailed`.
    ///
    /// # Events
    /// `CreditWithdrawn`.
    pub fn withdraw_credit(&mut self) -> Result<(), Error> {
        self.pay_credit()
    }

    // ----- views -----

    /// The configuration; see [`ConfigInfo`]. `domainSeparator` is the EIP-712 domain
    /// separator of batch signatures (name `"Tributary UsageAnchor"`, version `"2"`, this chain,
    /// this contract).
    pub fn config(&self) -> ConfigInfo {
        (
            self.global_address(Global::LicenseNft),
            self.global_address(Global::Escrow),
            self.global_address(Global::Disputes),
            self.challenge_window_secs(),
            self.global_uint(Global::MinAttestorBond),
            self.exit_delay_secs(),
            signing::domain_separator(
                self.vm(),
                self.vm().chain_id(),
                self.vm().contract_address(),
            ),
        )
    }

    /// An account's attestor state and credit; see [`AttestorInfo`].
    pub fn attestor_info(&self, account: Address) -> AttestorInfo {
        let state = self.attestor_state(account);
        (
            state.allowed,
            self.bond_of(account),
            state.locked_until,
            state.open_challenges,
            state.exit_requested_at,
            self.credit_of_account(account),
        )
    }

    /// A batch's record; see [`BatchInfo`]. `batchHash` is the first 21 bytes of the EIP-712
    /// `hashStruct` of the batch as anchored (what is stored; the rest zero); `status`: 0 none, 1 anchored, 2 challenged, 3 voided, 4 cleared;
    /// `round`: challenge rounds opened so far; `settledReceipts` / `settledUnits`: what the
    /// settled (or skipped) usage leaves used of the signed totals.
    pub fn batch_info(&self, attestor: Address, batch_id: B256) -> BatchInfo {
        let key = tributary_merkle::batch_key(attestor, batch_id);
        let state = self.batch_state(&key);
        let totals = self.settled_totals(&key);
        let mut hash = B256::ZERO;
        hash[..state::HASH_PREFIX].copy_from_slice(&state.hash_prefix);
        (
            hash,
            state.anchored_at,
            state.status,
            state.round,
            totals.receipts,
            U256::from(totals.units),
        )
    }

    /// Whether usage leaf `index` of the batch was settled (or skipped).
    pub fn is_usage_settled(&self, attestor: Address, batch_id: B256, index: u32) -> bool {
        let key = tributary_merkle::batch_key(attestor, batch_id);
        self.is_settled(&key, index)
    }

]
[
    /// Receives `anchorBatch` and `settle` (see [`calldata`]; documented with their typed
    /// declarations, [`UsageAnchor::anchor_batch_typed`] and [`UsageAnchor::settle_typed`]).
    /// Any other selector, and empty calldata, reverts without data.
    ///
    /// # Errors
    /// Those of `anchorBatch` and `settle`, ABI-encoded, and `MalformedCalldata`.
    #[fallback]
    pub fn fallback(&mut self, input: &[u8]) -> stylus_sdk::ArbResult {
        match self.dispatch(input) {
            Some(Ok(())) => Ok(Vec::new()),
            Some(Err(error)) => Err(error.into()),
            None => Err(Vec::new()),
        }
    }
]
[
    /// Anchors a batch signed (EIP-712) by its attestor; anyone may submit it.
    ///
    /// # Errors
    /// `BatchAlreadyAnchored`, `BatchExpired`, `InvalidBatch`, `AttestorNotAllowed`,
    /// `AttestorExiting`, `InsufficientBond`, `InvalidSignatureLength`, `ECDSAInvalidSignature`,
    /// `ECDSAInvalidSignatureS` (high `s`), `BadSignature`, `MalformedCalldata`.
    ///
    /// # Events
    /// `BatchAnchored`.
    pub fn anchor_batch(&mut self, batch: BatchTuple, signature: Bytes) -> Result<(), Error> {
        self.anchor_batch_typed(batch, &signature)
    }

    /// Settles usage leaves of a batch after its window with one multiproof over their hashes
    /// (in proof order); a single leaf may use a plain Merkle path with empty `proofFlags`.
    /// Leaves that cannot be billed are skipped (`UsageSkipped`), not reverted.
    ///
    /// # Errors
    /// `UnknownBatch`, `BatchMismatch`, `BatchUnderChallenge`, `BatchVoided`,
    /// `ChallengeWindowOpen`, `EmptySettlement`, `InvalidProof`, `InvalidUsageLeaf`,
    /// `UsageAlreadySettled`, `BatchTotalsExceeded`, `ArithmeticOverflow`,
    /// `ExternalCallFailed` (the license contract, or the escrow's `charge`),
    /// `MalformedCalldata`.
    ///
    /// # Events
    /// `UsageSettled` or `UsageSkipped` per leaf (here); the escrow emits `EscrowCharged`,
    /// `DebtChanged` and `FeesDeposited`.
    pub fn settle(
        &mut self,
        batch: BatchTuple,
        leaves: Vec<LeafTuple>,
        proof: Vec<B256>,
        proof_flags: Vec<bool>,
    ) -> Result<(), Error> {
        self.settle_typed(batch, leaves, proof, proof_flags)
    }

]
}

/// Typed `anchorBatch` and `settle` for the unit tests, through the same hand decoder as the
/// contract's fallback.
#[cfg(test)]
impl UsageAnchor {
    /// `anchorBatch(batch, signature)`.
    pub fn anchor_batch(&mut self, batch: BatchTuple, signature: Bytes) -> Result<(), Error> {
        self.anchor_batch_typed(batch, &signature)
    }

    /// `settle(batch, leaves, proof, proofFlags)`.
    pub fn settle(
        &mut self,
        batch: BatchTuple,
        leaves: Vec<LeafTuple>,
        proof: Vec<B256>,
        proof_flags: Vec<bool>,
    ) -> Result<(), Error> {
        self.settle_typed(batch, leaves, proof, proof_flags)
    }
}

impl UsageAnchor {
    /// The challenge window in seconds.
    pub(crate) fn challenge_window_secs(&self) -> u64 {
        self.global_u64(Global::ChallengeWindow)
    }

    /// The exit delay in seconds.
    pub(crate) fn exit_delay_secs(&self) -> u64 {
        self.global_u64(Global::ExitDelay)
    }
}
