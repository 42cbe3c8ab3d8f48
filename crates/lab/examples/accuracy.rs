//! Accuracy as a number, for BENCHMARKS.md (`make accuracy`, not part of
//! `make test`): every scenario of the one table runs against the built
//! page, healthy ones at least 20 times and failure ones at least 5, each
//! run in a fresh topology and a fresh browser (a new user's empty cookie
//! jar); per scenario, false alarms (findings the table does not expect) and
//! misses (expected findings absent) are counted.
//! `cargo run --release -p conncheck-lab --example accuracy -- [--healthy N]
//! [--failure N] [--jobs N] [--only NAME,NAME] [--browser chromium|firefox|webkit]`
//! prints a Markdown section on stdout, progress on stderr; `--jobs` runs
//! that many runs of a scenario at once (default 1: no run competes with
//! another for the CPU); `--browser` picks the engine (default Chromium).

use std::time::Instant;

use anyhow::{bail, Context, Result};
use conncheck_lab::browser::Browser;
use conncheck_lab::engine::{Devices, Engine};
use conncheck_lab::report_json::{compare, RUN_TIMEOUT};
use conncheck_lab::scenarios::{Kind, Scenario, SCENARIOS};
use conncheck_lab::topology::Topology;
use serde_json::Value;

const HEALTHY_RUNS: usize = 20;
const FAILURE_RUNS: usize = 5;

struct Tally {
    runs: usize,
    /// Runs that ended without a report (the page never got to done).
    errors: usize,
    false_alarms: usize,
    misses: usize,
    /// Distinct ids of the false alarms and misses, for the table.
    seen: Vec<String>,
    seconds: Vec<f64>,
    /// The page's own clock at its first complete report.
    first_report_ms: Vec<f64>,
}

/// `runs` runs of `scenario`, `jobs` at a time (each its own topology and
/// browser, so they share nothing but the machine).
async fn measure(engine: Engine, scenario: &'static Scenario, runs: usize, jobs: usize) -> Tally {
    let mut t = Tally {
        runs,
        errors: 0,
        false_alarms: 0,
        misses: 0,
        seen: Vec::new(),
        seconds: Vec::new(),
        first_report_ms: Vec::new(),
    };
    let mut results = Vec::new();
    for first in (0..runs).step_by(jobs.max(1)) {
        let batch: Vec<_> = (first..runs.min(first + jobs.max(1)))
            .map(|_| tokio::spawn(one_run(engine, scenario)))
            .collect();
        for task in batch {
            results.push(task.await.unwrap_or_else(|e| Err(e.into())));
        }
    }
    for (run, result) in (1..).zip(results) {
        let report = match result {
            Ok((report, seconds, first_ms)) => {
                t.seconds.push(seconds);
                t.first_report_ms.extend(first_ms);
                report
            }
            Err(e) => {
                eprintln!("accuracy: {} run {run}: no report: {e:#}", scenario.name);
                t.errors += 1;
                continue;
            }
        };
        let (alarms, misses) = compare(&report, scenario.expected);
        eprintln!(
            "accuracy: {} run {run}/{runs}: false alarms {alarms:?}, misses {misses:?}",
            scenario.name
        );
        t.false_alarms += alarms.len();
        t.misses += misses.len();
        for id in alarms
            .iter()
            .map(|a| format!("+{a}"))
            .chain(misses.iter().map(|m| format!("-{m}")))
        {
            if !t.seen.contains(&id) {
                t.seen.push(id);
            }
        }
    }
    t
}

/// One run: a fresh topology and browser (its engine's fake devices); the
/// report, the seconds from navigation to `done`, and the page's clock at
/// its first complete report.
async fn one_run(engine: Engine, scenario: &Scenario) -> Result<(Value, f64, Option<f64>)> {
    let topology = Topology::start(scenario.proxy, scenario.backend).await?;
    let devices = Devices {
        fake: true,
        granted: false,
    };
    let browser = Browser::start_engine(engine, devices).await?;
    let started = Instant::now();
    let url = topology.page_url(scenario.query);
    // Every run is read settled: the page observes after the first report
    // in every run (the held long-poll, the first ping after the upgrade),
    // and a finding that comes then counts as much as an early one.
    let report = browser.run_page_settled(&url, RUN_TIMEOUT).await;
    let seconds = started.elapsed().as_secs_f64();
    let first_ms = browser.first_report_ms().await.ok().flatten();
    browser.close().await;
    let report = report.map_err(|e| e.context(topology.error_log()))?;
    Ok((report, seconds, first_ms))
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(|a, b| a.total_cmp(b));
    values.get(values.len() / 2).copied()
}

