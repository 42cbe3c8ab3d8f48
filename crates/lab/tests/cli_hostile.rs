//! `conncheck` against the hostile-server lab (a body that trickles, a
//! 300 MB body, a ping flood, invalid UTF-8, huge headers naming internal
//! proxies, a WebSocket that never speaks, one whose first message is 2 Mi
//! characters): every run ends in a complete report within its bounds,
//! names a problem, and repeats no internal host name or session id; the
//! flood gets one pong per poll at most; the loud socket ends as a browser
//! ends it, 1009.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use conncheck_lab::cli::Ran;
use conncheck_lab::default_dist;
use conncheck_lab::hostile::{Hostile, FLOOD_PINGS};
use conncheck_lab::report_json::{finding_ids, websocket_target};
use serde_json::{json, Value};

/// Each run ends within this: the checks' own timeouts and the held
/// long-poll's wait for a 25 s ping, far below the driver's hard cap.
const BOUND: Duration = Duration::from_secs(75);

async fn run(url: String, what: &'static str) -> Result<(Value, &'static str)> {
    let started = Instant::now();
    let ran: Ran = conncheck_lab::cli::run(&[&url, "--json", "--quiet"], BOUND).await?;
    let report: Value = serde_json::from_str(&ran.stdout)
        .with_context(|| format!("{what}: exit {}: {}", ran.code, ran.stderr))?;
    assert_eq!(ran.code, 1, "{what}: {report:#}");
    let checks = report["checks"].as_array().context("checks")?;
    assert_eq!(checks.len(), 4, "{what}: the network checks: {report:#}");
    for c in checks {
        let summary = c["summary"].as_str().context("summary")?;
        assert!(!summary.contains("did not finish"), "{what}: {summary}");
    }
    assert!(!finding_ids(&report).is_empty(), "{what}: {report:#}");
    let text = format!("{}{}", ran.stdout, ran.stderr);
    assert!(
        !text.contains("internal.corp") && !text.contains("hostileSID"),
        "{what}: {text:.2000}"
    );
    println!(
        "{what}: {:.1} s, {:?}",
        started.elapsed().as_secs_f64(),
        finding_ids(&report)
    );
    Ok((report, what))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_hostile_server_gets_a_complete_report() -> Result<()> {
    let hostile = Hostile::start(default_dist(), None).await?;
    let with_ws = |ws: String| Some(json!({"ws": ws, "socketio": "/flood/socket.io/"}).to_string());
    let silent = Hostile::start(
        default_dist(),
        with_ws(format!("ws://127.0.0.1:{}/", hostile.silent_ws_port)),
    )
    .await?;
    let loud_ws = format!("ws://127.0.0.1:{}/", hostile.loud_ws_port);
    let loud = Hostile::start(default_dist(), with_ws(loud_ws.clone())).await?;
    let path = |p: &str| format!("{}?socketio=/{p}/socket.io/", hostile.url());
    let runs = [
        run(path("trickle"), "trickle"),
        run(path("huge"), "huge"),
        run(path("flood"), "flood"),
        run(path("badutf8"), "badutf8"),
        run(path("headers"), "headers"),
        run(silent.url(), "silent websocket"),
        run(loud.url(), "loud websocket"),
    ];
    let reports = futures_util::future::try_join_all(runs).await?;
    let posts = hostile.counts.flood_posts.load(Ordering::SeqCst);
    assert!(
        posts < 100,
        "{posts} POSTs for floods of {FLOOD_PINGS} pings"
    );
    let (report, _) = reports
        .iter()
        .find(|(_, w)| *w == "loud websocket")
        .context("loud")?;
    let target = websocket_target(report, &loud_ws);
    assert_eq!(target["close"]["code"], 1009, "{target:#}");
    Ok(())
}
