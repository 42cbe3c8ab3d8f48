//! `socketio-upgrade`: three probes at once.
//! 1. The upgrade of a polling session: open a WebSocket with its sid, send
//!    `2probe`, expect `3probe`, send `5`, then wait for the server's first
//!    ping and answer it (a v4 client never pings on its own). That wait
//!    lasts as long as the server's ping interval, so the check reports an
//!    interim outcome once everything else is known, and the report does
//!    not wait for the ping.
//! 2. A WebSocket-only session, as clients with `transports: ["websocket"]`
//!    open it: expect the open packet, connect the namespace.
//! 3. A plain GET of the `transport=websocket` URL, which cannot upgrade:
//!    an Engine.IO answer proves the path reaches Socket.IO even when a
//!    proxy drops the upgrade.

use serde::{Deserialize, Serialize};
use url::Url;

use super::{engineio_url, seconds, since, skipped_without_endpoint, Transport};
use crate::catalog::CheckId;
use crate::check::{
    Check, CloseCode, CloseInfo, Event, FetchRequest, Handle, Millis, Progress, Status,
    CLOSE_TIMEOUT_MS,
};
use crate::classify::{classify, HttpStep, StepResult};
use crate::config::Config;
use crate::engineio::Packet;
use crate::privacy::redact_url;
use crate::socketio::{connect_message, SioPacket};

/// This check's actions and outcome, with its data type.
type Action = crate::check::Action<UpgradeData>;
type Outcome = crate::check::Outcome<UpgradeData>;

pub const STEP_TIMEOUT_MS: Millis = 10_000;
/// Longest wait for the server's first ping after the upgrade.
pub const MAX_PING_WAIT_MS: Millis = 60_000;
/// Grace over the announced ping interval.
pub const PING_GRACE_MS: Millis = 5_000;
/// The data of the upgrade's ping and its pong (`2probe`, `3probe`).
const PROBE: &str = "probe";

