//! What the run and its driver exchange: what a check did ([`Fed`]), what
//! the run asks for ([`Do`]), and the first report's [`Stamp`].

use crate::checks::{AnyCheck, ReportCheck};
use crate::page::Msg;
use crate::report::Environment;

/// What a check the run started did; `slot` is the one [`Do::Start`] gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Fed {
    /// The check said the endpoint's first answer is in
    /// (`Progress::CookieJarSettled`).
    CookieJarSettled { slot: usize },
    /// The check's report entry for now; it goes on observing.
    Interim { slot: usize, check: ReportCheck },
    /// The check ended (the driver's [`ReportCheck::new`] of its outcome).
    Finished { slot: usize, check: ReportCheck },
}

/// What the run asks its driver to do, in order.
// Each is moved once to the driver, as `Msg` is to the reducer: its size
// does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Do<S = ()> {
    /// Run `check` and feed what it does back with `slot`.
    Start { slot: usize, check: AnyCheck },
    /// Dispatch to the page state.
    Show(Msg<S>),
    /// The first report is complete: answer with [`Run::stamped`] (when and
    /// where it was made) before anything else is fed.
    Stamp,
}

/// When and where the first report was made, as the driver reads them.
pub struct Stamp {
    pub created_at: String,
    pub environment: Environment,
}
