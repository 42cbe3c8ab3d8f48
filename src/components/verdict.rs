//! The plain-language verdict at the top of the page.

use conncheck_core::view::View;
use yew::prelude::*;

/// A view, not a component: it has no state of its own, and each component
/// costs the page's wasm more than its view does.
pub fn verdict_banner(view: Option<&View>) -> Html {
    let (ok, text) = match view {
        None => (None, "Checking your connection…".to_owned()),
        Some(view) => (Some(view.verdict.ok), view.verdict.headline.clone()),
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
