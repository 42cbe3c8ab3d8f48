//! The handshake's open: healthy, CORS, silent and non-Engine.IO answers.

use super::*;
use crate::check::{FetchRequest, Status};
use crate::config::{resolve, FileLoad};
use crate::harness::Script;

/// The check's outcome, its data as the check's own type (`harness::typed`).
type Outcome = crate::check::Outcome<HandshakeData>;

pub(super) const NODE_OPEN: &str = r#"0{"sid":"SID-NODE-1","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#;
pub(super) const BASE: &str = "http://127.0.0.1:8080/socket.io/?EIO=4&transport=polling";

pub(super) fn start(query: &str) -> Script<HandshakeCheck> {
    let page = Url::parse("http://127.0.0.1:8080/").unwrap();
    Script::start(
        HandshakeCheck::new(&resolve(&page, &FileLoad::NotFound, query)),
        1000,
    )
}

pub(super) fn response(id: Handle, status: u16, body: &str) -> Event {
    Event::HttpResponse {
        id,
        status,
        headers: vec![],
        body: body.into(),
    }
}

pub(super) fn data(outcome: &Outcome) -> HandshakeData {
    outcome.data.clone()
}

pub(super) fn opened(query: &str) -> Script<HandshakeCheck> {
    let mut s = start(query);
    s.drain();
    s.feed(response(OPEN, 200, NODE_OPEN), 1012);
    s
}

