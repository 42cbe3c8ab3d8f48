//! `--watch DURATION`: holds N Socket.IO sessions on each transport for the
//! whole duration, a WebSocket one with the core's `connection-lifetime`
//! machine and a polling one with `polling::PollingHold` (both answer the
//! server's pings), opens a dropped session again, and reports every drop
//! as it happens: when, after how long, how it ended. A drop is matched
//! against the core's table of known limits by the core's rules: on
//! WebSocket any drop while held, as the page's `connection-lifetime` does
//! (a close frame too: some hops send one when their timeout fires),
//! except conncheck's own close for a message over its bound; on polling
//! the `polling-cut` rule (`cut_confirmed`). A matched drop is an event at
//! that moment (a pod or proxy restarting), not a time limit, when a
//! session of its transport lived longer. Any other ending (another
//! backend's "Session ID unknown", the app's error, the server's close
//! packet) is reported by what ended it, with no limit. Nothing here
//! passes without a session having held.

use std::process::ExitCode;
use std::time::Duration;

use conncheck_core::check::{CloseCode, CloseInfo, Millis};
use conncheck_core::checks::lifetime::{match_limit, LifetimeCheck, LifetimeData};
use conncheck_core::checks::upgrade::cut_confirmed;
use conncheck_core::checks::{any, seconds, Facts};
use conncheck_core::config::Config;
use conncheck_core::privacy::{plain, redact_url};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

use crate::driver::{self, now};
use crate::net::Net;
use crate::polling::{PollingData, PollingHold};
use crate::progress::Progress;
use crate::ws;
use report::{drop_line, summary, Cut, OpenFailure, WatchReport};

mod report;
#[cfg(test)]
mod report_tests;
#[cfg(test)]
mod tests;

/// A session that could not open, or was lost within this long of its
/// open, is tried again after this long.
const RETRY_MS: Millis = 1_000;
pub(crate) const TRANSPORTS: [&str; 2] = ["websocket", "polling"];

enum Seen {
    /// A session opened, and lived this long (ms) on its transport.
    Lived(usize, Millis),
    Dropped(Cut),
    Failed(OpenFailure),
}

/// One session's attempt as both machines end it.
enum Attempt {
    NotOpened(String),
    Held(Millis),
    Cut(Cut),
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
    // As the report shows it: no credentials, no query values.
    let socketio = config
        .socketio
        .as_ref()
        .map(|u| redact_url(u.as_str()))
        .unwrap_or_default();
    progress.line(&format!(
        "watching {sessions} WebSocket and {sessions} polling Socket.IO session(s) at {socketio} for {}",
        seconds(duration_ms)
    ));
    let (tx, mut rx) = unbounded_channel();
    for transport in 0..TRANSPORTS.len() {
        for session in 1..=sessions {
            let (config, net, tx) = (config.clone(), net.clone(), tx.clone());
            tokio::task::spawn_local(hold(config, net, transport, session, start, deadline, tx));
        }
    }
    drop(tx);
    let mut report = WatchReport::new(socketio, duration_ms, sessions);
    let mut longest = [0; TRANSPORTS.len()];
    while let Some(seen) = rx.recv().await {
        match seen {
            Seen::Lived(t, ms) => {
                report.opened += 1;
                longest[t] = longest[t].max(ms);
            }
            Seen::Dropped(d) => {
                if !json {
                    crate::out(&format!("{}\n", drop_line(&d)));
                }
                report.add_drop(d);
            }
            Seen::Failed(f) => {
                if !json {
                    let at = seconds(f.at_ms);
                    crate::out(&format!(
                        "+{at}  {} session {} did not open: {}\n",
                        f.transport, f.session, f.summary
                    ));
                }
                report.add_open_failure(f);
            }
        }
    }
    report.mark_events(&longest);
    if json {
        let json = serde_json::to_string_pretty(&report).unwrap_or_default();
        crate::out(&format!("{json}\n"));
    } else {
        crate::out(&summary(&report));
    }
    match report.opened {
        0 => ExitCode::from(2),
        _ => ExitCode::from(u8::from(
            report.drops_total + report.open_failures_total > 0,
        )),
    }
}

/// Holds one session slot until the deadline, opening it again after a drop.
async fn hold(
    config: Config,
    net: Net,
    transport: usize,
    session: u32,
    start: Millis,
    deadline: Millis,
    tx: UnboundedSender<Seen>,
) {
    while now() + RETRY_MS <= deadline {
        let left = deadline - now();
        let attempt = if transport == 0 {
            websocket(&config, &net, left, session).await
        } else {
            polling(&config, &net, left, session).await
        };
        let at_ms = now() - start;
        let seen = match attempt {
            Attempt::NotOpened(summary) => {
                let _ = tx.send(Seen::Failed(OpenFailure {
                    at_ms,
                    session,
                    transport: TRANSPORTS[transport],
                    summary,
                }));
                tokio::time::sleep(Duration::from_millis(RETRY_MS)).await;
                continue;
            }
            Attempt::Held(lived) => Seen::Lived(transport, lived),
            Attempt::Cut(cut) => {
                let soon = cut.lifetime_ms < RETRY_MS;
                let _ = tx.send(Seen::Lived(transport, cut.lifetime_ms));
                let _ = tx.send(Seen::Dropped(Cut { at_ms, ..cut }));
                if soon {
                    // Lost as soon as opened (another pod's answer, say):
                    // opened again no sooner than a failed open is, not
                    // hundreds of times a second at the server.
                    tokio::time::sleep(Duration::from_millis(RETRY_MS)).await;
                }
                continue;
            }
        };
        let _ = tx.send(seen);
    }
}

