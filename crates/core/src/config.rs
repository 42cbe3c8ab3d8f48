//! The effective configuration: the operator's `conncheck.json`, overridden
//! by the support URL's query parameters (same keys, see docs/contracts.md).
//!
//! Resolution never fails as a whole: every bad value becomes a
//! [`ConfigError`] naming the key and where it came from, and that key is left
//! unset (`None`) so the checks that need it are skipped with the reason,
//! while the others still run.

mod apply;
mod file;
mod key;
mod report;
mod values;

use crate::weburl::{self, Url};
use serde::{Deserialize, Serialize};

use apply::apply;
use file::{parse_allow_origins, parse_file};
use key::{KNOWN_KEYS, UNREADABLE_KEY};
use values::Raw;

#[path = "config_target.rs"]
mod target;
pub use key::ConfigKey;
pub use report::ReportConfig;
pub use target::{excerpt, EXCERPT_CHARS};

/// Whether `text` is a Socket.IO namespace this page accepts (the rule
/// its configuration applies).
pub(crate) fn is_namespace(text: &str) -> bool {
    target::namespace(text).is_ok()
}

/// Whether `text` is a cookie name this page accepts (the rule its
/// configuration applies).
pub(crate) fn is_cookie_name(text: &str) -> bool {
    values::is_cookie_name(text)
}

pub const DEFAULT_SOCKETIO_PATH: &str = "/socket.io/";
pub const MAX_LIFETIME_S: u64 = 7200;
/// A link's settings read at most: a support link needs a handful.
pub const MAX_LINK_SETTINGS: usize = 32;
/// Longest value a link may give one setting.
pub const MAX_VALUE_CHARS: usize = 2048;
const MAX_KEY_CHARS: usize = 40;
pub(crate) const MAX_ICE_URLS: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    File,
    Query,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigError {
    pub key: ConfigKey,
    pub source: Source,
    pub message: String,
}

/// What became of the request for `conncheck.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileLoad {
    Loaded(String),
    /// 404: the operator relies on the defaults.
    NotFound,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnServer {
    pub urls: Vec<String>,
    pub username: Option<String>,
    pub credential: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The Socket.IO endpoint as an http(s) URL ending in `/`; `None` when the
    /// configured value was invalid.
    pub socketio: Option<Url>,
    pub namespace: Option<String>,
    /// The extra WebSocket URL (ws or wss) to test, if configured and valid.
    pub ws: Option<Url>,
    pub cookie_names: Vec<String>,
    pub lifetime_s: u64,
    pub stun: Vec<String>,
    pub turn: Vec<TurnServer>,
    pub livekit: Option<Url>,
    /// The Socket.IO namespace of the app's conncheck companion; off when absent.
    pub companion: Option<String>,
    pub allow_origins: Vec<String>,
    pub file: FileStatus,
    pub errors: Vec<ConfigError>,
    /// The keys the support link set (each once, in the link's order).
    pub from_link: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileStatus {
    Loaded,
    NotFound,
    Invalid,
    Unavailable,
}

impl Config {
    pub fn error_for(&self, key: ConfigKey) -> Option<&ConfigError> {
        self.errors.iter().find(|e| e.key == key)
    }
}

pub fn resolve(page: &Url, file: &FileLoad, query: &str) -> Config {
    let mut errors = Vec::new();
    let (file_status, file_map) = parse_file(file, &mut errors);
    let allow_origins = match file_map.get("allow_origins") {
        Some(v) => parse_allow_origins(v).unwrap_or_else(|message| {
            errors.push(ConfigError {
                key: ConfigKey::AllowOrigins,
                source: Source::File,
                message,
            });
            Vec::new()
        }),
        None => Vec::new(),
    };
    let mut config = Config {
        socketio: page.join(DEFAULT_SOCKETIO_PATH).ok(),
        namespace: Some("/".into()),
        ws: None,
        cookie_names: Vec::new(),
        lifetime_s: 0,
        stun: Vec::new(),
        turn: Vec::new(),
        livekit: None,
        companion: None,
        allow_origins,
        file: file_status,
        errors: Vec::new(),
        from_link: Vec::new(),
    };
    let query_pairs = weburl::form_pairs(query.trim_start_matches('?'));
    let file_raws: Vec<(&str, Raw)> = file_map
        .iter()
        .map(|(k, v)| (k.as_str(), Raw::Json(v)))
        .collect();
    let mut operator_ice = Vec::new();
    apply_all(&mut config, page, &operator_ice, file_raws, &mut errors);
    for url in config
        .stun
        .iter()
        .chain(config.turn.iter().flat_map(|t| &t.urls))
    {
        if let Some(prefix) = ["stuns:", "stun:", "turns:", "turn:"]
            .iter()
            .find(|p| url.starts_with(*p))
        {
            operator_ice.extend(target::ice_host_port(prefix, url).ok());
        }
    }
    if query_pairs.len() > MAX_LINK_SETTINGS {
        errors.push(ConfigError {
            key: ConfigKey::Link,
            source: Source::Query,
            message: format!(
                "has {} settings; only the first {MAX_LINK_SETTINGS} were read",
                query_pairs.len()
            ),
        });
    }
    let query_raws = query_pairs
        .iter()
        .take(MAX_LINK_SETTINGS)
        .map(|(k, v)| (k.as_str(), Raw::Text(v.as_str())))
        .collect();
    apply_all(&mut config, page, &operator_ice, query_raws, &mut errors);
    config.errors = errors;
    config
}

fn apply_all(
    config: &mut Config,
    page: &Url,
    operator_ice: &[(String, u16)],
    raws: Vec<(&str, Raw)>,
    errors: &mut Vec<ConfigError>,
) {
    for (key, raw) in raws {
        let source = raw.source();
        let key = if key.chars().count() > MAX_KEY_CHARS || key.chars().any(char::is_control) {
            UNREADABLE_KEY
        } else {
            key
        };
        let result = match &raw {
            Raw::Text(t) if t.len() > MAX_VALUE_CHARS => Err(format!(
                "is {} characters long; at most {MAX_VALUE_CHARS}",
                t.len()
            )),
            _ => apply(config, page, operator_ice, key, &raw),
        };
        match result {
            Ok(()) if source == Source::Query => {
                config.from_link.retain(|k| k != key);
                config.from_link.push(key.to_owned());
            }
            Ok(()) => {}
            Err(message) => {
                // An unknown key is the link's own text: one that looks like
                // a token is not repeated into the report.
                let known = KNOWN_KEYS.contains(&key);
                let (key, message) = match crate::privacy::redact_key(key) {
                    Some(redacted) if !known => (
                        redacted,
                        format!(
                            "an unknown key, ignored; known keys: {}",
                            KNOWN_KEYS.join(", ")
                        ),
                    ),
                    _ => (key.to_owned(), message),
                };
                if source == Source::Query {
                    config.from_link.retain(|k| *k != key);
                }
                let key = ConfigKey::from(key);
                invalidate(config, &key);
                errors.push(ConfigError {
                    key,
                    source,
                    message,
                });
            }
        }
    }
}

fn invalidate(config: &mut Config, key: &ConfigKey) {
    match key {
        ConfigKey::Socketio => config.socketio = None,
        ConfigKey::Namespace => config.namespace = None,
        ConfigKey::Ws => config.ws = None,
        ConfigKey::Livekit => config.livekit = None,
        ConfigKey::Companion => config.companion = None,
        _ => {}
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "config_target_tests.rs"]
mod target_tests;
