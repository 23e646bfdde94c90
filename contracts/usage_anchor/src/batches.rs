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

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;
use tributary_abi::usage::Batch;

use crate::{
    clock,
    errors::{
        overflow, AttestorExiting, BatchAlreadyAnchored, BatchAlreadyChallenged,
        BatchUnderChallenge, BatchVoided, ChallengeWindowClosed, ChallengeWindowOpen, Error,
        InsufficientBond, InvalidBatch, NoOpenChallenge, NotChallengeArbiter, NothingToWithdraw,
        UnknownBatch, WrongChallengeBond,
    },
    events::{emit, BatchAnchored, BatchChallenged, ChallengeResolved, CreditWithdrawn, Credited},
    state::{BatchRecord, Global},
    UsageAnchor,
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

impl UsageAnchor {
    /// Records a batch signed by its attestor; anyone may submit it.
    #[inline(never)]
    pub(crate) fn record_batch(&mut self, batch: &Batch, signature: &[u8]) -> Result<(), Error> {
        let now = clock::now(self.vm());
        let batch_id = batch.batchId;
        let attestor = batch.attestor;
        if self.batch_status(batch_id) != STATUS_NONE {
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
        let state = self.allowed_attestor(attestor)?;
        if state.exit_requested_at != 0 {
            return Err(Error::AttestorExiting(AttestorExiting { attestor }));
        }
        let bond = self.bond_of(attestor);
        let required = self.global_uint(Global::MinAttestorBond);
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
        self.store_batch(
            batch_id,
            &BatchRecord {
                attestor,
                receipt_count: batch.receiptCount,
                anchored_at: now,
                period_start: batch.periodStart,
                period_end: batch.periodEnd,
                status: STATUS_ANCHORED,
                challenger: Address::ZERO,
                root: batch.root,
                total_units: batch.totalUnits,
            },
        );
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
        let required = self.global_uint(Global::ChallengeBond);
        if sent != required {
            return Err(Error::WrongChallengeBond(WrongChallengeBond {
                sent,
                required,
            }));
        }
        let batch = self.batch(batch_id);
        match batch.status {
            STATUS_NONE => return Err(Error::UnknownBatch(UnknownBatch { batchId: batch_id })),
            STATUS_ANCHORED => {}
            STATUS_VOIDED => return Err(Error::BatchVoided(BatchVoided { batchId: batch_id })),
            _ => {
                return Err(Error::BatchAlreadyChallenged(BatchAlreadyChallenged {
                    batchId: batch_id,
                }))
            }
        }
        let closes_at = self.settleable_at(&batch)?;
        if now >= closes_at {
            return Err(Error::ChallengeWindowClosed(ChallengeWindowClosed {
                batchId: batch_id,
                closedAt: closes_at,
            }));
        }
        self.set_batch_status(batch_id, challenger, STATUS_CHALLENGED);
        self.count_open_challenge(batch.attestor, true)?;
        let open = self
            .open_challenge_count()
            .checked_add(1)
            .ok_or_else(overflow)?;
        self.set_global_u64(Global::OpenChallenges, u64::from(open));
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
        let caller = self.vm().msg_sender();
        if caller != self.global_address(Global::Arbiter) {
            return Err(Error::NotChallengeArbiter(NotChallengeArbiter {
                account: caller,
            }));
        }
        let batch = self.batch(batch_id);
        if batch.status != STATUS_CHALLENGED {
            return Err(Error::NoOpenChallenge(NoOpenChallenge {
                batchId: batch_id,
            }));
        }
        let now = clock::now(self.vm());
        let bond = self.global_uint(Global::ChallengeBond);
        let attestor = batch.attestor;
        let challenger = batch.challenger;
        self.set_batch_status(
            batch_id,
            challenger,
            if upheld {
                STATUS_VOIDED
            } else {
                STATUS_CLEARED
            },
        );
        self.count_open_challenge(attestor, false)?;
        let open = self
            .open_challenge_count()
            .checked_sub(1)
            .ok_or_else(overflow)?;
        self.set_global_u64(Global::OpenChallenges, u64::from(open));
        let slashed = if upheld {
            let slashed = self.slash_bond(attestor, self.global_uint(Global::MinAttestorBond));
            self.credit(challenger, bond.checked_add(slashed).ok_or_else(overflow)?)?;
            slashed
        } else {
            self.set_global_u64(Global::LastChallengeClearedAt, now);
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
        let total = self
            .credit_of_account(account)
            .checked_add(amount)
            .ok_or_else(overflow)?;
        self.set_credit(account, total);
        emit(self.vm(), &Credited { account, amount });
        Ok(())
    }

    /// Pays the caller its credited balance (challenge payouts).
    pub(crate) fn pay_credit(&mut self) -> Result<(), Error> {
        let account = self.vm().msg_sender();
        let amount = self.credit_of_account(account);
        if amount.is_zero() {
            return Err(Error::NothingToWithdraw(NothingToWithdraw { account }));
        }
        self.set_credit(account, U256::ZERO);
        emit(self.vm(), &CreditWithdrawn { account, amount });
        self.send(account, amount)
    }

    /// When the batch's challenge window closes (and settlement may start).
    pub(crate) fn settleable_at(&self, batch: &BatchRecord) -> Result<u64, Error> {
        batch
            .anchored_at
            .checked_add(self.challenge_window_secs())
            .ok_or_else(overflow)
    }

    /// The batch's record; fails unless it can be settled now.
    #[inline(never)]
    pub(crate) fn settleable_batch(&self, batch_id: B256) -> Result<BatchRecord, Error> {
        let batch = self.batch(batch_id);
        match batch.status {
            STATUS_NONE => return Err(Error::UnknownBatch(UnknownBatch { batchId: batch_id })),
            STATUS_CHALLENGED => {
                return Err(Error::BatchUnderChallenge(BatchUnderChallenge {
                    batchId: batch_id,
                }))
            }
            STATUS_VOIDED => return Err(Error::BatchVoided(BatchVoided { batchId: batch_id })),
            _ => {}
        }
        let settleable_at = self.settleable_at(&batch)?;
        if clock::now(self.vm()) < settleable_at {
            return Err(Error::ChallengeWindowOpen(ChallengeWindowOpen {
                batchId: batch_id,
                settleableAt: settleable_at,
            }));
        }
        Ok(batch)
    }
}
