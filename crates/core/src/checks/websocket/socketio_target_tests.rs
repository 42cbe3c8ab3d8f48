//! The Socket.IO endpoint's WebSocket: healthy, refused, silent, cut, or
//! answering something else.

use super::*;
use crate::check::{CloseCode, ClosedBy, Status};
use crate::config::{resolve, FileLoad};
use crate::harness::Script;

/// The check's outcome, its data as the check's own type (`harness::typed`).
type Outcome = crate::check::Outcome<WebSocketData>;

pub(super) const EIO_OPEN: &str = r#"0{"sid":"SECRET-SID-1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":100000}"#;

pub(super) fn config(query: &str) -> Config {
    let page = Url::parse("http://127.0.0.1:8080/").unwrap();
    resolve(&page, &FileLoad::NotFound, query)
}

pub(super) fn start(query: &str) -> Script<WebSocketCheck> {
    Script::start(WebSocketCheck::new(&config(query)), 100)
}

pub(super) fn targets(outcome: &Outcome) -> WebSocketData {
    outcome.data.clone()
}

#[test]
fn opens_the_engineio_websocket_url_with_a_timer() {
    let mut s = start("");
    assert_eq!(
        s.drain(),
        [
            Action::OpenWs {
                id: 0,
                url: "ws://127.0.0.1:8080/socket.io/?EIO=4&transport=websocket".into()
            },
            Action::SetTimer {
                id: 0,
                after_ms: OPEN_TIMEOUT_MS
            },
        ]
    );
}

#[test]
fn healthy_engineio_endpoint_passes_and_is_closed_without_waiting_for_the_close() {
    let mut s = start("");
    s.drain();
    s.feed(Event::WsOpened { id: 0 }, 112);
    assert_eq!(
        s.drain(),
        [Action::SetTimer {
            id: 0,
            after_ms: MESSAGE_TIMEOUT_MS
        }]
    );
    s.feed(
        Event::WsMessage {
            id: 0,
            text: EIO_OPEN.into(),
        },
        115,
    );
    assert_eq!(
        s.drain()[..2],
        [
            Action::CancelTimer { id: 0 },
            Action::CloseWs {
                id: 0,
                code: CloseCode::NORMAL
            }
        ]
    );
    // Finished at once: a proxy that completes the close late (Envoy's
    // delayed_close_timeout, 1 s) does not hold the report back.
    let outcome = s.finished().clone();
    assert_eq!(outcome.status, Status::Pass);
    let t = &targets(&outcome).targets[0];
    assert_eq!(t.result, Some(TargetResult::Answered));
    assert_eq!(t.open_ms, Some(12));
    let first = t.first_message.as_ref().unwrap();
    assert_eq!(
        (first.after_open_ms, first.kind.as_str()),
        (3, "engineio-open")
    );
    assert_eq!(first.engineio.as_ref().unwrap().ping_interval_ms, 25000);
    assert_eq!(t.close, None, "the page's own close is not waited for");
    assert!(
        outcome.summary.contains("opened in 12 ms"),
        "{}",
        outcome.summary
    );
    let json = serde_json::to_string(&outcome.data).unwrap();
    assert!(
        !json.contains("SECRET-SID-1"),
        "the sid must never reach the report: {json}"
    );
}

#[test]
fn refused_or_blocked_socket_fails_with_its_close_code() {
    let mut s = start("");
    s.feed(
        Event::WsClosed {
            id: 0,
            code: 1006,
            reason: String::new(),
            clean: false,
        },
        130,
    );
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Fail);
    let t = &targets(outcome).targets[0];
    assert_eq!(t.result, Some(TargetResult::ClosedBeforeOpen));
    assert_eq!(
        t.close,
        Some(CloseInfo {
            code: CloseCode::ABNORMAL,
            clean: false,
            by: ClosedBy::Server
        })
    );
    assert!(outcome
        .summary
        .contains("closed before it opened (close code 1006, not clean)"));
}

#[test]
fn no_answer_times_out_and_closes_without_waiting() {
    let mut s = start("");
    s.drain();
    s.feed(Event::Timeout { id: 0 }, 10_100);
    assert_eq!(
        s.drain()[..2],
        [
            Action::CancelTimer { id: 0 },
            Action::CloseWs {
                id: 0,
                code: CloseCode::NORMAL
            }
        ]
    );
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Fail);
    assert_eq!(
        targets(outcome).targets[0].result,
        Some(TargetResult::OpenTimeout)
    );
    assert!(outcome.summary.contains("did not open within 10 s"));
}

#[test]
fn engineio_endpoint_that_answers_something_else_warns() {
    for (first, kind) in [
        ("<html>nope</html>", "unparsable"),
        ("4hello", "engineio-message"),
    ] {
        let mut s = start("");
        s.feed(Event::WsOpened { id: 0 }, 110);
        s.feed(
            Event::WsMessage {
                id: 0,
                text: first.into(),
            },
            111,
        );
        let outcome = s.finished();
        assert_eq!(outcome.status, Status::Warn);
        let t = &targets(outcome).targets[0];
        assert_eq!(t.result, Some(TargetResult::UnexpectedMessage));
        assert_eq!(t.first_message.as_ref().unwrap().kind, kind);
    }
}

#[test]
fn opened_then_cut_fails() {
    let mut s = start("");
    s.feed(Event::WsOpened { id: 0 }, 110);
    s.feed(
        Event::WsClosed {
            id: 0,
            code: 1006,
            reason: String::new(),
            clean: false,
        },
        115,
    );
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Fail);
    assert_eq!(
        targets(outcome).targets[0].result,
        Some(TargetResult::ClosedAfterOpen)
    );
    assert!(
        outcome.summary.contains(
            "opened in 10 ms, then was cut before any message (close code 1006, not clean)"
        ),
        "{}",
        outcome.summary
    );
}

#[test]
fn silent_engineio_endpoint_warns_after_the_message_timeout() {
    let mut s = start("");
    s.feed(Event::WsOpened { id: 0 }, 110);
    s.feed(Event::Timeout { id: 0 }, 5_110);
    assert_eq!(s.finished().status, Status::Warn);
}
