// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ExplorerLoad: event load for the explorer benchmark
/// @notice `cargo run --profile fast -p tributary-bench --bin explorer` fills a devnode with
/// `SplitDeposited` events cheaply: one transaction of `depositMany` makes `count` deposits of
/// `msg.value / count` wei each into a split of Tributary's `RoyaltySplitter`, and so `count`
/// events on the splitter's address, exactly as `count` separate `deposit` transactions would.
interface IRoyaltySplitterDeposit {
    function deposit(uint256 split_id) external payable;
}

contract ExplorerLoad {
    /// @notice Deposits `msg.value / count` wei into `splitId` on `splitter`, `count` times.
    function depositMany(address splitter, uint256 splitId, uint256 count) external payable {
        uint256 each = msg.value / count;
        for (uint256 i = 0; i < count; ++i) {
            IRoyaltySplitterDeposit(splitter).deposit{value: each}(splitId);
        }
    }
}
