//! Paying recipients: pull-based, O(1) per split version and token (plus an O(log n) proof the
//! first time a Merkle member claims), and isolated: a recipient that rejects the payment only
//! fails its own withdrawal, which reverts and leaves the amount owed.
//!
//! # Paying a split's forwarder
//! A recipient may be the ERC-2981 forwarder of a split of this same contract (one split paying
//! a share into another). Sending it native currency cannot work: the forwarder calls back into
//! `deposit`, and a Stylus program (built without the `reentrant` feature) reverts any call that
//! re-enters it, so the withdrawal would revert for ever. So when a native-currency payout's
//! recipient is one of this contract's forwarders (recorded, forwarder -> split, when
//! `royaltyReceiver` deploys it), the amount is not transferred: it is credited to that split's
//! current version exactly as `deposit` would credit it (same accounting, same checked
//! arithmetic and `SplitDepositOverflow`), with `SplitWithdrawn` for the paying split followed
//! by `SplitDeposited` whose `from` is the forwarder, the two events the external round trip
//! would have emitted. No currency moves, so the contract's balance still covers everything
//! owed. Unlike `deposit`, this credit is not stopped by the pause: it pays out owed funds, and
//! withdrawals are never paused. ERC-20 payouts to a forwarder are ordinary transfers (the
//! forwarder makes no call on receipt; its token path sweeps them into its split later), and a
//! forwarder address that is not deployed yet is an ordinary address until it is.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolEvent;
use openzeppelin_stylus::token::erc20::utils::safe_erc20::ISafeErc20;
use stylus_sdk::prelude::*;
use tributary_abi::{
    abi_words::{emit_log, Word},
    calls::has_code,
};

use crate::{
    accounting::{claimable, entitlement, member_word, split_member_word, unpack},
    errors::{
        Error, SplitDepositOverflow, SplitInvalidProof, SplitMerkleSharesExceeded,
        SplitNothingToWithdraw, SplitZeroShares, TransferFailed,
    },
    events::{SplitMemberRegistered, SplitWithdrawn},
    merkle,
    state::{of_paid, of_receiver, of_version, of_version_account, Field},
    RoyaltySplitter,
};

impl RoyaltySplitter {
    /// What `recipient` can withdraw of `token` from version `version` of `split_id` now.
    pub(crate) fn claimable_of(
        &self,
        split_id: U256,
        version: u32,
        recipient: Address,
        token: Address,
    ) -> U256 {
        let (shares, acc, paid) = self.member_book(split_id, version, recipient, token);
        claimable(shares, acc, paid)
    }

    /// What `shares` shares have earned of `token` in version `version` of `split_id` (paid or
    /// not): a Merkle member's preview before it registers.
    pub(crate) fn accrued_for(
        &self,
        split_id: U256,
        version: u32,
        shares: U256,
        token: Address,
    ) -> U256 {
        let (acc, _) = unpack(self.read_uint(
            Field::Accumulator,
            &of_version_account(split_id, version, token),
        ));
        entitlement(shares, acc).unwrap_or_default()
    }

    /// Pays `recipient` everything it is owed of `token` in version `version` of `split_id`.
    /// Anyone may call it; the money only ever goes to `recipient`.
    pub(crate) fn withdraw_to(
        &mut self,
        split_id: U256,
        version: u32,
        recipient: Address,
        token: Address,
    ) -> Result<U256, Error> {
        self.require_version(split_id, version)?;
        let (shares, acc, paid) = self.member_book(split_id, version, recipient, token);
        // Within the deposit bounds the product fits (see `accounting`); map the impossible
        // overflow to the deposit error rather than panicking.
        let entitled =
            entitlement(shares, acc).ok_or(Error::DepositOverflow(SplitDepositOverflow {
                split_id,
                token,
            }))?;
        let amount = entitled.checked_sub(paid).unwrap_or_default();
        if amount.is_zero() {
            return Err(Error::NothingToWithdraw(SplitNothingToWithdraw {
                split_id,
                recipient,
                token,
            }));
        }
        // Effects before the transfer: if it fails, the whole call reverts and nothing changes.
        // Native currency paid lives in the member's word beside its shares (one warm word to
        // rewrite, not a fresh one); other tokens have a `Paid` word each.
        if token.is_zero() {
            self.write_uint(
                Field::Shares,
                &of_version_account(split_id, version, recipient),
                member_word(shares, entitled),
            );
        } else {
            self.write_uint(
                Field::Paid,
                &of_paid(split_id, version, token, recipient),
                entitled,
            );
        }
        emit_log(
            self.vm(),
            &[
                SplitWithdrawn::SIGNATURE_HASH.0,
                split_id.word(),
                recipient.word(),
                token.word(),
            ],
            &[version.word(), amount.word()],
            &[],
        );
        self.pay(token, recipient, amount)?;
        Ok(amount)
    }

