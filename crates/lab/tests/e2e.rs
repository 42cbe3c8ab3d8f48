//! End to end: the built page in headless Chromium against the lab's real
//! servers on loopback. Each test asserts what the report says.

use anyhow::Result;
use conncheck_lab::browser::Browser;
use conncheck_lab::report_json::{check, finding_ids, RUN_TIMEOUT};
use conncheck_lab::{default_dist, Lab, LabOptions};

async fn lab(socketio: bool) -> Result<Lab> {
    let mut options = LabOptions::new(default_dist());
    options.socketio = socketio;
    Lab::start(options).await
}

#[tokio::test(flavor = "multi_thread")]
async fn healthy_lab_passes_secure_context_and_websocket() -> Result<()> {
    let lab = lab(true).await?;
    let browser = Browser::start(&[]).await?;
    let report = browser.run_page(&lab.url(), RUN_TIMEOUT).await?;

    assert_eq!(report["schema"], "conncheck/1");
    assert_eq!(report["page"]["secure_context"], true);
    assert_eq!(check(&report, "secure-context")["status"], "pass");
    let ws = check(&report, "websocket");
    assert_eq!(ws["status"], "pass", "{ws:#}");
    let target = &ws["data"]["targets"][0];
    assert_eq!(target["target"], "socketio");
    assert_eq!(target["first_message"]["kind"], "engineio-open");
    // The page closes it and does not wait for the close to complete.
    assert_eq!(target.get("close"), None, "{target:#}");
    assert!(target["open_ms"].as_u64().is_some());
    assert_eq!(finding_ids(&report), Vec::<&str>::new());
    assert_eq!(report["config"]["file"], "loaded");
    assert!(!report["environment"]["user_agent"]
        .as_str()
        .unwrap()
        .is_empty());

    let raw = report.to_string();
    assert!(
        !raw.contains("\"sid\""),
        "no Engine.IO session id in the report"
    );
    let text = browser.text().await?;
    assert!(text.contains("Everything we tested works."), "{text}");
    browser.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn stopped_socketio_endpoint_fails_websocket_without_hanging() -> Result<()> {
    let lab = lab(false).await?;
    let browser = Browser::start(&[]).await?;
    let report = browser.run_page(&lab.url(), RUN_TIMEOUT).await?;

    let ws = check(&report, "websocket");
    assert_eq!(ws["status"], "fail", "{ws:#}");
    assert_eq!(ws["data"]["targets"][0]["result"], "closed-before-open");
    assert_eq!(ws["data"]["targets"][0]["close"]["code"], 1006);
    assert_eq!(check(&report, "secure-context")["status"], "pass");
    // The page's server answers 404 where Socket.IO should be.
    assert_eq!(finding_ids(&report), ["socketio-not-found"]);
    let text = browser.text().await?;
    assert!(text.contains("WebSocket connection"), "{text}");
    assert!(text.contains("Fail"), "{text}");
    browser.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_http_on_a_real_name_is_an_insecure_context() -> Result<()> {
    let lab = lab(true).await?;
    let browser = Browser::start(&["--host-resolver-rules=MAP conncheck.test 127.0.0.1"]).await?;
    let url = format!("http://conncheck.test:{}/", lab.addr.port());
    let report = browser.run_page(&url, RUN_TIMEOUT).await?;

    assert_eq!(report["page"]["secure_context"], false);
    let sc = check(&report, "secure-context");
    assert_eq!(sc["status"], "fail");
    assert_eq!(sc["data"]["protocol"], "http:");
    assert_eq!(finding_ids(&report), ["insecure-context"]);
    let finding = &report["findings"][0];
    assert_eq!(finding["severity"], "critical");
    assert_eq!(finding["fix_by"], "operator");
    // WebSockets do not need a secure context: that check still passes.
    assert_eq!(check(&report, "websocket")["status"], "pass");
    let text = browser.text().await?;
    assert!(
        text.contains("Camera, microphone and calls will not work"),
        "{text}"
    );
    browser.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_query_parameters_are_shown_and_other_checks_run() -> Result<()> {
    let lab = lab(true).await?;
    let browser = Browser::start(&[]).await?;
    let url = format!(
        "{}?lifetime=soon&ws=https://elsewhere.test/ws&socketio=/socket.io/",
        lab.url()
    );
    let report = browser.run_page(&url, RUN_TIMEOUT).await?;

    let errors: Vec<&str> = report["config"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["key"].as_str())
        .collect();
    assert_eq!(errors, ["lifetime", "ws"]);
    let ws = check(&report, "websocket");
    assert_eq!(
        ws["status"], "pass",
        "the Socket.IO WebSocket still ran: {ws:#}"
    );
    assert_eq!(
        ws["data"]["not_tested"][0],
        "ws: the configured URL is invalid"
    );
    let text = browser.text().await?;
    assert!(text.contains("Configuration problems"), "{text}");
    assert!(
        text.contains("lifetime (from the link): must be a whole number"),
        "{text}"
    );
    assert!(text.contains("allow_origins"), "{text}");
    browser.close().await;
    Ok(())
}
