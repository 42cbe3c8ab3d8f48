//! End to end, the report's journey: user → copied text / link / JSON →
//! support view, in Chromium against the lab. Also: a hostile pasted report
//! renders as text only, and a damaged link or paste gets a specific
//! message. (Planted secrets and accessibility: `share_privacy.rs`.)

use std::time::Duration;

use anyhow::Result;
use conncheck_core::share;
use conncheck_lab::browser::Browser;
use conncheck_lab::report_json::{finding_ids, open_shared, RUN_TIMEOUT};
use conncheck_lab::topology::{Backend, Proxy, Topology};
use conncheck_lab::{default_dist, Lab, LabOptions};
use fantoccini::Locator;
use serde_json::{json, Value};

const NOTE: &str = "Chat shows \"reconnecting\" every few seconds since Monday.";

/// Pastes `text` into the import box (as a paste would) and opens it; waits
/// until the page has opened it or said why not (the support view is a
/// second wasm module, fetched for the first report opened).
async fn import(browser: &Browser, text: &str) -> Result<()> {
    let c = browser.client();
    c.execute("document.querySelector('details.import').open = true; document.getElementById('import-text').value = arguments[0];", vec![json!(text)]).await?;
    browser.click_action("import-report").await?;
    browser.wait_for_state("done", RUN_TIMEOUT).await
}

async fn view(browser: &Browser) -> Result<String> {
    let v = browser
        .client()
        .execute(
            "return document.body.getAttribute('data-conncheck-view');",
            vec![],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_owned())
}

/// A finished live run of a failing scenario with the user's own words typed.
async fn live_report(browser: &Browser, topology: &Topology) -> Result<Value> {
    browser
        .run_page(&topology.page_url(""), RUN_TIMEOUT)
        .await?;
    // Counts how often the report's JSON is rewritten while typing.
    browser
        .client()
        .execute(
            "window.__rebuilds = 0; \
             new MutationObserver(() => { window.__rebuilds += 1; }).observe( \
               document.getElementById('report-json'), \
               { childList: true, characterData: true, subtree: true });",
            vec![],
        )
        .await?;
    browser
        .client()
        .find(Locator::Id("user-note"))
        .await?
        .send_keys(NOTE)
        .await?;
    // The description reaches the report once typing pauses (docs/contracts.md).
    browser
        .poll(
            "const json = document.getElementById('report-json').textContent; \
             return json ? JSON.parse(json).user_note || null : null;",
            Duration::from_secs(5),
            |v| *v == NOTE,
        )
        .await?;
    let report = browser.report().await?;
    assert_eq!(
        report["user_note"], NOTE,
        "the description is in the report"
    );
    let rebuilds = browser
        .client()
        .execute("return window.__rebuilds;", vec![])
        .await?;
    assert!(
        rebuilds.as_u64().is_some_and(|n| (1..=6).contains(&n)),
        "typing {} characters rewrote the report's JSON {rebuilds} times: once the typing paused, not once per key",
        NOTE.chars().count()
    );
    Ok(report)
}

