//! Which settings came from the support link, said before the checks and
//! in a shared report: a link is written by whoever sent it, so the person
//! reading the results must know what it chose (values as the report keeps
//! them: redacted, and shortened here).

use conncheck_core::config::ReportConfig;
use yew::prelude::*;

/// Longest value shown; the full (redacted) one is in the report JSON.
const MAX_SHOWN_CHARS: usize = 80;

fn label(key: &str) -> &'static str {
    match key {
        "socketio" => "Socket.IO endpoint",
        "namespace" => "Socket.IO namespace",
        "ws" => "WebSocket URL",
        "livekit" => "LiveKit server",
        "stun" => "STUN servers",
        "cookie" => "affinity cookie names",
        "lifetime" => "connection lifetime (seconds)",
        "companion" => "companion namespace",
        _ => "other setting",
    }
}

fn value(config: &ReportConfig, key: &str) -> String {
    let text = match key {
        "socketio" => config.socketio.clone().unwrap_or_default(),
        "namespace" => config.namespace.clone().unwrap_or_default(),
        "ws" => config.ws.clone().unwrap_or_default(),
        "livekit" => config.livekit.clone().unwrap_or_default(),
        "stun" => config.stun.join(", "),
        "cookie" => config.cookie.join(", "),
        "lifetime" => config.lifetime.to_string(),
        "companion" => config.companion.clone().unwrap_or_default(),
        _ => String::new(),
    };
    let mut shown: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_SHOWN_CHARS)
        .collect();
    if text.chars().count() > MAX_SHOWN_CHARS {
        shown.push('…');
    }
    shown
}

/// `shared`: worded for support staff reading someone else's report.
pub fn provenance(config: &ReportConfig, shared: bool) -> Html {
    let keys = &config.from_link;
    if keys.is_empty() {
        return html! {};
    }
    let intro = if shared {
        "This test was set up by a support link, not only by the service's own settings:"
    } else {
        "This test was set up by a support link:"
    };
    html! {
        <section class="provenance" data-provenance="link">
            <p>{ intro }</p>
            <ul>
                { for keys.iter().take(16).map(|k| html! {
                    <li data-link-key={k.clone()}>
                        { format!("{}: ", label(k)) }<code>{ value(config, k) }</code>
                    </li>
                }) }
            </ul>
        </section>
    }
}
