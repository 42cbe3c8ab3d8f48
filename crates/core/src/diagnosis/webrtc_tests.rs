//! WebRTC rules: each ICE server's gathering to its finding.

use super::*;
use crate::checks::webrtc::{GatherReport, IceErrorFacts};
use crate::ice::parse_candidate;

fn gathering(kind: ServerKind, lines: &[&str], errors: &[(u16, &str)]) -> GatherReport {
    GatherReport {
        kind,
        url: Some(format!("{kind:?}:x").to_lowercase()),
        candidates: lines
            .iter()
            .filter_map(|l| parse_candidate(l, Some("udp")))
            .map(|facts| crate::checks::webrtc::CandidateCount { facts, count: 1 })
            .collect(),
        errors: errors
            .iter()
            .map(|(code, text)| IceErrorFacts {
                code: *code,
                text: (*text).into(),
            })
            .collect(),
        complete: true,
        gather_ms: Some(5),
    }
}

const HOST: &str = "candidate:1 1 udp 2113937151 a.local 1 typ host";
const SRFLX: &str = "candidate:2 1 udp 1677729535 127.0.0.1 2 typ srflx raddr 0.0.0.0 rport 0";
const RELAY: &str = "candidate:3 1 udp 50340095 127.0.0.1 3 typ relay raddr 127.0.0.1 rport 2";

fn webrtc(g: Vec<GatherReport>) -> Vec<(FindingId, Severity, FixBy)> {
    webrtc_findings(Some(&WebrtcData {
        gatherings: g,
        livekit: None,
    }))
    .iter()
    .map(|f| (f.id, f.severity, f.fix_by))
    .collect()
}

#[test]
fn webrtc_table() {
    let host = || gathering(ServerKind::Host, &[HOST], &[]);
    assert_eq!(
        webrtc(vec![
            host(),
            gathering(ServerKind::Stun, &[HOST, SRFLX], &[]),
            gathering(ServerKind::Turn, &[RELAY], &[])
        ]),
        []
    );
    assert_eq!(
        webrtc(vec![
            host(),
            gathering(ServerKind::Stun, &[HOST], &[]),
            gathering(ServerKind::Turn, &[RELAY], &[])
        ]),
        [(FindingId::UdpBlocked, Severity::Warning, FixBy::Network)]
    );
    assert_eq!(
        webrtc(vec![
            host(),
            gathering(ServerKind::Stun, &[HOST], &[]),
            gathering(ServerKind::Turn, &[HOST], &[(701, "timeout")])
        ]),
        [
            (FindingId::UdpBlocked, Severity::Critical, FixBy::Network),
            (
                FindingId::TurnUnreachable,
                Severity::Critical,
                FixBy::Network
            )
        ]
    );
    assert_eq!(
        webrtc(vec![
            host(),
            gathering(ServerKind::Turn, &[], &[(401, "Unauthorized")])
        ]),
        [(
            FindingId::TurnUnreachable,
            Severity::Critical,
            FixBy::Operator
        )]
    );
    assert_eq!(
        webrtc(vec![
            host(),
            gathering(ServerKind::Turn, &[RELAY], &[]),
            gathering(ServerKind::Turns, &[], &[])
        ]),
        [(
            FindingId::TurnTlsUnavailable,
            Severity::Warning,
            FixBy::Operator
        )]
    );
    assert_eq!(
        webrtc(vec![host()]),
        [],
        "nothing configured, nothing to blame"
    );
}
