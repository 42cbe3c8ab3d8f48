//! The terminal client against every row of the one scenario table, for
//! BENCHMARKS.md's table and for measuring how many rows may run at once:
//! the rows of `conncheck_lab::cli_table` (which `tests/cli_table.rs`
//! asserts in `make test`), printed as Markdown with the wall time.
//! `cargo build -p conncheck-cli && cargo run -p conncheck-lab --example
//! cli_table -- [--jobs N] [--only NAME,NAME]` (default 1 job: each row's
//! seconds then measure that row alone).

use std::time::Instant;

use anyhow::{bail, Context, Result};
use conncheck_lab::cli_table::{run_rows, MARKDOWN_HEADER};
use conncheck_lab::scenarios::{Scenario, SCENARIOS};

#[tokio::main]
async fn main() -> Result<()> {
    let mut jobs = 1;
    let mut only: Option<Vec<String>> = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .context("usage: cli_table [--jobs N] [--only NAME,NAME]")?;
        match flag.as_str() {
            "--jobs" => jobs = value.parse().context("--jobs N")?,
            "--only" => only = Some(value.split(',').map(str::to_owned).collect()),
            _ => bail!("usage: cli_table [--jobs N] [--only NAME,NAME]"),
        }
    }
    let rows: Vec<&'static Scenario> = SCENARIOS
        .iter()
        .filter(|s| only.as_ref().is_none_or(|o| o.iter().any(|n| n == s.name)))
        .collect();
    let started = Instant::now();
    let done = run_rows(&rows, jobs).await;
    let wall = started.elapsed();
    println!("{MARKDOWN_HEADER}");
    for row in &done {
        println!("{}", row.markdown());
    }
    let wrong: Vec<_> = done.iter().filter(|r| !r.ok()).collect();
    println!(
        "\n{} rows, {} where the CLI differs from the table; {jobs} at once, {:.0} s in all.",
        done.len(),
        wrong.len(),
        wall.as_secs_f64()
    );
    for row in wrong {
        eprintln!("{}\n", row.explain());
    }
    Ok(())
}
