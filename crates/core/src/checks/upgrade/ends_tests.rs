//! How the probes end: refused or odd direct sessions, silence, an invalid
//! endpoint, and the wait for the server's first ping.

use super::upgrade_tests::*;
use super::*;
use crate::check::Status;

#[test]
fn direct_session_refused_by_the_namespace_still_proves_the_transport() {
    let mut s = start("namespace=/admin");
    s.feed(Event::WsOpened { id: DIRECT }, 5);
    s.feed(msg(DIRECT, OPEN_WS), 6);
    assert_eq!(
        s.drain()
            .iter()
            .find(|a| matches!(a, Action::SendWs { .. })),
        Some(&Action::SendWs {
            id: DIRECT,
            text: "40/admin,".into()
        })
    );
    s.feed(msg(DIRECT, r#"44/admin,{"message":"not authorized"}"#), 8);
    s.feed(closed(DIRECT, 1000, true), 9);
    assert_eq!(
        data(&crate::harness::typed(&s.check.outcome()))
            .websocket_only
            .result,
        Some(DirectResult::Refused {
            message: "not authorized".into()
        })
    );
}

#[test]
fn direct_session_with_a_non_engineio_answer() {
    let mut s = start("");
    s.feed(Event::WsOpened { id: DIRECT }, 5);
    s.feed(msg(DIRECT, "hello"), 6);
    s.feed(closed(DIRECT, 1000, true), 7);
    assert_eq!(
        data(&crate::harness::typed(&s.check.outcome()))
            .websocket_only
            .result,
        Some(DirectResult::NoOpenPacket)
    );
}

#[test]
fn nothing_answers_anywhere() {
    let mut s = start("");
    s.feed(
        Event::HttpFailed {
            id: HANDSHAKE,
            message: "TypeError: Failed to fetch".into(),
        },
        3,
    );
    s.feed(
        Event::HttpFailed {
            id: PLAIN_GET,
            message: "TypeError: Failed to fetch".into(),
        },
        3,
    );
    s.feed(closed(DIRECT, 1006, false), 4);
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Fail);
    assert_eq!(data(outcome).upgrade.result, Some(UpgradeResult::NoSession));
}

#[test]
fn silent_everything_times_out_and_finishes() {
    let mut s = start("");
    s.feed(Event::Timeout { id: UPGRADE }, 10_000);
    s.feed(Event::Timeout { id: PLAIN_TIMER }, 10_000);
    s.feed(Event::Timeout { id: DIRECT }, 10_000);
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Fail);
    assert_eq!(
        data(outcome).websocket_only.result,
        Some(DirectResult::OpenTimeout)
    );
    assert_eq!(data(outcome).plain_get.unwrap().result, StepResult::Timeout);
}

#[test]
fn invalid_endpoint_skips() {
    assert_eq!(start("socketio=x").finished().status, Status::Skip);
}

#[test]
fn the_report_does_not_wait_for_the_first_ping() {
    const DEFAULT_OPEN: &str = r#"0{"sid":"SID-UP-1","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#;
    let mut s = start("");
    s.drain();
    s.feed(response(HANDSHAKE, 200, DEFAULT_OPEN), 10);
    s.feed(Event::WsOpened { id: UPGRADE }, 12);
    s.feed(msg(UPGRADE, "3probe"), 14);
    assert!(
        interims(&s.drain()).is_empty(),
        "the other probes are not done yet"
    );
    healthy_direct_and_plain(&mut s);
    let actions = s.drain();
    let interim = interims(&actions);
    assert_eq!(interim.len(), 1, "{actions:?}");
    assert_eq!(interim[0].status, Status::Pass);
    assert_eq!(
        data(&interim[0]).upgrade.result,
        Some(UpgradeResult::Upgraded)
    );
    assert!(
        interim[0]
            .summary
            .contains("waiting for the server's first ping (every 25 s)"),
        "{}",
        interim[0].summary
    );
    assert!(s.outcome.is_none(), "the check goes on observing");
    s.feed(msg(UPGRADE, "2"), 25_014);
    assert!(interims(&s.drain()).is_empty(), "one interim only");
    let outcome = s.finished();
    assert_eq!(data(outcome).upgrade.ping_after_ms, Some(25_000));
    assert!(outcome.summary.contains("first server ping after 25000 ms"));
}

#[test]
fn a_server_closing_while_the_ping_is_awaited_still_ends_closed_early() {
    let mut s = start("");
    s.drain();
    s.feed(response(HANDSHAKE, 200, OPEN_POLLING), 10);
    s.feed(Event::WsOpened { id: UPGRADE }, 12);
    s.feed(msg(UPGRADE, "3probe"), 14);
    healthy_direct_and_plain(&mut s);
    s.feed(closed(UPGRADE, 1006, false), 100);
    assert_eq!(
        data(s.finished()).upgrade.result,
        Some(UpgradeResult::ClosedEarly),
        "the interim never becomes the result"
    );
}

#[test]
fn a_ping_interval_longer_than_the_wait_is_no_warning() {
    const SLOW_PINGS: &str = r#"0{"sid":"SID-UP-1","upgrades":["websocket"],"pingInterval":90000,"pingTimeout":20000,"maxPayload":1000000}"#;
    let mut s = start("");
    s.drain();
    s.feed(response(HANDSHAKE, 200, SLOW_PINGS), 10);
    s.feed(Event::WsOpened { id: UPGRADE }, 12);
    s.feed(msg(UPGRADE, "3probe"), 14);
    healthy_direct_and_plain(&mut s);
    s.feed(Event::Timeout { id: UPGRADE }, 14 + MAX_PING_WAIT_MS);
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Pass, "{}", outcome.summary);
    assert_eq!(data(outcome).upgrade.result, Some(UpgradeResult::Upgraded));
    assert!(
        outcome.summary.contains("longer than this page waits"),
        "{}",
        outcome.summary
    );
}

#[test]
fn ping_wait_is_capped() {
    let mut s = start("");
    let slow = OPEN_POLLING.replace("\"pingInterval\":1500", "\"pingInterval\":300000");
    s.feed(response(HANDSHAKE, 200, &slow), 10);
    s.feed(Event::WsOpened { id: UPGRADE }, 14);
    s.drain();
    s.feed(msg(UPGRADE, "3probe"), 16);
    assert!(s.drain().contains(&Action::SetTimer {
        id: UPGRADE,
        after_ms: MAX_PING_WAIT_MS
    }));
}
