//! The hand-written error encoding matches alloy's `SolError::abi_encode` for every error.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolError;
use openzeppelin_stylus::{access::ownable, utils::cryptography::ecdsa};

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
        || errors::NothingToWithdraw {
            account: Address::repeat_byte(0x11),
        },
        Error::NothingToWithdraw,
    );
    check(
        || errors::AttestorNotAllowed {
            attestor: Address::repeat_byte(0x11),
        },
        Error::AttestorNotAllowed,
    );
    check(
        || errors::InsufficientBond {
            attestor: Address::repeat_byte(0x11),
            bond: U256::from(0x1234_5678_u64),
            required: U256::from(0x1234_5678_u64),
        },
        Error::InsufficientBond,
    );
    check(
        || errors::AttestorExiting {
            attestor: Address::repeat_byte(0x11),
        },
        Error::AttestorExiting,
    );
    check(
        || errors::ExitNotRequested {
            attestor: Address::repeat_byte(0x11),
        },
        Error::ExitNotRequested,
    );
    check(
        || errors::BondLocked {
            attestor: Address::repeat_byte(0x11),
            unlocksAt: 0x0102_0304_u64,
        },
        Error::BondLocked,
    );
    check(
        || errors::BondUnderChallenge {
            attestor: Address::repeat_byte(0x11),
            openChallenges: 7_u32,
        },
        Error::BondUnderChallenge,
    );
    check(
        || errors::BatchAlreadyAnchored {
            batchId: B256::repeat_byte(0x22),
        },
        Error::BatchAlreadyAnchored,
    );
    check(
        || errors::InvalidBatch {
            batchId: B256::repeat_byte(0x22),
        },
        Error::InvalidBatch,
    );
    check(
        || errors::InvalidSignatureLength {
            length: U256::from(0x1234_5678_u64),
        },
        Error::InvalidSignatureLength,
    );
    check(
        || errors::BadSignature {
            batchId: B256::repeat_byte(0x22),
            attestor: Address::repeat_byte(0x11),
        },
        Error::BadSignature,
    );
    check(
        || ecdsa::ECDSAInvalidSignature {},
        Error::EcdsaInvalidSignature,
    );
    check(
        || ecdsa::ECDSAInvalidSignatureS {
            s: B256::repeat_byte(0x22),
        },
        Error::EcdsaInvalidSignatureS,
    );
    check(
        || errors::UnknownBatch {
            batchId: B256::repeat_byte(0x22),
        },
        Error::UnknownBatch,
    );
    check(
        || errors::ChallengeWindowClosed {
            batchId: B256::repeat_byte(0x22),
            closedAt: 0x0102_0304_u64,
        },
        Error::ChallengeWindowClosed,
    );
    check(
        || errors::ChallengeWindowOpen {
            batchId: B256::repeat_byte(0x22),
            settleableAt: 0x0102_0304_u64,
        },
        Error::ChallengeWindowOpen,
    );
    check(
        || errors::WrongChallengeBond {
            sent: U256::from(0x1234_5678_u64),
            required: U256::from(0x1234_5678_u64),
        },
        Error::WrongChallengeBond,
    );
    check(
        || errors::BatchAlreadyChallenged {
            batchId: B256::repeat_byte(0x22),
        },
        Error::BatchAlreadyChallenged,
    );
    check(
        || errors::BatchUnderChallenge {
            batchId: B256::repeat_byte(0x22),
        },
        Error::BatchUnderChallenge,
    );
    check(
        || errors::BatchVoided {
            batchId: B256::repeat_byte(0x22),
        },
        Error::BatchVoided,
    );
    check(
        || errors::NoOpenChallenge {
            batchId: B256::repeat_byte(0x22),
        },
        Error::NoOpenChallenge,
    );
    check(
        || errors::EmptySettlement {
            batchId: B256::repeat_byte(0x22),
        },
        Error::EmptySettlement,
    );
    check(
        || errors::InvalidProof {
            batchId: B256::repeat_byte(0x22),
        },
        Error::InvalidProof,
    );
    check(
        || errors::ReceiptAlreadySettled {
            leaf: B256::repeat_byte(0x22),
        },
        Error::ReceiptAlreadySettled,
    );
    check(
        || errors::ReceiptAttestorMismatch {
            leaf: B256::repeat_byte(0x22),
            attestor: Address::repeat_byte(0x11),
        },
        Error::ReceiptAttestorMismatch,
    );
    check(
        || errors::ReceiptOutsidePeriod {
            leaf: B256::repeat_byte(0x22),
            timestamp: 0x0102_0304_u64,
        },
        Error::ReceiptOutsidePeriod,
    );
    check(
        || errors::WrongDataset {
            licenseId: U256::from(0x1234_5678_u64),
            datasetId: U256::from(0x1234_5678_u64),
        },
        Error::WrongDataset,
    );
    check(
        || errors::WrongUsageUnit {
            licenseId: U256::from(0x1234_5678_u64),
            unit: 3_u8,
        },
        Error::WrongUsageUnit,
    );
    check(
        || errors::LicenseRevoked {
            licenseId: U256::from(0x1234_5678_u64),
        },
        Error::LicenseRevoked,
    );
    check(
        || errors::LicenseNotActive {
            licenseId: U256::from(0x1234_5678_u64),
            timestamp: 0x0102_0304_u64,
        },
        Error::LicenseNotActive,
    );
    check(
        || errors::ScopeNotLicensed {
            licenseId: U256::from(0x1234_5678_u64),
            scope: U256::from(0x1234_5678_u64),
        },
        Error::ScopeNotLicensed,
    );
    check(
        || errors::OwnableUnauthorizedAccount {
            account: Address::repeat_byte(0x11),
        },
        Error::UnauthorizedAccount,
    );
    check(
        || errors::OwnableInvalidOwner {
            owner: Address::repeat_byte(0x11),
        },
        Error::InvalidOwner,
    );
    check(
        || errors::NotArbiter {
            account: Address::repeat_byte(0x11),
        },
        Error::NotArbiter,
    );
    check(|| errors::MalformedCalldata {}, Error::MalformedCalldata);
    // Same selectors as `OpenZeppelin`'s `Ownable` errors.
    assert_eq!(
        errors::OwnableUnauthorizedAccount::SELECTOR,
        ownable::OwnableUnauthorizedAccount::SELECTOR
    );
    assert_eq!(
        errors::OwnableInvalidOwner::SELECTOR,
        ownable::OwnableInvalidOwner::SELECTOR
    );
}
