//! What the page shows of a run: its phase, and one row per check.

use crate::catalog::CheckId;
use crate::report::ReportCheck;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Running,
    Done,
}

impl Phase {
    /// The value of `<body data-conncheck-state>` (docs/contracts.md, automation hooks).
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Running => "running",
            Phase::Done => "done",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RowState {
    Waiting,
    Running { since_ms: f64 },
    Finished(ReportCheck),
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckRow {
    pub id: CheckId,
    pub state: RowState,
    /// How long it is meant to run, for a progress bar (lifetime test).
    pub expected_ms: Option<f64>,
}