async fn websocket(config: &Config, net: &Net, left: Millis, session: u32) -> Attempt {
    let check = any(LifetimeCheck::new(config, left.div_ceil(1000)));
    let entry = driver::run(check, net, &|_| {}).await;
    let Some(data) = LifetimeData::of(&entry.data).filter(|d| d.opened) else {
        return Attempt::NotOpened(plain(&entry.data.summary()));
    };
    if data.held {
        return Attempt::Held(entry.duration_ms.saturating_sub(data.open_ms.unwrap_or(0)));
    }
    websocket_cut(data, session)
}

/// A held WebSocket's drop as `--watch` reports it: the core's matched
/// limit, unless conncheck itself closed it.
fn websocket_cut(data: &LifetimeData, session: u32) -> Attempt {
    let close = data.close.as_ref();
    let (ended_by, limit_stands) = websocket_ending(close);
    Attempt::Cut(Cut {
        at_ms: 0,
        session,
        transport: TRANSPORTS[0],
        lifetime_ms: data.lifetime_ms.unwrap_or_default(),
        code: Some(close.map_or(1006, |c| c.code.0)),
        clean: close.is_some_and(|c| c.clean),
        status: None,
        waited_ms: None,
        pings_answered: data.pings_answered,
        ended_by: Some(ended_by),
        limit: data
            .matched_limit
            .as_ref()
            .filter(|_| limit_stands)
            .map(|m| m.limit.clone()),
        event: false,
    })
}

/// How a held WebSocket ended, in our words, and whether the limit the
/// core matched stands. It does for every ending the page's
/// `connection-lifetime` matches (any close while held: a hop's timeout
/// may cut without a close frame or send one, 1001 say, and Engine.IO's
/// ping timeout sends one without a code, 1005), but not for conncheck's
/// own close of a socket whose message was over its bound (`ws.rs`).
pub(crate) fn websocket_ending(close: Option<&CloseInfo>) -> (String, bool) {
    match close {
        Some(c) if !c.clean && c.code == CloseCode::MESSAGE_TOO_BIG => (
            format!(
                "conncheck closed it: a message longer than {} MiB arrived.",
                ws::MAX_WS_MESSAGE >> 20
            ),
            false,
        ),
        Some(c) if c.clean && c.code == CloseCode::NO_STATUS => {
            ("A close frame without a code ended it.".into(), true)
        }
        Some(c) if c.clean => (
            format!("A close frame with code {} ended it.", c.code.0),
            true,
        ),
        _ => ("The connection was cut without a close frame.".into(), true),
    }
}

async fn polling(config: &Config, net: &Net, left: Millis, session: u32) -> Attempt {
    let check = Box::new(PollingHold::new(config, left));
    let cap = driver::HARD_CAP_MARGIN_MS + left;
    let Some(outcome) = driver::drive(check, net, cap, &|_| {}).await else {
        return Attempt::NotOpened(format!("did not end within {}", seconds(cap)));
    };
    polling_attempt(outcome.data, left, session)
}

/// A polling hold's end as `--watch` reports it: its words without the
/// marks around server values (`plain`), and the limit apart from them.
fn polling_attempt(d: PollingData, left: Millis, session: u32) -> Attempt {
    if !d.opened {
        return Attempt::NotOpened(plain(&d.ended_by));
    }
    let lifetime_ms = d.lifetime_ms.unwrap_or_default();
    if d.held {
        return Attempt::Held(lifetime_ms.max(left));
    }
    // A long-poll waits for the next ping by design: how long the one that
    // was cut had waited is what a limit on the path is measured by, if the
    // core's `polling-cut` rule says a limit ended it at all.
    let waited = d.waited_ms.unwrap_or_default();
    let limit = d
        .cut
        .as_ref()
        .filter(|cut| cut_confirmed(cut, d.after.as_ref(), d.handshake_ms))
        .map(|_| match_limit(waited, d.ping_interval_ms, &d.hints).limit);
    Attempt::Cut(Cut {
        at_ms: 0,
        session,
        transport: TRANSPORTS[1],
        lifetime_ms,
        code: None,
        clean: false,
        status: d.status,
        waited_ms: d.waited_ms,
        pings_answered: d.pings_answered,
        ended_by: Some(plain(&d.ended_by)),
        limit,
        event: false,
    })
}
