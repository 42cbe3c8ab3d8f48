//! End to end, issue 11 point 1: healthy cookie-affinity setups, as a new
//! user meets them (fresh browser, empty cookie jar), with production
//! defaults, must report nothing wrong, every time. Each scenario runs
//! three times in a row and every run must be right: no retries.

use anyhow::Result;
use conncheck_lab::report_json::{check, compare, run_named};
use serde_json::Value;

const RUNS: usize = 3;

/// Every connection check passes; camera and WebRTC wait for their button
/// or a configured server, so they are skipped.
fn assert_all_pass(report: &Value, run: usize) {
    let checks = report["checks"].as_array().expect("a checks list");
    assert!(
        checks.len() >= 8,
        "run {run}: every automatic check: {report:#}"
    );
    for c in checks {
        let expected = match c["id"].as_str() {
            Some("media" | "webrtc") => "skip",
            _ => "pass",
        };
        assert_eq!(
            c["status"], expected,
            "run {run}: {} in {report:#}",
            c["id"]
        );
    }
}

/// Runs `name` [`RUNS`] times; each report must have exactly the table's
/// finding ids, and pass `more`.
async fn every_run_right(name: &str, more: impl Fn(&Value, usize)) -> Result<()> {
    for run in 1..=RUNS {
        let (report, scenario) = run_named(name).await?;
        let (alarms, misses) = compare(&report, scenario.expected);
        assert!(
            alarms.is_empty() && misses.is_empty(),
            "{name}, run {run} of {RUNS}: false alarms {alarms:?}, misses {misses:?} in {report:#}"
        );
        more(&report, run);
    }
    Ok(())
}

fn cookie_affinity_proven(report: &Value, run: usize) {
    assert_all_pass(report, run);
    let sticky = check(report, "sticky-session");
    assert_eq!(
        sticky["data"]["affinity"], "cookie",
        "run {run}: {sticky:#}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn nginx_cookie_set_by_the_socketio_location_only() -> Result<()> {
    every_run_right("cookie-affinity", |report, run| {
        cookie_affinity_proven(report, run);
        let cookie = check(report, "affinity-cookie");
        assert_eq!(
            cookie["data"]["found"],
            serde_json::json!([]),
            "the HttpOnly INGRESSCOOKIE is invisible"
        );
        let summary = cookie["summary"].as_str().unwrap_or_default();
        assert!(summary.contains("HttpOnly"), "run {run}: {summary}");
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn nginx_cookie_set_by_the_page_location_too() -> Result<()> {
    every_run_right("cookie-affinity-page", cookie_affinity_proven).await
}

#[tokio::test(flavor = "multi_thread")]
async fn haproxy_cookie_insert() -> Result<()> {
    every_run_right("haproxy-cookie", |report, run| {
        cookie_affinity_proven(report, run);
        let found = check(report, "affinity-cookie")["data"]["found"].to_string();
        assert!(found.contains("SERVERID"), "run {run}: {found}");
        let server = &check(report, "socketio-handshake")["data"]["open"]["server"];
        assert!(
            !server.as_str().unwrap_or_default().starts_with("nginx"),
            "run {run}: Socket.IO went through HAProxy, not the page's nginx: {server}"
        );
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn cross_origin_api_with_cors_credentials_and_cookie_affinity() -> Result<()> {
    every_run_right("cross-origin", |report, run| {
        let severities: Vec<&Value> = report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| &f["severity"])
            .collect();
        assert!(
            severities.iter().all(|s| *s == "info"),
            "run {run}: {severities:?}"
        );
        let handshake = check(report, "socketio-handshake");
        assert_eq!(handshake["status"], "pass", "run {run}: {handshake:#}");
    })
    .await
}
