//! ERC-2981 royalty receivers: one tiny EVM forwarder per split, deployed with CREATE2.
//!
//! Marketplaces pay ERC-2981 royalties with a plain native transfer to one address, so a split
//! needs an address that turns such a transfer into `deposit(splitId)`. `royaltyReceiver`
//! deploys, once per split (CREATE2, salt = split id, so the address is deterministic and the
//! call idempotent), the hand-written forwarder below. Its runtime code has two paths:
//!
//! * **empty calldata** (a plain transfer, with or without value): call `splitter.deposit(splitId)`
//!   with the forwarder's whole balance (so stray value sent with calldata or by `selfdestruct` is
//!   swept too), reverting with the splitter's revert data if that fails (for example
//!   `SplitZeroAmount` when the balance is zero);
//! * **calldata = `abi.encode(token)`** (anyone may call it): recover ERC-20 royalties that were
//!   sent to the receiver. It reads `token.balanceOf(this)`, calls `token.approve(splitter,
//!   balance)` and `splitter.depositToken(splitId, token, balance)`, which pulls the tokens into
//!   the split (balance-delta credited, like any deposit). Any failure reverts with the callee's
//!   revert data.
//!
//! The forwarder holds no state and has no owner: the splitter address and split id are
//! constants in its code. It needs the Shanghai `PUSH0` opcode (Arbitrum `ArbOS` 11+). A sender
//! that forwards only a 2,300 gas stipend (Solidity `transfer`/`send`) cannot pay it, because the
//! forwarder must call the splitter: such marketplaces should pay with `call`.

use alloc::vec::Vec;

use alloy_primitives::{keccak256, Address, B256, U256};

/// Byte offset of the runtime code in the init code.
const INIT_LEN: usize = 10;
/// Length of the runtime code.
pub const RUNTIME_LEN: usize = 0x103;
/// Length of the init code (constructor prefix + runtime).
pub const INIT_CODE_LEN: usize = INIT_LEN + RUNTIME_LEN;

/// Offsets (in the runtime) of the `PUSH32 split_id` immediates.
const SPLIT_ID_AT: [usize; 2] = [0x0c, 0xba];
/// Offsets (in the runtime) of the `PUSH20 splitter` immediates.
const SPLITTER_AT: [usize; 3] = [0x37, 0x87, 0xe8];

/// Init code: copy the runtime that follows it into memory and return it.
#[rustfmt::skip]
const CONSTRUCTOR: [u8; INIT_LEN] = [
    0x61, 0x01, 0x03, // 00 PUSH2 RUNTIME_LEN
    0x80,             // 03 DUP1
    0x60, 0x0a,       // 04 PUSH1 INIT_LEN          (code offset of the runtime)
    0x5f,             // 06 PUSH0                   (memory offset)
    0x39,             // 07 CODECOPY                mem[0..len] = runtime
    0x5f,             // 08 PUSH0
    0xf3,             // 09 RETURN                  return mem[0..len]
];

