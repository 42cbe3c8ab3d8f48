//! `connection-lifetime`: hold a real Socket.IO WebSocket session open,
//! answering the server's pings, for the configured time, and record when
//! and how it ends. A cut is matched against known proxy limits using the
//! hints in same-origin response headers (`Via: 1.1 google`,
//! `Server: cloudflare`, ...).

use serde::{Deserialize, Serialize};
use url::Url;

use super::{engineio_url, seconds, since, skipped_without_endpoint, Transport};
use crate::catalog::CheckId;
use crate::check::{
    Check, CloseCode, CloseInfo, Event, FetchRequest, Handle, Millis, Status, CLOSE_TIMEOUT_MS,
};
use crate::classify::classify;
use crate::config::Config;
use crate::engineio::Packet;
use crate::socketio::connect_message;

/// This check's actions and outcome, with its data type.
type Action = crate::check::Action<LifetimeData>;
type Outcome = crate::check::Outcome<LifetimeData>;

pub const OPEN_TIMEOUT_MS: Millis = 10_000;
/// What the on-demand test holds when the configuration says 0.
pub const DEFAULT_ON_DEMAND_S: u64 = 120;

/// What the test holds: the configured `lifetime` (seconds), or the
/// on-demand default where it is 0.
pub fn hold_s(lifetime_s: u64) -> u64 {
    if lifetime_s > 0 {
        lifetime_s
    } else {
        DEFAULT_ON_DEMAND_S
    }
}
const SOCKET: Handle = 0;
const HINTS: Handle = 0;
const TIMER: Handle = 0;

/// Response headers that tell which proxy is in the path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformHints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

impl PlatformHints {
    fn has(&self, needle: &str) -> bool {
        [&self.server, &self.via].iter().any(|h| {
            h.as_deref()
                .is_some_and(|v| v.to_ascii_lowercase().contains(needle))
        })
    }
}

/// A known limit that a measured cut matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchedLimit {
    pub limit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_s: Option<u64>,
}

