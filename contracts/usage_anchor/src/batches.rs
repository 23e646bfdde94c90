//! Batches: anchoring a signed Merkle root, the challenge window, challenges and their
//! resolution.
//!
//! Life of a batch (`status`):
//! `ANCHORED` → (window passes) settleable;
//! `ANCHORED` → `challenge` inside the window → `CHALLENGED` → arbiter:
//!   upheld → `VOIDED` (never settleable; the challenger gets its bond back plus
//!   `min(attestor bond, minAttestorBond)` slashed from the attestor),
//!   rejected → `CLEARED` (settleable once its window has passed; cannot be challenged again;
//!   the challenge bond goes to the attestor).
//! Payouts are credited (pull payments, `withdrawCredit`) so a failing recipient blocks only
//! itself.

use alloy_primitives::{
    aliases::{U32, U64, U8},
    Address, B256, U256,
};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageU256, StorageU32, StorageU64, StorageU8},
};
use tributary_abi::usage::Batch;

use crate::{
    clock,
    errors::{
        overflow, AttestorExiting, BatchAlreadyAnchored, BatchAlreadyChallenged,
        BatchUnderChallenge, BatchVoided, ChallengeWindowClosed, ChallengeWindowOpen, Error,
        InsufficientBond, InvalidBatch, NoOpenChallenge, NothingToWithdraw, UnknownBatch,
        WrongChallengeBond,
    },
    events::{emit, BatchAnchored, BatchChallenged, ChallengeResolved, CreditWithdrawn, Credited},
    UsageAnchor, ARBITER_ROLE,
};

/// No batch with this id.
pub const STATUS_NONE: u8 = 0;
/// Anchored, never challenged.
pub const STATUS_ANCHORED: u8 = 1;
/// Challenged, waiting for the arbiter.
pub const STATUS_CHALLENGED: u8 = 2;
/// Voided by an upheld challenge.
pub const STATUS_VOIDED: u8 = 3;
/// Challenge rejected; settleable after its window.
pub const STATUS_CLEARED: u8 = 4;

/// An anchored batch. The signed fields are kept so that anyone can read what was attested;
/// the receipts themselves stay off-chain (only the root is trusted).
#[storage]
pub struct BatchRecord {
    /// The attestor that signed it.
    pub(crate) attestor: StorageAddress,
    /// Life-cycle state (`STATUS_*`).
    pub(crate) status: StorageU8,
    /// Number of receipts in the tree (as signed; informational).
    pub(crate) receipt_count: StorageU32,
    /// When it was anchored (unix seconds).
    pub(crate) anchored_at: StorageU64,
    /// Start of the metering period.
    pub(crate) period_start: StorageU64,
    /// End of the metering period.
    pub(crate) period_end: StorageU64,
    /// Merkle root of the receipts' leaves.
    pub(crate) root: StorageB256,
    /// Sum of units over the receipts (as signed; informational).
    pub(crate) total_units: StorageU256,
    /// Who challenged it, if anyone.
    pub(crate) challenger: StorageAddress,
}

impl UsageAnchor {
    /// Records a batch signed by its attestor; anyone may submit it.
    pub(crate) fn record_batch(&mut self, batch: &Batch, signature: &[u8]) -> Result<(), Error> {
        let now = clock::now(self.vm());
        let batch_id = batch.batchId;
        let attestor = batch.attestor;
        if self.batches.getter(batch_id).status.get() != U8::from(STATUS_NONE) {
            return Err(Error::BatchAlreadyAnchored(BatchAlreadyAnchored {
                batchId: batch_id,
            }));
        }
        if attestor.is_zero()
            || batch.receiptCount == 0
            || batch.periodStart > batch.periodEnd
            || batch.periodEnd > now
        {
            return Err(Error::InvalidBatch(InvalidBatch { batchId: batch_id }));
        }
        self.require_allowed(attestor)?;
        let record = self.attestors.getter(attestor);
        if !record.exit_requested_at.get().is_zero() {
            return Err(Error::AttestorExiting(AttestorExiting { attestor }));
        }
        let bond = record.bond.get();
        let required = self.min_attestor_bond.get();
        if bond < required {
            return Err(Error::InsufficientBond(InsufficientBond {
                attestor,
                bond,
                required,
            }));
        }
        self.verify_batch_signature(batch, signature)?;

        let settleable_at = now
            .checked_add(self.challenge_window_secs())
            .ok_or_else(overflow)?;
        let mut stored = self.batches.setter(batch_id);
        stored.attestor.set(attestor);
        stored.status.set(U8::from(STATUS_ANCHORED));
        stored.receipt_count.set(U32::from(batch.receiptCount));
        stored.anchored_at.set(U64::from(now));
        stored.period_start.set(U64::from(batch.periodStart));
        stored.period_end.set(U64::from(batch.periodEnd));
        stored.root.set(batch.root);
        stored.total_units.set(batch.totalUnits);
        self.lock_bond_until(attestor, settleable_at);
        emit(
            self.vm(),
            &BatchAnchored {
                batchId: batch_id,
                attestor,
                root: batch.root,
                receiptCount: batch.receiptCount,
                totalUnits: batch.totalUnits,
                settleableAt: settleable_at,
            },
        );
        Ok(())
    }

