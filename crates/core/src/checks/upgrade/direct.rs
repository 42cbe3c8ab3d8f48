//! Probe 2 of `socketio-upgrade`: a WebSocket-only session, as clients
//! with `transports: ["websocket"]` open it.

use super::{Action, DirectPhase, DirectResult, UpgradeCheck, DIRECT, STEP_TIMEOUT_MS};
use crate::check::{CloseCode, CloseInfo, Millis};
use crate::checks::since;
use crate::engineio::Packet;
use crate::socketio::{connect_message, SioPacket};

impl UpgradeCheck {
    pub(super) fn direct_opened(&mut self, now: Millis) -> Vec<Action> {
        self.data.websocket_only.ws_open_ms = Some(since(self.direct_mark, now));
        self.direct = DirectPhase::AwaitingOpenPacket;
        vec![Action::SetTimer {
            id: DIRECT,
            after_ms: STEP_TIMEOUT_MS,
        }]
    }

    pub(super) fn direct_message(&mut self, text: &str, now: Millis) -> Vec<Action> {
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

    /// Ends the probe with `result` and closes its socket, without waiting
    /// for the close to complete.
    pub(super) fn direct_close(&mut self, result: DirectResult) -> Vec<Action> {
        let mut actions = self.direct_end(result);
        actions.push(Action::CloseWs {
            id: DIRECT,
            code: CloseCode::NORMAL,
        });
        actions
    }

    pub(super) fn direct_end(&mut self, result: DirectResult) -> Vec<Action> {
        if self.data.websocket_only.result.is_none() {
            self.data.websocket_only.result = Some(result);
        }
        self.direct = DirectPhase::Done;
        vec![Action::CancelTimer { id: DIRECT }]
    }

    pub(super) fn direct_closed(&mut self, code: u16, clean: bool) -> Vec<Action> {
        self.data.websocket_only.close = Some(CloseInfo::observed(code, clean));
        let result = match self.direct {
            DirectPhase::Opening => DirectResult::ClosedBeforeOpen,
            DirectPhase::AwaitingOpenPacket => DirectResult::NoOpenPacket,
            _ => DirectResult::NoNamespaceAnswer,
        };
        self.direct_end(result)
    }

    pub(super) fn direct_timeout(&mut self) -> Vec<Action> {
        match self.direct {
            DirectPhase::Opening => self.direct_close(DirectResult::OpenTimeout),
            DirectPhase::AwaitingOpenPacket => self.direct_close(DirectResult::NoOpenPacket),
            DirectPhase::AwaitingNamespace => self.direct_close(DirectResult::NoNamespaceAnswer),
            DirectPhase::Done => Vec::new(),
        }
    }
}
