//! The word encoding of every error matches alloy's `SolError::abi_encode`.

use alloc::{string::String, vec};

use alloy_primitives::{Address, U256};
use openzeppelin_stylus::{
    access::ownable::{OwnableInvalidOwner, OwnableUnauthorizedAccount},
    token::erc721::{
        ERC721IncorrectOwner, ERC721InsufficientApproval, ERC721InvalidApprover,
        ERC721InvalidOperator, ERC721InvalidOwner, ERC721InvalidReceiver, ERC721InvalidSender,
        ERC721NonexistentToken, InvalidReceiverWithReason,
    },
};

use crate::errors::*;

#[test]
fn every_error_encodes_like_alloy() {
    let a = Address::repeat_byte(0xab);
    let n = U256::from(0x1234_5678_u64) << 100;
    let mut samples = vec![
        Error::from(ERC721InvalidOwner { owner: a }),
        Error::from(ERC721NonexistentToken { token_id: n }),
        Error::from(ERC721IncorrectOwner {
            sender: a,
            token_id: n,
            owner: Address::repeat_byte(1),
        }),
        Error::from(ERC721InvalidSender { sender: a }),
        Error::from(ERC721InvalidReceiver { receiver: a }),
        Error::from(ERC721InsufficientApproval {
            operator: a,
            token_id: n,
        }),
        Error::from(ERC721InvalidApprover { approver: a }),
        Error::from(ERC721InvalidOperator { operator: a }),
        Error::from(OwnableUnauthorizedAccount { account: a }),
        Error::from(OwnableInvalidOwner { owner: a }),
        Error::from(UnknownOffer { offerId: n }),
        Error::from(OfferAlreadyRegistered { offerId: n }),
        Error::from(ArithmeticOverflow {}),
        Error::from(SoulboundLicense { tokenId: n }),
        Error::from(RevokedLicense { tokenId: n }),
        Error::from(RentalNotAllowed { tokenId: n }),
        Error::from(NotArbiter {
            account: a,
            tokenId: n,
        }),
        Error::from(NotUsageAnchor { account: a }),
        Error::from(UsageAnchorAlreadySet { usageAnchor: a }),
        Error::from(NotLicenseOffers { account: a }),
        Error::from(LicenseOffersAlreadySet { licenseOffers: a }),
        Error::from(ZeroAddress {}),
    ];
    // The string tail in every padding case: empty, short, one word exactly, several words.
    let long = "x".repeat(70);
    for reason in [
        "",
        "no",
        "no licenses here",
        "a reason exactly 32 bytes long!!",
        &long,
    ] {
        samples.push(Error::from(InvalidReceiverWithReason {
            reason: String::from(reason),
        }));
    }
    Error::assert_encodes_like_alloy(samples);
}

#[test]
fn bps_share_is_floor_of_the_product() {
    use tributary_abi::terms::bps_share;
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
