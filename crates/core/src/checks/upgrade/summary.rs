//! `socketio-upgrade`'s judgement: status and summary from its data.

use super::{DirectResult, PollingHold, PollingResult, UpgradeData, UpgradeResult};
use super::{MAX_PING_WAIT_MS, PING_GRACE_MS};
use crate::check::{Millis, Status};
use crate::checks::seconds;

/// Whether a ping every `interval` comes within [`MAX_PING_WAIT_MS`].
pub(super) fn ping_within_wait(interval: Option<Millis>) -> bool {
    interval.is_none_or(|i| i.saturating_add(PING_GRACE_MS) <= MAX_PING_WAIT_MS)
}

/// How long a probe waits for the server's first ping: the interval and
/// its grace, at most [`MAX_PING_WAIT_MS`].
pub(super) fn ping_wait(interval: Option<Millis>) -> Millis {
    interval
        .unwrap_or(0)
        .saturating_add(PING_GRACE_MS)
        .min(MAX_PING_WAIT_MS)
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
    let polling_cut = d
        .polling
        .as_ref()
        .is_some_and(|p| p.result == Some(PollingResult::Cut));
    let status = match (&up.result, up_failed, direct_failed) {
        (_, true, true) | (Some(U::NoSession), _, true) => Status::Fail,
        (Some(U::NotOffered | U::UpgradedNoPing), _, _) | (_, true, false) | (_, false, true) => {
            Status::Warn
        }
        _ if polling_cut => Status::Warn,
        _ => Status::Pass,
    };
    let polling_text = d.polling.as_ref().map(polling_text).unwrap_or_default();
    let text = format!("{up_text} {direct_text} {polling_text}");
    (
        status,
        text.split_whitespace().collect::<Vec<_>>().join(" "),
    )
}

/// Probe 4 in a sentence: how the held polling session ended.
fn polling_text(p: &PollingHold) -> String {
    use PollingResult as P;
    let held = p.poll.as_ref().map(|s| seconds(s.ms)).unwrap_or_default();
    match p.result {
        None => "Holding a polling session until the server's first ping.".into(),
        Some(P::Held) => format!("A polling session held until the server's ping ({held})."),
        Some(P::Cut) => format!("Long-polling was cut after {held}."),
        Some(P::SessionLost) => "A held long-poll reached a backend without its session.".into(),
        Some(P::Refused) => "A held long-poll was refused.".into(),
        Some(P::NoAnswer) => format!("A held long-poll got no answer within {held}."),
        Some(P::NoPing) => "A held long-poll brought answers but no ping.".into(),
        Some(P::Interrupted) => "A held long-poll failed, but its session survived: no cut.".into(),
        Some(P::NotAwaited | P::NoSession) => String::new(),
    }
}
