//! Asset ids: which kind of asset an offer, a license or a usage receipt is about, and where
//! its revenue goes.
//!
//! Datasets and models are numbered separately from 1 by the attribution registry. Where one
//! field names either kind (an offer's `datasetId` term, a license's asset, a receipt's
//! `assetId`), a **model** is written as its id plus [`MODEL_ASSET`] (2^63) and a dataset as
//! its plain id, so the two never collide and the kind travels with the id:
//!
//! ```text
//! asset id   = datasetId               (a dataset)
//!            = 2^63 + modelId          (a model)
//! ```
//!
//! The same encoding names a revenue **destination** in the split field of an offer's ids word
//! (`packed::OfferIds::split_id`), which `LicenseNft.licenseUsage` answers as `splitId`: a plain
//! value is a split of the royalty splitter (a dataset's contributors), `2^63 + modelId` is the
//! model's revenue route, paid through `RevenueRouter.reportRevenue(modelId)` so that every
//! ancestor takes its royalty ([`crate::calls::pay`]). Split ids are splitter counters and never
//! reach 2^63.

use alloy_primitives::U256;

/// The bit that marks a model in an asset id or a revenue destination: 2^63.
pub const MODEL_ASSET: u64 = 1 << 63;

/// The asset id (or revenue destination) of model `model_id`: `2^63 + modelId`.
#[must_use]
pub fn model_asset(model_id: U256) -> U256 {
    model_id | U256::from(MODEL_ASSET)
}

/// The model an asset id or destination names, if it names one (`2^63 ≤ id < 2^64`).
#[must_use]
pub fn model_of(asset_id: U256) -> Option<U256> {
    let limbs = asset_id.as_limbs();
    if limbs[1] | limbs[2] | limbs[3] != 0 || limbs[0] & MODEL_ASSET == 0 {
        return None;
    }
    Some(U256::from(limbs[0] & !MODEL_ASSET))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_assets_round_trip_and_datasets_are_not_models() {
        for id in [1u64, 2, 1 << 40, MODEL_ASSET - 1] {
            let asset = model_asset(U256::from(id));
            assert_eq!(asset, U256::from(id) + U256::from(MODEL_ASSET));
            assert_eq!(model_of(asset), Some(U256::from(id)));
            assert_eq!(model_of(U256::from(id)), None);
        }
        // Beyond 64 bits nothing is a model (a malformed id stays a malformed dataset id).
        assert_eq!(model_of(U256::from(MODEL_ASSET) << 1), None);
        assert_eq!(model_of(U256::MAX), None);
    }
}
