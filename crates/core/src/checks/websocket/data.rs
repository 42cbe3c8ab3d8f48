//! `websocket`'s data: each target tried, what it answered first, and the
//! targets not tried.

use serde::{Deserialize, Serialize};

use crate::check::{CloseInfo, Millis};
use crate::engineio::{OpenParams, Packet};

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
    pub(super) fn of(packet: &Packet) -> MessageKind {
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
