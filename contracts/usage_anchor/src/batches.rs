//! Batches: anchoring a signed Merkle root of usage leaves, the challenge window, and the
//! batch's challenge status (the rules: `docs/settlement.md` §2 and §4).
//!
//! Life of a batch (`status`), keyed by `(attestor, batchId)`:
//! `ANCHORED` → (window passes) settleable;
//! `ANCHORED`/`CLEARED` → challenged inside the window (the `usage_disputes` contract runs the
//! challenge game and calls `setBatchStatus`) → `CHALLENGED` (a new round) → arbiter:
//!   upheld → `VOIDED` (final: never settleable; `min(attestor bond, minAttestorBond)` is
//!   slashed and credited to the owner, the treasury — never to a challenger, so a second
//!   address of the attestor cannot recover it),
//!   rejected → `CLEARED` (settleable once its window has passed; challengeable again while its
//!   window lasts).
//! Payouts are credited (pull payments, `withdrawCredit`) so a failing recipient blocks only
//! itself.

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;
/// The statuses, declared once in `tributary_abi::usage::status`.
pub use tributary_abi::usage::status::{
    ANCHORED as STATUS_ANCHORED, CHALLENGED as STATUS_CHALLENGED, CLEARED as STATUS_CLEARED,
    NONE as STATUS_NONE, VOIDED as STATUS_VOIDED,
};
use tributary_abi::usage::MAX_BATCH_UNITS;

use crate::{
    calldata::BatchArg,
    clock,
    errors::{
        overflow, AttestorExiting, BatchAlreadyAnchored, BatchExpired, BatchMismatch,
        BatchUnderChallenge, BatchVoided, ChallengeWindowOpen, Error, InsufficientBond,
        InvalidBatch, InvalidStatusChange, NotDisputes, NothingToWithdraw, UnknownBatch,
    },
    events::{emit, BatchAnchored, BatchStatusChanged, CreditWithdrawn, Credited},
    signing,
    state::{BatchState, Global, HASH_PREFIX},
    UsageAnchor,
};

