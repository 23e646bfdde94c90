//! Attestors: allow-list, bonds, exit, and the signature check of their batches.
//!
//! An attestor is allow-listed by the owner (`setAttestor`, see [`crate::admin`]). To anchor
//! it needs a bond of at least `minAttestorBond` (`bondAttestor`, payable, repeatable).
//!
//! What is at stake: the whole bond, while any of the attestor's batches is inside its challenge
//! window (`lockedUntil` = the latest `anchoredAt + challengeWindow`) or has an unresolved
//! challenge. An upheld challenge slashes `min(bond, minAttestorBond)`.
//!
//! Exit: `requestAttestorExit` stops the attestor from bonding or anchoring (so nothing new
//! can come at stake); `withdrawAttestorBond` then pays out the whole remaining bond once
//! (a) `exitDelay` has passed since the request, (b) every batch's window has closed and
//! (c) no challenge is open. Afterwards the attestor may bond again from scratch.

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;

use crate::{
    calldata::BatchArg,
    clock,
    errors::{
        overflow, AttestorExiting, AttestorNotAllowed, BadSignature, BondLocked,
        BondUnderChallenge, Error, ExitNotRequested, InvalidSignatureLength, ZeroAmount,
    },
    events::{emit, AttestorBondWithdrawn, AttestorBonded, AttestorExitRequested},
    signing,
    state::AttestorState,
    UsageAnchor,
};

impl UsageAnchor {
    /// Adds `msg.value` to the caller's bond.
    pub(crate) fn post_bond(&mut self) -> Result<(), Error> {
        let attestor = self.vm().msg_sender();
        let amount = self.vm().msg_value();
        let state = self.allowed_attestor(attestor)?;
        if amount.is_zero() {
            return Err(Error::ZeroAmount(ZeroAmount {}));
        }
        if state.exit_requested_at != 0 {
            return Err(Error::AttestorExiting(AttestorExiting { attestor }));
        }
        let bond = self
            .bond_of(attestor)
            .checked_add(amount)
            .ok_or_else(overflow)?;
        self.set_bond(attestor, bond);
        emit(
            self.vm(),
            &AttestorBonded {
                attestor,
                amount,
                bond,
            },
        );
        Ok(())
    }

    /// Starts the caller's exit.
    pub(crate) fn begin_exit(&mut self) -> Result<(), Error> {
        let attestor = self.vm().msg_sender();
        let now = clock::now(self.vm());
        let delay = self.exit_delay_secs();
        let mut state = self.attestor_state(attestor);
        if state.exit_requested_at != 0 {
            return Err(Error::AttestorExiting(AttestorExiting { attestor }));
        }
        if self.bond_of(attestor).is_zero() {
            return Err(Error::ZeroAmount(ZeroAmount {}));
        }
        state.exit_requested_at = now;
        self.set_attestor_state(attestor, state);
        let withdrawable_from = now
            .checked_add(delay)
            .ok_or_else(overflow)?
            .max(state.locked_until);
        emit(
            self.vm(),
            &AttestorExitRequested {
                attestor,
                withdrawableFrom: withdrawable_from,
            },
        );
        Ok(())
    }

    /// Pays the exiting caller its whole bond once nothing is at stake.
    pub(crate) fn release_bond(&mut self) -> Result<(), Error> {
        let attestor = self.vm().msg_sender();
        let now = clock::now(self.vm());
        let delay = self.exit_delay_secs();
        let mut state = self.attestor_state(attestor);
        let requested_at = state.exit_requested_at;
        if requested_at == 0 {
            return Err(Error::ExitNotRequested(ExitNotRequested { attestor }));
        }
        if state.open_challenges != 0 {
            return Err(Error::BondUnderChallenge(BondUnderChallenge {
                attestor,
                openChallenges: state.open_challenges,
            }));
        }
        let unlocks_at = requested_at
            .checked_add(delay)
            .ok_or_else(overflow)?
            .max(state.locked_until);
        if now < unlocks_at {
            return Err(Error::BondLocked(BondLocked {
                attestor,
                unlocksAt: unlocks_at,
            }));
        }
        let amount = self.bond_of(attestor);
        self.set_bond(attestor, U256::ZERO);
        state.exit_requested_at = 0;
        self.set_attestor_state(attestor, state);
        emit(self.vm(), &AttestorBondWithdrawn { attestor, amount });
        self.send(attestor, amount)
    }

    /// `attestor`'s state; fails unless it is allow-listed.
    pub(crate) fn allowed_attestor(&self, attestor: Address) -> Result<AttestorState, Error> {
        let state = self.attestor_state(attestor);
        if state.allowed {
            Ok(state)
        } else {
            Err(Error::AttestorNotAllowed(AttestorNotAllowed { attestor }))
        }
    }

    /// Checks that `signature` is `batch.attestor`'s EIP-712 signature of the batch with
    /// `struct_hash` for this chain and contract: ECDSA with low `s` for accounts without code,
    /// ERC-1271 for contracts.
    #[inline(never)]
    pub(crate) fn verify_batch_signature(
        &self,
        batch: &BatchArg<'_>,
        struct_hash: B256,
        signature: &[u8],
    ) -> Result<(), Error> {
        let digest = signing::batch_digest(
            self.vm(),
            self.vm().chain_id(),
            self.vm().contract_address(),
            struct_hash,
        );
        let bad = || {
            Error::BadSignature(BadSignature {
                attestor: batch.attestor,
                batchId: batch.batch_id,
            })
        };
        if self.has_code(batch.attestor) {
            return if self.contract_accepts_signature(batch.attestor, digest, signature) {
                Ok(())
            } else {
                Err(bad())
            };
        }
        let (v, r, s) = signing::split_signature(signature).ok_or_else(|| {
            Error::InvalidSignatureLength(InvalidSignatureLength {
                length: U256::from(signature.len()),
            })
        })?;
        if signing::recover(self.vm(), digest, v, r, s)? == batch.attestor {
            Ok(())
        } else {
            Err(bad())
        }
    }

    /// Extends the attestor's lock to cover a batch anchored now.
    pub(crate) fn lock_bond_until(&mut self, attestor: Address, until: u64) {
        let mut state = self.attestor_state(attestor);
        if state.locked_until < until {
            state.locked_until = until;
            self.set_attestor_state(attestor, state);
        }
    }

    /// Changes the attestor's count of open challenges by one.
    pub(crate) fn count_open_challenge(
        &mut self,
        attestor: Address,
        opened: bool,
    ) -> Result<(), Error> {
        let mut state = self.attestor_state(attestor);
        let count = if opened {
            state.open_challenges.checked_add(1)
        } else {
            state.open_challenges.checked_sub(1)
        };
        state.open_challenges = count.ok_or_else(overflow)?;
        self.set_attestor_state(attestor, state);
        Ok(())
    }

    /// Takes up to `amount` from the attestor's bond and returns what was taken.
    pub(crate) fn slash_bond(&mut self, attestor: Address, amount: U256) -> U256 {
        let bond = self.bond_of(attestor);
        let slashed = bond.min(amount);
        self.set_bond(attestor, bond - slashed);
        slashed
    }
}
