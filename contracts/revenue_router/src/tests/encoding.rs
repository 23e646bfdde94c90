//! The compact error encoding equals alloy's `abi_encode` for every error.

use alloc::vec::Vec;

use alloy_sol_types::SolError;
use openzeppelin_stylus::token::erc20::utils::safe_erc20::SafeErc20FailedOperation;
use stylus_sdk::alloy_primitives::{Address, U256};

use crate::errors::*;

fn check<E: SolError + Clone>(err: E, wrap: fn(E) -> Error) {
    let ours: Vec<u8> = wrap(err.clone()).into();
    assert_eq!(ours, err.abi_encode(), "{}", E::SIGNATURE);
}

#[test]
fn every_error_encodes_like_alloy() {
    let a = Address::repeat_byte(0xab);
    let n = U256::MAX - U256::from(3);
    check(ZeroAddress {}, Error::ZeroAddress);
    check(UnknownModel { modelId: n }, Error::UnknownModel);
    check(ZeroRevenue {}, Error::ZeroRevenue);
    check(RevenueOverflow { modelId: n }, Error::RevenueOverflow);
    check(InvalidLineage { modelId: n }, Error::InvalidLineage);
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
        SafeErc20FailedOperation { token: a },
        Error::SafeErc20FailedOperation,
    );
}
