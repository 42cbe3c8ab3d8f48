//! `webrtc`: ICE gathering, one gathering per configured server so each
//! result is attributable: host candidates alone, each STUN URL (server
//! reflexive candidates prove UDP reaches the outside), each TURN URL
//! (relay candidates prove the TURN server works over that transport).
//! Candidates are reduced to facts; addresses never reach the report.
//! Optionally, whether a LiveKit server answers at all (no credentials).

mod data;
mod summary;

use crate::catalog::CheckId;
use crate::check::{
    Check, CloseCode, Credentials, Event, FetchMode, FetchRequest, Handle, IceServer, Millis,
};
use crate::config::{Config, MAX_ICE_URLS};
use crate::ice::parse_candidate;
use crate::privacy::redact_url;
use crate::weburl::Url;

pub use data::{
    CandidateCount, GatherReport, IceErrorFacts, LivekitProbe, ServerKind, WebrtcData, WsReach,
};
pub(crate) use summary::summarize;

/// This check's actions and outcome, with its data type.
use super::CheckData;
type Action = crate::check::Action<CheckData>;
type Outcome = crate::check::Outcome<CheckData>;

pub const GATHER_TIMEOUT_MS: Millis = 10_000;
pub const LIVEKIT_TIMEOUT_MS: Millis = 10_000;
/// The check's handles: one numbering for its requests, sockets and timers
/// (a gathering's timer has its gathering's handle). Gathering `i` is `i`,
/// below [`MAX_GATHERINGS`]; the LiveKit probes come after them.
const LIVEKIT: Handle = MAX_GATHERINGS as Handle;
const LIVEKIT_WS: Handle = LIVEKIT + 1;
/// Host candidates only, then each configured STUN and TURN URL.
const MAX_GATHERINGS: usize = 1 + 2 * MAX_ICE_URLS;
/// Errors kept per server: the first ones say it all.
const MAX_ERRORS: usize = 5;

pub struct WebrtcCheck {
    servers: Vec<Option<IceServer>>,
    started: Millis,
    pending: Vec<bool>,
    livekit_url: Option<String>,
    livekit_pending: bool,
    livekit_ws_pending: bool,
    data: WebrtcData,
}

/// How the browser reaches a TURN server at `url`.
fn url_transport(url: &str) -> &'static str {
    if url.starts_with("turns:") {
        "tls"
    } else if url.contains("transport=tcp") {
        "tcp"
    } else {
        "udp"
    }
}

fn kind_of(url: &str) -> ServerKind {
    if url.starts_with("turns:") {
        ServerKind::Turns
    } else if url.starts_with("turn:") {
        ServerKind::Turn
    } else {
        ServerKind::Stun
    }
}

impl WebrtcCheck {
    pub fn new(config: &Config) -> Self {
        let mut servers: Vec<Option<IceServer>> = vec![None];
        servers.extend(config.stun.iter().map(|url| {
            Some(IceServer {
                url: url.clone(),
                username: None,
                credential: None,
            })
        }));
        for turn in &config.turn {
            servers.extend(turn.urls.iter().map(|url| {
                Some(IceServer {
                    url: url.clone(),
                    username: turn.username.clone(),
                    credential: turn.credential.clone(),
                })
            }));
        }
        let gatherings = servers
            .iter()
            .map(|s| GatherReport {
                kind: s.as_ref().map_or(ServerKind::Host, |s| kind_of(&s.url)),
                url: s.as_ref().map(|s| redact_url(&s.url)),
                candidates: Vec::new(),
                errors: Vec::new(),
                complete: false,
                gather_ms: None,
            })
            .collect();
        let livekit_url = config.livekit.as_ref().map(|u| u.to_string());
        WebrtcCheck {
            pending: vec![true; servers.len()],
            servers,
            started: 0,
            livekit_pending: livekit_url.is_some(),
            livekit_ws_pending: livekit_url.is_some(),
            data: WebrtcData {
                gatherings,
                livekit: livekit_url.as_ref().map(|u| LivekitProbe {
                    url: redact_url(u),
                    answered: None,
                    websocket: None,
                }),
            },
            livekit_url,
        }
    }

    fn gathering_done(&mut self, i: usize, now: Millis, complete: bool) -> Vec<Action> {
        if let Some(g) = self.data.gatherings.get_mut(i) {
            g.complete = complete;
            if complete {
                g.gather_ms = Some(now.saturating_sub(self.started));
            }
        }
        if let Some(p) = self.pending.get_mut(i) {
            *p = false;
        }
        vec![Action::CancelTimer { id: gathering(i) }]
    }

    fn livekit_done(&mut self, answered: Option<bool>) -> Vec<Action> {
        self.livekit_pending = false;
        if let Some(probe) = &mut self.data.livekit {
            probe.answered = answered;
        }
        vec![Action::CancelTimer { id: LIVEKIT }]
    }

