// SPDX-License-Identifier: BUSL-1.1
// The one error of nitro-contracts' src/libraries/Error.sol that DelegateCallAware uses.
pragma solidity ^0.8.0;

error NotOwner(address sender, address owner);
