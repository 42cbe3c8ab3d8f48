use std::collections::HashMap;

use super::*;
use crate::config::{resolve, FileLoad};
use crate::harness::Script;

const BASE: &str = "http://127.0.0.1:8080/socket.io/?EIO=4&transport=polling";

fn start(query: &str) -> Script<StickyCheck> {
    let page = Url::parse("http://127.0.0.1:8080/").unwrap();
    let config = resolve(&page, &FileLoad::NotFound, query);
    Script::start(
        StickyCheck::new(
            &config,
            &BrowserFacts {
                page_url: page,
                secure_context: true,
            },
        ),
        0,
    )
}

/// How a pool of backends picks one for a request.
enum Balancer {
    RoundRobin(usize),
    /// Cookie affinity: requests with cookies stick to backend 0, those
    /// without go round robin.
    Cookie(usize),
    Single,
}

/// Backends that each hold their own sessions, as separate processes do.
struct Pool {
    balancer: Balancer,
    next: usize,
    sessions: HashMap<String, usize>,
    count: usize,
    requests: Vec<FetchRequest>,
}

impl Pool {
    fn new(balancer: Balancer) -> Pool {
        Pool {
            balancer,
            next: 0,
            sessions: HashMap::new(),
            count: 0,
            requests: Vec::new(),
        }
    }

    fn pick(&mut self, request: &FetchRequest) -> usize {
        let round_robin = |next: &mut usize, n: usize| {
            *next += 1;
            (*next - 1) % n
        };
        match self.balancer {
            Balancer::Single => 0,
            Balancer::RoundRobin(n) => round_robin(&mut self.next, n),
            Balancer::Cookie(n) if request.credentials == Credentials::Omit => {
                round_robin(&mut self.next, n)
            }
            Balancer::Cookie(_) => 0,
        }
    }

