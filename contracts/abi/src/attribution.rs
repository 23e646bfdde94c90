//! Datanets and Proof of Attribution (`docs/datanets.md`): the contribution life cycle and the
//! attribution report an evaluator signs, with its EIP-712 type.
//!
//! A report commits to a Merkle root of `(contributor, weight)` leaves and their total weight.
//! The leaf is the splitter's Merkle-split leaf, `keccak256(keccak256(abi.encode(address
//! contributor, uint256 weight)))` ([`weight_leaf`]), because an activated report *is* the next
//! version of the dataset's Merkle split: contributors claim with `claimMerkle` on the splitter,
//! with the same proof the attestor kit wrote for them.

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::{sol, SolValue};

/// EIP-712 domain name of the Datanets contract.
pub const EIP712_NAME: &str = "Tributary Datanets";
/// EIP-712 domain version of the Datanets contract.
pub const EIP712_VERSION: &str = "1";

/// The EIP-712 type string of [`AttributionReport`].
pub const REPORT_TYPE: &str = "AttributionReport(uint256 datasetId,uint256 version,uint64 \
                               epoch,bytes32 benchmarkId,bytes32 metric,bytes32 weightsRoot,\
                               uint256 totalWeight,uint64 deadline)";

/// ABI words of an [`AttributionReport`] (every field is static).
pub const REPORT_WORDS: usize = 8;

/// Largest total weight of a report: the splitter's largest total shares of a split version
/// (`2^64 - 1`), which keeps its carried remainder below one wei.
pub const MAX_TOTAL_WEIGHT: u64 = u64::MAX;

/// A curator's verdict on a pending contribution (`reviewContribution`).
pub mod verdict {
    /// The contribution joins the dataset's next version; its stake is returned after the lock.
    pub const ACCEPT: u8 = 1;
    /// Not taken, in good faith: the stake can be withdrawn at once.
    pub const REJECT: u8 = 2;
    /// Spam, personal data or poisoned: the stake goes to the dataset's split and the
    /// contributor must get no weight.
    pub const FLAG: u8 = 3;
}

/// A contribution's status, as `contribution(id)` answers it.
pub mod status {
    /// No contribution under this id.
    pub const NONE: u8 = 0;
    /// Submitted, waiting for the curator until its review deadline.
    pub const PENDING: u8 = 1;
    /// Accepted ([`super::verdict::ACCEPT`]).
    pub const ACCEPTED: u8 = 2;
    /// Rejected ([`super::verdict::REJECT`]).
    pub const REJECTED: u8 = 3;
    /// Flagged ([`super::verdict::FLAG`]); its stake was slashed.
    pub const FLAGGED: u8 = 4;
    /// Not reviewed before its deadline: its contributor took the stake back.
    pub const EXPIRED: u8 = 5;
}

sol! {
    /// Contributors' measured impact on a dataset, signed by an evaluator the dataset's owner
    /// allow-listed. Once posted and past the dataset's veto window it becomes the weights of the
    /// dataset's split for epoch `epoch`.
    #[derive(Debug, PartialEq, Eq)]
    struct AttributionReport {
        /// The dataset evaluated.
        uint256 datasetId;
        /// The dataset version evaluated (`1..=` the registry's version count).
        uint256 version;
        /// The epoch these weights open: the dataset's current epoch plus one.
        uint64 epoch;
        /// Id of the fixed benchmark the evaluation ran (e.g. the hash of its suite and seed).
        bytes32 benchmarkId;
        /// The metric whose deltas were measured (e.g. `keccak256("accuracy")`).
        bytes32 metric;
        /// Merkle root of the `(contributor, weight)` leaves ([`weight_leaf`]).
        bytes32 weightsRoot;
        /// Sum of the leaves' weights (`1..=MAX_TOTAL_WEIGHT`).
        uint256 totalWeight;
        /// Last second at which the report may be posted.
        uint64 deadline;
    }

    // The function that takes it (top-level, see `crate::interfaces`).
    function postReport(AttributionReport report, bytes signature) external;
}

/// The Merkle leaf of a contributor's weight: `keccak256(keccak256(abi.encode(contributor,
/// weight)))`, the splitter's Merkle-split leaf.
#[must_use]
pub fn weight_leaf(contributor: Address, weight: U256) -> B256 {
    keccak256(keccak256((contributor, weight).abi_encode()))
}

#[cfg(test)]
mod tests {
    use alloy_sol_types::{SolStruct, SolType};

    use super::*;

    #[test]
    fn report_type_is_the_struct_type() {
        assert_eq!(AttributionReport::eip712_encode_type(), REPORT_TYPE);
        assert_eq!(
            <AttributionReport as SolType>::ENCODED_SIZE,
            Some(REPORT_WORDS * 32)
        );
    }

    #[test]
    fn weight_leaf_is_the_double_hash_of_the_abi_pair() {
        let account = Address::repeat_byte(0x11);
        let inner = keccak256(
            [
                B256::left_padding_from(account.as_slice()).0,
                U256::from(7).to_be_bytes::<32>(),
            ]
            .concat(),
        );
        assert_eq!(weight_leaf(account, U256::from(7)), keccak256(inner));
    }
}
