//! `media`'s data: the device facts before and after, each kind's attempt,
//! and the problem a browser error means.

use serde::{Deserialize, Serialize};

use crate::check::{MediaError, MediaFacts, TrackFacts};

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

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
