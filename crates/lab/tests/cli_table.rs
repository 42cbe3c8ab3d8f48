//! The terminal client's findings equal the page's on every row of the one
//! scenario table (issue 28): each row in its own fresh topology,
//! `conncheck URL --json --quiet` with the row's query; its finding ids are
//! the table's (the page's, as `make accuracy` measures them) as multisets,
//! its JSON is `conncheck/1`, and its exit status is 0 or 1 as the report
//! implies, never 2. No row is skipped: none of the table's expected ids
//! comes from a browser-only check (secure context, media, WebRTC), so the
//! CLI must name every one.
//! `conncheck_lab::cli_table` runs the rows, a bounded number at once (most
//! of a row is waiting for the server's first ping); the example
//! `cli_table` prints the same rows for BENCHMARKS.md.

use std::time::Instant;

use conncheck_core::catalog::FindingId;
use conncheck_lab::cli_table::{run_rows, MARKDOWN_HEADER};
use conncheck_lab::scenarios::{Scenario, SCENARIOS};

/// Rows in flight at once: measured on this 2-core machine (BENCHMARKS.md,
/// the section on the terminal client) to keep the test within its budget
/// while every timing-sensitive row still reads right.
const IN_FLIGHT: usize = 6;

/// Finding ids only a browser's own checks raise (`secure-context`,
/// `media`, `webrtc`: docs/contracts.md, the terminal client): a row
/// expecting one is not the CLI's to match. The table has none today; the
/// assertion below keeps it so.
const BROWSER_ONLY: &[&str] = &[
    "insecure-context",
    "media-permission-denied",
    "media-device-in-use",
    "media-device-missing",
    "udp-blocked",
    "turn-unreachable",
    "turn-tls-unavailable",
];

#[tokio::test(flavor = "multi_thread")]
async fn every_row_of_the_table_reads_as_the_page_reads_it() {
    // Each a finding id the core knows: a renamed one fails here.
    for id in BROWSER_ONLY {
        let known = serde_json::from_value::<FindingId>(serde_json::json!(id));
        assert!(known.is_ok(), "{id} is no finding id of the core's catalog");
    }
    let rows: Vec<&'static Scenario> = SCENARIOS.iter().collect();
    for s in &rows {
        for id in s.expected {
            assert!(
                !BROWSER_ONLY.contains(id),
                "{}: expects {id}, a browser-only finding: skip the row here and say so",
                s.name
            );
        }
    }
    let started = Instant::now();
    let done = run_rows(&rows, IN_FLIGHT).await;
    println!("{MARKDOWN_HEADER}");
    for row in &done {
        println!("{}", row.markdown());
    }
    println!(
        "{} rows, {IN_FLIGHT} at once, {:.0} s",
        done.len(),
        started.elapsed().as_secs_f64()
    );
    assert_eq!(done.len(), SCENARIOS.len());
    let wrong: Vec<String> = done
        .iter()
        .filter(|r| !r.ok())
        .map(|r| r.explain())
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} rows differ from the table:\n\n{}",
        wrong.len(),
        done.len(),
        wrong.join("\n\n")
    );
}