#[test]
fn healthy_handshake_connects_the_namespace_and_closes_the_session() {
    let mut s = start("");
    assert_eq!(
        s.drain(),
        [
            Action::Fetch {
                id: OPEN,
                request: FetchRequest::get(BASE)
            },
            Action::SetTimer {
                id: STEP_TIMER,
                after_ms: STEP_TIMEOUT_MS
            },
        ]
    );
    s.feed(response(OPEN, 200, NODE_OPEN), 1012);
    let with_sid = format!("{BASE}&sid=SID-NODE-1");
    assert_eq!(
        s.drain(),
        [
            Action::Progress(Progress::CookieJarSettled),
            Action::Fetch {
                id: CONNECT,
                request: FetchRequest::post(with_sid.clone(), "40")
            },
            Action::Fetch {
                id: POLLS.start,
                request: FetchRequest::get(with_sid.clone())
            },
            Action::SetTimer {
                id: STEP_TIMER,
                after_ms: STEP_TIMEOUT_MS
            },
        ]
    );
    s.feed(response(CONNECT, 200, "ok"), 1015);
    assert!(s.drain().is_empty());
    s.feed(response(POLLS.start, 200, r#"40{"sid":"SIO-SID-9"}"#), 1020);
    let actions = s.drain();
    assert!(
        actions.contains(&Action::Beacon(FetchRequest::post(with_sid, "1"))),
        "{actions:?}"
    );
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Pass, "{}", outcome.summary);
    let d = data(outcome);
    assert_eq!(d.open.as_ref().unwrap().ms, 12);
    assert_eq!(d.negotiated.as_ref().unwrap().ping_interval_ms, 25000);
    let ns = d.namespace.unwrap();
    assert_eq!(
        (ns.namespace.as_str(), ns.ms, ns.result),
        ("/", 8, NamespaceResult::Connected)
    );
    assert_eq!(
        crate::privacy::plain(&outcome.summary),
        "Handshake in 12 ms (ping every 25 s); connected to namespace \"/\" in 8 ms."
    );
    let json = serde_json::to_string(&outcome.data).unwrap();
    assert!(
        !json.contains("SID-NODE-1") && !json.contains("SIO-SID-9"),
        "{json}"
    );
}

#[test]
fn other_namespaces_are_addressed_by_name() {
    let mut s = opened("namespace=/chat");
    let actions = s.drain();
    assert_eq!(actions[0], Action::Progress(Progress::CookieJarSettled));
    let Action::Fetch { request, .. } = &actions[1] else {
        panic!()
    };
    assert_eq!(request.body.as_deref(), Some("40/chat,"));
    s.feed(response(POLLS.start, 200, r#"40/chat,{"sid":"x"}"#), 1020);
    assert_eq!(s.finished().status, Status::Pass);
}

#[test]
fn refused_namespace_fails_with_the_servers_message() {
    let mut s = opened("namespace=/admin");
    s.feed(
        response(
            POLLS.start,
            200,
            r#"44/admin,{"message":"not authorized","data":{"reason":"x"}}"#,
        ),
        1020,
    );
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Fail);
    assert_eq!(
        data(outcome).namespace.unwrap().result,
        NamespaceResult::Refused {
            message: "not authorized".into()
        }
    );
    assert!(crate::privacy::plain(&outcome.summary)
        .contains("namespace \"/admin\" refused the connection: \"not authorized\""));
}

#[test]
fn network_error_then_opaque_answer_means_cors() {
    let mut s = start("");
    s.drain();
    s.feed(
        Event::HttpFailed {
            id: OPEN,
            message: "TypeError: Failed to fetch".into(),
        },
        1005,
    );
    let actions = s.drain();
    assert_eq!(actions[0], Action::Progress(Progress::CookieJarSettled));
    let Action::Fetch { id: PROBE, request } = &actions[1] else {
        panic!("{actions:?}")
    };
    assert_eq!(
        (request.mode, request.credentials),
        (FetchMode::NoCors, Credentials::Omit)
    );
    s.feed(response(PROBE, 0, ""), 1009);
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Fail);
    assert_eq!(data(outcome).reachability, Some(Reachability::Answered));
    assert!(outcome.summary.contains("CORS"));
}

#[test]
fn network_error_twice_means_nothing_answered() {
    let mut s = start("");
    s.feed(
        Event::HttpFailed {
            id: OPEN,
            message: "TypeError: Failed to fetch".into(),
        },
        1005,
    );
    s.feed(
        Event::HttpFailed {
            id: PROBE,
            message: "TypeError: Failed to fetch".into(),
        },
        1006,
    );
    let outcome = s.finished();
    assert_eq!(data(outcome).reachability, Some(Reachability::NoAnswer));
    assert_eq!(
        crate::privacy::plain(&outcome.summary),
        "Nothing answered at the Socket.IO endpoint (\"TypeError: Failed to fetch\")."
    );
}

#[test]
fn silent_server_times_out() {
    let mut s = start("");
    s.feed(Event::Timeout { id: STEP_TIMER }, 11_000);
    let outcome = s.finished();
    assert_eq!(data(outcome).open.unwrap().result, StepResult::Timeout);
    assert!(outcome.summary.contains("did not answer within 10 s"));
}

#[test]
fn non_engineio_answers_fail_with_what_came_back() {
    let table = [
        (
            404,
            "<html><title>404 Not Found</title></html>",
            "HTTP 404 with an HTML page",
        ),
        (200, "<!DOCTYPE html><html>", "HTTP 200 with an HTML page"),
        (
            502,
            "<html>502 Bad Gateway</html>",
            "HTTP 502 with an HTML page",
        ),
        (
            400,
            r#"{"code":5,"message":"Unsupported protocol version"}"#,
            "Engine.IO error 5",
        ),
        (
            200,
            r#"97:0{"sid":"a","upgrades":[],"pingInterval":1,"pingTimeout":1}2:40"#,
            "Engine.IO 3",
        ),
        (
            403,
            r#"{"code":4,"message":"Forbidden"}"#,
            "Engine.IO error 4 \"Forbidden\"",
        ),
    ];
    for (status, body, words) in table {
        let mut s = start("");
        s.feed(response(OPEN, status, body), 1003);
        let outcome = s.finished();
        assert_eq!(outcome.status, Status::Fail, "{body}");
        assert!(
            crate::privacy::plain(&outcome.summary).contains(words),
            "{} lacks {words}",
            outcome.summary
        );
        assert!(data(outcome).negotiated.is_none());
    }
}

#[test]
fn websocket_only_server_is_a_warning() {
    let mut s = start("");
    s.feed(
        response(OPEN, 400, r#"{"code":0,"message":"Transport unknown"}"#),
        1003,
    );
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Warn);
    assert!(outcome.summary.contains("WebSocket only"));
}
