//! The word encoding of every error matches alloy's `SolError::abi_encode`.

use alloc::vec;

use alloy_primitives::{Address, B256, U256};
use openzeppelin_stylus::utils::cryptography::ecdsa;

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
        Error::NothingToWithdraw(errors::NothingToWithdraw {
            account: Address::repeat_byte(0x11),
        }),
        Error::AttestorNotAllowed(errors::AttestorNotAllowed {
            attestor: Address::repeat_byte(0x11),
        }),
        Error::InsufficientBond(errors::InsufficientBond {
            attestor: Address::repeat_byte(0x11),
            bond: U256::from(0x1234_5678_u64),
            required: U256::from(0x1234_5678_u64),
        }),
        Error::AttestorExiting(errors::AttestorExiting {
            attestor: Address::repeat_byte(0x11),
        }),
        Error::ExitNotRequested(errors::ExitNotRequested {
            attestor: Address::repeat_byte(0x11),
        }),
        Error::BondLocked(errors::BondLocked {
            attestor: Address::repeat_byte(0x11),
            unlocksAt: 0x0102_0304_u64,
        }),
        Error::BondUnderChallenge(errors::BondUnderChallenge {
            attestor: Address::repeat_byte(0x11),
            openChallenges: 7_u32,
        }),
        Error::BatchAlreadyAnchored(errors::BatchAlreadyAnchored {
            batchId: B256::repeat_byte(0x22),
        }),
        Error::InvalidBatch(errors::InvalidBatch {
            batchId: B256::repeat_byte(0x22),
        }),
        Error::InvalidSignatureLength(errors::InvalidSignatureLength {
            length: U256::from(0x1234_5678_u64),
        }),
        Error::BadSignature(errors::BadSignature {
            batchId: B256::repeat_byte(0x22),
            attestor: Address::repeat_byte(0x11),
        }),
        Error::EcdsaInvalidSignature(ecdsa::ECDSAInvalidSignature {}),
        Error::EcdsaInvalidSignatureS(ecdsa::ECDSAInvalidSignatureS {
            s: B256::repeat_byte(0x22),
        }),
        Error::UnknownBatch(errors::UnknownBatch {
            batchId: B256::repeat_byte(0x22),
        }),
        Error::ChallengeWindowClosed(errors::ChallengeWindowClosed {
            batchId: B256::repeat_byte(0x22),
            closedAt: 0x0102_0304_u64,
        }),
        Error::ChallengeWindowOpen(errors::ChallengeWindowOpen {
            batchId: B256::repeat_byte(0x22),
            settleableAt: 0x0102_0304_u64,
        }),
        Error::WrongChallengeBond(errors::WrongChallengeBond {
            sent: U256::from(0x1234_5678_u64),
            required: U256::from(0x1234_5678_u64),
        }),
        Error::BatchAlreadyChallenged(errors::BatchAlreadyChallenged {
            batchId: B256::repeat_byte(0x22),
        }),
        Error::BatchUnderChallenge(errors::BatchUnderChallenge {
            batchId: B256::repeat_byte(0x22),
        }),
        Error::BatchVoided(errors::BatchVoided {
            batchId: B256::repeat_byte(0x22),
        }),
        Error::NoOpenChallenge(errors::NoOpenChallenge {
            batchId: B256::repeat_byte(0x22),
        }),
        Error::EmptySettlement(errors::EmptySettlement {
            batchId: B256::repeat_byte(0x22),
        }),
        Error::InvalidProof(errors::InvalidProof {
            batchId: B256::repeat_byte(0x22),
        }),
        Error::ReceiptAlreadySettled(errors::ReceiptAlreadySettled {
            leaf: B256::repeat_byte(0x22),
        }),
        Error::ReceiptAttestorMismatch(errors::ReceiptAttestorMismatch {
            leaf: B256::repeat_byte(0x22),
            attestor: Address::repeat_byte(0x11),
        }),
        Error::ReceiptOutsidePeriod(errors::ReceiptOutsidePeriod {
            leaf: B256::repeat_byte(0x22),
            timestamp: 0x0102_0304_u64,
        }),
        Error::WrongDataset(errors::WrongDataset {
            licenseId: U256::from(0x1234_5678_u64),
            datasetId: U256::from(0x1234_5678_u64),
        }),
        Error::WrongUsageUnit(errors::WrongUsageUnit {
            licenseId: U256::from(0x1234_5678_u64),
            unit: 3_u8,
        }),
        Error::LicenseRevoked(errors::LicenseRevoked {
            licenseId: U256::from(0x1234_5678_u64),
        }),
        Error::LicenseNotActive(errors::LicenseNotActive {
            licenseId: U256::from(0x1234_5678_u64),
            timestamp: 0x0102_0304_u64,
        }),
        Error::ScopeNotLicensed(errors::ScopeNotLicensed {
            licenseId: U256::from(0x1234_5678_u64),
            scope: U256::from(0x1234_5678_u64),
        }),
        Error::UnauthorizedAccount(errors::OwnableUnauthorizedAccount {
            account: Address::repeat_byte(0x11),
        }),
        Error::InvalidOwner(errors::OwnableInvalidOwner {
            owner: Address::repeat_byte(0x11),
        }),
        Error::NotChallengeArbiter(errors::NotChallengeArbiter {
            account: Address::repeat_byte(0x11),
        }),
        Error::MalformedCalldata(errors::MalformedCalldata {}),
    ]);
}
