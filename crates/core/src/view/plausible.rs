//! What in a shared record's data this page's checks cannot have observed:
//! values that the page itself computes from numbers (a matched limit, a
//! cookie's platform) and differ from what it computes now, and outside
//! values of a form the page never keeps (a `Server` header that is not a
//! product token, a cookie name with characters a cookie name cannot have,
//! a namespace that is not one, a URL the page would have redacted). Fields
//! are found by their names in the data's JSON, so that a field added to a
//! check later is covered by its name. Each doubt is in this page's words:
//! the check's id and the field's name, never the value.

use crate::catalog::CheckId;
use crate::checks::affinity_cookie::identify;
use crate::checks::lifetime::match_limit;
use crate::checks::CheckData;
use crate::config::{is_cookie_name, is_namespace};
use crate::privacy::{product_token, redact_url, via_tokens};
use crate::report::ReportCheck;

/// The doubts about one check's data, if any.
pub(super) fn doubts(check: &ReportCheck) -> Vec<String> {
    let mut doubts = Vec::new();
    let mut doubt = |field: &str| {
        let line = format!("{}: {field}", check.id.as_str());
        if !doubts.contains(&line) {
            doubts.push(line);
        }
    };
    match &check.data {
        CheckData::ConnectionLifetime(d) => {
            let derived = d
                .lifetime_ms
                .map(|ms| match_limit(ms, d.ping_interval_ms, &d.hints));
            if d.matched_limit.is_some() && d.matched_limit != derived {
                doubt("matched_limit");
            }
        }
        CheckData::AffinityCookie(d) => {
            for f in &d.found {
                if identify(&f.cookie.name, &d.configured) != Some(f.platform.as_str()) {
                    doubt("found.platform");
                }
            }
        }
        _ => {}
    }
    if let Ok(json) = serde_json::to_value(&check.data) {
        walk(check.id, &json, "", &mut doubt);
    }
    doubts
}

fn walk(id: CheckId, value: &serde_json::Value, key: &str, doubt: &mut impl FnMut(&str)) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                walk(id, v, k, doubt);
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                walk(id, v, key, doubt);
            }
        }
        serde_json::Value::String(text) if !fits(id, key, text) => doubt(key),
        _ => {}
    }
}

/// Whether `text`, the value of a field named `key`, has a form this
/// page's checks keep.
fn fits(id: CheckId, key: &str, text: &str) -> bool {
    match key {
        "server" => product_token(text).as_deref() == Some(text),
        "via" => via_tokens(text).as_deref() == Some(text),
        "namespace" => is_namespace(text),
        // A cookie's name, not a webrtc server's.
        "name" if id == CheckId::AffinityCookie => !text.is_empty() && is_cookie_name(text),
        "url" => redact_url(text) == text,
        _ => true,
    }
}
