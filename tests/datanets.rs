//! Datanets and Proof of Attribution end to end on the real WASM (docs/datanets.md):
//! contributions with stakes through review, reports signed with the attestor kit and refused
//! when signed for anything else, the owner's veto, an epoch switch in the middle of a revenue
//! stream, replayed claims, and a 100,000-contributor dataset that deposits like a small one.
// Each test is one story, told in order.
#![allow(clippy::too_many_lines)]

use std::fmt::Write as _;

use alloy::{
    primitives::{keccak256, Address, B256, U256},
    providers::Provider,
    rpc::types::TransactionReceipt,
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};
use tributary_e2e::{
    usage::{eth, key, refusal},
    world, World,
};
use tributary_kit::{
    attest::attribution::{
        attribute, claim_calldata, report_digest, Attribution, ReportParams, Scores, WeightTree,
    },
    contracts::Contract,
    contracts_abi::{
        attribution_registry::IAttributionRegistry,
        datanets::IDatanets::{self, IDatanetsErrors},
        royalty_splitter::IRoyaltySplitter::{self, IRoyaltySplitterErrors},
    },
};

const DAY: u64 = 24 * 3600;
/// Stake per contribution: 10 milli-ETH.
const STAKE_MILLI: u64 = 10;
/// Dev accounts of the fixture: 1 creator (dataset owner), 2 platform (curator), 4 evaluator,
/// 5 and 6 contributors.
const CREATOR: usize = 1;
const CURATOR: usize = 2;
const EVALUATOR: usize = 4;

fn u(v: u64) -> U256 {
    U256::from(v)
}

/// Hands the fixture dataset's split to Datanets and opens it: curator = account 2, native
/// stake, review window 1 day, stake lock 2 days, veto window 1 day, evaluator = account 4.
async fn open<P: Provider>(w: &World<P>) {
    let (creator, datanets) = (w.accounts[CREATOR], w.at(Contract::Datanets));
    let hand_over = IAttributionRegistry::handOverSplitCall {
        dataset_id: w.dataset_id,
        controller: datanets,
    };
    w.returning(
        creator,
        w.at(Contract::AttributionRegistry),
        &hand_over,
        U256::ZERO,
    )
    .await;
    let configure = IDatanets::configureDatanetCall {
        dataset_id: w.dataset_id,
        curator: w.accounts[CURATOR],
        stake_token: Address::ZERO,
        stake: eth(STAKE_MILLI),
        review_window: u32::try_from(DAY).expect("fits"),
        stake_lock: u32::try_from(2 * DAY).expect("fits"),
        veto_window: u32::try_from(DAY).expect("fits"),
    };
    w.returning(creator, datanets, &configure, U256::ZERO).await;
    let allow = IDatanets::setEvaluatorCall {
        dataset_id: w.dataset_id,
        evaluator: w.accounts[EVALUATOR],
        allowed: true,
    };
    w.returning(creator, datanets, &allow, U256::ZERO).await;
}

/// A contribution by dev account `from` with the stake; returns its id.
async fn contribute<P: Provider>(w: &World<P>, from: usize, name: &str) -> U256 {
    let call = IDatanets::contributeCall {
        dataset_id: w.dataset_id,
        content_hash: keccak256(name),
        uri: format!("ipfs://{name}"),
    };
    w.returning(
        w.accounts[from],
        w.at(Contract::Datanets),
        &call,
        eth(STAKE_MILLI),
    )
    .await
    ._0
}

async fn review<P: Provider>(w: &World<P>, id: U256, verdict: u8) -> TransactionReceipt {
    let call = IDatanets::reviewContributionCall {
        contribution_id: id,
        verdict,
        reason_hash: keccak256(format!("verdict {verdict} on {id}")),
    };
    w.send(
        w.accounts[CURATOR],
        w.at(Contract::Datanets),
        call.abi_encode(),
        U256::ZERO,
    )
    .await
    .expect("the curator reviews")
}

