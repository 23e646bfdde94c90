//! The word encoding of every error matches alloy's `SolError::abi_encode`.

use alloc::vec;

use alloy_primitives::{Address, Bytes, B256, U256};
use openzeppelin_stylus::token::{
    erc20::utils::safe_erc20::SafeErc20FailedOperation, erc721::ERC721InvalidReceiver,
};

use crate::errors::*;

#[test]
fn every_error_encodes_like_alloy() {
    let a = Address::repeat_byte(0xab);
    let n = U256::from(0x1234_5678_u64) << 100;
    Error::assert_encodes_like_alloy(
        vec![
            Error::from(ERC721InvalidReceiver { receiver: a }),
            Error::from(SafeErc20FailedOperation { token: a }),
            Error::from(UnknownOffer { offerId: n }),
            Error::from(UnknownDataset { datasetId: n }),
            Error::from(UnknownModel { modelId: n }),
            Error::from(NotModelOwner {
                modelId: n,
                account: a,
            }),
            Error::from(NotDatasetOwner {
                account: a,
                datasetId: n,
            }),
            Error::from(InvalidScope { scope: n }),
            Error::from(InvalidUsageUnit { unit: 7 }),
            Error::from(InvalidTierCount {
                thresholds: n,
                bps: U256::from(3),
            }),
            Error::from(InvalidTierThreshold {
                index: U256::from(2),
                threshold: n,
            }),
            Error::from(InvalidBps {
                bps: U256::from(10_001),
            }),
            Error::from(InvalidArbiter {
                arbiter: Address::ZERO,
            }),
            Error::from(InvalidDuration { duration: u64::MAX }),
            Error::from(InvalidUsageRate { rate: U256::MAX }),
            Error::from(InvalidPrice { price: U256::MAX }),
            Error::from(InvalidTermsHash {
                termsHash: B256::repeat_byte(9),
            }),
            Error::from(EmptyTermsUri {}),
            Error::from(OfferIsPaused { offerId: n }),
            Error::from(OfferIsRetired { offerId: n }),
            Error::from(OfferSoldOut {
                offerId: n,
                maxSupply: u32::MAX,
            }),
            Error::from(InvalidMaxSupply {
                maxSupply: 3,
                minted: 4,
            }),
            Error::from(PriceAboveMax {
                price: n,
                maxPrice: U256::from(1),
            }),
            Error::from(IncorrectPayment {
                expected: n,
                received: U256::ZERO,
            }),
            Error::from(ArithmeticOverflow {}),
            Error::from(ZeroAddress {}),
        ]
        .into_iter()
        .chain(
            // Revert data of every padding case: empty, short, one word exactly, several words.
            [
                "",
                "unknown split",
                "a reason exactly 32 bytes long!!",
                &"x".repeat(70),
            ]
            .into_iter()
            .map(|reason| {
                Error::from(ExternalCallFailed {
                    target: a,
                    reason: Bytes::from(reason.as_bytes().to_vec()),
                })
            }),
        )
        .collect(),
    );
}
