//! Every cross-contract call and shared error declared in `tributary-abi` (what the contracts
//! are built with) has the selector of the function or error the callee exports in its
//! `I<Name>.sol` (what off-chain code and Solidity integrators are built with). A function
//! renamed or retyped on one side only fails here, not on a live chain.

use alloy::sol_types::{SolCall, SolError};
use tributary::contracts_abi::{
    attribution_registry::IAttributionRegistry as Registry, license_nft::ILicenseNft as Nft,
    license_offers::ILicenseOffers as Offers, revenue_router::IRevenueRouter as Router,
    royalty_splitter::IRoyaltySplitter as Splitter, usage_anchor::IUsageAnchor as Anchor,
    usage_escrow::IUsageEscrow as Escrow,
};
use tributary_abi::{errors as shared, interfaces as calls, usage};

/// `(names, declared selector, exported selector)` of a call or error type pair.
macro_rules! pair {
    ($declared:path, $exported:path) => {
        (
            concat!(stringify!($declared), " ~ ", stringify!($exported)),
            <$declared>::SELECTOR,
            <$exported>::SELECTOR,
        )
    };
}

/// Asserts each `(declared, exported)` selector pair is equal, naming the pair that is not.
fn same(pairs: &[(&str, [u8; 4], [u8; 4])]) {
    for (name, declared, exported) in pairs {
        assert_eq!(
            declared, exported,
            "{name}: tributary-abi and the exported interface differ"
        );
    }
}

#[test]
fn cross_contract_calls_match_the_exported_interfaces() {
    same(&[
        pair!(
            calls::IRoyaltySplitter::createSplitCall,
            Splitter::createSplitCall
        ),
        pair!(
            calls::IRoyaltySplitter::updateSplitCall,
            Splitter::updateSplitCall
        ),
        pair!(calls::IRoyaltySplitter::depositCall, Splitter::depositCall),
        pair!(
            calls::IRoyaltySplitter::depositTokenCall,
            Splitter::depositTokenCall
        ),
        pair!(
            calls::IRoyaltySplitter::royaltyReceiverCall,
            Splitter::royaltyReceiverCall
        ),
        pair!(
            calls::IAttributionRegistry::datasetOwnerCall,
            Registry::datasetOwnerCall
        ),
        pair!(
            calls::IAttributionRegistry::datasetSplitCall,
            Registry::datasetSplitCall
        ),
        pair!(calls::IAttributionRegistry::modelCall, Registry::modelCall),
        pair!(
            calls::IAttributionRegistry::parentsCall,
            Registry::parentsCall
        ),
        pair!(
            calls::IAttributionRegistry::ancestryCall,
            Registry::ancestryCall
        ),
        pair!(calls::ILicenseNft::isLicensedCall, Nft::isLicensedCall),
        pair!(calls::ILicenseNft::royaltyTiersCall, Nft::royaltyTiersCall),
        pair!(calls::ILicenseNft::licenseUsageCall, Nft::licenseUsageCall),
        pair!(calls::ILicenseNft::ownerOfCall, Nft::ownerOfCall),
        pair!(calls::ILicenseNft::setDebtCall, Nft::setDebtCall),
        pair!(
            calls::ILicenseNft::registerOfferCall,
            Nft::registerOfferCall
        ),
        pair!(calls::ILicenseNft::issueCall, Nft::issueCall),
        pair!(calls::IUsageEscrow::chargeCall, Escrow::chargeCall),
        pair!(usage::settlementHoldCall, Anchor::settlementHoldCall),
        pair!(usage::anchorBatchCall, Anchor::anchorBatchCall),
        pair!(usage::settleCall, Anchor::settleCall),
    ]);
}

#[test]
fn token_and_signer_calls_are_the_standard_ones() {
    // ERC-20 and ERC-1271, by their standard signatures' well-known selectors.
    assert_eq!(
        calls::IErc20::balanceOfCall::SELECTOR,
        [0x70, 0xa0, 0x82, 0x31]
    );
    assert_eq!(
        calls::IErc20::transferFromCall::SELECTOR,
        [0x23, 0xb8, 0x72, 0xdd]
    );
    assert_eq!(
        calls::IErc20::approveCall::SELECTOR,
        [0x09, 0x5e, 0xa7, 0xb3]
    );
    assert_eq!(
        calls::IErc1271::isValidSignatureCall::SELECTOR,
        [0x16, 0x26, 0xba, 0x7e]
    );
}

#[test]
fn shared_errors_match_every_contract_that_raises_them() {
    same(&[
        pair!(shared::ZeroAddress, Registry::ZeroAddress),
        pair!(shared::ZeroAddress, Router::ZeroAddress),
        pair!(shared::ZeroAddress, Nft::ZeroAddress),
        pair!(shared::ZeroAddress, Offers::ZeroAddress),
        pair!(shared::ExternalCallFailed, Registry::ExternalCallFailed),
        pair!(shared::ExternalCallFailed, Router::ExternalCallFailed),
        pair!(shared::ExternalCallFailed, Offers::ExternalCallFailed),
        pair!(shared::ExternalCallFailed, Escrow::ExternalCallFailed),
        pair!(shared::ExternalCallFailed, Anchor::ExternalCallFailed),
        pair!(shared::ArithmeticOverflow, Nft::ArithmeticOverflow),
        pair!(shared::ArithmeticOverflow, Offers::ArithmeticOverflow),
        pair!(shared::ArithmeticOverflow, Escrow::ArithmeticOverflow),
        pair!(shared::ArithmeticOverflow, Anchor::ArithmeticOverflow),
        pair!(shared::ZeroAmount, Escrow::ZeroAmount),
        pair!(shared::ZeroAmount, Anchor::ZeroAmount),
        pair!(shared::InvalidConfiguration, Escrow::InvalidConfiguration),
        pair!(shared::InvalidConfiguration, Anchor::InvalidConfiguration),
        pair!(shared::NativeTransferFailed, Escrow::NativeTransferFailed),
        pair!(shared::NativeTransferFailed, Anchor::NativeTransferFailed),
        pair!(shared::LengthMismatch, Registry::LengthMismatch),
        pair!(shared::LengthMismatch, Escrow::LengthMismatch),
        pair!(shared::UnknownDataset, Registry::UnknownDataset),
        pair!(shared::UnknownDataset, Offers::UnknownDataset),
        pair!(shared::UnknownModel, Registry::UnknownModel),
        pair!(shared::UnknownModel, Router::UnknownModel),
        pair!(shared::UnknownOffer, Nft::UnknownOffer),
        pair!(shared::UnknownOffer, Offers::UnknownOffer),
        pair!(shared::NotDatasetOwner, Registry::NotDatasetOwner),
        pair!(shared::NotDatasetOwner, Offers::NotDatasetOwner),
        pair!(shared::NotUsageAnchor, Nft::NotUsageAnchor),
        pair!(shared::NotUsageAnchor, Escrow::NotUsageAnchor),
    ]);
}
