//! Progress on stderr while checks run: a line when a check ends, and
//! every few seconds a line naming the checks still running (a lifetime
//! hold or the pods' count can take minutes), so a CI log shows where a
//! run is.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use conncheck_core::catalog::CheckId;
use conncheck_core::check::Millis;
use conncheck_core::checks::seconds;
use conncheck_core::report::ReportCheck;

use crate::driver::now;

/// How often the "still running" line comes.
pub const TICK_MS: Millis = 5_000;

#[derive(Clone, Default)]
pub struct Progress {
    quiet: bool,
    /// The checks running: their id, start and planned hold.
    running: Rc<RefCell<Vec<(CheckId, Millis, Millis)>>>,
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        Progress {
            quiet,
            running: Rc::default(),
        }
    }

    pub fn line(&self, text: &str) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr(), "{text}");
        }
    }

    pub fn started(&self, id: CheckId, planned_ms: Millis) {
        self.running.borrow_mut().push((id, now(), planned_ms));
        if planned_ms > 0 {
            self.line(&format!(
                "  … {}: holding for {}",
                id.as_str(),
                seconds(planned_ms)
            ));
        }
    }

    pub fn finished(&self, check: &ReportCheck) {
        self.running.borrow_mut().retain(|(id, ..)| *id != check.id);
        self.line(&format!(
            "  {} {} ({})",
            check.status.as_str(),
            check.id.as_str(),
            seconds(check.duration_ms)
        ));
    }

    /// The "still running" line, if anything runs.
    pub fn tick(&self) {
        let now = now();
        let running: Vec<String> = self
            .running
            .borrow()
            .iter()
            .map(|(id, since, planned)| {
                let ran = seconds(now.saturating_sub(*since) / 1000 * 1000);
                if *planned > 0 {
                    format!("{} ({ran} of about {})", id.as_str(), seconds(*planned))
                } else {
                    format!("{} ({ran})", id.as_str())
                }
            })
            .collect();
        if !running.is_empty() {
            self.line(&format!("  … still running: {}", running.join(", ")));
        }
    }
}
