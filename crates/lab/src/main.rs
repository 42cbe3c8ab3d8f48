//! `conncheck-lab`: serves the built page against real Socket.IO servers on
//! loopback and prints the URL to open. `--scenario` picks a topology of
//! nginx and backends that shows one failure.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use conncheck_lab::scenarios::{scenario, Scenario, SCENARIOS};
use conncheck_lab::topology::Topology;
use conncheck_lab::{default_dist, Lab, LabOptions};

const USAGE: &str =
    "usage: conncheck-lab [--port N] [--dist DIR] [--no-socketio] [--scenario NAME]";
// Scenarios' servers run their production defaults (Socket.IO pings every
// 25 s) unless the scenario is about a setting.

fn usage() -> String {
    let scenarios: Vec<String> = SCENARIOS
        .iter()
        .map(|s| format!("  {:20} {}", s.name, s.what))
        .collect();
    format!(
        "{USAGE}\nscenarios (nginx or HAProxy in front of real backends):\n{}",
        scenarios.join("\n")
    )
}

enum Mode {
    Direct(LabOptions),
    Scenario(&'static Scenario),
}

#[tokio::main]
async fn main() -> Result<()> {
    match parse_args(std::env::args().skip(1))? {
        Mode::Direct(options) => {
            let lab = Lab::start(options).await?;
            println!("conncheck lab running: {}", lab.url());
            wait().await?;
            lab.stop().await;
        }
        Mode::Scenario(scenario) => {
            let topology = Topology::start(scenario.proxy, scenario.backend).await?;
            println!(
                "conncheck lab running: {}",
                topology.page_url(scenario.query)
            );
            wait().await?;
            topology.nginx.stop().await;
        }
    }
    Ok(())
}

async fn wait() -> Result<()> {
    println!("Open it in a browser; press Ctrl-C to stop.");
    tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Mode> {
    let mut options = LabOptions::new(default_dist());
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                let value = args.next().context(USAGE)?;
                options.port = value
                    .parse()
                    .with_context(|| format!("--port {value:?} is not a port number"))?;
            }
            "--dist" => options.dist = Some(PathBuf::from(args.next().context(USAGE)?)),
            "--no-socketio" => options.socketio = false,
            "--scenario" => {
                return Ok(Mode::Scenario(scenario(&args.next().context(USAGE)?)?));
            }
            "-h" | "--help" => {
                println!("{}", usage());
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?}\n{}", usage()),
        }
    }
    Ok(Mode::Direct(options))
}
