//! Calls across the EVM/Stylus boundary: Stylus → EVM (an ERC-20 compiled from Solidity),
//! EVM → Stylus, Stylus → Stylus, delegate/static calls, value, create1/create2, precompiles,
//! `msg_reentrant`, static-call write protection and rollback of deep reverts.

mod common;

use alloy_sol_types::{sol, SolCall, SolError};
use common::*;
use tributary_devnode::{
    revm::primitives::{address, Address, Bytes, U256},
    Devnode, TxRequest,
};

sol! {
    function transfer(address to, uint256 value) external returns (bool);
    function balanceOf(address owner) external view returns (uint256);
    error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
    function forward(address target, bytes data) external payable returns (bytes);
    function forwardOrBubble(address target, bytes data) external returns (bytes);
    function peek(address target, bytes data) external view returns (bool, bytes);
    function marker() external view returns (uint256);
    function lastSuccess() external view returns (bool);
    function lastReturn() external view returns (bytes);
}

const GAS_ALL: u64 = u64::MAX;

fn setup() -> (Devnode, Address) {
    let mut node = node();
    let program = deploy(&mut node, "hostio");
    (node, program)
}

fn token(node: &mut Devnode, supply: u64) -> Address {
    let mut init = solidity("TestToken");
    init.extend_from_slice(&word(supply));
    node.deploy_evm(ALICE, init).expect("token deploys")
}

fn token_balance(node: &mut Devnode, token: Address, owner: Address) -> U256 {
    let out = node
        .call(TxRequest::call(
            ALICE,
            token,
            balanceOfCall { owner }.abi_encode(),
        ))
        .unwrap();
    U256::from_be_slice(&out.output)
}

#[test]
fn stylus_calls_an_evm_erc20() {
    let (mut node, program) = setup();
    let token = token(&mut node, 1_000);
    send(
        &mut node,
        token,
        transferCall {
            to: program,
            value: U256::from(100),
        }
        .abi_encode(),
    );
    assert_eq!(token_balance(&mut node, token, program), U256::from(100));

    let call = transferCall {
        to: BOB,
        value: U256::from(30),
    }
    .abi_encode();
    let receipt = send(&mut node, program, op_call(0, token, 0, GAS_ALL, &call));
    assert!(receipt.status, "{receipt:?}");
    let (status, ret_len, data) = call_outcome(&receipt.output);
    assert_eq!((status, ret_len), (0, 32));
    assert_eq!(data, word(1), "transfer returned true");
    assert_eq!(token_balance(&mut node, token, BOB), U256::from(30));
    // The token's Transfer event is in the receipt, emitted by the token.
    assert_eq!(receipt.logs.len(), 1);
    assert_eq!(receipt.logs[0].address, token);

    // A failing transfer: status 2, the custom error readable as return data.
    let call = transferCall {
        to: BOB,
        value: U256::from(1_000),
    }
    .abi_encode();
    let receipt = send(&mut node, program, op_call(0, token, 0, GAS_ALL, &call));
    let (status, ret_len, data) = call_outcome(&receipt.output);
    assert_eq!(status, 2);
    let expected = ERC20InsufficientBalance {
        sender: program,
        balance: U256::from(70),
        needed: U256::from(1_000),
    }
    .abi_encode();
    assert_eq!(ret_len as usize, expected.len());
    assert_eq!(data, expected);
    assert_eq!(token_balance(&mut node, token, BOB), U256::from(30));
}

