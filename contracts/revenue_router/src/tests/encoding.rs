//! The word encoding of every error matches alloy's `SolError::abi_encode`.

use alloc::{vec, vec::Vec};

use stylus_sdk::alloy_primitives::{Address, U256};
use tributary_abi::errors::SafeErc20FailedOperation;

use crate::errors::*;

#[test]
fn every_error_encodes_like_alloy() {
    let a = Address::repeat_byte(0xab);
    let n = U256::MAX - U256::from(3);
    let mut samples = vec![
        Error::from(ZeroAddress {}),
        Error::from(UnknownModel { modelId: n }),
        Error::from(ZeroRevenue {}),
        Error::from(RevenueOverflow { modelId: n }),
        Error::from(InvalidLineage { modelId: n }),
        Error::from(ModelReceiverDeploymentFailed { modelId: n }),
        Error::from(SafeErc20FailedOperation { token: a }),
        Error::from(LengthMismatch {
            expected: n,
            actual: U256::from(1),
        }),
        Error::from(NothingToWithdraw { account: a }),
    ];
    // Revert data of every padding case.
    for len in [0usize, 4, 31, 32, 33, 68, 100] {
        let reason: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
        samples.push(Error::from(ExternalCallFailed {
            target: a,
            reason: reason.into(),
        }));
    }
    Error::assert_encodes_like_alloy(samples);
}
