//! Per-license escrow for usage fees, debt, and the withdrawal rule.
//!
//! Anyone may fund a license's escrow (`fundEscrow` in native currency, `fundEscrowToken` when
//! the license's offer is paid in an ERC-20). Funding first pays down the license's debt (into
//! the dataset's split; when the debt reaches zero the license contract is told with
//! `setDebt(id, false)`), the rest is escrow.
//!
//! # Withdrawal rule (why attested usage cannot dodge its fees)
//! Only the license owner may withdraw, in two steps:
//! 1. `requestEscrowWithdrawal(id, amount)` at time `t` sets `readyAt = t + challengeWindow +
//!    exitDelay` (`exitDelay` doubles as the *settlement grace*).
//! 2. `withdrawEscrow(id)` at or after `readyAt` pays `min(amount, escrow balance then)`. It also
//!    waits while any challenge is unresolved, and for `exitDelay` after the last rejected
//!    challenge.
//!
//! Every batch anchored before `t` (so all usage attested before the request) became
//! settleable no later than `t + challengeWindow` — or, if it was challenged and the challenge
//! rejected at `r`, at `r` — so anyone (the attestor, the dataset owner, a keeper) had at least
//! `exitDelay` seconds to settle it against the full escrow before the withdrawal can execute;
//! settlement during the wait debits the escrow, and the withdrawal only takes what is left.
//! If nobody settles in time, or the usage is attested later, the fees are not lost: settling
//! then records them as debt and the license is invalid until the debt is paid.

use alloy_primitives::{aliases::U64, Address, U256};
use stylus_sdk::{
    prelude::*,
    storage::{StorageU256, StorageU64},
};

use crate::{
    clock,
    errors::{
        overflow, Error, EscrowHeldByChallenges, EscrowWithdrawalLocked, NoWithdrawalRequested,
        NotLicenseOwner, NothingToWithdraw, WrongPaymentToken, ZeroAmount,
    },
    events::{
        emit, CreditWithdrawn, DebtChanged, EscrowFunded, EscrowWithdrawalRequested,
        EscrowWithdrawn,
    },
    UsageAnchor,
};

/// Escrow state of one license.
#[storage]
pub struct EscrowAccount {
    /// Prepaid fees available to settlement, in the license's payment token.
    pub(crate) balance: StorageU256,
    /// Settled fees escrow could not cover.
    pub(crate) debt: StorageU256,
    /// Most the pending withdrawal may take.
    pub(crate) withdrawal_amount: StorageU256,
    /// When the pending withdrawal may execute; 0 = none pending.
    pub(crate) withdrawal_ready_at: StorageU64,
}

impl UsageAnchor {
    /// Funds a license's escrow with `amount`: native currency already received with the call
    /// (`native`), or an ERC-20 amount pulled here from the caller. The kind must match the
    /// license's payment token.
    pub(crate) fn deposit_escrow(
        &mut self,
        license_id: U256,
        native: bool,
        amount: U256,
    ) -> Result<(), Error> {
        let usage = self.license_usage(license_id)?;
        let token = usage.payment_token;
        if token.is_zero() != native {
            return Err(Error::WrongPaymentToken(WrongPaymentToken {
                licenseId: license_id,
                token: usage.payment_token,
            }));
        }
        if amount.is_zero() {
            return Err(Error::ZeroAmount(ZeroAmount {}));
        }
        let funder = self.vm().msg_sender();
        let amount = if native {
            amount
        } else {
            self.pull_tokens(token, funder, amount)?
        };

        let mut escrow = self.escrows.setter(license_id);
        let debt = escrow.debt.get();
        let to_debt = debt.min(amount);
        let balance = escrow
            .balance
            .get()
            .checked_add(amount - to_debt)
            .ok_or_else(overflow)?;
        escrow.balance.set(balance);
        escrow.debt.set(debt - to_debt);
        emit(
            self.vm(),
            &EscrowFunded {
                licenseId: license_id,
                funder,
                amount,
                toDebt: to_debt,
            },
        );
        if to_debt.is_zero() {
            return Ok(());
        }
        emit(
            self.vm(),
            &DebtChanged {
                licenseId: license_id,
                debt: debt - to_debt,
            },
        );
        if to_debt == debt {
            self.set_license_debt(license_id, false)?;
        }
        self.deposit_fees(usage.split_id, token, to_debt)
    }

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
        let ready_at = clock::now(self.vm())
            .checked_add(self.challenge_window_secs())
            .and_then(|t| t.checked_add(self.exit_delay_secs()))
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
        let open_challenges = self.open_challenges.get().to::<u32>();
        if open_challenges != 0 {
            return Err(Error::EscrowHeldByChallenges(EscrowHeldByChallenges {
                openChallenges: open_challenges,
            }));
        }
        let after_challenges = self
            .last_challenge_cleared_at
            .get()
            .to::<u64>()
            .checked_add(self.exit_delay_secs())
            .ok_or_else(overflow)?;
        let ready_at = ready_at.max(after_challenges);
        if now < ready_at {
            return Err(Error::EscrowWithdrawalLocked(EscrowWithdrawalLocked {
                licenseId: license_id,
                readyAt: ready_at,
            }));
        }
        let token = self.license_usage(license_id)?.payment_token;
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

    /// Pays the caller its credited balance (challenge payouts).
    pub(crate) fn pay_credit(&mut self) -> Result<(), Error> {
        let account = self.vm().msg_sender();
        let amount = self.credits.get(account);
        if amount.is_zero() {
            return Err(Error::NothingToWithdraw(NothingToWithdraw { account }));
        }
        self.credits.setter(account).set(U256::ZERO);
        emit(self.vm(), &CreditWithdrawn { account, amount });
        self.send(Address::ZERO, account, amount)
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
