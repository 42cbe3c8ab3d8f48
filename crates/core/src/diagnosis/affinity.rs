//! Rules and words for load-balancer affinity: `sticky-session-missing`,
//! and the cross-origin cookie case `affinity-cookie-needs-credentials`.

use super::texts::{self, fixes};
use crate::catalog::FindingId;
use crate::checks::affinity_cookie::identify;
use crate::checks::affinity_cookie::AffinityCookieData;
use crate::checks::sticky::{Affinity, ModeReport, StickyData};
use crate::diagnosis::{Finding, FixBy, Platform, Severity};
use crate::privacy::observed;

pub(super) fn findings(
    sticky: Option<&StickyData>,
    cookie: Option<&AffinityCookieData>,
) -> Vec<Finding> {
    let Some(d) = sticky else { return Vec::new() };
    match d.affinity {
        Affinity::Missing => vec![sticky_session_missing(d, cookie)],
        Affinity::Cookie if d.cross_origin => vec![needs_credentials(d)],
        _ => Vec::new(),
    }
}

fn mode_evidence(label: &str, m: &ModeReport) -> String {
    format!(
        "{label}: {} of {} sessions lost their backend; {} of {} follow-up requests got \"Session ID unknown\" (Engine.IO error 1)",
        m.affected,
        m.opened,
        m.session_unknown,
        m.follow_ups
    )
}

fn sticky_session_missing(d: &StickyData, cookie: Option<&AffinityCookieData>) -> Finding {
    let mut evidence = vec![
        mode_evidence("With cookies", &d.with_cookies),
        mode_evidence("Without cookies", &d.without_cookies),
    ];
    let mut fixes = fixes(&[
        (Platform::Any, "Or configure every client with transports: [\"websocket\"]: one connection per session needs no affinity (but loses the long-polling fallback). A Redis adapter does not remove the need for affinity with polling."),
        (Platform::IngressNginx, "Annotations on the Ingress: nginx.ingress.kubernetes.io/affinity: \"cookie\", nginx.ingress.kubernetes.io/affinity-mode: \"persistent\", nginx.ingress.kubernetes.io/session-cookie-name: \"INGRESSCOOKIE\", nginx.ingress.kubernetes.io/session-cookie-max-age: \"172800\"."),
        (Platform::Gke, "BackendConfig on the Service: spec.sessionAffinity: {affinityType: \"GENERATED_COOKIE\", affinityCookieTtlSec: 3600} (or CLIENT_IP), referenced by cloud.google.com/backend-config."),
        (Platform::Traefik, "Sticky cookie on the service: services[].sticky.cookie: {name: lb_affinity, httpOnly: true, secure: true} in the IngressRoute, or traefik.ingress.kubernetes.io/service.sticky.cookie: \"true\" on the Service."),
        (Platform::Haproxy, "In the backend: cookie SERVERID insert indirect nocache, and cookie s1 / cookie s2 on each server line (or balance source)."),
        (Platform::Istio, "DestinationRule: trafficPolicy.loadBalancer.consistentHash.httpCookie: {name: affinity, ttl: 3600s}."),
        (Platform::Nginx, "In the upstream: ip_hash; or hash $cookie_affinity consistent; with the cookie set when absent (nginx OSS has no sticky cookie; NGINX Plus: sticky cookie srv_id)."),
        (Platform::GatewayApi, "On the HTTPRoute rule for the Socket.IO path: sessionPersistence: {sessionName: affinity, type: Cookie} (Envoy Gateway builds it as Envoy's stateful-session cookie)."),
        (Platform::EnvoyGateway, "Or a BackendTrafficPolicy on that HTTPRoute: spec.loadBalancer: {type: ConsistentHash, consistentHash: {type: Cookie, cookie: {name: affinity, ttl: 3600s}}}."),
        (Platform::Envoy, "Cluster lb_policy: RING_HASH with the route's hash_policy: [{cookie: {name: affinity, ttl: 3600s}}], or the envoy.filters.http.stateful_session filter with a cookie."),
    ]);
    if d.cross_origin {
        evidence.push("The Socket.IO endpoint is on another site: an affinity cookie is only sent there with SameSite=None; Secure, and only by clients using withCredentials".into());
        let lax = cookie
            .into_iter()
            .flat_map(|c| &c.found)
            .filter(|f| f.cookie.same_site.as_deref().is_some_and(|s| s != "none"));
        for found in lax {
            // The platform is this page's own, from the name.
            let configured = cookie.map_or(&[][..], |c| &c.configured);
            let platform = identify(&found.cookie.name, configured).unwrap_or("unknown");
            evidence.push(format!(
                "Cookie {} ({platform}) has SameSite={}",
                observed(&found.cookie.name),
                observed(found.cookie.same_site.as_deref().unwrap_or("?"))
            ));
        }
        fixes.extend(texts::fixes(&[(Platform::IngressNginx, "Cross-site: nginx.ingress.kubernetes.io/session-cookie-samesite: \"None\" and session-cookie-secure: \"true\". On AWS, the ALB's AWSALBCORS cookie is the cross-site one.")]));
    }
    Finding {
        id: FindingId::StickySessionMissing,
        severity: Severity::Critical,
        title: "Live updates will be unreliable: the server's load balancer sends your requests to different servers.".into(),
        explanation: texts::explanation("The Socket.IO service runs on several backends that do not share sessions, and the load \
            balancer does not keep a session on its backend (no sticky sessions). Requests that reach another \
            backend get \"Session ID unknown\": connections fail or drop, and messages seem visible only to their \
            sender. Long-polling needs every request of a session on the same backend."),
        evidence,
        fix_by: FixBy::Operator,
        fixes,
    }
}

