//! The catalogue equals the contracts: for every event type of every contract's `events`
//! module (and the `OpenZeppelin` events the contract emits), the catalogue holds, under that
//! contract, the same signature, topic0 and number of indexed parameters, and nothing else.
//! The lists below are explicit; a second check reads each `contracts/<dir>/src/events.rs` and
//! fails if it declares an event these lists do not name, so a new event without a catalogue
//! entry fails here.

use std::collections::BTreeSet;

use alloy::primitives::B256;
use alloy_sol_types::{SolEvent, TopicList};
use tributary_explorer::catalogue::Catalogue;
use tributary_kit::contracts::Contract;

/// What a `sol!` event type says about itself.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    signature: &'static str,
    topic0: B256,
    indexed: usize,
}

fn of<E: SolEvent>() -> Expected {
    Expected {
        signature: E::SIGNATURE,
        topic0: E::SIGNATURE_HASH,
        indexed: <E::TopicList as TopicList>::COUNT - usize::from(!E::ANONYMOUS),
    }
}

macro_rules! events {
    ($($ty:ty),* $(,)?) => { vec![$(of::<$ty>()),*] };
}

/// Every event of `contract`: its own `events` module, then the `OpenZeppelin` ones it emits.
#[allow(clippy::too_many_lines)] // one list per contract
fn expected(contract: Contract) -> (Vec<Expected>, usize) {
    use openzeppelin_stylus::{
        access::{ownable::OwnershipTransferred, ownable_two_step::OwnershipTransferStarted},
        token::erc721::{Approval, ApprovalForAll, Transfer},
        utils::pausable::{Paused, Unpaused},
    };
    // (events, how many of them come from the contract's own events.rs)
    match contract {
        Contract::RoyaltySplitter => {
            use royalty_splitter::events::*;
            let own = events![
                SplitCreated,
                SplitRecipientsSet,
                SplitMerkleRootSet,
                SplitControllerChanged,
                SplitDeposited,
                SplitMemberRegistered,
                SplitWithdrawn,
                SplitReceiverCreated,
            ];
            let n = own.len();
            let oz = events![
                OwnershipTransferStarted,
                OwnershipTransferred,
                Paused,
                Unpaused
            ];
            ([own, oz].concat(), n)
        }
        Contract::AttributionRegistry => {
            use attribution_registry::events::*;
            let own = events![
                LicenseNftSet,
                DatasetRegistered,
                VersionPublished,
                DatasetOwnershipTransferStarted,
                DatasetOwnershipTransferred,
                ContributorsUpdated,
                ModelRegistered,
                ModelContributorsUpdated,
                ModelVersionPublished,
                ModelNftSet,
                ModelHolderChanged,
            ];
            let n = own.len();
            // Emitted by the constructor with OpenZeppelin's `Ownable` hash.
            ([own, events![OwnershipTransferred]].concat(), n)
        }
        Contract::LicenseNft => {
            use license_nft::events::*;
            let own = events![
                OfferTermsRegistered,
                LicenseRevoked,
                DebtSet,
                UsageAnchorSet,
                LicenseOffersSet,
                UpdateUser,
            ];
            let n = own.len();
            let oz = events![
                Transfer,
                Approval,
                ApprovalForAll,
                OwnershipTransferStarted,
                OwnershipTransferred
            ];
            ([own, oz].concat(), n)
        }
        Contract::LicenseOffers => {
            use license_offers::events::*;
            let own = events![
                OfferCreated,
                OfferUpdated,
                OfferPaused,
                OfferRetired,
                LicenseIssued
            ];
            let n = own.len();
            (own, n)
        }
        Contract::RevenueRouter => {
            use revenue_router::events::*;
            let own = events![
                RevenueReported,
                RoyaltyRouted,
                RevenueRetained,
                ModelReceiverCreated
            ];
            let n = own.len();
            (own, n)
        }
        Contract::UsageEscrow => {
            use usage_escrow::events::*;
            let own = events![
                UsageAnchorSet,
                EscrowFunded,
                EscrowCharged,
                FeesDeposited,
                DebtChanged,
                EscrowWithdrawalRequested,
                EscrowWithdrawn,
                EscrowHoldsChanged,
            ];
            let n = own.len();
            // `Ownable`: at construction, and when the owner renounces after wiring.
            ([own, events![OwnershipTransferred]].concat(), n)
        }
        Contract::UsageAnchor => {
            use usage_anchor::events::*;
            let own = events![
                OwnershipTransferStarted,
                OwnershipTransferred,
                AttestorAllowed,
                AttestorBonded,
                AttestorExitRequested,
                AttestorBondWithdrawn,
                BatchAnchored,
                BatchStatusChanged,
                DisputesSet,
                Credited,
                CreditWithdrawn,
                UsageSettled,
                UsageSkipped,
            ];
            let n = own.len();
            (own, n)
        }
        Contract::UsageDisputes => {
            use usage_disputes::events::*;
            let own = events![
                ArbiterChanged,
                BatchChallenged,
                ChallengeResolved,
                ChallengeBondClaimed,
                Credited,
                CreditWithdrawn,
                EscrowHoldPlaced,
                EscrowHoldReleased,
            ];
            let n = own.len();
            let oz = events![OwnershipTransferStarted, OwnershipTransferred];
            ([own, oz].concat(), n)
        }
        Contract::ModelNft => {
            use model_nft::events::*;
            let own = events![MetadataUpdate];
            let n = own.len();
            (
                [own, events![Transfer, Approval, ApprovalForAll]].concat(),
                n,
            )
        }
        Contract::Datanets => {
            use datanets::events::*;
            let own = events![
                DatanetConfigured,
                DatanetClosed,
                EvaluatorSet,
                ContributionSubmitted,
                ContributionReviewed,
                StakeReturned,
                StakeSlashed,
                ReportPosted,
                ReportVetoed,
                EpochActivated,
            ];
            let n = own.len();
            (own, n)
        }
    }
}

