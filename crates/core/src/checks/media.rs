//! `media`: camera and microphone. Without a user gesture it only looks
//! (Permissions API, Permissions-Policy, device counts, secure context);
//! the "Test camera and microphone" button asks for each kind separately,
//! keeps the tracks for a short preview, stops them, and records what was
//! obtained: resolutions, frame and sample rates; never labels or ids.

use serde::{Deserialize, Serialize};

use crate::catalog::CheckId;
use crate::check::{Check, Event, Handle, Millis, Status};
pub use crate::check::{MediaError, MediaFacts, MediaKind, PermissionState, TrackFacts};

/// This check's actions and outcome, with its data type.
type Action = crate::check::Action<MediaData>;
type Outcome = crate::check::Outcome<MediaData>;

pub const STEP_TIMEOUT_MS: Millis = 5_000;
/// A permission prompt waits for the user: give them time.
pub const PROMPT_TIMEOUT_MS: Millis = 60_000;
pub const PREVIEW_MS: Millis = 4_000;
const BEFORE: Handle = 0;
const AUDIO: Handle = 1;
const VIDEO: Handle = 2;
const AFTER: Handle = 3;
const STEP_TIMER: Handle = 0;
const PREVIEW_TIMER: Handle = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MediaProblem {
    /// The user refused, or the site is blocked in the browser's settings.
    PermissionDenied,
    /// The operating system refused the browser (privacy settings).
    PermissionDeniedBySystem,
    DeviceMissing,
    /// Busy in another application, or a hardware/driver failure.
    DeviceInUse,
    Overconstrained,
    /// Not a secure context, or forbidden by Permissions-Policy.
    Insecure,
    Aborted,
    /// The browser has no `getUserMedia` here.
    ApiMissing,
    /// No answer: a prompt left unanswered.
    NoAnswer,
    Other,
}

