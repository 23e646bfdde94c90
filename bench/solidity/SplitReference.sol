// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title SplitReference: pull-based pro-rata revenue splits, written the straightforward way
/// @notice The Solidity baseline of the gas benchmark's splitter rows (`split deposit`, `split
/// withdraw`, `createSplit per recipient`; `cargo run --profile fast -p tributary-bench --bin
/// gas`). It mirrors the job of Tributary's `contracts/royalty_splitter` for **listed splits in
/// native currency**, as a competent, gas-conscious Solidity developer would write it:
///
/// - **Listed splits.** `createSplit(recipients, shares, controller)`: sorted, unique, non-zero
///   recipients (at most 256), non-zero shares whose total fits 64 bits; emits `SplitCreated` and
///   `SplitRecipientsSet` with the lists, as Tributary does. One slot per split (controller,
///   current version, carried remainder), one per version (accumulator, total shares), one per
///   member (shares, paid).
/// - **Versions.** The controller may `updateSplit`: a new version with new recipients; later
///   deposits accrue there, what was accrued before stays claimable from the old version.
/// - **Exact accumulator.** `deposit(splitId)` (payable, pausable) adds `amount · 2^64 /
///   totalShares` to the version's per-share accumulator, carrying the division's remainder
///   (below one wei) into the next deposit, in O(1) whatever the number of recipients; emits
///   `SplitDeposited`.
/// - **Pull withdrawals.** `withdraw(splitId, version, recipient)`: anyone, for a recipient;
///   pays `shares · acc / 2^64 − paid` in native currency (state first, then the transfer) and
///   emits `SplitWithdrawn`. Never paused.
/// - **Ownable, Pausable.** The owner pauses new business (creating splits, deposits).
///
/// What it leaves out, compared with Tributary (so it is, if anything, cheaper than a complete
/// equivalent): ERC-20 deposits and withdrawals (no token key in the books), Merkle splits and
/// their claims, the ERC-2981 forwarder per split (`royaltyReceiver`) and split-to-split
/// payouts, the per-token deposited/withdrawn totals and their views, two-step ownership.
contract SplitReference {
    /// A split: one slot.
    struct Split {
        address controller; // who may update it; 0 = immutable
        uint32 version; // current version (1-based); 0: no such split
        uint64 remainder; // carried remainder of the last deposit, 2^-64 wei per share
    }

    /// A version of a split: one slot.
    struct Version {
        uint192 acc; // cumulative wei per share, 2^-64 units
        uint64 totalShares;
    }

    /// A member of a split version: one slot.
    struct Member {
        uint64 shares;
        uint192 paid; // wei paid out so far
    }

    uint256 internal constant MAX_RECIPIENTS = 256;
    uint256 internal constant PRECISION_BITS = 64;

    address public owner;
    bool public paused;
    uint256 public splitCount;

    mapping(uint256 => Split) public splits;
    mapping(uint256 => mapping(uint32 => Version)) public versions;
    mapping(uint256 => mapping(uint32 => mapping(address => Member))) public members;

    event SplitCreated(uint256 indexed splitId, address indexed creator, address indexed controller);
    event SplitRecipientsSet(uint256 indexed splitId, uint32 indexed version, address[] recipients, uint256[] shares);
    event SplitDeposited(uint256 indexed splitId, address indexed token, address indexed from, uint256 amount);
    event SplitWithdrawn(
        uint256 indexed splitId, address indexed recipient, address indexed token, uint32 version, uint256 amount
    );
    event Paused(address account);
    event Unpaused(address account);

    error NotOwner();
    error EnforcedPause();
    error ExpectedPause();
    error LengthMismatch();
    error NoRecipients();
    error TooManyRecipients();
    error RecipientsNotSorted(uint256 index);
    error InvalidRecipient();
    error ZeroShares(uint256 index);
    error TotalSharesTooLarge();
    error UnknownSplit(uint256 splitId);
    error UnknownVersion(uint256 splitId, uint32 version);
    error NotController(uint256 splitId);
    error ZeroAmount();
    error DepositOverflow(uint256 splitId);
    error NothingToWithdraw(uint256 splitId, address recipient);
    error TransferFailed(address to, uint256 amount);

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner();
        _;
    }

    modifier whenNotPaused() {
        if (paused) revert EnforcedPause();
        _;
    }

    constructor() {
        owner = msg.sender;
    }

    function pause() external onlyOwner {
        if (paused) revert EnforcedPause();
        paused = true;
        emit Paused(msg.sender);
    }

    function unpause() external onlyOwner {
        if (!paused) revert ExpectedPause();
        paused = false;
        emit Unpaused(msg.sender);
    }

    function createSplit(address[] calldata recipients, uint256[] calldata shares, address controller)
        external
        whenNotPaused
        returns (uint256 splitId)
    {
        uint64 total = _validate(recipients, shares);
        splitId = ++splitCount;
        splits[splitId] = Split(controller, 1, 0);
        _openVersion(splitId, 1, recipients, shares, total);
        emit SplitCreated(splitId, msg.sender, controller);
    }

    function updateSplit(uint256 splitId, address[] calldata recipients, uint256[] calldata shares) external {
        Split storage split = splits[splitId];
        uint32 version = split.version;
        if (version == 0) revert UnknownSplit(splitId);
        if (msg.sender != split.controller) revert NotController(splitId);
        uint64 total = _validate(recipients, shares);
        split.version = ++version;
        _openVersion(splitId, version, recipients, shares, total);
    }

    function deposit(uint256 splitId) external payable whenNotPaused {
        if (msg.value == 0) revert ZeroAmount();
        Split memory split = splits[splitId];
        if (split.version == 0) revert UnknownSplit(splitId);
        Version storage v = versions[splitId][split.version];
        Version memory current = v;
        uint256 total = current.totalShares;
        uint256 mass = (msg.value << PRECISION_BITS) + split.remainder;
        uint256 acc = uint256(current.acc) + mass / total;
        if (acc > type(uint192).max) revert DepositOverflow(splitId);
        v.acc = uint192(acc);
        splits[splitId].remainder = uint64(mass % total);
        emit SplitDeposited(splitId, address(0), msg.sender, msg.value);
    }

    function withdraw(uint256 splitId, uint32 version, address recipient) external returns (uint256 amount) {
        uint32 current = splits[splitId].version;
        if (current == 0) revert UnknownSplit(splitId);
        if (version == 0 || version > current) revert UnknownVersion(splitId, version);
        Member storage member = members[splitId][version][recipient];
        Member memory m = member;
        uint256 entitled = (uint256(m.shares) * versions[splitId][version].acc) >> PRECISION_BITS;
        amount = entitled - m.paid;
        if (amount == 0) revert NothingToWithdraw(splitId, recipient);
        member.paid = uint192(entitled);
        emit SplitWithdrawn(splitId, recipient, address(0), version, amount);
        (bool ok,) = recipient.call{value: amount}("");
        if (!ok) revert TransferFailed(recipient, amount);
    }

    function claimable(uint256 splitId, uint32 version, address recipient) external view returns (uint256) {
        Member memory m = members[splitId][version][recipient];
        return ((uint256(m.shares) * versions[splitId][version].acc) >> PRECISION_BITS) - m.paid;
    }

    function _validate(address[] calldata recipients, uint256[] calldata shares) internal pure returns (uint64) {
        uint256 n = recipients.length;
        if (n != shares.length) revert LengthMismatch();
        if (n == 0) revert NoRecipients();
        if (n > MAX_RECIPIENTS) revert TooManyRecipients();
        if (recipients[0] == address(0)) revert InvalidRecipient();
        uint256 total;
        address previous;
        for (uint256 i; i < n;) {
            address recipient = recipients[i];
            if (recipient <= previous) revert RecipientsNotSorted(i);
            uint256 share = shares[i];
            if (share == 0) revert ZeroShares(i);
            total += share;
            previous = recipient;
            unchecked {
                ++i;
            }
        }
        if (total > type(uint64).max) revert TotalSharesTooLarge();
        return uint64(total);
    }

    function _openVersion(
        uint256 splitId,
        uint32 version,
        address[] calldata recipients,
        uint256[] calldata shares,
        uint64 total
    ) internal {
        versions[splitId][version] = Version(0, total);
        mapping(address => Member) storage book = members[splitId][version];
        uint256 n = recipients.length;
        for (uint256 i; i < n;) {
            book[recipients[i]] = Member(uint64(shares[i]), 0);
            unchecked {
                ++i;
            }
        }
        emit SplitRecipientsSet(splitId, version, recipients, shares);
    }
}
