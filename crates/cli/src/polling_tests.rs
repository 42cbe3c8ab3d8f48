//! The polling hold fed scripted events: held to the end answering pings,
//! cut by a hop, lost without an answer (a long-poll's or a post's),
//! never opened.

use conncheck_core::check::{Action, Check, Event, FetchRequest, Outcome, Status};
use conncheck_core::config::{resolve, FileLoad};
use conncheck_core::weburl::Url;

use super::*;

const OPEN_PACKET: &str = r#"0{"sid":"abc","upgrades":["websocket"],"pingInterval":5000,"pingTimeout":5000,"maxPayload":1000000}"#;

fn hold() -> PollingHold {
    let page = Url::parse("http://127.0.0.1:8080/app/").unwrap();
    PollingHold::new(&resolve(&page, &FileLoad::NotFound, ""), 20_000)
}

fn answer(id: Handle, status: u16, body: &str) -> Event {
    Event::HttpResponse {
        id,
        status,
        headers: vec![("server".into(), "nginx/1.22.1".into())],
        body: body.into(),
    }
}

fn finished(actions: &[Action<PollingData>]) -> Option<&Outcome<PollingData>> {
    actions.iter().find_map(|a| match a {
        Action::Finish(o) => Some(o),
        _ => None,
    })
}

fn fetches(actions: &[Action<PollingData>]) -> Vec<FetchRequest> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Fetch { request, .. } => Some(request.clone()),
            _ => None,
        })
        .collect()
}

/// The session opened at 1,000 ms.
fn opened() -> PollingHold {
    let mut h = hold();
    let start = h.start(0);
    assert_eq!(
        fetches(&start)[0].url,
        "http://127.0.0.1:8080/socket.io/?EIO=4&transport=polling"
    );
    let actions = h.handle(answer(GET, 200, OPEN_PACKET), 1_000);
    let sent = fetches(&actions);
    let session = "http://127.0.0.1:8080/socket.io/?EIO=4&transport=polling&sid=abc";
    assert_eq!(
        sent.iter()
            .map(|r| (r.method, r.url.as_str(), r.body.as_deref()))
            .collect::<Vec<_>>(),
        [("POST", session, Some("40")), ("GET", session, None)]
    );
    assert!(actions.contains(&Action::SetTimer {
        id: HOLD,
        after_ms: 20_000
    }));
    h
}

#[test]
fn held_to_the_end_answering_pings() {
    let mut h = opened();
    let actions = h.handle(answer(GET, 200, "40{\"sid\":\"x\"}\u{1e}2"), 6_000);
    let sent = fetches(&actions);
    assert_eq!(
        sent.iter()
            .map(|r| (r.method, r.body.as_deref()))
            .collect::<Vec<_>>(),
        [("POST", Some("3")), ("GET", None)]
    );
    assert!(h.handle(answer(POST, 200, "ok"), 6_010).is_empty());
    let end = h.handle(Event::Timeout { id: HOLD }, 21_000);
    let outcome = finished(&end).expect("finished");
    assert_eq!(outcome.status, Status::Pass);
    assert!(outcome.data.held && outcome.data.opened);
    assert_eq!(outcome.data.pings_answered, 1);
    assert!(matches!(&end[0], Action::Beacon(r) if r.body.as_deref() == Some("1")));
}

#[test]
fn a_long_poll_cut_by_a_hop_is_a_loss_with_its_wait() {
    let mut h = opened();
    let end = h.handle(answer(GET, 504, "<html>504</html>"), 4_000);
    let d = &finished(&end).expect("finished").data;
    assert_eq!(
        (d.opened, d.held, d.lifetime_ms, d.waited_ms, d.status),
        (true, false, Some(3_000), Some(3_000), Some(504))
    );
    assert_eq!(
        d.ended_by,
        "A long-poll was answered HTTP 504 with an HTML page."
    );
    assert_eq!(d.hints.server.as_deref(), Some("nginx/1.22.1"));
    // Nothing after the end reaches it.
    assert!(h.handle(Event::Timeout { id: HOLD }, 21_000).is_empty());
}

