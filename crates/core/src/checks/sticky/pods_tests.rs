//! `sticky-session` with the server companion: the exact proof before the
//! report, and the pods' count after it, against scripted pods.

use std::cell::{Cell, RefCell};

use crate::weburl::Url;

use super::pods::COUNT_TIMER;
use super::*;
use crate::check::{FetchRequest, Progress, Status};
use crate::checks::pods_simulator::{drive, Pods, Steer};
use crate::config::{resolve, FileLoad};
use crate::harness::Script;

/// The check's outcome, its data as the check's own type (`harness::typed`).
type Outcome = crate::check::Outcome<StickyData>;

pub(super) const COMPANION: &str = "socketio=http://127.0.0.1:8080/socket.io/&companion=/conncheck";

/// What a run showed: the interim outcome, the final one, the requests
/// sent before the interim (or the end), and every request.
pub(super) struct Run {
    pub(super) interim: Option<(Status, String, StickyData)>,
    pub(super) status: Status,
    pub(super) summary: String,
    pub(super) data: StickyData,
    pub(super) before_report: usize,
    pub(super) requests: Vec<FetchRequest>,
}

/// `count` pods whose adapter reports them all.
pub(super) fn pods(count: usize) -> Pods {
    let mut pods = Pods::new(count, true);
    pods.omit_only = false;
    pods.adapter_pods = Some(count);
    pods
}

/// Answers requests in order; after `budget_at` requests of the count, its
/// budget timer fires.
pub(super) fn run(query: &str, pods: &mut Pods, budget_at: Option<usize>) -> Run {
    let page = Url::parse("http://127.0.0.1:8080/").unwrap();
    let config = resolve(&page, &FileLoad::NotFound, query);
    let facts = BrowserFacts {
        page_url: page,
        secure_context: true,
    };
    let mut s = Script::start(StickyCheck::new(&config, &facts), 0);
    let (interim, before_report) = (RefCell::new(None), Cell::new(None));
    let steer = Steer {
        watch: &mut |action, sent| {
            if let Action::Progress(Progress::Interim(o)) = action {
                let data = crate::harness::typed::<StickyData>(o).data;
                *interim.borrow_mut() = Some((o.status, o.summary.clone(), data));
                before_report.set(Some(sent));
            }
        },
        interject: &mut |sent| {
            let at = budget_at.zip(before_report.get())?;
            (sent >= at.0 + at.1).then_some(Event::Timeout { id: COUNT_TIMER })
        },
        idle: &mut |_| None,
    };
    let sent = drive(pods, &mut s, steer);
    let outcome = s.finished().clone();
    Run {
        interim: interim.into_inner(),
        status: outcome.status,
        summary: outcome.summary,
        data: outcome.data,
        before_report: before_report.get().unwrap_or(sent),
        requests: pods.requests.clone(),
    }
}

pub(super) fn hellos(requests: &[FetchRequest]) -> usize {
    let hello = |r: &&FetchRequest| r.body.as_deref().is_some_and(|b| b.contains("hello"));
    requests.iter().filter(hello).count()
}

#[test]
fn the_cookie_pins_one_pod_exactly_and_three_pods_are_counted_after_the_report() {
    let run = run(COMPANION, &mut pods(3), None);
    let (status, summary, interim) = run.interim.expect("an interim outcome");
    let p = interim.pods.unwrap();
    assert_eq!(status, Status::Pass);
    assert!(p.pinned_pod_proven, "{p:?}");
    assert_eq!(
        (p.companion, p.count, p.pods_seen, p.adapter_pods),
        (CompanionAnswer::Answered, PodCount::Counting, 1, Some(3))
    );
    assert!(
        summary.contains("Proven exactly") && summary.contains("the count was still going on"),
        "{summary}"
    );

    let p = run.data.pods.clone().unwrap();
    assert_eq!(
        (p.count, p.pods_seen, p.count_stopped, p.adapter_pods),
        (PodCount::Exact, 3, None, Some(3))
    );
    assert!(p.pinned_pod_proven);
    assert_eq!(run.data.affinity, Affinity::Cookie);
    assert_eq!(run.status, Status::Pass);
    assert!(
        run.summary
            .contains("3 pods in all: each pod the server's adapter reports answered."),
        "{}",
        run.summary
    );
    // It stopped once the adapter's pods had all answered: under round
    // robin each session lands on the pod after the last one's and costs
    // 1 + 4 x 3 requests.
    assert_eq!((p.count_sessions, p.count_requests), (3, 39), "{p:?}");
    assert_eq!(
        run.requests.len() - run.before_report,
        p.count_requests as usize
    );
    // The ids never reach the report.
    let json = serde_json::to_string(&run.data).unwrap();
    assert!(!json.contains("abc"), "{json}");
}

#[test]
fn one_pod_is_one_replica_or_client_ip_affinity() {
    let run = run(COMPANION, &mut pods(1), None);
    let p = run.data.pods.clone().unwrap();
    assert_eq!((p.count, p.pods_seen), (PodCount::Exact, 1));
    // An adapter's 1 is what every pod says that shares none: it takes
    // `ONE_POD_SESSIONS` sessions without cookies, five requests each.
    assert_eq!((p.count_sessions, p.count_requests), (3, 15), "{p:?}");
    assert_eq!(run.data.affinity, Affinity::NotNeeded);
    assert_eq!(run.status, Status::Pass);
    assert!(
        run.summary.contains("one replica") && run.summary.contains("ClientIP"),
        "{}",
        run.summary
    );
}