#[test]
fn evm_calls_stylus() {
    let (mut node, program) = setup();
    let caller = node.deploy_evm(ALICE, solidity("StylusCaller")).unwrap();
    let data = forwardCall {
        target: program,
        data: Bytes::from(cat(&[&[1], b"ping"])),
    }
    .abi_encode();
    let receipt = send(&mut node, caller, data);
    assert!(receipt.status, "{receipt:?}");
    let ret = forwardCall::abi_decode_returns(&receipt.output, true)
        .unwrap()
        ._0;
    assert_eq!(&ret[..], b"ping");

    // A reverting program: the EVM caller sees failure and the revert data.
    let data = forwardCall {
        target: program,
        data: Bytes::from(cat(&[&[11], b"no"])),
    }
    .abi_encode();
    assert!(send(&mut node, caller, data).status);
    let ok = node
        .call(TxRequest::call(
            ALICE,
            caller,
            lastSuccessCall {}.abi_encode(),
        ))
        .unwrap();
    assert_eq!(&ok.output[..], &word(0));
    let ret = node
        .call(TxRequest::call(
            ALICE,
            caller,
            lastReturnCall {}.abi_encode(),
        ))
        .unwrap();
    assert_eq!(
        &lastReturnCall::abi_decode_returns(&ret.output, true)
            .unwrap()
            ._0[..],
        b"no"
    );

    // Bubbling: the whole transaction reverts with the program's data and the EVM write is undone.
    let before = node
        .call(TxRequest::call(ALICE, caller, markerCall {}.abi_encode()))
        .unwrap()
        .output;
    let data = forwardOrBubbleCall {
        target: program,
        data: Bytes::from(cat(&[&[11], b"deep"])),
    }
    .abi_encode();
    let receipt = send(&mut node, caller, data);
    assert!(receipt.reverted());
    assert_eq!(&receipt.output[..], b"deep");
    let after = node
        .call(TxRequest::call(ALICE, caller, markerCall {}.abi_encode()))
        .unwrap()
        .output;
    assert_eq!(before, after);
}

#[test]
fn stylus_calls_stylus_and_sees_reentrancy() {
    let mut node = node();
    let p = deploy(&mut node, "hostio");
    let q = node.deploy_stylus(BOB, &wat("hostio")).unwrap();
    // P -> Q (env): Q is not re-entered.
    let receipt = send(&mut node, p, op_call(0, q, 0, GAS_ALL, &[5]));
    let (status, _, env) = call_outcome(&receipt.output);
    assert_eq!(status, 0);
    assert_eq!(
        &env[0..20],
        p.as_slice(),
        "msg_sender is the calling program"
    );
    assert_eq!(&env[20..40], q.as_slice());
    assert_eq!(u32::from_le_bytes(env[212..216].try_into().unwrap()), 0);
    // P -> Q -> P (env): P is re-entered.
    let inner = op_call(0, p, 0, GAS_ALL, &[5]);
    let receipt = send(&mut node, p, op_call(0, q, 0, GAS_ALL, &inner));
    let (_, _, q_out) = call_outcome(&receipt.output);
    let (status, _, env) = call_outcome(&q_out);
    assert_eq!(status, 0);
    assert_eq!(
        u32::from_le_bytes(env[212..216].try_into().unwrap()),
        1,
        "msg_reentrant"
    );
    // P delegate-calls Q (env): delegate frames do not count as entering P again.
    let receipt = send(&mut node, p, op_call(1, q, 0, GAS_ALL, &[5]));
    let (_, _, env) = call_outcome(&receipt.output);
    assert_eq!(&env[0..20], ALICE.as_slice(), "delegate keeps msg_sender");
    assert_eq!(&env[20..40], p.as_slice(), "delegate acts as P");
    assert_eq!(u32::from_le_bytes(env[212..216].try_into().unwrap()), 0);
}

#[test]
fn delegate_call_writes_callers_storage() {
    let mut node = node();
    let p = deploy(&mut node, "hostio");
    let q = node.deploy_stylus(BOB, &wat("hostio")).unwrap();
    let store = cat(&[&[2], &word(3), &word(33)]);
    let receipt = send(&mut node, p, op_call(1, q, 0, GAS_ALL, &store));
    assert_eq!(call_outcome(&receipt.output).0, 0);
    assert_eq!(node.storage(p, U256::from(3)), U256::from(33));
    assert_eq!(node.storage(q, U256::from(3)), U256::ZERO);
}

