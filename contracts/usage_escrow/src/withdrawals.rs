//! The escrow withdrawal rule: why attested usage cannot dodge its fees, and why a challenge
//! holds only the escrows its batch can bill (`docs/settlement.md` §4).
//!
//! Only the license owner may withdraw, in two steps:
//! 1. `requestEscrowWithdrawal(id, amount)` at time `t` sets `readyAt = t + challengeWindow +
//!    withdrawalDelay` (`challengeWindow` is the anchor's, read when it was wired;
//!    `withdrawalDelay` is the *settlement grace*, a constructor argument of this contract).
//! 2. `withdrawEscrow(id)` at or after `readyAt` pays `min(amount, escrow balance then)`, never
//!    while the license's escrow is *held*, and not before `withdrawalDelay` after the last release
//!    of a hold whose batch was cleared.
//!
//! Every batch anchored before `t` (so all usage attested before the request) became
//! settleable at the anchor no later than `t + challengeWindow` unless it was challenged, so
//! anyone (the attestor, the dataset owner, a keeper) had at least `withdrawalDelay` seconds to
//! settle it against the full escrow before the withdrawal can execute. A challenged batch
//! holds exactly the escrows that anyone proves it bills (`holdEscrow` on the usage disputes
//! contract, which calls `addHold` here; a challenge on an unrelated batch holds nothing); when
//! its challenge is resolved the hold is released (`removeHold`) and, if the batch was cleared,
//! the grace starts again so it can be settled first. If nobody settles in time, or the usage
//! is attested later, the fees are not lost: the charge records them as debt and the license is
//! invalid until the debt is paid.

use alloy_primitives::{
    aliases::{U32, U64},
    Address, U256,
};
use stylus_sdk::prelude::*;

use crate::{
    clock,
    errors::{
        overflow, Error, EscrowHeld, EscrowWithdrawalLocked, NoEscrowHold, NoWithdrawalRequested,
        NotLicenseOwner, NotUsageDisputes, UsageAnchorNotSet, ZeroAmount,
    },
    events::{emit, EscrowHoldsChanged, EscrowWithdrawalRequested, EscrowWithdrawn},
    narrow, wide, UsageEscrow,
};

impl UsageEscrow {
    /// Step 1 of a withdrawal: the owner asks for up to `amount`.
    pub(crate) fn schedule_withdrawal(
        &mut self,
        license_id: U256,
        amount: U256,
    ) -> Result<(), Error> {
        self.require_license_owner(license_id)?;
        if amount.is_zero() {
            return Err(Error::ZeroAmount(ZeroAmount {}));
        }
        if self.usage_anchor.get().is_zero() {
            return Err(Error::UsageAnchorNotSet(UsageAnchorNotSet {}));
        }
        let ready_at = clock::now(self.vm())
            .checked_add(self.challenge_window.get().to())
            .and_then(|t| t.checked_add(self.withdrawal_delay_secs()))
            .ok_or_else(overflow)?;
        let mut escrow = self.escrows.setter(license_id);
        escrow.withdrawal_amount.set(amount);
        escrow.withdrawal_ready_at.set(U64::from(ready_at));
        emit(
            self.vm(),
            &EscrowWithdrawalRequested {
                licenseId: license_id,
                amount,
                readyAt: ready_at,
            },
        );
        Ok(())
    }

    /// Step 2: pays the owner `min(requested, balance)` once the wait is over.
    pub(crate) fn execute_withdrawal(&mut self, license_id: U256) -> Result<(), Error> {
        let owner = self.require_license_owner(license_id)?;
        let now = clock::now(self.vm());
        let (requested, ready_at, holds, released_at) = {
            let escrow = self.escrows.getter(license_id);
            (
                escrow.withdrawal_amount.get(),
                escrow.withdrawal_ready_at.get().to::<u64>(),
                escrow.holds.get().to::<u32>(),
                escrow.released_at.get().to::<u64>(),
            )
        };
        if ready_at == 0 {
            return Err(Error::NoWithdrawalRequested(NoWithdrawalRequested {
                licenseId: license_id,
            }));
        }
        if holds != 0 {
            return Err(Error::EscrowHeld(EscrowHeld {
                licenseId: license_id,
                holds,
            }));
        }
        let after_release = released_at
            .checked_add(self.withdrawal_delay_secs())
            .ok_or_else(overflow)?;
        let ready_at = ready_at.max(after_release);
        if now < ready_at {
            return Err(Error::EscrowWithdrawalLocked(EscrowWithdrawalLocked {
                licenseId: license_id,
                readyAt: ready_at,
            }));
        }
        let token = self.license_payment_token(license_id)?;
        let mut escrow = self.escrows.setter(license_id);
        let balance = wide(escrow.balance.get());
        let amount = requested.min(balance);
        escrow.balance.set(narrow(balance - amount)?);
        escrow.withdrawal_amount.set(U256::ZERO);
        escrow.withdrawal_ready_at.set(U64::ZERO);
        emit(
            self.vm(),
            &EscrowWithdrawn {
                licenseId: license_id,
                to: owner,
                amount,
            },
        );
        self.send(token, owner, amount)
    }

    /// Adds (`add`) or removes a hold on the license's escrow (usage disputes only); a removed
    /// hold of a cleared batch (`settleable`) restarts the settlement grace.
    pub(crate) fn change_holds(
        &mut self,
        license_id: U256,
        add: bool,
        settleable: bool,
    ) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        let disputes = self.usage_disputes.get();
        if disputes.is_zero() || caller != disputes {
            return Err(Error::NotUsageDisputes(NotUsageDisputes {
                account: caller,
            }));
        }
        let now = clock::now(self.vm());
        let mut escrow = self.escrows.setter(license_id);
        let holds: u32 = escrow.holds.get().to();
        let holds = if add {
            holds.checked_add(1).ok_or_else(overflow)?
        } else {
            holds
                .checked_sub(1)
                .ok_or(Error::NoEscrowHold(NoEscrowHold {
                    licenseId: license_id,
                }))?
        };
        escrow.holds.set(U32::from(holds));
        if settleable {
            escrow.released_at.set(U64::from(now));
        }
        let released_at = escrow.released_at.get().to();
        emit(
            self.vm(),
            &EscrowHoldsChanged {
                licenseId: license_id,
                holds,
                releasedAt: released_at,
            },
        );
        Ok(())
    }

    /// Fails unless the caller owns the license; returns the owner.
    fn require_license_owner(&self, license_id: U256) -> Result<Address, Error> {
        let caller = self.vm().msg_sender();
        if self.license_owner(license_id)? == caller {
            Ok(caller)
        } else {
            Err(Error::NotLicenseOwner(NotLicenseOwner {
                licenseId: license_id,
                account: caller,
            }))
        }
    }
}
