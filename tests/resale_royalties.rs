//! ERC-2981 on real WASM: a license's royalty receiver is its dataset split's forwarder, and a
//! plain native transfer to it (what a marketplace pays) lands in the split.

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, U256},
    providers::Provider,
    rpc::types::TransactionRequest,
};
use tributary::{
    contracts::Contract,
    contracts_abi::{license_nft::ILicenseNft, royalty_splitter::IRoyaltySplitter},
};
use tributary_e2e::{world, World};

/// Native currency deposited into the test dataset's split so far.
async fn split_deposits<P: Provider>(w: &World<P>) -> U256 {
    let call = IRoyaltySplitter::splitBalanceCall {
        split_id: w.dataset_split,
        token: Address::ZERO,
    };
    w.view(w.at(Contract::RoyaltySplitter), &call).await._0
}

#[tokio::test(flavor = "multi_thread")]
async fn resale_royalty_paid_to_the_receiver_reaches_the_dataset_split() {
    let w = world().await;
    let offer = w.offer(1, 0, U256::from(1_000u64), U256::from(1u64)).await;
    let token = w.mint(offer, w.accounts[3], U256::from(1_000u64)).await;
    let info = w
        .view(
            w.at(Contract::LicenseNft),
            &ILicenseNft::royaltyInfoCall {
                token_id: token,
                sale_price: U256::from(10_000u64),
            },
        )
        .await;
    let receiver: Address = info._0;
    assert_ne!(receiver, Address::ZERO);
    assert!(
        !w.chain
            .get_code_at(receiver)
            .await
            .expect("code")
            .is_empty(),
        "forwarder deployed"
    );

    let before = split_deposits(&w).await;
    let paid = U256::from(123_456_789u64);
    let transfer = TransactionRequest::default()
        .with_from(w.accounts[5])
        .with_to(receiver)
        .with_value(paid);
    let receipt = w
        .chain
        .send_transaction(transfer)
        .await
        .expect("sent")
        .get_receipt()
        .await
        .expect("mined");
    assert!(
        receipt.status(),
        "a plain transfer to the receiver succeeds"
    );
    assert_eq!(
        split_deposits(&w).await - before,
        paid,
        "the whole payment reached the split"
    );
    assert_eq!(
        w.chain.get_balance(receiver).await.expect("balance"),
        U256::ZERO,
        "the forwarder keeps nothing"
    );
}