/// `(datasetId, contributor, status, stake, deadline)` of a contribution.
async fn contribution<P: Provider>(w: &World<P>, id: U256) -> IDatanets::contributionReturn {
    let call = IDatanets::contributionCall {
        contribution_id: id,
    };
    w.view(w.at(Contract::Datanets), &call).await
}

async fn received<P: Provider>(w: &World<P>, split: U256) -> U256 {
    let call = IRoyaltySplitter::splitBalanceCall {
        split_id: split,
        token: Address::ZERO,
    };
    w.view(w.at(Contract::RoyaltySplitter), &call).await._0
}

/// The CSV of `(account, score)` rows.
fn scores(rows: &[(Address, &str)]) -> Scores {
    let mut csv = String::from("contributor,score\n");
    for (account, score) in rows {
        let _ = writeln!(csv, "{account},{score}");
    }
    Scores::parse(&csv).expect("valid scores")
}

/// Report parameters for the fixture dataset's next epoch on this chain and contract.
async fn params<P: Provider>(w: &World<P>, epoch: u64) -> ReportParams {
    ReportParams {
        chain_id: w.chain.get_chain_id().await.expect("chain id"),
        datanets: w.at(Contract::Datanets),
        dataset_id: w.dataset_id,
        version: u(1),
        epoch,
        benchmark_id: keccak256("e2e benchmark"),
        metric: keccak256("accuracy"),
        deadline: w.now().await + 10 * DAY,
    }
}

/// `postReport` sent by `from`.
async fn post<P: Provider>(
    w: &World<P>,
    from: Address,
    attribution: &Attribution,
) -> Result<TransactionReceipt, String> {
    w.send(
        from,
        w.at(Contract::Datanets),
        attribution.post_report_calldata().to_vec(),
        U256::ZERO,
    )
    .await
}

/// The error `postReport` of `attribution` meets.
async fn post_refusal<P: Provider>(w: &World<P>, attribution: &Attribution) -> IDatanetsErrors {
    refusal::<IDatanetsErrors, _>(
        w,
        w.accounts[6],
        w.at(Contract::Datanets),
        attribution.post_report_calldata().to_vec(),
        U256::ZERO,
    )
    .await
}

/// Who a report's signature recovers to under the deployed contract's domain.
async fn signer_under_deployment<P: Provider>(w: &World<P>, attribution: &Attribution) -> Address {
    let chain_id = w.chain.get_chain_id().await.expect("chain id");
    let digest = report_digest(&attribution.report, chain_id, w.at(Contract::Datanets));
    let signature = alloy::primitives::PrimitiveSignature::try_from(&attribution.signature[..])
        .expect("65 bytes");
    signature
        .recover_address_from_prehash(&digest)
        .expect("recovers")
}

/// Posts, waits out the veto window and activates `attribution`; returns the split version.
async fn activate<P: Provider>(w: &World<P>, attribution: &Attribution) -> u32 {
    post(w, w.accounts[6], attribution).await.expect("posted");
    w.travel(DAY).await;
    let call = IDatanets::activateReportCall {
        dataset_id: w.dataset_id,
    };
    w.returning(w.accounts[6], w.at(Contract::Datanets), &call, U256::ZERO)
        .await
        ._0
}

/// `claimMerkle` of `account`'s weight in `tree` (version `version` of `split`), sent by a
/// third party; returns what it paid.
async fn claim<P: Provider>(
    w: &World<P>,
    split: U256,
    version: u32,
    tree: &WeightTree,
    account: Address,
) -> Result<U256, String> {
    let proof = tree.proof(account).expect("a member");
    let data = claim_calldata(
        split,
        version,
        account,
        U256::from(proof.weight),
        &proof.proof,
        Address::ZERO,
    );
    let call = IRoyaltySplitter::claimMerkleCall::abi_decode(&data, true).expect("decodes");
    let splitter = w.at(Contract::RoyaltySplitter);
    let before = w.chain.get_balance(account).await.expect("balance");
    w.send(w.accounts[6], splitter, call.abi_encode(), U256::ZERO)
        .await?;
    let after = w.chain.get_balance(account).await.expect("balance");
    Ok(after - before)
}

