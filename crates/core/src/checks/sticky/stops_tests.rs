//! `sticky-session` when its sessions cannot finish: failed connects and
//! handshakes, stalled and unanswered requests, rate limits, the budget,
//! stale timers.

use super::sessions_tests::*;
use super::*;
use crate::check::Status;

#[test]
fn a_failed_connect_skips_the_poll_that_would_hang() {
    let mut pool = Pool::new(Balancer::RoundRobin(2));
    run("", &mut pool);
    // Session 1: handshake (A), CONNECT (B: unknown), then pongs, no poll.
    let methods: Vec<&str> = pool.requests[..4].iter().map(|r| r.method).collect();
    assert_eq!(methods, ["GET", "POST", "POST", "POST"]);
}

#[test]
fn failing_handshakes_leave_it_unknown() {
    let mut s = start("");
    for step in 0..20 {
        if s.outcome.is_some() {
            break;
        }
        let ids: Vec<Handle> = fetches(s.drain()).map(|(id, _)| id).collect();
        for id in ids {
            if s.outcome.is_none() {
                s.feed(
                    Event::HttpResponse {
                        id,
                        status: 502,
                        headers: vec![],
                        body: "<html>".into(),
                    },
                    step,
                );
            }
        }
    }
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Skip);
    assert!(outcome.summary.contains("handshake"));
}

#[test]
fn an_unanswered_follow_up_is_a_stalled_session_and_ends_the_check() {
    let mut s = start("");
    s.drain();
    s.feed(opened(OPEN), 1);
    s.drain();
    s.feed(Event::Timeout { id: 2 }, 10_001);
    let outcome = s.finished().clone();
    assert_eq!(outcome.status, Status::Fail);
    assert!(
        outcome.summary.contains("no answer within 10 s"),
        "{}",
        outcome.summary
    );
    let d: StickyData = outcome.data;
    assert_eq!(d.stopped, Some(Stopped::Stalled));
    assert_eq!(d.affinity, Affinity::Unknown);
    assert_eq!(
        (d.with_cookies.unanswered, d.with_cookies.follow_ups),
        (1, 1)
    );
    assert!(!s.drain().iter().any(|a| matches!(a, Action::Fetch { .. })));
}

#[test]
fn a_network_error_on_a_follow_up_is_another_failure_and_moves_on() {
    let mut s = start("");
    s.drain();
    s.feed(opened(OPEN), 1);
    s.drain();
    s.feed(
        Event::HttpFailed {
            id: 2,
            message: "TypeError".into(),
        },
        2,
    );
    let next: Vec<_> = fetches(s.drain()).collect();
    assert!(
        matches!(&next[..], [(3, request)] if request.body.as_deref() == Some("3")),
        "the poll is skipped after a failed CONNECT: {next:?}"
    );
    s.feed(
        Event::HttpResponse {
            id: 2,
            status: 200,
            headers: vec![],
            body: "ok".into(),
        },
        3,
    ); // stale
    let session = s.check.sessions[0].as_ref().unwrap();
    assert_eq!(
        (
            session.report.follow_ups,
            session.report.other_failures,
            session.report.session_unknown
        ),
        (1, 1, 0)
    );
}

#[test]
fn a_rate_limit_ends_the_check_without_counting_lost_sessions() {
    let answers: [(u16, Vec<(String, String)>); 3] = [
        (429, vec![]),
        (503, vec![]),
        (400, vec![("retry-after".into(), "5".into())]),
    ];
    for (status, headers) in answers {
        let mut s = start("");
        s.drain();
        s.feed(opened(OPEN), 1);
        s.drain();
        s.feed(
            Event::HttpResponse {
                id: 2,
                status,
                headers,
                body: String::new(),
            },
            2,
        );
        let outcome = s.finished().clone();
        assert_eq!(outcome.status, Status::Warn, "{status}");
        let d: StickyData = outcome.data;
        assert_eq!(d.stopped, Some(Stopped::RateLimited));
        assert_eq!(d.with_cookies.rate_limited, 1);
        assert_eq!(d.with_cookies.session_unknown + d.with_cookies.affected, 0);
    }
}

#[test]
fn a_503_before_any_success_is_not_a_rate_limit() {
    let mut s = start("");
    s.drain();
    s.feed(
        Event::HttpResponse {
            id: 1,
            status: 503,
            headers: vec![],
            body: "<html>".into(),
        },
        1,
    );
    assert!(s.outcome.is_none(), "the next session is tried");
    assert_eq!(s.check.data.with_cookies.rate_limited, 0);
}

#[test]
fn invalid_endpoint_skips() {
    assert_eq!(start("socketio=nope").finished().status, Status::Skip);
}

#[test]
fn an_unanswered_handshake_ends_the_check_instead_of_waiting_more() {
    for silence in [
        Event::Timeout { id: 1 },
        Event::HttpFailed {
            id: 1,
            message: "TypeError: Failed to fetch".into(),
        },
    ] {
        let mut s = start("");
        let first: Vec<_> = fetches(s.drain()).collect();
        assert!(matches!(&first[..], [(1, _)]), "{first:?}");
        s.feed(silence, REQUEST_TIMEOUT_MS);
        let outcome = s.finished();
        assert_eq!(outcome.status, Status::Skip);
        assert!(
            !s.drain().iter().any(|a| matches!(a, Action::Fetch { .. })),
            "no further request"
        );
    }
}

#[test]
fn answers_just_before_each_timeout_end_within_the_budget() {
    let mut s = start("");
    assert!(s.drain().contains(&Action::SetTimer {
        id: BUDGET_TIMER,
        after_ms: BUDGET_MS
    }));
    s.feed(opened(OPEN), REQUEST_TIMEOUT_MS - 1);
    s.feed(Event::Timeout { id: BUDGET_TIMER }, BUDGET_MS);
    let outcome = s.finished().clone();
    assert_eq!(outcome.status, Status::Warn);
    assert!(
        outcome.summary.contains("too slowly"),
        "{}",
        outcome.summary
    );
    let d: StickyData = outcome.data;
    assert_eq!(d.stopped, Some(Stopped::TooSlow));
    const {
        assert!(
            BUDGET_MS + REQUEST_TIMEOUT_MS < 120_000,
            "inside the driver's cap"
        )
    };
}

#[test]
fn a_stale_timeout_of_an_answered_request_is_not_a_stall() {
    let mut s = start("");
    s.drain();
    s.feed(opened(OPEN), 1);
    // The handshake's timer fired just as its answer came: queued behind it.
    s.feed(Event::Timeout { id: 1 }, 10_000);
    assert!(
        s.outcome.is_none(),
        "the CONNECT (request 2) is still awaited"
    );
    assert_eq!(s.check.data.stopped, None);
}
