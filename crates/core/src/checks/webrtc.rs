//! `webrtc`: ICE gathering, one gathering per configured server so each
//! result is attributable: host candidates alone, each STUN URL (server
//! reflexive candidates prove UDP reaches the outside), each TURN URL
//! (relay candidates prove the TURN server works over that transport).
//! Candidates are reduced to facts; addresses never reach the report.
//! Optionally, whether a LiveKit server answers at all (no credentials).

use serde::{Deserialize, Serialize};

use crate::catalog::CheckId;
use crate::check::{
    Check, CloseCode, Credentials, Event, FetchMode, FetchRequest, Handle, IceServer, Millis,
    Status,
};
use crate::config::{Config, MAX_ICE_URLS};
use crate::ice::{parse_candidate, CandidateFacts, CandidateType};
use crate::privacy::redact_url;

/// This check's actions and outcome, with its data type.
type Action = crate::check::Action<WebrtcData>;
type Outcome = crate::check::Outcome<WebrtcData>;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServerKind {
    Host,
    Stun,
    Turn,
    Turns,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceErrorFacts {
    pub code: u16,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateCount {
    #[serde(flatten)]
    pub facts: CandidateFacts,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatherReport {
    pub kind: ServerKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Distinct candidates, each with how many were gathered.
    pub candidates: Vec<CandidateCount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<IceErrorFacts>,
    pub complete: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gather_ms: Option<Millis>,
}

impl GatherReport {
    pub fn count(&self, kind: CandidateType) -> usize {
        self.candidates
            .iter()
            .filter(|c| c.facts.kind == kind)
            .map(|c| c.count as usize)
            .sum()
    }

    /// Did this server do its job: host candidates, a reflexive one, a relay?
    pub fn worked(&self) -> bool {
        let wanted = match self.kind {
            ServerKind::Host => CandidateType::Host,
            ServerKind::Stun => CandidateType::Srflx,
            ServerKind::Turn | ServerKind::Turns => CandidateType::Relay,
        };
        self.count(wanted) > 0
    }

    /// The TURN server refused the credentials (STUN error 401).
    pub fn unauthorized(&self) -> bool {
        self.errors.iter().any(|e| e.code == 401)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivekitProbe {
    pub url: String,
    /// Something answered an opaque request (no credentials are sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<bool>,
    /// The WebSocket endpoint (`/rtc`). Without a token LiveKit refuses the
    /// upgrade, so `closed` (something answered and refused) is the healthy
    /// answer here; only `no-answer` means it cannot be reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub websocket: Option<WsReach>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WsReach {
    Opened,
    Closed,
    NoAnswer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebrtcData {
    pub gatherings: Vec<GatherReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livekit: Option<LivekitProbe>,
}

impl WebrtcData {
    pub fn of_kind(&self, kind: ServerKind) -> impl Iterator<Item = &GatherReport> {
        self.gatherings.iter().filter(move |g| g.kind == kind)
    }

    pub fn any_relay(&self) -> bool {
        self.gatherings
            .iter()
            .any(|g| g.count(CandidateType::Relay) > 0)
    }
}

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

pub(crate) fn summarize(d: &WebrtcData) -> (Status, String) {
    let mut parts = Vec::new();
    let host = d
        .of_kind(ServerKind::Host)
        .map(|g| g.count(CandidateType::Host))
        .sum::<usize>();
    parts.push(format!(
        "{host} local candidate{}",
        if host == 1 { "" } else { "s" }
    ));
    let servers: Vec<&GatherReport> = d
        .gatherings
        .iter()
        .filter(|g| g.kind != ServerKind::Host)
        .collect();
    for g in &servers {
        let url = g.url.as_deref().unwrap_or("?");
        parts.push(match (g.kind, g.worked()) {
            (ServerKind::Stun, true) => format!("{url}: reachable over UDP"),
            (ServerKind::Stun, false) => format!("{url}: no answer over UDP"),
            (_, true) => {
                let mut protocols: Vec<&str> = g
                    .candidates
                    .iter()
                    .filter_map(|c| c.facts.relay_protocol.as_deref())
                    .collect();
                protocols.sort_unstable();
                protocols.dedup();
                format!(
                    "{url}: relay works{}",
                    if protocols.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", protocols.join(", "))
                    }
                )
            }
            (_, false) if g.unauthorized() => format!("{url}: credentials refused"),
            (_, false) => format!("{url}: no relay"),
        });
    }
    if let Some(lk) = &d.livekit {
        parts.push(match lk.answered {
            Some(true) => format!("LiveKit {} answers", lk.url),
            Some(false) => format!("LiveKit {} does not answer", lk.url),
            None => format!("LiveKit {}: no answer in time", lk.url),
        });
        parts.push(match lk.websocket {
            Some(WsReach::Closed) if lk.answered == Some(true) => {
                "its WebSocket endpoint answers (and refuses, as it must without a token)".into()
            }
            Some(WsReach::Closed) => {
                "its WebSocket endpoint closed at once (nothing there, or a refusal)".into()
            }
            Some(WsReach::Opened) => "its WebSocket endpoint opens".into(),
            Some(WsReach::NoAnswer) => "its WebSocket endpoint does not answer".into(),
            None => "its WebSocket endpoint was not tried".into(),
        });
    }
    let working = servers.iter().filter(|g| g.worked()).count();
    let livekit_down = d
        .livekit
        .as_ref()
        .is_some_and(|l| l.answered != Some(true) || l.websocket == Some(WsReach::NoAnswer));
    let status = if servers.is_empty() && d.livekit.is_none() {
        parts.push("no STUN or TURN server is configured (stun, turn in conncheck.json)".into());
        if host > 0 {
            Status::Skip
        } else {
            Status::Warn
        }
    } else if working == servers.len() && !livekit_down {
        Status::Pass
    } else if working > 0 {
        Status::Warn
    } else {
        Status::Fail
    };
    (status, format!("{}.", parts.join("; ")))
}

impl Check for WebrtcCheck {
    type Data = WebrtcData;

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
            if let Ok(mut ws) = url::Url::parse(url).and_then(|u| u.join("rtc")) {
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
                &self.data,
            )));
        }
        actions
    }
}

#[cfg(test)]
#[path = "webrtc_tests.rs"]
mod tests;
