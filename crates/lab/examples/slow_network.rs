//! The page on a bad network, for BENCHMARKS.md (`make bench`): the release
//! page served by the deploy snippet (`deploy/nginx/`, with its CSP and
//! gzip_static) in front of the official Node socket.io server with its
//! production defaults (pingInterval 25 s, pingTimeout 20 s), loaded by
//! headless Chromium with an empty cache under the DevTools "Slow 3G" and
//! "Fast 3G" presets (`Network.emulateNetworkConditions`). Per preset, the
//! median over the runs of: first contentful paint (the static shell), the
//! wasm's arrival, the app's first render (`data-conncheck-view` set) and
//! the first complete report (`data-conncheck-reports` at least 1).
//!
//! Prints a Markdown section on stdout.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use conncheck_lab::browser::Browser;
use conncheck_lab::nginx::Nginx;
use conncheck_lab::{check_dist, default_dist, workspace_dir};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const RUNS: usize = 3;
/// Bounds one run: Slow 3G's 2 s round trip times the report's ~40.
const RUN_BOUND: Duration = Duration::from_secs(300);
const DEPLOY_PAGE: &str = include_str!("../../../deploy/nginx/conncheck.conf");
const DEPLOY_SOCKETIO: &str = include_str!("../../../deploy/nginx/socketio.conf");

/// Records, from before the page's first script, when the app first
/// rendered and when its first complete report was there.
const OBSERVER: &str = "new MutationObserver(() => {\
  const b = document.body; if (!b) return;\
  if (!window.__appAt && b.hasAttribute('data-conncheck-view')) window.__appAt = performance.now();\
  if (!window.__reportAt && Number(b.getAttribute('data-conncheck-reports') || 0) >= 1) window.__reportAt = performance.now();\
}).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-conncheck-view', 'data-conncheck-reports'] });";

const READ: &str = "const paint = performance.getEntriesByName('first-contentful-paint')[0];\
  const wasm = performance.getEntriesByType('resource').find(e => e.name.endsWith('.wasm'));\
  return [paint ? paint.startTime : null, wasm ? wasm.responseEnd : null, window.__appAt || null, window.__reportAt || null, wasm ? wasm.transferSize : null];";

/// DevTools' presets: latency in ms, throughputs in bytes per second.
const PRESETS: [(&str, f64, f64, f64); 2] = [
    ("Slow 3G", 2000.0, 50_000.0, 50_000.0),
    ("Fast 3G", 562.5, 180_000.0, 84_375.0),
];

/// `lab-nodes/server.js` with no ping options: socket.io's own defaults.
async fn node_with_defaults() -> Result<(Child, u16)> {
    let script = workspace_dir().join("lab-nodes/server.js");
    let mut child = Command::new("node")
        .arg(&script)
        .args(["--port", "0", "--mode", "healthy", "--path", "/socket.io"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("cannot start node")?;
    let stdout = child.stdout.take().context("node's stdout")?;
    let first = tokio::time::timeout(
        Duration::from_secs(10),
        BufReader::new(stdout).lines().next_line(),
    )
    .await
    .context("the Node server did not start within 10 s")??;
    let port = first
        .as_deref()
        .and_then(|l| l.strip_prefix("listening "))
        .and_then(|p| p.parse().ok())
        .with_context(|| format!("the Node server said {first:?}"))?;
    Ok((child, port))
}

/// 354436.0 as "354,436".
fn thousands(value: f64) -> String {
    let digits = format!("{value:.0}");
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

async fn run(browser: &Browser, url: &str) -> Result<[f64; 5]> {
    browser.client().goto(url).await?;
    let script = "return window.__reportAt || null;";
    let done = browser.poll(script, RUN_BOUND, Value::is_number).await?;
    if !done.is_number() {
        bail!(
            "no complete report within {RUN_BOUND:?}: {}",
            browser.text().await?
        );
    }
    let seen = browser.client().execute(READ, vec![]).await?;
    let mut out = [0.0; 5];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = seen[i]
            .as_f64()
            .with_context(|| format!("measure {i} missing: {seen}"))?;
    }
    let violations = browser.csp_violations().await?;
    if !violations.is_empty() {
        bail!("CSP violations: {violations:?}");
    }
    Ok(out)
}

#[tokio::main]
async fn main() -> Result<()> {
    let dist = default_dist();
    check_dist(&dist)?;
    let (_node, node_port) = node_with_defaults().await?;
    let site = tempfile::tempdir()?;
    std::os::unix::fs::symlink(dist.canonicalize()?, site.path().join("conncheck"))?;
    let root = format!("root {};", site.path().canonicalize()?.display());
    let http =
        format!("    upstream app_backend {{\n        server 127.0.0.1:{node_port};\n    }}\n");
    let server = format!(
        "{}{DEPLOY_SOCKETIO}",
        DEPLOY_PAGE.replacen("root /srv;", &root, 1)
    );
    let nginx = Nginx::start(&http, &server).await?;
    let url = format!("http://127.0.0.1:{}/conncheck/", nginx.port);

    let browser = Browser::start(&[]).await?;
    browser.watch_csp_violations().await?;
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": OBSERVER }),
        )
        .await?;
    browser.cdp("Network.enable", json!({})).await?;
    // A first visit each time: nothing cached.
    browser
        .cdp("Network.setCacheDisabled", json!({ "cacheDisabled": true }))
        .await?;

    let mut rows = Vec::new();
    for (name, latency, down, up) in PRESETS {
        let conditions = json!({ "offline": false, "latency": latency,
            "downloadThroughput": down, "uploadThroughput": up });
        browser
            .cdp("Network.emulateNetworkConditions", conditions)
            .await?;
        let mut runs = Vec::new();
        for _ in 0..RUNS {
            runs.push(run(&browser, &url).await?);
        }
        let m = |i: usize| median(runs.iter().map(|r| r[i]).collect());
        rows.push(format!(
            "| {name} ({latency} ms, {} kbit/s down) | {:.1} s | {:.1} s | {:.1} s | {:.1} s | {} |",
            down * 8.0 / 1000.0,
            m(0) / 1000.0,
            m(1) / 1000.0,
            m(2) / 1000.0,
            m(3) / 1000.0,
            thousands(m(4)),
        ));
    }
    browser.close().await;
    println!(
        "Headless Chromium, empty cache, DevTools network presets; the page served by \
         `deploy/nginx/conncheck.conf` (gzip_static) with Node socket.io 4.8 at its defaults \
         (pingInterval 25 s); median of {RUNS} runs, from navigation start:\n\n\
         | network | first paint (shell) | wasm arrived | app's first render | first complete report | wasm bytes transferred |\n\
         |---|---:|---:|---:|---:|---:|\n{}",
        rows.join("\n")
    );
    Ok(())
}
