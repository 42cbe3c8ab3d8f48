//! Rules from the Socket.IO observations (`websocket`, `socketio-handshake`,
//! `socketio-upgrade`, and the session facts of `sticky-session`) to
//! findings.

use super::socketio_texts as texts;
use crate::check::CloseCode;
use crate::checks::handshake::{HandshakeData, NamespaceResult, Reachability};
use crate::checks::sticky::{LimitSignal, StickyData, Stopped};
use crate::checks::upgrade::{DirectResult, UpgradeData, UpgradeResult};
use crate::checks::websocket::{TargetKind, TargetResult, WebSocketData};
use crate::classify::{
    Answer, HttpObservation, HttpStep, StepResult, BAD_REQUEST, FORBIDDEN, SERVICE_UNAVAILABLE,
    UNSUPPORTED_PROTOCOL_VERSION,
};
use crate::diagnosis::Finding;

pub(super) fn findings(
    ws: Option<&WebSocketData>,
    hs: Option<&HandshakeData>,
    up: Option<&UpgradeData>,
    sticky: Option<&StickyData>,
) -> Vec<Finding> {
    let mut found = Vec::new();
    let limited = rate_limit_evidence(hs, up, sticky);
    let stalled = stall_evidence(hs, sticky);
    if let Some(h) = hs {
        // The handshake's own 503, counted as the limit, is not the server.
        let open_limited = limited.as_ref().is_some_and(|l| l.handshake_limited);
        found.extend(
            handshake_finding(h).filter(|f| {
                !(open_limited && f.id == crate::catalog::FindingId::SocketioServerError)
            }),
        );
        if let Some(ns) = &h.namespace {
            if let NamespaceResult::Refused { message } = &ns.result {
                found.push(texts::namespace_rejected(&ns.namespace, message));
            }
        }
        if let Some(params) = &h.negotiated {
            if params.upgrades.is_empty() {
                found.push(texts::upgrades_disabled(&evidence_step(
                    "Polling handshake",
                    h.open.as_ref(),
                )));
            }
        }
    }
    // WebSocket failures beside a rate limit or a stalled session are
    // explained by them (the browser hides a refused upgrade's status).
    if limited.is_none() && stalled.is_none() {
        found.extend(websocket_blocked(ws, hs, up));
    }
    found.extend(limited.map(|l| texts::rate_limited(l.evidence)));
    found.extend(stalled.map(texts::session_stalled));
    found
}

/// What points at a rate limit.
struct Limited {
    evidence: Vec<String>,
    /// The polling handshake's own answer is one of them.
    handshake_limited: bool,
}

/// Requests a rate limit answered: 429 or `Retry-After` (one is enough), or
/// 503 while other requests of the page succeeded (two are needed: a single
/// one is as likely a moment without ready pods).
fn rate_limit_evidence(
    hs: Option<&HandshakeData>,
    up: Option<&UpgradeData>,
    sticky: Option<&StickyData>,
) -> Option<Limited> {
    let mut steps: Vec<(&str, &HttpStep)> = Vec::new();
    if let Some(h) = hs {
        steps.extend(h.open.as_ref().map(|s| ("Polling handshake", s)));
    }
    if let Some(u) = up {
        steps.extend(
            u.upgrade
                .handshake
                .as_ref()
                .map(|s| ("Handshake before the upgrade", s)),
        );
        steps.extend(
            u.plain_get
                .as_ref()
                .map(|s| ("GET of the WebSocket URL without upgrade", s)),
        );
    }
    let namespace = hs
        .and_then(|h| h.namespace.as_ref())
        .and_then(|ns| match &ns.result {
            NamespaceResult::Failed(obs) => Some(obs),
            _ => None,
        });
    let observations = steps
        .iter()
        .filter_map(|(what, step)| step.observation().map(|o| (*what, o, step.ms)));
    let succeeded = steps
        .iter()
        .filter_map(|(_, s)| s.observation())
        .any(|o| o.status == 200)
        || sticky.is_some_and(|d| d.with_cookies.opened > 0 || d.without_cookies.opened > 0);
    let limited = |o: &HttpObservation| {
        o.rate_limit_signal() || (o.status == SERVICE_UNAVAILABLE && succeeded)
    };
    let limited_answers: Vec<(&str, &HttpObservation, Option<u64>)> = observations
        .filter(|(_, o, _)| limited(o))
        .map(|(what, o, ms)| (what, o, Some(ms)))
        .chain(
            namespace
                .filter(|o| limited(o))
                .map(|o| ("Namespace CONNECT", o, None)),
        )
        .collect();
    let sticky_strong = sticky.is_some_and(|d| {
        matches!(
            d.limit_signal,
            Some(LimitSignal::TooManyRequests | LimitSignal::RetryAfter)
        )
    });
    let strong = limited_answers
        .iter()
        .filter(|(_, o, _)| o.rate_limit_signal())
        .count()
        .saturating_add(usize::from(sticky_strong));
    let sticky_limited = sticky.map_or(0, |d| {
        d.with_cookies
            .rate_limited
            .saturating_add(d.without_cookies.rate_limited)
    });
    let signals = limited_answers
        .len()
        .saturating_add(sticky_limited as usize);
    if strong == 0 && signals < 2 {
        return None;
    }
    let mut evidence: Vec<String> = limited_answers
        .iter()
        .map(|(what, o, ms)| match ms {
            Some(ms) => format!("{what}: {} after {ms} ms", o.describe_limit()),
            None => format!("{what}: {}", o.describe_limit()),
        })
        .collect();
    if sticky_limited > 0 {
        evidence.push(format!(
            "Sticky-session probe: {sticky_limited} request(s) answered by a rate limit; the probe stopped there and counted no lost session"
        ));
    }
    if succeeded {
        evidence.push("Other requests of the same page succeeded moments before or after".into());
    }
    let handshake_limited = hs
        .and_then(|h| h.open.as_ref())
        .and_then(HttpStep::observation)
        .is_some_and(limited);
    Some(Limited {
        evidence,
        handshake_limited,
    })
}

