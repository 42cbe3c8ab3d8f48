//! Screenshots of the page against the lab, for a person to look at:
//! `cargo run -p conncheck-lab --example screenshot -- OUT.png [QUERY] [--no-socketio] [--width N]`

use std::time::Duration;

use anyhow::{Context, Result};
use conncheck_lab::browser::Browser;
use conncheck_lab::{default_dist, Lab, LabOptions};

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args
        .first()
        .context("usage: screenshot OUT.png [QUERY] [--no-socketio] [--width N]")?;
    let query = args
        .get(1)
        .filter(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_default();
    let width = args
        .iter()
        .position(|a| a == "--width")
        .and_then(|i| args.get(i + 1))
        .map_or("1000", |w| w);
    let mut options = LabOptions::new(default_dist());
    options.socketio = !args.iter().any(|a| a == "--no-socketio");
    let lab = Lab::start(options).await?;
    let size = format!("--window-size={width},1400");
    let browser = Browser::start(&[&size]).await?;
    browser
        .run_page(&format!("{}{}", lab.url(), query), Duration::from_secs(60))
        .await?;
    browser.screenshot(out.as_ref()).await?;
    browser.close().await;
    println!("wrote {out}");
    Ok(())
}