#[tokio::test]
async fn contributions_are_accepted_rejected_flagged_and_expire_with_their_stakes() {
    let w = world().await;
    open(&w).await;
    let datanets = w.at(Contract::Datanets);
    let ids = [
        contribute(&w, 5, "good labels").await,
        contribute(&w, 5, "off-topic scans").await,
        contribute(&w, 6, "poisoned labels").await,
        contribute(&w, 6, "never reviewed").await,
    ];
    let wrong = IDatanets::contributeCall {
        dataset_id: w.dataset_id,
        content_hash: keccak256("underpaid"),
        uri: "ipfs://underpaid".into(),
    };
    assert_eq!(
        refusal::<IDatanetsErrors, _>(&w, w.accounts[5], datanets, wrong.abi_encode(), eth(1))
            .await,
        IDatanetsErrors::WrongStake(IDatanets::WrongStake {
            _0: eth(1),
            _1: eth(STAKE_MILLI),
        })
    );
    let before = received(&w, w.dataset_split).await;
    review(&w, ids[0], 1).await;
    review(&w, ids[1], 2).await;
    review(&w, ids[2], 3).await;
    assert_eq!(
        received(&w, w.dataset_split).await - before,
        eth(STAKE_MILLI),
        "the flagged stake is paid into the dataset's split"
    );
    let stranger = IDatanets::reviewContributionCall {
        contribution_id: ids[3],
        verdict: 1,
        reason_hash: B256::ZERO,
    };
    assert_eq!(
        refusal::<IDatanetsErrors, _>(
            &w,
            w.accounts[5],
            datanets,
            stranger.abi_encode(),
            U256::ZERO
        )
        .await,
        IDatanetsErrors::NotCurator(IDatanets::NotCurator {
            _0: w.dataset_id,
            _1: w.accounts[5],
        })
    );

    let withdraw = |id: U256| {
        IDatanets::withdrawStakeCall {
            contribution_id: id,
        }
        .abi_encode()
    };
    // Rejected: back at once. Accepted: locked for two days. Flagged: nothing left.
    let accepted = contribution(&w, ids[0]).await;
    assert_eq!(accepted._2, 2, "ACCEPTED");
    assert_eq!(
        refusal::<IDatanetsErrors, _>(&w, w.accounts[6], datanets, withdraw(ids[0]), U256::ZERO)
            .await,
        IDatanetsErrors::StakeLocked(IDatanets::StakeLocked {
            _0: ids[0],
            _1: accepted._4,
        })
    );
    let contributor = w.accounts[5];
    let start = w.chain.get_balance(contributor).await.expect("balance");
    w.send(w.accounts[6], datanets, withdraw(ids[1]), U256::ZERO)
        .await
        .expect("a rejected stake comes back");
    let end = w.chain.get_balance(contributor).await.expect("balance");
    assert_eq!(end - start, eth(STAKE_MILLI));
    assert_eq!(
        refusal::<IDatanetsErrors, _>(&w, w.accounts[6], datanets, withdraw(ids[2]), U256::ZERO)
            .await,
        IDatanetsErrors::NothingToWithdraw(IDatanets::NothingToWithdraw { _0: w.accounts[6] })
    );
    // The review window of the unreviewed one closes; then its stake comes back too.
    w.travel(2 * DAY).await;
    assert_eq!(
        refusal::<IDatanetsErrors, _>(
            &w,
            w.accounts[CURATOR],
            datanets,
            IDatanets::reviewContributionCall {
                contribution_id: ids[3],
                verdict: 1,
                reason_hash: B256::ZERO,
            }
            .abi_encode(),
            U256::ZERO
        )
        .await,
        IDatanetsErrors::ReviewWindowClosed(IDatanets::ReviewWindowClosed {
            _0: ids[3],
            _1: contribution(&w, ids[3]).await._4,
        })
    );
    for id in [ids[0], ids[3]] {
        w.send(w.accounts[6], datanets, withdraw(id), U256::ZERO)
            .await
            .expect("the stake comes back");
    }
    assert_eq!(contribution(&w, ids[3]).await._2, 5, "EXPIRED");
    let held = w.chain.get_balance(datanets).await.expect("balance");
    assert_eq!(held, U256::ZERO, "every stake is returned or slashed");
}

