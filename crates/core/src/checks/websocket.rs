//! `websocket`: can this browser open a WebSocket to the Socket.IO endpoint
//! (`?EIO=4&transport=websocket`, as clients with `transports: ["websocket"]`
//! do) and to the optional extra `ws` URL?
//!
//! Each target is opened, its first message awaited, then closed by us and
//! the close observed, every step under its own timeout.

use serde::{Deserialize, Serialize};
use url::Url;

use super::{engineio_url, Transport};
use crate::catalog::CheckId;
use crate::check::{Check, CloseCode, CloseInfo, Event, Handle, Millis, Status, CLOSE_TIMEOUT_MS};
use crate::config::{Config, ConfigKey};
use crate::engineio::{OpenParams, Packet};
use crate::privacy::redact_url;

/// This check's actions and outcome, with its data type.
type Action = crate::check::Action<WebSocketData>;
type Outcome = crate::check::Outcome<WebSocketData>;

pub const OPEN_TIMEOUT_MS: Millis = 10_000;
pub const MESSAGE_TIMEOUT_MS: Millis = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// The Socket.IO endpoint, spoken to as Engine.IO over WebSocket.
    Socketio,
    /// The operator's extra plain WebSocket URL.
    Ws,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetResult {
    /// Opened and answered as expected.
    Answered,
    /// Opened; the server said nothing (fine for a plain WebSocket).
    OpenedSilent,
    /// Opened, but the Socket.IO endpoint's first message was not an
    /// Engine.IO open packet.
    UnexpectedMessage,
    /// Opened, then closed abnormally before any message: a hop passed the
    /// upgrade answer on but does not carry the connection.
    ClosedAfterOpen,
    /// The socket closed before it opened: refused, blocked, or the upgrade
    /// was not forwarded. The browser hides the HTTP status.
    ClosedBeforeOpen,
    /// Neither opened nor closed within the open timeout.
    OpenTimeout,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstMessage {
    pub after_open_ms: Millis,
    pub kind: MessageKind,
    pub bytes: usize,
    /// The negotiated parameters, when it was an Engine.IO open packet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engineio: Option<OpenParams>,
}

/// What a socket's first message was: an Engine.IO packet of a type, text
/// (on the extra WebSocket), binary, or text that is no Engine.IO packet
/// (on the Socket.IO endpoint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageKind {
    EngineioOpen,
    EngineioClose,
    EngineioPing,
    EngineioPong,
    EngineioMessage,
    EngineioUpgrade,
    EngineioNoop,
    Text,
    Binary,
    Unparsable,
}

impl MessageKind {
    fn of(packet: &Packet) -> MessageKind {
        match packet {
            Packet::Open(_) => MessageKind::EngineioOpen,
            Packet::Close => MessageKind::EngineioClose,
            Packet::Ping(_) => MessageKind::EngineioPing,
            Packet::Pong(_) => MessageKind::EngineioPong,
            Packet::Message(_) => MessageKind::EngineioMessage,
            Packet::Upgrade => MessageKind::EngineioUpgrade,
            Packet::Noop => MessageKind::EngineioNoop,
        }
    }

    /// The report's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::EngineioOpen => "engineio-open",
            MessageKind::EngineioClose => "engineio-close",
            MessageKind::EngineioPing => "engineio-ping",
            MessageKind::EngineioPong => "engineio-pong",
            MessageKind::EngineioMessage => "engineio-message",
            MessageKind::EngineioUpgrade => "engineio-upgrade",
            MessageKind::EngineioNoop => "engineio-noop",
            MessageKind::Text => "text",
            MessageKind::Binary => "binary",
            MessageKind::Unparsable => "unparsable",
        }
    }
}

impl PartialEq<&str> for MessageKind {
    fn eq(&self, name: &&str) -> bool {
        self.as_str() == *name
    }
}

/// A target that was not tried, because its configuration is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotTested {
    #[serde(rename = "socketio: the configured endpoint is invalid")]
    SocketioInvalid,
    #[serde(rename = "ws: the configured URL is invalid")]
    WsInvalid,
}

impl NotTested {
    /// The report's words for it.
    pub fn as_str(self) -> &'static str {
        match self {
            NotTested::SocketioInvalid => "socketio: the configured endpoint is invalid",
            NotTested::WsInvalid => "ws: the configured URL is invalid",
        }
    }
}

