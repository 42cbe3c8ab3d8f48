//! Share payload and link sizes of real reports from the lab, as a Markdown
//! table (`scripts/bench.sh` puts it into BENCHMARKS.md).
//! Typical: the healthy lab. Failing: real failing scenarios. Worst case:
//! every check of those runs marked failed, every finding they produced
//! together, and a user description of the maximum length.

use std::time::Duration;

use anyhow::Result;
use conncheck_core::check::Status;
use conncheck_core::report::{Report, MAX_USER_NOTE_CHARS};
use conncheck_core::share;
use conncheck_lab::browser::Browser;
use conncheck_lab::node::NodeMode;
use conncheck_lab::report_json::FAKE_DEVICES;
use conncheck_lab::topology::{Backend, Proxy, Topology};
use conncheck_lab::{default_dist, Lab, LabOptions};

const RUN: Duration = Duration::from_secs(60);
/// What a deployed page's link starts with, for link lengths.
const PAGE: &str = "https://chat.example.com/conncheck/";

async fn scenario(
    browser: &Browser,
    proxy: Proxy,
    backend: Backend,
    query: &str,
) -> Result<Report> {
    let topology = Topology::start(proxy, backend).await?;
    Ok(serde_json::from_value(
        browser.run_page(&topology.page_url(query), RUN).await?,
    )?)
}

fn row(name: &str, report: &Report) -> String {
    let json = conncheck_core::view::derive(report).json(report).len();
    let payload = share::encode(report).len();
    let line = share::line(report).len();
    let link = share::link(PAGE, report).len();
    format!(
        "| {name} | {} | {} | {json} | {payload} | {line} | {link} |",
        report.checks.len(),
        report.findings.len()
    )
}

#[tokio::main]
async fn main() -> Result<()> {
    let browser = Browser::start(&[FAKE_DEVICES]).await?;
    let lab = Lab::start(LabOptions::new(default_dist())).await?;
    let typical: Report = serde_json::from_value(browser.run_page(&lab.url(), RUN).await?)?;
    let no_upgrade = scenario(
        &browser,
        Proxy::NoUpgrade,
        Backend::Node(NodeMode::Healthy),
        "",
    )
    .await?;
    let round_robin = scenario(&browser, Proxy::Healthy, Backend::NodePods(2), "").await?;
    let cut = scenario(
        &browser,
        Proxy::ShortIdle,
        Backend::Node(NodeMode::Healthy),
        "&lifetime=10",
    )
    .await?;
    browser.close().await;

    let mut worst = cut.clone();
    for check in &mut worst.checks {
        check.status = Status::Fail;
    }
    for other in [&no_upgrade, &round_robin] {
        worst.findings.extend(other.findings.iter().cloned());
    }
    worst.set_user_note(
        &"Nothing works for me, the chat keeps reconnecting. ".repeat(MAX_USER_NOTE_CHARS / 40),
    );

    println!("Bytes of the report JSON (`#report-json`), its record's share payload (raw DEFLATE, base64url), the copy line, and a link `{PAGE}#report=…`:");
    println!();
    println!("| report | checks | findings | JSON | payload | line | link |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    println!(
        "{}",
        row(
            "typical: healthy lab (camera test not run, no STUN/TURN set)",
            &typical
        )
    );
    println!(
        "{}",
        row("failing: upgrade headers dropped (no-upgrade)", &no_upgrade)
    );
    println!(
        "{}",
        row("failing: two pods, no affinity (round-robin)", &round_robin)
    );
    println!(
        "{}",
        row("failing: connection cut after 3 s (short-idle)", &cut)
    );
    println!(
        "{}",
        row(
            "worst case: all checks failed, all those findings, a 2,000-character description",
            &worst
        )
    );
    println!();
    println!(
        "Links, copy lines and QR codes carry the compact payload: finding explanations and fixes,"
    );
    println!("check titles, and summaries their data implies are restored on opening. Aim: a typical link");
    println!(
        "under 2,000 characters, so chat tools keep it whole; a QR code holds at most 2,953 bytes."
    );
    Ok(())
}