    /// Proves a Merkle member's leaf (registering its shares the first time) and withdraws.
    pub(crate) fn prove_and_withdraw(
        &mut self,
        split_id: U256,
        version: u32,
        recipient: Address,
        shares: U256,
        proof: &[B256],
        token: Address,
    ) -> Result<U256, Error> {
        self.require_version(split_id, version)?;
        let invalid = || {
            Error::InvalidProof(SplitInvalidProof {
                split_id,
                recipient,
            })
        };
        let version_key = of_version(split_id, version);
        let member_key = of_version_account(split_id, version, recipient);
        let root = self.read(Field::Root, &version_key);
        let registered = self.read_uint(Field::RegisteredShares, &version_key);
        let total = self.read_uint(Field::TotalShares, &version_key);
        let member_shares = split_member_word(self.read_uint(Field::Shares, &member_key)).0;
        if root.is_zero() || !merkle::verify(proof, root, merkle::leaf(recipient, shares)) {
            return Err(invalid());
        }
        if member_shares.is_zero() {
            if shares.is_zero() {
                return Err(Error::ZeroShares(SplitZeroShares { index: U256::ZERO }));
            }
            let registered = registered
                .checked_add(shares)
                .filter(|r| *r <= total)
                .ok_or(Error::MerkleSharesExceeded(SplitMerkleSharesExceeded {
                    split_id,
                    registered,
                    total,
                }))?;
            self.write_uint(Field::RegisteredShares, &version_key, registered);
            self.write_uint(Field::Shares, &member_key, shares);
            emit_log(
                self.vm(),
                &[
                    SplitMemberRegistered::SIGNATURE_HASH.0,
                    split_id.word(),
                    version.word(),
                    recipient.word(),
                ],
                &[shares.word()],
                &[],
            );
        } else if member_shares != shares {
            // One leaf per member: a second leaf for a registered member is not honoured.
            return Err(invalid());
        }
        self.withdraw_to(split_id, version, recipient, token)
    }

    /// A member's shares, the version's accumulator and what the member was paid, for a token.
    fn member_book(
        &self,
        split_id: U256,
        version: u32,
        member: Address,
        token: Address,
    ) -> (U256, U256, U256) {
        let (shares, paid_native) = split_member_word(self.read_uint(
            Field::Shares,
            &of_version_account(split_id, version, member),
        ));
        let acc = unpack(self.read_uint(
            Field::Accumulator,
            &of_version_account(split_id, version, token),
        ))
        .0;
        let paid = if token.is_zero() {
            paid_native
        } else {
            self.read_uint(Field::Paid, &of_paid(split_id, version, token, member))
        };
        (shares, acc, paid)
    }

    /// Sends `amount` of `token` (zero = native currency) to `to`; native currency owed to one of
    /// this contract's forwarders is credited to its split instead (see the module docs).
    fn pay(&mut self, token: Address, to: Address, amount: U256) -> Result<(), Error> {
        // Only an account with code can be a forwarder: asking for the code hash first spares
        // an account without code the storage read, and warms the account for the transfer.
        if token.is_zero() && has_code(self.vm().code_hash(to)) {
            let split_id = self.read_uint(Field::SplitOfReceiver, &of_receiver(to));
            if !split_id.is_zero() {
                return self.credit(split_id, token, amount, to);
            }
        }
        let sent = if token.is_zero() {
            self.vm().transfer_eth(to, amount).is_ok()
        } else {
            self.safe_erc20.safe_transfer(token, to, amount).is_ok()
        };
        if sent {
            Ok(())
        } else {
            Err(Error::TransferFailed(TransferFailed { token, to, amount }))
        }
    }
}

/// Proof nodes as taken from calldata.
pub type Proof = Vec<B256>;
