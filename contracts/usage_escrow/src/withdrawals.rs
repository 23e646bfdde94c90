//! The escrow withdrawal rule: why attested usage cannot dodge its fees.
//!
//! Only the license owner may withdraw, in two steps:
//! 1. `requestEscrowWithdrawal(id, amount)` at time `t` asks the anchor for its challenge window
//!    (`settlementHold`) and sets `readyAt = t + challengeWindow + withdrawalDelay`
//!    (`withdrawalDelay` is the *settlement grace*, a constructor argument of this contract).
//! 2. `withdrawEscrow(id)` at or after `readyAt` pays `min(amount, escrow balance then)`. It asks
//!    the anchor again and also waits while any challenge is unresolved there, and for
//!    `withdrawalDelay` after the last rejected challenge.
//!
//! Every batch anchored before `t` (so all usage attested before the request) became
//! settleable at the anchor no later than `t + challengeWindow` — or, if it was challenged and
//! the challenge rejected at `r`, at `r` — so anyone (the attestor, the dataset owner, a keeper)
//! had at least `withdrawalDelay` seconds to settle it against the full escrow before the
//! withdrawal can execute; settlement during the wait charges the escrow (`charge`), and the
//! withdrawal only takes what is left. If nobody settles in time, or the usage is attested
//! later, the fees are not lost: the charge records them as debt and the license is invalid
//! until the debt is paid.

use alloy_primitives::{aliases::U64, Address, U256};
use stylus_sdk::prelude::*;

use crate::{
    clock,
    errors::{
        overflow, Error, EscrowHeldByChallenges, EscrowWithdrawalLocked, NoWithdrawalRequested,
        NotLicenseOwner, ZeroAmount,
    },
    events::{emit, EscrowWithdrawalRequested, EscrowWithdrawn},
    UsageEscrow,
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
        let hold = self.settlement_hold()?;
        let ready_at = clock::now(self.vm())
            .checked_add(hold.challenge_window)
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
        let (requested, ready_at) = {
            let escrow = self.escrows.getter(license_id);
            (
                escrow.withdrawal_amount.get(),
                escrow.withdrawal_ready_at.get().to::<u64>(),
            )
        };
        if ready_at == 0 {
            return Err(Error::NoWithdrawalRequested(NoWithdrawalRequested {
                licenseId: license_id,
            }));
        }
        let hold = self.settlement_hold()?;
        if hold.open_challenges != 0 {
            return Err(Error::EscrowHeldByChallenges(EscrowHeldByChallenges {
                openChallenges: hold.open_challenges,
            }));
        }
        let after_challenges = hold
            .last_cleared_at
            .checked_add(self.withdrawal_delay_secs())
            .ok_or_else(overflow)?;
        let ready_at = ready_at.max(after_challenges);
        if now < ready_at {
            return Err(Error::EscrowWithdrawalLocked(EscrowWithdrawalLocked {
                licenseId: license_id,
                readyAt: ready_at,
            }));
        }
        let token = self.license_terms(license_id)?.payment_token;
        let mut escrow = self.escrows.setter(license_id);
        let balance = escrow.balance.get();
        let amount = requested.min(balance);
        escrow.balance.set(balance - amount);
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
