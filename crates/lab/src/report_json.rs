//! Reading a report (as `#report-json` holds it) in tests and benchmarks.

use std::time::Duration;

use anyhow::Result;
use serde_json::Value;

use crate::browser::Browser;
use crate::scenarios::{scenario, Scenario};
use crate::topology::{Backend, Proxy, Topology};

/// Bound on one automatic run; the checks' own timeouts are far below.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(60);

pub fn finding_ids(report: &Value) -> Vec<&str> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["id"].as_str())
        .collect()
}

/// The check with this id; panics with the report when it is missing.
pub fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("no check {id} in {report:#}"))
}

/// Chromium's fake camera and microphone: a user's machine has devices,
/// this one does not. They never prompt; only the media test asks for them.
pub const FAKE_DEVICES: &str = "--use-fake-device-for-media-stream";

/// One automatic run of the page against a fresh scenario topology: its
/// first complete report.
pub async fn run_scenario(proxy: Proxy, backend: Backend, query: &str) -> Result<Value> {
    run_scenario_until(proxy, backend, query, false).await
}

/// [`run_scenario`], with the report once every observation ended (the
/// first server ping, a configured `lifetime`).
pub async fn run_scenario_settled(proxy: Proxy, backend: Backend, query: &str) -> Result<Value> {
    run_scenario_until(proxy, backend, query, true).await
}

async fn run_scenario_until(
    proxy: Proxy,
    backend: Backend,
    query: &str,
    settled: bool,
) -> Result<Value> {
    let topology = Topology::start(proxy, backend).await?;
    let browser = Browser::start(&[FAKE_DEVICES]).await?;
    let url = topology.page_url(query);
    let report = if settled {
        browser.run_page_settled(&url, RUN_TIMEOUT).await
    } else {
        browser.run_page(&url, RUN_TIMEOUT).await
    };
    browser.close().await;
    report.map_err(|e| e.context(topology.error_log()))
}

/// One automatic run of the page against a fresh topology of the named
/// scenario (a fresh browser too: a new user's empty cookie jar).
pub async fn run_named(name: &str) -> Result<(Value, &'static Scenario)> {
    let scenario = scenario(name)?;
    let report = run_scenario_until(
        scenario.proxy,
        scenario.backend,
        scenario.query,
        scenario.observes_after_report(),
    )
    .await?;
    Ok((report, scenario))
}

/// Runs the named scenario once; its report must have exactly the table's
/// finding ids (a test assertion: panics with the report otherwise).
pub async fn run_as_expected(name: &str) -> Result<Value> {
    let (report, scenario) = run_named(name).await?;
    let (alarms, misses) = compare(&report, scenario.expected);
    assert!(
        alarms.is_empty() && misses.is_empty(),
        "{name}: false alarms {alarms:?}, misses {misses:?}; findings {:?} in {report:#}",
        finding_ids(&report)
    );
    Ok(report)
}

/// What a report got wrong against the expected ids: (false alarms: found
/// but not expected; misses: expected but not found).
pub fn compare(report: &Value, expected: &[&str]) -> (Vec<String>, Vec<String>) {
    let found = finding_ids(report);
    let alarms = found.iter().filter(|id| !expected.contains(id));
    let misses = expected.iter().filter(|id| !found.contains(id));
    (
        alarms.map(|id| id.to_string()).collect(),
        misses.map(|id| id.to_string()).collect(),
    )
}
