//! The router's custom errors.
//!
//! Encoded as revert data by `tributary_abi::word_errors!` (tested against alloy's `abi_encode`
//! in `tests::encoding`).
#![allow(missing_docs)] // `sol!` expands the documented declarations below into undocumented items.

use alloy_sol_types::sol;
pub use tributary_abi::errors::{
    ExternalCallFailed, LengthMismatch, NothingToWithdraw, SafeErc20FailedOperation, UnknownModel,
    ZeroAddress,
};

sol! {
    /// A revenue report of zero (or a token transfer that delivered nothing).
    #[derive(Debug)]
    error ZeroRevenue();
    /// Model `modelId`'s cumulative revenue would overflow.
    #[derive(Debug)]
    error RevenueOverflow(uint256 modelId);
    /// The registry describes a lineage of model `modelId` that cannot be routed: a parent
    /// model outside its ancestry, or dataset royalties and model shares above 100 %. The real
    /// registry refuses to store such a lineage; this guards a router wired to another one.
    #[derive(Debug)]
    error InvalidLineage(uint256 modelId);
    /// Model `modelId`'s royalty receiver could not be deployed.
    #[derive(Debug)]
    error ModelReceiverDeploymentFailed(uint256 modelId);
}

tributary_abi::word_errors! {
    /// Every error the router returns.
    pub enum Error {
        /// See [`ZeroAddress`].
        ZeroAddress(ZeroAddress) [],
        /// See [`UnknownModel`].
        UnknownModel(UnknownModel) [modelId],
        /// See [`ZeroRevenue`].
        ZeroRevenue(ZeroRevenue) [],
        /// See [`RevenueOverflow`].
        RevenueOverflow(RevenueOverflow) [modelId],
        /// See [`InvalidLineage`].
        InvalidLineage(InvalidLineage) [modelId],
        /// See [`ModelReceiverDeploymentFailed`].
        ReceiverDeploymentFailed(ModelReceiverDeploymentFailed) [modelId],
        /// See [`ExternalCallFailed`].
        ExternalCallFailed(ExternalCallFailed) [target] tail reason,
        /// See [`LengthMismatch`].
        LengthMismatch(LengthMismatch) [expected, actual],
        /// See [`NothingToWithdraw`].
        NothingToWithdraw(NothingToWithdraw) [account],
        /// A token transfer or approval failed (`SafeErc20FailedOperation`).
        SafeErc20FailedOperation(SafeErc20FailedOperation) [token],
    }
}