/// The handshake was answered, and then a request of the session was not.
fn stall_evidence(hs: Option<&HandshakeData>, sticky: Option<&StickyData>) -> Option<Vec<String>> {
    let mut evidence = Vec::new();
    if let Some(h) = hs {
        let opened = h
            .open
            .as_ref()
            .and_then(HttpStep::observation)
            .is_some_and(|o| o.answer == Answer::EngineioOpen && o.status == 200);
        let unanswered = h
            .namespace
            .as_ref()
            .filter(|ns| ns.result == NamespaceResult::Timeout);
        if let (true, Some(ns)) = (opened, unanswered) {
            evidence.push(evidence_step("Polling handshake", h.open.as_ref()));
            evidence.push(format!(
                "Namespace CONNECT and poll of that session: no answer within {} ms",
                ns.ms
            ));
        }
    }
    if sticky.is_some_and(|d| d.stopped == Some(Stopped::Stalled)) {
        evidence.push(
            "Sticky-session probe: a session opened, then its next request got no answer at all"
                .into(),
        );
    }
    (!evidence.is_empty()).then_some(evidence)
}

fn handshake_finding(h: &HandshakeData) -> Option<Finding> {
    let open = h.open.as_ref()?;
    let evidence = vec![evidence_step("Polling handshake", Some(open))];
    match &open.result {
        StepResult::NetworkError { .. } => match h.reachability {
            Some(Reachability::Answered) => Some(texts::cors_blocked(evidence_with(
                evidence,
                "The same request with mode \"no-cors\" got an (opaque) answer: the server is there, CORS hides its answer",
            ))),
            _ => Some(texts::socketio_unreachable(evidence_with(
                evidence,
                "The same request with mode \"no-cors\" got no answer either",
            ))),
        },
        StepResult::Timeout => Some(texts::socketio_unreachable(evidence)),
        StepResult::Answered(obs) => answer_finding(obs, evidence),
    }
}

fn answer_finding(obs: &HttpObservation, evidence: Vec<String>) -> Option<Finding> {
    let code = obs.error_code();
    if obs.answer == Answer::Engineio3 || code == Some(UNSUPPORTED_PROTOCOL_VERSION) {
        return Some(texts::protocol_mismatch(evidence));
    }
    if code == Some(FORBIDDEN) || matches!(obs.status, 401 | 403) {
        return Some(texts::forbidden(evidence));
    }
    if obs.status >= 500 {
        return Some(texts::server_error(obs.status, evidence));
    }
    let not_engineio = matches!(obs.answer, Answer::Html | Answer::Text | Answer::Empty);
    if obs.status == 404 || (obs.status == 200 && not_engineio) {
        return Some(texts::not_found(evidence));
    }
    None
}

/// A hop drops the upgrade: WebSockets fail while the path demonstrably
/// reaches Engine.IO (polling works, or a plain GET of the WebSocket URL
/// gets Engine.IO's "Bad request").
fn websocket_blocked(
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
fn cut_text() -> String {
    "opened, then cut with code 1006 before any Engine.IO packet: a hop passed the upgrade answer on but does not carry the connection".into()
}

fn closed_text(code: Option<CloseCode>) -> String {
    match code {
        Some(code) => {
            format!("closed before opening, code {code} (the browser hides the HTTP status)")
        }
        None => "did not open in time".into(),
    }
}

fn evidence_step(what: &str, step: Option<&HttpStep>) -> String {
    match step {
        Some(step) => format!("{what}: {} after {} ms", step.describe(), step.ms),
        None => format!("{what}: not completed"),
    }
}

fn evidence_with(mut evidence: Vec<String>, more: &str) -> Vec<String> {
    evidence.push(more.to_owned());
    evidence
}

#[cfg(test)]
#[path = "socketio_tests.rs"]
mod tests;
