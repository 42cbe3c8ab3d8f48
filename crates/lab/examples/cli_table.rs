//! The terminal client against every row of the one scenario table, for
//! BENCHMARKS.md (not part of `make test`): each row in a fresh topology,
//! `conncheck URL --json` with the row's query, its finding ids compared
//! with the table's (the page's, which `make accuracy` measures) as
//! multisets, and its exit status with what the row implies (0 for no
//! critical or warning finding, 1 otherwise).
//! `cargo build -p conncheck-cli && cargo run -p conncheck-lab --example
//! cli_table -- [--only NAME,NAME]` prints a Markdown table on stdout.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use conncheck_lab::report_json::compare;
use conncheck_lab::scenarios::SCENARIOS;
use conncheck_lab::topology::Topology;
use serde_json::Value;

const CLI_TIMEOUT: Duration = Duration::from_secs(240);

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let only: Option<Vec<&str>> = match args.as_slice() {
        [flag, names] if flag == "--only" => Some(names.split(',').collect()),
        [] => None,
        _ => anyhow::bail!("usage: cli_table [--only NAME,NAME]"),
    };
    println!("| scenario | expected | the CLI's findings | exit | s |");
    println!("|---|---|---|---:|---:|");
    let (mut rows, mut wrong) = (0, 0);
    for s in SCENARIOS {
        if only.as_ref().is_some_and(|o| !o.contains(&s.name)) {
            continue;
        }
        rows += 1;
        let started = Instant::now();
        let result = async {
            let topology = Topology::start(s.proxy, s.backend).await?;
            let url = topology.page_url(s.query);
            let ran = conncheck_lab::cli::run(&[&url, "--json", "--quiet"], CLI_TIMEOUT).await?;
            let report: Value = serde_json::from_str(&ran.stdout).context(ran.stderr)?;
            anyhow::Ok((report, Some(ran.code)))
        }
        .await;
        let secs = started.elapsed().as_secs_f64();
        match result {
            Ok((report, code)) => {
                let (alarms, misses) = compare(&report, s.expected);
                let alarming = report["findings"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|f| f["severity"] != "info");
                let failed = report["checks"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["status"] == "fail");
                let code_ok = code == Some(i32::from(alarming || failed));
                let ok = alarms.is_empty() && misses.is_empty() && code_ok;
                wrong += usize::from(!ok);
                let ids: Vec<&str> = report["findings"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|f| f["id"].as_str())
                    .collect();
                println!(
                    "| {}{} | {} | {} | {} | {secs:.0} |",
                    s.name,
                    if ok { "" } else { " **differs**" },
                    s.expected.join(", "),
                    ids.join(", "),
                    code.map_or("signal".into(), |c| c.to_string()),
                );
            }
            Err(e) => {
                wrong += 1;
                println!(
                    "| {} **error** | {} | {e:#} | | {secs:.0} |",
                    s.name,
                    s.expected.join(", ")
                );
            }
        }
    }
    println!("\n{rows} rows, {wrong} where the CLI differs from the table.");
    Ok(())
}
