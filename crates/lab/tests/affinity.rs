//! End to end, affinity across pods: separate Node socket.io processes
//! behind real nginx. Round robin must be caught; client-IP affinity must
//! pass; a proxy idle timeout under the ping interval must be measured as a
//! cut, automatically and from the page's button. (Cookie affinity, HAProxy
//! and 3-5 pods: `healthy_affinity.rs`, `production_defaults.rs`.)

use std::time::Duration;

use anyhow::Result;
use conncheck_lab::browser::Browser;
use conncheck_lab::report_json::{
    check, finding_ids, run_scenario as run, run_scenario_settled, RUN_TIMEOUT,
};
use conncheck_lab::topology::{Backend, Proxy, Topology, SHORT_IDLE};
use serde_json::Value;

/// Within a second of the proxy's configured idle timeout.
fn assert_cut_near_idle(report: &Value) {
    let lifetime = &check(report, "connection-lifetime")["data"];
    let measured = lifetime["lifetime_ms"]
        .as_u64()
        .expect("a measured lifetime");
    let configured = SHORT_IDLE.as_millis() as u64;
    assert!(
        measured.abs_diff(configured) <= 1000,
        "cut after {measured} ms, configured {configured} ms"
    );
    assert_eq!(lifetime["close"]["code"], 1006);
    assert!(lifetime["matched_limit"]["limit"]
        .as_str()
        .unwrap()
        .contains("shorter than the server's ping interval"));
}

#[tokio::test(flavor = "multi_thread")]
async fn round_robin_without_affinity_is_caught() -> Result<()> {
    let report = run(Proxy::Healthy, Backend::NodePods(2), "").await?;
    assert_eq!(finding_ids(&report), ["sticky-session-missing"]);
    let sticky = &check(&report, "sticky-session")["data"];
    assert_eq!(sticky["affinity"], "missing");
    assert_eq!(sticky["min_backends"], 2);
    assert!(sticky["confidence"].as_f64().unwrap() >= 0.999);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn client_ip_affinity_passes() -> Result<()> {
    let report = run(Proxy::IpAffinity, Backend::NodePods(2), "").await?;
    assert_eq!(finding_ids(&report), Vec::<&str>::new(), "{report:#}");
    assert_eq!(
        check(&report, "sticky-session")["data"]["affinity"],
        "not-needed"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_timeout_under_the_ping_interval_cuts_the_connection() -> Result<()> {
    // A configured lifetime is observed after the first report.
    let report = run_scenario_settled(
        Proxy::ShortIdle,
        Backend::Node(conncheck_lab::node::NodeMode::Healthy),
        "&lifetime=10",
    )
    .await?;
    assert_eq!(finding_ids(&report), ["connection-cut", "polling-cut"]);
    assert_cut_near_idle(&report);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn lifetime_button_runs_the_test_and_updates_the_report() -> Result<()> {
    let topology = Topology::start(
        Proxy::ShortIdle,
        Backend::Node(conncheck_lab::node::NodeMode::Healthy),
    )
    .await?;
    let browser = Browser::start(&[]).await?;
    let before = browser
        .run_page(&topology.page_url(""), RUN_TIMEOUT)
        .await?;
    assert!(before["checks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["id"] != "connection-lifetime"));
    browser.click_action("lifetime-test").await?;
    browser
        .wait_for_state("running", Duration::from_secs(5))
        .await?;
    let progress = browser.text().await?;
    assert!(
        progress.contains("s left"),
        "a progress bar with the remaining time: {progress}"
    );
    browser.wait_for_state("done", RUN_TIMEOUT).await?;
    let after = browser.report().await?;
    browser.close().await;
    assert_eq!(finding_ids(&after), ["connection-cut", "polling-cut"]);
    assert_cut_near_idle(&after);
    assert_eq!(check(&after, "connection-lifetime")["data"]["hold_s"], 120);
    Ok(())
}
