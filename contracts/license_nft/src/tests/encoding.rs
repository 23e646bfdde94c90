//! The compact error encoder produces exactly alloy's ABI encoding for every error.

use alloc::{string::String, vec::Vec};

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolError;
use openzeppelin_stylus::{
    access::ownable::{OwnableInvalidOwner, OwnableUnauthorizedAccount},
    token::erc721::{
        ERC721IncorrectOwner, ERC721InsufficientApproval, ERC721InvalidApprover,
        ERC721InvalidOperator, ERC721InvalidOwner, ERC721InvalidReceiver, ERC721InvalidSender,
        ERC721NonexistentToken, InvalidReceiverWithReason,
    },
};

use crate::errors::*;

fn same<E: SolError + Clone>(error: E)
where
    Error: From<E>,
{
    assert_eq!(
        Vec::<u8>::from(Error::from(error.clone())),
        error.abi_encode()
    );
}

#[test]
fn every_error_encodes_like_alloy() {
    let a = Address::repeat_byte(0xab);
    let n = U256::from(0x1234_5678_u64) << 100;
    same(ERC721InvalidOwner { owner: a });
    same(ERC721NonexistentToken { token_id: n });
    same(ERC721IncorrectOwner {
        sender: a,
        token_id: n,
        owner: Address::repeat_byte(1),
    });
    same(ERC721InvalidSender { sender: a });
    same(ERC721InvalidReceiver { receiver: a });
    for reason in [
        "",
        "no",
        "no licenses here",
        "a reason exactly 32 bytes long!!",
        "x".repeat(70).as_str(),
    ] {
        same(InvalidReceiverWithReason {
            reason: String::from(reason),
        });
    }
    same(ERC721InsufficientApproval {
        operator: a,
        token_id: n,
    });
    same(ERC721InvalidApprover { approver: a });
    same(ERC721InvalidOperator { operator: a });
    same(OwnableUnauthorizedAccount { account: a });
    same(OwnableInvalidOwner { owner: a });
    same(UnknownOffer { offerId: n });
    same(OfferAlreadyRegistered { offerId: n });
    same(ArithmeticOverflow {});
    same(SoulboundLicense { tokenId: n });
    same(RevokedLicense { tokenId: n });
    same(RentalNotAllowed { tokenId: n });
    same(NotArbiter {
        account: a,
        tokenId: n,
    });
    same(NotUsageAnchor { account: a });
    same(UsageAnchorAlreadySet { usageAnchor: a });
    same(NotLicenseOffers { account: a });
    same(LicenseOffersAlreadySet { licenseOffers: a });
    same(ZeroAddress {});
}

#[test]
fn bps_share_is_floor_of_the_product() {
    use crate::terms::bps_share;
    for (amount, bps) in [
        (U256::ZERO, 500u16),
        (U256::from(1_000_000u64), 500),
        (U256::from(9_999u64), 10_000),
        (U256::from(123_456_789u64), 1),
        (U256::MAX, 10_000),
        (U256::MAX, 9_999),
        (U256::MAX - U256::from(1), 3),
    ] {
        let b = U256::from(bps);
        let d = U256::from(10_000u64);
        let expected = amount / d * b + amount % d * b / d;
        assert_eq!(bps_share(amount, bps), expected, "{amount} × {bps}");
    }
}
