// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// The part of `SplitReference` a license sale pays into.
interface ISplitDeposit {
    function deposit(uint256 splitId) external payable;
}

/// @title LicenseReference: an offer book selling ERC-721 licenses, written the straightforward way
/// @notice The Solidity baseline of the gas benchmark's `license mint` row (`cargo run --profile
/// fast -p tributary-bench --bin gas`). It mirrors the job of Tributary's
/// `contracts/license_offers` + `contracts/license_nft` for offers paid in native currency, as a
/// competent, gas-conscious Solidity developer would write it, in one contract (Tributary splits
/// the two for code size):
///
/// - **Offers.** `createOffer(splitId, price, duration, maxSupply, scope, termsHash)`: anyone
///   offers licenses whose price is paid into a `SplitReference` split; four slots per offer
///   (creator, split id, supply cap; price, minted, duration, pause flag; terms hash; scope), of
///   which minting reads and writes the first two. The creator of an offer can pause it.
/// - **Minting.** `mint(offerId, to, maxPrice)` (payable): the offer exists and is not paused,
///   the price is at most `maxPrice` and exactly paid, the supply cap holds, `to` is not zero;
///   then a new ERC-721 token records its holder, offer and expiry (`now + duration`, 0 =
///   perpetual) in one slot, `Transfer` and `LicenseIssued` are emitted, and the price is paid
///   into the offer's split with `SplitReference.deposit` (a call to the splitter, as Tributary's
///   offer book calls its splitter).
/// - **ERC-721.** `balanceOf`, `ownerOf`, `approve`, `setApprovalForAll`, `getApproved`,
///   `isApprovedForAll`, `transferFrom`, `safeTransferFrom` (with the receiver check),
///   `supportsInterface`; `isValid(tokenId)` says whether a license has not expired.
///
/// What it leaves out, compared with Tributary (so it is, if anything, cheaper than a complete
/// equivalent): the attribution registry (the offer names its split directly instead of a
/// registered dataset's, and anyone may offer), ERC-20 prices, usage rates and royalty tiers,
/// non-transferable licenses, ERC-2981 resale royalties, ERC-4907 rentals, revocation by an
/// arbiter and usage debt, and the terms URI (only the terms hash is kept).
contract LicenseReference {
    /// An offer: four slots.
    struct Offer {
        address creator; // 0: no such offer
        uint64 splitId;
        uint32 maxSupply; // 0: unlimited
        // slot 2
        uint128 price; // wei
        uint32 minted;
        uint64 duration; // seconds; 0: perpetual
        bool paused;
        // slot 3
        bytes32 termsHash;
        // slot 4
        uint256 scope;
    }

    /// A license token: one slot.
    struct Token {
        address holder;
        uint32 offerId;
        uint64 expiresAt; // 0: perpetual
    }

    ISplitDeposit public immutable splitter;

    uint256 public offerCount;
    uint256 public tokenCount;
    mapping(uint256 => Offer) public offers;
    mapping(uint256 => Token) internal _tokens;
    mapping(address => uint256) internal _balances;
    mapping(uint256 => address) internal _approvals;
    mapping(address => mapping(address => bool)) internal _operators;

    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId);
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);
    event OfferCreated(uint256 indexed offerId, uint256 indexed splitId, address indexed creator, bytes32 termsHash);
    event OfferPaused(uint256 indexed offerId, bool paused);
    event LicenseIssued(
        uint256 indexed tokenId,
        uint256 indexed offerId,
        address indexed licensee,
        address payer,
        uint256 price,
        uint64 expiresAt
    );

    error UnknownOffer(uint256 offerId);
    error NotOfferCreator(uint256 offerId);
    error OfferIsPaused(uint256 offerId);
    error OfferSoldOut(uint256 offerId);
    error PriceAboveMax(uint256 price, uint256 maxPrice);
    error IncorrectPayment(uint256 expected, uint256 received);
    error InvalidOffer();
    error ERC721InvalidReceiver(address receiver);
    error ERC721NonexistentToken(uint256 tokenId);
    error ERC721IncorrectOwner(address sender, uint256 tokenId, address owner);
    error ERC721InsufficientApproval(address operator, uint256 tokenId);
    error ERC721InvalidOwner(address owner);

    constructor(ISplitDeposit splitter_) {
        splitter = splitter_;
    }

    // ---- offers ----

    function createOffer(
        uint64 splitId,
        uint128 price,
        uint64 duration,
        uint32 maxSupply,
        uint256 scope,
        bytes32 termsHash
    ) external returns (uint256 offerId) {
        if (scope == 0 || splitId == 0) revert InvalidOffer();
        offerId = ++offerCount;
        if (offerId > type(uint32).max) revert InvalidOffer();
        offers[offerId] = Offer(msg.sender, splitId, maxSupply, price, 0, duration, false, termsHash, scope);
        emit OfferCreated(offerId, splitId, msg.sender, termsHash);
    }

    function setOfferPaused(uint256 offerId, bool paused_) external {
        Offer storage offer = offers[offerId];
        if (offer.creator != msg.sender) revert NotOfferCreator(offerId);
        offer.paused = paused_;
        emit OfferPaused(offerId, paused_);
    }

    function mint(uint256 offerId, address to, uint256 maxPrice) external payable returns (uint256 tokenId) {
        Offer storage offer = offers[offerId];
        if (offer.creator == address(0)) revert UnknownOffer(offerId);
        uint256 splitId = offer.splitId;
        uint32 maxSupply = offer.maxSupply;
        uint256 price = offer.price;
        uint32 minted = offer.minted;
        uint64 duration = offer.duration;
        if (offer.paused) revert OfferIsPaused(offerId);
        if (price > maxPrice) revert PriceAboveMax(price, maxPrice);
        if (msg.value != price) revert IncorrectPayment(price, msg.value);
        ++minted;
        if (maxSupply != 0 && minted > maxSupply) revert OfferSoldOut(offerId);
        if (to == address(0)) revert ERC721InvalidReceiver(to);
        offer.minted = minted;

        uint64 expiresAt = duration == 0 ? 0 : uint64(block.timestamp) + duration;
        tokenId = ++tokenCount;
        _tokens[tokenId] = Token(to, uint32(offerId), expiresAt);
        unchecked {
            ++_balances[to];
        }
        emit Transfer(address(0), to, tokenId);
        emit LicenseIssued(tokenId, offerId, to, msg.sender, price, expiresAt);
        if (price != 0) splitter.deposit{value: price}(splitId);
    }

    /// Whether `tokenId` exists and has not expired.
    function isValid(uint256 tokenId) external view returns (bool) {
        Token memory token = _tokens[tokenId];
        return token.holder != address(0) && (token.expiresAt == 0 || block.timestamp < token.expiresAt);
    }

    /// The offer and expiry of `tokenId`.
    function licenseOf(uint256 tokenId) external view returns (uint256 offerId, uint64 expiresAt) {
        Token memory token = _tokens[tokenId];
        if (token.holder == address(0)) revert ERC721NonexistentToken(tokenId);
        return (token.offerId, token.expiresAt);
    }

    // ---- ERC-721 ----

    function supportsInterface(bytes4 id) external pure returns (bool) {
        return id == 0x01ffc9a7 || id == 0x80ac58cd; // ERC-165, ERC-721
    }

    function balanceOf(address owner) external view returns (uint256) {
        if (owner == address(0)) revert ERC721InvalidOwner(owner);
        return _balances[owner];
    }

    function ownerOf(uint256 tokenId) public view returns (address holder) {
        holder = _tokens[tokenId].holder;
        if (holder == address(0)) revert ERC721NonexistentToken(tokenId);
    }

    function getApproved(uint256 tokenId) external view returns (address) {
        ownerOf(tokenId);
        return _approvals[tokenId];
    }

    function isApprovedForAll(address owner, address operator) external view returns (bool) {
        return _operators[owner][operator];
    }

    function approve(address to, uint256 tokenId) external {
        address holder = ownerOf(tokenId);
        if (msg.sender != holder && !_operators[holder][msg.sender]) {
            revert ERC721InsufficientApproval(msg.sender, tokenId);
        }
        _approvals[tokenId] = to;
        emit Approval(holder, to, tokenId);
    }

    function setApprovalForAll(address operator, bool approved) external {
        _operators[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    function transferFrom(address from, address to, uint256 tokenId) public {
        if (to == address(0)) revert ERC721InvalidReceiver(to);
        Token storage token = _tokens[tokenId];
        address holder = token.holder;
        if (holder == address(0)) revert ERC721NonexistentToken(tokenId);
        if (holder != from) revert ERC721IncorrectOwner(from, tokenId, holder);
        if (msg.sender != holder && !_operators[holder][msg.sender] && _approvals[tokenId] != msg.sender) {
            revert ERC721InsufficientApproval(msg.sender, tokenId);
        }
        delete _approvals[tokenId];
        unchecked {
            --_balances[from];
            ++_balances[to];
        }
        token.holder = to;
        emit Transfer(from, to, tokenId);
    }

    function safeTransferFrom(address from, address to, uint256 tokenId) external {
        safeTransferFrom(from, to, tokenId, "");
    }

    function safeTransferFrom(address from, address to, uint256 tokenId, bytes memory data) public {
        transferFrom(from, to, tokenId);
        if (to.code.length != 0) {
            try IERC721Receiver(to).onERC721Received(msg.sender, from, tokenId, data) returns (bytes4 r) {
                if (r != IERC721Receiver.onERC721Received.selector) revert ERC721InvalidReceiver(to);
            } catch {
                revert ERC721InvalidReceiver(to);
            }
        }
    }
}

interface IERC721Receiver {
    function onERC721Received(address operator, address from, uint256 tokenId, bytes calldata data)
        external
        returns (bytes4);
}
