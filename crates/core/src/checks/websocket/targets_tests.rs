//! The extra `ws` target beside the endpoint, late events, and targets
//! left untried by the configuration.

use super::socketio_target_tests::*;
use super::*;
use crate::check::Status;

#[test]
fn extra_ws_target_runs_beside_and_may_stay_silent() {
    let mut s = start("ws=/live?token=abc");
    let opened: Vec<Action> = s
        .drain()
        .into_iter()
        .filter(|a| matches!(a, Action::OpenWs { .. }))
        .collect();
    assert_eq!(
        opened[1],
        Action::OpenWs {
            id: 1,
            url: "ws://127.0.0.1:8080/live?token=abc".into()
        }
    );
    s.feed(Event::WsOpened { id: 0 }, 110);
    s.feed(
        Event::WsMessage {
            id: 0,
            text: EIO_OPEN.into(),
        },
        111,
    );
    assert!(s.outcome.is_none(), "still waiting for the second target");
    s.feed(Event::WsOpened { id: 1 }, 120);
    s.feed(Event::Timeout { id: 1 }, 5_120);
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Pass);
    let data = targets(outcome);
    assert_eq!(data.targets[1].result, Some(TargetResult::OpenedSilent));
    assert_eq!(
        data.targets[1].url,
        "ws://127.0.0.1:8080/live?token=REDACTED"
    );
}

#[test]
fn one_failing_target_fails_the_check() {
    let mut s = start("ws=/live");
    s.feed(
        Event::WsClosed {
            id: 1,
            code: 1006,
            reason: String::new(),
            clean: false,
        },
        110,
    );
    s.feed(Event::WsOpened { id: 0 }, 111);
    s.feed(
        Event::WsMessage {
            id: 0,
            text: EIO_OPEN.into(),
        },
        112,
    );
    assert_eq!(s.finished().status, Status::Fail);
}

#[test]
fn late_and_unknown_events_are_ignored() {
    let mut s = start("");
    s.drain();
    s.feed(
        Event::WsMessage {
            id: 0,
            text: EIO_OPEN.into(),
        },
        105,
    ); // before open: ignored
    s.feed(Event::WsOpened { id: 7 }, 106);
    s.feed(
        Event::HttpFailed {
            id: 0,
            message: "x".into(),
        },
        107,
    );
    assert!(s.drain().is_empty());
    s.feed(
        Event::WsClosed {
            id: 0,
            code: 1006,
            reason: String::new(),
            clean: false,
        },
        110,
    );
    assert_eq!(s.finished().status, Status::Fail);
}

#[test]
fn invalid_config_skips_with_the_reason() {
    let s = start("socketio=ftp://x/");
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Skip);
    assert!(
        outcome.summary.contains("endpoint is invalid"),
        "{}",
        outcome.summary
    );
}

#[test]
fn invalid_extra_url_is_noted_while_socketio_is_tested() {
    let mut s = start("ws=nope");
    s.feed(
        Event::WsClosed {
            id: 0,
            code: 1006,
            reason: String::new(),
            clean: false,
        },
        110,
    );
    let outcome = s.finished();
    assert_eq!(
        targets(outcome).not_tested,
        ["ws: the configured URL is invalid"]
    );
    assert!(outcome.summary.contains("Not tested: ws"));
}
