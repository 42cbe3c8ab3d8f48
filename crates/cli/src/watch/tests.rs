//! `--watch`'s reading of a drop: no marks around server values in what
//! it prints, and a limit by the core's rules (polling: `polling-cut`;
//! WebSocket: `connection-lifetime`'s, but for conncheck's own close),
//! each ending scripted through its machine.

use conncheck_core::check::{Check, Event, Handle, Millis};
use conncheck_core::checks::lifetime::match_limit;
use conncheck_core::config::{resolve, FileLoad};
use conncheck_core::privacy::{observed, CLOSE, OPEN};
use conncheck_core::weburl::Url;

use conncheck_core::checks::lifetime::{LifetimeCheck, LifetimeData};
use conncheck_core::checks::Facts;

use super::{drop_line, polling_attempt, websocket_cut, Attempt, PollingData, PollingHold};
use crate::polling::{AFTER, GET, POST};

const OPEN_PACKET: &str = r#"0{"sid":"abc","upgrades":["websocket"],"pingInterval":5000,"pingTimeout":5000,"maxPayload":1000000}"#;
const UNKNOWN: &str = r#"{"code":1,"message":"Session ID unknown"}"#;

/// Events after the open and when each came, the limit the drop matches,
/// and words its `ended_by` holds.
type Case<'a> = (&'a str, Vec<(Event, Millis)>, Option<&'a str>, &'a str);

fn marked(text: &str) -> bool {
    text.contains([OPEN, CLOSE])
}

fn answer(id: Handle, status: u16, headers: &[(&str, &str)], body: &str) -> Event {
    Event::HttpResponse {
        id,
        status,
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect(),
        body: body.into(),
    }
}

fn failed(id: Handle) -> Event {
    Event::HttpFailed {
        id,
        message: "connection reset".into(),
    }
}

/// A hold opened at 100 ms (its handshake took 100 ms), then `events`:
/// the cut it ends in, as `--watch` reports it.
fn drop_after(events: Vec<(Event, Millis)>) -> super::Cut {
    let page = Url::parse("http://127.0.0.1:8080/app/").unwrap();
    let mut hold = PollingHold::new(&resolve(&page, &FileLoad::NotFound, ""), 20_000);
    hold.start(0);
    let mut end = hold.handle(answer(GET, 200, &[], OPEN_PACKET), 100);
    for (event, now) in events {
        end = hold.handle(event, now);
    }
    let data = end.into_iter().find_map(|a| match a {
        conncheck_core::check::Action::Finish(o) => Some(o.data),
        _ => None,
    });
    match polling_attempt(data.expect("the hold ended"), 20_000, 1) {
        Attempt::Cut(cut) => cut,
        _ => panic!("a session that opened and was lost is a cut"),
    }
}

#[test]
fn a_polling_drop_matches_a_limit_only_for_a_hops_timeout_answer_or_a_lost_request() {
    let nginx = [("server", "nginx/1.22.1")];
    let idle_3s = match_limit(3_000, Some(5_000), &Default::default()).limit;
    let unknown = "answered HTTP 400 with Engine.IO error 1 \"Session ID unknown\": another backend answered the session's request. Most likely requests of one session reach different backends (sticky sessions missing; see the run's sticky-session check)";
    let gone = "Its next poll: the server no longer knew the session.";
    let cases: Vec<Case> = vec![
        (
            "504 after 3 s",
            vec![(answer(GET, 504, &nginx, "<html>504</html>"), 3_100)],
            Some(&idle_3s),
            "A long-poll was answered HTTP 504 with an HTML page.",
        ),
        (
            "another pod's 400 at once",
            vec![(answer(GET, 400, &[], UNKNOWN), 150)],
            None,
            unknown,
        ),
        (
            "another pod's 400 after 3 s",
            vec![(answer(GET, 400, &[], UNKNOWN), 3_100)],
            None,
            unknown,
        ),
        (
            "a post's 400",
            vec![(answer(POST, 400, &[], UNKNOWN), 3_100)],
            None,
            unknown,
        ),
        (
            "the app's 500 after 3 s",
            vec![(answer(GET, 500, &[], "oops"), 3_100)],
            None,
            "A long-poll was answered HTTP 500 with text that is not Engine.IO.",
        ),
        (
            "a 502 sooner than 1 s",
            vec![(answer(GET, 502, &nginx, "<html>502</html>"), 600)],
            None,
            "A long-poll was answered HTTP 502 with an HTML page.",
        ),
        (
            "a 503 with Retry-After",
            vec![(answer(GET, 503, &[("retry-after", "5")], ""), 3_100)],
            None,
            "A long-poll was answered HTTP 503 with an empty body.",
        ),
        (
            "the server's close packet",
            vec![(answer(GET, 200, &[], "1"), 3_100)],
            None,
            "The server closed the session.",
        ),
        (
            "a failed long-poll, then an unknown session",
            vec![
                (failed(GET), 3_100),
                (answer(AFTER, 400, &[], UNKNOWN), 3_110),
            ],
            Some(&idle_3s),
            gone,
        ),
        (
            "a failed post, then its long-poll finds an unknown session",
            vec![
                (failed(POST), 3_100),
                (answer(GET, 400, &[], UNKNOWN), 3_110),
            ],
            Some(&idle_3s),
            gone,
        ),
        (
            "a failed long-poll the session survived",
            vec![(failed(GET), 3_100), (Event::Timeout { id: AFTER }, 13_100)],
            None,
            "Its next poll: no answer within 10 s.",
        ),
    ];
    for (case, events, limit, words) in cases {
        let cut = drop_after(events);
        assert_eq!(cut.limit.as_deref(), limit, "{case}");
        let ended_by = cut.ended_by.as_deref().unwrap_or_default();
        assert!(
            ended_by.contains(words) && !marked(ended_by),
            "{case}: {ended_by:?}"
        );
    }
}

