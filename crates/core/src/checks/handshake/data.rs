//! `socketio-handshake`'s data: the open, what the `no-cors` probe saw,
//! and the namespace's answer.

use serde::{Deserialize, Serialize};

use crate::check::Millis;
use crate::classify::{HttpObservation, HttpStep};
use crate::engineio::OpenParams;

/// Whether anything answered a `no-cors` request for the same URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reachability {
    /// Something answered: the earlier failure was CORS refusing the answer.
    Answered,
    NoAnswer,
    Timeout,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum NamespaceResult {
    Connected,
    Refused {
        message: String,
    },
    /// The session's next request got an unexpected answer, such as
    /// "Session ID unknown" from another backend.
    Failed(HttpObservation),
    /// The server closed the Engine.IO session.
    Closed,
    NetworkError {
        message: String,
    },
    Timeout,
    /// Polls ran out with no answer from the namespace.
    NoAnswer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceStep {
    pub namespace: String,
    pub ms: Millis,
    #[serde(flatten)]
    pub result: NamespaceResult,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandshakeData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<HttpStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negotiated: Option<OpenParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reachability: Option<Reachability>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<NamespaceStep>,
    pub polls: u32,
}
