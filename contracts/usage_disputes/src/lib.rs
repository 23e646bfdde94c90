//! Tributary usage disputes: the challenge game of anchored usage batches, the escrow holds a
//! challenge places, and proofs of single receipts (settlement v2, `docs/settlement.md` §3–§4).
//!
//! A crate of its own because it does not fit the usage anchor's code size (measured: the
//! anchor with these functions was 27,822 B compressed against the 24,576 B limit). The anchor
//! keeps what settlement reads — a batch's status and challenge round — and this contract
//! changes it through `IUsageAnchor.setBatchStatus`, which only this contract may call.
//! Settlement therefore enters no extra program.
//!
//! The rules:
//! - **Who challenges:** anyone, any number of challengers per round, each posting exactly
//!   `challengeBond`, while `now < anchoredAt + challengeWindow`. Joining an open round is never
//!   refused, so an attestor cannot squat a batch's only challenge with a second address; after a
//!   rejected round the batch can be challenged again while its window lasts.
//! - **Ruling:** the arbiter rules on the round (`resolveChallenge`). Upheld: the anchor voids the
//!   batch and slashes the attestor for the treasury (the anchor's owner), never for a challenger;
//!   the round's challengers get their bonds back. Rejected: the round's bonds go to the attestor
//!   and the batch becomes settleable after its window.
//! - **Bonds:** `claimChallengeBond` (anyone) credits a resolved challenger's bond to the winner;
//!   credits are pulled with `withdrawCredit`, so a failing recipient blocks only itself.
//! - **Holds:** while a batch is challenged, anyone proves with `holdEscrow` that one of its usage
//!   leaves bills a license; that license's escrow cannot be withdrawn until `releaseEscrow`
//!   (anyone, after the ruling). No challenge holds any other escrow.
//! - **Receipts:** `verifyReceipt` proves one receipt down to the anchored batch root.
//!
//! # Deployment
//! After the anchor: `UsageDisputes(owner, anchor, escrow, challengeBond)` (it reads the
//! challenge window from `anchor.config()`), then `anchor.setDisputes(disputes)` and
//! `escrow.setUsageAnchor(anchor)`. The owner appoints the arbiter (`setArbiter`); the
//! constructor makes the owner the first arbiter.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
// `#[entrypoint]` generates an undocumented `pub fn user_entrypoint` (and `print_from_args` with
// export-abi); host builds still check that everything written by hand is documented.
#![cfg_attr(
    any(target_arch = "wasm32", feature = "export-abi"),
    allow(missing_docs)
)]
extern crate alloc;

pub mod anchor;
pub mod challenges;
pub mod clock;
pub mod errors;
pub mod events;
pub mod proofs;

#[cfg(test)]
mod tests;

use alloc::vec::Vec;

use alloy_primitives::{aliases::U64, Address, B256, U256};
use openzeppelin_stylus::access::ownable_two_step::{IOwnable2Step, Ownable2Step};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageMap, StorageU16, StorageU256, StorageU64},
};

use crate::{
    errors::{Error, InvalidConfiguration},
    events::ArbiterChanged,
};

/// ABI form of [`tributary_abi::usage::Batch`]: `(batchId, attestor, root, leafCount,
/// receiptCount, totalUnits, periodStart, periodEnd, deadline)` (stylus-sdk 0.9 computes a
/// wrong selector for a named struct argument; the tuple has the same ABI encoding).
pub type BatchTuple = (B256, Address, B256, u32, u32, U256, u64, u64, u64);
/// ABI form of [`tributary_abi::usage::UsageLeaf`]: `(index, licenseId, assetId, scope, unit,
/// units, receiptCount, firstAt, lastAt, receiptsRoot)`.
pub type LeafTuple = (u32, U256, U256, U256, u8, U256, u32, u64, u64, B256);
/// ABI form of [`tributary_abi::usage::Receipt`]: `(jobId, licenseId, assetId, modelHash,
/// scope, unit, units, timestamp, attestor)`.
pub type ReceiptTuple = (B256, U256, U256, B256, U256, u8, U256, u64, Address);

/// A challenger's bond on one batch.
#[storage]
pub struct ChallengerRecord {
    /// The round it challenged in.
    pub(crate) round: StorageU16,
    /// The bond; 0 = none, or paid out.
    pub(crate) bond: StorageU256,
}

