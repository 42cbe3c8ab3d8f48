//! The plain-language verdict at the top of the page.

use conncheck_core::diagnosis::verdict;
use conncheck_core::report::Report;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VerdictBannerProps {
    pub report: Option<Rc<Report>>,
}

#[component]
pub fn VerdictBanner(props: &VerdictBannerProps) -> Html {
    let (class, text) = match &props.report {
        None => ("verdict running", "Checking your connection…".to_owned()),
        Some(report) => {
            let v = verdict(&report.checks, &report.findings);
            (if v.ok { "verdict ok" } else { "verdict bad" }, v.headline)
        }
    };
    html! {
        <p class={class} role="status" aria-live="polite">{ text }</p>
    }
}