fn name(signature: &str) -> &str {
    signature.split('(').next().unwrap_or(signature)
}

#[test]
fn the_catalogue_holds_exactly_every_event_of_every_contract() {
    let catalogue = Catalogue::new();
    let mut total = 0;
    for contract in Contract::DEPLOY_ORDER {
        let (expected, _) = expected(contract);
        let expected: BTreeSet<Expected> = expected.into_iter().collect();
        let catalogued: BTreeSet<Expected> = catalogue
            .of(contract)
            .map(|e| Expected {
                signature: Box::leak(e.signature.clone().into_boxed_str()),
                topic0: e.topic0,
                indexed: e.indexed(),
            })
            .collect();
        let missing: Vec<_> = expected.difference(&catalogued).collect();
        let extra: Vec<_> = catalogued.difference(&expected).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{contract}: the catalogue lacks {missing:#?}\nand has that the contract does not \
             emit {extra:#?}"
        );
        for e in catalogue.of(contract) {
            assert_eq!(
                catalogue
                    .get(contract, e.topic0)
                    .map(|f| f.signature.as_str()),
                Some(e.signature.as_str())
            );
        }
        total += expected.len();
    }
    assert_eq!(catalogue.entries().len(), total);
}

/// The event names `contracts/<dir>/src/events.rs` declares (`event Name(` lines).
fn declared(contract: Contract) -> BTreeSet<String> {
    let path = format!(
        "{}/../contracts/{}/src/events.rs",
        env!("CARGO_MANIFEST_DIR"),
        contract.dir()
    );
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    source
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("event "))
        .map(|rest| name(rest).trim().to_owned())
        .collect()
}

#[test]
fn every_event_a_contract_declares_is_in_the_lists_above() {
    for contract in Contract::DEPLOY_ORDER {
        let (expected, own) = expected(contract);
        let listed: BTreeSet<String> = expected[..own]
            .iter()
            .map(|e| name(e.signature).to_owned())
            .collect();
        assert_eq!(
            declared(contract),
            listed,
            "{contract}: events.rs and this test's list differ; add the new event to the \
             catalogue (explorer/src/catalogue.rs) and to this list"
        );
    }
}
