//! The support view is a second wasm module, fetched only to open a shared
//! report: a live run never fetches it; under the deploy's CSP it loads
//! without a violation; the browser's DecompressionStream inflates links
//! (a page link, the core's miniz_oxide stream) and refuses a compression
//! bomb at the bound; and where the module cannot load (a proxy or
//! security program blocks it), the page says so, for a link and for a
//! paste, and keeps what was pasted. The same for the QR encoder, a third
//! module fetched only when a QR code is asked for.

use anyhow::{Context, Result};
use conncheck_core::report::Report;
use conncheck_core::share;
use conncheck_lab::browser::Browser;
use conncheck_lab::node::NodeMode;
use conncheck_lab::report_json::RUN_TIMEOUT;
use conncheck_lab::topology::{Backend, Proxy, Topology};
use serde_json::{json, Value};

const FETCHED: &str = "return performance.getEntriesByType('resource')\
    .some(e => e.name.includes('/conncheck-support-'));";
const QR_FETCHED: &str = "return performance.getEntriesByType('resource')\
    .some(e => e.name.includes('/conncheck-qr-'));";

async fn js(browser: &Browser, script: &str) -> Result<Value> {
    Ok(browser.client().execute(script, vec![]).await?)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_support_view_loads_on_demand_and_says_when_it_cannot() -> Result<()> {
    let topology = Topology::start(Proxy::Healthy, Backend::Node(NodeMode::Healthy)).await?;
    let browser = Browser::start(&[]).await?;
    browser.watch_csp_violations().await?;
    let original = browser
        .run_page(&topology.page_url(""), RUN_TIMEOUT)
        .await?;
    assert_eq!(
        js(&browser, FETCHED).await?,
        false,
        "a live run never fetches it"
    );
    assert_eq!(js(&browser, QR_FETCHED).await?, false, "nor the QR encoder");
    browser.click_action("show-qr").await?;
    let drawn = browser
        .poll(
            "return document.querySelector('svg.qr path') !== null;",
            RUN_TIMEOUT,
            |v| *v == true,
        )
        .await?;
    assert_eq!(drawn, true, "the QR module loads under the CSP");
    let report: Report = serde_json::from_value(original.clone())?;
    let link = share::link(&topology.page_root(), &report);
    browser.client().goto(&link).await?;
    browser.wait_for_state("done", RUN_TIMEOUT).await?;
    assert_eq!(
        js(
            &browser,
            "return document.body.getAttribute('data-conncheck-view');"
        )
        .await?,
        "shared"
    );
    assert_eq!(js(&browser, FETCHED).await?, true);
    assert_eq!(browser.report().await?["checks"], original["checks"]);
    // A compression bomb: 3 MB of spaces in a link of a few kilobytes.
    let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 3_000_000], 9);
    let bomb = share::link_of(&topology.page_root(), &share::payload(&bomb));
    browser.client().goto(&bomb).await?;
    browser.wait_for_state("done", RUN_TIMEOUT).await?;
    let text = browser.text().await?;
    assert!(
        text.contains("The report link cannot be opened: the report expands beyond 2097152 bytes and was refused"),
        "{text}"
    );
    let damaged = format!("{link}AAAA");
    browser.client().goto(&damaged).await?;
    browser.wait_for_state("done", RUN_TIMEOUT).await?;
    let text = browser.text().await?;
    assert!(
        text.contains(
            "The report link cannot be opened: the report text is damaged: it does not decompress"
        ),
        "{text}"
    );
    assert_eq!(browser.csp_violations().await?, Vec::<String>::new());
    browser.close().await;

    // A fresh browser whose network refuses the support module.
    let browser = Browser::start(&[]).await?;
    browser.cdp("Network.enable", json!({})).await?;
    browser
        .cdp(
            "Network.setBlockedURLs",
            json!({ "urls": ["*conncheck-support-*", "*conncheck-qr-*"] }),
        )
        .await?;
    browser.client().goto(&link).await?;
    browser.wait_for_state("done", RUN_TIMEOUT).await?;
    let text = browser.text().await?;
    assert!(
        text.contains("The report link cannot be opened: the part of this page that opens shared reports did not load"),
        "{text}"
    );
    let pasted = share::copy_text(&report);
    browser
        .client()
        .execute(
            "document.querySelector('details.import').open = true; document.getElementById('import-text').value = arguments[0];",
            vec![json!(pasted)],
        )
        .await?;
    browser.click_action("import-report").await?;
    browser.wait_for_state("done", RUN_TIMEOUT).await?;
    let alert = js(
        &browser,
        "return document.querySelector('.import-error').textContent;",
    )
    .await?;
    let alert = alert.as_str().context("no message")?;
    assert!(
        alert.starts_with("This report cannot be opened: the part of this page that opens shared reports did not load"),
        "{alert}"
    );
    assert_eq!(
        js(
            &browser,
            "return document.getElementById('import-text').value;"
        )
        .await?,
        json!(pasted),
        "what was pasted stays"
    );

    // A live run there: the QR code says why it is missing.
    browser
        .run_page(&topology.page_url(""), RUN_TIMEOUT)
        .await?;
    browser.click_action("show-qr").await?;
    let status = browser
        .poll(
            "const s = document.querySelector('.qr-status'); return s ? s.textContent : null;",
            RUN_TIMEOUT,
            |v| v.as_str().is_some_and(|t| t.contains("cannot be drawn")),
        )
        .await?;
    assert!(
        status
            .as_str()
            .is_some_and(|t| t.contains("Use Copy link instead")),
        "{status}"
    );
    browser.close().await;
    Ok(())
}
