//! `sticky-session`'s pod count within its bound of requests: with the
//! number of pods the companion's adapter reports, without it (an older
//! companion), and with one that is wrong.

use super::pods::ONE_POD_SESSIONS;
use super::pods_tests::{pods, run, COMPANION};
use super::*;
use crate::check::Status;
use crate::checks::pods_simulator::Pods;

#[test]
fn without_the_adapters_number_the_count_is_at_least_within_its_request_bound() {
    // An older companion: `hello` without `pods`.
    let mut old = pods(3);
    old.adapter_pods = None;
    let run = run(COMPANION, &mut old, None);
    let p = run.data.pods.clone().unwrap();
    assert_eq!(
        (p.count, p.count_stopped, p.adapter_pods),
        (PodCount::AtLeast, Some(CountStopped::MaxRequests), None)
    );
    assert_eq!(p.pods_seen, 3, "{p:?}");
    // Not one request past the bound.
    assert_eq!(p.count_requests, MAX_COUNT_REQUESTS, "{p:?}");
    assert_eq!(
        run.requests.len() - run.before_report,
        MAX_COUNT_REQUESTS as usize
    );
    assert_eq!(run.data.affinity, Affinity::Cookie);
    assert_eq!(run.status, Status::Pass);
    assert!(
        run.summary
            .contains("At least 3 pod(s): the count stopped at its request limit."),
        "{}",
        run.summary
    );
}

#[test]
fn an_adapter_that_reports_fewer_pods_than_answered_never_ends_the_count() {
    // Pods that do not share an adapter each report only themselves.
    let mut alone = pods(3);
    alone.adapter_pods = Some(1);
    let run = run(COMPANION, &mut alone, None);
    let p = run.data.pods.clone().unwrap();
    assert_eq!(
        (p.count, p.count_stopped, p.adapter_pods),
        (PodCount::AtLeast, Some(CountStopped::MaxRequests), Some(1))
    );
    assert!(p.pods_seen >= 2, "{p:?}");
    assert!(
        run.summary.contains("The server's adapter reports 1."),
        "{}",
        run.summary
    );
    // A number beyond the bound is no number.
    let mut huge = pods(2);
    huge.adapter_pods = Some(1025);
    let p = run_pods(&mut huge);
    assert_eq!((p.count, p.adapter_pods), (PodCount::AtLeast, None));
}

fn run_pods(pods: &mut Pods) -> PodsData {
    run(COMPANION, pods, None).data.pods.expect("pods data")
}

#[test]
fn under_strict_round_robin_each_session_reaches_the_next_pod() {
    // A session costs 1 + 4 x N requests (each follow-up comes back to its
    // pod after the N - 1 others): the bound proves two and three pods,
    // and over four it reports what it reached.
    for (count, seen, exact) in [(2, 2, true), (3, 3, true), (4, 3, false)] {
        let d = run_pods(&mut pods(count));
        assert_eq!(d.pods_seen, seen, "{count}: {d:?}");
        let stopped = (!exact).then_some(CountStopped::MaxRequests);
        assert_eq!(d.count_stopped, stopped, "{count}: {d:?}");
        assert_eq!(d.count == PodCount::Exact, exact, "{count}: {d:?}");
        assert!(d.count_requests <= MAX_COUNT_REQUESTS, "{count}: {d:?}");
    }
}

#[test]
fn one_pod_seen_is_never_exact_once_a_request_reached_another() {
    // Every session opens on one pod, but its requests without the cookie
    // go round robin over two: a second pod answered, though no session
    // ever opened there.
    // The adapter reports one pod: an outside number never ends the count
    // against what the requests showed.
    let mut p = pods(2);
    p.handshakes_to = Some(0);
    p.adapter_pods = Some(1);
    let run = run(COMPANION, &mut p, None);
    let d = run.data.pods.clone().expect("pods data");
    assert_eq!(d.pods_seen, 1, "{d:?}");
    assert!(d.count_retries > 0, "{d:?}");
    assert_eq!(
        (d.count, d.count_stopped),
        (PodCount::AtLeast, Some(CountStopped::MaxRequests)),
        "{d:?}"
    );
    assert!(
        !run.summary.contains("Only one pod ever answered"),
        "{}",
        run.summary
    );
}

#[test]
fn an_adapters_one_ends_the_count_only_after_sessions_that_could_show_another_pod() {
    // Two pods that share no adapter (Node's in-memory one, socketioxide's
    // LocalAdapter): each `hello` says 1. Random balancing may bring every
    // request of the count's first sessions to the pod the cookie pinned
    // (1 in 32 for one session over two pods); the sessions before the
    // report include one without cookies, kept there too.
    const BEFORE_COUNT: usize = 1;
    for staying in 1..=ONE_POD_SESSIONS {
        let mut p = pods(2);
        p.adapter_pods = Some(1);
        p.omit_sessions_on_first = BEFORE_COUNT + staying as usize;
        let run = run(COMPANION, &mut p, None);
        let d = run.data.pods.clone().expect("pods data");
        if staying < ONE_POD_SESSIONS {
            // The next session reached the second pod.
            assert_eq!(
                (d.count, d.count_stopped, d.pods_seen),
                (PodCount::AtLeast, Some(CountStopped::MaxRequests), 2),
                "{staying}: {d:?}"
            );
            assert!(
                !run.summary.contains("Only one pod ever answered"),
                "{}",
                run.summary
            );
        } else {
            // As many sessions alike as the rule asks: the chance it
            // takes, 2^-15 over two pods spread evenly.
            assert_eq!(
                (d.count, d.pods_seen, d.count_retries),
                (PodCount::Exact, 1, 0),
                "{staying}: {d:?}"
            );
            assert_eq!((d.count_sessions, d.count_requests), (3, 15), "{d:?}");
        }
    }
}