#[test]
fn a_request_without_an_answer_is_a_loss_the_next_poll_explains() {
    let mut h = opened();
    h.handle(answer(GET, 200, "2"), 6_000);
    let next = h.handle(
        Event::HttpFailed {
            id: GET,
            message: "TypeError: Failed to fetch".into(),
        },
        7_500,
    );
    assert!(finished(&next).is_none());
    assert_eq!(
        fetches(&next)
            .iter()
            .map(|r| (r.method, r.url.as_str()))
            .collect::<Vec<_>>(),
        [(
            "GET",
            "http://127.0.0.1:8080/socket.io/?EIO=4&transport=polling&sid=abc"
        )]
    );
    let end = h.handle(
        answer(AFTER, 400, r#"{"code":1,"message":"Session ID unknown"}"#),
        7_520,
    );
    let d = &finished(&end).expect("finished").data;
    assert_eq!(
        (d.lifetime_ms, d.waited_ms, d.status, d.handshake_ms),
        (Some(6_500), Some(1_500), None, Some(1_000))
    );
    assert_eq!(
        d.ended_by,
        "A request of the session failed without an answer. Its next poll: the server no longer knew the session."
    );
    assert_eq!(d.after.as_ref().map(|a| a.ms), Some(20));
    // The session is gone: no close sent for it.
    assert!(!end.iter().any(|a| matches!(a, Action::Beacon(_))));
}

/// A second long-poll beside the one out would end the session (Engine.IO
/// answers an overlapping poll 400): after a failed post, the long-poll
/// still out is the session's next poll.
#[test]
fn after_a_failed_post_the_long_poll_still_out_is_the_next_poll() {
    let unknown = r#"{"code":1,"message":"Session ID unknown"}"#;
    let fail = |id| Event::HttpFailed {
        id,
        message: "connection reset".into(),
    };
    let mut h = opened();
    h.handle(answer(GET, 200, "2"), 6_000);
    let next = h.handle(fail(POST), 6_500);
    assert!(finished(&next).is_none());
    assert_eq!(fetches(&next), [], "no poll beside the one out");
    let end = h.handle(answer(GET, 400, unknown), 7_000);
    let d = &finished(&end).expect("finished").data;
    assert_eq!(
        (d.lifetime_ms, d.waited_ms, d.status),
        (Some(5_500), Some(500), None)
    );
    assert_eq!(
        d.ended_by,
        "A request of the session failed without an answer. Its next poll: the server no longer knew the session."
    );
    // The long-poll sent at 6,000 ms, answered at 7,000.
    assert_eq!(d.after.as_ref().map(|a| a.ms), Some(1_000));
    // Answered with packets: the server still knew it.
    let mut h = opened();
    h.handle(answer(GET, 200, "2"), 6_000);
    assert_eq!(fetches(&h.handle(fail(POST), 6_500)), []);
    let end = h.handle(answer(GET, 200, "2"), 31_000);
    let d = &finished(&end).expect("finished").data;
    assert_eq!(
        d.ended_by,
        "A request of the session failed without an answer. Its next poll: HTTP 200 with Engine.IO packets."
    );
    // The long-poll failed too: then, with nothing out, a poll of its own.
    let mut h = opened();
    h.handle(answer(GET, 200, "2"), 6_000);
    assert_eq!(fetches(&h.handle(fail(POST), 6_500)), []);
    let probe = h.handle(fail(GET), 6_510);
    assert!(finished(&probe).is_none());
    assert_eq!(
        fetches(&probe)
            .iter()
            .map(|r| (r.method, r.url.as_str()))
            .collect::<Vec<_>>(),
        [(
            "GET",
            "http://127.0.0.1:8080/socket.io/?EIO=4&transport=polling&sid=abc"
        )]
    );
    let end = h.handle(answer(AFTER, 400, unknown), 6_530);
    let d = &finished(&end).expect("finished").data;
    assert_eq!(d.after.as_ref().map(|a| a.ms), Some(20));
}

#[test]
fn the_servers_close_and_a_refused_post_are_losses() {
    let mut h = opened();
    let end = h.handle(answer(GET, 200, "1"), 2_000);
    assert_eq!(
        finished(&end).unwrap().data.ended_by,
        "The server closed the session."
    );
    let mut h = opened();
    let end = h.handle(
        answer(POST, 400, r#"{"code":1,"message":"Session ID unknown"}"#),
        2_000,
    );
    assert_eq!(finished(&end).unwrap().data.status, Some(400));
}

#[test]
fn a_handshake_refused_or_unanswered_never_opens() {
    let mut h = hold();
    h.start(0);
    let end = h.handle(answer(GET, 502, "<html>502</html>"), 10);
    let o = finished(&end).unwrap();
    assert_eq!((o.status, o.data.opened), (Status::Fail, false));
    assert_eq!(
        o.summary,
        "The polling handshake failed: HTTP 502 with an HTML page."
    );
    let mut h = hold();
    h.start(0);
    let end = h.handle(Event::Timeout { id: OPEN }, 10_000);
    assert!(!finished(&end).unwrap().data.opened);
}
