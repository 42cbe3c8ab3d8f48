//! End to end in the engines a support link opens in besides Chromium:
//! Firefox ESR (geckodriver) and WebKitGTK, Safari's engine (WebKitWebDriver
//! and MiniBrowser on a private Xvfb display). The same built page, the same
//! lab, the same expected finding ids as the Chromium tests; every run must
//! be right, no retries. `cargo test -p conncheck-lab --test engines firefox`
//! (or `webkit`) runs one engine's subset.

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use conncheck_core::share;
use conncheck_lab::browser::Browser;
use conncheck_lab::engine::{run_named_in, Devices, Engine};
use conncheck_lab::node::NodeMode;
use conncheck_lab::report_json::{check, compare, finding_ids, RUN_TIMEOUT};
use conncheck_lab::topology::{Backend, Proxy, Topology};
use conncheck_lab::{default_dist, Lab, LabOptions};
use serde_json::{json, Value};

/// Runs the named scenario `runs` times in `engine`; every report must have
/// exactly the table's finding ids.
async fn every_run_right(engine: Engine, name: &str, runs: usize) -> Result<Vec<Value>> {
    let mut reports = Vec::new();
    for run in 1..=runs {
        let (report, scenario) = run_named_in(engine, name).await?;
        let (alarms, misses) = compare(&report, scenario.expected);
        assert!(
            alarms.is_empty() && misses.is_empty(),
            "{} {name}, run {run} of {runs}: false alarms {alarms:?}, misses {misses:?} in {report:#}",
            engine.name()
        );
        reports.push(report);
    }
    Ok(reports)
}

/// The engine and its version, as the browser's user agent states them:
/// `Firefox/153.0` for the installed Firefox ESR 153.x; WebKitGTK states
/// `AppleWebKit/…` and a Safari-style version, not its own.
fn assert_names_engine(engine: Engine, report: &Value) {
    let ua = report["environment"]["user_agent"]
        .as_str()
        .unwrap_or_default();
    let named = match engine {
        Engine::Firefox => {
            let installed = std::process::Command::new(conncheck_lab::engine::FIREFOX)
                .arg("--version")
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default();
            // "Mozilla Firefox 153.8.0esr"
            let major = installed
                .split_whitespace()
                .last()
                .and_then(|v| v.split('.').next());
            let major = major
                .filter(|m| !m.is_empty())
                .expect("firefox-esr --version");
            ua.contains("Gecko/") && ua.contains(&format!("Firefox/{major}."))
        }
        Engine::Webkit => {
            ua.contains("AppleWebKit/") && ua.contains("Safari/") && !ua.contains("Chrome/")
        }
        Engine::Chromium => ua.contains("Chrome/"),
    };
    assert!(named, "{}: user agent {ua:?}", engine.name());
}

async fn healthy_cookie_affinity(engine: Engine) -> Result<()> {
    for (run, report) in (1..).zip(every_run_right(engine, "cookie-affinity", 3).await?) {
        // Camera and WebRTC wait for their button or a configured server.
        // Debian's WebKitGTK is built without WebRTC: no RTCPeerConnection,
        // which the page reports as a warning with the browser's error.
        let no_webrtc = engine == Engine::Webkit;
        for c in report["checks"].as_array().into_iter().flatten() {
            let expected = match c["id"].as_str() {
                Some("webrtc") if no_webrtc => "warn",
                Some("media" | "webrtc") => "skip",
                _ => "pass",
            };
            assert_eq!(
                c["status"], expected,
                "run {run}: {} in {report:#}",
                c["id"]
            );
        }
        if no_webrtc {
            let host = &check(&report, "webrtc")["data"]["gatherings"][0];
            assert_eq!(host["candidates"], json!([]), "run {run}: {host:#}");
            let error = host["errors"][0]["text"].as_str().unwrap_or_default();
            assert!(error.contains("RTCPeerConnection"), "run {run}: {host:#}");
        }
        let sticky = check(&report, "sticky-session");
        assert_eq!(
            sticky["data"]["affinity"], "cookie",
            "run {run}: {sticky:#}"
        );
        assert_names_engine(engine, &report);
    }
    Ok(())
}

async fn view(browser: &Browser) -> Result<Value> {
    let script = "return document.body.getAttribute('data-conncheck-view');";
    Ok(browser.client().execute(script, vec![]).await?)
}

fn same_findings_and_checks(shared: &Value, original: &Value) {
    assert_eq!(finding_ids(shared), finding_ids(original));
    assert_eq!(shared["checks"], original["checks"]);
}

