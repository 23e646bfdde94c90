// SPDX-License-Identifier: BUSL-1.1
// The ArbWasm (0x71) function CacheManager calls, as Nitro declares it.
pragma solidity >=0.4.21 <0.9.0;

interface ArbWasm {
    function codehashAsmSize(bytes32 codehash) external view returns (uint32 size);
}
