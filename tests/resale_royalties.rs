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

/// The offers contract enters the splitter only for a split's first offer (which deploys the
/// forwarder); later offers predict the forwarder's CREATE2 address. Both must name the same
/// receiver, the one the splitter reports.
#[tokio::test(flavor = "multi_thread")]
async fn later_offers_name_the_same_receiver_as_the_first() {
    let w = world().await;
    let receiver_of = |token: U256| {
        let w = &w;
        async move {
            w.view(
                w.at(Contract::LicenseNft),
                &ILicenseNft::royaltyInfoCall {
                    token_id: token,
                    sale_price: U256::from(10_000u64),
                },
            )
            .await
            ._0
        }
    };
    let first = w.offer(1, 0, U256::from(1_000u64), U256::from(1u64)).await;
    let second = w.offer(1, 0, U256::from(2_000u64), U256::from(2u64)).await;
    let a = receiver_of(w.mint(first, w.accounts[3], U256::from(1_000u64)).await).await;
    let b = receiver_of(w.mint(second, w.accounts[3], U256::from(2_000u64)).await).await;
    let reported = w
        .view(
            w.at(Contract::RoyaltySplitter),
            &IRoyaltySplitter::royaltyReceiverCall {
                split_id: w.dataset_split,
            },
        )
        .await
        ._0;
    assert_ne!(a, Address::ZERO);
    assert_eq!(a, reported, "the first offer asked the splitter");
    assert_eq!(b, reported, "the second offer predicted the same forwarder");
}
