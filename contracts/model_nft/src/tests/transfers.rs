//! Transfers tell the registry (`moveModel(modelId, to)`) after the token has moved, a
//! registry that refuses reverts the transfer, and safe transfers ask the receiver only after
//! the registry has moved the model.

use alloy_primitives::{Address, U256};
use motsu::prelude::*;
use openzeppelin_stylus::token::erc721::Transfer;

use super::*;
use crate::errors::{
    ERC721IncorrectOwner, ERC721InsufficientApproval, ERC721InvalidReceiver,
    ERC721NonexistentToken, Error, ExternalCallFailed, InvalidReceiverWithReason,
};

/// Asserts that `holder` holds [`MODEL`] and is the only one of `accounts` with a token.
fn assert_held_by(nft: &Contract<ModelNft>, holder: Address, accounts: &[Address]) {
    assert_eq!(nft.sender(holder).owner_of(MODEL).motsu_unwrap(), holder);
    for &account in accounts {
        let expected = U256::from(u8::from(account == holder));
        assert_eq!(
            nft.sender(holder).balance_of(account).motsu_unwrap(),
            expected,
            "balance of {account}"
        );
    }
}

#[motsu::test]
fn a_transfer_moves_the_model_in_the_registry_once(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
    bob: Address,
) {
    minted(&nft, &registry, router, alice);
    nft.sender(alice)
        .transfer_from(alice, bob, MODEL)
        .motsu_unwrap();
    nft.assert_emitted(&Transfer {
        from: alice,
        to: bob,
        token_id: MODEL,
    });
    assert_held_by(&nft, bob, &[alice, bob]);
    assert_eq!(moves(&registry), vec![(MODEL, bob, nft.address())]);

    // And again on the next transfer, back to the first holder.
    nft.sender(bob)
        .transfer_from(bob, alice, MODEL)
        .motsu_unwrap();
    assert_held_by(&nft, alice, &[alice, bob]);
    assert_eq!(
        moves(&registry),
        vec![(MODEL, bob, nft.address()), (MODEL, alice, nft.address())]
    );
}

#[motsu::test]
fn a_refusing_registry_reverts_the_transfer(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    receiver: Contract<ModelReceiver>,
    router: Address,
    alice: Address,
    bob: Address,
) {
    minted(&nft, &registry, router, alice);
    registry.sender(alice).set_fail(true);
    let expected = ExternalCallFailed {
        target: registry.address(),
        reason: MOVE_REFUSED_REASON.to_vec().into(),
    };
    let err = nft
        .sender(alice)
        .transfer_from(alice, bob, MODEL)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::ExternalCallFailed(ref e) if *e == expected),
        "{err:?}"
    );
    receiver.sender(alice).set_registry(registry.address());
    for to in [bob, receiver.address()] {
        let err = nft
            .sender(alice)
            .safe_transfer_from(alice, to, MODEL)
            .motsu_unwrap_err();
        assert!(
            matches!(err, Error::ExternalCallFailed(ref e) if *e == expected),
            "{err:?}"
        );
    }
    assert_held_by(&nft, alice, &[alice, bob, receiver.address()]);
    assert_eq!(
        receiver.sender(alice).received().2,
        U256::ZERO,
        "never asked"
    );

    registry.sender(alice).set_fail(false);
    nft.sender(alice)
        .transfer_from(alice, bob, MODEL)
        .motsu_unwrap();
    assert_eq!(moves(&registry), vec![(MODEL, bob, nft.address())]);
}

#[motsu::test]
fn approved_accounts_and_operators_transfer(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
    bob: Address,
    carol: Address,
    operator: Address,
) {
    minted(&nft, &registry, router, alice);
    nft.sender(alice).approve(bob, MODEL).motsu_unwrap();
    nft.sender(bob)
        .transfer_from(alice, carol, MODEL)
        .motsu_unwrap();
    assert_held_by(&nft, carol, &[alice, bob, carol]);
    // The transfer cleared the approval.
    assert_eq!(
        nft.sender(bob).get_approved(MODEL).motsu_unwrap(),
        Address::ZERO
    );

    nft.sender(carol)
        .set_approval_for_all(operator, true)
        .motsu_unwrap();
    nft.sender(operator)
        .safe_transfer_from(carol, alice, MODEL)
        .motsu_unwrap();
    assert_held_by(&nft, alice, &[alice, bob, carol, operator]);
    assert_eq!(
        moves(&registry),
        vec![(MODEL, carol, nft.address()), (MODEL, alice, nft.address())]
    );
}

