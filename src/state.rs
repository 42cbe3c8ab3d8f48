//! The page's state and its reducer. No I/O here: effects in `run` do the
//! work and dispatch what happened.

use std::rc::Rc;

use conncheck_core::catalog::CheckId;
use conncheck_core::config::{Config, ReportConfig};
use conncheck_core::diagnosis::diagnose;
use conncheck_core::report::{Report, ReportCheck};
use yew::Reducible;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Running,
    Done,
}

impl Phase {
    /// The value of `<body data-conncheck-state>` (DESIGN.md, automation hooks).
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
                next.phase = Phase::Done;
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
                let state = RowState::Running { since_ms: at_ms };
                match next.checks.iter_mut().find(|r| r.id == id) {
                    Some(row) => {
                        row.state = state;
                        row.expected_ms = expected_ms;
                    }
                    None => next.checks.push(CheckRow {
                        id,
                        state,
                        expected_ms,
                    }),
                }
                next.now_ms = next.now_ms.max(at_ms);
                next.phase = Phase::Running;
            }
            Msg::UserFinished(check) => {
                if let Some(row) = next.checks.iter_mut().find(|r| r.id == check.id) {
                    row.state = RowState::Finished(check.clone());
                }
                if let Some(report) = &next.report {
                    let mut report = (**report).clone();
                    match report.checks.iter_mut().find(|c| c.id == check.id) {
                        Some(existing) => *existing = check,
                        None => report.checks.push(check),
                    }
                    report.findings = diagnose(&report.checks);
                    next.set_report(report);
                }
                next.phase = Phase::Done;
            }
        }
        Rc::new(next)
    }
}

impl State {
    /// Stores a report, with the user's current description in it.
    fn set_report(&mut self, mut report: Report) {
        report.set_user_note(&self.note);
        self.report_json = serde_json::to_string_pretty(&report)
            .unwrap_or_default()
            .into();
        self.report = Some(Rc::new(report));
    }
}
