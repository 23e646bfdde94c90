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
    use crate::store::{EXPIRES_AT_SHIFT, MAX_TIME};

    let mut call = nft.sender(Address::ZERO);
    let field = U256::from(MAX_TIME) << EXPIRES_AT_SHIFT;
    let stamp = call.read_stamp(token_id) & !field | U256::from(expires_at) << EXPIRES_AT_SHIFT;
    call.write_stamp(token_id, stamp);
}
