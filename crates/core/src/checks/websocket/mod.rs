//! `websocket`: can this browser open a WebSocket to the Socket.IO endpoint
//! (`?EIO=4&transport=websocket`, as clients with `transports: ["websocket"]`
//! do) and to the optional extra `ws` URL?
//!
//! Each target is opened and its first message awaited, each step under its
//! own timeout; then it is closed, and the check does not wait for the close
//! to complete (Envoy, for one, completes it a second late).

mod data;
mod summary;

use crate::weburl::Url;

use super::{engineio_url, Transport};
use crate::catalog::CheckId;
use crate::check::{Check, CloseCode, CloseInfo, Event, Handle, Millis};
use crate::config::{Config, ConfigKey};
use crate::engineio::Packet;
use crate::privacy::redact_url;

pub use data::{
    FirstMessage, MessageKind, NotTested, TargetKind, TargetReport, TargetResult, WebSocketData,
};
pub(crate) use summary::summarize;

/// This check's actions and outcome, with its data type.
use super::CheckData;
type Action = crate::check::Action<CheckData>;
type Outcome = crate::check::Outcome<CheckData>;

pub const OPEN_TIMEOUT_MS: Millis = 10_000;
pub const MESSAGE_TIMEOUT_MS: Millis = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Connecting,
    AwaitingMessage,
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

    /// Closes the target's socket; what was seen stands, and its close
    /// handshake is not waited for.
    fn begin_close(&mut self, i: usize) -> Vec<Action> {
        self.targets[i].phase = Phase::Done;
        let id = i as Handle;
        vec![
            Action::CancelTimer { id },
            Action::CloseWs {
                id,
                code: CloseCode::NORMAL,
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
        let close = CloseInfo::observed(code, clean);
        match target.phase {
            Phase::Connecting => target.report.result = Some(TargetResult::ClosedBeforeOpen),
            Phase::AwaitingMessage if !clean => {
                target.report.result = Some(TargetResult::ClosedAfterOpen)
            }
            Phase::AwaitingMessage => target.report.result = Some(silent_result(target)),
            Phase::Done => {}
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
            Phase::Done => Vec::new(),
        }
    }

    fn outcome(&self) -> Outcome {
        let data = WebSocketData {
            targets: self.targets.iter().map(|t| t.report.clone()).collect(),
            not_tested: self.not_tested.clone(),
        };
        Outcome::judged(summarize(&data), data.into())
    }
}

fn silent_result(target: &Target) -> TargetResult {
    match target.report.target {
        TargetKind::Ws => TargetResult::OpenedSilent,
        TargetKind::Socketio => TargetResult::UnexpectedMessage,
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
    type Data = CheckData;

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
mod socketio_target_tests;
#[cfg(test)]
mod targets_tests;
