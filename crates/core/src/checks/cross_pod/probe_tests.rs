use std::collections::VecDeque;

use super::*;
use crate::check::{Credentials, FetchRequest, Status};
use crate::checks::pods_simulator::{drive, Pods, Steer};
use crate::config::{resolve, FileLoad};
use crate::harness::Script;
use crate::weburl::Url;

/// The check's outcome, its data as the check's own type (`harness::typed`).
type Outcome = crate::check::Outcome<CrossPodData>;

pub(super) fn start(query: &str) -> Script<CrossPodCheck> {
    let page = Url::parse("http://127.0.0.1:8080/").unwrap();
    let config = resolve(&page, &FileLoad::NotFound, query);
    Script::start(CrossPodCheck::new(&config, 42), 0)
}

/// Answers requests first asked first answered, parks polls that wait, and
/// fires the delivery timer when nothing else can happen (bounded).
pub(super) fn run(pods: &mut Pods) -> (Outcome, CrossPodData) {
    let mut s = start("companion=/conncheck");
    let delivery_set = std::cell::Cell::new(false);
    let steer = Steer {
        watch: &mut |action, _| {
            if let Action::SetTimer {
                id: DELIVERY_TIMER, ..
            } = action
            {
                delivery_set.set(true);
            }
        },
        interject: &mut |_| None,
        idle: &mut |now| {
            assert!(delivery_set.get(), "nothing in flight and no timer");
            Some((
                Event::Timeout { id: DELIVERY_TIMER },
                now + DELIVERY_WAIT_MS,
            ))
        },
    };
    drive(pods, &mut s, steer);
    let outcome = s.finished().clone();
    let data = outcome.data.clone();
    (outcome, data)
}

#[test]
fn a_broadcast_through_the_adapter_reaches_the_other_pod() {
    for count in [2, 3, 5] {
        let mut pods = Pods::new(count, true);
        let (outcome, d) = run(&mut pods);
        assert_eq!(
            outcome.status,
            Status::Pass,
            "{count} pods: {}",
            outcome.summary
        );
        assert!(matches!(d.result, Some(CrossPodResult::Delivered { .. })));
        assert_eq!(d.pods, 2, "it stops at the second pod");
        assert!(
            !serde_json::to_string(&outcome.data)
                .unwrap()
                .contains("\"S0"),
            "no session id in the report"
        );
    }
}

#[test]
fn without_an_adapter_the_nonce_never_arrives() {
    let (outcome, d) = run(&mut Pods::new(3, false));
    assert_eq!(outcome.status, Status::Fail);
    assert!(
        matches!(d.result, Some(CrossPodResult::NotDelivered { waited_ms }) if waited_ms >= DELIVERY_WAIT_MS),
        "{d:?}"
    );
    assert!(
        outcome.summary.contains("do not share messages"),
        "{}",
        outcome.summary
    );
}

#[test]
fn one_pod_is_a_skip_that_names_client_ip_affinity() {
    let (outcome, d) = run(&mut Pods::new(1, true));
    assert_eq!(outcome.status, Status::Skip);
    assert_eq!(d.result, Some(CrossPodResult::OnePod));
    assert_eq!((d.sessions, d.pods), (MAX_SESSIONS, 1));
    assert!(outcome.summary.contains("sessionAffinity: ClientIP"));
}

