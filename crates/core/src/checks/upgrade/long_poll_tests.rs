//! Probe 4: a polling session held through the server's first ping, and
//! what ends it (the ping, a proxy's cut, another backend, a refusal).

use super::upgrade_tests::*;
use super::*;
use crate::check::{FetchRequest, Status};
use crate::classify::ProxyMark;
use crate::harness::Script;

type Outcome = crate::check::Outcome<UpgradeData>;

const OPEN_25S: &str = r#"0{"sid":"SID-POLL-9","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#;
const HELD: &str = "http://127.0.0.1:8080/socket.io/?EIO=4&transport=polling&sid=SID-POLL-9";

/// Probes 1 to 3 ended (the upgrade's handshake failed, the others
/// healthy), probe 4's session open with a 25 s ping interval at 20 ms.
fn holding() -> Script<UpgradeCheck> {
    let mut s = start_all("");
    s.feed(
        Event::HttpFailed {
            id: HANDSHAKE,
            message: "TypeError: Failed to fetch".into(),
        },
        1,
    );
    healthy_direct_and_plain(&mut s);
    s.feed(response(POLL, 200, OPEN_25S), 20);
    s
}

fn hold(outcome: &Outcome) -> PollingHold {
    outcome.data.polling.clone().expect("probe 4 ran")
}

#[test]
fn starts_the_polling_handshake_beside_the_other_probes() {
    let mut s = start_all("");
    let actions = s.drain();
    assert_eq!(
        actions[actions.len() - 2..],
        [
            Action::Fetch {
                id: POLL,
                request: FetchRequest::get(POLLING)
            },
            Action::SetTimer {
                id: POLL_TIMER,
                after_ms: STEP_TIMEOUT_MS
            }
        ]
    );
}

#[test]
fn healthy_hold_answers_the_ping_and_closes_the_session() {
    let mut s = holding();
    let actions = s.drain();
    assert!(actions.contains(&Action::Fetch {
        id: POLL,
        request: FetchRequest::get(HELD)
    }));
    assert!(actions.contains(&Action::SetTimer {
        id: POLL_TIMER,
        after_ms: 25_000 + PING_GRACE_MS
    }));
    let interim = interims(&actions);
    assert_eq!(interim.len(), 1, "the report does not wait: {actions:?}");
    assert_eq!(hold(&interim[0]).result, None);
    assert!(interim[0]
        .summary
        .contains("Holding a polling session until the server's first ping."));
    s.feed(response(POLL, 200, "2"), 25_021);
    let actions = s.drain();
    assert!(actions.contains(&Action::Beacon(FetchRequest::post(HELD, "3\u{1e}1"))));
    let outcome = s.finished();
    let h = hold(outcome);
    assert_eq!(h.result, Some(PollingResult::Held));
    assert_eq!(h.poll.unwrap().ms, 25_001);
    assert!(
        outcome
            .summary
            .contains("held until the server's ping (25.0 s)"),
        "{}",
        outcome.summary
    );
    assert!(!serde_json::to_string(&outcome.data)
        .unwrap()
        .contains("SID-POLL-9"));
}

#[test]
fn envoys_route_timeout_is_a_cut_and_the_next_poll_tells_the_session_is_gone() {
    let mut s = holding();
    s.drain();
    s.feed(
        Event::HttpResponse {
            id: POLL,
            status: 504,
            headers: vec![("server".into(), "envoy".into())],
            body: "upstream request timeout".into(),
        },
        15_020,
    );
    assert!(s.drain().contains(&Action::Fetch {
        id: POLL,
        request: FetchRequest::get(HELD)
    }));
    s.feed(
        response(POLL, 400, r#"{"code":1,"message":"Session ID unknown"}"#),
        15_025,
    );
    let actions = s.drain();
    assert!(
        !actions.iter().any(|a| matches!(a, Action::Beacon(_))),
        "a session that is gone is not closed: {actions:?}"
    );
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Warn);
    let h = hold(outcome);
    assert_eq!(h.result, Some(PollingResult::Cut));
    let poll = h.poll.unwrap();
    assert_eq!(poll.ms, 15_000);
    let obs = poll.observation().unwrap();
    assert_eq!(
        (obs.status, obs.proxy),
        (504, Some(ProxyMark::EnvoyRouteTimeout))
    );
    assert_eq!(
        h.after.unwrap().observation().unwrap().error_code(),
        Some(1)
    );
    assert!(outcome.summary.contains("Long-polling was cut after 15 s."));
}

#[test]
fn a_cut_on_a_healthy_websocket_path_warns() {
    let mut s = start_all("");
    s.feed(response(HANDSHAKE, 200, OPEN_POLLING), 10);
    s.feed(Event::WsOpened { id: UPGRADE }, 12);
    s.feed(msg(UPGRADE, "3probe"), 14);
    healthy_direct_and_plain(&mut s);
    s.feed(response(POLL, 200, OPEN_25S), 20);
    s.feed(msg(UPGRADE, "2"), 1_514);
    s.feed(response(POLL, 504, "stream timeout"), 10_020);
    s.feed(Event::Timeout { id: POLL_TIMER }, 20_020);
    let outcome = s.finished();
    assert_eq!(outcome.status, Status::Warn, "{}", outcome.summary);
    let h = hold(outcome);
    assert_eq!(h.result, Some(PollingResult::Cut));
    assert_eq!(
        h.poll.unwrap().observation().unwrap().proxy,
        Some(ProxyMark::EnvoyStreamTimeout)
    );
    assert_eq!(
        h.after.unwrap().result,
        crate::classify::StepResult::Timeout
    );
}

