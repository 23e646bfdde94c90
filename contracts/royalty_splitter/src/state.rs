//! Storage layout of splits, their versions and per-token books.
//!
//! ```text
//! splits[split_id]                       Split
//!   slot 0  controller (160 bits) | version (32 bits)           packed
//!   slot 1  receiver (ERC-2981 forwarder, zero until created)
//!   books[token]                         TokenTotals   (token zero = native currency)
//!     slot 0  deposited (160 bits) | remainder (96 bits)         packed, one SSTORE per deposit
//!     slot 1  withdrawn
//!   versions[v]                          SplitVersion
//!     slot 0  total_shares (96) | registered_shares (96) | recipient_count (32)   packed
//!     slot 1  root (zero for a listed version)
//!     shares[member]                     listed at creation/update, Merkle on first proof
//!     tokens[token]                      VersionToken
//!       slot 0  acc (per-share accumulator, 2^-96 wei per share)
//!       paid[member]                     entitlement already paid out
//! ```
//!
//! A version never changes once superseded: updating a split opens version `v + 1` and new
//! deposits accrue there, so what was accrued under the old shares stays claimable from the old
//! version, in O(1), whatever the number of tokens or recipients. Only `remainder` (less than
//! one wei) moves on with the split.

use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageMap, StorageU256, StorageU32},
};

use alloy_primitives::{Address, U256};

/// One split.
#[storage]
pub struct Split {
    /// Who may update the split; zero = immutable.
    pub controller: StorageAddress,
    /// The current version; deposits accrue to it.
    pub version: StorageU32,
    /// The split's ERC-2981 receiver (a forwarder into `deposit`), zero until created.
    pub receiver: StorageAddress,
    /// Totals per token.
    pub books: StorageMap<Address, TokenTotals>,
    /// Versions `0..=version`.
    pub versions: StorageMap<u32, SplitVersion>,
}

/// Cumulative totals of one split and token, across versions.
#[storage]
pub struct TokenTotals {
    /// Everything credited so far (bounded by `accounting::MAX_DEPOSITED`).
    pub deposited: StorageU256,
    /// The carried division remainder, in `2^-96` units (below one wei).
    pub remainder: StorageU256,
    /// Everything paid out so far.
    pub withdrawn: StorageU256,
}

/// One version of a split: a listed recipient set or a Merkle root.
#[storage]
pub struct SplitVersion {
    /// Sum of all shares of the version (for a Merkle version, as committed by its creator).
    pub total_shares: StorageU256,
    /// Merkle versions: shares registered so far by proven members (never above the total).
    pub registered_shares: StorageU256,
    /// Listed versions: number of recipients (zero for Merkle versions).
    pub recipient_count: StorageU32,
    /// Merkle root of `(recipient, shares)` leaves; zero for a listed version.
    pub root: StorageB256,
    /// Shares of each member (zero = not a member or not yet registered).
    pub shares: StorageMap<Address, StorageU256>,
    /// Per-token accumulators and payouts.
    pub tokens: StorageMap<Address, VersionToken>,
}

/// The accounting of one split version and token.
#[storage]
pub struct VersionToken {
    /// Per-share accumulator (`2^-96` wei per share).
    pub acc: StorageU256,
    /// What each member has been paid so far.
    pub paid: StorageMap<Address, StorageU256>,
}

/// Converts a stored packed integer into a `U256`.
pub fn widen<const B: usize, const L: usize>(v: alloy_primitives::Uint<B, L>) -> U256 {
    U256::from(v)
}
