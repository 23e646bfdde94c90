//! Opening a Datanet, its evaluators, and contributions: submission with a stake, review,
//! and the stake's return or slash.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolEvent;
use stylus_sdk::prelude::*;
use tributary_abi::{
    abi_words::{emit, emit_log, Tail, Word},
    attribution::{status, verdict},
};

use crate::{
    clock::now,
    errors::{
        ContributionNotPending, DatanetNotOpen, Error, InvalidConfiguration, InvalidVerdict,
        NotCurator, NothingToWithdraw, ReviewWindowClosed, SplitNotHandedOver, StakeLocked,
        StakeTokenFixed, UnknownContribution, WrongStake, ZeroContentHash,
    },
    events::{
        ContributionReviewed, ContributionSubmitted, DatanetClosed, DatanetConfigured,
        EvaluatorSet, StakeReturned, StakeSlashed,
    },
    state::{Body, Config, Head, Pending, Status},
    Datanets,
};

impl Datanets {
    /// See [`Datanets::configure_datanet`]; `windows` is `[review, lock, veto]` in seconds.
    pub(crate) fn configure(
        &mut self,
        dataset_id: U256,
        curator: Address,
        stake_token: Address,
        stake: U256,
        windows: [u32; 3],
    ) -> Result<(), Error> {
        let info = self.only_owner(dataset_id)?;
        let [review_window, stake_lock, veto_window] = windows;
        if review_window == 0 || veto_window == 0 || stake > U256::from(u128::MAX) {
            return Err(Error::InvalidConfiguration(InvalidConfiguration {}));
        }
        let this = self.vm().contract_address();
        let (controller, _) = self.split_info(info.split_id)?;
        if controller != this {
            return Err(Error::SplitNotHandedOver(SplitNotHandedOver {
                datasetId: dataset_id,
                splitId: info.split_id,
                controller,
            }));
        }
        let mut net = self.datanets.setter(dataset_id);
        // A Datanet that was ever configured has its token fixed (stakes are refunded in it);
        // its review window is never zero, which tells it apart from one never opened.
        let before = Config::from_word(net.config.get());
        let status = Status::from_word(net.status.get());
        if before.review_window != 0 && status.stake_token != stake_token {
            return Err(Error::StakeTokenFixed(StakeTokenFixed {
                datasetId: dataset_id,
                current: status.stake_token,
            }));
        }
        net.config.set(
            Config {
                curator,
                review_window,
                stake_lock,
                veto_window,
            }
            .word(),
        );
        net.status.set(
            Status {
                stake_token,
                open: true,
                ..status
            }
            .word(),
        );
        net.stake.set(stake);
        emit(
            self.vm(),
            &DatanetConfigured {
                datasetId: dataset_id,
                curator,
                stakeToken: stake_token,
                stake,
                reviewWindow: review_window,
                stakeLock: stake_lock,
                vetoWindow: veto_window,
            },
        );
        Ok(())
    }

    /// See [`Datanets::close_datanet`].
    pub(crate) fn close(&mut self, dataset_id: U256, controller: Address) -> Result<(), Error> {
        let info = self.only_owner(dataset_id)?;
        let mut net = self.datanets.setter(dataset_id);
        let status = Status::from_word(net.status.get());
        if !status.open {
            return Err(Error::DatanetNotOpen(DatanetNotOpen {
                datasetId: dataset_id,
            }));
        }
        net.status.set(
            Status {
                open: false,
                ..status
            }
            .word(),
        );
        net.pending_root.set(B256::ZERO);
        net.pending.set(Pending::default().word());
        net.pending_digest.set(B256::ZERO);
        emit(
            self.vm(),
            &DatanetClosed {
                datasetId: dataset_id,
                controller,
            },
        );
        self.hand_split(info.split_id, controller)
    }

    /// See [`Datanets::set_evaluator`].
    pub(crate) fn allow_evaluator(
        &mut self,
        dataset_id: U256,
        evaluator: Address,
        allowed: bool,
    ) -> Result<(), Error> {
        self.only_owner(dataset_id)?;
        self.datanets
            .setter(dataset_id)
            .evaluators
            .insert(evaluator, allowed);
        emit(
            self.vm(),
            &EvaluatorSet {
                datasetId: dataset_id,
                evaluator,
                allowed,
            },
        );
        Ok(())
    }

    /// See [`Datanets::contribute`].
    pub(crate) fn submit(
        &mut self,
        dataset_id: U256,
        content_hash: B256,
        uri: &str,
    ) -> Result<U256, Error> {
        let net = self.datanets.getter(dataset_id);
        let status = Status::from_word(net.status.get());
        if !status.open {
            return Err(Error::DatanetNotOpen(DatanetNotOpen {
                datasetId: dataset_id,
            }));
        }
        if content_hash.is_zero() {
            return Err(Error::ZeroContentHash(ZeroContentHash {}));
        }
        let (token, required) = (status.stake_token, net.stake.get());
        let review_window = u64::from(Config::from_word(net.config.get()).review_window);
        let contributor = self.vm().msg_sender();
        let value = self.vm().msg_value();
        let stake = if token.is_zero() {
            if value != required {
                return Err(Error::WrongStake(WrongStake {
                    sent: value,
                    required,
                }));
            }
            value
        } else {
            if !value.is_zero() {
                return Err(Error::WrongStake(WrongStake {
                    sent: value,
                    required: U256::ZERO,
                }));
            }
            // Pulled before anything is written: a token that re-enters finds no half-written
            // contribution, and the recorded stake is what arrived.
            self.pull_stake(token, contributor, required)?
        };
        // Cannot overflow: one id per call, and the stake is below 2^128 (the configuration
        // bounds it; a fee-on-transfer token delivers less).
        let id = self.contribution_count.get() + U256::from(1);
        self.contribution_count.set(id);
        let deadline = now(self.vm()).saturating_add(review_window);
        let mut c = self.contributions.setter(id);
        c.head.set(
            Head {
                contributor,
                deadline,
                status: status::PENDING,
            }
            .word(),
        );
        c.body.set(Body { dataset_id, stake }.word());
        emit_log(
            self.vm(),
            &[
                ContributionSubmitted::SIGNATURE_HASH.0,
                id.word(),
                dataset_id.word(),
                contributor.word(),
            ],
            &[content_hash.0, stake.word(), deadline.word(), [0; 32]],
            &[Tail::bytes(3, uri.as_bytes())],
        );
        Ok(id)
    }

