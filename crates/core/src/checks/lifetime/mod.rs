//! `connection-lifetime`: hold a real Socket.IO WebSocket session open,
//! answering the server's pings, for the configured time, and record when
//! and how it ends. A cut is matched against known proxy limits using the
//! hints in same-origin response headers (`Via: 1.1 google`,
//! `Server: cloudflare`, ...).

mod data;
mod limits;
mod summary;

use crate::weburl::Url;

use super::{engineio_url, since, skipped_without_endpoint, Transport};
use crate::catalog::CheckId;
use crate::check::{Check, CloseCode, CloseInfo, Event, FetchRequest, Handle, Millis};
use crate::classify::classify;
use crate::config::Config;
use crate::engineio::Packet;
use crate::socketio::connect_message;

pub use data::LifetimeData;
pub use limits::{match_limit, MatchedLimit, PlatformHints};
pub(crate) use summary::summarize;

/// This check's actions and outcome, with its data type.
use super::CheckData;
type Action = crate::check::Action<CheckData>;
type Outcome = crate::check::Outcome<CheckData>;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Opening,
    Holding,
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
        self.data.close = Some(CloseInfo::observed(code, clean));
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
            Action::Finish(Outcome::judged(
                summarize(&self.data),
                std::mem::take(&mut self.data).into(),
            )),
        ]
    }
}

impl Check for LifetimeCheck {
    type Data = CheckData;

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
            return skipped_without_endpoint(std::mem::take(&mut self.data));
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
            // Held: closed, without waiting for the close to complete.
            (Phase::Holding, Event::Timeout { id: TIMER }) => {
                self.data.held = true;
                let mut actions = vec![Action::CloseWs {
                    id: SOCKET,
                    code: CloseCode::NORMAL,
                }];
                actions.extend(self.finish());
                actions
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod lifetime_tests;