/// Runtime code with zero placeholders for the split id (`PUSH32`) and the splitter address
/// (`PUSH20`). Memory layout of the calls: a selector is stored as a word at `x` so that it
/// occupies `x+0x1c..x+0x20` and the arguments follow at `x+0x20`.
#[rustfmt::skip]
const RUNTIME: [u8; RUNTIME_LEN] = [
    // ---- dispatch ----------------------------------------------------------------------------
    0x36,                         // 00 CALLDATASIZE
    0x60, 0x5a,                   // 01 PUSH1 TOKEN_PATH
    0x57,                         // 03 JUMPI                 calldata present -> token path
    // ---- native path: splitter.deposit{value: selfbalance}(split_id) --------------------------
    0x63, 0xb6, 0xb5, 0x5f, 0x25, // 04 PUSH4 0xb6b55f25      deposit(uint256)
    0x5f,                         // 09 PUSH0
    0x52,                         // 0a MSTORE                mem[0x1c..0x20] = selector
    0x7f,                         // 0b PUSH32 split_id       (immediate at 0x0c)
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x60, 0x20,                   // 2c PUSH1 0x20
    0x52,                         // 2e MSTORE                mem[0x20..0x40] = split_id
    0x5f,                         // 2f PUSH0                 retSize
    0x5f,                         // 30 PUSH0                 retOffset
    0x60, 0x24,                   // 31 PUSH1 0x24            argsSize
    0x60, 0x1c,                   // 33 PUSH1 0x1c            argsOffset
    0x47,                         // 35 SELFBALANCE           value: everything held
    0x73,                         // 36 PUSH20 splitter       (immediate at 0x37)
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x5a,                         // 4b GAS
    0xf1,                         // 4c CALL
    0x15,                         // 4d ISZERO
    0x60, 0x52,                   // 4e PUSH1 FAIL
    0x57,                         // 50 JUMPI
    0x00,                         // 51 STOP
    // ---- FAIL: revert with the failed call's return data --------------------------------------
    0x5b,                         // 52 JUMPDEST FAIL
    0x3d,                         // 53 RETURNDATASIZE
    0x5f,                         // 54 PUSH0
    0x5f,                         // 55 PUSH0
    0x3e,                         // 56 RETURNDATACOPY        mem[0..rds] = returndata
    0x3d,                         // 57 RETURNDATASIZE
    0x5f,                         // 58 PUSH0
    0xfd,                         // 59 REVERT
    // ---- token path: calldata word 0 = token --------------------------------------------------
    0x5b,                         // 5a JUMPDEST TOKEN_PATH
    0x5f,                         // 5b PUSH0
    0x35,                         // 5c CALLDATALOAD          [token]
    //      token.balanceOf(this) -> mem[0x60..0x80]
    0x63, 0x70, 0xa0, 0x82, 0x31, // 5d PUSH4 0x70a08231      balanceOf(address)
    0x5f,                         // 62 PUSH0
    0x52,                         // 63 MSTORE                mem[0x1c..0x20] = selector
    0x30,                         // 64 ADDRESS
    0x60, 0x20,                   // 65 PUSH1 0x20
    0x52,                         // 67 MSTORE                mem[0x20..0x40] = this
    0x60, 0x20,                   // 68 PUSH1 0x20            retSize
    0x60, 0x60,                   // 6a PUSH1 0x60            retOffset (depositToken's amount)
    0x60, 0x24,                   // 6c PUSH1 0x24            argsSize
    0x60, 0x1c,                   // 6e PUSH1 0x1c            argsOffset
    0x84,                         // 70 DUP5                  token
    0x5a,                         // 71 GAS
    0xfa,                         // 72 STATICCALL            [ok, token]
    0x15,                         // 73 ISZERO
    0x60, 0x52,                   // 74 PUSH1 FAIL
    0x57,                         // 76 JUMPI                 [token]
    0x60, 0x20,                   // 77 PUSH1 0x20
    0x3d,                         // 79 RETURNDATASIZE
    0x10,                         // 7a LT                    returndatasize < 32 (not a token)
    0x60, 0x52,                   // 7b PUSH1 FAIL
    0x57,                         // 7d JUMPI
    //      token.approve(splitter, balance), calldata at mem[0x9c..0xe0]
    0x63, 0x09, 0x5e, 0xa7, 0xb3, // 7e PUSH4 0x095ea7b3      approve(address,uint256)
    0x60, 0x80,                   // 83 PUSH1 0x80
    0x52,                         // 85 MSTORE                mem[0x9c..0xa0] = selector
    0x73,                         // 86 PUSH20 splitter       (immediate at 0x87)
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x60, 0xa0,                   // 9b PUSH1 0xa0
    0x52,                         // 9d MSTORE                mem[0xa0..0xc0] = splitter
    0x60, 0x60,                   // 9e PUSH1 0x60
    0x51,                         // a0 MLOAD                 balance
    0x60, 0xc0,                   // a1 PUSH1 0xc0
    0x52,                         // a3 MSTORE                mem[0xc0..0xe0] = balance
    0x5f,                         // a4 PUSH0                 retSize
    0x5f,                         // a5 PUSH0                 retOffset
    0x60, 0x44,                   // a6 PUSH1 0x44            argsSize
    0x60, 0x9c,                   // a8 PUSH1 0x9c            argsOffset
    0x5f,                         // aa PUSH0                 value
    0x85,                         // ab DUP6                  token
    0x5a,                         // ac GAS
    0xf1,                         // ad CALL                  [ok, token]
    0x15,                         // ae ISZERO
    0x60, 0x52,                   // af PUSH1 FAIL
    0x57,                         // b1 JUMPI                 [token]
    //      splitter.depositToken(split_id, token, balance), calldata at mem[0x1c..0x80]
    0x63, 0x0a, 0x93, 0x06, 0xd7, // b2 PUSH4 0x0a9306d7      depositToken(uint256,address,uint256)
    0x5f,                         // b7 PUSH0
    0x52,                         // b8 MSTORE                mem[0x1c..0x20] = selector
    0x7f,                         // b9 PUSH32 split_id       (immediate at 0xba)
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x60, 0x20,                   // da PUSH1 0x20
    0x52,                         // dc MSTORE                mem[0x20..0x40] = split_id
    0x60, 0x40,                   // dd PUSH1 0x40
    0x52,                         // df MSTORE                mem[0x40..0x60] = token   []
    0x5f,                         // e0 PUSH0                 retSize
    0x5f,                         // e1 PUSH0                 retOffset
    0x60, 0x64,                   // e2 PUSH1 0x64            argsSize
    0x60, 0x1c,                   // e4 PUSH1 0x1c            argsOffset
    0x5f,                         // e6 PUSH0                 value
    0x73,                         // e7 PUSH20 splitter       (immediate at 0xe8)
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x5a,                         // fc GAS
    0xf1,                         // fd CALL
    0x15,                         // fe ISZERO
    0x60, 0x52,                   // ff PUSH1 FAIL
    0x57,                         // 101 JUMPI
    0x00,                         // 102 STOP
];

