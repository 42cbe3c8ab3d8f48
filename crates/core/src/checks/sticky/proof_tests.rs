//! `sticky-session` with the server companion before the report: the
//! exact proof that the cookie pins one pod, at no extra round trip, and
//! what stands in for it when the companion is absent, refuses or is
//! silent.

use super::pods_tests::{hellos, pods, run, COMPANION};
use super::*;
use crate::check::Status;
use crate::checks::pods_simulator::Pings;

#[test]
fn the_companion_costs_no_round_trip_before_the_report() {
    let plain = run(
        "socketio=http://127.0.0.1:8080/socket.io/",
        &mut pods(3),
        None,
    );
    assert!(plain.interim.is_none() && plain.data.pods.is_none());
    let with = run(COMPANION, &mut pods(3), None);
    assert_eq!(with.before_report, plain.before_report);
    let json = serde_json::to_value(&plain.data).unwrap();
    assert!(json.get("pods").is_none(), "{json}");
    // Each session with cookies asked `hello` in place of a pong.
    assert_eq!(hellos(&with.requests[..with.before_report]), 2);
}

#[test]
fn a_namespace_that_refuses_means_no_companion_and_the_statistical_proof() {
    let mut pods = pods(3);
    pods.companion = false;
    let run = run(COMPANION, &mut pods, None);
    assert!(run.interim.is_none(), "nothing to count");
    assert_eq!(
        hellos(&run.requests),
        0,
        "never an event on a refused namespace"
    );
    let p = run.data.pods.clone().unwrap();
    assert_eq!(
        (p.companion, p.count, p.pinned_pod_proven),
        (CompanionAnswer::Absent, PodCount::NotCounted, false)
    );
    assert_eq!(run.data.affinity, Affinity::Cookie);
    assert_eq!(run.data.with_cookies.affected, 0);
    assert!(
        run.summary.contains("no companion there") && run.summary.contains("statistically"),
        "{}",
        run.summary
    );
}

#[test]
fn a_ping_alone_before_the_namespace_answers_keeps_the_exact_proof() {
    // socketioxide pings at a session's start: the poll after the CONNECT
    // (or after `hello`) may bring that ping alone, the answer the next.
    let mut pods = pods(2);
    pods.pings = Pings::BeforeEachAnswer;
    let run = run(COMPANION, &mut pods, None);
    let p = run.data.pods.clone().unwrap();
    assert_eq!(
        (p.companion, p.pinned_pod_proven),
        (CompanionAnswer::Answered, true),
        "{p:?}"
    );
    assert_eq!((p.count, p.pods_seen), (PodCount::Exact, 2), "{p:?}");
    assert_eq!(run.data.affinity, Affinity::Cookie);
    assert_eq!(run.status, Status::Pass, "{}", run.summary);
}

#[test]
fn pings_and_never_the_namespace_answer_mean_no_companion_after_three_polls() {
    for pings in [Pings::Forever, Pings::ThenSilence] {
        let mut pods = pods(3);
        pods.pings = pings;
        let run = run(COMPANION, &mut pods, None);
        let polls_of_first = run
            .requests
            .iter()
            .filter(|r| r.body.is_none() && r.url.ends_with("&sid=S0"))
            .count();
        let joins = run
            .requests
            .iter()
            .filter(|r| r.body.as_deref() == Some("40/conncheck,"))
            .count();
        let p = run.data.pods.clone().unwrap();
        assert_eq!(p.companion, CompanionAnswer::NoAnswer, "{pings:?}: {p:?}");
        assert!(!p.pinned_pod_proven);
        assert_eq!(joins, 1, "{pings:?}: one wait is enough");
        let expected_polls = if pings == Pings::Forever { 3 } else { 2 };
        assert_eq!(polls_of_first, expected_polls, "{pings:?}");
        assert_eq!(run.data.stopped, None, "{pings:?}: no stall");
        assert_eq!(run.data.affinity, Affinity::Cookie, "{pings:?}");
        assert_eq!(run.status, Status::Pass, "{pings:?}: {}", run.summary);
    }
}

#[test]
fn the_exact_proof_beats_the_statistical_one() {
    // The one session without cookies happened to keep its pod
    // (statistically: one backend, or affinity by address), but the
    // count's requests without cookies went to other pods than their
    // sessions' while the cookie kept one.
    let mut pods = pods(3);
    pods.first_omit_session_stays = true;
    let run = run(COMPANION, &mut pods, None);
    let (_, _, interim) = run.interim.unwrap();
    assert_eq!(interim.affinity, Affinity::NotNeeded);
    let p = run.data.pods.clone().unwrap();
    assert!(p.count_retries > 0, "{p:?}");
    assert_eq!(run.data.affinity, Affinity::Cookie, "exact wins");
    assert_eq!((p.count, p.pods_seen), (PodCount::Exact, 3));
}

#[test]
fn a_rate_limited_companion_stops_the_proof_or_the_count() {
    // Before the report: no pod id, the statistical proof, nothing counted.
    let mut limited = pods(3);
    limited.refuse_hello = Some("rate-limited");
    let run1 = run(COMPANION, &mut limited, None);
    let p = run1.data.pods.unwrap();
    assert_eq!(
        (p.companion, p.count),
        (CompanionAnswer::Refused, PodCount::NotCounted)
    );
    assert_eq!(run1.data.affinity, Affinity::Cookie);
    assert!(
        run1.summary.contains("refused to name its pod"),
        "{}",
        run1.summary
    );
    // In the count: at least what it saw.
    let mut later = pods(3);
    later.refuse_hello = Some("rate-limited");
    later.hellos_before_refusal = 4;
    let run2 = run(COMPANION, &mut later, None);
    let p = run2.data.pods.unwrap();
    assert_eq!(
        (p.count, p.count_stopped),
        (PodCount::AtLeast, Some(CountStopped::RateLimited))
    );
    assert!(p.pinned_pod_proven);
    assert!(
        run2.summary.contains("stopped at a rate limit"),
        "{}",
        run2.summary
    );
}

#[test]
fn a_namespace_that_never_answers_hello_is_no_stalled_session() {
    let mut pods = pods(3);
    pods.silent_hello = true;
    let run = run(COMPANION, &mut pods, None);
    assert_eq!(run.data.stopped, None, "{:?}", run.data);
    assert_eq!(run.data.with_cookies.unanswered, 0);
    assert_eq!(run.data.affinity, Affinity::Cookie);
    let p = run.data.pods.unwrap();
    assert_eq!(
        (p.companion, p.count),
        (CompanionAnswer::NoAnswer, PodCount::NotCounted)
    );
    assert_eq!(run.status, Status::Pass);
    assert!(run.summary.contains("named no pod"), "{}", run.summary);
    assert_eq!(hellos(&run.requests), 1, "one wait is enough");
}

#[test]
fn a_lost_session_with_cookies_needs_no_pod_ids_to_prove_it() {
    // Requests with cookies go round robin too: no affinity at all.
    let mut pods = pods(3);
    pods.cookie_ignored = true;
    let run = run(COMPANION, &mut pods, None);
    assert_eq!(run.data.affinity, Affinity::Missing);
    assert_eq!(run.status, Status::Fail);
    let p = run.data.pods.clone().unwrap();
    assert!(!p.pinned_pod_proven);
    assert!(!run.summary.contains("statistically"), "{}", run.summary);
}
