//! What the page derives from its state to show and share the report:
//! built when its sources change, kept while they do not.

use std::rc::Rc;

use super::State;
use crate::report::Report;
use crate::share;

/// What the page shows and shares of the live report.
#[derive(Debug, PartialEq)]
pub struct Published {
    /// The report with the user's description.
    pub report: Report,
    /// Its JSON, pretty (`#report-json`, the download).
    pub json: Rc<str>,
    /// The copy text: a summary, then the `conncheck-report:1:` line.
    pub text: Rc<str>,
    /// The `#report=` link to the page.
    pub link: Rc<str>,
}

impl Published {
    pub fn of(report: Report, page_url: &str) -> Published {
        Published {
            json: pretty(&report),
            text: share::copy_text(&report).into(),
            link: share::link(page_url, &report).into(),
            report,
        }
    }
}

fn pretty(report: &Report) -> Rc<str> {
    serde_json::to_string_pretty(report)
        .unwrap_or_default()
        .into()
}

/// The derived values, each built when its sources changed and kept until
/// they change again: the live report's on [`State::settled`] (and the
/// page's address), a shared report's JSON on that report.
#[derive(Debug, Default)]
pub struct Derived {
    live: Option<(u64, String, Rc<Published>)>,
    shared: Option<(Rc<Report>, Rc<str>)>,
    builds: u32,
}

impl Derived {
    /// The live report as shared from `page_url`, once there is one.
    pub fn live<S>(&mut self, state: &State<S>, page_url: &str) -> Option<Rc<Published>> {
        match &self.live {
            Some((settled, url, published)) if *settled == state.settled && url == page_url => {
                return Some(published.clone())
            }
            _ => {}
        }
        let published = Rc::new(Published::of(state.published()?, page_url));
        self.builds += 1;
        self.live = Some((state.settled, page_url.to_owned(), published.clone()));
        Some(published)
    }

    /// The JSON of the shared report being viewed, if any.
    pub fn shared_json<S>(&mut self, state: &State<S>) -> Option<Rc<str>> {
        let report = state.shared.as_ref()?;
        match &self.shared {
            Some((of, json)) if Rc::ptr_eq(of, report) => Some(json.clone()),
            _ => {
                let json = pretty(report);
                self.builds += 1;
                self.shared = Some((report.clone(), json.clone()));
                Some(json)
            }
        }
    }

    /// How many times a report was serialized (and, live, compressed).
    pub fn builds(&self) -> u32 {
        self.builds
    }
}

#[cfg(test)]
#[path = "derived_tests.rs"]
mod tests;
