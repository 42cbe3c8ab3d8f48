//! The terminal client (`crates/cli`, binary `conncheck`) against the lab:
//! its findings and exit status on the scenario table's rows, the same
//! finding ids as the page (run beside it in Chromium on its own topology),
//! its JSON read back as the support view reads a report; `cli_watch.rs`
//! has `--watch`. The binary is the workspace's debug build
//! (`conncheck_lab::cli`).

use std::time::Duration;

use anyhow::{Context, Result};
use conncheck_core::report::Report;
use conncheck_core::share;
use conncheck_lab::browser::Browser;
use conncheck_lab::cli::Ran;
use conncheck_lab::report_json::{compare, finding_ids, open_shared, run_named};
use conncheck_lab::scenarios::scenario;
use conncheck_lab::topology::Topology;
use serde_json::Value;

/// Bound on one CLI run: the slowest row here waits for the server's first
/// ping (25 s) or holds a 10 s lifetime.
const CLI_TIMEOUT: Duration = Duration::from_secs(90);

async fn cli(args: &[&str]) -> Result<Ran> {
    conncheck_lab::cli::run(args, CLI_TIMEOUT).await
}

/// The CLI's JSON report on a fresh topology of the named scenario, its
/// exit status, and the topology (which serves the page).
async fn cli_report(name: &str) -> Result<(Value, i32, Topology)> {
    let s = scenario(name)?;
    let topology = Topology::start(s.proxy, s.backend).await?;
    let ran = cli(&[&topology.page_url(s.query), "--json", "--quiet"]).await?;
    let report: Value = serde_json::from_str(&ran.stdout).with_context(|| {
        format!(
            "{name}: not a JSON report (exit {}): {}{}",
            ran.code, ran.stdout, ran.stderr
        )
    })?;
    Ok((report, ran.code, topology))
}

/// The scenario through the CLI and the page at once, each on its own
/// topology: the CLI's findings are the table's and the page's, its exit
/// status is `code`, and its report reads as the support view reads one.
async fn same_as_page(name: &str, code: i32) -> Result<(Value, Topology)> {
    let ((report, exit, topology), page) = tokio::try_join!(cli_report(name), run_named(name))?;
    let (page, s) = page;
    let (alarms, misses) = compare(&report, s.expected);
    assert!(
        alarms.is_empty() && misses.is_empty(),
        "{name}: CLI false alarms {alarms:?}, misses {misses:?} in {report:#}"
    );
    let mut cli_ids = finding_ids(&report);
    let mut page_ids = finding_ids(&page);
    cli_ids.sort_unstable();
    page_ids.sort_unstable();
    assert_eq!(cli_ids, page_ids, "{name}: the CLI and the page disagree");
    assert_eq!(exit, code, "{name}: exit status; {report:#}");
    // The network checks ran, the browser's own are not in the report.
    let ids: Vec<&str> = report["checks"]
        .as_array()
        .context("checks")?
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    for id in [
        "websocket",
        "socketio-handshake",
        "socketio-upgrade",
        "sticky-session",
    ] {
        assert!(ids.contains(&id), "{name}: no {id} in {ids:?}");
    }
    for id in ["secure-context", "media", "webrtc", "affinity-cookie"] {
        assert!(
            !ids.contains(&id),
            "{name}: {id} is a browser's own: {ids:?}"
        );
    }
    let read: Report = serde_json::from_value(report.clone())?;
    let view = conncheck_core::view::derive_shared(&read, &[]);
    assert!(
        !view.altered(),
        "{name}: the support view calls the CLI's report altered"
    );
    Ok((report, topology))
}

#[tokio::test(flavor = "multi_thread")]
async fn healthy_node_passes_like_the_page() -> Result<()> {
    let (report, _) = same_as_page("node", 0).await?;
    for c in report["checks"].as_array().context("checks")? {
        assert_eq!(c["status"], "pass", "{c:#}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn round_robin_is_sticky_session_missing_like_the_page() -> Result<()> {
    let (report, topology) = same_as_page("round-robin", 1).await?;
    // The support view opens it as a shared link, with the CLI's verdict
    // and no altered-report notice.
    let read: Report = serde_json::from_value(report)?;
    let expected = conncheck_core::view::derive(&read).verdict.headline;
    let browser = Browser::start(&[]).await?;
    open_shared(&browser, &share::link(&topology.page_root(), &read)).await?;
    let shown = browser
        .client()
        .execute(
            "const v = document.querySelector('.verdict');\
             const a = document.querySelector('[data-altered]');\
             return [v && v.textContent, a && a.textContent];",
            vec![],
        )
        .await?;
    browser.close().await;
    assert_eq!(shown, serde_json::json!([expected, null]));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn no_upgrade_is_websocket_blocked_like_the_page() -> Result<()> {
    same_as_page("no-upgrade", 1).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_cut_is_connection_cut_like_the_page() -> Result<()> {
    let (report, _) = same_as_page("short-idle", 1).await?;
    let lifetime = report["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == "connection-lifetime"))
        .context("the configured lifetime was observed")?;
    assert_eq!(lifetime["status"], "fail", "{lifetime:#}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn text_output_and_could_not_run() -> Result<()> {
    let s = scenario("no-upgrade")?;
    let topology = Topology::start(s.proxy, s.backend).await?;
    let ran = cli(&[&topology.page_url(s.query)]).await?;
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.contains("[websocket-blocked]"), "{}", ran.stdout);
    assert!(
        ran.stdout.contains("Fix ("),
        "fixes are shown: {}",
        ran.stdout
    );
    assert!(!ran.stdout.contains('\x1b'), "no colour off a terminal");
    for bad in [
        vec!["ftp://example.invalid/"],
        vec!["http://127.0.0.1:9/", "--socketio", "ht!tp://x"],
        vec!["http://127.0.0.1:9/", "--lifetime", "forever"],
    ] {
        let ran = cli(&bad).await?;
        assert_eq!(ran.code, 2, "{bad:?}: {}{}", ran.stdout, ran.stderr);
        assert!(
            ran.stderr.starts_with("conncheck: "),
            "{bad:?}: {}",
            ran.stderr
        );
    }
    Ok(())
}
