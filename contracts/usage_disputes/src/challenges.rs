//! The challenge game: rounds, bonds, the arbiter's ruling, payouts (rules in the crate docs
//! and `docs/settlement.md` §4).

use alloy_primitives::{aliases::U16, Address, B256, U256};
use stylus_sdk::{prelude::*, stylus_core::log};

use crate::{
    anchor::{STATUS_CHALLENGED, STATUS_CLEARED, STATUS_VOIDED},
    clock,
    errors::{
        overflow, AlreadyChallenging, BatchUnderChallenge, BatchVoided, ChallengeWindowClosed,
        Error, NoChallengeBond, NoOpenChallenge, NotChallengeArbiter, NothingToWithdraw,
        WrongChallengeBond,
    },
    events::{BatchChallenged, ChallengeBondClaimed, ChallengeResolved, CreditWithdrawn, Credited},
    UsageDisputes,
};

impl UsageDisputes {
    /// Opens or joins a challenge round on a batch inside its window.
    pub(crate) fn open_challenge(
        &mut self,
        attestor: Address,
        batch_id: B256,
        evidence: B256,
    ) -> Result<(), Error> {
        let challenger = self.vm().msg_sender();
        let sent = self.vm().msg_value();
        let required = self.challenge_bond.get();
        if sent != required {
            return Err(Error::WrongChallengeBond(WrongChallengeBond {
                sent,
                required,
            }));
        }
        let batch = self.batch_record(attestor, batch_id)?;
        if batch.status == STATUS_VOIDED {
            return Err(Error::BatchVoided(BatchVoided {
                attestor,
                batchId: batch_id,
            }));
        }
        let closes_at = batch
            .anchored_at
            .checked_add(self.challenge_window.get().to())
            .ok_or_else(overflow)?;
        if clock::now(self.vm()) >= closes_at {
            return Err(Error::ChallengeWindowClosed(ChallengeWindowClosed {
                attestor,
                batchId: batch_id,
                closedAt: closes_at,
            }));
        }
        let opens_round = batch.status != STATUS_CHALLENGED;
        let round = if opens_round {
            batch.round.checked_add(1).ok_or_else(overflow)?
        } else {
            batch.round
        };
        let key = tributary_merkle::batch_key(attestor, batch_id);
        let (previous_round, previous_bond) = {
            let records = self.challengers.getter(key);
            let record = records.getter(challenger);
            (record.round.get().to::<u16>(), record.bond.get())
        };
        if !previous_bond.is_zero() {
            if previous_round == round {
                return Err(Error::AlreadyChallenging(AlreadyChallenging {
                    attestor,
                    batchId: batch_id,
                    challenger,
                }));
            }
            // An unclaimed bond of an earlier round, which was rejected (an upheld round voids
            // the batch for good): the attestor's.
            self.pay_bond(key, attestor, batch_id, challenger, attestor, previous_bond)?;
        }
        {
            let mut records = self.challengers.setter(key);
            let mut record = records.setter(challenger);
            record.round.set(U16::from(round));
            record.bond.set(sent);
        }
        log(
            self.vm(),
            BatchChallenged {
                attestor,
                batchId: batch_id,
                challenger,
                round,
                evidence,
            },
        );
        if opens_round {
            self.set_status(attestor, batch_id, STATUS_CHALLENGED)?;
        }
        Ok(())
    }

    /// The arbiter's ruling on the open round.
    pub(crate) fn rule(
        &mut self,
        attestor: Address,
        batch_id: B256,
        upheld: bool,
    ) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller != self.arbiter.get() {
            return Err(Error::NotChallengeArbiter(NotChallengeArbiter {
                account: caller,
            }));
        }
        let batch = self.batch_record(attestor, batch_id)?;
        if batch.status != STATUS_CHALLENGED {
            return Err(Error::NoOpenChallenge(NoOpenChallenge {
                attestor,
                batchId: batch_id,
            }));
        }
        log(
            self.vm(),
            ChallengeResolved {
                attestor,
                batchId: batch_id,
                round: batch.round,
                upheld,
            },
        );
        let status = if upheld {
            STATUS_VOIDED
        } else {
            STATUS_CLEARED
        };
        self.set_status(attestor, batch_id, status)
    }

    /// Pays out a resolved challenger's bond.
    pub(crate) fn claim(
        &mut self,
        attestor: Address,
        batch_id: B256,
        challenger: Address,
    ) -> Result<(), Error> {
        let batch = self.batch_record(attestor, batch_id)?;
        let key = tributary_merkle::batch_key(attestor, batch_id);
        let (round, bond) = {
            let records = self.challengers.getter(key);
            let record = records.getter(challenger);
            (record.round.get().to::<u16>(), record.bond.get())
        };
        if bond.is_zero() {
            return Err(Error::NoChallengeBond(NoChallengeBond {
                attestor,
                batchId: batch_id,
                challenger,
            }));
        }
        let current = round == batch.round;
        if current && batch.status == STATUS_CHALLENGED {
            return Err(Error::BatchUnderChallenge(BatchUnderChallenge {
                attestor,
                batchId: batch_id,
            }));
        }
        // Only the last round can have been upheld (an upheld round voids the batch for good).
        let winner = if current && batch.status == STATUS_VOIDED {
            challenger
        } else {
            attestor
        };
        self.pay_bond(key, attestor, batch_id, challenger, winner, bond)
    }

    /// Clears `challenger`'s bond on the batch and credits it to `to`.
    fn pay_bond(
        &mut self,
        key: B256,
        attestor: Address,
        batch_id: B256,
        challenger: Address,
        to: Address,
        amount: U256,
    ) -> Result<(), Error> {
        self.challengers
            .setter(key)
            .setter(challenger)
            .bond
            .set(U256::ZERO);
        let credit = self
            .credits
            .get(to)
            .checked_add(amount)
            .ok_or_else(overflow)?;
        self.credits.insert(to, credit);
        log(
            self.vm(),
            ChallengeBondClaimed {
                attestor,
                batchId: batch_id,
                challenger,
                to,
                amount,
            },
        );
        log(
            self.vm(),
            Credited {
                account: to,
                amount,
            },
        );
        Ok(())
    }

    /// Pays the caller its credited balance.
    pub(crate) fn pay_credit(&mut self) -> Result<(), Error> {
        let account = self.vm().msg_sender();
        let amount = self.credits.get(account);
        if amount.is_zero() {
            return Err(Error::NothingToWithdraw(NothingToWithdraw { account }));
        }
        self.credits.insert(account, U256::ZERO);
        log(self.vm(), CreditWithdrawn { account, amount });
        self.send(account, amount)
    }
}
