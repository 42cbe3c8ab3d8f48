//! End to end, issue 15: three pods with the server companion behind nginx
//! cookie affinity (the page not on the cookie's path), for the official
//! Node socket.io (`@socket.io/redis-adapter`) and socketioxide
//! (`socketioxide-redis`): with Redis the cross-pod probe passes; without an
//! adapter, and with Redis killed after the pods connected, it is
//! `cross-pod-delivery-broken`. The probe is observed after the first
//! report, which then updates. In each, `sticky-session` proves the cookie
//! pins one pod by the companion's pod ids and counts the three pods
//! exactly (tests/pod_count.rs repeats it).

use anyhow::Result;
use conncheck_lab::report_json::{check, run_as_expected};
use serde_json::Value;

/// sticky-session's exact proof and count over the lab's three pods.
fn three_pods_counted(name: &str, report: &Value) {
    let sticky = check(report, "sticky-session");
    let pods = &sticky["data"]["pods"];
    assert_eq!(sticky["status"], "pass", "{name}: {sticky:#}");
    assert_eq!(sticky["data"]["affinity"], "cookie", "{name}: {sticky:#}");
    assert_eq!(pods["companion"], "answered", "{name}: {sticky:#}");
    assert_eq!(pods["pinned_pod_proven"], true, "{name}: {sticky:#}");
    assert_eq!(pods["pods_seen"], 3, "{name}: {sticky:#}");
    assert_eq!(pods["count"], "exact", "{name}: {sticky:#}");
}

async fn delivered(name: &str) -> Result<()> {
    let report = run_as_expected(name).await?;
    let cross = check(&report, "cross-pod");
    assert_eq!(cross["status"], "pass", "{name}: {cross:#}");
    assert_eq!(cross["data"]["result"]["result"], "delivered", "{cross:#}");
    assert_eq!(
        cross["data"]["pods"], 2,
        "it stops at the second pod: {cross:#}"
    );
    three_pods_counted(name, &report);
    Ok(())
}

async fn not_delivered(name: &str) -> Result<()> {
    let report = run_as_expected(name).await?;
    let cross = check(&report, "cross-pod");
    assert_eq!(cross["status"], "fail", "{name}: {cross:#}");
    assert_eq!(
        cross["data"]["result"]["result"], "not-delivered",
        "{cross:#}"
    );
    three_pods_counted(name, &report);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn node_pods_with_redis_deliver_across_pods() -> Result<()> {
    delivered("companion-node").await
}

#[tokio::test(flavor = "multi_thread")]
async fn node_pods_without_an_adapter_are_broken() -> Result<()> {
    not_delivered("companion-node-no-adapter").await
}

#[tokio::test(flavor = "multi_thread")]
async fn node_pods_after_redis_died_are_broken() -> Result<()> {
    not_delivered("companion-node-redis-down").await
}

#[tokio::test(flavor = "multi_thread")]
async fn socketioxide_pods_with_redis_deliver_across_pods() -> Result<()> {
    delivered("companion-rust").await
}

#[tokio::test(flavor = "multi_thread")]
async fn socketioxide_pods_without_an_adapter_are_broken() -> Result<()> {
    not_delivered("companion-rust-no-adapter").await
}

#[tokio::test(flavor = "multi_thread")]
async fn socketioxide_pods_after_redis_died_are_broken() -> Result<()> {
    not_delivered("companion-rust-redis-down").await
}