#[tokio::test]
async fn reports_signed_for_anything_else_are_refused_and_the_owner_can_veto() {
    let w = world().await;
    open(&w).await;
    let evaluator = key(EVALUATOR);
    let weights = scores(&[(w.accounts[5], "3"), (w.accounts[6], "1")]);
    let good = params(&w, 1).await;
    let sign = |p: ReportParams, k: &PrivateKeySigner| attribute(&weights, &p, k).expect("signs");

    // Signed for another dataset, chain or contract: the signature recovers to someone else.
    let others = [
        ReportParams {
            dataset_id: w.dataset_id + u(1),
            ..good.clone()
        },
        ReportParams {
            chain_id: good.chain_id + 1,
            ..good.clone()
        },
        ReportParams {
            datanets: w.at(Contract::UsageAnchor),
            ..good.clone()
        },
    ];
    for (n, other) in others.into_iter().enumerate() {
        let mut forged = sign(other, &evaluator);
        // Posted for the fixture's dataset on this chain and contract.
        forged.report.datasetId = w.dataset_id;
        let recovered = signer_under_deployment(&w, &forged).await;
        assert_ne!(recovered, w.accounts[EVALUATOR], "case {n}");
        assert_eq!(
            post_refusal(&w, &forged).await,
            IDatanetsErrors::NotEvaluator(IDatanets::NotEvaluator {
                _0: w.dataset_id,
                _1: recovered,
            }),
            "case {n}"
        );
    }
    // Signed for another epoch, by a stranger, after its deadline.
    let later = sign(
        ReportParams {
            epoch: 2,
            ..good.clone()
        },
        &evaluator,
    );
    assert_eq!(
        post_refusal(&w, &later).await,
        IDatanetsErrors::WrongEpoch(IDatanets::WrongEpoch {
            _0: w.dataset_id,
            _1: 2,
            _2: 1,
        })
    );
    let stranger = sign(good.clone(), &key(5));
    assert_eq!(
        post_refusal(&w, &stranger).await,
        IDatanetsErrors::NotEvaluator(IDatanets::NotEvaluator {
            _0: w.dataset_id,
            _1: w.accounts[5],
        })
    );
    let now = w.now().await;
    let stale = sign(
        ReportParams {
            deadline: now - 1,
            ..good.clone()
        },
        &evaluator,
    );
    assert_eq!(
        post_refusal(&w, &stale).await,
        IDatanetsErrors::ReportExpired(IDatanets::ReportExpired {
            _0: w.dataset_id,
            _1: now - 1,
        })
    );

    // The owner vetoes inside the window; the vetoed report cannot come back.
    let report = sign(good.clone(), &evaluator);
    post(&w, w.accounts[6], &report).await.expect("posted");
    let veto = IDatanets::vetoReportCall {
        dataset_id: w.dataset_id,
        reason_hash: keccak256("the benchmark leaked into the training set"),
    };
    let datanets = w.at(Contract::Datanets);
    assert_eq!(
        refusal::<IDatanetsErrors, _>(&w, w.accounts[6], datanets, veto.abi_encode(), U256::ZERO)
            .await,
        IDatanetsErrors::NotDatasetOwner(IDatanets::NotDatasetOwner {
            _0: w.dataset_id,
            _1: w.accounts[6],
        })
    );
    w.returning(w.accounts[CREATOR], datanets, &veto, U256::ZERO)
        .await;
    assert_eq!(
        post_refusal(&w, &report).await,
        IDatanetsErrors::ReportAlreadyVetoed(IDatanets::ReportAlreadyVetoed { _0: report.digest })
    );
    // A new evaluation for the same epoch goes through after the window, and cannot be
    // replayed once active.
    let redo = sign(
        ReportParams {
            benchmark_id: keccak256("e2e benchmark, clean split"),
            ..good
        },
        &evaluator,
    );
    post(&w, w.accounts[6], &redo).await.expect("posted");
    let early = IDatanets::activateReportCall {
        dataset_id: w.dataset_id,
    };
    let pending = w
        .view(
            datanets,
            &IDatanets::pendingReportCall {
                dataset_id: w.dataset_id,
            },
        )
        .await;
    assert_eq!(pending._0, redo.report.weightsRoot);
    assert_eq!(
        refusal::<IDatanetsErrors, _>(&w, w.accounts[6], datanets, early.abi_encode(), U256::ZERO)
            .await,
        IDatanetsErrors::VetoWindowOpen(IDatanets::VetoWindowOpen {
            _0: w.dataset_id,
            _1: pending._2,
        })
    );
    w.travel(DAY).await;
    let version = w
        .returning(w.accounts[6], datanets, &early, U256::ZERO)
        .await
        ._0;
    assert_eq!(version, 1);
    assert_eq!(
        post_refusal(&w, &redo).await,
        IDatanetsErrors::WrongEpoch(IDatanets::WrongEpoch {
            _0: w.dataset_id,
            _1: 1,
            _2: 2,
        })
    );
}