/// A WebSocket held from 100 ms, then closed at `at` with `code`: the cut
/// `--watch` reports, the core's own machine fed the events.
fn websocket_drop(code: u16, clean: bool, at: Millis) -> super::Cut {
    let page = Url::parse("http://127.0.0.1:8080/app/").unwrap();
    let config = resolve(&page, &FileLoad::NotFound, "");
    let mut check = LifetimeCheck::new(&config, 60);
    check.start(0);
    check.handle(Event::WsOpened { id: 0 }, 100);
    let opened = Event::WsMessage {
        id: 0,
        text: OPEN_PACKET.into(),
    };
    check.handle(opened, 110);
    let closed = Event::WsClosed {
        id: 0,
        code,
        reason: String::new(),
        clean,
    };
    let data = check.handle(closed, at).into_iter().find_map(|a| match a {
        conncheck_core::check::Action::Finish(o) => LifetimeData::of(&o.data).cloned(),
        _ => None,
    });
    match websocket_cut(&data.expect("the check ended"), 1) {
        Attempt::Cut(cut) => cut,
        _ => panic!("a socket that opened and was closed is a cut"),
    }
}

/// As the page's `connection-lifetime`: any close while held matches the
/// core's limit (a hop's timeout may send a close frame, 1001, and
/// Engine.IO's ping timeout one without a code, 1005), but not conncheck's
/// own close for a message over 1 MiB, said in our words.
#[test]
fn a_websocket_drop_matches_the_cores_limit_unless_conncheck_closed_it() {
    let matched = |at: Millis| Some(match_limit(at - 100, Some(5_000), &Default::default()).limit);
    let cases = [
        (
            1006,
            false,
            3_100,
            "The connection was cut without a close frame.",
        ),
        (
            1006,
            false,
            500,
            "The connection was cut without a close frame.",
        ),
        (1000, true, 30_100, "A close frame with code 1000 ended it."),
        (1001, true, 60_100, "A close frame with code 1001 ended it."),
        (1005, true, 45_100, "A close frame without a code ended it."),
        (4000, true, 30_100, "A close frame with code 4000 ended it."),
        // The server's own close frame with 1009 is no close of ours.
        (1009, true, 30_100, "A close frame with code 1009 ended it."),
    ];
    for (code, clean, at, ended_by) in cases {
        let cut = websocket_drop(code, clean, at);
        assert_eq!(cut.limit, matched(at), "{code} after {at} ms");
        assert_eq!(cut.ended_by.as_deref(), Some(ended_by), "{code}");
        assert_eq!((cut.code, cut.clean), (Some(code), clean));
    }
    let cut = websocket_drop(1009, false, 30_100);
    assert_eq!(
        (cut.limit.as_deref(), cut.event, cut.ended_by.as_deref()),
        (
            None,
            false,
            Some("conncheck closed it: a message longer than 1 MiB arrived.")
        )
    );
    assert!(
        drop_line(&cut).contains("closed by conncheck (code 1009)"),
        "{}",
        drop_line(&cut)
    );
}

#[test]
fn a_failed_polling_open_is_plain_text() {
    let data = PollingData {
        ended_by: format!("The polling handshake failed: {}.", observed("<html>")),
        ..PollingData::default()
    };
    let Attempt::NotOpened(summary) = polling_attempt(data, 8_000, 1) else {
        panic!("a session that never opened");
    };
    assert!(!marked(&summary), "{summary:?}");
    assert_eq!(summary, "The polling handshake failed: \"<html>\".");
}
