//! Revenue routing through a three-level lineage (real registry, router, doubles), native and
//! ERC-20, to the wei.

use alloy_sol_types::SolError;
use tributary_testkit::{attribution::DepositRefused, erc20::TestToken};

use self::doubles::RegistryDouble;
use super::*;
use crate::{
    errors::{ExternalCallFailed, InvalidLineage, RevenueOverflow},
    events::{RevenueReported, RevenueRetained, RoyaltyRouted},
};

/// dataset D1 (split 1, alice) → model A (split 3, bob, D1 at 100 %, license 1: 5 %, 10 % from
/// 1,000,000) and dataset D2 (split 2, carol) → model B (split 4, dave, D2 at 100 %, license 2:
/// 7 %, 15 % from 3,000,000; parent model A at 20 %).
struct Lineage {
    d1: U256,
    d2: U256,
    a: U256,
    b: U256,
}

fn lineage(
    registry: &Contract<AttributionRegistry>,
    license: &Contract<LicenseDouble>,
    (alice, bob, carol, dave): (Address, Address, Address, Address),
) -> Lineage {
    let d1 = dataset(registry, alice, 1);
    let d2 = dataset(registry, carol, 2);
    license_for(license, 1, bob, d1, &[0, 1_000_000], &[500, 1_000]);
    license_for(license, 2, dave, d2, &[0, 3_000_000], &[700, 1_500]);
    let a = model(registry, bob, 10, Parents::default().dataset(d1, 10_000, 1));
    // Dave fine-tunes bob's model A under license 3 (FINE_TUNE + DERIVATIVES on A's asset id).
    license_for(
        license,
        3,
        dave,
        tributary_abi::asset::model_asset(a),
        &[0],
        &[0],
    );
    license.sender(dave).set_scope(
        u(3),
        u(tributary_abi::scope::FINE_TUNE | tributary_abi::scope::DERIVATIVES),
    );
    let b = model(
        registry,
        dave,
        11,
        Parents::default()
            .dataset(d2, 10_000, 2)
            .licensed_model(a, 2_000, 3),
    );
    Lineage { d1, d2, a, b }
}

/// Native deposits recorded by the splitter double for splits 1..=4 (D1, D2, A, B).
fn deposits(splitter: &Contract<SplitterDouble>, who: Address) -> [U256; 4] {
    [1, 2, 3, 4].map(|s| splitter.sender(who).deposited.get(u(s)))
}