#[motsu::test]
fn transfer_errors_move_nothing(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
    bob: Address,
) {
    minted(&nft, &registry, router, alice);
    let err = nft
        .sender(bob)
        .transfer_from(alice, bob, MODEL)
        .motsu_unwrap_err();
    assert!(
        matches!(
            err,
            Error::InsufficientApproval(ERC721InsufficientApproval { operator, token_id })
                if operator == bob && token_id == MODEL
        ),
        "{err:?}"
    );
    let err = nft
        .sender(alice)
        .transfer_from(bob, alice, MODEL)
        .motsu_unwrap_err();
    assert!(
        matches!(
            err,
            Error::IncorrectOwner(ERC721IncorrectOwner { sender, token_id, owner })
                if sender == bob && token_id == MODEL && owner == alice
        ),
        "{err:?}"
    );
    let err = nft
        .sender(alice)
        .transfer_from(alice, Address::ZERO, MODEL)
        .motsu_unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidReceiver(ERC721InvalidReceiver {
                receiver: Address::ZERO
            })
        ),
        "{err:?}"
    );
    let err = nft
        .sender(alice)
        .safe_transfer_from(alice, bob, MISSING)
        .motsu_unwrap_err();
    assert!(
        matches!(err, Error::NonexistentToken(ERC721NonexistentToken { token_id }) if token_id == MISSING),
        "{err:?}"
    );
    assert_held_by(&nft, alice, &[alice, bob]);
    assert!(moves(&registry).is_empty());
}

#[motsu::test]
fn a_receiving_contract_sees_the_model_moved_in_the_registry(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    receiver: Contract<ModelReceiver>,
    router: Address,
    alice: Address,
    operator: Address,
) {
    minted(&nft, &registry, router, alice);
    receiver.sender(alice).set_registry(registry.address());
    nft.sender(alice)
        .set_approval_for_all(operator, true)
        .motsu_unwrap();
    nft.sender(operator)
        .safe_transfer_from_with_data(alice, receiver.address(), MODEL, vec![1, 2, 3].into())
        .motsu_unwrap();
    assert_held_by(&nft, receiver.address(), &[alice, receiver.address()]);
    assert_eq!(
        receiver.sender(alice).received(),
        (operator, alice, MODEL, U256::from(3))
    );
    // When the receiver was asked, the registry had already recorded the move.
    assert_eq!(
        receiver.sender(alice).registry_seen(),
        (receiver.address(), U256::from(1))
    );
    assert_eq!(
        moves(&registry),
        vec![(MODEL, receiver.address(), nft.address())]
    );
}

#[motsu::test]
fn a_safe_transfer_to_an_account_without_code_is_not_checked(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    router: Address,
    alice: Address,
    bob: Address,
) {
    minted(&nft, &registry, router, alice);
    nft.sender(alice)
        .safe_transfer_from(alice, bob, MODEL)
        .motsu_unwrap();
    assert_held_by(&nft, bob, &[alice, bob]);
    assert_eq!(moves(&registry), vec![(MODEL, bob, nft.address())]);
}

#[motsu::test]
fn a_contract_that_is_no_receiver_reverts_the_safe_transfer(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    not_receiver: Contract<NotAReceiver>,
    wrong_magic: Contract<WrongMagicReceiver>,
    router: Address,
    alice: Address,
) {
    minted(&nft, &registry, router, alice);
    for to in [not_receiver.address(), wrong_magic.address()] {
        let err = nft
            .sender(alice)
            .safe_transfer_from(alice, to, MODEL)
            .motsu_unwrap_err();
        assert!(
            matches!(err, Error::InvalidReceiver(ERC721InvalidReceiver { receiver }) if receiver == to),
            "{err:?}"
        );
        let err = nft
            .sender(alice)
            .safe_transfer_from_with_data(alice, to, MODEL, vec![7].into())
            .motsu_unwrap_err();
        assert!(
            matches!(err, Error::InvalidReceiver(ERC721InvalidReceiver { receiver }) if receiver == to),
            "{err:?}"
        );
    }
    // The registry's move was reverted with the transfer.
    assert_held_by(
        &nft,
        alice,
        &[alice, not_receiver.address(), wrong_magic.address()],
    );
    assert!(moves(&registry).is_empty());
}

#[motsu::test]
fn a_reverting_receiver_reverts_the_safe_transfer_with_its_reason(
    nft: Contract<ModelNft>,
    registry: Contract<ModelRegistryDouble>,
    receiver: Contract<RevertingReceiver>,
    router: Address,
    alice: Address,
) {
    minted(&nft, &registry, router, alice);
    let err = nft
        .sender(alice)
        .safe_transfer_from(alice, receiver.address(), MODEL)
        .motsu_unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidReceiverWithReason(InvalidReceiverWithReason { ref reason })
                if reason == RECEIVER_REVERT_REASON
        ),
        "{err:?}"
    );
    assert_held_by(&nft, alice, &[alice, receiver.address()]);
    assert!(moves(&registry).is_empty());
}
