//! The reducer's messages about the support view (a second wasm module):
//! a shared report opening, shown, or refused with the reason.

use super::tests::*;
use super::*;

#[test]
fn opening_a_link_or_a_paste_waits_and_shown_clears_the_reasons() {
    let live = planned().reduce(Msg::Completed(report()));
    let state = live.clone().reduce(Msg::OpeningShared { pasted: false });
    assert_eq!(state.support, Support::OpeningLink);
    let state = state
        .reduce(Msg::PasteFailed("This report cannot be opened: x.".into()))
        .reduce(Msg::OpeningShared { pasted: true });
    assert_eq!(state.support, Support::OpeningPaste);
    assert_eq!(
        state.paste_error.as_deref(),
        Some("This report cannot be opened: x."),
        "the reason stays beside the box while the next paste opens"
    );
    let state = state.reduce(Msg::SharedShown);
    assert_eq!(state.support, Support::Shown);
    assert_eq!((state.paste_error, state.import_error), (None, None));
    assert_eq!(
        state.report, live.report,
        "the live run's report stays as it was, apart from the shared one"
    );
}

#[test]
fn import_failed_shows_why_and_nothing_runs() {
    let state = start()
        .reduce(Msg::OpeningShared { pasted: false })
        .reduce(Msg::ImportFailed(
            "The report link cannot be opened: x.".into(),
        ));
    assert_eq!(
        state.import_error.as_deref(),
        Some("The report link cannot be opened: x.")
    );
    assert_eq!(state.phase, Phase::Done);
    assert_eq!(state.support, Support::Idle);
}

#[test]
fn a_refused_paste_says_why_and_leaves_the_live_run_alone() {
    let state = planned()
        .reduce(Msg::Completed(report()))
        .reduce(Msg::OpeningShared { pasted: true })
        .reduce(Msg::PasteFailed("This report cannot be opened: x.".into()));
    assert_eq!(state.support, Support::Idle);
    assert_eq!(
        state.paste_error.as_deref(),
        Some("This report cannot be opened: x.")
    );
    assert_eq!(state.import_error, None);
    assert!(state.report.is_some() && state.phase == Phase::Done);
}

#[test]
fn a_link_refused_while_a_run_goes_on_leaves_the_run_its_phase() {
    let state = planned()
        .reduce(Msg::OpeningShared { pasted: false })
        .reduce(Msg::ImportFailed(
            "The report link cannot be opened: x.".into(),
        ));
    assert_eq!(state.phase, Phase::Running, "the checks still run");
    let state = state.reduce(Msg::Completed(report()));
    assert_eq!(state.phase, Phase::Done);
    assert!(state.import_error.is_some());
}
