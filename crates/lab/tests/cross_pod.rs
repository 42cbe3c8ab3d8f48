//! End to end, issue 15: three pods with the server companion behind nginx
//! cookie affinity (the page not on the cookie's path), for the official
//! Node socket.io (`@socket.io/redis-adapter`) and socketioxide
//! (`socketioxide-redis`): with Redis the cross-pod probe passes; without an
//! adapter, and with Redis killed after the pods connected, it is
//! `cross-pod-delivery-broken`. The probe is observed after the first
//! report, which then updates.

use anyhow::Result;
use conncheck_lab::report_json::{check, run_as_expected};

async fn delivered(name: &str) -> Result<()> {
    let report = run_as_expected(name).await?;
    let cross = check(&report, "cross-pod");
    assert_eq!(cross["status"], "pass", "{name}: {cross:#}");
    assert_eq!(cross["data"]["result"]["result"], "delivered", "{cross:#}");
    assert_eq!(
        cross["data"]["pods"], 2,
        "it stops at the second pod: {cross:#}"
    );
    assert_eq!(
        check(&report, "sticky-session")["data"]["affinity"],
        "cookie"
    );
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
