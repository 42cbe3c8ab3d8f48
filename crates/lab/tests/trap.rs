//! End to end, a wasm trap: with `panic=immediate-abort` a Rust panic or a
//! failed allocation ends in the `unreachable` instruction, a
//! `WebAssembly.RuntimeError` with no message of ours. The loader
//! (scripts/postbuild.py) then stops every module, marks the body
//! `data-conncheck-boot="stopped"`, puts the static shell's guidance in place
//! of the frozen view and keeps the last complete report copyable.
//!
//! The trap is real, not a dispatched event: a script run before the loader
//! (a DevTools init script in Chromium; in Firefox and WebKit, which have
//! none, a script file put first into a copy of the built page) grows the
//! page module's exported `WebAssembly.Memory` to the engine's maximum, so
//! that talc's next `memory.grow` fails; a text longer than the whole memory
//! was, pasted into the import box, then makes the page's own click handler
//! ask for more than talc has free, and the allocation failure aborts inside
//! the page's wasm. The script records the error that left the page's
//! module, and how often JS entered any module (below the loader's guard),
//! so the test can tell that nothing ran after.

use std::time::Duration;

use anyhow::{Context, Result};
use conncheck_core::share;
use conncheck_lab::browser::Browser;
use conncheck_lab::engine::{Devices, Engine};
use conncheck_lab::node::NodeMode;
use conncheck_lab::report_json::RUN_TIMEOUT;
use conncheck_lab::topology::{Backend, Proxy, Topology};
use conncheck_lab::{default_dist, Lab, LabOptions};
use fantoccini::Locator;
use serde_json::{json, Value};

/// Run before the loader: counts the calls into the modules, records the
/// trap, and grows the page's memory on request (`__exhaust()`).
const WATCH: &str = include_str!("trap_watch.js");

/// How long the test watches for wasm activity after the trap: several of
/// the page's 250 ms ticks while it runs.
const QUIET: Duration = Duration::from_millis(1500);

async fn js(browser: &Browser, script: &str) -> Result<Value> {
    Ok(browser.client().execute(script, vec![]).await?)
}

/// Chromium with [`WATCH`] as an init script.
async fn watched_browser() -> Result<Browser> {
    let browser = Browser::start(&[]).await?;
    browser.watch_csp_violations().await?;
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": WATCH }),
        )
        .await?;
    Ok(browser)
}

/// Opens the import box (a click, which also fetches the support module),
/// takes the page's memory to its maximum, pastes a text longer than the
/// memory was (set as a paste would) and presses "Open report": the page's
/// handler reads the text into its memory, and the allocation aborts.
async fn trap_by_paste(browser: &Browser) -> Result<()> {
    browser
        .client()
        .find(Locator::Css("details.import > summary"))
        .await?
        .click()
        .await?;
    let support = browser
        .poll(
            "return __trap.modules.some(m => m.startsWith('conncheck-support-'));",
            RUN_TIMEOUT,
            |v| *v == true,
        )
        .await?;
    assert_eq!(support, true, "the support module did not start");
    let before = js(browser, "return __exhaust();").await?;
    let before = before.as_u64().context("no memory size")?;
    assert!(before > 0, "the page module's memory was found");
    let grown = js(browser, "return __trap.memory.buffer.byteLength;").await?;
    assert!(
        grown.as_u64().unwrap_or(0) > before,
        "the memory grew from {before} to {grown} bytes"
    );
    let longer = before + (1 << 20);
    browser
        .client()
        .execute(
            "document.getElementById('import-text').value = 'x'.repeat(arguments[0]);",
            vec![json!(longer)],
        )
        .await?;
    browser.click_action("import-report").await
}

