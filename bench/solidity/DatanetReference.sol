// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// What `DatanetReference` calls of its splitter (`MerkleSplitReference`).
interface IMerkleSplitReference {
    function updateMerkleSplit(uint256 splitId, bytes32 root, uint256 totalShares) external returns (uint32 version);
}

/// @title DatanetReference: evaluator-signed attribution reports, written the straightforward way
/// @notice The Solidity baseline of the gas benchmark's `Datanet: postReport` and `Datanet:
/// activateReport` rows (`cargo run --profile fast -p tributary-bench --bin gas`). It does the
/// report half of Tributary's `contracts/datanets` (docs/datanets.md §4) as a competent Solidity
/// developer would:
///
/// - **Reports.** `postReport(report, signature)`: anyone posts an `AttributionReport` signed
///   (EIP-712, the same domain name, version and type as Tributary's, so the attestor kit signs
///   for both; `ecrecover` with OpenZeppelin `ECDSA.tryRecover`'s rules: 65 bytes `r ‖ s ‖ v`,
///   low `s`) by an evaluator the owner allow-listed for the dataset. Checked: the Datanet is
///   open, the deadline has not passed, the epoch is the current one plus one, no report is
///   pending, the root and total are non-zero and the total fits 64 bits, the dataset version
///   exists, the digest was not vetoed. Stored: the pending root, total and veto end, and the
///   digest (three slots, as Tributary's), with `ReportPosted`.
/// - **Veto and activation.** The owner may `vetoReport` inside the veto window (the digest is
///   burnt). After it, anyone calls `activateReport`: the epoch advances, the pending report is
///   cleared, the splitter opens the next version of the dataset's Merkle split with the report's
///   root and total (`updateMerkleSplit`, which returns the version; this contract is the
///   split's controller) and the version is recorded per epoch, with `EpochActivated`.
///
/// Gas-minded but plain: a Datanet's configuration and status in one slot, the EIP-712 domain
/// separator cached (immutable), the struct hashed from calldata, custom errors.
///
/// What it leaves out, compared with Tributary (so it is, if anything, cheaper than a complete
/// equivalent): the registry. The dataset's split id and its version count are kept in this
/// contract's own slot (set by the owner), where Tributary asks the attribution registry for them
/// (`postReport`: the version count; `activateReport`: the split, and the splitter for its current
/// version). Also left out: contributions, stakes and curation, per-dataset owners (one owner
/// configures every Datanet), closing a Datanet.
contract DatanetReference {
    /// The signed struct: Tributary's `AttributionReport`, field for field.
    struct Report {
        uint256 datasetId;
        uint256 version;
        uint64 epoch;
        bytes32 benchmarkId;
        bytes32 metric;
        bytes32 weightsRoot;
        uint256 totalWeight;
        uint64 deadline;
    }

    /// A Datanet: one slot.
    struct Datanet {
        uint64 splitId; // the dataset's split on the splitter
        uint32 vetoWindow; // seconds the owner has to veto a posted report
        uint32 versions; // dataset versions that exist (Tributary: the registry's count)
        uint64 epoch; // last activated epoch (0: none yet)
        bool open;
    }

    /// The pending report of a Datanet: three slots (a zero root: none pending).
    struct Pending {
        bytes32 root;
        uint64 total;
        uint64 vetoEndsAt;
        bytes32 digest;
    }

    bytes32 internal constant REPORT_TYPEHASH = keccak256(
        "AttributionReport(uint256 datasetId,uint256 version,uint64 epoch,bytes32 benchmarkId,bytes32 metric,bytes32 weightsRoot,uint256 totalWeight,uint64 deadline)"
    );
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    /// secp256k1n / 2: larger `s` values are the malleable twin of a valid signature.
    uint256 internal constant HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    address public immutable owner;
    IMerkleSplitReference public immutable splitter;
    bytes32 internal immutable _domainSeparator;
    uint256 internal immutable _chainId;

    mapping(uint256 => Datanet) public datanets;
    mapping(uint256 => Pending) public pendingReport;
    mapping(uint256 => mapping(address => bool)) public isEvaluator;
    mapping(uint256 => mapping(uint64 => uint32)) public epochSplitVersion;
    mapping(bytes32 => bool) public vetoed;

    event DatanetConfigured(uint256 indexed datasetId, uint256 splitId, uint32 vetoWindow, uint32 versions);
    event EvaluatorSet(uint256 indexed datasetId, address indexed evaluator, bool allowed);
    event ReportPosted(
        uint256 indexed datasetId,
        uint64 indexed epoch,
        address indexed evaluator,
        uint256 version,
        bytes32 benchmarkId,
        bytes32 metric,
        bytes32 weightsRoot,
        uint256 totalWeight,
        bytes32 digest,
        uint64 vetoEndsAt
    );
    event ReportVetoed(uint256 indexed datasetId, uint64 indexed epoch, bytes32 digest, bytes32 reasonHash);
    event EpochActivated(
        uint256 indexed datasetId,
        uint64 indexed epoch,
        uint256 splitId,
        uint32 splitVersion,
        bytes32 weightsRoot,
        uint256 totalWeight
    );

    error NotOwner();
    error InvalidConfiguration();
    error DatanetNotOpen(uint256 datasetId);
    error ReportExpired(uint256 datasetId, uint64 deadline);
    error WrongEpoch(uint256 datasetId, uint64 epoch, uint64 expected);
    error ReportPending(uint256 datasetId, uint64 epoch);
    error InvalidReport(uint256 datasetId);
    error UnknownDatasetVersion(uint256 datasetId, uint256 version);
    error InvalidSignature();
    error NotEvaluator(uint256 datasetId, address account);
    error ReportAlreadyVetoed(bytes32 digest);
    error NoPendingReport(uint256 datasetId);
    error VetoWindowClosed(uint256 datasetId, uint64 endsAt);
    error VetoWindowOpen(uint256 datasetId, uint64 endsAt);

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner();
        _;
    }

    constructor(IMerkleSplitReference splitter_) {
        owner = msg.sender;
        splitter = splitter_;
        _chainId = block.chainid;
        _domainSeparator = _buildDomainSeparator();
    }

    // ---- administration ----

    /// Opens (or reconfigures) a dataset's Datanet over its split, which must be controlled by
    /// this contract; `versions` is the dataset's version count.
    function configureDatanet(uint256 datasetId, uint64 splitId, uint32 vetoWindow, uint32 versions)
        external
        onlyOwner
    {
        if (splitId == 0 || vetoWindow == 0 || versions == 0) revert InvalidConfiguration();
        Datanet storage net = datanets[datasetId];
        net.splitId = splitId;
        net.vetoWindow = vetoWindow;
        net.versions = versions;
        net.open = true;
        emit DatanetConfigured(datasetId, splitId, vetoWindow, versions);
    }

    function setEvaluator(uint256 datasetId, address evaluator, bool allowed) external onlyOwner {
        isEvaluator[datasetId][evaluator] = allowed;
        emit EvaluatorSet(datasetId, evaluator, allowed);
    }

    // ---- reports ----

    function postReport(Report calldata report, bytes calldata signature) external {
        uint256 datasetId = report.datasetId;
        uint32 vetoWindow = _checkReport(report);
        bytes32 digest = keccak256(
            abi.encodePacked("\x19\x01", domainSeparator(), keccak256(abi.encode(REPORT_TYPEHASH, report)))
        );
        address evaluator = _recover(digest, signature);
        if (!isEvaluator[datasetId][evaluator]) revert NotEvaluator(datasetId, evaluator);
        if (vetoed[digest]) revert ReportAlreadyVetoed(digest);
        uint64 vetoEndsAt = uint64(block.timestamp) + vetoWindow;
        pendingReport[datasetId] = Pending(report.weightsRoot, uint64(report.totalWeight), vetoEndsAt, digest);
        _emitPosted(report, evaluator, digest, vetoEndsAt);
    }

    function vetoReport(uint256 datasetId, bytes32 reasonHash) external onlyOwner {
        Pending memory pending = pendingReport[datasetId];
        if (pending.root == bytes32(0)) revert NoPendingReport(datasetId);
        if (block.timestamp >= pending.vetoEndsAt) revert VetoWindowClosed(datasetId, pending.vetoEndsAt);
        delete pendingReport[datasetId];
        vetoed[pending.digest] = true;
        emit ReportVetoed(datasetId, datanets[datasetId].epoch + 1, pending.digest, reasonHash);
    }

    function activateReport(uint256 datasetId) external returns (uint32 version) {
        Pending memory pending = pendingReport[datasetId];
        if (pending.root == bytes32(0)) revert NoPendingReport(datasetId);
        if (block.timestamp < pending.vetoEndsAt) revert VetoWindowOpen(datasetId, pending.vetoEndsAt);
        Datanet storage net = datanets[datasetId];
        uint64 epoch = net.epoch + 1;
        uint64 splitId = net.splitId;
        net.epoch = epoch;
        delete pendingReport[datasetId];
        version = splitter.updateMerkleSplit(splitId, pending.root, pending.total);
        epochSplitVersion[datasetId][epoch] = version;
        emit EpochActivated(datasetId, epoch, splitId, version, pending.root, pending.total);
    }

    // ---- views ----

    function domainSeparator() public view returns (bytes32) {
        return block.chainid == _chainId ? _domainSeparator : _buildDomainSeparator();
    }

    // ---- internals ----

    /// Checks what a report says against its Datanet (open, deadline, epoch, nothing pending,
    /// root, total, dataset version); returns the Datanet's veto window.
    function _checkReport(Report calldata report) internal view returns (uint32 vetoWindow) {
        uint256 datasetId = report.datasetId;
        Datanet memory net = datanets[datasetId];
        if (!net.open) revert DatanetNotOpen(datasetId);
        if (block.timestamp > report.deadline) revert ReportExpired(datasetId, report.deadline);
        uint64 expected = net.epoch + 1;
        if (report.epoch != expected) revert WrongEpoch(datasetId, report.epoch, expected);
        if (pendingReport[datasetId].root != bytes32(0)) revert ReportPending(datasetId, report.epoch);
        uint256 total = report.totalWeight;
        if (report.weightsRoot == bytes32(0) || total == 0 || total > type(uint64).max) {
            revert InvalidReport(datasetId);
        }
        if (report.version == 0 || report.version > net.versions) {
            revert UnknownDatasetVersion(datasetId, report.version);
        }
        return net.vetoWindow;
    }

    function _emitPosted(Report calldata report, address evaluator, bytes32 digest, uint64 vetoEndsAt) internal {
        emit ReportPosted(
            report.datasetId,
            report.epoch,
            evaluator,
            report.version,
            report.benchmarkId,
            report.metric,
            report.weightsRoot,
            report.totalWeight,
            digest,
            vetoEndsAt
        );
    }

    function _buildDomainSeparator() internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                DOMAIN_TYPEHASH, keccak256("Tributary Datanets"), keccak256("1"), block.chainid, address(this)
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
}
