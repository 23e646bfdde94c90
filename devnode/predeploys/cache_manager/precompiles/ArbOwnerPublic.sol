// SPDX-License-Identifier: BUSL-1.1
// The ArbOwnerPublic (0x6b) functions CacheManager calls, as Nitro declares them. The devnode
// does not serve 0x6b: only the owner-only functions and sweepFunds() reach it.
pragma solidity >=0.4.21 <0.9.0;

interface ArbOwnerPublic {
    function isChainOwner(address addr) external view returns (bool);
    function getNetworkFeeAccount() external view returns (address);
}
