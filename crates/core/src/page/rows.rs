//! What the page shows of a run: its phase, and one row per check, started
//! and finished by the reducer.

use crate::catalog::CheckId;
use crate::report::ReportCheck;

use super::State;

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

impl<S> State<S> {
    /// Shows a check as running again (`at_ms`), or leaves its card as it is.
    pub(super) fn start_row(&mut self, id: CheckId, at_ms: Option<f64>, expected_ms: Option<f64>) {
        let Some(at_ms) = at_ms else { return };
        let state = RowState::Running { since_ms: at_ms };
        match self.checks.iter_mut().find(|r| r.id == id) {
            Some(row) => {
                row.state = state;
                row.expected_ms = expected_ms;
            }
            None => self.checks.push(CheckRow {
                id,
                state,
                expected_ms,
            }),
        }
        self.now_ms = self.now_ms.max(at_ms);
    }

    /// A check ended after the report was complete: its card, and the
    /// report with the check replaced and diagnosed again.
    pub(super) fn finish_row(&mut self, check: ReportCheck) {
        match self.checks.iter_mut().find(|r| r.id == check.id) {
            Some(row) => row.state = RowState::Finished(check.clone()),
            None => self.checks.push(CheckRow {
                id: check.id,
                state: RowState::Finished(check.clone()),
                expected_ms: None,
            }),
        }
        if let Some(report) = &self.report {
            let mut report = (**report).clone();
            report.replace_check(check);
            self.set_report(report);
            self.reports += 1;
        }
        self.refresh_phase();
    }
}
