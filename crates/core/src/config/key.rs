//! What a configuration error is about ([`ConfigKey`]), and the keys a
//! configuration knows.

use serde::{Deserialize, Serialize};

pub(super) const KNOWN_KEYS: &[&str] = &[
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

pub(super) const UNREADABLE_KEY: &str = "(unreadable key)";
