//! Block time: a block is sealed with the timestamp its transactions saw, however the clock
//! moved between its first transaction and its sealing.

use tributary_devnode::{
    revm::primitives::{address, Address, Bytes, U256},
    Devnode, TxRequest,
};

/// EVM code that stores `block.timestamp` in slot 0: `TIMESTAMP PUSH1 0 SSTORE STOP`.
const STORE_TIMESTAMP: [u8; 5] = [0x42, 0x60, 0x00, 0x55, 0x00];
const CLOCK: Address = address!("00000000000000000000000000000000000c10c4");
const ALICE: Address = address!("00000000000000000000000000000000000a11ce");

fn node() -> Devnode {
    let mut node = Devnode::new();
    node.set_balance(ALICE, U256::from(10u64).pow(U256::from(20u64)));
    node.set_code(CLOCK, Bytes::from_static(&STORE_TIMESTAMP))
        .expect("5 bytes of code");
    node
}

#[test]
fn a_block_keeps_the_time_its_first_transaction_saw() {
    let mut node = node();
    let before = node.next_timestamp();
    node.execute(TxRequest::call(ALICE, CLOCK, Vec::new()))
        .expect("included");
    // The clock moves while the block is still pending: it applies to the next block.
    node.advance_time(100);
    node.mine();
    assert_eq!(node.timestamp(), before);
    assert_eq!(node.storage(CLOCK, U256::ZERO), U256::from(before));

    let next = node.next_timestamp();
    assert_eq!(
        next,
        before + 1 + 100,
        "the offset applies to the following block"
    );
    node.send(TxRequest::call(ALICE, CLOCK, Vec::new()))
        .expect("included");
    assert_eq!(node.timestamp(), next);
    assert_eq!(node.storage(CLOCK, U256::ZERO), U256::from(next));
}

#[test]
fn a_refused_transaction_leaves_the_pending_clock_alone() {
    let mut node = node();
    node.advance_time(50);
    let expected = node.next_timestamp();
    let mut refused = TxRequest::call(ALICE, CLOCK, Vec::new());
    refused.nonce = Some(7);
    assert!(node.execute(refused).is_err(), "nonce too high is refused");
    assert_eq!(
        node.next_timestamp(),
        expected,
        "the offset is still pending"
    );
    node.send(TxRequest::call(ALICE, CLOCK, Vec::new()))
        .expect("included");
    assert_eq!(node.timestamp(), expected);
    assert_eq!(node.storage(CLOCK, U256::ZERO), U256::from(expected));
}

#[test]
fn an_empty_block_takes_the_clock_at_sealing() {
    let mut node = node();
    let start = node.timestamp();
    node.advance_time(30);
    node.mine();
    assert_eq!(node.timestamp(), start + 1 + 30);
}
