//! motsu tests of the license token contract, run with the real offers contract
//! (`LicenseOffers`) and contract doubles for the registry, the splitter, tokens and receivers.
#![allow(clippy::too_many_arguments)]

mod doubles;
mod encoding;
mod erc721;
mod licenses;
mod rentals;
mod wiring;

use alloc::vec;

use alloy_primitives::{Address, U256};
use license_offers::LicenseOffers;
use motsu::prelude::*;
pub(crate) use tributary_testkit::licensing::*;

pub(crate) use self::doubles::*;
use crate::LicenseNft;

// `deploy`, `offer`, `buy`, `licensed` and `now`: the fixtures shared with license_offers' tests.
tributary_testkit::license_fixtures!(LicenseNft, LicenseOffers);

/// Overwrites a license's stored expiry: how tests move a license through time (motsu's
/// block timestamp is fixed).
pub(crate) fn set_expiry(nft: &Contract<LicenseNft>, token_id: U256, expires_at: u64) {
    use crate::store::{stamped, MAX_TIME};

    let mut call = nft.sender(Address::ZERO);
    // expiresAt is bits 8..48 of limb 3 (`store`): clear them, then stamp the new expiry.
    let mut limbs = call.read_stamp(token_id).into_limbs();
    limbs[3] &= !(MAX_TIME << 8);
    let stamp = stamped(U256::from_limbs(limbs), 0, expires_at);
    call.write_stamp(token_id, stamp);
}
