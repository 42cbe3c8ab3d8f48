//! The words of every finding: title for the end user, explanation and
//! evidence for support staff, and the fix per platform.

use crate::catalog::FindingId;
use crate::checks::secure_context::SecureContextData;
use crate::diagnosis::{Finding, Fix, FixBy, Platform, Severity};
use crate::privacy::observed;

/// One per-platform fix.
fn fix(platform: Platform, text: &str) -> Fix {
    Fix {
        platform,
        text: text.to_owned(),
    }
}

/// Fixes the user makes, which the page itself shows: one loop for every
/// finding, where a `vec!` of [`fix`] calls is code for each.
#[inline(never)]
pub(super) fn user_fixes(table: &[(Platform, &str)]) -> Vec<Fix> {
    table
        .iter()
        .map(|(platform, text)| fix(*platform, text))
        .collect()
}

/// A finding's fixes for support staff and operators.
#[cfg(feature = "support-texts")]
pub(super) fn fixes(table: &[(Platform, &str)]) -> Vec<Fix> {
    user_fixes(table)
}

/// Without the words for support staff (the page's own module): no
/// explanation and no fixes for them; the texts at the call sites, never
/// read, leave the module.
#[cfg(not(feature = "support-texts"))]
#[inline(always)]
pub(super) fn fixes(_: &[(Platform, &str)]) -> Vec<Fix> {
    Vec::new()
}

/// A finding's explanation, for support staff.
#[cfg(feature = "support-texts")]
pub(super) fn explanation(text: &str) -> String {
    text.to_owned()
}

#[cfg(not(feature = "support-texts"))]
#[inline(always)]
pub(super) fn explanation(_: &str) -> String {
    String::new()
}

/// A finding from its parts; the words are the callers'.
pub(super) fn finding(
    id: FindingId,
    severity: Severity,
    title: &str,
    explanation: &str,
    evidence: Vec<String>,
    fix_by: FixBy,
    fixes: Vec<Fix>,
) -> Finding {
    Finding {
        id,
        severity,
        title: title.into(),
        explanation: self::explanation(explanation),
        evidence,
        fix_by,
        fixes,
    }
}

pub fn insecure_context(d: &SecureContextData) -> Finding {
    Finding {
        id: FindingId::InsecureContext,
        severity: Severity::Critical,
        title: "Camera, microphone and calls will not work: the page is not served securely.".into(),
        explanation: explanation("Browsers only allow camera, microphone and WebRTC on secure pages: HTTPS, or \
            http on localhost. This page was loaded over plain HTTP from another address, so the \
            browser refuses them outright, before asking the user. Live updates over ws:// may \
            still work, but are unencrypted and often blocked by proxies."),
        evidence: vec![
            format!("The page was loaded over {}", observed(&d.protocol)),
            "window.isSecureContext is false".into(),
        ],
        fix_by: FixBy::Operator,
        fixes: fixes(&[
            (Platform::Any, "Serve the app and this page over HTTPS and redirect http to https. If you typed the address yourself, try it with https://."),
            (Platform::IngressNginx, "Add a tls: section (e.g. cert-manager annotation cert-manager.io/cluster-issuer) to the Ingress; ingress-nginx then redirects to HTTPS (nginx.ingress.kubernetes.io/ssl-redirect: \"true\")."),
            (Platform::Gke, "Attach a ManagedCertificate (networking.gke.io/managed-certificates) and a FrontendConfig with redirectToHttps: {enabled: true}."),
            (Platform::Traefik, "Add a websecure entrypoint with a certResolver and redirect web to websecure (entryPoints.web.http.redirections)."),
            (Platform::Haproxy, "bind :443 ssl crt /etc/haproxy/certs/ and http-request redirect scheme https unless { ssl_fc }."),
            (Platform::Istio, "Gateway server on port 443 with tls.mode: SIMPLE, and tls.httpsRedirect: true on the port 80 server."),
            (Platform::Nginx, "listen 443 ssl; with ssl_certificate/ssl_certificate_key, and in the port 80 server: return 301 https://$host$request_uri;"),
        ]),
    }
}
