//! The explorer's web page (docs/explorer.md §4) in a real browser: the case study runs on an
//! in-process devnode, a last deposit leaves annotator 1 something owed, the explorer indexes
//! the chain and serves its page, and headless Chromium loads the annotator's account page,
//! runs its scripts and dumps the DOM. The page must show exactly what the API answers (which
//! is what the splitter's `claimable` answers) and draw the earnings chart; a screenshot is
//! written to `target/explorer/account.png`.
//!
//! Chromium is installed by `scripts/setup.sh`; without it this test fails (it never skips).
//!
//! A module of `tests/case_study.rs`, which calls [`check_the_account_page`] after its own
//! checks: the case study (about 85 s of CI) runs once for both.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use alloy::{
    primitives::{Address, U256},
    providers::Provider,
    sol_types::SolCall,
};
use serde_json::Value;
use tributary::{
    contracts::Contract,
    contracts_abi::royalty_splitter::IRoyaltySplitter,
    demo::{Cast, Report, ETHER},
    deploy, world,
};
use tributary_e2e::signers;
use tributary_explorer::{
    indexer::{Config, Indexer},
    server,
    store::Store,
};

/// How long one Chromium run may take before it is killed.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(180);

/// The account page of annotator 1 after the case study `report` played on the devnode at
/// `url`, in Chromium.
pub(crate) async fn check_the_account_page(url: &str, report: Report) {
    let chromium = chromium().unwrap_or_else(|| {
        panic!(
            "Chromium is not installed (neither `chromium` nor `chromium-browser` is on PATH): \
             run scripts/setup.sh, which installs Debian's `chromium` package"
        )
    });
    let played = play(url, report).await;

    // Index everything, and serve the API and the page.
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(&dir.path().join("explorer.db")).expect("explorer database");
    let mut indexer = Indexer::connect(url, &played.report.deployment, store, Config::default())
        .await
        .expect("the indexer connects");
    indexer.catch_up(|_| {}).await.expect("indexed to the head");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let http = tokio::spawn(server::serve(listener, indexer.store().clone(), async {
        let _ = stopped.await;
    }));

    let expected = what_the_api_answers(url, &base, &played).await;

    // The page, after its scripts ran, then a screenshot for people.
    let page = format!("{base}/account/{}", played.annotator);
    let profile = tempfile::tempdir().expect("browser profile");
    let dom = run_chromium(&chromium, profile.path(), &["--dump-dom", &page]).await;
    check_the_page(&String::from_utf8_lossy(&dom.stdout), &played, &expected);
    let png = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/explorer/account.png");
    std::fs::create_dir_all(png.parent().expect("directory")).expect("target/explorer");
    let _ = std::fs::remove_file(&png);
    let shot = format!("--screenshot={}", png.display());
    let size = "--window-size=1280,1000";
    run_chromium(&chromium, profile.path(), &[&shot, size, &page]).await;
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(
        bytes.len() > 20_000,
        "a rendered page, not a blank one: {} bytes",
        bytes.len()
    );

    let _ = stop.send(());
    http.await.expect("server task").expect("server");
}

/// The case study and what the test needs of it.
struct Story {
    report: Report,
    /// Annotator 1.
    annotator: Address,
    /// The dataset's split.
    split: U256,
}

/// After the case study, one more deposit into the dataset's split: every payee withdrew in the
/// story, so this leaves annotator 1 owed its share of the split's current version.
async fn play(url: &str, report: Report) -> Story {
    let cast = Cast::from_signers(&signers()).expect("the dev accounts");
    let split = report
        .payouts
        .iter()
        .find(|p| p.who == "annotator 1 (dataset v0)")
        .expect("annotator 1 was paid from the dataset's split")
        .split;
    let splitter = report.deployment.address(Contract::RoyaltySplitter);
    let chain = world::connect(url, &signers()).expect("provider");
    let deposit = IRoyaltySplitter::depositCall { split_id: split }.abi_encode();
    let request = world::request(
        cast.stranger.address(),
        splitter,
        deposit,
        U256::from(ETHER / 10),
    );
    deploy::send(&chain, "deposit", request)
        .await
        .expect("a last deposit into the dataset's split");
    Story {
        report,
        annotator: cast.annotators[0].address(),
        split,
    }
}

