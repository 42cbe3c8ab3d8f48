//! The run's rules, one per test: scripted events in, what the run asks
//! for out (which checks start, what the page is shown), in order.

use std::rc::Rc;

use super::*;
use crate::check::{Event, Outcome};
use crate::checks::cross_pod::CrossPodResult;
use crate::checks::CheckData;
use crate::config::{resolve, FileLoad};
use crate::weburl::Url;

const PAGE: &str = "http://127.0.0.1:8080/";

// The automatic checks' slots, in the page's order.
const SECURE: usize = 0;
const WEBSOCKET: usize = 1;
const HANDSHAKE: usize = 2;
const UPGRADE: usize = 3;
const STICKY: usize = 4;
const AFFINITY: usize = 5;
const MEDIA: usize = 6;
const WEBRTC: usize = 7;
const AUTOMATIC: usize = 8;

fn config(query: &str) -> Rc<Config> {
    Rc::new(resolve(
        &Url::parse(PAGE).unwrap(),
        &FileLoad::NotFound,
        query,
    ))
}

fn facts() -> BrowserFacts {
    BrowserFacts {
        page_url: Url::parse(PAGE).unwrap(),
        secure_context: true,
    }
}

fn entry(id: CheckId, status: Status) -> ReportCheck {
    let outcome = Outcome {
        status,
        summary: "s".into(),
        data: CheckData::Overran { cap_ms: 1 },
    };
    ReportCheck::new(id, outcome, 5)
}

/// A run and everything it asked for, as one line per step.
struct Driven {
    run: Run,
    steps: Vec<String>,
    /// The checks it started, by slot.
    started: Vec<(usize, AnyCheck)>,
    now: f64,
}

impl Driven {
    fn new(query: &str) -> Driven {
        Driven::with(crate::checks::automatic(&config(query), &facts()), query)
    }

    fn with(checks: Vec<AnyCheck>, query: &str) -> Driven {
        let run = Run::with_checks(checks, config(query), &facts(), "0", 42, 1.0);
        let mut driven = Driven {
            run,
            steps: Vec::new(),
            started: Vec::new(),
            now: 1.0,
        };
        driven.drain();
        driven
    }

    fn drain(&mut self) {
        while let Some(todo) = self.run.poll() {
            let step = match todo {
                Do::Start { slot, check } => {
                    let step = format!("start {slot} {}", check.id().as_str());
                    self.started.push((slot, check));
                    step
                }
                Do::Stamp => {
                    let stamp = Stamp {
                        created_at: "2026-12-06T00:00:00Z".into(),
                        environment: crate::report::Environment {
                            user_agent: "x".into(),
                            platform: "x".into(),
                            languages: vec![],
                            online: true,
                            connection: None,
                        },
                    };
                    self.run.stamped(stamp, self.now);
                    "stamp".into()
                }
                Do::Show(msg) => shown(msg),
            };
            self.steps.push(step);
        }
    }

    /// Feeds `fed` at the next millisecond; the steps it led to.
    fn feed(&mut self, fed: Fed) -> Vec<String> {
        self.now += 1.0;
        self.steps.clear();
        self.run.handle(fed, self.now);
        self.drain();
        std::mem::take(&mut self.steps)
    }

    fn finish(&mut self, slot: usize, id: CheckId) -> Vec<String> {
        self.feed(Fed::Finished {
            slot,
            check: entry(id, Status::Pass),
        })
    }

    fn interim(&mut self, slot: usize, id: CheckId) -> Vec<String> {
        self.feed(Fed::Interim {
            slot,
            check: entry(id, Status::Warn),
        })
    }

    /// Every automatic check but `except` finishes: the steps that led to.
    fn finish_all_but(&mut self, except: &[usize]) -> Vec<String> {
        let mut steps = Vec::new();
        for (slot, id) in ids() {
            if !except.contains(&slot) {
                steps.extend(self.finish(slot, id));
            }
        }
        steps
    }

    fn started_slots(&self) -> Vec<usize> {
        self.started.iter().map(|(slot, _)| *slot).collect()
    }
}

fn ids() -> Vec<(usize, CheckId)> {
    crate::checks::automatic(&config(""), &facts())
        .iter()
        .map(|c| c.id())
        .enumerate()
        .collect()
}

/// A message as one line: what it is, for which row or check.
fn shown(msg: Msg) -> String {
    match msg {
        Msg::Planned { checks, .. } => format!("planned {}", checks.len()),
        Msg::Started { index, at_ms } => format!("started {index} at {at_ms}"),
        Msg::Finished { index, check } => {
            format!("finished {index} {}", check.status.as_str())
        }
        Msg::Completed(report) => {
            let ids: Vec<&str> = report.checks.iter().map(|c| c.id.as_str()).collect();
            format!("completed {}", ids.join(","))
        }
        Msg::Observing {
            id,
            at_ms,
            expected_ms,
        } => format!("observing {} {at_ms:?} {expected_ms:?}", id.as_str()),
        Msg::Observed(check) => format!("observed {}", check.id.as_str()),
        other => panic!("the run never shows {other:?}"),
    }
}

