//! ERC-4907 rentals: the owner (or an approved account) lends a license to a user until a
//! deadline, where the offer's terms allow rentals.
//!
//! As in the EIP's reference implementation, `userOf` returns the user while
//! `block.timestamp <= expires` (the user is still current at second `expires`, gone at
//! `expires + 1`). The user is cleared when the token changes owner.

use alloy_primitives::{aliases::U64, Address, U256};
use openzeppelin_stylus::token::erc721::ERC721InsufficientApproval;
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageU64},
};

use crate::{
    errors::{Error, RentalNotAllowed, RevokedLicense},
    events::{emit, UpdateUser},
    LicenseNft,
};

/// The ERC-4907 user of one token. Storage layout, one slot: `user` (20) · `expires` (8).
#[storage]
pub struct Rental {
    /// The renter.
    pub(crate) user: StorageAddress,
    /// Last second (inclusive) the renter is the user.
    pub(crate) expires: StorageU64,
}

impl LicenseNft {
    /// ERC-4907 `setUser`.
    pub(crate) fn set_user_of(
        &mut self,
        token_id: U256,
        user: Address,
        expires: u64,
    ) -> Result<(), Error> {
        let owner = self.erc721._require_owned(token_id)?;
        let sender = self.vm().msg_sender();
        if !self.erc721._is_authorized(owner, sender, token_id) {
            return Err(ERC721InsufficientApproval {
                operator: sender,
                token_id,
            }
            .into());
        }
        let license = self.licenses.getter(token_id);
        if license.revoked.get() {
            return Err(RevokedLicense { tokenId: token_id }.into());
        }
        let offer_id = U256::from(license.offer_id.get());
        if !self.offers.getter(offer_id).rentable.get() {
            return Err(RentalNotAllowed { tokenId: token_id }.into());
        }
        let mut rental = self.rentals.setter(token_id);
        rental.user.set(user);
        rental.expires.set(U64::from(expires));
        emit(
            self.vm(),
            &UpdateUser {
                tokenId: token_id,
                user,
                expires,
            },
        );
        Ok(())
    }

    /// ERC-4907 `userOf`: the user while `block.timestamp <= expires`, else zero.
    pub(crate) fn current_user(&self, token_id: U256) -> Address {
        let rental = self.rentals.getter(token_id);
        if self.vm().block_timestamp() <= rental.expires.get().to::<u64>() {
            rental.user.get()
        } else {
            Address::ZERO
        }
    }

    /// Clears the user of a token that changes owner (ERC-4907), with `UpdateUser(id, 0, 0)`.
    pub(crate) fn clear_user(&mut self, token_id: U256) {
        if self.rentals.getter(token_id).user.get().is_zero() {
            return;
        }
        let mut rental = self.rentals.setter(token_id);
        rental.user.set(Address::ZERO);
        rental.expires.set(U64::ZERO);
        emit(
            self.vm(),
            &UpdateUser {
                tokenId: token_id,
                user: Address::ZERO,
                expires: 0,
            },
        );
    }
}
