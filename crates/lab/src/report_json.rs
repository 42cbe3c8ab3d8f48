//! Reading a report (as `#report-json` holds it) in tests and benchmarks.

use std::time::Duration;

use anyhow::Result;
use serde_json::Value;

use crate::browser::Browser;
use crate::scenarios::{scenario, Scenario};
use crate::topology::{Backend, Proxy, Topology};

/// Bound on one automatic run; the checks' own timeouts are far below.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// The report's finding ids, in its order; panics with the report when it
/// has no findings list or a finding has no id (a test must not read such
/// a report as "no findings").
pub fn finding_ids(report: &Value) -> Vec<&str> {
    let findings = report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings list in {report:#}"));
    findings
        .iter()
        .map(|f| {
            f["id"]
                .as_str()
                .unwrap_or_else(|| panic!("a finding without an id: {f:#}"))
        })
        .collect()
}

/// The check with this id; panics with the report when it is missing.
pub fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("no check {id} in {report:#}"))
}

/// The pods a `sticky-session` count showed (its `data.pods`), as its
/// summary words them: the distinct ids that answered, and at least two
/// once a request reached another pod than its session's. The core's
/// `PodsData::at_least` written again from the contract (docs/contracts.md),
/// so that the lab checks the page's JSON against the contract, not
/// against the code that wrote it.
pub fn pods_shown(pods: &Value) -> u64 {
    let seen = pods["pods_seen"].as_u64().unwrap_or(0);
    match pods["count_retries"].as_u64().unwrap_or(0) {
        0 => seen,
        _ => seen.max(2),
    }
}

/// The `websocket` check's target whose URL starts with `prefix` (`Null`
/// when there is none, so that an assertion on it names what it saw).
pub fn websocket_target(report: &Value, prefix: &str) -> Value {
    check(report, "websocket")["data"]["targets"]
        .as_array()
        .and_then(|t| {
            t.iter()
                .find(|t| t["url"].as_str().is_some_and(|u| u.starts_with(prefix)))
        })
        .cloned()
        .unwrap_or_default()
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

/// What a report got wrong against the expected ids, compared as
/// multisets: (false alarms: found but not expected, a finding reported
/// twice where once is expected included; misses: expected but not found).
pub fn compare(report: &Value, expected: &[&str]) -> (Vec<String>, Vec<String>) {
    let mut misses = expected.to_vec();
    let mut alarms = Vec::new();
    for id in finding_ids(report) {
        match misses.iter().position(|m| *m == id) {
            Some(at) => {
                misses.remove(at);
            }
            None => alarms.push(id.to_owned()),
        }
    }
    (alarms, misses.into_iter().map(str::to_owned).collect())
}

/// The shared view's own signal: `data-conncheck-view="shared"` with
/// `data-conncheck-state="done"`, both read at once. The view turns
/// `shared` only once a shared report is shown or refused.
pub const SHARED_DONE: &str = "const b = document.body;\
    return !!b && b.getAttribute('data-conncheck-view') === 'shared'\
        && b.getAttribute('data-conncheck-state') === 'done';";

/// Opens a `#report=` link and waits, bounded by [`RUN_TIMEOUT`], until the
/// page has shown or refused that report. A link that changes only the
/// fragment is a same-document navigation, which keeps the previous page's
/// `done`: waiting for the state alone could read the live run's. A page
/// that already shows a shared report would keep even the shared signal,
/// so it is left for a fresh document first.
pub async fn open_shared(browser: &Browser, link: &str) -> Result<()> {
    let c = browser.client();
    let view = c
        .execute(
            "return document.body && document.body.getAttribute('data-conncheck-view');",
            vec![],
        )
        .await?;
    if view == "shared" {
        c.goto("about:blank").await?;
    }
    c.goto(link).await?;
    let shown = browser
        .poll(SHARED_DONE, RUN_TIMEOUT, |v| v == true)
        .await?;
    if shown != true {
        let text = browser.text().await?;
        anyhow::bail!(
            "the shared report was not shown or refused within {RUN_TIMEOUT:?}: {text:.600}"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::compare;

    fn report(ids: &[&str]) -> serde_json::Value {
        json!({"findings": ids.iter().map(|id| json!({"id": id})).collect::<Vec<_>>()})
    }

    #[test]
    fn ids_compare_as_multisets() {
        let none: Vec<String> = Vec::new();
        assert_eq!(
            compare(&report(&["a", "b"]), &["b", "a"]),
            (none.clone(), none.clone())
        );
        assert_eq!(
            compare(&report(&["a", "a"]), &["a"]),
            (vec!["a".to_owned()], none.clone()),
            "a finding reported twice where once is expected"
        );
        assert_eq!(
            compare(&report(&["a"]), &["a", "a"]),
            (none.clone(), vec!["a".to_owned()])
        );
        assert_eq!(
            compare(&report(&["c"]), &["a"]),
            (vec!["c".to_owned()], vec!["a".to_owned()])
        );
    }

    #[test]
    #[should_panic(expected = "no findings list")]
    fn a_report_without_findings_is_not_read_as_none() {
        compare(&json!({"checks": []}), &[]);
    }
}