/// The forwarder's runtime code for `splitter` and `split_id`.
pub fn forwarder_runtime(splitter: Address, split_id: U256) -> [u8; RUNTIME_LEN] {
    let mut code = RUNTIME;
    let id = split_id.to_be_bytes::<32>();
    for at in SPLIT_ID_AT {
        code[at..at + 32].copy_from_slice(&id);
    }
    for at in SPLITTER_AT {
        code[at..at + 20].copy_from_slice(splitter.as_slice());
    }
    code
}

/// The forwarder's init code (constructor prefix + runtime) for `splitter` and `split_id`.
pub fn forwarder_init_code(splitter: Address, split_id: U256) -> Vec<u8> {
    let mut code = Vec::with_capacity(INIT_CODE_LEN);
    code.extend_from_slice(&CONSTRUCTOR);
    code.extend_from_slice(&forwarder_runtime(splitter, split_id));
    code
}

/// The CREATE2 address of the forwarder of `split_id` deployed by `splitter`:
/// `keccak256(0xff ++ splitter ++ salt ++ keccak256(init_code))[12..]`, salt = `split_id`.
pub fn forwarder_address(splitter: Address, split_id: U256, init_code: &[u8]) -> Address {
    let mut preimage = [0u8; 85];
    preimage[0] = 0xff;
    preimage[1..21].copy_from_slice(splitter.as_slice());
    preimage[21..53].copy_from_slice(&split_id.to_be_bytes::<32>());
    preimage[53..85].copy_from_slice(keccak256(init_code).as_slice());
    Address::from_slice(&keccak256(preimage)[12..])
}

/// The CREATE2 salt of a split's forwarder.
pub fn forwarder_salt(split_id: U256) -> B256 {
    B256::from(split_id.to_be_bytes::<32>())
}

impl crate::RoyaltySplitter {
    /// Returns the split's receiver, deploying it on the first call.
    pub(crate) fn royalty_receiver_of(
        &mut self,
        split_id: U256,
    ) -> Result<Address, crate::errors::Error> {
        use alloy_sol_types::SolEvent;
        use stylus_sdk::prelude::*;
        use tributary_abi::abi_words::{emit_log, Word};

        use crate::{
            errors::{Error, SplitReceiverDeploymentFailed},
            events::SplitReceiverCreated,
            state::Field,
        };

        self.require_split(split_id)?;
        let key = crate::state::of_split(split_id);
        let stored = self.read_address(Field::Receiver, &key);
        if !stored.is_zero() {
            return Ok(stored);
        }
        let splitter = self.vm().contract_address();
        let init_code = forwarder_init_code(splitter, split_id);
        // SAFETY: the init code is the fixed forwarder above: its constructor only returns the
        // runtime code, makes no call and cannot re-enter this contract, so recording the
        // address after the deployment is safe (`forwarder_address` predicts the same address;
        // the tests check it).
        let receiver = unsafe {
            self.vm()
                .deploy(&init_code, U256::ZERO, Some(forwarder_salt(split_id)))
        }
        .map_err(|_| Error::ReceiverDeploymentFailed(SplitReceiverDeploymentFailed { split_id }))?;
        self.write(
            Field::Receiver,
            &key,
            alloy_primitives::B256::new(receiver.word()),
        );
        emit_log(
            self.vm(),
            &[SplitReceiverCreated::SIGNATURE_HASH.0, split_id.word()],
            &[receiver.word()],
            &[],
        );
        Ok(receiver)
    }
}
