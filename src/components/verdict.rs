//! The plain-language verdict at the top of the page.

use conncheck_core::diagnosis::verdict;
use conncheck_core::report::Report;
use yew::prelude::*;

/// A view, not a component: it has no state of its own, and each component
/// costs the page's wasm more than its view does.
pub fn verdict_banner(report: Option<&Report>) -> Html {
    let (ok, text) = match report {
        None => (None, "Checking your connection…".to_owned()),
        Some(report) => {
            let v = verdict(&report.checks, &report.findings);
            (Some(v.ok), v.headline)
        }
    };
    verdict_line(ok, text, true)
}

/// The verdict's line: `None` while the checks run. `~className`, the DOM
/// property: a computed `class` links Yew's class-set code into the page.
pub fn verdict_line(ok: Option<bool>, text: String, live: bool) -> Html {
    let class = match ok {
        None => "verdict running",
        Some(true) => "verdict ok",
        Some(false) => "verdict bad",
    };
    let live = live.then_some("polite");
    html! { <p ~className={class} role="status" aria-live={live}>{ text }</p> }
}
