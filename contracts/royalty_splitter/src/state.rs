//! Storage layout of splits, their versions and per-token books.
//!
//! Flat maps keyed by hashed composite keys (one `StorageMap` level each, instead of maps of
//! structs of maps) keep both the WASM and the number of slot computations small:
//!
//! ```text
//! splits[split_id]                          SplitHeader
//!   slot 0  controller (160 bits) | version (32 bits)    packed
//!   slot 1  receiver (ERC-2981 forwarder, zero until created)
//! versions[key(split_id, version)]           VersionHeader
//!   slot 0  total_shares   slot 1  registered_shares (Merkle)   slot 2  recipient_count
//!   slot 3  root (zero for a listed version)
//! shares[key(split_id, version, member)]     listed at creation/update, Merkle on first proof
//! accumulators[key(split_id, version, token)]  per-share accumulator, 2^-96 wei per share
//! paid[key(split_id, version, token, member)]  entitlement already paid out
//! books[key(split_id, token)]                TokenTotals (token zero = native currency)
//!   slot 0  deposited   slot 1  remainder (2^-96 wei)   slot 2  withdrawn
//! ```
//!
//! `key(..)` is `keccak256` of the arguments as 32-byte words; keys of one map always hash the
//! same number of words, so they cannot collide.
//!
//! A version never changes once superseded: updating a split opens version `v + 1` and new
//! deposits accrue there, so what was accrued under the old shares stays claimable from the old
//! version, in O(1), whatever the number of tokens or recipients. Only `remainder` (less than
//! one wei) moves on with the split.

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageU256, StorageU32},
};

use crate::{encoding, RoyaltySplitter};

/// The mutable header of one split.
#[storage]
pub struct SplitHeader {
    /// Who may update the split; zero = immutable.
    pub controller: StorageAddress,
    /// The current version; deposits accrue to it.
    pub version: StorageU32,
    /// The split's ERC-2981 receiver (a forwarder into `deposit`), zero until created.
    pub receiver: StorageAddress,
}

/// One version of a split: a listed recipient set or a Merkle root.
#[storage]
pub struct VersionHeader {
    /// Sum of all shares of the version (for a Merkle version, as committed by its creator).
    pub total_shares: StorageU256,
    /// Merkle versions: shares registered so far by proven members (never above the total).
    pub registered_shares: StorageU256,
    /// Listed versions: number of recipients (zero for Merkle versions).
    pub recipient_count: StorageU32,
    /// Merkle root of `(recipient, shares)` leaves; zero for a listed version.
    pub root: StorageB256,
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

impl RoyaltySplitter {
    /// `keccak256` of `words` (at most four), with the host's native keccak.
    fn key(&self, words: &[B256]) -> B256 {
        let mut buffer = [0u8; 128];
        let len = 32 * words.len().min(4);
        for (chunk, word) in buffer[..len].chunks_exact_mut(32).zip(words) {
            chunk.copy_from_slice(word.as_slice());
        }
        self.vm().native_keccak256(&buffer[..len])
    }

    /// Key of a split version.
    pub(crate) fn version_key(&self, split_id: U256, version: u32) -> B256 {
        self.key(&[encoding::uint(split_id), encoding::small(version)])
    }

    /// Key of an account (member or token) within a split version.
    pub(crate) fn version_account_key(&self, split_id: U256, version: u32, account: Address) -> B256 {
        self.key(&[encoding::uint(split_id), encoding::small(version), encoding::address(account)])
    }

    /// Key of a member's payouts of a token within a split version.
    pub(crate) fn paid_key(&self, split_id: U256, version: u32, token: Address, member: Address) -> B256 {
        self.key(&[
            encoding::uint(split_id),
            encoding::small(version),
            encoding::address(token),
            encoding::address(member),
        ])
    }

    /// Key of a split's totals of a token.
    pub(crate) fn book_key(&self, split_id: U256, token: Address) -> B256 {
        self.key(&[encoding::uint(split_id), encoding::address(token)])
    }
}
