//! The effective configuration: the operator's `conncheck.json`, overridden
//! by the support URL's query parameters (same keys, see docs/contracts.md).
//!
//! Resolution never fails as a whole: every bad value becomes a
//! [`ConfigError`] naming the key and where it came from, and that key is left
//! unset (`None`) so the checks that need it are skipped with the reason,
//! while the others still run.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::privacy::redact_url;
use target::{Policy, Scheme};

#[path = "config_target.rs"]
mod target;
pub use target::{excerpt, EXCERPT_CHARS};

pub const DEFAULT_SOCKETIO_PATH: &str = "/socket.io/";
pub const MAX_LIFETIME_S: u64 = 7200;
const KNOWN_KEYS: &[&str] = &[
    "socketio",
    "namespace",
    "ws",
    "cookie",
    "lifetime",
    "stun",
    "turn",
    "livekit",
    "allow_origins",
    "companion",
];

/// What a configuration error is about: a known key, the file or the link
/// as a whole, a key too long or odd to repeat, or an unknown key (as the
/// source wrote it, or redacted). In reports, the key's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum ConfigKey {
    Socketio,
    Namespace,
    Ws,
    Cookie,
    Lifetime,
    Stun,
    Turn,
    Livekit,
    AllowOrigins,
    Companion,
    /// `conncheck.json` as a whole.
    File,
    /// The support link as a whole.
    Link,
    /// A key too long, or with control characters.
    Unreadable,
    Unknown(String),
}

