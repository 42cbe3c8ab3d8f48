//! Camera and microphone rules: each problem to its finding.

use super::*;
use crate::checks::media::{MediaAttempt, MediaError, MediaFacts};

fn attempt(name: &str, message: &str) -> Option<MediaAttempt> {
    let error = MediaError {
        name: name.into(),
        message: message.into(),
    };
    Some(MediaAttempt {
        granted: false,
        track: None,
        problem: Some(error.problem()),
        error: Some(error),
    })
}

fn media(audio: Option<MediaAttempt>, video: Option<MediaAttempt>) -> MediaData {
    MediaData {
        tested: true,
        secure_context: true,
        before: Some(MediaFacts {
            api: true,
            ..Default::default()
        }),
        after: None,
        audio,
        video,
    }
}

fn ids(f: Vec<Finding>) -> Vec<FindingId> {
    f.iter().map(|f| f.id).collect()
}

#[test]
fn media_table() {
    assert_eq!(
        ids(media_findings(Some(&media(
            attempt("NotAllowedError", "Permission denied"),
            attempt("NotAllowedError", "Permission denied")
        )))),
        [FindingId::MediaPermissionDenied]
    );
    assert_eq!(
        ids(media_findings(Some(&media(
            None,
            attempt("NotReadableError", "Could not start video source")
        )))),
        [FindingId::MediaDeviceInUse]
    );
    assert_eq!(
        ids(media_findings(Some(&media(
            attempt("NotFoundError", "Requested device not found"),
            None
        )))),
        [FindingId::MediaDeviceMissing]
    );
    assert_eq!(
        ids(media_findings(Some(&media(
            attempt("AbortError", ""),
            None
        )))),
        []
    );
    let mut passive = media(None, None);
    passive.tested = false;
    passive.before.as_mut().unwrap().camera = PermissionState::Denied;
    let f = media_findings(Some(&passive));
    assert_eq!(ids(f.clone()), [FindingId::MediaPermissionDenied]);
    assert_eq!(
        f[0].evidence,
        ["access to the camera was refused for this site (Permissions API: denied)"]
    );
    assert_eq!(f[0].fix_by, FixBy::User);
}

#[test]
fn insecure_context_is_not_blamed_on_the_user() {
    let mut insecure = media(None, None);
    insecure.secure_context = false;
    insecure.tested = false;
    insecure.before.as_mut().unwrap().camera = PermissionState::Denied;
    assert_eq!(ids(media_findings(Some(&insecure))), []);
}

#[test]
fn system_level_denial_says_so() {
    let f = media_findings(Some(&media(
        attempt("NotAllowedError", "Permission denied by system"),
        None,
    )));
    assert!(f[0].explanation.contains("operating system"));
}
