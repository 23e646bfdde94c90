//! Custom errors of the splitter: every bad input and every failed transfer is a typed revert.

use alloc::vec::Vec;

use alloy_sol_types::{sol, SolError};
use openzeppelin_stylus::{
    access::ownable::{self, OwnableInvalidOwner, OwnableUnauthorizedAccount},
    utils::pausable::{self, EnforcedPause, ExpectedPause},
};

use crate::encoding;

sol! {
    /// `recipients` and `shares` have different lengths.
    #[derive(Debug)]
    error SplitLengthMismatch(uint256 recipients, uint256 shares);
    /// A listed split needs at least one recipient.
    #[derive(Debug)]
    error SplitNoRecipients();
    /// More recipients than `MAX_RECIPIENTS`; use a Merkle split for large sets.
    #[derive(Debug)]
    error SplitTooManyRecipients(uint256 count, uint256 max);
    /// `recipients[index]` is not greater than `recipients[index - 1]` (the list must be
    /// sorted ascending).
    #[derive(Debug)]
    error SplitRecipientsNotSorted(uint256 index);
    /// `recipient` appears twice in the list.
    #[derive(Debug)]
    error SplitDuplicateRecipient(address recipient);
    /// The zero address cannot receive a share.
    #[derive(Debug)]
    error SplitInvalidRecipient(address recipient);
    /// `shares[index]` is zero (for a Merkle split: the total shares are zero).
    #[derive(Debug)]
    error SplitZeroShares(uint256 index);
    /// The total shares exceed `MAX_TOTAL_SHARES` (2^96 - 1).
    #[derive(Debug)]
    error SplitTotalSharesTooLarge(uint256 max);
    /// A Merkle split needs a non-zero root.
    #[derive(Debug)]
    error SplitZeroRoot();
    /// No split has this id.
    #[derive(Debug)]
    error SplitUnknown(uint256 split_id);
    /// The split has no such version (yet).
    #[derive(Debug)]
    error SplitUnknownVersion(uint256 split_id, uint32 version);
    /// A deposit of nothing (or a token transfer that credited nothing).
    #[derive(Debug)]
    error SplitZeroAmount();
    /// `account` is not the split's controller (an immutable split has none).
    #[derive(Debug)]
    error SplitNotController(uint256 split_id, address account);
    /// The Merkle proof does not prove `(recipient, shares)` under the version's root, or the
    /// recipient is already registered with other shares.
    #[derive(Debug)]
    error SplitInvalidProof(uint256 split_id, address recipient);
    /// Registering these shares would exceed the Merkle version's committed total.
    #[derive(Debug)]
    error SplitMerkleSharesExceeded(uint256 split_id, uint256 registered, uint256 total);
    /// The recipient has nothing to withdraw in this split version and token.
    #[derive(Debug)]
    error SplitNothingToWithdraw(uint256 split_id, address recipient, address token);
    /// The cumulative deposits of this split and token would exceed 2^160 - 1.
    #[derive(Debug)]
    error SplitDepositOverflow(uint256 split_id, address token);
    /// Moving `amount` of `token` (the zero address = native currency) to `to` failed.
    #[derive(Debug)]
    error TransferFailed(address token, address to, uint256 amount);
    /// The royalty receiver of the split could not be deployed.
    #[derive(Debug)]
    error SplitReceiverDeploymentFailed(uint256 split_id);
}

/// Every error the splitter returns. Encoded as revert data by [`From<Error> for Vec<u8>`]
/// (see [`crate::encoding`]).
#[derive(Debug)]
pub enum Error {
    /// See [`SplitLengthMismatch`].
    LengthMismatch(SplitLengthMismatch),
    /// See [`SplitNoRecipients`].
    NoRecipients(SplitNoRecipients),
    /// See [`SplitTooManyRecipients`].
    TooManyRecipients(SplitTooManyRecipients),
    /// See [`SplitRecipientsNotSorted`].
    RecipientsNotSorted(SplitRecipientsNotSorted),
    /// See [`SplitDuplicateRecipient`].
    DuplicateRecipient(SplitDuplicateRecipient),
    /// See [`SplitInvalidRecipient`].
    InvalidRecipient(SplitInvalidRecipient),
    /// See [`SplitZeroShares`].
    ZeroShares(SplitZeroShares),
    /// See [`SplitTotalSharesTooLarge`].
    TotalSharesTooLarge(SplitTotalSharesTooLarge),
    /// See [`SplitZeroRoot`].
    ZeroRoot(SplitZeroRoot),
    /// See [`SplitUnknown`].
    UnknownSplit(SplitUnknown),
    /// See [`SplitUnknownVersion`].
    UnknownVersion(SplitUnknownVersion),
    /// See [`SplitZeroAmount`].
    ZeroAmount(SplitZeroAmount),
    /// See [`SplitNotController`].
    NotController(SplitNotController),
    /// See [`SplitInvalidProof`].
    InvalidProof(SplitInvalidProof),
    /// See [`SplitMerkleSharesExceeded`].
    MerkleSharesExceeded(SplitMerkleSharesExceeded),
    /// See [`SplitNothingToWithdraw`].
    NothingToWithdraw(SplitNothingToWithdraw),
    /// See [`SplitDepositOverflow`].
    DepositOverflow(SplitDepositOverflow),
    /// See [`TransferFailed`].
    TransferFailed(TransferFailed),
    /// See [`SplitReceiverDeploymentFailed`].
    ReceiverDeploymentFailed(SplitReceiverDeploymentFailed),
    /// The caller is not the owner (admin functions).
    UnauthorizedAccount(OwnableUnauthorizedAccount),
    /// The zero address cannot own the contract.
    InvalidOwner(OwnableInvalidOwner),
    /// New business (creating splits, deposits) is paused.
    EnforcedPause(EnforcedPause),
    /// `unpause` while not paused.
    ExpectedPause(ExpectedPause),
}

