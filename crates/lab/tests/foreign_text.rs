//! Foreign text in a shared report's check data, end to end in Chromium: a
//! marker planted in every string field of every check's data and of the
//! config's errors (found by walking a real report's JSON, so that a field
//! added later is covered) appears on the page only inside an element
//! marked as an observed or reported value (`class="observed"`,
//! docs/contracts.md), never in the verdict or a finding's title.

use anyhow::{ensure, Context, Result};
use base64::Engine;
use conncheck_core::marker_fixture::{failing_variant, field_mut, string_fields};
use conncheck_core::share::open_json;
use conncheck_lab::browser::Browser;
use conncheck_lab::report_json::{open_shared, RUN_TIMEOUT};
use conncheck_lab::{default_dist, Lab, LabOptions};
use serde_json::{json, Value};

const MARKER: &str = "ZQX";

fn link_of(page: &str, report: &Value) -> String {
    let json = serde_json::to_vec(report).unwrap_or_default();
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(miniz_oxide::deflate::compress_to_vec(&json, 9));
    format!("{page}#report={payload}")
}

/// Every string of the checks' data and the config's errors, marked with
/// its own marker: in one report, the fields whose check still reads with
/// the marker (free text: namespaces, messages, header tokens, cookie
/// names, URLs), so that the rules run on them; in another, the rest (the
/// check's data then cannot be read, and is shown as it came).
fn planted(report: &Value) -> Result<(Value, Value, usize)> {
    let paths = string_fields(report);
    ensure!(report["checks"].is_array(), "a report's checks");
    let (mut free, mut rest) = (report.clone(), report.clone());
    for (n, path) in paths.iter().enumerate() {
        let mut one = report.clone();
        let value = field_mut(&mut one, path);
        let planted = json!(format!("{}{MARKER}{n}Q", value.as_str().unwrap_or("")));
        *value = planted.clone();
        let readable = open_json(&serde_json::to_vec(&one)?).is_ok_and(|s| {
            s.report
                .checks
                .iter()
                .all(|c| c.data.unreadable().is_none())
        });
        let target = if readable { &mut free } else { &mut rest };
        // A config error's source is one of two words: the rest of the
        // report would be refused as a whole.
        if path.last() != Some(&json!("source")) {
            *field_mut(target, path) = planted;
        }
    }
    Ok((free, rest, paths.len()))
}

/// Texts on the page holding the marker outside an observed element, and
/// how many observed elements hold it.
const WHERE_MARKERS_ARE: &str = "
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const outside = [];
    let inside = 0;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent.includes(arguments[0])) continue;
        if (n.parentElement.closest('.observed')) inside++;
        else outside.push(n.parentElement.outerHTML.slice(0, 300));
    }
    const quoted = [...document.querySelectorAll('q.observed')]
        .filter(q => q.textContent.includes(arguments[0])).length;
    const words = [...document.querySelectorAll('.verdict, .finding h3')].map(e => e.textContent);
    return {outside, inside, quoted, words};";

#[tokio::test(flavor = "multi_thread")]
async fn foreign_text_in_a_shared_reports_data_appears_only_as_marked_values() -> Result<()> {
    let lab = Lab::start(LabOptions::new(default_dist())).await?;
    let browser = Browser::start(&[]).await?;
    let real = browser.run_page(&lab.url(), RUN_TIMEOUT).await?;
    let mut quoted = 0;
    for report in [real.clone(), failing_variant(&real)] {
        let (free, rest, fields) = planted(&report)?;
        ensure!(
            fields >= 25,
            "a real report has many string fields: {fields}"
        );
        for (what, forged) in [("free text", free), ("the rest", rest)] {
            open_shared(&browser, &link_of(&lab.url(), &forged)).await?;
            let found = browser
                .client()
                .execute(WHERE_MARKERS_ARE, vec![json!(MARKER)])
                .await?;
            assert_eq!(found["outside"], json!([]), "{what}: {found:#}");
            let words = found["words"].as_array().context("words")?;
            assert!(!words.is_empty(), "{what}: a verdict");
            for w in words {
                assert!(!w.as_str().unwrap_or("").contains(MARKER), "{what}: {w}");
            }
            let inside = found["inside"].as_u64().context("inside")?;
            assert!(inside >= 1, "{what}: the planted values are shown, marked");
            if what == "free text" {
                quoted += found["quoted"].as_u64().context("quoted")?;
            }
        }
    }
    // In summaries, evidence and config errors: namespaces, messages,
    // header tokens, cookie names, ICE and LiveKit URLs, quoted.
    assert!(quoted >= 12, "{quoted} quoted values with a marker");
    browser.close().await;
    Ok(())
}
