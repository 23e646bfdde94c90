//! The word encoding of every error matches alloy's `SolError::abi_encode`.

use alloc::{vec, vec::Vec};

use openzeppelin_stylus::access::ownable::{OwnableInvalidOwner, OwnableUnauthorizedAccount};
use stylus_sdk::alloy_primitives::{Address, B256, U256};

use crate::errors::*;

#[test]
fn every_error_encodes_like_alloy() {
    let a = Address::repeat_byte(0xab);
    let n = U256::from(0x1234_5678_u64) << 100;
    let m = U256::MAX - U256::from(7);
    let h = B256::repeat_byte(0x5c);
    let mut samples = vec![
        Error::ZeroAddress(ZeroAddress {}),
        Error::LicenseNftAlreadySet(LicenseNftAlreadySet { current: a }),
        Error::LicenseNftNotSet(LicenseNftNotSet {}),
        Error::ZeroHash(ZeroHash {}),
        Error::DuplicateHash(DuplicateHash {
            hash: h,
            existingId: n,
        }),
        Error::UnknownDataset(UnknownDataset { datasetId: n }),
        Error::UnknownVersion(UnknownVersion {
            datasetId: n,
            version: m,
        }),
        Error::UnknownModel(UnknownModel { modelId: m }),
        Error::NotDatasetOwner(NotDatasetOwner {
            datasetId: n,
            account: a,
        }),
        Error::NotModelOwner(NotModelOwner {
            modelId: n,
            account: a,
        }),
        Error::NotPendingOwner(NotPendingOwner { id: m, account: a }),
        Error::LengthMismatch(LengthMismatch {
            expected: n,
            actual: m,
        }),
        Error::TooManyParents(TooManyParents { count: n, max: m }),
        Error::TooDeep(TooDeep { depth: n, max: m }),
        Error::TooManyAncestors(TooManyAncestors { count: n, max: m }),
        Error::DuplicateParent(DuplicateParent { parentId: n }),
        Error::DatasetWeightSum(DatasetWeightSum { sum: m }),
        Error::ModelWeightSum(ModelWeightSum { sum: n }),
        Error::MissingLicense(MissingLicense {
            datasetId: n,
            licenseId: m,
        }),
        Error::MissingModelLicense(MissingModelLicense {
            modelId: n,
            licenseId: m,
        }),
        Error::ModelNftAlreadySet(ModelNftAlreadySet { current: a }),
        Error::ModelNftNotSet(ModelNftNotSet {}),
        Error::NotModelNft(NotModelNft { account: a }),
    ];
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