#[motsu::test]
fn three_level_lineage_routes_every_wei_with_tier_switches(
    registry: Contract<AttributionRegistry>,
    router: Contract<RevenueRouter>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
    bob: Address,
    carol: Address,
    dave: Address,
) {
    deploy(&registry, &router, &splitter, &license, alice);
    let Lineage { d1, d2, a, b } = lineage(&registry, &license, (alice, bob, carol, dave));
    dave.fund(u(10_000_000));

    // Report 1: 1,000,000 on B, everything in the first tiers.
    // D2: 7 % = 70,000; A: 20 % of 930,000 = 186,000; B keeps 744,000.
    // A: D1 5 % of 186,000 = 9,300; A keeps 176,700.
    // The quote says so before anything moves: each party with what it keeps.
    let asset = tributary_abi::asset::model_asset;
    assert_eq!(
        router
            .sender(alice)
            .quote_royalties(b, u(1_000_000))
            .motsu_unwrap(),
        tributary_abi::returns::RoyaltyQuote {
            assetIds: vec![asset(b), d2, asset(a), d1],
            amounts: vec![u(744_000), u(70_000), u(176_700), u(9_300)]
        }
    );
    let err = router
        .sender(alice)
        .quote_royalties(u(99), u(1))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownModel(_)), "{err:?}");
    let err = router
        .sender(alice)
        .quote_royalties(b, u(0))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroRevenue(_)), "{err:?}");
    router
        .sender_and_value(dave, u(1_000_000))
        .report_revenue(b)
        .motsu_unwrap();
    assert_eq!(
        deposits(&splitter, dave),
        [u(9_300), u(70_000), u(176_700), u(744_000)]
    );
    router.assert_emitted(&RevenueReported {
        modelId: b,
        payer: dave,
        token: Address::ZERO,
        amount: u(1_000_000),
        cumulativeRevenue: u(1_000_000),
    });
    router.assert_emitted(&RoyaltyRouted {
        modelId: b,
        parentId: d2,
        token: Address::ZERO,
        parentIsModel: false,
        amount: u(70_000),
    });
    router.assert_emitted(&RoyaltyRouted {
        modelId: b,
        parentId: a,
        token: Address::ZERO,
        parentIsModel: true,
        amount: u(186_000),
    });
    router.assert_emitted(&RevenueRetained {
        modelId: b,
        token: Address::ZERO,
        amount: u(744_000),
        cumulativeRevenue: u(1_000_000),
    });
    router.assert_emitted(&RoyaltyRouted {
        modelId: a,
        parentId: d1,
        token: Address::ZERO,
        parentIsModel: false,
        amount: u(9_300),
    });
    router.assert_emitted(&RevenueRetained {
        modelId: a,
        token: Address::ZERO,
        amount: u(176_700),
        cumulativeRevenue: u(186_000),
    });

    // Report 2: 5,000,000 on B; both models cross a tier threshold inside the report.
    // B: 1,000,000 → 6,000,000: 2,000,000 at 7 % + 3,000,000 at 15 % = 590,000 to D2;
    //    A gets 20 % of 4,410,000 = 882,000; B keeps 3,528,000.
    // A: 186,000 → 1,068,000: 814,000 at 5 % + 68,000 at 10 % = 47,500 to D1; A keeps 834,500.
    router
        .sender_and_value(dave, u(5_000_000))
        .report_revenue(b)
        .motsu_unwrap();
    assert_eq!(
        deposits(&splitter, dave),
        [
            u(9_300 + 47_500),
            u(70_000 + 590_000),
            u(176_700 + 834_500),
            u(744_000 + 3_528_000)
        ]
    );

    // Report 3: 7 wei; rounding dust stays with the model where it arises.
    // D2: floor(7 × 15 %) = 1; A: floor(6 × 20 %) = 1; B keeps 5; D1: floor(1 × 10 %) = 0; A keeps
    // 1.
    router
        .sender_and_value(dave, u(7))
        .report_revenue(b)
        .motsu_unwrap();
    assert_eq!(
        deposits(&splitter, dave),
        [u(56_800), u(660_001), u(1_011_201), u(4_272_005)]
    );
    assert_eq!(
        deposits(&splitter, dave)
            .iter()
            .fold(U256::ZERO, |s, v| s + v),
        u(6_000_007)
    );
    assert_eq!(
        router.sender(dave).cumulative_revenue(b, Address::ZERO),
        u(6_000_007)
    );
    assert_eq!(
        router.sender(dave).cumulative_revenue(a, Address::ZERO),
        u(1_068_001)
    );
    assert_eq!(router.balance(), U256::ZERO);
    assert_eq!(registry.balance(), U256::ZERO);
    assert_eq!(splitter.balance(), u(6_000_007));
}

#[motsu::test]
fn a_model_without_parents_keeps_its_revenue(
    registry: Contract<AttributionRegistry>,
    router: Contract<RevenueRouter>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
) {
    deploy(&registry, &router, &splitter, &license, alice);
    let id = model(&registry, alice, 1, Parents::default());
    alice.fund(u(1_000));
    router
        .sender_and_value(alice, u(999))
        .report_revenue(id)
        .motsu_unwrap();
    assert_eq!(splitter.sender(alice).deposited.get(u(1)), u(999));
    router.assert_emitted(&RevenueRetained {
        modelId: id,
        token: Address::ZERO,
        amount: u(999),
        cumulativeRevenue: u(999),
    });
}

