//! Speed of the page, for BENCHMARKS.md (`make bench`): against the healthy
//! lab (nginx with the deploy snippet in front of Node socket.io 4.8 with its
//! production defaults: a ping every 25 s), in headless Chromium,
//! 1. time from navigation to the first complete report
//!    (`data-conncheck-reports` at least 1), median of runs;
//! 2. our Socket.IO handshake + upgrade beside the official `socket.io-client`
//!    `connect` + upgrade, in the same page, against the same server;
//! 3. the same page under 150 ms of emulated round-trip latency (DevTools
//!    protocol), its time to done in round trips.
//!
//! Prints a Markdown section on stdout.

use anyhow::{bail, Context, Result};
use conncheck_core::checks::sticky::ROUND_TRIPS as STICKY_ROUND_TRIPS;
use conncheck_lab::browser::Browser;
use conncheck_lab::node::NodeMode;
use conncheck_lab::report_json::{check, RUN_TIMEOUT};
use conncheck_lab::topology::{Backend, Proxy, Topology, SOCKETIO_PATH};
use conncheck_lab::workspace_dir;
use serde_json::{json, Value};

const RUNS: usize = 9;
const LATENCY_RUNS: usize = 5;
const RTT_MS: f64 = 150.0;

/// Records, from before the page's first script, when the first report is
/// complete (`performance.now()`, 0 = navigation start); the state goes
/// back to `running` at once while the first ping is awaited.
const DONE_OBSERVER: &str = "new MutationObserver(() => {\
  if (!window.__doneAt && document.body && Number(document.body.dataset.conncheckReports || 0) >= 1)\
    window.__doneAt = performance.now();\
}).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-conncheck-reports'] });";

/// `socket.io-client`: connect to the namespace, then upgrade; resolves with
/// the milliseconds to `connect` and to the upgrade, from `io()`.
const CLIENT_RUN: &str = "const done = arguments[arguments.length - 1];\
  const t0 = performance.now(); let connected, upgraded;\
  const socket = io({ path: arguments[0], reconnection: false, timeout: 10000 });\
  const finish = () => { if (connected !== undefined && upgraded !== undefined) { socket.disconnect(); done([connected, upgraded]); } };\
  socket.on('connect', () => { connected = performance.now() - t0; finish(); });\
  socket.io.on('open', () => socket.io.engine.on('upgrade', () => { upgraded = performance.now() - t0; finish(); }));\
  setTimeout(() => done(null), 10000);";

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn ms(value: &Value) -> f64 {
    value.as_f64().unwrap_or(f64::NAN)
}

/// Our handshake + upgrade, from the report: the handshake check (open, then
/// namespace connect) and the upgrade check (its session, WebSocket open,
/// probe) run concurrently; both are done at the later of the two.
fn ours(report: &Value) -> f64 {
    let handshake = &check(report, "socketio-handshake")["data"];
    let connect = ms(&handshake["open"]["ms"]) + ms(&handshake["namespace"]["ms"]);
    let up = &check(report, "socketio-upgrade")["data"]["upgrade"];
    let upgrade = ms(&up["handshake"]["ms"]) + ms(&up["ws_open_ms"]) + ms(&up["probe_ms"]);
    connect.max(upgrade)
}

struct Run {
    done_ms: f64,
    report: Value,
}

async fn run(browser: &Browser, url: &str) -> Result<Run> {
    let report = browser.run_page(url, RUN_TIMEOUT).await?;
    let done_ms = browser
        .client()
        .execute("return window.__doneAt;", vec![])
        .await?;
    let done_ms = done_ms.as_f64().context("the done observer saw nothing")?;
    let violations = browser.csp_violations().await?;
    if !violations.is_empty() {
        bail!("CSP violations during the benchmark: {violations:?}");
    }
    Ok(Run { done_ms, report })
}

/// Each automatic check's median duration over the runs, in ms.
fn check_medians(runs: &[Run]) -> Vec<(String, f64)> {
    let ids: Vec<String> = runs[0].report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    ids.into_iter()
        .map(|id| {
            let values = runs
                .iter()
                .map(|r| ms(&check(&r.report, &id)["duration_ms"]))
                .collect();
            (id, median(values))
        })
        .collect()
}

