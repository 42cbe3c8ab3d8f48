//! The reducer's messages about the published report: a complete report,
//! the user's description, a new run, a pause in typing.

use super::tests::*;
use super::*;

#[test]
fn completed_publishes_the_report_and_its_derived_values_at_once() {
    let state = planned().reduce(Msg::Completed(report()));
    assert_eq!((state.phase, state.reports), (Phase::Done, 1));
    assert_eq!(state.report.as_deref(), Some(&report()));
    assert!(state.user_may_start());
    assert_eq!(state.settled, state.revision);
    let mut derived = Derived::default();
    let published = derived.live(&state, PAGE).unwrap();
    assert_eq!(published.report, report());
    assert!(published.json.contains("\"schema\": \"conncheck/1\""));
    assert!(published.text.contains("conncheck-report:1:"));
    assert!(published.link.starts_with("http://127.0.0.1:1/#report="));
    assert_eq!(crate::share::decode(&published.link).unwrap().checks, []);
}

#[test]
fn note_keeps_the_description_for_the_report_without_rebuilding_it_yet() {
    let state = start().reduce(Msg::Completed(report()));
    let revision = state.revision;
    let state = state.reduce(Msg::Note("  Calls drop ".into()));
    assert_eq!(&*state.note, "  Calls drop ");
    assert_eq!(state.revision, revision + 1);
    assert_eq!(
        state.settled, revision,
        "the derived values wait for a pause"
    );
    assert_eq!(
        state.published().unwrap().0.user_note.as_deref(),
        Some("Calls drop"),
        "the report takes it trimmed"
    );
    assert_eq!(state.report.as_ref().unwrap().user_note, None);
}

#[test]
fn reset_starts_over_but_keeps_the_description_and_never_reuses_a_revision() {
    let mut derived = Derived::default();
    let state = planned()
        .reduce(Msg::Note("my words".into()))
        .reduce(Msg::Completed(report()))
        .reduce(Msg::Preview {
            kind: MediaKind::Video,
            stream: Some(()),
        });
    let first = derived.live(&state, PAGE).unwrap();
    let state = state.reduce(Msg::Reset);
    assert_eq!(&*state.note, "my words");
    assert_eq!(state.preview.video, Some(()), "a preview is not the run's");
    assert_eq!(
        (state.phase, state.reports, state.checks.len()),
        (Phase::Running, 0, 0)
    );
    assert!(state.report.is_none() && state.config.is_none());
    assert!(derived.live(&state, PAGE).is_none(), "nothing to share yet");
    let mut second_report = report();
    second_report.created_at = "2026-11-21T00:01:00Z".into();
    let state = state.reduce(Msg::Completed(second_report));
    let second = derived.live(&state, PAGE).unwrap();
    assert_ne!(
        first.json, second.json,
        "the new run's report, not the cached one"
    );
    assert!(second.json.contains("00:01:00Z") && second.json.contains("my words"));
}

#[test]
fn settle_catches_the_derived_values_up_and_is_idempotent() {
    let state = start().reduce(Msg::Note("a".into()));
    assert_eq!((state.revision, state.settled), (1, 0));
    let state = state.reduce(Msg::Settle);
    assert_eq!((state.revision, state.settled), (1, 1));
    assert_eq!(state.clone().reduce(Msg::Settle), state);
}
