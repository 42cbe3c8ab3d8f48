//! Rules and words for camera and microphone findings.

use super::texts::{finding, user_fixes};
use crate::catalog::FindingId;
use crate::checks::media::{problem_text, MediaData, MediaKind, MediaProblem, PermissionState};
use crate::diagnosis::{Finding, FixBy, Platform, Severity};
use crate::privacy::observed;

pub(super) fn media_findings(d: Option<&MediaData>) -> Vec<Finding> {
    // In an insecure context the browser refuses everything (and reports the
    // permissions as denied): `insecure-context` names the real cause.
    let Some(d) = d.filter(|d| d.secure_context) else {
        return Vec::new();
    };
    let mut problems: Vec<(MediaKind, MediaProblem)> = Vec::new();
    for (kind, attempt) in [(MediaKind::Audio, &d.audio), (MediaKind::Video, &d.video)] {
        if let Some(problem) = attempt.as_ref().and_then(|a| a.problem) {
            problems.push((kind, problem));
        }
    }
    if let Some(before) = &d.before {
        for (kind, state) in [
            (MediaKind::Audio, before.microphone),
            (MediaKind::Video, before.camera),
        ] {
            if state == PermissionState::Denied && !problems.iter().any(|(k, _)| *k == kind) {
                problems.push((kind, MediaProblem::PermissionDenied));
            }
        }
    }
    let evidence = |wanted: &[MediaProblem]| -> Vec<String> {
        problems
            .iter()
            .filter(|(_, p)| wanted.contains(p))
            .map(|(kind, p)| {
                let attempt = match kind {
                    MediaKind::Audio => &d.audio,
                    MediaKind::Video => &d.video,
                };
                let error = attempt.as_ref().and_then(|a| a.error.as_ref());
                match error {
                    Some(e) => format!(
                        "{} ({}: {})",
                        problem_text(*kind, *p),
                        observed(&e.name),
                        observed(&e.message)
                    ),
                    None => format!("{} (Permissions API: denied)", problem_text(*kind, *p)),
                }
            })
            .collect()
    };
    let mut found = Vec::new();
    let denied = evidence(&[
        MediaProblem::PermissionDenied,
        MediaProblem::PermissionDeniedBySystem,
    ]);
    if !denied.is_empty() {
        let by_system = problems
            .iter()
            .any(|(_, p)| *p == MediaProblem::PermissionDeniedBySystem);
        found.push(finding(
            FindingId::MediaPermissionDenied,
            Severity::Critical,
            "Calls will not work: access to your camera or microphone is blocked.",
            if by_system {
                "The operating system does not let the browser use the device (privacy settings), so the browser refuses it to every site."
            } else {
                "The browser refused the camera or microphone for this site: the permission prompt was declined, or the site is blocked in the browser's settings."
            },
            denied,
            FixBy::User,
            user_fixes(&[
                (Platform::Any, "Click the camera or lock icon in the address bar, allow camera and microphone for this site, and reload."),
                (Platform::Any, "Windows: Settings → Privacy & security → Camera / Microphone → let desktop apps and the browser use them. macOS: System Settings → Privacy & Security → Camera / Microphone → enable the browser."),
            ]),
        ));
    }
    let busy = evidence(&[MediaProblem::DeviceInUse]);
    if !busy.is_empty() {
        found.push(finding(
            FindingId::MediaDeviceInUse,
            Severity::Critical,
            "Calls will not work: your camera or microphone is busy in another application.",
            "The browser was allowed to use the device but could not start it: another application (a video call app, the camera app) holds it, or the driver failed.",
            busy,
            FixBy::User,
            user_fixes(&[(Platform::Any, "Close other applications that use the camera or microphone (video calls, camera apps, other browser tabs), then test again; if it persists, reconnect the device or restart the computer.")]),
        ));
    }
    let missing = evidence(&[MediaProblem::DeviceMissing]);
    if !missing.is_empty() {
        found.push(finding(
            FindingId::MediaDeviceMissing,
            Severity::Warning,
            "Calls will not work fully: no camera or microphone was found.",
            "The browser found no device of that kind: none is connected, or the operating system hides it.",
            missing,
            FixBy::User,
            user_fixes(&[(Platform::Any, "Connect a camera or headset, check that the operating system sees it, and test again.")]),
        ));
    }
    found
}

#[cfg(test)]
#[path = "media_tests.rs"]
mod tests;
