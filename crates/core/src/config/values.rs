//! One setting's raw value (JSON from the file, or text from the link)
//! read into what [`Config`](super::Config) holds.

use crate::json::Value;

use super::target::{self, Policy};
use super::{excerpt, Source, TurnServer, MAX_ICE_URLS, MAX_LIFETIME_S};

/// A raw value: JSON from the file, or text from the query string.
pub(super) enum Raw<'a> {
    Json(&'a Value),
    Text(&'a str),
}

impl Raw<'_> {
    pub(super) fn source(&self) -> Source {
        match self {
            Raw::Json(_) => Source::File,
            Raw::Text(_) => Source::Query,
        }
    }

    pub(super) fn as_text(&self) -> Result<&str, String> {
        match self {
            Raw::Text(t) => Ok(t),
            Raw::Json(Value::String(s)) => Ok(s),
            Raw::Json(other) => Err(format!("must be a string, found {}", other.kind())),
        }
    }

    /// A list: a JSON string or array of strings, or comma-separated text.
    pub(super) fn as_list(&self) -> Result<Vec<String>, String> {
        let items: Vec<String> = match self {
            Raw::Json(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.trim_matches(' ').to_owned()),
                    other => Err(format!("must list strings, found {}", other.kind())),
                })
                .collect::<Result<_, _>>()?,
            _ => self
                .as_text()?
                .split(',')
                .map(|s| s.trim_matches(' ').to_owned())
                .collect(),
        };
        Ok(items.into_iter().filter(|s| !s.is_empty()).collect())
    }
}

pub(super) fn cookie_names(raw: &Raw) -> Result<Vec<String>, String> {
    let names = raw.as_list()?;
    match names.iter().find(|n| !is_cookie_name(n)) {
        Some(bad) => Err(format!("{} is not a cookie name", excerpt(bad))),
        None => Ok(names),
    }
}

/// A cookie name this page accepts: RFC 6265's cookie-name, an RFC 2616
/// token, of at most 128 bytes.
pub(super) fn is_cookie_name(name: &str) -> bool {
    name.len() <= 128
        && name
            .chars()
            .all(|c| c.is_ascii_graphic() && !"()<>@,;:\\\"/[]?={}".contains(c))
}

pub(super) fn lifetime(raw: &Raw) -> Result<u64, String> {
    let seconds = match raw {
        Raw::Json(Value::Number(n)) => n.as_u64(),
        _ => raw.as_text()?.trim().parse::<u64>().ok(),
    };
    match seconds {
        Some(s) if s <= MAX_LIFETIME_S => Ok(s),
        _ => Err(format!(
            "must be a whole number of seconds from 0 to {MAX_LIFETIME_S}"
        )),
    }
}

pub(super) fn ice_urls(
    policy: &Policy,
    raw: &Raw,
    prefixes: &[&str],
) -> Result<Vec<String>, String> {
    let urls = raw.as_list()?;
    if urls.len() > MAX_ICE_URLS {
        return Err(format!("lists {} URLs; at most {MAX_ICE_URLS}", urls.len()));
    }
    urls.iter()
        .map(|u| target::ice_url(policy, u, prefixes))
        .collect()
}

pub(super) fn turn_servers(policy: &Policy, raw: &Raw) -> Result<Vec<TurnServer>, String> {
    let Raw::Json(value) = raw else {
        return Err("TURN servers can only be set in conncheck.json".into());
    };
    let entries: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        single => vec![single],
    };
    entries
        .into_iter()
        .map(|entry| {
            let Value::Object(map) = entry else {
                return Err(format!(
                    "must list objects {{\"urls\", \"username\", \"credential\"}}, found {}",
                    entry.kind()
                ));
            };
            let urls = map.get("urls").ok_or("a TURN server lacks \"urls\"")?;
            let text_field = |name: &str| match map.get(name) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(format!(
                    "\"{name}\" must be a string, found {}",
                    other.kind()
                )),
            };
            Ok(TurnServer {
                urls: ice_urls(policy, &Raw::Json(urls), &["turn:", "turns:"])?,
                username: text_field("username")?,
                credential: text_field("credential")?,
            })
        })
        .collect()
}
