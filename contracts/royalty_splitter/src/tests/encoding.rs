//! The word encoding of every error matches alloy's `SolError::abi_encode`.

use alloc::vec;

use alloy_primitives::{Address, U256};
use openzeppelin_stylus::{
    access::ownable::{OwnableInvalidOwner, OwnableUnauthorizedAccount},
    utils::pausable::{EnforcedPause, ExpectedPause},
};

use crate::errors::*;

#[test]
fn every_error_encodes_like_alloy() {
    let a = Address::repeat_byte(0xab);
    let b = Address::repeat_byte(0x01);
    let n = U256::MAX - U256::from(7);
    let m = U256::from(0x1234_5678_u64) << 100;
    Error::assert_encodes_like_alloy(vec![
        Error::from(SplitLengthMismatch {
            recipients: n,
            shares: m,
        }),
        Error::from(SplitNoRecipients {}),
        Error::from(SplitTooManyRecipients { count: n, max: m }),
        Error::from(SplitRecipientsNotSorted { index: m }),
        Error::from(SplitDuplicateRecipient { recipient: a }),
        Error::from(SplitInvalidRecipient { recipient: a }),
        Error::from(SplitZeroShares { index: n }),
        Error::from(SplitTotalSharesTooLarge { max: m }),
        Error::from(SplitZeroRoot {}),
        Error::from(SplitUnknown { split_id: n }),
        Error::from(SplitUnknownVersion {
            split_id: n,
            version: u32::MAX,
        }),
        Error::from(SplitZeroAmount {}),
        Error::from(SplitNotController {
            split_id: n,
            account: a,
        }),
        Error::from(SplitInvalidProof {
            split_id: m,
            recipient: a,
        }),
        Error::from(SplitMerkleSharesExceeded {
            split_id: n,
            registered: m,
            total: U256::from(3),
        }),
        Error::from(SplitNothingToWithdraw {
            split_id: n,
            recipient: a,
            token: b,
        }),
        Error::from(SplitDepositOverflow {
            split_id: m,
            token: b,
        }),
        Error::from(TransferFailed {
            token: b,
            to: a,
            amount: n,
        }),
        Error::from(SplitReceiverDeploymentFailed { split_id: n }),
        Error::from(OwnableUnauthorizedAccount { account: a }),
        Error::from(OwnableInvalidOwner { owner: a }),
        Error::from(EnforcedPause {}),
        Error::from(ExpectedPause {}),
    ]);
}
