//! A shared report, read-only, for support staff: a banner that says it is
//! shared and from when, which browser and which page; which settings the
//! support link chose; then the verdict, findings, explanations and fixes,
//! all derived from the record with this page's own rules and texts
//! (`conncheck_core::view`), never the payload's words; a plain notice when
//! the payload's findings differ or its data cannot be this page's (altered,
//! or another version); the user's words; every check with its timings and
//! raw observations. Outside values only as `class="observed"` elements.
//! Never mixed with a live run.

use std::rc::Rc;

use conncheck_core::config::ConfigError;
use conncheck_core::json;
use conncheck_core::report::Report;
use conncheck_core::view::{SharedView, ViewCheck};
use yew::prelude::*;

use super::check_card::status_class;
use super::verdict::verdict_line;
use super::{config_errors, findings, provenance, words, CopyButton};

/// A configuration message from a payload is shown at most this long.
const MAX_CONFIG_MESSAGE_CHARS: usize = 160;

#[derive(Properties, PartialEq)]
pub struct SharedReportProps {
    pub report: Rc<Report>,
    /// Its one derivation (`view::derive_shared`).
    pub view: Rc<SharedView>,
}

fn id_list(ids: &[conncheck_core::catalog::FindingId]) -> String {
    ids.iter()
        .filter_map(json::to_text)
        .collect::<Vec<_>>()
        .join(", ")
}

fn short(text: &str, max: usize) -> String {
    let mut s: String = text.chars().filter(|c| !c.is_control()).take(max).collect();
    if text.chars().count() > max {
        s.push('…');
    }
    s
}

#[component]
pub fn SharedReport(props: &SharedReportProps) -> Html {
    let r = &props.report;
    let view = &props.view;
    let check = |v: &ViewCheck| {
        let c = &v.check;
        let data = json::to_pretty(&c.data).unwrap_or_default();
        html! {
            <li ~className={status_class(c.status)} data-check={c.id.as_str()}>
                <div class="check-head">
                    <h3>{ v.title() }</h3>
                    <span class="badge">{ c.status.label() }</span>
                </div>
                <p class="summary">{ words(&v.summary) }</p>
                if let Some(reason) = v.unreadable() {
                    <p class="unreadable" data-unreadable="">{ "This page cannot read this check's observations, so no finding is drawn from them: " }{ reason }</p>
                }
                <p class="duration">{ format!("{} ms", c.duration_ms) }</p>
                <details>
                    <summary>{ "Observations" }</summary>
                    <pre class="observed">{ data }</pre>
                </details>
            </li>
        }
    };
    let altered = view.altered().then(|| {
        let mut parts = Vec::new();
        if !view.only_in_report.is_empty() {
            parts.push(format!("it lists {} that its checks do not show", id_list(&view.only_in_report)));
        }
        if !view.only_derived.is_empty() {
            parts.push(format!("it leaves out {} that its checks show", id_list(&view.only_derived)));
        }
        if !view.implausible.is_empty() {
            parts.push(format!(
                "its checks cannot have observed what it holds in {}",
                view.implausible.join(", ")
            ));
        }
        html! {
            <section class="altered" role="alert" data-altered="true">
                <h2>{ "This report was altered or comes from another version of conncheck" }</h2>
                <p>{ format!("It differs from what this page's checks produce: {}. Below is what this page derives from the checks.", parts.join("; ")) }</p>
            </section>
        }
    });
    let unknown = (!view.not_understood.is_empty()).then(|| html! {
        <section class="not-understood" data-not-understood="true">
            <p>{ format!("This report comes from a newer conncheck; this page does not know and left out: {}.", view.not_understood.join(", ")) }</p>
        </section>
    });
    let shown_errors: Vec<ConfigError> = r
        .config
        .errors
        .iter()
        .take(16)
        .map(|e| ConfigError {
            key: short(e.key.as_str(), 40).into(),
            source: e.source,
            message: short(&e.message, MAX_CONFIG_MESSAGE_CHARS),
        })
        .collect();
    let languages = short(&r.environment.languages.join(", "), 120);
    html! {
        <>
            <section class="shared-banner" aria-labelledby="shared-title">
                <h2 id="shared-title">{ "Shared report" }</h2>
                <p>{ "This is a report someone shared with you, not a test of this browser." }</p>
                <dl>
                    <dt>{ "Created" }</dt><dd>{ short(&r.created_at, 40) }</dd>
                    <dt>{ "Browser" }</dt><dd>{ short(&r.environment.browser_summary(), 120) }</dd>
                    <dt>{ "Page" }</dt><dd>{ short(&format!("{}{}", r.page.origin, r.page.path), 200) }</dd>
                    <dt>{ "Secure context" }</dt><dd>{ if r.page.secure_context { "yes" } else { "no" } }</dd>
                    <dt>{ "Online" }</dt><dd>{ if r.environment.online { "yes" } else { "no" } }</dd>
                    <dt>{ "Languages" }</dt><dd>{ languages }</dd>
                    <dt>{ "Tool" }</dt><dd>{ short(&format!("{} {}", r.tool.name, r.tool.version), 60) }</dd>
                </dl>
                <a href="./">{ "Run the check in this browser instead" }</a>
            </section>
            { for altered }
            { for unknown }
            { provenance(&r.config, true) }
            { verdict_line(Some(view.verdict.ok), view.verdict.headline.clone(), false) }
            { for r.user_note.as_ref().map(|note| html! {
                <section class="user-note">
                    <h2>{ "In the user's words" }</h2>
                    <blockquote>{ note }</blockquote>
                </section>
            }) }
            { findings(&view.findings, Some(|text| html! { <CopyButton {text} /> }), None) }
            { config_errors(&shown_errors, true) }
            <section class="checks">
                <h2>{ "Checks" }</h2>
                <ul>{ for view.checks.iter().map(check) }</ul>
            </section>
        </>
    }
}
