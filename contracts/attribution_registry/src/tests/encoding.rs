//! The word encoding of every error matches alloy's `SolError::abi_encode`.

use alloc::vec::Vec;

use openzeppelin_stylus::access::ownable::{OwnableInvalidOwner, OwnableUnauthorizedAccount};
use stylus_sdk::alloy_primitives::{Address, B256, U256};

use crate::errors::*;

#[test]
fn every_error_encodes_like_alloy() {
    let a = Address::repeat_byte(0xab);
    let n = U256::from(0x1234_5678_u64) << 100;
    let m = U256::MAX - U256::from(7);
    let h = B256::repeat_byte(0x5c);
    let mut samples = Vec::new();
    samples.push(Error::ZeroAddress(ZeroAddress {}));
    samples.push(Error::LicenseNftAlreadySet(LicenseNftAlreadySet {
        current: a,
    }));
    samples.push(Error::LicenseNftNotSet(LicenseNftNotSet {}));
    samples.push(Error::ZeroHash(ZeroHash {}));
    samples.push(Error::DuplicateHash(DuplicateHash {
        hash: h,
        existingId: n,
    }));
    samples.push(Error::UnknownDataset(UnknownDataset { datasetId: n }));
    samples.push(Error::UnknownVersion(UnknownVersion {
        datasetId: n,
        version: m,
    }));
    samples.push(Error::UnknownModel(UnknownModel { modelId: m }));
    samples.push(Error::NotDatasetOwner(NotDatasetOwner {
        datasetId: n,
        account: a,
    }));
    samples.push(Error::NotModelOwner(NotModelOwner {
        modelId: n,
        account: a,
    }));
    samples.push(Error::NotPendingOwner(NotPendingOwner {
        id: m,
        account: a,
    }));
    samples.push(Error::LengthMismatch(LengthMismatch {
        expected: n,
        actual: m,
    }));
    samples.push(Error::TooManyParents(TooManyParents { count: n, max: m }));
    samples.push(Error::TooDeep(TooDeep { depth: n, max: m }));
    samples.push(Error::TooManyAncestors(TooManyAncestors {
        count: n,
        max: m,
    }));
    samples.push(Error::DuplicateParent(DuplicateParent { parentId: n }));
    samples.push(Error::DatasetWeightSum(DatasetWeightSum { sum: m }));
    samples.push(Error::ModelWeightSum(ModelWeightSum { sum: n }));
    samples.push(Error::MissingLicense(MissingLicense {
        datasetId: n,
        licenseId: m,
    }));
    // Revert data of every length class: empty, under a word, exactly a word, over a word.
    for len in [0usize, 4, 31, 32, 33, 68, 100] {
        let reason: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
        samples.push(Error::ExternalCallFailed(ExternalCallFailed {
            target: a,
            reason: reason.into(),
        }));
    }
    samples.push(Error::UnauthorizedAccount(OwnableUnauthorizedAccount {
        account: a,
    }));
    samples.push(Error::InvalidOwner(OwnableInvalidOwner { owner: a }));
    Error::assert_encodes_like_alloy(samples);
}
