//! `socketio-upgrade`'s data: what each of its four probes saw.

use serde::{Deserialize, Serialize};

use crate::check::{CloseInfo, Millis};
use crate::classify::{HttpStep, StepResult, SESSION_ID_UNKNOWN};

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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The long-poll was ended, after it had been held, by a hop's gateway
    /// or timeout answer (408, 502, 503 without `Retry-After`, 504), or by
    /// a failed request after which the server no longer knew the session
    /// ([`cut_confirmed`]).
    Cut,
    /// The long-poll failed (no HTTP answer) but the session survived, or
    /// its fate is unknown: the browser's own interruption (a sleeping
    /// laptop, a suspended tab, a network change) looks the same. No cut.
    Interrupted,
    /// Engine.IO answered that it does not know the session: the request
    /// reached another backend (sticky-session's matter, not a cut).
    SessionLost,
    /// Another answer that is no cut: an Engine.IO error, a close packet, a
    /// 4xx or rate-limit answer, or one that came too soon to be a timeout.
    Refused,
    /// No answer within the ping interval and its grace.
    NoAnswer,
    /// Answers came, but none with the ping, before the probe stopped.
    NoPing,
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
    /// How long the probe's handshake took: a cut must come well after a
    /// round trip ([`cut_confirmed`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handshake_ms: Option<Millis>,
    /// The request that ended the hold: the long-poll (`ms`: how long it
    /// was held), or the handshake when there was no session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll: Option<HttpStep>,
    /// After a cut, the session's next poll: whether the session survived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<HttpStep>,
}

/// A long-poll answered or failed sooner than this is no cut.
pub const CUT_AFTER_MS: Millis = 1_000;

/// Whether `poll`, the request that ended a hold, may be a cut: held at
/// least [`CUT_AFTER_MS`] and three handshake round trips, and ended by a
/// hop's gateway or timeout answer that is no Engine.IO error and no rate
/// limit, or by a failed request.
pub fn may_be_cut(poll: &HttpStep, handshake_ms: Option<Millis>) -> bool {
    let held_enough = poll.ms >= CUT_AFTER_MS.max(handshake_ms.unwrap_or(0).saturating_mul(3));
    held_enough
        && match &poll.result {
            StepResult::Answered(obs) => {
                obs.engineio_error().is_none()
                    && !obs.rate_limit_signal()
                    && matches!(obs.status, 408 | 502 | 503 | 504)
            }
            StepResult::NetworkError { .. } => true,
            StepResult::Timeout => false,
        }
}

/// Whether a hold ended by `poll` was cut: [`may_be_cut`], and where the
/// request failed without an answer, the server no longer knew the session
/// on the next poll (`after`): a failure the session survived may be the
/// browser's own.
pub fn cut_confirmed(
    poll: &HttpStep,
    after: Option<&HttpStep>,
    handshake_ms: Option<Millis>,
) -> bool {
    let session_gone = || {
        after
            .and_then(HttpStep::observation)
            .is_some_and(|o| o.error_code() == Some(SESSION_ID_UNKNOWN))
    };
    may_be_cut(poll, handshake_ms) && (poll.observation().is_some() || session_gone())
}
