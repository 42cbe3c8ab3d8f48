//! The page's state and its reducer. No I/O here: effects in `run` do the
//! work and dispatch what happened.

use std::rc::Rc;

use conncheck_core::catalog::CheckId;
use conncheck_core::config::{Config, ReportConfig};
use conncheck_core::report::{Report, ReportCheck};
use yew::Reducible;

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

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub phase: Phase,
    pub now_ms: f64,
    pub config: Option<Rc<ReportConfig>>,
    /// The effective configuration, for checks the user starts later.
    pub effective: Option<Rc<Config>>,
    pub checks: Vec<CheckRow>,
    pub report: Option<Rc<Report>>,
    pub report_json: Rc<str>,
    /// The user's own description, kept across runs.
    pub note: Rc<str>,
    /// A shared report being viewed: the page then shows it, not a live run.
    pub shared: Option<Rc<Report>>,
    /// Why a `#report=` link could not be opened.
    pub import_error: Option<Rc<str>>,
    /// Checks the user started that are still running.
    pub user_running: u32,
    /// Automatic observations still going on after the report was complete
    /// (the first server ping, a configured lifetime, the cross-pod probe).
    pub observing: u32,
    /// How many times a complete report was published: the durable
    /// automation hook `data-conncheck-reports` (the state may already be
    /// `running` again when a script looks).
    pub reports: u32,
}

impl Default for State {
    fn default() -> Self {
        State {
            phase: Phase::Running,
            now_ms: 0.0,
            config: None,
            effective: None,
            checks: Vec::new(),
            report: None,
            report_json: Rc::from(""),
            note: Rc::from(""),
            shared: None,
            import_error: None,
            user_running: 0,
            observing: 0,
            reports: 0,
        }
    }
}

pub enum Msg {
    Planned {
        config: ReportConfig,
        effective: Rc<Config>,
        checks: Vec<(CheckId, Option<f64>)>,
    },
    Started {
        index: usize,
        at_ms: f64,
    },
    Finished {
        index: usize,
        check: ReportCheck,
    },
    Tick(f64),
    Completed(Report),
    /// A check the user started once the automatic ones were done.
    UserStarted {
        id: CheckId,
        at_ms: f64,
        expected_ms: Option<f64>,
    },
    UserFinished(ReportCheck),
    /// The report is complete, but a check goes on observing (its interim
    /// entry stays in the report; `at_ms` restarts its card's clock).
    Observing {
        id: CheckId,
        at_ms: Option<f64>,
        expected_ms: Option<f64>,
    },
    /// An observation begun with `Observing` ended.
    Observed(ReportCheck),
    /// The user's description changed.
    Note(String),
    /// Run everything again (the description stays).
    Reset,
    OpenShared(Rc<Report>),
    ImportFailed(String),
}

impl Reducible for State {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut next = (*self).clone();
        match msg {
            Msg::Planned {
                config,
                effective,
                checks,
            } => {
                next.config = Some(Rc::new(config));
                next.effective = Some(effective);
                next.checks = checks
                    .into_iter()
                    .map(|(id, expected_ms)| CheckRow {
                        id,
                        state: RowState::Waiting,
                        expected_ms,
                    })
                    .collect();
            }
            Msg::Started { index, at_ms } => {
                if let Some(row) = next.checks.get_mut(index) {
                    row.state = RowState::Running { since_ms: at_ms };
                }
                next.now_ms = next.now_ms.max(at_ms);
            }
            Msg::Finished { index, check } => {
                if let Some(row) = next.checks.get_mut(index) {
                    row.state = RowState::Finished(check);
                }
            }
            Msg::Tick(now_ms) => next.now_ms = now_ms,
            Msg::Completed(report) => {
                next.set_report(report);
                next.reports += 1;
                next.refresh_phase();
            }
            Msg::Note(note) => {
                next.note = note.into();
                if let Some(report) = &next.report {
                    let report = (**report).clone();
                    next.set_report(report);
                }
            }
            Msg::Reset => {
                next = State {
                    note: next.note.clone(),
                    ..State::default()
                };
            }
            Msg::OpenShared(report) => {
                next.report_json = serde_json::to_string_pretty(&*report)
                    .unwrap_or_default()
                    .into();
                next.shared = Some(report);
                next.import_error = None;
                next.phase = Phase::Done;
            }
            Msg::ImportFailed(message) => {
                next.import_error = Some(message.into());
                next.phase = Phase::Done;
            }
            Msg::UserStarted {
                id,
                at_ms,
                expected_ms,
            } => {
                next.start_row(id, Some(at_ms), expected_ms);
                next.user_running += 1;
                next.refresh_phase();
            }
            Msg::UserFinished(check) => {
                next.user_running = next.user_running.saturating_sub(1);
                next.finish_row(check);
            }
            Msg::Observing {
                id,
                at_ms,
                expected_ms,
            } => {
                next.start_row(id, at_ms, expected_ms);
                next.observing += 1;
                next.refresh_phase();
            }
            Msg::Observed(check) => {
                next.observing = next.observing.saturating_sub(1);
                next.finish_row(check);
            }
        }
        Rc::new(next)
    }
}

impl State {
    /// Whether a check the user can start may start now: the automatic
    /// report is complete and no user-started check runs.
    pub fn user_may_start(&self) -> bool {
        self.report.is_some() && self.user_running == 0
    }

    fn refresh_phase(&mut self) {
        let busy = self.report.is_none() || self.user_running > 0 || self.observing > 0;
        self.phase = if busy { Phase::Running } else { Phase::Done };
    }

    /// Shows a check as running again (`at_ms`), or leaves its card as it is.
    fn start_row(&mut self, id: CheckId, at_ms: Option<f64>, expected_ms: Option<f64>) {
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
    fn finish_row(&mut self, check: ReportCheck) {
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

    /// Stores a report, with the user's current description in it.
    fn set_report(&mut self, mut report: Report) {
        report.set_user_note(&self.note);
        self.report_json = serde_json::to_string_pretty(&report)
            .unwrap_or_default()
            .into();
        self.report = Some(Rc::new(report));
    }
}