/// What the loader recorded: the trap in the page's module, the body's
/// marks then, and that no module was entered after it although the page
/// had reasons to (its timers, and whatever `poke` does).
async fn assert_stopped(browser: &Browser, reports_then: &str, poke: &str) -> Result<()> {
    let at = browser
        .poll("return __trap.at;", Duration::from_secs(10), |v| {
            !v.is_null()
        })
        .await?;
    let text = browser.text().await?;
    assert_eq!(at["boot"], "stopped", "{text}");
    assert_eq!(at["reports"], reports_then, "{text}");
    let error = js(browser, "return __trap.error;").await?;
    // Chromium says `unreachable`, Firefox `unreachable executed`, WebKit
    // `Unreachable code should not be executed`: the abort's instruction.
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.to_lowercase().contains("unreachable"),
        "an abort, in wasm: {error}"
    );
    let module = error["module"].as_str().unwrap_or_default();
    assert!(
        module.starts_with("conncheck-") && module.ends_with("_bg.wasm"),
        "the page's own module trapped: {module}"
    );
    js(browser, poke).await?;
    tokio::time::sleep(QUIET).await;
    let entries = js(browser, "return __trap.entries;").await?;
    assert_eq!(entries, at["entries"], "a module ran after the trap");
    let shown = js(
        browser,
        "const box = document.getElementById('boot-failed');\
         return [document.body.getAttribute('data-conncheck-boot'), !box.hidden && box.getBoundingClientRect().height > 0,\
                 document.querySelectorAll('#app > main.boot').length, document.querySelectorAll('#app section.checks').length];",
    )
    .await?;
    let text = browser.text().await?;
    assert_eq!(shown, json!(["stopped", true, 1, 0]), "{text}");
    for expected in [
        "The check stopped",
        "stopped on an internal error: reload the page to check again",
        "Send this to your support contact",
    ] {
        assert!(text.contains(expected), "{expected:?} not shown: {text}");
    }
    for gone in ["Checking your connection", "The check could not start"] {
        assert!(!text.contains(gone), "{gone:?} still shown: {text}");
    }
    if browser.engine() == Engine::Chromium {
        assert_eq!(browser.csp_violations().await?, Vec::<String>::new());
    }
    Ok(())
}

/// A copy of the built page whose first script is [`WATCH`], for engines
/// without init scripts (same origin: the deploy's CSP allows it).
fn watched_dist() -> Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    for entry in std::fs::read_dir(default_dist())? {
        let entry = entry?;
        std::fs::copy(entry.path(), dir.path().join(entry.file_name()))?;
    }
    std::fs::write(dir.path().join("watch.js"), WATCH)?;
    let index = dir.path().join("index.html");
    let html = std::fs::read_to_string(&index)?;
    let first = html.find("<title>").context("no <title> in index.html")?;
    let html = format!(
        "{}<script src=./watch.js></script>{}",
        &html[..first],
        &html[first..]
    );
    std::fs::write(&index, html)?;
    Ok(dir)
}

/// A finished run (the lab's socketioxide), a description typed, then a trap.
async fn trap_after_a_report(engine: Engine) -> Result<()> {
    let dist = watched_dist()?;
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
    let text = browser.value_of("#report-text").await?;
    let link = browser.value_of("#report-link").await?;
    let reports = js(&browser, "return document.body.dataset.conncheckReports;").await?;
    let reports = reports.as_str().context("no report count")?.to_owned();
    assert_ne!(reports, "0");
    assert_eq!(
        share::decode(&link)?.user_note.as_deref(),
        Some(note),
        "published with the description"
    );

    trap_by_paste(&browser).await?;
    // A click inside the guidance (Yew listens on #app) and a new fragment
    // (the page listens for `hashchange`) would both enter the page's wasm.
    // No later report was published: the one read above is the last.
    assert_stopped(
        &browser,
        &reports,
        "document.getElementById('report-text').click(); location.hash = '#trap';",
    )
    .await?;
    let kept = js(
        &browser,
        "const box = document.getElementById('boot-report');\
         const text = document.getElementById('report-text'), link = document.getElementById('report-link');\
         return [!box.hidden, box.nextElementSibling.open, text.getBoundingClientRect().height > 0,\
                 link.getBoundingClientRect().height > 0, document.querySelectorAll('#report-text, #report-link').length];",
    )
    .await?;
    assert_eq!(kept, json!([true, true, true, true, 2]));
    let values = [
        browser.value_of("#report-text").await?,
        browser.value_of("#report-link").await?,
    ];
    assert_eq!(values, [text, link], "the copy text and link kept");
    let shown = browser.text().await?;
    assert!(
        shown.contains("Its last complete report, to copy for your support contact"),
        "{shown}"
    );
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
    let browser = watched_browser().await?;
    browser.client().goto(&topology.page_url("")).await?;
    let view = browser
        .poll(
            "return document.body.getAttribute('data-conncheck-view');",
            RUN_TIMEOUT,
            |v| v.is_string(),
        )
        .await?;
    assert_eq!(view, "live", "the app rendered: {}", browser.text().await?);
    trap_by_paste(&browser).await?;
    // Still running: the page's ticks and its checks' timers would enter it.
    assert_stopped(&browser, "0", "location.hash = '#trap';").await?;
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
