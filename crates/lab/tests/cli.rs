//! The terminal client (`crates/cli`, binary `conncheck`) against the lab:
//! its findings and exit status on the scenario table's rows, the same
//! finding ids as the page (run beside it in Chromium on its own topology),
//! its JSON read back as the support view reads a report, and `--watch`
//! seeing a pod restarted mid-run and an idle cut at the right time.
//!
//! The binary is the workspace's debug build (`cargo build -p
//! conncheck-cli`, which scripts/test.sh runs before these tests).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use conncheck_core::diagnosis::verdict;
use conncheck_core::report::Report;
use conncheck_core::share;
use conncheck_lab::browser::Browser;
use conncheck_lab::report_json::{compare, finding_ids, open_shared, run_named};
use conncheck_lab::scenarios::scenario;
use conncheck_lab::topology::{Backend, Proxy, Topology};
use serde_json::Value;

/// Bound on one CLI run: the slowest row here waits for the server's first
/// ping (25 s) or holds a 10 s lifetime.
const CLI_TIMEOUT: Duration = Duration::from_secs(90);

/// `target/<profile>/conncheck`, beside this test's own `deps/` directory.
fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let bin = dir.join("conncheck");
    assert!(
        bin.is_file(),
        "{} is missing: build it first (cargo build -p conncheck-cli)",
        bin.display()
    );
    bin
}

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

async fn cli(args: &[&str]) -> Result<Ran> {
    let child = tokio::process::Command::new(binary())
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let out = tokio::time::timeout(CLI_TIMEOUT, child.wait_with_output())
        .await
        .with_context(|| format!("conncheck {args:?} ran longer than {CLI_TIMEOUT:?}"))??;
    Ok(Ran {
        code: out.status.code().context("killed by a signal")?,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
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
    let view = conncheck_core::support_view::derive(&read, &[]);
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
    let expected = verdict(&read.checks, &read.findings).headline;
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

/// `--watch` output read back: its drops.
fn drops(out: &str) -> Result<(Value, Vec<Value>)> {
    let report: Value = serde_json::from_str(out).with_context(|| format!("not JSON: {out}"))?;
    let drops = report["drops"].as_array().context("drops")?.clone();
    Ok((report, drops))
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_reports_a_pod_restarted_mid_run() -> Result<()> {
    let mut topology = Topology::start(
        Proxy::Healthy,
        Backend::Node(conncheck_lab::node::NodeMode::Healthy),
    )
    .await?;
    let url = topology.page_url("");
    let watch = tokio::spawn(async move {
        cli(&[
            &url,
            "--watch",
            "16s",
            "--sessions",
            "2",
            "--json",
            "--quiet",
        ])
        .await
    });
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let killed_ms = started.elapsed().as_millis() as u64;
    topology.restart_pod(0).await?;
    let ran = watch.await??;
    let (report, drops) = drops(&ran.stdout)?;
    assert_eq!(ran.code, 1, "{report:#}");
    // Two sessions per transport, all on the one pod: each dropped once.
    let mut transports: Vec<&str> = drops
        .iter()
        .filter_map(|d| d["transport"].as_str())
        .collect();
    transports.sort_unstable();
    assert_eq!(
        transports,
        ["polling", "polling", "websocket", "websocket"],
        "{report:#}"
    );
    for d in &drops {
        let at = d["at_ms"].as_u64().context("at_ms")?;
        // The watch started a little after `started`: at most its start-up.
        assert!(
            at + 1_000 >= killed_ms && at <= killed_ms + 2_000,
            "dropped at {at} ms, the pod was killed at {killed_ms} ms: {report:#}"
        );
        if d["transport"] == "websocket" {
            assert_eq!(
                (d["code"].as_u64(), d["clean"].as_bool()),
                (Some(1006), Some(false)),
                "{d:#}"
            );
        } else {
            // nginx answers the held long-poll: its upstream is gone.
            assert_eq!(d["status"], 502, "{d:#}");
        }
        // The sessions opened again held to the end: no time limit.
        assert_eq!(
            (&d["event"], &d["limit"]),
            (&Value::Bool(true), &Value::Null),
            "{d:#}"
        );
    }
    let opened = report["opened"].as_u64().context("opened")?;
    assert!(
        opened >= 8,
        "every session opened again after the restart: {report:#}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_reports_an_idle_cut_at_its_time() -> Result<()> {
    let s = scenario("short-idle")?;
    let topology = Topology::start(s.proxy, s.backend).await?;
    let ran = cli(&[
        &topology.page_url(""),
        "--watch",
        "8s",
        "--sessions",
        "1",
        "--json",
        "--quiet",
    ])
    .await?;
    let (report, drops) = drops(&ran.stdout)?;
    assert_eq!(ran.code, 1, "{report:#}");
    // nginx's 3 s idle timeout under a 5 s ping interval: a cut about every
    // 3 s on each transport (a WebSocket between pings, a long-poll waiting
    // for one), so two or three of each in 8 s.
    for transport in ["websocket", "polling"] {
        let of: Vec<&Value> = drops
            .iter()
            .filter(|d| d["transport"] == transport)
            .collect();
        if !(2..=3).contains(&of.len()) {
            bail!("{} {transport} drops in 8 s: {report:#}", of.len());
        }
        for d in of {
            let cut_after = if transport == "websocket" {
                assert_eq!(d["code"], 1006, "{d:#}");
                d["lifetime_ms"].as_u64().context("lifetime_ms")?
            } else {
                assert_eq!(d["status"], 504, "nginx's timeout answer: {d:#}");
                d["waited_ms"].as_u64().context("waited_ms")?
            };
            assert!(
                (2_800..=4_000).contains(&cut_after),
                "cut after {cut_after} ms: {d:#}"
            );
            assert_eq!(
                d["event"], false,
                "a cut after the same time each time: {d:#}"
            );
            let limit = d["limit"].as_str().context("limit")?;
            assert!(
                limit.contains("shorter than the server's ping interval"),
                "{limit}"
            );
        }
    }
    Ok(())
}
