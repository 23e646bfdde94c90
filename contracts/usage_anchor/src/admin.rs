//! Administration: a two-step owner (like `OpenZeppelin`'s `Ownable2Step`, with its errors and
//! events), the attestor allow-list and the arbiter.
//!
//! - The owner allow-lists attestors (`setAttestor(attestor, allowed)`, event `AttestorAllowed`)
//!   and appoints the arbiter (`setArbiter`, event `ArbiterChanged`).
//! - The arbiter resolves challenges (see [`crate::batches`]); the constructor makes the owner the
//!   first arbiter.
//! - Ownership moves in two steps: `transferOwnership(newOwner)` records a pending owner
//!   (`OwnershipTransferStarted`; the zero address cancels), `acceptOwnership()` by the pending
//!   owner completes it (`OwnershipTransferred`).
//!
//! Removing an attestor from the allow-list stops it from bonding and anchoring; its anchored
//! batches stay valid and it can still exit and withdraw its bond.

use alloy_primitives::Address;
use stylus_sdk::prelude::*;

use crate::{
    errors::{Error, OwnableUnauthorizedAccount},
    events::{
        emit, ArbiterChanged, AttestorAllowed, OwnershipTransferStarted, OwnershipTransferred,
    },
    state::Global,
    UsageAnchor,
};

impl UsageAnchor {
    /// Fails unless the caller is the owner.
    pub(crate) fn only_owner(&self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller == self.global_address(Global::Owner) {
            Ok(())
        } else {
            Err(Error::UnauthorizedAccount(OwnableUnauthorizedAccount {
                account: caller,
            }))
        }
    }

    /// Sets the owner (and clears any pending transfer).
    pub(crate) fn set_owner(&mut self, new_owner: Address) {
        let previous = self.global_address(Global::Owner);
        self.set_global(Global::Owner, new_owner.into_word());
        self.set_global(Global::PendingOwner, Address::ZERO.into_word());
        emit(
            self.vm(),
            &OwnershipTransferred {
                previousOwner: previous,
                newOwner: new_owner,
            },
        );
    }

    /// Starts a transfer of ownership to `new_owner` (the zero address cancels one).
    pub(crate) fn start_ownership_transfer(&mut self, new_owner: Address) -> Result<(), Error> {
        self.only_owner()?;
        self.set_global(Global::PendingOwner, new_owner.into_word());
        emit(
            self.vm(),
            &OwnershipTransferStarted {
                previousOwner: self.global_address(Global::Owner),
                newOwner: new_owner,
            },
        );
        Ok(())
    }

    /// Completes a transfer of ownership; only the pending owner may.
    pub(crate) fn finish_ownership_transfer(&mut self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller != self.global_address(Global::PendingOwner) || caller.is_zero() {
            return Err(Error::UnauthorizedAccount(OwnableUnauthorizedAccount {
                account: caller,
            }));
        }
        self.set_owner(caller);
        Ok(())
    }

    /// Adds `attestor` to the allow-list or removes it (owner only).
    pub(crate) fn allow_attestor(&mut self, attestor: Address, allowed: bool) -> Result<(), Error> {
        self.only_owner()?;
        let mut state = self.attestor_state(attestor);
        state.allowed = allowed;
        self.set_attestor_state(attestor, state);
        emit(self.vm(), &AttestorAllowed { attestor, allowed });
        Ok(())
    }

    /// Appoints the arbiter (owner only; the zero address leaves challenges unresolvable
    /// until a new arbiter is set).
    pub(crate) fn appoint_arbiter(&mut self, arbiter: Address) -> Result<(), Error> {
        self.only_owner()?;
        self.set_arbiter_unchecked(arbiter);
        Ok(())
    }

    /// Sets the arbiter.
    pub(crate) fn set_arbiter_unchecked(&mut self, arbiter: Address) {
        let previous = self.global_address(Global::Arbiter);
        self.set_global(Global::Arbiter, arbiter.into_word());
        emit(
            self.vm(),
            &ArbiterChanged {
                previousArbiter: previous,
                newArbiter: arbiter,
            },
        );
    }
}
