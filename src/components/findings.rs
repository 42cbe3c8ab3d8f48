//! Findings: what is wrong, the evidence, who can fix it, and how.

use conncheck_core::json;
use conncheck_core::report::{Finding, Platform, Severity};
use yew::prelude::*;

use super::words;

/// For support staff: what follows each fix, its copy button. Evidence
/// and fixes are then shown open. (Passed in by the support view, so that
/// the page's own module carries no copy button.)
pub type FixCopy = fn(AttrValue) -> Html;

pub fn platform_label(p: Platform) -> &'static str {
    match p {
        Platform::Any => "Any setup",
        Platform::IngressNginx => "ingress-nginx (retired)",
        Platform::Gke => "GKE",
        Platform::Traefik => "Traefik",
        Platform::Haproxy => "HAProxy",
        Platform::Istio => "Istio",
        Platform::Nginx => "nginx",
        Platform::GatewayApi => "Gateway API",
        Platform::EnvoyGateway => "Envoy Gateway",
        Platform::Envoy => "Envoy",
    }
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "finding critical",
        Severity::Warning => "finding warning",
        Severity::Info => "finding info",
    }
}

/// `support_link`: on the live page, whose module has no explanations and
/// fix texts, the report's `#report=` link, where the support view shows
/// them.
pub fn findings(findings: &[Finding], copy: Option<FixCopy>, support_link: Option<&str>) -> Html {
    if findings.is_empty() {
        return html! {};
    }
    let finding = |f: &Finding| {
        // `~className`, the DOM property: a computed `class` would link
        // Yew's class-set code into the page.
        html! {
            <li ~className={severity_class(f.severity)} data-finding={json::to_text(&f.id)}>
                <h3>{ &f.title }</h3>
                if !f.explanation.is_empty() {
                    <p>{ &f.explanation }</p>
                }
                <p class="fix-by">{ format!("Who can fix it: {}.", f.fix_by.label()) }</p>
                <details open={copy.is_some()}>
                    <summary>{ "Evidence and fixes" }</summary>
                    <ul class="evidence">{ for f.evidence.iter().map(|e| html! { <li>{ words(e) }</li> }) }</ul>
                    <dl class="fixes">
                        { for f.fixes.iter().map(|fix| html! {
                            <>
                                <dt>{ platform_label(fix.platform) }</dt>
                                <dd>
                                    <code class="fix-text">{ &fix.text }</code>
                                    { for copy.map(|copy| copy(fix.text.clone().into())) }
                                </dd>
                            </>
                        }) }
                    </dl>
                    { for support_link.filter(|_| f.explanation.is_empty()).map(|link| html! {
                        <p class="fixes-link">
                            <a href={link.to_owned()} target="_blank" rel="noopener">
                                { "What this means, and the fixes for support staff: open this report as they see it" }
                            </a>
                        </p>
                    }) }
                </details>
            </li>
        }
    };
    html! {
        <section class="findings">
            <h2>{ "What we found" }</h2>
            <ul>{ for findings.iter().map(finding) }</ul>
        </section>
    }
}
