// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SplitReference} from "./SplitReference.sol";

/// @title MerkleSplitReference: SplitReference with Merkle splits
/// @notice The Solidity baseline of the gas benchmark's Datanet rows (`Datanet: deposit into
/// 100,000-contributor dataset`, `Datanet: claimMerkle`; `cargo run --profile fast -p
/// tributary-bench --bin gas`). `SplitReference` (listed splits, versions, the exact
/// accumulator, pull withdrawals, unchanged and inherited) plus the Merkle splits of Tributary's
/// `contracts/royalty_splitter`, written the straightforward way:
///
/// - **Merkle splits.** `createMerkleSplit(root, totalShares, controller)` commits to
///   `(recipient, shares)` leaves summing to `totalShares` (below 2^64): one slot per split, one
///   per version (accumulator, total shares) as for a listed split, plus one for the version's
///   root. The controller may `updateMerkleSplit` (a new version with a new root; it returns
///   the version). Deposits are `SplitReference.deposit`, O(1) whatever the number of members.
/// - **Claims.** `claimMerkle(splitId, version, recipient, shares, proof, token)` (anyone, for a
///   recipient; the same ABI as Tributary's, native currency only): the leaf is
///   `keccak256(keccak256(abi.encode(recipient, shares)))`, proven with OpenZeppelin's
///   `MerkleProof.processProofCalldata` (sorted pairs, vendored below: OpenZeppelin is not
///   installed). A member's first claim registers it (its shares in its member slot, the
///   version's registered shares, checked against the total, and `SplitMemberRegistered`); a
///   later claim must name the same shares. Then, as `withdraw`, it pays `shares · acc / 2^64 −
///   paid` (state first, one member slot written once) and emits `SplitWithdrawn`.
///
/// What it leaves out, compared with Tributary: as `SplitReference` (ERC-20, forwarders,
/// split-to-split payouts, per-token totals).
contract MerkleSplitReference is SplitReference {
    /// The root of each Merkle version (zero: a listed version).
    mapping(uint256 => mapping(uint32 => bytes32)) public merkleRoots;
    /// Shares registered by claims so far, per Merkle version (at most its total).
    mapping(uint256 => mapping(uint32 => uint64)) public registeredShares;

    event SplitMerkleRootSet(uint256 indexed splitId, uint32 indexed version, bytes32 root, uint256 totalShares);
    event SplitMemberRegistered(
        uint256 indexed splitId, uint32 indexed version, address indexed member, uint256 shares
    );

    error ZeroRoot();
    error InvalidProof(uint256 splitId, address recipient);
    error MerkleSharesExceeded(uint256 splitId, uint256 registered, uint256 total);
    error UnsupportedToken(address token);

    function createMerkleSplit(bytes32 root, uint256 totalShares, address controller)
        external
        whenNotPaused
        returns (uint256 splitId)
    {
        uint64 total = _validateMerkle(root, totalShares);
        splitId = ++splitCount;
        splits[splitId] = Split(controller, 1, 0);
        _openMerkleVersion(splitId, 1, root, total);
        emit SplitCreated(splitId, msg.sender, controller);
    }

    function updateMerkleSplit(uint256 splitId, bytes32 root, uint256 totalShares)
        external
        returns (uint32 version)
    {
        Split storage split = splits[splitId];
        version = split.version;
        if (version == 0) revert UnknownSplit(splitId);
        if (msg.sender != split.controller) revert NotController(splitId);
        uint64 total = _validateMerkle(root, totalShares);
        split.version = ++version;
        _openMerkleVersion(splitId, version, root, total);
    }

    function claimMerkle(
        uint256 splitId,
        uint32 version,
        address recipient,
        uint256 shares,
        bytes32[] calldata proof,
        address token
    ) external returns (uint256 amount) {
        if (token != address(0)) revert UnsupportedToken(token);
        _proveLeaf(splitId, version, recipient, shares, proof);
        Version memory v = versions[splitId][version];
        Member memory m = members[splitId][version][recipient];
        if (m.shares == 0) {
            m.shares = _register(splitId, version, recipient, shares, v.totalShares);
        } else if (m.shares != shares) {
            // One leaf per member: a second leaf for a registered member is not honoured.
            revert InvalidProof(splitId, recipient);
        }
        uint256 entitled = (uint256(m.shares) * v.acc) >> PRECISION_BITS;
        amount = entitled - m.paid;
        if (amount == 0) revert NothingToWithdraw(splitId, recipient);
        members[splitId][version][recipient] = Member(m.shares, uint192(entitled));
        emit SplitWithdrawn(splitId, recipient, address(0), version, amount);
        (bool ok,) = recipient.call{value: amount}("");
        if (!ok) revert TransferFailed(recipient, amount);
    }

    /// Checks that `(recipient, shares)` is a leaf of Merkle version `version` of `splitId`.
    function _proveLeaf(uint256 splitId, uint32 version, address recipient, uint256 shares, bytes32[] calldata proof)
        internal
        view
    {
        uint32 current = splits[splitId].version;
        if (current == 0) revert UnknownSplit(splitId);
        if (version == 0 || version > current) revert UnknownVersion(splitId, version);
        bytes32 root = merkleRoots[splitId][version];
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(recipient, shares))));
        if (root == bytes32(0) || _processProof(proof, leaf) != root) revert InvalidProof(splitId, recipient);
    }

    /// Registers a member's first claim: its shares join the version's registered shares, which
    /// stay within the version's total.
    function _register(uint256 splitId, uint32 version, address recipient, uint256 shares, uint64 total)
        internal
        returns (uint64)
    {
        if (shares == 0) revert ZeroShares(0);
        uint256 before = registeredShares[splitId][version];
        uint256 registered = before + shares;
        if (registered > total) revert MerkleSharesExceeded(splitId, before, total);
        registeredShares[splitId][version] = uint64(registered);
        emit SplitMemberRegistered(splitId, version, recipient, shares);
        return uint64(shares);
    }

    function _validateMerkle(bytes32 root, uint256 totalShares) internal pure returns (uint64) {
        if (root == bytes32(0)) revert ZeroRoot();
        if (totalShares == 0) revert ZeroShares(0);
        if (totalShares > type(uint64).max) revert TotalSharesTooLarge();
        return uint64(totalShares);
    }

    function _openMerkleVersion(uint256 splitId, uint32 version, bytes32 root, uint64 total) internal {
        versions[splitId][version] = Version(0, total);
        merkleRoots[splitId][version] = root;
        emit SplitMerkleRootSet(splitId, version, root, total);
    }

    /// OpenZeppelin `MerkleProof.processProofCalldata` (v5): the root rebuilt from `leaf` and
    /// its sibling hashes, each pair hashed in sorted order.
    function _processProof(bytes32[] calldata proof, bytes32 leaf) internal pure returns (bytes32 computedHash) {
        computedHash = leaf;
        uint256 n = proof.length;
        for (uint256 i; i < n;) {
            computedHash = _hashPair(computedHash, proof[i]);
            unchecked {
                ++i;
            }
        }
    }

    /// OpenZeppelin `Hashes.commutativeKeccak256`: `keccak256` of the sorted pair, in scratch space.
    function _hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32 value) {
        (a, b) = a < b ? (a, b) : (b, a);
        assembly ("memory-safe") {
            mstore(0x00, a)
            mstore(0x20, b)
            value := keccak256(0x00, 0x40)
        }
    }
}
