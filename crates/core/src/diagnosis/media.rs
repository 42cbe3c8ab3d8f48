//! Rules and words for camera, microphone and WebRTC findings.

use super::texts::{finding, fix};
use crate::catalog::FindingId;
use crate::checks::media::{problem_text, MediaData, MediaKind, MediaProblem, PermissionState};
use crate::checks::webrtc::{ServerKind, WebrtcData};
use crate::diagnosis::{Finding, FixBy, Platform, Severity};
use crate::ice::CandidateType;

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
                    Some(e) => format!("{} ({}: {})", problem_text(*kind, *p), e.name, e.message),
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
            vec![
                fix(Platform::Any, "Click the camera or lock icon in the address bar, allow camera and microphone for this site, and reload."),
                fix(Platform::Any, "Windows: Settings → Privacy & security → Camera / Microphone → let desktop apps and the browser use them. macOS: System Settings → Privacy & Security → Camera / Microphone → enable the browser."),
            ],
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
            vec![fix(Platform::Any, "Close other applications that use the camera or microphone (video calls, camera apps, other browser tabs), then test again; if it persists, reconnect the device or restart the computer.")],
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
            vec![fix(Platform::Any, "Connect a camera or headset, check that the operating system sees it, and test again.")],
        ));
    }
    found
}

