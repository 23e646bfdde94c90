//! The word encoding of every error matches alloy's `SolError::abi_encode`.

use alloc::vec;

use alloy_primitives::{Address, B256, U256};

use crate::errors::{self, Error};

#[test]
fn every_error_encodes_like_alloy() {
    let attestor = Address::repeat_byte(0x11);
    let batch_id = B256::repeat_byte(0x22);
    Error::assert_encodes_like_alloy(vec![
        Error::NotDisputes(errors::NotDisputes { account: attestor }),
        Error::DisputesAlreadySet(errors::DisputesAlreadySet { disputes: attestor }),
        Error::InvalidStatusChange(errors::InvalidStatusChange {
            attestor,
            batchId: batch_id,
            status: 7,
        }),
        Error::InvalidConfiguration(errors::InvalidConfiguration {}),
        Error::ArithmeticOverflow(errors::ArithmeticOverflow {}),
        Error::ZeroAmount(errors::ZeroAmount {}),
        Error::ExternalCallFailed(errors::ExternalCallFailed {
            target: attestor,
            reason: vec![0xab; 33].into(),
        }),
        Error::NativeTransferFailed(errors::NativeTransferFailed {
            to: attestor,
            amount: U256::from(0x1234_5678_u64),
        }),
        Error::UnauthorizedAccount(errors::OwnableUnauthorizedAccount { account: attestor }),
        Error::InvalidOwner(errors::OwnableInvalidOwner { owner: attestor }),
        Error::NothingToWithdraw(errors::NothingToWithdraw { account: attestor }),
        Error::MalformedCalldata(errors::MalformedCalldata {}),
        Error::AttestorNotAllowed(errors::AttestorNotAllowed { attestor }),
        Error::InsufficientBond(errors::InsufficientBond {
            attestor,
            bond: U256::from(0x1234_5678_u64),
            required: U256::MAX,
        }),
        Error::AttestorExiting(errors::AttestorExiting { attestor }),
        Error::ExitNotRequested(errors::ExitNotRequested { attestor }),
        Error::BondLocked(errors::BondLocked {
            attestor,
            unlocksAt: u64::MAX,
        }),
        Error::BondUnderChallenge(errors::BondUnderChallenge {
            attestor,
            openChallenges: u32::MAX,
        }),
        Error::BatchAlreadyAnchored(errors::BatchAlreadyAnchored {
            attestor,
            batchId: batch_id,
        }),
        Error::BatchExpired(errors::BatchExpired {
            attestor,
            batchId: batch_id,
            deadline: 0x0102_0304,
        }),
        Error::InvalidBatch(errors::InvalidBatch {
            attestor,
            batchId: batch_id,
        }),
        Error::InvalidSignatureLength(errors::InvalidSignatureLength {
            length: U256::from(64),
        }),
        Error::ECDSAInvalidSignature(errors::ECDSAInvalidSignature {}),
        Error::ECDSAInvalidSignatureS(errors::ECDSAInvalidSignatureS {
            s: B256::repeat_byte(0xee),
        }),
        Error::BadSignature(errors::BadSignature {
            attestor,
            batchId: batch_id,
        }),
        Error::UnknownBatch(errors::UnknownBatch {
            attestor,
            batchId: batch_id,
        }),
        Error::BatchMismatch(errors::BatchMismatch {
            attestor,
            batchId: batch_id,
        }),
        Error::ChallengeWindowOpen(errors::ChallengeWindowOpen {
            attestor,
            batchId: batch_id,
            settleableAt: 0x0102_0304,
        }),
        Error::BatchUnderChallenge(errors::BatchUnderChallenge {
            attestor,
            batchId: batch_id,
        }),
        Error::BatchVoided(errors::BatchVoided {
            attestor,
            batchId: batch_id,
        }),
        Error::EmptySettlement(errors::EmptySettlement {
            attestor,
            batchId: batch_id,
        }),
        Error::InvalidProof(errors::InvalidProof {
            attestor,
            batchId: batch_id,
        }),
        Error::InvalidUsageLeaf(errors::InvalidUsageLeaf {
            attestor,
            batchId: batch_id,
            index: u32::MAX,
        }),
        Error::UsageAlreadySettled(errors::UsageAlreadySettled {
            attestor,
            batchId: batch_id,
            index: 256,
        }),
        Error::BatchTotalsExceeded(errors::BatchTotalsExceeded {
            attestor,
            batchId: batch_id,
        }),
    ]);
}
