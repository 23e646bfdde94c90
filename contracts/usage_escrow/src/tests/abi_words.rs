//! The word encoding of every error matches alloy's `SolError::abi_encode`.

use alloc::vec;

use alloy_primitives::{Address, U256};
use openzeppelin_stylus::{access::ownable, token::erc20::utils::safe_erc20};

use crate::errors::{self, Error};

#[test]
fn every_error_encodes_like_alloy() {
    Error::assert_encodes_like_alloy(vec![
        Error::InvalidConfiguration(errors::InvalidConfiguration {}),
        Error::ArithmeticOverflow(errors::ArithmeticOverflow {}),
        Error::ZeroAmount(errors::ZeroAmount {}),
        Error::ExternalCallFailed(errors::ExternalCallFailed {
            target: Address::repeat_byte(0x11),
            reason: vec![0xab; 33].into(),
        }),
        Error::NativeTransferFailed(errors::NativeTransferFailed {
            to: Address::repeat_byte(0x11),
            amount: U256::from(0x1234_5678_u64),
        }),
        Error::WrongPaymentToken(errors::WrongPaymentToken {
            licenseId: U256::from(0x1234_5678_u64),
            token: Address::repeat_byte(0x11),
        }),
        Error::NotLicenseOwner(errors::NotLicenseOwner {
            licenseId: U256::from(0x1234_5678_u64),
            account: Address::repeat_byte(0x11),
        }),
        Error::NoWithdrawalRequested(errors::NoWithdrawalRequested {
            licenseId: U256::from(0x1234_5678_u64),
        }),
        Error::EscrowWithdrawalLocked(errors::EscrowWithdrawalLocked {
            licenseId: U256::from(0x1234_5678_u64),
            readyAt: 0x0102_0304_u64,
        }),
        Error::EscrowHeld(errors::EscrowHeld {
            licenseId: U256::from(0x1234_5678_u64),
            holds: u32::MAX,
        }),
        Error::NotUsageDisputes(errors::NotUsageDisputes {
            account: Address::repeat_byte(0x11),
        }),
        Error::NoEscrowHold(errors::NoEscrowHold {
            licenseId: U256::MAX,
        }),
        Error::SafeErc20FailedOperation(safe_erc20::SafeErc20FailedOperation {
            token: Address::repeat_byte(0x11),
        }),
        Error::SafeErc20FailedDecreaseAllowance(safe_erc20::SafeErc20FailedDecreaseAllowance {
            spender: Address::repeat_byte(0x11),
            current_allowance: U256::from(0x1234_5678_u64),
            requested_decrease: U256::from(0x1234_5678_u64),
        }),
        Error::UsageAnchorNotSet(errors::UsageAnchorNotSet {}),
        Error::UsageAnchorAlreadySet(errors::UsageAnchorAlreadySet {
            anchor: Address::repeat_byte(0x11),
        }),
        Error::NotUsageAnchor(errors::NotUsageAnchor {
            account: Address::repeat_byte(0x11),
        }),
        Error::LengthMismatch(errors::LengthMismatch {
            expected: U256::from(3),
            actual: U256::from(0x1234_5678_u64),
        }),
        Error::UnauthorizedAccount(ownable::OwnableUnauthorizedAccount {
            account: Address::repeat_byte(0x11),
        }),
        Error::InvalidOwner(ownable::OwnableInvalidOwner {
            owner: Address::repeat_byte(0x11),
        }),
    ]);
}