impl MediaError {
    pub fn problem(&self) -> MediaProblem {
        match self.name.as_str() {
            "NotAllowedError" | "PermissionDeniedError"
                if self.message.to_ascii_lowercase().contains("system") =>
            {
                MediaProblem::PermissionDeniedBySystem
            }
            "NotAllowedError" | "PermissionDeniedError" => MediaProblem::PermissionDenied,
            "NotFoundError" | "DevicesNotFoundError" => MediaProblem::DeviceMissing,
            "NotReadableError" | "TrackStartError" => MediaProblem::DeviceInUse,
            "OverconstrainedError" | "ConstraintNotSatisfiedError" => MediaProblem::Overconstrained,
            "SecurityError" => MediaProblem::Insecure,
            "AbortError" => MediaProblem::Aborted,
            "TypeError" => MediaProblem::ApiMissing,
            _ => MediaProblem::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaAttempt {
    pub granted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track: Option<TrackFacts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<MediaError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<MediaProblem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaData {
    /// Whether getUserMedia was tried (the button), or only looked at.
    pub tested: bool,
    pub secure_context: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<MediaFacts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<MediaFacts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<MediaAttempt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<MediaAttempt>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Before,
    Asking,
    Previewing,
    After,
    Done,
}

pub struct MediaCheck {
    phase: Phase,
    data: MediaData,
}

impl MediaCheck {
    /// `test`: ask for access (needs a user gesture); otherwise only look.
    pub fn new(secure_context: bool, test: bool) -> Self {
        MediaCheck {
            phase: Phase::Before,
            data: MediaData {
                tested: test,
                secure_context,
                before: None,
                after: None,
                audio: None,
                video: None,
            },
        }
    }

    fn record(&mut self, id: Handle, attempt: MediaAttempt) -> Vec<Action> {
        match id {
            AUDIO => self.data.audio = Some(attempt),
            _ => self.data.video = Some(attempt),
        }
        if self.data.audio.is_none() || self.data.video.is_none() {
            return Vec::new();
        }
        let granted = [&self.data.audio, &self.data.video]
            .iter()
            .any(|a| a.as_ref().is_some_and(|a| a.granted));
        if granted {
            self.phase = Phase::Previewing;
            vec![Action::SetTimer {
                id: PREVIEW_TIMER,
                after_ms: PREVIEW_MS,
            }]
        } else {
            self.query_after()
        }
    }

    fn query_after(&mut self) -> Vec<Action> {
        self.phase = Phase::After;
        vec![
            Action::StopMedia { id: AUDIO },
            Action::StopMedia { id: VIDEO },
            Action::QueryMedia { id: AFTER },
            Action::SetTimer {
                id: STEP_TIMER,
                after_ms: STEP_TIMEOUT_MS,
            },
        ]
    }

    fn finish(&mut self) -> Vec<Action> {
        self.phase = Phase::Done;
        vec![
            Action::StopMedia { id: AUDIO },
            Action::StopMedia { id: VIDEO },
            Action::CancelTimer { id: STEP_TIMER },
            Action::Finish(Outcome::judged(summarize(&self.data), &self.data)),
        ]
    }
}

fn no_answer() -> MediaAttempt {
    MediaAttempt {
        granted: false,
        track: None,
        error: None,
        problem: Some(MediaProblem::NoAnswer),
    }
}

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
                .map(|f| format!(" at {f:.0} fps"))
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

fn capitalized(text: String) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
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

impl Check for MediaCheck {
    type Data = MediaData;

    fn id(&self) -> CheckId {
        CheckId::Media
    }

    fn planned_ms(&self) -> Millis {
        PROMPT_TIMEOUT_MS + PREVIEW_MS
    }

    fn start(&mut self, _now: Millis) -> Vec<Action> {
        vec![
            Action::QueryMedia { id: BEFORE },
            Action::SetTimer {
                id: STEP_TIMER,
                after_ms: STEP_TIMEOUT_MS,
            },
        ]
    }

    fn handle(&mut self, event: Event, _now: Millis) -> Vec<Action> {
        match (self.phase, event) {
            (Phase::Before, Event::MediaFacts { id: BEFORE, facts }) => {
                let ask = self.data.tested && facts.api && self.data.secure_context;
                self.data.before = Some(facts);
                if !ask {
                    return self.finish();
                }
                self.phase = Phase::Asking;
                vec![
                    Action::GetUserMedia {
                        id: AUDIO,
                        kind: MediaKind::Audio,
                    },
                    Action::GetUserMedia {
                        id: VIDEO,
                        kind: MediaKind::Video,
                    },
                    Action::SetTimer {
                        id: STEP_TIMER,
                        after_ms: PROMPT_TIMEOUT_MS,
                    },
                ]
            }
            (
                Phase::Asking,
                Event::MediaGranted {
                    id: id @ (AUDIO | VIDEO),
                    track,
                },
            ) => self.record(
                id,
                MediaAttempt {
                    granted: true,
                    track: Some(track),
                    error: None,
                    problem: None,
                },
            ),
            (
                Phase::Asking,
                Event::MediaFailed {
                    id: id @ (AUDIO | VIDEO),
                    error,
                },
            ) => {
                let problem = Some(error.problem());
                self.record(
                    id,
                    MediaAttempt {
                        granted: false,
                        track: None,
                        error: Some(error),
                        problem,
                    },
                )
            }
            (Phase::Asking, Event::Timeout { id: STEP_TIMER }) => {
                self.data.audio.get_or_insert_with(no_answer);
                self.data.video.get_or_insert_with(no_answer);
                self.query_after()
            }
            (Phase::Previewing, Event::Timeout { id: PREVIEW_TIMER }) => self.query_after(),
            (Phase::After, Event::MediaFacts { id: AFTER, facts }) => {
                self.data.after = Some(facts);
                self.finish()
            }
            (Phase::Before | Phase::After, Event::Timeout { id: STEP_TIMER }) => self.finish(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
#[path = "media_tests.rs"]
mod tests;
