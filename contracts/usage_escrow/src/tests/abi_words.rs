//! The hand-written error encoding matches alloy's `SolError::abi_encode` for every error.

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolError;
use openzeppelin_stylus::{access::ownable, token::erc20::utils::safe_erc20};

use crate::errors::{self, Error};

fn check<E: SolError>(make: impl Fn() -> E, wrap: impl Fn(E) -> Error) {
    let expected = make().abi_encode();
    let encoded: Vec<u8> = wrap(make()).into();
    assert_eq!(encoded, expected, "{}", E::SIGNATURE);
}

#[test]
fn every_error_encodes_like_alloy() {
    check(
        || errors::InvalidConfiguration {},
        Error::InvalidConfiguration,
    );
    check(|| errors::ArithmeticOverflow {}, Error::ArithmeticOverflow);
    check(|| errors::ZeroAmount {}, Error::ZeroAmount);
    check(
        || errors::ExternalCallFailed {
            target: Address::repeat_byte(0x11),
        },
        Error::ExternalCallFailed,
    );
    check(
        || errors::NativeTransferFailed {
            to: Address::repeat_byte(0x11),
            amount: U256::from(0x1234_5678_u64),
        },
        Error::NativeTransferFailed,
    );
    check(
        || errors::WrongPaymentToken {
            licenseId: U256::from(0x1234_5678_u64),
            token: Address::repeat_byte(0x11),
        },
        Error::WrongPaymentToken,
    );
    check(
        || errors::NotLicenseOwner {
            licenseId: U256::from(0x1234_5678_u64),
            account: Address::repeat_byte(0x11),
        },
        Error::NotLicenseOwner,
    );
    check(
        || errors::NoWithdrawalRequested {
            licenseId: U256::from(0x1234_5678_u64),
        },
        Error::NoWithdrawalRequested,
    );
    check(
        || errors::EscrowWithdrawalLocked {
            licenseId: U256::from(0x1234_5678_u64),
            readyAt: 0x0102_0304_u64,
        },
        Error::EscrowWithdrawalLocked,
    );
    check(
        || errors::EscrowHeldByChallenges {
            openChallenges: 7_u32,
        },
        Error::EscrowHeldByChallenges,
    );
    check(
        || safe_erc20::SafeErc20FailedOperation {
            token: Address::repeat_byte(0x11),
        },
        Error::SafeErc20FailedOperation,
    );
    check(
        || safe_erc20::SafeErc20FailedDecreaseAllowance {
            spender: Address::repeat_byte(0x11),
            current_allowance: U256::from(0x1234_5678_u64),
            requested_decrease: U256::from(0x1234_5678_u64),
        },
        Error::SafeErc20FailedDecreaseAllowance,
    );
    check(|| errors::UsageAnchorNotSet {}, Error::UsageAnchorNotSet);
    check(
        || errors::UsageAnchorAlreadySet {
            anchor: Address::repeat_byte(0x11),
        },
        Error::UsageAnchorAlreadySet,
    );
    check(
        || errors::NotUsageAnchor {
            account: Address::repeat_byte(0x11),
        },
        Error::NotUsageAnchor,
    );
    check(
        || errors::LengthMismatch {
            licenses: U256::from(3),
            fees: U256::from(0x1234_5678_u64),
        },
        Error::LengthMismatch,
    );
    check(
        || ownable::OwnableUnauthorizedAccount {
            account: Address::repeat_byte(0x11),
        },
        Error::UnauthorizedAccount,
    );
    check(
        || ownable::OwnableInvalidOwner {
            owner: Address::repeat_byte(0x11),
        },
        Error::InvalidOwner,
    );
}
