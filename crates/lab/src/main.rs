//! `conncheck-lab`: serves the built page and a real Socket.IO endpoint on
//! loopback, and prints the URL to open.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use conncheck_lab::{default_dist, Lab, LabOptions};

const USAGE: &str = "usage: conncheck-lab [--port N] [--dist DIR] [--no-socketio]";

#[tokio::main]
async fn main() -> Result<()> {
    let options = parse_args(std::env::args().skip(1))?;
    let lab = Lab::start(options).await?;
    println!("conncheck lab running: {}", lab.url());
    println!("Open it in a browser; press Ctrl-C to stop.");
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    lab.stop().await;
    Ok(())
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<LabOptions> {
    let mut options = LabOptions::new(default_dist());
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                let value = args.next().context(USAGE)?;
                options.port = value
                    .parse()
                    .with_context(|| format!("--port {value:?} is not a port number"))?;
            }
            "--dist" => options.dist = PathBuf::from(args.next().context(USAGE)?),
            "--no-socketio" => options.socketio = false,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    Ok(options)
}