    /// See [`Datanets::review_contribution`].
    pub(crate) fn review(
        &mut self,
        contribution_id: U256,
        ruling: u8,
        reason_hash: B256,
    ) -> Result<(), Error> {
        let c = self.contributions.getter(contribution_id);
        let (head, body) = (Head::from_word(c.head.get()), Body::from_word(c.body.get()));
        let current = head.status;
        if current == status::NONE {
            return Err(Error::UnknownContribution(UnknownContribution {
                contributionId: contribution_id,
            }));
        }
        let (dataset_id, deadline, stake) = (body.dataset_id, head.deadline, body.stake);
        let sender = self.vm().msg_sender();
        let net = self.datanets.getter(dataset_id);
        let config = Config::from_word(net.config.get());
        let token = Status::from_word(net.status.get()).stake_token;
        let (curator, lock) = (config.curator, u64::from(config.stake_lock));
        let info = self.dataset_with_versions(dataset_id)?;
        if sender != info.owner && (curator.is_zero() || sender != curator) {
            return Err(Error::NotCurator(NotCurator {
                datasetId: dataset_id,
                account: sender,
            }));
        }
        if current != status::PENDING {
            return Err(Error::ContributionNotPending(ContributionNotPending {
                contributionId: contribution_id,
                status: current,
            }));
        }
        let time = now(self.vm());
        if time > deadline {
            return Err(Error::ReviewWindowClosed(ReviewWindowClosed {
                contributionId: contribution_id,
                deadline,
            }));
        }
        let (ruled, unlock_at, joins) = match ruling {
            verdict::ACCEPT => (
                status::ACCEPTED,
                time.saturating_add(lock),
                // Cannot overflow: a version count is far below 2^256 - 1.
                info.versions + U256::from(1),
            ),
            verdict::REJECT => (status::REJECTED, time, U256::ZERO),
            verdict::FLAG => (status::FLAGGED, time, U256::ZERO),
            _ => return Err(Error::InvalidVerdict(InvalidVerdict { verdict: ruling })),
        };
        let mut c = self.contributions.setter(contribution_id);
        c.head.set(
            Head {
                status: ruled,
                deadline: unlock_at,
                ..head
            }
            .word(),
        );
        if ruled == status::FLAGGED {
            c.body.set(
                Body {
                    stake: U256::ZERO,
                    ..body
                }
                .word(),
            );
        }
        emit(
            self.vm(),
            &ContributionReviewed {
                contributionId: contribution_id,
                datasetId: dataset_id,
                curator: sender,
                verdict: ruling,
                reasonHash: reason_hash,
                joinsVersion: joins,
                unlockAt: unlock_at,
            },
        );
        if ruled == status::FLAGGED && !stake.is_zero() {
            emit(
                self.vm(),
                &StakeSlashed {
                    contributionId: contribution_id,
                    datasetId: dataset_id,
                    splitId: info.split_id,
                    amount: stake,
                },
            );
            self.pay_split(info.split_id, token, stake)?;
        }
        Ok(())
    }

    /// See [`Datanets::withdraw_stake`].
    pub(crate) fn return_stake(&mut self, contribution_id: U256) -> Result<U256, Error> {
        let c = self.contributions.getter(contribution_id);
        let (head, body) = (Head::from_word(c.head.get()), Body::from_word(c.body.get()));
        let (current, deadline, contributor) = (head.status, head.deadline, head.contributor);
        let (stake, dataset_id) = (body.stake, body.dataset_id);
        let time = now(self.vm());
        let expired = match current {
            status::NONE => {
                return Err(Error::UnknownContribution(UnknownContribution {
                    contributionId: contribution_id,
                }))
            }
            status::PENDING if time <= deadline => {
                return Err(Error::StakeLocked(StakeLocked {
                    contributionId: contribution_id,
                    unlockAt: deadline.saturating_add(1),
                }))
            }
            status::PENDING => true,
            status::ACCEPTED if time < deadline => {
                return Err(Error::StakeLocked(StakeLocked {
                    contributionId: contribution_id,
                    unlockAt: deadline,
                }))
            }
            _ => false,
        };
        if stake.is_zero() {
            return Err(Error::NothingToWithdraw(NothingToWithdraw {
                account: contributor,
            }));
        }
        let token = Status::from_word(self.datanets.getter(dataset_id).status.get()).stake_token;
        let mut c = self.contributions.setter(contribution_id);
        c.body.set(
            Body {
                stake: U256::ZERO,
                ..body
            }
            .word(),
        );
        if expired {
            c.head.set(
                Head {
                    status: status::EXPIRED,
                    ..head
                }
                .word(),
            );
        }
        emit(
            self.vm(),
            &StakeReturned {
                contributionId: contribution_id,
                contributor,
                amount: stake,
                expired,
            },
        );
        self.send(token, contributor, stake)?;
        Ok(stake)
    }
}
