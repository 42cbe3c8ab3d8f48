//! What `--watch` reports: its JSON (`conncheck-watch/1`) and its lines
//! for people.

use std::fmt::Write as _;

use conncheck_core::check::{CloseCode, Millis};
use conncheck_core::checks::seconds;
use serde::Serialize;

use super::TRANSPORTS;

/// The drops, and the failed opens, of each transport the report lists;
/// the ones after are counted only (a day's watch of many sessions would
/// otherwise hold one a second each).
pub(super) const LISTED: usize = 200;

/// A session that lived this much longer than a dropped one of its
/// transport, held or dropped later, shows the drop was no time limit: the
/// path let a session live past it, and a limit cuts every session at
/// about the same lifetime.
const OUTLIVED_MS: Millis = 2_000;

/// What `--watch --json` prints (docs/contracts.md, `conncheck-watch/1`).
#[derive(Serialize)]
pub(super) struct WatchReport {
    pub(super) schema: &'static str,
    pub(super) socketio: String,
    pub(super) duration_ms: Millis,
    /// Sessions held at once on each transport.
    pub(super) sessions: u32,
    /// Sessions that opened, reopened ones included.
    pub(super) opened: u32,
    /// How many drops there were; `drops` lists the first `LISTED` of
    /// each transport.
    pub(super) drops_total: u64,
    pub(super) drops: Vec<Cut>,
    /// Attempts that never opened: when, and why; as the drops.
    pub(super) open_failures_total: u64,
    pub(super) open_failures: Vec<OpenFailure>,
}

impl WatchReport {
    pub(super) fn new(socketio: String, duration_ms: Millis, sessions: u32) -> Self {
        WatchReport {
            schema: "conncheck-watch/1",
            socketio,
            duration_ms,
            sessions,
            opened: 0,
            drops_total: 0,
            drops: Vec::new(),
            open_failures_total: 0,
            open_failures: Vec::new(),
        }
    }

    pub(super) fn add_drop(&mut self, d: Cut) {
        self.drops_total += 1;
        let of = |k: &&Cut| k.transport == d.transport;
        if self.drops.iter().filter(of).count() < LISTED {
            self.drops.push(d);
        }
    }

    /// `longest`: the longest any session of each transport lived. A drop
    /// that matched a limit is an event instead when one lived longer.
    pub(super) fn mark_events(&mut self, longest: &[Millis; TRANSPORTS.len()]) {
        for d in self.drops.iter_mut().filter(|d| d.limit.is_some()) {
            let t = TRANSPORTS
                .iter()
                .position(|t| *t == d.transport)
                .unwrap_or(0);
            if longest[t] > d.lifetime_ms + OUTLIVED_MS {
                d.event = true;
                d.limit = None;
            }
        }
    }

    pub(super) fn add_open_failure(&mut self, f: OpenFailure) {
        self.open_failures_total += 1;
        let of = |k: &&OpenFailure| k.transport == f.transport;
        if self.open_failures.iter().filter(of).count() < LISTED {
            self.open_failures.push(f);
        }
    }
}

#[derive(Serialize)]
pub(super) struct Cut {
    /// From the start of the watch to the drop.
    pub(super) at_ms: Millis,
    pub(super) session: u32,
    pub(super) transport: &'static str,
    /// From the session's open to its drop.
    pub(super) lifetime_ms: Millis,
    /// A WebSocket's close code as a browser reports it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) code: Option<u16>,
    pub(super) clean: bool,
    /// Polling: the HTTP status of the answer that ended the session
    /// (absent: the request failed without one), and how long that
    /// request had waited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) waited_ms: Option<Millis>,
    pub(super) pings_answered: u32,
    /// What ended the session, in our words (server values quoted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) ended_by: Option<String>,
    /// The known limit the cut matches (the core's table), by the core's
    /// rules (`watch::websocket_ending`: any WebSocket ending but
    /// conncheck's own close; polling: `cut_confirmed`), and unless a
    /// session outlived it: then `null`, and `event` is true.
    pub(super) limit: Option<String>,
    /// A session of its transport lived longer than this one (held or
    /// dropped later): the drop was something that happened at that moment.
    pub(super) event: bool,
}

#[derive(Serialize)]
pub(super) struct OpenFailure {
    pub(super) at_ms: Millis,
    pub(super) session: u32,
    pub(super) transport: &'static str,
    pub(super) summary: String,
}

pub(super) fn drop_line(d: &Cut) -> String {
    let how = match (d.code, d.clean, d.status) {
        (Some(code), true, _) => format!("closed with code {code}"),
        (Some(code), false, _) if code == CloseCode::MESSAGE_TOO_BIG.0 => {
            format!("closed by conncheck (code {code})")
        }
        (Some(code), false, _) => format!("cut with code {code} (no close frame)"),
        (None, _, Some(status)) => format!("lost: a request answered HTTP {status}"),
        (None, _, None) => "lost: a request failed without an answer".to_owned(),
    };
    let mut line = format!(
        "+{}  {} session {} {how} after {}, {} pings answered",
        seconds(d.at_ms),
        d.transport,
        d.session,
        seconds(d.lifetime_ms),
        d.pings_answered
    );
    if let Some(ended_by) = &d.ended_by {
        line.push_str(": ");
        line.push_str(ended_by);
    }
    line
}

pub(super) fn summary(r: &WatchReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} drop(s) and {} failed open(s) in {} with {} session(s) per transport ({} opened).",
        r.drops_total,
        r.open_failures_total,
        seconds(r.duration_ms),
        r.sessions,
        r.opened
    );
    for d in &r.drops {
        let at = seconds(d.at_ms);
        let _ = match (&d.limit, d.event) {
            (Some(limit), _) => writeln!(out, "  the {} drop at +{at} matches {limit}", d.transport),
            (None, true) => writeln!(
                out,
                "  the {} drop at +{at} was no time limit (a session lived longer): something on the path ended it at that moment, such as a pod or proxy restarting",
                d.transport
            ),
            (None, false) => writeln!(
                out,
                "  the {} drop at +{at} matches no limit on the path: {}",
                d.transport,
                d.ended_by.as_deref().unwrap_or("it ended without a cause seen")
            ),
        };
    }
    let unlisted = r.drops_total.saturating_sub(r.drops.len() as u64);
    if unlisted > 0 {
        let _ = writeln!(
            out,
            "  {unlisted} more drop(s) not listed: the report lists the first {LISTED} of each transport."
        );
    }
    out
}
