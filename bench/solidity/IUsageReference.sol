// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IUsageReference
/// @notice The external interface of `UsageReference` (see that file for what it is and why).
/// The gas benchmark (`bench/src/reference.rs`) generates its Rust bindings from this file and the
/// contract inherits it, so the two cannot drift apart.
interface IUsageReference {
    /// One metered use of a licensed dataset: Tributary's receipt with the receipt's position in
    /// the batch (`index`, its bit in the settled bitmap) in place of the attestor (the batch's
    /// signer). Nine static words, as Tributary's. Leaf: `keccak256(keccak256(abi.encode(r)))`.
    struct Receipt {
        uint32 index;
        bytes32 jobId;
        uint256 licenseId;
        uint256 assetId;
        bytes32 modelHash;
        uint256 scope;
        uint8 unit;
        uint256 units;
        uint64 timestamp;
    }

    event AttestorSet(address indexed attestor, bool allowed);
    event SplitCreated(uint256 indexed splitId, address indexed payee);
    event LicenseIssued(uint256 indexed licenseId, address indexed holder, uint256 indexed datasetId);
    event EscrowFunded(uint256 indexed licenseId, address indexed from, uint256 amount);
    event EscrowWithdrawn(uint256 indexed licenseId, address indexed to, uint256 amount);
    event SplitWithdrawn(uint256 indexed splitId, address indexed to, uint256 amount);
    event BatchAnchored(
        bytes32 indexed batchId, address indexed attestor, bytes32 root, uint32 receiptCount, uint96 totalUnits
    );
    event ReceiptSettled(bytes32 indexed batchId, uint256 indexed licenseId, uint256 index, uint256 fee);
    event ReceiptSkipped(bytes32 indexed batchId, uint256 indexed licenseId, uint256 index, uint8 reason);

    error NotOwner();
    error NotAttestor(address signer);
    error InvalidSignature();
    error InvalidBatch();
    error BatchAlreadyAnchored(bytes32 batchId);
    error UnknownBatch(bytes32 batchId);
    error UnknownLicense(uint256 licenseId);
    error UnknownSplit(uint256 splitId);
    error NotHolder(uint256 licenseId);
    error NotPayee(uint256 splitId);
    error InvalidLicense();
    error EmptySettlement();
    error InvalidProof();
    error ReceiptIndexOutOfRange(uint256 index);
    error ReceiptAlreadySettled(bytes32 batchId, uint256 index);
    error InsufficientEscrow(uint256 licenseId, uint256 fee, uint256 balance);
    error TransferFailed();

    function owner() external view returns (address);
    function setAttestor(address attestor, bool allowed) external;
    function createSplit(address payee) external returns (uint256 splitId);
    function issueLicense(
        address holder,
        uint48 datasetId,
        uint48 splitId,
        uint32 scope,
        uint8 unit,
        uint96 rate,
        uint32 startsAt,
        uint32 expiresAt
    ) external returns (uint256 licenseId);

    function fundEscrow(uint256 licenseId) external payable;
    function withdrawEscrow(uint256 licenseId, uint256 amount) external;
    function withdrawSplit(uint256 splitId) external;

    function anchorBatch(
        bytes32 root,
        uint32 receiptCount,
        uint96 totalUnits,
        uint32 periodStart,
        uint32 periodEnd,
        bytes calldata signature
    ) external returns (bytes32 batchId);
    function settle(bytes32 batchId, Receipt[] calldata receipts, bytes32[] calldata proof, bool[] calldata proofFlags)
        external;

    function domainSeparator() external view returns (bytes32);
    function isSettled(bytes32 batchId, uint256 index) external view returns (bool);
    function escrowOf(uint256 licenseId) external view returns (uint256);
    function splitBalance(uint256 splitId) external view returns (uint256);
}