#[test]
fn the_wire_is_the_companions_protocol() {
    let mut pods = Pods::new(2, true);
    run(&mut pods);
    let bodies: Vec<&str> = pods
        .requests
        .iter()
        .filter_map(|r| r.body.as_deref())
        .collect();
    assert_eq!(bodies[0], "40/conncheck,");
    assert!(bodies.contains(&r#"42/conncheck,0["hello"]"#));
    let listen = bodies.iter().find(|b| b.contains("listen")).unwrap();
    let send = bodies.iter().find(|b| b.contains("\"send\"")).unwrap();
    let room = |b: &str| b.split(r#""room":""#).nth(1).unwrap()[..17].to_owned();
    assert_eq!(room(listen), room(send), "one room");
    assert!(room(listen).starts_with('r') && room(listen).len() == 17);
    assert!(send.contains(r#""nonce":"n"#));
}

#[test]
fn without_the_companion_key_it_skips() {
    assert_eq!(start("").finished().status, Status::Skip);
}

#[test]
fn a_lost_broadcast_is_a_critical_finding_for_the_operator() {
    use crate::catalog::FindingId;
    use crate::diagnosis::diagnose;
    use crate::report::{FixBy, ReportCheck, Severity};
    let (outcome, _) = run(&mut Pods::new(2, false));
    let findings = diagnose(&[ReportCheck::new(
        CheckId::CrossPod,
        outcome.map(Into::into),
        5,
    )]);
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f.id, FindingId::CrossPodDeliveryBroken);
    assert_eq!(
        (f.severity, f.fix_by),
        (Severity::Critical, FixBy::Operator)
    );
    let fixes = f
        .fixes
        .iter()
        .map(|x| x.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for words in [
        "@socket.io/redis-adapter",
        "redis-streams-adapter",
        "socketioxide-redis",
        "Helm",
    ] {
        assert!(fixes.contains(words), "{words}");
    }
    let (delivered, _) = run(&mut Pods::new(2, true));
    assert!(diagnose(&[ReportCheck::new(
        CheckId::CrossPod,
        delivered.map(Into::into),
        5
    )])
    .is_empty());
}

#[test]
fn every_session_is_closed_at_the_end() {
    let mut pods = Pods::new(2, true);
    let mut s = start("companion=/conncheck");
    let mut beacons = Vec::new();
    let mut queue: VecDeque<(Handle, FetchRequest)> = VecDeque::new();
    for step in 0..500u64 {
        for action in s.drain() {
            match action {
                Action::Fetch { id, request } => queue.push_back((id, request)),
                Action::Beacon(request) => beacons.push(request),
                _ => {}
            }
        }
        if s.outcome.is_some() {
            break;
        }
        if let Some((id, body)) = pods.unpark().into_iter().next() {
            s.feed(
                Event::HttpResponse {
                    id,
                    status: 200,
                    headers: vec![],
                    body,
                },
                step,
            );
            continue;
        }
        let (id, request) = queue.pop_front().expect("a request in flight");
        if let Some((status, body)) = pods.answer(id, &request) {
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
    }
    assert_eq!(s.finished().status, Status::Pass);
    let closed: Vec<&str> = beacons
        .iter()
        .map(|b| b.url.split("&sid=").nth(1).unwrap())
        .collect();
    assert_eq!(closed.len(), pods.sessions.len(), "{closed:?}");
    assert!(beacons
        .iter()
        .all(|b| b.body.as_deref() == Some("1") && b.credentials == Credentials::Omit));
}

#[test]
fn the_whole_probe_is_bounded_inside_the_drivers_cap() {
    let mut s = start("companion=/conncheck");
    assert!(s.drain().contains(&Action::SetTimer {
        id: BUDGET_TIMER,
        after_ms: BUDGET_MS
    }));
    // A server that keeps answering "Session ID unknown" slowly.
    let open = r#"0{"sid":"A","upgrades":[],"pingInterval":25000,"pingTimeout":20000}"#;
    s.feed(
        Event::HttpResponse {
            id: 1,
            status: 200,
            headers: vec![],
            body: open.into(),
        },
        9_000,
    );
    s.feed(Event::Timeout { id: BUDGET_TIMER }, BUDGET_MS);
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Warn);
    assert!(
        serde_json::to_value(&outcome.data).unwrap()["result"]["what"]
            .as_str()
            .unwrap()
            .contains("no result within 60 s"),
        "{:?}",
        outcome.data
    );
    const {
        assert!(
            BUDGET_MS + REQUEST_TIMEOUT_MS < 120_000,
            "inside the driver's cap"
        )
    };
}
