//! The upgrade's first three probes on healthy, polling-only,
//! WebSocket-only and upgrade-dropping servers (the held polling session,
//! probe 4, in `long_poll_tests.rs`).

use super::*;
use crate::check::{CloseCode, CloseInfo, ClosedBy, FetchRequest, Status};
use crate::config::{resolve, FileLoad};
use crate::harness::Script;

/// The check's outcome, its data as the check's own type (`harness::typed`).
type Outcome = crate::check::Outcome<UpgradeData>;

pub(super) const OPEN_POLLING: &str = r#"0{"sid":"SID-UP-1","upgrades":["websocket"],"pingInterval":1500,"pingTimeout":1000,"maxPayload":100000}"#;
pub(super) const OPEN_WS: &str = r#"0{"sid":"SID-WS-2","upgrades":[],"pingInterval":1500,"pingTimeout":1000,"maxPayload":100000}"#;
pub(super) const POLLING: &str = "http://127.0.0.1:8080/socket.io/?EIO=4&transport=polling";
pub(super) const WS: &str = "ws://127.0.0.1:8080/socket.io/?EIO=4&transport=websocket";

/// The check with all four probes started.
pub(super) fn start_all(query: &str) -> Script<UpgradeCheck> {
    let page = Url::parse("http://127.0.0.1:8080/").unwrap();
    Script::start(
        UpgradeCheck::new(&resolve(&page, &FileLoad::NotFound, query)),
        0,
    )
}

/// The check with probe 4 (the held polling session) ended at once by a
/// failed handshake, for the tests of the other three.
pub(super) fn start(query: &str) -> Script<UpgradeCheck> {
    let mut s = start_all(query);
    if s.outcome.is_none() {
        s.feed(
            Event::HttpFailed {
                id: POLL,
                message: "TypeError: Failed to fetch".into(),
            },
            0,
        );
        s.actions.retain(|a| {
            !matches!(
                a,
                Action::Fetch { id: POLL, .. }
                    | Action::SetTimer { id: POLL_TIMER, .. }
                    | Action::CancelTimer { id: POLL_TIMER }
            )
        });
    }
    s
}

pub(super) fn response(id: Handle, status: u16, body: &str) -> Event {
    Event::HttpResponse {
        id,
        status,
        headers: vec![],
        body: body.into(),
    }
}

pub(super) fn msg(id: Handle, text: &str) -> Event {
    Event::WsMessage {
        id,
        text: text.into(),
    }
}

pub(super) fn closed(id: Handle, code: u16, clean: bool) -> Event {
    Event::WsClosed {
        id,
        code,
        reason: String::new(),
        clean,
    }
}

/// The interim outcomes among `actions`, their data as the check's own type.
pub(super) fn interims(actions: &[Action]) -> Vec<Outcome> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Progress(Progress::Interim(o)) => Some(crate::harness::typed(o)),
            _ => None,
        })
        .collect()
}

pub(super) fn data(outcome: &Outcome) -> UpgradeData {
    outcome.data.clone()
}