impl PartialEq<&str> for NotTested {
    fn eq(&self, words: &&str) -> bool {
        self.as_str() == *words
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetReport {
    pub target: TargetKind,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<TargetResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_ms: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_message: Option<FirstMessage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<CloseInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebSocketData {
    pub targets: Vec<TargetReport>,
    /// Targets not tried, with the reason (a configuration error).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_tested: Vec<NotTested>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Connecting,
    AwaitingMessage,
    Closing,
    Done,
}

struct Target {
    url: Url,
    phase: Phase,
    opened_at: Millis,
    report: TargetReport,
}

pub struct WebSocketCheck {
    targets: Vec<Target>,
    not_tested: Vec<NotTested>,
    started_at: Millis,
}

impl WebSocketCheck {
    pub fn new(config: &Config) -> Self {
        let mut targets = Vec::new();
        let mut not_tested = Vec::new();
        match &config.socketio {
            Some(endpoint) => targets.push(Target::new(
                TargetKind::Socketio,
                engineio_url(endpoint, Transport::Websocket, None),
            )),
            None => not_tested.push(NotTested::SocketioInvalid),
        }
        match (&config.ws, config.error_for(ConfigKey::Ws)) {
            (Some(url), _) => targets.push(Target::new(TargetKind::Ws, url.clone())),
            (None, Some(_)) => not_tested.push(NotTested::WsInvalid),
            (None, None) => {}
        }
        WebSocketCheck {
            targets,
            not_tested,
            started_at: 0,
        }
    }

    fn begin_close(&mut self, i: usize) -> Vec<Action> {
        self.targets[i].phase = Phase::Closing;
        let id = i as Handle;
        vec![
            Action::CloseWs {
                id,
                code: CloseCode::NORMAL,
            },
            Action::SetTimer {
                id,
                after_ms: CLOSE_TIMEOUT_MS,
            },
        ]
    }

    fn first_message(
        &mut self,
        i: usize,
        text: Option<&str>,
        bytes: usize,
        now: Millis,
    ) -> Vec<Action> {
        let target = &mut self.targets[i];
        let packet = text.map(Packet::parse);
        let (kind, engineio) = match packet {
            Some(Ok(Packet::Open(open))) => (MessageKind::EngineioOpen, Some(open.params)),
            Some(Ok(other)) => (MessageKind::of(&other), None),
            Some(Err(_)) if target.report.target == TargetKind::Ws => (MessageKind::Text, None),
            Some(Err(_)) => (MessageKind::Unparsable, None),
            None => (MessageKind::Binary, None),
        };
        let expected = target.report.target == TargetKind::Ws || engineio.is_some();
        target.report.result = Some(if expected {
            TargetResult::Answered
        } else {
            TargetResult::UnexpectedMessage
        });
        target.report.first_message = Some(FirstMessage {
            after_open_ms: now.saturating_sub(target.opened_at),
            kind,
            bytes,
            engineio,
        });
        self.begin_close(i)
    }

    fn on_closed(&mut self, i: usize, code: u16, clean: bool) -> Vec<Action> {
        let target = &mut self.targets[i];
        let close = CloseInfo::observed(code, clean, target.phase == Phase::Closing);
        match target.phase {
            Phase::Connecting => target.report.result = Some(TargetResult::ClosedBeforeOpen),
            Phase::AwaitingMessage if !clean => {
                target.report.result = Some(TargetResult::ClosedAfterOpen)
            }
            Phase::AwaitingMessage => target.report.result = Some(silent_result(target)),
            Phase::Closing | Phase::Done => {}
        }
        target.report.close = Some(close);
        target.phase = Phase::Done;
        vec![Action::CancelTimer { id: i as Handle }]
    }

    fn on_timeout(&mut self, i: usize) -> Vec<Action> {
        let target = &mut self.targets[i];
        match target.phase {
            Phase::Connecting => {
                target.report.result = Some(TargetResult::OpenTimeout);
                self.begin_close(i)
            }
            Phase::AwaitingMessage => {
                target.report.result = Some(silent_result(target));
                self.begin_close(i)
            }
            // The close was never confirmed; what we saw stands.
            Phase::Closing => {
                target.phase = Phase::Done;
                Vec::new()
            }
            Phase::Done => Vec::new(),
        }
    }

    fn outcome(&self) -> Outcome {
        let data = WebSocketData {
            targets: self.targets.iter().map(|t| t.report.clone()).collect(),
            not_tested: self.not_tested.clone(),
        };
        Outcome::judged(summarize(&data), &data)
    }
}

pub(crate) fn summarize(d: &WebSocketData) -> (Status, String) {
    if d.targets.is_empty() {
        return (
            Status::Skip,
            format!(
                "Not run: {}.",
                d.not_tested
                    .iter()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        );
    }
    let status = d
        .targets
        .iter()
        .map(|t| target_status(t.result))
        .max_by_key(|s| severity_rank(*s))
        .unwrap_or(Status::Skip);
    let mut parts: Vec<String> = d.targets.iter().map(describe).collect();
    parts.extend(
        d.not_tested
            .iter()
            .map(|n| format!("Not tested: {}.", n.as_str())),
    );
    (status, parts.join(" "))
}

fn silent_result(target: &Target) -> TargetResult {
    match target.report.target {
        TargetKind::Ws => TargetResult::OpenedSilent,
        TargetKind::Socketio => TargetResult::UnexpectedMessage,
    }
}

fn target_status(result: Option<TargetResult>) -> Status {
    match result {
        Some(TargetResult::Answered | TargetResult::OpenedSilent) => Status::Pass,
        Some(TargetResult::UnexpectedMessage) => Status::Warn,
        Some(
            TargetResult::ClosedBeforeOpen
            | TargetResult::ClosedAfterOpen
            | TargetResult::OpenTimeout,
        )
        | None => Status::Fail,
    }
}

fn severity_rank(s: Status) -> u8 {
    match s {
        Status::Skip => 0,
        Status::Pass => 1,
        Status::Warn => 2,
        Status::Fail => 3,
    }
}

fn describe(r: &TargetReport) -> String {
    let name = match r.target {
        TargetKind::Socketio => "The WebSocket to the Socket.IO endpoint",
        TargetKind::Ws => "The extra WebSocket",
    };
    let close = r
        .close
        .as_ref()
        .map(|c| {
            format!(
                " (close code {}{})",
                c.code,
                if c.clean { "" } else { ", not clean" }
            )
        })
        .unwrap_or_default();
    match r.result {
        Some(TargetResult::Answered) => {
            format!(
                "{name} opened in {} ms and the server answered.",
                r.open_ms.unwrap_or(0)
            )
        }
        Some(TargetResult::OpenedSilent) => {
            format!(
                "{name} opened in {} ms; the server sent nothing.",
                r.open_ms.unwrap_or(0)
            )
        }
        Some(TargetResult::UnexpectedMessage) => format!(
            "{name} opened in {} ms, but no Engine.IO open packet came back{close}.",
            r.open_ms.unwrap_or(0)
        ),
        Some(TargetResult::ClosedBeforeOpen) => {
            format!("{name} was closed before it opened{close}.")
        }
        Some(TargetResult::ClosedAfterOpen) => format!(
            "{name} opened in {} ms, then was cut before any message{close}.",
            r.open_ms.unwrap_or(0)
        ),
        Some(TargetResult::OpenTimeout) => {
            format!("{name} did not open within {} s.", OPEN_TIMEOUT_MS / 1000)
        }
        None => format!("{name} was not completed."),
    }
}

impl Target {
    fn new(target: TargetKind, url: Url) -> Self {
        Target {
            report: TargetReport {
                target,
                url: redact_url(url.as_str()),
                result: None,
                open_ms: None,
                first_message: None,
                close: None,
            },
            url,
            phase: Phase::Connecting,
            opened_at: 0,
        }
    }
}

impl Check for WebSocketCheck {
    type Data = WebSocketData;

    fn id(&self) -> CheckId {
        CheckId::Websocket
    }

    fn start(&mut self, now: Millis) -> Vec<Action> {
        self.started_at = now;
        if self.targets.is_empty() {
            return vec![Action::Finish(self.outcome())];
        }
        self.targets
            .iter()
            .enumerate()
            .flat_map(|(i, t)| {
                let id = i as Handle;
                [
                    Action::OpenWs {
                        id,
                        url: t.url.to_string(),
                    },
                    Action::SetTimer {
                        id,
                        after_ms: OPEN_TIMEOUT_MS,
                    },
                ]
            })
            .collect()
    }

    fn handle(&mut self, event: Event, now: Millis) -> Vec<Action> {
        let mut actions = match event {
            Event::WsOpened { id } if self.phase(id) == Some(Phase::Connecting) => {
                self.on_opened(id as usize, now)
            }
            Event::WsMessage { id, text } if self.phase(id) == Some(Phase::AwaitingMessage) => {
                self.first_message(id as usize, Some(&text), text.len(), now)
            }
            Event::WsBinary { id, len } if self.phase(id) == Some(Phase::AwaitingMessage) => {
                self.first_message(id as usize, None, len, now)
            }
            Event::WsClosed {
                id, code, clean, ..
            } if self.is_active(id) => self.on_closed(id as usize, code, clean),
            Event::Timeout { id } if self.is_active(id) => self.on_timeout(id as usize),
            _ => return Vec::new(),
        };
        if self.targets.iter().all(|t| t.phase == Phase::Done) {
            actions.push(Action::Finish(self.outcome()));
        }
        actions
    }
}

impl WebSocketCheck {
    fn phase(&self, id: Handle) -> Option<Phase> {
        self.targets.get(id as usize).map(|t| t.phase)
    }

    fn is_active(&self, id: Handle) -> bool {
        self.phase(id).is_some_and(|p| p != Phase::Done)
    }

    fn on_opened(&mut self, i: usize, now: Millis) -> Vec<Action> {
        let target = &mut self.targets[i];
        target.phase = Phase::AwaitingMessage;
        target.opened_at = now;
        target.report.open_ms = Some(now.saturating_sub(self.started_at));
        vec![Action::SetTimer {
            id: i as Handle,
            after_ms: MESSAGE_TIMEOUT_MS,
        }]
    }
}

#[cfg(test)]
#[path = "websocket_tests.rs"]
mod tests;
