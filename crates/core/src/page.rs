//! The page's state and its reducer, the top layer of the core: the page
//! crate wraps [`State`] for Yew's `use_reducer` and renders it; its effects
//! (`run`) do the work and dispatch what happened as [`Msg`]s.
//!
//! The state holds what happened and what the browser answered, nothing
//! that follows from it: the configuration, the live run's check rows and
//! report, the user's description, where the support view stands, the media
//! preview, the share panel's state. What is derived from them — the report with
//! the description, its JSON, copy text and link — is built by [`Derived`],
//! once per [`State::settled`] revision: at once when a report changes,
//! and when the user pauses typing ([`Msg::Settle`]) rather than on every
//! keystroke.
//!
//! `S` is the page's handle of a media stream (a `MediaStream` in the
//! browser, `()` in tests).

use std::rc::Rc;

use crate::checks::media::MediaKind;
use crate::config::{Config, ReportConfig};
use crate::report::Report;
use crate::view::View;

mod derived;
mod msg;
mod rows;
mod share;
mod support;
pub use derived::{Deflated, Derived, Published};
pub use msg::Msg;
pub use rows::{CheckRow, Phase, RowState};
pub use share::{QrCode, Share, ShareMsg};
pub use support::Support;

/// The live streams of a running media test, shown while they live, and
/// the microphone's last level in thousandths (0 to 1000).
#[derive(Debug, Clone, PartialEq)]
pub struct Preview<S> {
    pub video: Option<S>,
    pub audio: Option<S>,
    pub mic_level: u32,
}