/// The text of `name` once Chromium has finished saving it to `dir`.
async fn downloaded_file(dir: &std::path::Path, name: &str) -> Result<String> {
    for _ in 0..50 {
        if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
            return Ok(text);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!(
        "{name} was not downloaded into {} within 5 s",
        dir.display()
    )
}

fn same_findings_and_checks(shared: &Value, original: &Value) {
    assert_eq!(finding_ids(shared), finding_ids(original));
    assert_eq!(shared["checks"], original["checks"]);
    assert_eq!(shared["user_note"], original["user_note"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn text_link_and_json_round_trips_render_the_same_findings() -> Result<()> {
    let topology = Topology::start(
        Proxy::NoUpgrade,
        Backend::Node(conncheck_lab::node::NodeMode::Healthy),
    )
    .await?;
    let browser = Browser::start(&[]).await?;
    let original = live_report(&browser, &topology).await?;
    assert_eq!(finding_ids(&original), ["websocket-blocked"]);

    // Copy report: confirmed, or the text shown selected where the clipboard is refused.
    browser.click_action("copy-report").await?;
    let status = browser
        .poll(
            "return document.querySelector('.share-status').textContent;",
            Duration::from_secs(5),
            |v| v.as_str().is_some_and(|t| !t.is_empty()),
        )
        .await?;
    let status = status.as_str().unwrap_or_default();
    assert!(
        status.contains("Report copied") || status.contains("press Ctrl+C"),
        "visible confirmation: {status:?}"
    );

    browser.click_action("show-qr").await?;
    // The QR encoder is a wasm module of its own, fetched on this click.
    browser
        .poll(
            "return document.querySelector('svg.qr path') !== null;",
            Duration::from_secs(10),
            |v| *v == true,
        )
        .await?;
    let qr = browser
        .client()
        .find(Locator::Css("svg.qr path"))
        .await?
        .attr("d")
        .await?
        .unwrap_or_default();
    assert!(
        qr.matches('M').count() > 200,
        "a QR code of the link is drawn: {} modules",
        qr.matches('M').count()
    );
    let text = browser.value_of("#report-text").await?;
    assert!(
        text.lines()
            .last()
            .unwrap()
            .starts_with("conncheck-report:1:"),
        "{text}"
    );
    assert!(
        text.contains("Live updates will not work properly"),
        "a human summary first: {text}"
    );
    let link = browser.value_of("#report-link").await?;
    let download = browser.client().execute("return document.querySelector('[data-action=download-json]').getAttribute('download');", vec![]).await?;
    assert!(
        download.as_str().unwrap().starts_with("conncheck-report-")
            && download.as_str().unwrap().ends_with(".json"),
        "{download}"
    );
    // A real download: the deploy CSP (connect-src 'self') would not let a
    // script read the blob, and a user's browser saves it anyway.
    let downloads = tempfile::tempdir()?;
    browser.allow_downloads(downloads.path()).await?;
    browser.click_action("download-json").await?;
    let downloaded = downloaded_file(downloads.path(), download.as_str().unwrap()).await?;
    assert_eq!(serde_json::from_str::<Value>(&downloaded)?, original);

    // The support person's browser: a fresh page each time, never a live run.
    for (how, input) in [("text", text.as_str()), ("json", downloaded.as_str())] {
        browser.client().goto(&topology.page_root()).await?;
        browser.wait_for_state("done", RUN_TIMEOUT).await?;
        import(&browser, input).await?;
        assert_eq!(view(&browser).await?, "shared", "{how}");
        let shared = browser.report().await?;
        same_findings_and_checks(&shared, &original);
        let page = browser.text().await?;
        assert!(
            page.contains("Shared report") && page.contains("not a test of this browser"),
            "{how}: {page}"
        );
        assert!(
            page.contains(original["created_at"].as_str().unwrap()),
            "{how}: when"
        );
        assert!(
            page.contains("Chrome") && page.contains(NOTE),
            "{how}: which browser, the user's words"
        );
        assert!(page.contains("Who can fix it"), "{how}");
    }
    open_shared(&browser, &link).await?;
    same_findings_and_checks(&browser.report().await?, &original);
    let fix_buttons = browser
        .client()
        .find_all(Locator::Css("[data-action=copy-fix]"))
        .await?;
    assert!(!fix_buttons.is_empty(), "support staff get copyable fixes");
    browser.close().await;
    Ok(())
}

/// Markup that would run if it were ever rendered as HTML, marked with
/// where it was planted.
fn attack(place: &str) -> String {
    format!(
        r#"<img src=x onerror="window.__xss='{place}'"><script>window.__xss='{place}'</script>"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn pasted_markup_is_shown_as_text_and_never_runs() -> Result<()> {
    let lab = Lab::start(LabOptions::new(default_dist())).await?;
    let browser = Browser::start(&[]).await?;
    let original = browser.run_page(&lab.url(), RUN_TIMEOUT).await?;
    let mut hostile = original.clone();
    hostile["user_note"] = json!(attack("note"));
    hostile["checks"][0]["summary"] = json!(attack("summary"));
    hostile["environment"]["user_agent"] = json!(attack("agent"));
    hostile["findings"] = json!([{
        "id": "websocket-blocked", "severity": "critical", "title": attack("title"),
        "explanation": attack("explanation"), "evidence": [attack("evidence")], "fix_by": "operator",
        "fixes": [{"platform": "nginx", "text": attack("fix")}]
    }]);
    let report: conncheck_core::report::Report = serde_json::from_value(hostile)?;
    open_shared(&browser, &share::link(&lab.url(), &report)).await?;
    assert_eq!(view(&browser).await?, "shared");
    let executed = browser
        .client()
        .execute(
            "return window.__xss === undefined ? null : window.__xss;",
            vec![],
        )
        .await?;
    assert_eq!(executed, Value::Null, "nothing from the report may execute");
    let injected = browser
        .client()
        .execute(
            "return document.querySelectorAll('main img, main script').length;",
            vec![],
        )
        .await?;
    assert_eq!(injected, 0);
    let page = browser.text().await?;
    browser.close().await;
    // The user's words appear literally, once; the payload's finding texts
    // never (the support view derives its own, hostile_reports.rs).
    let note = attack("note");
    assert!(
        page.contains(&format!("In the user's words\n{note}")),
        "the markup appears literally: {page}"
    );
    assert_eq!(page.matches(&note).count(), 1, "{page}");
    for place in ["title", "explanation", "evidence", "fix"] {
        assert!(
            !page.contains(&attack(place)),
            "the payload's finding {place} was shown: {page}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn damaged_links_and_pastes_get_a_specific_message() -> Result<()> {
    let lab = Lab::start(LabOptions::new(default_dist())).await?;
    let browser = Browser::start(&[]).await?;
    browser
        .client()
        .goto(&format!("{}#report=not*base64", lab.url()))
        .await?;
    browser.wait_for_state("done", RUN_TIMEOUT).await?;
    let page = browser.text().await?;
    assert!(page.contains("The report link cannot be opened: the report text is damaged: it is not valid base64url"), "{page}");
    import(&browser, "conncheck-report:9:abc").await?;
    let alert = browser
        .client()
        .find(Locator::Css("[role=alert]"))
        .await?
        .text()
        .await?;
    assert!(alert.contains("share format 9"), "{alert}");
    assert_eq!(
        browser.value_of("#import-text").await?,
        "conncheck-report:9:abc",
        "what was pasted stays"
    );
    browser.close().await;
    Ok(())
}
