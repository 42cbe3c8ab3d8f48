//! A shared report, read-only, for support staff: a banner that says it is
//! shared and from when, which browser and which page; then the verdict,
//! the user's words, findings with evidence and copyable fixes, and every
//! check with its timings and raw observations. Never mixed with a live run.

use std::rc::Rc;

use conncheck_core::report::Report;
use yew::prelude::*;

use super::check_card::status_label;
use super::{ConfigErrors, Findings, VerdictBanner};

#[derive(Properties, PartialEq)]
pub struct SharedReportProps {
    pub report: Rc<Report>,
}

#[component]
pub fn SharedReport(props: &SharedReportProps) -> Html {
    let r = &props.report;
    let check = |c: &conncheck_core::report::ReportCheck| {
        let data = serde_json::to_string_pretty(&c.data).unwrap_or_default();
        html! {
            <li class={classes!("check", format!("{:?}", c.status).to_lowercase())} data-check={c.id.as_str()}>
                <div class="check-head">
                    <h3>{ &c.title }</h3>
                    <span class="badge">{ status_label(c.status) }</span>
                </div>
                <p class="summary">{ &c.summary }</p>
                <p class="duration">{ format!("{} ms", c.duration_ms) }</p>
                <details>
                    <summary>{ "Observations" }</summary>
                    <pre>{ data }</pre>
                </details>
            </li>
        }
    };
    let languages = r.environment.languages.join(", ");
    html! {
        <>
            <section class="shared-banner" aria-labelledby="shared-title">
                <h2 id="shared-title">{ "Shared report" }</h2>
                <p>{ "This is a report someone shared with you, not a test of this browser." }</p>
                <dl>
                    <dt>{ "Created" }</dt><dd>{ &r.created_at }</dd>
                    <dt>{ "Browser" }</dt><dd>{ r.environment.browser_summary() }</dd>
                    <dt>{ "Page" }</dt><dd>{ format!("{}{}", r.page.origin, r.page.path) }</dd>
                    <dt>{ "Secure context" }</dt><dd>{ if r.page.secure_context { "yes" } else { "no" } }</dd>
                    <dt>{ "Online" }</dt><dd>{ if r.environment.online { "yes" } else { "no" } }</dd>
                    <dt>{ "Languages" }</dt><dd>{ languages }</dd>
                    <dt>{ "Tool" }</dt><dd>{ format!("{} {}", r.tool.name, r.tool.version) }</dd>
                </dl>
                <a href="./">{ "Run the check in this browser instead" }</a>
            </section>
            <VerdictBanner report={Some(r.clone())} />
            { for r.user_note.as_ref().map(|note| html! {
                <section class="user-note">
                    <h2>{ "In the user's words" }</h2>
                    <blockquote>{ note }</blockquote>
                </section>
            }) }
            <Findings findings={r.findings.clone()} detailed=true />
            <ConfigErrors errors={r.config.errors.clone()} />
            <section class="checks">
                <h2>{ "Checks" }</h2>
                <ul>{ for r.checks.iter().map(check) }</ul>
            </section>
        </>
    }
}