    /// Opens a challenge against a batch inside its window; `msg.value` must be the challenge
    /// bond.
    pub(crate) fn challenge_batch(&mut self, batch_id: B256, evidence: B256) -> Result<(), Error> {
        let now = clock::now(self.vm());
        let challenger = self.vm().msg_sender();
        let sent = self.vm().msg_value();
        let required = self.challenge_bond.get();
        if sent != required {
            return Err(Error::WrongChallengeBond(WrongChallengeBond {
                sent,
                required,
            }));
        }
        let status = self.batch_status(batch_id);
        match status {
            STATUS_NONE => return Err(Error::UnknownBatch(UnknownBatch { batchId: batch_id })),
            STATUS_ANCHORED => {}
            STATUS_VOIDED => return Err(Error::BatchVoided(BatchVoided { batchId: batch_id })),
            _ => {
                return Err(Error::BatchAlreadyChallenged(BatchAlreadyChallenged {
                    batchId: batch_id,
                }))
            }
        }
        let closes_at = self.settleable_at(batch_id)?;
        if now >= closes_at {
            return Err(Error::ChallengeWindowClosed(ChallengeWindowClosed {
                batchId: batch_id,
                closedAt: closes_at,
            }));
        }
        let mut stored = self.batches.setter(batch_id);
        stored.status.set(U8::from(STATUS_CHALLENGED));
        stored.challenger.set(challenger);
        let attestor = stored.attestor.get();
        self.count_open_challenge(attestor, true)?;
        let open = self
            .open_challenges
            .get()
            .checked_add(U32::from(1))
            .ok_or_else(overflow)?;
        self.open_challenges.set(open);
        emit(
            self.vm(),
            &BatchChallenged {
                batchId: batch_id,
                challenger,
                evidence,
            },
        );
        Ok(())
    }

    /// The arbiter's ruling on an open challenge.
    pub(crate) fn rule_on_challenge(&mut self, batch_id: B256, upheld: bool) -> Result<(), Error> {
        self.access
            ._check_role(ARBITER_ROLE.into(), self.vm().msg_sender())?;
        if self.batch_status(batch_id) != STATUS_CHALLENGED {
            return Err(Error::NoOpenChallenge(NoOpenChallenge {
                batchId: batch_id,
            }));
        }
        let now = clock::now(self.vm());
        let bond = self.challenge_bond.get();
        let mut stored = self.batches.setter(batch_id);
        let attestor = stored.attestor.get();
        let challenger = stored.challenger.get();
        stored.status.set(U8::from(if upheld {
            STATUS_VOIDED
        } else {
            STATUS_CLEARED
        }));
        self.count_open_challenge(attestor, false)?;
        let open = self
            .open_challenges
            .get()
            .checked_sub(U32::from(1))
            .ok_or_else(overflow)?;
        self.open_challenges.set(open);
        let slashed = if upheld {
            let slashed = self.slash_bond(attestor, self.min_attestor_bond.get());
            self.credit(challenger, bond.checked_add(slashed).ok_or_else(overflow)?)?;
            slashed
        } else {
            self.last_challenge_cleared_at.set(U64::from(now));
            self.credit(attestor, bond)?;
            U256::ZERO
        };
        emit(
            self.vm(),
            &ChallengeResolved {
                batchId: batch_id,
                upheld,
                slashed,
            },
        );
        Ok(())
    }

    /// Adds to `account`'s pull-payment balance.
    pub(crate) fn credit(&mut self, account: Address, amount: U256) -> Result<(), Error> {
        if amount.is_zero() {
            return Ok(());
        }
        let mut balance = self.credits.setter(account);
        let total = balance.get().checked_add(amount).ok_or_else(overflow)?;
        balance.set(total);
        emit(self.vm(), &Credited { account, amount });
        Ok(())
    }

    /// Pays the caller its credited balance (challenge payouts).
    pub(crate) fn pay_credit(&mut self) -> Result<(), Error> {
        let account = self.vm().msg_sender();
        let amount = self.credits.get(account);
        if amount.is_zero() {
            return Err(Error::NothingToWithdraw(NothingToWithdraw { account }));
        }
        self.credits.setter(account).set(U256::ZERO);
        emit(self.vm(), &CreditWithdrawn { account, amount });
        self.send(account, amount)
    }

    /// The batch's `STATUS_*`.
    pub(crate) fn batch_status(&self, batch_id: B256) -> u8 {
        self.batches.getter(batch_id).status.get().to::<u8>()
    }

    /// When the batch's challenge window closes (and settlement may start).
    pub(crate) fn settleable_at(&self, batch_id: B256) -> Result<u64, Error> {
        let anchored_at = self.batches.getter(batch_id).anchored_at.get().to::<u64>();
        anchored_at
            .checked_add(self.challenge_window_secs())
            .ok_or_else(overflow)
    }

    /// Fails unless the batch can be settled now.
    pub(crate) fn require_settleable(&self, batch_id: B256) -> Result<(), Error> {
        match self.batch_status(batch_id) {
            STATUS_NONE => return Err(Error::UnknownBatch(UnknownBatch { batchId: batch_id })),
            STATUS_CHALLENGED => {
                return Err(Error::BatchUnderChallenge(BatchUnderChallenge {
                    batchId: batch_id,
                }))
            }
            STATUS_VOIDED => return Err(Error::BatchVoided(BatchVoided { batchId: batch_id })),
            _ => {}
        }
        let settleable_at = self.settleable_at(batch_id)?;
        if clock::now(self.vm()) < settleable_at {
            return Err(Error::ChallengeWindowOpen(ChallengeWindowOpen {
                batchId: batch_id,
                settleableAt: settleable_at,
            }));
        }
        Ok(())
    }
}