impl UsageAnchor {
    /// Records a batch signed by its attestor; anyone may submit it.
    #[inline(never)]
    pub(crate) fn record_batch(
        &mut self,
        batch: &BatchArg<'_>,
        signature: &[u8],
    ) -> Result<(), Error> {
        let now = clock::now(self.vm());
        let (attestor, batch_id) = (batch.attestor, batch.batch_id);
        let key = tributary_merkle::batch_key(attestor, batch_id);
        if self.batch_state(&key).status != STATUS_NONE {
            return Err(Error::BatchAlreadyAnchored(BatchAlreadyAnchored {
                attestor,
                batchId: batch_id,
            }));
        }
        if now > batch.deadline {
            return Err(Error::BatchExpired(BatchExpired {
                attestor,
                batchId: batch_id,
                deadline: batch.deadline,
            }));
        }
        if attestor.is_zero()
            || batch.leaf_count == 0
            || batch.receipt_count < batch.leaf_count
            || batch.period_start > batch.period_end
            || batch.period_end > now
            || batch.total_units > U256::from(MAX_BATCH_UNITS)
        {
            return Err(Error::InvalidBatch(InvalidBatch {
                attestor,
                batchId: batch_id,
            }));
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
        let struct_hash = signing::batch_struct_hash(self.vm(), batch.words);
        self.verify_batch_signature(batch, struct_hash, signature)?;

        let settleable_at = now
            .checked_add(self.challenge_window_secs())
            .ok_or_else(overflow)?;
        let mut hash_prefix = [0u8; HASH_PREFIX];
        hash_prefix.copy_from_slice(&struct_hash[..HASH_PREFIX]);
        self.set_batch_state(
            &key,
            BatchState {
                hash_prefix,
                anchored_at: now,
                status: STATUS_ANCHORED,
                round: 0,
            },
        );
        self.lock_bond_until(attestor, settleable_at);
        emit(
            self.vm(),
            &BatchAnchored {
                attestor,
                batchId: batch_id,
                root: batch.root,
                leafCount: batch.leaf_count,
                receiptCount: batch.receipt_count,
                totalUnits: batch.total_units,
                settleableAt: settleable_at,
            },
        );
        Ok(())
    }

    /// The key and state of an anchored batch whose calldata matches what was anchored.
    #[inline(never)]
    pub(crate) fn anchored_batch(&self, batch: &BatchArg<'_>) -> Result<(B256, BatchState), Error> {
        let (attestor, batch_id) = (batch.attestor, batch.batch_id);
        let key = tributary_merkle::batch_key(attestor, batch_id);
        let state = self.batch_state(&key);
        if state.status == STATUS_NONE {
            return Err(Error::UnknownBatch(UnknownBatch {
                attestor,
                batchId: batch_id,
            }));
        }
        if !state.matches(&signing::batch_struct_hash(self.vm(), batch.words)) {
            return Err(Error::BatchMismatch(BatchMismatch {
                attestor,
                batchId: batch_id,
            }));
        }
        Ok((key, state))
    }

    /// The state of a batch known by id; fails if none was anchored.
    pub(crate) fn known_batch(
        &self,
        attestor: Address,
        batch_id: B256,
    ) -> Result<(B256, BatchState), Error> {
        let key = tributary_merkle::batch_key(attestor, batch_id);
        let state = self.batch_state(&key);
        if state.status == STATUS_NONE {
            return Err(Error::UnknownBatch(UnknownBatch {
                attestor,
                batchId: batch_id,
            }));
        }
        Ok((key, state))
    }

    /// The disputes contract moves a batch between challenge states: `ANCHORED`/`CLEARED` →
    /// `CHALLENGED` (a new round), `CHALLENGED` → `VOIDED` (upheld: the attestor is slashed
    /// `min(bond, minAttestorBond)`, credited to the owner) or `CLEARED` (rejected). Returns the
    /// batch's round.
    pub(crate) fn change_status(
        &mut self,
        attestor: Address,
        batch_id: B256,
        status: u8,
    ) -> Result<u16, Error> {
        let caller = self.vm().msg_sender();
        if caller != self.global_address(Global::Disputes) {
            return Err(Error::NotDisputes(NotDisputes { account: caller }));
        }
        let (key, mut state) = self.known_batch(attestor, batch_id)?;
        let challenged = state.status == STATUS_CHALLENGED;
        let allowed = match status {
            STATUS_CHALLENGED => state.status == STATUS_ANCHORED || state.status == STATUS_CLEARED,
            STATUS_VOIDED | STATUS_CLEARED => challenged,
            _ => false,
        };
        if !allowed {
            return Err(Error::InvalidStatusChange(InvalidStatusChange {
                attestor,
                batchId: batch_id,
                status,
            }));
        }
        if status == STATUS_CHALLENGED {
            state.round = state.round.checked_add(1).ok_or_else(overflow)?;
        }
        state.status = status;
        self.set_batch_state(&key, state);
        self.count_open_challenge(attestor, !challenged)?;
        let slashed = if status == STATUS_VOIDED {
            let slashed = self.slash_bond(attestor, self.global_uint(Global::MinAttestorBond));
            self.credit(self.global_address(Global::Owner), slashed)?;
            slashed
        } else {
            U256::ZERO
        };
        emit(
            self.vm(),
            &BatchStatusChanged {
                attestor,
                batchId: batch_id,
                status,
                round: state.round,
                slashed,
            },
        );
        Ok(state.round)
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

    /// Pays the caller its credited balance (challenge payouts, slashes for the treasury).
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
    pub(crate) fn window_end(&self, state: &BatchState) -> Result<u64, Error> {
        state
            .anchored_at
            .checked_add(self.challenge_window_secs())
            .ok_or_else(overflow)
    }

    /// Fails unless a batch in `state` can be settled now.
    pub(crate) fn require_settleable(
        &self,
        batch: &BatchArg<'_>,
        state: &BatchState,
    ) -> Result<(), Error> {
        let (attestor, batch_id) = (batch.attestor, batch.batch_id);
        match state.status {
            STATUS_CHALLENGED => {
                return Err(Error::BatchUnderChallenge(BatchUnderChallenge {
                    attestor,
                    batchId: batch_id,
                }))
            }
            STATUS_VOIDED => {
                return Err(Error::BatchVoided(BatchVoided {
                    attestor,
                    batchId: batch_id,
                }))
            }
            _ => {}
        }
        let settleable_at = self.window_end(state)?;
        if clock::now(self.vm()) < settleable_at {
            return Err(Error::ChallengeWindowOpen(ChallengeWindowOpen {
                attestor,
                batchId: batch_id,
                settleableAt: settleable_at,
            }));
        }
        Ok(())
    }
}
