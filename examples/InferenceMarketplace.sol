// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAttributionRegistry} from "../contracts/attribution_registry/IAttributionRegistry.sol";
import {ILicenseNft} from "../contracts/license_nft/ILicenseNft.sol";
import {IRoyaltySplitter} from "../contracts/royalty_splitter/IRoyaltySplitter.sol";

/// @title InferenceMarketplace: an example of composing Tributary from Solidity
/// @notice Model providers list inference endpoints for models built on a registered dataset.
/// A buyer pays per call; the marketplace checks that the buyer holds a Tributary license valid
/// for INFERENCE on that dataset (as owner or current ERC-4907 user) and pays the whole fee into
/// the dataset's royalty split, where the contributors withdraw it.
/// @dev Built with solc against the Solidity interfaces the Stylus contracts export
/// (`contracts/<name>/I<Name>.sol`). The fee is forwarded in the same transaction, after the
/// state change and the event, so the marketplace never holds funds.
contract InferenceMarketplace {
    /// @notice Tributary scope flag for inference (see contracts/abi/src/scope.rs).
    uint256 public constant INFERENCE = 1 << 1;

    IAttributionRegistry public immutable registry;
    ILicenseNft public immutable licenses;
    IRoyaltySplitter public immutable splitter;

    struct Listing {
        address seller;
        uint256 datasetId;
        uint256 splitId;
        uint256 feePerCall;
        uint256 callsSold;
    }

    /// @notice Listings by id (ids start at 1).
    mapping(uint256 => Listing) public listings;
    /// @notice Number of listings created.
    uint256 public listingCount;

    event Listed(
        uint256 indexed listingId, address indexed seller, uint256 indexed datasetId, uint256 splitId, uint256 feePerCall
    );
    event InferencePurchased(
        uint256 indexed listingId, address indexed buyer, uint256 indexed licenseId, uint256 calls, uint256 paid
    );

    error UnknownDataset(uint256 datasetId);
    error UnknownListing(uint256 listingId);
    error ZeroFee();
    error ZeroCalls();
    error NotLicensed(address buyer, uint256 licenseId, uint256 datasetId);
    error WrongPayment(uint256 sent, uint256 due);

    constructor(IAttributionRegistry registry_, ILicenseNft licenses_, IRoyaltySplitter splitter_) {
        registry = registry_;
        licenses = licenses_;
        splitter = splitter_;
    }

    /// @notice Lists inference on a model derived from `datasetId` at `feePerCall` wei per call.
    /// The split is the dataset's own, read from the registry, so a seller cannot redirect fees.
    function list(uint256 datasetId, uint256 feePerCall) external returns (uint256 listingId) {
        if (feePerCall == 0) revert ZeroFee();
        if (registry.datasetOwner(datasetId) == address(0)) revert UnknownDataset(datasetId);
        uint256 splitId = registry.datasetSplit(datasetId);
        listingId = ++listingCount;
        listings[listingId] = Listing(msg.sender, datasetId, splitId, feePerCall, 0);
        emit Listed(listingId, msg.sender, datasetId, splitId, feePerCall);
    }

    /// @notice Buys `calls` inference calls under license `licenseId`, paying exactly
    /// `calls × feePerCall` into the dataset's split.
    function buyInference(uint256 listingId, uint256 licenseId, uint256 calls) external payable {
        Listing storage listing = listings[listingId];
        if (listing.seller == address(0)) revert UnknownListing(listingId);
        if (calls == 0) revert ZeroCalls();
        if (!licenses.isLicensed(msg.sender, licenseId, listing.datasetId, INFERENCE)) {
            revert NotLicensed(msg.sender, licenseId, listing.datasetId);
        }
        uint256 due = listing.feePerCall * calls;
        if (msg.value != due) revert WrongPayment(msg.value, due);
        listing.callsSold += calls;
        emit InferencePurchased(listingId, msg.sender, licenseId, calls, due);
        splitter.deposit{value: due}(listing.splitId);
    }
}
