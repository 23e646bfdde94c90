//! Creating and updating splits: listed recipient sets and Merkle roots, versions, controllers.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolEvent;
use stylus_sdk::prelude::*;
use tributary_abi::abi_words::{emit_log, Tail, Word};

/// ABI words of a list of addresses or uints.
fn words<T: Word>(values: &[T]) -> Vec<[u8; 32]> {
    values.iter().map(Word::word).collect()
}
use crate::{
    accounting::MAX_TOTAL_SHARES,
    errors::{
        Error, SplitDuplicateRecipient, SplitInvalidRecipient, SplitLengthMismatch,
        SplitNoRecipients, SplitNotController, SplitRecipientsNotSorted, SplitTooManyRecipients,
        SplitTotalSharesTooLarge, SplitUnknown, SplitUnknownVersion, SplitZeroRoot,
        SplitZeroShares,
    },
    events::{SplitControllerChanged, SplitCreated, SplitMerkleRootSet, SplitRecipientsSet},
    state::{of_version, of_version_account, Field, Header},
    RoyaltySplitter,
};

/// Most recipients of a listed split version. Creating or updating a split writes one storage
/// slot per recipient (about 22,100 gas each), so 256 recipients cost about 6M gas; larger
/// contributor sets use a Merkle split, whose size is unbounded.
pub const MAX_RECIPIENTS: usize = 256;

/// Checks a listed recipient set and returns its total shares.
///
/// # Errors
/// [`Error::LengthMismatch`], [`Error::NoRecipients`], [`Error::TooManyRecipients`],
/// [`Error::InvalidRecipient`] (zero address), [`Error::DuplicateRecipient`],
/// [`Error::RecipientsNotSorted`], [`Error::ZeroShares`], [`Error::TotalSharesTooLarge`].
pub fn validate_recipients(recipients: &[Address], shares: &[U256]) -> Result<U256, Error> {
    if recipients.len() != shares.len() {
        return Err(Error::LengthMismatch(SplitLengthMismatch {
            recipients: U256::from(recipients.len()),
            shares: U256::from(shares.len()),
        }));
    }
    if recipients.is_empty() {
        return Err(Error::NoRecipients(SplitNoRecipients {}));
    }
    if recipients.len() > MAX_RECIPIENTS {
        return Err(Error::TooManyRecipients(SplitTooManyRecipients {
            count: U256::from(recipients.len()),
            max: U256::from(MAX_RECIPIENTS),
        }));
    }
    let mut total = U256::ZERO;
    let mut previous = Address::ZERO;
    for (index, (&recipient, &share)) in recipients.iter().zip(shares).enumerate() {
        if recipient.is_zero() {
            return Err(Error::InvalidRecipient(SplitInvalidRecipient { recipient }));
        }
        // `previous` starts at zero, so the first (non-zero) recipient always passes.
        if recipient == previous {
            return Err(Error::DuplicateRecipient(SplitDuplicateRecipient {
                recipient,
            }));
        }
        if recipient < previous {
            return Err(Error::RecipientsNotSorted(SplitRecipientsNotSorted {
                index: U256::from(index),
            }));
        }
        if share.is_zero() {
            return Err(Error::ZeroShares(SplitZeroShares {
                index: U256::from(index),
            }));
        }
        total = total
            .checked_add(share)
            .filter(|t| *t <= MAX_TOTAL_SHARES)
            .ok_or(Error::TotalSharesTooLarge(SplitTotalSharesTooLarge {
                max: MAX_TOTAL_SHARES,
            }))?;
        previous = recipient;
    }
    Ok(total)
}

/// Checks a Merkle root and its committed total shares.
///
/// # Errors
/// [`Error::ZeroRoot`], [`Error::ZeroShares`] (index 0), [`Error::TotalSharesTooLarge`].
pub fn validate_merkle(root: B256, total_shares: U256) -> Result<(), Error> {
    if root.is_zero() {
        return Err(Error::ZeroRoot(SplitZeroRoot {}));
    }
    if total_shares.is_zero() {
        return Err(Error::ZeroShares(SplitZeroShares { index: U256::ZERO }));
    }
    if total_shares > MAX_TOTAL_SHARES {
        return Err(Error::TotalSharesTooLarge(SplitTotalSharesTooLarge {
            max: MAX_TOTAL_SHARES,
        }));
    }
    Ok(())
}

/// The shape of a new split version.
pub enum VersionSpec<'a> {
    /// Explicit recipients and shares (already validated; `total` is their sum).
    Listed {
        /// Recipients, sorted ascending and unique.
        recipients: &'a [Address],
        /// Shares, aligned with `recipients`.
        shares: &'a [U256],
        /// Sum of `shares`.
        total: U256,
    },
    /// A Merkle root of `(recipient, shares)` leaves.
    Merkle {
        /// The root.
        root: B256,
        /// The committed sum of all leaves' shares.
        total: U256,
    },
}

impl VersionSpec<'_> {
    /// The version's total shares, as the header keeps it. Both constructors' validations
    /// ([`validate_recipients`], [`validate_merkle`]) bound it by [`MAX_TOTAL_SHARES`]
    /// (`2^64 - 1`), so the conversion never saturates.
    fn total(&self) -> u64 {
        match *self {
            Self::Listed { total, .. } | Self::Merkle { total, .. } => total.saturating_to(),
        }
    }
}

