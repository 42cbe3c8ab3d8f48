use super::*;
use crate::catalog::FindingId;
use crate::check::{CloseCode, CloseInfo, ClosedBy};
use crate::checks::handshake::NamespaceStep;
use crate::checks::upgrade::{DirectPath, UpgradePath};
use crate::checks::websocket::TargetReport;
use crate::classify::classify;
use crate::engineio::OpenParams;

const NODE_OPEN: &str = r#"0{"sid":"s","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#;

fn answered(status: u16, body: &str) -> HttpStep {
    HttpStep {
        ms: 5,
        result: StepResult::Answered(classify(status, &[], body).0),
    }
}

fn params(upgrades: &[&str]) -> OpenParams {
    OpenParams {
        upgrades: upgrades.iter().map(|s| s.to_string()).collect(),
        ping_interval_ms: 25000,
        ping_timeout_ms: 20000,
        max_payload: Some(1_000_000),
    }
}

fn handshake(open: HttpStep, namespace: Option<NamespaceResult>) -> HandshakeData {
    let negotiated = (open.observation().map(|o| &o.answer) == Some(&Answer::EngineioOpen))
        .then(|| params(&["websocket"]));
    HandshakeData {
        url: None,
        open: Some(open),
        negotiated,
        reachability: None,
        namespace: namespace.map(|result| NamespaceStep {
            namespace: "/".into(),
            ms: 3,
            result,
        }),
        polls: 1,
    }
}

fn healthy_handshake() -> HandshakeData {
    handshake(answered(200, NODE_OPEN), Some(NamespaceResult::Connected))
}

fn websocket(result: TargetResult, code: u16) -> WebSocketData {
    WebSocketData {
        targets: vec![TargetReport {
            target: TargetKind::Socketio,
            url: "ws://x/".into(),
            result: Some(result),
            open_ms: None,
            first_message: None,
            close: Some(CloseInfo {
                code: CloseCode(code),
                clean: code == 1000,
                by: ClosedBy::Server,
            }),
        }],
        not_tested: vec![],
    }
}

fn upgrade(up: UpgradeResult, direct: DirectResult, plain: HttpStep) -> UpgradeData {
    let close = Some(CloseInfo {
        code: CloseCode::ABNORMAL,
        clean: false,
        by: ClosedBy::Server,
    });
    UpgradeData {
        url: None,
        upgrade: UpgradePath {
            result: Some(up),
            handshake: None,
            ws_open_ms: None,
            probe_ms: None,
            ping_interval_ms: None,
            ping_after_ms: None,
            close: close.clone(),
        },
        websocket_only: DirectPath {
            result: Some(direct),
            ws_open_ms: None,
            namespace_ms: None,
            close,
        },
        plain_get: Some(plain),
    }
}

fn ids(
    ws: Option<WebSocketData>,
    hs: Option<HandshakeData>,
    up: Option<UpgradeData>,
) -> Vec<FindingId> {
    findings(ws.as_ref(), hs.as_ref(), up.as_ref(), None)
        .iter()
        .map(|f| f.id)
        .collect()
}

