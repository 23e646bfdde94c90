//! Custom errors of the splitter: every bad input and every failed transfer is a typed revert.

use alloy_sol_types::sol;
use openzeppelin_stylus::{
    access::ownable::{self, OwnableInvalidOwner, OwnableUnauthorizedAccount},
    utils::pausable::{self, EnforcedPause, ExpectedPause},
};

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
    /// The total shares exceed `MAX_TOTAL_SHARES` (2^64 - 1).
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

tributary_abi::word_errors! {
    /// Every error the splitter returns.
    pub enum Error {
        /// See [`SplitLengthMismatch`].
        LengthMismatch(SplitLengthMismatch) [recipients, shares],
        /// See [`SplitNoRecipients`].
        NoRecipients(SplitNoRecipients) [],
        /// See [`SplitTooManyRecipients`].
        TooManyRecipients(SplitTooManyRecipients) [count, max],
        /// See [`SplitRecipientsNotSorted`].
        RecipientsNotSorted(SplitRecipientsNotSorted) [index],
        /// See [`SplitDuplicateRecipient`].
        DuplicateRecipient(SplitDuplicateRecipient) [recipient],
        /// See [`SplitInvalidRecipient`].
        InvalidRecipient(SplitInvalidRecipient) [recipient],
        /// See [`SplitZeroShares`].
        ZeroShares(SplitZeroShares) [index],
        /// See [`SplitTotalSharesTooLarge`].
        TotalSharesTooLarge(SplitTotalSharesTooLarge) [max],
        /// See [`SplitZeroRoot`].
        ZeroRoot(SplitZeroRoot) [],
        /// See [`SplitUnknown`].
        UnknownSplit(SplitUnknown) [split_id],
        /// See [`SplitUnknownVersion`].
        UnknownVersion(SplitUnknownVersion) [split_id, version],
        /// See [`SplitZeroAmount`].
        ZeroAmount(SplitZeroAmount) [],
        /// See [`SplitNotController`].
        NotController(SplitNotController) [split_id, account],
        /// See [`SplitInvalidProof`].
        InvalidProof(SplitInvalidProof) [split_id, recipient],
        /// See [`SplitMerkleSharesExceeded`].
        MerkleSharesExceeded(SplitMerkleSharesExceeded) [split_id, registered, total],
        /// See [`SplitNothingToWithdraw`].
        NothingToWithdraw(SplitNothingToWithdraw) [split_id, recipient, token],
        /// See [`SplitDepositOverflow`].
        DepositOverflow(SplitDepositOverflow) [split_id, token],
        /// See [`TransferFailed`].
        TransferFailed(TransferFailed) [token, to, amount],
        /// See [`SplitReceiverDeploymentFailed`].
        ReceiverDeploymentFailed(SplitReceiverDeploymentFailed) [split_id],
        /// The caller is not the owner (admin functions).
        UnauthorizedAccount(OwnableUnauthorizedAccount) [account],
        /// The zero address cannot own the contract.
        InvalidOwner(OwnableInvalidOwner) [owner],
        /// New business (creating splits, deposits) is paused.
        EnforcedPause(EnforcedPause) [],
        /// `unpause` while not paused.
        ExpectedPause(ExpectedPause) [],
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