    fn answer(&mut self, request: &FetchRequest) -> (u16, String) {
        self.requests.push(request.clone());
        let backend = self.pick(request);
        let sid = request.url.split("&sid=").nth(1).map(str::to_owned);
        match sid {
            None => {
                self.count += 1;
                let sid = format!("SID-{}", self.count);
                self.sessions.insert(sid.clone(), backend);
                (
                    200,
                    format!(
                        r#"0{{"sid":"{sid}","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}}"#
                    ),
                )
            }
            Some(sid) if self.sessions.get(&sid) != Some(&backend) => {
                (400, r#"{"code":1,"message":"Session ID unknown"}"#.into())
            }
            Some(_) if request.method == "GET" => (200, r#"40{"sid":"NS-SID"}"#.into()),
            Some(_) => (200, "ok".into()),
        }
    }
}

/// Answers every request the check makes until it finishes (bounded).
fn run(query: &str, pool: &mut Pool) -> StickyData {
    serde_json::from_value(run_outcome(query, pool).data).unwrap()
}

fn run_outcome(query: &str, pool: &mut Pool) -> Outcome {
    let mut s = start(query);
    for step in 0..200 {
        if s.outcome.is_some() {
            break;
        }
        assert!(step < 199, "the check did not finish");
        let fetch = s.drain().into_iter().find_map(|a| match a {
            Action::Fetch { id, request } => Some((id, request)),
            _ => None,
        });
        let (id, request) = fetch.expect("a request is in flight until the end");
        let (status, body) = pool.answer(&request);
        s.feed(
            Event::HttpResponse {
                id,
                status,
                headers: vec![],
                body,
            },
            step,
        );
    }
    s.finished().clone()
}

#[test]
fn one_session_is_handshake_and_five_immediate_follow_ups() {
    let mut pool = Pool::new(Balancer::Single);
    run("", &mut pool);
    let first: Vec<(&str, String, Option<&str>)> = pool.requests[..6]
        .iter()
        .map(|r| (r.method, r.url.replace(BASE, ""), r.body.as_deref()))
        .collect();
    assert_eq!(
        first,
        [
            ("GET", "".into(), None),
            ("POST", "&sid=SID-1".into(), Some("40")),
            ("GET", "&sid=SID-1".into(), None),
            ("POST", "&sid=SID-1".into(), Some("3")),
            ("POST", "&sid=SID-1".into(), Some("3")),
            ("POST", "&sid=SID-1".into(), Some("1")),
        ]
    );
    assert!(
        pool.requests.iter().all(|r| r.body.as_deref() != Some("2")),
        "never a client ping"
    );
    assert_eq!(pool.requests.len(), 2 * 3 * 6);
    let (with, without) = pool.requests.split_at(18);
    assert!(with.iter().all(|r| r.credentials == Credentials::Include));
    assert!(without.iter().all(|r| r.credentials == Credentials::Omit));
}

#[test]
fn one_backend_or_ip_affinity_passes() {
    let d = run("", &mut Pool::new(Balancer::Single));
    assert_eq!(d.affinity, Affinity::NotNeeded);
    assert_eq!(d.with_cookies.follow_ups, 15);
    assert_eq!(d.confidence, 1.0 - 0.5f64.powi(15));
    assert!(d.confidence >= 0.999);
    assert_eq!((d.min_backends, d.backends_estimate), (None, None));
}

#[test]
fn round_robin_is_missing_affinity_with_a_backend_estimate() {
    let d = run("", &mut Pool::new(Balancer::RoundRobin(2)));
    assert_eq!(d.affinity, Affinity::Missing);
    assert_eq!(d.with_cookies.affected, 3);
    assert_eq!(
        d.with_cookies.first_failures.first().map(String::as_str),
        Some("namespace-connect")
    );
    assert_eq!(d.min_backends, Some(2));
    assert_eq!(d.backends_estimate, Some(2));
}

#[test]
fn three_round_robin_backends_are_estimated() {
    let d = run("", &mut Pool::new(Balancer::RoundRobin(3)));
    assert_eq!(d.affinity, Affinity::Missing);
    assert!(
        d.backends_estimate.unwrap() >= 3,
        "{:?}",
        d.backends_estimate
    );
}

#[test]
fn failing_only_without_cookies_proves_cookie_affinity() {
    let outcome = run_outcome("", &mut Pool::new(Balancer::Cookie(2)));
    assert_eq!(outcome.status, Status::Pass);
    assert!(
        outcome.summary.starts_with(
            "Cookie affinity works: without cookies 3 of 3 sessions lost their backend"
        ),
        "{}",
        outcome.summary
    );
    let d: StickyData = serde_json::from_value(outcome.data.clone()).unwrap();
    assert_eq!(d.affinity, Affinity::Cookie);
    assert!(
        !outcome.data.to_string().contains("SID-"),
        "no session id in the report"
    );
}

#[test]
fn a_failed_connect_skips_the_poll_that_would_hang() {
    let mut pool = Pool::new(Balancer::RoundRobin(2));
    run("", &mut pool);
    // Session 1: handshake (A), CONNECT (B: unknown), then pongs and close, no poll.
    let methods: Vec<&str> = pool.requests[..5].iter().map(|r| r.method).collect();
    assert_eq!(methods, ["GET", "POST", "POST", "POST", "POST"]);
}

#[test]
fn failing_handshakes_leave_it_unknown() {
    let mut s = start("");
    for step in 0..20 {
        if s.outcome.is_some() {
            break;
        }
        let id = s.drain().into_iter().find_map(|a| match a {
            Action::Fetch { id, .. } => Some(id),
            _ => None,
        });
        s.feed(
            Event::HttpResponse {
                id: id.unwrap(),
                status: 502,
                headers: vec![],
                body: "<html>".into(),
            },
            step,
        );
    }
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Skip);
    assert!(outcome.summary.contains("handshake"));
}

#[test]
fn timeouts_and_network_errors_count_as_other_failures_and_move_on() {
    let mut s = start("");
    s.drain();
    s.feed(
        Event::HttpResponse {
            id: 1,
            status: 200,
            headers: vec![],
            body: r#"0{"sid":"a","upgrades":[],"pingInterval":1,"pingTimeout":1}"#.into(),
        },
        1,
    );
    s.drain();
    s.feed(Event::Timeout { id: TIMER }, 10_001);
    let next = s.drain();
    assert!(
        matches!(&next[0], Action::Fetch { id: 3, request } if request.body.as_deref() == Some("3")),
        "{next:?}"
    );
    s.feed(
        Event::HttpFailed {
            id: 3,
            message: "TypeError".into(),
        },
        10_002,
    );
    s.feed(
        Event::HttpResponse {
            id: 2,
            status: 200,
            headers: vec![],
            body: "ok".into(),
        },
        10_003,
    ); // stale
    let session = &s.check.current;
    assert_eq!(
        (
            session.follow_ups,
            session.other_failures,
            session.session_unknown
        ),
        (2, 2, 0)
    );
}

#[test]
fn invalid_endpoint_skips() {
    assert_eq!(start("socketio=nope").finished().status, Status::Skip);
}

#[test]
fn an_unanswered_handshake_ends_the_check_instead_of_waiting_five_more_times() {
    for silence in [
        Event::Timeout { id: TIMER },
        Event::HttpFailed {
            id: 1,
            message: "TypeError: Failed to fetch".into(),
        },
    ] {
        let mut s = start("");
        let first = s.drain();
        assert!(
            matches!(&first[0], Action::Fetch { id: 1, .. }),
            "{first:?}"
        );
        s.feed(silence, REQUEST_TIMEOUT_MS);
        let outcome = s.finished();
        assert_eq!(outcome.status, Status::Skip);
        assert!(
            !s.drain().iter().any(|a| matches!(a, Action::Fetch { .. })),
            "no further request"
        );
    }
}
