//! The page's state and its reducer. No I/O here: effects in `run` do the
//! work and dispatch what happened.

use std::rc::Rc;

use conncheck_core::catalog::CheckId;
use conncheck_core::config::ReportConfig;
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
}

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub phase: Phase,
    pub now_ms: f64,
    pub config: Option<Rc<ReportConfig>>,
    pub checks: Vec<CheckRow>,
    pub report: Option<Rc<Report>>,
    pub report_json: Rc<str>,
}

impl Default for State {
    fn default() -> Self {
        State {
            phase: Phase::Running,
            now_ms: 0.0,
            config: None,
            checks: Vec::new(),
            report: None,
            report_json: Rc::from(""),
        }
    }
}

pub enum Msg {
    Planned {
        config: ReportConfig,
        ids: Vec<CheckId>,
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
}

impl Reducible for State {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut next = (*self).clone();
        match msg {
            Msg::Planned { config, ids } => {
                next.config = Some(Rc::new(config));
                next.checks = ids
                    .into_iter()
                    .map(|id| CheckRow {
                        id,
                        state: RowState::Waiting,
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
                next.report_json = serde_json::to_string_pretty(&report)
                    .unwrap_or_default()
                    .into();
                next.report = Some(Rc::new(report));
                next.phase = Phase::Done;
            }
        }
        Rc::new(next)
    }
}
