//! The terminal client on rows of the one scenario table: each row in its
//! own fresh topology, `conncheck URL --json --quiet` with the row's query,
//! judged against the table (the page's finding ids, which `make accuracy`
//! measures). The lab test `tests/cli_table.rs` asserts every row; the
//! example `cli_table` prints the same rows as BENCHMARKS.md's table.

use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};
use serde_json::Value;

use crate::report_json::compare;
use crate::scenarios::Scenario;
use crate::topology::Topology;

/// Bound on one CLI run: the slowest rows wait for the server's first ping
/// on a held long-poll (25 s) or hold a 20 s lifetime; stalled takes ~32 s.
pub const CLI_TIMEOUT: Duration = Duration::from_secs(120);

/// One row's run and what is wrong with it (nothing: the CLI agrees with
/// the table).
pub struct Row {
    pub scenario: &'static Scenario,
    /// Topology start and the CLI's run, wall clock.
    pub elapsed: Duration,
    /// The exit status (`None`: the CLI did not run to an exit).
    pub code: Option<i32>,
    /// The report's finding ids, in its order.
    pub ids: Vec<String>,
    /// Every way the row differs from the table, in words.
    pub wrong: Vec<String>,
    pub stdout: String,
    pub stderr: String,
    /// The topology's proxies' and servers' error logs, for a wrong row.
    pub logs: String,
}

impl Row {
    pub fn ok(&self) -> bool {
        self.wrong.is_empty()
    }

    /// The row as a failure message: its name, what is wrong, the CLI's
    /// stderr and report, the topology's logs.
    pub fn explain(&self) -> String {
        format!(
            "{}: {} (exit {:?}, {:.1} s)\n--- stderr:\n{}\n--- report:\n{}\n--- topology:\n{}",
            self.scenario.name,
            self.wrong.join("; "),
            self.code,
            self.elapsed.as_secs_f64(),
            self.stderr,
            self.stdout,
            self.logs,
        )
    }

    /// The row in BENCHMARKS.md's Markdown table.
    pub fn markdown(&self) -> String {
        format!(
            "| {}{} | {} | {} | {} | {:.0} |",
            self.scenario.name,
            if self.ok() { "" } else { " **differs**" },
            self.scenario.expected.join(", "),
            self.ids.join(", "),
            self.code.map_or("-".into(), |c| c.to_string()),
            self.elapsed.as_secs_f64(),
        )
    }
}

/// The table's header, for [`Row::markdown`].
pub const MARKDOWN_HEADER: &str =
    "| scenario | expected | the CLI's findings | exit | s |\n|---|---|---|---:|---:|";

/// Runs the rows with at most `in_flight` at once; the rows come back in
/// the given order.
pub async fn run_rows(rows: &[&'static Scenario], in_flight: usize) -> Vec<Row> {
    let mut done: Vec<(usize, Row)> = stream::iter(rows.iter().enumerate())
        .map(|(at, s)| async move { (at, run_row(s).await) })
        .buffer_unordered(in_flight.max(1))
        .collect()
        .await;
    done.sort_by_key(|(at, _)| *at);
    done.into_iter().map(|(_, row)| row).collect()
}

/// One row in a fresh topology: finding ids equal to the table's as
/// multisets, the JSON `conncheck/1`, the exit status 0 or 1 as the report
/// implies (1 when a finding is critical or a warning or a check failed).
pub async fn run_row(scenario: &'static Scenario) -> Row {
    let started = Instant::now();
    let mut row = Row {
        scenario,
        elapsed: Duration::ZERO,
        code: None,
        ids: Vec::new(),
        wrong: Vec::new(),
        stdout: String::new(),
        stderr: String::new(),
        logs: String::new(),
    };
    let topology = match Topology::start(scenario.proxy, scenario.backend).await {
        Ok(t) => t,
        Err(e) => {
            row.wrong.push(format!("the topology did not start: {e:#}"));
            row.elapsed = started.elapsed();
            return row;
        }
    };
    let url = topology.page_url(scenario.query);
    match crate::cli::run(&[&url, "--json", "--quiet"], CLI_TIMEOUT).await {
        Ok(ran) => {
            row.code = Some(ran.code);
            row.stdout = ran.stdout;
            row.stderr = ran.stderr;
            judge(&mut row);
        }
        Err(e) => row
            .wrong
            .push(format!("the CLI did not run to an exit: {e:#}")),
    }
    row.elapsed = started.elapsed();
    if !row.ok() {
        row.logs = topology.error_log();
    }
    row
}

fn judge(row: &mut Row) {
    let report: Value = match serde_json::from_str(&row.stdout) {
        Ok(report) => report,
        Err(e) => {
            row.wrong.push(format!("stdout is not JSON: {e}"));
            return;
        }
    };
    if report["schema"] != "conncheck/1" {
        row.wrong
            .push(format!("schema {} is not conncheck/1", report["schema"]));
    }
    let Some(findings) = report["findings"].as_array() else {
        row.wrong.push("no findings list".into());
        return;
    };
    if let Some(f) = findings.iter().find(|f| !f["id"].is_string()) {
        row.wrong.push(format!("a finding without an id: {f}"));
        return;
    }
    row.ids = findings
        .iter()
        .filter_map(|f| f["id"].as_str().map(str::to_owned))
        .collect();
    let (alarms, misses) = compare(&report, row.scenario.expected);
    if !alarms.is_empty() || !misses.is_empty() {
        row.wrong
            .push(format!("false alarms {alarms:?}, misses {misses:?}"));
    }
    let Some(checks) = report["checks"].as_array() else {
        row.wrong.push("no checks list".into());
        return;
    };
    let alarming = findings.iter().any(|f| f["severity"] != "info");
    let failed = checks.iter().any(|c| c["status"] == "fail");
    let implied = i32::from(alarming || failed);
    if row.code != Some(implied) {
        row.wrong.push(format!(
            "exit {:?} where the report implies {implied}",
            row.code
        ));
    }
}
