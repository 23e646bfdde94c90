//! Administration: the two-step owner, the attestor allow-list and the arbiter.

use alloy_primitives::{Address, U256};
use motsu::prelude::*;

use super::*;
use crate::{
    batches::{STATUS_CLEARED, STATUS_VOIDED},
    errors::{Error, NotChallengeArbiter, OwnableUnauthorizedAccount},
    events::{ArbiterChanged, AttestorAllowed, OwnershipTransferStarted, OwnershipTransferred},
};

#[motsu::test]
fn constructor_sets_owner_arbiter_and_config(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    anchor.assert_emitted(&OwnershipTransferred {
        previousOwner: Address::ZERO,
        newOwner: owner,
    });
    anchor.assert_emitted(&ArbiterChanged {
        previousArbiter: Address::ZERO,
        newArbiter: owner,
    });
    assert_eq!(anchor.sender(owner).owner(), owner);
    assert_eq!(anchor.sender(owner).pending_owner(), Address::ZERO);
    let config = anchor.sender(owner).config();
    assert_eq!(config.0, license.address());
    assert_eq!(config.1, escrow.address());
    assert_eq!(config.2, owner);
    assert_eq!(config.3, WINDOW);
    assert_eq!(config.4, MIN_BOND);
    assert_eq!(config.5, CHALLENGE_BOND);
    assert_eq!(config.6, EXIT_DELAY);
    assert_eq!(
        config.7,
        crate::signing::domain_separator(&HOST, CHAIN_ID, anchor.address())
    );
}

#[motsu::test]
fn ownership_moves_in_two_steps(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    heir: Address,
    stranger: Address,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    let err = anchor
        .sender(stranger)
        .transfer_ownership(stranger)
        .motsu_expect_err("not the owner");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == stranger)
    );
    anchor.sender(owner).transfer_ownership(heir).motsu_unwrap();
    anchor.assert_emitted(&OwnershipTransferStarted {
        previousOwner: owner,
        newOwner: heir,
    });
    assert_eq!(anchor.sender(owner).pending_owner(), heir);
    // Still the old owner until accepted; only the pending owner can accept.
    assert_eq!(anchor.sender(owner).owner(), owner);
    let err = anchor
        .sender(stranger)
        .accept_ownership()
        .motsu_expect_err("not pending");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == stranger)
    );
    anchor.sender(heir).accept_ownership().motsu_unwrap();
    anchor.assert_emitted(&OwnershipTransferred {
        previousOwner: owner,
        newOwner: heir,
    });
    assert_eq!(anchor.sender(heir).owner(), heir);
    assert_eq!(anchor.sender(heir).pending_owner(), Address::ZERO);
    // The old owner lost its powers, the new one has them.
    let err = anchor
        .sender(owner)
        .set_attestor(stranger, true)
        .motsu_expect_err("old owner");
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    anchor
        .sender(heir)
        .set_attestor(stranger, true)
        .motsu_unwrap();
    // Nobody can accept twice; a zero pending owner cancels.
    let err = anchor
        .sender(heir)
        .accept_ownership()
        .motsu_expect_err("nothing pending");
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    anchor.sender(heir).transfer_ownership(owner).motsu_unwrap();
    anchor
        .sender(heir)
        .transfer_ownership(Address::ZERO)
        .motsu_unwrap();
    let err = anchor
        .sender(owner)
        .accept_ownership()
        .motsu_expect_err("cancelled");
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
}

#[motsu::test]
fn only_the_owner_lists_attestors(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    stranger: Address,
    attestor: Address,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    let err = anchor
        .sender(stranger)
        .set_attestor(attestor, true)
        .motsu_expect_err("not the owner");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == stranger)
    );
    assert!(!anchor.sender(owner).attestor_info(attestor).0);
    anchor
        .sender(owner)
        .set_attestor(attestor, true)
        .motsu_unwrap();
    anchor.assert_emitted(&AttestorAllowed {
        attestor,
        allowed: true,
    });
    assert!(anchor.sender(owner).attestor_info(attestor).0);
    // Listing keeps the bond and the rest of the attestor's state.
    attestor.fund(MIN_BOND);
    anchor
        .sender_and_value(attestor, MIN_BOND)
        .bond_attestor()
        .motsu_unwrap();
    anchor
        .sender(owner)
        .set_attestor(attestor, false)
        .motsu_unwrap();
    anchor.assert_emitted(&AttestorAllowed {
        attestor,
        allowed: false,
    });
    let info = anchor.sender(owner).attestor_info(attestor);
    assert!(!info.0);
    assert_eq!(info.1, MIN_BOND);
    assert_eq!(info.5, U256::ZERO);
}

#[motsu::test]
fn only_the_owner_appoints_the_arbiter_who_alone_rules(
    anchor: Contract<UsageAnchor>,
    escrow: Contract<UsageEscrow>,
    license: Contract<LicenseDouble>,
    splitter: Contract<SplitterDouble>,
    owner: Address,
    arbiter: Address,
    challenger: Address,
    attestor: Account,
) {
    deploy(&anchor, &escrow, &license, &splitter, owner, owner);
    enroll(&anchor, owner, attestor.address());
    let err = anchor
        .sender(arbiter)
        .set_arbiter(arbiter)
        .motsu_expect_err("not the owner");
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    anchor.sender(owner).set_arbiter(arbiter).motsu_unwrap();
    anchor.assert_emitted(&ArbiterChanged {
        previousArbiter: owner,
        newArbiter: arbiter,
    });
    assert_eq!(anchor.sender(owner).config().2, arbiter);

    let (first, _) = anchor_receipts(&anchor, &attestor, 1, &receipts(2, attestor.address()));
    let (second, _) = anchor_receipts(&anchor, &attestor, 2, &receipts(3, attestor.address()));
    for batch in [&first, &second] {
        challenger.fund(CHALLENGE_BOND);
        anchor
            .sender_and_value(challenger, CHALLENGE_BOND)
            .challenge(batch.batchId, B256::repeat_byte(0xee))
            .motsu_unwrap();
    }
    // The owner is no longer the arbiter.
    let err = anchor
        .sender(owner)
        .resolve_challenge(first.batchId, true)
        .motsu_expect_err("owner is not the arbiter");
    assert!(
        matches!(err, Error::NotChallengeArbiter(NotChallengeArbiter { account }) if account == owner)
    );
    anchor
        .sender(arbiter)
        .resolve_challenge(first.batchId, true)
        .motsu_unwrap();
    anchor
        .sender(arbiter)
        .resolve_challenge(second.batchId, false)
        .motsu_unwrap();
    assert_eq!(
        anchor.sender(owner).batch_info(first.batchId).7,
        STATUS_VOIDED
    );
    assert_eq!(
        anchor.sender(owner).batch_info(second.batchId).7,
        STATUS_CLEARED
    );
}