/// The known limit closest to a cut after `lifetime_ms` (docs/contracts.md, `connection-cut`).
pub fn match_limit(
    lifetime_ms: Millis,
    ping_interval_ms: Option<Millis>,
    hints: &PlatformHints,
) -> MatchedLimit {
    let s = lifetime_ms as f64 / 1000.0;
    let near = |target: f64, tolerance: f64| (s - target).abs() <= tolerance;
    let known = |limit: &str, expected: u64| MatchedLimit {
        limit: limit.into(),
        expected_s: Some(expected),
    };
    if near(30.0, 5.0) && hints.has("google") {
        return known(
            "the GKE / Google Cloud load balancer backend timeout (30 s by default)",
            30,
        );
    }
    if near(60.0, 5.0) {
        let who = if hints.has("awselb") {
            "the AWS ALB idle timeout (60 s by default)"
        } else {
            "a 60 s idle timeout: nginx proxy-read-timeout (the ingress-nginx default) or an AWS ALB idle_timeout, reached because pings are sparser than it"
        };
        return known(who, 60);
    }
    if (95.0..=125.0).contains(&s) && hints.has("cloudflare") {
        return known("the Cloudflare proxy idle limit (100 s)", 100);
    }
    if near(180.0, 5.0) {
        return known(
            "Traefik's respondingTimeouts.idleTimeout (180 s by default)",
            180,
        );
    }
    if near(3600.0, 60.0) {
        return known(
            "a proxy-read-timeout or timeoutSec of 3600 s: expected, clients reconnect",
            3600,
        );
    }
    let seconds_text = seconds(lifetime_ms);
    match ping_interval_ms {
        Some(ping) if lifetime_ms < ping => MatchedLimit {
            limit: format!(
                "an idle timeout of about {seconds_text} on the path, shorter than the server's ping interval ({}): the connection is silent longer than the proxy allows",
                seconds(ping)
            ),
            expected_s: None,
        },
        _ => MatchedLimit { limit: format!("a limit of about {seconds_text} on the path"), expected_s: None },
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifetimeData {
    pub hold_s: u64,
    pub opened: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_ms: Option<Millis>,
    /// From open to close, when it was cut before the hold time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_ms: Option<Millis>,
    pub held: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<CloseInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ping_interval_ms: Option<Millis>,
    pub pings_answered: u32,
    /// Time between the last ping and the cut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_ping_before_close_ms: Option<Millis>,
    pub hints: PlatformHints,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_limit: Option<MatchedLimit>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Opening,
    Holding,
    Closing,
    Done,
}

pub struct LifetimeCheck {
    endpoint: Option<Url>,
    namespace: String,
    phase: Phase,
    started: Millis,
    opened_at: Millis,
    last_ping_at: Option<Millis>,
    data: LifetimeData,
}

impl LifetimeCheck {
    /// `hold_s`: the configured `lifetime`, or the on-demand default.
    pub fn new(config: &Config, hold_s: u64) -> Self {
        LifetimeCheck {
            endpoint: config.socketio.clone(),
            namespace: config.namespace.clone().unwrap_or_else(|| "/".into()),
            phase: Phase::Opening,
            started: 0,
            opened_at: 0,
            last_ping_at: None,
            data: LifetimeData {
                hold_s,
                opened: false,
                open_ms: None,
                lifetime_ms: None,
                held: false,
                close: None,
                ping_interval_ms: None,
                pings_answered: 0,
                last_ping_before_close_ms: None,
                hints: PlatformHints::default(),
                matched_limit: None,
            },
        }
    }

    fn message(&mut self, text: &str, now: Millis) -> Vec<Action> {
        match Packet::parse(text) {
            Ok(Packet::Open(open)) => {
                self.data.ping_interval_ms = Some(open.params.ping_interval_ms);
                vec![Action::SendWs {
                    id: SOCKET,
                    text: connect_message(&self.namespace),
                }]
            }
            Ok(Packet::Ping(data)) => {
                self.data.pings_answered += 1;
                self.last_ping_at = Some(now);
                vec![Action::SendWs {
                    id: SOCKET,
                    text: Packet::Pong(data).to_string(),
                }]
            }
            _ => Vec::new(),
        }
    }

    fn closed(&mut self, code: u16, clean: bool, now: Millis) -> Vec<Action> {
        self.data.close = Some(CloseInfo::observed(
            code,
            clean,
            self.phase == Phase::Closing,
        ));
        if self.phase == Phase::Holding {
            let lifetime = since(self.opened_at, now);
            self.data.lifetime_ms = Some(lifetime);
            self.data.last_ping_before_close_ms = self.last_ping_at.map(|at| since(at, now));
            self.data.matched_limit = Some(match_limit(
                lifetime,
                self.data.ping_interval_ms,
                &self.data.hints,
            ));
        }
        self.finish()
    }

    fn finish(&mut self) -> Vec<Action> {
        self.phase = Phase::Done;
        vec![
            Action::CancelTimer { id: TIMER },
            Action::Finish(Outcome::judged(summarize(&self.data), &self.data)),
        ]
    }
}

impl LifetimeData {
    /// How long the test holds the connection.
    pub fn hold_ms(&self) -> Millis {
        self.hold_s.saturating_mul(1000)
    }
}

pub(crate) fn summarize(d: &LifetimeData) -> (Status, String) {
    match (d.opened, d.held, d.lifetime_ms, &d.matched_limit) {
        (false, ..) => (
            Status::Fail,
            "The Socket.IO WebSocket did not open, so its lifetime could not be measured.".into(),
        ),
        (true, true, ..) => (
            Status::Pass,
            format!(
                "The connection stayed up for the whole {} ({} pings answered).",
                seconds(d.hold_ms()),
                d.pings_answered
            ),
        ),
        (true, false, Some(ms), Some(limit)) => (
            Status::Fail,
            format!(
                "The connection was cut after {}: most likely {}.",
                seconds(ms),
                limit.limit
            ),
        ),
        _ => (
            Status::Fail,
            "The connection ended without a close being observed.".into(),
        ),
    }
}

impl Check for LifetimeCheck {
    type Data = LifetimeData;

    fn id(&self) -> CheckId {
        CheckId::ConnectionLifetime
    }

    fn planned_ms(&self) -> Millis {
        self.data.hold_ms()
    }

    fn start(&mut self, now: Millis) -> Vec<Action> {
        self.started = now;
        let Some(endpoint) = &self.endpoint else {
            self.phase = Phase::Done;
            return skipped_without_endpoint(&self.data);
        };
        vec![
            Action::Fetch {
                id: HINTS,
                request: FetchRequest::get(
                    engineio_url(endpoint, Transport::Polling, None).to_string(),
                ),
            },
            Action::OpenWs {
                id: SOCKET,
                url: engineio_url(endpoint, Transport::Websocket, None).to_string(),
            },
            Action::SetTimer {
                id: TIMER,
                after_ms: OPEN_TIMEOUT_MS,
            },
        ]
    }

    fn handle(&mut self, event: Event, now: Millis) -> Vec<Action> {
        match (self.phase, event) {
            (Phase::Done, _) => Vec::new(),
            (
                _,
                Event::HttpResponse {
                    id: HINTS,
                    status,
                    headers,
                    body,
                },
            ) => {
                let (obs, open) = classify(status, &headers, &body);
                self.data.hints = PlatformHints {
                    server: obs.server,
                    via: obs.via,
                };
                match (open, &self.endpoint) {
                    (Some(open), Some(endpoint)) => {
                        let url =
                            engineio_url(endpoint, Transport::Polling, Some(&open.sid)).to_string();
                        vec![Action::Beacon(FetchRequest::post(
                            url,
                            Packet::Close.to_string(),
                        ))]
                    }
                    _ => Vec::new(),
                }
            }
            (Phase::Opening, Event::WsOpened { id: SOCKET }) => {
                self.phase = Phase::Holding;
                self.opened_at = now;
                self.data.opened = true;
                self.data.open_ms = Some(since(self.started, now));
                vec![Action::SetTimer {
                    id: TIMER,
                    after_ms: self.data.hold_ms(),
                }]
            }
            (Phase::Holding, Event::WsMessage { id: SOCKET, text }) => self.message(&text, now),
            (
                _,
                Event::WsClosed {
                    id: SOCKET,
                    code,
                    clean,
                    ..
                },
            ) => self.closed(code, clean, now),
            (Phase::Opening, Event::Timeout { id: TIMER }) => self.finish(),
            (Phase::Holding, Event::Timeout { id: TIMER }) => {
                self.data.held = true;
                self.phase = Phase::Closing;
                vec![
                    Action::CloseWs {
                        id: SOCKET,
                        code: CloseCode::NORMAL,
                    },
                    Action::SetTimer {
                        id: TIMER,
                        after_ms: CLOSE_TIMEOUT_MS,
                    },
                ]
            }
            (Phase::Closing, Event::Timeout { id: TIMER }) => self.finish(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
#[path = "lifetime_tests.rs"]
mod tests;
