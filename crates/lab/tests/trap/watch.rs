//! The trap tests' means: `watch.js` run before the page's loader, a real
//! trap forced through it, and what the page must show after one.

use std::time::Duration;

use anyhow::{Context, Result};
use conncheck_lab::browser::Browser;
use conncheck_lab::default_dist;
use conncheck_lab::engine::Engine;
use conncheck_lab::report_json::RUN_TIMEOUT;
use fantoccini::Locator;
use serde_json::{json, Value};

/// Counts the calls into the modules, records the trap, and grows a
/// module's memory on request (`__exhaust(kind)`) or at its start.
const WATCH: &str = include_str!("watch.js");

/// How long the test watches for wasm activity after the trap: several of
/// the page's 250 ms ticks while it runs.
const QUIET: Duration = Duration::from_millis(1500);

pub async fn js(browser: &Browser, script: &str) -> Result<Value> {
    Ok(browser.client().execute(script, vec![]).await?)
}

/// Chromium with [`WATCH`] as an init script.
pub async fn watched_browser() -> Result<Browser> {
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

/// A copy of the built page whose first script is [`WATCH`], for engines
/// without init scripts (same origin: the deploy's CSP allows it).
pub fn watched_dist() -> Result<tempfile::TempDir> {
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

/// The share panel's copy text and link, and `data-conncheck-reports`, of
/// the report now shown.
pub async fn published(browser: &Browser) -> Result<(String, String, String)> {
    let text = browser.value_of("#report-text").await?;
    let link = browser.value_of("#report-link").await?;
    let reports = js(browser, "return document.body.dataset.conncheckReports;").await?;
    let reports = reports.as_str().context("no report count")?.to_owned();
    assert_ne!(reports, "0");
    Ok((text, link, reports))
}

/// Opens the import box (a click, which also starts the support module),
/// takes the memory of module `kind` to its maximum, pastes a text longer
/// than that memory was (set as a paste would) and presses "Open report":
/// the page's handler reads the text into its memory and hands it to the
/// support module, which copies it into its own; where there is no room,
/// the allocation aborts.
pub async fn trap_by_paste(browser: &Browser, kind: &str) -> Result<()> {
    browser
        .client()
        .find(Locator::Css("details.import > summary"))
        .await?
        .click()
        .await?;
    let started = "return !!__trap.memories.support;";
    let support = browser.poll(started, RUN_TIMEOUT, |v| *v == true).await?;
    assert_eq!(support, true, "the support module did not start");
    let exhaust = format!("return __exhaust({kind:?});");
    let before = js(browser, &exhaust).await?;
    let before = before.as_u64().context("no memory size")?;
    let size = format!("return __trap.memories[{kind:?}].buffer.byteLength;");
    let grown = js(browser, &size).await?;
    assert!(
        grown.as_u64().unwrap_or(0) > before,
        "the {kind} module's memory grew from {before} to {grown} bytes"
    );
    browser
        .client()
        .execute(
            "document.getElementById('import-text').value = 'x'.repeat(arguments[0]);",
            vec![json!(before + (1 << 20))],
        )
        .await?;
    browser.click_action("import-report").await
}

/// What the loader did: the trap left module `kind`; the body's marks then;
/// no module entered after it although the page had reasons to (its
/// timers, and whatever `poke` does); the shell's guidance in place of the
/// app.
pub async fn assert_stopped(
    browser: &Browser,
    kind: &str,
    reports_then: &str,
    poke: &str,
) -> Result<()> {
    let at = browser
        .poll("return __trap.at;", Duration::from_secs(10), |v| {
            !v.is_null()
        })
        .await?;
    let text = browser.text().await?;
    assert_eq!(at["boot"], "stopped", "{text}");
    assert_eq!(at["reports"], reports_then, "{text}");
    let error = js(browser, "return __trap.error;").await?;
    assert_eq!(error["module"], kind, "{error}");
    // Chromium says `unreachable`, Firefox `unreachable executed`, WebKit
    // `Unreachable code should not be executed`: the abort's instruction.
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.to_lowercase().contains("unreachable"),
        "an abort, in wasm: {error}"
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

/// The guidance shows the report `published` had read: its copy text and
/// link, visible, each once in the page.
pub async fn assert_kept(browser: &Browser, text: &str, link: &str) -> Result<()> {
    let kept = js(
        browser,
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
    Ok(())
}
