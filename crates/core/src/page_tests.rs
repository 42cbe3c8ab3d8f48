//! The reducer, one message at a time: what state each leads to; and the
//! derived values, built once per change of their sources.

use std::rc::Rc;

use super::*;
use crate::catalog::{CheckId, FindingId};
use crate::check::{Outcome, Status};
use crate::checks::lifetime::{match_limit, LifetimeData, PlatformHints};
use crate::config::{resolve, FileLoad};
use crate::report::{Environment, Page, ReportCheck};

pub(crate) const PAGE: &str = "http://127.0.0.1:1/";

pub(crate) fn config() -> Config {
    resolve(
        &crate::weburl::Url::parse(PAGE).unwrap(),
        &FileLoad::NotFound,
        "",
    )
}

pub(crate) fn report() -> Report {
    Report::assemble(
        "0",
        "2026-11-21T00:00:00Z".into(),
        Page {
            origin: "http://127.0.0.1:1".into(),
            path: "/".into(),
            secure_context: true,
        },
        ReportConfig::from(&config()),
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

pub(crate) fn check(id: CheckId, status: Status, summary: &str) -> ReportCheck {
    ReportCheck::new(
        id,
        Outcome {
            status,
            summary: summary.into(),
            data: crate::checks::CheckData::from_json(id, serde_json::json!({})),
        },
        1,
    )
}

pub(crate) fn start() -> State {
    State::default()
}

pub(crate) fn planned() -> State {
    start().reduce(Msg::Planned {
        effective: Rc::new(config()),
        checks: vec![
            (CheckId::SecureContext, None),
            (CheckId::ConnectionLifetime, Some(10_000.0)),
        ],
    })
}

#[test]
fn planned_shows_every_check_waiting_and_keeps_the_configuration() {
    let state = planned();
    assert_eq!(state.phase, Phase::Running);
    assert_eq!(
        state.checks,
        [
            CheckRow {
                id: CheckId::SecureContext,
                state: RowState::Waiting,
                expected_ms: None,
            },
            CheckRow {
                id: CheckId::ConnectionLifetime,
                state: RowState::Waiting,
                expected_ms: Some(10_000.0),
            },
        ]
    );
    assert_eq!(state.config.as_deref(), Some(&config()));
    assert_eq!(
        state.report_config(),
        Some(ReportConfig::from(&config())),
        "the report's configuration is derived, not stored"
    );
}

#[test]
fn started_runs_its_row_and_moves_the_clock_forward_only() {
    let state = planned().reduce(Msg::Started {
        index: 1,
        at_ms: 40.0,
    });
    assert_eq!(state.checks[1].state, RowState::Running { since_ms: 40.0 });
    assert_eq!(state.checks[0].state, RowState::Waiting);
    assert_eq!(state.now_ms, 40.0);
    let state = state.reduce(Msg::Started {
        index: 0,
        at_ms: 10.0,
    });
    assert_eq!(
        state.now_ms, 40.0,
        "an earlier start does not turn the clock back"
    );
    let state = state.reduce(Msg::Started {
        index: 9,
        at_ms: 50.0,
    });
    assert_eq!(state.checks.len(), 2, "an unknown row is ignored");
}

#[test]
fn finished_puts_the_check_on_its_row_without_a_report_yet() {
    let done = check(CheckId::SecureContext, Status::Pass, "https");
    let state = planned().reduce(Msg::Finished {
        index: 0,
        check: done.clone(),
    });
    assert_eq!(state.checks[0].state, RowState::Finished(done));
    assert_eq!(
        (state.phase, state.reports, state.revision),
        (Phase::Running, 0, 0)
    );
    assert!(state.report.is_none());
}

#[test]
fn tick_sets_the_clock() {
    let state = planned().reduce(Msg::Tick(1234.0));
    assert_eq!(state.now_ms, 1234.0);
    assert_eq!(state.checks, planned().checks);
}

#[test]
fn user_check_reruns_diagnosis() {
    let state = start().reduce(Msg::Completed(report()));
    assert_eq!(state.phase, Phase::Done);
    let state = state.reduce(Msg::UserStarted {
        id: CheckId::ConnectionLifetime,
        at_ms: 5.0,
        expected_ms: Some(120_000.0),
    });
    assert_eq!(state.phase, Phase::Running);
    assert_eq!(state.checks.len(), 1);
    assert_eq!(
        (state.checks[0].state.clone(), state.checks[0].expected_ms),
        (RowState::Running { since_ms: 5.0 }, Some(120_000.0))
    );
    assert_eq!(state.user_running, 1);
    assert!(!state.user_may_start(), "one user check at a time");
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
        data: crate::checks::CheckData::ConnectionLifetime(std::rc::Rc::new(data)),
    };
    let state = state.reduce(Msg::UserFinished(ReportCheck::new(
        CheckId::ConnectionLifetime,
        outcome,
        3005,
    )));
    assert_eq!(state.phase, Phase::Done);
    assert_eq!(state.user_running, 0);
    assert_eq!(state.reports, 2);
    let report = state.report.as_ref().unwrap();
    assert_eq!(report.checks.len(), 1);
    assert_eq!(
        state
            .view
            .as_ref()
            .unwrap()
            .findings
            .iter()
            .map(|f| f.id)
            .collect::<Vec<_>>(),
        [FindingId::ConnectionCut]
    );
    let published = Derived::default().live(&state, PAGE).unwrap();
    assert!(published.json.contains("connection-cut"));
}

#[test]
fn an_observation_after_the_report_keeps_it_complete_and_updates_it() {
    let state = start();
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
    assert_eq!(state.observing, 1);
    assert!(
        state.user_may_start(),
        "an observation does not block the user's own tests"
    );
    assert!(state.checks.is_empty(), "no card restarts without at_ms");
    let ended = check(CheckId::SocketioUpgrade, Status::Pass, "pinged");
    let state = state.reduce(Msg::Observed(ended.clone()));
    assert_eq!((state.phase, state.reports), (Phase::Done, 2));
    assert_eq!(state.observing, 0);
    let report = state.report.as_ref().unwrap();
    assert_eq!(report.checks[0], ended);
    let published = Derived::default().live(&state, PAGE).unwrap();
    assert_eq!(published.view.checks[0].check, ended);
    assert!(published.json.contains(&published.view.checks[0].summary));
}

#[test]
fn observing_with_a_time_restarts_the_card_with_its_expected_length() {
    let state = planned()
        .reduce(Msg::Completed(report()))
        .reduce(Msg::Observing {
            id: CheckId::ConnectionLifetime,
            at_ms: Some(70.0),
            expected_ms: Some(30_000.0),
        });
    let row = &state.checks[1];
    assert_eq!(row.state, RowState::Running { since_ms: 70.0 });
    assert_eq!(row.expected_ms, Some(30_000.0));
    assert_eq!(state.now_ms, 70.0);
}

#[test]
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
    let state = start()
        .reduce(Msg::Completed(report()))
        .reduce(lifetime)
        .reduce(started(CheckId::Media));
    assert!(!state.user_may_start());
    let finished = |id| check(id, Status::Skip, "");
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

#[test]
fn a_check_ending_before_any_report_only_updates_its_card() {
    let state = start().reduce(Msg::Observed(check(CheckId::Media, Status::Pass, "ok")));
    assert_eq!(state.checks.len(), 1);
    assert!(state.report.is_none());
    assert_eq!((state.reports, state.phase), (0, Phase::Running));
}
