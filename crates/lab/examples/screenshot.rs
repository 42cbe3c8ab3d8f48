//! Screenshots of the page against the lab, for a person to look at:
//! `cargo run -p conncheck-lab --example screenshot -- OUT.png [SCENARIO|direct|no-socketio] [QUERY] [WIDTH] [dark] [settled] [shared]`
//! `settled` waits until nothing is observed any more (the pods' count,
//! the held long-poll); `shared` opens the run's report link, as support
//! staff would see it;
//! `media` runs the camera and microphone test with Chromium's fake devices
//! and shoots during the preview.

use std::time::Duration;

use anyhow::{Context, Result};
use conncheck_lab::browser::Browser;
use conncheck_lab::scenarios::scenario;
use conncheck_lab::topology::Topology;
use conncheck_lab::{default_dist, Lab, LabOptions};

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args
        .first()
        .context("usage: screenshot OUT.png [SCENARIO] [QUERY] [WIDTH]")?;
    let which = args.get(1).map_or("direct", String::as_str);
    let query = args.get(2).cloned().unwrap_or_default();
    let size = format!(
        "--window-size={},1400",
        args.get(3).map_or("1000", String::as_str)
    );
    let dark = args.iter().any(|a| a == "dark");
    let mut flags = vec![size.as_str()];
    if dark {
        flags.push("--blink-settings=preferredColorScheme=0");
    }
    let media = args.iter().any(|a| a == "media");
    if media {
        flags.extend([
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
        ]);
    }
    let browser = Browser::start(&flags).await?;
    let (_lab, _topology, url) = match which {
        "direct" | "no-socketio" => {
            let mut options = LabOptions::new(default_dist());
            options.socketio = which == "direct";
            let lab = Lab::start(options).await?;
            let url = format!("{}{query}", lab.url());
            (Some(lab), None, url)
        }
        name => {
            let scenario = scenario(name)?;
            let topology = Topology::start(scenario.proxy, scenario.backend).await?;
            let url = topology.page_url(&query);
            (None, Some(topology), url)
        }
    };
    browser.run_page(&url, Duration::from_secs(60)).await?;
    if args.iter().any(|a| a == "settled") {
        browser
            .wait_for_state("done", Duration::from_secs(120))
            .await?;
    }
    if args.iter().any(|a| a == "shared") {
        let link = browser
            .client()
            .execute(
                "return document.getElementById('report-link').value;",
                vec![],
            )
            .await?;
        browser
            .client()
            .goto(link.as_str().context("no report link")?)
            .await?;
        browser
            .wait_for_state("done", Duration::from_secs(60))
            .await?;
    }
    if media {
        browser.click_action("media-test").await?;
        // For a person to look at: wait until the fake microphone beeps.
        let meter = "const m = document.getElementById('mic-meter'); return m ? m.value : 0;";
        browser
            .poll(meter, Duration::from_secs(2), |v| {
                v.as_f64().unwrap_or(0.0) > 0.1
            })
            .await?;
        let preview = "document.querySelector('section.media').scrollIntoView();";
        browser.client().execute(preview, vec![]).await?;
        browser.screenshot(out.as_ref()).await?;
        browser.close().await;
        println!("wrote {out}");
        return Ok(());
    }
    // Show evidence and fixes as support staff would open them.
    let open = "document.querySelectorAll('details:not(.raw-report)').forEach(d => d.open = true)";
    browser.client().execute(open, vec![]).await?;
    browser.screenshot(out.as_ref()).await?;
    browser.close().await;
    println!("wrote {out}");
    Ok(())
}