#[motsu::test]
fn report_revenue_rejects_zero_and_unknown_models(
    registry: Contract<AttributionRegistry>,
    router: Contract<RevenueRouter>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Address,
) {
    deploy(&registry, &router, &splitter, &license, alice);
    let id = model(&registry, alice, 1, Parents::default());
    let err = router.sender(alice).report_revenue(id).motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroRevenue(_)));
    alice.fund(u(10));
    let err = router
        .sender_and_value(alice, u(10))
        .report_revenue(u(2))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownModel(e) if e.modelId == u(2)));
}

#[motsu::test]
fn token_revenue_is_pulled_and_routed_per_token(
    registry: Contract<AttributionRegistry>,
    router: Contract<RevenueRouter>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    token: Contract<TestToken>,
    alice: Address,
    bob: Address,
    carol: Address,
    dave: Address,
) {
    deploy(&registry, &router, &splitter, &license, alice);
    let Lineage { a, b, .. } = lineage(&registry, &license, (alice, bob, carol, dave));
    token.sender(dave).mint(dave, u(1_000_000));
    token.sender(dave).approve(router.address(), u(1_000_000));

    router
        .sender(dave)
        .report_revenue_token(b, token.address(), u(1_000_000))
        .motsu_unwrap();
    let credited = [1, 2, 3, 4].map(|s| {
        splitter
            .sender(dave)
            .deposited_token
            .getter(u(s))
            .get(token.address())
    });
    assert_eq!(credited, [u(9_300), u(70_000), u(176_700), u(744_000)]);
    assert_eq!(
        router.sender(dave).cumulative_revenue(b, token.address()),
        u(1_000_000)
    );
    assert_eq!(
        router.sender(dave).cumulative_revenue(a, token.address()),
        u(186_000)
    );
    // Native and token revenue are separate: tier thresholds are amounts of one asset.
    assert_eq!(
        router.sender(dave).cumulative_revenue(b, Address::ZERO),
        U256::ZERO
    );
    assert_eq!(token.sender(dave).balance_of(router.address()), U256::ZERO);
    assert_eq!(
        token.sender(dave).balance_of(splitter.address()),
        u(1_000_000)
    );
    router.assert_emitted(&RevenueReported {
        modelId: b,
        payer: dave,
        token: token.address(),
        amount: u(1_000_000),
        cumulativeRevenue: u(1_000_000),
    });
}

#[motsu::test]
fn fee_on_transfer_tokens_route_what_arrived(
    registry: Contract<AttributionRegistry>,
    router: Contract<RevenueRouter>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    token: Contract<TestToken>,
    alice: Address,
    bob: Address,
    carol: Address,
    dave: Address,
) {
    deploy(&registry, &router, &splitter, &license, alice);
    let Lineage { a, b, d1, d2 } = lineage(&registry, &license, (alice, bob, carol, dave));
    token.sender(dave).set_fee_bps(u(100));
    token.sender(dave).mint(dave, u(1_000_000));
    token.sender(dave).approve(router.address(), u(1_000_000));

    router
        .sender(dave)
        .report_revenue_token(b, token.address(), u(1_000_000))
        .motsu_unwrap();
    // 1 % fee: 990,000 arrived. D2 69,300; A 20 % of 920,700 = 184,140; B 736,560;
    // D1 5 % of 184,140 = 9,207; A 174,933.
    let t = token.address();
    router.assert_emitted(&RevenueReported {
        modelId: b,
        payer: dave,
        token: t,
        amount: u(990_000),
        cumulativeRevenue: u(990_000),
    });
    router.assert_emitted(&RoyaltyRouted {
        modelId: b,
        parentId: d2,
        token: t,
        parentIsModel: false,
        amount: u(69_300),
    });
    router.assert_emitted(&RoyaltyRouted {
        modelId: b,
        parentId: a,
        token: t,
        parentIsModel: true,
        amount: u(184_140),
    });
    router.assert_emitted(&RevenueRetained {
        modelId: b,
        token: t,
        amount: u(736_560),
        cumulativeRevenue: u(990_000),
    });
    router.assert_emitted(&RoyaltyRouted {
        modelId: a,
        parentId: d1,
        token: t,
        parentIsModel: false,
        amount: u(9_207),
    });
    router.assert_emitted(&RevenueRetained {
        modelId: a,
        token: t,
        amount: u(174_933),
        cumulativeRevenue: u(184_140),
    });
    assert_eq!(token.sender(dave).balance_of(router.address()), U256::ZERO);
}

