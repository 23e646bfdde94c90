//! Every way a call to the model token contract can fail, as Solidity custom errors.
//!
//! The contract's [`Error`] is flat (one variant per Solidity error) so that the exported
//! interface lists each error. The ERC-721 (EIP-6093) errors of `OpenZeppelin`'s `Erc721` and its
//! EIP-2981 `ERC2981InvalidDefaultRoyalty` are re-exported unchanged; `ZeroAddress` and
//! `ExternalCallFailed` are the deployment's shared errors (`tributary_abi::errors`). Contract
//! builds encode errors with [`tributary_abi::abi_words::encode`] (same bytes as alloy's
//! `abi_encode`, checked by the tests, much smaller code).
#![allow(missing_docs)] // `sol!` generates the fields; each error carries its doc comment.

use alloy_sol_types::sol;
use openzeppelin_stylus::token::erc721;
pub use openzeppelin_stylus::token::{
    common::erc2981::ERC2981InvalidDefaultRoyalty,
    erc721::{
        ERC721IncorrectOwner, ERC721InsufficientApproval, ERC721InvalidApprover,
        ERC721InvalidOperator, ERC721InvalidOwner, ERC721InvalidReceiver, ERC721InvalidSender,
        ERC721NonexistentToken, InvalidReceiverWithReason,
    },
};
pub use tributary_abi::errors::{ExternalCallFailed, ZeroAddress};

sol! {
    /// `account` is not the attribution registry, the only account that mints model tokens.
    #[derive(Debug, PartialEq, Eq)]
    error NotRegistry(address account);
}

tributary_abi::word_errors! {
    /// Errors of the model token contract.
    pub enum Error {
        /// See [`ERC721InvalidOwner`].
        InvalidOwner(ERC721InvalidOwner) [owner],
        /// See [`ERC721NonexistentToken`].
        NonexistentToken(ERC721NonexistentToken) [token_id],
        /// See [`ERC721IncorrectOwner`].
        IncorrectOwner(ERC721IncorrectOwner) [sender, token_id, owner],
        /// See [`ERC721InvalidSender`].
        InvalidSender(ERC721InvalidSender) [sender],
        /// See [`ERC721InvalidReceiver`].
        InvalidReceiver(ERC721InvalidReceiver) [receiver],
        /// See [`InvalidReceiverWithReason`].
        InvalidReceiverWithReason(InvalidReceiverWithReason) [] tail reason,
        /// See [`ERC721InsufficientApproval`].
        InsufficientApproval(ERC721InsufficientApproval) [operator, token_id],
        /// See [`ERC721InvalidApprover`].
        InvalidApprover(ERC721InvalidApprover) [approver],
        /// See [`ERC721InvalidOperator`].
        InvalidOperator(ERC721InvalidOperator) [operator],
        /// See [`ERC2981InvalidDefaultRoyalty`].
        InvalidDefaultRoyalty(ERC2981InvalidDefaultRoyalty) [numerator, denominator],
        /// See [`NotRegistry`].
        NotRegistry(NotRegistry) [account],
        /// See [`ZeroAddress`].
        ZeroAddress(ZeroAddress) [],
        /// See [`ExternalCallFailed`].
        ExternalCallFailed(ExternalCallFailed) [target] tail reason,
    }
}

impl From<erc721::Error> for Error {
    fn from(e: erc721::Error) -> Self {
        match e {
            erc721::Error::InvalidOwner(e) => Self::InvalidOwner(e),
            erc721::Error::NonexistentToken(e) => Self::NonexistentToken(e),
            erc721::Error::IncorrectOwner(e) => Self::IncorrectOwner(e),
            erc721::Error::InvalidSender(e) => Self::InvalidSender(e),
            erc721::Error::InvalidReceiver(e) => Self::InvalidReceiver(e),
            erc721::Error::InvalidReceiverWithReason(e) => Self::InvalidReceiverWithReason(e),
            erc721::Error::InsufficientApproval(e) => Self::InsufficientApproval(e),
            erc721::Error::InvalidApprover(e) => Self::InvalidApprover(e),
            erc721::Error::InvalidOperator(e) => Self::InvalidOperator(e),
        }
    }
}
