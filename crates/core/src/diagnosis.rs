//! Rules from finished checks to findings, and the one-line verdict.
//!
//! Rules read the checks' typed report `data` ([`crate::checks::CheckData`]), so a pasted
//! report is diagnosed exactly as the live run was. [`diagnose`] has one
//! caller, `crate::view::derive`, for live and shared records alike. A
//! finding's title and the verdict are the page's words only; an outside
//! value appears only in evidence, marked ([`crate::privacy::observed`]). Data a shared report holds that cannot be read
//! ([`crate::checks::CheckData::Unreadable`]) gives no finding; the check stays in the
//! report and the view shows why.

use crate::catalog::FindingId;
use crate::check::Status;
use crate::checks::secure_context::SecureContextData;
use crate::checks::Facts;
use crate::checks::ReportCheck;

mod finding;
pub use finding::{Finding, Fix, FixBy, Platform, Severity};

mod affinity;
mod cross_pod;
mod lifetime;
mod media;
pub mod platform;
mod polling;
mod socketio;
mod socketio_texts;
mod texts;
mod webrtc;

/// The findings for a set of checks, most severe first.
pub fn diagnose(checks: &[ReportCheck]) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(d) = data::<SecureContextData>(checks) {
        if !d.secure_context {
            findings.push(texts::insecure_context(d));
        }
    }
    findings.extend(socketio::findings(
        data(checks),
        data(checks),
        data(checks),
        data(checks),
    ));
    findings.extend(affinity::findings(data(checks), data(checks)));
    findings.extend(media::media_findings(data(checks)));
    findings.extend(webrtc::webrtc_findings(data(checks)));
    findings.extend(lifetime::finding(data(checks)));
    // Beside a rate limit or a stalled session, a failed long-poll is
    // explained by them.
    let explained = findings.iter().any(|f| {
        matches!(
            f.id,
            FindingId::RateLimited | FindingId::SocketioSessionStalled
        )
    });
    if !explained {
        findings.extend(polling::finding_for(data(checks)));
    }
    findings.extend(cross_pod::finding_for(data(checks)));
    let mut findings = by_severity(findings);
    platform::infer(data(checks), data(checks), data(checks), data(checks)).apply(&mut findings);
    findings
}

/// Most severe first, in rule order within a severity: a stable insertion
/// of a few findings, without a general sort's code in the page.
fn by_severity(findings: Vec<Finding>) -> Vec<Finding> {
    let mut ordered: Vec<Finding> = Vec::with_capacity(findings.len());
    for finding in findings {
        let at = ordered
            .iter()
            .position(|placed| placed.severity > finding.severity)
            .unwrap_or(ordered.len());
        ordered.insert(at, finding);
    }
    ordered
}

/// The data of the first check of type `T` that ran (was not skipped).
fn data<T: Facts>(checks: &[ReportCheck]) -> Option<&T> {
    let id = T::ID;
    let check = checks
        .iter()
        .find(|c| c.id == id && c.status != Status::Skip)?;
    T::of(&check.data)
}

/// What the page says first, in plain language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub headline: String,
    pub fix_by: Option<FixBy>,
    pub ok: bool,
}

pub fn verdict(checks: &[ReportCheck], findings: &[Finding]) -> Verdict {
    if let Some(worst) = findings.iter().find(|f| f.severity != Severity::Info) {
        return Verdict {
            headline: format!("{} {}", worst.title, worst.fix_by.sentence()),
            fix_by: Some(worst.fix_by),
            ok: false,
        };
    }
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.id.title())
        .collect();
    if failed.is_empty() {
        Verdict {
            headline: "Everything we tested works.".into(),
            fix_by: None,
            ok: true,
        }
    } else {
        Verdict {
            headline: format!(
                "Something does not work: {}. Copy the report and send it to support.",
                failed.join(", ")
            ),
            fix_by: None,
            ok: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CheckId;
    use crate::catalog::FindingId;
    use crate::check::Outcome;
    use crate::checks::CheckData;

    fn ids(findings: &[Finding]) -> Vec<FindingId> {
        findings.iter().map(|f| f.id).collect()
    }

    fn secure_context(secure: bool) -> ReportCheck {
        let data = SecureContextData {
            protocol: "http:".into(),
            secure_context: secure,
            loopback_host: false,
        };
        ReportCheck::new(
            CheckId::SecureContext,
            Outcome {
                status: if secure { Status::Pass } else { Status::Fail },
                summary: String::new(),
                data: data.into(),
            },
            0,
        )
    }

    #[test]
    fn findings_most_severe_first_in_rule_order() {
        let finding =
            |id, severity| texts::finding(id, severity, "", "", vec![], FixBy::Operator, vec![]);
        let rules = vec![
            finding(FindingId::UdpBlocked, Severity::Info),
            finding(FindingId::UpgradesDisabled, Severity::Warning),
            finding(FindingId::WebsocketBlocked, Severity::Critical),
            finding(FindingId::TurnUnreachable, Severity::Info),
            finding(FindingId::RateLimited, Severity::Critical),
        ];
        assert_eq!(
            ids(&by_severity(rules)),
            [
                FindingId::WebsocketBlocked,
                FindingId::RateLimited,
                FindingId::UpgradesDisabled,
                FindingId::UdpBlocked,
                FindingId::TurnUnreachable
            ]
        );
    }

    #[test]
    fn insecure_context_finding() {
        let findings = diagnose(&[secure_context(false)]);
        assert_eq!(ids(&findings), [FindingId::InsecureContext]);
        let f = &findings[0];
        assert_eq!(
            (f.severity, f.fix_by),
            (Severity::Critical, FixBy::Operator)
        );
        assert!(f.explanation.contains("camera"), "{}", f.explanation);
        assert!(f.evidence.iter().any(|e| e.contains("http:")));
        assert!(f.fixes.len() >= 6, "a fix per platform");
    }

    #[test]
    fn healthy_checks_give_no_findings_and_a_good_verdict() {
        let checks = [secure_context(true)];
        let findings = diagnose(&checks);
        assert!(findings.is_empty());
        assert!(verdict(&checks, &findings).ok);
    }

    #[test]
    fn verdict_names_the_worst_finding_and_who_fixes_it() {
        let checks = [secure_context(false)];
        let v = verdict(&checks, &diagnose(&checks));
        assert!(!v.ok);
        assert_eq!(v.fix_by, Some(FixBy::Operator));
        assert!(v.headline.contains("service operator"), "{}", v.headline);
    }

    #[test]
    fn failed_check_without_a_finding_still_gives_a_bad_verdict() {
        let failed = ReportCheck::new(
            CheckId::Websocket,
            Outcome {
                status: Status::Fail,
                summary: String::new(),
                data: CheckData::from_json(CheckId::Websocket, serde_json::json!({})),
            },
            0,
        );
        let v = verdict(std::slice::from_ref(&failed), &[]);
        assert!(!v.ok);
        assert!(v.headline.contains("WebSocket connection"));
    }

    #[test]
    fn malformed_check_data_is_ignored_not_a_panic() {
        let mut bad = secure_context(false);
        bad.data = CheckData::from_json(CheckId::SecureContext, serde_json::json!({"protocol": 5}));
        assert!(diagnose(&[bad]).is_empty());
    }
}
