//! Structs returned by views that answer with several dynamic arrays.
//!
//! stylus-sdk 0.9 encodes a function's return value with `abi_encode` of its Rust type, so a
//! Rust tuple holding dynamic arrays goes out as *one* tuple value (a leading offset word), not
//! as separate return values. In Solidity that encoding is exactly a function returning one
//! struct. Returning these structs makes the exported interface say what the contract sends
//! (`returns (RoyaltyTiers memory)`), so Solidity and alloy callers decode it as declared; the
//! bytes on the wire are the same as before.

#[cfg(feature = "export-abi")]
use alloc::{string::String, vec, vec::Vec};

use alloy_sol_types::sol;
use stylus_sdk::abi::{AbiType, ConstString};

sol! {
    /// A license's derivative royalty tiers: `bps[i]` applies from cumulative declared revenue
    /// `thresholds[i]` on.
    #[derive(Debug, PartialEq, Eq)]
    struct RoyaltyTiers {
        /// Ascending thresholds, the first 0.
        uint256[] thresholds;
        /// Basis points of each tier.
        uint16[] bps;
    }

    /// A model's parents: datasets with weights and the licenses they were used under, and
    /// parent models with the basis points of revenue owed to each.
    #[derive(Debug, PartialEq, Eq)]
    struct Lineage {
        /// Parent dataset ids.
        uint256[] datasets;
        /// Relative weights of the parent datasets (sum 10,000).
        uint256[] datasetWeights;
        /// License token held for each parent dataset.
        uint256[] licenses;
        /// Parent model ids.
        uint256[] models;
        /// Basis points of revenue owed to each parent model.
        uint256[] modelWeights;
    }

    /// Everything `RevenueRouter` needs to route a model's revenue, in one registry call: the
    /// model and its ancestors (`models`, the model first, then highest id first: children
    /// before parents) with their splits, every parent-dataset link of every one of them
    /// (`datasetNodes[k]` is the index in `models` of the model the link belongs to) with the
    /// dataset's weight, the license it was used under and the dataset's split, and every
    /// parent-model link (`modelNodes[k]` owes `modelBps[k]` to `modelParents[k]`).
    #[derive(Debug, PartialEq, Eq)]
    struct RouteSnapshot {
        uint256[] models;
        uint256[] splits;
        uint256[] datasetNodes;
        uint256[] datasetIds;
        uint256[] datasetWeights;
        uint256[] datasetLicenses;
        uint256[] datasetSplits;
        uint256[] modelNodes;
        uint256[] modelParents;
        uint256[] modelBps;
    }

    /// What `RevenueRouter.quoteRoyalties` answers: each party reached by a model's revenue
    /// (a dataset id, or `2^63 + modelId` for a model) with what it would receive.
    #[derive(Debug, PartialEq, Eq)]
    struct RoyaltyQuote {
        /// Dataset ids and model asset ids (`2^63 + modelId`), the quoted model first.
        uint256[] assetIds;
        /// What each would receive; they sum to the quoted amount.
        uint256[] amounts;
    }
}

/// Implements [`AbiType`] (and, for export-abi, the struct declaration) for a returned struct.
macro_rules! returned_struct {
    ($ty:ident, $tuple:literal, $decl:literal) => {
        impl AbiType for $ty {
            type SolType = Self;

            const ABI: ConstString = ConstString::new($tuple);

            const EXPORT_ABI_ARG: ConstString =
                ConstString::new(concat!(stringify!($ty), " calldata"));

            const EXPORT_ABI_RET: ConstString =
                ConstString::new(concat!(stringify!($ty), " memory"));

            const CAN_BE_CALLDATA: bool = false;
        }

        #[cfg(feature = "export-abi")]
        impl stylus_sdk::abi::export::internal::InnerTypes for $ty {
            fn inner_types() -> Vec<stylus_sdk::abi::export::internal::InnerType> {
                vec![stylus_sdk::abi::export::internal::InnerType {
                    name: String::from($decl),
                    id: core::any::TypeId::of::<$ty>(),
                }]
            }
        }
    };
}

returned_struct!(
    RoyaltyTiers,
    "(uint256[],uint16[])",
    "struct RoyaltyTiers { uint256[] thresholds; uint16[] bps; }"
);
returned_struct!(
    Lineage,
    "(uint256[],uint256[],uint256[],uint256[],uint256[])",
    "struct Lineage { uint256[] datasets; uint256[] datasetWeights; uint256[] licenses; uint256[] models; uint256[] modelWeights; }"
);
returned_struct!(
    RouteSnapshot,
    "(uint256[],uint256[],uint256[],uint256[],uint256[],uint256[],uint256[],uint256[],uint256[],uint256[])",
    "struct RouteSnapshot { uint256[] models; uint256[] splits; uint256[] datasetNodes; uint256[] datasetIds; uint256[] datasetWeights; uint256[] datasetLicenses; uint256[] datasetSplits; uint256[] modelNodes; uint256[] modelParents; uint256[] modelBps; }"
);
returned_struct!(
    RoyaltyQuote,
    "(uint256[],uint256[])",
    "struct RoyaltyQuote { uint256[] assetIds; uint256[] amounts; }"
);

#[cfg(test)]
mod tests {
    use alloc::vec;

    use alloy_primitives::U256;
    use alloy_sol_types::{SolType, SolValue};

    use super::*;

    #[test]
    fn a_returned_struct_encodes_as_one_value_like_the_sdk_sends() {
        let tiers = RoyaltyTiers {
            thresholds: vec![U256::ZERO],
            bps: vec![700],
        };
        let sdk_bytes = <RoyaltyTiers as SolType>::abi_encode(&tiers);
        let as_tuple = (vec![U256::ZERO], vec![700u16]).abi_encode();
        assert_eq!(sdk_bytes, as_tuple, "the wire format did not change");
        assert_eq!(
            sdk_bytes[..32],
            U256::from(32).to_be_bytes::<32>(),
            "one leading offset"
        );
    }
}
