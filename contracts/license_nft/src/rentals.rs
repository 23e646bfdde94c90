//! ERC-4907 rentals: the owner (or an approved account) lends a license to a user until a
//! deadline, where the offer's terms allow rentals.
//!
//! As in the EIP's reference implementation, `userOf` returns the user while
//! `block.timestamp <= expires` (the user is still current at second `expires`, gone at
//! `expires + 1`). The user is cleared when the token changes owner.

use alloy_primitives::{Address, U256};
use openzeppelin_stylus::token::erc721::ERC721InsufficientApproval;
use stylus_sdk::prelude::*;
use tributary_abi::packed::token_offer;

use crate::{
    errors::{Error, RentalNotAllowed, RevokedLicense},
    events::{emit, UpdateUser},
    store::{address_word, limb, stamp_flags, word_address, Field, RENTABLE, REVOKED},
    LicenseNft,
};

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
        if stamp_flags(self.read_stamp(token_id)) & REVOKED != 0 {
            return Err(RevokedLicense { tokenId: token_id }.into());
        }
        if self.packed_terms(token_offer(token_id)).flags & RENTABLE == 0 {
            return Err(RentalNotAllowed { tokenId: token_id }.into());
        }
        self.write(Field::Rental, token_id, address_word(user, expires));
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
        let rental = self.read(Field::Rental, token_id);
        if self.vm().block_timestamp() <= limb(rental, 3) {
            word_address(rental)
        } else {
            Address::ZERO
        }
    }

    /// ERC-4907 `userExpires`.
    pub(crate) fn user_expiry(&self, token_id: U256) -> u64 {
        limb(self.read(Field::Rental, token_id), 3)
    }

    /// Clears the user of a token that changes owner (ERC-4907), with `UpdateUser(id, 0, 0)`.
    pub(crate) fn clear_user(&mut self, token_id: U256) {
        if word_address(self.read(Field::Rental, token_id)).is_zero() {
            return;
        }
        self.write(Field::Rental, token_id, U256::ZERO);
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