pub(super) fn webrtc_findings(d: Option<&WebrtcData>) -> Vec<Finding> {
    let Some(d) = d else { return Vec::new() };
    let mut found = Vec::new();
    let relay = d.any_relay();
    let stun: Vec<_> = d.of_kind(ServerKind::Stun).collect();
    let host_works = d
        .of_kind(ServerKind::Host)
        .any(|g| g.count(CandidateType::Host) > 0);
    if !stun.is_empty() && stun.iter().all(|g| !g.worked()) && host_works {
        let mut evidence: Vec<String> = stun
            .iter()
            .map(|g| {
                format!(
                    "{}: no server-reflexive candidate{}",
                    g.url.as_deref().unwrap_or("?"),
                    if g.complete {
                        ""
                    } else {
                        " (gathering timed out)"
                    }
                )
            })
            .collect();
        evidence.push(if relay {
            "A TURN relay works, so calls fall back to it".into()
        } else {
            "No TURN relay works either".into()
        });
        found.push(finding(
            FindingId::UdpBlocked,
            if relay { Severity::Warning } else { Severity::Critical },
            if relay { "Calls may be slower: your network blocks direct connections (UDP)." } else { "Calls will not work: your network blocks the connections they need (UDP)." },
            "The STUN server did not answer over UDP, while the browser has network interfaces: a firewall between this network and the internet drops UDP. Calls then need a TURN relay over TCP or TLS on port 443.",
            evidence,
            FixBy::Network,
            vec![
                fix(Platform::Any, "Network administrators: allow outgoing UDP (at least to the STUN/TURN servers, ports 3478 and the media range), or offer users a network that does."),
                fix(Platform::Any, "Operators: run TURN over TCP and TLS on port 443 (turns:) so calls work from networks that block UDP."),
            ],
        ));
    }
    let unreachable: Vec<_> = d
        .of_kind(ServerKind::Turn)
        .filter(|g| !g.worked())
        .collect();
    if !unreachable.is_empty() {
        let refused = unreachable.iter().any(|g| g.unauthorized());
        let evidence = unreachable
            .iter()
            .map(|g| {
                let errors: Vec<String> = g
                    .errors
                    .iter()
                    .map(|e| format!("{} {}", e.code, e.text))
                    .collect();
                format!(
                    "{}: no relay candidate{}",
                    g.url.as_deref().unwrap_or("?"),
                    if errors.is_empty() {
                        String::new()
                    } else {
                        format!(" (errors: {})", errors.join("; "))
                    }
                )
            })
            .collect();
        found.push(finding(
            FindingId::TurnUnreachable,
            if relay { Severity::Warning } else { Severity::Critical },
            "Calls may fail on restrictive networks: the relay (TURN) server cannot be used.",
            if refused {
                "The TURN server answered but refused the credentials (error 401): they are wrong or expired."
            } else {
                "The TURN server gave no relay: it is unreachable from this network over that transport, or not running."
            },
            evidence,
            if refused { FixBy::Operator } else { FixBy::Network },
            vec![
                fix(Platform::Any, "Operators: check the TURN server runs and is reachable at that address and port, and that the credentials in conncheck.json (or the app's) are valid: coturn lt-cred-mech users or use-auth-secret with fresh REST credentials."),
                fix(Platform::Any, "Network administrators: allow the TURN ports (3478 UDP/TCP, 5349 TLS or 443)."),
            ],
        ));
    }
    let tls: Vec<_> = d
        .of_kind(ServerKind::Turns)
        .filter(|g| !g.worked())
        .collect();
    if !tls.is_empty() {
        found.push(finding(
            FindingId::TurnTlsUnavailable,
            Severity::Warning,
            "Calls may fail on strict networks: the relay over TLS does not work.",
            "TURN over TLS (turns:) is the last resort on networks that only allow HTTPS-like traffic; the configured TLS relay gave no relay candidate: no TLS listener, a certificate the browser does not trust, or a blocked port.",
            tls.iter().map(|g| format!("{}: no relay candidate", g.url.as_deref().unwrap_or("?"))).collect(),
            FixBy::Operator,
            vec![fix(Platform::Any, "Run coturn with a trusted certificate (cert=, pkey=) on port 443 or 5349 and advertise it as turns:host:443?transport=tcp.")],
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::media::{MediaAttempt, MediaError, MediaFacts};
    use crate::checks::webrtc::{GatherReport, IceErrorFacts};
    use crate::ice::parse_candidate;

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

    fn gathering(kind: ServerKind, lines: &[&str], errors: &[(u16, &str)]) -> GatherReport {
        GatherReport {
            kind,
            url: Some(format!("{kind:?}:x").to_lowercase()),
            candidates: lines
                .iter()
                .filter_map(|l| parse_candidate(l, Some("udp")))
                .map(|facts| crate::checks::webrtc::CandidateCount { facts, count: 1 })
                .collect(),
            errors: errors
                .iter()
                .map(|(code, text)| IceErrorFacts {
                    code: *code,
                    text: (*text).into(),
                })
                .collect(),
            complete: true,
            gather_ms: Some(5),
        }
    }

    const HOST: &str = "candidate:1 1 udp 2113937151 a.local 1 typ host";
    const SRFLX: &str = "candidate:2 1 udp 1677729535 127.0.0.1 2 typ srflx raddr 0.0.0.0 rport 0";
    const RELAY: &str = "candidate:3 1 udp 50340095 127.0.0.1 3 typ relay raddr 127.0.0.1 rport 2";

    fn webrtc(g: Vec<GatherReport>) -> Vec<(FindingId, Severity, FixBy)> {
        webrtc_findings(Some(&WebrtcData {
            gatherings: g,
            livekit: None,
        }))
        .iter()
        .map(|f| (f.id, f.severity, f.fix_by))
        .collect()
    }

    #[test]
    fn webrtc_table() {
        let host = || gathering(ServerKind::Host, &[HOST], &[]);
        assert_eq!(
            webrtc(vec![
                host(),
                gathering(ServerKind::Stun, &[HOST, SRFLX], &[]),
                gathering(ServerKind::Turn, &[RELAY], &[])
            ]),
            []
        );
        assert_eq!(
            webrtc(vec![
                host(),
                gathering(ServerKind::Stun, &[HOST], &[]),
                gathering(ServerKind::Turn, &[RELAY], &[])
            ]),
            [(FindingId::UdpBlocked, Severity::Warning, FixBy::Network)]
        );
        assert_eq!(
            webrtc(vec![
                host(),
                gathering(ServerKind::Stun, &[HOST], &[]),
                gathering(ServerKind::Turn, &[HOST], &[(701, "timeout")])
            ]),
            [
                (FindingId::UdpBlocked, Severity::Critical, FixBy::Network),
                (
                    FindingId::TurnUnreachable,
                    Severity::Critical,
                    FixBy::Network
                )
            ]
        );
        assert_eq!(
            webrtc(vec![
                host(),
                gathering(ServerKind::Turn, &[], &[(401, "Unauthorized")])
            ]),
            [(
                FindingId::TurnUnreachable,
                Severity::Critical,
                FixBy::Operator
            )]
        );
        assert_eq!(
            webrtc(vec![
                host(),
                gathering(ServerKind::Turn, &[RELAY], &[]),
                gathering(ServerKind::Turns, &[], &[])
            ]),
            [(
                FindingId::TurnTlsUnavailable,
                Severity::Warning,
                FixBy::Operator
            )]
        );
        assert_eq!(
            webrtc(vec![host()]),
            [],
            "nothing configured, nothing to blame"
        );
    }
}
