//! The look without a user gesture: permission states, device counts,
//! secure context; it never asks.

use super::*;
use crate::check::Status;
use crate::harness::Script;

/// The check's outcome, its data as the check's own type (`harness::typed`).
type Outcome = crate::check::Outcome<MediaData>;

pub(super) fn facts(camera: PermissionState, cameras: u32, microphones: u32) -> MediaFacts {
    MediaFacts {
        api: true,
        camera,
        microphone: PermissionState::Prompt,
        cameras,
        microphones,
        speakers: 1,
        ..Default::default()
    }
}

pub(super) fn passive(secure: bool, f: MediaFacts) -> Outcome {
    let mut s = Script::start(MediaCheck::new(secure, false), 0);
    s.feed(
        Event::MediaFacts {
            id: BEFORE,
            facts: f,
        },
        3,
    );
    s.finished().clone()
}

pub(super) fn err(name: &str, message: &str) -> MediaError {
    MediaError {
        name: name.into(),
        message: message.into(),
    }
}

pub(super) fn data(o: &Outcome) -> MediaData {
    o.data.clone()
}

#[test]
fn passive_outcomes() {
    let table = [
        (
            false,
            facts(PermissionState::Prompt, 1, 1),
            Status::Fail,
            "not a secure context",
        ),
        (
            true,
            MediaFacts::default(),
            Status::Fail,
            "navigator.mediaDevices is missing",
        ),
        (
            true,
            facts(PermissionState::Denied, 1, 1),
            Status::Fail,
            "camera is blocked for this site",
        ),
        (
            true,
            MediaFacts {
                policy_microphone: Some(false),
                ..facts(PermissionState::Prompt, 1, 1)
            },
            Status::Fail,
            "Permissions-Policy",
        ),
        (
            true,
            facts(PermissionState::Prompt, 0, 0),
            Status::Warn,
            "No camera or microphone",
        ),
        (
            true,
            facts(PermissionState::Prompt, 1, 2),
            Status::Skip,
            "(1 camera, 2 microphones found)",
        ),
    ];
    for (secure, f, status, words) in table {
        let o = passive(secure, f);
        assert_eq!(o.status, status, "{}", o.summary);
        assert!(o.summary.contains(words), "{} lacks {words}", o.summary);
    }
}

#[test]
fn passive_look_never_asks() {
    let mut s = Script::start(MediaCheck::new(true, false), 0);
    s.feed(
        Event::MediaFacts {
            id: BEFORE,
            facts: facts(PermissionState::Prompt, 1, 1),
        },
        3,
    );
    assert!(!s
        .actions
        .iter()
        .any(|a| matches!(a, Action::GetUserMedia { .. })));
}