#[tokio::test]
async fn an_epoch_switch_mid_stream_pays_old_revenue_by_old_weights_and_new_by_new() {
    let w = world().await;
    open(&w).await;
    let splitter = w.at(Contract::RoyaltySplitter);
    let deposit = IRoyaltySplitter::depositCall {
        split_id: w.dataset_split,
    };
    w.returning(w.accounts[3], splitter, &deposit, eth(1_000))
        .await;
    let weights = scores(&[(w.accounts[5], "3"), (w.accounts[6], "1")]);
    let attribution = attribute(&weights, &params(&w, 1).await, &key(EVALUATOR)).expect("signs");
    let version = activate(&w, &attribution).await;
    assert_eq!(version, 1);
    w.returning(w.accounts[3], splitter, &deposit, eth(2_000))
        .await;

    // Old revenue by the old weights (creator 60 / platform 40), new by the new (3 : 1).
    for (index, expected) in [(CREATOR, eth(600)), (CURATOR, eth(400))] {
        let withdraw = IRoyaltySplitter::withdrawCall {
            split_id: w.dataset_split,
            version: 0,
            recipient: w.accounts[index],
            token: Address::ZERO,
        };
        let paid = w
            .returning(w.accounts[6], splitter, &withdraw, U256::ZERO)
            .await
            ._0;
        assert_eq!(paid, expected);
    }
    let tree = &attribution.tree;
    let first = claim(&w, w.dataset_split, version, tree, w.accounts[5]).await;
    assert_eq!(first, Ok(eth(1_500)));
    // Account 6 claims from its own account: its balance also pays the gas, so compare the
    // splitter's answer instead.
    let proof = tree.proof(w.accounts[6]).expect("member");
    let own = IRoyaltySplitter::claimMerkleCall {
        split_id: w.dataset_split,
        version,
        recipient: w.accounts[6],
        shares: U256::from(proof.weight),
        proof: proof.proof.clone(),
        token: Address::ZERO,
    };
    assert_eq!(
        w.returning(w.accounts[6], splitter, &own, U256::ZERO)
            .await
            ._0,
        eth(500)
    );
    // A replayed claim pays nothing more.
    assert_eq!(
        refusal::<IRoyaltySplitterErrors, _>(
            &w,
            w.accounts[6],
            splitter,
            own.abi_encode(),
            U256::ZERO
        )
        .await,
        IRoyaltySplitterErrors::SplitNothingToWithdraw(IRoyaltySplitter::SplitNothingToWithdraw {
            _0: w.dataset_split,
            _1: w.accounts[6],
            _2: Address::ZERO,
        })
    );
    // Version 0 knows nothing of the new members; the claim with a wrong weight fails.
    let wrong = IRoyaltySplitter::claimMerkleCall {
        shares: U256::from(proof.weight + 1),
        ..own
    };
    assert_eq!(
        refusal::<IRoyaltySplitterErrors, _>(
            &w,
            w.accounts[6],
            splitter,
            wrong.abi_encode(),
            U256::ZERO
        )
        .await,
        IRoyaltySplitterErrors::SplitInvalidProof(IRoyaltySplitter::SplitInvalidProof {
            _0: w.dataset_split,
            _1: w.accounts[6],
        })
    );
}

