//! End to end, a browser without `CompressionStream` (removed by a script
//! that runs before the page's own): the page still reaches a copyable
//! report and link, in stored DEFLATE blocks, the same `conncheck-report:1:`
//! format; and a support browser without `DecompressionStream` is told what
//! to do instead of failing silently.

use anyhow::{Context, Result};
use base64::Engine as _;
use conncheck_core::share;
use conncheck_lab::browser::Browser;
use conncheck_lab::node::NodeMode;
use conncheck_lab::report_json::{finding_ids, RUN_TIMEOUT};
use conncheck_lab::topology::{Backend, Proxy, Topology};
use serde_json::json;

async fn without(browser: &Browser, global: &str) -> Result<()> {
    let source = format!("delete window.{global};");
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": source }),
        )
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn without_compression_stream_the_report_is_still_copyable() -> Result<()> {
    let topology = Topology::start(Proxy::NoUpgrade, Backend::Node(NodeMode::Healthy)).await?;
    let browser = Browser::start(&[]).await?;
    without(&browser, "CompressionStream").await?;
    let original = browser
        .run_page(&topology.page_url(""), RUN_TIMEOUT)
        .await?;
    let absent = browser
        .client()
        .execute("return typeof CompressionStream;", vec![])
        .await?;
    assert_eq!(absent, "undefined", "the init script removed it");
    assert_eq!(finding_ids(&original), ["websocket-blocked"]);

    let text = browser.value_of("#report-text").await?;
    let line = text.lines().last().unwrap_or_default();
    let payload = line
        .strip_prefix("conncheck-report:1:")
        .with_context(|| format!("no report line in {text}"))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload)?;
    // RFC 1951 §3.2.3: bits 1-2 of a block's first byte are BTYPE, 00 stored.
    assert_eq!(
        bytes.first().map(|b| b & 0b110),
        Some(0),
        "stored blocks, not the browser's compression"
    );
    let decoded = share::decode(line)?;
    let decoded_json = serde_json::to_value(&decoded)?;
    assert_eq!(finding_ids(&decoded_json), finding_ids(&original));
    let link = browser.value_of("#report-link").await?;
    assert_eq!(
        share::decode(&link)?,
        decoded,
        "the link holds the same report"
    );

    // The page's support view still opens it (this browser decompresses).
    browser.client().goto(&link).await?;
    browser.wait_for_state("done", RUN_TIMEOUT).await?;
    let shared = browser.report().await?;
    assert_eq!(finding_ids(&shared), finding_ids(&original));
    assert_eq!(shared["checks"], original["checks"]);
    browser.close().await;

    // A support browser without DecompressionStream says what to do.
    let support = Browser::start(&[]).await?;
    without(&support, "DecompressionStream").await?;
    support.client().goto(&link).await?;
    support.wait_for_state("done", RUN_TIMEOUT).await?;
    let page = support.text().await?;
    assert!(
        page.contains("this browser cannot unpack report links") && page.contains("paste its JSON"),
        "{page}"
    );
    support.close().await;
    Ok(())
}
