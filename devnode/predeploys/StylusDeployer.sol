// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @dev The ArbWasm precompile functions the deployer uses (Nitro, address 0x71).
interface IArbWasm {
    function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
    function stylusVersion() external view returns (uint16 version);
    function codehashVersion(bytes32 codehash) external view returns (uint16 version);
}

/// @title StylusDeployer, as the devnode predeploys it
/// @notice Deploys a Stylus program, activates it and runs its constructor in one transaction,
/// so nobody can call an unconstructed program's constructor in between. Same ABI, selectors,
/// events, errors and behaviour as the StylusDeployer that nitro-devnode and cargo-stylus use
/// (see docs/nitro.md §6.2); written from that description.
contract StylusDeployer {
    IArbWasm private constant ARB_WASM = IArbWasm(address(0x71));

    /// @notice Emitted once per successful deployment.
    event ContractDeployed(address deployedContract);

    /// @notice CREATE or CREATE2 failed without revert data.
    error ContractDeploymentError(bytes bytecode);
    /// @notice The constructor call (`initData`) reverted with `data`.
    error ContractInitializationError(address newContract, bytes data);
    /// @notice Sending the unused value back to the caller failed.
    error RefundExcessValueError(uint256 excessValue);
    /// @notice `bytecode` was empty.
    error EmptyBytecode();
    /// @notice `initValue` was non-zero but there is no constructor call to send it with.
    error InitValueButNotInitData();
    /// @notice `msg.value` does not cover `initValue` plus the activation data fee.
    error InsufficientValue(uint256 value, uint256 required);

    /// @notice Deploys `bytecode` (CREATE, or CREATE2 when `salt` is non-zero, salted with the
    /// init data), activates it if needed, calls it with `initData` and `initValue`, and refunds
    /// what is left of `msg.value`.
    function deploy(bytes calldata bytecode, bytes calldata initData, uint256 initValue, bytes32 salt)
        external
        payable
        returns (address newContract)
    {
        if (msg.value < initValue) revert InsufficientValue(msg.value, initValue);
        if (salt != bytes32(0)) salt = initSalt(salt, initData);
        newContract = _create(bytecode, salt);

        uint256 dataFee;
        if (requiresActivation(newContract)) {
            (, dataFee) = ARB_WASM.activateProgram{value: msg.value - initValue}(newContract);
        }
        if (initData.length != 0) {
            (bool ok, bytes memory data) = newContract.call{value: initValue}(initData);
            if (!ok) revert ContractInitializationError(newContract, data);
        } else if (initValue != 0) {
            revert InitValueButNotInitData();
        }
        uint256 spent = dataFee + initValue;
        if (msg.value < spent) revert InsufficientValue(msg.value, spent);
        uint256 excess = msg.value - spent;
        if (excess != 0) {
            (bool ok,) = msg.sender.call{value: excess}("");
            if (!ok) revert RefundExcessValueError(excess);
        }
        emit ContractDeployed(newContract);
    }

    /// @notice Whether `program` still needs `activateProgram` at the current Stylus version.
    function requiresActivation(address program) public view returns (bool) {
        uint16 version;
        try ARB_WASM.codehashVersion(program.codehash) returns (uint16 v) {
            version = v;
        } catch {}
        return version != ARB_WASM.stylusVersion();
    }

    /// @notice The CREATE2 salt actually used: binds the constructor call to the address.
    function initSalt(bytes32 salt, bytes calldata initData) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(salt, initData));
    }

    function _create(bytes calldata bytecode, bytes32 salt) private returns (address created) {
        if (bytecode.length == 0) revert EmptyBytecode();
        bytes memory code = bytecode;
        assembly ("memory-safe") {
            switch salt
            case 0 { created := create(0, add(code, 0x20), mload(code)) }
            default { created := create2(0, add(code, 0x20), mload(code), salt) }
            if iszero(created) {
                if returndatasize() {
                    let ptr := mload(0x40)
                    returndatacopy(ptr, 0, returndatasize())
                    revert(ptr, returndatasize())
                }
            }
        }
        if (created == address(0)) revert ContractDeploymentError(bytecode);
    }
}
