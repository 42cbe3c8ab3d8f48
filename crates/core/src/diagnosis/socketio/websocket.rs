//! `websocket-blocked`: WebSockets fail while the path demonstrably reaches
//! Engine.IO.

use super::{evidence_step, texts};
use crate::check::CloseCode;
use crate::checks::handshake::HandshakeData;
use crate::checks::upgrade::{DirectResult, UpgradeData, UpgradeResult};
use crate::checks::websocket::{TargetKind, TargetResult, WebSocketData};
use crate::classify::{Answer, HttpStep, BAD_REQUEST, FORBIDDEN};
use crate::diagnosis::Finding;

/// A hop drops the upgrade: WebSockets fail while the path demonstrably
/// reaches Engine.IO (polling works, or a plain GET of the WebSocket URL
/// gets Engine.IO's "Bad request").
pub(super) fn websocket_blocked(
    ws: Option<&WebSocketData>,
    hs: Option<&HandshakeData>,
    up: Option<&UpgradeData>,
) -> Option<Finding> {
    let mut evidence = Vec::new();
    // The upgrade of a polling session also fails without sticky sessions
    // (its sid lives on another backend): only sid-less sockets prove a block.
    let mut sidless_failed = false;
    let ws_target = ws.and_then(|w| w.targets.iter().find(|t| t.target == TargetKind::Socketio));
    if let Some(t) = ws_target {
        let code = t.close.as_ref().map(|c| c.code);
        let failure = match t.result {
            Some(TargetResult::ClosedBeforeOpen | TargetResult::OpenTimeout) => {
                Some(closed_text(code))
            }
            Some(TargetResult::ClosedAfterOpen) if code == Some(CloseCode::ABNORMAL) => {
                Some(cut_text())
            }
            _ => None,
        };
        sidless_failed |= failure.is_some();
        evidence.extend(failure.map(|f| format!("WebSocket to the Socket.IO endpoint: {f}")));
    }
    if let Some(u) = up {
        let code = u.upgrade.close.as_ref().map(|c| c.code);
        let failure = match u.upgrade.result {
            Some(UpgradeResult::ClosedBeforeOpen | UpgradeResult::OpenTimeout) => {
                Some(closed_text(code))
            }
            Some(UpgradeResult::NoProbeAnswer) => {
                Some("opened, but the probe got no answer".to_owned())
            }
            Some(UpgradeResult::ClosedEarly)
                if u.upgrade.probe_ms.is_none() && code == Some(CloseCode::ABNORMAL) =>
            {
                Some(cut_text())
            }
            _ => None,
        };
        evidence.extend(failure.map(|f| format!("Upgrade of a polling session: {f}")));
        let code = u.websocket_only.close.as_ref().map(|c| c.code);
        let failure = match u.websocket_only.result {
            Some(DirectResult::ClosedBeforeOpen | DirectResult::OpenTimeout) => {
                Some(closed_text(code))
            }
            Some(DirectResult::NoOpenPacket) if code == Some(CloseCode::ABNORMAL) => {
                Some(cut_text())
            }
            _ => None,
        };
        sidless_failed |= failure.is_some();
        evidence.extend(failure.map(|f| format!("WebSocket-only session: {f}")));
    }
    if !sidless_failed {
        return None;
    }
    let refused = hs
        .and_then(|h| h.open.as_ref())
        .and_then(HttpStep::observation)
        .is_some_and(|o| o.error_code() == Some(FORBIDDEN) || matches!(o.status, 401 | 403));
    if refused {
        return None; // the server refuses everyone: socketio-forbidden says so
    }
    let offered = hs
        .and_then(|h| h.negotiated.as_ref())
        .map(|p| p.upgrades.iter().any(|u| u == "websocket"));
    if offered == Some(false) {
        return None; // the server does not do WebSocket: upgrades-disabled says so
    }
    let polling_works = hs
        .and_then(|h| h.open.as_ref())
        .and_then(HttpStep::observation)
        .is_some_and(|o| o.answer == Answer::EngineioOpen);
    let plain = up.and_then(|u| u.plain_get.as_ref());
    let path_reaches = plain.and_then(HttpStep::observation).is_some_and(|o| {
        o.status == 400 && (o.error_code() == Some(BAD_REQUEST) || o.answer == Answer::Empty)
    });
    if !polling_works && !path_reaches {
        return None;
    }
    if polling_works {
        evidence.insert(
            0,
            evidence_step("Polling handshake", hs.and_then(|h| h.open.as_ref())),
        );
    }
    if let Some(step) = plain {
        let meaning = if path_reaches {
            ": the path reaches Engine.IO, only the upgrade is lost on the way"
        } else {
            ""
        };
        evidence.push(format!(
            "GET of the WebSocket URL without upgrade: {}{meaning}",
            step.describe()
        ));
    }
    Some(texts::websocket_blocked(evidence))
}

/// A hop answered the upgrade (the server's 101 passed through) but does not
/// carry the connection: seen with socketioxide behind an nginx that drops
/// the Upgrade header.
pub(super) fn cut_text() -> String {
    "opened, then cut with code 1006 before any Engine.IO packet: a hop passed the upgrade answer on but does not carry the connection".into()
}

pub(super) fn closed_text(code: Option<CloseCode>) -> String {
    match code {
        Some(code) => {
            format!("closed before opening, code {code} (the browser hides the HTTP status)")
        }
        None => "did not open in time".into(),
    }
}
