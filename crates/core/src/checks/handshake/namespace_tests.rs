//! The handshake's namespace step, its polls, and events out of turn.

use super::open_tests::*;
use super::*;
use crate::check::Status;

#[test]
fn session_unknown_on_the_poll_is_reported_with_its_answer() {
    let mut s = opened("");
    s.feed(
        response(
            POLLS.start,
            400,
            r#"{"code":"1","message":"Session ID unknown"}"#,
        ),
        1030,
    );
    let outcome = s.finished();
    let NamespaceResult::Failed(obs) = data(outcome).namespace.unwrap().result else {
        panic!()
    };
    assert_eq!(obs.error_code(), Some(1));
    assert!(outcome.summary.contains("Session ID unknown"));
}

#[test]
fn failed_connect_post_ends_the_check() {
    let mut s = opened("");
    s.feed(
        response(CONNECT, 400, r#"{"code":1,"message":"Session ID unknown"}"#),
        1030,
    );
    assert_eq!(s.finished().status, Status::Fail);
}

#[test]
fn pings_are_answered_and_polls_are_bounded() {
    let mut s = opened("");
    s.drain();
    s.feed(response(POLLS.start, 200, "2"), 1100);
    let actions = s.drain();
    assert_eq!(
        actions,
        [
            Action::Beacon(FetchRequest::post(format!("{BASE}&sid=SID-NODE-1"), "3")),
            Action::Fetch {
                id: POLLS.start + 1,
                request: FetchRequest::get(format!("{BASE}&sid=SID-NODE-1"))
            },
        ]
    );
    s.feed(response(POLLS.start + 1, 200, "6"), 1200);
    s.feed(response(POLLS.start + 2, 200, "6"), 1300);
    let outcome = s.finished();
    assert_eq!(
        data(outcome).namespace.unwrap().result,
        NamespaceResult::NoAnswer
    );
    assert_eq!(data(outcome).polls, MAX_POLLS);
}

#[test]
fn namespace_timeout() {
    let mut s = opened("");
    s.feed(Event::Timeout { id: STEP_TIMER }, 11_012);
    assert_eq!(
        data(s.finished()).namespace.unwrap().result,
        NamespaceResult::Timeout
    );
}

#[test]
fn invalid_endpoint_skips_and_invalid_namespace_stops_after_the_open() {
    let s = start("socketio=nope");
    assert_eq!(s.finished().status, Status::Skip);
    let mut s = opened("namespace=bad");
    assert!(s.outcome.is_some(), "{:?}", s.drain());
    assert_eq!(s.finished().status, Status::Warn);
}

#[test]
fn events_after_the_end_or_of_other_ids_are_ignored() {
    let mut s = start("");
    s.drain();
    s.feed(response(PROBE, 200, "ok"), 1001);
    s.feed(Event::WsOpened { id: 0 }, 1002);
    assert!(s.drain().is_empty());
}

#[test]
fn the_cookie_jar_is_settled_once_by_the_first_answer_of_any_kind() {
    let silent = Event::Timeout { id: STEP_TIMER };
    let failed = Event::HttpFailed {
        id: OPEN,
        message: "TypeError".into(),
    };
    for first in [response(OPEN, 200, NODE_OPEN), silent, failed] {
        let mut s = start("");
        s.drain();
        s.feed(first, 1000);
        let settled = |a: &Action| *a == Action::Progress(Progress::CookieJarSettled);
        assert_eq!(s.drain().iter().filter(|a| settled(a)).count(), 1);
        if s.outcome.is_none() {
            s.feed(Event::Timeout { id: STEP_TIMER }, 20_000);
            assert!(!s.drain().iter().any(settled), "only once");
        }
    }
}