/// Drives the direct (WebSocket-only) path and the plain GET to a healthy end.
pub(super) fn healthy_direct_and_plain(s: &mut Script<UpgradeCheck>) {
    s.feed(Event::WsOpened { id: DIRECT }, 5);
    s.feed(msg(DIRECT, OPEN_WS), 6);
    s.feed(msg(DIRECT, r#"40{"sid":"x"}"#), 8);
    s.feed(closed(DIRECT, 1000, true), 9);
    s.feed(
        response(PLAIN_GET, 400, r#"{"code":3,"message":"Bad request"}"#),
        4,
    );
}

#[test]
fn starts_all_three_probes_at_once() {
    let mut s = start("");
    assert_eq!(
        s.drain(),
        [
            Action::Fetch {
                id: HANDSHAKE,
                request: FetchRequest::get(POLLING)
            },
            Action::SetTimer {
                id: UPGRADE,
                after_ms: STEP_TIMEOUT_MS
            },
            Action::OpenWs {
                id: DIRECT,
                url: WS.into()
            },
            Action::SetTimer {
                id: DIRECT,
                after_ms: STEP_TIMEOUT_MS
            },
            Action::Fetch {
                id: PLAIN_GET,
                request: FetchRequest::get(
                    "http://127.0.0.1:8080/socket.io/?EIO=4&transport=websocket"
                )
            },
            Action::SetTimer {
                id: PLAIN_TIMER,
                after_ms: STEP_TIMEOUT_MS
            },
        ]
    );
}

#[test]
fn healthy_upgrade_probe_then_ping_pong() {
    let mut s = start("");
    s.drain();
    s.feed(response(HANDSHAKE, 200, OPEN_POLLING), 10);
    assert_eq!(
        s.drain(),
        [
            Action::OpenWs {
                id: UPGRADE,
                url: format!("{WS}&sid=SID-UP-1")
            },
            Action::SetTimer {
                id: UPGRADE,
                after_ms: STEP_TIMEOUT_MS
            },
        ]
    );
    s.feed(Event::WsOpened { id: UPGRADE }, 14);
    assert_eq!(
        s.drain()[0],
        Action::SendWs {
            id: UPGRADE,
            text: "2probe".into()
        }
    );
    s.feed(msg(UPGRADE, "3probe"), 16);
    assert_eq!(
        s.drain(),
        [
            Action::SendWs {
                id: UPGRADE,
                text: "5".into()
            },
            Action::SetTimer {
                id: UPGRADE,
                after_ms: 1500 + PING_GRACE_MS
            },
        ]
    );
    s.feed(msg(UPGRADE, "6"), 17); // a noop is not the ping
    s.feed(msg(UPGRADE, "2"), 1516);
    let actions = s.drain();
    assert_eq!(
        actions[0],
        Action::SendWs {
            id: UPGRADE,
            text: "3".into()
        }
    );
    assert!(actions.contains(&Action::CloseWs {
        id: UPGRADE,
        code: CloseCode::NORMAL
    }));
    assert!(
        !actions.iter().any(|a| matches!(a, Action::Beacon(_))),
        "the upgraded socket's close ends the session"
    );
    s.feed(closed(UPGRADE, 1000, true), 1517);
    assert!(s.outcome.is_none());
    healthy_direct_and_plain(&mut s);
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Pass, "{}", outcome.summary);
    let d = data(outcome);
    assert_eq!(d.upgrade.result, Some(UpgradeResult::Upgraded));
    assert_eq!(
        (
            d.upgrade.ws_open_ms,
            d.upgrade.probe_ms,
            d.upgrade.ping_after_ms
        ),
        (Some(4), Some(2), Some(1500))
    );
    assert_eq!(d.websocket_only.result, Some(DirectResult::Connected));
    assert_eq!(d.websocket_only.namespace_ms, Some(2));
    assert_eq!(
        d.plain_get.unwrap().observation().unwrap().error_code(),
        Some(3)
    );
    assert_eq!(outcome.summary, "Upgrade to WebSocket in 6 ms, first server ping after 1500 ms. A WebSocket-only session connects.");
    let json = serde_json::to_string(&outcome.data).unwrap();
    assert!(
        !json.contains("SID-UP-1") && !json.contains("SID-WS-2"),
        "{json}"
    );
}

#[test]
fn dropped_upgrade_headers_fail_both_websockets() {
    let mut s = start("");
    s.feed(response(HANDSHAKE, 200, OPEN_POLLING), 10);
    s.feed(closed(UPGRADE, 1006, false), 12);
    let actions = s.drain();
    assert!(
        actions.contains(&Action::Beacon(FetchRequest::post(
            format!("{POLLING}&sid=SID-UP-1"),
            "1"
        ))),
        "the polling session left behind is closed: {actions:?}"
    );
    s.feed(closed(DIRECT, 1006, false), 13);
    s.feed(
        response(PLAIN_GET, 400, r#"{"code":3,"message":"Bad request"}"#),
        4,
    );
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Fail);
    let d = data(outcome);
    assert_eq!(d.upgrade.result, Some(UpgradeResult::ClosedBeforeOpen));
    assert_eq!(
        d.upgrade.close,
        Some(CloseInfo {
            code: CloseCode::ABNORMAL,
            clean: false,
            by: ClosedBy::Server
        })
    );
    assert_eq!(
        d.websocket_only.result,
        Some(DirectResult::ClosedBeforeOpen)
    );
}

#[test]
fn polling_only_server_offers_no_upgrade() {
    let mut s = start("");
    s.feed(
        response(
            HANDSHAKE,
            200,
            &OPEN_POLLING.replace(r#"["websocket"]"#, "[]"),
        ),
        10,
    );
    assert!(s.drain().iter().any(|a| matches!(a, Action::Beacon(_))));
    s.feed(closed(DIRECT, 1006, false), 13);
    s.feed(
        response(
            PLAIN_GET,
            400,
            r#"{"code":0,"message":"Transport unknown"}"#,
        ),
        4,
    );
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Warn);
    assert_eq!(
        data(outcome).upgrade.result,
        Some(UpgradeResult::NotOffered)
    );
}

#[test]
fn websocket_only_server_passes_without_a_polling_session() {
    let mut s = start("");
    s.feed(
        response(
            HANDSHAKE,
            400,
            r#"{"code":0,"message":"Transport unknown"}"#,
        ),
        10,
    );
    healthy_direct_and_plain(&mut s);
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Pass, "{}", outcome.summary);
    assert_eq!(data(outcome).upgrade.result, Some(UpgradeResult::NoSession));
}

#[test]
fn probe_without_answer_and_missing_ping() {
    let mut s = start("");
    s.feed(response(HANDSHAKE, 200, OPEN_POLLING), 10);
    s.feed(Event::WsOpened { id: UPGRADE }, 14);
    s.feed(Event::Timeout { id: UPGRADE }, 10_014);
    s.feed(closed(UPGRADE, 1000, true), 10_015);
    healthy_direct_and_plain(&mut s);
    assert_eq!(
        data(s.finished()).upgrade.result,
        Some(UpgradeResult::NoProbeAnswer)
    );
    assert_eq!(s.finished().status, Status::Warn);

    let mut s = start("");
    s.feed(response(HANDSHAKE, 200, OPEN_POLLING), 10);
    s.feed(Event::WsOpened { id: UPGRADE }, 14);
    s.feed(msg(UPGRADE, "3probe"), 16);
    s.feed(Event::Timeout { id: UPGRADE }, 6_516);
    s.feed(Event::Timeout { id: UPGRADE }, 8_516); // the close is never confirmed
    healthy_direct_and_plain(&mut s);
    assert_eq!(
        data(s.finished()).upgrade.result,
        Some(UpgradeResult::UpgradedNoPing)
    );
    assert_eq!(s.finished().status, Status::Warn);
}