const PAGE_ORDER: &str = "secure-context,websocket,socketio-handshake,socketio-upgrade,\
                          sticky-session,affinity-cookie,media,webrtc";

#[test]
fn the_checks_sharing_the_jar_wait_until_the_handshake_settles_it() {
    let mut d = Driven::new("");
    assert_eq!(d.steps[0], "planned 8");
    assert_eq!(d.started_slots(), [SECURE, HANDSHAKE, MEDIA, WEBRTC]);
    assert_eq!(d.steps[1..3], ["started 0 at 1", "start 0 secure-context"]);
    // Another check's end does not settle the jar.
    assert_eq!(
        d.finish(SECURE, CheckId::SecureContext),
        ["finished 0 pass"]
    );
    assert_eq!(
        d.feed(Fed::CookieJarSettled { slot: HANDSHAKE }),
        [
            "started 1 at 3",
            "start 1 websocket",
            "started 3 at 3",
            "start 3 socketio-upgrade",
            "started 4 at 3",
            "start 4 sticky-session",
            "started 5 at 3",
            "start 5 affinity-cookie",
        ]
    );
    assert_eq!(
        d.started_slots()[4..],
        [WEBSOCKET, UPGRADE, STICKY, AFFINITY]
    );
    // Settled once: a second word starts nothing.
    assert!(d.feed(Fed::CookieJarSettled { slot: HANDSHAKE }).is_empty());
    assert_eq!(
        d.finish(HANDSHAKE, CheckId::SocketioHandshake),
        ["finished 2 pass"]
    );
}

#[test]
fn a_handshake_that_ends_without_settling_the_jar_settles_it() {
    let mut d = Driven::new("");
    assert_eq!(
        d.finish(HANDSHAKE, CheckId::SocketioHandshake),
        [
            "started 1 at 2",
            "start 1 websocket",
            "started 3 at 2",
            "start 3 socketio-upgrade",
            "started 4 at 2",
            "start 4 sticky-session",
            "started 5 at 2",
            "start 5 affinity-cookie",
            "finished 2 pass",
        ]
    );
}

#[test]
fn the_jar_is_settled_at_once_when_no_check_would_settle_it() {
    let without_handshake: Vec<AnyCheck> = crate::checks::automatic(&config(""), &facts())
        .into_iter()
        .filter(|c| c.id() != CheckId::SocketioHandshake)
        .collect();
    let d = Driven::with(without_handshake, "");
    assert_eq!(d.started_slots(), [0, 1, 2, 3, 4, 5, 6]);
}

#[test]
fn the_report_is_published_only_when_every_check_has_a_first_entry() {
    let mut d = Driven::new("");
    d.finish_all_but(&[WEBRTC]);
    assert!(!d.run.done());
    // An interim entry is a first entry too.
    assert_eq!(
        d.interim(WEBRTC, CheckId::Webrtc),
        [
            "finished 7 warn".to_owned(),
            "stamp".into(),
            format!("completed {PAGE_ORDER}"),
            "observing webrtc None None".into(),
        ]
    );
}

#[test]
fn an_interim_check_that_ends_after_the_report_is_observed() {
    let mut d = Driven::new("");
    d.interim(UPGRADE, CheckId::SocketioUpgrade);
    d.finish_all_but(&[UPGRADE]);
    assert!(!d.run.done(), "the upgrade still observes");
    // Its interims after the report change nothing.
    assert!(d.interim(UPGRADE, CheckId::SocketioUpgrade).is_empty());
    assert_eq!(
        d.finish(UPGRADE, CheckId::SocketioUpgrade),
        ["observed socketio-upgrade"]
    );
    assert!(d.run.done());
}

#[test]
fn a_check_that_ends_before_the_report_is_not_observed_after_it() {
    let mut d = Driven::new("");
    assert_eq!(
        d.interim(UPGRADE, CheckId::SocketioUpgrade),
        ["finished 3 warn"]
    );
    assert_eq!(
        d.finish(UPGRADE, CheckId::SocketioUpgrade),
        ["finished 3 pass"]
    );
    d.finish_all_but(&[UPGRADE, WEBRTC]);
    assert_eq!(
        d.finish(WEBRTC, CheckId::Webrtc),
        [
            "finished 7 pass".to_owned(),
            "stamp".into(),
            format!("completed {PAGE_ORDER}"),
        ]
    );
    assert!(d.run.done());
    // Its end was in the report: said again, it is not shown again.
    assert!(d.finish(UPGRADE, CheckId::SocketioUpgrade).is_empty());
}

#[path = "run_after_tests.rs"]
mod after;