// Fetches.
const HANDSHAKE: Handle = 0;
const PLAIN_GET: Handle = 1;
// Sockets and their timers share ids; the plain GET's timer is its own.
const UPGRADE: Handle = 0;
const DIRECT: Handle = 1;
const PLAIN_TIMER: Handle = 2;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpgradeResult {
    /// Upgraded, and the server's ping came and was answered.
    Upgraded,
    /// Upgraded, but no ping came within the wait.
    UpgradedNoPing,
    /// The server offers no upgrade (`"upgrades":[]`).
    NotOffered,
    /// No polling session to upgrade (see `handshake`).
    NoSession,
    ClosedBeforeOpen,
    OpenTimeout,
    /// Opened, but `2probe` got no `3probe`.
    NoProbeAnswer,
    /// Closed after opening, before the upgrade and ping were done.
    ClosedEarly,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradePath {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<UpgradeResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handshake: Option<HttpStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws_open_ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe_ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ping_interval_ms: Option<Millis>,
    /// From the upgrade to the server's first ping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ping_after_ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<CloseInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum DirectResult {
    Connected,
    Refused {
        message: String,
    },
    ClosedBeforeOpen,
    OpenTimeout,
    /// Opened, but no Engine.IO open packet came.
    NoOpenPacket,
    /// Opened, but the namespace did not answer.
    NoNamespaceAnswer,
    /// The namespace was not tried (its configured value is invalid).
    Opened,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectPath {
    #[serde(flatten)]
    pub result: Option<DirectResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws_open_ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<CloseInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub upgrade: UpgradePath,
    pub websocket_only: DirectPath,
    /// GET `transport=websocket` without an upgrade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plain_get: Option<HttpStep>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UpgradePhase {
    Handshaking,
    Opening,
    Probing,
    AwaitingPing,
    Closing,
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DirectPhase {
    Opening,
    AwaitingOpenPacket,
    AwaitingNamespace,
    Closing,
    Done,
}

pub struct UpgradeCheck {
    endpoint: Option<Url>,
    namespace: Option<String>,
    started: Millis,
    up: UpgradePhase,
    up_mark: Millis,
    sid: Option<String>,
    direct: DirectPhase,
    direct_mark: Millis,
    plain_done: bool,
    interim_sent: bool,
    data: UpgradeData,
}

impl UpgradeCheck {
    pub fn new(config: &Config) -> Self {
        UpgradeCheck {
            endpoint: config.socketio.clone(),
            namespace: config.namespace.clone(),
            started: 0,
            up: UpgradePhase::Handshaking,
            up_mark: 0,
            sid: None,
            direct: DirectPhase::Opening,
            direct_mark: 0,
            plain_done: false,
            interim_sent: false,
            data: UpgradeData {
                url: config.socketio.as_ref().map(|u| redact_url(u.as_str())),
                upgrade: UpgradePath {
                    result: None,
                    handshake: None,
                    ws_open_ms: None,
                    probe_ms: None,
                    ping_interval_ms: None,
                    ping_after_ms: None,
                    close: None,
                },
                websocket_only: DirectPath {
                    result: None,
                    ws_open_ms: None,
                    namespace_ms: None,
                    close: None,
                },
                plain_get: None,
            },
        }
    }

    fn url(&self, transport: Transport, sid: Option<&str>) -> String {
        self.endpoint
            .as_ref()
            .map(|e| engineio_url(e, transport, sid).to_string())
            .unwrap_or_default()
    }

    fn done(&self) -> bool {
        self.up == UpgradePhase::Done && self.direct == DirectPhase::Done && self.plain_done
    }

    // --- 1. upgrade of a polling session ---

    fn up_handshake(
        &mut self,
        status: u16,
        headers: &[(String, String)],
        body: &str,
        now: Millis,
    ) -> Vec<Action> {
        let (obs, open) = classify(status, headers, body);
        self.data.upgrade.handshake = Some(HttpStep {
            ms: since(self.started, now),
            result: StepResult::Answered(obs),
        });
        let Some(open) = open.filter(|_| status == 200) else {
            return self.up_end(UpgradeResult::NoSession);
        };
        self.data.upgrade.ping_interval_ms = Some(open.params.ping_interval_ms);
        if !open.params.upgrades.iter().any(|u| u == "websocket") {
            self.sid = Some(open.sid);
            return self.up_end(UpgradeResult::NotOffered);
        }
        let url = self.url(Transport::Websocket, Some(&open.sid));
        self.sid = Some(open.sid);
        self.up = UpgradePhase::Opening;
        self.up_mark = now;
        vec![
            Action::OpenWs { id: UPGRADE, url },
            Action::SetTimer {
                id: UPGRADE,
                after_ms: STEP_TIMEOUT_MS,
            },
        ]
    }

    fn up_message(&mut self, text: &str, now: Millis) -> Vec<Action> {
        match (self.up, Packet::parse(text)) {
            (UpgradePhase::Probing, Ok(Packet::Pong(data))) if data == PROBE => {
                self.data.upgrade.probe_ms = Some(since(self.up_mark, now));
                self.up = UpgradePhase::AwaitingPing;
                self.up_mark = now;
                let interval = self.data.upgrade.ping_interval_ms.unwrap_or(0);
                let wait = interval.saturating_add(PING_GRACE_MS).min(MAX_PING_WAIT_MS);
                vec![
                    Action::SendWs {
                        id: UPGRADE,
                        text: Packet::Upgrade.to_string(),
                    },
                    Action::SetTimer {
                        id: UPGRADE,
                        after_ms: wait,
                    },
                ]
            }
            (UpgradePhase::AwaitingPing, Ok(Packet::Ping(data))) => {
                self.data.upgrade.ping_after_ms = Some(since(self.up_mark, now));
                let mut actions = vec![Action::SendWs {
                    id: UPGRADE,
                    text: Packet::Pong(data).to_string(),
                }];
                actions.extend(self.up_close(UpgradeResult::Upgraded));
                actions
            }
            _ => Vec::new(),
        }
    }

    fn up_close(&mut self, result: UpgradeResult) -> Vec<Action> {
        self.data.upgrade.result = Some(result);
        // Closing the upgraded socket ends the server's session.
        self.sid = None;
        self.up = UpgradePhase::Closing;
        vec![
            Action::CloseWs {
                id: UPGRADE,
                code: CloseCode::NORMAL,
            },
            Action::SetTimer {
                id: UPGRADE,
                after_ms: CLOSE_TIMEOUT_MS,
            },
        ]
    }

    fn up_end(&mut self, result: UpgradeResult) -> Vec<Action> {
        if self.data.upgrade.result.is_none() {
            self.data.upgrade.result = Some(result);
        }
        self.up = UpgradePhase::Done;
        let mut actions = vec![Action::CancelTimer { id: UPGRADE }];
        // A polling session that was not upgraded is still open: close it.
        if let Some(sid) = self.sid.take() {
            actions.push(Action::Beacon(FetchRequest::post(
                self.url(Transport::Polling, Some(&sid)),
                Packet::Close.to_string(),
            )));
        }
        actions
    }

    fn up_closed(&mut self, code: u16, clean: bool) -> Vec<Action> {
        self.data.upgrade.close = Some(CloseInfo::observed(
            code,
            clean,
            self.up == UpgradePhase::Closing,
        ));
        let result = match self.up {
            UpgradePhase::Opening => UpgradeResult::ClosedBeforeOpen,
            _ => UpgradeResult::ClosedEarly,
        };
        self.up_end(result)
    }

    fn up_timeout(&mut self) -> Vec<Action> {
        match self.up {
            UpgradePhase::Handshaking => {
                self.data.upgrade.handshake = Some(HttpStep {
                    ms: STEP_TIMEOUT_MS,
                    result: StepResult::Timeout,
                });
                self.up_end(UpgradeResult::NoSession)
            }
            UpgradePhase::Opening => self.up_close(UpgradeResult::OpenTimeout),
            UpgradePhase::Probing => self.up_close(UpgradeResult::NoProbeAnswer),
            // A ping interval longer than this page waits is no fault.
            UpgradePhase::AwaitingPing if !self.ping_awaited() => {
                self.up_close(UpgradeResult::Upgraded)
            }
            UpgradePhase::AwaitingPing => self.up_close(UpgradeResult::UpgradedNoPing),
            UpgradePhase::Closing => self.up_end(UpgradeResult::ClosedEarly),
            UpgradePhase::Done => Vec::new(),
        }
    }

    // --- 2. WebSocket-only session ---

    fn direct_message(&mut self, text: &str, now: Millis) -> Vec<Action> {
        match (self.direct, Packet::parse(text)) {
            (DirectPhase::AwaitingOpenPacket, Ok(Packet::Open(_))) => {
                let Some(namespace) = self.namespace.clone() else {
                    return self.direct_close(DirectResult::Opened);
                };
                self.direct = DirectPhase::AwaitingNamespace;
                self.direct_mark = now;
                vec![
                    Action::SendWs {
                        id: DIRECT,
                        text: connect_message(&namespace),
                    },
                    Action::SetTimer {
                        id: DIRECT,
                        after_ms: STEP_TIMEOUT_MS,
                    },
                ]
            }
            (DirectPhase::AwaitingOpenPacket, _) => self.direct_close(DirectResult::NoOpenPacket),
            (DirectPhase::AwaitingNamespace, Ok(Packet::Message(m))) => {
                match SioPacket::parse(&m) {
                    Ok(SioPacket::Connect { .. }) => {
                        self.data.websocket_only.namespace_ms = Some(since(self.direct_mark, now));
                        self.direct_close(DirectResult::Connected)
                    }
                    Ok(SioPacket::ConnectError { message, .. }) => {
                        self.data.websocket_only.namespace_ms = Some(since(self.direct_mark, now));
                        self.direct_close(DirectResult::Refused { message })
                    }
                    _ => Vec::new(),
                }
            }
            (DirectPhase::AwaitingNamespace, Ok(Packet::Ping(data))) => {
                vec![Action::SendWs {
                    id: DIRECT,
                    text: Packet::Pong(data).to_string(),
                }]
            }
            _ => Vec::new(),
        }
    }

    fn direct_close(&mut self, result: DirectResult) -> Vec<Action> {
        self.data.websocket_only.result = Some(result);
        self.direct = DirectPhase::Closing;
        vec![
            Action::CloseWs {
                id: DIRECT,
                code: CloseCode::NORMAL,
            },
            Action::SetTimer {
                id: DIRECT,
                after_ms: CLOSE_TIMEOUT_MS,
            },
        ]
    }

    fn direct_end(&mut self, result: DirectResult) -> Vec<Action> {
        if self.data.websocket_only.result.is_none() {
            self.data.websocket_only.result = Some(result);
        }
        self.direct = DirectPhase::Done;
        vec![Action::CancelTimer { id: DIRECT }]
    }

    fn direct_closed(&mut self, code: u16, clean: bool) -> Vec<Action> {
        self.data.websocket_only.close = Some(CloseInfo::observed(
            code,
            clean,
            self.direct == DirectPhase::Closing,
        ));
        let result = match self.direct {
            DirectPhase::Opening => DirectResult::ClosedBeforeOpen,
            DirectPhase::AwaitingOpenPacket => DirectResult::NoOpenPacket,
            _ => DirectResult::NoNamespaceAnswer,
        };
        self.direct_end(result)
    }

    fn direct_timeout(&mut self) -> Vec<Action> {
        match self.direct {
            DirectPhase::Opening => self.direct_close(DirectResult::OpenTimeout),
            DirectPhase::AwaitingOpenPacket => self.direct_close(DirectResult::NoOpenPacket),
            DirectPhase::AwaitingNamespace => self.direct_close(DirectResult::NoNamespaceAnswer),
            DirectPhase::Closing => self.direct_end(DirectResult::NoNamespaceAnswer),
            DirectPhase::Done => Vec::new(),
        }
    }

    fn outcome(&self) -> Outcome {
        Outcome::judged(summarize(&self.data), &self.data)
    }

    /// Whether the server's first ping comes within the page's wait.
    fn ping_awaited(&self) -> bool {
        ping_within_wait(self.data.upgrade.ping_interval_ms)
    }

    /// Upgraded, every other probe done, only the server's first ping to
    /// come: what the report says until it comes (or does not).
    fn interim(&mut self) -> Option<Action> {
        let waiting = self.up == UpgradePhase::AwaitingPing
            && self.direct == DirectPhase::Done
            && self.plain_done;
        if !waiting || self.interim_sent {
            return None;
        }
        self.interim_sent = true;
        let mut data = self.data.clone();
        data.upgrade.result = Some(UpgradeResult::Upgraded);
        let outcome = Outcome::judged(summarize(&data), &data);
        Some(Action::Progress(Progress::Interim(outcome)))
    }
}

/// Whether a ping every `interval` comes within [`MAX_PING_WAIT_MS`].
fn ping_within_wait(interval: Option<Millis>) -> bool {
    interval.is_none_or(|i| i.saturating_add(PING_GRACE_MS) <= MAX_PING_WAIT_MS)
}

pub(crate) fn summarize(d: &UpgradeData) -> (Status, String) {
    use DirectResult as D;
    use UpgradeResult as U;
    let up = &d.upgrade;
    let up_text = match &up.result {
        Some(U::Upgraded) => {
            let upgrade_ms = up
                .ws_open_ms
                .unwrap_or(0)
                .saturating_add(up.probe_ms.unwrap_or(0));
            match (up.ping_after_ms, up.ping_interval_ms) {
                (Some(ping), _) => format!(
                    "Upgrade to WebSocket in {upgrade_ms} ms, first server ping after {ping} ms."
                ),
                (None, Some(interval)) if ping_within_wait(Some(interval)) => format!(
                    "Upgrade to WebSocket in {upgrade_ms} ms; waiting for the server's first ping (every {}).",
                    seconds(interval)
                ),
                (None, Some(interval)) => format!(
                    "Upgrade to WebSocket in {upgrade_ms} ms; the server pings every {}, longer than this page waits.",
                    seconds(interval)
                ),
                (None, None) => format!("Upgrade to WebSocket in {upgrade_ms} ms."),
            }
        }
        Some(U::UpgradedNoPing) => "Upgraded to WebSocket, but no server ping came in time.".into(),
        Some(U::NotOffered) => {
            "The server offers no upgrade to WebSocket (\"upgrades\": []).".into()
        }
        Some(U::NoSession) => "No polling session to upgrade.".into(),
        Some(U::ClosedBeforeOpen) => "The upgrade WebSocket was closed before it opened.".into(),
        Some(U::OpenTimeout) => "The upgrade WebSocket did not open in time.".into(),
        Some(U::NoProbeAnswer) => {
            "The upgrade WebSocket opened, but the probe got no answer.".into()
        }
        Some(U::ClosedEarly) => "The upgrade WebSocket closed during the upgrade.".into(),
        None => String::new(),
    };
    let direct_text = match &d.websocket_only.result {
        Some(D::Connected) => "A WebSocket-only session connects.".to_owned(),
        Some(D::Refused { .. }) => {
            "A WebSocket-only session opens (the namespace refused it).".into()
        }
        Some(D::Opened) => "A WebSocket-only session opens.".into(),
        Some(D::ClosedBeforeOpen | D::OpenTimeout) => {
            "A WebSocket-only session cannot open.".into()
        }
        Some(D::NoOpenPacket) => {
            "A WebSocket-only session opens but gets no Engine.IO open packet.".into()
        }
        Some(D::NoNamespaceAnswer) => {
            "A WebSocket-only session opens but its namespace never answers.".into()
        }
        None => String::new(),
    };
    let up_failed = matches!(
        up.result,
        Some(U::ClosedBeforeOpen | U::OpenTimeout | U::NoProbeAnswer | U::ClosedEarly)
    );
    let direct_failed = !matches!(
        d.websocket_only.result,
        Some(D::Connected | D::Refused { .. } | D::Opened)
    );
    let status = match (&up.result, up_failed, direct_failed) {
        (_, true, true) | (Some(U::NoSession), _, true) => Status::Fail,
        (Some(U::NotOffered | U::UpgradedNoPing), _, _) | (_, true, false) | (_, false, true) => {
            Status::Warn
        }
        _ => Status::Pass,
    };
    (status, format!("{up_text} {direct_text}").trim().to_owned())
}

impl Check for UpgradeCheck {
    type Data = UpgradeData;

    fn id(&self) -> CheckId {
        CheckId::SocketioUpgrade
    }

    fn start(&mut self, now: Millis) -> Vec<Action> {
        self.started = now;
        self.direct_mark = now;
        if self.endpoint.is_none() {
            return skipped_without_endpoint(&self.data);
        }
        vec![
            Action::Fetch {
                id: HANDSHAKE,
                request: FetchRequest::get(self.url(Transport::Polling, None)),
            },
            Action::SetTimer {
                id: UPGRADE,
                after_ms: STEP_TIMEOUT_MS,
            },
            Action::OpenWs {
                id: DIRECT,
                url: self.url(Transport::Websocket, None),
            },
            Action::SetTimer {
                id: DIRECT,
                after_ms: STEP_TIMEOUT_MS,
            },
            Action::Fetch {
                id: PLAIN_GET,
                request: FetchRequest::get(self.url(Transport::PlainGetOfWebsocket, None)),
            },
            Action::SetTimer {
                id: PLAIN_TIMER,
                after_ms: STEP_TIMEOUT_MS,
            },
        ]
    }

    fn handle(&mut self, event: Event, now: Millis) -> Vec<Action> {
        let mut actions = match event {
            Event::HttpResponse {
                id: HANDSHAKE,
                status,
                headers,
                body,
            } if self.up == UpgradePhase::Handshaking => {
                self.up_handshake(status, &headers, &body, now)
            }
            Event::HttpFailed {
                id: HANDSHAKE,
                message,
            } if self.up == UpgradePhase::Handshaking => {
                let ms = since(self.started, now);
                self.data.upgrade.handshake = Some(HttpStep {
                    ms,
                    result: StepResult::NetworkError { message },
                });
                self.up_end(UpgradeResult::NoSession)
            }
            Event::HttpResponse {
                id: PLAIN_GET,
                status,
                headers,
                body,
            } if !self.plain_done => {
                let obs = classify(status, &headers, &body).0;
                self.plain_done = true;
                self.data.plain_get = Some(HttpStep {
                    ms: since(self.started, now),
                    result: StepResult::Answered(obs),
                });
                vec![Action::CancelTimer { id: PLAIN_TIMER }]
            }
            Event::HttpFailed {
                id: PLAIN_GET,
                message,
            } if !self.plain_done => {
                self.plain_done = true;
                let ms = since(self.started, now);
                self.data.plain_get = Some(HttpStep {
                    ms,
                    result: StepResult::NetworkError { message },
                });
                vec![Action::CancelTimer { id: PLAIN_TIMER }]
            }
            Event::Timeout { id: PLAIN_TIMER } if !self.plain_done => {
                self.plain_done = true;
                self.data.plain_get = Some(HttpStep {
                    ms: since(self.started, now),
                    result: StepResult::Timeout,
                });
                Vec::new()
            }
            Event::WsOpened { id: UPGRADE } if self.up == UpgradePhase::Opening => {
                self.data.upgrade.ws_open_ms = Some(since(self.up_mark, now));
                self.up = UpgradePhase::Probing;
                self.up_mark = now;
                vec![
                    Action::SendWs {
                        id: UPGRADE,
                        text: Packet::Ping(PROBE.into()).to_string(),
                    },
                    Action::SetTimer {
                        id: UPGRADE,
                        after_ms: STEP_TIMEOUT_MS,
                    },
                ]
            }
            Event::WsMessage { id: UPGRADE, text } => self.up_message(&text, now),
            Event::WsClosed {
                id: UPGRADE,
                code,
                clean,
                ..
            } if self.up != UpgradePhase::Done => self.up_closed(code, clean),
            Event::Timeout { id: UPGRADE } => self.up_timeout(),
            Event::WsOpened { id: DIRECT } if self.direct == DirectPhase::Opening => {
                self.data.websocket_only.ws_open_ms = Some(since(self.direct_mark, now));
                self.direct = DirectPhase::AwaitingOpenPacket;
                vec![Action::SetTimer {
                    id: DIRECT,
                    after_ms: STEP_TIMEOUT_MS,
                }]
            }
            Event::WsMessage { id: DIRECT, text } => self.direct_message(&text, now),
            Event::WsBinary { id: DIRECT, .. }
                if self.direct == DirectPhase::AwaitingOpenPacket =>
            {
                self.direct_close(DirectResult::NoOpenPacket)
            }
            Event::WsClosed {
                id: DIRECT,
                code,
                clean,
                ..
            } if self.direct != DirectPhase::Done => self.direct_closed(code, clean),
            Event::Timeout { id: DIRECT } => self.direct_timeout(),
            _ => return Vec::new(),
        };
        if self.done() {
            actions.push(Action::Finish(self.outcome()));
        } else {
            actions.extend(self.interim());
        }
        actions
    }
}

#[cfg(test)]
#[path = "upgrade_tests.rs"]
mod tests;
