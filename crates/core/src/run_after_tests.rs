//! The run's rules after the first report: a configured lifetime, the
//! cross-pod probe, and when the run is done.

use super::*;

#[test]
fn a_configured_lifetime_is_observed_after_the_report() {
    let mut d = Driven::new("lifetime=30");
    d.finish_all_but(&[WEBRTC]);
    let hold_ms = crate::checks::lifetime_on_demand(&config("lifetime=30")).planned_ms();
    assert_eq!(
        d.finish(WEBRTC, CheckId::Webrtc),
        [
            "finished 7 pass".to_owned(),
            "stamp".into(),
            format!("completed {PAGE_ORDER}"),
            format!("observing connection-lifetime Some(9.0) Some({hold_ms}.0)"),
            "start 8 connection-lifetime".into(),
        ]
    );
    assert!(!d.run.done());
    assert_eq!(
        d.finish(AUTOMATIC, CheckId::ConnectionLifetime),
        ["observed connection-lifetime"]
    );
    assert!(d.run.done());
    // Without a lifetime, none is observed.
    let mut d = Driven::new("");
    let steps = d.finish_all_but(&[]);
    assert_eq!(steps.last().unwrap(), &format!("completed {PAGE_ORDER}"));
    assert!(!steps.iter().any(|s| s.contains("lifetime")), "{steps:?}");
    assert!(d.run.done());
}

#[test]
fn the_cross_pod_probe_starts_only_once_sticky_session_ended() {
    let mut d = Driven::new("companion=/conncheck");
    d.interim(STICKY, CheckId::StickySession);
    d.finish_all_but(&[STICKY, WEBRTC]);
    assert_eq!(
        d.finish(WEBRTC, CheckId::Webrtc),
        [
            "finished 7 pass".to_owned(),
            "stamp".into(),
            format!("completed {PAGE_ORDER}"),
            "observing sticky-session None None".into(),
            "observing cross-pod Some(9.0) None".into(),
        ]
    );
    assert!(!d.started_slots().contains(&AUTOMATIC));
    assert_eq!(
        d.finish(STICKY, CheckId::StickySession),
        ["observed sticky-session", "start 8 cross-pod"]
    );
    assert!(!d.run.done());
    assert_eq!(
        d.finish(AUTOMATIC, CheckId::CrossPod),
        ["observed cross-pod"]
    );
    assert!(d.run.done());

    // Sticky-session ended before the report: the probe starts with it.
    let mut d = Driven::new("companion=/conncheck");
    let steps = d.finish_all_but(&[]);
    assert_eq!(
        steps[steps.len() - 2..],
        ["observing cross-pod Some(9.0) None", "start 8 cross-pod"]
    );
}

#[test]
fn without_sticky_session_the_cross_pod_probe_waits_for_every_check() {
    let without_sticky: Vec<AnyCheck> = crate::checks::automatic(&config(""), &facts())
        .into_iter()
        .filter(|c| c.id() != CheckId::StickySession)
        .collect();
    let ids: Vec<CheckId> = without_sticky.iter().map(|c| c.id()).collect();
    let mut d = Driven::with(without_sticky, "companion=/conncheck");
    let upgrade = 3;
    d.interim(upgrade, CheckId::SocketioUpgrade);
    for (slot, id) in ids.into_iter().enumerate() {
        if slot != upgrade {
            d.finish(slot, id);
        }
    }
    assert!(!d.started_slots().contains(&7), "the probe waits");
    assert_eq!(
        d.finish(upgrade, CheckId::SocketioUpgrade),
        ["observed socketio-upgrade", "start 7 cross-pod"]
    );
}

/// The probe's first request answered 503, as nginx's `limit_req` does.
fn probe_result_after_503(d: &mut Driven) -> Option<CrossPodResult> {
    let (_, probe) = d
        .started
        .iter_mut()
        .find(|(_, c)| c.id() == CheckId::CrossPod)
        .expect("the probe started");
    probe.start(0);
    let actions = probe.handle(
        Event::HttpResponse {
            id: 1,
            status: 503,
            headers: vec![],
            body: "<html>503</html>".into(),
        },
        1,
    );
    let outcome = actions.into_iter().find_map(|a| match a {
        crate::check::Action::Finish(outcome) => Some(outcome),
        _ => None,
    });
    match outcome.expect("the probe ended").data {
        CheckData::CrossPod(data) => data.result.clone(),
        other => panic!("not the probe's data: {other:?}"),
    }
}

#[test]
fn the_cross_pod_probe_counts_a_503_as_a_limit_only_after_a_passed_handshake() {
    let mut passed = Driven::new("companion=/conncheck");
    passed.finish_all_but(&[]);
    assert_eq!(
        probe_result_after_503(&mut passed),
        Some(CrossPodResult::RateLimited {
            step: "handshake".into()
        })
    );

    let mut failed = Driven::new("companion=/conncheck");
    failed.feed(Fed::Finished {
        slot: HANDSHAKE,
        check: entry(CheckId::SocketioHandshake, Status::Fail),
    });
    failed.finish_all_but(&[HANDSHAKE]);
    assert!(matches!(
        probe_result_after_503(&mut failed),
        Some(CrossPodResult::Failed { .. })
    ));
}

#[test]
fn the_run_is_done_only_when_every_check_ended_after_the_report() {
    let mut d = Driven::new("lifetime=30&companion=/conncheck");
    assert!(!d.run.done());
    d.finish_all_but(&[]);
    assert_eq!(d.started_slots().len(), AUTOMATIC + 2);
    assert!(!d.run.done(), "lifetime and the probe go on");
    d.finish(AUTOMATIC, CheckId::ConnectionLifetime);
    assert!(!d.run.done(), "the probe goes on");
    d.finish(AUTOMATIC + 1, CheckId::CrossPod);
    assert!(d.run.done());
}
