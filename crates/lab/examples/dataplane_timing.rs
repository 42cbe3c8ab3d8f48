//! Time to the first complete report per data plane (issue 24's target:
//! at most 1.0 s each on loopback): navigation to `data-conncheck-reports`
//! 1 in headless Chromium, median of runs with a warm cache after one
//! uncounted load, one browser per scenario (its cookie jar keeps the
//! affinity cookie, as a returning user's does). Scenarios run one after
//! another so they do not share the machine.
//!
//! `cargo run --release -p conncheck-lab --example dataplane_timing [NAME…]`
//! (default: the healthy three-pod rows of nginx, HAProxy, Envoy, Traefik).
//! Prints a Markdown table on stdout.

use anyhow::{bail, Context, Result};
use conncheck_lab::browser::Browser;
use conncheck_lab::report_json::{compare, RUN_TIMEOUT};
use conncheck_lab::scenarios::scenario;
use conncheck_lab::topology::Topology;
use serde_json::json;

const RUNS: usize = 9;
const DEFAULT: [&str; 5] = [
    "cookie-affinity",
    "haproxy-cookie",
    "envoy-ring-hash",
    "envoy-stateful-session",
    "traefik-sticky",
];

/// As in `timing.rs`: when the first report is complete, from navigation.
const DONE_OBSERVER: &str = "new MutationObserver(() => {\
  if (!window.__doneAt && document.body && Number(document.body.dataset.conncheckReports || 0) >= 1)\
    window.__doneAt = performance.now();\
}).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-conncheck-reports'] });";

/// The sorted milliseconds of [`RUNS`] counted runs of `name`.
async fn measure(name: &str) -> Result<Vec<f64>> {
    let s = scenario(name)?;
    let topology = Topology::start(s.proxy, s.backend).await?;
    let url = topology.page_url(s.query);
    let browser = Browser::start(&[]).await?;
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": DONE_OBSERVER }),
        )
        .await?;
    let mut times = Vec::new();
    for run in 0..=RUNS {
        let report = browser.run_page(&url, RUN_TIMEOUT).await?;
        let (alarms, misses) = compare(&report, s.expected);
        if !alarms.is_empty() || !misses.is_empty() {
            bail!("{name}: false alarms {alarms:?}, misses {misses:?}");
        }
        let done = browser
            .client()
            .execute("return window.__doneAt;", vec![])
            .await?;
        let done = done.as_f64().context("the done observer saw nothing")?;
        if run > 0 {
            times.push(done);
        }
    }
    browser.close().await;
    times.sort_by(|a, b| a.total_cmp(b));
    Ok(times)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let names: Vec<&str> = if args.is_empty() {
        DEFAULT.to_vec()
    } else {
        args.iter().map(String::as_str).collect()
    };
    let mut out = vec![
        format!("Navigation to the first complete report, warm cache, {RUNS} runs after one uncounted load (target ≤ 1.0 s):"),
        String::new(),
        "| scenario | front | median | min | max |".into(),
        "|---|---|---:|---:|---:|".into(),
    ];
    for name in names {
        let times = measure(name).await?;
        let what = scenario(name)?.what;
        out.push(format!(
            "| `{name}` | {what} | {:.0} ms | {:.0} ms | {:.0} ms |",
            times[times.len() / 2],
            times[0],
            times[times.len() - 1]
        ));
    }
    println!("{}", out.join("\n"));
    Ok(())
}