/// A live run's copy text and link, decoded by the core and opened by the
/// page's support view (pasted, and as a link), carry the same findings.
async fn share_round_trip(engine: Engine) -> Result<()> {
    let topology = Topology::start(Proxy::NoUpgrade, Backend::Node(NodeMode::Healthy)).await?;
    let browser = Browser::start_engine(engine, Devices::default()).await?;
    let original = browser
        .run_page(&topology.page_url(""), RUN_TIMEOUT)
        .await?;
    assert_eq!(finding_ids(&original), ["websocket-blocked"]);

    browser.click_action("copy-report").await?;
    let status = browser
        .poll(
            "return document.querySelector('.share-status').textContent;",
            Duration::from_secs(5),
            |v| v.as_str().is_some_and(|t| !t.is_empty()),
        )
        .await?;
    let status = status.as_str().unwrap_or_default();
    assert!(
        status.contains("Report copied") || status.contains("press Ctrl+C"),
        "visible confirmation: {status:?}"
    );
    let text = browser.value_of("#report-text").await?;
    let line = text.lines().last().unwrap_or_default();
    assert!(line.starts_with("conncheck-report:1:"), "{text}");
    let decoded = share::decode(line)?;
    let link = browser.value_of("#report-link").await?;
    assert_eq!(
        share::decode(&link)?,
        decoded,
        "the link holds the same report"
    );
    let summary = decoded.environment.browser_summary();

    browser.client().goto(&topology.page_root()).await?;
    browser.wait_for_state("done", RUN_TIMEOUT).await?;
    let c = browser.client();
    c.execute("document.querySelector('details.import').open = true; document.getElementById('import-text').value = arguments[0];", vec![json!(text)]).await?;
    browser.click_action("import-report").await?;
    browser.wait_for_state("done", RUN_TIMEOUT).await?;
    assert_eq!(view(&browser).await?, "shared", "the pasted text opens");
    same_findings_and_checks(&browser.report().await?, &original);
    let page = browser.text().await?;
    assert!(
        page.contains("Shared report") && page.contains(&summary),
        "{summary}: {page}"
    );

    browser.client().goto(&link).await?;
    browser.wait_for_state("done", RUN_TIMEOUT).await?;
    assert_eq!(view(&browser).await?, "shared", "the link opens");
    same_findings_and_checks(&browser.report().await?, &original);
    browser.close().await;
    Ok(())
}

/// The built page with every wasm file missing, as a proxy or security
/// program that blocks them leaves it: the static shell says what to send.
async fn static_shell_without_wasm(engine: Engine) -> Result<()> {
    let dist = tempfile::tempdir()?;
    let mut removed = 0;
    for entry in std::fs::read_dir(default_dist())? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            removed += 1;
        } else if path.is_file() {
            std::fs::copy(&path, dist.path().join(path.file_name().context("a name")?))?;
        }
    }
    ensure!(removed >= 1, "the built page has no wasm to withhold");
    let lab = Lab::start(LabOptions::new(dist.path().to_owned())).await?;
    let browser = Browser::start_engine(engine, Devices::default()).await?;
    browser.client().goto(&lab.url()).await?;
    let boot = browser
        .poll(
            "return document.body.getAttribute('data-conncheck-boot');",
            Duration::from_secs(20),
            |v| v == "failed",
        )
        .await?;
    let text = browser.text().await?;
    assert_eq!(
        boot, "failed",
        "the loader never reported the failure: {text}"
    );
    for expected in [
        "The check could not start",
        "WebAssembly file",
        "Send this to your support contact",
        "your browser's name and version",
    ] {
        assert!(text.contains(expected), "{expected:?} not shown: {text}");
    }
    browser.close().await;
    Ok(())
}

/// The camera and microphone test with the engine's fake devices, granted.
async fn media_with_fake_devices(engine: Engine) -> Result<()> {
    let lab = Lab::start(LabOptions::new(default_dist())).await?;
    let devices = Devices {
        fake: true,
        granted: true,
    };
    let browser = Browser::start_engine(engine, devices).await?;
    browser.run_page(&lab.url(), RUN_TIMEOUT).await?;
    browser.click_action("media-test").await?;
    let tested = "const r = document.body.getAttribute('data-conncheck-state') === 'done'
            && JSON.parse(document.getElementById('report-json').textContent || '{}');
        return !!r && r.checks.some(c => c.id === 'media' && c.data.tested === true);";
    let done = browser
        .poll(tested, Duration::from_secs(90), |v| v == true)
        .await?;
    ensure!(done == true, "the media test did not finish");
    let report = browser.report().await?;
    browser.close().await;
    let media = check(&report, "media");
    assert_eq!(media["status"], "pass", "{media:#}");
    assert!(
        media["data"]["video"]["track"]["width"]
            .as_u64()
            .unwrap_or(0)
            > 0,
        "{media:#}"
    );
    assert_eq!(media["data"]["audio"]["granted"], true, "{media:#}");
    // Firefox's audio track states its channels but no sample rate.
    let audio = &media["data"]["audio"]["track"];
    let sound = ["sample_rate", "channel_count"].map(|k| audio[k].as_u64().unwrap_or(0));
    assert!(sound.iter().any(|n| *n > 0), "{media:#}");
    assert_eq!(finding_ids(&report), Vec::<&str>::new());
    Ok(())
}

macro_rules! engine_tests {
    ($module:ident, $engine:expr) => {
        mod $module {
            use super::*;

            #[tokio::test(flavor = "multi_thread")]
            async fn healthy_cookie_affinity_every_run() -> Result<()> {
                healthy_cookie_affinity($engine).await
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn round_robin_is_sticky_session_missing() -> Result<()> {
                every_run_right($engine, "round-robin", 1).await.map(drop)
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn upgrade_headers_dropped_is_websocket_blocked() -> Result<()> {
                every_run_right($engine, "no-upgrade", 1).await.map(drop)
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn rate_limited() -> Result<()> {
                every_run_right($engine, "rate-limit-429", 1)
                    .await
                    .map(drop)
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn stalled_session() -> Result<()> {
                every_run_right($engine, "stalled", 1).await.map(drop)
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn share_text_link_and_support_view() -> Result<()> {
                share_round_trip($engine).await
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn static_shell_when_the_wasm_is_blocked() -> Result<()> {
                static_shell_without_wasm($engine).await
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn media_with_the_engines_fake_devices() -> Result<()> {
                media_with_fake_devices($engine).await
            }
        }
    };
}

engine_tests!(firefox, Engine::Firefox);
engine_tests!(webkit, Engine::Webkit);