#[tokio::main]
async fn main() -> Result<()> {
    let library =
        workspace_dir().join("lab-nodes/node_modules/socket.io-client/dist/socket.io.min.js");
    let library = std::fs::read_to_string(&library)
        .with_context(|| format!("{} (installed by scripts/setup.sh)", library.display()))?;
    let topology = Topology::start(Proxy::Healthy, Backend::Node(NodeMode::Healthy)).await?;
    let url = topology.page_url("");
    let browser = Browser::start(&[]).await?;
    browser.watch_csp_violations().await?;
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": DONE_OBSERVER }),
        )
        .await?;
    // A first load fills the cache, as for a returning user; not counted.
    run(&browser, &url).await?;

    let (mut runs, mut ratios, mut our_times, mut their_times) = (vec![], vec![], vec![], vec![]);
    for _ in 0..RUNS {
        let one = run(&browser, &url).await?;
        let theirs = browser
            .client()
            .execute_async(
                &format!("{library}\n{CLIENT_RUN}"),
                vec![json!(format!("{SOCKETIO_PATH}/"))],
            )
            .await?;
        let Some([connect, upgrade]) = theirs.as_array().map(|a| [ms(&a[0]), ms(&a[1])]) else {
            bail!("socket.io-client did not connect and upgrade: {theirs}");
        };
        let (ours, theirs) = (ours(&one.report), connect.max(upgrade));
        ratios.push(ours / theirs);
        our_times.push(ours);
        their_times.push(theirs);
        runs.push(one);
    }
    browser.cdp("Network.enable", json!({})).await?;
    browser
        .cdp(
            "Network.emulateNetworkConditions",
            json!({ "offline": false, "latency": RTT_MS, "downloadThroughput": -1, "uploadThroughput": -1 }),
        )
        .await?;
    let mut slow = vec![];
    for _ in 0..LATENCY_RUNS {
        slow.push(run(&browser, &url).await?);
    }
    browser.close().await;
    topology.nginx.stop().await;

    let done = median(runs.iter().map(|r| r.done_ms).collect());
    let slow_done = median(slow.iter().map(|r| r.done_ms).collect());
    // As the server announced it (its default, nothing configured).
    let ping =
        ms(&check(&runs[0].report, "socketio-handshake")["data"]["negotiated"]["ping_interval_ms"]);
    let mut out = vec![
        format!("Healthy lab (`node` scenario: nginx with `deploy/nginx/conncheck.conf`, Node socket.io 4.8, pingInterval {ping} ms), warm cache, {RUNS} runs after one uncounted load:"),
        String::new(),
        "| measure | median |".into(),
        "|---|---:|".into(),
        format!("| navigation to the first complete report (`data-conncheck-reports` 1) | {done:.0} ms |"),
        format!("| our Socket.IO handshake + upgrade (report timings) | {:.1} ms |", median(our_times)),
        format!("| `socket.io-client` 4.8.4 `connect` + upgrade, same page and server | {:.1} ms |", median(their_times)),
        format!("| **ratio ours / theirs** (median of per-run ratios; target ≤ 1.0) | **{:.2}** |", median(ratios)),
        String::new(),
        format!("Each automatic check, median duration ({RUNS} runs, no added latency, then {LATENCY_RUNS} runs with {RTT_MS:.0} ms emulated round trip):"),
        String::new(),
        "| check | no added latency | 150 ms RTT | in round trips |".into(),
        "|---|---:|---:|---:|".into(),
    ];
    let slow_checks = check_medians(&slow);
    for ((id, fast), (_, slow_ms)) in check_medians(&runs).into_iter().zip(slow_checks) {
        out.push(format!(
            "| {id} | {fast:.0} ms | {slow_ms:.0} ms | {:.1} |",
            slow_ms / RTT_MS
        ));
    }
    // The fewest round trips the protocol allows for these checks: the page
    // (document; then its scripts, wasm and style together; then
    // conncheck.json, read by the running page), the first handshake alone
    // (the cookie jar settles), then the longest check. The first server
    // ping is observed after the report.
    let page = 3.0;
    let first_handshake = 1.0;
    let sticky = f64::from(STICKY_ROUND_TRIPS);
    let upgrade = 3.0;
    let minimum = page + first_handshake + sticky.max(upgrade);
    out.push(String::new());
    out.push(format!(
        "Under {RTT_MS:.0} ms RTT (median of {LATENCY_RUNS} runs):"
    ));
    out.push(String::new());
    out.push("| | round trips |".into());
    out.push("|---|---:|".into());
    out.push(format!(
        "| measured: navigation to the first complete report, {slow_done:.0} ms | **{:.1}** |",
        slow_done / RTT_MS
    ));
    out.push(format!(
        "| minimum: page load (document, assets, conncheck.json) | {page:.0} |"
    ));
    out.push(format!(
        "| minimum: the first Socket.IO handshake alone, so the cookie jar settles | {first_handshake:.0} |"
    ));
    out.push(format!("| minimum: sticky-session, its sessions with and without cookies, one request after another | {sticky:.0} |"));
    out.push(format!("| minimum: socketio-upgrade, handshake, WebSocket open, probe (the first ping comes after the report) | {upgrade:.0} |"));
    out.push("| minimum: the others (concurrent, shorter) | ≤ 3 |".into());
    out.push(format!(
        "| **minimum for the full automatic report** | **{minimum:.0}** |"
    ));
    out.push(format!(
        "| **measured / minimum** (target ≤ 1.2) | **{:.2}** |",
        slow_done / RTT_MS / minimum
    ));
    println!("{}", out.join("\n"));
    Ok(())
}
