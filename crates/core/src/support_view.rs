//! What the support view of a shared report asserts, derived again from the
//! checks' data with this page's own rules and texts. A payload is written
//! by whoever made the link: its finding titles, explanations and fixes are
//! never shown; its finding ids are only compared with the derivation, so
//! that an altered report (or one from another version) says so. The one
//! place a shared report is diagnosed. A check whose data this page cannot
//! read stays in the view, marked ([`ViewCheck::unreadable`]).

use crate::catalog::FindingId;
use crate::diagnosis::{diagnose, verdict, Verdict};
use crate::report::{Finding, Report, ReportCheck};

/// A payload's own summary is shown (marked as such) at most this long.
pub const MAX_REPORTED_SUMMARY_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub struct ViewCheck {
    /// Title from this page; summary derived when the data allows it.
    pub check: ReportCheck,
    /// False when the summary is the payload's own words (shortened).
    pub summary_derived: bool,
}

impl ViewCheck {
    /// Why this page could not read the check's data, if it could not.
    pub fn unreadable(&self) -> Option<&str> {
        self.check.data.unreadable()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SupportView {
    pub checks: Vec<ViewCheck>,
    pub findings: Vec<Finding>,
    pub verdict: Verdict,
    /// Finding ids the payload lists that this page does not derive.
    pub only_in_report: Vec<FindingId>,
    /// Finding ids this page derives that the payload does not list.
    pub only_derived: Vec<FindingId>,
    /// Check and finding ids from a newer conncheck, left out.
    pub not_understood: Vec<String>,
}

impl SupportView {
    /// The payload's findings differ from what its checks imply.
    pub fn altered(&self) -> bool {
        !self.only_in_report.is_empty() || !self.only_derived.is_empty()
    }
}

pub fn derive(report: &Report, not_understood: &[String]) -> SupportView {
    let checks: Vec<ViewCheck> = report
        .checks
        .iter()
        .map(|c| {
            let derived = c.data.summary();
            let summary_derived = derived.is_some();
            let summary = derived.unwrap_or_else(|| {
                let mut s: String = c
                    .summary
                    .chars()
                    .filter(|ch| !ch.is_control())
                    .take(MAX_REPORTED_SUMMARY_CHARS)
                    .collect();
                if c.summary.chars().count() > MAX_REPORTED_SUMMARY_CHARS {
                    s.push('…');
                }
                s
            });
            ViewCheck {
                check: ReportCheck {
                    title: c.id.title().to_owned(),
                    summary,
                    ..c.clone()
                },
                summary_derived,
            }
        })
        .collect();
    let plain: Vec<ReportCheck> = checks.iter().map(|c| c.check.clone()).collect();
    let findings = diagnose(&plain);
    let verdict = verdict(&plain, &findings);
    let derived_ids: Vec<FindingId> = findings.iter().map(|f| f.id).collect();
    let mut only_in_report: Vec<FindingId> = Vec::new();
    for f in &report.findings {
        if !derived_ids.contains(&f.id) && !only_in_report.contains(&f.id) {
            only_in_report.push(f.id);
        }
    }
    let only_derived = derived_ids
        .iter()
        .copied()
        .filter(|id| !report.findings.iter().any(|f| f.id == *id))
        .collect();
    SupportView {
        checks,
        findings,
        verdict,
        only_in_report,
        only_derived,
        not_understood: not_understood.to_vec(),
    }
}

#[cfg(test)]
#[path = "support_view_data_tests.rs"]
mod data_tests;
#[cfg(test)]
#[path = "support_view_tests.rs"]
mod tests;
