// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// An EVM contract that calls Stylus programs: forwards calldata with CALL / STATICCALL /
/// DELEGATECALL, records what it got, and can write storage before the call so reverts can be
/// checked.
contract StylusCaller {
    uint256 public marker;
    bytes public lastReturn;
    bool public lastSuccess;

    event Called(address indexed target, bool success, bytes data);

    /// CALL `target` with `data`, store the outcome, return the callee's data.
    function forward(address target, bytes calldata data) external payable returns (bytes memory) {
        marker += 1;
        (bool ok, bytes memory ret) = target.call{value: msg.value}(data);
        lastSuccess = ok;
        lastReturn = ret;
        emit Called(target, ok, ret);
        return ret;
    }

    /// CALL `target`, and revert with the callee's data if it failed.
    function forwardOrBubble(address target, bytes calldata data) external returns (bytes memory) {
        marker += 1;
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    /// STATICCALL `target`.
    function peek(address target, bytes calldata data) external view returns (bool, bytes memory) {
        return target.staticcall(data);
    }

    /// Writes `marker` then always reverts with `Nope(marker)`.
    error Nope(uint256 marker);

    function writeThenRevert() external {
        marker += 100;
        revert Nope(marker);
    }
}
