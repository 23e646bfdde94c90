//! Every way a call to the usage disputes contract can fail, as Solidity custom errors.
#![allow(missing_docs)]
// `sol!` documents the errors; the generated fields need none.

use alloy_sol_types::sol;
pub use openzeppelin_stylus::access::ownable::{OwnableInvalidOwner, OwnableUnauthorizedAccount};
pub use tributary_abi::errors::{
    ArithmeticOverflow, BatchMismatch, BatchUnderChallenge, BatchVoided, ExternalCallFailed,
    InvalidConfiguration, InvalidProof, InvalidUsageLeaf, NativeTransferFailed, NothingToWithdraw,
    UnknownBatch,
};

sol! {
    /// The caller is not the arbiter that resolves challenges.
    #[derive(Debug, PartialEq, Eq)]
    error NotChallengeArbiter(address account);
    /// A challenge must carry exactly the challenge bond.
    #[derive(Debug, PartialEq, Eq)]
    error WrongChallengeBond(uint256 sent, uint256 required);
    /// The challenge window of the batch closed at `closedAt`.
    #[derive(Debug, PartialEq, Eq)]
    error ChallengeWindowClosed(address attestor, bytes32 batchId, uint64 closedAt);
    /// `challenger` already challenges the batch in its open round.
    #[derive(Debug, PartialEq, Eq)]
    error AlreadyChallenging(address attestor, bytes32 batchId, address challenger);
    /// The batch has no open challenge round.
    #[derive(Debug, PartialEq, Eq)]
    error NoOpenChallenge(address attestor, bytes32 batchId);
    /// `challenger` has no unclaimed bond on the batch.
    #[derive(Debug, PartialEq, Eq)]
    error NoChallengeBond(address attestor, bytes32 batchId, address challenger);
    /// Leaf `index` of the batch already holds its license's escrow.
    #[derive(Debug, PartialEq, Eq)]
    error EscrowAlreadyHeld(address attestor, bytes32 batchId, uint32 index);
    /// Leaf `index` of the batch holds no escrow.
    #[derive(Debug, PartialEq, Eq)]
    error NoEscrowHold(address attestor, bytes32 batchId, uint32 index);
}

/// Every error of the usage disputes contract.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// See [`InvalidConfiguration`].
    InvalidConfiguration(InvalidConfiguration),
    /// See [`ArithmeticOverflow`].
    ArithmeticOverflow(ArithmeticOverflow),
    /// See [`ExternalCallFailed`].
    ExternalCallFailed(ExternalCallFailed),
    /// See [`NativeTransferFailed`].
    NativeTransferFailed(NativeTransferFailed),
    /// See [`NothingToWithdraw`].
    NothingToWithdraw(NothingToWithdraw),
    /// See [`OwnableUnauthorizedAccount`].
    UnauthorizedAccount(OwnableUnauthorizedAccount),
    /// See [`OwnableInvalidOwner`].
    InvalidOwner(OwnableInvalidOwner),
    /// See [`NotChallengeArbiter`].
    NotChallengeArbiter(NotChallengeArbiter),
    /// See [`WrongChallengeBond`].
    WrongChallengeBond(WrongChallengeBond),
    /// See [`UnknownBatch`].
    UnknownBatch(UnknownBatch),
    /// See [`BatchMismatch`].
    BatchMismatch(BatchMismatch),
    /// See [`BatchVoided`].
    BatchVoided(BatchVoided),
    /// See [`BatchUnderChallenge`].
    BatchUnderChallenge(BatchUnderChallenge),
    /// See [`ChallengeWindowClosed`].
    ChallengeWindowClosed(ChallengeWindowClosed),
    /// See [`AlreadyChallenging`].
    AlreadyChallenging(AlreadyChallenging),
    /// See [`NoOpenChallenge`].
    NoOpenChallenge(NoOpenChallenge),
    /// See [`NoChallengeBond`].
    NoChallengeBond(NoChallengeBond),
    /// See [`InvalidProof`].
    InvalidProof(InvalidProof),
    /// See [`InvalidUsageLeaf`].
    InvalidUsageLeaf(InvalidUsageLeaf),
    /// See [`EscrowAlreadyHeld`].
    EscrowAlreadyHeld(EscrowAlreadyHeld),
    /// See [`NoEscrowHold`].
    NoEscrowHold(NoEscrowHold),
}

use stylus_sdk::prelude::SolidityError;

impl From<openzeppelin_stylus::access::ownable::Error> for Error {
    fn from(error: openzeppelin_stylus::access::ownable::Error) -> Self {
        use openzeppelin_stylus::access::ownable::Error as Ownable;
        match error {
            Ownable::UnauthorizedAccount(e) => Self::UnauthorizedAccount(e),
            Ownable::InvalidOwner(e) => Self::InvalidOwner(e),
        }
    }
}

/// Shorthand for an [`ArithmeticOverflow`] error.
pub(crate) fn overflow() -> Error {
    Error::ArithmeticOverflow(ArithmeticOverflow {})
}
