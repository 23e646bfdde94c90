//! The terms of a license offer, as passed to `LicenseNft.createOffer`.

use alloy_primitives::U256;
use alloy_sol_types::sol;
use stylus_sdk::abi::{AbiType, ConstString};

/// Most derivative royalty tiers one offer may define.
pub const MAX_ROYALTY_TIERS: usize = 4;
/// Longest license an offer may sell, in seconds (2^36 − 1, about 2,177 years; 0 is
/// perpetual). `LicenseNft` keeps a license's start and expiry in 40 bits each (until the year
/// 36812), and this bound keeps every `now + duration` inside them.
pub const MAX_DURATION: u64 = (1 << 36) - 1;
/// Basis points in 100 %.
pub const BPS_DENOMINATOR: u16 = 10_000;

sol! {
    /// Machine-readable license terms. The full terms document lives off-chain at `termsUri`;
    /// `termsHash` (keccak256 of that document) binds it.
    #[derive(Debug, PartialEq, Eq)]
    struct LicenseTerms {
        /// Dataset (`attribution_registry` id) the license covers.
        uint256 datasetId;
        /// Granted rights: a bit set of `scope::*` flags.
        uint256 scope;
        /// Seconds a license lasts from its mint, at most `MAX_DURATION`; 0 = perpetual.
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

/// Lets a `#[public]` function take [`LicenseTerms`] (`createOffer(LicenseTerms)`).
///
/// Written by hand rather than derived: stylus-sdk 0.9 computes function selectors from
/// `AbiType::ABI`, and `#[derive(AbiType)]` sets it to the struct's name, which would give
/// `createOffer(LicenseTerms)` instead of the tuple signature Solidity uses.
impl AbiType for LicenseTerms {
    type SolType = Self;

    const ABI: ConstString = ConstString::new(LICENSE_TERMS_TUPLE);

    const EXPORT_ABI_ARG: ConstString = ConstString::new("LicenseTerms calldata");

    const EXPORT_ABI_RET: ConstString = ConstString::new("LicenseTerms memory");

    const CAN_BE_CALLDATA: bool = false;
}

/// The ABI tuple type of [`LicenseTerms`], as it appears in function signatures.
pub const LICENSE_TERMS_TUPLE: &str = "(uint256,uint256,uint64,address,uint256,uint8,uint256,\
uint256[],uint16[],uint32,bool,bool,uint16,address,bytes32,string)";

/// `floor(amount × bps / 10,000)` for `bps ≤ 10,000` (larger values count as 10,000), for any
/// `amount`: ERC-2981 royalty amounts of license and model tokens. Without overflow and without a
/// 256-bit division routine in the WASM: `amount = q × 10,000 + r` by shift-subtract long division,
/// then `q × bps + r × bps / 10,000` (`r × bps < 10^8` fits a `u64`).
#[must_use]
#[inline]
pub fn bps_share(amount: U256, bps: u16) -> U256 {
    const DENOMINATOR: u64 = BPS_DENOMINATOR as u64;
    let limbs = amount.as_limbs();
    let mut quotient = [0u64; 4];
    let mut rem = 0u64;
    for bit in (0..256).rev() {
        // `rem < 10,000`, so `rem << 1 | 1` fits.
        rem = (rem << 1) | ((limbs[bit / 64] >> (bit % 64)) & 1);
        if rem >= DENOMINATOR {
            rem -= DENOMINATOR;
            quotient[bit / 64] |= 1 << (bit % 64);
        }
    }
    let bps = u64::from(bps.min(BPS_DENOMINATOR));
    // `quotient ≤ 2^256 / 10,000` and `bps ≤ 10,000`: the product fits.
    U256::from_limbs(quotient).wrapping_mul(U256::from(bps)) + U256::from(rem * bps / DENOMINATOR)
}

#[cfg(test)]
mod tests {
    use alloc::{string::String, vec::Vec};

    use alloy_sol_types::SolStruct;

    use super::*;

    #[test]
    fn abi_tuple_matches_the_struct() {
        // "LicenseTerms(uint256 datasetId,...)" → "(uint256,...)"
        let typed = LicenseTerms::eip712_root_type();
        let fields = &typed[typed.find('(').unwrap() + 1..typed.len() - 1];
        let field_types: Vec<&str> = fields
            .split(',')
            .map(|f| f.split(' ').next().unwrap())
            .collect();
        let tuple = String::from("(") + &field_types.join(",") + ")";
        assert_eq!(tuple, LICENSE_TERMS_TUPLE);
    }
}
