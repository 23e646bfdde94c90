//! Administration: a two-step owner (like `OpenZeppelin`'s `Ownable2Step`, with its errors and
//! events), the attestor allow-list and the disputes contract.
//!
//! - The owner allow-lists attestors (`setAttestor(attestor, allowed)`, event `AttestorAllowed`)
//!   and wires the disputes contract once (`setDisputes`, event `DisputesSet`), which runs the
//!   challenge game and is the only account that changes a batch's challenge status.
//! - The owner is the treasury: slashed bonds are credited to it.
//! - Ownership moves in two steps: `transferOwnership(newOwner)` records a pending owner
//!   (`OwnershipTransferStarted`; the zero address cancels), `acceptOwnership()` by the pending
//!   owner completes it (`OwnershipTransferred`).
//!
//! Removing an attestor from the allow-list stops it from bonding and anchoring; its anchored
//! batches stay valid and it can still exit and withdraw its bond.

use alloy_primitives::Address;
use stylus_sdk::prelude::*;

use crate::{
    errors::{DisputesAlreadySet, Error, InvalidConfiguration, OwnableUnauthorizedAccount},
    events::{emit, AttestorAllowed, DisputesSet, OwnershipTransferStarted, OwnershipTransferred},
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

    /// Wires the disputes contract, the only account that changes a batch's challenge status
    /// (owner only, once).
    pub(crate) fn wire_disputes(&mut self, disputes: Address) -> Result<(), Error> {
        self.only_owner()?;
        let current = self.global_address(Global::Disputes);
        if !current.is_zero() {
            return Err(Error::DisputesAlreadySet(DisputesAlreadySet {
                disputes: current,
            }));
        }
        if disputes.is_zero() {
            return Err(Error::InvalidConfiguration(InvalidConfiguration {}));
        }
        self.set_global(Global::Disputes, disputes.into_word());
        emit(self.vm(), &DisputesSet { disputes });
        Ok(())
    }
}
