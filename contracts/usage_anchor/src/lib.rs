//! Tributary usage anchor: attested usage receipts, challenges and per-use fee settlement.
//!
//! Compute providers (attestors) sign usage receipts off-chain, build a Merkle tree of them
//! and sign the batch (EIP-712). Anyone anchors the signed root here; after a challenge
//! window anyone settles receipts with a multiproof; the anchor then charges `units ×
//! usageRate` per license to the usage escrow (`usage_escrow` crate, `IUsageEscrow.charge`),
//! which takes the fees from the licenses' escrow into the datasets' splits and records debt.
//! Modules, one concern each:
//!
//! - [`admin`]: the two-step owner, the attestor allow-list and the arbiter;
//! - [`attestors`]: bonds, exit, signature check;
//! - [`batches`]: anchoring, the challenge window, challenges and the arbiter's ruling;
//! - [`settlement`]: proofs, per-receipt license checks, fees, the escrow charge;
//! - [`signing`] and [`merkle`]: the pure EIP-712 digest and Merkle verification;
//! - [`external_calls`]: the license contract, the escrow, ERC-1271, native payouts;
//! - [`state`]: the keccak-addressed storage words of attestors, credits, batches and the settled
//!   bitmap.
//!
//! # Deployment
//! `UsageEscrow(owner, licenseNft, splitter, withdrawalDelay)` first, then
//! `UsageAnchor(owner, licenseNft, escrow, challengeWindow, minAttestorBond, challengeBond,
//! exitDelay)`, then `escrow.setUsageAnchor(anchor)` and `licenseNft.setUsageAnchor(escrow)`:
//! the escrow, not this contract, is the license contract's "usage anchor" (it calls
//! `setDebt`).
//!
//! Administration ([`admin`]): the owner (two-step transfer) allow-lists attestors with
//! `setAttestor(attestor, allowed)` and appoints the arbiter with `setArbiter(arbiter)`; the
//! arbiter resolves challenges. The constructor makes the owner the first arbiter.
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

