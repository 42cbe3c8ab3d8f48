//! Rules from the Socket.IO observations (`websocket`, `socketio-handshake`,
//! `socketio-upgrade`, and the session facts of `sticky-session`) to
//! findings.

mod limits;
mod websocket;

use super::socketio_texts as texts;
use crate::checks::handshake::{HandshakeData, NamespaceResult, Reachability};
use crate::checks::sticky::StickyData;
use crate::checks::upgrade::UpgradeData;
use crate::checks::websocket::WebSocketData;
use crate::classify::{
    Answer, HttpObservation, HttpStep, StepResult, FORBIDDEN, UNSUPPORTED_PROTOCOL_VERSION,
};
use crate::diagnosis::Finding;
use limits::{rate_limit_evidence, stall_evidence};
use websocket::websocket_blocked;

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
#[path = "socketio_blocked_tests.rs"]
mod blocked_tests;
#[cfg(test)]
#[path = "socketio_limits_tests.rs"]
mod limits_tests;
#[cfg(test)]
#[path = "socketio_tests.rs"]
mod tests;
