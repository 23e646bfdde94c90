//! ERC-2981 royalty receivers: one tiny EVM forwarder per split, deployed with CREATE2 by the
//! royalty splitter; `LicenseOffers` predicts the address to skip the splitter once it exists.
//! The same program with the revenue router's two selectors ([`route_forwarder_init_code`]) is
//! a model's receiver: the router deploys it per model, and what it receives is reported as the
//! model's revenue, so every ancestor in the lineage takes its royalty on a resale.
//!
//! Marketplaces pay ERC-2981 royalties with a plain native transfer to one address, so a split
//! needs an address that turns such a transfer into `deposit(splitId)`. `royaltyReceiver`
//! deploys, once per split (CREATE2, salt = split id, so the address is deterministic and the
//! call idempotent), the hand-written forwarder below. Its runtime code has two paths:
//!
//! * **empty calldata** (a plain transfer, with or without value): if the forwarder's balance is
//!   zero, stop successfully without calling the splitter; otherwise call
//!   `splitter.deposit(splitId)` with the whole balance (so stray value sent with calldata or by
//!   `selfdestruct` is swept too), reverting with the splitter's revert data if that fails. The
//!   zero case is not a silent no-op that loses anything: the payer paid 0 and the forwarder holds
//!   nothing, so there is nothing to deposit, and `deposit` would only revert `SplitZeroAmount`.
//!   Reverting there made a marketplace that pays a 0 royalty (a 0 sale price, or a rounding to
//!   0) revert its whole sale;
//! * **calldata = `abi.encode(token)`** (anyone may call it): recover ERC-20 royalties that were
//!   sent to the receiver. It reads `token.balanceOf(this)`, calls `token.approve(splitter,
//!   balance)` and `splitter.depositToken(splitId, token, balance)`, which pulls the tokens into
//!   the split (balance-delta credited, like any deposit). Any failure reverts with the callee's
//!   revert data.
//!
//! The forwarder holds no state and has no owner: the splitter address and split id are
//! constants in its code. The splitter (`royalty_splitter::receiver`) records the reverse mapping
//! forwarder -> split when it deploys one (`Field::SplitOfReceiver`), so a split that lists another
//! split's forwarder as a recipient is paid native currency by an internal credit rather than a
//! transfer into the forwarder (which would call back into the non-reentrant splitter and revert):
//! see `royalty_splitter::withdrawals`. It needs the Shanghai `PUSH0` opcode (Arbitrum `ArbOS`
//! 11+). A sender that forwards only a 2,300 gas stipend (Solidity `transfer`/`send`) cannot pay
//! it, because the forwarder must call the splitter: such marketplaces should pay with `call`.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;

/// Byte offset of the runtime code in the init code.
const INIT_LEN: usize = 10;
/// Length of the runtime code.
pub const RUNTIME_LEN: usize = 0x109;
/// Length of the init code (constructor prefix + runtime).
pub const INIT_CODE_LEN: usize = INIT_LEN + RUNTIME_LEN;

/// Offsets (in the runtime) of the `PUSH32 split_id` immediates.
const SPLIT_ID_AT: [usize; 2] = [0x11, 0xc0];
/// Offsets (in the runtime) of the `PUSH20 splitter` immediates.
const SPLITTER_AT: [usize; 3] = [0x3c, 0x8d, 0xee];