#[tokio::test]
async fn a_100k_contributor_dataset_deposits_like_a_3_contributor_one_and_pays_any_member() {
    let w = world().await;
    let registry = w.at(Contract::AttributionRegistry);
    let splitter = w.at(Contract::RoyaltySplitter);
    // The tree built by the kit: 100,000 contributors with weights 1..=7.
    let members: Vec<(Address, u64)> = (1..=100_000u64)
        .map(|i| {
            let mut bytes = [0u8; 20];
            bytes[..8].copy_from_slice(&(0xD474_0000_0000_0000u64 + i).to_be_bytes());
            (Address::from(bytes), 1 + i % 7)
        })
        .collect();
    let tree = WeightTree::from_members(members.clone()).expect("a tree");
    let register = IAttributionRegistry::registerMerkleDatasetCall {
        content_hash: keccak256("100k contributors"),
        uri: "ipfs://100k".into(),
        root: tree.root(),
        total_shares: U256::from(tree.total_weight()),
    };
    let big = w
        .returning(w.accounts[CREATOR], registry, &register, U256::ZERO)
        .await
        ._0;
    let big_split = w
        .view(
            registry,
            &IAttributionRegistry::datasetSplitCall { dataset_id: big },
        )
        .await
        ._0;
    // The same total shares over 3 listed contributors: the splitter's division costs a few
    // dozen gas more or less with the magnitude of the total (WASM 256-bit arithmetic), never
    // with the number of contributors, so equal totals must give equal gas.
    let total = tree.total_weight();
    let (small, _) = w
        .register_dataset(
            w.accounts[CREATOR],
            "3 contributors",
            "ipfs://3",
            &[
                (w.accounts[1], total / 3),
                (w.accounts[2], total / 3),
                (w.accounts[3], total - 2 * (total / 3)),
            ],
        )
        .await
        .expect("registers");
    // Warm both splits once (the first deposit into a split writes its first accumulator
    // word), then compare the second deposits.
    let mut gas = Vec::new();
    for split in [big_split, small.split] {
        let deposit = IRoyaltySplitter::depositCall { split_id: split };
        let mut last = 0;
        for _ in 0..2 {
            let receipt = w
                .send(w.accounts[3], splitter, deposit.abi_encode(), eth(1_000))
                .await
                .expect("deposits");
            last = receipt.gas_used;
        }
        gas.push(last);
    }
    assert_eq!(
        gas[0], gas[1],
        "a deposit into 100,000 contributors costs what one into 3 does"
    );
    // The first, the middle and the last member claim their exact share of 2 ETH.
    for index in [0, 49_999, 99_999] {
        let (account, weight) = members[index];
        let accrued = w
            .view(
                splitter,
                &IRoyaltySplitter::accruedCall {
                    split_id: big_split,
                    version: 0,
                    shares: U256::from(weight),
                    token: Address::ZERO,
                },
            )
            .await
            ._0;
        assert!(!accrued.is_zero());
        let paid = claim(&w, big_split, 0, &tree, account).await;
        assert_eq!(paid, Ok(accrued), "member {index}");
        assert_eq!(
            claim(&w, big_split, 0, &tree, account).await,
            Err("SplitNothingToWithdraw".into()),
            "member {index} replayed"
        );
    }
}