fn parse_count(value: Option<String>, flag: &str) -> Result<usize> {
    let value = value.with_context(|| format!("{flag} needs a number"))?;
    value
        .parse()
        .with_context(|| format!("{flag} {value:?} is not a number"))
}

#[tokio::main]
async fn main() -> Result<()> {
    let (mut healthy, mut failure, mut jobs) = (HEALTHY_RUNS, FAILURE_RUNS, 1);
    let mut only = None::<Vec<String>>;
    let mut engine = Engine::Chromium;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--healthy" => healthy = parse_count(args.next(), "--healthy")?,
            "--failure" => failure = parse_count(args.next(), "--failure")?,
            "--jobs" => jobs = parse_count(args.next(), "--jobs")?,
            "--only" => {
                let names = args.next().context("--only needs scenario names")?;
                only = Some(names.split(',').map(str::to_owned).collect());
            }
            "--browser" => {
                engine = Engine::from_name(&args.next().context("--browser needs a name")?)?
            }
            other => bail!("unknown argument {other:?}"),
        }
    }
    let mut command = String::from("make accuracy");
    if (healthy, failure, jobs, &only, engine)
        != (HEALTHY_RUNS, FAILURE_RUNS, 1, &None, Engine::Chromium)
    {
        command =
            format!("scripts/accuracy.sh --healthy {healthy} --failure {failure} --jobs {jobs}");
        if let Some(names) = &only {
            command.push_str(&format!(" --only {}", names.join(",")));
        }
        if engine != Engine::Chromium {
            command.push_str(&format!(" --browser {}", engine.name()));
        }
    }
    // Set by scripts/accuracy.sh: the last commit of the page's sources.
    let page = std::env::var("CONNCHECK_PAGE_COMMIT").unwrap_or_else(|_| "unknown".into());
    let mut rows = Vec::new();
    let (mut total_alarms, mut total_misses, mut total_runs, mut total_errors) = (0, 0, 0, 0);
    for scenario in SCENARIOS {
        if only
            .as_ref()
            .is_some_and(|o| !o.iter().any(|n| n == scenario.name))
        {
            continue;
        }
        let (kind, runs) = match scenario.kind {
            Kind::Healthy => ("healthy", healthy),
            Kind::Failure => ("failure", failure),
        };
        let t = measure(engine, scenario, runs, jobs).await;
        total_alarms += t.false_alarms;
        total_misses += t.misses;
        total_runs += t.runs;
        total_errors += t.errors;
        let expected = if scenario.expected.is_empty() {
            "none".to_owned()
        } else {
            scenario
                .expected
                .iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let wrong = if t.seen.is_empty() {
            "".to_owned()
        } else {
            t.seen.join(", ")
        };
        let median_ms = median(t.first_report_ms).map_or("–".into(), |ms| format!("{ms:.0} ms"));
        let median = median(t.seconds).map_or("–".into(), |s| format!("{s:.1} s"));
        rows.push(format!(
            "| `{}` | {kind} | {expected} | {} | {} | {} | {} | {wrong} | {median} | {median_ms} |",
            scenario.name, t.runs, t.false_alarms, t.misses, t.errors
        ));
    }
    let mut out = vec![
        format!("Command: `{command}` (each run: a fresh topology and a fresh {}; expected ids from `crates/lab/src/scenarios.rs`). Page: built from commit `{page}`.", browser_words(engine)),
        String::new(),
        "| scenario | kind | expected findings | runs | false alarms | misses | no report | wrong ids (+ unexpected, − missing) | median to done | first report, page clock |".into(),
        "|---|---|---|---:|---:|---:|---:|---|---:|---:|".into(),
    ];
    out.extend(rows);
    out.push(format!(
        "| **total** | | | **{total_runs}** | **{total_alarms}** | **{total_misses}** | **{total_errors}** | | | |"
    ));
    out.push(String::new());
    out.push("Median to done: wall clock from navigation (topology and browser ready) to the test driver seeing the settled report (`data-conncheck-state=\"done\"` once everything observed after the first report has ended, the held long-poll among it; polled every 100 ms), page load included; first report, page clock: the page's `performance.now()` (0 = navigation start) when `data-conncheck-reports` first became 1, median; measurements, not bounds.".into());
    println!("{}", out.join("\n"));
    Ok(())
}

fn browser_words(engine: Engine) -> &'static str {
    match engine {
        Engine::Chromium => "headless Chromium",
        Engine::Firefox => "headless Firefox ESR (geckodriver)",
        Engine::Webkit => "WebKitGTK MiniBrowser (WebKitWebDriver, on Xvfb)",
    }
}
