//! The pods' count of `sticky-session` (with the server companion) under
//! emulated network latency, for BENCHMARKS.md (`make bench`): every
//! request of the count is a round trip, and requests without the cookie
//! that reach another pod than their session's are sent again, so a count
//! that settles in seconds on loopback may meet its 60 s budget on a real
//! network and report `at-least`. Since issue 25 the count stops once the
//! pods the companion's adapter reports all answered, or at 48 requests. Three Node pods behind nginx (a pod at
//! random without the cookie) and four socketioxide pods behind HAProxy
//! (strict round robin), servers at their defaults, headless Chromium with
//! DevTools latency; one run per row.
//!
//! Prints a Markdown section on stdout.

use std::time::{Duration, Instant};

use anyhow::Result;
use conncheck_lab::browser::Browser;
use conncheck_lab::report_json::check;
use conncheck_lab::scenarios::scenario;
use conncheck_lab::topology::Topology;
use serde_json::{json, Value};

/// Round trips emulated, in ms (0: loopback as it is).
const RTTS_MS: [u64; 3] = [0, 50, 150];
const SCENARIOS: [&str; 2] = ["companion-node", "companion-rust-haproxy"];
/// Above the count's budget and the cross-pod probe's after it.
const SETTLED_WITHIN: Duration = Duration::from_secs(240);

struct Row {
    scenario: &'static str,
    rtt_ms: u64,
    pods: Value,
    sticky_ms: f64,
    settled_s: f64,
}

async fn measure(name: &'static str, rtt_ms: u64) -> Result<Row> {
    let s = scenario(name)?;
    let topology = Topology::start(s.proxy, s.backend).await?;
    let browser = Browser::start(&[]).await?;
    if rtt_ms > 0 {
        browser.cdp("Network.enable", json!({})).await?;
        browser
            .cdp(
                "Network.emulateNetworkConditions",
                json!({ "offline": false, "latency": rtt_ms, "downloadThroughput": -1, "uploadThroughput": -1 }),
            )
            .await?;
    }
    let started = Instant::now();
    let report = browser
        .run_page_settled(&topology.page_url(s.query), SETTLED_WITHIN)
        .await;
    let settled_s = started.elapsed().as_secs_f64();
    browser.close().await;
    let report = report.map_err(|e| e.context(topology.error_log()))?;
    let sticky = check(&report, "sticky-session");
    Ok(Row {
        scenario: name,
        rtt_ms,
        pods: sticky["data"]["pods"].clone(),
        sticky_ms: sticky["duration_ms"].as_f64().unwrap_or(f64::NAN),
        settled_s,
    })
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut rows = Vec::new();
    for name in SCENARIOS {
        for rtt_ms in RTTS_MS {
            eprintln!("pod count: {name}, {rtt_ms} ms round trip");
            rows.push(measure(name, rtt_ms).await?);
        }
    }
    let mut out = vec![
        format!("`cargo run --release -p conncheck-lab --example pod_count_latency`: one run per row, DevTools latency added to every request, servers at their defaults; `sticky-session` is the whole check (sessions with cookies, then the count), \"settled\" the page's `data-conncheck-state` back to `done` after the count and the cross-pod probe."),
        String::new(),
        "| scenario | pods there | added round trip | adapter reports | count | pods seen | sessions | requests (sent again) | sticky-session | page settled |".into(),
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|".into(),
    ];
    for r in &rows {
        let there = match r.scenario {
            "companion-rust-haproxy" => 4,
            _ => 3,
        };
        let stopped = r.pods["count_stopped"]
            .as_str()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        out.push(format!(
            "| `{}` | {there} | {} ms | {} | {}{stopped} | {} | {} | {} ({}) | {:.1} s | {:.1} s |",
            r.scenario,
            r.rtt_ms,
            r.pods["adapter_pods"],
            r.pods["count"].as_str().unwrap_or("?"),
            r.pods["pods_seen"],
            r.pods["count_sessions"],
            r.pods["count_requests"],
            r.pods["count_retries"],
            r.sticky_ms / 1000.0,
            r.settled_s,
        ));
    }
    println!("{}", out.join("\n"));
    Ok(())
}
