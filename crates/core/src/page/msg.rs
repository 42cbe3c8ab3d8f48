//! The messages the page's reducer takes (`State::reduce`): what the
//! page's effects saw happen, and what the user did.

use std::rc::Rc;

use crate::catalog::CheckId;
use crate::check::MediaKind;
use crate::checks::ReportCheck;
use crate::config::Config;
use crate::report::Report;

use super::{Deflated, ShareMsg};

// Each message is moved once into the reducer: its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Msg<S = ()> {
    /// The checks of an automatic run, in order, and the configuration.
    Planned {
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
    /// The user paused typing (or left the field): the derived values
    /// catch up with the description.
    Settle,
    /// Run everything again (the description stays).
    Reset,
    /// A shared report is being opened in the support view (the second
    /// wasm module): from a `#report=` link, or pasted into the import box.
    OpeningShared {
        pasted: bool,
    },
    /// The support view shows the shared report.
    SharedShown,
    /// A `#report=` link could not be opened: why.
    ImportFailed(String),
    /// A pasted report could not be opened: why.
    PasteFailed(String),
    /// A media test's stream began (`Some`) or ended (`None`).
    Preview {
        kind: MediaKind,
        stream: Option<S>,
    },
    /// The microphone's level, in thousandths, while its stream lives.
    MicLevel(u32),
    /// What the user did with the share panel, and what came of it.
    Share(ShareMsg),
    /// The browser compressed a live report for its link.
    Deflated(Deflated),
}
