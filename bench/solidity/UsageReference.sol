// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IUsageReference} from "./IUsageReference.sol";

/// @title UsageReference: per-receipt usage settlement, written the straightforward way
/// @notice The Solidity baseline of the gas benchmark (`cargo run --profile fast -p tributary-bench
/// --bin gas`). It does the job Tributary's `usage_anchor` + `usage_escrow` do, the way a
/// competent Solidity developer would write it in one self-contained contract, so that the
/// benchmark compares designs and runtimes against something honest rather than a straw man.
///
/// What it does:
/// - **Licenses, escrow and splits in its own storage.** The owner issues licenses (holder,
///   dataset, split, scope bits, usage unit, per-unit rate, validity window) and creates splits
///   (one payee each). Escrow balances per license and split balances are plain mappings; holders
///   fund escrow with `fundEscrow(licenseId)` and payees pull with `withdrawSplit`.
/// - **Anchoring.** `anchorBatch(root, receiptCount, totalUnits, periodStart, periodEnd, sig)`:
///   anyone submits a batch signed by an allow-listed attestor (EIP-712, `ecrecover`, 65-byte
///   `r ‖ s ‖ v`, low `s`). The batch id is `keccak256(abi.encode(attestor, digest))`; a signed
///   batch is anchored once. Stored: two slots (root; attestor, receipt count and period).
///   `totalUnits` is signed and emitted but not stored: every settled receipt is proven against
///   the signed root, so the count bounds the indices and the proofs bound the units.
/// - **Settlement, per receipt.** `settle(batchId, receipts, proof, proofFlags)`: anyone, with one
///   OpenZeppelin-style multiproof (`MerkleProof.processMultiProof`, vendored below) over the
///   receipts' leaves (`keccak256(keccak256(abi.encode(receipt)))`, the `StandardMerkleTree`
///   leaf). Then for each receipt: its index is below the batch's count and not yet settled
///   (a `(batchId, index)` bitmap, 256 receipts per word); the license exists, is for the
///   receipt's dataset and unit, grants its (non-empty) scope and is valid at its timestamp,
///   which lies in the batch period — otherwise the receipt is skipped for good with
///   `ReceiptSkipped`; then `units × rate` is debited from the license's escrow (a shortfall
///   reverts the call: settle the receipts that are covered, the rest after a top-up) and
///   credited to the license's split, with one `ReceiptSettled` event per receipt.
///
/// Gas-minded but plain: packed structs (timestamps as `uint32`, ids as `uint48`), a license
/// read once per receipt into memory, scratch-space pair hashing, unchecked loop counters,
/// custom errors; no assembly beyond signature splitting and pair hashing.
///
/// What it leaves out, compared with Tributary (so it is, if anything, cheaper than a complete
/// equivalent): attestor bonds, challenges and the challenge window (receipts settle as soon as
/// the batch is anchored), escrow withdrawal delays and holds, debt for uncovered fees, ERC-20
/// payment, usage aggregation (Tributary bills one usage leaf per license, scope and unit; this
/// contract bills every receipt), ERC-721 licenses and weighted multi-payee splits.
contract UsageReference is IUsageReference {
    /// A license: two slots.
    struct License {
        address holder; // 0 for no license
        uint48 datasetId;
        uint48 splitId;
        uint96 rate; // wei per unit
        uint32 startsAt; // valid from (inclusive)
        uint32 expiresAt; // valid until (exclusive); 0: perpetual
        uint32 scope; // the scope bits granted
        uint8 unit; // the usage unit billed
    }

    /// An anchored batch: two slots.
    struct BatchRecord {
        bytes32 root;
        address attestor;
        uint32 receiptCount;
        uint32 periodStart;
        uint32 periodEnd;
    }

    /// Reasons in `ReceiptSkipped` (the same codes as Tributary's `tributary_abi::usage::skip`).
    uint8 internal constant UNKNOWN_LICENSE = 1;
    uint8 internal constant WRONG_ASSET = 2;
    uint8 internal constant WRONG_UNIT = 3;
    uint8 internal constant SCOPE_NOT_LICENSED = 4;
    uint8 internal constant LICENSE_NOT_ACTIVE = 5;
    uint8 internal constant OUTSIDE_PERIOD = 6;

    bytes32 internal constant BATCH_TYPEHASH = keccak256(
        "Batch(bytes32 root,uint32 receiptCount,uint96 totalUnits,uint32 periodStart,uint32 periodEnd)"
    );
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    /// secp256k1n / 2: larger `s` values are the malleable twin of a valid signature.
    uint256 internal constant HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    address public immutable owner;
    bytes32 internal immutable _domainSeparator;
    uint256 internal immutable _chainId;

    mapping(address => bool) public isAttestor;
    mapping(uint256 => License) public licenses;
    mapping(uint256 => uint256) public escrowOf;
    mapping(uint256 => address) public splitPayee;
    mapping(uint256 => uint256) public splitBalance;
    mapping(bytes32 => BatchRecord) public batches;
    /// batchId => word => bits: receipt `index` is bit `index % 256` of word `index / 256`.
    mapping(bytes32 => mapping(uint256 => uint256)) internal _settled;
    uint256 public licenseCount;
    uint256 public splitCount;

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner();
        _;
    }

    constructor() {
        owner = msg.sender;
        _chainId = block.chainid;
        _domainSeparator = _buildDomainSeparator();
    }

    // ---- administration ----

    function setAttestor(address attestor, bool allowed) external onlyOwner {
        isAttestor[attestor] = allowed;
        emit AttestorSet(attestor, allowed);
    }

    function createSplit(address payee) external onlyOwner returns (uint256 splitId) {
        splitId = ++splitCount;
        splitPayee[splitId] = payee;
        emit SplitCreated(splitId, payee);
    }

    function issueLicense(
        address holder,
        uint48 datasetId,
        uint48 splitId,
        uint32 scope,
        uint8 unit,
        uint96 rate,
        uint32 startsAt,
        uint32 expiresAt
    ) external onlyOwner returns (uint256 licenseId) {
        if (holder == address(0) || scope == 0 || (expiresAt != 0 && expiresAt <= startsAt)) revert InvalidLicense();
        if (splitPayee[splitId] == address(0)) revert UnknownSplit(splitId);
        licenseId = ++licenseCount;
        licenses[licenseId] = License(holder, datasetId, splitId, rate, startsAt, expiresAt, scope, unit);
        emit LicenseIssued(licenseId, holder, datasetId);
    }

    // ---- money ----

    function fundEscrow(uint256 licenseId) external payable {
        if (licenses[licenseId].holder == address(0)) revert UnknownLicense(licenseId);
        escrowOf[licenseId] += msg.value;
        emit EscrowFunded(licenseId, msg.sender, msg.value);
    }

    /// Immediate (no delay: this baseline has no challenge window to protect).
    function withdrawEscrow(uint256 licenseId, uint256 amount) external {
        if (licenses[licenseId].holder != msg.sender) revert NotHolder(licenseId);
        escrowOf[licenseId] -= amount; // reverts on underflow
        emit EscrowWithdrawn(licenseId, msg.sender, amount);
        _pay(msg.sender, amount);
    }

    function withdrawSplit(uint256 splitId) external {
        if (splitPayee[splitId] != msg.sender) revert NotPayee(splitId);
        uint256 amount = splitBalance[splitId];
        splitBalance[splitId] = 0;
        emit SplitWithdrawn(splitId, msg.sender, amount);
        _pay(msg.sender, amount);
    }

    // ---- anchoring ----

    function anchorBatch(
        bytes32 root,
        uint32 receiptCount,
        uint96 totalUnits,
        uint32 periodStart,
        uint32 periodEnd,
        bytes calldata signature
    ) external returns (bytes32 batchId) {
        if (root == bytes32(0) || receiptCount == 0 || periodStart > periodEnd || periodEnd > block.timestamp) {
            revert InvalidBatch();
        }
        bytes32 digest = keccak256(
            abi.encodePacked(
                "\x19\x01",
                domainSeparator(),
                keccak256(abi.encode(BATCH_TYPEHASH, root, receiptCount, totalUnits, periodStart, periodEnd))
            )
        );
        address attestor = _recover(digest, signature);
        if (!isAttestor[attestor]) revert NotAttestor(attestor);
        batchId = keccak256(abi.encode(attestor, digest));
        BatchRecord storage batch = batches[batchId];
        if (batch.root != bytes32(0)) revert BatchAlreadyAnchored(batchId);
        batch.root = root;
        batch.attestor = attestor;
        batch.receiptCount = receiptCount;
        batch.periodStart = periodStart;
        batch.periodEnd = periodEnd;
        emit BatchAnchored(batchId, attestor, root, receiptCount, totalUnits);
    }

    // ---- settlement ----

    function settle(bytes32 batchId, Receipt[] calldata receipts, bytes32[] calldata proof, bool[] calldata proofFlags)
        external
    {
        BatchRecord memory batch = batches[batchId];
        if (batch.root == bytes32(0)) revert UnknownBatch(batchId);
        uint256 count = receipts.length;
        if (count == 0) revert EmptySettlement();
        {
            bytes32[] memory leaves = new bytes32[](count);
            for (uint256 i; i < count;) {
                leaves[i] = keccak256(bytes.concat(keccak256(abi.encode(receipts[i]))));
                unchecked {
                    ++i;
                }
            }
            if (_processMultiProof(proof, proofFlags, leaves) != batch.root) revert InvalidProof();
        }
        mapping(uint256 => uint256) storage settledBits = _settled[batchId];
        for (uint256 i; i < count;) {
            Receipt calldata receipt = receipts[i];
            uint256 index = receipt.index;
            if (index >= batch.receiptCount) revert ReceiptIndexOutOfRange(index);
            _markSettled(settledBits, batchId, index);
            _bill(batchId, batch, receipt, index);
            unchecked {
                ++i;
            }
        }
    }

    /// Sets receipt `index`'s bit in its batch's bitmap; reverts if it was set.
    function _markSettled(mapping(uint256 => uint256) storage settledBits, bytes32 batchId, uint256 index) internal {
        uint256 word = index >> 8;
        uint256 bit = 1 << (index & 0xff);
        uint256 bits = settledBits[word];
        if (bits & bit != 0) revert ReceiptAlreadySettled(batchId, index);
        settledBits[word] = bits | bit;
    }

    /// Bills one proven, newly settled receipt: debits the license's escrow and credits its split,
    /// or skips the receipt if the license cannot be billed for it.
    function _bill(bytes32 batchId, BatchRecord memory batch, Receipt calldata receipt, uint256 index) internal {
        uint256 licenseId = receipt.licenseId;
        License memory license = licenses[licenseId];
        uint8 reason = _skipReason(license, receipt, batch);
        if (reason != 0) {
            emit ReceiptSkipped(batchId, licenseId, index, reason);
            return;
        }
        uint256 fee = receipt.units * license.rate;
        uint256 balance = escrowOf[licenseId];
        if (balance < fee) revert InsufficientEscrow(licenseId, fee, balance);
        unchecked {
            escrowOf[licenseId] = balance - fee;
        }
        splitBalance[license.splitId] += fee;
        emit ReceiptSettled(batchId, licenseId, index, fee);
    }

    // ---- views ----

    function domainSeparator() public view returns (bytes32) {
        return block.chainid == _chainId ? _domainSeparator : _buildDomainSeparator();
    }

    function isSettled(bytes32 batchId, uint256 index) external view returns (bool) {
        return _settled[batchId][index >> 8] & (1 << (index & 0xff)) != 0;
    }

    // ---- internals ----

    /// Why `receipt` cannot be billed to `license` in `batch` (0: it can).
    function _skipReason(License memory license, Receipt calldata receipt, BatchRecord memory batch)
        internal
        pure
        returns (uint8)
    {
        if (license.holder == address(0)) return UNKNOWN_LICENSE;
        if (receipt.assetId != license.datasetId) return WRONG_ASSET;
        if (receipt.unit != license.unit) return WRONG_UNIT;
        uint256 scope = receipt.scope;
        if (scope == 0 || scope & ~uint256(license.scope) != 0) return SCOPE_NOT_LICENSED;
        uint64 at = receipt.timestamp;
        if (at < license.startsAt || (license.expiresAt != 0 && at >= license.expiresAt)) return LICENSE_NOT_ACTIVE;
        if (at < batch.periodStart || at > batch.periodEnd) return OUTSIDE_PERIOD;
        return 0;
    }

    function _buildDomainSeparator() internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                DOMAIN_TYPEHASH, keccak256("UsageReference"), keccak256("1"), block.chainid, address(this)
            )
        );
    }

    /// ECDSA recovery of a 65-byte `r ‖ s ‖ v` signature (OpenZeppelin `ECDSA.tryRecover` rules).
    function _recover(bytes32 digest, bytes calldata signature) internal pure returns (address signer) {
        if (signature.length != 65) revert InvalidSignature();
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            r := calldataload(signature.offset)
            s := calldataload(add(signature.offset, 0x20))
            v := byte(0, calldataload(add(signature.offset, 0x40)))
        }
        if (uint256(s) > HALF_ORDER) revert InvalidSignature();
        signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert InvalidSignature();
    }

    /// OpenZeppelin `MerkleProof.processMultiProof` (v5), with `leaves` in memory and the proof in
    /// calldata: the root rebuilt from `leaves` (in the order the multiproof consumes them),
    /// the sibling hashes `proof` and one flag per inner hash (`true`: the second operand comes from
    /// the leaves and computed hashes, `false`: from `proof`).
    function _processMultiProof(bytes32[] calldata proof, bool[] calldata proofFlags, bytes32[] memory leaves)
        internal
        pure
        returns (bytes32 merkleRoot)
    {
        uint256 leavesLen = leaves.length;
        uint256 proofFlagsLen = proofFlags.length;
        if (leavesLen + proof.length != proofFlagsLen + 1) revert InvalidProof();

        bytes32[] memory hashes = new bytes32[](proofFlagsLen);
        uint256 leafPos = 0;
        uint256 hashPos = 0;
        uint256 proofPos = 0;
        for (uint256 i = 0; i < proofFlagsLen; i++) {
            bytes32 a = leafPos < leavesLen ? leaves[leafPos++] : hashes[hashPos++];
            bytes32 b = proofFlags[i]
                ? (leafPos < leavesLen ? leaves[leafPos++] : hashes[hashPos++])
                : proof[proofPos++];
            hashes[i] = _hashPair(a, b);
        }

        if (proofFlagsLen > 0) {
            if (proofPos != proof.length) revert InvalidProof();
            unchecked {
                return hashes[proofFlagsLen - 1];
            }
        } else if (leavesLen > 0) {
            return leaves[0];
        } else {
            return proof[0];
        }
    }

    /// `keccak256` of the sorted pair in scratch space (OpenZeppelin `Hashes.commutativeKeccak256`).
    function _hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32 value) {
        (a, b) = a < b ? (a, b) : (b, a);
        assembly ("memory-safe") {
            mstore(0x00, a)
            mstore(0x20, b)
            value := keccak256(0x00, 0x40)
        }
    }

    function _pay(address to, uint256 amount) internal {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }
}
