//! `affinity-cookie`'s data: the affinity cookies seen, by name and
//! attributes, and which platform each name belongs to.

use serde::{Deserialize, Serialize};

use crate::check::VisibleCookie;

/// The platform whose affinity cookie this name is, if it is one.
pub fn identify(name: &str, configured: &[String]) -> Option<&'static str> {
    if configured.iter().any(|c| c == name) {
        return Some("configured");
    }
    let traefik = name.len() == 6
        && name.starts_with('_')
        && name[1..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    Some(match name {
        "INGRESSCOOKIE" => "ingress-nginx",
        "GCLB" => "GKE / Google Cloud load balancer",
        "AWSALB" | "AWSALBCORS" => "AWS ALB",
        n if n.starts_with("AWSALBAPP-") => "AWS ALB",
        "SERVERID" => "HAProxy",
        "ARRAffinity" | "ARRAffinitySameSite" => "Azure Application Gateway",
        "__cflb" => "Cloudflare load balancer",
        "io" => "Engine.IO (cookie: true)",
        _ if traefik => "Traefik",
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundCookie {
    pub platform: String,
    #[serde(flatten)]
    pub cookie: VisibleCookie,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffinityCookieData {
    pub configured: Vec<String>,
    pub found: Vec<FoundCookie>,
    /// How many cookies the page could see at all.
    pub visible_cookies: usize,
    pub cross_origin: bool,
    pub read: bool,
}
