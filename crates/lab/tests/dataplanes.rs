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
use conncheck_lab::browser::Browser;
use conncheck_lab::report_json::{
    check, compare, open_shared, run_as_expected, run_scenario_settled, RUN_TIMEOUT,
};
use conncheck_lab::scenarios::scenario;
use conncheck_lab::topology::Topology;
use serde_json::Value;

const RUNS: usize = 3;

/// Every automatic check ran and every connection check passes (camera
/// and WebRTC wait for their button or a configured server, so they are
/// skipped), and the polling session was held through the server's ping.
fn assert_all_pass(name: &str, report: &Value, run: usize) {
    let checks = report["checks"].as_array().expect("a checks list");
    assert_eq!(
        checks.len(),
        8,
        "{name}, run {run}: every automatic check once: {report:#}"
    );
    let held = &check(report, "socketio-upgrade")["data"]["polling"];
    assert_eq!(held["result"], "held", "{name}, run {run}: {held:#}");
    for c in checks {
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

/// The live page names the data plane in its evidence and carries no fix
/// texts; the support view of its link derives them, that data plane's
/// first: Envoy Gateway's 504 `upstream request timeout` (no `Server`
/// header) names Envoy, whose first fix is Gateway API's; Istio's
/// `server: istio-envoy` names Istio.
#[tokio::test(flavor = "multi_thread")]
async fn the_named_data_planes_fixes_come_first_in_the_support_view() -> Result<()> {
    let cases = [
        (
            "envoy-default-timeout",
            "polling-cut",
            "most likely Envoy",
            "Gateway API",
        ),
        (
            "envoy-stream-idle",
            "connection-cut",
            "most likely Istio",
            "Istio",
        ),
    ];
    for (name, id, named, first_fix) in cases {
        let s = scenario(name)?;
        let topology = Topology::start(s.proxy, s.backend).await?;
        let browser = Browser::start(&[]).await?;
        let report = browser
            .run_page_settled(&topology.page_url(s.query), RUN_TIMEOUT)
            .await?;
        let findings = report["findings"].as_array().expect("a findings list");
        let f = findings
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("{name}: no {id} in {report:#}"));
        assert_eq!(f["fixes"], serde_json::json!([]), "{name}: {f:#}");
        assert_eq!(f["explanation"], "", "{name}: {f:#}");
        let line = f["evidence"].as_array().and_then(|e| e.last());
        let line = line.and_then(Value::as_str).unwrap_or_default();
        assert!(
            line.starts_with(&format!("Data plane: {named}")),
            "{name}: {line}"
        );
        let link = browser.value_of("#report-link").await?;
        open_shared(&browser, &link).await?;
        let shown = browser
            .client()
            .execute(
                "const f = document.querySelector(`[data-finding='${arguments[0]}']`); \
                 return f && [...f.querySelectorAll('dl.fixes dt')].map(d => d.textContent);",
                vec![Value::from(id)],
            )
            .await?;
        browser.close().await;
        let platforms: Vec<&str> = shown
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no {id} in the support view: {shown}"))
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(platforms.len() >= 5, "{name}: {platforms:?}");
        assert_eq!(platforms[0], first_fix, "{name}: {platforms:?}");
    }
    Ok(())
}
