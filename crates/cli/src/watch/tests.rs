//! `--watch`'s reading of a drop: no marks around server values in what
//! it prints, and a limit only for an ending a limit on the path may
//! cause (the core's `polling-cut` rule; a WebSocket cut without a close
//! frame), each polling ending scripted through the hold's machine.

use conncheck_core::check::{Check, CloseCode, CloseInfo, ClosedBy, Event, Handle, Millis};
use conncheck_core::checks::lifetime::match_limit;
use conncheck_core::config::{resolve, FileLoad};
use conncheck_core::privacy::{observed, CLOSE, OPEN};
use conncheck_core::weburl::Url;

use super::{polling_attempt, websocket_ending, Attempt, PollingData, PollingHold};
use crate::polling::{AFTER, GET, POST};

const OPEN_PACKET: &str = r#"0{"sid":"abc","upgrades":["websocket"],"pingInterval":5000,"pingTimeout":5000,"maxPayload":1000000}"#;
const UNKNOWN: &str = r#"{"code":1,"message":"Session ID unknown"}"#;

/// Events after the open and when each came, and the limit the drop matches.
type Case<'a> = (&'a str, Vec<(Event, Millis)>, Option<&'a str>);

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
    let cases: Vec<Case> = vec![
        (
            "504 after 3 s",
            vec![(answer(GET, 504, &nginx, "<html>504</html>"), 3_100)],
            Some(&idle_3s),
        ),
        (
            "another pod's 400 at once",
            vec![(answer(GET, 400, &[], UNKNOWN), 150)],
            None,
        ),
        (
            "another pod's 400 after 3 s",
            vec![(answer(GET, 400, &[], UNKNOWN), 3_100)],
            None,
        ),
        (
            "a post's 400",
            vec![(answer(POST, 400, &[], UNKNOWN), 3_100)],
            None,
        ),
        (
            "the app's 500 after 3 s",
            vec![(answer(GET, 500, &[], "oops"), 3_100)],
            None,
        ),
        (
            "a 502 sooner than 1 s",
            vec![(answer(GET, 502, &nginx, "<html>502</html>"), 600)],
            None,
        ),
        (
            "a 503 with Retry-After",
            vec![(answer(GET, 503, &[("retry-after", "5")], ""), 3_100)],
            None,
        ),
        (
            "the server's close packet",
            vec![(answer(GET, 200, &[], "1"), 3_100)],
            None,
        ),
        (
            "a failed long-poll, then an unknown session",
            vec![
                (failed(GET), 3_100),
                (answer(AFTER, 400, &[], UNKNOWN), 3_110),
            ],
            Some(&idle_3s),
        ),
        (
            "a failed long-poll the session survived",
            vec![(failed(GET), 3_100), (Event::Timeout { id: AFTER }, 13_100)],
            None,
        ),
    ];
    for (case, events, limit) in cases {
        let cut = drop_after(events);
        assert_eq!(cut.limit.as_deref(), limit, "{case}");
        let ended_by = cut.ended_by.as_deref().unwrap_or_default();
        assert!(
            !ended_by.is_empty() && !marked(ended_by),
            "{case}: {ended_by:?}"
        );
        if limit.is_none() && ended_by.contains("400") {
            assert!(
                ended_by.contains("\"Session ID unknown\""),
                "{case}: {ended_by}"
            );
        }
    }
}

#[test]
fn a_websocket_drop_matches_a_limit_only_when_cut_without_a_close_frame() {
    let close = |code: u16, clean: bool| CloseInfo {
        code: CloseCode(code),
        clean,
        by: ClosedBy::Server,
    };
    let cases = [
        (Some(close(1006, false)), 3_000, true),
        (None, 3_000, true),
        (Some(close(1006, false)), 400, false),
        (Some(close(1000, true)), 3_000, false),
        (Some(close(1001, true)), 60_000, false),
        (Some(close(4000, true)), 30_000, false),
    ];
    for (close, lifetime_ms, limit) in cases {
        let (ended_by, may) = websocket_ending(close.as_ref(), lifetime_ms);
        assert_eq!(may, limit, "{close:?} after {lifetime_ms} ms: {ended_by}");
    }
    let (ended_by, _) = websocket_ending(Some(&close(1001, true)), 60_000);
    assert_eq!(
        ended_by,
        "A close frame with code 1001 ended it: the server, the app or a hop closed it on purpose, no timeout."
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