#[test]
fn static_context_forbids_writes() {
    let mut node = node();
    let p = deploy(&mut node, "hostio");
    let q = node.deploy_stylus(BOB, &wat("hostio")).unwrap();
    for forbidden in [
        cat(&[&[2], &word(1), &word(1)]),  // storage flush with a dirty slot
        cat(&[&[4, 0], b"log"]),           // emit_log
        cat(&[&[13], &word(1), &word(1)]), // transient store
        cat(&[&[7, 0], &word(0), &word(0), &evm_initcode(&[0x00])]), // create1
    ] {
        let receipt = send(&mut node, p, op_call(2, q, 0, GAS_ALL, &forbidden));
        let (status, ret_len, _) = call_outcome(&receipt.output);
        assert_eq!(
            (status, ret_len),
            (2, 0),
            "op {} must fail in a static context",
            forbidden[0]
        );
    }
    assert_eq!(node.storage(q, U256::from(1)), U256::ZERO);
    // Reads and caching without a flush are fine.
    let receipt = send(
        &mut node,
        p,
        op_call(2, q, 0, GAS_ALL, &cat(&[&[18], &word(1), &word(1)])),
    );
    assert_eq!(call_outcome(&receipt.output).0, 0);
    // A value-carrying call from a static context returns status 2 and the program continues.
    let inner = op_call(0, BOB, 1, GAS_ALL, &[]);
    let receipt = send(&mut node, p, op_call(2, q, 0, GAS_ALL, &inner));
    let (status, _, q_out) = call_outcome(&receipt.output);
    assert_eq!(status, 0, "Q itself succeeded");
    assert_eq!(call_outcome(&q_out).0, 2, "its value call failed");
    // EVM STATICCALL into Stylus: the write fails.
    let caller = node.deploy_evm(ALICE, solidity("StylusCaller")).unwrap();
    let data = peekCall {
        target: q,
        data: Bytes::from(cat(&[&[2], &word(1), &word(1)])),
    }
    .abi_encode();
    let out = node.call(TxRequest::call(ALICE, caller, data)).unwrap();
    let decoded = peekCall::abi_decode_returns(&out.output, true).unwrap();
    assert!(!decoded._0);
    assert!(decoded._1.is_empty());
}

#[test]
fn value_transfers_from_stylus() {
    let (mut node, program) = setup();
    send(&mut node, program, vec![1]);
    node.send(TxRequest::call(ALICE, program, vec![1]).value(U256::from(1_000)))
        .unwrap();
    let carol = address!("0000000000000000000000000000000000000ca7");
    let receipt = send(&mut node, program, op_call(0, carol, 250, GAS_ALL, &[]));
    assert_eq!(call_outcome(&receipt.output).0, 0);
    assert_eq!(node.balance(carol), U256::from(250));
    assert_eq!(node.balance(program), U256::from(750));
    // More than the program holds: status 2, nothing moves.
    let receipt = send(&mut node, program, op_call(0, carol, 5_000, GAS_ALL, &[]));
    assert_eq!(call_outcome(&receipt.output).0, 2);
    assert_eq!(node.balance(carol), U256::from(250));
}

#[test]
fn create1_and_create2() {
    let (mut node, program) = setup();
    // Runtime: return 32 bytes of value 1.
    let runtime = [0x60, 0x01, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3];
    let init = evm_initcode(&runtime);
    let nonce = node.nonce(program);
    let receipt = send(
        &mut node,
        program,
        cat(&[&[7, 0], &word(0), &word(0), &init]),
    );
    assert!(receipt.status, "{receipt:?}");
    let created = Address::from_slice(&receipt.output[..20]);
    assert_eq!(created, program.create(nonce));
    assert_eq!(&node.code(created)[..], &runtime);

    let salt = word(99);
    let receipt = send(&mut node, program, cat(&[&[7, 1], &word(0), &salt, &init]));
    let created2 = Address::from_slice(&receipt.output[..20]);
    assert_eq!(created2, program.create2_from_code(salt, &init));

    // Reverting initcode: zero address, revert data kept.
    // PUSH1 0xab PUSH1 0 MSTORE8 PUSH1 1 PUSH1 0 REVERT
    let reverting = [0x60, 0xab, 0x60, 0x00, 0x53, 0x60, 0x01, 0x60, 0x00, 0xfd];
    let receipt = send(
        &mut node,
        program,
        cat(&[&[7, 0], &word(0), &word(0), &reverting]),
    );
    assert_eq!(&receipt.output[..20], Address::ZERO.as_slice());
    assert_eq!(
        u32::from_le_bytes(receipt.output[20..24].try_into().unwrap()),
        1
    );
    assert_eq!(&receipt.output[24..], &[0xab]);
}

#[test]
fn stylus_deploys_stylus_through_create() {
    let (mut node, program) = setup();
    let code = tributary_devnode::wasm::compress_to_code(&wat("counter"));
    let init = tributary_devnode::node::stylus_initcode(&code);
    let receipt = node
        .send(
            TxRequest::call(ALICE, program, cat(&[&[7, 0], &word(0), &word(0), &init]))
                .gas(10_000_000),
        )
        .unwrap();
    let created = Address::from_slice(&receipt.output[..20]);
    assert_ne!(
        created,
        Address::ZERO,
        "0xEF F0 00 code may be deployed: {receipt:?}"
    );
    assert_eq!(node.code(created), Bytes::from(code));
    node.activate(ALICE, created).unwrap();
    let receipt = send(&mut node, created, vec![]);
    assert_eq!(&receipt.output[..], &word(1));
}