#[test]
fn sessions_kept_per_connection_are_not_the_cookies_doing_and_the_count_is_bounded() {
    // Every session keeps its own pod, with or without cookies (affinity
    // per connection or client address): pods differ, but no request
    // ever reached another pod than its session's, so nothing shows that
    // the cookie is what keeps a session together.
    let mut pods = pods(3);
    pods.pod_per_session = true;
    pods.adapter_pods = None;
    let run = run(COMPANION, &mut pods, None);
    let p = run.data.pods.clone().unwrap();
    assert_eq!(p.count_retries, 0, "{p:?}");
    assert_eq!(run.data.affinity, Affinity::NotNeeded);
    assert!(run.summary.contains("or connection"), "{}", run.summary);
    // Five requests a session: nine sessions, and the tenth's first three.
    assert_eq!(
        (p.count_sessions, p.count_requests),
        (10, MAX_COUNT_REQUESTS)
    );
    assert_eq!(
        (p.count, p.count_stopped),
        (PodCount::AtLeast, Some(CountStopped::MaxRequests))
    );
    assert_eq!(p.pods_seen, 10);
    assert!(
        run.summary
            .contains("At least 10 pod(s): the count stopped at its request limit"),
        "{}",
        run.summary
    );
    // No finding: affinity works.
    let outcome = Outcome {
        status: run.status,
        summary: run.summary.clone(),
        data: run.data.clone(),
    };
    let checks = [crate::report::ReportCheck::new(
        CheckId::StickySession,
        outcome.map(Into::into),
        0,
    )];
    let findings = crate::diagnosis::diagnose(&checks);
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn the_count_ends_at_its_budget() {
    let run = run(COMPANION, &mut pods(3), Some(20));
    let p = run.data.pods.clone().unwrap();
    assert_eq!(
        (p.count, p.count_stopped),
        (PodCount::AtLeast, Some(CountStopped::Budget))
    );
    assert!(run.summary.contains("its time limit"), "{}", run.summary);
    // Inside the driver's cap, which grows by the planned count: the
    // sessions' budget, the count's, and a request's timeout each.
    let page = Url::parse("http://127.0.0.1:8080/").unwrap();
    let config = resolve(&page, &FileLoad::NotFound, COMPANION);
    let facts = BrowserFacts {
        page_url: page,
        secure_context: true,
    };
    let planned = crate::check::Check::planned_ms(&StickyCheck::new(&config, &facts));
    assert_eq!(planned, COUNT_BUDGET_MS);
    let worst = BUDGET_MS + COUNT_BUDGET_MS + 2 * REQUEST_TIMEOUT_MS;
    assert!(worst < 120_000 + planned, "{worst}");
}

#[test]
fn a_503_after_answers_during_the_count_is_a_rate_limit() {
    // nginx's `limit_req` answers 503 by default: after the count's
    // first answers, that is a limit, not a broken server.
    let mut limited = pods(3);
    limited.unavailable_after = Some(30);
    let run = run(COMPANION, &mut limited, None);
    let p = run.data.pods.unwrap();
    assert_eq!(
        (p.count, p.count_stopped),
        (PodCount::AtLeast, Some(CountStopped::RateLimited))
    );
    assert!(
        run.summary.contains("stopped at a rate limit"),
        "{}",
        run.summary
    );
}

#[test]
fn a_pasted_reports_pods_become_known_words_only() {
    let run = run(COMPANION, &mut pods(3), None);
    let mut value = serde_json::to_value(&run.data).unwrap();
    value["pods"]["pods_seen"] = 7.into();
    let text = crate::checks::data::CheckData::from_json(
        crate::catalog::CheckId::StickySession,
        value.clone(),
    )
    .summary();
    assert!(text.contains("7 pods in all"));
    value["pods"]["count"] = "<script>".into();
    let text = crate::checks::data::CheckData::from_json(
        crate::catalog::CheckId::StickySession,
        value.clone(),
    )
    .summary();
    assert!(!text.contains("<script>"), "{text}");
}

#[test]
fn a_request_that_reached_another_pod_shows_a_second_one_whose_id_never_answered() {
    // The lab's CI once ended a count at its request limit with one pod's
    // id and 34 requests that had reached another pod: two pods are shown.
    let run = run(COMPANION, &mut pods(3), None);
    let mut value = serde_json::to_value(&run.data).unwrap();
    value["pods"]["count"] = "at-least".into();
    value["pods"]["count_stopped"] = "max-requests".into();
    value["pods"]["pods_seen"] = 1.into();
    let summary = |value: &serde_json::Value| {
        crate::checks::data::CheckData::from_json(
            crate::catalog::CheckId::StickySession,
            value.clone(),
        )
        .summary()
    };
    value["pods"]["count_retries"] = 34.into();
    let text = summary(&value);
    assert!(
        text.contains("At least 2 pod(s): the count stopped at its request limit"),
        "{text}"
    );
    value["pods"]["count_retries"] = 0.into();
    let text = summary(&value);
    assert!(
        text.contains("At least 1 pod(s): the count stopped at its request limit"),
        "{text}"
    );
}
