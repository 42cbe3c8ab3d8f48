//! What the page derives from its state to show and share the report:
//! built when its sources change, kept while they do not.

use std::rc::Rc;

use super::State;
use crate::report::Report;
use crate::share;
use crate::view::View;

/// What the page shows and shares of the live report.
#[derive(Debug, PartialEq)]
pub struct Published {
    /// The report with the user's description.
    pub report: Report,
    /// Its texts, derived once for the record ([`State::view`]).
    pub view: Rc<View>,
    /// Its JSON, pretty (`#report-json`, the download).
    pub json: Rc<str>,
    /// The copy text: a summary, then the `conncheck-report:1:` line.
    pub text: Rc<str>,
    /// The `#report=` link to the page.
    pub link: Rc<str>,
}

impl Published {
    /// With the payload of `report` made elsewhere ([`Deflated`]).
    pub fn with_payload(
        report: Report,
        view: Rc<View>,
        page_url: &str,
        payload: &str,
    ) -> Published {
        Published {
            json: view.json(&report).into(),
            text: share::copy_text_of(&report, &view, payload).into(),
            link: share::link_of(page_url, payload).into(),
            report,
            view,
        }
    }
}

/// The live report of revision `settled` ([`State::published`]) and its
/// [`share::share_json`] deflated outside the core: the page uses the
/// browser's `CompressionStream`, which answers asynchronously, so that its
/// wasm carries no compressor.
#[derive(Debug, Clone, PartialEq)]
pub struct Deflated {
    pub settled: u64,
    pub report: Rc<Report>,
    pub view: Rc<View>,
    pub bytes: Rc<[u8]>,
}

/// The derived values, each built when its sources changed and kept until
/// they change again: the live report's on [`State::settled`] (and the
/// page's address).
#[derive(Debug, Default)]
pub struct Derived {
    live: Option<(u64, String, Rc<Published>)>,
    builds: u32,
    reports_shown: u32,
}

impl Derived {
    /// [`Derived::live_deflated`] with the deflating done here and at once
    /// (miniz): the page's own path, driven by the native tests.
    #[cfg(test)]
    pub(crate) fn live<S>(&mut self, state: &State<S>, page_url: &str) -> Option<Rc<Published>> {
        let deflated = state.published().map(|(report, view)| Deflated {
            settled: state.settled,
            bytes: miniz_oxide::deflate::compress_to_vec(&share::share_json(&report, &view), 9)
                .into(),
            report: Rc::new(report),
            view,
        });
        self.live_deflated(state, page_url, deflated.as_ref())
    }

    /// The live report as shared from `page_url`, once there is one: built
    /// from `deflated` (the page deflates with the browser's compressor,
    /// which answers later) once it is of the state's settled revision,
    /// then kept while that revision and the address stay. Until then the
    /// values built before, of an earlier revision of the same run (a page
    /// without a report forgets them).
    pub fn live_deflated<S>(
        &mut self,
        state: &State<S>,
        page_url: &str,
        deflated: Option<&Deflated>,
    ) -> Option<Rc<Published>> {
        if state.report.is_none() {
            self.live = None;
            return None;
        }
        let built = matches!(&self.live, Some((settled, url, _)) if *settled == state.settled && url == page_url);
        if let (false, Some(d)) = (built, deflated.filter(|d| d.settled == state.settled)) {
            let payload = share::payload(&d.bytes);
            let published = Rc::new(Published::with_payload(
                (*d.report).clone(),
                d.view.clone(),
                page_url,
                &payload,
            ));
            self.builds += 1;
            self.live = Some((state.settled, page_url.to_owned(), published));
        }
        self.live
            .as_ref()
            .map(|(_, _, published)| published.clone())
    }

    /// The live report as shared right now, for an action the user takes
    /// (Copy): the values built, when they are of the state's revision;
    /// else built at once from the description as typed so far, its
    /// payload in stored DEFLATE blocks (the browser's compressor answers
    /// only later), a longer link that opens the same.
    pub fn published_now<S>(&self, state: &State<S>, page_url: &str) -> Option<Rc<Published>> {
        match &self.live {
            Some((settled, url, published)) if *settled == state.revision && url == page_url => {
                Some(published.clone())
            }
            _ => {
                let (report, view) = state.published()?;
                let payload =
                    share::payload(&share::stored_deflate(&share::share_json(&report, &view)));
                Some(Rc::new(Published::with_payload(
                    report, view, page_url, &payload,
                )))
            }
        }
    }

    /// Whether the live values are built from the state's settled revision
    /// (or there is no report to build them from).
    pub fn is_current<S>(&self, state: &State<S>) -> bool {
        state.report.is_none()
            || matches!(&self.live, Some((settled, _, _)) if *settled == state.settled)
    }

    /// How many complete reports the page's hooks have shown
    /// (`data-conncheck-reports`): a report counts once its copy text and
    /// link are built too, so that what a script reads then is complete.
    pub fn reports_shown<S>(&mut self, state: &State<S>) -> u32 {
        if self.is_current(state) {
            self.reports_shown = state.reports;
        }
        self.reports_shown
    }

    /// How many times a report was serialized (and, live, compressed).
    pub fn builds(&self) -> u32 {
        self.builds
    }
}

#[cfg(test)]
#[path = "derived_tests.rs"]
mod tests;