#[test]
fn ecrecover_precompile() {
    let (mut node, program) = setup();
    let mut input = Vec::new();
    input.extend_from_slice(&hex32(
        "456e9aea5e197a1f1af7a3e85a3212fa4049a3ba34c2289b4c860fc0b0c64ef3",
    ));
    input.extend_from_slice(&word(28));
    input.extend_from_slice(&hex32(
        "9242685bf161793cc25603c231bc2f568eb630ea16aa137d2664ac8038825608",
    ));
    input.extend_from_slice(&hex32(
        "4f8ae3bd7535248d0bd448298cc2e2071e56992d0774dc340c368ae950852ada",
    ));
    let ecrecover = address!("0000000000000000000000000000000000000001");
    let receipt = send(
        &mut node,
        program,
        op_call(2, ecrecover, 0, GAS_ALL, &input),
    );
    let (status, _, data) = call_outcome(&receipt.output);
    assert_eq!(status, 0);
    assert_eq!(
        &data[12..],
        address!("7156526fbd7a3c72969b54f64e42c10fbb768c8a").as_slice()
    );
}

fn hex32(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

#[test]
fn return_data_after_a_failed_call_is_readable_in_parts() {
    let (mut node, program) = setup();
    let other = node.deploy_stylus(BOB, &wat("hostio")).unwrap();
    let call = call_args(0, other, 0, GAS_ALL, &cat(&[&[11], b"abcdef"]));
    let partial =
        |offset: u32, size: u32| cat(&[&[24], &offset.to_le_bytes(), &size.to_le_bytes(), &call]);
    let out = send(&mut node, program, partial(2, 3)).output;
    assert_eq!(&out[4..], b"cde");
    let out = send(&mut node, program, partial(4, 100)).output;
    assert_eq!(&out[4..], b"ef", "clamped, never padded");
    let out = send(&mut node, program, partial(10, 5)).output;
    assert_eq!(u32::from_le_bytes(out[..4].try_into().unwrap()), 0);
}

#[test]
fn a_deep_revert_rolls_back_everything_above_it() {
    let mut node = node();
    let p = deploy(&mut node, "hostio");
    let q = node.deploy_stylus(BOB, &wat("hostio")).unwrap();
    let r = node.deploy_stylus(BOB, &wat("hostio")).unwrap();
    let caller = node.deploy_evm(ALICE, solidity("StylusCaller")).unwrap();
    let r_data = cat(&[&[22], &word(3), &word(3)]);
    let q_data = cat(&[
        &[21],
        &word(2),
        &word(2),
        &call_args(0, r, 0, GAS_ALL, &r_data),
    ]);
    let p_bubbles = cat(&[
        &[21],
        &word(1),
        &word(1),
        &call_args(0, q, 0, GAS_ALL, &q_data),
    ]);

    // EVM caller -> P -> Q -> R(reverts); everyone bubbles: nothing is stored anywhere.
    let data = forwardOrBubbleCall {
        target: p,
        data: Bytes::from(p_bubbles.clone()),
    }
    .abi_encode();
    let receipt = send(&mut node, caller, data);
    assert!(receipt.reverted());
    for (who, slot) in [(p, 1), (q, 2), (r, 3)] {
        assert_eq!(node.storage(who, U256::from(slot)), U256::ZERO);
    }
    assert_eq!(
        node.storage(caller, U256::ZERO),
        U256::ZERO,
        "the EVM caller's write is undone"
    );

    // P swallows Q's failure: P's write stays; Q's and R's are rolled back.
    let p_swallows = cat(&[
        &[23],
        &word(1),
        &word(1),
        &call_args(0, q, 0, GAS_ALL, &q_data),
    ]);
    let data = forwardOrBubbleCall {
        target: p,
        data: Bytes::from(p_swallows),
    }
    .abi_encode();
    let receipt = send(&mut node, caller, data);
    assert!(receipt.status, "{receipt:?}");
    assert_eq!(node.storage(p, U256::from(1)), U256::from(1));
    assert_eq!(node.storage(q, U256::from(2)), U256::ZERO);
    assert_eq!(node.storage(r, U256::from(3)), U256::ZERO);
}
