//! End to end, issue 24: the built page in Chromium behind real Envoy and
//! Traefik, configured as their control planes build them
//! (`crates/lab/envoy/`, `crates/lab/traefik/`). Healthy setups run three
//! times each and are read settled (after the first server ping), so a
//! false alarm from a late observation is caught; failures must name
//! exactly their finding ids. Independent scenarios run at once: most of a
//! run is waiting for the server's ping. The raw faults are in `raw`.

#[path = "dataplanes/raw.rs"]
mod raw;
#[path = "dataplanes/wire.rs"]
mod wire;

use anyhow::Result;
use conncheck_lab::report_json::{check, compare, run_as_expected, run_scenario_settled};
use conncheck_lab::scenarios::scenario;
use serde_json::Value;

const RUNS: usize = 3;

/// Every connection check passes; camera and WebRTC wait for their button
/// or a configured server, so they are skipped.
fn assert_all_pass(name: &str, report: &Value, run: usize) {
    for c in report["checks"].as_array().into_iter().flatten() {
        let expected = match c["id"].as_str() {
            Some("media" | "webrtc") => "skip",
            _ => "pass",
        };
        assert_eq!(
            c["status"], expected,
            "{name}, run {run}: {} in {report:#}",
            c["id"]
        );
    }
}

/// `name` [`RUNS`] times in a row, each a fresh topology and browser, each
/// report read settled: exactly the table's ids (none), every check passed.
async fn healthy_every_time(name: &str) -> Result<Vec<Value>> {
    let s = scenario(name)?;
    let mut reports = Vec::new();
    for run in 1..=RUNS {
        let report = run_scenario_settled(s.proxy, s.backend, s.query).await?;
        let (alarms, misses) = compare(&report, s.expected);
        assert!(
            alarms.is_empty() && misses.is_empty(),
            "{name}, run {run} of {RUNS}: false alarms {alarms:?}, misses {misses:?} in {report:#}"
        );
        assert_all_pass(name, &report, run);
        reports.push(report);
    }
    Ok(reports)
}

#[tokio::test(flavor = "multi_thread")]
async fn healthy_envoy_and_traefik_report_nothing_every_time() -> Result<()> {
    let (ring, rust, stateful, traefik) = tokio::join!(
        healthy_every_time("envoy-ring-hash"),
        healthy_every_time("envoy-ring-hash-rust"),
        healthy_every_time("envoy-stateful-session"),
        healthy_every_time("traefik-sticky"),
    );
    let (_, _, _) = (ring?, rust?, stateful?);
    // Traefik's sticky cookie is no HttpOnly one: the page sees it, and
    // knows Traefik's default name.
    for report in traefik? {
        let found = &check(&report, "affinity-cookie")["data"]["found"];
        assert_eq!(found[0]["platform"], "Traefik", "{report:#}");
    }
    Ok(())
}

/// Failures the first report names.
#[tokio::test(flavor = "multi_thread")]
async fn failures_named_in_the_first_report() -> Result<()> {
    let (envoy_rr, no_upgrade, traefik_rr) = tokio::join!(
        run_as_expected("envoy-round-robin"),
        run_as_expected("envoy-no-upgrade"),
        run_as_expected("traefik-round-robin"),
    );
    envoy_rr.and(no_upgrade).and(traefik_rr).map(drop)
}

/// Cuts the page sees only once a long-poll has been held until the ping
/// (the settled report).
#[tokio::test(flavor = "multi_thread")]
async fn long_poll_cuts_named_in_the_settled_report() -> Result<()> {
    let names = [
        "envoy-default-timeout",
        "envoy-stream-idle",
        "traefik-response-header-timeout",
    ];
    for name in names {
        assert!(scenario(name)?.observes_after_report(), "{name}");
    }
    let (default, idle, traefik) = tokio::join!(
        run_as_expected(names[0]),
        run_as_expected(names[1]),
        run_as_expected(names[2]),
    );
    default.and(idle).and(traefik).map(drop)
}