#[test]
fn another_backend_or_a_quick_refusal_is_no_cut() {
    let mut s = holding();
    s.feed(
        response(POLL, 400, r#"{"code":1,"message":"Session ID unknown"}"#),
        25,
    );
    assert_eq!(hold(s.finished()).result, Some(PollingResult::SessionLost));
    for (status, body) in [(429, "<html>Too Many</html>"), (503, "")] {
        let mut s = holding();
        s.feed(response(POLL, status, body), 20 + CUT_AFTER_MS - 1);
        assert_eq!(hold(s.finished()).result, Some(PollingResult::Refused));
    }
}

#[test]
fn a_failed_request_is_a_cut_only_if_the_session_is_gone_after_it() {
    let failed_then = |after: &str| {
        let mut s = holding();
        s.feed(
            Event::HttpFailed {
                id: POLL,
                message: "TypeError: network error".into(),
            },
            12_020,
        );
        let status = if after.starts_with('{') { 400 } else { 200 };
        s.feed(response(POLL, status, after), 12_030);
        let actions = s.drain();
        let closed = actions.iter().any(|a| matches!(a, Action::Beacon(_)));
        (hold(s.finished()).result, closed)
    };
    // The session survived (a sleeping laptop, a network change): no cut,
    // and the session is closed.
    assert_eq!(failed_then("6"), (Some(PollingResult::Interrupted), true));
    assert_eq!(
        failed_then(r#"{"code":1,"message":"Session ID unknown"}"#),
        (Some(PollingResult::Cut), false)
    );
}

#[test]
fn late_refusals_old_servers_and_a_cut_next_poll() {
    let mut s = holding();
    s.feed(response(POLL, 429, ""), 1_520);
    assert_eq!(
        hold(s.finished()).result,
        Some(PollingResult::Refused),
        "a rate limit, however late"
    );
    let mut s = holding();
    s.feed(response(POLL, 200, "96:0{\"sid\":\"x\"}"), 3_000);
    assert_eq!(
        hold(s.finished()).result,
        Some(PollingResult::Refused),
        "an Engine.IO 3 payload"
    );
    let mut s = holding();
    s.feed(response(POLL, 504, "upstream request timeout"), 15_020);
    s.feed(response(POLL, 504, "upstream request timeout"), 30_020);
    let h = hold(s.finished());
    assert_eq!(
        h.result,
        Some(PollingResult::Cut),
        "the next poll cut as well"
    );
    assert_eq!(h.after.unwrap().observation().unwrap().status, 504);
}

#[test]
fn silence_or_slow_pings_end_at_the_pages_wait() {
    let mut s = holding();
    s.feed(Event::Timeout { id: POLL_TIMER }, 30_020);
    let h = hold(s.finished());
    assert_eq!(h.result, Some(PollingResult::NoAnswer));
    let slow = OPEN_25S.replace("25000", "90000");
    let mut s = start_all("");
    s.feed(response(POLL, 200, &slow), 20);
    assert!(s.drain().contains(&Action::SetTimer {
        id: POLL_TIMER,
        after_ms: MAX_PING_WAIT_MS
    }));
    s.feed(Event::Timeout { id: POLL_TIMER }, 20 + MAX_PING_WAIT_MS);
    assert_eq!(
        s.check.data.polling.as_ref().unwrap().result,
        Some(PollingResult::NotAwaited)
    );
}

#[test]
fn packets_without_a_ping_are_polled_past_a_few_times() {
    let mut s = holding();
    s.drain();
    for at in [1_000, 2_000] {
        s.feed(response(POLL, 200, "6"), at);
        let actions = s.drain();
        let polls = actions
            .iter()
            .filter(|a| matches!(a, Action::Fetch { id: POLL, .. }))
            .count();
        assert_eq!(polls, 1, "{actions:?}");
        assert!(
            actions.contains(&Action::SetTimer {
                id: POLL_TIMER,
                after_ms: 20 + 25_000 + PING_GRACE_MS - at
            }),
            "the same deadline: {actions:?}"
        );
    }
    s.feed(response(POLL, 200, "6"), 3_000);
    let outcome = s.finished();
    assert_eq!(hold(outcome).result, Some(PollingResult::NoPing));
}

#[test]
fn no_session_to_hold() {
    let mut s = start_all("");
    s.feed(
        response(POLL, 400, r#"{"code":0,"message":"Transport unknown"}"#),
        5,
    );
    assert_eq!(
        s.check.data.polling.as_ref().unwrap().result,
        Some(PollingResult::NoSession)
    );
}

#[test]
fn the_interim_waits_for_the_held_sessions_handshake_not_for_its_ping() {
    let mut s = start_all("");
    s.feed(response(HANDSHAKE, 200, OPEN_POLLING), 10);
    s.feed(Event::WsOpened { id: UPGRADE }, 12);
    s.feed(msg(UPGRADE, "3probe"), 14);
    healthy_direct_and_plain(&mut s);
    assert!(
        interims(&s.drain()).is_empty(),
        "probe 4's handshake is not in yet"
    );
    s.feed(response(POLL, 200, OPEN_25S), 300);
    let interim = interims(&s.drain());
    assert_eq!(interim.len(), 1);
    assert_eq!(
        interim[0].data.upgrade.result,
        Some(UpgradeResult::Upgraded)
    );
    assert_eq!(hold(&interim[0]).result, None, "still held");
}
