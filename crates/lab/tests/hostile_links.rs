//! Hostile links, end to end in Chromium: what a support link may set is
//! resolved as the browser resolves it before its origin is checked, so
//! backslash, tab and newline tricks reach no other origin (a counting
//! listener on another loopback port sees no connection); a link's STUN
//! server must be on a host the operator allowed; the page says which
//! settings came from the link, before the checks and in the report; and
//! error messages quote only a short, sanitized excerpt of the link; and a
//! link's `lifetime` (up to two hours) never withholds the report.

use anyhow::{Context, Result};
use conncheck_lab::browser::Browser;
use conncheck_lab::hostile::Counting;
use conncheck_lab::report_json::{finding_ids, open_shared, RUN_TIMEOUT};
use conncheck_lab::{default_dist, Lab, LabOptions, Silent};
use serde_json::{json, Value};

fn link_errors(report: &Value) -> Vec<(String, String)> {
    report["config"]["errors"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|e| e["source"] == "query")
        .map(|e| {
            (
                e["key"].as_str().unwrap_or_default().to_owned(),
                e["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn rewritten_link_targets_reach_no_other_origin() -> Result<()> {
    let counting = Counting::start().await?;
    let lab = Lab::start(LabOptions::new(default_dist())).await?;
    let other = format!("127.0.0.1:{}", counting.port);
    let own = lab.addr.to_string();
    let links = [
        ("socketio", format!("socketio=/%5C{other}/socket.io/")),
        ("socketio", format!("socketio=%5C%5C{other}/socket.io/")),
        ("socketio", format!("socketio=/%2F{other}/socket.io/")),
        ("ws", format!("ws=/%09/{other}/ws")),
        ("ws", format!("ws=/%0A/{other}/ws")),
        ("livekit", format!("livekit=ws://{other}/")),
        (
            "socketio",
            format!("socketio=http://user:pass@{own}/socket.io/"),
        ),
    ];
    let browser = Browser::start(&[]).await?;
    for (key, query) in &links {
        let report = browser
            .run_page(&format!("{}?{query}", lab.url()), RUN_TIMEOUT)
            .await?;
        let errors = link_errors(&report);
        assert!(
            errors.iter().any(|(k, _)| k == key),
            "{query}: the link's {key} is refused: {errors:?}"
        );
        assert_eq!(
            counting.count(),
            0,
            "{query} reached another origin; report: {report:#}"
        );
        assert!(
            !finding_ids(&report).contains(&"cors-blocked"),
            "{query}: {report:#}"
        );
        assert!(
            !report.to_string().contains("pass@"),
            "{query}: no credentials in the report"
        );
    }
    browser.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_may_not_point_ice_at_a_host_the_operator_did_not_allow() -> Result<()> {
    let silent = Silent::start().await?;
    let lab = Lab::start(LabOptions::new(default_dist())).await?;
    let browser = Browser::start(&[]).await?;
    let url = format!("{}?stun=stun:127.0.0.1:{}", lab.url(), silent.port);
    let report = browser.run_page(&url, RUN_TIMEOUT).await?;
    browser.close().await;
    let errors = link_errors(&report);
    assert!(
        errors.iter().any(|(k, _)| k == "stun"),
        "the link's STUN server is refused: {errors:?}"
    );
    assert_eq!(
        report["config"]["stun"],
        Value::Null,
        "{:#}",
        report["config"]
    );
    assert!(
        !finding_ids(&report).contains(&"udp-blocked"),
        "the user's network is not blamed for the link's target: {report:#}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_says_which_settings_came_from_the_link() -> Result<()> {
    let lab = Lab::start(LabOptions::new(default_dist())).await?;
    let browser = Browser::start(&[]).await?;
    let url = format!("{}?socketio=/socket.io/&namespace=/", lab.url());
    let report = browser.run_page(&url, RUN_TIMEOUT).await?;
    assert_eq!(
        report["config"]["from_link"],
        json!(["socketio", "namespace"])
    );
    let text = browser.text().await?;
    let endpoint = format!("{}socket.io/", lab.url());
    assert!(
        text.contains("This test was set up by a support link")
            && text.contains(&format!("Socket.IO endpoint: {endpoint}")),
        "{text}"
    );
    let before_checks = browser
        .client()
        .execute(
            "const p = document.querySelector('[data-provenance]'), c = document.querySelector('section.checks');\
             return !!(p && c && (p.compareDocumentPosition(c) & Node.DOCUMENT_POSITION_FOLLOWING));",
            vec![],
        )
        .await?;
    assert_eq!(before_checks, json!(true), "said before the checks");

    // The support person sees it too.
    let link = browser
        .client()
        .execute(
            "return document.querySelector('#report-link').value;",
            vec![],
        )
        .await?;
    open_shared(&browser, link.as_str().context("no link")?).await?;
    let shared = browser.text().await?;
    assert!(
        shared.contains("Shared report")
            && shared.contains("set up by a support link")
            && shared.contains(&endpoint),
        "{shared}"
    );

    // A run without a link says nothing of the kind.
    let plain = browser.run_page(&lab.url(), RUN_TIMEOUT).await?;
    assert_eq!(plain["config"]["from_link"], Value::Null);
    assert!(!browser.text().await?.contains("support link:"));
    browser.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn error_messages_quote_only_a_short_sanitized_excerpt() -> Result<()> {
    let lab = Lab::start(LabOptions::new(default_dist())).await?;
    let browser = Browser::start(&[]).await?;
    let long = "A".repeat(1500);
    let url = format!(
        "{}?ws=ftp://{long}/%1B%5B31m&livekit=ftp://x/%0Aforged%20line",
        lab.url()
    );
    let report = browser.run_page(&url, RUN_TIMEOUT).await?;
    let text = browser.text().await?;
    browser.close().await;
    let errors = link_errors(&report);
    assert_eq!(errors.len(), 2, "{errors:?}");
    for (key, message) in &errors {
        assert!(
            message.chars().count() < 300,
            "{key}: {} characters",
            message.len()
        );
        assert!(
            !message.contains('\u{1b}') && !message.contains('\n'),
            "{message:?}"
        );
    }
    assert!(!text.contains(&"A".repeat(100)), "the page quotes it whole");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_two_hour_lifetime_from_a_link_never_withholds_the_report() -> Result<()> {
    let lab = Lab::start(LabOptions::new(default_dist())).await?;
    let browser = Browser::start(&[]).await?;
    let report = browser
        .run_page(&format!("{}?lifetime=7200", lab.url()), RUN_TIMEOUT)
        .await?;
    let state = browser
        .client()
        .execute(
            "return document.body.getAttribute('data-conncheck-state');",
            vec![],
        )
        .await?;
    let text = browser.text().await?;
    browser.close().await;
    assert_eq!(finding_ids(&report), Vec::<&str>::new(), "{report:#}");
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != "connection-lifetime"),
        "the lifetime is observed after the report: {report:#}"
    );
    assert_eq!(report["config"]["lifetime"], 7200, "{:#}", report["config"]);
    assert_eq!(state, "running", "the hold goes on after the report");
    assert!(
        text.contains("Connection lifetime"),
        "its card is shown: {text}"
    );
    Ok(())
}
