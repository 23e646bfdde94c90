//! The packed storage words of a Datanet and of a contribution.
//!
//! Each word is a `bytes32` with its fields at fixed byte offsets (big-endian), so a Datanet's
//! configuration, its status and a contribution's head are one storage slot each. Plain
//! byte packing rather than typed sub-word fields keeps the contract small (one storage type).

use alloy_primitives::{Address, B256, U256};

fn put(word: &mut B256, at: usize, bytes: &[u8]) {
    word[at..at + bytes.len()].copy_from_slice(bytes);
}

fn u32_at(word: &B256, at: usize) -> u32 {
    let mut bytes = [0u8; 4];
    bytes.copy_from_slice(&word[at..at + 4]);
    u32::from_be_bytes(bytes)
}

fn u64_at(word: &B256, at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&word[at..at + 8]);
    u64::from_be_bytes(bytes)
}

fn address_at(word: &B256) -> Address {
    Address::from_slice(&word[..20])
}

/// A Datanet's configuration: `curator ‖ reviewWindow ‖ stakeLock ‖ vetoWindow`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// Reviews contributions besides the owner (zero: the owner alone).
    pub curator: Address,
    /// Seconds the curator has to review a contribution (never zero once configured).
    pub review_window: u32,
    /// Seconds an accepted contribution's stake stays locked.
    pub stake_lock: u32,
    /// Seconds the owner has to veto a posted report.
    pub veto_window: u32,
}

impl Config {
    /// The packed word.
    pub fn word(self) -> B256 {
        let mut word = B256::ZERO;
        put(&mut word, 0, self.curator.as_slice());
        put(&mut word, 20, &self.review_window.to_be_bytes());
        put(&mut word, 24, &self.stake_lock.to_be_bytes());
        put(&mut word, 28, &self.veto_window.to_be_bytes());
        word
    }

    /// Unpacks a word.
    pub fn from_word(word: B256) -> Self {
        Self {
            curator: address_at(&word),
            review_window: u32_at(&word, 20),
            stake_lock: u32_at(&word, 24),
            veto_window: u32_at(&word, 28),
        }
    }
}

/// A Datanet's status: `stakeToken ‖ epoch ‖ open`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// The stake token (zero = native currency), fixed when the Datanet opens.
    pub stake_token: Address,
    /// The last activated epoch (0 = none yet).
    pub epoch: u64,
    /// Whether contributions and reports are taken.
    pub open: bool,
}

impl Status {
    /// The packed word.
    pub fn word(self) -> B256 {
        let mut word = B256::ZERO;
        put(&mut word, 0, self.stake_token.as_slice());
        put(&mut word, 20, &self.epoch.to_be_bytes());
        word[28] = u8::from(self.open);
        word
    }

    /// Unpacks a word.
    pub fn from_word(word: B256) -> Self {
        Self {
            stake_token: address_at(&word),
            epoch: u64_at(&word, 20),
            open: word[28] != 0,
        }
    }
}

/// A pending report's numbers: `totalWeight ‖ vetoEndsAt` (its root and digest have words of
/// their own; a zero root means no report is pending).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pending {
    /// Sum of the weights.
    pub total: u64,
    /// When the veto window closes.
    pub veto_ends: u64,
}

impl Pending {
    /// The packed word.
    pub fn word(self) -> B256 {
        let mut word = B256::ZERO;
        put(&mut word, 0, &self.total.to_be_bytes());
        put(&mut word, 8, &self.veto_ends.to_be_bytes());
        word
    }

    /// Unpacks a word.
    pub fn from_word(word: B256) -> Self {
        Self {
            total: u64_at(&word, 0),
            veto_ends: u64_at(&word, 8),
        }
    }
}

/// A contribution's head: `contributor ‖ deadline ‖ status`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Head {
    /// Who submitted it, and gets its stake back.
    pub contributor: Address,
    /// Review deadline while pending; when the stake unlocks once reviewed.
    pub deadline: u64,
    /// `tributary_abi::attribution::status`.
    pub status: u8,
}

impl Head {
    /// The packed word.
    pub fn word(self) -> B256 {
        let mut word = B256::ZERO;
        put(&mut word, 0, self.contributor.as_slice());
        put(&mut word, 20, &self.deadline.to_be_bytes());
        word[28] = self.status;
        word
    }

    /// Unpacks a word.
    pub fn from_word(word: B256) -> Self {
        Self {
            contributor: address_at(&word),
            deadline: u64_at(&word, 20),
            status: word[28],
        }
    }
}

/// A contribution's body: `datasetId (128 bits) ‖ stake (128 bits)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Body {
    /// The dataset (registry ids are far below 2^128).
    pub dataset_id: U256,
    /// The stake still held (below 2^128: the configuration bounds it).
    pub stake: U256,
}

impl Body {
    /// The packed word.
    pub fn word(self) -> B256 {
        B256::from((self.dataset_id << 128) | self.stake)
    }

    /// Unpacks a word.
    pub fn from_word(word: B256) -> Self {
        let value = U256::from_be_bytes(word.0);
        Self {
            dataset_id: value >> 128,
            stake: value & U256::from(u128::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        let config = Config {
            curator: Address::repeat_byte(0xc0),
            review_window: 7,
            stake_lock: u32::MAX,
            veto_window: 3,
        };
        assert_eq!(Config::from_word(config.word()), config);
        let status = Status {
            stake_token: Address::repeat_byte(0x70),
            epoch: u64::MAX,
            open: true,
        };
        assert_eq!(Status::from_word(status.word()), status);
        let pending = Pending {
            total: u64::MAX,
            veto_ends: 9,
        };
        assert_eq!(Pending::from_word(pending.word()), pending);
        let head = Head {
            contributor: Address::repeat_byte(0xcc),
            deadline: 1 << 40,
            status: 5,
        };
        assert_eq!(Head::from_word(head.word()), head);
        let body = Body {
            dataset_id: U256::from(u128::MAX),
            stake: U256::from(u128::MAX),
        };
        assert_eq!(Body::from_word(body.word()), body);
    }
}