impl<S> Default for Preview<S> {
    fn default() -> Self {
        Preview {
            video: None,
            audio: None,
            mic_level: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct State<S = ()> {
    pub phase: Phase,
    pub now_ms: f64,
    /// The effective configuration; the report's `config` is derived from
    /// it ([`State::report_config`]).
    pub config: Option<Rc<Config>>,
    pub checks: Vec<CheckRow>,
    /// The run's report as assembled, and as later observations update it;
    /// without the user's description, which [`State::published`] adds.
    pub report: Option<Rc<Report>>,
    /// What the page shows and shares of `report`: derived once per record
    /// ([`crate::view::derive`]), when the record changes.
    pub view: Option<Rc<View>>,
    /// The user's own description, kept across runs.
    pub note: Rc<str>,
    /// Where the support view stands; once it shows a shared report, the
    /// page shows nothing of its own.
    pub support: Support,
    /// Why a `#report=` link could not be opened.
    pub import_error: Option<Rc<str>>,
    /// Why a report pasted into the import box could not be opened.
    pub paste_error: Option<Rc<str>>,
    /// Checks the user started that are still running.
    pub user_running: u32,
    /// Automatic observations still going on after the report was complete
    /// (the first server ping, a configured lifetime, the cross-pod probe).
    pub observing: u32,
    /// How many times a complete report was published: the durable
    /// automation hook `data-conncheck-reports` (the state may already be
    /// `running` again when a script looks).
    pub reports: u32,
    pub preview: Preview<S>,
    pub share: Share,
    /// The latest live report compressed by the browser for its link
    /// ([`Derived::live_deflated`]).
    pub deflated: Option<Rc<Deflated>>,
    /// Bumps whenever the live report or the description changes; never
    /// goes back, not even on [`Msg::Reset`].
    pub revision: u64,
    /// The revision the derived values are built from: `revision` as soon
    /// as a report changes; after a pause in typing when the description
    /// does.
    pub settled: u64,
}

impl<S> Default for State<S> {
    fn default() -> Self {
        State {
            phase: Phase::Running,
            now_ms: 0.0,
            config: None,
            checks: Vec::new(),
            report: None,
            view: None,
            note: Rc::from(""),
            support: Support::Idle,
            import_error: None,
            paste_error: None,
            user_running: 0,
            observing: 0,
            reports: 0,
            preview: Preview::default(),
            share: Share::default(),
            deflated: None,
            revision: 0,
            settled: 0,
        }
    }
}

impl<S: Clone> State<S> {
    pub fn reduce(mut self, msg: Msg<S>) -> Self {
        match msg {
            Msg::Planned { effective, checks } => {
                self.config = Some(effective);
                self.checks = checks
                    .into_iter()
                    .map(|(id, expected_ms)| CheckRow {
                        id,
                        state: RowState::Waiting,
                        expected_ms,
                    })
                    .collect();
            }
            Msg::Started { index, at_ms } => {
                if let Some(row) = self.checks.get_mut(index) {
                    row.state = RowState::Running { since_ms: at_ms };
                }
                self.now_ms = self.now_ms.max(at_ms);
            }
            Msg::Finished { index, check } => {
                if let Some(row) = self.checks.get_mut(index) {
                    row.state = RowState::Finished(check);
                }
            }
            Msg::Tick(now_ms) => self.now_ms = now_ms,
            Msg::Completed(report) => {
                self.set_report(report);
                self.reports += 1;
                self.refresh_phase();
            }
            Msg::Note(note) => {
                self.note = note.into();
                self.revision += 1;
            }
            Msg::Settle => self.settled = self.revision,
            Msg::Reset => {
                let revision = self.revision + 1;
                self = State {
                    note: self.note,
                    preview: self.preview,
                    revision,
                    settled: revision,
                    ..State::default()
                };
            }
            Msg::OpeningShared { pasted } => {
                self.support = if pasted {
                    Support::OpeningPaste
                } else {
                    Support::OpeningLink
                };
            }
            Msg::SharedShown => {
                self.support = Support::Shown;
                self.import_error = None;
                self.paste_error = None;
            }
            Msg::ImportFailed(message) => {
                self.support = Support::Idle;
                self.import_error = Some(message.into());
                // Nothing else runs when a link opened the page; a run
                // begun before the address changed ends on its own.
                if self.checks.is_empty() {
                    self.phase = Phase::Done;
                }
            }
            Msg::PasteFailed(message) => {
                self.support = Support::Idle;
                self.paste_error = Some(message.into());
            }
            Msg::UserStarted {
                id,
                at_ms,
                expected_ms,
            } => {
                self.start_row(id, Some(at_ms), expected_ms);
                self.user_running += 1;
                self.refresh_phase();
            }
            Msg::UserFinished(check) => {
                self.user_running = self.user_running.saturating_sub(1);
                self.finish_row(check);
            }
            Msg::Observing {
                id,
                at_ms,
                expected_ms,
            } => {
                self.start_row(id, at_ms, expected_ms);
                self.observing += 1;
                self.refresh_phase();
            }
            Msg::Observed(check) => {
                self.observing = self.observing.saturating_sub(1);
                self.finish_row(check);
            }
            Msg::Preview { kind, stream } => match kind {
                MediaKind::Video => self.preview.video = stream,
                MediaKind::Audio => {
                    self.preview.audio = stream;
                    self.preview.mic_level = 0;
                }
            },
            Msg::MicLevel(level) if self.preview.audio.is_some() => {
                self.preview.mic_level = level.min(1000);
            }
            Msg::MicLevel(_) => {}
            Msg::Share(msg) => self.share.reduce(msg),
            // Compressions may end out of order: an older revision's never
            // replaces a newer one's.
            Msg::Deflated(deflated) => {
                if self
                    .deflated
                    .as_ref()
                    .is_none_or(|d| d.settled <= deflated.settled)
                {
                    self.deflated = Some(Rc::new(deflated));
                }
            }
        }
        self
    }
}

impl<S> State<S> {
    /// Whether a check the user can start may start now: the automatic
    /// report is complete and no user-started check runs.
    pub fn user_may_start(&self) -> bool {
        self.report.is_some() && self.user_running == 0
    }

    /// The configuration as the report shows it (no credentials).
    pub fn report_config(&self) -> Option<ReportConfig> {
        self.config.as_deref().map(ReportConfig::from)
    }

    /// The live report as it is shared: with the user's description, and
    /// its view (the description changes no derived text).
    pub fn published(&self) -> Option<(Report, Rc<View>)> {
        let mut report = (**self.report.as_ref()?).clone();
        report.set_user_note(&self.note);
        Some((report, self.view.clone()?))
    }

    fn refresh_phase(&mut self) {
        let busy = self.report.is_none() || self.user_running > 0 || self.observing > 0;
        self.phase = if busy { Phase::Running } else { Phase::Done };
    }

    /// Stores a new live report; what is derived from it follows at once.
    fn set_report(&mut self, report: Report) {
        self.view = Some(Rc::new(crate::view::derive(&report)));
        self.report = Some(Rc::new(report));
        self.revision += 1;
        self.settled = self.revision;
    }
}

#[cfg(test)]
#[path = "page/preview_tests.rs"]
mod preview_tests;
#[cfg(test)]
#[path = "page/published_tests.rs"]
mod published_tests;
#[cfg(test)]
#[path = "page/support_tests.rs"]
mod support_tests;
#[cfg(test)]
#[path = "page_tests.rs"]
mod tests;
