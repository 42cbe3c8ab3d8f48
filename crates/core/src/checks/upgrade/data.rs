//! `socketio-upgrade`'s data: what each of its four probes saw.

use serde::{Deserialize, Serialize};

use crate::check::{CloseInfo, Millis};
use crate::classify::HttpStep;

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
    /// A polling session held until the server's first ping (absent in
    /// reports of pages that did not hold one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polling: Option<PollingHold>,
}

/// How a held polling session's long-poll ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PollingResult {
    /// The server's ping came on the long-poll and was answered.
    Held,
    /// The long-poll was ended by something that is not Engine.IO (a
    /// proxy's own answer, or a failed request) after it had been held.
    Cut,
    /// Engine.IO answered that it does not know the session: the request
    /// reached another backend (sticky-session's matter, not a cut).
    SessionLost,
    /// Another answer that is no cut: an Engine.IO error, a close packet,
    /// or a refusal that came at once (a rate limit, say).
    Refused,
    /// No answer within the ping interval and its grace.
    NoAnswer,
    /// The server pings less often than this page waits.
    NotAwaited,
    /// The handshake gave no session.
    NoSession,
}

/// Probe 4: a polling session held as a client without WebSocket holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollingHold {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<PollingResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ping_interval_ms: Option<Millis>,
    /// The request that ended the hold: the long-poll (`ms`: how long it
    /// was held), or the handshake when there was no session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll: Option<HttpStep>,
    /// After a cut, the session's next poll: whether the session survived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<HttpStep>,
}
