//! The failure stories on real WASM: expired and revoked licenses, an unlicensed scope, double
//! settlement, settlement inside the challenge window, a challenged batch, escrow too small
//! (debt, license invalid until paid) and a recipient that refuses payment.

use alloy::{
    primitives::{keccak256, Address, U256},
    providers::Provider,
    sol_types::SolCall,
};
use tributary::{
    attest::{
        batch::{build_batch, BatchOptions},
        json::BatchFile,
        prove::{prove, Selection},
        types::Receipt,
    },
    contracts::Contract,
    contracts_abi::{
        attribution_registry::IAttributionRegistry::{
            self, IAttributionRegistryErrors as RegistryError,
        },
        license_nft::ILicenseNft::{self, ILicenseNftErrors as LicenseError},
        royalty_splitter::IRoyaltySplitter::{self, IRoyaltySplitterErrors as SplitterError},
        usage_anchor::IUsageAnchor::{self, IUsageAnchorErrors as AnchorError},
        usage_disputes::IUsageDisputes::{self, IUsageDisputesErrors as DisputesError},
        usage_escrow::IUsageEscrow,
    },
    world::model_call,
};
use tributary_e2e::{
    usage::{
        bond_attestor, escrow_info, eth, key, licensed_lab as lab_license, refusal, DERIVATIVES,
        INFERENCE, RATE, TRAIN,
    },
    world, World,
};

const DAY: u64 = 24 * 3600;
/// The compute provider (dev account 4) attests usage in these stories.
const PROVIDER: usize = 4;

/// The error that refuses registering a model on the dataset under `license` from `from`
/// (the call `World::register_model` makes).
async fn register_model_refusal<P: Provider>(
    w: &World<P>,
    from: Address,
    license: U256,
) -> RegistryError {
    let call = model_call(
        &format!("model of {from} under {license}"),
        "ipfs://model",
        w.dataset_id,
        license,
        from,
    );
    let registry = w.at(Contract::AttributionRegistry);
    refusal(w, from, registry, call.abi_encode(), U256::ZERO).await
}

/// `MissingLicense(dataset, license)`: the registry's refusal of a model whose parent dataset
/// is not licensed for TRAIN | DERIVATIVES.
fn missing_license<P>(w: &World<P>, license: U256) -> RegistryError {
    RegistryError::MissingLicense(IAttributionRegistry::MissingLicense {
        _0: w.dataset_id,
        _1: license,
    })
}

/// Signs and anchors one batch of `(license, samples, timestamp)` receipts of TRAIN usage,
/// metered by the provider.
async fn anchor_batch<P: Provider>(
    w: &World<P>,
    uses: &[(U256, u64, u64)],
    tag: &str,
) -> (BatchFile, Vec<Receipt>) {
    let receipts: Vec<Receipt> = uses
        .iter()
        .enumerate()
        .map(|(i, &(license, samples, timestamp))| Receipt {
            jobId: keccak256(format!("{tag}:{i}")),
            licenseId: license,
            assetId: w.dataset_id,
            modelHash: keccak256("model"),
            scope: U256::from(TRAIN),
            unit: 0,
            units: U256::from(samples),
            timestamp,
            attestor: w.accounts[PROVIDER],
        })
        .collect();
    let chain_id = w.chain.get_chain_id().await.expect("chain id");
    let options = BatchOptions {
        chain_id,
        verifying_contract: w.at(Contract::UsageAnchor),
        batch_id: None,
        period_start: None,
        period_end: None,
        deadline: None,
    };
    let batch = build_batch(&receipts, &key(PROVIDER), &options).expect("batch");
    w.send(
        w.accounts[2],
        w.at(Contract::UsageAnchor),
        batch.anchor_calldata.to_vec(),
        U256::ZERO,
    )
    .await
    .expect("anchored");
    (batch, receipts)
}

/// `settle` of every usage leaf of `batch`.
fn settle_data(batch: &BatchFile) -> Vec<u8> {
    prove(batch, &Selection::All)
        .expect("proof")
        .settle_calldata
        .to_vec()
}

