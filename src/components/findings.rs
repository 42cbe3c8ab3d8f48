//! Findings: what is wrong, the evidence, who can fix it, and how.

use conncheck_core::json;
use conncheck_core::report::{Finding, Platform, Severity};
use yew::prelude::*;

use super::copy_button::CopyButton;

#[derive(Properties, PartialEq)]
pub struct FindingsProps {
    pub findings: Vec<Finding>,
    /// For support staff: evidence and fixes open, each fix copyable.
    #[prop_or_default]
    pub detailed: bool,
}

pub fn platform_label(p: Platform) -> &'static str {
    match p {
        Platform::Any => "Any setup",
        Platform::IngressNginx => "ingress-nginx",
        Platform::Gke => "GKE",
        Platform::Traefik => "Traefik",
        Platform::Haproxy => "HAProxy",
        Platform::Istio => "Istio",
        Platform::Nginx => "nginx",
    }
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

#[component]
pub fn Findings(props: &FindingsProps) -> Html {
    if props.findings.is_empty() {
        return html! {};
    }
    let finding = |f: &Finding| {
        html! {
            <li class={classes!("finding", severity_class(f.severity))} data-finding={json::to_text(&f.id)}>
                <h3>{ &f.title }</h3>
                <p>{ &f.explanation }</p>
                <p class="fix-by">{ format!("Who can fix it: {}.", f.fix_by.label()) }</p>
                <details open={props.detailed}>
                    <summary>{ "Evidence and fixes" }</summary>
                    <ul class="evidence">{ for f.evidence.iter().map(|e| html! { <li>{ e }</li> }) }</ul>
                    <dl class="fixes">
                        { for f.fixes.iter().map(|fix| html! {
                            <>
                                <dt>{ platform_label(fix.platform) }</dt>
                                <dd>
                                    <code class="fix-text">{ &fix.text }</code>
                                    if props.detailed {
                                        <CopyButton text={fix.text.clone()} />
                                    }
                                </dd>
                            </>
                        }) }
                    </dl>
                </details>
            </li>
        }
    };
    html! {
        <section class="findings">
            <h2>{ "What we found" }</h2>
            <ul>{ for props.findings.iter().map(finding) }</ul>
        </section>
    }
}
