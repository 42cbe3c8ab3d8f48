//! The derived values: built once per change of their sources, never on a
//! keystroke, and never left over from an earlier run.

use std::rc::Rc;

use super::super::tests::{report, start, PAGE};
use super::*;
use crate::page::Msg;

#[test]
fn note_keeps_the_description_and_leaves_the_derived_values_until_typing_pauses() {
    let state = start().reduce(Msg::Completed(report()));
    let mut derived = Derived::default();
    let before = derived.live(&state, PAGE).unwrap();
    assert_eq!(derived.builds(), 1);

    // Typing "Calls drop" one key at a time, the page rendering after each.
    let mut state = state;
    let words = "Calls drop";
    for end in 1..=words.len() {
        state = state.reduce(Msg::Note(words[..end].to_owned()));
        let shown = derived.live(&state, PAGE).unwrap();
        assert!(Rc::ptr_eq(&shown, &before), "no rebuild at {end} keys");
    }
    assert_eq!(&*state.note, words);
    assert_eq!(
        state.published().unwrap().0.user_note.as_deref(),
        Some(words)
    );
    assert_eq!(
        state.report.as_ref().unwrap().user_note,
        None,
        "the source report stays as run"
    );
    assert_eq!(
        derived.builds(),
        1,
        "{} keystrokes serialized and compressed the report no more",
        words.len()
    );
    assert!(state.settled < state.revision);

    let state = state.reduce(Msg::Settle);
    let after = derived.live(&state, PAGE).unwrap();
    assert_eq!(derived.builds(), 2, "one build once typing paused");
    assert_eq!(after.report.user_note.as_deref(), Some(words));
    assert!(after.json.contains("\"user_note\": \"Calls drop\""));
    assert!(after.text.contains("User's description: Calls drop"));
    assert_eq!(
        crate::share::decode(&after.link)
            .unwrap()
            .user_note
            .as_deref(),
        Some(words)
    );
    derived.live(&state, PAGE);
    derived.live(&state.clone().reduce(Msg::Tick(9.0)), PAGE);
    assert_eq!(derived.builds(), 2, "renders without a change reuse it");
}

#[test]
fn a_report_arriving_while_the_user_types_takes_the_description_so_far() {
    let state = start()
        .reduce(Msg::Note("half a sen".into()))
        .reduce(Msg::Completed(report()));
    assert_eq!(state.settled, state.revision);
    let published = Derived::default().live(&state, PAGE).unwrap();
    assert_eq!(published.report.user_note.as_deref(), Some("half a sen"));
}

/// What the page's deflate effect hands back for the state's settled revision.
fn deflated<S>(state: &crate::page::State<S>) -> Deflated {
    let (report, view) = state.published().unwrap();
    let json = crate::share::share_json(&report, &view);
    Deflated {
        settled: state.settled,
        report: Rc::new(report),
        view,
        bytes: crate::share::stored_deflate(&json).into(),
    }
}

#[test]
fn deflated_elsewhere_the_values_wait_for_their_revision_and_keep_the_last() {
    let mut derived = Derived::default();
    let state = start();
    assert_eq!(derived.live_deflated(&state, PAGE, None), None);
    assert!(derived.is_current(&state), "no report: nothing to wait for");

    let state = state.reduce(Msg::Completed(report()));
    assert_eq!(derived.live_deflated(&state, PAGE, None), None);
    assert!(!derived.is_current(&state));
    let first = deflated(&state);
    let built = derived.live_deflated(&state, PAGE, Some(&first)).unwrap();
    assert!(derived.is_current(&state));
    let shared = crate::report::Report {
        findings: built.view.listed(),
        ..built.report.clone()
    };
    assert_eq!(crate::share::decode(&built.link), Ok(shared.clone()));
    assert_eq!(crate::share::decode(&built.text), Ok(shared));
    assert_eq!(built.json.as_ref(), built.view.json(&built.report));

    // The description settles: the last values stay until their payload.
    let state = state
        .reduce(Msg::Note("Calls drop".into()))
        .reduce(Msg::Settle);
    let stale = derived.live_deflated(&state, PAGE, Some(&first)).unwrap();
    assert!(Rc::ptr_eq(&stale, &built));
    assert!(!derived.is_current(&state));
    let second = deflated(&state);
    let after = derived.live_deflated(&state, PAGE, Some(&second)).unwrap();
    assert_eq!(after.report.user_note.as_deref(), Some("Calls drop"));
    assert!(Rc::ptr_eq(
        &derived.live_deflated(&state, PAGE, Some(&second)).unwrap(),
        &after
    ));
    assert_eq!(derived.builds(), 2);

    // Run again: nothing of the earlier run is shown.
    let state = state.reduce(Msg::Reset);
    assert_eq!(derived.live_deflated(&state, PAGE, Some(&second)), None);
    let state = state.reduce(Msg::Completed(report()));
    assert_eq!(derived.live_deflated(&state, PAGE, Some(&second)), None);
}

#[test]
fn copy_right_after_typing_takes_the_words_typed_so_far() {
    let state = start().reduce(Msg::Completed(report()));
    let mut derived = Derived::default();
    let built = derived.live(&state, PAGE).unwrap();
    // Nothing typed since: what Copy takes is what was built.
    assert!(Rc::ptr_eq(
        &derived.published_now(&state, PAGE).unwrap(),
        &built
    ));
    // Typed, no pause yet: the values built wait, Copy does not.
    let state = state.reduce(Msg::Note("it drops at noon".into()));
    assert!(!derived.live(&state, PAGE).unwrap().text.contains("noon"));
    let now = derived.published_now(&state, PAGE).unwrap();
    assert_eq!(
        now.report.user_note.as_deref(),
        Some("it drops at noon"),
        "{:?}",
        now.report.user_note
    );
    // Its link opens to the same report (stored DEFLATE blocks).
    let shared = crate::share::decode(&now.link).unwrap();
    assert_eq!(shared.user_note.as_deref(), Some("it drops at noon"));
}

#[test]
fn a_report_is_shown_once_its_link_is_built() {
    let mut derived = Derived::default();
    let state = State::<()>::default().reduce(Msg::Completed(report()));
    assert_eq!(
        derived.reports_shown(&state),
        0,
        "copy text and link not built yet"
    );
    derived.live_deflated(&state, PAGE, Some(&deflated(&state)));
    assert_eq!(derived.reports_shown(&state), 1);
    let later = state.reduce(Msg::Note("typing".into()));
    assert_eq!(
        derived.reports_shown(&later),
        1,
        "the count never goes back"
    );
}
