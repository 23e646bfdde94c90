//! The contracts answer in the standard Solidity ABI their exported interfaces declare: views
//! returning several dynamic values decode with the generated bindings (what a Solidity caller
//! or alloy would do), not only with Tributary's own lenient decoders.

use alloy::primitives::U256;
use tributary::{
    contracts::Contract,
    contracts_abi::{attribution_registry::IAttributionRegistry, license_nft::ILicenseNft},
};
use tributary_e2e::world;

#[tokio::test(flavor = "multi_thread")]
async fn multi_value_views_decode_as_declared() {
    let w = world().await;
    let offer = w
        .offer(1 | 8, 0, U256::from(1_000u64), U256::from(1u64))
        .await;
    let token = w.mint(offer, w.accounts[3], U256::from(1_000u64)).await;
    let tiers = w
        .view(
            w.at(Contract::LicenseNft),
            &ILicenseNft::royaltyTiersCall { token_id: token },
        )
        .await
        ._0;
    assert_eq!(tiers.thresholds, vec![U256::ZERO]);
    assert_eq!(tiers.bps, vec![700u16]);

    w.register_model(w.accounts[3], token)
        .await
        .expect("model registered");
    let lineage = w
        .view(
            w.at(Contract::AttributionRegistry),
            &IAttributionRegistry::parentsCall {
                model_id: U256::from(1),
            },
        )
        .await
        ._0;
    assert_eq!(lineage.datasets, vec![w.dataset_id]);
    assert_eq!(lineage.datasetWeights, vec![U256::from(10_000)]);
    assert_eq!(lineage.licenses, vec![token]);
    assert!(lineage.models.is_empty() && lineage.modelWeights.is_empty());
}
