//! `media`: camera and microphone. Without a user gesture it only looks
//! (Permissions API, Permissions-Policy, device counts, secure context);
//! the "Test camera and microphone" button asks for each kind separately,
//! keeps the tracks for a short preview, stops them, and records what was
//! obtained: resolutions, frame and sample rates; never labels or ids.

mod data;
mod summary;

use crate::catalog::CheckId;
use crate::check::{Check, Event, Handle, Millis};
pub use crate::check::{MediaError, MediaFacts, MediaKind, PermissionState, TrackFacts};

pub use data::{MediaAttempt, MediaData, MediaProblem};
pub use summary::problem_text;
pub(crate) use summary::summarize;

/// This check's actions and outcome, with its data type.
use super::CheckData;
type Action = crate::check::Action<CheckData>;
type Outcome = crate::check::Outcome<CheckData>;

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
            Action::Finish(Outcome::judged(
                summarize(&self.data),
                std::mem::take(&mut self.data).into(),
            )),
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

impl Check for MediaCheck {
    type Data = CheckData;

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
mod asking_tests;
#[cfg(test)]
mod passive_tests;
