//! The reducer: a user-started check takes the page back to "running", and
//! its end replaces the check in the report and diagnoses again.

use std::rc::Rc;

use conncheck::state::{Msg, Phase, State};
use conncheck_core::catalog::{CheckId, FindingId};
use conncheck_core::check::{Outcome, Status};
use conncheck_core::checks::lifetime::{match_limit, LifetimeData, PlatformHints};
use conncheck_core::checks::CheckData;
use conncheck_core::config::{resolve, FileLoad, ReportConfig};
use conncheck_core::report::{Environment, Page, Report, ReportCheck};
use wasm_bindgen_test::*;
use yew::Reducible;

fn report() -> Report {
    let url = url::Url::parse("http://127.0.0.1:1/").unwrap();
    let config = resolve(&url, &FileLoad::NotFound, "");
    Report::assemble(
        "0",
        "2026-11-21T00:00:00Z".into(),
        Page {
            origin: "http://127.0.0.1:1".into(),
            path: "/".into(),
            secure_context: true,
        },
        ReportConfig::from(&config),
        Environment {
            user_agent: "x".into(),
            platform: "x".into(),
            languages: vec![],
            online: true,
            connection: None,
        },
        vec![],
    )
}

#[wasm_bindgen_test]
fn user_check_reruns_diagnosis() {
    let state = Rc::new(State::default()).reduce(Msg::Completed(report()));
    assert_eq!(state.phase, Phase::Done);
    let state = state.reduce(Msg::UserStarted {
        id: CheckId::ConnectionLifetime,
        at_ms: 5.0,
        expected_ms: Some(120_000.0),
    });
    assert_eq!(state.phase, Phase::Running);
    assert_eq!(state.checks.len(), 1);
    let data = LifetimeData {
        hold_s: 120,
        opened: true,
        open_ms: Some(3),
        lifetime_ms: Some(3000),
        held: false,
        close: None,
        ping_interval_ms: Some(5000),
        pings_answered: 0,
        last_ping_before_close_ms: None,
        hints: PlatformHints::default(),
        matched_limit: Some(match_limit(3000, Some(5000), &PlatformHints::default())),
    };
    let outcome = Outcome {
        status: Status::Fail,
        summary: "cut".into(),
        data: data.into(),
    };
    let state = state.reduce(Msg::UserFinished(ReportCheck::new(
        CheckId::ConnectionLifetime,
        outcome,
        3005,
    )));
    assert_eq!(state.phase, Phase::Done);
    let report = state.report.as_ref().unwrap();
    assert_eq!(report.checks.len(), 1);
    assert_eq!(
        report.findings.iter().map(|f| f.id).collect::<Vec<_>>(),
        [FindingId::ConnectionCut]
    );
    assert!(state.report_json.contains("connection-cut"));
}

#[wasm_bindgen_test]
fn an_observation_after_the_report_keeps_it_complete_and_updates_it() {
    let state = Rc::new(State::default());
    assert_eq!((state.phase, state.reports), (Phase::Running, 0));
    let state = state.reduce(Msg::Completed(report()));
    assert_eq!((state.phase, state.reports), (Phase::Done, 1));
    let state = state.reduce(Msg::Observing {
        id: CheckId::SocketioUpgrade,
        at_ms: None,
        expected_ms: None,
    });
    assert_eq!(state.phase, Phase::Running, "the hook goes back to running");
    assert_eq!(state.reports, 1, "the first report stays published");
    assert!(
        state.user_may_start(),
        "an observation does not block the user's own tests"
    );
    assert!(state.checks.is_empty(), "no card restarts without at_ms");
    let ended = ReportCheck::new(
        CheckId::SocketioUpgrade,
        Outcome {
            status: Status::Pass,
            summary: "pinged".into(),
            data: CheckData::from_json(CheckId::SocketioUpgrade, serde_json::json!({})),
        },
        25_000,
    );
    let state = state.reduce(Msg::Observed(ended));
    assert_eq!((state.phase, state.reports), (Phase::Done, 2));
    let report = state.report.as_ref().unwrap();
    assert_eq!(report.checks[0].summary, "pinged");
    assert!(state.report_json.contains("pinged"));
}

#[wasm_bindgen_test]
fn the_state_is_done_only_when_observations_and_user_checks_all_ended() {
    let started = |id| Msg::UserStarted {
        id,
        at_ms: 1.0,
        expected_ms: None,
    };
    let lifetime = Msg::Observing {
        id: CheckId::ConnectionLifetime,
        at_ms: Some(2.0),
        expected_ms: Some(10_000.0),
    };
    let state = Rc::new(State::default())
        .reduce(Msg::Completed(report()))
        .reduce(lifetime)
        .reduce(started(CheckId::Media));
    assert!(!state.user_may_start());
    let finished = |id| {
        ReportCheck::new(
            id,
            Outcome {
                status: Status::Skip,
                summary: String::new(),
                data: CheckData::from_json(id, serde_json::json!({})),
            },
            1,
        )
    };
    let state = state.reduce(Msg::UserFinished(finished(CheckId::Media)));
    assert_eq!(
        state.phase,
        Phase::Running,
        "the lifetime is still observed"
    );
    let state = state.reduce(Msg::Observed(finished(CheckId::ConnectionLifetime)));
    assert_eq!(state.phase, Phase::Done);
    assert_eq!(state.report.as_ref().unwrap().checks.len(), 2);
}
