//! Configuration problems, each naming the key and where it came from.

use conncheck_core::config::{ConfigError, Source};
use yew::prelude::*;

pub fn config_errors(errors: &[ConfigError]) -> Html {
    if errors.is_empty() {
        return html! {};
    }
    let item = |e: &ConfigError| {
        let from = match e.source {
            Source::File => "conncheck.json",
            Source::Query => "the link",
        };
        html! { <li><code>{ e.key.as_str() }</code>{ format!(" (from {from}): {}", e.message) }</li> }
    };
    html! {
        <section class="config-errors" role="alert">
            <h2>{ "Configuration problems" }</h2>
            <p>{ "Checks that need these settings were skipped; the others ran." }</p>
            <ul>{ for errors.iter().map(item) }</ul>
        </section>
    }
}
