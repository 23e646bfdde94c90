//! The router's events: one per report, one per royalty edge, one per model reached, and one
//! per model royalty receiver deployed.
#![allow(missing_docs)] // `sol!` expands the documented declarations below into undocumented items.

use alloy_sol_types::sol;
pub(crate) use tributary_abi::abi_words::emit;
use tributary_abi::loggable;

sol! {
    /// `payer` declared `amount` of revenue of `modelId` in `token` (zero = native currency);
    /// the model's cumulative revenue in that asset is now `cumulativeRevenue`.
    #[derive(Debug, PartialEq, Eq)]
    event RevenueReported(
        uint256 indexed modelId,
        address indexed payer,
        address indexed token,
        uint256 amount,
        uint256 cumulativeRevenue
    );

    /// Of the revenue that reached `modelId` in this report, `amount` went to parent
    /// `parentId`: a dataset's split (`parentIsModel` false) or a parent model, which routes it
    /// on (`parentIsModel` true).
    #[derive(Debug, PartialEq, Eq)]
    event RoyaltyRouted(
        uint256 indexed modelId,
        uint256 indexed parentId,
        address indexed token,
        bool parentIsModel,
        uint256 amount
    );

    /// What `modelId` kept of the revenue that reached it in this report (its split's part,
    /// rounding dust included); `cumulativeRevenue` is its new cumulative revenue.
    #[derive(Debug, PartialEq, Eq)]
    event RevenueRetained(
        uint256 indexed modelId,
        address indexed token,
        uint256 amount,
        uint256 cumulativeRevenue
    );

    /// Model `modelId`'s ERC-2981 royalty receiver was deployed at `receiver`.
    #[derive(Debug, PartialEq, Eq)]
    event ModelReceiverCreated(uint256 indexed modelId, address receiver);
}

loggable! {
    RevenueReported { indexed: [modelId, payer, token], data: [amount, cumulativeRevenue] }
    RoyaltyRouted { indexed: [modelId, parentId, token], data: [parentIsModel, amount] }
    RevenueRetained { indexed: [modelId, token], data: [amount, cumulativeRevenue] }
    ModelReceiverCreated { indexed: [modelId], data: [receiver] }
}
