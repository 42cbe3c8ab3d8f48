//! End to end, one scenario per Socket.IO failure the page claims to
//! diagnose: real nginx in front of the official Node `socket.io` server or
//! socketioxide, the built page in headless Chromium. Each asserts the exact
//! finding ids; healthy setups of both peers report none.

use anyhow::Result;
use conncheck_core::checks::handshake;
use conncheck_lab::browser::Browser;
use conncheck_lab::node::NodeMode;
use conncheck_lab::report_json::{
    check, finding_ids, run_scenario as run, run_scenario_settled, RUN_TIMEOUT,
};
use conncheck_lab::topology::{Backend, Proxy, Topology};
use conncheck_lab::{default_dist, Lab, LabOptions};
use serde_json::Value;

fn statuses(report: &Value) -> Vec<(String, String)> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A healthy lab: every connection check passes. The camera test waits for
/// its button and no STUN/TURN server is configured, so `media` and
/// `webrtc` are skipped.
fn assert_all_pass(report: &Value) {
    let statuses = statuses(report);
    assert!(statuses.len() >= 8, "every automatic check: {report:#}");
    for (id, status) in statuses {
        let expected = if matches!(id.as_str(), "media" | "webrtc") {
            "skip"
        } else {
            "pass"
        };
        assert_eq!(status, expected, "{id} in {report:#}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn node_peer_healthy_behind_nginx() -> Result<()> {
    // Settled: the first server ping is observed after the first report,
    // which then updates.
    let report = run_scenario_settled(Proxy::Healthy, Backend::Node(NodeMode::Healthy), "").await?;
    assert_eq!(finding_ids(&report), Vec::<&str>::new(), "{report:#}");
    assert_all_pass(&report);
    let hs = &check(&report, "socketio-handshake")["data"];
    assert_eq!(hs["open"]["status"], 200);
    assert!(
        hs["open"]["ms"].is_u64() && hs["namespace"]["ms"].is_u64(),
        "handshake timings: {hs:#}"
    );
    assert_eq!(
        hs["negotiated"]["max_payload"], 1_000_000,
        "Node's default maxPayload"
    );
    assert!(
        hs["open"]["server"].as_str().unwrap().starts_with("nginx/"),
        "the proxy's Server header: {hs:#}"
    );
    let up = &check(&report, "socketio-upgrade")["data"];
    // The first server ping comes 25 s later (the default): the first
    // report does not wait for it (production_defaults.rs).
    assert_eq!(up["upgrade"]["result"], "upgraded");
    assert_eq!(up["plain_get"]["answer"]["code"], 3);
    assert_eq!(up["plain_get"]["answer"]["dialect"], "node");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn rust_peer_healthy_behind_nginx() -> Result<()> {
    let report = run(Proxy::Healthy, Backend::Rust, "").await?;
    assert_eq!(finding_ids(&report), Vec::<&str>::new(), "{report:#}");
    assert_all_pass(&report);
    assert_eq!(
        check(&report, "socketio-handshake")["data"]["negotiated"]["max_payload"],
        100_000
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn upgrade_headers_not_forwarded_node() -> Result<()> {
    let report = run(Proxy::NoUpgrade, Backend::Node(NodeMode::Healthy), "").await?;
    assert_eq!(finding_ids(&report), ["websocket-blocked"]);
    assert_eq!(
        check(&report, "socketio-handshake")["status"],
        "pass",
        "polling still works"
    );
    assert_eq!(check(&report, "websocket")["status"], "fail");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn upgrade_headers_not_forwarded_rust() -> Result<()> {
    // socketioxide answers 101 anyway; nginx passes it on but carries nothing.
    let report = run(Proxy::NoUpgrade, Backend::Rust, "").await?;
    assert_eq!(finding_ids(&report), ["websocket-blocked"]);
    let evidence = report["findings"][0]["evidence"].to_string();
    assert!(
        evidence.contains("opened, then cut with code 1006"),
        "{evidence}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_path_gets_the_apps_html() -> Result<()> {
    // The page looks at the default /socket.io/, which this nginx does not route:
    // its catch-all answers with the app's index.html.
    let topology = Topology::start(Proxy::Healthy, Backend::Node(NodeMode::Healthy)).await?;
    let browser = Browser::start(&[]).await?;
    let report = browser.run_page(&topology.page_root(), RUN_TIMEOUT).await?;
    browser.close().await;
    assert_eq!(finding_ids(&report), ["socketio-not-found"]);
    let open = &check(&report, "socketio-handshake")["data"]["open"];
    assert_eq!(
        (open["status"].as_u64(), open["answer"]["kind"].as_str()),
        (Some(200), Some("html"))
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn backend_down_is_a_server_error() -> Result<()> {
    let report = run(Proxy::Healthy, Backend::Down, "").await?;
    assert_eq!(finding_ids(&report), ["socketio-server-error"]);
    assert_eq!(
        check(&report, "socketio-handshake")["data"]["open"]["status"],
        502
    );
    assert!(report["findings"][0]["title"]
        .as_str()
        .unwrap()
        .contains("HTTP 502"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn namespace_auth_refusal_node() -> Result<()> {
    let report = run(
        Proxy::Healthy,
        Backend::Node(NodeMode::Healthy),
        "&namespace=/admin",
    )
    .await?;
    assert_eq!(finding_ids(&report), ["namespace-rejected"]);
    let mut namespace = check(&report, "socketio-handshake")["data"]["namespace"].clone();
    // The step's time is the run's own; it is within the step's timeout.
    let ms = namespace
        .as_object_mut()
        .and_then(|step| step.remove("ms"))
        .and_then(|ms| ms.as_u64())
        .unwrap_or_else(|| panic!("no ms in the namespace step: {namespace:#}"));
    assert!(ms <= handshake::STEP_TIMEOUT_MS, "{ms} ms");
    assert_eq!(
        namespace,
        serde_json::json!({"namespace": "/admin", "result": "refused", "message": "not authorized"})
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn namespace_auth_refusal_rust() -> Result<()> {
    let lab = Lab::start(LabOptions::new(default_dist())).await?;
    let browser = Browser::start(&[]).await?;
    let report = browser
        .run_page(&format!("{}?namespace=/admin", lab.url()), RUN_TIMEOUT)
        .await?;
    browser.close().await;
    assert_eq!(finding_ids(&report), ["namespace-rejected"]);
    assert_eq!(
        check(&report, "socketio-handshake")["data"]["namespace"]["message"],
        "not authorized"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn polling_only_server() -> Result<()> {
    let report = run(Proxy::Healthy, Backend::Node(NodeMode::PollingOnly), "").await?;
    assert_eq!(finding_ids(&report), ["upgrades-disabled"]);
    assert_eq!(
        check(&report, "socketio-upgrade")["data"]["upgrade"]["result"],
        "not-offered"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn websocket_only_server() -> Result<()> {
    let report = run(Proxy::Healthy, Backend::Node(NodeMode::WebsocketOnly), "").await?;
    assert_eq!(finding_ids(&report), Vec::<&str>::new(), "{report:#}");
    let hs = check(&report, "socketio-handshake");
    assert_eq!(hs["status"], "warn");
    assert_eq!(hs["data"]["open"]["answer"]["code"], 0);
    assert_eq!(check(&report, "socketio-upgrade")["status"], "pass");
    assert_eq!(check(&report, "websocket")["status"], "pass");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn engineio3_server() -> Result<()> {
    let report = run(Proxy::Healthy, Backend::Node(NodeMode::Eio3), "").await?;
    assert_eq!(finding_ids(&report), ["socketio-protocol-mismatch"]);
    assert_eq!(
        check(&report, "socketio-handshake")["data"]["open"]["answer"]["kind"],
        "engineio3"
    );
    Ok(())
}
