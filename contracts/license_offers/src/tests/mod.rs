//! motsu tests of the offers contract, run with the real token contract (`LicenseNft`) and
//! contract doubles for the registry, the splitter, tokens and receivers.
#![allow(clippy::too_many_arguments)]

mod encoding;
mod mint;
mod offers;

use alloc::vec;

use alloy_primitives::{Address, U256};
use license_nft::LicenseNft;
pub(crate) use tributary_testkit::{erc20::TestToken, licensing::*};

use crate::LicenseOffers;

// `deploy`, `offer`, `buy`, `licensed` and `now`: the fixtures shared with license_nft's tests.
tributary_testkit::license_fixtures!(LicenseNft, LicenseOffers);

/// The native balance of an account in motsu's VM.
#[allow(deprecated)] // motsu answers the 0.9 `AddressVM` host call for plain addresses
pub(crate) fn eth_balance(account: Address) -> U256 {
    use stylus_sdk::types::AddressVM;
    account.balance()
}