/// A lab license of a TRAIN|DERIVATIVES offer with `duration`, funded with `escrow`.
async fn licensed_lab<P: Provider>(w: &World<P>, duration: u64, escrow: U256) -> U256 {
    lab_license(w, TRAIN | DERIVATIVES, duration, escrow).await
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_license_stops_validating_at_its_expiry_and_is_refused() {
    let w = world().await;
    let token = licensed_lab(&w, DAY, U256::ZERO).await;
    assert!(w.is_valid(token, TRAIN).await);
    w.travel(DAY + 1).await;
    assert!(!w.is_valid(token, TRAIN).await, "expired");
    assert_eq!(
        register_model_refusal(&w, w.accounts[3], token).await,
        missing_license(&w, token)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn revoked_license_is_refused_everywhere() {
    let w = world().await;
    let token = licensed_lab(&w, 0, U256::ZERO).await;
    let revoke = ILicenseNft::revokeCall {
        token_id: token,
        reason: keccak256("breach: redistribution"),
    };
    let err: LicenseError = refusal(
        &w,
        w.accounts[5],
        w.at(Contract::LicenseNft),
        revoke.abi_encode(),
        U256::ZERO,
    )
    .await;
    assert_eq!(
        err,
        LicenseError::NotArbiter(ILicenseNft::NotArbiter {
            _0: w.accounts[5],
            _1: token,
        })
    );
    w.send(
        w.accounts[2],
        w.at(Contract::LicenseNft),
        revoke.abi_encode(),
        U256::ZERO,
    )
    .await
    .expect("arbiter revokes");
    assert!(!w.is_valid(token, TRAIN).await);
    assert_eq!(
        register_model_refusal(&w, w.accounts[3], token).await,
        missing_license(&w, token)
    );
    let transfer = ILicenseNft::transferFromCall {
        from: w.accounts[3],
        to: w.accounts[6],
        token_id: token,
    };
    let err: LicenseError = refusal(
        &w,
        w.accounts[3],
        w.at(Contract::LicenseNft),
        transfer.abi_encode(),
        U256::ZERO,
    )
    .await;
    assert_eq!(
        err,
        LicenseError::RevokedLicense(ILicenseNft::RevokedLicense { _0: token })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unlicensed_scope_is_refused() {
    let w = world().await;
    let offer = w.offer(TRAIN, 0, eth(1), U256::from(RATE)).await;
    let token = w.mint(offer, w.accounts[3], eth(1)).await;
    assert!(w.is_valid(token, TRAIN).await);
    assert!(!w.is_valid(token, INFERENCE).await);
    assert!(!w.is_valid(token, TRAIN | DERIVATIVES).await);
    assert_eq!(
        register_model_refusal(&w, w.accounts[3], token).await,
        missing_license(&w, token),
        "no DERIVATIVES"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn settlement_waits_for_the_window_and_never_happens_twice() {
    let w = world().await;
    let token = licensed_lab(&w, 0, eth(50)).await;
    bond_attestor(&w, PROVIDER).await;
    // Usage happens after the license starts.
    let now = w.travel(60).await;
    let (batch, _) = anchor_batch(
        &w,
        &[(token, 100_000, now - 30), (token, 50_000, now - 20)],
        "window",
    )
    .await;
    let data = settle_data(&batch);
    let anchor = w.at(Contract::UsageAnchor);
    let (attestor, batch_id) = (batch.batch.attestor, batch.batch.batch_id);
    // Settleable once the challenge window has passed since the batch was anchored.
    let anchored_at = w
        .view(anchor, &IUsageAnchor::batchInfoCall { attestor, batch_id })
        .await
        ._1;
    let window = w.deployment.parameters.challenge_window;
    let err: AnchorError = refusal(&w, w.accounts[2], anchor, data.clone(), U256::ZERO).await;
    assert_eq!(
        err,
        AnchorError::ChallengeWindowOpen(IUsageAnchor::ChallengeWindowOpen {
            _0: attestor,
            _1: batch_id,
            _2: anchored_at + window,
        })
    );
    w.travel(3601).await;
    w.send(w.accounts[2], anchor, data.clone(), U256::ZERO)
        .await
        .expect("settles");
    // Both receipts are one usage leaf (index 0); the replay is refused there.
    assert_eq!(batch.leaves.len(), 1);
    let err: AnchorError = refusal(&w, w.accounts[2], anchor, data, U256::ZERO).await;
    assert_eq!(
        err,
        AnchorError::UsageAlreadySettled(IUsageAnchor::UsageAlreadySettled {
            _0: attestor,
            _1: batch_id,
            _2: 0,
        })
    );
    assert_eq!(
        escrow_info(&w, token).await._0,
        eth(50) - U256::from(150_000 * RATE)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn upheld_challenge_voids_the_batch() {
    let w = world().await;
    let token = licensed_lab(&w, 0, eth(50)).await;
    bond_attestor(&w, PROVIDER).await;
    // Usage happens after the license starts.
    let now = w.travel(60).await;
    let (batch, _) = anchor_batch(&w, &[(token, 1_000_000, now - 30)], "challenged").await;
    let (attestor, batch_id) = (batch.batch.attestor, batch.batch.batch_id);
    let disputes = w.at(Contract::UsageDisputes);
    let bond = w.deployment.parameters.challenge_bond;
    let challenge = IUsageDisputes::challengeCall {
        attestor,
        batch_id,
        evidence: keccak256("double-counted job"),
    };
    w.send(w.accounts[3], disputes, challenge.abi_encode(), bond)
        .await
        .expect("challenged");
    let resolve = IUsageDisputes::resolveChallengeCall {
        attestor,
        batch_id,
        upheld: true,
    };
    let err: DisputesError = refusal(
        &w,
        w.accounts[5],
        disputes,
        resolve.abi_encode(),
        U256::ZERO,
    )
    .await;
    assert_eq!(
        err,
        DisputesError::NotChallengeArbiter(IUsageDisputes::NotChallengeArbiter {
            _0: w.accounts[5]
        }),
        "arbiter only"
    );
    w.send(w.accounts[0], disputes, resolve.abi_encode(), U256::ZERO)
        .await
        .expect("upheld");
    w.travel(3601).await;
    let err: AnchorError = refusal(
        &w,
        w.accounts[2],
        w.at(Contract::UsageAnchor),
        settle_data(&batch),
        U256::ZERO,
    )
    .await;
    assert_eq!(
        err,
        AnchorError::BatchVoided(IUsageAnchor::BatchVoided {
            _0: attestor,
            _1: batch_id,
        })
    );
    assert_eq!(
        escrow_info(&w, token).await._0,
        eth(50),
        "nothing charged for a voided batch"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn short_escrow_becomes_debt_and_the_license_is_invalid_until_paid() {
    let w = world().await;
    let token = licensed_lab(&w, 0, eth(1)).await; // 0.001 ETH covers 100,000 samples
    bond_attestor(&w, PROVIDER).await;
    // Usage happens after the license starts.
    let now = w.travel(60).await;
    let (batch, _) = anchor_batch(&w, &[(token, 300_000, now - 30)], "debt").await;
    w.travel(3601).await;
    w.send(
        w.accounts[2],
        w.at(Contract::UsageAnchor),
        settle_data(&batch),
        U256::ZERO,
    )
    .await
    .expect("settles");
    assert!(!w.is_valid(token, TRAIN).await, "in debt");
    let info = escrow_info(&w, token).await;
    assert_eq!(info._0, U256::ZERO, "escrow drained");
    assert_eq!(info._1, U256::from(200_000 * RATE), "the rest is debt");
    let pay = IUsageEscrow::fundEscrowCall { license_id: token };
    w.send(
        w.accounts[3],
        w.at(Contract::UsageEscrow),
        pay.abi_encode(),
        U256::from(200_000 * RATE),
    )
    .await
    .expect("pays");
    assert!(w.is_valid(token, TRAIN).await, "valid again once paid");
}

/// Runtime code that reverts on every call, so it cannot receive native currency.
const REJECTING_RUNTIME: &str = "60006000fd";

#[tokio::test(flavor = "multi_thread")]
async fn a_recipient_that_refuses_payment_blocks_only_itself() {
    let w = world().await;
    let splitter = w.at(Contract::RoyaltySplitter);
    let blocked = Address::repeat_byte(0xb1);
    let _: serde_json::Value = w
        .chain
        .raw_request(
            "anvil_setCode".into(),
            (blocked, format!("0x{REJECTING_RUNTIME}")),
        )
        .await
        .expect("code set");
    let mut recipients = [(blocked, 1u64), (w.accounts[6], 1)];
    recipients.sort_by_key(|(a, _)| *a);
    let create = IRoyaltySplitter::createSplitCall {
        recipients: recipients.iter().map(|(a, _)| *a).collect(),
        shares: recipients.iter().map(|(_, s)| U256::from(*s)).collect(),
        controller: Address::ZERO,
    };
    let split = w
        .returning(w.accounts[0], splitter, &create, U256::ZERO)
        .await
        ._0;
    let deposit = IRoyaltySplitter::depositCall { split_id: split };
    w.send(w.accounts[5], splitter, deposit.abi_encode(), eth(2))
        .await
        .expect("deposit");
    let version = w
        .view(
            splitter,
            &IRoyaltySplitter::splitInfoCall { split_id: split },
        )
        .await
        ._1;
    let withdraw = |recipient: Address| {
        IRoyaltySplitter::withdrawCall {
            split_id: split,
            version,
            recipient,
            token: Address::ZERO,
        }
        .abi_encode()
    };
    let err: SplitterError =
        refusal(&w, w.accounts[5], splitter, withdraw(blocked), U256::ZERO).await;
    assert_eq!(
        err,
        SplitterError::TransferFailed(IRoyaltySplitter::TransferFailed {
            _0: Address::ZERO,
            _1: blocked,
            _2: eth(1),
        }),
        "the native-currency payment to the blocked recipient fails"
    );
    let before = w.chain.get_balance(w.accounts[6]).await.expect("balance");
    w.send(w.accounts[5], splitter, withdraw(w.accounts[6]), U256::ZERO)
        .await
        .expect("others are paid");
    let after = w.chain.get_balance(w.accounts[6]).await.expect("balance");
    assert_eq!(after - before, eth(1));
    let owed = IRoyaltySplitter::claimableCall {
        split_id: split,
        version,
        recipient: blocked,
        token: Address::ZERO,
    };
    assert_eq!(
        w.view(splitter, &owed).await._0,
        eth(1),
        "still owed to the blocked recipient"
    );
}

// The splitter's events, for the two stories below (the exported interfaces declare none).
alloy::sol! {
    /// `amount` of `token` was credited to the split's current version.
    #[derive(Debug, PartialEq, Eq)]
    event SplitDeposited(uint256 indexed split_id, address indexed token, address indexed from, uint256 amount);
    /// `amount` of `token` was paid to `recipient` from split version `version`.
    #[derive(Debug, PartialEq, Eq)]
    event SplitWithdrawn(uint256 indexed split_id, address indexed recipient, address indexed token, uint32 version, uint256 amount);
}

/// The native-currency balance of `account`.
async fn native_balance<P: Provider>(w: &World<P>, account: Address) -> U256 {
    w.chain.get_balance(account).await.expect("balance")
}

/// A split's native-currency book: (deposited, carried remainder).
async fn native_book<P: Provider>(w: &World<P>, split_id: U256) -> (U256, U256) {
    let call = IRoyaltySplitter::splitBalanceCall {
        split_id,
        token: Address::ZERO,
    };
    let book = w.view(w.at(Contract::RoyaltySplitter), &call).await;
    (book._0, book._1)
}

/// The event `E` that `log` is.
fn event<E: alloy::sol_types::SolEvent>(log: &alloy::rpc::types::Log) -> E {
    E::decode_log(&log.inner, true)
        .unwrap_or_else(|e| panic!("not {}: {e}", E::SIGNATURE))
        .data
}

/// A marketplace that sells a license for 0 owes and pays a 0 royalty: a plain transfer of no
/// value to the royalty receiver. The forwarder holds nothing then, so it stops without calling
/// `deposit` (which would revert `SplitZeroAmount` and take the whole sale down with it); a
/// non-zero payment still reaches the split, to the wei.
#[tokio::test(flavor = "multi_thread")]
async fn zero_royalty_payment_to_forwarder_succeeds() {
    let w = world().await;
    let splitter = w.at(Contract::RoyaltySplitter);
    let offer = w.offer(TRAIN, 0, eth(1), U256::from(RATE)).await;
    let token = w.mint(offer, w.accounts[3], eth(1)).await;
    let royalty_info = ILicenseNft::royaltyInfoCall {
        token_id: token,
        sale_price: U256::ZERO,
    };
    let info = w.view(w.at(Contract::LicenseNft), &royalty_info).await;
    let (receiver, royalty) = (info._0, info._1);
    assert_eq!(royalty, U256::ZERO, "a 0 sale owes a 0 royalty");
    assert!(
        !w.chain
            .get_code_at(receiver)
            .await
            .expect("code")
            .is_empty(),
        "the forwarder is deployed"
    );

    let held = native_balance(&w, splitter).await;
    let book = native_book(&w, w.dataset_split).await;
    let receipt = w
        .send(w.accounts[5], receiver, Vec::new(), royalty)
        .await
        .expect("a 0 royalty payment succeeds");
    assert!(
        receipt.inner.logs().is_empty(),
        "nothing deposited, nothing emitted"
    );
    assert_eq!(native_balance(&w, splitter).await, held);
    assert_eq!(native_book(&w, w.dataset_split).await, book);
    assert_eq!(native_balance(&w, receiver).await, U256::ZERO);

    // A non-zero payment (from a marketplace that pays more than the 0 % resale royalty these
    // terms ask for) still goes through `deposit`, all of it.
    let paid = U256::from(1_000_000_007u64);
    let receipt = w
        .send(w.accounts[5], receiver, Vec::new(), paid)
        .await
        .expect("a royalty payment succeeds");
    let logs = receipt.inner.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].address(), splitter);
    assert_eq!(
        event::<SplitDeposited>(&logs[0]),
        SplitDeposited {
            split_id: w.dataset_split,
            token: Address::ZERO,
            from: receiver,
            amount: paid,
        }
    );
    assert_eq!(native_balance(&w, splitter).await, held + paid);
    let after = native_book(&w, w.dataset_split).await;
    assert_eq!(after.0, book.0 + paid);
    assert_eq!(native_balance(&w, receiver).await, U256::ZERO);
}

/// A split that lists another split's royalty receiver as a recipient. Sending the receiver
/// native currency would make the forwarder call `deposit` back into the splitter, which a
/// Stylus program refuses as re-entrancy, so the withdrawal would revert for ever; instead the
/// splitter credits the other split internally, with the events the round trip would emit.
#[tokio::test(flavor = "multi_thread")]
async fn split_paying_another_splits_forwarder_withdraws_native() {
    let w = world().await;
    let splitter = w.at(Contract::RoyaltySplitter);
    let create = |mut pairs: Vec<(Address, u64)>| {
        pairs.sort_by_key(|(a, _)| *a);
        IRoyaltySplitter::createSplitCall {
            recipients: pairs.iter().map(|(a, _)| *a).collect(),
            shares: pairs.iter().map(|(_, s)| U256::from(*s)).collect(),
            controller: Address::ZERO,
        }
    };
    let [a, b, c] = [0xa1, 0xa2, 0xa3].map(Address::repeat_byte);
    let owner = w.accounts[0];
    let target = w
        .returning(owner, splitter, &create(vec![(a, 1), (b, 2)]), U256::ZERO)
        .await
        ._0;
    let receiver = IRoyaltySplitter::royaltyReceiverCall { split_id: target };
    let forwarder = w.returning(owner, splitter, &receiver, U256::ZERO).await._0;
    let pairs = vec![(forwarder, 1), (c, 3)];
    let source = w
        .returning(owner, splitter, &create(pairs), U256::ZERO)
        .await
        ._0;
    let deposit = IRoyaltySplitter::depositCall { split_id: source };
    w.send(w.accounts[5], splitter, deposit.abi_encode(), eth(4_000))
        .await
        .expect("deposit");
    let withdraw = |split_id, recipient| {
        IRoyaltySplitter::withdrawCall {
            split_id,
            version: 0,
            recipient,
            token: Address::ZERO,
        }
        .abi_encode()
    };

    let held = native_balance(&w, splitter).await;
    let share = eth(1_000);
    let receipt = w
        .send(
            w.accounts[5],
            splitter,
            withdraw(source, forwarder),
            U256::ZERO,
        )
        .await
        .expect("the forwarder's share is withdrawn");
    let logs = receipt.inner.logs();
    assert_eq!(logs.len(), 2, "no call into the forwarder");
    assert!(logs.iter().all(|l| l.address() == splitter));
    assert_eq!(
        event::<SplitWithdrawn>(&logs[0]),
        SplitWithdrawn {
            split_id: source,
            recipient: forwarder,
            token: Address::ZERO,
            version: 0,
            amount: share,
        }
    );
    assert_eq!(
        event::<SplitDeposited>(&logs[1]),
        SplitDeposited {
            split_id: target,
            token: Address::ZERO,
            from: forwarder,
            amount: share,
        }
    );
    // Nothing moved: the splitter still holds it, now owed by the target split.
    assert_eq!(native_balance(&w, splitter).await, held);
    assert_eq!(native_balance(&w, forwarder).await, U256::ZERO);
    assert_eq!(native_book(&w, source).await, (eth(4_000), U256::ZERO));
    assert_eq!(native_book(&w, target).await.0, share);

    // Everyone is paid for real, to the wei: 1 ETH over 1 : 2 shares leaves 1 wei unpaid.
    for (split_id, who, amount) in [
        (target, a, U256::from(333_333_333_333_333_333u64)),
        (target, b, U256::from(666_666_666_666_666_666u64)),
        (source, c, eth(3_000)),
    ] {
        let before = native_balance(&w, who).await;
        w.send(w.accounts[5], splitter, withdraw(split_id, who), U256::ZERO)
            .await
            .expect("withdrawn");
        assert_eq!(native_balance(&w, who).await - before, amount);
    }
    assert_eq!(
        native_balance(&w, splitter).await,
        held - eth(4_000) + U256::from(1u64)
    );
}
