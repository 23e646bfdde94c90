//! Merkle splits: creation, a 100,000-leaf tree, proofs, registration, replay, updates.

use alloc::{vec, vec::Vec};

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolValue;
use motsu::prelude::*;

use super::{init, mocks::Wallet, u, NATIVE};
use crate::{accounting::MAX_TOTAL_SHARES, errors::*, events::*, RoyaltySplitter};

/// The leaf of `(recipient, shares)`, computed independently of the contract:
/// `keccak256(keccak256(abi.encode(recipient, shares)))`.
fn leaf(recipient: Address, shares: U256) -> B256 {
    keccak256(keccak256((recipient, shares).abi_encode()))
}

/// A Merkle tree with sorted-pair inner nodes (`OpenZeppelin`'s convention); an odd node is
/// carried up unchanged.
struct Tree {
    /// `layers[0]` are the leaves, the last layer is the root.
    layers: Vec<Vec<B256>>,
}

impl Tree {
    fn new(leaves: Vec<B256>) -> Self {
        let mut layers = vec![leaves];
        while layers.last().unwrap().len() > 1 {
            let next = layers
                .last()
                .unwrap()
                .chunks(2)
                .map(|pair| match pair {
                    [a, b] => {
                        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                        keccak256([lo.as_slice(), hi.as_slice()].concat())
                    }
                    [a] => *a,
                    _ => unreachable!(),
                })
                .collect();
            layers.push(next);
        }
        Tree { layers }
    }

    fn root(&self) -> B256 {
        self.layers.last().unwrap()[0]
    }

    fn proof(&self, mut index: usize) -> Vec<B256> {
        let mut proof = Vec::new();
        for layer in &self.layers[..self.layers.len() - 1] {
            let sibling = index ^ 1;
            if sibling < layer.len() {
                proof.push(layer[sibling]);
            }
            index /= 2;
        }
        proof
    }
}

/// Member `i` of a synthetic contributor set and its shares.
fn member(i: usize) -> (Address, U256) {
    (
        Address::left_padding_from(&(i as u64 + 1).to_be_bytes()),
        U256::from(i % 7 + 1),
    )
}

#[motsu::test]
fn create_merkle_split_validates_and_emits(splitter: Contract<RoyaltySplitter>, alice: Address) {
    init(&splitter, alice);
    let root = B256::repeat_byte(7);
    let err = splitter
        .sender(alice)
        .create_merkle_split(B256::ZERO, u(1), alice)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroRoot(_)));
    let err = splitter
        .sender(alice)
        .create_merkle_split(root, U256::ZERO, alice)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroShares(SplitZeroShares { index }) if index.is_zero()));
    let err = splitter
        .sender(alice)
        .create_merkle_split(root, MAX_TOTAL_SHARES + u(1), alice)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::TotalSharesTooLarge(_)));

    let id = splitter
        .sender(alice)
        .create_merkle_split(root, u(100), alice)
        .motsu_unwrap();
    splitter.assert_emitted(&SplitCreated {
        split_id: id,
        creator: alice,
        controller: alice,
    });
    splitter.assert_emitted(&SplitMerkleRootSet {
        split_id: id,
        version: 0,
        root,
        total_shares: u(100),
    });
    assert_eq!(
        splitter.sender(alice).version_info(id, 0),
        (root, u(100), U256::ZERO, 0)
    );
}

#[motsu::test]
fn hundred_thousand_leaves_pay_a_member_with_its_proof(
    splitter: Contract<RoyaltySplitter>,
    alice: Address,
    keeper: Address,
    member_wallet: Contract<Wallet>,
) {
    const LEAVES: usize = 100_000;
    const CHOSEN: usize = 77_777;
    init(&splitter, alice);
    let mut members: Vec<(Address, U256)> = (0..LEAVES).map(member).collect();
    // The chosen member is a wallet contract so that it can receive native currency.
    members[CHOSEN].0 = member_wallet.address();
    let total = members.iter().fold(U256::ZERO, |t, m| t + m.1);
    let tree = Tree::new(members.iter().map(|m| leaf(m.0, m.1)).collect());
    let (who, shares) = members[CHOSEN];
    let proof = tree.proof(CHOSEN);
    assert_eq!(proof.len(), 17);

    let id = splitter
        .sender(alice)
        .create_merkle_split(tree.root(), total, Address::ZERO)
        .motsu_unwrap();
    let deposit = U256::from(10u64).pow(U256::from(18)); // 1 ETH
    alice.fund(deposit * u(2));
    splitter
        .sender_and_value(alice, deposit)
        .deposit(id)
        .motsu_unwrap();
    let expected = deposit * shares / total;
    assert_eq!(
        splitter.sender(keeper).accrued(id, 0, shares, NATIVE),
        expected
    );
    // Unregistered: nothing claimable without the proof.
    assert_eq!(
        splitter.sender(keeper).claimable(id, 0, who, NATIVE),
        U256::ZERO
    );

    // A wrong proof (a sibling changed), wrong shares, or someone else's proof is rejected.
    let mut wrong = proof.clone();
    wrong[3] = B256::repeat_byte(0xab);
    let err = splitter
        .sender(keeper)
        .claim_merkle(id, 0, who, shares, wrong, NATIVE)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::InvalidProof(SplitInvalidProof { split_id, recipient }) if split_id == id && recipient == who)
    );
    let err = splitter
        .sender(keeper)
        .claim_merkle(id, 0, who, shares + u(1), proof.clone(), NATIVE)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidProof(_)));
    let err = splitter
        .sender(keeper)
        .claim_merkle(id, 0, members[1].0, members[1].1, proof.clone(), NATIVE)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidProof(_)));

    // Anyone can claim for the member with its proof; the member is paid exactly its share.
    let paid = splitter
        .sender(keeper)
        .claim_merkle(id, 0, who, shares, proof.clone(), NATIVE)
        .motsu_unwrap();
    assert_eq!(paid, expected);
    assert_eq!(member_wallet.balance(), expected);
    splitter.assert_emitted(&SplitMemberRegistered {
        split_id: id,
        version: 0,
        member: who,
        shares,
    });
    splitter.assert_emitted(&SplitWithdrawn {
        split_id: id,
        recipient: who,
        token: NATIVE,
        version: 0,
        amount: expected,
    });
    assert_eq!(splitter.sender(keeper).version_info(id, 0).2, shares);

    // Replaying the same claim pays nothing more.
    let err = splitter
        .sender(keeper)
        .claim_merkle(id, 0, who, shares, proof.clone(), NATIVE)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NothingToWithdraw(_)));
    assert_eq!(member_wallet.balance(), expected);

    // Registered: later revenue is withdrawn like a listed recipient's, without a proof.
    splitter
        .sender_and_value(alice, deposit)
        .deposit(id)
        .motsu_unwrap();
    assert_eq!(
        splitter.sender(keeper).claimable(id, 0, who, NATIVE),
        deposit * u(2) * shares / total - expected
    );
    splitter
        .sender(keeper)
        .withdraw(id, 0, who, NATIVE)
        .motsu_unwrap();
    assert_eq!(member_wallet.balance(), deposit * u(2) * shares / total);
}

