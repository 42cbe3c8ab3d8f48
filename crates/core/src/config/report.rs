//! What the report shows of the configuration: no credentials, no query
//! values.

use crate::weburl::Url;
use serde::{Deserialize, Serialize};

use super::{Config, ConfigError, FileStatus};
use crate::privacy::redact_url;

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
