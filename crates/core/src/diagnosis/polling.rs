//! `polling-cut`: a polling session's long-poll, held for the server's
//! ping as clients without WebSocket hold it, was cut before the ping came.
//! Every such client loses its session each time: the "connects, then
//! disconnects, again and again" of users behind proxies that block
//! WebSockets, and of everybody where the upgrade fails too.

use super::texts::{finding, fixes};
use crate::catalog::FindingId;
use crate::checks::seconds;
use crate::checks::upgrade::{cut_confirmed, DirectResult, UpgradeData, UpgradeResult};
use crate::classify::{Answer, HttpStep, ProxyMark, StepResult, SESSION_ID_UNKNOWN};
use crate::diagnosis::{Finding, FixBy, Platform, Severity};

/// Envoy's route timeout when a route sets none.
const ENVOY_DEFAULT_ROUTE_TIMEOUT_MS: u64 = 15_000;

/// Judged again from what was observed (a stored `result` is not taken
/// on trust): the request that ended the hold and the next poll.
pub(super) fn finding_for(up: Option<&UpgradeData>) -> Option<Finding> {
    let up = up?;
    let hold = up.polling.as_ref()?;
    let cut = hold.poll.as_ref()?;
    if !cut_confirmed(cut, hold.after.as_ref(), hold.handshake_ms) {
        return None;
    }
    let websocket_works = matches!(
        up.upgrade.result,
        Some(UpgradeResult::Upgraded | UpgradeResult::UpgradedNoPing)
    ) || matches!(
        up.websocket_only.result,
        Some(DirectResult::Connected | DirectResult::Refused { .. } | DirectResult::Opened)
    );
    let how = match &cut.result {
        StepResult::Answered(obs) => format!("HTTP {} from a hop, not Engine.IO", obs.status),
        _ => "the request failed without an answer".to_owned(),
    };
    let mut evidence = vec![format!(
        "A polling session's long-poll was cut after {}: {how}",
        seconds(cut.ms)
    )];
    if let Some(interval) = hold.ping_interval_ms {
        evidence.push(format!(
            "The server pings every {}: a long-poll waits that long for the ping, so a shorter limit on any hop cuts it",
            seconds(interval)
        ));
    }
    if let Some(after) = &hold.after {
        evidence.push(after_text(after));
    }
    evidence.push(format!("Most likely: {}", likely_limit(cut)));
    evidence.push(
        if websocket_works {
            "WebSockets work from this browser: the cut hurts clients that cannot use them (behind proxies that block WebSockets) or that are configured for polling"
        } else {
            "WebSockets fail from this browser as well: every client is on long-polling and keeps losing its session"
        }
        .to_owned(),
    );
    let (severity, title) = if websocket_works {
        (
            Severity::Warning,
            "Users without WebSockets will keep dropping: long-polling is cut before the server's ping.",
        )
    } else {
        (
            Severity::Critical,
            "Live updates will keep dropping: WebSockets fail and long-polling is cut before the server's ping.",
        )
    };
    Some(finding(
        FindingId::PollingCut,
        severity,
        title,
        "Socket.IO's long-polling holds each GET open until the server has something to send, at the \
         latest its ping (every pingInterval, 25 s by default). A request or idle timeout on a hop that \
         is shorter than that answers the long-poll itself (often 504) and the server drops the session: \
         the client reconnects, loses messages, and does it again a moment later. WebSockets are not \
         affected by a request timeout, so clients that upgrade may not notice.",
        evidence,
        FixBy::Operator,
        fixes(&[
            (Platform::Any, "Let every hop hold a request on the Socket.IO path longer than pingInterval + pingTimeout (45 s with the defaults): disable the request timeout on that route or raise it to 60 s or more, and keep idle timeouts above pingInterval."),
            (Platform::GatewayApi, "On the HTTPRoute rule for the Socket.IO path: timeouts: {request: \"0s\"} (0s disables it; Envoy-based implementations otherwise use Envoy's 15 s), and backendRequest likewise if set."),
            (Platform::EnvoyGateway, "BackendTrafficPolicy targeting the Socket.IO HTTPRoute: spec.timeout.http.requestTimeout: 0s, and streamIdleTimeout above pingInterval (e.g. 300s)."),
            (Platform::Istio, "VirtualService http[].timeout: 0s for the Socket.IO route (Istio sets no timeout unless one is given), and the DestinationRule connectionPool.http.idleTimeout above pingInterval."),
            (Platform::Envoy, "On the Socket.IO route: route: {timeout: 0s} (a route without timeout gets 15 s), and the HTTP connection manager's stream_idle_timeout above pingInterval (5 min by default)."),
            (Platform::Traefik, "serversTransports.<name>.forwardingTimeouts.responseHeaderTimeout: 0s (or above pingInterval + pingTimeout): a long-poll's response headers only come with the ping."),
            (Platform::Haproxy, "timeout server 60s or more in the backend of the Socket.IO pods (above pingInterval + pingTimeout)."),
            (Platform::Nginx, "proxy_read_timeout 60s or more in the Socket.IO location (above pingInterval + pingTimeout)."),
            (Platform::IngressNginx, "nginx.ingress.kubernetes.io/proxy-read-timeout: \"60\" or more. ingress-nginx was retired in March 2026: plan the move to a Gateway API implementation."),
            (Platform::Gke, "BackendConfig timeoutSec: 60 or more for the Socket.IO Service."),
        ]),
    ))
}

/// The session's next poll after the cut, in the page's words only.
fn after_text(after: &HttpStep) -> String {
    let what = match &after.result {
        StepResult::Answered(obs) if obs.error_code() == Some(SESSION_ID_UNKNOWN) => {
            "the server no longer knew the session (Engine.IO error 1): the cut ended it".to_owned()
        }
        StepResult::Answered(obs) if obs.answer == Answer::EngineioPackets => {
            "the session was still there".to_owned()
        }
        StepResult::Answered(obs) => format!("HTTP {}", obs.status),
        StepResult::NetworkError { .. } => "the request failed without an answer".to_owned(),
        StepResult::Timeout => format!("no answer within {}", seconds(after.ms)),
    };
    format!("The session's next poll: {what}")
}

/// The limit the cut most likely hit, from what answered and when.
fn likely_limit(cut: &HttpStep) -> String {
    let obs = cut.observation();
    let near_envoy_default = cut.ms.abs_diff(ENVOY_DEFAULT_ROUTE_TIMEOUT_MS) <= 1_000;
    match obs.and_then(|o| o.proxy) {
        Some(ProxyMark::EnvoyRouteTimeout) if near_envoy_default => {
            "Envoy's route timeout at its default of 15 s: the route for the Socket.IO path sets no timeout".into()
        }
        Some(ProxyMark::EnvoyRouteTimeout) => format!(
            "Envoy's route timeout, set to about {} on the Socket.IO route",
            seconds(cut.ms)
        ),
        Some(ProxyMark::EnvoyStreamTimeout) => format!(
            "Envoy's stream_idle_timeout of about {}: a long-poll is silent until the ping",
            seconds(cut.ms)
        ),
        Some(ProxyMark::NginxPage) => format!(
            "nginx's proxy_read_timeout of about {} on the Socket.IO location",
            seconds(cut.ms)
        ),
        Some(ProxyMark::HaproxyPage) => format!(
            "HAProxy's timeout server of about {}",
            seconds(cut.ms)
        ),
        _ => format!(
            "a request or idle timeout of about {} on a hop, shorter than the server's ping interval",
            seconds(cut.ms)
        ),
    }
}

#[cfg(test)]
#[path = "polling_tests.rs"]
mod tests;
