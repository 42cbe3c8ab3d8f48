//! Rules and words for WebRTC findings: ICE gathering per server, and the
//! LiveKit probe.

use super::texts::{finding, fixes};
use crate::catalog::FindingId;
use crate::checks::webrtc::{GatherReport, ServerKind, WebrtcData};
use crate::diagnosis::{Finding, FixBy, Platform, Severity};
use crate::ice::CandidateType;
use crate::privacy::observed;

/// An ICE server's URL as evidence shows it: an outside value.
fn url(g: &GatherReport) -> String {
    g.url.as_deref().map_or_else(|| "?".to_owned(), observed)
}

pub(super) fn webrtc_findings(d: Option<&WebrtcData>) -> Vec<Finding> {
    let Some(d) = d else { return Vec::new() };
    let mut found = Vec::new();
    let relay = d.any_relay();
    let stun: Vec<_> = d.of_kind(ServerKind::Stun).collect();
    let host_works = d
        .of_kind(ServerKind::Host)
        .any(|g| g.count(CandidateType::Host) > 0);
    if !stun.is_empty() && stun.iter().all(|g| !g.worked()) && host_works {
        let mut evidence: Vec<String> = stun
            .iter()
            .map(|g| {
                format!(
                    "{}: no server-reflexive candidate{}",
                    url(g),
                    if g.complete {
                        ""
                    } else {
                        " (gathering timed out)"
                    }
                )
            })
            .collect();
        evidence.push(if relay {
            "A TURN relay works, so calls fall back to it".into()
        } else {
            "No TURN relay works either".into()
        });
        found.push(finding(
            FindingId::UdpBlocked,
            if relay { Severity::Warning } else { Severity::Critical },
            if relay { "Calls may be slower: your network blocks direct connections (UDP)." } else { "Calls will not work: your network blocks the connections they need (UDP)." },
            "The STUN server did not answer over UDP, while the browser has network interfaces: a firewall between this network and the internet drops UDP. Calls then need a TURN relay over TCP or TLS on port 443.",
            evidence,
            FixBy::Network,
            fixes(&[
                (Platform::Any, "Network administrators: allow outgoing UDP (at least to the STUN/TURN servers, ports 3478 and the media range), or offer users a network that does."),
                (Platform::Any, "Operators: run TURN over TCP and TLS on port 443 (turns:) so calls work from networks that block UDP."),
            ]),
        ));
    }
    let unreachable: Vec<_> = d
        .of_kind(ServerKind::Turn)
        .filter(|g| !g.worked())
        .collect();
    if !unreachable.is_empty() {
        let refused = unreachable.iter().any(|g| g.unauthorized());
        let evidence = unreachable
            .iter()
            .map(|g| {
                let errors: Vec<String> = g
                    .errors
                    .iter()
                    .map(|e| format!("{} {}", e.code, observed(&e.text)))
                    .collect();
                format!(
                    "{}: no relay candidate{}",
                    url(g),
                    if errors.is_empty() {
                        String::new()
                    } else {
                        format!(" (errors: {})", errors.join("; "))
                    }
                )
            })
            .collect();
        found.push(finding(
            FindingId::TurnUnreachable,
            if relay { Severity::Warning } else { Severity::Critical },
            "Calls may fail on restrictive networks: the relay (TURN) server cannot be used.",
            if refused {
                "The TURN server answered but refused the credentials (error 401): they are wrong or expired."
            } else {
                "The TURN server gave no relay: it is unreachable from this network over that transport, or not running."
            },
            evidence,
            if refused { FixBy::Operator } else { FixBy::Network },
            fixes(&[
                (Platform::Any, "Operators: check the TURN server runs and is reachable at that address and port, and that the credentials in conncheck.json (or the app's) are valid: coturn lt-cred-mech users or use-auth-secret with fresh REST credentials."),
                (Platform::Any, "Network administrators: allow the TURN ports (3478 UDP/TCP, 5349 TLS or 443)."),
            ]),
        ));
    }
    let tls: Vec<_> = d
        .of_kind(ServerKind::Turns)
        .filter(|g| !g.worked())
        .collect();
    if !tls.is_empty() {
        found.push(finding(
            FindingId::TurnTlsUnavailable,
            Severity::Warning,
            "Calls may fail on strict networks: the relay over TLS does not work.",
            "TURN over TLS (turns:) is the last resort on networks that only allow HTTPS-like traffic; the configured TLS relay gave no relay candidate: no TLS listener, a certificate the browser does not trust, or a blocked port.",
            tls.iter().map(|g| format!("{}: no relay candidate", url(g))).collect(),
            FixBy::Operator,
            fixes(&[(Platform::Any, "Run coturn with a trusted certificate (cert=, pkey=) on port 443 or 5349 and advertise it as turns:host:443?transport=tcp.")]),
        ));
    }
    found
}

#[cfg(test)]
#[path = "webrtc_tests.rs"]
mod tests;