fn needs_credentials(d: &StickyData) -> Finding {
    Finding {
        id: FindingId::AffinityCookieNeedsCredentials,
        // Info, not a warning: the affinity works, and the page cannot see
        // whether the app's client sends cookies; on a healthy setup it does.
        severity: Severity::Info,
        title: "Cookie affinity works here; the app's client must send cookies to its Socket.IO endpoint on another origin.".into(),
        explanation: texts::explanation("Affinity works through a cookie: requests with cookies stay on their backend, requests \
            without lose it. The Socket.IO endpoint is on another origin than this page, so the app's client \
            sends that cookie only with withCredentials: true, and the server must allow credentials in CORS."),
        evidence: vec![
            mode_evidence("With cookies", &d.with_cookies),
            mode_evidence("Without cookies", &d.without_cookies),
        ],
        fix_by: FixBy::Operator,
        fixes: fixes(&[(
            Platform::Any,
            "Client: io(url, { withCredentials: true }); server: cors: { origin: [\"https://app.example.com\"], credentials: true }; the affinity cookie needs SameSite=None; Secure.",
        )]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(affected: u32) -> ModeReport {
        ModeReport {
            credentials: "x".into(),
            sessions: 3,
            opened: 3,
            affected,
            follow_ups: 15,
            session_unknown: 2 * affected,
            other_failures: 0,
            unanswered: 0,
            rate_limited: 0,
            first_failures: vec!["namespace-connect".into(); affected as usize],
        }
    }

    fn sticky(affinity: Affinity, with: u32, without: u32, cross_origin: bool) -> StickyData {
        StickyData {
            url: None,
            cross_origin,
            with_cookies: mode(with),
            without_cookies: mode(without),
            affinity,
            confidence: 0.99997,
            min_backends: (with + without > 0).then_some(2),
            stopped: None,
            limit_signal: None,
            pods: None,
        }
    }

    fn ids(d: &StickyData) -> Vec<FindingId> {
        findings(Some(d), None).iter().map(|f| f.id).collect()
    }

    #[test]
    fn affinity_table() {
        assert_eq!(
            ids(&sticky(Affinity::Missing, 3, 3, false)),
            [FindingId::StickySessionMissing]
        );
        assert_eq!(ids(&sticky(Affinity::Cookie, 0, 3, false)), []);
        assert_eq!(
            ids(&sticky(Affinity::Cookie, 0, 3, true)),
            [FindingId::AffinityCookieNeedsCredentials]
        );
        assert_eq!(ids(&sticky(Affinity::NotNeeded, 0, 0, false)), []);
        assert_eq!(ids(&sticky(Affinity::Unknown, 0, 0, false)), []);
    }

    #[test]
    fn missing_affinity_names_sessions_backends_and_the_client_alternative() {
        let f = &findings(Some(&sticky(Affinity::Missing, 3, 2, false)), None)[0];
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.evidence[0], "With cookies: 3 of 3 sessions lost their backend; 6 of 15 follow-up requests got \"Session ID unknown\" (Engine.IO error 1)");
        assert!(f.fixes[0].text.contains("transports: [\"websocket\"]"));
        assert_eq!(f.fixes.len(), 10);
    }

    #[test]
    fn cross_site_missing_affinity_mentions_samesite() {
        let f = &findings(Some(&sticky(Affinity::Missing, 3, 3, true)), None)[0];
        assert!(f
            .evidence
            .iter()
            .any(|e| e.contains("SameSite=None; Secure")));
        assert!(f
            .fixes
            .iter()
            .any(|x| x.text.contains("session-cookie-samesite")));
    }
}