#[motsu::test]
fn merkle_member_edge_cases(
    splitter: Contract<RoyaltySplitter>,
    alice: Address,
    first: Contract<Wallet>,
    second: Contract<Wallet>,
    listed: Contract<Wallet>,
) {
    init(&splitter, alice);
    // Leaves: first (5), second (5), first again with other shares (2), a zero-share leaf.
    let zero_member = Address::repeat_byte(9);
    let leaves = vec![
        leaf(first.address(), u(5)),
        leaf(second.address(), u(5)),
        leaf(first.address(), u(2)),
        leaf(zero_member, U256::ZERO),
    ];
    let tree = Tree::new(leaves);
    let id = splitter
        .sender(alice)
        .create_merkle_split(tree.root(), u(6), alice)
        .motsu_unwrap();
    alice.fund(u(600));
    splitter
        .sender_and_value(alice, u(60))
        .deposit(id)
        .motsu_unwrap();

    let err = splitter
        .sender(alice)
        .claim_merkle(id, 0, zero_member, U256::ZERO, tree.proof(3), NATIVE)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroShares(_)));
    assert_eq!(
        splitter
            .sender(alice)
            .claim_merkle(id, 0, first.address(), u(5), tree.proof(0), NATIVE)
            .motsu_unwrap(),
        u(50)
    );
    // A second leaf for a registered member is not honoured.
    let err = splitter
        .sender(alice)
        .claim_merkle(id, 0, first.address(), u(2), tree.proof(2), NATIVE)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidProof(_)));
    // Registering the second member would exceed the committed total of 6.
    let err = splitter
        .sender(alice)
        .claim_merkle(id, 0, second.address(), u(5), tree.proof(1), NATIVE)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::MerkleSharesExceeded(SplitMerkleSharesExceeded { split_id, registered, total }) if split_id == id && registered == u(5) && total == u(6))
    );

    // Version and split errors.
    let err = splitter
        .sender(alice)
        .claim_merkle(id, 1, first.address(), u(5), tree.proof(0), NATIVE)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownVersion(_)));
    let err = splitter
        .sender(alice)
        .claim_merkle(u(9), 0, first.address(), u(5), tree.proof(0), NATIVE)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownSplit(_)));

    // A listed version has no root: proofs are rejected.
    let listed_id = super::create(&splitter, alice, vec![(listed.address(), 1)], Address::ZERO);
    let err = splitter
        .sender(alice)
        .claim_merkle(listed_id, 0, listed.address(), u(1), vec![], NATIVE)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::InvalidProof(_)));

    // The controller moves the split to a new root; version 0 stays claimable.
    let next = Tree::new(vec![
        leaf(second.address(), u(1)),
        leaf(first.address(), u(1)),
    ]);
    let err = splitter
        .sender(first.address())
        .update_merkle_split(id, next.root(), u(2))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::NotController(_)));
    let err = splitter
        .sender(alice)
        .update_merkle_split(id, B256::ZERO, u(2))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroRoot(_)));
    splitter
        .sender(alice)
        .update_merkle_split(id, next.root(), u(2))
        .motsu_unwrap();
    splitter.assert_emitted(&SplitMerkleRootSet {
        split_id: id,
        version: 1,
        root: next.root(),
        total_shares: u(2),
    });
    splitter
        .sender_and_value(alice, u(100))
        .deposit(id)
        .motsu_unwrap();
    assert_eq!(
        splitter
            .sender(alice)
            .claim_merkle(id, 1, second.address(), u(1), next.proof(0), NATIVE)
            .motsu_unwrap(),
        u(50)
    );
    assert_eq!(splitter.sender(alice).accrued(id, 0, u(5), NATIVE), u(50));
    assert_eq!(second.balance(), u(50));
}