fn bad_request() -> HttpStep {
    answered(400, r#"{"code":3,"message":"Bad request"}"#)
}

#[test]
fn healthy_gives_nothing() {
    let up = upgrade(
        UpgradeResult::Upgraded,
        DirectResult::Connected,
        bad_request(),
    );
    assert_eq!(
        ids(
            Some(websocket(TargetResult::Answered, 1000)),
            Some(healthy_handshake()),
            Some(up)
        ),
        []
    );
}

#[test]
fn dropped_upgrade_is_websocket_blocked_with_evidence() {
    let up = upgrade(
        UpgradeResult::ClosedBeforeOpen,
        DirectResult::ClosedBeforeOpen,
        bad_request(),
    );
    let ws = websocket(TargetResult::ClosedBeforeOpen, 1006);
    let found = findings(Some(&ws), Some(&healthy_handshake()), Some(&up), None);
    assert_eq!(
        found.iter().map(|f| f.id).collect::<Vec<_>>(),
        [FindingId::WebsocketBlocked]
    );
    let evidence = found[0].evidence.join("\n");
    for words in [
        "Polling handshake: HTTP 200 with an Engine.IO open packet",
        "code 1006",
        "Engine.IO error 3 \"Bad request\": the path reaches Engine.IO",
    ] {
        assert!(evidence.contains(words), "{words} not in {evidence}");
    }
    assert_eq!(found[0].fixes.len(), 7);
}

#[test]
fn socketioxide_empty_400_also_proves_the_path() {
    // socketioxide answers a GET transport=websocket without Upgrade with an empty 400.
    let up = upgrade(
        UpgradeResult::NoSession,
        DirectResult::ClosedBeforeOpen,
        answered(400, ""),
    );
    let hs = handshake(
        answered(400, r#"{"code":"0","message":"Transport unknown"}"#),
        None,
    );
    assert_eq!(ids(None, Some(hs), Some(up)), [FindingId::WebsocketBlocked]);
}

#[test]
fn upgrade_answered_but_not_carried_is_websocket_blocked() {
    // socketioxide behind an nginx that drops Upgrade: the 101 passes, no data does.
    let mut ws = websocket(TargetResult::ClosedAfterOpen, 1006);
    ws.targets[0].open_ms = Some(20);
    let up = upgrade(
        UpgradeResult::ClosedEarly,
        DirectResult::NoOpenPacket,
        answered(400, ""),
    );
    let found = findings(Some(&ws), Some(&healthy_handshake()), Some(&up), None);
    assert_eq!(
        found.iter().map(|f| f.id).collect::<Vec<_>>(),
        [FindingId::WebsocketBlocked]
    );
    assert_eq!(
        found[0]
            .evidence
            .iter()
            .filter(|e| e.contains("opened, then cut with code 1006"))
            .count(),
        3
    );
}

#[test]
fn a_server_closing_after_the_probe_is_not_blocked() {
    let mut up = upgrade(
        UpgradeResult::ClosedEarly,
        DirectResult::Connected,
        bad_request(),
    );
    up.upgrade.probe_ms = Some(3);
    assert_eq!(
        ids(
            Some(websocket(TargetResult::Answered, 1000)),
            Some(healthy_handshake()),
            Some(up)
        ),
        []
    );
}

#[test]
fn only_the_sid_upgrade_failing_is_not_a_block() {
    // Without sticky sessions the upgrade's sid may live on another backend.
    let up = upgrade(
        UpgradeResult::ClosedBeforeOpen,
        DirectResult::Connected,
        bad_request(),
    );
    assert_eq!(
        ids(
            Some(websocket(TargetResult::Answered, 1000)),
            Some(healthy_handshake()),
            Some(up)
        ),
        []
    );
}

#[test]
fn websocket_only_server_is_healthy() {
    let up = upgrade(
        UpgradeResult::NoSession,
        DirectResult::Connected,
        bad_request(),
    );
    let hs = handshake(
        answered(400, r#"{"code":0,"message":"Transport unknown"}"#),
        None,
    );
    assert_eq!(
        ids(
            Some(websocket(TargetResult::Answered, 1000)),
            Some(hs),
            Some(up)
        ),
        []
    );
}

#[test]
fn polling_only_server_is_upgrades_disabled_not_blocked() {
    let mut hs = healthy_handshake();
    hs.negotiated = Some(params(&[]));
    let up = upgrade(
        UpgradeResult::NotOffered,
        DirectResult::ClosedBeforeOpen,
        answered(400, r#"{"code":0,"message":"Transport unknown"}"#),
    );
    assert_eq!(
        ids(
            Some(websocket(TargetResult::ClosedBeforeOpen, 1006)),
            Some(hs),
            Some(up)
        ),
        [FindingId::UpgradesDisabled]
    );
}

#[test]
fn handshake_answers_table() {
    let table = [
        (
            404,
            "<html>404 Not Found</html>",
            Some(FindingId::SocketioNotFound),
        ),
        (
            200,
            "<!DOCTYPE html><html>",
            Some(FindingId::SocketioNotFound),
        ),
        (
            404,
            "Cannot GET /socket.io/",
            Some(FindingId::SocketioNotFound),
        ),
        (
            502,
            "<html>502 Bad Gateway</html>",
            Some(FindingId::SocketioServerError),
        ),
        (504, "", Some(FindingId::SocketioServerError)),
        (
            200,
            r#"97:0{"sid":"a","upgrades":["websocket"],"pingInterval":1,"pingTimeout":1}2:40"#,
            Some(FindingId::SocketioProtocolMismatch),
        ),
        (
            400,
            r#"{"code":5,"message":"Unsupported protocol version"}"#,
            Some(FindingId::SocketioProtocolMismatch),
        ),
        (
            403,
            r#"{"code":4,"message":"Forbidden"}"#,
            Some(FindingId::SocketioForbidden),
        ),
        (401, "Unauthorized", Some(FindingId::SocketioForbidden)),
        (
            403,
            "<html>Access denied</html>",
            Some(FindingId::SocketioForbidden),
        ),
        (400, r#"{"code":0,"message":"Transport unknown"}"#, None),
    ];
    for (status, body, expected) in table {
        let hs = handshake(answered(status, body), None);
        assert_eq!(
            ids(None, Some(hs), None),
            expected.into_iter().collect::<Vec<_>>(),
            "{status} {body}"
        );
    }
}

#[test]
fn server_error_title_names_the_status() {
    let hs = handshake(answered(503, ""), None);
    assert!(findings(None, Some(&hs), None, None)[0]
        .title
        .contains("HTTP 503"));
}

#[test]
fn refused_namespace() {
    let hs = handshake(
        answered(200, NODE_OPEN),
        Some(NamespaceResult::Refused {
            message: "not authorized".into(),
        }),
    );
    let found = findings(None, Some(&hs), None, None);
    assert_eq!(
        found.iter().map(|f| f.id).collect::<Vec<_>>(),
        [FindingId::NamespaceRejected]
    );
    assert_eq!(
        found[0].evidence,
        ["CONNECT / answered with a connect error: \"not authorized\""]
    );
}

#[test]
fn network_failures_cors_or_unreachable() {
    let failed = || HttpStep {
        ms: 4,
        result: StepResult::NetworkError {
            message: "TypeError: Failed to fetch".into(),
        },
    };
    for (reachability, expected) in [
        (Some(Reachability::Answered), FindingId::CorsBlocked),
        (Some(Reachability::NoAnswer), FindingId::SocketioUnreachable),
        (Some(Reachability::Timeout), FindingId::SocketioUnreachable),
    ] {
        let mut hs = handshake(failed(), None);
        hs.reachability = reachability;
        // Everything else failing too must not add websocket-blocked.
        let up = upgrade(
            UpgradeResult::NoSession,
            DirectResult::ClosedBeforeOpen,
            failed(),
        );
        assert_eq!(
            ids(
                Some(websocket(TargetResult::ClosedBeforeOpen, 1006)),
                Some(hs),
                Some(up)
            ),
            [expected]
        );
    }
    let timeout = handshake(
        HttpStep {
            ms: 10_000,
            result: StepResult::Timeout,
        },
        None,
    );
    assert_eq!(
        ids(None, Some(timeout), None),
        [FindingId::SocketioUnreachable]
    );
}

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
