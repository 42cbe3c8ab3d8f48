//! The button's test: it asks for each kind, previews, stops, and maps
//! refusals, busy devices and unanswered prompts to problems.

use super::passive_tests::*;
use super::*;
use crate::check::Status;
use crate::harness::Script;

#[test]
fn granted_test_previews_stops_and_reports_what_was_obtained() {
    let mut s = Script::start(MediaCheck::new(true, true), 0);
    s.drain();
    s.feed(
        Event::MediaFacts {
            id: BEFORE,
            facts: facts(PermissionState::Prompt, 1, 1),
        },
        3,
    );
    let asked = s.drain();
    assert!(asked.contains(&Action::GetUserMedia {
        id: AUDIO,
        kind: MediaKind::Audio
    }));
    assert!(asked.contains(&Action::GetUserMedia {
        id: VIDEO,
        kind: MediaKind::Video
    }));
    let video = TrackFacts {
        width: Some(640),
        height: Some(480),
        frame_rate: Some(30.0),
        ..Default::default()
    };
    let audio = TrackFacts {
        sample_rate: Some(48000),
        channel_count: Some(1),
        ..Default::default()
    };
    s.feed(
        Event::MediaGranted {
            id: VIDEO,
            track: video,
        },
        50,
    );
    assert!(s.drain().is_empty(), "waits for the other kind");
    s.feed(
        Event::MediaGranted {
            id: AUDIO,
            track: audio,
        },
        60,
    );
    assert_eq!(
        s.drain(),
        [Action::SetTimer {
            id: PREVIEW_TIMER,
            after_ms: PREVIEW_MS
        }]
    );
    s.feed(Event::Timeout { id: PREVIEW_TIMER }, 4060);
    let stop = s.drain();
    assert!(
        stop.contains(&Action::StopMedia { id: AUDIO })
            && stop.contains(&Action::StopMedia { id: VIDEO })
    );
    s.feed(
        Event::MediaFacts {
            id: AFTER,
            facts: MediaFacts {
                labels_visible: true,
                ..facts(PermissionState::Granted, 1, 1)
            },
        },
        4070,
    );
    let o = s.finished();
    assert_eq!(o.status, Status::Pass);
    assert_eq!(
        o.summary,
        "Camera works (640×480 at 30 fps); microphone works (48000 Hz)."
    );
    assert!(data(o).after.unwrap().labels_visible);
}

#[test]
fn errors_map_to_problems() {
    let table = [
        (
            "NotAllowedError",
            "Permission denied",
            MediaProblem::PermissionDenied,
        ),
        (
            "NotAllowedError",
            "Permission denied by system",
            MediaProblem::PermissionDeniedBySystem,
        ),
        (
            "NotFoundError",
            "Requested device not found",
            MediaProblem::DeviceMissing,
        ),
        (
            "NotReadableError",
            "Could not start video source",
            MediaProblem::DeviceInUse,
        ),
        ("OverconstrainedError", "", MediaProblem::Overconstrained),
        ("SecurityError", "", MediaProblem::Insecure),
        ("AbortError", "", MediaProblem::Aborted),
        ("TypeError", "undefined", MediaProblem::ApiMissing),
        ("WeirdError", "", MediaProblem::Other),
    ];
    for (name, message, problem) in table {
        assert_eq!(err(name, message).problem(), problem, "{name} {message}");
    }
}

#[test]
fn refused_and_busy_devices_fail_with_plain_words() {
    let mut s = Script::start(MediaCheck::new(true, true), 0);
    s.feed(
        Event::MediaFacts {
            id: BEFORE,
            facts: facts(PermissionState::Prompt, 1, 1),
        },
        3,
    );
    s.feed(
        Event::MediaFailed {
            id: VIDEO,
            error: err("NotReadableError", "Could not start video source"),
        },
        10,
    );
    s.feed(
        Event::MediaFailed {
            id: AUDIO,
            error: err("NotAllowedError", "Permission denied"),
        },
        11,
    );
    s.feed(
        Event::MediaFacts {
            id: AFTER,
            facts: facts(PermissionState::Denied, 1, 1),
        },
        12,
    );
    let o = s.finished();
    assert_eq!(o.status, Status::Fail);
    assert_eq!(o.summary, "The camera is busy in another application or failed to start; access to the microphone was refused for this site.");
    assert_eq!(
        data(o).audio.unwrap().problem,
        Some(MediaProblem::PermissionDenied)
    );
}

#[test]
fn an_unanswered_prompt_times_out() {
    let mut s = Script::start(MediaCheck::new(true, true), 0);
    s.feed(
        Event::MediaFacts {
            id: BEFORE,
            facts: facts(PermissionState::Prompt, 1, 1),
        },
        3,
    );
    s.feed(
        Event::MediaGranted {
            id: AUDIO,
            track: TrackFacts::default(),
        },
        10,
    );
    s.feed(Event::Timeout { id: STEP_TIMER }, PROMPT_TIMEOUT_MS);
    s.feed(
        Event::Timeout { id: STEP_TIMER },
        PROMPT_TIMEOUT_MS + STEP_TIMEOUT_MS,
    );
    let o = s.finished();
    assert_eq!(data(o).video.unwrap().problem, Some(MediaProblem::NoAnswer));
    assert!(o
        .summary
        .contains("request for the camera was not answered"));
}

#[test]
fn insecure_context_does_not_ask() {
    let mut s = Script::start(MediaCheck::new(false, true), 0);
    s.feed(
        Event::MediaFacts {
            id: BEFORE,
            facts: MediaFacts::default(),
        },
        3,
    );
    assert!(!s
        .actions
        .iter()
        .any(|a| matches!(a, Action::GetUserMedia { .. })));
    assert!(s.finished().summary.contains("not a secure context"));
}
