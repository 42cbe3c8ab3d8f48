//! `conncheck-lab`: serves the built page against real Socket.IO servers on
//! loopback and prints the URL to open. `--scenario` picks a topology of
//! nginx and backends that shows one failure.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use conncheck_lab::topology::{scenario, Backend, Proxy, Topology, SCENARIOS};
use conncheck_lab::{default_dist, Lab, LabOptions};

const USAGE: &str =
    "usage: conncheck-lab [--port N] [--dist DIR] [--no-socketio] [--scenario NAME]";

fn usage() -> String {
    let scenarios: Vec<String> = SCENARIOS
        .iter()
        .map(|(name, .., what)| format!("  {name:16} {what}"))
        .collect();
    format!(
        "{USAGE}\nscenarios (nginx in front of real backends):\n{}\nAdd &namespace=/admin to the printed URL to see a namespace refusal.",
        scenarios.join("\n")
    )
}

enum Mode {
    Direct(LabOptions),
    Scenario(Proxy, Backend),
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
        Mode::Scenario(proxy, backend) => {
            let topology = Topology::start(proxy, backend).await?;
            println!("conncheck lab running: {}", topology.page_url(""));
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
                let (proxy, backend) = scenario(&args.next().context(USAGE)?)?;
                return Ok(Mode::Scenario(proxy, backend));
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