/// Init code: copy the runtime that follows it into memory and return it.
#[rustfmt::skip]
static CONSTRUCTOR: [u8; INIT_LEN] = [
    0x61, 0x01, 0x09, // 00 PUSH2 RUNTIME_LEN
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
static RUNTIME: [u8; RUNTIME_LEN] = [
    // ---- dispatch ----------------------------------------------------------------------------
    0x36,                         // 00 CALLDATASIZE
    0x60, 0x60,                   // 01 PUSH1 TOKEN_PATH
    0x57,                         // 03 JUMPI                 calldata present -> token path
    // ---- native path: nothing held -> stop; else splitter.deposit{value: selfbalance}(split_id)
    0x47,                         // 04 SELFBALANCE
    0x15,                         // 05 ISZERO
    0x60, 0x56,                   // 06 PUSH1 DONE
    0x57,                         // 08 JUMPI                 nothing to deposit -> DONE
    0x63, 0xb6, 0xb5, 0x5f, 0x25, // 09 PUSH4 0xb6b55f25      deposit(uint256)
    0x5f,                         // 0e PUSH0
    0x52,                         // 0f MSTORE                mem[0x1c..0x20] = selector
    0x7f,                         // 10 PUSH32 split_id       (immediate at 0x11)
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x60, 0x20,                   // 31 PUSH1 0x20
    0x52,                         // 33 MSTORE                mem[0x20..0x40] = split_id
    0x5f,                         // 34 PUSH0                 retSize
    0x5f,                         // 35 PUSH0                 retOffset
    0x60, 0x24,                   // 36 PUSH1 0x24            argsSize
    0x60, 0x1c,                   // 38 PUSH1 0x1c            argsOffset
    0x47,                         // 3a SELFBALANCE           value: everything held
    0x73,                         // 3b PUSH20 splitter       (immediate at 0x3c)
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x5a,                         // 50 GAS
    0xf1,                         // 51 CALL
    0x15,                         // 52 ISZERO
    0x60, 0x58,                   // 53 PUSH1 FAIL
    0x57,                         // 55 JUMPI
    0x5b,                         // 56 JUMPDEST DONE
    0x00,                         // 57 STOP
    // ---- FAIL: revert with the failed call's return data --------------------------------------
    0x5b,                         // 58 JUMPDEST FAIL
    0x3d,                         // 59 RETURNDATASIZE
    0x5f,                         // 5a PUSH0
    0x5f,                         // 5b PUSH0
    0x3e,                         // 5c RETURNDATACOPY        mem[0..rds] = returndata
    0x3d,                         // 5d RETURNDATASIZE
    0x5f,                         // 5e PUSH0
    0xfd,                         // 5f REVERT
    // ---- token path: calldata word 0 = token --------------------------------------------------
    0x5b,                         // 60 JUMPDEST TOKEN_PATH
    0x5f,                         // 61 PUSH0
    0x35,                         // 62 CALLDATALOAD          [token]
    //      token.balanceOf(this) -> mem[0x60..0x80]
    0x63, 0x70, 0xa0, 0x82, 0x31, // 63 PUSH4 0x70a08231      balanceOf(address)
    0x5f,                         // 68 PUSH0
    0x52,                         // 69 MSTORE                mem[0x1c..0x20] = selector
    0x30,                         // 6a ADDRESS
    0x60, 0x20,                   // 6b PUSH1 0x20
    0x52,                         // 6d MSTORE                mem[0x20..0x40] = this
    0x60, 0x20,                   // 6e PUSH1 0x20            retSize
    0x60, 0x60,                   // 70 PUSH1 0x60            retOffset (depositToken's amount)
    0x60, 0x24,                   // 72 PUSH1 0x24            argsSize
    0x60, 0x1c,                   // 74 PUSH1 0x1c            argsOffset
    0x84,                         // 76 DUP5                  token
    0x5a,                         // 77 GAS
    0xfa,                         // 78 STATICCALL            [ok, token]
    0x15,                         // 79 ISZERO
    0x60, 0x58,                   // 7a PUSH1 FAIL
    0x57,                         // 7c JUMPI                 [token]
    0x60, 0x20,                   // 7d PUSH1 0x20
    0x3d,                         // 7f RETURNDATASIZE
    0x10,                         // 80 LT                    returndatasize < 32 (not a token)
    0x60, 0x58,                   // 81 PUSH1 FAIL
    0x57,                         // 83 JUMPI
    //      token.approve(splitter, balance), calldata at mem[0x9c..0xe0]
    0x63, 0x09, 0x5e, 0xa7, 0xb3, // 84 PUSH4 0x095ea7b3      approve(address,uint256)
    0x60, 0x80,                   // 89 PUSH1 0x80
    0x52,                         // 8b MSTORE                mem[0x9c..0xa0] = selector
    0x73,                         // 8c PUSH20 splitter       (immediate at 0x8d)
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x60, 0xa0,                   // a1 PUSH1 0xa0
    0x52,                         // a3 MSTORE                mem[0xa0..0xc0] = splitter
    0x60, 0x60,                   // a4 PUSH1 0x60
    0x51,                         // a6 MLOAD                 balance
    0x60, 0xc0,                   // a7 PUSH1 0xc0
    0x52,                         // a9 MSTORE                mem[0xc0..0xe0] = balance
    0x5f,                         // aa PUSH0                 retSize
    0x5f,                         // ab PUSH0                 retOffset
    0x60, 0x44,                   // ac PUSH1 0x44            argsSize
    0x60, 0x9c,                   // ae PUSH1 0x9c            argsOffset
    0x5f,                         // b0 PUSH0                 value
    0x85,                         // b1 DUP6                  token
    0x5a,                         // b2 GAS
    0xf1,                         // b3 CALL                  [ok, token]
    0x15,                         // b4 ISZERO
    0x60, 0x58,                   // b5 PUSH1 FAIL
    0x57,                         // b7 JUMPI                 [token]
    //      splitter.depositToken(split_id, token, balance), calldata at mem[0x1c..0x80]
    0x63, 0x0a, 0x93, 0x06, 0xd7, // b8 PUSH4 0x0a9306d7      depositToken(uint256,address,uint256)
    0x5f,                         // bd PUSH0
    0x52,                         // be MSTORE                mem[0x1c..0x20] = selector
    0x7f,                         // bf PUSH32 split_id       (immediate at 0xc0)
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x60, 0x20,                   // e0 PUSH1 0x20
    0x52,                         // e2 MSTORE                mem[0x20..0x40] = split_id
    0x60, 0x40,                   // e3 PUSH1 0x40
    0x52,                         // e5 MSTORE                mem[0x40..0x60] = token   []
    0x5f,                         // e6 PUSH0                 retSize
    0x5f,                         // e7 PUSH0                 retOffset
    0x60, 0x64,                   // e8 PUSH1 0x64            argsSize
    0x60, 0x1c,                   // ea PUSH1 0x1c            argsOffset
    0x5f,                         // ec PUSH0                 value
    0x73,                         // ed PUSH20 splitter       (immediate at 0xee)
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x5a,                         // 102 GAS
    0xf1,                         // 103 CALL
    0x15,                         // 104 ISZERO
    0x60, 0x58,                   // 105 PUSH1 FAIL
    0x57,                         // 107 JUMPI
    0x00,                         // 108 STOP
];

/// The forwarder's runtime code for `splitter` and `split_id`.
pub fn forwarder_runtime(splitter: Address, split_id: U256) -> [u8; RUNTIME_LEN] {
    let mut code = RUNTIME;
    patch(&mut code, splitter, split_id);
    code
}

/// Offsets (in the runtime) of the `PUSH4` immediates of `deposit(uint256)` and
/// `depositToken(uint256,address,uint256)`.
const DEPOSIT_SELECTOR_AT: usize = 0x0a;
const DEPOSIT_TOKEN_SELECTOR_AT: usize = 0xb9;

/// The init code of a model's revenue-route forwarder: the same program, calling
/// `router.reportRevenue{value}(modelId)` instead of `deposit` and
/// `reportRevenueToken(modelId, token, balance)` (after approving the router) instead of
/// `depositToken`; the two pairs have the same argument shapes. The revenue router deploys it
/// with CREATE2, salt = model id, as a model token's ERC-2981 receiver.
pub fn route_forwarder_init_code(router: Address, model_id: U256) -> [u8; INIT_CODE_LEN] {
    let mut code = forwarder_init_code(router, model_id);
    let runtime = &mut code[INIT_LEN..];
    runtime[DEPOSIT_SELECTOR_AT..DEPOSIT_SELECTOR_AT + 4].copy_from_slice(&REPORT_REVENUE_SELECTOR);
    runtime[DEPOSIT_TOKEN_SELECTOR_AT..DEPOSIT_TOKEN_SELECTOR_AT + 4]
        .copy_from_slice(&REPORT_REVENUE_TOKEN_SELECTOR);
    code
}

/// `reportRevenue(uint256)`.
const REPORT_REVENUE_SELECTOR: [u8; 4] =
    crate::interfaces::IRevenueRouter::reportRevenueCall::SELECTOR;
/// `reportRevenueToken(uint256,address,uint256)`.
const REPORT_REVENUE_TOKEN_SELECTOR: [u8; 4] =
    crate::interfaces::IRevenueRouter::reportRevenueTokenCall::SELECTOR;

/// The CREATE2 address of model `model_id`'s route forwarder deployed by `router` (salt = model
/// id; see [`forwarder_address`] for `keccak`).
pub fn route_forwarder_address(
    router: Address,
    model_id: U256,
    keccak: impl Fn(&[u8]) -> B256,
) -> Address {
    let init_hash = keccak(&route_forwarder_init_code(router, model_id));
    Address::from_slice(&keccak(&create2_preimage(router, model_id, init_hash))[12..])
}

/// The forwarder's init code (constructor prefix + runtime) for `splitter` and `split_id`.
pub fn forwarder_init_code(splitter: Address, split_id: U256) -> [u8; INIT_CODE_LEN] {
    let mut code = [0u8; INIT_CODE_LEN];
    code[..INIT_LEN].copy_from_slice(&CONSTRUCTOR);
    code[INIT_LEN..].copy_from_slice(&RUNTIME);
    patch(&mut code[INIT_LEN..], splitter, split_id);
    code
}

/// Writes the split id and the splitter address into the immediates of `runtime`.
fn patch(runtime: &mut [u8], splitter: Address, split_id: U256) {
    let id = split_id.to_be_bytes::<32>();
    for at in SPLIT_ID_AT {
        runtime[at..at + 32].copy_from_slice(&id);
    }
    for at in SPLITTER_AT {
        runtime[at..at + 20].copy_from_slice(splitter.as_slice());
    }
}

/// The CREATE2 address of the forwarder of `split_id` deployed by `splitter`:
/// `keccak256(0xff ++ splitter ++ salt ++ keccak256(init_code))[12..]`, salt = `split_id`.
/// `keccak` is the hash to use: the host's in a contract (no Keccak code in the WASM), alloy's
/// in tests.
pub fn forwarder_address(
    splitter: Address,
    split_id: U256,
    keccak: impl Fn(&[u8]) -> B256,
) -> Address {
    let init_hash = keccak(&forwarder_init_code(splitter, split_id));
    Address::from_slice(&keccak(&create2_preimage(splitter, split_id, init_hash))[12..])
}

/// `0xff ++ deployer ++ salt ++ init_hash`, whose keccak256 ends in a CREATE2 address.
#[must_use]
pub fn create2_preimage(deployer: Address, salt: U256, init_hash: B256) -> [u8; 85] {
    let mut preimage = [0u8; 85];
    preimage[0] = 0xff;
    preimage[1..21].copy_from_slice(deployer.as_slice());
    preimage[21..53].copy_from_slice(&salt.to_be_bytes::<32>());
    preimage[53..85].copy_from_slice(init_hash.as_slice());
    preimage
}

/// The CREATE2 salt of a split's forwarder.
pub fn forwarder_salt(split_id: U256) -> B256 {
    B256::from(split_id.to_be_bytes::<32>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interfaces::IRoyaltySplitter;

    #[test]
    fn route_forwarders_differ_only_in_the_two_selectors() {
        let (router, id) = (Address::repeat_byte(0x42), U256::from(7));
        let split = forwarder_init_code(router, id);
        let route = route_forwarder_init_code(router, id);
        let at = |code: &[u8], offset: usize| -> [u8; 4] {
            code[INIT_LEN + offset..INIT_LEN + offset + 4]
                .try_into()
                .unwrap()
        };
        assert_eq!(
            at(&split, DEPOSIT_SELECTOR_AT),
            IRoyaltySplitter::depositCall::SELECTOR
        );
        assert_eq!(
            at(&split, DEPOSIT_TOKEN_SELECTOR_AT),
            IRoyaltySplitter::depositTokenCall::SELECTOR
        );
        assert_eq!(at(&route, DEPOSIT_SELECTOR_AT), REPORT_REVENUE_SELECTOR);
        assert_eq!(
            at(&route, DEPOSIT_TOKEN_SELECTOR_AT),
            REPORT_REVENUE_TOKEN_SELECTOR
        );
        let differing: usize = split.iter().zip(&route).filter(|(a, b)| a != b).count();
        assert!(differing <= 8, "{differing} bytes differ");
    }
}