/// ABI form of [`tributary_abi::usage::Batch`]: `(batchId, attestor, root, receiptCount,
/// totalUnits, periodStart, periodEnd)`. stylus-sdk 0.9 would compute a wrong selector for a named
/// struct argument, so the router takes the tuple (same ABI encoding) and converts.
pub type BatchTuple = (B256, Address, B256, u32, U256, u64, u64);
/// ABI form of [`tributary_abi::usage::Receipt`]: `(jobId, licenseId, datasetId, modelHash, unit,
/// units, timestamp, attestor)`.
pub type ReceiptTuple = (B256, U256, U256, B256, u8, U256, u64, Address);
/// `batchInfo` result: `(attestor, root, receiptCount, totalUnits, periodStart, periodEnd,
/// anchoredAt, status, challenger)`.
pub type BatchInfo = (Address, B256, u32, U256, u64, u64, u64, u8, Address);
/// `config` result: `(licenseNft, escrow, arbiter, challengeWindow, minAttestorBond,
/// challengeBond, exitDelay, domainSeparator)`.
pub type ConfigInfo = (Address, Address, Address, u64, U256, U256, u64, B256);
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
    /// * `owner` - the owner (allow-list, arbiter appointment) and first arbiter.
    /// * `license_nft` - the license contract (`licenseUsage`, `setDebt`, `ownerOf`).
    /// * `escrow` - the usage escrow (`charge`); deploy it first.
    /// * `challenge_window` - seconds a batch can be challenged before it settles (> 0).
    /// * `min_attestor_bond` - bond needed to anchor, and the slash of an upheld challenge (> 0).
    /// * `challenge_bond` - exact value a challenge carries (> 0).
    /// * `exit_delay` - seconds between an attestor's exit request and its bond withdrawal.
    ///
    /// # Errors
    /// [`InvalidConfiguration`] for a zero address, window or bond.
    #[constructor]
    #[allow(clippy::too_many_arguments)]
    pub fn constructor(
        &mut self,
        owner: Address,
        license_nft: Address,
        escrow: Address,
        challenge_window: u64,
        min_attestor_bond: U256,
        challenge_bond: U256,
        exit_delay: u64,
    ) -> Result<(), Error> {
        if owner.is_zero()
            || license_nft.is_zero()
            || escrow.is_zero()
            || challenge_window == 0
            || min_attestor_bond.is_zero()
            || challenge_bond.is_zero()
        {
            return Err(Error::InvalidConfiguration(InvalidConfiguration {}));
        }
        self.set_global(Global::LicenseNft, license_nft.into_word());
        self.set_global(Global::Escrow, escrow.into_word());
        self.set_global_u64(Global::ChallengeWindow, challenge_window);
        self.set_global(Global::MinAttestorBond, min_attestor_bond.into());
        self.set_global(Global::ChallengeBond, challenge_bond.into());
        self.set_global_u64(Global::ExitDelay, exit_delay);
        self.set_owner(owner);
        self.set_arbiter_unchecked(owner);
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

    /// Appoints the arbiter, who resolves challenges.
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount` unless the caller is the owner.
    ///
    /// # Events
    /// `ArbiterChanged`.
    pub fn set_arbiter(&mut self, arbiter: Address) -> Result<(), Error> {
        self.appoint_arbiter(arbiter)
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

    /// Challenges a batch inside its window; `msg.value` must equal the challenge bond.
    /// `evidence` is the hash of the off-chain evidence for the arbiter. A batch can be
    /// challenged once.
    ///
    /// # Errors
    /// `WrongChallengeBond`, `UnknownBatch`, `BatchVoided`, `BatchAlreadyChallenged`,
    /// `ChallengeWindowClosed`.
    ///
    /// # Events
    /// `BatchChallenged`.
    #[payable]
    pub fn challenge(&mut self, batch_id: B256, evidence: B256) -> Result<(), Error> {
        self.challenge_batch(batch_id, evidence)
    }

    /// The arbiter's ruling. Upheld: the batch is void and the challenger is credited its bond
    /// plus `min(attestor bond, minAttestorBond)` slashed from the attestor. Rejected: the
    /// challenge bond is credited to the attestor and the batch settles normally.
    ///
    /// # Errors
    /// `NotChallengeArbiter` unless the caller is the arbiter, `NoOpenChallenge`.
    ///
    /// # Events
    /// `ChallengeResolved`, `Credited`.
    pub fn resolve_challenge(&mut self, batch_id: B256, upheld: bool) -> Result<(), Error> {
        self.rule_on_challenge(batch_id, upheld)
    }

    // ----- payouts -----

    /// Pulls the caller's credited balance (challenge payouts).
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
    /// separator of batch signatures (name `"Tributary UsageAnchor"`, version `"1"`, this chain,
    /// this contract).
    pub fn config(&self) -> ConfigInfo {
        (
            self.global_address(Global::LicenseNft),
            self.global_address(Global::Escrow),
            self.global_address(Global::Arbiter),
            self.challenge_window_secs(),
            self.global_uint(Global::MinAttestorBond),
            self.global_uint(Global::ChallengeBond),
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

    /// A batch's record; see [`BatchInfo`]. `status`: 0 none, 1 anchored, 2 challenged,
    /// 3 voided, 4 cleared.
    pub fn batch_info(&self, batch_id: B256) -> BatchInfo {
        let batch = self.batch(batch_id);
        (
            batch.attestor,
            batch.root,
            batch.receipt_count,
            batch.total_units,
            batch.period_start,
            batch.period_end,
            batch.anchored_at,
            batch.status,
            batch.challenger,
        )
    }

    /// What the escrow's withdrawal rule needs (`IUsageAnchor.settlementHold`):
    /// `(challengeWindow, openChallenges, lastChallengeClearedAt)`. Every batch anchored at `t`
    /// is settleable from `t + challengeWindow`, or from when its challenge was rejected.
    pub fn settlement_hold(&self) -> (u64, u32, u64) {
        (
            self.challenge_window_secs(),
            self.open_challenge_count(),
            self.global_u64(Global::LastChallengeClearedAt),
        )
    }

    /// Whether the receipt with this leaf was settled.
    pub fn is_receipt_settled(&self, leaf: B256) -> bool {
        self.is_settled(&leaf)
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
    /// `BatchAlreadyAnchored`, `InvalidBatch`, `AttestorNotAllowed`, `AttestorExiting`,
    /// `InsufficientBond`, `InvalidSignatureLength`, `ECDSAInvalidSignature`,
    /// `ECDSAInvalidSignatureS` (high `s`), `BadSignature`, `MalformedCalldata`.
    ///
    /// # Events
    /// `BatchAnchored`.
    pub fn anchor_batch(&mut self, batch: BatchTuple, signature: Bytes) -> Result<(), Error> {
        self.anchor_batch_typed(batch, &signature)
    }

    /// Settles receipts of a batch after its window with one multiproof over their leaves (in
    /// proof order). A single receipt may use a plain Merkle path with empty `flags`.
    ///
    /// # Errors
    /// `UnknownBatch`, `BatchUnderChallenge`, `BatchVoided`, `ChallengeWindowOpen`,
    /// `EmptySettlement`, `InvalidProof`, `ReceiptAttestorMismatch`, `ReceiptOutsidePeriod`,
    /// `ReceiptAlreadySettled`, `WrongDataset`, `WrongUsageUnit`, `LicenseRevoked`,
    /// `LicenseNotActive`, `ScopeNotLicensed`, `ArithmeticOverflow`, `ExternalCallFailed`
    /// (also when the escrow's `charge` reverts), `MalformedCalldata`.
    ///
    /// # Events
    /// `ReceiptSettled` per receipt (here); the escrow emits `EscrowCharged`, `DebtChanged`
    /// and `FeesDeposited`.
    pub fn settle(
        &mut self,
        batch_id: B256,
        receipts: Vec<ReceiptTuple>,
        proof: Vec<B256>,
        flags: Vec<bool>,
    ) -> Result<(), Error> {
        self.settle_typed(batch_id, receipts, proof, flags)
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

    /// `settle(batchId, receipts, proof, flags)`.
    pub fn settle(
        &mut self,
        batch_id: B256,
        receipts: Vec<ReceiptTuple>,
        proof: Vec<B256>,
        flags: Vec<bool>,
    ) -> Result<(), Error> {
        self.settle_typed(batch_id, receipts, proof, flags)
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
