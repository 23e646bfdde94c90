//! The compact error encoding equals alloy's `abi_encode` for every error.

use alloc::vec::Vec;

use alloy_sol_types::SolError;
use openzeppelin_stylus::access::ownable::{OwnableInvalidOwner, OwnableUnauthorizedAccount};
use stylus_sdk::alloy_primitives::{Address, B256, U256};

use crate::errors::*;

fn check<E: SolError + Clone>(err: E, wrap: fn(E) -> Error) {
    let ours: Vec<u8> = wrap(err.clone()).into();
    assert_eq!(ours, err.abi_encode(), "{}", E::SIGNATURE);
}

#[test]
fn every_error_encodes_like_alloy() {
    let a = Address::repeat_byte(0xab);
    let n = U256::from(0x1234_5678_u64) << 100;
    let m = U256::MAX - U256::from(7);
    let h = B256::repeat_byte(0x5c);
    check(ZeroAddress {}, Error::ZeroAddress);
    check(
        LicenseNftAlreadySet { current: a },
        Error::LicenseNftAlreadySet,
    );
    check(LicenseNftNotSet {}, Error::LicenseNftNotSet);
    check(ZeroHash {}, Error::ZeroHash);
    check(
        DuplicateHash {
            hash: h,
            existingId: n,
        },
        Error::DuplicateHash,
    );
    check(UnknownDataset { datasetId: n }, Error::UnknownDataset);
    check(
        UnknownVersion {
            datasetId: n,
            version: m,
        },
        Error::UnknownVersion,
    );
    check(UnknownModel { modelId: m }, Error::UnknownModel);
    check(
        NotDatasetOwner {
            datasetId: n,
            account: a,
        },
        Error::NotDatasetOwner,
    );
    check(
        NotModelOwner {
            modelId: n,
            account: a,
        },
        Error::NotModelOwner,
    );
    check(
        NotPendingOwner { id: m, account: a },
        Error::NotPendingOwner,
    );
    check(
        LengthMismatch {
            expected: n,
            actual: m,
        },
        Error::LengthMismatch,
    );
    check(TooManyParents { count: n, max: m }, Error::TooManyParents);
    check(TooDeep { depth: n, max: m }, Error::TooDeep);
    check(
        TooManyAncestors { count: n, max: m },
        Error::TooManyAncestors,
    );
    check(DuplicateParent { parentId: n }, Error::DuplicateParent);
    check(DatasetWeightSum { sum: m }, Error::DatasetWeightSum);
    check(ModelWeightSum { sum: n }, Error::ModelWeightSum);
    check(
        MissingLicense {
            datasetId: n,
            licenseId: m,
        },
        Error::MissingLicense,
    );
    // Revert data of every length class: empty, under a word, exactly a word, over a word.
    for len in [0usize, 4, 31, 32, 33, 68, 100] {
        let reason: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
        check(
            ExternalCallFailed {
                target: a,
                reason: reason.into(),
            },
            Error::ExternalCallFailed,
        );
    }
    check(
        OwnableUnauthorizedAccount { account: a },
        Error::UnauthorizedAccount,
    );
    check(OwnableInvalidOwner { owner: a }, Error::InvalidOwner);
}