impl RoyaltySplitter {
    /// The header of `split_id`, or [`Error::UnknownSplit`].
    pub(crate) fn require_split(&self, split_id: U256) -> Result<Header, Error> {
        self.header(split_id)
            .ok_or(Error::UnknownSplit(SplitUnknown { split_id }))
    }

    /// Reverts unless `split_id` exists and has `version`.
    pub(crate) fn require_version(&self, split_id: U256, version: u32) -> Result<(), Error> {
        if version > self.require_split(split_id)?.version {
            return Err(Error::UnknownVersion(SplitUnknownVersion {
                split_id,
                version,
            }));
        }
        Ok(())
    }

    /// The split's current version (0 for an unknown split).
    pub(crate) fn current_version(&self, split_id: U256) -> u32 {
        self.header(split_id).map_or(0, |h| h.version)
    }

    /// The header of an existing split whose controller is the caller, or
    /// [`Error::UnknownSplit`] / [`Error::NotController`].
    pub(crate) fn require_controller(&self, split_id: U256) -> Result<Header, Error> {
        let header = self.require_split(split_id)?;
        let account = self.vm().msg_sender();
        if header.controller.is_zero() || header.controller != account {
            return Err(Error::NotController(SplitNotController {
                split_id,
                account,
            }));
        }
        Ok(header)
    }

    /// Creates a split with version 0 = `spec`.
    pub(crate) fn open_split(
        &mut self,
        controller: Address,
        spec: &VersionSpec<'_>,
    ) -> Result<U256, Error> {
        self.pausable.when_not_paused()?;
        // Ids start at 1; 2^256 splits cannot be created, the add cannot overflow in practice
        // but is checked like everything else.
        let split_id =
            self.split_count
                .get()
                .checked_add(U256::from(1))
                .ok_or(Error::UnknownSplit(SplitUnknown {
                    split_id: U256::MAX,
                }))?;
        self.split_count.set(split_id);
        self.write_header(
            split_id,
            Header {
                controller,
                version: 0,
                total: spec.total(),
            },
        );
        let creator = self.vm().msg_sender();
        emit_log(
            self.vm(),
            &[
                SplitCreated::SIGNATURE_HASH.0,
                split_id.word(),
                creator.word(),
                controller.word(),
            ],
            &[],
            &[],
        );
        self.write_version(split_id, 0, spec);
        Ok(split_id)
    }

    /// Opens the next version of an existing split (controller only).
    pub(crate) fn open_next_version(
        &mut self,
        split_id: U256,
        spec: &VersionSpec<'_>,
    ) -> Result<u32, Error> {
        let header = self.require_controller(split_id)?;
        let version =
            header
                .version
                .checked_add(1)
                .ok_or(Error::UnknownVersion(SplitUnknownVersion {
                    split_id,
                    version: header.version,
                }))?;
        self.write_header(
            split_id,
            Header {
                version,
                total: spec.total(),
                ..header
            },
        );
        self.write_version(split_id, version, spec);
        Ok(version)
    }

    /// Hands control of a split to `controller` (zero makes it immutable).
    pub(crate) fn set_controller(
        &mut self,
        split_id: U256,
        controller: Address,
    ) -> Result<(), Error> {
        let header = self.require_controller(split_id)?;
        self.write_header(
            split_id,
            Header {
                controller,
                ..header
            },
        );
        emit_log(
            self.vm(),
            &[
                SplitControllerChanged::SIGNATURE_HASH.0,
                split_id.word(),
                header.controller.word(),
                controller.word(),
            ],
            &[],
            &[],
        );
        Ok(())
    }

    /// Stores version `version` of `split_id` and emits its event.
    fn write_version(&mut self, split_id: U256, version: u32, spec: &VersionSpec<'_>) {
        match *spec {
            VersionSpec::Listed {
                recipients,
                shares,
                total,
            } => {
                let key = of_version(split_id, version);
                self.write_uint(Field::TotalShares, &key, total);
                self.write_uint(Field::RecipientCount, &key, U256::from(recipients.len()));
                for (&recipient, &share) in recipients.iter().zip(shares) {
                    let key = of_version_account(split_id, version, recipient);
                    self.write_uint(Field::Shares, &key, share);
                }
                emit_log(
                    self.vm(),
                    &[
                        SplitRecipientsSet::SIGNATURE_HASH.0,
                        split_id.word(),
                        version.word(),
                    ],
                    &[[0; 32], [0; 32]],
                    &[
                        Tail::words(0, &words(recipients)),
                        Tail::words(1, &words(shares)),
                    ],
                );
            }
            VersionSpec::Merkle { root, total } => {
                let key = of_version(split_id, version);
                self.write_uint(Field::TotalShares, &key, total);
                self.write(Field::Root, &key, root);
                emit_log(
                    self.vm(),
                    &[
                        SplitMerkleRootSet::SIGNATURE_HASH.0,
                        split_id.word(),
                        version.word(),
                    ],
                    &[root.0, total.word()],
                    &[],
                );
            }
        }
    }
}