#[motsu::test]
fn token_revenue_rejects_bad_input(
    registry: Contract<AttributionRegistry>,
    router: Contract<RevenueRouter>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    token: Contract<TestToken>,
    alice: Address,
) {
    deploy(&registry, &router, &splitter, &license, alice);
    let id = model(&registry, alice, 1, Parents::default());
    let t = token.address();
    let err = router
        .sender(alice)
        .report_revenue_token(id, Address::ZERO, u(1))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroAddress(_)));
    let err = router
        .sender(alice)
        .report_revenue_token(id, t, U256::ZERO)
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroRevenue(_)));
    let err = router
        .sender(alice)
        .report_revenue_token(u(9), t, u(1))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::UnknownModel(_)));
    // No allowance: the pull fails.
    token.sender(alice).mint(alice, u(10));
    let err = router
        .sender(alice)
        .report_revenue_token(id, t, u(10))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::SafeErc20FailedOperation(e) if e.token == t));
    // A fee of 100 % delivers nothing: zero revenue.
    token.sender(alice).set_fee_bps(u(10_000));
    token.sender(alice).approve(router.address(), u(10));
    let err = router
        .sender(alice)
        .report_revenue_token(id, t, u(10))
        .motsu_unwrap_err();
    assert!(matches!(err, Error::ZeroRevenue(_)));
}

/// Whether `err` is `ExternalCallFailed` naming `target` with revert data `reason`.
fn call_failed(err: &Error, target: Address, reason: &[u8]) -> bool {
    matches!(
        err,
        Error::ExternalCallFailed(ExternalCallFailed { target: t, reason: r })
            if *t == target && r.as_ref() == reason
    )
}

