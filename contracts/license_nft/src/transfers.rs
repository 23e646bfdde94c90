//! The license rules every transfer passes before `OpenZeppelin`'s ERC-721 moves the token:
//! soulbound licenses and revoked licenses stay where they are, and a transfer to a new owner
//! ends any ERC-4907 rental.

use alloy_primitives::{Address, U256};
use tributary_abi::packed::token_offer;

use crate::{
    errors::{Error, RevokedLicense, SoulboundLicense},
    store::{stamp_flags, word_address, REVOKED, TRANSFERABLE},
    LicenseNft,
};

impl LicenseNft {
    /// Checks that license `token_id` may move to `to` and clears its user if the owner
    /// changes. Unknown tokens pass: the ERC-721 transfer reports them.
    pub(crate) fn before_transfer(&mut self, to: Address, token_id: U256) -> Result<(), Error> {
        let stamp = self.read_stamp(token_id);
        let owner = word_address(stamp);
        if owner.is_zero() {
            return Ok(());
        }
        if stamp_flags(stamp) & REVOKED != 0 {
            return Err(RevokedLicense { tokenId: token_id }.into());
        }
        if self.packed_terms(token_offer(token_id)).flags & TRANSFERABLE == 0 {
            return Err(SoulboundLicense { tokenId: token_id }.into());
        }
        if owner != to {
            self.clear_user(token_id);
        }
        Ok(())
    }
}
