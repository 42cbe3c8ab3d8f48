//! End to end, issue 11 points 2-6, against servers with their production
//! defaults: the report does not wait for the server's first ping; a server
//! that refuses everything is not a blocked WebSocket; rate limits (429 and
//! nginx's default 503) are named; a session whose requests hang after the
//! handshake is named; round robin over 2-5 pods and a random pod per
//! request are caught without a wrong backend count (`min_backends`); HAProxy
//! round robin and a short `timeout tunnel` are caught.
//! The expected finding ids come from the one scenario table.

use anyhow::Result;
use conncheck_lab::haproxy::SHORT_TUNNEL;
use conncheck_lab::report_json::{check, compare, finding_ids, run_as_expected, run_scenario};
use conncheck_lab::scenarios::scenario;

#[tokio::test(flavor = "multi_thread")]
async fn report_does_not_wait_for_the_default_first_ping() -> Result<()> {
    // The first report, not the settled one the table's healthy rows are
    // read as: it must have every check, none waiting for the ping.
    let node = scenario("node")?;
    let report = run_scenario(node.proxy, node.backend, node.query).await?;
    let (alarms, misses) = compare(&report, node.expected);
    assert!(
        alarms.is_empty() && misses.is_empty(),
        "{alarms:?} {misses:?}"
    );
    let announced = &check(&report, "socketio-handshake")["data"]["negotiated"];
    let interval = announced["ping_interval_ms"].as_u64().expect("announced");
    assert_eq!(interval, 25_000, "socket.io's default, nothing configured");
    // No check of the first report may have waited for the server's first
    // ping, which comes pingInterval after the handshake.
    let checks = report["checks"].as_array().expect("a checks list");
    assert!(checks.len() >= 8, "every automatic check: {report:#}");
    for c in checks {
        let ms = c["duration_ms"].as_u64().unwrap_or(u64::MAX);
        assert!(ms < interval, "{} took {ms} ms: {report:#}", c["id"]);
    }
    assert_eq!(check(&report, "socketio-upgrade")["status"], "pass");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn allow_request_refusing_everything_is_only_forbidden() -> Result<()> {
    let report = run_as_expected("forbidden").await?;
    assert_eq!(
        check(&report, "socketio-handshake")["data"]["open"]["status"],
        403
    );
    Ok(())
}

async fn rate_limited(name: &str) -> Result<()> {
    let report = run_as_expected(name).await?;
    let ids = finding_ids(&report);
    assert!(!ids.contains(&"websocket-blocked"), "{ids:?}");
    assert!(!ids.contains(&"sticky-session-missing"), "{ids:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn nginx_limit_req_429_is_rate_limited() -> Result<()> {
    rate_limited("rate-limit-429").await
}

#[tokio::test(flavor = "multi_thread")]
async fn nginx_limit_req_default_503_is_rate_limited() -> Result<()> {
    rate_limited("rate-limit-503").await
}

#[tokio::test(flavor = "multi_thread")]
async fn session_stalled_after_the_handshake_is_named() -> Result<()> {
    let report = run_as_expected("stalled").await?;
    let sticky = check(&report, "sticky-session");
    assert_ne!(
        sticky["status"], "pass",
        "no follow-up was answered: {sticky:#}"
    );
    Ok(())
}

/// No affinity over `pods`: caught, and the backend count the report
/// gives (`min_backends`, a lower bound) is at least two and never more
/// than the pods there. Without the companion there is no pod count
/// (`pods`) to be wrong.
async fn round_robin(name: &str, pods: u64) -> Result<()> {
    let report = run_as_expected(name).await?;
    let sticky = &check(&report, "sticky-session")["data"];
    assert_eq!(sticky["affinity"], "missing", "{sticky:#}");
    let min_backends = sticky["min_backends"]
        .as_u64()
        .unwrap_or_else(|| panic!("{name}: no min_backends in {sticky:#}"));
    assert!(
        (2..=pods).contains(&min_backends),
        "{name}: at least {min_backends} backends for {pods} pods: {sticky:#}"
    );
    assert_eq!(sticky.get("pods"), None, "{name}: no companion, no count");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn round_robin_over_2_pods() -> Result<()> {
    round_robin("round-robin", 2).await
}

#[tokio::test(flavor = "multi_thread")]
async fn round_robin_over_3_pods() -> Result<()> {
    round_robin("round-robin-3", 3).await
}

#[tokio::test(flavor = "multi_thread")]
async fn round_robin_over_4_pods() -> Result<()> {
    round_robin("round-robin-4", 4).await
}

#[tokio::test(flavor = "multi_thread")]
async fn round_robin_over_5_pods() -> Result<()> {
    round_robin("round-robin-5", 5).await
}

/// A random pod per request makes the share of follow-ups that reach the
/// right pod noisy: an estimate from it is often far off. Several runs, each
/// must be right.
#[tokio::test(flavor = "multi_thread")]
async fn random_pods_3_and_5() -> Result<()> {
    for _ in 0..2 {
        round_robin("random-3", 3).await?;
        round_robin("random-5", 5).await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn haproxy_round_robin_is_caught() -> Result<()> {
    round_robin("haproxy-round-robin", 3).await
}

#[tokio::test(flavor = "multi_thread")]
async fn haproxy_short_tunnel_timeout_cuts_the_connection() -> Result<()> {
    let report = run_as_expected("haproxy-tunnel").await?;
    let lifetime = &check(&report, "connection-lifetime")["data"];
    assert_eq!(lifetime["close"]["code"], 1006, "{lifetime:#}");
    let measured = lifetime["lifetime_ms"]
        .as_u64()
        .expect("a measured lifetime");
    let configured = SHORT_TUNNEL.as_millis() as u64;
    assert!(
        measured.abs_diff(configured) <= 1000,
        "cut after {measured} ms, timeout tunnel {configured} ms"
    );
    Ok(())
}