    fn livekit_ws_done(&mut self, reach: WsReach) -> Vec<Action> {
        self.livekit_ws_pending = false;
        if let Some(probe) = &mut self.data.livekit {
            probe.websocket = Some(reach);
        }
        let mut actions = vec![Action::CancelTimer { id: LIVEKIT_WS }];
        if reach != WsReach::Closed {
            actions.push(Action::CloseWs {
                id: LIVEKIT_WS,
                code: CloseCode::NORMAL,
            });
        }
        actions
    }

    fn is_pending(&self, id: Handle) -> bool {
        gathering_of(id).is_some_and(|i| self.pending.get(i).copied().unwrap_or(false))
    }
}

/// Gathering `i`'s handle.
fn gathering(i: usize) -> Handle {
    debug_assert!(i < MAX_GATHERINGS);
    i as Handle
}

/// The gathering a handle names, if it names one.
fn gathering_of(id: Handle) -> Option<usize> {
    let i = id as usize;
    (i < MAX_GATHERINGS).then_some(i)
}

impl Check for WebrtcCheck {
    type Data = CheckData;

    fn id(&self) -> CheckId {
        CheckId::Webrtc
    }

    fn start(&mut self, now: Millis) -> Vec<Action> {
        self.started = now;
        let mut actions = Vec::new();
        for (i, server) in self.servers.iter().enumerate() {
            let id = gathering(i);
            actions.push(Action::GatherIce {
                id,
                server: server.clone(),
            });
            actions.push(Action::SetTimer {
                id,
                after_ms: GATHER_TIMEOUT_MS,
            });
        }
        if let Some(url) = &self.livekit_url {
            let request = FetchRequest {
                mode: FetchMode::NoCors,
                credentials: Credentials::Omit,
                ..FetchRequest::get(url.clone())
            };
            actions.push(Action::Fetch {
                id: LIVEKIT,
                request,
            });
            actions.push(Action::SetTimer {
                id: LIVEKIT,
                after_ms: LIVEKIT_TIMEOUT_MS,
            });
            if let Ok(mut ws) = Url::parse(url).and_then(|u| u.join("rtc")) {
                let scheme = if ws.scheme() == "https" { "wss" } else { "ws" };
                let _ = ws.set_scheme(scheme);
                actions.push(Action::OpenWs {
                    id: LIVEKIT_WS,
                    url: ws.to_string(),
                });
                actions.push(Action::SetTimer {
                    id: LIVEKIT_WS,
                    after_ms: LIVEKIT_TIMEOUT_MS,
                });
            }
        }
        actions
    }

    fn handle(&mut self, event: Event, now: Millis) -> Vec<Action> {
        let mut actions = match event {
            Event::IceCandidate {
                id,
                line,
                relay_protocol,
            } if self.is_pending(id) => {
                // Chromium 156 names the relay transport for TCP but not for
                // UDP; each gathering has one TURN URL, whose transport it is.
                let relay_protocol = relay_protocol.or_else(|| {
                    let server = self.servers.get(id as usize)?.as_ref()?;
                    Some(url_transport(&server.url).to_owned())
                });
                if let Some(facts) = parse_candidate(&line, relay_protocol.as_deref()) {
                    let candidates = &mut self.data.gatherings[id as usize].candidates;
                    match candidates.iter_mut().find(|c| c.facts == facts) {
                        Some(seen) => seen.count += 1,
                        None => candidates.push(CandidateCount { facts, count: 1 }),
                    }
                }
                return Vec::new();
            }
            Event::IceError { id, code, text } if self.is_pending(id) => {
                let errors = &mut self.data.gatherings[id as usize].errors;
                if errors.len() < MAX_ERRORS {
                    errors.push(IceErrorFacts {
                        code,
                        text: text.chars().take(100).collect(),
                    });
                }
                return Vec::new();
            }
            Event::IceComplete { id } if self.is_pending(id) => {
                self.gathering_done(id as usize, now, true)
            }
            Event::Timeout { id } if self.is_pending(id) => {
                self.gathering_done(id as usize, now, false)
            }
            Event::HttpResponse { id: LIVEKIT, .. } if self.livekit_pending => {
                self.livekit_done(Some(true))
            }
            Event::HttpFailed { id: LIVEKIT, .. } if self.livekit_pending => {
                self.livekit_done(Some(false))
            }
            Event::Timeout { id: LIVEKIT } if self.livekit_pending => self.livekit_done(None),
            Event::WsOpened { id: LIVEKIT_WS } if self.livekit_ws_pending => {
                self.livekit_ws_done(WsReach::Opened)
            }
            Event::WsClosed { id: LIVEKIT_WS, .. } if self.livekit_ws_pending => {
                self.livekit_ws_done(WsReach::Closed)
            }
            Event::Timeout { id: LIVEKIT_WS } if self.livekit_ws_pending => {
                self.livekit_ws_done(WsReach::NoAnswer)
            }
            _ => return Vec::new(),
        };
        if !self.livekit_pending && !self.livekit_ws_pending && self.pending.iter().all(|p| !p) {
            actions.push(Action::Finish(Outcome::judged(
                summarize(&self.data),
                std::mem::take(&mut self.data).into(),
            )));
        }
        actions
    }
}

#[cfg(test)]
mod webrtc_tests;