#[motsu::test]
fn error_when_a_split_deposit_reverts(
    registry: Contract<AttributionRegistry>,
    router: Contract<RevenueRouter>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    token: Contract<TestToken>,
    alice: Address,
    bob: Account,
    carol: Address,
    dave: Account,
) {
    deploy(&registry, &router, &splitter, &license, alice);
    let Lineage { a, b, .. } = lineage(
        &registry,
        &license,
        (alice, bob.address(), carol, dave.address()),
    );
    dave.fund(u(2_000_000));
    router
        .sender_and_value(dave, u(1_000_000))
        .report_revenue(b)
        .motsu_unwrap();
    let before = deposits(&splitter, dave.address());

    // The splitter refuses deposits. The first deposit is D2's (split 2): B's dataset parents
    // come first. Its revert data is passed through unchanged.
    splitter.sender(alice).set_fail(true);
    let refused = DepositRefused { splitId: u(2) }.abi_encode();
    let err = router
        .sender_and_value(dave, u(1_000_000))
        .report_revenue(b)
        .motsu_unwrap_err();
    assert!(call_failed(&err, splitter.address(), &refused), "{err:?}");
    // Nothing changed: cumulative revenue (written before the deposits), deposits, balances.
    assert_eq!(
        router.sender(dave).cumulative_revenue(b, Address::ZERO),
        u(1_000_000)
    );
    assert_eq!(
        router.sender(dave).cumulative_revenue(a, Address::ZERO),
        u(186_000)
    );
    assert_eq!(deposits(&splitter, dave.address()), before);
    assert_eq!(dave.balance(), u(1_000_000));
    assert_eq!(router.balance(), U256::ZERO);
    assert_eq!(splitter.balance(), u(1_000_000));

    // The same for ERC-20 revenue: the pull and the approval are undone too.
    let t = token.address();
    token.sender(dave).mint(dave.address(), u(500));
    token.sender(dave).approve(router.address(), u(500));
    let err = router
        .sender(dave)
        .report_revenue_token(b, t, u(500))
        .motsu_unwrap_err();
    assert!(call_failed(&err, splitter.address(), &refused), "{err:?}");
    assert_eq!(router.sender(dave).cumulative_revenue(b, t), U256::ZERO);
    assert_eq!(router.sender(dave).cumulative_revenue(a, t), U256::ZERO);
    assert_eq!(token.sender(dave).balance_of(dave.address()), u(500));
    assert_eq!(token.sender(dave).balance_of(router.address()), U256::ZERO);
    assert_eq!(
        token.sender(dave).balance_of(splitter.address()),
        U256::ZERO
    );
    assert_eq!(
        token
            .sender(dave)
            .allowance(dave.address(), router.address()),
        u(500)
    );
    assert_eq!(
        token
            .sender(dave)
            .allowance(router.address(), splitter.address()),
        U256::ZERO
    );

    // Once the splitter accepts deposits again, the same report goes through.
    splitter.sender(alice).set_fail(false);
    router
        .sender_and_value(dave, u(1_000_000))
        .report_revenue(b)
        .motsu_unwrap();
    assert_eq!(
        router.sender(dave).cumulative_revenue(b, Address::ZERO),
        u(2_000_000)
    );
}

#[motsu::test]
fn error_when_cumulative_revenue_would_overflow(
    registry: Contract<AttributionRegistry>,
    router: Contract<RevenueRouter>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    token: Contract<TestToken>,
    alice: Address,
    bob: Account,
    carol: Address,
    dave: Account,
) {
    deploy(&registry, &router, &splitter, &license, alice);
    let Lineage { a, b, .. } = lineage(
        &registry,
        &license,
        (alice, bob.address(), carol, dave.address()),
    );
    let overflow_of = |err: &Error, id: U256| matches!(err, Error::RevenueOverflow(RevenueOverflow { modelId }) if *modelId == id);

    // Native: A reaches U256::MAX, then one more wei on A overflows.
    bob.fund(U256::MAX);
    router
        .sender_and_value(bob, U256::MAX)
        .report_revenue(a)
        .motsu_unwrap();
    assert_eq!(
        router.sender(bob).cumulative_revenue(a, Address::ZERO),
        U256::MAX
    );
    bob.fund(u(1));
    let err = router
        .sender_and_value(bob, u(1))
        .report_revenue(a)
        .motsu_unwrap_err();
    assert!(overflow_of(&err, a), "{err:?}");

    // Revenue of B passes 20 % up to A: 10 wei on B sends 2 to A, whose cumulative revenue
    // would overflow, so B's report fails naming A.
    dave.fund(u(10));
    let err = router
        .sender_and_value(dave, u(10))
        .report_revenue(b)
        .motsu_unwrap_err();
    assert!(overflow_of(&err, a), "{err:?}");
    assert_eq!(
        router.sender(dave).cumulative_revenue(a, Address::ZERO),
        U256::MAX
    );
    assert_eq!(
        router.sender(dave).cumulative_revenue(b, Address::ZERO),
        U256::ZERO
    );
    assert_eq!(bob.balance(), u(1));
    assert_eq!(dave.balance(), u(10));
    assert_eq!(router.balance(), U256::ZERO);
    assert_eq!(splitter.balance(), U256::MAX);

    // ERC-20: the same per token (native and token totals are separate); the pull is undone.
    let t = token.address();
    token.sender(bob).mint(bob.address(), U256::MAX);
    token.sender(bob).approve(router.address(), U256::MAX);
    router
        .sender(bob)
        .report_revenue_token(a, t, U256::MAX)
        .motsu_unwrap();
    assert_eq!(router.sender(bob).cumulative_revenue(a, t), U256::MAX);
    token.sender(bob).mint(bob.address(), u(1));
    token.sender(bob).approve(router.address(), u(1));
    let err = router
        .sender(bob)
        .report_revenue_token(a, t, u(1))
        .motsu_unwrap_err();
    assert!(overflow_of(&err, a), "{err:?}");
    assert_eq!(router.sender(bob).cumulative_revenue(a, t), U256::MAX);
    assert_eq!(token.sender(bob).balance_of(bob.address()), u(1));
    assert_eq!(token.sender(bob).balance_of(router.address()), U256::ZERO);
    assert_eq!(token.sender(bob).balance_of(splitter.address()), U256::MAX);
}