/// What the page must show, as the API answers it.
struct Expected {
    /// Native-currency totals: owed, withdrawn, earned.
    totals: [(&'static str, U256); 3],
    /// Deposits that earned the annotator native currency (the chart's points).
    points: usize,
}

/// The API's answer for annotator 1, checked against the chain (`claimable`) and the story
/// (what it withdrew).
async fn what_the_api_answers(url: &str, base: &str, story: &Story) -> Expected {
    let annotator = story.annotator;
    let eth = Address::ZERO.to_checksum(None);
    let account: Value = reqwest::get(format!("{base}/api/accounts/{annotator}"))
        .await
        .expect("the API answers")
        .json()
        .await
        .expect("JSON");
    let native = |key: &str| -> U256 {
        account["totals"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["token"] == eth)
            .and_then(|t| t[key].as_str())
            .map_or(U256::ZERO, |s| s.parse().expect("a decimal amount"))
    };
    let (owed, withdrawn, earned) = (native("owed"), native("withdrawn"), native("earned"));
    let chain = world::connect(url, &signers()).expect("provider");
    let splitter = story.report.deployment.address(Contract::RoyaltySplitter);
    let mut claimable = U256::ZERO;
    for row in account["owed"].as_array().expect("owed rows") {
        let text = |key: &str| {
            row[key]
                .as_str()
                .unwrap_or_else(|| panic!("{key} in {row}"))
        };
        let call = IRoyaltySplitter::claimableCall {
            split_id: text("split").parse().expect("id"),
            version: u32::try_from(row["version"].as_u64().expect("version")).expect("u32"),
            recipient: annotator,
            token: text("token").parse().expect("address"),
        };
        let request = world::request(annotator, splitter, call.abi_encode(), U256::ZERO);
        let answer = chain.call(&request).await.expect("claimable");
        let value = IRoyaltySplitter::claimableCall::abi_decode_returns(&answer, true)
            .expect("claimable's answer")
            ._0;
        assert_eq!(text("owed"), value.to_string(), "{row}");
        if row["token"] == eth {
            claimable += value;
        }
    }
    assert!(
        owed > U256::ZERO,
        "the last deposit leaves annotator 1 owed something"
    );
    assert_eq!(
        owed, claimable,
        "the API's owed total is the splitter's claimable"
    );
    let paid_out: U256 = story
        .report
        .payouts
        .iter()
        .filter(|p| p.address == annotator && p.split == story.split)
        .map(|p| p.wei)
        .sum();
    assert_eq!(
        withdrawn, paid_out,
        "withdrawn is what the demo paid annotator 1 from the split"
    );
    let points = account["earnings"]
        .as_array()
        .expect("earnings")
        .iter()
        .filter(|e| e["token"] == eth)
        .count();
    assert!(points >= 2, "annotator 1 earned from several deposits");
    Expected {
        totals: [
            ("owed-total", owed),
            ("withdrawn-total", withdrawn),
            ("earned-total", earned),
        ],
        points,
    }
}

/// The DOM after the page's scripts ran: the totals exactly as the API answers them, and the
/// earnings chart with a point per deposit.
fn check_the_page(dom: &str, story: &Story, expected: &Expected) {
    assert!(
        dom.contains(&format!("data-rendered=\"/account/{}\"", story.annotator)),
        "the page rendered the account (no script error):\n{dom}"
    );
    assert!(!dom.contains("id=\"error\""), "no error is shown:\n{dom}");
    for (id, wei) in expected.totals {
        let (tag, text) =
            element(dom, &format!("id=\"{id}\"")).unwrap_or_else(|| panic!("#{id} in:\n{dom}"));
        assert_eq!(
            attribute(&tag, "data-wei"),
            Some(wei.to_string()),
            "#{id}: {tag}"
        );
        assert_eq!(text, format_eth(wei), "#{id} shows the amount in ETH");
    }
    let start = dom
        .find("data-chart=\"earnings\"")
        .expect("the earnings chart");
    let (svg, _) = element(dom, "data-chart=\"earnings\"").expect("the chart's tag");
    assert!(
        svg.starts_with("<svg") && svg.contains("class=\"chart\""),
        "{svg}"
    );
    let chart = &dom[start..start + dom[start..].find("</svg>").expect("the chart's end")];
    let (path, _) = element(chart, "class=\"line\"").expect("the chart's line");
    assert_eq!(
        attribute(&path, "data-points"),
        Some(expected.points.to_string()),
        "one point per deposit that earned annotator 1 something: {path}"
    );
    let d = attribute(&path, "d").expect("the line's path");
    let segments = d.matches(['L', 'H', 'V']).count();
    assert!(d.starts_with('M') && segments >= expected.points - 1, "{d}");
    assert_eq!(
        chart.matches("<circle").count(),
        expected.points,
        "a marker per point"
    );
    assert!(chart.contains("class=\"tick\""), "the axes are labelled");
}

/// `chromium` or `chromium-browser` on `PATH`.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// Runs headless Chromium on `args` (after the common flags) and returns its output; fails
/// the test if it does not finish in [`CHROMIUM_TIMEOUT`] or exits with an error.
async fn run_chromium(chromium: &Path, profile: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(chromium);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let shown = format!("{command:?}");
    tokio::task::spawn_blocking(move || {
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("{shown}: {e} (run scripts/setup.sh)"));
        let started = Instant::now();
        while child.try_wait().expect("chromium's status").is_none() {
            if started.elapsed() > CHROMIUM_TIMEOUT {
                let _ = child.kill();
                panic!("{shown} did not finish in {CHROMIUM_TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let output = child.wait_with_output().expect("chromium's output");
        assert!(
            output.status.success(),
            "{shown} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        output
    })
    .await
    .expect("chromium task")
}

/// The start tag of the element whose tag contains `needle`, and the text right after it.
fn element(html: &str, needle: &str) -> Option<(String, String)> {
    let at = html.find(needle)?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    let rest = &html[end + 1..];
    let text = &rest[..rest.find('<').unwrap_or(rest.len())];
    Some((html[start..=end].to_owned(), text.to_owned()))
}

/// The value of attribute `name` in start tag `tag`.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let from = tag.find(&key)? + key.len();
    let len = tag[from..].find('"')?;
    Some(tag[from..from + len].to_owned())
}

/// Wei as the page shows it: ETH with at most 6 decimals (rounded down, trailing zeros
/// trimmed), thousands grouped, `<0.000001` for a dust amount (HTML-escaped as in the DOM).
fn format_eth(wei: U256) -> String {
    let unit = U256::from(ETHER);
    let whole = (wei / unit).to_string();
    let fraction = format!("{:0>18}", (wei % unit).to_string());
    let fraction = fraction[..6].trim_end_matches('0');
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if !wei.is_zero() && whole == "0" && fraction.is_empty() {
        return "&lt;0.000001 ETH".to_owned();
    }
    if fraction.is_empty() {
        format!("{grouped} ETH")
    } else {
        format!("{grouped}.{fraction} ETH")
    }
}
