//! One setting applied to the configuration, by its key: each key's value
//! read and checked as the browser will use it.

use crate::privacy::quoted;
use crate::weburl::Url;

use super::key::KNOWN_KEYS;
use super::target::{self, Policy, Scheme};
use super::values::{cookie_names, ice_urls, lifetime, turn_servers, Raw};
use super::{Config, Source};

pub(super) fn apply(
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
                "unknown key {}, ignored; known keys: {}",
                quoted(other),
                KNOWN_KEYS.join(", ")
            ))
        }
    }
    Ok(())
}
