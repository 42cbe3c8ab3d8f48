//! A finished check as the report holds it.

use serde::{Deserialize, Serialize};

use super::CheckData;
use crate::catalog::CheckId;
use crate::check::{Millis, Outcome, Status};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "CheckEntry")]
pub struct ReportCheck {
    pub id: CheckId,
    pub status: Status,
    /// Left out only by the compact share form, which restores it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    pub duration_ms: Millis,
    /// Read by `id` ([`CheckData::from_json`]).
    pub data: CheckData,
}

/// A check entry as JSON has it, before its data is read by its id.
#[derive(Deserialize)]
struct CheckEntry {
    id: CheckId,
    status: Status,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    duration_ms: Millis,
    data: serde_json::Value,
}

impl From<CheckEntry> for ReportCheck {
    fn from(e: CheckEntry) -> ReportCheck {
        ReportCheck {
            id: e.id,
            status: e.status,
            title: e.title,
            summary: e.summary,
            duration_ms: e.duration_ms,
            data: CheckData::from_json(e.id, e.data),
        }
    }
}

impl ReportCheck {
    pub fn new(id: CheckId, outcome: Outcome<CheckData>, duration_ms: Millis) -> Self {
        ReportCheck {
            id,
            status: outcome.status,
            title: id.title().to_owned(),
            summary: outcome.summary,
            duration_ms,
            data: outcome.data,
        }
    }
}
