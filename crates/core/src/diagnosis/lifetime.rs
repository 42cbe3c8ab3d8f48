//! `connection-cut`: a held connection ended before its time, with the
//! measured lifetime and the limit it most likely hit.

use super::texts::{self, fixes};
use crate::catalog::FindingId;
use crate::checks::lifetime::match_limit;
use crate::checks::lifetime::LifetimeData;
use crate::checks::seconds;
use crate::diagnosis::{Finding, FixBy, Platform, Severity};
use crate::privacy::observed;

/// Cuts sooner than this break realtime apps visibly; later ones are routine.
const ROUTINE_S: u64 = 600;

pub(super) fn finding(d: Option<&LifetimeData>) -> Option<Finding> {
    let d = d?;
    // The limit is this page's own, from the numbers: never the stored name.
    d.matched_limit.as_ref()?;
    let lifetime = d.lifetime_ms?;
    let limit = match_limit(lifetime, d.ping_interval_ms, &d.hints);
    let close = d.close.as_ref().map(|c| {
        format!(
            "close code {}, {}",
            c.code,
            if c.clean { "clean" } else { "not clean" }
        )
    });
    let mut evidence = vec![format!(
        "The Socket.IO WebSocket was cut after {} of the {} it was held ({})",
        seconds(lifetime),
        seconds(d.hold_s.saturating_mul(1000)),
        close.unwrap_or_else(|| "no close seen".into())
    )];
    match (d.ping_interval_ms, d.last_ping_before_close_ms) {
        (Some(ping), Some(last)) => evidence.push(format!(
            "{} pings answered (interval {}); the last one {} before the cut",
            d.pings_answered,
            seconds(ping),
            seconds(last)
        )),
        (Some(ping), None) => evidence.push(format!(
            "No ping came before the cut (interval {})",
            seconds(ping)
        )),
        _ => {}
    }
    for (name, value) in [("Server", &d.hints.server), ("Via", &d.hints.via)] {
        if let Some(v) = value {
            evidence.push(format!("{name}: {}", observed(v)));
        }
    }
    evidence.push(format!("Most likely: {}", limit.limit));
    Some(Finding {
        id: FindingId::ConnectionCut,
        severity: if lifetime / 1000 < ROUTINE_S { Severity::Critical } else { Severity::Warning },
        title: format!(
            "Live updates will keep dropping: the connection is cut after about {} s.",
            lifetime.saturating_add(500) / 1000
        ),
        explanation: texts::explanation("A healthy, answered Socket.IO connection was closed by something on the path before the \
            test ended. Clients reconnect, but users see drops, missed messages and reloads. The time at which it \
            happens points at the limit: proxy idle or read timeouts that are shorter than the gap between \
            pings, load balancer backend timeouts, or reloads."),
        evidence,
        fix_by: FixBy::Operator,
        fixes: fixes(&[
            (Platform::Any, "Raise the idle/read timeouts on every hop to 3600 s, and keep the server's pingInterval (25 s by default) well below the smallest of them."),
            (Platform::IngressNginx, "nginx.ingress.kubernetes.io/proxy-read-timeout: \"3600\" and nginx.ingress.kubernetes.io/proxy-send-timeout: \"3600\"; frequent controller reloads also cut connections (worker-shutdown-timeout)."),
            (Platform::Gke, "BackendConfig timeoutSec: 3600 (the default 30 s caps WebSocket lifetime); nginx annotations are ignored on class gce."),
            (Platform::Traefik, "entryPoints.<name>.transport.respondingTimeouts.idleTimeout (180 s by default) and readTimeout: raise them, e.g. 3600s."),
            (Platform::Haproxy, "timeout tunnel 1h (and timeout client/server above pingInterval)."),
            (Platform::Istio, "DestinationRule trafficPolicy.connectionPool.http.idleTimeout: 3600s (and the Gateway's idle timeout)."),
            (Platform::GatewayApi, "Gateway API has no idle timeout field yet: use the implementation's policy (Envoy Gateway below; Istio above)."),
            (Platform::EnvoyGateway, "BackendTrafficPolicy on the Socket.IO HTTPRoute: spec.timeout.http.streamIdleTimeout: 3600s (above pingInterval), and ClientTrafficPolicy spec.timeout.http.idleTimeout likewise."),
            (Platform::Envoy, "HTTP connection manager stream_idle_timeout (5 min by default) and the route's idle_timeout above pingInterval, e.g. 3600s; an idle cut completes ~1 s late (delayed_close_timeout)."),
            (Platform::Nginx, "proxy_read_timeout 3600s; proxy_send_timeout 3600s; in the Socket.IO location."),
        ]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CloseCode, CloseInfo, ClosedBy};
    use crate::checks::lifetime::{match_limit, PlatformHints};

    fn cut(lifetime_ms: u64) -> LifetimeData {
        let hints = PlatformHints {
            server: Some("nginx/1.22.1".into()),
            via: None,
        };
        LifetimeData {
            hold_s: 20,
            opened: true,
            open_ms: Some(5),
            lifetime_ms: Some(lifetime_ms),
            held: false,
            close: Some(CloseInfo {
                code: CloseCode::ABNORMAL,
                clean: false,
                by: ClosedBy::Server,
            }),
            ping_interval_ms: Some(5000),
            pings_answered: 0,
            last_ping_before_close_ms: None,
            matched_limit: Some(match_limit(lifetime_ms, Some(5000), &hints)),
            hints,
        }
    }

    #[test]
    fn cut_connection_finding() {
        let f = finding(Some(&cut(3_004))).unwrap();
        assert_eq!(f.id, FindingId::ConnectionCut);
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(
            f.title,
            "Live updates will keep dropping: the connection is cut after about 3 s."
        );
        assert_eq!(f.evidence[0], "The Socket.IO WebSocket was cut after 3.0 s of the 20 s it was held (close code 1006, not clean)");
        assert!(f
            .evidence
            .iter()
            .any(|e| crate::privacy::plain(e) == "Server: \"nginx/1.22.1\""));
        assert!(f
            .evidence
            .last()
            .unwrap()
            .contains("shorter than the server's ping interval"));
    }

    #[test]
    fn held_connections_and_late_cuts() {
        let mut held = cut(1);
        held.lifetime_ms = None;
        held.held = true;
        assert!(finding(Some(&held)).is_none());
        assert_eq!(
            finding(Some(&cut(3_600_000))).unwrap().severity,
            Severity::Warning
        );
        assert!(finding(None).is_none());
    }
}
