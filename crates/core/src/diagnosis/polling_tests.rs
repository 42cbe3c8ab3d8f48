//! `polling-cut` from probe 4's data: when it is found, how severe, and
//! which limit it names.

use super::*;
use crate::check::Millis;
use crate::checks::upgrade::{DirectPath, PollingHold, PollingResult, UpgradePath};
use crate::classify::{classify, StepResult};

fn upgrade(up: UpgradeResult, hold: PollingHold) -> UpgradeData {
    UpgradeData {
        url: None,
        upgrade: UpgradePath {
            result: Some(up),
            ..Default::default()
        },
        websocket_only: DirectPath {
            result: Some(DirectResult::ClosedBeforeOpen),
            ..Default::default()
        },
        plain_get: None,
        polling: Some(hold),
    }
}

fn answered(ms: Millis, status: u16, body: &str) -> HttpStep {
    let headers = [("server".to_owned(), "envoy".to_owned())];
    HttpStep::answered(ms, classify(status, &headers, body).0)
}

fn envoy_cut(ms: Millis, body: &str) -> PollingHold {
    PollingHold {
        result: Some(PollingResult::Cut),
        ping_interval_ms: Some(25_000),
        handshake_ms: Some(4),
        poll: Some(answered(ms, 504, body)),
        after: Some(answered(
            5,
            400,
            r#"{"code":1,"message":"Session ID unknown"}"#,
        )),
    }
}

#[test]
fn envoys_default_route_timeout_is_named_with_the_session_lost() {
    let up = upgrade(
        UpgradeResult::Upgraded,
        envoy_cut(15_002, "upstream request timeout"),
    );
    let f = finding_for(Some(&up)).unwrap();
    assert_eq!(
        (f.id, f.severity),
        (FindingId::PollingCut, Severity::Warning)
    );
    assert_eq!(
        f.evidence[0],
        "A polling session's long-poll was cut after 15.0 s: HTTP 504 from a hop, not Engine.IO"
    );
    assert!(f.evidence.iter().any(|e| e.contains("the cut ended it")));
    assert!(f
        .evidence
        .iter()
        .any(|e| e == "Most likely: Envoy's route timeout at its default of 15 s: the route for the Socket.IO path sets no timeout"));
    assert!(f.fixes.iter().any(|x| x.platform == Platform::GatewayApi));
}

#[test]
fn a_cut_where_websockets_fail_too_is_critical() {
    let up = upgrade(
        UpgradeResult::ClosedBeforeOpen,
        envoy_cut(15_000, "upstream request timeout"),
    );
    let f = finding_for(Some(&up)).unwrap();
    assert_eq!(f.severity, Severity::Critical);
    assert!(f.title.starts_with("Live updates will keep dropping"));
}

#[test]
fn idle_and_other_limits_are_named_by_their_own_marks_or_the_time() {
    let up = upgrade(UpgradeResult::Upgraded, envoy_cut(10_001, "stream timeout"));
    let f = finding_for(Some(&up)).unwrap();
    assert!(f
        .evidence
        .iter()
        .any(|e| e.contains("stream_idle_timeout of about 10.0 s")));
    let mut hold = envoy_cut(7_000, "Gateway Timeout");
    hold.poll = Some(HttpStep::answered(
        7_000,
        classify(504, &[], "Gateway Timeout").0,
    ));
    let f = finding_for(Some(&upgrade(UpgradeResult::Upgraded, hold))).unwrap();
    assert!(f
        .evidence
        .iter()
        .any(|e| e.contains("a request or idle timeout of about 7 s")));
}

#[test]
fn no_finding_unless_what_was_observed_is_a_cut() {
    let judged = |poll: HttpStep, after: Option<HttpStep>| {
        let mut hold = envoy_cut(0, "");
        (hold.poll, hold.after) = (Some(poll), after);
        finding_for(Some(&upgrade(UpgradeResult::Upgraded, hold))).map(|f| f.id)
    };
    let packets = || answered(20, 200, "6");
    let gone = || answered(5, 400, r#"{"code":1,"message":"Session ID unknown"}"#);
    let failed = |ms| HttpStep {
        ms,
        result: StepResult::NetworkError {
            message: "TypeError: network error".into(),
        },
    };
    // A forged `result: cut` over a poll answered at once with packets.
    assert_eq!(judged(answered(50, 200, "2"), None), None);
    // Rate limits and refusals, however late.
    assert_eq!(judged(answered(15_000, 429, ""), None), None);
    assert_eq!(judged(answered(15_000, 403, "<html>no</html>"), None), None);
    // Too soon to be a timeout: the handshake took 4 ms.
    assert_eq!(
        judged(answered(999, 504, "upstream request timeout"), None),
        None
    );
    // A failed request the session survived: the browser's own, maybe.
    assert_eq!(judged(failed(12_000), Some(packets())), None);
    assert_eq!(judged(failed(12_000), None), None);
    // A failed request after which the session was gone: a cut.
    assert_eq!(
        judged(failed(12_000), Some(gone())),
        Some(FindingId::PollingCut)
    );
    assert_eq!(
        judged(answered(15_000, 504, ""), Some(packets())),
        Some(FindingId::PollingCut)
    );
    let mut old = upgrade(UpgradeResult::Upgraded, PollingHold::default());
    old.polling = None;
    assert!(
        finding_for(Some(&old)).is_none(),
        "a report from before probe 4"
    );
}

#[test]
fn a_slow_handshake_raises_the_bar_for_a_cut() {
    let mut hold = envoy_cut(2_000, "upstream request timeout");
    hold.handshake_ms = Some(800);
    assert!(finding_for(Some(&upgrade(UpgradeResult::Upgraded, hold.clone()))).is_none());
    hold.poll = Some(answered(2_400, 504, "upstream request timeout"));
    assert!(finding_for(Some(&upgrade(UpgradeResult::Upgraded, hold))).is_some());
}
