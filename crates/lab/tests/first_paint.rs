//! The static shell of `index.html`, end to end, served by the deploy snippet
//! under its strict Content-Security-Policy: when the wasm cannot load, the
//! shell tells the user what to send support; when it loads, the app
//! replaces the shell without a trace, and the shell was painted before the
//! wasm had arrived.

use std::time::Duration;

use anyhow::{Context, Result};
use conncheck_lab::browser::Browser;
use conncheck_lab::node::NodeMode;
use conncheck_lab::report_json::RUN_TIMEOUT;
use conncheck_lab::topology::{Backend, Proxy, Topology};
use serde_json::{json, Value};

/// Bounds the wait for the shell's failure message (the wasm request fails
/// at once when blocked; this only keeps a broken page from hanging the test).
const BOOT_TIMEOUT: Duration = Duration::from_secs(20);

/// Texts that only the static shell shows.
const SHELL_TEXTS: [&str; 4] = [
    "Checking your connection…",
    "it can take a minute to start",
    "The check could not start",
    "Send this to your support contact",
];

/// The DevTools "Fast 3G" preset: 562.5 ms latency, 1.44 Mbit/s down,
/// 675 kbit/s up (throughputs in bytes per second).
fn fast_3g() -> Value {
    json!({
        "offline": false,
        "latency": 562.5,
        "downloadThroughput": 180_000.0,
        "uploadThroughput": 84_375.0,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn blocked_wasm_shows_what_to_send_support() -> Result<()> {
    blocked_shows_what_to_send_support("*.wasm").await
}

#[tokio::test(flavor = "multi_thread")]
async fn blocked_js_glue_shows_what_to_send_support() -> Result<()> {
    // The module the loader imports (wasm-bindgen's glue), not the loader.
    blocked_shows_what_to_send_support("*/conncheck-*.js").await
}

/// Loads the page with requests matching `pattern` blocked by Chromium, as
/// a proxy or security program would, and checks the shell's guidance.
async fn blocked_shows_what_to_send_support(pattern: &str) -> Result<()> {
    let topology = Topology::start(Proxy::Healthy, Backend::Node(NodeMode::Healthy)).await?;
    let browser = Browser::start(&[]).await?;
    browser.watch_csp_violations().await?;
    browser.cdp("Network.enable", json!({})).await?;
    browser
        .cdp("Network.setBlockedURLs", json!({ "urls": [pattern] }))
        .await?;
    browser.client().goto(&topology.page_url("")).await?;

    let boot = browser
        .poll(
            "return document.body.getAttribute('data-conncheck-boot');",
            BOOT_TIMEOUT,
            |v| v == "failed",
        )
        .await?;
    let text = browser.text().await?;
    assert_eq!(
        boot, "failed",
        "the loader never reported the failure: {text}"
    );
    let shown = browser
        .client()
        .execute(
            "const box = document.getElementById('boot-failed');\
             return !!box && !box.hidden && box.getBoundingClientRect().height > 0;",
            vec![],
        )
        .await?;
    assert_eq!(shown, true, "{text}");
    for expected in [
        "Connection check",
        "The check could not start",
        "WebAssembly file",
        "Send this to your support contact",
        "your browser's name and version",
    ] {
        assert!(text.contains(expected), "{expected:?} not shown: {text}");
    }
    // The failure path itself runs under the CSP without a violation.
    assert_eq!(browser.csp_violations().await?, Vec::<String>::new());
    browser.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_replaces_the_shell_painted_before_the_wasm() -> Result<()> {
    let topology = Topology::start(Proxy::Healthy, Backend::Node(NodeMode::Healthy)).await?;
    let browser = Browser::start(&[]).await?;
    browser.watch_csp_violations().await?;
    browser.cdp("Network.enable", json!({})).await?;
    browser
        .cdp("Network.emulateNetworkConditions", fast_3g())
        .await?;
    browser.client().goto(&topology.page_url("")).await?;

    // The app's first render, then full speed for the checks themselves.
    let view = browser
        .poll(
            "return document.body.getAttribute('data-conncheck-view');",
            RUN_TIMEOUT,
            |v| v.is_string(),
        )
        .await?;
    assert_eq!(
        view,
        "live",
        "the app never rendered: {}",
        browser.text().await?
    );
    let order = browser
        .client()
        .execute(
            "const paint = performance.getEntriesByName('first-contentful-paint')[0];\
             const wasm = performance.getEntriesByType('resource').find(e => e.name.endsWith('.wasm'));\
             return [paint ? paint.startTime : null, wasm ? wasm.responseEnd : null];",
            vec![],
        )
        .await?;
    let paint = order[0]
        .as_f64()
        .context("no first-contentful-paint entry")?;
    let wasm = order[1]
        .as_f64()
        .context("no resource entry for the wasm")?;
    assert!(
        paint < wasm,
        "first paint at {paint} ms, not before the wasm arrived at {wasm} ms"
    );
    browser
        .cdp(
            "Network.emulateNetworkConditions",
            json!({ "offline": false, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 }),
        )
        .await?;
    let reports = browser
        .poll(
            "return Number(document.body.getAttribute('data-conncheck-reports') || 0);",
            RUN_TIMEOUT,
            |v| v.as_u64().unwrap_or(0) >= 1,
        )
        .await?;
    let text = browser.text().await?;
    assert!(
        reports.as_u64().unwrap_or(0) >= 1,
        "no complete report: {text}"
    );

    // Replaced cleanly: one app, none of the shell's words or elements.
    for gone in SHELL_TEXTS {
        assert!(!text.contains(gone), "{gone:?} still shown: {text}");
    }
    let left = browser
        .client()
        .execute(
            "return [document.querySelectorAll('#app > main').length,\
                     document.querySelectorAll('h1').length,\
                     document.querySelectorAll('.boot, #boot-failed, #boot-status, .boot-slow').length,\
                     document.body.getAttribute('data-conncheck-boot')];",
            vec![],
        )
        .await?;
    assert_eq!(left, json!([1, 1, 0, null]), "{text}");
    assert!(text.contains("Everything we tested works."), "{text}");
    assert_eq!(browser.csp_violations().await?, Vec::<String>::new());
    browser.close().await;
    Ok(())
}
