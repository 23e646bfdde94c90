//! The compact error encoder produces exactly alloy's ABI encoding for every error.

use alloc::vec::Vec;

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::SolError;
use openzeppelin_stylus::token::{
    erc20::utils::safe_erc20::SafeErc20FailedOperation, erc721::ERC721InvalidReceiver,
};

use crate::errors::*;

fn same<E: SolError + Clone>(error: E)
where
    Error: From<E>,
{
    assert_eq!(
        Vec::<u8>::from(Error::from(error.clone())),
        error.abi_encode()
    );
}

#[test]
fn every_error_encodes_like_alloy() {
    let a = Address::repeat_byte(0xab);
    let n = U256::from(0x1234_5678_u64) << 100;
    same(ERC721InvalidReceiver { receiver: a });
    same(SafeErc20FailedOperation { token: a });
    same(UnknownOffer { offerId: n });
    same(UnknownDataset { datasetId: n });
    same(NotDatasetOwner {
        account: a,
        datasetId: n,
    });
    same(InvalidScope { scope: n });
    same(InvalidUsageUnit { unit: 7 });
    same(InvalidTierCount {
        thresholds: n,
        bps: U256::from(3),
    });
    same(InvalidTierThreshold {
        index: U256::from(2),
        threshold: n,
    });
    same(InvalidBps {
        bps: U256::from(10_001),
    });
    same(InvalidArbiter {
        arbiter: Address::ZERO,
    });
    same(InvalidTermsHash {
        termsHash: B256::repeat_byte(9),
    });
    same(EmptyTermsUri {});
    same(OfferIsPaused { offerId: n });
    same(OfferIsRetired { offerId: n });
    same(OfferSoldOut {
        offerId: n,
        maxSupply: u32::MAX,
    });
    same(InvalidMaxSupply {
        maxSupply: 3,
        minted: 4,
    });
    same(PriceAboveMax {
        price: n,
        maxPrice: U256::from(1),
    });
    same(IncorrectPayment {
        expected: n,
        received: U256::ZERO,
    });
    same(ArithmeticOverflow {});
    same(ZeroAddress {});
    for reason in [
        "",
        "unknown split",
        "a reason exactly 32 bytes long!!",
        "x".repeat(70).as_str(),
    ] {
        same(ExternalCallFailed {
            target: a,
            reason: Bytes::from(reason.as_bytes().to_vec()),
        });
    }
}
