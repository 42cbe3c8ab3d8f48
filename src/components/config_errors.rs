//! Configuration problems, each naming the key and where it came from. A
//! shared report's are its author's words: shown as reported values.

use conncheck_core::config::{ConfigError, Source};
use yew::prelude::*;

pub fn config_errors(errors: &[ConfigError], reported: bool) -> Html {
    if errors.is_empty() {
        return html! {};
    }
    let item = |e: &ConfigError| {
        let from = match e.source {
            Source::File => "conncheck.json",
            Source::Query => "the link",
        };
        if reported {
            return html! {
                <li><code class="observed">{ e.key.as_str() }</code>{ format!(" (from {from}), as the report words it: ") }<q class="observed">{ &e.message }</q></li>
            };
        }
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
