//! Rate limits and stalled sessions, and what they explain.

use super::tests::*;
use super::*;
use crate::catalog::FindingId;
use crate::checks::sticky::Stopped;
use crate::checks::upgrade::{DirectResult, UpgradeResult};
use crate::checks::websocket::TargetResult;
use crate::classify::classify;

fn with_header(status: u16, header: (&str, &str), body: &str) -> HttpStep {
    let headers = [(header.0.to_owned(), header.1.to_owned())];
    HttpStep {
        ms: 5,
        result: StepResult::Answered(classify(status, &headers, body).0),
    }
}

fn blocked_upgrade() -> UpgradeData {
    upgrade(
        UpgradeResult::ClosedBeforeOpen,
        DirectResult::ClosedBeforeOpen,
        bad_request(),
    )
}

#[test]
fn a_server_refusing_everyone_is_forbidden_not_websocket_blocked() {
    // Node's allowRequest refusing all: polling gets 403 code 4, while a GET
    // of the WebSocket URL gets "Bad request" before allowRequest runs.
    let refused = handshake(answered(403, r#"{"code":4,"message":"Forbidden"}"#), None);
    let found = ids(
        Some(websocket(TargetResult::ClosedBeforeOpen, 1006)),
        Some(refused),
        Some(blocked_upgrade()),
    );
    assert_eq!(found, [FindingId::SocketioForbidden]);
}

#[test]
fn rate_limits_are_named_and_explain_the_websocket_failures() {
    let cases = [
        // 429 on the polling handshake (ingress-nginx limit-req-status-code 429).
        (
            answered(429, "<html>429</html>"),
            Some(NamespaceResult::Connected),
        ),
        // Retry-After on another status.
        (with_header(400, ("retry-after", "3"), ""), None),
        // nginx's default 503, twice, while the upgrade's handshake got 200.
        (answered(503, "<html>503</html>"), None),
    ];
    for (open, namespace) in cases {
        let mut up = blocked_upgrade();
        up.upgrade.handshake = Some(answered(200, NODE_OPEN));
        up.plain_get = Some(answered(503, "<html>503</html>"));
        let found = ids(
            Some(websocket(TargetResult::ClosedBeforeOpen, 1006)),
            Some(handshake(open, namespace)),
            Some(up),
        );
        assert_eq!(found, [FindingId::RateLimited]);
    }
}

#[test]
fn a_single_503_beside_successes_is_a_server_error_not_a_rate_limit() {
    // A moment without ready pods (a rolling deploy) looks like this.
    let mut up = upgrade(
        UpgradeResult::Upgraded,
        DirectResult::Connected,
        bad_request(),
    );
    up.upgrade.handshake = Some(answered(200, NODE_OPEN));
    let found = ids(
        None,
        Some(handshake(answered(503, "<html>503</html>"), None)),
        Some(up),
    );
    assert_eq!(found, [FindingId::SocketioServerError]);
}

#[test]
fn a_server_error_stays_beside_a_limit_elsewhere() {
    let mut up = blocked_upgrade();
    up.plain_get = Some(answered(429, ""));
    let found = ids(
        None,
        Some(handshake(answered(502, "<html>502</html>"), None)),
        Some(up),
    );
    assert_eq!(
        found,
        [FindingId::SocketioServerError, FindingId::RateLimited]
    );
}

#[test]
fn a_503_with_nothing_succeeding_is_a_server_error_not_a_rate_limit() {
    let found = ids(
        None,
        Some(handshake(answered(503, "<html>503</html>"), None)),
        None,
    );
    assert_eq!(found, [FindingId::SocketioServerError]);
}

#[test]
fn sticky_sessions_stopped_by_a_limit_count_as_rate_limited() {
    use crate::checks::sticky::{Affinity, ModeReport};
    let mut with = ModeReport {
        credentials: "include".into(),
        sessions: 1,
        opened: 1,
        affected: 0,
        follow_ups: 1,
        session_unknown: 0,
        other_failures: 0,
        unanswered: 0,
        rate_limited: 1,
        first_failures: vec![],
    };
    let sticky = StickyData {
        url: None,
        cross_origin: false,
        with_cookies: with.clone(),
        without_cookies: ModeReport {
            credentials: "omit".into(),
            sessions: 0,
            opened: 0,
            rate_limited: 0,
            follow_ups: 0,
            ..with.clone()
        },
        affinity: Affinity::Unknown,
        stopped: Some(Stopped::RateLimited),
        limit_signal: Some(crate::checks::sticky::LimitSignal::TooManyRequests),
        confidence: 0.5,
        min_backends: None,
        pods: None,
    };
    let found = findings(None, Some(&healthy_handshake()), None, Some(&sticky));
    assert_eq!(
        found.iter().map(|f| f.id).collect::<Vec<_>>(),
        [FindingId::RateLimited]
    );
    assert!(found[0].evidence.iter().any(|e| e.contains("1 request(s)")));
    // A stalled session instead.
    with.rate_limited = 0;
    with.unanswered = 1;
    let stalled = StickyData {
        with_cookies: with,
        stopped: Some(Stopped::Stalled),
        limit_signal: None,
        ..sticky
    };
    let found = findings(None, Some(&healthy_handshake()), None, Some(&stalled));
    assert_eq!(
        found.iter().map(|f| f.id).collect::<Vec<_>>(),
        [FindingId::SocketioSessionStalled]
    );
}

#[test]
fn a_handshake_whose_session_never_answers_is_stalled_not_blocked() {
    let hs = handshake(answered(200, NODE_OPEN), Some(NamespaceResult::Timeout));
    let mut up = upgrade(
        UpgradeResult::OpenTimeout,
        DirectResult::OpenTimeout,
        bad_request(),
    );
    up.upgrade.handshake = Some(answered(200, NODE_OPEN));
    let found = findings(
        Some(&websocket(TargetResult::OpenTimeout, 1006)),
        Some(&hs),
        Some(&up),
        None,
    );
    assert_eq!(
        found.iter().map(|f| f.id).collect::<Vec<_>>(),
        [FindingId::SocketioSessionStalled]
    );
    let evidence = found[0].evidence.join("\n");
    assert!(
        evidence.contains("Polling handshake: HTTP 200"),
        "{evidence}"
    );
    assert!(evidence.contains("no answer within"), "{evidence}");
}
