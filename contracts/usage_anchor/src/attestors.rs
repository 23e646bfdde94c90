//! Attestors: allow-list, bonds, exit, and the signature check of their batches.
//!
//! An attestor is allow-listed when it holds `ATTESTOR_ROLE` (granted by
//! `ATTESTOR_MANAGER_ROLE`). To anchor it needs a bond of at least `minAttestorBond`
//! (`bondAttestor`, payable, repeatable).
//!
//! What is at stake: the whole bond, while any of the attestor's batches is inside its challenge
//! window (`lockedUntil` = the latest `anchoredAt + challengeWindow`) or has an unresolved
//! challenge. An upheld challenge slashes `min(bond, minAttestorBond)`.
//!
//! Exit: `requestAttestorExit` stops the attestor from bonding or anchoring (so nothing new
//! can come at stake); `withdrawAttestorBond` then pays out the whole remaining bond once
//! (a) `exitDelay` has passed since the request, (b) every batch's window has closed and
//! (c) no challenge is open. Afterwards the attestor may bond again from scratch.

use alloy_primitives::{
    aliases::{U32, U64},
    Address, U256,
};
use openzeppelin_stylus::{access::control::IAccessControl, utils::cryptography::ecdsa};
use stylus_sdk::{
    prelude::*,
    storage::{StorageU256, StorageU32, StorageU64},
};
use tributary_abi::usage::Batch;

use crate::{
    clock,
    errors::{
        overflow, AttestorExiting, AttestorNotAllowed, BadSignature, BondLocked,
        BondUnderChallenge, Error, ExitNotRequested, InvalidSignatureLength, ZeroAmount,
    },
    events::{emit, AttestorBondWithdrawn, AttestorBonded, AttestorExitRequested},
    signing, UsageAnchor, ATTESTOR_ROLE,
};

/// State of one attestor.
#[storage]
pub struct AttestorRecord {
    /// Native currency posted as bond.
    pub(crate) bond: StorageU256,
    /// Latest `anchoredAt + challengeWindow` over the attestor's batches.
    pub(crate) locked_until: StorageU64,
    /// Batches of this attestor with an unresolved challenge.
    pub(crate) open_challenges: StorageU32,
    /// When the attestor asked to exit; 0 = not exiting.
    pub(crate) exit_requested_at: StorageU64,
}

impl UsageAnchor {
    /// Adds `msg.value` to the caller's bond.
    pub(crate) fn post_bond(&mut self) -> Result<(), Error> {
        let attestor = self.vm().msg_sender();
        let amount = self.vm().msg_value();
        self.require_allowed(attestor)?;
        if amount.is_zero() {
            return Err(Error::ZeroAmount(ZeroAmount {}));
        }
        let mut record = self.attestors.setter(attestor);
        if !record.exit_requested_at.get().is_zero() {
            return Err(Error::AttestorExiting(AttestorExiting { attestor }));
        }
        let bond = record.bond.get().checked_add(amount).ok_or_else(overflow)?;
        record.bond.set(bond);
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
        let mut record = self.attestors.setter(attestor);
        if !record.exit_requested_at.get().is_zero() {
            return Err(Error::AttestorExiting(AttestorExiting { attestor }));
        }
        if record.bond.get().is_zero() {
            return Err(Error::ZeroAmount(ZeroAmount {}));
        }
        record.exit_requested_at.set(U64::from(now));
        let withdrawable_from = now
            .checked_add(delay)
            .ok_or_else(overflow)?
            .max(record.locked_until.get().to::<u64>());
        emit(
            self.vm(),
            &AttestorExitRequested {
                attestor,
                withdrawableFrom: withdrawable_from,
            },
        );
        Ok(())
    }

    /// Pays out the caller's whole bond after its exit (see the module docs).
    pub(crate) fn release_bond(&mut self) -> Result<(), Error> {
        let attestor = self.vm().msg_sender();
        let now = clock::now(self.vm());
        let delay = self.exit_delay_secs();
        let mut record = self.attestors.setter(attestor);
        let requested_at = record.exit_requested_at.get().to::<u64>();
        if requested_at == 0 {
            return Err(Error::ExitNotRequested(ExitNotRequested { attestor }));
        }
        let open_challenges = record.open_challenges.get().to::<u32>();
        if open_challenges != 0 {
            return Err(Error::BondUnderChallenge(BondUnderChallenge {
                attestor,
                openChallenges: open_challenges,
            }));
        }
        let unlocks_at = requested_at
            .checked_add(delay)
            .ok_or_else(overflow)?
            .max(record.locked_until.get().to::<u64>());
        if now < unlocks_at {
            return Err(Error::BondLocked(BondLocked {
                attestor,
                unlocksAt: unlocks_at,
            }));
        }
        let amount = record.bond.get();
        record.bond.set(U256::ZERO);
        record.exit_requested_at.set(U64::ZERO);
        emit(self.vm(), &AttestorBondWithdrawn { attestor, amount });
        self.send(attestor, amount)
    }

    /// Fails unless `attestor` is allow-listed.
    pub(crate) fn require_allowed(&self, attestor: Address) -> Result<(), Error> {
        if self.access.has_role(ATTESTOR_ROLE.into(), attestor) {
            Ok(())
        } else {
            Err(Error::AttestorNotAllowed(AttestorNotAllowed { attestor }))
        }
    }

    /// Checks that `signature` is `batch.attestor`'s EIP-712 signature of `batch` for this
    /// chain and contract: ECDSA with low `s` for accounts without code, ERC-1271 for contracts.
    pub(crate) fn verify_batch_signature(
        &self,
        batch: &Batch,
        signature: &[u8],
    ) -> Result<(), Error> {
        let digest = signing::batch_digest(
            self.vm(),
            self.vm().chain_id(),
            self.vm().contract_address(),
            batch,
        );
        let bad = || {
            Error::BadSignature(BadSignature {
                batchId: batch.batchId,
                attestor: batch.attestor,
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
        let signer = ecdsa::recover(self, digest, v, r, s)?;
        if signer == batch.attestor {
            Ok(())
        } else {
            Err(bad())
        }
    }

    /// Extends the attestor's lock to cover a batch anchored now.
    pub(crate) fn lock_bond_until(&mut self, attestor: Address, until: u64) {
        let mut record = self.attestors.setter(attestor);
        if record.locked_until.get() < U64::from(until) {
            record.locked_until.set(U64::from(until));
        }
    }

    /// Changes the attestor's count of open challenges by one.
    pub(crate) fn count_open_challenge(
        &mut self,
        attestor: Address,
        opened: bool,
    ) -> Result<(), Error> {
        let mut record = self.attestors.setter(attestor);
        let count = record.open_challenges.get();
        let count = if opened {
            count.checked_add(U32::from(1))
        } else {
            count.checked_sub(U32::from(1))
        };
        record.open_challenges.set(count.ok_or_else(overflow)?);
        Ok(())
    }

    /// Takes up to `amount` from the attestor's bond and returns what was taken.
    pub(crate) fn slash_bond(&mut self, attestor: Address, amount: U256) -> U256 {
        let mut record = self.attestors.setter(attestor);
        let bond = record.bond.get();
        let slashed = bond.min(amount);
        record.bond.set(bond - slashed);
        slashed
    }
}
