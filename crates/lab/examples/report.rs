//! Prints the report of one run against a lab scenario, for a person to read:
//! `cargo run -p conncheck-lab --example report -- [SCENARIO] [QUERY]`
//! (scenarios as in `conncheck-lab --help`, QUERY defaulting to the
//! scenario's own; `direct` or none = the direct lab); in Firefox or
//! WebKitGTK with `CONNCHECK_BROWSER=firefox` or `webkit`.

use std::time::Duration;

use anyhow::Result;
use conncheck_lab::browser::Browser;
use conncheck_lab::engine::{Devices, Engine};
use conncheck_lab::scenarios::scenario;
use conncheck_lab::topology::Topology;
use conncheck_lab::{default_dist, Lab, LabOptions};

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let query = args.get(1).cloned();
    let engine = match std::env::var("CONNCHECK_BROWSER") {
        Ok(name) => Engine::from_name(&name)?,
        Err(_) => Engine::Chromium,
    };
    let browser = Browser::start_engine(engine, Devices::default()).await?;
    let backend = match args.first().map(String::as_str) {
        None | Some("direct") => None,
        Some(name) => Some(scenario(name)?),
    };
    let report = match backend {
        Some(scenario) => {
            let t = Topology::start(scenario.proxy, scenario.backend).await?;
            let query = query.as_deref().unwrap_or(scenario.query);
            let url = t.page_url(query);
            let timeout = Duration::from_secs(60);
            let report = if scenario.observes_after_report() {
                browser.run_page_settled(&url, timeout).await?
            } else {
                browser.run_page(&url, timeout).await?
            };
            eprintln!("{}", t.error_log());
            report
        }
        None => {
            let lab = Lab::start(LabOptions::new(default_dist())).await?;
            let query = query.unwrap_or_default();
            browser
                .run_page(&format!("{}{query}", lab.url()), Duration::from_secs(60))
                .await?
        }
    };
    println!("{}", serde_json::to_string_pretty(&report)?);
    browser.close().await;
    Ok(())
}