impl ConfigKey {
    const NAMED: [(ConfigKey, &'static str); 13] = [
        (ConfigKey::Socketio, "socketio"),
        (ConfigKey::Namespace, "namespace"),
        (ConfigKey::Ws, "ws"),
        (ConfigKey::Cookie, "cookie"),
        (ConfigKey::Lifetime, "lifetime"),
        (ConfigKey::Stun, "stun"),
        (ConfigKey::Turn, "turn"),
        (ConfigKey::Livekit, "livekit"),
        (ConfigKey::AllowOrigins, "allow_origins"),
        (ConfigKey::Companion, "companion"),
        (ConfigKey::File, "conncheck.json"),
        (ConfigKey::Link, "link"),
        (ConfigKey::Unreadable, UNREADABLE_KEY),
    ];

    /// The key's text, as reports have it.
    pub fn as_str(&self) -> &str {
        match self {
            ConfigKey::Unknown(key) => key,
            named => Self::NAMED
                .iter()
                .find(|(k, _)| k == named)
                .map_or("", |(_, name)| name),
        }
    }
}

impl From<String> for ConfigKey {
    fn from(key: String) -> ConfigKey {
        Self::NAMED
            .into_iter()
            .find(|(_, name)| *name == key)
            .map_or(ConfigKey::Unknown(key), |(k, _)| k)
    }
}

impl From<&str> for ConfigKey {
    fn from(key: &str) -> ConfigKey {
        ConfigKey::from(key.to_owned())
    }
}

impl From<ConfigKey> for String {
    fn from(key: ConfigKey) -> String {
        key.as_str().to_owned()
    }
}

const UNREADABLE_KEY: &str = "(unreadable key)";
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

/// A raw value: JSON from the file, or text from the query string.
enum Raw<'a> {
    Json(&'a Value),
    Text(&'a str),
}

impl Raw<'_> {
    fn source(&self) -> Source {
        match self {
            Raw::Json(_) => Source::File,
            Raw::Text(_) => Source::Query,
        }
    }

    fn as_text(&self) -> Result<&str, String> {
        match self {
            Raw::Text(t) => Ok(t),
            Raw::Json(Value::String(s)) => Ok(s),
            Raw::Json(other) => Err(format!("must be a string, found {}", json_kind(other))),
        }
    }

    /// A list: a JSON string or array of strings, or comma-separated text.
    fn as_list(&self) -> Result<Vec<String>, String> {
        let items: Vec<String> = match self {
            Raw::Json(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.trim_matches(' ').to_owned()),
                    other => Err(format!("must list strings, found {}", json_kind(other))),
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

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
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
    let query_pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
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

fn parse_file(
    file: &FileLoad,
    errors: &mut Vec<ConfigError>,
) -> (FileStatus, serde_json::Map<String, Value>) {
    let mut fail = |message: String| {
        errors.push(ConfigError {
            key: ConfigKey::File,
            source: Source::File,
            message,
        });
    };
    match file {
        FileLoad::NotFound => (FileStatus::NotFound, Default::default()),
        FileLoad::Failed(reason) => {
            fail(format!(
                "could not be loaded ({reason}); using the defaults"
            ));
            (FileStatus::Unavailable, Default::default())
        }
        FileLoad::Loaded(body) => match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(map)) => (FileStatus::Loaded, map),
            Ok(other) => {
                fail(format!(
                    "must hold a JSON object, found {}; using the defaults",
                    json_kind(&other)
                ));
                (FileStatus::Invalid, Default::default())
            }
            Err(e) => {
                fail(format!("is not valid JSON ({e}); using the defaults"));
                (FileStatus::Invalid, Default::default())
            }
        },
    }
}

fn parse_allow_origins(v: &Value) -> Result<Vec<String>, String> {
    Raw::Json(v)
        .as_list()?
        .iter()
        .map(|o| match Url::parse(o) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.origin().is_tuple() => {
                Ok(u.origin().ascii_serialization())
            }
            _ => Err(format!(
                "{o:?} is not an origin such as https://chat.example.com"
            )),
        })
        .collect()
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

fn apply(
    config: &mut Config,
    page: &Url,
    operator_ice: &[(String, u16)],
    key: &str,
    raw: &Raw,
) -> Result<(), String> {
    let from_query = raw.source() == Source::Query;
    let allowed = config.allow_origins.clone();
    let policy = Policy {
        page,
        allowed: &allowed,
        operator_ice,
        from_query,
    };
    match key {
        "socketio" => {
            let mut url = target::endpoint(&policy, raw.as_text()?, Scheme::Http)?;
            if !url.path().ends_with('/') {
                let path = format!("{}/", url.path());
                url.set_path(&path);
            }
            config.socketio = Some(url);
        }
        "ws" => config.ws = Some(target::endpoint(&policy, raw.as_text()?, Scheme::Ws)?),
        "livekit" => {
            let text = raw.as_text()?;
            if text.trim_start().starts_with('/') {
                return Err("must be an absolute URL such as wss://livekit.example.com".into());
            }
            config.livekit = Some(target::endpoint(&policy, text, Scheme::Http)?);
        }
        "companion" => config.companion = Some(target::namespace(raw.as_text()?)?),
        "namespace" => config.namespace = Some(target::namespace(raw.as_text()?)?),
        "cookie" => config.cookie_names = cookie_names(raw)?,
        "lifetime" => config.lifetime_s = lifetime(raw)?,
        "stun" => config.stun = ice_urls(&policy, raw, &["stun:", "stuns:"])?,
        "turn" if from_query => {
            return Err(
                "TURN servers carry credentials, so they can only be set in conncheck.json".into(),
            )
        }
        "turn" => config.turn = turn_servers(&policy, raw)?,
        "allow_origins" if from_query => {
            return Err("can only be set by the operator in conncheck.json".into())
        }
        "allow_origins" => {} // read first, before any endpoint is checked
        other => {
            return Err(format!(
                "unknown key {other:?}, ignored; known keys: {}",
                KNOWN_KEYS.join(", ")
            ))
        }
    }
    Ok(())
}

fn cookie_names(raw: &Raw) -> Result<Vec<String>, String> {
    let names = raw.as_list()?;
    // RFC 6265 cookie-name is an RFC 2616 token.
    let is_token = |n: &str| {
        n.chars()
            .all(|c| c.is_ascii_graphic() && !"()<>@,;:\\\"/[]?={}".contains(c))
    };
    match names.iter().find(|n| !is_token(n) || n.len() > 128) {
        Some(bad) => Err(format!("{} is not a cookie name", excerpt(bad))),
        None => Ok(names),
    }
}

fn lifetime(raw: &Raw) -> Result<u64, String> {
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

fn ice_urls(policy: &Policy, raw: &Raw, prefixes: &[&str]) -> Result<Vec<String>, String> {
    let urls = raw.as_list()?;
    if urls.len() > MAX_ICE_URLS {
        return Err(format!("lists {} URLs; at most {MAX_ICE_URLS}", urls.len()));
    }
    urls.iter()
        .map(|u| target::ice_url(policy, u, prefixes))
        .collect()
}

fn turn_servers(policy: &Policy, raw: &Raw) -> Result<Vec<TurnServer>, String> {
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
                    json_kind(entry)
                ));
            };
            let urls = map.get("urls").ok_or("a TURN server lacks \"urls\"")?;
            let text_field = |name: &str| match map.get(name) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(format!(
                    "\"{name}\" must be a string, found {}",
                    json_kind(other)
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

/// The configuration as the report shows it: no credentials, no query values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub socketio: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cookie: Vec<String>,
    pub lifetime: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stun: Vec<String>,
    /// TURN URLs only; usernames and credentials never leave the page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub turn: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livekit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub companion: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_origins: Vec<String>,
    pub file: FileStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ConfigError>,
    /// Provenance: the keys a support link set, whose values above came from
    /// the link rather than from the operator's `conncheck.json`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from_link: Vec<String>,
}

impl From<&Config> for ReportConfig {
    fn from(c: &Config) -> Self {
        let redact = |u: &Option<Url>| u.as_ref().map(|u| redact_url(u.as_str()));
        ReportConfig {
            socketio: redact(&c.socketio),
            namespace: c.namespace.clone(),
            ws: redact(&c.ws),
            cookie: c.cookie_names.clone(),
            lifetime: c.lifetime_s,
            stun: c.stun.iter().map(|u| redact_url(u)).collect(),
            turn: c
                .turn
                .iter()
                .flat_map(|t| t.urls.iter().map(|u| redact_url(u)))
                .collect(),
            livekit: redact(&c.livekit),
            companion: c.companion.clone(),
            allow_origins: c.allow_origins.clone(),
            file: c.file,
            errors: c.errors.clone(),
            from_link: c.from_link.clone(),
        }
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "config_target_tests.rs"]
mod target_tests;
