use std::collections::HashMap;

use super::*;
use crate::check::{Credentials, FetchRequest, Status};
use crate::config::{resolve, FileLoad};
use crate::harness::Script;

/// The check's outcome, its data as the check's own type (`harness::typed`).
type Outcome = crate::check::Outcome<StickyData>;

pub(super) const BASE: &str = "http://127.0.0.1:8080/socket.io/?EIO=4&transport=polling";

pub(super) fn start(query: &str) -> Script<StickyCheck> {
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
pub(super) enum Balancer {
    RoundRobin(usize),
    /// Cookie affinity: requests with cookies stick to backend 0, those
    /// without go round robin.
    Cookie(usize),
    Single,
}

/// Backends that each hold their own sessions, as separate processes do.
pub(super) struct Pool {
    balancer: Balancer,
    next: usize,
    sessions: HashMap<String, usize>,
    count: usize,
    pub(super) requests: Vec<FetchRequest>,
}

impl Pool {
    pub(super) fn new(balancer: Balancer) -> Pool {
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

/// Answers every request the check makes, first asked first answered,
/// until it finishes (bounded).
pub(super) fn run(query: &str, pool: &mut Pool) -> StickyData {
    run_outcome(query, pool).data
}

pub(super) fn fetches(actions: Vec<Action>) -> impl Iterator<Item = (Handle, FetchRequest)> {
    actions.into_iter().filter_map(|a| match a {
        Action::Fetch { id, request } => Some((id, request)),
        _ => None,
    })
}

pub(super) fn run_outcome(query: &str, pool: &mut Pool) -> Outcome {
    let mut s = start(query);
    let mut pending: std::collections::VecDeque<_> = fetches(s.drain()).collect();
    for step in 0..200 {
        if s.outcome.is_some() {
            break;
        }
        assert!(step < 199, "the check did not finish");
        let (id, request) = pending
            .pop_front()
            .expect("a request is in flight until the end");
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
        pending.extend(fetches(s.drain()));
    }
    s.finished().clone()
}

pub(super) fn opened(body: &str) -> Event {
    Event::HttpResponse {
        id: 1,
        status: 200,
        headers: vec![],
        body: body.into(),
    }
}

pub(super) const OPEN: &str =
    r#"0{"sid":"a","upgrades":[],"pingInterval":25000,"pingTimeout":20000}"#;

#[test]
fn a_session_with_cookies_is_a_handshake_and_four_immediate_follow_ups() {
    let mut s = start("");
    let mut seen = Vec::new();
    let answers = [OPEN, "ok", r#"40{"sid":"n"}"#, "ok", "ok"];
    for (i, body) in answers.iter().enumerate() {
        let actions = s.drain();
        let (id, request) = fetches(actions.clone()).next().expect("one request");
        seen.push((request.method, request.url.replace(BASE, ""), request.body));
        assert_eq!(request.credentials, Credentials::Include);
        let event = Event::HttpResponse {
            id,
            status: 200,
            headers: vec![],
            body: (*body).into(),
        };
        s.feed(event, i as Millis);
    }
    let closing = s.drain();
    assert!(
        closing.contains(&Action::Beacon(FetchRequest::post(
            format!("{BASE}&sid=a"),
            "1"
        ))),
        "the session is closed by a beacon: {closing:?}"
    );
    assert_eq!(
        seen,
        [
            ("GET", "".into(), None),
            ("POST", "&sid=a".into(), Some("40".into())),
            ("GET", "&sid=a".into(), None),
            ("POST", "&sid=a".into(), Some("3".into())),
            ("POST", "&sid=a".into(), Some("3".into())),
        ]
    );
}

#[test]
fn sessions_with_cookies_then_without_one_by_one() {
    let mut pool = Pool::new(Balancer::Single);
    run("", &mut pool);
    assert!(
        pool.requests.iter().all(|r| r.body.as_deref() != Some("2")),
        "never a client ping"
    );
    let with = 5 * SESSIONS_WITH_COOKIES as usize;
    let without = 9 * SESSIONS_WITHOUT_COOKIES as usize;
    assert_eq!(pool.requests.len(), with + without);
    let (first, rest) = pool.requests.split_at(with);
    assert!(first.iter().all(|r| r.credentials == Credentials::Include));
    assert!(rest.iter().all(|r| r.credentials == Credentials::Omit));
    assert_eq!(
        with + without,
        ROUND_TRIPS as usize,
        "one request per round trip"
    );
}

#[test]
fn one_backend_or_ip_affinity_passes() {
    let d = run("", &mut Pool::new(Balancer::Single));
    assert_eq!(d.affinity, Affinity::NotNeeded);
    assert_eq!(d.with_cookies.follow_ups, 8);
    assert_eq!(d.confidence, 1.0 - 0.5f64.powi(8));
    assert_eq!(d.min_backends, None);
    assert_eq!(d.stopped, None);
}

#[test]
fn round_robin_is_missing_affinity_and_skips_the_sessions_without_cookies() {
    for n in 2..=5 {
        let mut pool = Pool::new(Balancer::RoundRobin(n));
        let d = run("", &mut pool);
        assert_eq!(d.affinity, Affinity::Missing, "{n} backends");
        // The first lost session proves it: no more sessions are needed.
        assert_eq!((d.with_cookies.sessions, d.with_cookies.affected), (1, 1));
        assert_eq!(
            d.with_cookies.first_failures.first().map(String::as_str),
            Some("namespace-connect")
        );
        assert_eq!(d.min_backends, Some(2));
        assert_eq!(d.without_cookies.sessions, 0);
        assert!(pool
            .requests
            .iter()
            .all(|r| r.credentials == Credentials::Include));
    }
}

#[test]
fn failing_only_without_cookies_proves_cookie_affinity() {
    let outcome = run_outcome("", &mut Pool::new(Balancer::Cookie(2)));
    assert_eq!(outcome.status, Status::Pass);
    assert!(
        outcome
            .summary
            .starts_with("Cookie affinity works: without cookies "),
        "{}",
        outcome.summary
    );
    let d: StickyData = outcome.data.clone();
    assert_eq!(d.affinity, Affinity::Cookie);
    assert!(d.without_cookies.affected >= 1, "{d:?}");
    assert!(
        !serde_json::to_string(&outcome.data)
            .unwrap()
            .contains("SID-"),
        "no session id in the report"
    );
}
