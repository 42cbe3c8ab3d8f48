//! End to end: Copy pressed right after typing, before the pause that
//! settles the description and without leaving the field (a tap on a touch
//! screen may not move the focus), copies the words typed so far.

use anyhow::Result;
use conncheck_core::share;
use conncheck_lab::browser::Browser;
use conncheck_lab::report_json::RUN_TIMEOUT;
use conncheck_lab::topology::{Backend, Proxy, Topology};
use serde_json::json;

const NOTE: &str = "Chat shows \"reconnecting\" every few seconds since Monday.";

#[tokio::test(flavor = "multi_thread")]
async fn copy_right_after_typing_takes_the_words_typed_so_far() -> Result<()> {
    let topology = Topology::start(
        Proxy::Healthy,
        Backend::Node(conncheck_lab::node::NodeMode::Healthy),
    )
    .await?;
    let browser = Browser::start(&[]).await?;
    browser
        .run_page(&topology.page_url(""), RUN_TIMEOUT)
        .await?;
    let copied = browser
        .client()
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             navigator.clipboard.writeText = (text) => { done(text); return Promise.resolve(); };\
             const note = document.getElementById('user-note');\
             note.focus();\
             note.value = arguments[0];\
             note.dispatchEvent(new InputEvent('input', { bubbles: true }));\
             setTimeout(() => document.querySelector('[data-action=copy-report]').click(), 0);\
             setTimeout(() => done(null), 5000);",
            vec![json!(NOTE)],
        )
        .await?;
    let copied = copied.as_str().unwrap_or_default();
    let line = copied
        .lines()
        .find(|l| l.starts_with("conncheck-report:"))
        .unwrap_or_default();
    let report = share::decode(line)?;
    assert_eq!(
        report.user_note.as_deref(),
        Some(NOTE),
        "copied at once: {copied}"
    );
    browser.close().await;
    Ok(())
}
