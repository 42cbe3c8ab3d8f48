//! End to end, a wasm trap: with `panic=immediate-abort` a Rust panic or a
//! failed allocation ends in the `unreachable` instruction, a
//! `WebAssembly.RuntimeError` with no message of ours. The loader
//! (scripts/postbuild.py) then stops every module, marks the body
//! `data-conncheck-boot="stopped"`, puts the static shell's guidance in place
//! of the frozen view and keeps the last complete report copyable. Traps
//! of the page's module (after a report, in Chromium, Firefox and WebKit;
//! before any), of the support module and of the QR module.
//!
//! The traps are real, not dispatched events: a script run before the
//! loader (`trap/watch.js`: a DevTools init script in Chromium; in Firefox
//! and WebKit, which have none, a script file put first into a copy of the
//! built page) grows a module's exported `WebAssembly.Memory` to the
//! engine's maximum, so that its allocator's next `memory.grow` fails
//! (talc asks for memory only when it has none free). A text longer than
//! the whole memory was, pasted into the import box, then makes the page's
//! own click handler (or the support module it hands the text to) ask for
//! more than the allocator has, and the allocation failure aborts inside
//! that module; the QR module, exhausted as it starts, aborts on its first
//! allocation. The script records the error that left the module, and how
//! often JS entered any module (below the loader's guard), so the test can
//! tell that nothing ran after.

#[path = "trap/watch.rs"]
mod watch;

use anyhow::Result;
use conncheck_core::share;
use conncheck_lab::browser::Browser;
use conncheck_lab::engine::{Devices, Engine};
use conncheck_lab::node::NodeMode;
use conncheck_lab::report_json::RUN_TIMEOUT;
use conncheck_lab::topology::{Backend, Proxy, Topology};
use conncheck_lab::{default_dist, Lab, LabOptions};
use fantoccini::Locator;
use serde_json::json;
use watch::{assert_kept, assert_stopped, js, published, trap_by_paste};

/// A click inside the guidance (Yew listens on `#app`) and a new fragment
/// (the page listens for `hashchange`): both would enter the page's wasm.
const POKE: &str = "document.getElementById('report-text').click(); location.hash = '#trap';";

/// A finished run (the lab's socketioxide), a description typed, then a
/// trap of the page's module.
async fn trap_after_a_report(engine: Engine) -> Result<()> {
    let dist = watch::watched_dist()?;
    let lab = Lab::start(LabOptions::new(dist.path().to_owned())).await?;
    let browser = Browser::start_engine(engine, Devices::default()).await?;
    if engine == Engine::Chromium {
        browser.watch_csp_violations().await?;
    }
    browser.run_page(&lab.url(), RUN_TIMEOUT).await?;
    // A description, so that the report kept is the last one, not the first.
    let note = "Chat stops after a minute.";
    browser
        .client()
        .find(Locator::Id("user-note"))
        .await?
        .send_keys(note)
        .await?;
    browser
        .poll(
            "const json = document.getElementById('report-json').textContent;\
             return document.body.dataset.conncheckState === 'done' && JSON.parse(json).user_note;",
            RUN_TIMEOUT,
            |v| *v == note,
        )
        .await?;
    let (text, link, reports) = published(&browser).await?;
    assert_eq!(
        share::decode(&link)?.user_note.as_deref(),
        Some(note),
        "published with the description"
    );

    trap_by_paste(&browser, "page").await?;
    // No later report was published: the one read above is the last.
    assert_stopped(&browser, "page", &reports, POKE).await?;
    assert_kept(&browser, &text, &link).await?;
    browser.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_a_trap_after_a_report_keeps_it_copyable() -> Result<()> {
    trap_after_a_report(Engine::Chromium).await
}

#[tokio::test(flavor = "multi_thread")]
async fn firefox_a_trap_after_a_report_keeps_it_copyable() -> Result<()> {
    trap_after_a_report(Engine::Firefox).await
}

#[tokio::test(flavor = "multi_thread")]
async fn webkit_a_trap_after_a_report_keeps_it_copyable() -> Result<()> {
    trap_after_a_report(Engine::Webkit).await
}

#[tokio::test(flavor = "multi_thread")]
async fn chromium_a_trap_before_any_report_shows_the_guidance_only() -> Result<()> {
    // The session stalls after its handshake: the first report waits for
    // the checks' timeouts, long after the trap.
    let topology = Topology::start(Proxy::Healthy, Backend::Node(NodeMode::Stalled)).await?;
    let browser = watch::watched_browser().await?;
    browser.client().goto(&topology.page_url("")).await?;
    let view = browser
        .poll(
            "return document.body.getAttribute('data-conncheck-view');",
            RUN_TIMEOUT,
            |v| v.is_string(),
        )
        .await?;
    assert_eq!(view, "live", "the app rendered: {}", browser.text().await?);
    trap_by_paste(&browser, "page").await?;
    // Still running: the page's ticks and its checks' timers would enter it.
    assert_stopped(&browser, "page", "0", "location.hash = '#trap';").await?;
    let kept = js(
        &browser,
        "return [document.getElementById('boot-report').hidden, document.querySelectorAll('#report-text, #report-link').length];",
    )
    .await?;
    assert_eq!(kept, json!([true, 0]), "no report to keep");
    let text = browser.text().await?;
    assert!(!text.contains("Its last complete report"), "{text}");
    browser.close().await;
    Ok(())
}

/// The modules fetched on demand: a trap of either stops the page too, the
/// live report kept. The support module traps copying a pasted text; the
/// QR module, exhausted as it starts, on the link it is given to draw.
#[tokio::test(flavor = "multi_thread")]
async fn chromium_a_trap_of_an_on_demand_module_stops_the_page_too() -> Result<()> {
    let lab = Lab::start(LabOptions::new(default_dist())).await?;
    let browser = watch::watched_browser().await?;
    browser.run_page_settled(&lab.url(), RUN_TIMEOUT).await?;
    let (text, link, reports) = published(&browser).await?;
    trap_by_paste(&browser, "support").await?;
    assert_stopped(&browser, "support", &reports, POKE).await?;
    assert_kept(&browser, &text, &link).await?;

    browser.run_page_settled(&lab.url(), RUN_TIMEOUT).await?;
    let (text, link, reports) = published(&browser).await?;
    js(&browser, "__trap.exhaustAtStart.push('qr');").await?;
    browser.click_action("show-qr").await?;
    assert_stopped(&browser, "qr", &reports, POKE).await?;
    assert_kept(&browser, &text, &link).await?;
    browser.close().await;
    Ok(())
}
