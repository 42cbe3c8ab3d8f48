//! Every text a person reads of a record, derived in one place: the
//! checks' titles and summaries, the findings, the verdict. The live view,
//! the support view, the copy text and `#report-json` all show one
//! [`View`] of a record; [`derive`] is the one caller of
//! [`crate::diagnosis::diagnose`].
//!
//! A shared record ([`derive_shared`]) is written by whoever made the link:
//! only its ids and data are read. Its listed finding ids are compared with
//! the derivation, and data that this page's checks cannot have produced
//! ([`plausible`]) is named; either marks the report as altered. Outside
//! values appear only marked ([`crate::privacy::observed`]), never in a
//! title or the verdict.

use serde::Serialize;

use crate::catalog::{CheckId, FindingId};
use crate::check::{Millis, Status};
use crate::checks::CheckData;
use crate::config::ReportConfig;
use crate::diagnosis::{diagnose, verdict, Verdict};
use crate::privacy::plain;
use crate::report::{Environment, Finding, ListedFinding, Page, Report, ReportCheck, Tool};

mod plausible;

#[derive(Debug, Clone, PartialEq)]
pub struct ViewCheck {
    pub check: ReportCheck,
    /// Derived from the data alone; outside values marked.
    pub summary: String,
}

impl ViewCheck {
    pub fn title(&self) -> &'static str {
        self.check.id.title()
    }

    /// Why this page could not read the check's data, if it could not.
    pub fn unreadable(&self) -> Option<&str> {
        self.check.data.unreadable()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub checks: Vec<ViewCheck>,
    pub findings: Vec<Finding>,
    pub verdict: Verdict,
}

/// The view of a shared record, and what in it makes the record altered.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedView {
    pub view: View,
    /// Finding ids a shared record lists that this page does not derive.
    pub only_in_report: Vec<FindingId>,
    /// Finding ids this page derives that a shared record does not list.
    pub only_derived: Vec<FindingId>,
    /// What in a shared record's data this page's checks cannot have
    /// observed, in this page's words (`check-id: field …`).
    pub implausible: Vec<String>,
    /// Check and finding ids from a newer conncheck, left out.
    pub not_understood: Vec<String>,
}

impl std::ops::Deref for SharedView {
    type Target = View;
    fn deref(&self) -> &View {
        &self.view
    }
}

impl SharedView {
    /// A shared record's findings differ from what its checks imply, or its
    /// data cannot have come from this page's checks.
    pub fn altered(&self) -> bool {
        !self.only_in_report.is_empty()
            || !self.only_derived.is_empty()
            || !self.implausible.is_empty()
    }
}

impl View {
    /// What a record lists of its findings when shared: their ids.
    pub fn listed(&self) -> Vec<ListedFinding> {
        self.findings
            .iter()
            .map(|f| ListedFinding { id: f.id })
            .collect()
    }

    /// `#report-json` and the download: the record with the derived texts
    /// (outside values as quoted values, [`plain`]), indented.
    pub fn json(&self, report: &Report) -> String {
        // The types serialize without fail (strings, numbers, maps with
        // string keys). The marks of outside values go from the whole text
        // at once: a value's own mark characters were escaped by `quoted`,
        // and the record's data never carries them (a raw one there would
        // be dropped here, invisible as it is).
        plain(&crate::json::to_pretty(&self.full(report, false)).unwrap_or_default())
    }

    /// The record with its view's texts (`shared`: with none, its findings
    /// listed by id): one serializer for `#report-json` and the payload.
    pub(crate) fn full<'a>(&'a self, report: &'a Report, shared: bool) -> Full<'a> {
        Full {
            schema: &report.schema,
            tool: &report.tool,
            created_at: &report.created_at,
            page: &report.page,
            config: &report.config,
            environment: &report.environment,
            checks: self
                .checks
                .iter()
                .map(|c| FullCheck {
                    id: c.check.id,
                    status: c.check.status,
                    title: if shared { "" } else { c.title() },
                    summary: if shared { "" } else { &c.summary },
                    duration_ms: c.check.duration_ms,
                    data: &c.check.data,
                })
                .collect(),
            findings: self
                .findings
                .iter()
                .map(|f| match shared {
                    true => Out::Listed(ListedFinding { id: f.id }),
                    false => Out::Full(f),
                })
                .collect(),
            user_note: report.user_note.as_deref(),
        }
    }
}

/// The view of a record: the one derivation of its texts.
pub fn derive(report: &Report) -> View {
    let checks: Vec<ViewCheck> = report
        .checks
        .iter()
        .map(|c| ViewCheck {
            summary: c.data.summary(),
            check: c.clone(),
        })
        .collect();
    let findings = diagnose(&report.checks);
    let verdict = verdict(&report.checks, &findings);
    View {
        checks,
        findings,
        verdict,
    }
}

/// The view of a shared record: [`derive`], then what makes it altered.
pub fn derive_shared(report: &Report, not_understood: &[String]) -> SharedView {
    let view = derive(report);
    let derived_ids: Vec<FindingId> = view.findings.iter().map(|f| f.id).collect();
    let mut only_in_report = Vec::new();
    for f in &report.findings {
        if !derived_ids.contains(&f.id) && !only_in_report.contains(&f.id) {
            only_in_report.push(f.id);
        }
    }
    let only_derived = derived_ids
        .into_iter()
        .filter(|id| !report.findings.iter().any(|f| f.id == *id))
        .collect();
    SharedView {
        view,
        only_in_report,
        only_derived,
        implausible: report.checks.iter().flat_map(plausible::doubts).collect(),
        not_understood: not_understood.to_vec(),
    }
}

#[derive(Serialize)]
pub(crate) struct Full<'a> {
    schema: &'a str,
    tool: &'a Tool,
    created_at: &'a str,
    page: &'a Page,
    config: &'a ReportConfig,
    environment: &'a Environment,
    checks: Vec<FullCheck<'a>>,
    findings: Vec<Out<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_note: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Out<'a> {
    Full(&'a Finding),
    Listed(ListedFinding),
}

#[derive(Serialize)]
struct FullCheck<'a> {
    id: CheckId,
    status: Status,
    #[serde(skip_serializing_if = "str::is_empty")]
    title: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    summary: &'a str,
    duration_ms: Millis,
    data: &'a CheckData,
}

#[cfg(test)]
#[path = "view_data_tests.rs"]
mod data_tests;
#[cfg(test)]
#[path = "view_marker_tests.rs"]
mod marker_tests;
#[cfg(test)]
#[path = "view_tests.rs"]
mod tests;