/// The usage disputes contract's storage.
#[entrypoint]
#[storage]
pub struct UsageDisputes {
    /// The owner: appoints the arbiter.
    pub(crate) ownable: Ownable2Step,
    /// Resolves challenges.
    pub(crate) arbiter: StorageAddress,
    /// The usage anchor (batch status, `setBatchStatus`).
    pub(crate) anchor: StorageAddress,
    /// The usage escrow (`addHold`, `removeHold`).
    pub(crate) escrow: StorageAddress,
    /// Exact value a challenge carries.
    pub(crate) challenge_bond: StorageU256,
    /// The anchor's challenge window (seconds), read at deployment.
    pub(crate) challenge_window: StorageU64,
    /// Challenger records by batch key, then challenger.
    pub(crate) challengers: StorageMap<B256, StorageMap<Address, ChallengerRecord>>,
    /// The license each (batch key, leaf index) holds; 0 = none.
    pub(crate) holds: StorageMap<B256, StorageMap<U256, StorageU256>>,
    /// Pull-payment balances (challenge bonds).
    pub(crate) credits: StorageMap<Address, StorageU256>,
}

#[public]
impl UsageDisputes {
    /// Deploys the disputes contract for `anchor` and `escrow`.
    ///
    /// # Arguments
    /// * `owner` - appoints the arbiter; also the first arbiter.
    /// * `anchor` - the usage anchor (its challenge window is read now).
    /// * `escrow` - the usage escrow (holds).
    /// * `challenge_bond` - exact value a challenge carries (> 0).
    ///
    /// # Errors
    /// [`InvalidConfiguration`] for a zero address or bond; `ExternalCallFailed` if the anchor
    /// does not answer `config()`.
    #[constructor]
    pub fn constructor(
        &mut self,
        owner: Address,
        anchor: Address,
        escrow: Address,
        challenge_bond: U256,
    ) -> Result<(), Error> {
        if owner.is_zero() || anchor.is_zero() || escrow.is_zero() || challenge_bond.is_zero() {
            return Err(Error::InvalidConfiguration(InvalidConfiguration {}));
        }
        self.ownable.constructor(owner)?;
        self.anchor.set(anchor);
        self.escrow.set(escrow);
        self.challenge_bond.set(challenge_bond);
        let window = self.anchor_window(anchor)?;
        self.challenge_window.set(U64::from(window));
        self.appoint(owner);
        Ok(())
    }

    /// The owner.
    pub fn owner(&self) -> Address {
        self.ownable.owner()
    }

    /// The owner-elect of a started transfer (zero if none).
    pub fn pending_owner(&self) -> Address {
        self.ownable.pending_owner()
    }

    /// Starts transferring ownership to `new_owner`, who must accept.
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount` unless the caller is the owner.
    ///
    /// # Events
    /// `OwnershipTransferStarted`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        Ok(self.ownable.transfer_ownership(new_owner)?)
    }

    /// The pending owner accepts ownership.
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount` unless the caller is the pending owner.
    ///
    /// # Events
    /// `OwnershipTransferred`.
    pub fn accept_ownership(&mut self) -> Result<(), Error> {
        Ok(self.ownable.accept_ownership()?)
    }

    /// Appoints the arbiter, who resolves challenges (owner only).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`.
    ///
    /// # Events
    /// `ArbiterChanged`.
    pub fn set_arbiter(&mut self, arbiter: Address) -> Result<(), Error> {
        self.ownable.ownable.only_owner()?;
        self.appoint(arbiter);
        Ok(())
    }

    /// Challenges `attestor`'s batch `batchId` inside its window, or joins its open round;
    /// `msg.value` must equal the challenge bond. `evidence` is the hash of the off-chain
    /// evidence for the arbiter.
    ///
    /// # Errors
    /// `WrongChallengeBond`, `UnknownBatch`, `BatchVoided`, `ChallengeWindowClosed`,
    /// `AlreadyChallenging`, `ExternalCallFailed` (the anchor).
    ///
    /// # Events
    /// `BatchChallenged`; `ChallengeBondClaimed` and `Credited` when the challenger's bond of an
    /// earlier, rejected round was still unclaimed. The anchor emits `BatchStatusChanged` when
    /// a round opens.
    #[payable]
    pub fn challenge(
        &mut self,
        attestor: Address,
        batch_id: B256,
        evidence: B256,
    ) -> Result<(), Error> {
        self.open_challenge(attestor, batch_id, evidence)
    }

    /// The arbiter's ruling on the batch's open round (upheld: the batch is void and its
    /// attestor slashed for the treasury; rejected: the batch can be settled).
    ///
    /// # Errors
    /// `NotChallengeArbiter`, `UnknownBatch`, `NoOpenChallenge`, `ExternalCallFailed`.
    ///
    /// # Events
    /// `ChallengeResolved`; the anchor emits `BatchStatusChanged`.
    pub fn resolve_challenge(
        &mut self,
        attestor: Address,
        batch_id: B256,
        upheld: bool,
    ) -> Result<(), Error> {
        self.rule(attestor, batch_id, upheld)
    }

