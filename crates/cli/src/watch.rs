//! `--watch DURATION`: holds N Socket.IO WebSocket sessions for the whole
//! duration with the core's `connection-lifetime` machine (it answers the
//! server's pings, records the close and matches the cut against the
//! known limits), opens a dropped session again, and reports every drop
//! as it happens: when, after how long, the close code, and the limit it
//! matches. A rolling update's pod restarts and an idle timeout are drops
//! it can see; nothing here passes without a session having held.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use conncheck_core::check::Millis;
use conncheck_core::checks::lifetime::{LifetimeCheck, LifetimeData};
use conncheck_core::checks::{any, seconds, Facts};
use conncheck_core::config::Config;
use serde::Serialize;
use tokio::sync::mpsc::unbounded_channel;

use crate::driver::{self, now};
use crate::net::Net;
use crate::progress::Progress;

/// A session that could not open is tried again after this long.
const RETRY_MS: Millis = 1_000;
/// A session that lived this much longer than a dropped one shows the drop
/// was no time limit.
const OUTLIVED_MS: Millis = 2_000;

/// What `--watch --json` prints (docs/contracts.md, `conncheck-watch/1`).
#[derive(Serialize)]
struct WatchReport {
    schema: &'static str,
    socketio: String,
    duration_ms: Millis,
    sessions: u32,
    /// Sessions that opened, reopened ones included.
    opened: u32,
    drops: Vec<Cut>,
    /// Attempts that never opened: when, and the check's summary.
    open_failures: Vec<OpenFailure>,
}

#[derive(Serialize)]
struct Cut {
    /// From the start of the watch to the drop.
    at_ms: Millis,
    session: u32,
    transport: &'static str,
    /// From the session's open to its drop.
    lifetime_ms: Millis,
    code: u16,
    clean: bool,
    pings_answered: u32,
    /// The known limit the cut matches (the core's table), unless a
    /// session outlived it: then `null`, and `event` is true.
    limit: Option<String>,
    /// A session lived longer than this one without a cut: the drop was
    /// something that happened at that moment (a pod or proxy restarting),
    /// not a time limit on the path.
    event: bool,
}

#[derive(Serialize)]
struct OpenFailure {
    at_ms: Millis,
    session: u32,
    summary: String,
}

enum Seen {
    /// A session opened; it lived this long (ms) when it ended.
    Lived(Millis),
    Opened,
    Dropped(Cut),
    Failed(OpenFailure),
}

pub async fn run(
    config: &Config,
    net: &Net,
    duration_ms: Millis,
    sessions: u32,
    json: bool,
    progress: &Progress,
) -> ExitCode {
    let start = now();
    let deadline = start + duration_ms;
    let socketio = config
        .socketio
        .as_ref()
        .map(|u| u.to_string())
        .unwrap_or_default();
    progress.line(&format!(
        "watching {sessions} Socket.IO WebSocket session(s) at {socketio} for {}",
        seconds(duration_ms)
    ));
    let (tx, mut rx) = unbounded_channel();
    for session in 1..=sessions {
        let (config, net, tx) = (config.clone(), net.clone(), tx.clone());
        tokio::task::spawn_local(async move {
            while now() + RETRY_MS <= deadline {
                let hold_s = (deadline - now()).div_ceil(1000);
                let check = any(LifetimeCheck::new(&config, hold_s));
                let entry = driver::run(check, &net, &|_| {}).await;
                let at_ms = now() - start;
                let Some(data) = LifetimeData::of(&entry.data) else {
                    let summary = entry.summary.clone();
                    let _ = tx.send(Seen::Failed(OpenFailure {
                        at_ms,
                        session,
                        summary,
                    }));
                    break; // overran: the check's own bug, reported once
                };
                if !data.opened {
                    let summary = entry.summary.clone();
                    let _ = tx.send(Seen::Failed(OpenFailure {
                        at_ms,
                        session,
                        summary,
                    }));
                    tokio::time::sleep(Duration::from_millis(RETRY_MS)).await;
                    continue;
                }
                let _ = tx.send(Seen::Opened);
                if data.held {
                    let lived = entry.duration_ms.saturating_sub(data.open_ms.unwrap_or(0));
                    let _ = tx.send(Seen::Lived(lived));
                    continue;
                }
                let _ = tx.send(Seen::Lived(data.lifetime_ms.unwrap_or_default()));
                let close = data.close.as_ref();
                let _ = tx.send(Seen::Dropped(Cut {
                    at_ms,
                    session,
                    transport: "websocket",
                    lifetime_ms: data.lifetime_ms.unwrap_or_default(),
                    code: close.map_or(1006, |c| c.code.0),
                    clean: close.is_some_and(|c| c.clean),
                    pings_answered: data.pings_answered,
                    limit: data.matched_limit.as_ref().map(|m| m.limit.clone()),
                    event: false,
                }));
            }
        });
    }
    drop(tx);
    let mut report = WatchReport {
        schema: "conncheck-watch/1",
        socketio,
        duration_ms,
        sessions,
        opened: 0,
        drops: Vec::new(),
        open_failures: Vec::new(),
    };
    let mut longest: Millis = 0;
    while let Some(seen) = rx.recv().await {
        match seen {
            Seen::Lived(ms) => longest = longest.max(ms),
            Seen::Opened => report.opened += 1,
            Seen::Dropped(d) => {
                if !json {
                    println!("{}", drop_line(&d));
                }
                report.drops.push(d);
            }
            Seen::Failed(f) => {
                if !json {
                    println!(
                        "+{}  session {} did not open: {}",
                        seconds(f.at_ms),
                        f.session,
                        f.summary
                    );
                }
                report.open_failures.push(f);
            }
        }
    }
    for d in &mut report.drops {
        if longest > d.lifetime_ms + OUTLIVED_MS {
            d.event = true;
            d.limit = None;
        }
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        print!("{}", summary(&report));
    }
    if report.opened == 0 {
        ExitCode::from(2)
    } else {
        ExitCode::from(u8::from(
            !report.drops.is_empty() || !report.open_failures.is_empty(),
        ))
    }
}

fn drop_line(d: &Cut) -> String {
    let how = if d.clean {
        format!("closed with code {}", d.code)
    } else {
        format!("cut with code {} (no close frame)", d.code)
    };
    format!(
        "+{}  session {} ({}) {how} after {}, {} pings answered",
        seconds(d.at_ms),
        d.session,
        d.transport,
        seconds(d.lifetime_ms),
        d.pings_answered
    )
}

fn summary(r: &WatchReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} drop(s) and {} failed open(s) in {} over {} session(s) ({} opened).",
        r.drops.len(),
        r.open_failures.len(),
        seconds(r.duration_ms),
        r.sessions,
        r.opened
    );
    for d in &r.drops {
        let _ = match &d.limit {
            Some(limit) => writeln!(
                out,
                "  the drop at +{} matches {limit}",
                seconds(d.at_ms)
            ),
            None if d.event => writeln!(
                out,
                "  the drop at +{} was no time limit (a session lived longer): something on the path ended it at that moment, such as a pod or proxy restarting",
                seconds(d.at_ms)
            ),
            None => Ok(()),
        };
    }
    out
}
