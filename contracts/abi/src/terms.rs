//! The terms of a license offer, as passed to `LicenseNft.createOffer`.

use alloy_sol_types::sol;
use stylus_sdk::prelude::AbiType;

/// Most derivative royalty tiers one offer may define.
pub const MAX_ROYALTY_TIERS: usize = 4;
/// Basis points in 100 %.
pub const BPS_DENOMINATOR: u16 = 10_000;

sol! {
    /// Machine-readable license terms. The full terms document lives off-chain at `termsUri`;
    /// `termsHash` (keccak256 of that document) binds it. `AbiType` lets a `#[public]` function
    /// take it as a parameter (`createOffer(LicenseTerms)`).
    #[derive(Debug, PartialEq, Eq, AbiType)]
    struct LicenseTerms {
        /// Dataset (`attribution_registry` id) the license covers.
        uint256 datasetId;
        /// Granted rights: a bit set of `scope::*` flags.
        uint256 scope;
        /// Seconds a license lasts from its mint; 0 = perpetual.
        uint64 duration;
        /// Payment token for the price and per-use fees; the zero address = native currency.
        address paymentToken;
        /// Primary price of one license, in the payment token's smallest unit.
        uint256 price;
        /// Usage unit (`scope::UNIT_*`) per-use fees are metered in.
        uint8 usageUnit;
        /// Per-use fee in the payment token per usage unit.
        uint256 usageRate;
        /// Cumulative declared revenue at which each derivative royalty tier starts, strictly
        /// ascending, the first 0; at most `MAX_ROYALTY_TIERS`.
        uint256[] tierThresholds;
        /// Derivative royalty of each tier in basis points (≤ 10,000), same length as
        /// `tierThresholds`.
        uint16[] tierBps;
        /// Most licenses the offer may mint; 0 = unlimited.
        uint32 maxSupply;
        /// Whether licenses may change hands (false = soulbound).
        bool transferable;
        /// Whether holders may rent a license out through ERC-4907.
        bool rentable;
        /// ERC-2981 royalty on resales, in basis points.
        uint16 resaleRoyaltyBps;
        /// Who may revoke a license of this offer for breach.
        address arbiter;
        /// keccak256 of the off-chain terms document.
        bytes32 termsHash;
        /// Where the terms document is published; also the license's `tokenURI`.
        string termsUri;
    }
}