    /// Credits a resolved challenger's bond (anyone may call): to the challenger if its round
    /// was upheld, to the attestor if it was rejected.
    ///
    /// # Errors
    /// `UnknownBatch`, `NoChallengeBond`, `BatchUnderChallenge` while its round is open.
    ///
    /// # Events
    /// `ChallengeBondClaimed`, `Credited`.
    pub fn claim_challenge_bond(
        &mut self,
        attestor: Address,
        batch_id: B256,
        challenger: Address,
    ) -> Result<(), Error> {
        self.claim(attestor, batch_id, challenger)
    }

    /// Pulls the caller's credited balance.
    ///
    /// # Errors
    /// `NothingToWithdraw`, `NativeTransferFailed`.
    ///
    /// # Events
    /// `CreditWithdrawn`.
    pub fn withdraw_credit(&mut self) -> Result<(), Error> {
        self.pay_credit()
    }

    /// Proves that leaf `leaf` (a plain Merkle path `proof`) of the challenged `batch` bills a
    /// license: that license's escrow cannot be withdrawn until the hold is released.
    ///
    /// # Errors
    /// `UnknownBatch`, `BatchMismatch`, `NoOpenChallenge`, `InvalidProof`, `InvalidUsageLeaf`,
    /// `EscrowAlreadyHeld`, `ExternalCallFailed`.
    ///
    /// # Events
    /// `EscrowHoldPlaced`; the escrow emits `EscrowHoldsChanged`.
    pub fn hold_escrow(
        &mut self,
        batch: BatchTuple,
        leaf: LeafTuple,
        proof: Vec<B256>,
    ) -> Result<(), Error> {
        self.place_hold(&batch, &leaf, &proof)
    }

    /// Releases the hold of leaf `index` of the batch once its round is resolved (anyone).
    ///
    /// # Errors
    /// `NoEscrowHold`, `BatchUnderChallenge`, `ExternalCallFailed`.
    ///
    /// # Events
    /// `EscrowHoldReleased`; the escrow emits `EscrowHoldsChanged`.
    pub fn release_escrow(
        &mut self,
        attestor: Address,
        batch_id: B256,
        index: u32,
    ) -> Result<(), Error> {
        self.release_hold(attestor, batch_id, index)
    }

    /// Whether `receipt` is anchored: in `leaf`'s receipts tree (`receiptProof`), `leaf` in the
    /// anchored, not voided `batch` (`leafProof`), and the receipt's license, asset, scope, unit,
    /// attestor and time agree with them. `false` for anything else.
    ///
    /// # Errors
    /// `ExternalCallFailed` if the anchor does not answer.
    pub fn verify_receipt(
        &self,
        batch: BatchTuple,
        leaf: LeafTuple,
        leaf_proof: Vec<B256>,
        receipt: ReceiptTuple,
        receipt_proof: Vec<B256>,
    ) -> Result<bool, Error> {
        self.receipt_is_anchored(&batch, &leaf, &leaf_proof, &receipt, &receipt_proof)
    }

    /// `(anchor, escrow, arbiter, challengeBond, challengeWindow)`.
    pub fn config(&self) -> (Address, Address, Address, U256, u64) {
        (
            self.anchor.get(),
            self.escrow.get(),
            self.arbiter.get(),
            self.challenge_bond.get(),
            self.challenge_window.get().to(),
        )
    }

    /// `challenger`'s bond on the batch: `(round, bond)`; bond 0 = none or paid out.
    pub fn challenger_info(
        &self,
        attestor: Address,
        batch_id: B256,
        challenger: Address,
    ) -> (u16, U256) {
        let key = tributary_merkle::batch_key(attestor, batch_id);
        let record = self.challengers.getter(key);
        let record = record.getter(challenger);
        (record.round.get().to(), record.bond.get())
    }

    /// The license whose escrow leaf `index` of the batch holds (0 = none).
    pub fn escrow_hold(&self, attestor: Address, batch_id: B256, index: u32) -> U256 {
        let key = tributary_merkle::batch_key(attestor, batch_id);
        self.holds.getter(key).get(U256::from(index))
    }

    /// `account`'s credited balance.
    pub fn credit_of(&self, account: Address) -> U256 {
        self.credits.get(account)
    }
}

impl UsageDisputes {
    /// Sets the arbiter.
    fn appoint(&mut self, arbiter: Address) {
        let previous = self.arbiter.get();
        self.arbiter.set(arbiter);
        stylus_sdk::stylus_core::log(
            self.vm(),
            ArbiterChanged {
                previousArbiter: previous,
                newArbiter: arbiter,
            },
        );
    }
}
