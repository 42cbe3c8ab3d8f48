//! `media`'s judgement and its words: status and summary from its data,
//! and plain words for each problem.

use super::{no_answer, MediaAttempt, MediaData, MediaKind, MediaProblem, PermissionState};
use crate::check::Status;

/// Plain words for one problem.
pub fn problem_text(kind: MediaKind, problem: MediaProblem) -> String {
    let device = match kind {
        MediaKind::Audio => "microphone",
        MediaKind::Video => "camera",
    };
    match problem {
        MediaProblem::PermissionDenied => format!("access to the {device} was refused for this site"),
        MediaProblem::PermissionDeniedBySystem => format!("the operating system does not let the browser use the {device}"),
        MediaProblem::DeviceMissing => format!("no {device} was found"),
        MediaProblem::DeviceInUse => format!("the {device} is busy in another application or failed to start"),
        MediaProblem::Overconstrained => format!("the {device} cannot deliver what was asked for"),
        MediaProblem::Insecure => format!("the {device} is not allowed on this page (not secure, or forbidden by its Permissions-Policy)"),
        MediaProblem::Aborted => format!("starting the {device} was interrupted"),
        MediaProblem::ApiMissing => format!("this browser offers no {device} access here"),
        MediaProblem::NoAnswer => format!("the request for the {device} was not answered"),
        MediaProblem::Other => format!("the {device} could not be used"),
    }
}

fn describe(kind: MediaKind, attempt: &MediaAttempt) -> String {
    match (&attempt.track, attempt.problem) {
        (Some(t), _) if kind == MediaKind::Video => format!(
            "camera works ({}×{}{})",
            t.width.unwrap_or(0),
            t.height.unwrap_or(0),
            t.frame_rate
                .map(|f| format!(" at {} fps", f.max(0.0).round() as u64))
                .unwrap_or_default()
        ),
        (Some(t), _) => format!(
            "microphone works{}",
            t.sample_rate
                .map(|r| format!(" ({r} Hz)"))
                .unwrap_or_default()
        ),
        (None, Some(problem)) => problem_text(kind, problem),
        (None, None) => problem_text(kind, MediaProblem::Other),
    }
}

/// Our own words, which begin in ASCII: `char::to_uppercase` would link
/// Unicode's case tables into the page (about 6 KB brotli).
fn capitalized(mut text: String) -> String {
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}

pub(crate) fn summarize(d: &MediaData) -> (Status, String) {
    if !d.secure_context {
        return (Status::Fail, "Camera and microphone are unavailable: the page is not a secure context, so the browser refuses them.".into());
    }
    let Some(before) = &d.before else {
        return (
            Status::Fail,
            "The browser did not answer questions about its media devices.".into(),
        );
    };
    if !before.api {
        return (Status::Fail, "This browser offers no camera or microphone access (navigator.mediaDevices is missing).".into());
    }
    if d.tested {
        let audio = d.audio.clone().unwrap_or_else(no_answer);
        let video = d.video.clone().unwrap_or_else(no_answer);
        let text = format!(
            "{}; {}.",
            capitalized(describe(MediaKind::Video, &video)),
            describe(MediaKind::Audio, &audio)
        );
        let status = if audio.granted && video.granted {
            Status::Pass
        } else {
            Status::Fail
        };
        return (status, text);
    }
    let denied: Vec<&str> = [(before.camera, "camera"), (before.microphone, "microphone")]
        .iter()
        .filter(|(state, _)| *state == PermissionState::Denied)
        .map(|(_, name)| *name)
        .collect();
    if !denied.is_empty() {
        return (
            Status::Fail,
            format!(
                "Access to the {} is blocked for this site in the browser's settings.",
                denied.join(" and ")
            ),
        );
    }
    if before.policy_camera == Some(false) || before.policy_microphone == Some(false) {
        return (
            Status::Fail,
            "The page's Permissions-Policy forbids the camera or microphone.".into(),
        );
    }
    if before.cameras == 0 && before.microphones == 0 {
        return (Status::Warn, "No camera or microphone was found.".into());
    }
    (
        Status::Skip,
        format!(
            "Not tried yet: press \"Test camera and microphone\" ({} camera{}, {} microphone{} found).",
            before.cameras,
            if before.cameras == 1 { "" } else { "s" },
            before.microphones,
            if before.microphones == 1 { "" } else { "s" }
        ),
    )
}