impl From<Error> for Vec<u8> {
    fn from(err: Error) -> Vec<u8> {
        use encoding::{address as a, error as e, small, uint as n};
        match err {
            Error::LengthMismatch(x) => e(
                SplitLengthMismatch::SELECTOR,
                &[n(x.recipients), n(x.shares)],
            ),
            Error::NoRecipients(_) => e(SplitNoRecipients::SELECTOR, &[]),
            Error::TooManyRecipients(x) => {
                e(SplitTooManyRecipients::SELECTOR, &[n(x.count), n(x.max)])
            }
            Error::RecipientsNotSorted(x) => e(SplitRecipientsNotSorted::SELECTOR, &[n(x.index)]),
            Error::DuplicateRecipient(x) => e(SplitDuplicateRecipient::SELECTOR, &[a(x.recipient)]),
            Error::InvalidRecipient(x) => e(SplitInvalidRecipient::SELECTOR, &[a(x.recipient)]),
            Error::ZeroShares(x) => e(SplitZeroShares::SELECTOR, &[n(x.index)]),
            Error::TotalSharesTooLarge(x) => e(SplitTotalSharesTooLarge::SELECTOR, &[n(x.max)]),
            Error::ZeroRoot(_) => e(SplitZeroRoot::SELECTOR, &[]),
            Error::UnknownSplit(x) => e(SplitUnknown::SELECTOR, &[n(x.split_id)]),
            Error::UnknownVersion(x) => e(
                SplitUnknownVersion::SELECTOR,
                &[n(x.split_id), small(x.version)],
            ),
            Error::ZeroAmount(_) => e(SplitZeroAmount::SELECTOR, &[]),
            Error::NotController(x) => {
                e(SplitNotController::SELECTOR, &[n(x.split_id), a(x.account)])
            }
            Error::InvalidProof(x) => e(
                SplitInvalidProof::SELECTOR,
                &[n(x.split_id), a(x.recipient)],
            ),
            Error::MerkleSharesExceeded(x) => e(
                SplitMerkleSharesExceeded::SELECTOR,
                &[n(x.split_id), n(x.registered), n(x.total)],
            ),
            Error::NothingToWithdraw(x) => e(
                SplitNothingToWithdraw::SELECTOR,
                &[n(x.split_id), a(x.recipient), a(x.token)],
            ),
            Error::DepositOverflow(x) => {
                e(SplitDepositOverflow::SELECTOR, &[n(x.split_id), a(x.token)])
            }
            Error::TransferFailed(x) => e(
                TransferFailed::SELECTOR,
                &[a(x.token), a(x.to), n(x.amount)],
            ),
            Error::ReceiverDeploymentFailed(x) => {
                e(SplitReceiverDeploymentFailed::SELECTOR, &[n(x.split_id)])
            }
            Error::UnauthorizedAccount(x) => {
                e(OwnableUnauthorizedAccount::SELECTOR, &[a(x.account)])
            }
            Error::InvalidOwner(x) => e(OwnableInvalidOwner::SELECTOR, &[a(x.owner)]),
            Error::EnforcedPause(_) => e(EnforcedPause::SELECTOR, &[]),
            Error::ExpectedPause(_) => e(ExpectedPause::SELECTOR, &[]),
        }
    }
}

/// Lists the errors in the exported Solidity interface (what `#[derive(SolidityError)]` would
/// generate).
#[cfg(feature = "export-abi")]
impl stylus_sdk::abi::export::internal::InnerTypes for Error {
    fn inner_types() -> Vec<stylus_sdk::abi::export::internal::InnerType> {
        use alloc::{format, vec};
        use core::any::TypeId;

        use stylus_sdk::abi::export::internal::InnerType;

        fn entry<E: SolError + 'static>() -> InnerType {
            InnerType {
                name: format!("error {};", E::SIGNATURE.replace(',', ", ")),
                id: TypeId::of::<E>(),
            }
        }

        vec![
            entry::<SplitLengthMismatch>(),
            entry::<SplitNoRecipients>(),
            entry::<SplitTooManyRecipients>(),
            entry::<SplitRecipientsNotSorted>(),
            entry::<SplitDuplicateRecipient>(),
            entry::<SplitInvalidRecipient>(),
            entry::<SplitZeroShares>(),
            entry::<SplitTotalSharesTooLarge>(),
            entry::<SplitZeroRoot>(),
            entry::<SplitUnknown>(),
            entry::<SplitUnknownVersion>(),
            entry::<SplitZeroAmount>(),
            entry::<SplitNotController>(),
            entry::<SplitInvalidProof>(),
            entry::<SplitMerkleSharesExceeded>(),
            entry::<SplitNothingToWithdraw>(),
            entry::<SplitDepositOverflow>(),
            entry::<TransferFailed>(),
            entry::<SplitReceiverDeploymentFailed>(),
            entry::<OwnableUnauthorizedAccount>(),
            entry::<OwnableInvalidOwner>(),
            entry::<EnforcedPause>(),
            entry::<ExpectedPause>(),
        ]
    }
}

impl From<ownable::Error> for Error {
    fn from(err: ownable::Error) -> Self {
        match err {
            ownable::Error::UnauthorizedAccount(e) => Error::UnauthorizedAccount(e),
            ownable::Error::InvalidOwner(e) => Error::InvalidOwner(e),
        }
    }
}

impl From<pausable::Error> for Error {
    fn from(err: pausable::Error) -> Self {
        match err {
            pausable::Error::EnforcedPause(e) => Error::EnforcedPause(e),
            pausable::Error::ExpectedPause(e) => Error::ExpectedPause(e),
        }
    }
}
