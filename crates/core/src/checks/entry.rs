//! A finished check as the record holds it: what was observed, never
//! words about it (its title and summary are derived: `crate::view`).

use serde::{Deserialize, Serialize};

use super::CheckData;
use crate::catalog::CheckId;
use crate::check::{Millis, Outcome, Status};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "CheckEntry")]
pub struct ReportCheck {
    pub id: CheckId,
    pub status: Status,
    pub duration_ms: Millis,
    /// Read by `id` ([`CheckData::from_json`]).
    pub data: CheckData,
}

/// A check entry as JSON has it, before its data is read by its id. A
/// `title` and `summary` (every report of the page before the record, and
/// its `#report-json`) are not read: this page derives its own.
#[derive(Deserialize)]
struct CheckEntry {
    id: CheckId,
    status: Status,
    duration_ms: Millis,
    data: serde_json::Value,
}

impl From<CheckEntry> for ReportCheck {
    fn from(e: CheckEntry) -> ReportCheck {
        ReportCheck {
            id: e.id,
            status: e.status,
            duration_ms: e.duration_ms,
            data: CheckData::from_json(e.id, e.data),
        }
    }
}

impl ReportCheck {
    /// The check's summary is not kept: its data implies it.
    pub fn new(id: CheckId, outcome: Outcome<CheckData>, duration_ms: Millis) -> Self {
        ReportCheck {
            id,
            status: outcome.status,
            duration_ms,
            data: outcome.data,
        }
    }
}
