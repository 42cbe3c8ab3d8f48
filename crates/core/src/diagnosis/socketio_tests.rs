//! The Socket.IO rules on healthy setups and on the handshake's answers.

use super::*;
use crate::catalog::FindingId;
use crate::check::{CloseCode, CloseInfo, ClosedBy};
use crate::checks::handshake::NamespaceStep;
use crate::checks::upgrade::{DirectPath, DirectResult, UpgradePath, UpgradeResult};
use crate::checks::websocket::{TargetKind, TargetReport, TargetResult};
use crate::classify::classify;
use crate::engineio::OpenParams;

pub(super) const NODE_OPEN: &str = r#"0{"sid":"s","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#;

pub(super) fn answered(status: u16, body: &str) -> HttpStep {
    HttpStep {
        ms: 5,
        result: StepResult::Answered(classify(status, &[], body).0),
    }
}

pub(super) fn params(upgrades: &[&str]) -> OpenParams {
    OpenParams {
        upgrades: upgrades.iter().map(|s| s.to_string()).collect(),
        ping_interval_ms: 25000,
        ping_timeout_ms: 20000,
        max_payload: Some(1_000_000),
    }
}

pub(super) fn handshake(open: HttpStep, namespace: Option<NamespaceResult>) -> HandshakeData {
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

pub(super) fn healthy_handshake() -> HandshakeData {
    handshake(answered(200, NODE_OPEN), Some(NamespaceResult::Connected))
}

pub(super) fn websocket(result: TargetResult, code: u16) -> WebSocketData {
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

pub(super) fn upgrade(up: UpgradeResult, direct: DirectResult, plain: HttpStep) -> UpgradeData {
    let close = Some(CloseInfo {
        code: CloseCode::ABNORMAL,
        clean: false,
        by: ClosedBy::Server,
    });
    UpgradeData {
        url: None,
        upgrade: UpgradePath {
            result: Some(up),
            close: close.clone(),
            ..Default::default()
        },
        websocket_only: DirectPath {
            result: Some(direct),
            close,
            ..Default::default()
        },
        plain_get: Some(plain),
        polling: None,
    }
}

pub(super) fn ids(
    ws: Option<WebSocketData>,
    hs: Option<HandshakeData>,
    up: Option<UpgradeData>,
) -> Vec<FindingId> {
    findings(ws.as_ref(), hs.as_ref(), up.as_ref(), None)
        .iter()
        .map(|f| f.id)
        .collect()
}

pub(super) fn bad_request() -> HttpStep {
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
        found[0]
            .evidence
            .iter()
            .map(|e| crate::privacy::plain(e))
            .collect::<Vec<_>>(),
        ["CONNECT \"/\" answered with a connect error: \"not authorized\""]
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
