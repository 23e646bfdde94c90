// SPDX-License-Identifier: BUSL-1.1
// The ArbWasmCache (0x72) functions CacheManager calls, as Nitro declares them.
pragma solidity >=0.4.21 <0.9.0;

interface ArbWasmCache {
    function cacheProgram(address addr) external;
    function evictCodehash(bytes32 codehash) external;
    function codehashIsCached(bytes32 codehash) external view returns (bool);
}