#[motsu::test]
fn error_when_the_registry_describes_a_lineage_that_cannot_be_routed(
    registry: Contract<RegistryDouble>,
    router: Contract<RevenueRouter>,
    splitter: Contract<SplitterDouble>,
    license: Contract<LicenseDouble>,
    alice: Account,
) {
    router
        .sender(alice)
        .constructor(registry.address(), license.address(), splitter.address())
        .motsu_unwrap();
    let mut setup = registry.sender(alice);
    // Dataset 1 (split 10) under license 1: 100 % royalty.
    setup.set_dataset_split(u(1), u(10));
    license_for(&license, 1, alice.address(), u(1), &[0], &[10_000]);
    // Ancestor models 5 and 6 (splits 50 and 60).
    setup.set_model(u(5), u(50), Vec::new());
    setup.set_model(u(6), u(60), Vec::new());
    // Model 2: dataset 1 at 40 % (well formed).
    setup.set_model(u(2), u(20), Vec::new());
    setup.set_dataset_parents(u(2), vec![u(1)], vec![u(4_000)], vec![u(1)]);
    // Model 3: dataset 1 twice at 60 %: 120 % of its revenue in royalties.
    setup.set_model(u(3), u(30), Vec::new());
    setup.set_dataset_parents(
        u(3),
        vec![u(1), u(1)],
        vec![u(6_000), u(6_000)],
        vec![u(1), u(1)],
    );
    // Model 7: 60 % to each of its ancestors 6 and 5.
    setup.set_model(u(7), u(70), vec![u(6), u(5)]);
    setup.set_model_parents(u(7), vec![u(6), u(5)], vec![u(6_000), u(6_000)]);
    // Model 9: parent model 8 is not among its ancestors.
    setup.set_model(u(9), u(90), Vec::new());
    setup.set_model_parents(u(9), vec![u(8)], vec![u(1_000)]);

    // The double serves a routable lineage like the registry: 40 % of 1,000 to dataset 1.
    alice.fund(u(4_000));
    router
        .sender_and_value(alice, u(1_000))
        .report_revenue(u(2))
        .motsu_unwrap();
    assert_eq!(splitter.sender(alice).deposited.get(u(10)), u(400));
    assert_eq!(splitter.sender(alice).deposited.get(u(20)), u(600));

    for model in [3, 7, 9] {
        let err = router
            .sender_and_value(alice, u(1_000))
            .report_revenue(u(model))
            .motsu_unwrap_err();
        assert!(
            matches!(err, Error::InvalidLineage(InvalidLineage { modelId }) if modelId == u(model)),
            "model {model}: {err:?}"
        );
        assert_eq!(
            router
                .sender(alice)
                .cumulative_revenue(u(model), Address::ZERO),
            U256::ZERO
        );
    }
    for split in [30, 50, 60, 70, 90] {
        assert_eq!(splitter.sender(alice).deposited.get(u(split)), U256::ZERO);
    }
    assert_eq!(alice.balance(), u(3_000));
    assert_eq!(router.balance(), U256::ZERO);
}
