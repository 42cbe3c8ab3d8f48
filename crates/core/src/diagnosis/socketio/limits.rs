//! Rate limits and stalled sessions: what explains the Socket.IO failures
//! beside them.

use super::evidence_step;
use crate::checks::handshake::{HandshakeData, NamespaceResult};
use crate::checks::sticky::{LimitSignal, StickyData, Stopped};
use crate::checks::upgrade::UpgradeData;
use crate::classify::{Answer, HttpObservation, HttpStep, SERVICE_UNAVAILABLE};

/// What points at a rate limit.
pub(super) struct Limited {
    pub(super) evidence: Vec<String>,
    /// The polling handshake's own answer is one of them.
    pub(super) handshake_limited: bool,
}

/// Requests a rate limit answered: 429 or `Retry-After` (one is enough), or
/// 503 while other requests of the page succeeded (two are needed: a single
/// one is as likely a moment without ready pods).
pub(super) fn rate_limit_evidence(
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
pub(super) fn stall_evidence(
    hs: Option<&HandshakeData>,
    sticky: Option<&StickyData>,
) -> Option<Vec<String>> {
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
